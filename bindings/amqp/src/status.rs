//! Answering with a TAXII status without parsing TAXII.
//!
//! The listener refuses some messages before any handler sees them (missing headers, wrong
//! content type, oversized body) and must still answer in TAXII. A protocol binding cannot
//! write TAXII, so the caller injects a [`StatusWriter`] (the gateway passes one backed by
//! its message bindings). When there is none, or it fails, the answer is a *plain reply*:
//! no `x-taxii-content-type`, an `x-taxii-status` header naming the status type and the
//! reason as `text/plain` body, just as an HTTP client maps a non-TAXII HTTP error response
//! to a status (HTTP binding §5). [`error_from_plain_reply`] is the client's side of that.

use taxii_core::{Envelope, Error, StatusType, Version};

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
