//! XML -> model. The hardened [`crate::tree`] reader builds the envelope tree; this module
//! maps it onto [`taxii_core::Message`], checking every required field and refusing
//! elements the version does not define. Child order is not enforced (the spec's sequences
//! are for writers; being lenient costs nothing and helps with sloppy peers).

mod bodies;
mod query;

use crate::tree::{Capture, Node, TreeReader};
use crate::Limits;
use taxii_core::ids::{self, ns};
use taxii_core::*;

/// Reads one message of `version` from `input`.
pub(crate) fn decode(
    input: &[u8],
    shared: Option<bytes::Bytes>,
    version: Version,
    limits: Limits,
) -> Result<Message, DecodeError> {
    let binding = crate::binding_name(version);
    let mut reader = TreeReader::new(input, limits, binding);
    if let Some(shared) = shared {
        reader = reader.sharing(shared);
    }
    let root = reader.read_document(capture_policy)?;
    let cx = Cx {
        input,
        binding,
        version,
        ns: crate::namespace(version),
    };
    if root.ns != cx.ns {
        let other = if root.ns == crate::namespace(other_version(version)) {
            format!(
                " (that is the namespace of {})",
                crate::binding_name(other_version(version))
            )
        } else {
            String::new()
        };
        let found = if root.ns.is_empty() {
            "no namespace".to_owned()
        } else {
            format!("namespace {:?}", root.ns)
        };
        return Err(cx.err(
            &root,
            format!("root element is in {found}{other}; expected {:?}", cx.ns),
        ));
    }
    let message_type = MessageType::from_element_name(&root.local, version).ok_or_else(|| {
        cx.err(
            &root,
            format!("{} is not a {} message type", root.local, version),
        )
    })?;
    let header = cx.header(&root, message_type)?;
    let body = cx.body(&root, message_type)?;
    Ok(Message {
        version,
        header,
        body,
    })
}

fn other_version(v: Version) -> Version {
    match v {
        Version::V10 => Version::V11,
        Version::V11 => Version::V10,
    }
}

/// Which elements are opaque: content, extended header values, status detail values,
/// signatures, and queries of formats other than Default Query.
fn capture_policy(
    ns_uri: &str,
    local: &str,
    attrs: &[(String, String)],
    parent: Option<&str>,
) -> Capture {
    if ns_uri == ns::XMLDSIG && local == "Signature" {
        return Capture::Outer;
    }
    if ns_uri != ns::XML_10 && ns_uri != ns::XML_11 {
        return Capture::Parse;
    }
    let format = || {
        attrs
            .iter()
            .find(|(n, _)| n == "format_id")
            .map(|(_, v)| v.trim())
    };
    match local {
        "Content" if parent == Some("Content_Block") => Capture::Inner,
        "Extended_Header" => Capture::Inner,
        "Detail" if parent == Some("Status_Detail") => Capture::Inner,
        "Query" | "Supported_Query" if format() != Some(ids::QUERY_DEFAULT_10) => Capture::Inner,
        _ => Capture::Parse,
    }
}

/// The decoding context: the input (for error locations) and the version's namespace.
pub(crate) struct Cx<'a> {
    input: &'a [u8],
    binding: &'static str,
    version: Version,
    ns: &'static str,
}

