//! One client connection: a confirm-mode channel that publishes and, on the same channel
//! (RabbitMQ requires it), consumes direct reply-to (`amq.rabbitmq.reply-to`), routing each
//! reply to the request waiting for its `correlation_id`.

use crate::connect::BrokerSettings;
use crate::AmqpError;
use futures_lite::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, ConfirmSelectOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

/// RabbitMQ's direct reply-to pseudo-queue.
pub(crate) const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<Delivery>>>>;

pub(crate) struct Session {
    connection: Connection,
    pub channel: Channel,
    waiters: Waiters,
    /// Cancelled once the session is known to be unusable.
    dead: CancellationToken,
}

impl Session {
    pub async fn open(broker: &BrokerSettings) -> Result<Session, AmqpError> {
        let label = broker.address.to_string();
        let failed = |operation: &'static str| {
            let label = label.clone();
            move |e: lapin::Error| AmqpError::Channel {
                broker: label,
                operation,
                reason: e.to_string(),
            }
        };
        let connection = broker.connect().await?;
        let channel = connection
            .create_channel()
            .await
            .map_err(failed("channel.open"))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(failed("confirm.select"))?;
        let consume = BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        };
        let mut replies = channel
            .basic_consume(
                DIRECT_REPLY_TO.into(),
                "".into(),
                consume,
                FieldTable::default(),
            )
            .await
            .map_err(failed("basic.consume (direct reply-to)"))?;
        let waiters: Waiters = Arc::default();
        let dead = CancellationToken::new();
        let (router_waiters, router_dead) = (waiters.clone(), dead.clone());
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    _ = router_dead.cancelled() => break,
                    next = replies.next() => next,
                };
                let Some(Ok(reply)) = next else { break };
                let id = reply
                    .properties
                    .correlation_id()
                    .as_ref()
                    .map(|c| c.to_string());
                let waiter = id.as_ref().and_then(|id| lock(&router_waiters).remove(id));
                match waiter {
                    Some(waiter) => {
                        let _ = waiter.send(reply);
                    }
                    None => {
                        tracing::debug!(correlation_id = ?id, "reply for no waiting request (late or foreign); dropped")
                    }
                }
            }
            router_dead.cancel();
            // Dropping the senders tells every waiting request that its reply is lost.
            lock(&router_waiters).clear();
        });
        Ok(Session {
            connection,
            channel,
            waiters,
            dead,
        })
    }

    pub fn usable(&self) -> bool {
        !self.dead.is_cancelled()
            && self.connection.status().connected()
            && self.channel.status().connected()
    }

    pub fn mark_dead(&self) {
        self.dead.cancel();
    }

    /// Registers a request; its reply arrives on the returned receiver.
    pub fn expect_reply(&self, correlation_id: &str) -> oneshot::Receiver<Delivery> {
        let (sender, receiver) = oneshot::channel();
        lock(&self.waiters).insert(correlation_id.to_owned(), sender);
        receiver
    }

    pub fn forget(&self, correlation_id: &str) {
        lock(&self.waiters).remove(correlation_id);
    }

    pub async fn close(&self) {
        self.mark_dead();
        let _ = self.connection.close(200, "client closing".into()).await;
    }
}

/// The waiters map stays consistent even if a holder panicked (it is only inserts and
/// removes), so a poisoned lock is taken over.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
