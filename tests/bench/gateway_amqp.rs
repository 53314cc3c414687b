//! Issue 6 benchmark: Inbox messages per second HTTP -> gateway -> AMQP with publisher
//! confirms (1 KB and 100 KB content), against a bare lapin publisher with confirms on the
//! same broker in the same run.
//!
//! ```text
//! cargo bench -p taxii-gateway --bench gateway_amqp     # needs RabbitMQ at 127.0.0.1:5672
//! ```
//!
//! * The AMQP community member is a `taxii_amqp::AmqpListener` (lapin) on its own queue
//!   whose handler answers every Inbox Message with a canned SUCCESS Status Message.
//! * The gateway (this workspace's binary, bench profile) has an HTTP listener and an AMQP
//!   peer (`message = "xml11"`) whose inbox is that queue. The gateway's AMQP client sends
//!   every inbox as a request (persistent, `mandatory`, confirm) and waits for the reply
//!   (the member replies with a confirm, then acks): a full round trip, not a one-way publish.
//! * The load is `CLIENTS` keep-alive hyper connections posting XML 1.1 Inbox Messages
//!   (one content block of the given size) for `MEASURE`, every answer checked for SUCCESS.
//! * The bare lapin figure comes from the taxii-amqp crate's own publish bench
//!   (`cargo bench -p taxii-amqp --bench publish`, 64 publishes in flight, persistent,
//!   `mandatory`, confirms), run before and after the gateway runs: the root package has no
//!   lapin dependency of its own.
//!
//! * For scale, the same member is also driven straight by `taxii_amqp::AmqpClient`
//!   request/response (`CLIENTS` in flight): the AMQP round trip without HTTP or gateway.
//!
//! `GW_AMQP_BENCH_SECONDS` sets the measuring time per run (default 4). Nothing is asserted
//! about the figures; every answer must be SUCCESS.

#[path = "support.rs"]
mod support;

use support::Killed;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_amqp::{AmqpListener, AmqpListenerConfig, Credentials};
use taxii_core::*;
use taxii_gateway::bindings::MessageBindingKind;
use tokio_util::sync::CancellationToken;

const CLIENTS: usize = 64;
const WARM_UP: Duration = Duration::from_millis(500);
const ROUNDS: usize = 3;

/// The community member's handler: SUCCESS to everything.
struct Member {
    answer: Envelope,
}

#[async_trait::async_trait]
impl Exchange for Member {
    async fn exchange(&self, _request: Envelope) -> Result<Envelope, Error> {
        Ok(self.answer.clone())
    }
}

fn start_member(queue: &str) -> CancellationToken {
    let status = Message::status(
        Version::V11,
        "1",
        "1",
        StatusMessage::new(StatusType::Success, "stored"),
    );
    let answer = Envelope {
        body: MessageBindingKind::Xml11
            .encode(&status)
            .expect("encode status"),
        message_binding: ids::MESSAGE_XML_11.into(),
        services: ids::SERVICES_11.into(),
        protocol: taxii_amqp::PROTOCOL_AMQP.into(),
        accept: Vec::new(),
        origin: Origin::default(),
    };
    let mut config = AmqpListenerConfig::new(
        "bench-member",
        format!("amqp://127.0.0.1:5672/%2f?queue={queue}")
            .parse()
            .expect("member address"),
    );
    config.credentials = Some(Credentials::new("guest", "guest"));
    config.prefetch = 256;
    config.max_body = 16 * 1024 * 1024;
    let listener = AmqpListener::new(config).expect("member listener");
    let stop = CancellationToken::new();
    let token = stop.clone();
    let handler: Arc<dyn Exchange> = Arc::new(Member { answer });
    tokio::spawn(async move {
        if let Err(e) = Box::new(listener).serve(handler, token).await {
            eprintln!("the member listener stopped: {e}");
        }
    });
    stop
}

