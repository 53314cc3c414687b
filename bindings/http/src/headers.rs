//! The TAXII HTTP Binding 1.0 headers (§2) and the few rules that tie them together:
//! which `Content-Type` goes with which message binding, how `X-TAXII-Accept` lists are
//! read, and which Protocol Binding Version ID each transport carries.

use http::{HeaderMap, HeaderName};
use taxii_core::ids;

/// `X-TAXII-Content-Type`: the Message Binding Version ID of the body.
pub const X_TAXII_CONTENT_TYPE: HeaderName = HeaderName::from_static("x-taxii-content-type");
/// `X-TAXII-Accept`: acceptable response message bindings, most preferred first.
pub const X_TAXII_ACCEPT: HeaderName = HeaderName::from_static("x-taxii-accept");
/// `X-TAXII-Protocol`: the Protocol Binding Version ID of the transport.
pub const X_TAXII_PROTOCOL: HeaderName = HeaderName::from_static("x-taxii-protocol");
/// `X-TAXII-Services`: the Services Version ID.
pub const X_TAXII_SERVICES: HeaderName = HeaderName::from_static("x-taxii-services");

/// The transport a leg runs on; it decides the `X-TAXII-Protocol` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Plain HTTP: `urn:taxii.mitre.org:protocol:http:1.0`.
    Http,
    /// HTTP over TLS: `urn:taxii.mitre.org:protocol:https:1.0`.
    Https,
}

impl Transport {
    /// The Protocol Binding Version ID of this transport.
    pub fn protocol_id(self) -> &'static str {
        match self {
            Transport::Http => ids::PROTOCOL_HTTP_10,
            Transport::Https => ids::PROTOCOL_HTTPS_10,
        }
    }

    /// The URL scheme of this transport.
    pub fn scheme(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Https => "https",
        }
    }
}

/// The HTTP `Content-Type` that goes with a message binding: `application/json` for the
/// CERT-EU JSON binding, `application/xml` for the XML bindings and anything else.
pub fn content_type_for(message_binding: &str) -> &'static str {
    if message_binding == ids::MESSAGE_JSON_CERT_EU_10 {
        "application/json"
    } else {
        "application/xml"
    }
}

/// The `Accept` header for a list of acceptable message bindings (or for the request's own
/// binding when the list is empty), without repeating a media type.
pub fn accept_header_for(accept: &[String], request_binding: &str) -> String {
    let mut media: Vec<&'static str> = Vec::new();
    let bindings = accept.iter().map(String::as_str);
    let bindings: Vec<&str> = if accept.is_empty() {
        vec![request_binding]
    } else {
        bindings.collect()
    };
    for binding in bindings {
        let m = content_type_for(binding);
        if !media.contains(&m) {
            media.push(m);
        }
    }
    media.join(", ")
}

/// Reads an `X-TAXII-Accept` value: IDs separated by whitespace (the binding's rule) or by
/// commas (seen from some clients), in preference order.
pub fn parse_accept(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A header's value as text, if present. Header names match case-insensitively (hyper
/// lower-cases them), so `X-Taxii-Services` (libtaxii) and `X-TAXII-Services` (cabby) agree.
/// A value that is not visible ASCII is an error naming the header.
pub fn header_text<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a str>, String> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()))
            .map_err(|_| format!("header {} is not visible ASCII text", name.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_binding_travels_as_application_json_and_xml_as_application_xml() {
        assert_eq!(
            content_type_for(ids::MESSAGE_JSON_CERT_EU_10),
            "application/json"
        );
        assert_eq!(content_type_for(ids::MESSAGE_XML_10), "application/xml");
        assert_eq!(content_type_for(ids::MESSAGE_XML_11), "application/xml");
    }

    #[test]
    fn accept_lists_keep_preference_order_whatever_the_separator() {
        assert_eq!(
            parse_accept("  urn:a   urn:b,urn:c\turn:d "),
            vec!["urn:a", "urn:b", "urn:c", "urn:d"]
        );
        assert!(parse_accept("   ").is_empty());
    }

    #[test]
    fn accept_header_names_each_media_type_once() {
        let accept = vec![
            ids::MESSAGE_XML_11.to_owned(),
            ids::MESSAGE_JSON_CERT_EU_10.to_owned(),
            ids::MESSAGE_XML_10.to_owned(),
        ];
        assert_eq!(
            accept_header_for(&accept, ids::MESSAGE_XML_11),
            "application/xml, application/json"
        );
        assert_eq!(
            accept_header_for(&[], ids::MESSAGE_JSON_CERT_EU_10),
            "application/json"
        );
    }

    #[test]
    fn each_transport_names_its_own_protocol_binding() {
        assert_eq!(Transport::Http.protocol_id(), ids::PROTOCOL_HTTP_10);
        assert_eq!(Transport::Https.protocol_id(), ids::PROTOCOL_HTTPS_10);
    }
}
