//! # taxii-json: the CERT-EU JSON message binding, for TAXII 1.0 and 1.1 messages
//!
//! `urn:cert.europa.eu:message:json:1.0` (media type `application/json`) has no published
//! specification: it is what libtaxii's `to_dict()` / `from_dict()` write and read,
//! contributed by CERT-EU in 2013 for TAXII 1.0 (`libtaxii.messages_10`). libtaxii has the
//! same form for TAXII 1.1 messages (`libtaxii.messages_11`), with no Version ID of its own;
//! this crate speaks both, chosen by the services version (`X-TAXII-Services`) on decode
//! and by [`Message::version`](taxii_core::Message) on encode. The crate's `README.md` is
//! the field-by-field definition of the mapping; this file is the entry point.
//!
//! ```text
//! decode: bytes --size, UTF-8--> text --tree (depth, duplicate keys)--> Node
//!               --decode::v10 / decode::v11 (field paths in errors)--> Message
//! encode: Message --encode::v10 / encode::v11 (wire structs borrowing the model)--> bytes
//! ```
//!
//! What it is not: it does no I/O and never parses content. Content blocks are carried
//! byte for byte: XML content as a JSON string with `"content_is_xml": true` (as libtaxii
//! writes it), text content (including base64 binary content) as a string with
//! `"content_is_xml": false`.
//!
//! ```
//! use taxii_core::{Body, Message, MessageBinding, Version};
//! use taxii_json::JsonBinding;
//!
//! let json = JsonBinding::new();
//! let request = Message::new(Version::V10, "42", Body::DiscoveryRequest);
//! let bytes = json.encode(&request).unwrap();
//! assert!(taxii_json::detect(&bytes));
//! assert_eq!(json.decode(&bytes, Version::V10).unwrap(), request);
//! ```

/// The field-by-field definition of the binding (the crate's `README.md`).
#[doc = include_str!("../README.md")]
pub mod mapping {}

mod decode;
mod encode;
mod read;
mod scalar;
mod tree;
mod xml_value;

use bytes::Bytes;
use taxii_core::{ids, Error, Message, MessageBinding, Version};

/// The Message Binding Version ID.
pub const ID: &str = ids::MESSAGE_JSON_CERT_EU_10;
/// The media type of the binding.
pub const CONTENT_TYPE: &str = "application/json";

/// Bounds on what [`JsonBinding::decode`] accepts from a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest body, in bytes ([`Error::TooLarge`] beyond it).
    pub max_bytes: u64,
    /// Deepest nesting of arrays and objects. TAXII messages need about 8 levels plus 2
    /// per level of nested Default Query criteria; serde_json itself stops at 128.
    pub max_depth: usize,
}

impl Default for Limits {
    /// 256 MiB (a 10,000-block Poll Response of 3 KB STIX indicators is about 35 MB) and
    /// 64 levels.
    fn default() -> Limits {
        Limits {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// The CERT-EU JSON message binding, for TAXII 1.0 and 1.1 messages.
#[derive(Debug, Clone, Default)]
pub struct JsonBinding {
    limits: Limits,
}

impl JsonBinding {
    /// The binding with the default [`Limits`].
    pub fn new() -> JsonBinding {
        JsonBinding::default()
    }

    /// The binding with other limits.
    pub fn with_limits(limits: Limits) -> JsonBinding {
        JsonBinding { limits }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

impl MessageBinding for JsonBinding {
    fn id(&self) -> &'static str {
        ID
    }

    fn content_type(&self) -> &'static str {
        CONTENT_TYPE
    }

    fn versions(&self) -> &'static [Version] {
        &Version::ALL
    }

    fn decode(&self, body: &[u8], services: Version) -> Result<Message, Error> {
        decode::decode(body, services, &self.limits)
    }

    fn encode(&self, message: &Message) -> Result<Bytes, Error> {
        encode::encode(message)
    }
}

/// Whether `body` looks like this binding's JSON rather than XML: its first character,
/// after white space and an optional UTF-8 byte order mark, is `{`. A sniff for routing
/// input (`translate` with no `--from`), not a validation: [`JsonBinding::decode`] decides.
pub fn detect(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_json_and_not_xml() {
        assert!(detect(b"{\"message_type\": \"Discovery_Request\"}"));
        assert!(detect(b"\xEF\xBB\xBF \n\t{}"));
        assert!(!detect(b"<taxii_11:Discovery_Request/>"));
        assert!(!detect(b"  <?xml version=\"1.0\"?><a/>"));
        assert!(!detect(b""));
        assert!(!detect(b"[1]"));
    }

    #[test]
    fn announces_its_identity() {
        let json = JsonBinding::new();
        assert_eq!(json.id(), "urn:cert.europa.eu:message:json:1.0");
        assert_eq!(json.content_type(), "application/json");
        assert_eq!(json.versions(), &[Version::V10, Version::V11]);
    }
}
