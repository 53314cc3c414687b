//! The AMQP protocol binding in the gateway: addresses and credentials from the route
//! table, and the Status Messages the AMQP listener answers refusals with.

use crate::bindings::MessageBindingKind;
use crate::config::{BrokerUrl, Peer, PeerAuth};
use taxii_amqp::{
    AmqpAddress, AmqpClient, AmqpClientConfig, Credentials, StatusRequest, StatusWriter,
    TlsSettings,
};
use taxii_core::{Envelope, Error, Message, Origin, Version};

/// The listener's queue address on `url` (whose user and password, when it has them,
/// become the credentials: an AMQP address never carries a password).
pub fn listener_address(
    url: &BrokerUrl,
    queue: &str,
) -> Result<(AmqpAddress, Option<Credentials>), String> {
    let mut parsed = url::Url::parse(url.expose()).map_err(|e| format!("{url}: {e}"))?;
    let credentials = match (parsed.username(), parsed.password()) {
        ("", _) => None,
        (user, password) => Some(Credentials::new(
            decode(user),
            decode(password.unwrap_or_default()),
        )),
    };
    let _ = parsed.set_password(None);
    let _ = parsed.set_username("");
    parsed.query_pairs_mut().clear().append_pair("queue", queue);
    let address = parsed
        .as_str()
        .parse::<AmqpAddress>()
        .map_err(|e| e.to_string())?;
    Ok((address, credentials))
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A client for one service address of an AMQP peer.
pub fn client(peer: &Peer, address: &str) -> Result<AmqpClient, String> {
    let address: AmqpAddress = address
        .parse()
        .map_err(|e: taxii_amqp::AddressError| format!("peer {}: {e}", peer.name))?;
    let mut config = AmqpClientConfig::new(peer.name.clone(), address);
    config.request_timeout = peer.timeout;
    config.connect_timeout = peer.connect_timeout;
    if let PeerAuth::Basic { user, password } = &peer.auth {
        config.credentials = Some(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    if let Some(ca) = peer.tls.as_ref().and_then(|t| t.ca_file.as_ref()) {
        config.tls =
            TlsSettings::with_ca_file(ca).map_err(|e| format!("peer {}: {e}", peer.name))?;
    }
    Ok(AmqpClient::new(config))
}

/// Answers refused AMQP requests in a binding the requester accepts and the listener speaks.
pub struct AmqpStatusWriter {
    pub bindings: Vec<MessageBindingKind>,
}

impl StatusWriter for AmqpStatusWriter {
    fn write_status(&self, request: StatusRequest<'_>) -> Result<Envelope, Error> {
        let request_binding = request
            .request_binding
            .and_then(MessageBindingKind::from_id);
        let version = request
            .services
            .or_else(|| request_binding.and_then(MessageBindingKind::only_version))
            .unwrap_or(Version::V11);
        let fits = |b: &MessageBindingKind| {
            self.bindings.contains(b) && b.only_version().is_none_or(|v| v == version)
        };
        let binding = request
            .accept
            .iter()
            .filter_map(|id| MessageBindingKind::from_id(id))
            .find(fits)
            .or_else(|| request_binding.filter(fits))
            .or_else(|| self.bindings.iter().copied().find(fits))
            .ok_or_else(|| Error::UnsupportedMessageBinding {
                binding: request.accept.join(" "),
                supported: self.bindings.iter().map(|b| b.id().to_owned()).collect(),
            })?;
        let id = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros())
            .to_string();
        let status = Message::status(version, id, "0", request.error.to_status(version));
        Ok(Envelope {
            body: binding.encode(&status)?,
            message_binding: binding.id().to_owned(),
            services: version.services_id().to_owned(),
            protocol: taxii_amqp::PROTOCOL_AMQP.to_owned(),
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}
