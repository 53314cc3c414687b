//! What a failed exchange with a peer means in TAXII terms (HTTP Binding 1.0 §5): an HTTP
//! answer without a TAXII message maps by status code, a TLS alert by its description;
//! a peer that cannot be reached or does not answer in time is RETRY.

use super::connector::ConnectError;
use rustls::AlertDescription;
use std::error::Error as StdError;
use taxii_core::Error;

/// How much of a non-TAXII body is quoted in the error message.
const EXCERPT_CHARS: usize = 300;

/// The error for an HTTP answer that carries no TAXII message (no `X-TAXII-Content-Type`).
pub(crate) fn non_taxii_answer(peer: &str, status: http::StatusCode, body: &[u8]) -> Error {
    let excerpt: String = String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect();
    let excerpt = excerpt.trim();
    let message = if excerpt.is_empty() {
        format!("peer {peer} answered HTTP {status} without a TAXII message")
    } else {
        format!("peer {peer} answered HTTP {status} without a TAXII message: {excerpt}")
    };
    match status.as_u16() {
        400 | 413 => Error::BadRequest(message),
        401 | 403 | 407 => Error::Unauthorized(message),
        406 | 415 => Error::UnsupportedMessageBinding {
            binding: message,
            supported: Vec::new(),
        },
        _ => Error::Internal(message),
    }
}

/// The error for a request that got no HTTP answer at all.
pub(crate) fn transport_failure(peer: &str, error: &(dyn StdError + 'static)) -> Error {
    if let Some(tls) = find::<rustls::Error>(error) {
        return tls_failure(peer, tls);
    }
    match find::<ConnectError>(error) {
        Some(ConnectError::ProxyRefused { status: 407, .. }) => {
            Error::Unauthorized(format!("peer {peer}: {}", chain(error)))
        }
        _ => Error::Unavailable {
            peer: peer.to_owned(),
            reason: chain(error),
        },
    }
}

fn tls_failure(peer: &str, tls: &rustls::Error) -> Error {
    use AlertDescription as A;
    match tls {
        rustls::Error::AlertReceived(
            alert @ (A::HandshakeFailure
            | A::NoCertificate
            | A::BadCertificate
            | A::UnsupportedCertificate
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateRequired
            | A::CertificateExpired
            | A::CertificateRevoked
            | A::CertificateUnknown),
        ) => Error::Unauthorized(format!(
            "peer {peer} refused our TLS credentials (alert {alert:?}, 0x{:02x})",
            u8::from(*alert)
        )),
        rustls::Error::AlertReceived(alert) => Error::Internal(format!(
            "peer {peer} ended the TLS handshake (alert {alert:?}, 0x{:02x})",
            u8::from(*alert)
        )),
        rustls::Error::InvalidCertificate(why) => Error::Internal(format!(
            "peer {peer} showed a TLS certificate we do not trust: {why:?}"
        )),
        other => Error::Internal(format!("TLS with peer {peer} failed: {other}")),
    }
}

/// The first error of type `T` in the source chain, looking inside `io::Error`s too.
fn find<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<T>())
        {
            return Some(inner);
        }
        current = e.source();
    }
    None
}

/// Every message of the source chain, outermost first, without repeats.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;
    use taxii_core::StatusType;

    #[test]
    fn http_answers_map_as_the_binding_table_says() {
        let cases = [
            (400, StatusType::BadMessage),
            (401, StatusType::Unauthorized),
            (403, StatusType::Unauthorized),
            (406, StatusType::UnsupportedMessage),
            (407, StatusType::Unauthorized),
            (413, StatusType::BadMessage),
            (415, StatusType::UnsupportedMessage),
            (404, StatusType::Failure),
            (500, StatusType::Failure),
            (502, StatusType::Failure),
        ];
        for (code, expected) in cases {
            let status = StatusCode::from_u16(code).expect("status");
            let error = non_taxii_answer("isac", status, b"<html>nope</html>");
            assert_eq!(error.status_type(), expected, "HTTP {code}");
            let text = error.to_string();
            assert!(
                text.contains("isac") && text.contains(&code.to_string()),
                "{text}"
            );
            assert!(text.contains("<html>nope</html>"), "{text}");
        }
    }

    #[test]
    fn long_bodies_are_quoted_only_in_part() {
        let body = "x".repeat(10_000);
        let error = non_taxii_answer("isac", StatusCode::BAD_GATEWAY, body.as_bytes());
        assert!(error.to_string().len() < 500);
    }

    #[test]
    fn credential_alerts_are_unauthorized_and_others_failures() {
        let refused = rustls::Error::AlertReceived(AlertDescription::UnknownCA);
        let io = std::io::Error::other(refused);
        assert_eq!(
            transport_failure("isac", &io).status_type(),
            StatusType::Unauthorized
        );
        let other =
            std::io::Error::other(rustls::Error::AlertReceived(AlertDescription::DecodeError));
        assert_eq!(
            transport_failure("isac", &other).status_type(),
            StatusType::Failure
        );
    }

    #[test]
    fn unreachable_peers_are_retry_with_the_reason() {
        let refused = ConnectError::Unreachable {
            target: "127.0.0.1:1".into(),
            reason: "connection refused".into(),
        };
        let error = transport_failure("isac", &refused);
        assert_eq!(error.status_type(), StatusType::Retry);
        assert!(error.to_string().contains("connection refused"), "{error}");
    }
}
