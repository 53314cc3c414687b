//! The traits every binding implements, and the envelope protocol bindings move.
//!
//! A message binding turns bytes into a [`Message`] and back; it is pure and does no I/O.
//! A protocol binding moves [`Envelope`]s (bytes plus the TAXII headers and who sent them)
//! and never parses TAXII. So every message binding works over every protocol binding.

use crate::{Error, Message, Version};
use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// A TAXII message binding (XML 1.0, XML 1.1, CERT-EU JSON, ...).
pub trait MessageBinding: Send + Sync {
    /// The Message Binding Version ID, e.g. `urn:taxii.mitre.org:message:xml:1.1`.
    fn id(&self) -> &'static str;
    /// The media type that goes with it (HTTP `Content-Type`, AMQP `content_type`).
    fn content_type(&self) -> &'static str;
    /// The services versions this binding can carry.
    fn versions(&self) -> &'static [Version];
    /// Reads one message. `services` is the version the transport announced
    /// (`X-TAXII-Services`); bindings tied to one version check it against their own.
    fn decode(&self, body: &[u8], services: Version) -> Result<Message, Error>;
    /// Writes one message of one of [`MessageBinding::versions`].
    fn encode(&self, message: &Message) -> Result<Bytes, Error>;
}

/// Who sent an envelope, as the protocol binding established it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Identity {
    /// No credentials were presented.
    #[default]
    Anonymous,
    /// HTTP Basic (the password has been checked and is not kept).
    Basic { user: String },
    /// A verified client certificate.
    Certificate {
        subject: String,
        subject_alt_names: Vec<String>,
        /// Lower-case hex SHA-256 of the DER certificate.
        sha256: String,
    },
}

/// Where an envelope came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The listener (by its route-table name) that received it.
    pub listener: String,
    pub identity: Identity,
    pub remote_addr: Option<SocketAddr>,
    /// The address the partner used to reach us (e.g. `https://gw.example:8443/taxii`),
    /// so answers can point back at the gateway as the partner sees it.
    pub reached_at: Option<String>,
}

/// A TAXII message in transit: its bytes and the TAXII headers that travel with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub body: Bytes,
    /// `X-TAXII-Content-Type`: the Message Binding Version ID of `body`.
    pub message_binding: String,
    /// `X-TAXII-Services`: the Services Version ID.
    pub services: String,
    /// `X-TAXII-Protocol`: the Protocol Binding Version ID of the leg it travels on.
    pub protocol: String,
    /// `X-TAXII-Accept`: acceptable response bindings, most preferred first; empty = any.
    pub accept: Vec<String>,
    pub origin: Origin,
}

/// Anything that answers a TAXII request envelope: the gateway's router, and every outbound
/// protocol client. A gateway can therefore be another gateway's peer.
#[async_trait::async_trait]
pub trait Exchange: Send + Sync {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error>;
}

/// The inbound side of a protocol binding: accepts envelopes and hands them to a handler
/// until `stop` is cancelled, then lets in-flight exchanges finish.
#[async_trait::async_trait]
pub trait Listener: Send {
    async fn serve(
        self: Box<Self>,
        handler: Arc<dyn Exchange>,
        stop: CancellationToken,
    ) -> Result<(), Error>;
}
