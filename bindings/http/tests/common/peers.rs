//! Small real servers on loopback for the client tests: a canned-answer HTTP server (for
//! peers that answer without TAXII) and an HTTP `CONNECT` proxy with optional Basic.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads a request head (and a `Content-Length` body), returning the head.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf.len() - (end + 4);
    while body < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body += n;
    }
    Some(head)
}

/// A server that answers every request with `answer` (a whole HTTP response) and closes.
pub async fn canned_server(answer: &'static str) -> SocketAddr {
    let socket = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = socket.accept().await {
            tokio::spawn(async move {
                if read_request(&mut stream).await.is_some() {
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }
            });
        }
    });
    addr
}

/// An HTTP proxy that only does `CONNECT`, and counts the tunnels it opened.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub tunnels: Arc<AtomicUsize>,
}

impl ConnectProxy {
    /// `required_authorization`: the exact `Proxy-Authorization` value to demand.
    pub async fn start(required_authorization: Option<String>) -> ConnectProxy {
        let socket = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = socket.local_addr().expect("addr");
        let tunnels = Arc::new(AtomicUsize::new(0));
        let counter = tunnels.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = socket.accept().await {
                let required = required_authorization.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    let Some(head) = read_request(&mut client).await else {
                        return;
                    };
                    let mut lines = head.lines();
                    let target = lines
                        .next()
                        .and_then(|l| l.strip_prefix("CONNECT "))
                        .and_then(|l| l.split_whitespace().next())
                        .unwrap_or_default()
                        .to_owned();
                    let presented = lines
                        .filter_map(|l| l.split_once(':'))
                        .find(|(n, _)| n.trim().eq_ignore_ascii_case("proxy-authorization"))
                        .map(|(_, v)| v.trim().to_owned());
                    if required.is_some() && presented != required {
                        let _ = client
                            .write_all(
                                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                                  Proxy-Authenticate: Basic realm=\"proxy\"\r\n\
                                  Content-Length: 0\r\n\r\n",
                            )
                            .await;
                        return;
                    }
                    let Ok(mut upstream) = TcpStream::connect(&target).await else {
                        let _ = client
                            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                            .await;
                        return;
                    };
                    counter.fetch_add(1, Ordering::SeqCst);
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
        });
        ConnectProxy { addr, tunnels }
    }
}
