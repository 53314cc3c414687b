//! The loss test: 10,000 one-way messages through our client into a queue our listener
//! consumes, while the broker application is stopped and started and the listener is
//! dropped and replaced. Every send gets an honest result (a failed send is repeated, as a
//! partner told RETRY would), every confirmed message is delivered at least once (counted
//! by its unique id), and nothing acknowledged is lost.

use crate::support::*;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_amqp::{
    AmqpClient, AmqpClientConfig, AmqpListener, AmqpListenerConfig, Backoff, PublishOptions,
};

const MESSAGES: u32 = 10_000;
const WORKERS: u32 = 8;

fn rabbitmqctl(action: &str) {
    let output = Command::new("rabbitmqctl")
        .arg(action)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run rabbitmqctl {action} (is RabbitMQ installed here?): {e}")
        });
    assert!(
        output.status.success(),
        "rabbitmqctl {action} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Closes (broker-side) every connection whose `connection_name` is one of `names`;
/// returns how many.
fn cut_connections_named(names: &[&str]) -> usize {
    let output = Command::new("rabbitmqctl")
        .args(["list_connections", "pid", "client_properties"])
        .output()
        .expect("run rabbitmqctl list_connections");
    let listing = String::from_utf8_lossy(&output.stdout);
    let mut cut = 0;
    for line in listing.lines() {
        let Some((pid, properties)) = line.split_once('\t') else {
            continue;
        };
        if !names
            .iter()
            .any(|n| properties.contains(&format!("{{\"connection_name\",\"{n}\"}}")))
        {
            continue;
        }
        let closed = Command::new("rabbitmqctl")
            .args(["close_connection", pid, "loss test: cut"])
            .output()
            .expect("run rabbitmqctl close_connection");
        assert!(
            closed.status.success(),
            "{}",
            String::from_utf8_lossy(&closed.stderr)
        );
        cut += 1;
    }
    cut
}

/// Starts the broker application again even if the test fails half-way.
struct RestartOnDrop;

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").output();
    }
}

fn listener(queue: &TestQueue) -> AmqpListener {
    let mut config = AmqpListenerConfig::new("loss-test", queue.address());
    config.credentials = guest();
    config.backoff = Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(1),
    };
    AmqpListener::new(config).expect("listener config")
}

