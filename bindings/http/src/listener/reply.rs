//! The HTTP responses a listener writes: an envelope with its TAXII headers, or a refusal
//! whose Status_Message comes from the [`StatusWriter`](crate::StatusWriter).

use super::connection::ConnectionInfo;
use crate::headers::{content_type_for, X_TAXII_CONTENT_TYPE, X_TAXII_PROTOCOL, X_TAXII_SERVICES};
use crate::{FailedRequest, Transport};
use bytes::Bytes;
use http::header::{CONNECTION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::Full;
use taxii_core::{Envelope, Error, StatusType};

pub(super) type Reply = Response<Full<Bytes>>;

/// A request answered before (or instead of) the handler's answer.
pub(super) struct Refusal {
    pub http_status: StatusCode,
    pub error: Error,
    /// Extra headers (`Allow`, `WWW-Authenticate`).
    pub headers: Vec<(HeaderName, String)>,
    /// Close the connection after answering (the body was not read).
    pub close: bool,
}

impl Refusal {
    /// A TAXII-level error, answered in HTTP 200 as the binding asks.
    pub fn taxii(error: Error) -> Refusal {
        Refusal {
            http_status: StatusCode::OK,
            error,
            headers: Vec::new(),
            close: false,
        }
    }

    /// An error at the HTTP layer, with its own status code; the body is left unread.
    pub fn http(http_status: StatusCode, error: Error) -> Refusal {
        Refusal {
            http_status,
            error,
            headers: Vec::new(),
            close: true,
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: String) -> Refusal {
        self.headers.push((name, value));
        self
    }
}

/// An envelope as an HTTP response: body, `Content-Type` and the TAXII headers, with
/// `X-TAXII-Protocol` naming the transport it actually travels on.
pub(super) fn envelope(
    transport: Transport,
    http_status: StatusCode,
    envelope: Envelope,
    extra: &[(HeaderName, String)],
) -> Result<Reply, String> {
    let mut builder = Response::builder()
        .status(http_status)
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static(content_type_for(&envelope.message_binding)),
        )
        .header(X_TAXII_CONTENT_TYPE, envelope.message_binding.as_str())
        .header(X_TAXII_SERVICES, envelope.services.as_str())
        .header(
            X_TAXII_PROTOCOL,
            HeaderValue::from_static(transport.protocol_id()),
        );
    for (name, value) in extra {
        builder = builder.header(name, value.as_str());
    }
    builder
        .body(Full::new(envelope.body))
        .map_err(|e| format!("response headers: {e}"))
}

/// Answers a refusal with a Status_Message, or with plain text if none can be written.
pub(super) fn refuse(
    info: &ConnectionInfo,
    refusal: Refusal,
    request: &FailedRequest<'_>,
) -> Reply {
    let config = &info.shared.config;
    tracing::info!(
        listener = %config.name,
        remote_addr = %info.remote_addr,
        http_status = refusal.http_status.as_u16(),
        status_type = %refusal.error.status_type(),
        error = %refusal.error,
        "request refused"
    );
    let mut headers = refusal.headers;
    if refusal.close {
        headers.push((CONNECTION, "close".to_owned()));
    }
    let written = config
        .status_writer
        .write_status(&refusal.error, request)
        .map_err(|e| e.to_string())
        .and_then(|status| envelope(info.transport, refusal.http_status, status, &headers));
    match written {
        Ok(reply) => reply,
        Err(why) => plain_text(&refusal.error, &why, &headers),
    }
}

/// The last resort when no Status_Message can be written: the error in plain text.
fn plain_text(error: &Error, why: &str, headers: &[(HeaderName, String)]) -> Reply {
    let http_status = match error.status_type() {
        StatusType::UnsupportedMessage => StatusCode::NOT_ACCEPTABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let text = format!(
        "{}: {error}\n(no TAXII Status_Message could be written: {why})\n",
        error.status_type()
    );
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = http_status;
    let out = response.headers_mut();
    out.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    for (name, value) in headers {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            out.insert(name.clone(), value);
        }
    }
    response
}

/// Answers a request whose headers did not arrive in time: 408 with a Status_Message
/// (nothing is known of the requester's bindings, so the writer picks its default), written
/// straight to the socket because hyper has given up on the connection.
pub(super) async fn stalled_request<S>(info: &ConnectionInfo, stream: &mut S)
where
    S: tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::AsyncWriteExt;
    let config = &info.shared.config;
    let error = Error::BadRequest(format!(
        "the request headers did not arrive within {} s",
        config.header_read_timeout.as_secs_f64()
    ));
    tracing::info!(
        listener = %config.name,
        remote_addr = %info.remote_addr,
        "request headers timed out"
    );
    let nothing_known = FailedRequest {
        accept: &[],
        message_binding: None,
        services: None,
        body: None,
    };
    let (head, body) = match config.status_writer.write_status(&error, &nothing_known) {
        Ok(status) => (
            format!(
                "Content-Type: {}\r\nX-TAXII-Content-Type: {}\r\nX-TAXII-Services: {}\r\n\
                 X-TAXII-Protocol: {}\r\n",
                content_type_for(&status.message_binding),
                status.message_binding,
                status.services,
                info.transport.protocol_id()
            ),
            status.body,
        ),
        Err(_) => (
            "Content-Type: text/plain; charset=utf-8\r\n".to_owned(),
            Bytes::from(format!("BAD_MESSAGE: {error}\n")),
        ),
    };
    let response = format!(
        "HTTP/1.1 408 Request Timeout\r\n{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let write = async {
        stream.write_all(response.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.flush().await
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), write).await;
}
