//! The hardened reader: XML bytes -> a small tree of the TAXII envelope.
//!
//! The envelope (everything TAXII defines) becomes [`Node`]s; opaque parts (Content,
//! Extended Header values, status detail values, signatures, queries of unknown formats)
//! are captured as raw byte ranges and never parsed into nodes, so a 30 MB Poll Response
//! costs one tokenizing pass and one copy. Captured XML gets the namespace declarations it
//! inherits from the envelope, inserted on its top-level elements, so it stands alone.
//!
//! Refused outright: DOCTYPE (and so every entity declaration), undefined entity
//! references, input that is not UTF-8, and anything past the [`Limits`].

use crate::Limits;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use taxii_core::{DecodeError, Location, Payload};

/// How an element's content is to be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capture {
    /// Parse children into nodes.
    Parse,
    /// Keep the bytes between the start and end tags.
    Inner,
    /// Keep the whole element, tags included.
    Outer,
}

/// One element of the envelope.
#[derive(Debug)]
pub(crate) struct Node {
    /// Namespace URI ("" when none).
    pub ns: String,
    pub local: String,
    /// Attributes other than namespace declarations: (name as written, unescaped value).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    /// Concatenated character data (unescaped), for elements with simple content.
    pub text: String,
    /// The captured payload, for elements read with [`Capture::Inner`] or [`Capture::Outer`].
    pub captured: Option<Payload>,
    /// Byte offset of the start tag, for error locations.
    pub offset: usize,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An opened element: namespace URI, local name, attributes.
type Opened = (String, String, Vec<(String, String)>);

/// A namespace declaration in scope: prefix ("" for the default namespace) and URI.
type Binding = (String, String);

pub(crate) struct TreeReader<'a> {
    input: &'a [u8],
    /// The same bytes, shared, when the caller has them so: payloads that need no added
    /// declarations are then slices of the input instead of copies.
    shared: Option<bytes::Bytes>,
    reader: Reader<&'a [u8]>,
    limits: Limits,
    binding: &'static str,
    /// Namespace declarations in scope, innermost last, and how many each open element added.
    scope: Vec<Binding>,
    marks: Vec<usize>,
}

/// Decides how to read an element from its namespace, local name, attributes and parent.
pub(crate) type CapturePolicy =
    fn(ns: &str, local: &str, attrs: &[(String, String)], parent: Option<&str>) -> Capture;

