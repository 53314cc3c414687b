//! The RabbitMQ broker the AMQP tests need: we do not start it, we insist it is there.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Where the broker must listen (`guest`/`guest`).
pub const RABBITMQ_ADDRESS: &str = "127.0.0.1:5672";

/// Returns if 127.0.0.1:5672 accepts a TCP connection.
///
/// # Panics
/// Otherwise, saying how to start the broker.
pub fn require_rabbitmq() {
    if let Err(message) = broker_listening(SocketAddr::from(([127, 0, 0, 1], 5672))) {
        panic!("{message}");
    }
}

fn broker_listening(address: SocketAddr) -> Result<(), String> {
    TcpStream::connect_timeout(&address, Duration::from_secs(3))
        .map(drop)
        .map_err(|error| {
            format!(
                "RabbitMQ is not running at {address}: run `rabbitmq-server -detached` \
             (or .ci/run installs it) [connect failed: {error}]"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_that_ci_starts_is_listening() {
        require_rabbitmq();
    }

    #[test]
    fn a_closed_port_gets_the_how_to_start_it_message() {
        let address = SocketAddr::from(([127, 0, 0, 1], crate::free_port()));
        let message = broker_listening(address).expect_err("nothing listens there");
        assert!(message.starts_with(&format!("RabbitMQ is not running at {address}: run")));
        assert!(message.contains("rabbitmq-server -detached"), "{message}");
    }
}