async fn wait_for(progress: &AtomicU32, at_least: u32) {
    while progress.load(Ordering::SeqCst) < at_least {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_confirmed_message_is_lost_across_broker_restarts_and_listener_restarts() {
    let _broker = exclusive_broker().await;
    let _restart = RestartOnDrop;
    let started = Instant::now();
    let queue = TestQueue::new("loss");
    let counter = Arc::new(Counter {
        work: Duration::from_millis(20),
        ..Counter::default()
    });
    let (stop_a, task_a) = serve(listener(&queue), counter.clone());
    wait_for_consumer(&queue.name).await;

    let mut config = AmqpClientConfig::new("loss-peer", queue.address());
    config.credentials = guest();
    config.connect_timeout = Duration::from_secs(2);
    config.confirm_timeout = Duration::from_secs(5);
    config.backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(500),
    };
    let client = Arc::new(AmqpClient::new(config));
    let next_id = Arc::new(AtomicU32::new(0));
    let confirmed = Arc::new(AtomicU32::new(0));
    let failed_sends = Arc::new(AtomicU32::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (client, next_id, confirmed, failed) = (
            client.clone(),
            next_id.clone(),
            confirmed.clone(),
            failed_sends.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let id = next_id.fetch_add(1, Ordering::SeqCst);
                if id >= MESSAGES {
                    return;
                }
                let envelope = xml11(&format!("msg-{id}"));
                let options = PublishOptions {
                    message_id: Some(format!("msg-{id}")),
                };
                let mut attempts = 0;
                // An error is an honest "maybe not delivered": repeat until confirmed.
                while let Err(error) = client.publish(&envelope, &options).await {
                    attempts += 1;
                    failed.fetch_add(1, Ordering::SeqCst);
                    assert!(attempts < 200, "msg-{id} never confirmed: {error}");
                    assert!(
                        error.to_string().contains("amqp://"),
                        "the error names the destination: {error}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                confirmed.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }

    // Chaos, at fixed points of progress.
    wait_for(&confirmed, 2_000).await;
    tokio::task::spawn_blocking(|| rabbitmqctl("stop_app"))
        .await
        .expect("stop_app");
    tokio::time::sleep(Duration::from_secs(2)).await;
    tokio::task::spawn_blocking(|| rabbitmqctl("start_app"))
        .await
        .expect("start_app");
    wait_for(&confirmed, 5_000).await;
    task_a.abort(); // the listener is dropped mid-flight, as if its gateway were killed
    let _ = task_a.await;
    stop_a.cancel();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (stop_b, task_b) = serve(listener(&queue), counter.clone());
    wait_for(&confirmed, 7_000).await;
    tokio::task::spawn_blocking(|| rabbitmqctl("stop_app"))
        .await
        .expect("stop_app");
    tokio::time::sleep(Duration::from_secs(1)).await;
    tokio::task::spawn_blocking(|| rabbitmqctl("start_app"))
        .await
        .expect("start_app");

    for worker in workers {
        worker.await.expect("publisher worker");
    }
    assert_eq!(
        confirmed.load(Ordering::SeqCst),
        MESSAGES,
        "every message confirmed in the end"
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let delivered = counter.deliveries.lock().expect("counter").len() as u32;
        if delivered == MESSAGES {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {delivered} of {MESSAGES} distinct messages delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop_b.cancel();
    task_b.await.expect("listener task").expect("clean stop");

    let deliveries = counter.deliveries.lock().expect("counter").clone();
    let missing: Vec<u32> = (0..MESSAGES)
        .filter(|i| !deliveries.contains_key(&format!("msg-{i}")))
        .collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    let duplicates: u32 = deliveries.values().map(|n| n - 1).sum();
    assert_eq!(
        queue_depth(&queue.name).await,
        0,
        "every delivery acknowledged"
    );
    assert_eq!(queue_depth(&queue.dead()).await, 0, "nothing dead-lettered");
    println!(
        "loss test: {MESSAGES} confirmed, {MESSAGES} distinct delivered, {duplicates} redelivered duplicates, \
         {} failed sends repeated, {:.1} s",
        failed_sends.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64()
    );
    client.close().await;
    queue.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_response_resumes_after_the_broker_cuts_its_connections() {
    let _broker = exclusive_broker().await;
    let queue = TestQueue::new("cut");
    let recorder = Arc::new(Recorder::default());
    let (stop, task) = serve(listener(&queue), recorder.clone());
    wait_for_consumer(&queue.name).await;
    let mut config = AmqpClientConfig::new("cut-peer", queue.address());
    config.credentials = guest();
    config.request_timeout = Duration::from_secs(5);
    let client = AmqpClient::new(config);
    use taxii_core::Exchange;
    client
        .exchange(xml11("<before/>"))
        .await
        .expect("reply before the cut");

    // Cut only this test's connections: other suites may share the broker.
    let cut = tokio::task::spawn_blocking(|| {
        cut_connections_named(&[
            "taxii-gateway listener loss-test",
            "taxii-gateway client cut-peer",
        ])
    })
    .await
    .expect("cut");
    assert_eq!(
        cut, 2,
        "the listener's and the client's connections were cut"
    );

    // Each attempt gets an honest answer; once both sides reconnected, a reply.
    let mut outcomes = Vec::new();
    for _ in 0..50 {
        match client.exchange(xml11("<after/>")).await {
            Ok(reply) => {
                assert_eq!(&reply.body[..], ANSWER.as_bytes());
                outcomes.push("ok".to_owned());
                break;
            }
            Err(error) => {
                assert_eq!(
                    error.status_type(),
                    taxii_core::StatusType::Retry,
                    "{error}"
                );
                outcomes.push(error.to_string());
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    assert_eq!(
        outcomes.last().map(String::as_str),
        Some("ok"),
        "never resumed: {outcomes:?}"
    );
    println!("after the cut: {} attempt(s): {outcomes:?}", outcomes.len());
    client.close().await;
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    queue.delete().await;
}
