//! [`AmqpListener`]: consumes a durable queue and answers each request on its `reply_to`.
//!
//! One connection, one channel in confirm mode, a prefetch limit (the broker sends no more
//! than `prefetch` unacknowledged messages: backpressure), each delivery handled in its own
//! task ([`delivery`]). After a lost connection the listener reconnects with backoff,
//! re-declares its topology and consumes again; whatever it had not acknowledged is
//! redelivered by the broker (at-least-once).

mod delivery;

use crate::connect::BrokerSettings;
use crate::topology::{declare_listener_queue, QueueType};
use crate::{AmqpAddress, AmqpError, Backoff, Credentials, MediaTypes, StatusWriter, TlsSettings};
use futures_lite::StreamExt;
use lapin::options::{
    BasicCancelOptions, BasicConsumeOptions, BasicQosOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use std::sync::Arc;
use std::time::Duration;
use taxii_core::{Error, Exchange, Listener};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// How a listener reaches its queue and how much it takes on.
#[derive(Debug, Clone)]
pub struct AmqpListenerConfig {
    /// The listener's route-table name (`Origin::listener`).
    pub name: String,
    /// The broker and the queue (`?queue=NAME`) to consume.
    pub address: AmqpAddress,
    /// The broker user; `None` = the address's user, or RabbitMQ's `guest`.
    pub credentials: Option<Credentials>,
    /// CAs and client certificate for `amqps://`.
    pub tls: TlsSettings,
    /// Classic or quorum queues (for a RabbitMQ cluster).
    pub queue_type: QueueType,
    /// Unacknowledged messages in flight at most (AMQP `basic.qos` prefetch count).
    pub prefetch: u16,
    /// Larger bodies are refused with BAD_MESSAGE and dead-lettered.
    pub max_body: u64,
    /// The message bindings accepted, with their `content_type`s.
    pub accepted: MediaTypes,
    /// How long the handler may take for one message (then RETRY).
    pub handler_timeout: Duration,
    /// How long to wait for the broker's confirm of a reply.
    pub confirm_timeout: Duration,
    /// How long one connection attempt may take.
    pub connect_timeout: Duration,
    /// The waits between reconnection attempts (forever, until stopped).
    pub backoff: Backoff,
    /// A one-way message whose handler answered RETRY is put back this much later, once.
    pub retry_delay: Duration,
    /// On stop, how long in-flight messages may take to finish.
    pub drain_timeout: Duration,
}

impl AmqpListenerConfig {
    /// Defaults: prefetch 32, bodies up to 16 MiB, the three well-known bindings, 60 s
    /// handler timeout, 30 s confirm timeout, 10 s connect timeout.
    pub fn new(name: impl Into<String>, address: AmqpAddress) -> AmqpListenerConfig {
        AmqpListenerConfig {
            name: name.into(),
            address,
            credentials: None,
            tls: TlsSettings::default(),
            queue_type: QueueType::Classic,
            prefetch: 32,
            max_body: 16 * 1024 * 1024,
            accepted: MediaTypes::default(),
            handler_timeout: Duration::from_secs(60),
            confirm_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            backoff: Backoff::default(),
            retry_delay: Duration::from_secs(1),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// The AMQP side of a community that partners reach through a queue.
pub struct AmqpListener {
    config: Arc<AmqpListenerConfig>,
    queue: String,
    status_writer: Option<Arc<dyn StatusWriter>>,
}

impl std::fmt::Debug for AmqpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmqpListener")
            .field("config", &self.config)
            .field("status_writer", &self.status_writer.is_some())
            .finish()
    }
}

impl AmqpListener {
    /// Checks the configuration: the address must name a queue that is not a broker
    /// reserved name (`amq.*`) and leaves room for `.dead`.
    pub fn new(config: AmqpListenerConfig) -> Result<AmqpListener, AmqpError> {
        let queue = config.address.queue().map(str::to_owned).ok_or_else(|| {
            AmqpError::Config(format!(
                "listener {}: {} names an exchange; a listener consumes a queue (?queue=NAME)",
                config.name, config.address
            ))
        })?;
        if queue.starts_with("amq.") {
            return Err(AmqpError::Config(format!(
                "queue {queue:?}: amq.* names are reserved by the broker"
            )));
        }
        if queue.len() > crate::address::MAX_NAME_BYTES - ".dead".len() {
            return Err(AmqpError::Config(format!(
                "queue {queue:?} leaves no room for its .dead queue (250 bytes at most)"
            )));
        }
        if config.prefetch == 0 {
            return Err(AmqpError::Config(
                "prefetch 0 means unlimited: give a limit".to_owned(),
            ));
        }
        Ok(AmqpListener {
            config: Arc::new(config),
            queue,
            status_writer: None,
        })
    }

    /// Answers refused messages with TAXII Status Messages written by `writer` (without
    /// one, refusals get plain replies: see [`crate::StatusWriter`]).
    pub fn with_status_writer(mut self, writer: Arc<dyn StatusWriter>) -> AmqpListener {
        self.status_writer = Some(writer);
        self
    }

    fn broker(&self) -> BrokerSettings {
        BrokerSettings {
            address: self.config.address.clone(),
            credentials: self.config.credentials.clone(),
            tls: self.config.tls.clone(),
            connection_name: format!("taxii-gateway listener {}", self.config.name),
            connect_timeout: self.config.connect_timeout,
        }
    }

    /// One connection's life: connect, declare, consume until stopped or lost.
    async fn run_session(
        &self,
        broker: &BrokerSettings,
        handler: &Arc<dyn Exchange>,
        stop: &CancellationToken,
    ) -> Result<SessionEnd, AmqpError> {
        let label = self.config.address.to_string();
        let channel_error = |operation: &'static str| {
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
            .map_err(channel_error("channel.open"))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(channel_error("confirm.select"))?;
        channel
            .basic_qos(self.config.prefetch, BasicQosOptions::default())
            .await
            .map_err(channel_error("basic.qos"))?;
        declare_listener_queue(&channel, &label, &self.queue, self.config.queue_type).await?;
        let tag = format!(
            "taxii-gateway.{}.{}",
            self.config.name,
            uuid::Uuid::new_v4()
        );
        let mut consumer = channel
            .basic_consume(
                self.queue.as_str().into(),
                // A name too long for a tag lets the broker choose one.
                lapin::types::ShortString::try_new(tag).unwrap_or_else(|_| "".into()),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(channel_error("basic.consume"))?;
        tracing::info!(listener = %self.config.name, queue = %self.queue, "consuming");
        let context = Arc::new(delivery::Context {
            config: self.config.clone(),
            handler: handler.clone(),
            status_writer: self.status_writer.clone(),
            channel: channel.clone(),
        });
        let mut in_flight = JoinSet::new();
        let end = loop {
            tokio::select! {
                _ = stop.cancelled() => break SessionEnd::Stopped,
                next = consumer.next() => match next {
                    Some(Ok(message)) => {
                        in_flight.spawn(delivery::handle(context.clone(), message));
                    }
                    Some(Err(e)) => break SessionEnd::Lost(e.to_string()),
                    None => break SessionEnd::Lost("the broker cancelled the consumer".to_owned()),
                },
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!(listener = %self.config.name, error = %e, "delivery task failed");
                    }
                }
            }
        };
        match &end {
            SessionEnd::Stopped => {
                // No new deliveries; let the in-flight ones answer and ack, then close.
                let _ = channel
                    .basic_cancel(consumer.tag(), BasicCancelOptions::default())
                    .await;
                let drained = tokio::time::timeout(self.config.drain_timeout, async {
                    while in_flight.join_next().await.is_some() {}
                })
                .await;
                if drained.is_err() {
                    tracing::warn!(listener = %self.config.name, "in-flight messages did not finish in time; the broker redelivers them");
                }
                let _ = channel.close(200, "listener stopping".into()).await;
                let _ = connection.close(200, "listener stopping".into()).await;
            }
            SessionEnd::Lost(_) => {
                // Their acks can no longer reach the broker, which redelivers them.
                in_flight.detach_all();
            }
        }
        Ok(end)
    }
}

enum SessionEnd {
    Stopped,
    Lost(String),
}

#[async_trait::async_trait]
impl Listener for AmqpListener {
    async fn serve(
        self: Box<Self>,
        handler: Arc<dyn Exchange>,
        stop: CancellationToken,
    ) -> Result<(), Error> {
        let broker = self.broker();
        let mut failures = 0u32;
        while !stop.is_cancelled() {
            match self.run_session(&broker, &handler, &stop).await {
                Ok(SessionEnd::Stopped) => break,
                Ok(SessionEnd::Lost(reason)) => {
                    tracing::warn!(listener = %self.config.name, %reason, "connection lost; reconnecting");
                    failures = 0;
                }
                Err(e @ (AmqpError::Topology { .. } | AmqpError::Config(_))) => {
                    tracing::error!(listener = %self.config.name, error = %e, "cannot serve");
                    return Err(e.into());
                }
                Err(e) => {
                    tracing::warn!(listener = %self.config.name, error = %e, attempt = failures, "cannot reach the broker; retrying");
                }
            }
            let wait = self.config.backoff.delay(failures);
            failures = failures.saturating_add(1);
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        Ok(())
    }
}
