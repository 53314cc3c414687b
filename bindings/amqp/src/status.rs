//! Answering with a TAXII status without parsing TAXII.
//!
//! The listener refuses some messages before any handler sees them (missing headers, wrong
//! content type, oversized body) and must still answer in TAXII. A protocol binding cannot
//! write TAXII, so the caller injects a [`StatusWriter`] (the gateway passes one backed by
//! its message bindings). When there is none, or it fails, the answer is a *plain reply*:
//! no `x-taxii-content-type`, an `x-taxii-status` header naming the status type and the
//! reason as `text/plain` body, just as an HTTP client maps a non-TAXII HTTP error response
//! to a status (HTTP binding §5). [`error_from_plain_reply`] is the client's side of that.

use std::sync::Arc;
use taxii_core::{Envelope, Error, Message, MessageBinding, Origin, StatusType, Version};

/// What a status answer is for.
#[derive(Debug, Clone, Copy)]
pub struct StatusRequest<'a> {
    /// Why the request is refused.
    pub error: &'a Error,
    /// The requester's `x-taxii-accept` (empty = any binding).
    pub accept: &'a [String],
    /// The request's `x-taxii-content-type`, if it named one.
    pub request_binding: Option<&'a str>,
    /// The request's services version, if it named a known one.
    pub services: Option<Version>,
}

/// Writes the Status Message a refused request is answered with. `in_response_to` is
/// unknown to a protocol binding: writers use `0`, as TAXII servers do for requests they
/// could not read.
pub trait StatusWriter: Send + Sync {
    /// The encoded Status Message, in a binding the requester accepts.
    fn write_status(&self, request: StatusRequest<'_>) -> Result<Envelope, Error>;
}

/// Any `Fn(StatusRequest) -> Result<Envelope, Error>` is a status writer.
impl<F> StatusWriter for F
where
    F: Fn(StatusRequest<'_>) -> Result<Envelope, Error> + Send + Sync,
{
    fn write_status(&self, request: StatusRequest<'_>) -> Result<Envelope, Error> {
        self(request)
    }
}

/// A status writer backed by message bindings (the gateway's, e.g. XML 1.1, XML 1.0,
/// JSON): it writes in the first binding of `x-taxii-accept` it has (else the request's
/// binding, else its first), in the request's services version when that binding carries
/// it (else the binding's newest).
pub struct BindingStatusWriter {
    bindings: Vec<Arc<dyn MessageBinding>>,
}

impl BindingStatusWriter {
    /// Writes with `bindings`, the first being the fallback.
    pub fn new(bindings: Vec<Arc<dyn MessageBinding>>) -> BindingStatusWriter {
        BindingStatusWriter { bindings }
    }

    fn choose(&self, request: &StatusRequest<'_>) -> Option<&Arc<dyn MessageBinding>> {
        let by_id = |id: &str| self.bindings.iter().find(|b| b.id() == id);
        request
            .accept
            .iter()
            .find_map(|id| by_id(id))
            .or_else(|| request.request_binding.and_then(by_id))
            .or_else(|| self.bindings.first())
    }
}

impl std::fmt::Debug for BindingStatusWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.bindings.iter().map(|b| b.id()).collect();
        f.debug_struct("BindingStatusWriter")
            .field("bindings", &ids)
            .finish()
    }
}

