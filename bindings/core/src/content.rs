//! Content Blocks and the opaque payloads TAXII carries without reading them.
//!
//! TAXII is content-agnostic: the gateway never re-serializes STIX or any other payload.
//! [`Payload`] holds a payload's bytes exactly as they must appear in a standalone
//! document, and says whether they are XML (embedded as elements in the XML binding,
//! `content_is_xml` in the JSON binding) or text.

use crate::Timestamp;
use bytes::Bytes;

/// An opaque payload: Content, an Extended Header value, a query body of an unknown format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Payload {
    /// XML payloads: a well-formed XML fragment (one or more elements), with every namespace
    /// declaration it needs carried on its own elements. Text payloads: the text itself,
    /// unescaped (for binary content, whatever encoding the sender chose, e.g. base64).
    pub bytes: Bytes,
    /// Whether `bytes` is XML markup rather than character data.
    pub is_xml: bool,
}

impl Payload {
    /// A text payload.
    pub fn text(text: impl Into<String>) -> Payload {
        Payload {
            bytes: Bytes::from(text.into()),
            is_xml: false,
        }
    }

    /// An XML payload. The caller vouches that `xml` is a well-formed fragment.
    pub fn xml(xml: impl Into<Bytes>) -> Payload {
        Payload {
            bytes: xml.into(),
            is_xml: true,
        }
    }

    /// The payload as UTF-8, if it is.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// An XML Signature (`ds:Signature`), kept byte-exact and never interpreted.
///
/// The bytes are the whole `ds:Signature` element, carrying the namespace declarations it
/// needs. Any rewrite of the signed message invalidates it; see [`crate::convert`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(pub Bytes);

/// A Content Binding ID with its Subtype IDs (TAXII 1.1 §4.1.7; 1.0 has no subtypes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentBinding {
    pub binding_id: String,
    pub subtypes: Vec<String>,
}

impl ContentBinding {
    /// A binding with no subtypes.
    pub fn new(binding_id: impl Into<String>) -> ContentBinding {
        ContentBinding {
            binding_id: binding_id.into(),
            subtypes: Vec::new(),
        }
    }
}

/// One piece of content (Services 1.1 Table 11, 1.0 Table 11).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentBlock {
    /// The content's binding; in 1.1 at most one subtype.
    pub content_binding: ContentBinding,
    pub content: Payload,
    pub timestamp_label: Option<Timestamp>,
    /// 1.1 only.
    pub message: Option<String>,
    /// Ignored by receivers; hides the size of encrypted content.
    pub padding: Option<String>,
    /// Block-scoped signature.
    pub signature: Option<Signature>,
}

impl ContentBlock {
    /// A block of `content` in `binding`, with no optional fields.
    pub fn new(binding: impl Into<String>, content: Payload) -> ContentBlock {
        ContentBlock {
            content_binding: ContentBinding::new(binding),
            content,
            timestamp_label: None,
            message: None,
            padding: None,
            signature: None,
        }
    }
}
