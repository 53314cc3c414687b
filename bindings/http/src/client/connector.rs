//! How the client reaches a peer: TCP (bounded by the connect timeout), optionally through
//! an HTTP proxy with `CONNECT`, then TLS for `https` peers (with an optional server-name
//! override). hyper-util's pool keeps the connections this makes alive.

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// Why a connection to a peer could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectError {
    #[error("cannot connect to {target}: {reason}")]
    Unreachable { target: String, reason: String },
    #[error("no connection to {target} within {} s", .after.as_secs_f64())]
    Timeout { target: String, after: Duration },
    #[error("the proxy refused CONNECT to {target}: {status_line}")]
    ProxyRefused {
        target: String,
        status: u16,
        status_line: String,
    },
    #[error("TLS handshake with {target} failed: {source}")]
    Tls { target: String, source: io::Error },
}

/// An outbound HTTP proxy reached with `CONNECT`.
#[derive(Clone)]
pub(crate) struct Proxy {
    /// `host:port` of the proxy.
    pub address: String,
    /// A ready `Proxy-Authorization` value.
    pub authorization: Option<String>,
}

#[derive(Clone)]
pub(crate) struct Connector {
    inner: Arc<Inner>,
}

struct Inner {
    tls: Option<tokio_rustls::TlsConnector>,
    server_name: Option<ServerName<'static>>,
    proxy: Option<Proxy>,
    connect_timeout: Duration,
}

impl Connector {
    pub fn new(
        tls: Option<Arc<rustls::ClientConfig>>,
        server_name: Option<ServerName<'static>>,
        proxy: Option<Proxy>,
        connect_timeout: Duration,
    ) -> Connector {
        Connector {
            inner: Arc::new(Inner {
                tls: tls.map(tokio_rustls::TlsConnector::from),
                server_name,
                proxy,
                connect_timeout,
            }),
        }
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<PeerStream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, ConnectError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move { inner.connect(uri).await.map(TokioIo::new) })
    }
}

impl Inner {
    async fn connect(&self, uri: Uri) -> Result<PeerStream, ConnectError> {
        let host = uri.host().unwrap_or_default();
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let target = format!("{}:{port}", uri.host().unwrap_or_default());
        let tcp = match &self.proxy {
            None => self.tcp(&target, (host.as_str(), port)).await?,
            Some(proxy) => {
                let mut tcp = self.tcp(&proxy.address, proxy.address.as_str()).await?;
                tunnel(&mut tcp, &target, proxy, self.connect_timeout).await?;
                tcp
            }
        };
        let _ = tcp.set_nodelay(true);
        let Some(tls) = &self.tls else {
            return Ok(PeerStream::Plain(tcp));
        };
        let server_name = match &self.server_name {
            Some(name) => name.clone(),
            None => ServerName::try_from(host.clone()).map_err(|e| ConnectError::Tls {
                target: target.clone(),
                source: io::Error::new(io::ErrorKind::InvalidInput, e),
            })?,
        };
        let handshake = tls.connect(server_name, tcp);
        match tokio::time::timeout(self.connect_timeout, handshake).await {
            Ok(Ok(stream)) => Ok(PeerStream::Tls(Box::new(stream))),
            Ok(Err(source)) => Err(ConnectError::Tls { target, source }),
            Err(_) => Err(ConnectError::Timeout {
                target,
                after: self.connect_timeout,
            }),
        }
    }

    async fn tcp(
        &self,
        target: &str,
        address: impl tokio::net::ToSocketAddrs,
    ) -> Result<TcpStream, ConnectError> {
        match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
            Ok(Ok(tcp)) => Ok(tcp),
            Ok(Err(e)) => Err(ConnectError::Unreachable {
                target: target.to_owned(),
                reason: e.to_string(),
            }),
            Err(_) => Err(ConnectError::Timeout {
                target: target.to_owned(),
                after: self.connect_timeout,
            }),
        }
    }
}

/// Asks the proxy for a tunnel to `target` and reads its answer head.
async fn tunnel(
    tcp: &mut TcpStream,
    target: &str,
    proxy: &Proxy,
    timeout: Duration,
) -> Result<(), ConnectError> {
    let unreachable = |reason: String| ConnectError::Unreachable {
        target: format!("{target} via proxy {}", proxy.address),
        reason,
    };
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = &proxy.authorization {
        request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    request.push_str("\r\n");
    let exchange = async {
        tcp.write_all(request.as_bytes()).await?;
        let mut head = Vec::with_capacity(256);
        let mut byte = [0u8; 1];
        // Byte by byte, so nothing after the head (the tunnel's first bytes) is consumed.
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() > 8192 {
                return Err(io::Error::other("the proxy's answer head exceeds 8 KiB"));
            }
            if tcp.read(&mut byte).await? == 0 {
                return Err(io::Error::other("the proxy closed the connection"));
            }
            head.push(byte[0]);
        }
        Ok(head)
    };
    let head = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(head)) => head,
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => return Err(unreachable("no answer to CONNECT in time".to_owned())),
    };
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or_default().to_owned();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| unreachable(format!("not an HTTP answer: {status_line:?}")))?;
    if status / 100 == 2 {
        Ok(())
    } else {
        Err(ConnectError::ProxyRefused {
            target: target.to_owned(),
            status,
            status_line,
        })
    }
}

/// A connection to a peer, plain or TLS.
pub(crate) enum PeerStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Connection for PeerStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for PeerStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PeerStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PeerStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PeerStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            PeerStream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            PeerStream::Plain(s) => s.is_write_vectored(),
            PeerStream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_flush(cx),
            PeerStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            PeerStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PeerStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
