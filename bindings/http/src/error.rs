//! Errors in building a listener or a client from its configuration. Errors on the wire
//! are [`taxii_core::Error`]s, each with the TAXII status a partner receives.

use std::path::PathBuf;

/// A listener or client configuration that cannot be put to use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A file (certificate, key, CA bundle, secret) could not be read.
    #[error("cannot read {what} {}: {reason}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    /// PEM or DER contents that are not what they should be.
    #[error("{what}: {reason}")]
    Pem { what: String, reason: String },
    /// rustls refused the TLS settings.
    #[error("TLS configuration: {0}")]
    Tls(String),
    /// A URL that is not an absolute `http://` or `https://` URL.
    #[error("invalid URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    /// A secret that could not be read (the message names its source, never its value).
    #[error("secret: {0}")]
    Secret(String),
    /// A listening socket that cannot be used.
    #[error("listening socket: {0}")]
    Socket(String),
}
