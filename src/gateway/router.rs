//! The [`Router`]: the one [`Exchange`] every listener hands envelopes to, and [`Call`],
//! one partner's request being answered.

use super::endpoint::Endpoint;
use super::runtime::Runtime;
use super::{discovery, forward, information};
use crate::config::{ListenerProtocol, ListenerRoute, Partner};
use arc_swap::ArcSwap;
use std::sync::Arc;
use taxii_core::{Body, Envelope, Error, Exchange, Header, Message, Origin, Version};

/// Routes every partner request by the route table in force.
pub struct Router {
    current: ArcSwap<Runtime>,
}

impl Router {
    pub fn new(runtime: Runtime) -> Router {
        Router {
            current: ArcSwap::from_pointee(runtime),
        }
    }

    /// The runtime in force.
    pub fn runtime(&self) -> Arc<Runtime> {
        self.current.load_full()
    }

    /// Puts `runtime` in force: exchanges already started finish on the old one.
    pub fn replace(&self, runtime: Runtime) {
        self.current.store(Arc::new(runtime));
    }
}

#[async_trait::async_trait]
impl Exchange for Router {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        let runtime = self.current.load_full();
        runtime.exchange(request).await
    }
}

/// Which of the listener's addresses a request came to: the base path (any service), a
/// service's sub-path, or `<base>/inbox/<collection>` (which names the destination of a
/// TAXII 1.0 push, since 1.0 inbox messages cannot).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServicePath {
    pub inbox_collection: Option<String>,
}

impl ServicePath {
    pub fn of(listener: &ListenerRoute, origin: &Origin) -> Result<ServicePath, Error> {
        let base = match &listener.protocol {
            ListenerProtocol::Http { path, .. } | ListenerProtocol::Https { path, .. } => {
                path.trim_end_matches('/')
            }
            ListenerProtocol::Amqp { .. } => return Ok(ServicePath::default()),
        };
        let reached = origin.reached_at.as_deref().unwrap_or_default();
        let path = reached.split_once("://").map_or(reached, |(_, rest)| {
            rest.find('/').map_or("/", |i| &rest[i..])
        });
        let path = path.split('?').next().unwrap_or_default();
        let not_found = || Error::NotFound {
            item: format!("{path} (the TAXII services of this listener are at {base}/)"),
        };
        let rest = path
            .strip_prefix(base)
            .ok_or_else(not_found)?
            .trim_matches('/');
        match rest.split('/').collect::<Vec<_>>().as_slice() {
            [""]
            | ["discovery"]
            | ["collection-management"]
            | ["poll"]
            | ["inbox"]
            | ["taxii-discovery-service"] => Ok(ServicePath::default()),
            ["inbox", collection] if !collection.is_empty() => Ok(ServicePath {
                inbox_collection: Some((*collection).to_owned()),
            }),
            _ => Err(not_found()),
        }
    }
}

/// What an exchange touched, for the log line.
#[derive(Debug, Default)]
pub struct Outcome {
    pub collection: Option<String>,
    pub peer: Option<String>,
}

/// One partner request being answered.
pub struct Call<'a> {
    pub runtime: &'a Runtime,
    pub partner: &'a Partner,
    pub endpoint: Endpoint,
    /// The partner's TAXII version.
    pub version: Version,
    pub path: ServicePath,
}

impl Call<'_> {
    /// The answer to `request`, always a message in the partner's version: failures are
    /// Status Messages that say what went wrong.
    pub async fn answer(&self, request: &Message) -> (Message, Outcome) {
        let mut outcome = Outcome::default();
        let result = match &request.body {
            Body::DiscoveryRequest => Ok(discovery::answer(self)),
            Body::CollectionInformationRequest => Ok(information::answer(self).await),
            Body::PollRequest(_)
            | Body::PollFulfillmentRequest(_)
            | Body::InboxMessage(_)
            | Body::SubscriptionManagementRequest(_) => {
                forward::forward(self, request, &mut outcome).await
            }
            other => Err(Error::BadRequest(format!(
                "a {} is a response, not a request",
                other.message_type()
            ))),
        };
        let mut body = result.unwrap_or_else(|e| {
            tracing::warn!(partner = %self.partner.name, error = %e, "answered with a failure status");
            Body::StatusMessage(e.to_status(self.version))
        });
        if let Body::StatusMessage(status) = &mut body {
            if let Some(message) = &mut status.message {
                *message = self.hide_peer_addresses(message);
            }
        }
        (self.reply(request, body), outcome)
    }

    /// `text` (a failure's reason, a peer's own status text) with every address of a peer
    /// behind the gateway replaced by the peer's name: partners never learn where peers are.
    /// The full text is in the gateway's log.
    pub fn hide_peer_addresses(&self, text: &str) -> String {
        let mut needles: Vec<(String, String)> = Vec::new();
        for peer in &self.runtime.table.peers {
            let a = &peer.addresses;
            let shown = format!("<peer {}>", peer.name);
            for address in [&a.discovery, &a.collection_management, &a.poll, &a.inbox]
                .into_iter()
                .flatten()
            {
                needles.push((address.clone(), shown.clone()));
                if let Ok(url) = url::Url::parse(address) {
                    if let Some(host) = url.host_str() {
                        let authority = match url.port() {
                            Some(port) => format!("{host}:{port}"),
                            None => host.to_owned(),
                        };
                        needles.push((authority, shown.clone()));
                    }
                }
            }
        }
        // Longest first, so a URL goes before its authority.
        needles.sort_by_key(|(needle, _)| std::cmp::Reverse(needle.len()));
        let mut out = text.to_owned();
        for (needle, with) in &needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), with);
            }
        }
        out
    }

    /// A message of the partner's version answering `request`.
    pub fn reply(&self, request: &Message, body: Body) -> Message {
        let mut header = Header::new(self.runtime.message_id());
        header.in_response_to = Some(request.header.message_id.clone());
        Message {
            version: self.version,
            header,
            body,
        }
    }

    /// The gateway's own addresses, as the hub should advertise them.
    pub fn hub_addresses(&self) -> crate::hub::ServiceAddresses {
        use taxii_core::ServiceType;
        crate::hub::ServiceAddresses {
            poll: vec![self.endpoint.service(ServiceType::Poll, self.version)],
            collection_management: vec![self
                .endpoint
                .service(ServiceType::CollectionManagement, self.version)],
            inbox: vec![self.endpoint.service(ServiceType::Inbox, self.version)],
        }
    }
}
