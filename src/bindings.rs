//! The message bindings the gateway speaks, chosen by a closed enum and one `match`.

use bytes::Bytes;
use taxii_core::ids;
use taxii_core::{Error, Message, MessageBinding, Version};
use taxii_xml::XmlBinding;

/// A message binding, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageBindingKind {
    /// XML Message Binding 1.0 (TAXII 1.0 only).
    Xml10,
    /// XML Message Binding 1.1 (TAXII 1.1 only).
    Xml11,
    /// CERT-EU JSON (`urn:cert.europa.eu:message:json:1.0`), TAXII 1.0 and 1.1.
    Json,
}

impl MessageBindingKind {
    pub const ALL: [MessageBindingKind; 3] = [
        MessageBindingKind::Xml10,
        MessageBindingKind::Xml11,
        MessageBindingKind::Json,
    ];
    pub const ALL_IDS: [&'static str; 3] = [
        ids::MESSAGE_XML_10,
        ids::MESSAGE_XML_11,
        ids::MESSAGE_JSON_CERT_EU_10,
    ];

    /// The Message Binding Version ID.
    pub fn id(self) -> &'static str {
        match self {
            MessageBindingKind::Xml10 => ids::MESSAGE_XML_10,
            MessageBindingKind::Xml11 => ids::MESSAGE_XML_11,
            MessageBindingKind::Json => ids::MESSAGE_JSON_CERT_EU_10,
        }
    }

    pub fn from_id(id: &str) -> Option<MessageBindingKind> {
        MessageBindingKind::ALL.into_iter().find(|b| b.id() == id)
    }

    /// The one services version a binding carries, if it carries one only.
    pub fn only_version(self) -> Option<Version> {
        match self {
            MessageBindingKind::Xml10 => Some(Version::V10),
            MessageBindingKind::Xml11 => Some(Version::V11),
            MessageBindingKind::Json => None,
        }
    }

    /// The implementation.
    pub fn binding(self) -> Box<dyn MessageBinding> {
        match self {
            MessageBindingKind::Xml10 => Box::new(XmlBinding::v10()),
            MessageBindingKind::Xml11 => Box::new(XmlBinding::v11()),
            MessageBindingKind::Json => Box::new(taxii_json::JsonBinding::new()),
        }
    }

    pub fn decode(self, body: &[u8], services: Version) -> Result<Message, Error> {
        self.binding().decode(body, services)
    }

    /// Like [`MessageBindingKind::decode`], letting XML payloads share `body`'s memory.
    pub fn decode_shared(self, body: &Bytes, services: Version) -> Result<Message, Error> {
        match self {
            MessageBindingKind::Xml10 | MessageBindingKind::Xml11
                if self.only_version() == Some(services) =>
            {
                XmlBinding::new(services).decode_shared(body.clone())
            }
            _ => self.decode(body, services),
        }
    }

    pub fn encode(self, message: &Message) -> Result<Bytes, Error> {
        self.binding().encode(message)
    }
}

/// The binding and services version of a message, from its bytes alone: the root
/// namespace for XML, the message type names for JSON.
pub fn detect(body: &[u8]) -> Option<(MessageBindingKind, Version)> {
    if let Some(xml) = taxii_xml::detect(body) {
        let kind = match xml.version() {
            Version::V10 => MessageBindingKind::Xml10,
            Version::V11 => MessageBindingKind::Xml11,
        };
        return Some((kind, xml.version()));
    }
    if taxii_json::detect(body) {
        return Some((MessageBindingKind::Json, json_version(body)));
    }
    None
}

/// CERT-EU JSON carries no version of its own (HTTP says it in `X-TAXII-Services`): tell it
/// by the names only one version uses, else TAXII 1.0, the version the binding was made for.
fn json_version(body: &[u8]) -> Version {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Version::V10;
    };
    let message_type = map
        .get("message_type")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    let v11_keys = [
        "collection_name",
        "collection_informations",
        "result_id",
        "destination_collection_names",
        "record_count",
    ];
    let v10_keys = ["feed_name", "feed_informations"];
    if message_type.starts_with("Collection_")
        || message_type == "Poll_Fulfillment"
        || v11_keys.iter().any(|k| map.contains_key(*k))
    {
        Version::V11
    } else if message_type.starts_with("Feed_") || v10_keys.iter().any(|k| map.contains_key(*k)) {
        Version::V10
    } else if map.get("status_detail").is_some_and(|d| d.is_object()) {
        Version::V11
    } else {
        Version::V10
    }
}
