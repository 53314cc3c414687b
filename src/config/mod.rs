//! The route table: `routes.toml` says where partners connect (listeners), who they are
//! (partners), the communities behind the gateway (peers) and which collection lives
//! where (collections).
//!
//! Two steps, as in sozu: the TOML file (plus `TAXII_GATEWAY_*` environment variables) is
//! read into file structs that refuse unknown keys, then validated into a [`RouteTable`]
//! whose names resolve, addresses parse, files exist and secrets were read. Validation
//! reports every problem at once, each with its file, line and key.

mod routes;
mod table;

pub use routes::{
    ClientTls, CollectionGrant, CollectionRoute, CollectionService, Partner, PartnerAuth, Peer,
    PeerAddresses, PeerAuth, PeerProtocol, PeerService, PushTarget,
};
pub use table::{
    BrokerUrl, HubSettings, ListenerProtocol, ListenerRoute, RouteTable, Secret, ServerTls,
};
