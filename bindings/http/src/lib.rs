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
//!
//! ```no_run
//! use std::sync::Arc;
//! use taxii_core::{Exchange, Listener};
//! use taxii_http::*;
//!
//! # async fn run(router: Arc<dyn Exchange>, writer: Arc<dyn StatusWriter>) -> Result<(), Box<dyn std::error::Error>> {
//! // Inbound: HTTPS with optional client certificates, else Basic.
//! let mut tls = TlsServerSettings::from_files("gw.crt".as_ref(), "gw.key".as_ref())?;
//! tls.client_certificates = ClientCertificates::from_ca_file("partners-ca.crt".as_ref(), false)?;
//! let mut config = HttpListenerConfig::new("public", writer);
//! config.tls = Some(tls.build()?);
//! config.basic = Some(Arc::new(
//!     StaticBasicVerifier::new().with_user("acme", Secret::from_env("ACME_PASSWORD")?),
//! ));
//! let listener = HttpListener::bind("127.0.0.1:9443".parse()?, config).await?;
//! let stop = tokio_util::sync::CancellationToken::new();
//! tokio::spawn(Box::new(listener).serve(router, stop.clone()));
//!
//! // Outbound: one peer's service URL, with Basic from a file.
//! let mut peer = HttpClientConfig::new("isac", "http://127.0.0.1:9000/services/poll");
//! peer.credentials = Some(BasicCredentials {
//!     user: "gw".into(),
//!     password: Secret::from_file("/run/secrets/isac".as_ref())?,
//! });
//! let isac: Arc<dyn Exchange> = Arc::new(HttpClient::new(peer)?);
//! # Ok(()) }
//! ```
//!
//! Not checked (on purpose, to take what real peers send): that `Content-Type` agrees with
//! `X-TAXII-Content-Type`, and `http` vs `https` in `X-TAXII-Protocol` (a TLS-terminating
//! proxy may sit in front); the envelope always names the transport actually used.
//! Below TAXII: a request whose headers stall past the header timeout gets a 408 with a
//! Status_Message, an idle keep-alive connection is just closed, an unparseable request
//! gets hyper's bare 400, and a failed TLS handshake is closed (the alert says why).

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
