//! # taxii-http: the TAXII HTTP and HTTPS Protocol Binding 1.0
//!
//! Moves TAXII messages over HTTP/1.1 and HTTPS without parsing them: bytes plus the four
//! `X-TAXII-*` headers plus who sent them travel as a [`taxii_core::Envelope`].
//!
//! * Inbound, [`HttpListener`] (a [`taxii_core::Listener`]) accepts POSTs on an
//!   already-bound socket, checks method, credentials (HTTP Basic through a
//!   [`BasicVerifier`], or a client certificate on mutual TLS), the TAXII headers and the
//!   body size, and hands an envelope to the handler. Every failure is answered with a
//!   Status_Message written by the injected [`StatusWriter`] (this crate knows no message
//!   binding), in a binding the requester accepts.
//! * Outbound, [`HttpClient`] (a [`taxii_core::Exchange`]) POSTs envelopes to one peer
//!   over a keep-alive pool, with Basic credentials, a client certificate, a private CA,
//!   a server-name override, a `CONNECT` proxy and timeouts. Answers without a TAXII
//!   message and TLS alerts become [`taxii_core::Error`]s per the binding's §5 table;
//!   unreachable or silent peers become `Error::Unavailable` (RETRY).
//!
//! ```text
//! partner --POST--> HttpListener --Envelope--> handler (router) --Envelope--> HttpClient --POST--> peer
//! ```
//!
//! TLS is rustls with the `ring` provider, the workspace's one crypto provider.

mod auth;
mod body;
mod client;
mod error;
pub mod headers;
mod listener;
mod secret;
mod status;
mod tls;

pub use auth::{certificate_identity, BasicVerifier, StaticBasicVerifier};
pub use client::{BasicCredentials, HttpClient, HttpClientConfig, ProxySettings};
pub use error::ConfigError;
pub use headers::Transport;
pub use listener::{HttpListener, HttpListenerConfig};
pub use secret::Secret;
pub use status::{FailedRequest, StatusWriter};
pub use tls::{read_pem_file, ClientCertificates, TlsClientSettings, TlsServerSettings};
