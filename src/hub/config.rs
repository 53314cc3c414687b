//! What the hub is told when it opens (its data directory, collections and paging
//! limits), what it is told per request about the gateway's own addresses, and the one
//! error type of opening it.

use std::collections::HashSet;
use std::path::PathBuf;
use taxii_core::{ContentBinding, ServiceEndpoint};

/// The hub's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubConfig {
    /// Where the store lives (`hub.redb` inside it). Created on first run.
    pub data_dir: PathBuf,
    /// The collections (1.0: feeds) the hub holds. Names are unique.
    pub collections: Vec<HubCollection>,
    /// Where an Inbox Message goes when it names no Destination Collection (every TAXII
    /// 1.0 push, and 1.1 pushes without `Destination_Collection_Name`): each of these
    /// collections receives every block. Empty = such pushes are refused (1.1:
    /// DESTINATION_COLLECTION_ERROR listing the acceptable destinations; 1.0: FAILURE).
    pub default_inbox: Vec<String>,
    /// Content blocks per part of a multi-part (TAXII 1.1) poll result. At least 1.
    pub part_size: usize,
    /// The most blocks one TAXII 1.0 Poll Response carries (1.0 has no paging). A larger
    /// range is answered with its first `max_10_poll_blocks` blocks and an Inclusive End
    /// label narrowed to the last of them, plus a Message saying so. At least 1.
    pub max_10_poll_blocks: usize,
    /// How long an unfinished multi-part result set is kept for Poll Fulfillment.
    pub result_set_ttl: std::time::Duration,
}

impl HubConfig {
    /// A configuration with the default limits: parts of 100 blocks, at most 10,000 blocks
    /// per 1.0 poll, result sets kept for 24 hours, no default inbox collection.
    pub fn new(data_dir: impl Into<PathBuf>, collections: Vec<HubCollection>) -> HubConfig {
        HubConfig {
            data_dir: data_dir.into(),
            collections,
            default_inbox: Vec::new(),
            part_size: 100,
            max_10_poll_blocks: 10_000,
            result_set_ttl: std::time::Duration::from_secs(24 * 3600),
        }
    }

    /// The collection named `name`, if the hub holds it.
    pub fn collection(&self, name: &str) -> Option<&HubCollection> {
        self.collections.iter().find(|c| c.name == name)
    }

    /// Every problem with this configuration, all at once.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.part_size == 0 {
            problems.push("part_size must be at least 1".to_owned());
        }
        if self.max_10_poll_blocks == 0 {
            problems.push("max_10_poll_blocks must be at least 1".to_owned());
        }
        let mut seen = HashSet::new();
        for c in &self.collections {
            if c.name.is_empty() {
                problems.push("a collection has an empty name".to_owned());
            } else if !seen.insert(c.name.as_str()) {
                problems.push(format!("collection {:?} is configured twice", c.name));
            }
        }
        for name in &self.default_inbox {
            if self.collection(name).is_none() {
                problems.push(format!(
                    "default_inbox names {name:?}, which is not a hub collection"
                ));
            }
        }
        problems
    }
}

/// One collection (1.0: feed) the hub holds. Always a Data Feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubCollection {
    pub name: String,
    pub description: String,
    /// The content the collection accepts and advertises; empty = any.
    pub accepted_content: Vec<ContentBinding>,
}

impl HubCollection {
    /// A collection that accepts any content.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> HubCollection {
        HubCollection {
            name: name.into(),
            description: description.into(),
            accepted_content: Vec::new(),
        }
    }

    /// Whether a block in `binding` may be stored here.
    pub fn accepts(&self, binding: &ContentBinding) -> bool {
        self.accepted_content.is_empty() || binding_matches(&self.accepted_content, binding)
    }
}

/// Whether `binding` is one of `allowed`: same binding id, and either the allowed entry
/// names no subtypes or the binding's subtypes are all among them.
pub fn binding_matches(allowed: &[ContentBinding], binding: &ContentBinding) -> bool {
    allowed.iter().any(|a| {
        a.binding_id == binding.binding_id
            && (a.subtypes.is_empty() || binding.subtypes.iter().all(|s| a.subtypes.contains(s)))
    })
}

/// The gateway's own service addresses, as the requester reached it: what the hub writes
/// into Collection Information (Polling Service, Subscription Service, Receiving Inbox
/// Service) and into Subscription responses (Poll Instance).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceAddresses {
    pub poll: Vec<ServiceEndpoint>,
    pub collection_management: Vec<ServiceEndpoint>,
    pub inbox: Vec<ServiceEndpoint>,
}

/// Why the hub could not open.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The configuration is inconsistent; every problem is listed.
    #[error("hub configuration: {}", .0.join("; "))]
    Config(Vec<String>),
    /// The data directory cannot be created or written.
    #[error("hub data directory {}: cannot create or write it: {source}", .path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The store file cannot be opened (held by another process, corrupt, not a store).
    #[error("hub store {}: {source}", .path.display())]
    Open {
        path: PathBuf,
        source: Box<redb::DatabaseError>,
    },
    /// The store opened but could not be read or prepared (I/O error, full disk).
    #[error("hub store {}: {source}", .path.display())]
    Storage {
        path: PathBuf,
        source: Box<redb::Error>,
    },
}
