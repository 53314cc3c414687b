//! JSON bytes -> [`Message`]: the checks every document passes, then the version's reader.
//!
//! Order of checks: size bound, UTF-8, JSON syntax with the tree bounds of
//! [`crate::tree`] (depth, duplicate keys), then `message_type` picks the message reader of
//! the services version the transport announced. Each failure is an
//! [`Error::Decode`] naming the field path (or the line and column for syntax errors).

mod query;
mod status;
mod v10;
mod v11;

use crate::read::{error, Obj, BINDING};
use crate::tree::{self, Node};
use crate::{xml_value, Limits};
use bytes::Bytes;
use taxii_core::{
    DecodeError, Error, ExtendedHeader, Header, Location, Message, Payload, Signature, Version,
};

/// Reads one message of `services` from `body`.
pub(crate) fn decode(body: &[u8], services: Version, limits: &Limits) -> Result<Message, Error> {
    if body.len() as u64 > limits.max_bytes {
        return Err(Error::TooLarge {
            size: body.len() as u64,
            limit: limits.max_bytes,
        });
    }
    // A UTF-8 byte order mark is allowed (RFC 8259 section 8.1) and ignored.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        Error::Decode(DecodeError {
            binding: BINDING,
            element: None,
            location: Some(location_of(&body[..at])),
            reason: format!("invalid UTF-8 at byte {at}: JSON text must be UTF-8"),
        })
    })?;
    let root = tree::parse(text, limits.max_depth).map_err(|e| {
        Error::Decode(DecodeError {
            binding: BINDING,
            element: e.path,
            location: Some(Location {
                line: e.line,
                column: e.column,
            }),
            reason: e.reason,
        })
    })?;
    let message = Obj::new(&root, String::new())?;
    let message_type = message.str("message_type")?;
    let header = header(&message)?;
    let body = match services {
        Version::V10 => v10::body(&message_type, &message)?,
        Version::V11 => v11::body(&message_type, &message)?,
    };
    Ok(Message {
        version: services,
        header,
        body,
    })
}

/// 1-based line and column of the end of `prefix`.
fn location_of(prefix: &[u8]) -> Location {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    Location {
        line,
        column: (prefix.len() - line_start) as u64 + 1,
    }
}

/// The error for a `message_type` the version does not define.
pub(crate) fn unknown_message_type(name: &str, version: Version) -> Error {
    error(
        "message_type",
        format!("{name:?} is not a {version} message type"),
    )
}

/// `message_id`, `in_response_to`, `extended_headers` and our `signature` extension.
fn header(message: &Obj<'_>) -> Result<Header, Error> {
    let mut extended_headers = Vec::new();
    for (name, value, path) in message.entries("extended_headers")? {
        let Node::String(text) = value else {
            return Err(error(
                &path,
                format!(
                    "an extended header value must be a string, found {}",
                    value.kind()
                ),
            ));
        };
        let value = Payload {
            bytes: text.bytes(),
            is_xml: xml_value::is_xml_element(text.as_str()),
        };
        extended_headers.push(ExtendedHeader {
            name: name.to_owned(),
            value,
        });
    }
    Ok(Header {
        message_id: message.str("message_id")?,
        in_response_to: message.opt_str("in_response_to")?,
        extended_headers,
        signature: signature(message)?,
    })
}

/// The `signature` extension (a `ds:Signature` element as a string).
pub(crate) fn signature(obj: &Obj<'_>) -> Result<Option<Signature>, Error> {
    Ok(obj.opt_str("signature")?.map(|s| Signature(Bytes::from(s))))
}

/// `content` + `content_is_xml` of a content block (the bytes are shared, not copied).
pub(crate) fn content(block: &Obj<'_>) -> Result<Payload, Error> {
    Ok(Payload {
        bytes: block.text("content")?,
        is_xml: block.opt_bool("content_is_xml")?.unwrap_or(false),
    })
}

/// A required string field that must be one of a closed set of values.
pub(crate) fn closed<T>(
    obj: &Obj<'_>,
    key: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, Error> {
    let text = obj.str(key)?;
    parse(&text).ok_or_else(|| error(&obj.at(key), format!("{text:?} is not a {what}")))
}

/// An optional string field that must be one of a closed set of values.
pub(crate) fn opt_closed<T>(
    obj: &Obj<'_>,
    key: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match obj.get(key) {
        None => Ok(None),
        Some(_) => closed(obj, key, what, parse).map(Some),
    }
}
