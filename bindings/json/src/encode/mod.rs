//! [`Message`] -> JSON bytes: private wire structs borrowing from the model, serialised
//! with serde_json in libtaxii's key order.
//!
//! Nothing is re-encoded that need not be: content, extended header values and
//! signatures are borrowed as `&str` and escaped straight into the output buffer.

mod escape;
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

/// A content block in either version; `B` is the version's content binding form. Written
/// by hand ([`Block::write`]) so that the content goes through the fast escaper.
pub(crate) struct Block<'a, B: Serialize> {
    pub content_binding: B,
    pub content: &'a str,
    pub content_is_xml: bool,
    pub timestamp_label: Option<&'a str>,
    pub message: Option<&'a str>,
    pub padding: Option<&'a str>,
    pub signature: Option<&'a str>,
}

impl<B: Serialize> Block<'_, B> {
    /// `{"content_binding", "content", "content_is_xml", "timestamp_label", "message",
    /// "padding", "signature"}`, absent optionals omitted.
    fn write(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        out.extend_from_slice(b"{\"content_binding\":");
        write_json(out, &self.content_binding)?;
        out.extend_from_slice(b",\"content\":");
        escape::write_json_string(out, self.content);
        out.extend_from_slice(if self.content_is_xml {
            b",\"content_is_xml\":true"
        } else {
            b",\"content_is_xml\":false"
        });
        for (key, value) in [
            ("timestamp_label", self.timestamp_label),
            ("message", self.message),
            ("padding", self.padding),
            ("signature", self.signature),
        ] {
            if let Some(value) = value {
                out.extend_from_slice(b",\"");
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(b"\":");
                escape::write_json_string(out, value);
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// The `content_blocks` field of a wire struct: written as `[]`, then filled by
/// [`write_with_blocks`].
pub(crate) struct BlocksHere;

impl Serialize for BlocksHere {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        serializer.serialize_seq(Some(0))?.end()
    }
}

/// Serialises `envelope`, whose last key must be `content_blocks` ([`BlocksHere`]), and
/// writes `blocks` into that list.
pub(crate) fn write_with_blocks<T: Serialize, B: Serialize>(
    out: &mut Vec<u8>,
    envelope: &T,
    blocks: &[Block<'_, B>],
) -> Result<(), Error> {
    const TAIL: &[u8] = b"\"content_blocks\":[]}";
    write_json(out, envelope)?;
    if !out.ends_with(TAIL) {
        return Err(Error::Internal(
            "JSON encoder: content_blocks is not the last key of its message".into(),
        ));
    }
    out.truncate(out.len() - 2);
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        block.write(out)?;
    }
    out.extend_from_slice(b"]}");
    Ok(())
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
