//! Where the partner reached the gateway, and the service addresses built from it.

use crate::bindings::MessageBindingKind;
use crate::config::{ListenerProtocol, ListenerRoute};
use taxii_core::{ids, Origin, ServiceEndpoint, ServiceType, Version};

/// The gateway as one partner sees it: its base address and the bindings it speaks there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The listener's base address, e.g. `https://gw.example:8443/taxii`.
    pub base: String,
    /// The Protocol Binding ID partners use to reach `base`.
    pub protocol_binding: String,
    /// The listener's message bindings, by ID.
    pub message_bindings: Vec<MessageBindingKind>,
}

impl Endpoint {
    /// The endpoint of `listener` as the partner reached it: the listener's public URL when
    /// it has one, else the scheme and host the partner used plus the listener's path.
    pub fn of(listener: &ListenerRoute, origin: &Origin, amqp_protocol: &str) -> Endpoint {
        let (base, protocol_binding) = match &listener.protocol {
            ListenerProtocol::Amqp { url, queue, .. } => {
                // The queue's address without user or password (never shown to partners).
                let base = match super::amqp::listener_address(url, queue) {
                    Ok((address, _)) => address.to_string(),
                    Err(_) => format!("amqp://?queue={queue}"),
                };
                (base, amqp_protocol.to_owned())
            }
            ListenerProtocol::Http { path, .. } | ListenerProtocol::Https { path, .. } => {
                let https = matches!(listener.protocol, ListenerProtocol::Https { .. });
                let reached = origin.reached_at.as_deref().unwrap_or_default();
                let base = match &listener.public_url {
                    Some(public) => public.trim_end_matches('/').to_owned(),
                    None => format!(
                        "{}{}",
                        scheme_and_host(reached, https, listener),
                        path.trim_end_matches('/')
                    ),
                };
                let protocol = if base.starts_with("https:") {
                    ids::PROTOCOL_HTTPS_10
                } else {
                    ids::PROTOCOL_HTTP_10
                };
                (base, protocol.to_owned())
            }
        };
        Endpoint {
            base,
            protocol_binding,
            message_bindings: listener.message_bindings.clone(),
        }
    }

    /// The address of one service: a sub-path of the base (every service is also served at
    /// the base itself; the message type says which one is meant).
    pub fn address(&self, service: ServiceType) -> String {
        if self.protocol_binding != ids::PROTOCOL_HTTP_10
            && self.protocol_binding != ids::PROTOCOL_HTTPS_10
        {
            return self.base.clone();
        }
        let sub = match service {
            ServiceType::Discovery => "discovery",
            ServiceType::CollectionManagement => "collection-management",
            ServiceType::Inbox => "inbox",
            ServiceType::Poll => "poll",
        };
        format!("{}/{sub}", self.base)
    }

    /// The message bindings that carry `version` here, by ID.
    pub fn binding_ids(&self, version: Version) -> Vec<String> {
        self.message_bindings
            .iter()
            .filter(|b| b.only_version().is_none_or(|v| v == version))
            .map(|b| b.id().to_owned())
            .collect()
    }

    /// A service endpoint record pointing at the gateway.
    pub fn service(&self, service: ServiceType, version: Version) -> ServiceEndpoint {
        ServiceEndpoint {
            protocol_binding: self.protocol_binding.clone(),
            address: self.address(service),
            message_bindings: self.binding_ids(version),
        }
    }
}

/// `scheme://host[:port]` of the URL the partner used, or of the listener's bind address.
fn scheme_and_host(reached: &str, https: bool, listener: &ListenerRoute) -> String {
    if let Some((scheme, rest)) = reached.split_once("://") {
        let host = rest.split('/').next().unwrap_or_default();
        if !host.is_empty() {
            return format!("{scheme}://{host}");
        }
    }
    let scheme = if https { "https" } else { "http" };
    match listener.bind() {
        Some(addr) => format!("{scheme}://{addr}"),
        None => format!("{scheme}://localhost"),
    }
}
