//! The communities behind the gateway, as the router calls them: one client per service
//! address of a remote peer, or the built-in hub.

use crate::bindings::MessageBindingKind;
use crate::config::{Peer, PeerAuth, PeerProtocol, PeerService};
use crate::hub::{Hub, ServiceAddresses};
use std::collections::HashMap;
use std::sync::Arc;
use taxii_core::{ids, Envelope, Error, Exchange, Message, Origin, Version};
use taxii_http::{
    read_pem_file, BasicCredentials, HttpClient, HttpClientConfig, ProxySettings, TlsClientSettings,
};

/// How the router reaches one peer.
pub enum PeerLink {
    /// A remote community: a client per service address, and the binding spoken there.
    Remote {
        name: String,
        binding: MessageBindingKind,
        version: Version,
        protocol: &'static str,
        clients: HashMap<ServiceKey, Arc<dyn Exchange>>,
    },
    /// The built-in hub: called directly, in the partner's own version.
    Local(Arc<Hub>),
}

/// A service of a peer, as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceKey {
    Discovery,
    CollectionManagement,
    Poll,
    Inbox,
}

impl From<PeerService> for ServiceKey {
    fn from(s: PeerService) -> ServiceKey {
        match s {
            PeerService::Discovery => ServiceKey::Discovery,
            PeerService::CollectionManagement => ServiceKey::CollectionManagement,
            PeerService::Poll => ServiceKey::Poll,
            PeerService::Inbox => ServiceKey::Inbox,
        }
    }
}

const SERVICES: [PeerService; 4] = [
    PeerService::Discovery,
    PeerService::CollectionManagement,
    PeerService::Poll,
    PeerService::Inbox,
];

impl PeerLink {
    /// The clients for `peer` (remote), or the hub (local).
    pub fn connect(peer: &Peer, hub: Option<&Arc<Hub>>) -> Result<PeerLink, String> {
        if peer.is_local() {
            return hub
                .cloned()
                .map(PeerLink::Local)
                .ok_or_else(|| format!("peer {}: a local peer needs a [hub]", peer.name));
        }
        let binding = peer
            .message
            .ok_or_else(|| format!("peer {}: no message binding", peer.name))?;
        let protocol = match peer.protocol {
            PeerProtocol::Https => ids::PROTOCOL_HTTPS_10,
            PeerProtocol::Amqp => crate::gateway::runtime::AMQP_PROTOCOL,
            _ => ids::PROTOCOL_HTTP_10,
        };
        let mut clients: HashMap<ServiceKey, Arc<dyn Exchange>> = HashMap::new();
        for service in SERVICES {
            let Some(address) = peer.address(service) else {
                continue;
            };
            let client: Arc<dyn Exchange> = match peer.protocol {
                PeerProtocol::Amqp => Arc::new(super::amqp::client(peer, address)?),
                _ => Arc::new(
                    HttpClient::new(http_config(peer, address)?)
                        .map_err(|e| format!("peer {}: {e}", peer.name))?,
                ),
            };
            clients.insert(service.into(), client);
        }
        Ok(PeerLink::Remote {
            name: peer.name.clone(),
            binding,
            version: peer.services,
            protocol,
            clients,
        })
    }

    /// Sends `request` (already in the peer's version, or any version for the hub) to the
    /// peer's `service` and reads its answer.
    pub async fn exchange(
        &self,
        service: PeerService,
        request: Message,
        requester: &str,
        addresses: &ServiceAddresses,
    ) -> Result<Message, Error> {
        match self {
            PeerLink::Local(hub) => {
                let hub = Arc::clone(hub);
                let requester = requester.to_owned();
                let addresses = addresses.clone();
                tokio::task::spawn_blocking(move || hub.handle(&requester, &request, &addresses))
                    .await
                    .map_err(|e| Error::Internal(format!("the hub task failed: {e}")))
            }
            PeerLink::Remote {
                name,
                binding,
                version,
                protocol,
                clients,
            } => {
                let client = clients.get(&service.into()).ok_or_else(|| {
                    Error::Internal(format!("peer {name} has no address for this service"))
                })?;
                let envelope = Envelope {
                    body: binding.encode(&request)?,
                    message_binding: binding.id().to_owned(),
                    services: version.services_id().to_owned(),
                    protocol: (*protocol).to_owned(),
                    accept: vec![binding.id().to_owned()],
                    origin: Origin::default(),
                };
                let answer = client.exchange(envelope).await?;
                let answer_binding = MessageBindingKind::from_id(&answer.message_binding)
                    .ok_or_else(|| Error::Unavailable {
                        peer: name.clone(),
                        reason: format!(
                            "answered in an unknown message binding {:?}",
                            answer.message_binding
                        ),
                    })?;
                let answer_version =
                    Version::from_services_id(&answer.services).unwrap_or(*version);
                answer_binding
                    .decode(&answer.body, answer_version)
                    .map_err(|e| Error::Unavailable {
                        peer: name.clone(),
                        reason: format!("answered with a message that does not decode: {e}"),
                    })
            }
        }
    }

    /// The TAXII version to talk to this peer in: its own, or the partner's for the hub.
    pub fn version_for(&self, partner_version: Version) -> Version {
        match self {
            PeerLink::Local(_) => partner_version,
            PeerLink::Remote { version, .. } => *version,
        }
    }
}

fn http_config(peer: &Peer, address: &str) -> Result<HttpClientConfig, String> {
    let mut config = HttpClientConfig::new(peer.name.clone(), address.to_owned());
    config.connect_timeout = peer.connect_timeout;
    config.exchange_timeout = peer.timeout;
    let pem = |what, path: &std::path::Path| {
        read_pem_file(what, path).map_err(|e| format!("peer {}: {e}", peer.name))
    };
    let mut tls = TlsClientSettings::default();
    match &peer.auth {
        PeerAuth::None => {}
        PeerAuth::Basic { user, password } => {
            config.credentials = Some(BasicCredentials {
                user: user.clone(),
                password: password.clone(),
            })
        }
        PeerAuth::Certificate {
            cert_file,
            key_file,
        } => {
            tls.client_cert_pem = Some((
                pem("client certificate", cert_file)?,
                pem("client key", key_file)?,
            ));
        }
    }
    if let Some(t) = &peer.tls {
        if let Some(ca) = &t.ca_file {
            tls.ca_bundle_pem = Some(pem("CA bundle", ca)?);
        }
        config.server_name = t.server_name.clone();
    }
    config.tls = tls;
    config.proxy = peer.proxy.as_ref().map(|url| ProxySettings {
        url: url.clone(),
        credentials: None,
    });
    Ok(config)
}
