//! Raw HTTP/1.1 over a plain socket, for requests no well-behaved client would send.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One HTTP response as read off the socket.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    /// A header's value (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as is and reads one response.
pub async fn send(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the listener");
    stream.write_all(request).await.expect("send the request");
    read_response(&mut stream).await
}

/// Sends a HEAD-like request and reads only the response head.
pub async fn send_for_head(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("connect to the listener");
    stream.write_all(request).await.expect("send the request");
    tokio::time::timeout(Duration::from_secs(10), read(&mut stream, false))
        .await
        .expect("the listener answered within 10 s")
}

/// Reads one response (head, then `Content-Length` bytes or up to EOF) within 10 s.
pub async fn read_response(stream: &mut TcpStream) -> RawResponse {
    tokio::time::timeout(Duration::from_secs(10), read(stream, true))
        .await
        .expect("the listener answered within 10 s")
}

async fn read(stream: &mut TcpStream, with_body: bool) -> RawResponse {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.expect("read the response");
        assert!(n > 0, "the listener closed without answering; read {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP status line: {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[head_end + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    match length {
        _ if !with_body => body.clear(),
        Some(length) => {
            while body.len() < length {
                let n = stream.read(&mut chunk).await.expect("read the body");
                assert!(n > 0, "the body broke off");
                body.extend_from_slice(&chunk[..n]);
            }
        }
        None => {
            let _ = stream.read_to_end(&mut body).await;
        }
    }
    RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A well-formed TAXII 1.1 POST with the given path and body.
pub fn taxii_post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n\
         X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n\
         X-TAXII-Accept: urn:taxii.mitre.org:message:xml:1.1\r\n\
         X-TAXII-Services: urn:taxii.mitre.org:services:1.1\r\n\
         X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
