//! Model -> XML. A small writer appends elements in the order the XSDs require; payloads
//! (content, extended header values, signatures, opaque queries) are copied in as they are,
//! never re-serialized. The namespace prefixes are libtaxii's: `taxii` (1.0), `taxii_11`
//! (1.1) and `tdq` (Default Query).

mod bodies;
mod query;

use crate::escape;
use taxii_core::*;

/// Writes `message` in its own version's XML binding.
pub(crate) fn encode(message: &Message) -> Result<Vec<u8>, Error> {
    let version = message.version;
    let mut w = Writer::new(version);
    w.out.reserve(size_hint(message));
    let msg_type = message.message_type();
    if !msg_type.exists_in(version) {
        return Err(w.invalid(format!("{msg_type} does not exist in {version}")));
    }
    check_id(&w, &message.header.message_id, "message_id")?;
    let root = msg_type.element_name(version);
    w.out.push(b'<');
    w.name(root);
    w.raw(" xmlns:");
    w.raw(w.prefix);
    w.raw("=\"");
    w.raw(crate::namespace(version));
    w.raw("\"");
    w.attr("message_id", &message.header.message_id)?;
    match (&message.header.in_response_to, msg_type.is_request()) {
        (Some(irt), false) => {
            check_id(&w, irt, "in_response_to")?;
            w.attr("in_response_to", irt)?;
        }
        (None, false) => return Err(w.invalid(format!("a {msg_type} needs in_response_to"))),
        (_, true) => {}
    }
    w.root_attrs(&message.body)?;
    w.out.push(b'>');
    if !message.header.extended_headers.is_empty() {
        w.open("Extended_Headers");
        for h in &message.header.extended_headers {
            w.start("Extended_Header");
            w.attr("name", &h.name)?;
            w.out.push(b'>');
            w.payload(&h.value)?;
            w.close("Extended_Header");
        }
        w.close("Extended_Headers");
    }
    w.body(&message.body)?;
    if let Some(sig) = &message.header.signature {
        w.out.extend_from_slice(&sig.0);
    }
    w.close(root);
    Ok(w.out)
}

/// About how long the document will be: the payloads plus a generous allowance for the
/// envelope, so a large Poll Response is written without the buffer doubling (and briefly
/// holding twice its size).
fn size_hint(message: &Message) -> usize {
    let blocks: &[ContentBlock] = match &message.body {
        Body::PollResponse(r) => &r.content_blocks,
        Body::InboxMessage(m) => &m.content_blocks,
        _ => &[],
    };
    let payloads: usize = blocks
        .iter()
        .map(|b| b.content.bytes.len() + b.signature.as_ref().map_or(0, |s| s.0.len()) + 512)
        .sum();
    payloads
        + message
            .header
            .extended_headers
            .iter()
            .map(|h| h.value.bytes.len() + 256)
            .sum::<usize>()
        + 4096
}

fn check_id(w: &Writer, id: &str, what: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(w.invalid(format!("{what} is empty")));
    }
    if w.version == Version::V10 && !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(w.invalid(format!(
            "{what} {id:?} is not digits, as TAXII 1.0 requires"
        )));
    }
    Ok(())
}

/// Appends XML to a buffer.
pub(crate) struct Writer {
    pub out: Vec<u8>,
    pub version: Version,
    prefix: &'static str,
}

impl Writer {
    fn new(version: Version) -> Writer {
        let prefix = match version {
            Version::V10 => "taxii",
            Version::V11 => "taxii_11",
        };
        Writer {
            out: Vec::new(),
            version,
            prefix,
        }
    }

    pub fn v11(&self) -> bool {
        self.version == Version::V11
    }

