//! One request, checked in the order a partner can fix them: method, credentials, TAXII
//! headers, size; then the body is read (under the limit and the body timeout), wrapped in
//! an [`Envelope`] and handed to the handler. The listener never looks inside the body.

use super::connection::ConnectionInfo;
use super::reply::{self, Refusal, Reply};
use crate::auth::parse_basic;
use crate::body::{read_limited, BodyError};
use crate::headers::{
    header_text, parse_accept, X_TAXII_ACCEPT, X_TAXII_CONTENT_TYPE, X_TAXII_PROTOCOL,
    X_TAXII_SERVICES,
};
use crate::FailedRequest;
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_LENGTH, HOST, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use taxii_core::{ids, Envelope, Error, Identity, Origin};

/// The TAXII headers of a request, as far as they could be read.
struct TaxiiHeaders {
    accept: Vec<String>,
    message_binding: Result<Option<String>, String>,
    services: Result<Option<String>, String>,
    protocol: Result<Option<String>, String>,
}

impl TaxiiHeaders {
    fn read(headers: &http::HeaderMap) -> TaxiiHeaders {
        let text =
            |name: &http::HeaderName| header_text(headers, name).map(|v| v.map(str::to_owned));
        TaxiiHeaders {
            accept: header_text(headers, &X_TAXII_ACCEPT)
                .ok()
                .flatten()
                .map(parse_accept)
                .unwrap_or_default(),
            message_binding: text(&X_TAXII_CONTENT_TYPE),
            services: text(&X_TAXII_SERVICES),
            protocol: text(&X_TAXII_PROTOCOL),
        }
    }

    fn failed_request<'a>(&'a self, body: Option<&'a Bytes>) -> FailedRequest<'a> {
        FailedRequest {
            accept: &self.accept,
            message_binding: self
                .message_binding
                .as_ref()
                .ok()
                .and_then(|b| b.as_deref()),
            services: self.services.as_ref().ok().and_then(|s| s.as_deref()),
            body,
        }
    }
}

/// A refusal, with the body when it had been read.
type Failure = (Refusal, Option<Bytes>);

pub(super) async fn answer(info: &ConnectionInfo, request: Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let taxii = TaxiiHeaders::read(&parts.headers);
    match exchange(info, &parts, &taxii, body).await {
        Ok(reply) => reply,
        Err((refusal, body)) => reply::refuse(info, refusal, &taxii.failed_request(body.as_ref())),
    }
}

async fn exchange(
    info: &ConnectionInfo,
    parts: &Parts,
    taxii: &TaxiiHeaders,
    body: Incoming,
) -> Result<Reply, Failure> {
    let config = &info.shared.config;
    if parts.method != Method::POST {
        let error = Error::BadRequest(format!(
            "HTTP method {} is not allowed: the TAXII HTTP binding sends every request as POST",
            parts.method
        ));
        let refusal = Refusal::http(StatusCode::METHOD_NOT_ALLOWED, error)
            .with_header(ALLOW, "POST".to_owned());
        return Err((refusal, None));
    }
    let identity = authenticate(info, &parts.headers).map_err(|r| (r, None))?;
    let (message_binding, services) = required_headers(info, taxii).map_err(|r| (r, None))?;
    if let Some(declared) = declared_length(&parts.headers) {
        if declared > config.max_body_bytes {
            let error = Error::TooLarge {
                size: declared,
                limit: config.max_body_bytes,
            };
            return Err((Refusal::http(StatusCode::PAYLOAD_TOO_LARGE, error), None));
        }
    }
    let body = read_body(info, body).await.map_err(|r| (r, None))?;
    let envelope = Envelope {
        body: body.clone(),
        message_binding,
        services,
        protocol: info.transport.protocol_id().to_owned(),
        accept: taxii.accept.clone(),
        origin: Origin {
            listener: config.name.clone(),
            identity,
            remote_addr: Some(info.remote_addr),
            reached_at: Some(reached_at(info, parts)),
        },
    };
    let response = match call_handler(info, envelope).await {
        Ok(response) => response,
        Err(error) => return Err((Refusal::taxii(error), Some(body))),
    };
    reply::envelope(info.transport, StatusCode::OK, response, &[]).map_err(|why| {
        let error = Error::Internal(format!("the handler's answer cannot be sent: {why}"));
        (Refusal::taxii(error), Some(body))
    })
}

/// Runs the handler so that a panic in it becomes a FAILURE status rather than a dropped
/// connection (on this task: no hop to another thread with the body).
async fn call_handler(info: &ConnectionInfo, envelope: Envelope) -> Result<Envelope, Error> {
    let handler = info.shared.handler.clone();
    match CatchUnwind(handler.exchange(envelope)).await {
        Ok(answer) => answer,
        Err(()) => {
            tracing::error!(listener = %info.shared.config.name, "the handler panicked");
            Err(Error::Internal(
                "the gateway failed while handling this request (handler panic)".to_owned(),
            ))
        }
    }
}