impl<'a> TreeReader<'a> {
    /// Payloads will be slices of `shared` (which must hold exactly the input's bytes)
    /// wherever they can.
    pub fn sharing(mut self, shared: bytes::Bytes) -> TreeReader<'a> {
        debug_assert_eq!(shared.as_ref(), self.input);
        self.shared = Some(shared);
        self
    }

    pub fn new(input: &'a [u8], limits: Limits, binding: &'static str) -> TreeReader<'a> {
        let mut reader = Reader::from_reader(input);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = true;
        config.expand_empty_elements = false;
        TreeReader {
            input,
            shared: None,
            reader,
            limits,
            binding,
            scope: Vec::new(),
            marks: Vec::new(),
        }
    }

    pub fn error_at(
        &self,
        offset: usize,
        element: Option<&str>,
        reason: impl Into<String>,
    ) -> DecodeError {
        error_at(self.input, self.binding, offset, element, reason)
    }

    /// Reads the whole document and returns its root element.
    pub fn read_document(mut self, policy: CapturePolicy) -> Result<Node, DecodeError> {
        if self.input.len() > self.limits.max_bytes {
            return Err(self.error_at(
                0,
                None,
                format!(
                    "document of {} bytes exceeds the limit of {} bytes",
                    self.input.len(),
                    self.limits.max_bytes
                ),
            ));
        }
        if let Err(e) = std::str::from_utf8(self.input) {
            return Err(self.error_at(e.valid_up_to(), None, "not UTF-8"));
        }
        loop {
            let offset = self.position();
            match self.next(offset)? {
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            return Err(self.error_at(
                                offset,
                                None,
                                format!("encoding {enc:?} refused: only UTF-8"),
                            ));
                        }
                    }
                }
                Event::Start(start) => {
                    let start = start.into_owned();
                    let node = self.read_element(&start, offset, false, None, 1, policy)?;
                    self.expect_end_of_document()?;
                    return Ok(node);
                }
                Event::Empty(start) => {
                    let start = start.into_owned();
                    let node = self.read_element(&start, offset, true, None, 1, policy)?;
                    self.expect_end_of_document()?;
                    return Ok(node);
                }
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(self.error_at(
                        offset,
                        None,
                        "no root element (empty or truncated document)",
                    ))
                }
                other => {
                    return Err(self.error_at(
                        offset,
                        None,
                        format!("unexpected {} before the root element", kind(&other)),
                    ))
                }
            }
        }
    }

    fn expect_end_of_document(&mut self) -> Result<(), DecodeError> {
        loop {
            let offset = self.position();
            match self.next(offset)? {
                Event::Eof => return Ok(()),
                Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                Event::Comment(_) | Event::PI(_) => {}
                other => {
                    return Err(self.error_at(
                        offset,
                        None,
                        format!("unexpected {} after the root element", kind(&other)),
                    ))
                }
            }
        }
    }

    fn position(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    /// The next event, with DOCTYPE refused and reader errors located.
    fn next(&mut self, offset: usize) -> Result<Event<'a>, DecodeError> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.error_at(
                offset,
                None,
                "DOCTYPE refused: TAXII messages need no DTD, and DTDs enable entity expansion attacks",
            )),
            Ok(event) => Ok(event),
            Err(e) => {
                let at = (self.reader.error_position() as usize).max(offset);
                Err(self.error_at(at, None, format!("not well-formed XML: {e}")))
            }
        }
    }

    /// Pushes the element's namespace declarations and returns (ns uri, local, attributes).
    fn open(&mut self, start: &BytesStart<'_>, offset: usize) -> Result<Opened, DecodeError> {
        let qname = utf8(start.name().as_ref());
        let mut attrs = Vec::new();
        let mut declared = 0;
        for (count, attr) in start.attributes().enumerate() {
            if count >= self.limits.max_attributes {
                return Err(self.error_at(
                    offset,
                    Some(&qname),
                    format!("more than {} attributes", self.limits.max_attributes),
                ));
            }
            let attr = attr
                .map_err(|e| self.error_at(offset, Some(&qname), format!("bad attribute: {e}")))?;
            if attr.value.len() > self.limits.max_attribute_len {
                return Err(self.error_at(
                    offset,
                    Some(&qname),
                    format!(
                        "attribute of {} bytes exceeds the limit of {} bytes",
                        attr.value.len(),
                        self.limits.max_attribute_len
                    ),
                ));
            }
            let name = utf8(attr.key.as_ref());
            let value = unescape(&attr.value).map_err(|e| {
                self.error_at(offset, Some(&qname), format!("attribute {name}: {e}"))
            })?;
            if name == "xmlns" {
                self.scope.push((String::new(), value));
                declared += 1;
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                self.scope.push((prefix.to_owned(), value));
                declared += 1;
            } else {
                attrs.push((name, value));
            }
        }
        self.marks.push(declared);
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l.to_owned()),
            None => ("", qname.clone()),
        };
        let ns = match self.resolve(prefix) {
            Some(uri) => uri.to_owned(),
            None if prefix.is_empty() => String::new(),
            None => {
                return Err(self.error_at(
                    offset,
                    Some(&qname),
                    format!("namespace prefix {prefix:?} is not declared"),
                ))
            }
        };
        Ok((ns, local, attrs))
    }

    fn close(&mut self) {
        let n = self.marks.pop().unwrap_or(0);
        self.scope.truncate(self.scope.len().saturating_sub(n));
    }

    fn resolve(&self, prefix: &str) -> Option<&str> {
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }

    fn read_element(
        &mut self,
        start: &BytesStart<'_>,
        offset: usize,
        empty: bool,
        parent: Option<&str>,
        depth: usize,
        policy: CapturePolicy,
    ) -> Result<Node, DecodeError> {
        let qname = utf8(start.name().as_ref());
        if depth > self.limits.max_depth {
            return Err(self.error_at(
                offset,
                Some(&qname),
                format!("nesting deeper than {} elements", self.limits.max_depth),
            ));
        }
        let (ns, local, attrs) = self.open(start, offset)?;
        let mode = policy(&ns, &local, &attrs, parent);
        let mut node = Node {
            ns,
            local,
            attrs,
            children: Vec::new(),
            text: String::new(),
            captured: None,
            offset,
        };
        let body_start = self.position();
        if empty {
            if mode == Capture::Outer {
                node.captured =
                    Some(self.standalone(offset, body_start, &[Top::of(start, offset)]));
            } else if mode == Capture::Inner {
                node.captured = Some(Payload::text(String::new()));
            }
            self.close();
            return Ok(node);
        }
        match mode {
            Capture::Parse => self.read_children(&mut node, &qname, depth, policy)?,
            Capture::Inner | Capture::Outer => {
                let (inner_end, is_xml, text, tops) = self.skip_content(&qname, depth)?;
                node.captured = Some(if mode == Capture::Outer {
                    self.standalone(offset, self.position(), &[Top::of(start, offset)])
                } else if is_xml {
                    self.standalone(body_start, inner_end, &tops)
                } else {
                    Payload::text(text)
                });
            }
        }
        self.close();
        Ok(node)
    }

    fn read_children(
        &mut self,
        node: &mut Node,
        qname: &str,
        depth: usize,
        policy: CapturePolicy,
    ) -> Result<(), DecodeError> {
        loop {
            let offset = self.position();
            match self.next(offset)? {
                Event::Start(s) => {
                    let s = s.into_owned();
                    let child =
                        self.read_element(&s, offset, false, Some(&node.local), depth + 1, policy)?;
                    node.children.push(child);
                }
                Event::Empty(s) => {
                    let s = s.into_owned();
                    let child =
                        self.read_element(&s, offset, true, Some(&node.local), depth + 1, policy)?;
                    node.children.push(child);
                }
                Event::Text(t) => {
                    let text = unescape(&t).map_err(|e| {
                        self.error_at(offset, Some(qname), format!("bad text: {e}"))
                    })?;
                    node.text.push_str(&text);
                }
                Event::CData(c) => node.text.push_str(&normalize_newlines(&utf8(&c))),
                Event::End(_) => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(self.error_at(
                        offset,
                        Some(qname),
                        "document ends before this element is closed",
                    ))
                }
                other => {
                    return Err(self.error_at(
                        offset,
                        Some(qname),
                        format!("unexpected {}", kind(&other)),
                    ))
                }
            }
        }
    }

    /// Reads past an opaque element's content. Returns where its content ends, whether it
    /// holds elements, and its unescaped text (meaningful only when it holds none).
    fn skip_content(
        &mut self,
        qname: &str,
        depth: usize,
    ) -> Result<(usize, bool, String, Vec<Top>), DecodeError> {
        let mut level = 0usize;
        let mut is_xml = false;
        let mut text = String::new();
        let mut tops = Vec::new();
        loop {
            let offset = self.position();
            match self.next(offset)? {
                Event::Start(s) => {
                    is_xml = true;
                    if level == 0 {
                        tops.push(Top::of(&s, offset));
                    }
                    level += 1;
                    if depth + level > self.limits.max_depth {
                        return Err(self.error_at(
                            offset,
                            Some(&utf8(s.name().as_ref())),
                            format!("nesting deeper than {} elements", self.limits.max_depth),
                        ));
                    }
                    self.check_attributes(&s, offset)?;
                }
                Event::Empty(s) => {
                    is_xml = true;
                    if level == 0 {
                        tops.push(Top::of(&s, offset));
                    }
                    self.check_attributes(&s, offset)?;
                }
                Event::End(_) if level == 0 => return Ok((offset, is_xml, text, tops)),
                Event::End(_) => level -= 1,
                Event::Text(t) => {
                    if !is_xml && level == 0 {
                        let unescaped = unescape(&t).map_err(|e| {
                            self.error_at(offset, Some(qname), format!("bad text: {e}"))
                        })?;
                        text.push_str(&unescaped);
                    } else {
                        // Kept verbatim: only check that every reference is one XML defines.
                        check_references(&t).map_err(|e| {
                            self.error_at(offset, Some(qname), format!("bad text: {e}"))
                        })?;
                    }
                }
                Event::CData(c) => {
                    if level == 0 {
                        text.push_str(&normalize_newlines(&utf8(&c)));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(self.error_at(
                        offset,
                        Some(qname),
                        "document ends before this element is closed",
                    ))
                }
                other => {
                    return Err(self.error_at(
                        offset,
                        Some(qname),
                        format!("unexpected {}", kind(&other)),
                    ))
                }
            }
        }
    }

    /// Checks the attributes of an element inside opaque content, which is copied verbatim:
    /// well-formed, no duplicates, only defined references, within the limits.
    fn check_attributes(&self, start: &BytesStart<'_>, offset: usize) -> Result<(), DecodeError> {
        // Most elements have a handful of attributes: keep their names on the stack.
        let mut inline: [&[u8]; 16] = [&[]; 16];
        let mut spilled: Vec<&[u8]> = Vec::new();
        let mut count = 0;
        let limits = self.limits;
        for_each_attribute(start.attributes_raw(), |name, value| {
            if count >= limits.max_attributes {
                return Err(format!("more than {} attributes", limits.max_attributes));
            }
            if value.len() > limits.max_attribute_len {
                return Err(format!(
                    "attribute exceeds {} bytes",
                    limits.max_attribute_len
                ));
            }
            if inline[..count.min(16)].contains(&name) || spilled.contains(&name) {
                return Err(format!(
                    "duplicate attribute {}",
                    String::from_utf8_lossy(name)
                ));
            }
            match inline.get_mut(count) {
                Some(slot) => *slot = name,
                None => spilled.push(name),
            }
            count += 1;
            Ok(())
        })
        .map_err(|reason| self.error_at(offset, Some(&utf8(start.name().as_ref())), reason))
    }

    /// The bytes `[from, to)` as a standalone XML fragment: each top-level start tag (`tops`,
    /// absolute offsets) gets the in-scope namespace declarations the fragment uses and the tag
    /// does not declare itself. Surrounding white space is dropped.
    fn standalone(&self, from: usize, to: usize, tops: &[Top]) -> Payload {
        let raw = &self.input[from..to];
        let lead = raw
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(raw.len());
        let tail = raw
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(lead, |p| p + 1);
        let (from, raw) = (from + lead, &raw[lead..tail]);
        let scope = effective_scope(&self.scope);
        let needed = |top: &Top, prefix: &str, uri: &str| {
            !(top.declares.iter().any(|d| d == prefix)
                || (prefix.is_empty() && uri.is_empty())
                || !uses_prefix(raw, prefix))
        };
        if let Some(shared) = &self.shared {
            if !tops
                .iter()
                .any(|top| scope.iter().any(|(p, u)| needed(top, p, u)))
            {
                return Payload::xml(shared.slice(from..from + raw.len()));
            }
        }
        let mut out = Vec::with_capacity(raw.len() + 128);
        let mut cursor = 0;
        for top in tops {
            let name_end = top.name_end - from;
            out.extend_from_slice(&raw[cursor..name_end]);
            for (prefix, uri) in scope.iter().copied() {
                if !needed(top, prefix, uri) {
                    continue;
                }
                if prefix.is_empty() {
                    out.extend_from_slice(b" xmlns=\"");
                } else {
                    out.extend_from_slice(b" xmlns:");
                    out.extend_from_slice(prefix.as_bytes());
                    out.extend_from_slice(b"=\"");
                }
                out.extend_from_slice(crate::escape::attr(uri).as_bytes());
                out.push(b'"');
            }
            cursor = name_end;
        }
        out.extend_from_slice(&raw[cursor..]);
        Payload::xml(out)
    }
}

