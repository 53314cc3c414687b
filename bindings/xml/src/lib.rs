//! # taxii-xml: the TAXII XML Message Bindings 1.0 and 1.1
//!
//! [`XmlBinding`] reads and writes every TAXII 1.0 and 1.1 message in its XML binding
//! (`urn:taxii.mitre.org:message:xml:1.0` / `:1.1`), to and from the [`taxii_core`] model.
//!
//! * **Content is carried byte-exact.** Content, Extended Header values, signatures and
//!   queries of unknown formats are captured as raw bytes and written back as they came;
//!   the only change is that an XML payload relying on namespace prefixes declared on the
//!   enclosing message gets those declarations on its own top-level elements, so it is
//!   well-formed on its own (see [`tree`]).
//! * **Hardened by default.** DOCTYPE (and so every entity declaration) is refused, as are
//!   undefined entities and non-UTF-8 input; nesting depth, attribute count and size, and
//!   document size are bounded by [`Limits`]. Every error names the element and the line
//!   and column.
//! * **Not here:** I/O (that is the protocol bindings' job) and 1.0 <-> 1.1 conversion (that
//!   is [`taxii_core::convert`]); an XML 1.0 binding writes only 1.0 messages.
//!
//! ```text
//! bytes --tree::TreeReader--> envelope tree --decode--> Message --encode--> bytes
//! ```

mod decode;
mod encode;
mod escape;
mod limits;
mod tree;

pub use limits::Limits;

use bytes::Bytes;
use taxii_core::ids::{self, ns};
use taxii_core::{Error, Message, MessageBinding, Version};

/// The XML Message Binding of one TAXII version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlBinding {
    version: Version,
    limits: Limits,
}

impl XmlBinding {
    /// XML Message Binding 1.0 (TAXII 1.0 messages), default limits.
    pub fn v10() -> XmlBinding {
        XmlBinding::new(Version::V10)
    }

    /// XML Message Binding 1.1 (TAXII 1.1 messages), default limits.
    pub fn v11() -> XmlBinding {
        XmlBinding::new(Version::V11)
    }

    /// The binding of `version`, default limits.
    pub fn new(version: Version) -> XmlBinding {
        XmlBinding {
            version,
            limits: Limits::default(),
        }
    }

    /// The same binding with other limits.
    pub fn with_limits(self, limits: Limits) -> XmlBinding {
        XmlBinding { limits, ..self }
    }

    /// The binding whose Message Binding Version ID is `id`.
    pub fn for_id(id: &str) -> Option<XmlBinding> {
        match id {
            ids::MESSAGE_XML_10 => Some(XmlBinding::v10()),
            ids::MESSAGE_XML_11 => Some(XmlBinding::v11()),
            _ => None,
        }
    }

    /// The TAXII version this binding carries.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Reads one message, whatever `X-TAXII-Services` said.
    pub fn decode_message(&self, body: &[u8]) -> Result<Message, Error> {
        decode::decode(body, None, self.version, self.limits).map_err(Error::from)
    }

    /// Reads one message from shared bytes: payloads that need no inherited namespace
    /// declarations become slices of `body` instead of copies (faster, and a large message
    /// is not held twice).
    pub fn decode_shared(&self, body: Bytes) -> Result<Message, Error> {
        decode::decode(&body, Some(body.clone()), self.version, self.limits).map_err(Error::from)
    }

    /// Writes one message of this binding's version.
    pub fn encode_message(&self, message: &Message) -> Result<Vec<u8>, Error> {
        if message.version != self.version {
            return Err(Error::Invalid {
                binding: binding_name(self.version),
                reason: format!(
                    "a {} message cannot be written in {} (convert it first)",
                    message.version,
                    binding_name(self.version)
                ),
            });
        }
        encode::encode(message)
    }
}

impl MessageBinding for XmlBinding {
    fn id(&self) -> &'static str {
        match self.version {
            Version::V10 => ids::MESSAGE_XML_10,
            Version::V11 => ids::MESSAGE_XML_11,
        }
    }

    fn content_type(&self) -> &'static str {
        "application/xml"
    }

    fn versions(&self) -> &'static [Version] {
        match self.version {
            Version::V10 => &[Version::V10],
            Version::V11 => &[Version::V11],
        }
    }

    fn decode(&self, body: &[u8], services: Version) -> Result<Message, Error> {
        if services != self.version {
            return Err(Error::BadRequest(format!(
                "{} carries {} messages, but the services version given is {}",
                binding_name(self.version),
                self.version,
                services
            )));
        }
        self.decode_message(body)
    }

    fn encode(&self, message: &Message) -> Result<Bytes, Error> {
        self.encode_message(message).map(Bytes::from)
    }
}

/// Which XML binding a document is written in, from its root element's namespace, without
/// reading past the root's start tag: `None` when it does not look like a TAXII XML message.
pub fn detect(body: &[u8]) -> Option<XmlBinding> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    loop {
        match reader.read_event() {
            Ok(Event::Start(root)) | Ok(Event::Empty(root)) => {
                let name = root.name();
                let prefix = name.prefix().map(|p| p.as_ref().to_vec());
                let wanted: Vec<u8> = match &prefix {
                    Some(p) => [b"xmlns:".as_slice(), p].concat(),
                    None => b"xmlns".to_vec(),
                };
                let uri = root
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == wanted.as_slice())?
                    .value
                    .into_owned();
                return match uri.as_slice() {
                    u if u == ns::XML_10.as_bytes() => Some(XmlBinding::v10()),
                    u if u == ns::XML_11.as_bytes() => Some(XmlBinding::v11()),
                    _ => None,
                };
            }
            Ok(Event::Eof) | Err(_) | Ok(Event::DocType(_)) => return None,
            Ok(_) => {}
        }
    }
}

pub(crate) fn binding_name(version: Version) -> &'static str {
    match version {
        Version::V10 => "XML 1.0",
        Version::V11 => "XML 1.1",
    }
}

pub(crate) fn namespace(version: Version) -> &'static str {
    match version {
        Version::V10 => ns::XML_10,
        Version::V11 => ns::XML_11,
    }
}
