//! The binding's own failures, and the TAXII status each one becomes.

use taxii_core::Error;

/// A failure of the AMQP transport or of this binding's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmqpError {
    /// The configuration cannot work (bad address, missing secret, ...).
    #[error("AMQP configuration: {0}")]
    Config(String),
    /// The broker could not be reached or refused the connection.
    #[error("cannot connect to AMQP broker {broker}: {reason}")]
    Connection {
        /// The broker's public address.
        broker: String,
        /// What failed (I/O, TLS, authentication, timeout).
        reason: String,
    },
    /// An AMQP operation failed on an open connection (usually: the connection dropped).
    #[error("AMQP {operation} failed on {broker}: {reason}")]
    Channel {
        /// The broker's public address.
        broker: String,
        /// The AMQP method, e.g. `basic.consume`.
        operation: &'static str,
        /// What the broker or the client library said.
        reason: String,
    },
    /// Declaring a queue or exchange failed, e.g. it exists with other arguments.
    #[error("cannot declare {what} on {broker}: {reason}")]
    Topology {
        /// The broker's public address.
        broker: String,
        /// What could not be declared.
        what: String,
        /// What the broker said.
        reason: String,
    },
    /// The broker returned a `mandatory` message: no queue is bound to its destination.
    #[error("{destination} is unroutable: the broker returned the message ({code} {text})")]
    Unroutable {
        /// Where the message was going.
        destination: String,
        /// The AMQP reply code (312 NO_ROUTE).
        code: u16,
        /// The broker's reply text.
        text: String,
    },
    /// The broker refused to take responsibility for a message (publisher confirm nack).
    #[error("the broker did not accept the message for {destination} (publisher confirm nack)")]
    Nacked {
        /// Where the message was going.
        destination: String,
    },
    /// No publisher confirm or no reply arrived in time.
    #[error("no {awaited} from {destination} within {waited_ms} ms")]
    Timeout {
        /// Where the message was going.
        destination: String,
        /// `reply` or `publisher confirm`.
        awaited: &'static str,
        /// How long it waited.
        waited_ms: u128,
    },
    /// The connection was lost while a confirm or a reply was outstanding; the message
    /// may or may not have been delivered.
    #[error("connection to {destination} lost while awaiting the {awaited}: {reason}")]
    ConnectionLost {
        /// Where the message was going.
        destination: String,
        /// What was outstanding.
        awaited: &'static str,
        /// Why the channel or connection closed, as far as known.
        reason: String,
    },
}

impl AmqpError {
    /// Which TAXII error a partner sees: transport trouble is `Unavailable` (status RETRY:
    /// the request may be repeated), configuration trouble is `Internal` (FAILURE).
    pub fn into_taxii(self) -> Error {
        let reason = self.to_string();
        match self {
            AmqpError::Config(_) | AmqpError::Topology { .. } => Error::Internal(reason),
            AmqpError::Connection { broker: peer, .. }
            | AmqpError::Channel { broker: peer, .. }
            | AmqpError::Unroutable {
                destination: peer, ..
            }
            | AmqpError::Nacked { destination: peer }
            | AmqpError::Timeout {
                destination: peer, ..
            }
            | AmqpError::ConnectionLost {
                destination: peer, ..
            } => Error::Unavailable { peer, reason },
        }
    }
}

impl From<AmqpError> for Error {
    fn from(e: AmqpError) -> Error {
        e.into_taxii()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taxii_core::StatusType;

    #[test]
    fn transport_failures_are_retry_and_configuration_failures_are_failure() {
        let timeout = AmqpError::Timeout {
            destination: "amqp://h:5672/%2F?queue=q".into(),
            awaited: "reply",
            waited_ms: 250,
        };
        let e: Error = timeout.into();
        assert_eq!(e.status_type(), StatusType::Retry);
        assert!(e
            .to_string()
            .contains("no reply from amqp://h:5672/%2F?queue=q within 250 ms"));
        let e: Error = AmqpError::Config("no password".into()).into();
        assert_eq!(e.status_type(), StatusType::Failure);
    }
}
