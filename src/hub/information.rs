//! Collection Information (1.1) and Feed Information (1.0): the hub's collections, each
//! pointing at the gateway's own poll, subscription and inbox addresses.
//!
//! 1.0 has no way to say "any content" (a feed lists at least one binding), so a
//! collection that accepts anything lists the STIX bindings of the Content Binding
//! Reference to 1.0 requesters. The hub does not push, so no Push Method is listed.

use super::config::{HubCollection, ServiceAddresses};
use super::Hub;
use taxii_core::ids::content;
use taxii_core::{
    Body, CollectionInformation, CollectionInformationResponse, CollectionType, ContentBinding,
    ReceivingInboxService, Version,
};

/// What a 1.0 requester is told an any-content collection holds.
const STIX_BINDINGS: [&str; 6] = [
    content::STIX_XML_10,
    content::STIX_XML_101,
    content::STIX_XML_11,
    content::STIX_XML_111,
    content::STIX_XML_12,
    content::STIX_XML_121,
];

impl Hub {
    pub(super) fn collection_information(
        &self,
        version: Version,
        addresses: &ServiceAddresses,
    ) -> Body {
        Body::CollectionInformationResponse(CollectionInformationResponse {
            collections: self
                .config()
                .collections
                .iter()
                .map(|c| describe(c, version, addresses))
                .collect(),
        })
    }
}

fn describe(
    collection: &HubCollection,
    version: Version,
    addresses: &ServiceAddresses,
) -> CollectionInformation {
    let supported_contents = match version {
        Version::V11 => collection.accepted_content.clone(),
        Version::V10 if collection.accepted_content.is_empty() => STIX_BINDINGS
            .iter()
            .map(|b| ContentBinding::new(*b))
            .collect(),
        Version::V10 => {
            // 1.0 has no subtypes: each binding once.
            let mut ids: Vec<ContentBinding> = Vec::new();
            for binding in &collection.accepted_content {
                if !ids.iter().any(|b| b.binding_id == binding.binding_id) {
                    ids.push(ContentBinding::new(binding.binding_id.clone()));
                }
            }
            ids
        }
    };
    let receiving_inbox_services = match version {
        Version::V10 => Vec::new(),
        Version::V11 => addresses
            .inbox
            .iter()
            .map(|endpoint| ReceivingInboxService {
                endpoint: endpoint.clone(),
                supported_contents: collection.accepted_content.clone(),
            })
            .collect(),
    };
    CollectionInformation {
        collection_name: collection.name.clone(),
        collection_type: (version == Version::V11).then_some(CollectionType::DataFeed),
        available: Some(true),
        description: collection.description.clone(),
        collection_volume: None,
        supported_contents,
        push_methods: Vec::new(),
        polling_services: addresses.poll.clone(),
        subscription_services: addresses.collection_management.clone(),
        receiving_inbox_services,
    }
}
