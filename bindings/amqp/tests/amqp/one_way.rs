//! One-way Inbox delivery: our client publishes (no `reply_to`) and returns once the broker
//! confirmed; our listener acks after its handler accepted. A message the handler cannot
//! accept is retried once if the answer was RETRY, then dead-lettered, never dropped.

use crate::support::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use taxii_amqp::{AmqpClient, AmqpClientConfig, AmqpListener, AmqpListenerConfig, PublishOptions};
use taxii_core::{Envelope, Error, Exchange};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_messages_are_handled_once_confirmed_and_acked() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("one-way");
    let mut config = AmqpListenerConfig::new("inbox", queue.address());
    config.credentials = guest();
    let counter = Arc::new(Counter::default());
    let (stop, task) = serve(AmqpListener::new(config).expect("config"), counter.clone());
    wait_for_consumer(&queue.name).await;

    let mut client_config = AmqpClientConfig::new("inbox-peer", queue.address());
    client_config.credentials = guest();
    let client = AmqpClient::new(client_config);
    for i in 0..50 {
        let options = PublishOptions {
            message_id: Some(format!("m{i}")),
        };
        client
            .publish(&xml11(&format!("msg-{i}")), &options)
            .await
            .expect("confirmed");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while counter.deliveries.lock().expect("counter").len() < 50 {
        assert!(tokio::time::Instant::now() < deadline, "not all 50 handled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    let deliveries = counter.deliveries.lock().expect("counter").clone();
    assert!(
        deliveries.values().all(|&n| n == 1),
        "each handled once: {deliveries:?}"
    );
    assert_eq!(queue_depth(&queue.name).await, 0, "all acked");
    assert_eq!(queue_depth(&queue.dead()).await, 0);
    client.close().await;
    queue.delete().await;
}

/// Refuses `not-found` for good and `retry` as a temporary failure, counting calls.
#[derive(Default)]
struct Refusing {
    calls: Mutex<HashMap<String, u32>>,
}

#[async_trait::async_trait]
impl Exchange for Refusing {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        *self
            .calls
            .lock()
            .expect("calls")
            .entry(body.clone())
            .or_default() += 1;
        match body.as_str() {
            "not-found" => Err(Error::NotFound {
                item: "collection x".into(),
            }),
            "retry" => Err(Error::Unavailable {
                peer: "hub".into(),
                reason: "down".into(),
            }),
            "panic" => panic!("handler bug"),
            _ => Ok(xml11(ANSWER)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_way_messages_the_handler_refuses_are_dead_lettered_not_lost() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("one-way-refused");
    let mut config = AmqpListenerConfig::new("inbox", queue.address());
    config.credentials = guest();
    config.retry_delay = Duration::from_millis(100);
    let handler = Arc::new(Refusing::default());
    let (stop, task) = serve(AmqpListener::new(config).expect("config"), handler.clone());
    wait_for_consumer(&queue.name).await;

    let mut client_config = AmqpClientConfig::new("inbox-peer", queue.address());
    client_config.credentials = guest();
    let client = AmqpClient::new(client_config);
    for body in ["not-found", "retry", "panic", "fine"] {
        client
            .publish(&xml11(body), &PublishOptions::default())
            .await
            .expect("confirmed");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while queue_depth(&queue.dead()).await < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "refused messages not dead-lettered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    let calls = handler.calls.lock().expect("calls").clone();
    assert_eq!(calls["not-found"], 1, "a final refusal is not retried");
    assert_eq!(calls["retry"], 2, "RETRY is tried once more");
    assert_eq!(
        calls["panic"], 1,
        "a panicking handler is a FAILURE, not a crash"
    );
    assert_eq!(calls["fine"], 1, "the listener kept consuming");
    assert_eq!(queue_depth(&queue.dead()).await, 3);
    assert_eq!(queue_depth(&queue.name).await, 0);
    client.close().await;
    queue.delete().await;
}
