//! Free loopback ports for peers that must be told their port rather than handed a socket.

use std::net::TcpListener;

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
///
/// Prefer handing an already-bound listener to servers written in Rust; use this only for
/// external peers (gunicorn, medallion) that must be given a number.
///
/// # Panics
/// If no loopback socket can be bound at all.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("taxii-testkit: cannot bind a loopback port: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_port_can_be_bound_right_after() {
        let port = free_port();
        assert_ne!(port, 0);
        TcpListener::bind(("127.0.0.1", port)).expect("the port is still free");
    }
}
