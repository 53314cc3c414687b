//! One inbound connection: the TLS handshake (bounded by the header timeout) and the
//! client certificate's identity, then hyper's HTTP/1.1 server until the client leaves or
//! the listener stops (then the request in flight finishes and the connection closes).

use super::HttpListenerConfig;
use crate::auth::certificate_identity;
use crate::Transport;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use taxii_core::{Exchange, Identity};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// What every connection of a listener shares.
pub(super) struct Shared {
    pub config: HttpListenerConfig,
    pub handler: Arc<dyn Exchange>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    http: http1::Builder,
}

impl Shared {
    pub fn new(config: HttpListenerConfig, handler: Arc<dyn Exchange>) -> Shared {
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(config.header_read_timeout)
            .keep_alive(true);
        Shared {
            tls: config.tls.clone().map(tokio_rustls::TlsAcceptor::from),
            config,
            handler,
            http,
        }
    }
}

/// What a request knows of the connection it came on.
pub(super) struct ConnectionInfo {
    pub shared: Arc<Shared>,
    pub transport: Transport,
    pub remote_addr: SocketAddr,
    pub local_addr: Option<SocketAddr>,
    /// The verified client certificate's identity, on mutual TLS.
    pub certificate: Option<Identity>,
}

pub(super) async fn serve(
    shared: Arc<Shared>,
    stream: TcpStream,
    remote_addr: SocketAddr,
    stop: CancellationToken,
) {
    // Small TAXII exchanges must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    let local_addr = stream.local_addr().ok();
    let name = shared.config.name.clone();
    let Some(acceptor) = shared.tls.clone() else {
        let info = ConnectionInfo {
            shared,
            transport: Transport::Http,
            remote_addr,
            local_addr,
            certificate: None,
        };
        drive(info, stream, stop).await;
        return;
    };
    let timeout = shared.config.header_read_timeout;
    let tls = match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::info!(listener = %name, %remote_addr, error = %e, "TLS handshake refused");
            return;
        }
        Err(_) => {
            tracing::info!(listener = %name, %remote_addr, "TLS handshake timed out");
            return;
        }
    };
    let certificate = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|leaf| certificate_identity(leaf.as_ref()));
    let info = ConnectionInfo {
        shared,
        transport: Transport::Https,
        remote_addr,
        local_addr,
        certificate,
    };
    drive(info, tls, stop).await;
}

async fn drive<S>(info: ConnectionInfo, stream: S, stop: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let info = Arc::new(info);
    let shared = info.shared.clone();
    let answering = info.clone();
    let service = hyper::service::service_fn(move |request| {
        let info = answering.clone();
        // Boxed so the connection is `Unpin` and its socket can be taken back on error.
        Box::pin(async move { Ok::<_, Infallible>(super::request::answer(&info, request).await) })
    });
    let mut connection = shared.http.serve_connection(TokioIo::new(stream), service);
    let outcome = tokio::select! {
        outcome = std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)) => outcome,
        _ = stop.cancelled() => {
            std::pin::Pin::new(&mut connection).graceful_shutdown();
            std::future::poll_fn(|cx| connection.poll_without_shutdown(cx)).await
        }
    };
    let parts = connection.into_parts();
    let mut stream = parts.io.into_inner();
    match outcome {
        // A partial request stalled past the header timeout (slowloris): say so. An idle
        // keep-alive connection that timed out holds no bytes and is simply closed.
        Err(e) if e.is_timeout() && !parts.read_buf.is_empty() => {
            super::reply::stalled_request(&info, &mut stream).await;
        }
        Err(e) => {
            // Garbage (hyper has answered 400) and clients that vanish end up here.
            tracing::debug!(listener = %shared.config.name, error = %e, "connection ended");
        }
        Ok(()) => {}
    }
    let _ = tokio::time::timeout(shared.config.header_read_timeout, stream.shutdown()).await;
}