fn start_gateway(dir: &std::path::Path, queue: &str) -> (SocketAddr, Killed) {
    let port = taxii_testkit::free_port();
    let routes = format!(
        r#"
[[listener]]
name = "bench"
protocol = "http"
bind = "127.0.0.1:{port}"
path = "/taxii"
max_body_bytes = 16777216
[[partner]]
name = "bench"
auth = "anonymous"
collections = ["*"]
[[peer]]
name = "member"
protocol = "amqp"
message = "xml11"
inbox = "amqp://127.0.0.1:5672/%2f?queue={queue}"
auth = {{ basic = {{ user = "guest", password_env = "GW_BENCH_AMQP_PASSWORD" }} }}
[[collection]]
name = "bench"
peer = "member"
services = ["inbox"]
"#
    );
    let path = dir.join("routes.toml");
    std::fs::write(&path, routes).expect("routes.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .args(["run", "--routes", path.to_str().expect("path")])
        .env("RUST_LOG", "warn")
        .env("GW_BENCH_AMQP_PASSWORD", "guest")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("taxii-gateway starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "the gateway did not open {addr}");
        std::thread::sleep(Duration::from_millis(20));
    }
    (addr, Killed(child))
}

fn inbox_message(size: usize) -> Bytes {
    // One XML content block of `size` bytes: <bench>xxx...</bench>.
    let filler = "x".repeat(size.saturating_sub(15));
    Bytes::from(format!(
        "<taxii_11:Inbox_Message xmlns:taxii_11=\"{}\" message_id=\"1\"><taxii_11:Destination_Collection_Name>bench</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id=\"urn:stix.mitre.org:xml:1.1.1\"/><taxii_11:Content><bench>{filler}</bench></taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>",
        ids::ns::XML_11
    ))
}

/// Messages/s over `measure`, every answer a SUCCESS status.
async fn load(addr: SocketAddr, body: Bytes, measure: Duration) -> f64 {
    let start = Instant::now() + WARM_UP;
    let end = start + measure;
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut done = 0u64;
            loop {
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let request = support::taxii_xml11_post(&addr.to_string(), "/taxii/inbox")
                    .body(Full::new(body.clone()))
                    .expect("request");
                let response = sender.send_request(request).await.expect("answer");
                assert_eq!(response.status(), 200);
                let bytes = response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes();
                assert!(
                    bytes.windows(21).any(|w| w == b"status_type=\"SUCCESS\""),
                    "not a SUCCESS: {}",
                    String::from_utf8_lossy(&bytes)
                );
                if t >= start {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("client");
    }
    total as f64 / measure.as_secs_f64()
}

/// Requests/s of `taxii_amqp::AmqpClient::exchange` straight to the member (`CLIENTS` in
/// flight): the AMQP round trip without HTTP and without the gateway.
async fn direct_requests(queue: &str, body: Bytes, measure: Duration) -> f64 {
    let mut config = taxii_amqp::AmqpClientConfig::new(
        "bench-direct",
        format!("amqp://127.0.0.1:5672/%2f?queue={queue}")
            .parse()
            .expect("address"),
    );
    config.credentials = Some(Credentials::new("guest", "guest"));
    let client = Arc::new(taxii_amqp::AmqpClient::new(config));
    let envelope = Envelope {
        body,
        message_binding: ids::MESSAGE_XML_11.into(),
        services: ids::SERVICES_11.into(),
        protocol: taxii_amqp::PROTOCOL_AMQP.into(),
        accept: vec![ids::MESSAGE_XML_11.into()],
        origin: Origin::default(),
    };
    let start = Instant::now() + WARM_UP;
    let end = start + measure;
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, envelope) = (Arc::clone(&client), envelope.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            loop {
                let t = Instant::now();
                if t >= end {
                    break;
                }
                client
                    .exchange(envelope.clone())
                    .await
                    .expect("direct request");
                if t >= start {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("direct client");
    }
    client.close().await;
    total as f64 / measure.as_secs_f64()
}

/// The taxii-amqp publish bench's bare lapin figures: (1 KB, 100 KB) msgs/s.
fn bare_lapin() -> (f64, f64, String) {
    let output = Command::new(env!("CARGO"))
        .args(["bench", "-q", "-p", "taxii-amqp", "--bench", "publish"])
        .env("AMQP_BENCH_SCALE", "0.4")
        .stderr(Stdio::inherit())
        .output()
        .expect("run the taxii-amqp publish bench");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let figure = |label: &str| -> f64 {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split("bare lapin").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no bare lapin figure for {label} in:\n{text}"))
    };
    (figure("1 KB"), figure("100 KB"), text)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    taxii_testkit::require_rabbitmq();
    let seconds: u64 = std::env::var("GW_AMQP_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let measure = Duration::from_secs(seconds);
    let queue = format!("gw-bench.member.{}", std::process::id());
    let dir = tempfile::tempdir().expect("temp dir");

    let before = bare_lapin();
    let stop = start_member(&queue);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (addr, gateway) = start_gateway(dir.path(), &queue);
    let mut gateway_rates = Vec::new();
    let mut direct_rates = Vec::new();
    for (label, size) in [("1 KB", 1024usize), ("100 KB", 100 * 1024)] {
        let body = inbox_message(size);
        let (mut rates, mut direct) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            rates.push(load(addr, body.clone(), measure).await);
            direct.push(direct_requests(&queue, body.clone(), measure).await);
        }
        println!("gateway {label}: rounds {rates:.0?} msgs/s; direct AMQP requests {direct:.0?}/s");
        gateway_rates.push(median(rates));
        direct_rates.push(median(direct));
    }
    drop(gateway);
    stop.cancel();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = bare_lapin();
    let _ = taxii_testkit::run_peer_script("amqp_admin.py", &["delete", &queue], None);

    println!("taxii-amqp publish bench, before:\n{}", before.2.trim_end());
    println!("taxii-amqp publish bench, after:\n{}", after.2.trim_end());
    println!(
        "\nInbox HTTP -> gateway -> AMQP (request with confirm, member reply with confirm), \
         {CLIENTS} clients, medians of {ROUNDS} x {seconds} s:"
    );
    for (i, label) in ["1 KB", "100 KB"].iter().enumerate() {
        let bare = if i == 0 {
            (before.0 + after.0) / 2.0
        } else {
            (before.1 + after.1) / 2.0
        };
        let through = gateway_rates[i];
        println!(
            "{label:>7}: gateway {through:>8.0} msgs/s | bare lapin publisher {bare:>8.0} msgs/s \
             (before {:.0}, after {:.0}) | gateway/bare {:.2}x | taxii-amqp request/response \
             straight to the member {:.0}/s (gateway/that {:.2}x)",
            if i == 0 { before.0 } else { before.1 },
            if i == 0 { after.0 } else { after.1 },
            through / bare,
            direct_rates[i],
            through / direct_rates[i]
        );
    }
}