/// A top-level start tag of a captured fragment: where its name ends (absolute offset) and
/// the prefixes it declares itself.
pub(crate) struct Top {
    name_end: usize,
    declares: Vec<String>,
}

impl Top {
    fn of(start: &BytesStart<'_>, offset: usize) -> Top {
        let mut declares = Vec::new();
        // The syntax was checked already (this tag was read or is checked right after).
        let _ = for_each_attribute(start.attributes_raw(), |name, _| {
            if name == b"xmlns" {
                declares.push(String::new());
            } else if let Some(prefix) = name.strip_prefix(b"xmlns:") {
                declares.push(String::from_utf8_lossy(prefix).into_owned());
            }
            Ok(())
        });
        Top {
            name_end: offset + 1 + start.name().as_ref().len(),
            declares,
        }
    }
}

/// The innermost binding of each prefix, outermost-declared first.
fn effective_scope(scope: &[Binding]) -> Vec<&Binding> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out: Vec<&Binding> = Vec::new();
    for b in scope.iter().rev() {
        if !seen.contains(&b.0.as_str()) {
            seen.push(&b.0);
            out.push(b);
        }
    }
    out.reverse();
    out
}

/// Whether a fragment may use `prefix`: for a prefix, any `prefix:` in the bytes (element and
/// attribute names, and QName values such as `xsi:type="stix:X"`); for the default namespace,
/// any unprefixed element name. A false positive only adds a harmless declaration.
fn uses_prefix(raw: &[u8], prefix: &str) -> bool {
    if prefix.is_empty() {
        return unprefixed_element(raw);
    }
    let mut needle = Vec::with_capacity(prefix.len() + 1);
    needle.extend_from_slice(prefix.as_bytes());
    needle.push(b':');
    memchr::memmem::find_iter(raw, &needle).any(|i| i == 0 || !is_name_byte(raw[i - 1]))
}

