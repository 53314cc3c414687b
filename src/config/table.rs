//! The validated route table: what the router reads. Every value here has been checked
//! (names resolve, addresses parse, files exist, secrets were read), so the router never
//! re-validates; it only looks things up.
//!
//! The file form lives in [`super::file`]; [`super::load`] turns one into the other.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use taxii_core::Version;
pub use taxii_http::Secret;

use super::routes::{CollectionRoute, Partner, Peer};
use crate::bindings::MessageBindingKind;

/// The whole route table, as loaded from one `routes.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTable {
    /// The file it was loaded from.
    pub source: PathBuf,
    /// The built-in hub, when the table has a `[hub]`.
    pub hub: Option<HubSettings>,
    pub listeners: Vec<ListenerRoute>,
    pub partners: Vec<Partner>,
    pub peers: Vec<Peer>,
    pub collections: Vec<CollectionRoute>,
}

impl RouteTable {
    pub fn listener(&self, name: &str) -> Option<&ListenerRoute> {
        self.listeners.iter().find(|l| l.name == name)
    }

    pub fn partner(&self, name: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.name == name)
    }

    pub fn peer(&self, name: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.name == name)
    }

    pub fn collection(&self, name: &str) -> Option<&CollectionRoute> {
        self.collections.iter().find(|c| c.name == name)
    }

    /// The collections a partner may see, in table order.
    pub fn collections_for<'a>(
        &'a self,
        partner: &'a Partner,
    ) -> impl Iterator<Item = &'a CollectionRoute> + 'a {
        self.collections.iter().filter(|c| partner.may_see(&c.name))
    }
}

/// The built-in hub's settings (`[hub]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSettings {
    /// Absolute, or relative to the working directory (already joined to the routes file's
    /// directory when the file gave a relative path).
    pub data_dir: PathBuf,
    /// Content blocks per poll part.
    pub part_size: usize,
    /// The most blocks one TAXII 1.0 poll response carries (1.0 has no multi-part polls).
    pub max_10_poll_blocks: usize,
}

/// Where partners connect (`[[listener]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerRoute {
    pub name: String,
    pub protocol: ListenerProtocol,
    /// The message bindings accepted here, in the file's order.
    pub message_bindings: Vec<MessageBindingKind>,
    /// The TAXII versions accepted here.
    pub versions: Vec<Version>,
    /// The URL partners use when the gateway sits behind a proxy (service addresses in
    /// discovery answers are built from it).
    pub public_url: Option<String>,
    pub max_body_bytes: usize,
    pub header_timeout: Duration,
    pub max_connections: usize,
}

impl ListenerRoute {
    /// The socket address of an HTTP or HTTPS listener.
    pub fn bind(&self) -> Option<SocketAddr> {
        match &self.protocol {
            ListenerProtocol::Http { bind, .. } | ListenerProtocol::Https { bind, .. } => {
                Some(*bind)
            }
            ListenerProtocol::Amqp { .. } => None,
        }
    }

    /// The base path of an HTTP or HTTPS listener (`/taxii`; never ends with `/` unless it
    /// is `/`).
    pub fn path(&self) -> Option<&str> {
        match &self.protocol {
            ListenerProtocol::Http { path, .. } | ListenerProtocol::Https { path, .. } => {
                Some(path)
            }
            ListenerProtocol::Amqp { .. } => None,
        }
    }

    pub fn accepts_binding(&self, binding: MessageBindingKind) -> bool {
        self.message_bindings.contains(&binding)
    }

    pub fn accepts_version(&self, version: Version) -> bool {
        self.versions.contains(&version)
    }
}

/// How a listener is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenerProtocol {
    Http {
        bind: SocketAddr,
        path: String,
    },
    Https {
        bind: SocketAddr,
        path: String,
        tls: ServerTls,
    },
    Amqp {
        /// The broker and the queue's address (may carry a password when it came from
        /// `url_env`, so it is kept redacted).
        url: BrokerUrl,
        queue: String,
        prefetch: u16,
    },
}

/// An HTTPS listener's certificate files (checked readable at load time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTls {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub client_ca_file: Option<PathBuf>,
    /// Refuse the handshake without a client certificate (needs `client_ca_file`).
    pub require_client_cert: bool,
}

/// An AMQP URL that may carry a password: `Debug` and `Display` show it with the password
/// replaced by `***`; [`BrokerUrl::expose`] gives the whole URL to the one place that
/// connects.
#[derive(Clone, PartialEq, Eq)]
pub struct BrokerUrl(String);

impl BrokerUrl {
    pub fn new(url: impl Into<String>) -> BrokerUrl {
        BrokerUrl(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.password().is_some() => {
                // Setting a password only fails for URLs that cannot have one.
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            Ok(_) => self.0.clone(),
            Err(_) => "<unparsable URL>".to_owned(),
        }
    }
}

impl std::fmt::Debug for BrokerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BrokerUrl({:?})", self.redacted())
    }
}

impl std::fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}
