//! The AMQP message properties and headers that carry an [`Envelope`]: writing them for
//! an outgoing message, and reading and checking them on an incoming one.

use crate::media::{media_type_for, MediaTypes, OPAQUE_MEDIA_TYPE};
use crate::{headers, AmqpError, PROTOCOL_AMQP};
use bytes::Bytes;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::BasicProperties;
use taxii_core::{Envelope, Error, Origin, Version};

/// AMQP `delivery_mode` 2: the broker writes the message to disk.
pub(crate) const PERSISTENT: u8 = 2;

/// The AMQP-level fields of an outgoing message besides its TAXII headers.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Routing<'a> {
    pub correlation_id: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

fn short(value: &str, field: &str) -> Result<ShortString, AmqpError> {
    ShortString::try_new(value).map_err(|_| {
        AmqpError::Config(format!("{field} {value:?} is longer than AMQP's 255 bytes"))
    })
}

fn text(value: &str) -> AMQPValue {
    AMQPValue::LongString(value.as_bytes().to_vec().into())
}

/// The properties of a message carrying `envelope`. `x-taxii-protocol` is always this
/// binding's ID: it names the leg the message travels on, whatever leg it came from.
/// `x-taxii-accept` goes only on requests (with `reply_to`).
pub(crate) fn properties_for(
    envelope: &Envelope,
    routing: Routing<'_>,
) -> Result<BasicProperties, AmqpError> {
    let mut table = FieldTable::default();
    table.insert(
        headers::CONTENT_TYPE.into(),
        text(&envelope.message_binding),
    );
    table.insert(headers::SERVICES.into(), text(&envelope.services));
    table.insert(headers::PROTOCOL.into(), text(PROTOCOL_AMQP));
    // Only a request has a response to accept: replies and one-way messages go without.
    if routing.reply_to.is_some() && !envelope.accept.is_empty() {
        table.insert(headers::ACCEPT.into(), text(&envelope.accept.join(" ")));
    }
    let media = media_type_for(&envelope.message_binding).unwrap_or(OPAQUE_MEDIA_TYPE);
    let mut props = BasicProperties::default()
        .with_content_type(media.into())
        .with_delivery_mode(PERSISTENT)
        .with_headers(table);
    if let Some(v) = routing.correlation_id {
        props = props.with_correlation_id(short(v, "correlation_id")?);
    }
    if let Some(v) = routing.reply_to {
        props = props.with_reply_to(short(v, "reply_to")?);
    }
    if let Some(v) = routing.message_id {
        props = props.with_message_id(short(v, "message_id")?);
    }
    if let Some(v) = routing.user_id {
        props = props.with_user_id(short(v, "user_id")?);
    }
    Ok(props)
}

/// The TAXII headers of an incoming message, as far as they could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WireHeaders {
    pub media_type: Option<String>,
    pub message_binding: Option<String>,
    pub services: Option<String>,
    pub accept: Vec<String>,
    pub protocol: Option<String>,
    pub status: Option<String>,
    /// Headers present but unreadable (not a UTF-8 string).
    pub problems: Vec<String>,
}

fn value_text(value: &AMQPValue) -> Option<String> {
    let bytes = match value {
        AMQPValue::LongString(s) => s.as_bytes(),
        AMQPValue::ShortString(s) => s.as_str().as_bytes(),
        AMQPValue::ByteArray(b) => b.as_slice(),
        AMQPValue::FieldArray(items) => {
            let parts: Option<Vec<String>> = items.as_slice().iter().map(value_text).collect();
            return parts.map(|p| p.join(" "));
        }
        _ => return None,
    };
    String::from_utf8(bytes.to_vec()).ok()
}

impl WireHeaders {
    /// Reads the headers (names case-insensitively, as HTTP's are).
    pub fn read(props: &BasicProperties) -> WireHeaders {
        let mut wire = WireHeaders {
            media_type: props.content_type().as_ref().map(|c| c.to_string()),
            ..WireHeaders::default()
        };
        let Some(table) = props.headers() else {
            return wire;
        };
        for (name, value) in table {
            let name = name.as_str().to_ascii_lowercase();
            let slot = match name.as_str() {
                headers::CONTENT_TYPE => &mut wire.message_binding,
                headers::SERVICES => &mut wire.services,
                headers::PROTOCOL => &mut wire.protocol,
                headers::STATUS => &mut wire.status,
                headers::ACCEPT => {
                    match value_text(value) {
                        Some(v) => wire.accept = v.split_whitespace().map(str::to_owned).collect(),
                        None => wire.problems.push(format!("header {name} is not a string")),
                    }
                    continue;
                }
                _ => continue,
            };
            match value_text(value) {
                Some(v) => *slot = Some(v.trim().to_owned()),
                None => wire
                    .problems
                    .push(format!("header {name} is not a UTF-8 string")),
            }
        }
        wire
    }

    /// The services version named, if it is one we know.
    pub fn version(&self) -> Option<Version> {
        self.services.as_deref().and_then(Version::from_services_id)
    }

