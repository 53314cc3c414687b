//! A running route table: the validated table plus everything it needs to serve (peer
//! clients, the hub), and the handling of one exchange from envelope to envelope.

use super::authenticate;
use super::endpoint::Endpoint;
use super::negotiate;
use super::peers::PeerLink;
use super::router::Call;
use crate::config::{PeerProtocol, RouteTable};
use crate::hub::{Hub, HubCollection, HubConfig, HubError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use taxii_core::{ContentBinding, Envelope, Error, Message, StatusType};

/// The Protocol Binding ID of the project's AMQP binding (see `bindings/amqp/README.md`).
pub const AMQP_PROTOCOL: &str = taxii_amqp::PROTOCOL_AMQP;

/// The most content blocks the gateway merges into one TAXII 1.0 Poll Response when a 1.1
/// peer answers in parts (1.0 has no paging).
pub const MAX_MERGED_BLOCKS: usize = 10_000;

/// Why a route table cannot be put in force.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error("{0}")]
    Peer(String),
}

/// A route table in force.
pub struct Runtime {
    pub table: RouteTable,
    pub(super) peers: HashMap<String, PeerLink>,
    pub(super) hub: Option<Arc<Hub>>,
    ids: Arc<AtomicU64>,
}

impl Runtime {
    /// Builds the runtime of `table`. The hub of `previous` is reused when its data
    /// directory is the same (a store can be open once per process).
    pub fn build(table: RouteTable, previous: Option<&Runtime>) -> Result<Runtime, RuntimeError> {
        let hub = match (
            &table.hub,
            previous.and_then(|p| p.hub.as_ref().map(|h| (h, &p.table))),
        ) {
            (None, _) => None,
            (Some(settings), Some((hub, old)))
                if old
                    .hub
                    .as_ref()
                    .is_some_and(|o| o.data_dir == settings.data_dir) =>
            {
                Some(Arc::clone(hub))
            }
            (Some(settings), _) => {
                let mut config = HubConfig::new(settings.data_dir.clone(), hub_collections(&table));
                config.part_size = settings.part_size;
                config.max_10_poll_blocks = settings.max_10_poll_blocks;
                Some(Arc::new(Hub::open(config)?))
            }
        };
        let mut peers = HashMap::new();
        for peer in &table.peers {
            peers.insert(
                peer.name.clone(),
                PeerLink::connect(peer, hub.as_ref()).map_err(RuntimeError::Peer)?,
            );
        }
        // Last, once nothing else can fail: the reused hub takes the new collections.
        if let (Some(hub), Some(old)) = (&hub, previous.and_then(|p| p.hub.as_ref())) {
            if Arc::ptr_eq(hub, old) {
                hub.reconfigure(hub_collections(&table))?;
            }
        }
        let ids = previous.map_or_else(|| Arc::new(AtomicU64::new(seed())), |p| Arc::clone(&p.ids));
        Ok(Runtime {
            table,
            peers,
            hub,
            ids,
        })
    }

    /// A fresh message id: digits, so valid in TAXII 1.0 and 1.1.
    pub(super) fn message_id(&self) -> String {
        self.ids.fetch_add(1, Ordering::Relaxed).to_string()
    }

    /// Answers one request envelope from a partner.
    pub async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        let started = Instant::now();
        let listener = self
            .table
            .listener(&request.origin.listener)
            .ok_or_else(|| {
                Error::Internal(format!(
                    "listener {:?} is not in the route table",
                    request.origin.listener
                ))
            })?;
        let path = super::router::ServicePath::of(listener, &request.origin)?;
        let partner = authenticate::partner(&self.table, &listener.name, &request.origin.identity)?;
        let (binding, version) = negotiate::request_binding(listener, &request)?;
        let message: Message = binding.decode_shared(&request.body, version)?;
        let endpoint = Endpoint::of(listener, &request.origin, AMQP_PROTOCOL);
        let call = Call {
            runtime: self,
            partner,
            endpoint,
            version,
            path,
        };
        let (response, outcome) = call.answer(&message).await;
        let answer =
            negotiate::response_binding(listener, &request.accept, binding, response.version);
        let body = answer.encode(&response)?;
        let status = match &response.body {
            taxii_core::Body::StatusMessage(s) => s.status_type.clone(),
            _ => StatusType::Success,
        };
        tracing::info!(
            target: "taxii_gateway::exchange",
            partner = %partner.name,
            listener = %listener.name,
            message_type = %message.message_type(),
            collection = outcome.collection.as_deref().unwrap_or("-"),
            peer = outcome.peer.as_deref().unwrap_or("-"),
            status = %status,
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
            "exchange"
        );
        Ok(Envelope {
            body,
            message_binding: answer.id().to_owned(),
            services: response.version.services_id().to_owned(),
            protocol: request.protocol,
            accept: Vec::new(),
            origin: request.origin,
        })
    }
}

/// The hub's collections: every collection routed to a local peer, by its remote name.
fn hub_collections(table: &RouteTable) -> Vec<HubCollection> {
    let local: Vec<&str> = table
        .peers
        .iter()
        .filter(|p| p.protocol == PeerProtocol::Local)
        .map(|p| p.name.as_str())
        .collect();
    let mut collections: Vec<HubCollection> = Vec::new();
    for route in table
        .collections
        .iter()
        .filter(|c| local.contains(&c.peer.as_str()))
    {
        if collections.iter().any(|c| c.name == route.remote) {
            continue;
        }
        collections.push(HubCollection {
            name: route.remote.clone(),
            description: route
                .description
                .clone()
                .unwrap_or_else(|| format!("{} (held by this gateway)", route.name)),
            accepted_content: route
                .content_bindings
                .iter()
                .flatten()
                .map(|b| ContentBinding::new(b.clone()))
                .collect(),
        });
    }
    collections
}

fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_micros() as u64)
}
