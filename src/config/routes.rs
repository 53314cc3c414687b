//! The validated partners, peers and collections of a [`super::RouteTable`]: who may
//! connect, the communities behind the gateway, and which collection lives where.

use std::path::PathBuf;
use std::time::Duration;

use taxii_core::Version;

use super::Secret;
use crate::bindings::MessageBindingKind;

/// Who may connect (`[[partner]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub name: String,
    pub auth: PartnerAuth,
    pub collections: CollectionGrant,
    /// `None`: any listener; `Some`: only these (names of existing listeners).
    pub listeners: Option<Vec<String>>,
}

impl Partner {
    /// Whether the partner was granted the collection (by name, or by `"*"`).
    pub fn may_see(&self, collection_name: &str) -> bool {
        match &self.collections {
            CollectionGrant::All => true,
            CollectionGrant::Only(names) => names.iter().any(|n| n == collection_name),
        }
    }

    /// Whether the partner may connect through the listener.
    pub fn may_use_listener(&self, listener_name: &str) -> bool {
        match &self.listeners {
            None => true,
            Some(names) => names.iter().any(|n| n == listener_name),
        }
    }
}

/// How a partner proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerAuth {
    /// Anyone reaching the listener is this partner.
    Anonymous,
    /// HTTP Basic; the password was read from the environment or a file at load time.
    Basic { user: String, password: Secret },
    /// A TLS client certificate whose subject is exactly this (e.g. `CN=acme,O=Acme`).
    CertificateSubject(String),
    /// A TLS client certificate whose SHA-256 fingerprint is this (64 lowercase hex digits).
    CertificateSha256(String),
}

impl PartnerAuth {
    /// A short name for summaries and logs: `anonymous`, `basic`, `certificate`.
    pub fn kind(&self) -> &'static str {
        match self {
            PartnerAuth::Anonymous => "anonymous",
            PartnerAuth::Basic { .. } => "basic",
            PartnerAuth::CertificateSubject(_) | PartnerAuth::CertificateSha256(_) => "certificate",
        }
    }
}

/// The collections a partner was granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectionGrant {
    /// `["*"]`: every collection in the table.
    All,
    /// These names (each one a `[[collection]]` of the table).
    Only(Vec<String>),
}

/// A community behind the gateway (`[[peer]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    pub protocol: PeerProtocol,
    /// The message binding spoken to the peer; `None` for `local` (the hub is called
    /// directly, with no binding in between).
    pub message: Option<MessageBindingKind>,
    /// The TAXII version spoken to the peer.
    pub services: Version,
    pub addresses: PeerAddresses,
    /// Name the remote collection in the inbox message's Destination_Collection_Name
    /// (TAXII 1.1 only; always `false` for 1.0 peers).
    pub inbox_destination: bool,
    pub auth: PeerAuth,
    pub tls: Option<ClientTls>,
    /// An outbound HTTP CONNECT proxy (`http://host:port`).
    pub proxy: Option<String>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Peer {
    pub fn is_local(&self) -> bool {
        self.protocol == PeerProtocol::Local
    }

    /// The address of a service, `None` when the peer has none (always for `local`).
    pub fn address(&self, service: PeerService) -> Option<&str> {
        let a = &self.addresses;
        match service {
            PeerService::Discovery => a.discovery.as_deref(),
            PeerService::CollectionManagement => a.collection_management.as_deref(),
            PeerService::Poll => a.poll.as_deref(),
            PeerService::Inbox => a.inbox.as_deref(),
        }
    }

    /// Whether the peer can serve a request of this kind: local peers serve every kind.
    pub fn offers(&self, service: PeerService) -> bool {
        self.is_local() || self.address(service).is_some()
    }
}

/// How a peer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerProtocol {
    Http,
    Https,
    Amqp,
    /// The built-in hub of this gateway (`[hub]`).
    Local,
}

impl PeerProtocol {
    pub fn name(self) -> &'static str {
        match self {
            PeerProtocol::Http => "http",
            PeerProtocol::Https => "https",
            PeerProtocol::Amqp => "amqp",
            PeerProtocol::Local => "local",
        }
    }
}

/// The TAXII services of a peer the gateway calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerService {
    Discovery,
    CollectionManagement,
    Poll,
    Inbox,
}

/// A peer's service addresses (validated URLs whose scheme fits the peer's protocol).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerAddresses {
    pub discovery: Option<String>,
    pub collection_management: Option<String>,
    pub poll: Option<String>,
    pub inbox: Option<String>,
}

/// How the gateway proves itself to a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerAuth {
    None,
    Basic {
        user: String,
        password: Secret,
    },
    /// A client certificate (files checked readable at load time).
    Certificate {
        cert_file: PathBuf,
        key_file: PathBuf,
    },
}

/// TLS settings for reaching an `https` or `amqps` peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// The CA to trust instead of the system's.
    pub ca_file: Option<PathBuf>,
    /// The name to verify instead of the address's host.
    pub server_name: Option<String>,
}

/// What partners see, and where it really lives (`[[collection]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRoute {
    /// The name partners see.
    pub name: String,
    /// The peer holding it (a `[[peer]]` of the table).
    pub peer: String,
    /// Its name at the peer.
    pub remote: String,
    /// Replaces the peer's description in collection information.
    pub description: Option<String>,
    /// The services offered to partners for it, in the file's order.
    pub services: Vec<CollectionService>,
    /// More places an inbox message to it is sent to.
    pub push_to: Vec<PushTarget>,
    /// The content bindings a local (hub) collection accepts; `None`: any.
    pub content_bindings: Option<Vec<String>>,
}

impl CollectionRoute {
    pub fn offers(&self, service: CollectionService) -> bool {
        self.services.contains(&service)
    }
}

/// A service offered to partners for one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectionService {
    /// Collection information (feed information in 1.0).
    Information,
    Poll,
    Inbox,
    Subscription,
}

impl CollectionService {
    pub const ALL: [CollectionService; 4] = [
        CollectionService::Information,
        CollectionService::Poll,
        CollectionService::Inbox,
        CollectionService::Subscription,
    ];

    /// The name used in `routes.toml`.
    pub fn name(self) -> &'static str {
        match self {
            CollectionService::Information => "information",
            CollectionService::Poll => "poll",
            CollectionService::Inbox => "inbox",
            CollectionService::Subscription => "subscription",
        }
    }

    pub fn from_name(name: &str) -> Option<CollectionService> {
        CollectionService::ALL
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// The peer service a request for this one is sent to.
    pub fn peer_service(self) -> PeerService {
        match self {
            CollectionService::Information | CollectionService::Subscription => {
                PeerService::CollectionManagement
            }
            CollectionService::Poll => PeerService::Poll,
            CollectionService::Inbox => PeerService::Inbox,
        }
    }
}

/// One more destination of a collection's inbox messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    pub peer: String,
    /// The collection's name at that peer.
    pub remote: String,
}
