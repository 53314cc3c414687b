//! [`AmqpClient`]: sends envelopes to an AMQP community. [`Exchange::exchange`] is
//! request/response over direct reply-to; [`AmqpClient::publish`] is one-way (Inbox
//! delivery to publish-style communities) and returns once the broker confirmed.
//!
//! Every publish is `mandatory` with a publisher confirm, so `Ok` means the broker took
//! the message for a queue; unroutable, refused, unconfirmed and unanswered messages are
//! errors (RETRY for the partner), never silent losses. The client connects lazily and
//! reconnects (with backoff, within `connect_timeout`) when its connection is gone.

mod reply;
mod session;

use crate::connect::BrokerSettings;
use crate::properties::{properties_for, Routing};
use crate::publish::{publish_confirmed, Target};
use crate::{AmqpAddress, AmqpError, Backoff, Credentials, TlsSettings};
use session::{Session, DIRECT_REPLY_TO};
use std::sync::Arc;
use std::time::Duration;
use taxii_core::{Envelope, Error, Exchange};
use tokio::sync::Mutex;

/// Where a client sends and how long it waits.
#[derive(Debug, Clone)]
pub struct AmqpClientConfig {
    /// The peer's route-table name (`Origin::listener` of replies, and the connection name).
    pub name: String,
    /// The broker and the destination (`?queue=` or `?exchange=&routing_key=`).
    pub address: AmqpAddress,
    /// The broker user; `None` = the address's user, or RabbitMQ's `guest`.
    pub credentials: Option<Credentials>,
    /// CAs and client certificate for `amqps://`.
    pub tls: TlsSettings,
    /// How long a request waits for its reply (then RETRY).
    pub request_timeout: Duration,
    /// How long a publish waits for the broker's confirm (then RETRY).
    pub confirm_timeout: Duration,
    /// How long a call may spend (re)connecting before it fails with RETRY.
    pub connect_timeout: Duration,
    /// The waits between reconnection attempts.
    pub backoff: Backoff,
    /// Set `user_id` to the connection's user, so the receiver learns who sent it (the
    /// broker checks it). Turn off with SASL EXTERNAL, where the user is the certificate's.
    pub send_user_id: bool,
    /// Larger replies are refused.
    pub max_reply_body: u64,
}

impl AmqpClientConfig {
    /// Defaults: 30 s request and confirm timeouts, 10 s connect timeout, 16 MiB replies.
    pub fn new(name: impl Into<String>, address: AmqpAddress) -> AmqpClientConfig {
        AmqpClientConfig {
            name: name.into(),
            address,
            credentials: None,
            tls: TlsSettings::default(),
            request_timeout: Duration::from_secs(30),
            confirm_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            backoff: Backoff::default(),
            send_user_id: true,
            max_reply_body: 16 * 1024 * 1024,
        }
    }
}

/// Per-message AMQP fields the binding cannot know by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// AMQP `message_id`: the TAXII message id of the body, which the sender knows (it
    /// wrote the message) and the binding does not (it never parses TAXII).
    pub message_id: Option<String>,
}

/// The client side of the binding, one per peer destination; cheap to share (`Arc`).
pub struct AmqpClient {
    config: AmqpClientConfig,
    broker: BrokerSettings,
    label: String,
    /// The `user_id` sent with every message, if any.
    user_id: Option<String>,
    /// The live session, read without waiting on the hot path.
    current: std::sync::RwLock<Option<Arc<Session>>>,
    /// Held while (re)connecting, so one caller connects and the others wait for it.
    connecting: Mutex<()>,
}

impl std::fmt::Debug for AmqpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmqpClient")
            .field("config", &self.config)
            .finish()
    }
}

impl AmqpClient {
    /// A client; it connects on first use.
    pub fn new(config: AmqpClientConfig) -> AmqpClient {
        let broker = BrokerSettings {
            address: config.address.clone(),
            credentials: config.credentials.clone(),
            tls: config.tls.clone(),
            connection_name: format!("taxii-gateway client {}", config.name),
            connect_timeout: config.connect_timeout,
        };
        AmqpClient {
            label: config.address.to_string(),
            user_id: config.send_user_id.then(|| broker.user()),
            config,
            broker,
            current: std::sync::RwLock::new(None),
            connecting: Mutex::new(()),
        }
    }

