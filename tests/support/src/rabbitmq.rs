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
    let address = SocketAddr::from(([127, 0, 0, 1], 5672));
    if let Err(error) = TcpStream::connect_timeout(&address, Duration::from_secs(3)) {
        panic!(
            "RabbitMQ is not running at {RABBITMQ_ADDRESS}: run `rabbitmq-server -detached` \
             (or .ci/run installs it) [connect failed: {error}]"
        );
    }
}