    pub fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::Invalid {
            binding: crate::binding_name(self.version),
            reason: reason.into(),
        }
    }

    pub fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// A TAXII element name with its prefix.
    fn name(&mut self, local: &str) {
        self.out.extend_from_slice(self.prefix.as_bytes());
        self.out.push(b':');
        self.out.extend_from_slice(local.as_bytes());
    }

    /// `<prefix:local` (attributes may follow; the caller closes the tag).
    pub fn start(&mut self, local: &str) {
        self.out.push(b'<');
        self.name(local);
    }

    pub fn open(&mut self, local: &str) {
        self.start(local);
        self.out.push(b'>');
    }

    pub fn close(&mut self, local: &str) {
        self.out.extend_from_slice(b"</");
        self.name(local);
        self.out.push(b'>');
    }

    pub fn attr(&mut self, name: &str, value: &str) -> Result<(), Error> {
        self.check(value, name)?;
        self.out.push(b' ');
        self.raw(name);
        self.raw("=\"");
        self.out.extend_from_slice(escape::attr(value).as_bytes());
        self.out.push(b'"');
        Ok(())
    }

    pub fn opt_attr(&mut self, name: &str, value: Option<&str>) -> Result<(), Error> {
        value.map_or(Ok(()), |v| self.attr(name, v))
    }

    pub fn text(&mut self, s: &str) -> Result<(), Error> {
        self.check(s, "text")?;
        self.out.extend_from_slice(escape::text(s).as_bytes());
        Ok(())
    }

    /// `<prefix:local>text</prefix:local>`.
    pub fn leaf(&mut self, local: &str, text: &str) -> Result<(), Error> {
        self.open(local);
        self.text(text)?;
        self.close(local);
        Ok(())
    }

    pub fn opt_leaf(&mut self, local: &str, text: Option<&str>) -> Result<(), Error> {
        text.map_or(Ok(()), |t| self.leaf(local, t))
    }

    pub fn leaves(&mut self, local: &str, texts: &[String]) -> Result<(), Error> {
        texts.iter().try_for_each(|t| self.leaf(local, t))
    }

    /// An opaque payload: XML copied in, text escaped.
    pub fn payload(&mut self, p: &Payload) -> Result<(), Error> {
        if p.is_xml {
            self.out.extend_from_slice(&p.bytes);
            Ok(())
        } else {
            let s = std::str::from_utf8(&p.bytes).map_err(|_| {
                self.invalid(
                    "text payload is not UTF-8 (binary content must be encoded, e.g. base64)",
                )
            })?;
            self.text(s)
        }
    }

    fn check(&self, s: &str, what: &str) -> Result<(), Error> {
        match escape::invalid_char(s) {
            Some(c) => Err(self.invalid(format!(
                "{what} contains U+{:04X}, which XML cannot carry",
                c as u32
            ))),
            None => Ok(()),
        }
    }

    pub fn timestamp(&mut self, local: &str, t: Option<&Timestamp>) -> Result<(), Error> {
        self.opt_leaf(local, t.map(Timestamp::as_str))
    }

    pub fn bool_attr(&mut self, name: &str, value: bool) -> Result<(), Error> {
        self.attr(name, if value { "true" } else { "false" })
    }

    /// The collection (1.0: feed) name attribute.
    pub fn collection_attr(&mut self, name: &str) -> Result<(), Error> {
        self.attr(
            if self.v11() {
                "collection_name"
            } else {
                "feed_name"
            },
            name,
        )
    }

    /// A content binding: 1.0 text, 1.1 `@binding_id` with `Subtype`s.
    pub fn content_binding(&mut self, local: &str, b: &ContentBinding) -> Result<(), Error> {
        if !self.v11() {
            if !b.subtypes.is_empty() {
                return Err(self.invalid(format!(
                    "content binding subtypes (of {}) do not exist in TAXII 1.0",
                    b.binding_id
                )));
            }
            return self.leaf(local, &b.binding_id);
        }
        self.start(local);
        self.attr("binding_id", &b.binding_id)?;
        if b.subtypes.is_empty() {
            self.raw("/>");
            return Ok(());
        }
        self.out.push(b'>');
        for s in &b.subtypes {
            self.start("Subtype");
            self.attr("subtype_id", s)?;
            self.raw("/>");
        }
        self.close(local);
        Ok(())
    }

    pub fn content_bindings(&mut self, local: &str, bs: &[ContentBinding]) -> Result<(), Error> {
        bs.iter().try_for_each(|b| self.content_binding(local, b))
    }

    pub fn endpoint(&mut self, local: &str, e: &ServiceEndpoint) -> Result<(), Error> {
        self.open(local);
        self.endpoint_fields(e)?;
        self.close(local);
        Ok(())
    }

    pub fn endpoint_fields(&mut self, e: &ServiceEndpoint) -> Result<(), Error> {
        if e.message_bindings.is_empty() {
            return Err(self.invalid("a service endpoint needs at least one message binding"));
        }
        self.leaf("Protocol_Binding", &e.protocol_binding)?;
        self.leaf("Address", &e.address)?;
        self.leaves("Message_Binding", &e.message_bindings)
    }

    pub fn content_block(&mut self, b: &ContentBlock) -> Result<(), Error> {
        self.open("Content_Block");
        if self.v11() && b.content_binding.subtypes.len() > 1 {
            return Err(self.invalid("a content block's binding may have at most one subtype"));
        }
        self.content_binding("Content_Binding", &b.content_binding)?;
        self.open("Content");
        self.payload(&b.content)?;
        self.close("Content");
        self.timestamp("Timestamp_Label", b.timestamp_label.as_ref())?;
        match (&b.message, self.v11()) {
            (Some(m), true) => self.leaf("Message", m)?,
            (Some(_), false) => {
                return Err(self.invalid("a content block message does not exist in TAXII 1.0"))
            }
            (None, _) => {}
        }
        self.opt_leaf("Padding", b.padding.as_deref())?;
        if let Some(sig) = &b.signature {
            self.out.extend_from_slice(&sig.0);
        }
        self.close("Content_Block");
        Ok(())
    }

    pub fn record_count(&mut self, rc: Option<&RecordCount>) -> Result<(), Error> {
        let Some(rc) = rc else { return Ok(()) };
        if !self.v11() {
            return Err(self.invalid("Record_Count does not exist in TAXII 1.0"));
        }
        self.start("Record_Count");
        if rc.partial {
            self.bool_attr("partial_count", true)?;
        }
        self.out.push(b'>');
        self.raw(&rc.count.to_string());
        self.close("Record_Count");
        Ok(())
    }
}