    /// One-way delivery: returns `Ok` once the broker confirmed the message into a queue.
    pub async fn publish(
        &self,
        envelope: &Envelope,
        options: &PublishOptions,
    ) -> Result<(), Error> {
        let routing = Routing {
            message_id: options.message_id.as_deref(),
            user_id: self.user_id.as_deref(),
            ..Routing::default()
        };
        let props = properties_for(envelope, routing)?;
        let session = self.session().await?;
        self.send(&session, &envelope.body, props)
            .await
            .map_err(Error::from)
    }

    /// Request/response with per-message fields; [`Exchange::exchange`] is this with none.
    pub async fn request(
        &self,
        request: &Envelope,
        options: &PublishOptions,
    ) -> Result<Envelope, Error> {
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let routing = Routing {
            correlation_id: Some(&correlation_id),
            reply_to: Some(DIRECT_REPLY_TO),
            message_id: options.message_id.as_deref(),
            user_id: self.user_id.as_deref(),
        };
        let props = properties_for(request, routing)?;
        let session = self.session().await?;
        let reply = session.expect_reply(&correlation_id);
        if let Err(e) = self.send(&session, &request.body, props).await {
            session.forget(&correlation_id);
            return Err(e.into());
        }
        let waited = tokio::time::timeout(self.config.request_timeout, reply).await;
        let delivery = match waited {
            Ok(Ok(delivery)) => delivery,
            Ok(Err(_)) => {
                return Err(AmqpError::ConnectionLost {
                    destination: self.label.clone(),
                    awaited: "reply",
                    reason: "the reply consumer stopped (connection or channel closed)".to_owned(),
                }
                .into())
            }
            Err(_) => {
                session.forget(&correlation_id);
                return Err(AmqpError::Timeout {
                    destination: self.label.clone(),
                    awaited: "reply",
                    waited_ms: self.config.request_timeout.as_millis(),
                }
                .into());
            }
        };
        reply::envelope_from_reply(delivery, &self.config, &self.label)
    }

    /// Closes the connection (in-flight requests fail with RETRY).
    pub async fn close(&self) {
        let session = self.write_current().take();
        if let Some(session) = session {
            session.close().await;
        }
    }

    async fn send(
        &self,
        session: &Session,
        body: &[u8],
        props: lapin::BasicProperties,
    ) -> Result<(), AmqpError> {
        let destination = self.config.address.destination();
        let target = Target {
            exchange: destination.exchange(),
            routing_key: destination.routing_key(),
            label: &self.label,
            mandatory: true,
        };
        let result = publish_confirmed(
            &session.channel,
            target,
            body,
            props,
            self.config.confirm_timeout,
        )
        .await;
        if matches!(result, Err(AmqpError::ConnectionLost { .. })) {
            session.mark_dead();
        }
        result
    }

    fn live_session(&self) -> Option<Arc<Session>> {
        let current = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        current.as_ref().filter(|s| s.usable()).cloned()
    }

    fn write_current(&self) -> std::sync::RwLockWriteGuard<'_, Option<Arc<Session>>> {
        self.current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The live session, (re)connecting with backoff for at most `connect_timeout`.
    async fn session(&self) -> Result<Arc<Session>, AmqpError> {
        if let Some(session) = self.live_session() {
            return Ok(session);
        }
        let deadline = tokio::time::Instant::now() + self.config.connect_timeout;
        let connecting = async {
            let _one_at_a_time = self.connecting.lock().await;
            // Someone else may have connected while this call waited.
            if let Some(session) = self.live_session() {
                return Ok(session);
            }
            let stale = self.write_current().take();
            if let Some(old) = stale {
                old.mark_dead();
            }
            let mut attempt = 0;
            loop {
                match Session::open(&self.broker).await {
                    Ok(session) => {
                        let session = Arc::new(session);
                        *self.write_current() = Some(session.clone());
                        return Ok(session);
                    }
                    Err(e)
                        if tokio::time::Instant::now() + self.config.backoff.delay(attempt)
                            >= deadline =>
                    {
                        return Err(e)
                    }
                    Err(e) => {
                        tracing::debug!(client = %self.config.name, error = %e, "connect failed; retrying");
                        tokio::time::sleep(self.config.backoff.delay(attempt)).await;
                        attempt += 1;
                    }
                }
            }
        };
        match tokio::time::timeout_at(deadline, connecting).await {
            Ok(result) => result,
            Err(_) => Err(AmqpError::Connection {
                broker: self.label.clone(),
                reason: format!(
                    "no connection within {} ms",
                    self.config.connect_timeout.as_millis()
                ),
            }),
        }
    }
}

#[async_trait::async_trait]
impl Exchange for AmqpClient {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        self.request(&request, &PublishOptions::default()).await
    }
}