impl StatusWriter for BindingStatusWriter {
    fn write_status(&self, request: StatusRequest<'_>) -> Result<Envelope, Error> {
        let binding = self.choose(&request).ok_or_else(|| {
            Error::Internal("no message binding to write a status with".to_owned())
        })?;
        let versions = binding.versions();
        let version = request
            .services
            .filter(|v| versions.contains(v))
            .or_else(|| versions.iter().max().copied())
            .ok_or_else(|| {
                Error::Internal(format!("{} carries no services version", binding.id()))
            })?;
        let status = request.error.to_status(version);
        // Digits: TAXII 1.0 allows nothing else in a message id; 1.1 allows them too.
        let message_id = uuid::Uuid::new_v4().as_u64_pair().0.to_string();
        let message = Message::status(version, message_id, "0", status);
        Ok(Envelope {
            body: binding.encode(&message)?,
            message_binding: binding.id().to_owned(),
            services: version.services_id().to_owned(),
            protocol: crate::PROTOCOL_AMQP.to_owned(),
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}

/// The TAXII error a plain reply (one with `x-taxii-status` and no TAXII body) stands for.
pub fn error_from_plain_reply(status: &str, text: &str, peer: &str) -> Error {
    let text = text.to_owned();
    match StatusType::parse(status) {
        StatusType::BadMessage => Error::BadRequest(text),
        StatusType::Unauthorized => Error::Unauthorized(text),
        StatusType::Denied => Error::Denied(text),
        StatusType::NotFound => Error::NotFound { item: text },
        StatusType::Retry => Error::Unavailable {
            peer: peer.to_owned(),
            reason: text,
        },
        StatusType::UnsupportedMessage => Error::UnsupportedMessageBinding {
            binding: text,
            supported: Vec::new(),
        },
        StatusType::UnsupportedProtocol => Error::UnsupportedProtocolBinding {
            protocol: text,
            supported: Vec::new(),
        },
        other => Error::Internal(format!("{peer} answered {other}: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml_writer() -> BindingStatusWriter {
        BindingStatusWriter::new(vec![
            Arc::new(taxii_xml::XmlBinding::v11()),
            Arc::new(taxii_xml::XmlBinding::v10()),
        ])
    }

    #[test]
    fn the_status_is_written_in_a_binding_and_version_the_requester_reads() {
        use taxii_core::ids;
        let error = Error::TooLarge { size: 9, limit: 4 };
        let request = |accept: &'static [String], binding, services| StatusRequest {
            error: &error,
            accept,
            request_binding: binding,
            services,
        };
        let writer = xml_writer();
        let wants_10 = vec![ids::MESSAGE_XML_10.to_owned()].leak();
        let status = writer.write_status(request(wants_10, None, None)).unwrap();
        assert_eq!(
            (status.message_binding.as_str(), status.services.as_str()),
            (ids::MESSAGE_XML_10, ids::SERVICES_10)
        );
        let decoded = taxii_xml::XmlBinding::v10()
            .decode(&status.body, Version::V10)
            .unwrap();
        assert!(
            matches!(decoded.body, taxii_core::Body::StatusMessage(s) if s.status_type == StatusType::BadMessage)
        );

        let unknown = vec!["urn:example:yaml".to_owned()].leak();
        let status = writer
            .write_status(request(unknown, Some(ids::MESSAGE_XML_11), None))
            .unwrap();
        assert_eq!(
            status.message_binding,
            ids::MESSAGE_XML_11,
            "falls back to the request's binding"
        );
        assert_eq!(status.services, ids::SERVICES_11);
    }

    #[test]
    fn a_closure_is_a_status_writer() {
        let writer =
            |r: StatusRequest<'_>| Err::<Envelope, _>(Error::Internal(r.error.to_string()));
        let error = Error::BadRequest("x".into());
        let request = StatusRequest {
            error: &error,
            accept: &[],
            request_binding: None,
            services: None,
        };
        assert!(writer.write_status(request).is_err());
    }

    #[test]
    fn a_plain_reply_keeps_its_status_type() {
        for error in [
            Error::BadRequest("missing header".into()),
            Error::Unauthorized("who".into()),
            Error::Unavailable {
                peer: "p".into(),
                reason: "later".into(),
            },
            Error::Internal("oops".into()),
        ] {
            let status = error.status_type();
            let back = error_from_plain_reply(status.as_str(), &error.to_string(), "p");
            assert_eq!(back.status_type(), status, "{error}");
        }
    }
}
