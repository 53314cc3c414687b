//! A minimal HTTP/1.0 GET over std sockets, for readiness probes without an HTTP client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// `GET path` on `address`; `Some((status, body))` if a response came back within 2 s.
pub fn http_get(address: SocketAddr, path: &str) -> Option<(u16, String)> {
    let timeout = Duration::from_secs(2);
    let mut stream = TcpStream::connect_timeout(&address, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn reads_status_and_body_from_a_real_socket() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            let mut request = [0u8; 1024];
            let read = stream.read(&mut request).expect("read");
            let answer =
                b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"alive\":true}";
            stream.write_all(answer).expect("write");
            String::from_utf8_lossy(&request[..read]).into_owned()
        });
        let response = http_get(address, "/management/health");
        let request = server.join().expect("server thread");
        assert!(request.starts_with("GET /management/health HTTP/1.0\r\n"));
        assert_eq!(response, Some((200, "{\"alive\":true}".to_string())));
    }

    #[test]
    fn nothing_listening_gives_none() {
        let port = crate::free_port();
        assert_eq!(
            http_get(SocketAddr::from(([127, 0, 0, 1], port)), "/"),
            None
        );
    }
}
