//! The inbound side: [`HttpListener`] accepts HTTP or HTTPS connections on an already-bound
//! socket, turns each POST into an [`Envelope`](taxii_core::Envelope), hands it to the
//! handler and writes the answer back with the TAXII headers. Failures before the handler
//! (method, credentials, headers, size, time) are answered by the [`StatusWriter`].
//!
//! * `connection.rs`: one connection: TLS handshake, client identity, hyper, shutdown.
//! * `request.rs`: one request: the checks in order, the envelope, the handler's answer.
//! * `reply.rs`: the HTTP responses (envelopes and refusals).

mod connection;
mod reply;
mod request;

use crate::{BasicVerifier, ConfigError, StatusWriter};
use std::sync::Arc;
use std::time::Duration;
use taxii_core::{ids, Error, Exchange, Listener};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// How a listener behaves. Build it with [`HttpListenerConfig::new`] and change fields.
#[derive(Clone)]
pub struct HttpListenerConfig {
    /// The listener's route-table name; it travels in `Origin::listener`.
    pub name: String,
    /// TLS (HTTPS) settings, built with [`TlsServerSettings::build`](crate::TlsServerSettings::build);
    /// `None`: plain HTTP.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Checks HTTP Basic credentials. When set, a request must carry valid Basic
    /// credentials unless its connection presented a verified client certificate (or
    /// `allow_anonymous`). Credentials that are sent are always checked, and when valid
    /// they name the partner even on a connection with a client certificate.
    pub basic: Option<Arc<dyn BasicVerifier>>,
    /// With `basic` set: still let requests without credentials through, as
    /// `Identity::Anonymous` (credentials that are sent must be right).
    pub allow_anonymous: bool,
    /// The realm named in `WWW-Authenticate`.
    pub realm: String,
    /// Writes the Status_Message for every failure (see [`StatusWriter`]).
    pub status_writer: Arc<dyn StatusWriter>,
    /// The message bindings requests may use (`X-TAXII-Content-Type`); others are
    /// answered UNSUPPORTED_MESSAGE with this list as detail.
    pub message_bindings: Vec<String>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// How long a client may take to send a request's headers (and the TLS handshake);
    /// also how long an idle keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_read_timeout: Duration,
    /// The most connections served at once; further clients wait in the accept backlog.
    pub max_connections: usize,
    /// How long in-flight exchanges may take to finish after `stop`.
    pub drain_timeout: Duration,
}

impl HttpListenerConfig {
    /// Plain HTTP, no credentials required, all three message bindings, 16 MiB bodies,
    /// 10 s for headers, 60 s for bodies, 1024 connections, 10 s to drain.
    pub fn new(name: impl Into<String>, status_writer: Arc<dyn StatusWriter>) -> Self {
        HttpListenerConfig {
            name: name.into(),
            tls: None,
            basic: None,
            allow_anonymous: false,
            realm: "TAXII".to_owned(),
            status_writer,
            message_bindings: vec![
                ids::MESSAGE_XML_10.to_owned(),
                ids::MESSAGE_XML_11.to_owned(),
                ids::MESSAGE_JSON_CERT_EU_10.to_owned(),
            ],
            max_body_bytes: 16 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(60),
            max_connections: 1024,
            drain_timeout: Duration::from_secs(10),
        }
    }
}

impl std::fmt::Debug for HttpListenerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpListenerConfig")
            .field("name", &self.name)
            .field("tls", &self.tls.is_some())
            .field("basic", &self.basic.is_some())
            .field("allow_anonymous", &self.allow_anonymous)
            .field("realm", &self.realm)
            .field("message_bindings", &self.message_bindings)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_connections", &self.max_connections)
            .field("drain_timeout", &self.drain_timeout)
            .finish_non_exhaustive()
    }
}

/// An HTTP or HTTPS TAXII listener on an already-bound socket (so tests bind port 0).
pub struct HttpListener {
    socket: TcpListener,
    config: HttpListenerConfig,
}

impl HttpListener {
    /// Serves on `socket` with `config`.
    pub fn new(socket: TcpListener, config: HttpListenerConfig) -> Result<Self, ConfigError> {
        if config.max_connections == 0 {
            return Err(ConfigError::Socket(
                "max_connections must be at least 1".to_owned(),
            ));
        }
        Ok(HttpListener { socket, config })
    }

    /// Serves on a bound `std` socket (it is switched to non-blocking mode). Must be
    /// called within a Tokio runtime.
    pub fn from_std(
        socket: std::net::TcpListener,
        config: HttpListenerConfig,
    ) -> Result<Self, ConfigError> {
        socket
            .set_nonblocking(true)
            .map_err(|e| ConfigError::Socket(e.to_string()))?;
        let socket =
            TcpListener::from_std(socket).map_err(|e| ConfigError::Socket(e.to_string()))?;
        HttpListener::new(socket, config)
    }

    /// Binds `address` and serves on it.
    pub async fn bind(
        address: std::net::SocketAddr,
        config: HttpListenerConfig,
    ) -> Result<Self, ConfigError> {
        let socket = TcpListener::bind(address)
            .await
            .map_err(|e| ConfigError::Socket(format!("cannot bind {address}: {e}")))?;
        HttpListener::new(socket, config)
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.socket.local_addr()
    }
}

#[async_trait::async_trait]
impl Listener for HttpListener {
    async fn serve(
        self: Box<Self>,
        handler: Arc<dyn Exchange>,
        stop: CancellationToken,
    ) -> Result<(), Error> {
        let HttpListener { socket, config } = *self;
        let drain_timeout = config.drain_timeout;
        let name = config.name.clone();
        let permits = Arc::new(Semaphore::new(config.max_connections));
        let shared = Arc::new(connection::Shared::new(config, handler));
        let mut connections = JoinSet::new();
        loop {
            while connections.try_join_next().is_some() {}
            let permit = tokio::select! {
                _ = stop.cancelled() => break,
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let (stream, remote_addr) = tokio::select! {
                _ = stop.cancelled() => break,
                accepted = socket.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of descriptors and the like: pause rather than spin.
                        tracing::warn!(listener = %name, error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let shared = shared.clone();
            let stop = stop.clone();
            connections.spawn(async move {
                connection::serve(shared, stream, remote_addr, stop).await;
                drop(permit);
            });
        }
        drop(socket);
        let drained = tokio::time::timeout(drain_timeout, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                listener = %name,
                remaining = connections.len(),
                "drain timeout reached; closing the remaining connections"
            );
            connections.abort_all();
            while connections.join_next().await.is_some() {}
        }
        Ok(())
    }
}
