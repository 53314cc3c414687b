//! The route table: `routes.toml` says where partners connect (listeners), who they are
//! (partners), the communities behind the gateway (peers) and which collection lives
//! where (collections).
//!
//! Two steps, as in sozu: the TOML file (plus `TAXII_GATEWAY_*` environment variables) is
//! read into file structs that refuse unknown keys, then validated into a [`RouteTable`]
//! whose names resolve, addresses parse, files exist and secrets were read. Validation
//! reports every problem at once, each with its file, line and key:
//!
//! ```text
//! routes.toml:14:7: collection[1].peer: unknown peer "isec" (peers: isac, hub)
//! ```
//!
//! * [`load`] (`load.rs`): read the file, layer the environment (`env.rs`: which keys it can
//!   override, and that arrays of tables are file-only), deserialize entry by entry
//!   (`file.rs`);
//! * `validate/`: one file per kind of entry, all writing into one `Context` (`context.rs`:
//!   problems, relative paths, secrets read from the environment or files);
//! * `spans.rs`: lines and columns for key paths (figment has none, so `toml_edit` parses
//!   the file a second time);
//! * the validated types the router reads: `table.rs` (the table, hub, listeners) and
//!   `routes.rs` (partners, peers, collections), with lookups by name;
//! * [`summary`]: what `taxii-gateway check` prints; never a secret.
//!
//! Relative paths in the file (and in `TAXII_GATEWAY_HUB__DATA_DIR`) are relative to the
//! routes file's directory.

mod context;
mod env;
mod error;
mod file;
mod load;
mod routes;
mod spans;
mod summary;
mod table;
mod validate;

pub use env::{Environment, ENV_PREFIX};
pub use error::{ConfigError, ConfigErrors, KeyPath, KeySegment, Origin};
pub use load::{load, load_with_env};
pub use routes::{
    ClientTls, CollectionGrant, CollectionRoute, CollectionService, Partner, PartnerAuth, Peer,
    PeerAddresses, PeerAuth, PeerProtocol, PeerService, PushTarget,
};
pub use summary::summary;
pub use table::{
    BrokerUrl, HubSettings, ListenerProtocol, ListenerRoute, RouteTable, Secret, ServerTls,
};

#[cfg(test)]
mod tests;