fn unprefixed_element(raw: &[u8]) -> bool {
    memchr::memchr_iter(b'<', raw).any(|i| {
        let rest = &raw[i + 1..];
        match rest.first() {
            Some(b) if is_name_start(*b) => {
                let name_len = rest
                    .iter()
                    .take_while(|b| is_name_byte(**b) || **b == b':')
                    .count();
                !rest[..name_len].contains(&b':')
            }
            _ => false,
        }
    })
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
}

pub(crate) fn error_at(
    input: &[u8],
    binding: &'static str,
    offset: usize,
    element: Option<&str>,
    reason: impl Into<String>,
) -> DecodeError {
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    DecodeError {
        binding,
        element: element.map(str::to_owned),
        location: Some(Location { line, column }),
        reason: reason.into(),
    }
}

/// Character data as an XML processor reports it: line ends normalised (XML 1.0 §2.11),
/// then the five predefined entities and character references replaced. Any other entity
/// reference is an error: without a DTD none can be defined.
fn unescape(raw: &[u8]) -> Result<String, quick_xml::escape::EscapeError> {
    let raw = String::from_utf8_lossy(raw);
    let text = normalize_newlines(&raw);
    Ok(quick_xml::escape::unescape(&text)?.into_owned())
}

/// Walks the attributes of a start tag (`raw`: everything after the element name) and hands
/// each name and raw value to `f`, checking the syntax on the way: `name = "value"` with
/// either quote, no `<` in a value, only defined references. Hand-rolled because opaque
/// content holds most of a message's elements: this is the decoder's hot path.
fn for_each_attribute<'r>(
    raw: &'r [u8],
    mut f: impl FnMut(&'r [u8], &'r [u8]) -> Result<(), String>,
) -> Result<(), String> {
    let skip_space = |mut i: usize| {
        while raw.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = skip_space(0);
    while i < raw.len() {
        let name_start = i;
        while raw
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'=')
        {
            i += 1;
        }
        let name = &raw[name_start..i];
        let shown = || String::from_utf8_lossy(name).into_owned();
        i = skip_space(i);
        if raw.get(i) != Some(&b'=') {
            return Err(format!("attribute {} has no value", shown()));
        }
        i = skip_space(i + 1);
        let quote = match raw.get(i) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return Err(format!("attribute {} is not quoted", shown())),
        };
        let value_start = i + 1;
        let mut at = value_start;
        loop {
            match memchr::memchr3(quote, b'<', b'&', &raw[at..]).map(|p| at + p) {
                None => return Err(format!("attribute {} is not closed", shown())),
                Some(p) if raw[p] == quote => {
                    at = p;
                    break;
                }
                Some(p) if raw[p] == b'<' => {
                    return Err(format!("attribute {} contains '<'", shown()))
                }
                Some(p) => {
                    let end = memchr::memchr(b';', &raw[p..]).map_or(raw.len(), |e| p + e + 1);
                    check_references(&raw[p..end])
                        .map_err(|e| format!("attribute {}: {e}", shown()))?;
                    at = end;
                }
            }
        }
        f(name, &raw[value_start..at])?;
        i = skip_space(at + 1);
    }
    Ok(())
}

