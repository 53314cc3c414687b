//! # taxii-core: the TAXII 1.0/1.1 model every binding speaks
//!
//! TAXII 1.x defines its services and messages apart from how they are written (message
//! bindings) and how they travel (protocol bindings). This crate is the binding-neutral
//! part: the [`Message`] model of all 10 TAXII 1.0 and 11 TAXII 1.1 message types, every
//! identifier ([`ids`]), status types, the one [`Error`] type (each variant knows the TAXII
//! status a partner receives), the binding traits ([`MessageBinding`], [`Exchange`],
//! [`Listener`]) and the one place that converts between 1.0 and 1.1 ([`convert`]).
//!
//! It does no I/O and parses no wire format: message bindings (`taxii-xml`, `taxii-json`)
//! turn bytes into [`Message`]s; protocol bindings (`taxii-http`, `taxii-amqp`) move
//! [`Envelope`]s; the gateway routes between them:
//!
//! ```text
//! bytes --MessageBinding::decode--> Message --convert/rewrite--> Message --encode--> bytes
//! ```
//!
//! Content (STIX and anything else) is opaque: a [`Payload`] is carried byte for byte.

#[cfg(any(test, feature = "proptest"))]
pub mod arbitrary;
pub mod binding;
pub mod content;
pub mod convert;
pub mod error;
pub mod ids;
pub mod message;
pub mod query;
pub mod status;
pub mod timestamp;
pub mod version;

pub use binding::{Envelope, Exchange, Identity, Listener, MessageBinding, Origin};
pub use content::{ContentBinding, ContentBlock, Payload, Signature};
pub use convert::convert;
pub use error::{DecodeError, Error, Inexpressible, Location};
pub use message::*;
pub use query::*;
pub use status::{StatusDetail, StatusDetails, StatusType};
pub use timestamp::{Timestamp, TimestampError};
pub use version::Version;