    /// Checks an incoming request against what this side accepts.
    pub fn check_request(
        &self,
        body: &[u8],
        accepted: &MediaTypes,
        max_body: u64,
    ) -> Result<(), Error> {
        let bad = |reason: String| Err(Error::BadRequest(reason));
        if let Some(problem) = self.problems.first() {
            return bad(problem.clone());
        }
        let size = body.len() as u64;
        if size > max_body {
            return Err(Error::TooLarge {
                size,
                limit: max_body,
            });
        }
        let Some(binding) = &self.message_binding else {
            return bad(format!(
                "missing header {} (the Message Binding Version ID of the body)",
                headers::CONTENT_TYPE
            ));
        };
        let Some(expected) = accepted.get(binding) else {
            return Err(Error::UnsupportedMessageBinding {
                binding: binding.clone(),
                supported: accepted.bindings(),
            });
        };
        match self.media_type.as_deref().map(media_type_essence) {
            None => {
                return bad(format!(
                    "missing content_type (expected {expected} for {binding})"
                ))
            }
            Some(given) if given != expected.to_ascii_lowercase() => {
                return bad(format!(
                    "content_type {given:?} does not agree with {} {binding} (expected {expected})",
                    headers::CONTENT_TYPE
                ))
            }
            Some(_) => {}
        }
        match &self.services {
            None => {
                return bad(format!(
                    "missing header {} (the Services Version ID)",
                    headers::SERVICES
                ))
            }
            Some(s) if Version::from_services_id(s).is_none() => {
                return bad(format!("unknown {} {s:?}", headers::SERVICES))
            }
            Some(_) => {}
        }
        if let Some(protocol) = self.protocol.as_deref().filter(|p| *p != PROTOCOL_AMQP) {
            return Err(Error::UnsupportedProtocolBinding {
                protocol: protocol.to_owned(),
                supported: vec![PROTOCOL_AMQP.to_owned()],
            });
        }
        if body.is_empty() {
            return bad("empty body: a TAXII message was expected".to_owned());
        }
        Ok(())
    }

    /// The envelope, once [`WireHeaders::check_request`] (or the reply checks) passed.
    pub fn into_envelope(self, body: Bytes, origin: Origin) -> Envelope {
        Envelope {
            body,
            message_binding: self.message_binding.unwrap_or_default(),
            services: self.services.unwrap_or_default(),
            protocol: PROTOCOL_AMQP.to_owned(),
            accept: self.accept,
            origin,
        }
    }
}

/// `application/XML; charset=utf-8` -> `application/xml`.
fn media_type_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use taxii_core::ids;

    fn envelope() -> Envelope {
        Envelope {
            body: Bytes::from_static(b"<Discovery_Request/>"),
            message_binding: ids::MESSAGE_XML_11.into(),
            services: ids::SERVICES_11.into(),
            protocol: ids::PROTOCOL_HTTP_10.into(),
            accept: vec![ids::MESSAGE_XML_11.into(), ids::MESSAGE_XML_10.into()],
            origin: Origin::default(),
        }
    }

    #[test]
    fn written_headers_read_back_and_pass_the_request_checks() {
        let e = envelope();
        let props = properties_for(
            &e,
            Routing {
                correlation_id: Some("c1"),
                reply_to: Some("replies"),
                ..Routing::default()
            },
        )
        .unwrap();
        assert_eq!(props.delivery_mode(), &Some(PERSISTENT));
        let wire = WireHeaders::read(&props);
        wire.check_request(&e.body, &MediaTypes::default(), 1024)
            .unwrap();
        assert_eq!(wire.version(), Some(Version::V11));
        let back = wire.into_envelope(e.body.clone(), Origin::default());
        let one_way = WireHeaders::read(&properties_for(&e, Routing::default()).unwrap());
        assert!(one_way.accept.is_empty(), "no response, nothing to accept");
        assert_eq!(back.accept, e.accept);
        assert_eq!(
            back.protocol, PROTOCOL_AMQP,
            "the AMQP leg names its own protocol"
        );
    }

    #[test]
    fn each_broken_request_gets_the_status_that_says_why() {
        let e = envelope();
        let props = properties_for(&e, Routing::default()).unwrap();
        let check = |props: &BasicProperties, body: &[u8], max: u64| {
            WireHeaders::read(props)
                .check_request(body, &MediaTypes::default(), max)
                .unwrap_err()
        };
        assert!(matches!(
            check(&props, &e.body, 4),
            Error::TooLarge { size: 20, limit: 4 }
        ));
        assert!(matches!(check(&props, b"", 99), Error::BadRequest(r) if r.contains("empty")));
        let json = props.clone().with_content_type("application/json".into());
        assert!(
            matches!(check(&json, &e.body, 99), Error::BadRequest(r) if r.contains("does not agree"))
        );
        let bare = BasicProperties::default().with_content_type("application/xml".into());
        assert!(
            matches!(check(&bare, &e.body, 99), Error::BadRequest(r) if r.contains(headers::CONTENT_TYPE))
        );
        let mut other = e.clone();
        other.message_binding = "urn:example:message:yaml".into();
        let props = properties_for(&other, Routing::default()).unwrap();
        assert!(matches!(
            check(&props, &e.body, 99),
            Error::UnsupportedMessageBinding { .. }
        ));
    }

    #[test]
    fn content_type_parameters_and_case_do_not_matter() {
        assert_eq!(
            media_type_essence("Application/XML; charset=utf-8"),
            "application/xml"
        );
    }
}
