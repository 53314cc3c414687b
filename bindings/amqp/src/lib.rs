//! # taxii-amqp: TAXII 1.x over AMQP 0-9-1
//!
//! The project's own protocol binding (no MITRE or OASIS AMQP binding exists), identified by
//! [`PROTOCOL_AMQP`] and specified in this crate's `README.md`. It moves
//! [`taxii_core::Envelope`]s through a RabbitMQ-style broker and never parses TAXII, so every
//! TAXII message binding (XML 1.0, XML 1.1, CERT-EU JSON) rides on it unchanged.
//!
//! * [`AmqpListener`] (a [`taxii_core::Listener`]) consumes a durable queue and answers on
//!   each request's `reply_to`, acking only once the answer is confirmed by the broker.
//! * [`AmqpClient`] (a [`taxii_core::Exchange`]) sends requests and waits for the reply over
//!   direct reply-to; [`AmqpClient::publish`] is the one-way (Inbox) mode.
//! * [`AmqpAddress`] is the address syntax both use; [`StatusWriter`] is how the listener,
//!   which cannot write TAXII itself, answers a message it refuses.
//!
//! Both sides reconnect with backoff after a broker restart or a cut connection, re-declare
//! what they need and go on; delivery is at-least-once.

#![warn(missing_docs)]

mod address;
mod client;
mod connect;
mod error;
mod listener;
mod media;
mod properties;
mod publish;
mod status;
mod topology;

pub use address::{AddressError, AmqpAddress, Destination};
pub use client::{AmqpClient, AmqpClientConfig, PublishOptions};
pub use connect::{Backoff, Credentials, TlsSettings};
pub use error::AmqpError;
pub use listener::{AmqpListener, AmqpListenerConfig};
pub use media::{media_type_for, MediaTypes, OPAQUE_MEDIA_TYPE};
pub use status::{error_from_plain_reply, BindingStatusWriter, StatusRequest, StatusWriter};
pub use topology::{dead_letter_exchange_name, dead_letter_queue_name, QueueType};

/// The Protocol Binding Version ID of this binding (the project's own authority, not
/// MITRE's or OASIS'). It covers `amqp` and `amqps` alike: TLS protects each hop to the
/// broker, never the whole path, so the ID cannot promise it.
pub const PROTOCOL_AMQP: &str = "urn:taxii-gateway.dev:protocol:amqp:0.9.1:1.0";

/// The recommended queue of a community's Discovery Service (TAXII Services 1.1 §2.1.1
/// asks every protocol binding for one), on the broker's default virtual host.
pub const DEFAULT_DISCOVERY_QUEUE: &str = "taxii-discovery-service";

/// The AMQP header names that carry the TAXII headers of the HTTP binding.
pub mod headers {
    /// `X-TAXII-Content-Type`: the Message Binding Version ID of the body. Required.
    pub const CONTENT_TYPE: &str = "x-taxii-content-type";
    /// `X-TAXII-Services`: the Services Version ID. Required.
    pub const SERVICES: &str = "x-taxii-services";
    /// `X-TAXII-Accept`: acceptable response bindings, space-separated, most preferred first.
    pub const ACCEPT: &str = "x-taxii-accept";
    /// `X-TAXII-Protocol`: [`crate::PROTOCOL_AMQP`].
    pub const PROTOCOL: &str = "x-taxii-protocol";
    /// On a reply that is not a TAXII message (no `x-taxii-content-type`): the TAXII status
    /// type the refusal stands for, e.g. `BAD_MESSAGE`.
    pub const STATUS: &str = "x-taxii-status";
}
