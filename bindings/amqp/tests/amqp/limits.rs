//! The listener's limits: the prefetch count bounds how many messages are in flight
//! (backpressure), and a handler that does not answer in time becomes RETRY for the
//! requester, who reads it from the plain reply as an `Unavailable` error; a queue that
//! exists with other arguments stops the listener with the reason.

use crate::support::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use taxii_amqp::{AmqpClient, AmqpClientConfig, AmqpListener, AmqpListenerConfig, PublishOptions};
use taxii_core::{Envelope, Error, Exchange, StatusType};

/// Takes `work` per message and records the most messages it ever held at once.
struct Slow {
    work: Duration,
    now: AtomicUsize,
    most: AtomicUsize,
    done: AtomicUsize,
}

impl Slow {
    fn new(work: Duration) -> Slow {
        Slow {
            work,
            now: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }
}

#[async_trait::async_trait]
impl Exchange for Slow {
    async fn exchange(&self, _request: Envelope) -> Result<Envelope, Error> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.work).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        self.done.fetch_add(1, Ordering::SeqCst);
        Ok(xml11(ANSWER))
    }
}

fn client_for(queue: &TestQueue) -> AmqpClient {
    let mut config = AmqpClientConfig::new("limits-peer", queue.address());
    config.credentials = guest();
    AmqpClient::new(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_prefetch_messages_are_in_flight() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("prefetch");
    let mut config = AmqpListenerConfig::new("inbox", queue.address());
    config.credentials = guest();
    config.prefetch = 3;
    let handler = Arc::new(Slow::new(Duration::from_millis(100)));
    let (stop, task) = serve(AmqpListener::new(config).expect("config"), handler.clone());
    wait_for_consumer(&queue.name).await;
    let client = client_for(&queue);
    for i in 0..12 {
        client
            .publish(&xml11(&format!("msg-{i}")), &PublishOptions::default())
            .await
            .expect("confirmed");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while handler.done.load(Ordering::SeqCst) < 12 {
        assert!(tokio::time::Instant::now() < deadline, "not all handled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let most = handler.most.load(Ordering::SeqCst);
    assert!(most <= 3, "{most} messages in flight with prefetch 3");
    assert!(
        most >= 2,
        "messages are handled concurrently up to the limit (saw {most})"
    );
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    client.close().await;
    queue.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_does_not_answer_in_time_is_retry_for_the_requester() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("handler-timeout");
    let mut config = AmqpListenerConfig::new("slow-service", queue.address());
    config.credentials = guest();
    config.handler_timeout = Duration::from_millis(200);
    let (stop, task) = serve(
        AmqpListener::new(config).expect("config"),
        Arc::new(Slow::new(Duration::from_secs(5))),
    );
    wait_for_consumer(&queue.name).await;
    let client = client_for(&queue);
    let error = client.exchange(xml11("<slow/>")).await.expect_err("RETRY");
    assert_eq!(error.status_type(), StatusType::Retry, "{error}");
    assert!(
        error.to_string().contains("no answer within 200 ms"),
        "{error}"
    );
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    assert_eq!(queue_depth(&queue.name).await, 0, "answered, so acked");
    assert_eq!(
        queue_depth(&queue.dead()).await,
        0,
        "a timeout is not a poison message"
    );
    client.close().await;
    queue.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_declared_otherwise_stops_the_listener_with_the_reason() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("foreign-queue");
    declare_plain_queue(&queue.name).await; // durable, but without our dead-lettering
    let mut config = AmqpListenerConfig::new("inbox", queue.address());
    config.credentials = guest();
    let (_stop, task) = serve(
        AmqpListener::new(config).expect("config"),
        Arc::new(Recorder::default()),
    );
    let outcome = tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .expect("the listener gives up instead of retrying forever")
        .expect("listener task");
    let error = outcome.expect_err("a topology conflict is fatal");
    assert_eq!(error.status_type(), StatusType::Failure, "{error}");
    assert!(
        error.to_string().contains("x-dead-letter-exchange"),
        "{error}"
    );
    assert!(error.to_string().contains("PRECONDITION"), "{error}");
}
