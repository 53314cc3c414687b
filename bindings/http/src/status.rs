//! How the listener answers failures without parsing TAXII: it hands the error to a
//! [`StatusWriter`] (the gateway implements it with its message bindings), which returns a
//! Status_Message envelope in a binding the requester accepts.

use bytes::Bytes;
use taxii_core::{Envelope, Error};

/// What is known of a request that failed, for writing the Status_Message that answers it.
#[derive(Debug, Clone, Copy)]
pub struct FailedRequest<'a> {
    /// `X-TAXII-Accept`, most preferred first (empty: absent, any binding will do).
    pub accept: &'a [String],
    /// `X-TAXII-Content-Type`, when the request carried one.
    pub message_binding: Option<&'a str>,
    /// `X-TAXII-Services`, when the request carried one.
    pub services: Option<&'a str>,
    /// The request body, when it was read before the failure (a handler error): a writer
    /// may take the request's `message_id` from it for `in_response_to`. `None` for
    /// failures at the HTTP layer, which answer with `in_response_to="0"`.
    pub body: Option<&'a Bytes>,
}

/// Writes a TAXII Status_Message for an error.
///
/// The returned envelope's `body`, `message_binding` and `services` are sent; its
/// `protocol` is replaced by the transport's own Protocol Binding ID. The binding should be
/// chosen from [`FailedRequest::accept`], else the request's own binding, else any the
/// writer speaks. An `Err` (no acceptable binding can be written) makes the listener answer
/// a plain-text HTTP error instead (406 for an unsupported binding, 500 otherwise).
pub trait StatusWriter: Send + Sync {
    fn write_status(&self, error: &Error, request: &FailedRequest<'_>) -> Result<Envelope, Error>;
}
