//! Shared pieces of the broker tests: the broker lock, unique queues that clean up after
//! themselves, the pika peers, and in-test handlers (real code, no mocks).

use bytes::Bytes;
use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
use lapin::{Connection, ConnectionProperties};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use taxii_amqp::{
    dead_letter_exchange_name, dead_letter_queue_name, AmqpAddress, BindingStatusWriter,
    Credentials,
};
use taxii_core::{ids, Envelope, Error, Exchange, MessageBinding, Origin, Version};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

pub const BROKER: &str = "amqp://127.0.0.1:5672/%2f";

/// RabbitMQ's default user, which may log in over loopback only.
pub fn guest() -> Option<Credentials> {
    Some(Credentials::new("guest", "guest"))
}

static BROKER_LOCK: RwLock<()> = RwLock::const_new(());

/// Logs to the test output, filtered by `RUST_LOG` (default: warnings).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// For tests that only need the broker running.
pub async fn shared_broker() -> RwLockReadGuard<'static, ()> {
    init_logging();
    taxii_testkit::require_rabbitmq();
    BROKER_LOCK.read().await
}

/// For tests that stop and start the broker.
pub async fn exclusive_broker() -> RwLockWriteGuard<'static, ()> {
    init_logging();
    taxii_testkit::require_rabbitmq();
    BROKER_LOCK.write().await
}

/// A queue name no other test uses; its queue, `.dead` queue and `.dlx` exchange are
/// deleted when dropped.
pub struct TestQueue {
    pub name: String,
}

impl TestQueue {
    pub fn new(purpose: &str) -> TestQueue {
        TestQueue {
            name: format!("taxii-amqp-test.{purpose}.{}", uuid::Uuid::new_v4()),
        }
    }

    pub fn address(&self) -> AmqpAddress {
        format!("{BROKER}?queue={}", self.name)
            .parse()
            .expect("test address")
    }

    pub fn dead(&self) -> String {
        dead_letter_queue_name(&self.name)
    }

    /// Deletes the queue, its `.dead` queue and its `.dlx` exchange now (also done on drop).
    pub async fn delete(&self) {
        delete_topology(&self.name).await;
    }
}

impl Drop for TestQueue {
    /// Cleans up even when the test failed half-way (on a thread of its own: drop cannot
    /// await, and may run inside the test's runtime).
    fn drop(&mut self) {
        let name = self.name.clone();
        let cleanup = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(delete_topology(&name));
            }
        });
        let _ = cleanup.join();
    }
}

async fn delete_topology(name: &str) {
    let Ok(connection) = Connection::connect(
        "amqp://guest:guest@127.0.0.1:5672/%2f",
        ConnectionProperties::default(),
    )
    .await
    else {
        return;
    };
    if let Ok(channel) = connection.create_channel().await {
        for queue in [name.to_owned(), dead_letter_queue_name(name)] {
            let _ = channel
                .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
        let dlx = dead_letter_exchange_name(name);
        let _ = channel
            .exchange_delete(dlx.as_str().into(), ExchangeDeleteOptions::default())
            .await;
    }
    let _ = connection.close(200, "test cleanup".into()).await;
}

/// Messages waiting in `queue`, by a passive declare.
pub async fn queue_depth(queue: &str) -> u32 {
    let connection = Connection::connect(
        "amqp://guest:guest@127.0.0.1:5672/%2f",
        ConnectionProperties::default(),
    )
    .await
    .expect("broker connection");
    let channel = connection.create_channel().await.expect("channel");
    let declared = channel
        .queue_declare(
            queue.into(),
            lapin::options::QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            lapin::types::FieldTable::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("queue {queue} should exist: {e}"));
    let _ = connection.close(200, "".into()).await;
    declared.message_count()
}

/// A TAXII XML 1.1 envelope with `body`.
pub fn xml11(body: &str) -> Envelope {
    Envelope {
        body: Bytes::from(body.to_owned()),
        message_binding: ids::MESSAGE_XML_11.into(),
        services: ids::SERVICES_11.into(),
        protocol: taxii_amqp::PROTOCOL_AMQP.into(),
        accept: vec![ids::MESSAGE_XML_11.into()],
        origin: Origin::default(),
    }
}

/// A handler that records every request and answers each with a fixed XML 1.1 body.
#[derive(Default)]
pub struct Recorder {
    pub seen: Mutex<Vec<Envelope>>,
}

pub const ANSWER: &str = r#"<taxii_11:Status_Message xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="a1" in_response_to="1" status_type="SUCCESS"/>"#;

#[async_trait::async_trait]
impl Exchange for Recorder {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        self.seen.lock().expect("recorder lock").push(request);
        Ok(xml11(ANSWER))
    }
}

