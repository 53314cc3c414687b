//! Status types and status details of both versions (Services 1.0 Table 3, 1.1 Table 3;
//! Default Query 1.0 §2 adds three).

/// A status type. Third parties may use their own URIs for error types: [`StatusType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusType {
    AsynchronousPollError,
    BadMessage,
    Denied,
    DestinationCollectionError,
    Failure,
    InvalidResponsePart,
    NetworkError,
    NotFound,
    Pending,
    PollingUnsupported,
    Retry,
    Success,
    Unauthorized,
    UnsupportedMessage,
    UnsupportedContent,
    UnsupportedProtocol,
    UnsupportedQuery,
    /// Default Query 1.0.
    UnsupportedCapabilityModule,
    /// Default Query 1.0.
    UnsupportedTargetingExpression,
    /// Default Query 1.0.
    UnsupportedTargetingExpressionId,
    /// A third-party status type (a URI); receivers treat unknown types as failures.
    Other(String),
}

impl StatusType {
    /// Every canonical status type, for tables and tests.
    pub const CANONICAL: [StatusType; 20] = [
        StatusType::AsynchronousPollError,
        StatusType::BadMessage,
        StatusType::Denied,
        StatusType::DestinationCollectionError,
        StatusType::Failure,
        StatusType::InvalidResponsePart,
        StatusType::NetworkError,
        StatusType::NotFound,
        StatusType::Pending,
        StatusType::PollingUnsupported,
        StatusType::Retry,
        StatusType::Success,
        StatusType::Unauthorized,
        StatusType::UnsupportedMessage,
        StatusType::UnsupportedContent,
        StatusType::UnsupportedProtocol,
        StatusType::UnsupportedQuery,
        StatusType::UnsupportedCapabilityModule,
        StatusType::UnsupportedTargetingExpression,
        StatusType::UnsupportedTargetingExpressionId,
    ];

    /// The value written in `@status_type` / `status_type`.
    pub fn as_str(&self) -> &str {
        match self {
            StatusType::AsynchronousPollError => "ASYNCHRONOUS_POLL_ERROR",
            StatusType::BadMessage => "BAD_MESSAGE",
            StatusType::Denied => "DENIED",
            StatusType::DestinationCollectionError => "DESTINATION_COLLECTION_ERROR",
            StatusType::Failure => "FAILURE",
            StatusType::InvalidResponsePart => "INVALID_RESPONSE_PART",
            StatusType::NetworkError => "NETWORK_ERROR",
            StatusType::NotFound => "NOT_FOUND",
            StatusType::Pending => "PENDING",
            StatusType::PollingUnsupported => "POLLING_UNSUPPORTED",
            StatusType::Retry => "RETRY",
            StatusType::Success => "SUCCESS",
            StatusType::Unauthorized => "UNAUTHORIZED",
            StatusType::UnsupportedMessage => "UNSUPPORTED_MESSAGE",
            StatusType::UnsupportedContent => "UNSUPPORTED_CONTENT",
            StatusType::UnsupportedProtocol => "UNSUPPORTED_PROTOCOL",
            StatusType::UnsupportedQuery => "UNSUPPORTED_QUERY",
            StatusType::UnsupportedCapabilityModule => "UNSUPPORTED_CAPABILITY_MODULE",
            StatusType::UnsupportedTargetingExpression => "UNSUPPORTED_TARGETING_EXPRESSION",
            StatusType::UnsupportedTargetingExpressionId => "UNSUPPORTED_TARGETING_EXPRESSION_ID",
            StatusType::Other(uri) => uri,
        }
    }

    /// Reads a status type; anything not canonical is a third-party type.
    pub fn parse(s: &str) -> StatusType {
        StatusType::CANONICAL
            .iter()
            .find(|t| t.as_str() == s)
            .cloned()
            .unwrap_or_else(|| StatusType::Other(s.to_owned()))
    }

    /// Whether TAXII 1.0 defines this type (Services 1.0 Table 3).
    pub fn exists_in_10(&self) -> bool {
        matches!(
            self,
            StatusType::BadMessage
                | StatusType::Denied
                | StatusType::Failure
                | StatusType::NotFound
                | StatusType::PollingUnsupported
                | StatusType::Retry
                | StatusType::Success
                | StatusType::Unauthorized
                | StatusType::UnsupportedMessage
                | StatusType::UnsupportedContent
                | StatusType::UnsupportedProtocol
                | StatusType::Other(_)
        )
    }
}

impl std::fmt::Display for StatusType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Names of the TAXII 1.1 status detail pairs (XML Binding 1.1 Table 3).
pub mod detail {
    pub const ACCEPTABLE_DESTINATION: &str = "ACCEPTABLE_DESTINATION";
    pub const MAX_PART_NUMBER: &str = "MAX_PART_NUMBER";
    pub const ITEM: &str = "ITEM";
    pub const ESTIMATED_WAIT: &str = "ESTIMATED_WAIT";
    pub const RESULT_ID: &str = "RESULT_ID";
    pub const WILL_PUSH: &str = "WILL_PUSH";
    pub const SUPPORTED_BINDING: &str = "SUPPORTED_BINDING";
    pub const SUPPORTED_CONTENT: &str = "SUPPORTED_CONTENT";
    pub const SUPPORTED_PROTOCOL: &str = "SUPPORTED_PROTOCOL";
    pub const SUPPORTED_QUERY: &str = "SUPPORTED_QUERY";
    pub const CAPABILITY_MODULE: &str = "CAPABILITY_MODULE";
    pub const PREFERRED_SCOPE: &str = "PREFERRED_SCOPE";
    pub const ALLOWED_SCOPE: &str = "ALLOWED_SCOPE";
    pub const TARGETING_EXPRESSION_ID: &str = "TARGETING_EXPRESSION_ID";
}

/// One TAXII 1.1 status detail: a name and a value (names may repeat).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusDetail {
    pub name: String,
    pub value: String,
}

impl StatusDetail {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> StatusDetail {
        StatusDetail {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The status detail, in the form of the version the message belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum StatusDetails {
    /// No detail.
    #[default]
    None,
    /// TAXII 1.0: one machine-readable string (a space-separated ID list, a RETRY time).
    Text(String),
    /// TAXII 1.1: name/value pairs, in order.
    Pairs(Vec<StatusDetail>),
}

impl StatusDetails {
    /// Every 1.1 value recorded under `name`.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let pairs: &[StatusDetail] = match self {
            StatusDetails::Pairs(p) => p,
            _ => &[],
        };
        pairs
            .iter()
            .filter(move |d| d.name == name)
            .map(|d| d.value.as_str())
    }
}
