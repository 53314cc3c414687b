//! What a listener declares on the broker (and re-declares after every reconnect): its
//! durable queue, dead-lettering into a fanout exchange `<queue>.dlx`, and the durable
//! queue `<queue>.dead` bound to it, where refused messages wait for an operator.

use crate::AmqpError;
use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, ExchangeKind};

/// The dead-letter exchange of `queue`.
pub fn dead_letter_exchange_name(queue: &str) -> String {
    format!("{queue}.dlx")
}

/// The queue that keeps the dead letters of `queue`.
pub fn dead_letter_queue_name(queue: &str) -> String {
    format!("{queue}.dead")
}

/// The kind of queue a listener declares (for its queue and its `.dead` queue).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueType {
    /// RabbitMQ's classic durable queue (one node).
    #[default]
    Classic,
    /// A quorum queue, replicated across a RabbitMQ cluster (`x-queue-type: quorum`).
    Quorum,
}

impl QueueType {
    fn arguments(self) -> FieldTable {
        let mut arguments = FieldTable::default();
        if self == QueueType::Quorum {
            arguments.insert(
                "x-queue-type".into(),
                AMQPValue::LongString(b"quorum".to_vec().into()),
            );
        }
        arguments
    }
}

/// A refusal that will not go away by itself (the queue exists with other arguments, the
/// user may not declare it) is [`AmqpError::Topology`]; anything else (a dropped
/// connection) is transient.
fn classify(broker: &str, what: &str, error: lapin::Error) -> AmqpError {
    use lapin::protocol::{AMQPErrorKind, AMQPSoftError};
    let permanent = matches!(
        error.kind(),
        lapin::ErrorKind::ProtocolError(e) if matches!(
            e.kind(),
            AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED | AMQPSoftError::ACCESSREFUSED)
        )
    );
    if permanent {
        AmqpError::Topology {
            broker: broker.to_owned(),
            what: what.to_owned(),
            reason: error.to_string(),
        }
    } else {
        AmqpError::Channel {
            broker: broker.to_owned(),
            operation: "declare",
            reason: format!("{what}: {error}"),
        }
    }
}

/// Declares `queue` and its dead-letter exchange and queue (idempotent).
pub(crate) async fn declare_listener_queue(
    channel: &Channel,
    broker: &str,
    queue: &str,
    queue_type: QueueType,
) -> Result<(), AmqpError> {
    let dlx = dead_letter_exchange_name(queue);
    let dead = dead_letter_queue_name(queue);
    let failed = |what: &str, e: lapin::Error| classify(broker, what, e);
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    channel
        .exchange_declare(
            dlx.as_str().into(),
            ExchangeKind::Fanout,
            durable,
            FieldTable::default(),
        )
        .await
        .map_err(|e| failed(&format!("dead-letter exchange {dlx}"), e))?;
    channel
        .queue_declare(
            dead.as_str().into(),
            QueueDeclareOptions::durable(),
            queue_type.arguments(),
        )
        .await
        .map_err(|e| failed(&format!("dead-letter queue {dead}"), e))?;
    channel
        .queue_bind(
            dead.as_str().into(),
            dlx.as_str().into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(|e| failed(&format!("binding {dead} to {dlx}"), e))?;
    let mut arguments = queue_type.arguments();
    arguments.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(dlx.as_bytes().to_vec().into()),
    );
    channel
        .queue_declare(queue.into(), QueueDeclareOptions::durable(), arguments)
        .await
        .map_err(|e| {
            failed(
                &format!("queue {queue} (an existing queue of that name must be a durable {queue_type:?} queue with x-dead-letter-exchange={dlx})"),
                e,
            )
        })?;
    Ok(())
}