/// Checks that every `&...;` in raw character data is a predefined entity or a character
/// reference to a character XML allows, without building the unescaped text.
fn check_references(raw: &[u8]) -> Result<(), String> {
    let mut rest = raw;
    while let Some(amp) = memchr::memchr(b'&', rest) {
        rest = &rest[amp + 1..];
        let end = memchr::memchr(b';', rest)
            .filter(|e| *e <= 12)
            .ok_or("'&' that does not start a reference")?;
        let name = &rest[..end];
        let number = |digits: &[u8], radix| {
            std::str::from_utf8(digits)
                .ok()
                .and_then(|d| u32::from_str_radix(d, radix).ok())
        };
        let ok = match name {
            b"lt" | b"gt" | b"amp" | b"apos" | b"quot" => true,
            [b'#', b'x', hex @ ..] => number(hex, 16).is_some_and(allowed_char),
            [b'#', dec @ ..] => number(dec, 10).is_some_and(allowed_char),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "reference &{}; is not defined (without a DTD only the five predefined entities and character references are)",
                String::from_utf8_lossy(name)
            ));
        }
        rest = &rest[end + 1..];
    }
    Ok(())
}

fn allowed_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn normalize_newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn utf8(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn kind(event: &Event<'_>) -> &'static str {
    match event {
        Event::Start(_) | Event::Empty(_) => "element",
        Event::End(_) => "end tag",
        Event::Text(_) => "text",
        Event::CData(_) => "CDATA section",
        Event::Comment(_) => "comment",
        Event::Decl(_) => "XML declaration",
        Event::PI(_) => "processing instruction",
        Event::DocType(_) => "DOCTYPE",
        Event::Eof => "end of document",
    }
}