impl Cx<'_> {
    fn err(&self, node: &Node, reason: impl Into<String>) -> DecodeError {
        crate::tree::error_at(
            self.input,
            self.binding,
            node.offset,
            Some(&node.local),
            reason,
        )
    }

    /// Children in the TAXII namespace named `local`.
    fn all<'n>(&self, node: &'n Node, local: &'static str) -> impl Iterator<Item = &'n Node> + 'n {
        let ns = self.ns;
        node.children
            .iter()
            .filter(move |c| c.ns == ns && c.local == local)
    }

    fn opt<'n>(
        &self,
        node: &'n Node,
        local: &'static str,
    ) -> Result<Option<&'n Node>, DecodeError> {
        let mut it = self.all(node, local);
        let first = it.next();
        match it.next() {
            Some(second) => Err(self.err(
                second,
                format!("{local} may appear only once in {}", node.local),
            )),
            None => Ok(first),
        }
    }

    fn req<'n>(&self, node: &'n Node, local: &'static str) -> Result<&'n Node, DecodeError> {
        self.opt(node, local)?
            .ok_or_else(|| self.err(node, format!("missing required element {local}")))
    }

    /// Refuses children other than `allowed` (in any namespace but XML Signature's, which is
    /// allowed where `Signature` is listed).
    fn only(&self, node: &Node, allowed: &[&str]) -> Result<(), DecodeError> {
        for c in &node.children {
            let ok = if c.ns == ns::XMLDSIG {
                allowed.contains(&"Signature") && c.local == "Signature"
            } else {
                c.ns == self.ns && allowed.contains(&c.local.as_str())
            };
            if !ok {
                let what = if c.ns == self.ns {
                    String::new()
                } else {
                    format!(" (namespace {:?})", c.ns)
                };
                return Err(self.err(
                    c,
                    format!(
                        "{}{what} is not allowed in {} of {}",
                        c.local, node.local, self.version
                    ),
                ));
            }
        }
        Ok(())
    }

    fn attr(&self, node: &Node, name: &str) -> Result<String, DecodeError> {
        node.attr(name)
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| self.err(node, format!("missing required attribute {name}")))
    }

    fn opt_attr(&self, node: &Node, name: &str) -> Option<String> {
        node.attr(name).map(|v| v.trim().to_owned())
    }

    fn bool_attr(&self, node: &Node, name: &str) -> Result<Option<bool>, DecodeError> {
        match node.attr(name).map(str::trim) {
            None => Ok(None),
            Some("true") | Some("1") => Ok(Some(true)),
            Some("false") | Some("0") => Ok(Some(false)),
            Some(other) => Err(self.err(
                node,
                format!("attribute {name} must be true or false, not {other:?}"),
            )),
        }
    }

    fn uint_attr(&self, node: &Node, name: &str) -> Result<Option<u64>, DecodeError> {
        node.attr(name)
            .map(|v| self.uint(node, v, name))
            .transpose()
    }

    fn uint(&self, node: &Node, value: &str, what: &str) -> Result<u64, DecodeError> {
        value.trim().parse::<u64>().map_err(|_| {
            self.err(
                node,
                format!("{what} must be a non-negative integer, not {value:?}"),
            )
        })
    }

    /// Trimmed text of a required child.
    fn text(&self, node: &Node, local: &'static str) -> Result<String, DecodeError> {
        Ok(self.req(node, local)?.text.trim().to_owned())
    }

    fn opt_text(&self, node: &Node, local: &'static str) -> Result<Option<String>, DecodeError> {
        Ok(self.opt(node, local)?.map(|n| n.text.trim().to_owned()))
    }

    /// A `Message` child: human text, kept exactly as written.
    fn message(&self, node: &Node) -> Result<Option<String>, DecodeError> {
        Ok(self.opt(node, "Message")?.map(|n| n.text.clone()))
    }

    fn texts(&self, node: &Node, local: &'static str) -> Vec<String> {
        self.all(node, local)
            .map(|n| n.text.trim().to_owned())
            .collect()
    }

    fn timestamp(
        &self,
        node: &Node,
        local: &'static str,
    ) -> Result<Option<Timestamp>, DecodeError> {
        match self.opt(node, local)? {
            None => Ok(None),
            Some(n) => Timestamp::parse(n.text.trim())
                .map(Some)
                .map_err(|e| self.err(n, e.to_string())),
        }
    }

    fn header(&self, root: &Node, message_type: MessageType) -> Result<Header, DecodeError> {
        let message_id = self.attr(root, "message_id")?;
        self.check_id(root, &message_id, "message_id")?;
        let in_response_to = if message_type.is_request() {
            None
        } else {
            let irt = self.attr(root, "in_response_to")?;
            self.check_id(root, &irt, "in_response_to")?;
            Some(irt)
        };
        let mut extended_headers = Vec::new();
        if let Some(eh) = self.opt(root, "Extended_Headers")? {
            self.only(eh, &["Extended_Header"])?;
            for h in self.all(eh, "Extended_Header") {
                let name = self.attr(h, "name")?;
                let value = h
                    .captured
                    .clone()
                    .unwrap_or_else(|| Payload::text(String::new()));
                extended_headers.push(ExtendedHeader { name, value });
            }
        }
        Ok(Header {
            message_id,
            in_response_to,
            extended_headers,
            signature: self.signature(root)?,
        })
    }

    fn check_id(&self, node: &Node, id: &str, what: &str) -> Result<(), DecodeError> {
        if id.is_empty() {
            return Err(self.err(node, format!("{what} is empty")));
        }
        if self.version == Version::V10 && !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(
                node,
                format!("{what} {id:?} is not digits, as TAXII 1.0 requires"),
            ));
        }
        Ok(())
    }

    fn signature(&self, node: &Node) -> Result<Option<Signature>, DecodeError> {
        let mut sigs = node
            .children
            .iter()
            .filter(|c| c.ns == ns::XMLDSIG && c.local == "Signature");
        let first = sigs.next();
        if let Some(second) = sigs.next() {
            return Err(self.err(second, "only one Signature is allowed here"));
        }
        Ok(first
            .and_then(|s| s.captured.clone())
            .map(|p| Signature(p.bytes)))
    }

    /// A content binding: 1.0 text, 1.1 `@binding_id` with `Subtype` children.
    fn content_binding(&self, node: &Node) -> Result<ContentBinding, DecodeError> {
        match self.version {
            Version::V10 => {
                let id = node.text.trim();
                if id.is_empty() {
                    return Err(self.err(node, "empty content binding"));
                }
                Ok(ContentBinding::new(id))
            }
            Version::V11 => {
                self.only(node, &["Subtype"])?;
                let binding_id = self.attr(node, "binding_id")?;
                let subtypes = self
                    .all(node, "Subtype")
                    .map(|s| self.attr(s, "subtype_id"))
                    .collect::<Result<_, _>>()?;
                Ok(ContentBinding {
                    binding_id,
                    subtypes,
                })
            }
        }
    }

    fn content_bindings(
        &self,
        node: &Node,
        local: &'static str,
    ) -> Result<Vec<ContentBinding>, DecodeError> {
        self.all(node, local)
            .map(|n| self.content_binding(n))
            .collect()
    }

    fn content_blocks(&self, node: &Node) -> Result<Vec<ContentBlock>, DecodeError> {
        self.all(node, "Content_Block")
            .map(|b| self.content_block(b))
            .collect()
    }

    fn content_block(&self, block: &Node) -> Result<ContentBlock, DecodeError> {
        let allowed: &[&str] = match self.version {
            Version::V10 => &[
                "Content_Binding",
                "Content",
                "Timestamp_Label",
                "Padding",
                "Signature",
            ],
            Version::V11 => &[
                "Content_Binding",
                "Content",
                "Timestamp_Label",
                "Message",
                "Padding",
                "Signature",
            ],
        };
        self.only(block, allowed)?;
        let content_binding = self.content_binding(self.req(block, "Content_Binding")?)?;
        if content_binding.subtypes.len() > 1 {
            return Err(self.err(
                block,
                "a content block's binding may have at most one subtype",
            ));
        }
        let content = self
            .req(block, "Content")?
            .captured
            .clone()
            .unwrap_or_else(|| Payload::text(String::new()));
        Ok(ContentBlock {
            content_binding,
            content,
            timestamp_label: self.timestamp(block, "Timestamp_Label")?,
            message: self.message(block)?,
            padding: self.opt(block, "Padding")?.map(|n| n.text.clone()),
            signature: self.signature(block)?,
        })
    }

    /// Protocol binding, address and message bindings (Polling Service, Poll Instance, ...).
    fn endpoint(&self, node: &Node) -> Result<ServiceEndpoint, DecodeError> {
        let message_bindings = self.texts(node, "Message_Binding");
        if message_bindings.is_empty() {
            return Err(self.err(node, "missing required element Message_Binding"));
        }
        Ok(ServiceEndpoint {
            protocol_binding: self.text(node, "Protocol_Binding")?,
            address: self.text(node, "Address")?,
            message_bindings,
        })
    }

    fn record_count(&self, node: &Node) -> Result<Option<RecordCount>, DecodeError> {
        match self.opt(node, "Record_Count")? {
            None => Ok(None),
            Some(n) => Ok(Some(RecordCount {
                count: self.uint(n, &n.text, "Record_Count")?,
                partial: self.bool_attr(n, "partial_count")?.unwrap_or(false),
            })),
        }
    }
}
