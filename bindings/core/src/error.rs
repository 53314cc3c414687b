//! The one error type of the TAXII layer. Every variant says which TAXII status type the
//! partner receives ([`Error::status_type`]), and [`Error::to_status`] builds that Status
//! Message, with the status details the type calls for.

use crate::{status::detail, StatusDetail, StatusDetails, StatusMessage, StatusType, Version};

/// Where in the input a decode error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: u64,
    pub column: u64,
}

/// Bytes that are not a well-formed TAXII message of a binding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{binding}: {}{}{reason}", .element.as_ref().map(|e| format!("<{e}> ")).unwrap_or_default(), .location.as_ref().map(|l| format!("at line {}, column {}: ", l.line, l.column)).unwrap_or_default())]
pub struct DecodeError {
    /// A short binding name, e.g. `XML 1.1`.
    pub binding: &'static str,
    /// The element (or JSON field path) the problem is in.
    pub element: Option<String>,
    pub location: Option<Location>,
    pub reason: String,
}

/// A message that the target version or binding cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target} cannot express {what}")]
pub struct Inexpressible {
    /// Where the message was going, e.g. `TAXII 1.0`.
    pub target: String,
    /// What could not be expressed, e.g. `a PAUSE subscription action`.
    pub what: String,
    /// The status a requester should get when its request cannot be forwarded.
    pub status: StatusType,
}

impl Inexpressible {
    pub fn in_version(
        version: Version,
        what: impl Into<String>,
        status: StatusType,
    ) -> Inexpressible {
        Inexpressible {
            target: version.to_string(),
            what: what.into(),
            status,
        }
    }
}

/// Every failure of the TAXII layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The body is not a well-formed message of its binding.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A message cannot be written in a version or binding.
    #[error(transparent)]
    Inexpressible(#[from] Inexpressible),
    /// A message the sender built is invalid for its own version (an encoder refuses it).
    #[error("invalid {binding} message: {reason}")]
    Invalid {
        binding: &'static str,
        reason: String,
    },
    /// The requester used a message binding this side does not speak.
    #[error("message binding {binding:?} is not supported here (supported: {})", .supported.join(", "))]
    UnsupportedMessageBinding {
        binding: String,
        supported: Vec<String>,
    },
    /// The requester used a protocol binding this side does not speak.
    #[error("protocol binding {protocol:?} is not supported here (supported: {})", .supported.join(", "))]
    UnsupportedProtocolBinding {
        protocol: String,
        supported: Vec<String>,
    },
    /// The request lacks something the binding requires (a header, a services version).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The body is larger than the configured limit.
    #[error("message of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    /// Missing or insufficient credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Refused for a reason other than credentials.
    #[error("denied: {0}")]
    Denied(String),
    /// The named item does not exist (or is not visible to the requester).
    #[error("not found: {item}")]
    NotFound { item: String },
    /// The peer could not be reached or did not answer in time; the request may be repeated.
    #[error("peer {peer} unavailable: {reason}")]
    Unavailable { peer: String, reason: String },
    /// Anything else: a bug or an unexpected condition on our side.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The status type the partner receives for this error.
    pub fn status_type(&self) -> StatusType {
        match self {
            Error::Decode(_)
            | Error::Invalid { .. }
            | Error::BadRequest(_)
            | Error::TooLarge { .. } => StatusType::BadMessage,
            Error::Inexpressible(e) => e.status.clone(),
            Error::UnsupportedMessageBinding { .. } => StatusType::UnsupportedMessage,
            Error::UnsupportedProtocolBinding { .. } => StatusType::UnsupportedProtocol,
            Error::Unauthorized(_) => StatusType::Unauthorized,
            Error::Denied(_) => StatusType::Denied,
            Error::NotFound { .. } => StatusType::NotFound,
            Error::Unavailable { .. } => StatusType::Retry,
            Error::Internal(_) => StatusType::Failure,
        }
    }

    /// The Status Message (body) for this error, in the detail form of `version`.
    pub fn to_status(&self, version: Version) -> StatusMessage {
        let (name, values): (&str, &[String]) = match self {
            Error::UnsupportedMessageBinding { supported, .. } => {
                (detail::SUPPORTED_BINDING, supported)
            }
            Error::UnsupportedProtocolBinding { supported, .. } => {
                (detail::SUPPORTED_PROTOCOL, supported)
            }
            Error::NotFound { item } => (detail::ITEM, std::slice::from_ref(item)),
            _ => ("", &[]),
        };
        let details = match version {
            _ if values.is_empty() => StatusDetails::None,
            // 1.0 has details only for the UNSUPPORTED_* types, as a space-separated list.
            Version::V10 if name == detail::ITEM => StatusDetails::None,
            Version::V10 => StatusDetails::Text(values.join(" ")),
            Version::V11 => StatusDetails::Pairs(
                values
                    .iter()
                    .map(|v| StatusDetail::new(name, v.clone()))
                    .collect(),
            ),
        };
        StatusMessage {
            status_type: self.status_type(),
            details,
            message: Some(self.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_names_the_status_a_partner_receives() {
        let e = Error::UnsupportedMessageBinding {
            binding: "urn:x".into(),
            supported: vec![
                crate::ids::MESSAGE_XML_10.into(),
                crate::ids::MESSAGE_XML_11.into(),
            ],
        };
        assert_eq!(e.status_type(), StatusType::UnsupportedMessage);
        let s11 = e.to_status(Version::V11);
        assert_eq!(s11.details.values(detail::SUPPORTED_BINDING).count(), 2);
        let s10 = e.to_status(Version::V10);
        assert_eq!(
            s10.details,
            StatusDetails::Text(format!(
                "{} {}",
                crate::ids::MESSAGE_XML_10,
                crate::ids::MESSAGE_XML_11
            ))
        );
        assert!(s10.message.unwrap().contains("urn:x"));
    }

    #[test]
    fn decode_errors_say_what_and_where() {
        let e = DecodeError {
            binding: "XML 1.1",
            element: Some("Poll_Request".into()),
            location: Some(Location { line: 3, column: 7 }),
            reason: "missing attribute collection_name".into(),
        };
        assert_eq!(
            e.to_string(),
            "XML 1.1: <Poll_Request> at line 3, column 7: missing attribute collection_name"
        );
        assert_eq!(Error::from(e).status_type(), StatusType::BadMessage);
    }
}
