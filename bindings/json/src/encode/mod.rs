//! [`Message`] -> JSON bytes: private wire structs borrowing from the model, serialised
//! with serde_json in libtaxii's key order.
//!
//! Nothing is re-encoded that need not be: content, extended header values and
//! signatures are borrowed as `&str` and escaped straight into the output buffer.

mod other_version;
mod query;
mod v10;
mod v11;

use bytes::Bytes;
use serde::ser::{Serialize, SerializeMap, Serializer};
use taxii_core::{Error, Inexpressible, Message, Payload, Signature, StatusType, Timestamp};

/// Writes `message` in the form of its own version.
pub(crate) fn encode(message: &Message) -> Result<Bytes, Error> {
    other_version::refuse_other_version(message)?;
    let header = Header::new(message)?;
    let mut out = Vec::with_capacity(size_hint(message));
    match message.version {
        taxii_core::Version::V10 => v10::write(&mut out, header, &message.body)?,
        taxii_core::Version::V11 => v11::write(&mut out, header, &message.body)?,
    }
    Ok(Bytes::from(out))
}

/// Enough room for the content plus escaping and the envelope, so the buffer grows rarely.
fn size_hint(message: &Message) -> usize {
    use taxii_core::Body;
    let blocks = match &message.body {
        Body::PollResponse(r) => &r.content_blocks,
        Body::InboxMessage(m) => &m.content_blocks,
        _ => return 1024,
    };
    let content: usize = blocks.iter().map(|b| b.content.bytes.len() + 256).sum();
    content + content / 8 + 1024
}

/// Serialises `envelope` into `out`.
pub(crate) fn write_json<T: Serialize>(out: &mut Vec<u8>, envelope: &T) -> Result<(), Error> {
    serde_json::to_writer(out, envelope)
        .map_err(|e| Error::Internal(format!("JSON serialisation failed: {e}")))
}

/// A header plus one message body, as one flat JSON object.
#[derive(serde::Serialize)]
pub(crate) struct Envelope<'a, B: Serialize> {
    #[serde(flatten)]
    pub header: Header<'a>,
    #[serde(flatten)]
    pub body: B,
}

/// `message_type`, `message_id`, `in_response_to`, `extended_headers`, `signature`.
#[derive(serde::Serialize)]
pub(crate) struct Header<'a> {
    message_type: &'static str,
    message_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_response_to: Option<&'a str>,
    extended_headers: Pairs<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'a str>,
}

impl<'a> Header<'a> {
    fn new(message: &'a Message) -> Result<Header<'a>, Error> {
        let h = &message.header;
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(h.extended_headers.len());
        for header in &h.extended_headers {
            if headers.iter().any(|(name, _)| *name == header.name) {
                return Err(inexpressible(format!(
                    "two extended headers named {:?} (a JSON object has one value per name)",
                    header.name
                )));
            }
            headers.push((
                &header.name,
                payload_text(&header.value, "an extended header")?,
            ));
        }
        Ok(Header {
            message_type: message.message_type().element_name(message.version),
            message_id: &h.message_id,
            in_response_to: h.in_response_to.as_deref(),
            extended_headers: Pairs(headers),
            signature: signature(&h.signature)?,
        })
    }
}

/// A JSON object from ordered (name, value) pairs whose names are distinct.
pub(crate) struct Pairs<'a>(pub Vec<(&'a str, &'a str)>);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A content block in either version; `B` is the version's content binding form.
#[derive(serde::Serialize)]
pub(crate) struct Block<'a, B: Serialize> {
    pub content_binding: B,
    pub content: &'a str,
    pub content_is_xml: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<&'a str>,
}

/// What this binding cannot write: the gateway answers with a FAILURE status.
pub(crate) fn inexpressible(what: String) -> Error {
    Error::Inexpressible(Inexpressible {
        target: "the JSON message binding".into(),
        what,
        status: StatusType::Failure,
    })
}

/// A message that is invalid for its own version.
pub(crate) fn invalid(reason: impl Into<String>) -> Error {
    Error::Invalid {
        binding: crate::read::BINDING,
        reason: reason.into(),
    }
}

/// A payload as JSON text: XML and text alike must be UTF-8.
pub(crate) fn payload_text<'a>(payload: &'a Payload, what: &str) -> Result<&'a str, Error> {
    payload
        .as_str()
        .ok_or_else(|| inexpressible(format!("{what} whose bytes are not UTF-8")))
}

pub(crate) fn signature(signature: &Option<Signature>) -> Result<Option<&str>, Error> {
    signature
        .as_ref()
        .map(|s| {
            std::str::from_utf8(&s.0)
                .map_err(|_| inexpressible("a signature whose bytes are not UTF-8".into()))
        })
        .transpose()
}

pub(crate) fn label(t: &Option<Timestamp>) -> Option<&str> {
    t.as_ref().map(Timestamp::as_str)
}
