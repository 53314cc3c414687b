//! Writes the Status Messages that protocol bindings send for failures they meet before or
//! instead of an answer (bad headers, bad credentials, oversized bodies, router errors).

use crate::bindings::MessageBindingKind;
use taxii_core::{Envelope, Error, Message, Origin, Version};
use taxii_http::{FailedRequest, StatusWriter};

/// A listener's status writer: answers in a binding the requester accepts and the listener
/// speaks, in the requester's TAXII version when it is known.
pub struct GatewayStatusWriter {
    bindings: Vec<MessageBindingKind>,
    ids: std::sync::atomic::AtomicU64,
}

impl GatewayStatusWriter {
    pub fn new(bindings: Vec<MessageBindingKind>) -> GatewayStatusWriter {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64);
        GatewayStatusWriter {
            bindings,
            ids: std::sync::atomic::AtomicU64::new(seed),
        }
    }
}

impl StatusWriter for GatewayStatusWriter {
    fn write_status(&self, error: &Error, request: &FailedRequest<'_>) -> Result<Envelope, Error> {
        let request_binding = request
            .message_binding
            .and_then(MessageBindingKind::from_id);
        let version = request
            .services
            .and_then(Version::from_services_id)
            .or_else(|| request_binding.and_then(MessageBindingKind::only_version))
            .unwrap_or(Version::V11);
        let fits = |b: &MessageBindingKind| {
            self.bindings.contains(b) && b.only_version().is_none_or(|v| v == version)
        };
        let accepted = || {
            request
                .accept
                .iter()
                .filter_map(|id| MessageBindingKind::from_id(id))
        };
        let (binding, version) = accepted()
            .find(fits)
            .or_else(|| request_binding.filter(fits))
            .or_else(|| self.bindings.iter().copied().find(fits))
            .map(|b| (b, version))
            // No binding here carries the requester's version (a TAXII 1.0 request to an
            // XML 1.1 listener): a status in another version of a binding it accepts says
            // why, where a bare HTTP 406 would not.
            .or_else(|| {
                accepted()
                    .find(|b| self.bindings.contains(b))
                    .map(|b| (b, b.only_version().unwrap_or(version)))
            })
            .ok_or_else(|| Error::UnsupportedMessageBinding {
                binding: request.accept.join(" "),
                supported: self.bindings.iter().map(|b| b.id().to_owned()).collect(),
            })?;
        let in_response_to = request
            .body
            .and_then(|b| message_id(b))
            .filter(|id| version == Version::V11 || id.bytes().all(|c| c.is_ascii_digit()))
            .unwrap_or_else(|| "0".to_owned());
        let id = self
            .ids
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let status = Message::status(version, id, in_response_to, error.to_status(version));
        Ok(Envelope {
            body: binding.encode(&status)?,
            message_binding: binding.id().to_owned(),
            services: version.services_id().to_owned(),
            protocol: String::new(),
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}

/// The `message_id` of a request, read from its first bytes without parsing the rest (the
/// request may be broken: that is why a status is being written).
fn message_id(body: &[u8]) -> Option<String> {
    let head = std::str::from_utf8(&body[..body.len().min(4096)])
        .ok()
        .or_else(|| std::str::from_utf8(&body[..body.len().min(4000)]).ok())?;
    for (key, quote_chars) in [
        ("message_id=\"", '"'),
        ("message_id='", '\''),
        ("\"message_id\":", '"'),
    ] {
        if let Some(at) = head.find(key) {
            let rest = head[at + key.len()..].trim_start();
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            let id: String = rest
                .chars()
                .take_while(|c| *c != quote_chars && *c != '"')
                .collect();
            if !id.is_empty() && id.len() < 256 {
                return Some(id);
            }
        }
    }
    None
}
