//! Graceful shutdown: on `stop` the listener stops accepting, lets the exchange in flight
//! finish, and gives up on stragglers after the drain timeout.

mod common;

use common::DISCOVERY_11;
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_core::{Envelope, Error, Exchange};
use taxii_http::{HttpClient, HttpClientConfig};

/// Answers after a pause, and says when a request has reached it.
struct Pausing {
    pause: Duration,
    started: tokio::sync::Notify,
}

impl Pausing {
    fn new(pause: Duration) -> Arc<Pausing> {
        Arc::new(Pausing {
            pause,
            started: tokio::sync::Notify::new(),
        })
    }
}

#[async_trait::async_trait]
impl Exchange for Pausing {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        self.started.notify_one();
        tokio::time::sleep(self.pause).await;
        Ok(request)
    }
}

fn client(listener: &common::Running) -> HttpClient {
    HttpClient::new(HttpClientConfig::new("gw", listener.url("http", "/taxii"))).expect("client")
}

#[tokio::test]
async fn the_exchange_in_flight_finishes_and_then_no_one_is_accepted() {
    let handler = Pausing::new(Duration::from_millis(500));
    let listener = common::start(common::config("public"), handler.clone()).await;
    let addr = listener.addr;
    let in_flight = {
        let client = client(&listener);
        tokio::spawn(async move { client.exchange(common::xml11_request(DISCOVERY_11)).await })
    };
    handler.started.notified().await; // the request is with the handler
    listener.stop.cancel();
    let answer = in_flight
        .await
        .expect("task")
        .expect("the exchange finished");
    assert_eq!(&answer.body[..], DISCOVERY_11.as_bytes());
    listener
        .task
        .await
        .expect("no panic")
        .expect("stopped cleanly");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the socket is closed after stop"
    );
}

#[tokio::test]
async fn stragglers_are_cut_off_at_the_drain_timeout() {
    let mut config = common::config("public");
    config.drain_timeout = Duration::from_millis(300);
    let handler = Pausing::new(Duration::from_secs(30));
    let listener = common::start(config, handler.clone()).await;
    let in_flight = {
        let client = client(&listener);
        tokio::spawn(async move { client.exchange(common::xml11_request(DISCOVERY_11)).await })
    };
    handler.started.notified().await;
    let stopping = Instant::now();
    listener.shutdown().await;
    let took = stopping.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "stop waited {took:?}, not 30 s"
    );
    let error = in_flight
        .await
        .expect("task")
        .expect_err("the straggler was cut off");
    assert_eq!(
        error.status_type(),
        taxii_core::StatusType::Retry,
        "{error}"
    );
}
