//! One delivery, from the queue to its outcome. The rules (README "Acknowledgement"):
//!
//! * refused before the handler (unreadable headers, wrong content type, oversized): answer
//!   with the refusal if there is a `reply_to`, then dead-letter (nack, no requeue);
//! * request (`reply_to`): publish the handler's answer (or its error as a status) with a
//!   confirm, then ack; an answer that says the message itself is malformed also
//!   dead-letters it; an unroutable answer (the requester is gone) dead-letters it;
//! * one-way (no `reply_to`): ack once the handler returned `Ok`; on RETRY put it back once
//!   after `retry_delay`; on any other error dead-letter it.
//!   (The answer of a one-way message is not read: a handler refuses one with `Err`.)
//!
//! If the connection is lost on the way, nothing is acked and the broker redelivers.

use crate::properties::{properties_for, Routing, WireHeaders};
use crate::publish::{publish_confirmed, Target};
use crate::status::StatusRequest;
use crate::{headers, AmqpError, AmqpListenerConfig, StatusWriter, PROTOCOL_AMQP};
use bytes::Bytes;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{Acker, BasicProperties, Channel};
use std::sync::Arc;
use taxii_core::{Envelope, Error, Exchange, Identity, Origin, StatusType};

/// What every delivery task of one session shares.
pub(super) struct Context {
    pub config: Arc<AmqpListenerConfig>,
    pub handler: Arc<dyn Exchange>,
    pub status_writer: Option<Arc<dyn StatusWriter>>,
    pub channel: Channel,
}

/// How a delivery ends on the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settle {
    Ack,
    DeadLetter,
    Requeue,
    /// Leave it unacked: the channel is gone and the broker will redeliver.
    Abandon,
}

pub(super) async fn handle(context: Arc<Context>, delivery: Delivery) {
    let Delivery {
        properties,
        data,
        acker,
        redelivered,
        delivery_tag,
        ..
    } = delivery;
    let settle = process(&context, &properties, Bytes::from(data), redelivered).await;
    let name = &context.config.name;
    tracing::debug!(listener = %name, delivery_tag, ?settle, "settled");
    if let Err(e) = apply(&acker, settle).await {
        tracing::warn!(listener = %name, delivery_tag, error = %e, "cannot settle; the broker redelivers it");
    }
}

async fn apply(acker: &Acker, settle: Settle) -> Result<(), lapin::Error> {
    let nack = |requeue| BasicNackOptions {
        multiple: false,
        requeue,
    };
    match settle {
        Settle::Ack => acker.ack(BasicAckOptions::default()).await.map(drop),
        Settle::DeadLetter => acker.nack(nack(false)).await.map(drop),
        Settle::Requeue => acker.nack(nack(true)).await.map(drop),
        Settle::Abandon => Ok(()),
    }
}

async fn process(
    context: &Context,
    properties: &BasicProperties,
    body: Bytes,
    redelivered: bool,
) -> Settle {
    let config = &context.config;
    // An empty reply_to names no queue: the message is one-way.
    let reply_to = properties
        .reply_to()
        .as_ref()
        .map(ShortString::as_str)
        .filter(|r| !r.is_empty());
    let correlation_id = properties
        .correlation_id()
        .as_ref()
        .map(ShortString::as_str);
    let wire = WireHeaders::read(properties);
    if let Err(refusal) = wire.check_request(&body, &config.accepted, config.max_body) {
        tracing::warn!(listener = %config.name, error = %refusal, "refused; dead-lettering");
        if let Some(reply_to) = reply_to {
            if let Err(e) = answer_error(context, reply_to, correlation_id, &wire, &refusal).await {
                return after_failed_reply(config, e);
            }
        }
        return Settle::DeadLetter;
    }
    let origin = Origin {
        listener: config.name.clone(),
        // RabbitMQ refuses a user_id that is not the publishing connection's user.
        identity: match properties.user_id() {
            Some(user) => Identity::Basic {
                user: user.to_string(),
            },
            None => Identity::Anonymous,
        },
        remote_addr: None,
        reached_at: Some(config.address.to_string()),
    };
    let envelope = wire.clone().into_envelope(body, origin);
    let outcome = run_handler(context, envelope).await;
    match (reply_to, outcome) {
        (Some(reply_to), Ok(answer)) => {
            let routing = Routing {
                correlation_id,
                ..Routing::default()
            };
            let sent = match properties_for(&answer, routing) {
                Ok(props) => reply(context, reply_to, &answer.body, props).await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(()) => Settle::Ack,
                Err(e) => after_failed_reply(config, e),
            }
        }
        (Some(reply_to), Err(error)) => {
            match answer_error(context, reply_to, correlation_id, &wire, &error).await {
                Ok(()) if says_message_is_malformed(&error) => Settle::DeadLetter,
                Ok(()) => Settle::Ack,
                Err(e) => after_failed_reply(config, e),
            }
        }
        (None, Ok(_)) => Settle::Ack,
        (None, Err(error)) if error.status_type() == StatusType::Retry && !redelivered => {
            tracing::warn!(listener = %config.name, %error, "one-way message not accepted yet; retrying once");
            tokio::time::sleep(config.retry_delay).await;
            Settle::Requeue
        }
        (None, Err(error)) => {
            tracing::warn!(listener = %config.name, %error, "one-way message not accepted; dead-lettering");
            Settle::DeadLetter
        }
    }
}

