//! Which media type (AMQP `content_type`) goes with which message binding, and which
//! bindings a side accepts.

use taxii_core::ids;

/// The `content_type` of a body whose message binding has no known media type.
pub const OPAQUE_MEDIA_TYPE: &str = "application/octet-stream";

/// The media type (AMQP `content_type`) that goes with a well-known message binding.
pub fn media_type_for(message_binding: &str) -> Option<&'static str> {
    match message_binding {
        ids::MESSAGE_XML_10 | ids::MESSAGE_XML_11 => Some("application/xml"),
        ids::MESSAGE_JSON_CERT_EU_10 => Some("application/json"),
        _ => None,
    }
}

/// The message bindings a side accepts, each with the `content_type` that must go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaTypes(Vec<(String, String)>);

impl Default for MediaTypes {
    /// XML 1.0 and XML 1.1 (`application/xml`), CERT-EU JSON (`application/json`).
    fn default() -> Self {
        let known = [
            ids::MESSAGE_XML_10,
            ids::MESSAGE_XML_11,
            ids::MESSAGE_JSON_CERT_EU_10,
        ];
        MediaTypes(
            known
                .iter()
                .map(|b| {
                    (
                        b.to_string(),
                        media_type_for(b).unwrap_or(OPAQUE_MEDIA_TYPE).into(),
                    )
                })
                .collect(),
        )
    }
}

impl MediaTypes {
    /// Only these bindings (binding ID, media type).
    pub fn only(pairs: impl IntoIterator<Item = (String, String)>) -> MediaTypes {
        MediaTypes(pairs.into_iter().collect())
    }

    /// The media type of `message_binding`, if it is accepted.
    pub fn get(&self, message_binding: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(b, _)| b == message_binding)
            .map(|(_, m)| m.as_str())
    }

    /// The accepted binding IDs, for UNSUPPORTED_MESSAGE details.
    pub fn bindings(&self) -> Vec<String> {
        self.0.iter().map(|(b, _)| b.clone()).collect()
    }
}
