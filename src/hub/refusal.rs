//! Why the hub refuses a request: each case becomes the Status Message the requester
//! receives, with the status details its TAXII version calls for. Storage failures are
//! refusals too (FAILURE, nothing stored), never panics.

use super::codec::CorruptRecord;
use taxii_core::status::detail;
use taxii_core::{StatusDetail, StatusDetails, StatusMessage, StatusType, Version};

/// A refusal: the status type, the 1.1 detail pairs and a human message. 1.0 gets the
/// details only where 1.0 defines them (the UNSUPPORTED_* lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status_type: StatusType,
    pub details: Vec<StatusDetail>,
    pub message: String,
    /// The store hit an I/O error (it must be reopened before it works again).
    pub store_io_failed: bool,
}

impl Refusal {
    pub fn new(status_type: StatusType, message: impl Into<String>) -> Refusal {
        Refusal {
            status_type,
            details: Vec::new(),
            message: message.into(),
            store_io_failed: false,
        }
    }

    pub fn with_details(mut self, name: &str, values: impl IntoIterator<Item = String>) -> Self {
        self.details
            .extend(values.into_iter().map(|v| StatusDetail::new(name, v)));
        self
    }

    pub fn bad_message(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusType::BadMessage, message)
    }

    pub fn failure(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusType::Failure, message)
    }

    /// NOT_FOUND with an ITEM detail: `what` says what kind of thing `item` is.
    pub fn not_found(what: &str, item: &str) -> Refusal {
        Refusal::new(
            StatusType::NotFound,
            format!("{what} {item:?} does not exist here"),
        )
        .with_details(detail::ITEM, [item.to_owned()])
    }

    pub fn unknown_collection(name: &str) -> Refusal {
        Refusal::not_found("collection", name)
    }

    /// A storage failure: logged, and reported as FAILURE (the write, if any, did not
    /// happen: redb aborts an uncommitted transaction).
    pub fn storage(error: impl std::fmt::Display) -> Refusal {
        tracing::error!(%error, "hub storage error");
        Refusal::failure(format!(
            "the hub's store failed ({error}); nothing was changed, the request may be repeated"
        ))
    }

    /// The Status Message in the form of `version`.
    pub fn to_status(&self, version: Version) -> StatusMessage {
        let details = match version {
            _ if self.details.is_empty() => StatusDetails::None,
            Version::V11 => StatusDetails::Pairs(self.details.clone()),
            Version::V10 if self.status_type.as_str().starts_with("UNSUPPORTED_") => {
                StatusDetails::Text(
                    self.details
                        .iter()
                        .map(|d| d.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            Version::V10 => StatusDetails::None,
        };
        // 1.1-only status types have no 1.0 form: FAILURE, the original type in the message.
        let (status_type, message) = match version {
            Version::V10 if !self.status_type.exists_in_10() => (
                StatusType::Failure,
                format!("{}: {}", self.status_type, self.message),
            ),
            _ => (self.status_type.clone(), self.message.clone()),
        };
        StatusMessage {
            status_type,
            details,
            message: Some(message),
        }
    }
}

impl From<redb::Error> for Refusal {
    fn from(error: redb::Error) -> Refusal {
        let io = matches!(error, redb::Error::Io(_) | redb::Error::PreviousIo);
        let mut refusal = Refusal::storage(error);
        refusal.store_io_failed = io;
        refusal
    }
}

macro_rules! redb_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for Refusal {
            fn from(error: $t) -> Refusal {
                Refusal::from(redb::Error::from(error))
            }
        }
    )*};
}

redb_errors!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<CorruptRecord> for Refusal {
    fn from(error: CorruptRecord) -> Refusal {
        Refusal::storage(error)
    }
}