/// Runs the handler in its own task, so a panic or a hang becomes a TAXII error.
async fn run_handler(context: &Context, envelope: Envelope) -> Result<Envelope, Error> {
    let handler = context.handler.clone();
    let mut task = tokio::spawn(async move { handler.exchange(envelope).await });
    let limit = context.config.handler_timeout;
    match tokio::time::timeout(limit, &mut task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(Error::Internal(format!("the handler failed: {join}"))),
        Err(_) => {
            task.abort();
            Err(Error::Unavailable {
                peer: context.config.name.clone(),
                reason: format!("no answer within {} ms", limit.as_millis()),
            })
        }
    }
}

fn says_message_is_malformed(error: &Error) -> bool {
    matches!(
        error.status_type(),
        StatusType::BadMessage | StatusType::UnsupportedMessage | StatusType::UnsupportedProtocol
    )
}

/// A reply that could not be published: if the requester's queue is gone, keep the
/// request as a dead letter; if the broker refused or timed out, try again later;
/// if the connection dropped, the broker redelivers anyway.
fn after_failed_reply(config: &AmqpListenerConfig, error: AmqpError) -> Settle {
    tracing::warn!(listener = %config.name, %error, "reply not delivered");
    match error {
        AmqpError::Unroutable { .. } | AmqpError::Config(_) => Settle::DeadLetter,
        AmqpError::Nacked { .. } | AmqpError::Timeout { .. } => Settle::Requeue,
        _ => Settle::Abandon,
    }
}

async fn reply(
    context: &Context,
    reply_to: &str,
    body: &[u8],
    props: BasicProperties,
) -> Result<(), AmqpError> {
    let label = format!("reply_to {reply_to}");
    let target = Target {
        exchange: "",
        routing_key: reply_to,
        label: &label,
        // RabbitMQ (3.10 at least) returns mandatory replies to direct reply-to as
        // unroutable even when it delivered them; only real reply queues can use it.
        mandatory: !reply_to.starts_with("amq.rabbitmq.reply-to."),
    };
    publish_confirmed(
        &context.channel,
        target,
        body,
        props,
        context.config.confirm_timeout,
    )
    .await
}

/// Answers with `error` as a TAXII Status Message, or as a plain reply without a writer.
async fn answer_error(
    context: &Context,
    reply_to: &str,
    correlation_id: Option<&str>,
    wire: &WireHeaders,
    error: &Error,
) -> Result<(), AmqpError> {
    let routing = Routing {
        correlation_id,
        ..Routing::default()
    };
    let request = StatusRequest {
        error,
        accept: &wire.accept,
        request_binding: wire.message_binding.as_deref(),
        services: wire.version(),
    };
    let written = context
        .status_writer
        .as_ref()
        .map(|w| w.write_status(request));
    match written {
        Some(Ok(status)) => {
            let props = properties_for(&status, routing)?;
            return reply(context, reply_to, &status.body, props).await;
        }
        Some(Err(e)) => {
            tracing::warn!(listener = %context.config.name, error = %e, "status writer failed; sending a plain reply")
        }
        None => {}
    }
    let text = error.to_string();
    let props = plain_reply_properties(&error.status_type(), routing)?;
    reply(context, reply_to, text.as_bytes(), props).await
}

/// A reply that is not a TAXII message: `x-taxii-status` and a `text/plain` reason.
fn plain_reply_properties(
    status: &StatusType,
    routing: Routing<'_>,
) -> Result<BasicProperties, AmqpError> {
    let mut table = FieldTable::default();
    let text = |s: &str| AMQPValue::LongString(s.as_bytes().to_vec().into());
    table.insert(headers::STATUS.into(), text(status.as_str()));
    table.insert(headers::PROTOCOL.into(), text(PROTOCOL_AMQP));
    let mut props = BasicProperties::default()
        .with_content_type("text/plain; charset=utf-8".into())
        .with_delivery_mode(crate::properties::PERSISTENT)
        .with_headers(table);
    if let Some(id) = routing.correlation_id {
        props = props.with_correlation_id(id.into());
    }
    Ok(props)
}
