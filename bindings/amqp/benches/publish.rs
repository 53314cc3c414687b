//! Publish throughput with publisher confirms: `AmqpClient::publish` against a bare lapin
//! publisher on the same broker, in the same run, with the same body, persistence,
//! `mandatory` flag and number of publishes in flight. Prints msgs/s and the ratio.
//!
//! `cargo bench -p taxii-amqp --bench publish` (needs RabbitMQ at 127.0.0.1:5672).
//! `AMQP_BENCH_SCALE=0.1` runs a tenth of the messages.

use lapin::options::{
    BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions, QueueDeleteOptions,
    QueuePurgeOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_amqp::{AmqpClient, AmqpClientConfig, Credentials, PublishOptions};
use taxii_core::{ids, Envelope, Origin};

const BROKER: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
const IN_FLIGHT: u32 = 64;
const ROUNDS: usize = 9;

async fn bare_lapin(
    channel: Channel,
    queue: String,
    body: Arc<Vec<u8>>,
    props: BasicProperties,
    count: u32,
) -> Duration {
    let next = Arc::new(AtomicU32::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (channel, queue, body, next, props) = (
            channel.clone(),
            queue.clone(),
            body.clone(),
            next.clone(),
            props.clone(),
        );
        workers.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                let props = props.clone();
                let options = BasicPublishOptions {
                    mandatory: true,
                    immediate: false,
                };
                let confirm = channel
                    .basic_publish("".into(), queue.as_str().into(), options, &body, props)
                    .await
                    .expect("bare publish");
                assert!(confirm.await.expect("bare confirm").is_ack());
            }
        }));
    }
    for w in workers {
        w.await.expect("bare worker");
    }
    started.elapsed()
}

async fn through_client(client: Arc<AmqpClient>, envelope: Arc<Envelope>, count: u32) -> Duration {
    let next = Arc::new(AtomicU32::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (client, envelope, next) = (client.clone(), envelope.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                client
                    .publish(&envelope, &PublishOptions::default())
                    .await
                    .expect("client publish");
            }
        }));
    }
    for w in workers {
        w.await.expect("client worker");
    }
    started.elapsed()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn rate(count: u32, elapsed: Duration) -> f64 {
    f64::from(count) / elapsed.as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale: f64 = std::env::var("AMQP_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let connection = Connection::connect(BROKER, ConnectionProperties::default())
        .await
        .unwrap_or_else(|e| {
            panic!("RabbitMQ must run at 127.0.0.1:5672 (rabbitmq-server -detached): {e}")
        });
    let channel = connection.create_channel().await.expect("channel");
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .expect("confirms");
    let queue = format!("taxii-amqp-bench.{}", uuid::Uuid::new_v4());
    channel
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions::durable(),
            FieldTable::default(),
        )
        .await
        .expect("declare bench queue");
    let mut config = AmqpClientConfig::new(
        "bench",
        format!("amqp://127.0.0.1:5672/%2f?queue={queue}")
            .parse()
            .expect("address"),
    );
    config.credentials = Some(Credentials::new("guest", "guest"));
    let client = Arc::new(AmqpClient::new(config));

    println!(
        "publish throughput with confirms, {IN_FLIGHT} in flight, persistent, mandatory; \
         {ROUNDS} rounds of back-to-back runs (order rotating), medians"
    );
    for (label, size, count) in [("1 KB", 1024usize, 5_000u32), ("100 KB", 100 * 1024, 500)] {
        let count = ((f64::from(count) * scale) as u32).max(100);
        let body = Arc::new(vec![b'x'; size]);
        let envelope = Arc::new(Envelope {
            body: body.as_ref().clone().into(),
            message_binding: ids::MESSAGE_XML_11.into(),
            services: ids::SERVICES_11.into(),
            protocol: taxii_amqp::PROTOCOL_AMQP.into(),
            accept: vec![ids::MESSAGE_XML_11.into()],
            origin: Origin::default(),
        });
        let minimal = BasicProperties::default()
            .with_content_type("application/xml".into())
            .with_delivery_mode(2);
        // What `AmqpClient::publish` (one-way) sends: no x-taxii-accept.
        let mut headers = FieldTable::default();
        for (name, value) in [
            ("x-taxii-content-type", ids::MESSAGE_XML_11),
            ("x-taxii-services", ids::SERVICES_11),
            ("x-taxii-protocol", taxii_amqp::PROTOCOL_AMQP),
        ] {
            headers.insert(
                name.into(),
                AMQPValue::LongString(value.as_bytes().to_vec().into()),
            );
        }
        let same_as_ours = minimal
            .clone()
            .with_headers(headers)
            .with_user_id("guest".into());
        // rates[0]: bare, rates[1]: bare with the binding's properties, rates[2]: our client.
        let mut rates: [Vec<f64>; 3] = Default::default();
        let mut ratios: [Vec<f64>; 2] = Default::default();
        for round in 0..ROUNDS {
            // The three run back to back, so they see the same load on a shared machine;
            // who goes first rotates, so the broker's clean-up after a purge does not
            // always fall on the same one.
            let mut this_round = [0.0; 3];
            for step in 0..3 {
                let who = (round + step) % 3;
                let elapsed = match who {
                    0 => {
                        bare_lapin(
                            channel.clone(),
                            queue.clone(),
                            body.clone(),
                            minimal.clone(),
                            count,
                        )
                        .await
                    }
                    1 => {
                        bare_lapin(
                            channel.clone(),
                            queue.clone(),
                            body.clone(),
                            same_as_ours.clone(),
                            count,
                        )
                        .await
                    }
                    _ => through_client(client.clone(), envelope.clone(), count).await,
                };
                this_round[who] = rate(count, elapsed);
                channel
                    .queue_purge(queue.as_str().into(), QueuePurgeOptions::default())
                    .await
                    .expect("purge");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            for (all, one) in rates.iter_mut().zip(this_round) {
                all.push(one);
            }
            ratios[0].push(this_round[2] / this_round[0]);
            ratios[1].push(this_round[2] / this_round[1]);
        }
        let [bare, bare_headers, ours] = rates.map(|mut r| median(&mut r));
        let [vs_bare, vs_same] = ratios.map(|mut r| median(&mut r));
        println!(
            "{label:>7} x {count:>5}: bare lapin {bare:>8.0} | bare lapin + binding properties {bare_headers:>8.0} | \
             taxii-amqp client {ours:>8.0} msgs/s | client/bare {vs_bare:.2}x | client/bare+properties {vs_same:.2}x"
        );
    }
    client.close().await;
    let _ = channel
        .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
        .await;
    let _ = connection.close(200, "bench done".into()).await;
}