/// A handler that counts deliveries by the id in the body (`msg-<n>`), taking `work` for
/// each (so that deliveries are in flight when the broker or the listener goes away).
#[derive(Default)]
pub struct Counter {
    pub deliveries: Mutex<HashMap<String, u32>>,
    pub work: std::time::Duration,
}

#[async_trait::async_trait]
impl Exchange for Counter {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        tokio::time::sleep(self.work).await;
        let id = String::from_utf8_lossy(&request.body).into_owned();
        *self
            .deliveries
            .lock()
            .expect("counter lock")
            .entry(id)
            .or_default() += 1;
        Ok(xml11(ANSWER))
    }
}

/// The status writer the gateway would inject: the real XML bindings, 1.1 first.
pub fn xml_status_writer() -> Arc<BindingStatusWriter> {
    Arc::new(BindingStatusWriter::new(vec![
        Arc::new(taxii_xml::XmlBinding::v11()),
        Arc::new(taxii_xml::XmlBinding::v10()),
    ]))
}

/// Decodes an XML 1.1 Status_Message reply body and returns its status type.
pub fn status_type_of(body: &str) -> String {
    status_type_in(body, Version::V11)
}

/// Decodes an XML Status_Message of `version` and returns its status type.
pub fn status_type_in(body: &str, version: Version) -> String {
    let message = taxii_xml::XmlBinding::new(version)
        .decode(body.as_bytes(), version)
        .unwrap_or_else(|e| panic!("reply is not an XML {version} message ({e}): {body}"));
    match message.body {
        taxii_core::Body::StatusMessage(s) => s.status_type.as_str().to_owned(),
        other => panic!("expected a Status_Message, got {:?}", other.message_type()),
    }
}

/// Serves `listener` with `handler` in the background until the returned token is cancelled.
pub fn serve(
    listener: taxii_amqp::AmqpListener,
    handler: Arc<dyn Exchange>,
) -> (
    tokio_util::sync::CancellationToken,
    tokio::task::JoinHandle<Result<(), Error>>,
) {
    use taxii_core::Listener;
    let stop = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(Box::new(listener).serve(handler, stop.clone()));
    (stop, task)
}

/// Waits until `queue` exists and has a consumer (a listener that is serving).
pub async fn wait_for_consumer(queue: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Ok(connection) = Connection::connect(
            "amqp://guest:guest@127.0.0.1:5672/%2f",
            ConnectionProperties::default(),
        )
        .await
        {
            if let Ok(channel) = connection.create_channel().await {
                let passive = lapin::options::QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                };
                let declared = channel
                    .queue_declare(queue.into(), passive, lapin::types::FieldTable::default())
                    .await;
                let _ = connection.close(200, "".into()).await;
                if declared.is_ok_and(|q| q.consumer_count() > 0) {
                    return;
                }
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no consumer on {queue} within 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The TAXII headers of a well-formed XML 1.1 request, as pika sends them.
pub fn xml11_headers() -> serde_json::Value {
    serde_json::json!({
        "x-taxii-content-type": ids::MESSAGE_XML_11,
        "x-taxii-services": ids::SERVICES_11,
        "x-taxii-protocol": taxii_amqp::PROTOCOL_AMQP,
        "x-taxii-accept": ids::MESSAGE_XML_11,
    })
}

/// Declares a durable queue with no consumer.
pub async fn declare_plain_queue(queue: &str) {
    let connection = Connection::connect(
        "amqp://guest:guest@127.0.0.1:5672/%2f",
        ConnectionProperties::default(),
    )
    .await
    .expect("broker connection");
    let channel = connection.create_channel().await.expect("channel");
    channel
        .queue_declare(
            queue.into(),
            lapin::options::QueueDeclareOptions::durable(),
            lapin::types::FieldTable::default(),
        )
        .await
        .expect("declare queue");
    let _ = connection.close(200, "".into()).await;
}