/// A future that turns a panic while polling into `Err(())`.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        // The future is dropped right after a panic, so no broken state is observed.
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

fn authenticate(info: &ConnectionInfo, headers: &http::HeaderMap) -> Result<Identity, Refusal> {
    let config = &info.shared.config;
    let fallback = info.certificate.clone().unwrap_or_default();
    let Some(verifier) = &config.basic else {
        return Ok(fallback);
    };
    let unauthorized = |why: String| {
        Refusal::http(StatusCode::UNAUTHORIZED, Error::Unauthorized(why)).with_header(
            WWW_AUTHENTICATE,
            format!("Basic realm=\"{}\", charset=\"UTF-8\"", config.realm),
        )
    };
    let Some(value) = headers.get(AUTHORIZATION) else {
        return match info.certificate {
            Some(_) => Ok(fallback),
            None if config.allow_anonymous || verifier.allows_anonymous() => {
                Ok(Identity::Anonymous)
            }
            None => Err(unauthorized(
                "this service requires HTTP Basic credentials (or a client certificate)".into(),
            )),
        };
    };
    let value = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not ASCII text".into()))?;
    let credentials = parse_basic(value).map_err(unauthorized)?;
    if verifier.verify(&credentials.user, &credentials.password) {
        Ok(Identity::Basic {
            user: credentials.user,
        })
    } else {
        Err(unauthorized(format!(
            "the password for user {:?} is wrong, or there is no such user",
            credentials.user
        )))
    }
}

/// `X-TAXII-Content-Type` (supported) and `X-TAXII-Services`, and a plausible
/// `X-TAXII-Protocol` if present.
fn required_headers(
    info: &ConnectionInfo,
    taxii: &TaxiiHeaders,
) -> Result<(String, String), Refusal> {
    let bad = |why: String| Refusal::taxii(Error::BadRequest(why));
    let supported = &info.shared.config.message_bindings;
    let message_binding = taxii.message_binding.clone().map_err(bad)?.ok_or_else(|| {
        bad(format!(
            "the X-TAXII-Content-Type header is missing, so the body is not a TAXII message; \
             send one of: {}",
            supported.join(", ")
        ))
    })?;
    if !supported.contains(&message_binding) {
        return Err(Refusal::taxii(Error::UnsupportedMessageBinding {
            binding: message_binding,
            supported: supported.clone(),
        }));
    }
    let services = taxii.services.clone().map_err(bad)?.ok_or_else(|| {
        bad(format!(
            "the X-TAXII-Services header is missing; send {} or {}",
            ids::SERVICES_11,
            ids::SERVICES_10
        ))
    })?;
    // http vs https is not checked: a TLS-terminating proxy may sit in front of us.
    if let Some(protocol) = taxii.protocol.clone().map_err(bad)? {
        if protocol != ids::PROTOCOL_HTTP_10 && protocol != ids::PROTOCOL_HTTPS_10 {
            return Err(Refusal::taxii(Error::UnsupportedProtocolBinding {
                protocol,
                supported: vec![info.transport.protocol_id().to_owned()],
            }));
        }
    }
    Ok((message_binding, services))
}

fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

async fn read_body(info: &ConnectionInfo, body: Incoming) -> Result<Bytes, Refusal> {
    let config = &info.shared.config;
    let limit = config.max_body_bytes;
    match tokio::time::timeout(config.body_read_timeout, read_limited(body, limit)).await {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(BodyError::TooLarge { read })) => Err(Refusal::http(
            StatusCode::PAYLOAD_TOO_LARGE,
            Error::TooLarge { size: read, limit },
        )),
        Ok(Err(BodyError::Broken(why))) => Err(Refusal::http(
            StatusCode::BAD_REQUEST,
            Error::BadRequest(format!("the request body could not be read: {why}")),
        )),
        Err(_) => Err(Refusal::http(
            StatusCode::REQUEST_TIMEOUT,
            Error::BadRequest(format!(
                "the request body did not arrive within {} s",
                config.body_read_timeout.as_secs_f64()
            )),
        )),
    }
}

/// `scheme://host/path` as the partner reached us: the `Host` header (or the absolute
/// request URI's authority), else the local socket address.
fn reached_at(info: &ConnectionInfo, parts: &Parts) -> String {
    let host = parts
        .uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            parts
                .headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .or_else(|| info.local_addr.map(|a| a.to_string()))
        .unwrap_or_default();
    format!("{}://{}{}", info.transport.scheme(), host, parts.uri.path())
}
