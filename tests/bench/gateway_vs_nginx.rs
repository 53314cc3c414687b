//! Added latency and throughput of the gateway for small exchanges, against nginx proxying
//! the same peer, side by side in one run:
//!
//! ```text
//! cargo bench -p taxii-gateway --bench gateway_vs_nginx
//! ```
//!
//! A minimal fast TAXII peer (in this file, for benchmarks only) answers every Poll Request
//! with a fixed Poll Response of one ~1 KB STIX block, in XML 1.1 or in CERT-EU JSON. The
//! same client (bare hyper, keep-alive) sends the same XML 1.1 Poll Request to: the peer
//! directly; nginx proxying it (the pass-through baseline, no translation); the gateway to
//! the XML peer (XML 1.1 -> XML 1.1: decode, route, rename, encode); the gateway to the JSON
//! peer (XML 1.1 -> JSON -> XML 1.1). It prints requests/s and p50/p99 latency, the latency
//! each intermediary adds over the direct path, and the gateway/nginx ratios. Nothing is
//! asserted. Needs nginx (`apt-get install nginx-light`).

#[path = "support.rs"]
mod support;

use support::Killed;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_core::*;
use taxii_http::{FailedRequest, HttpListener, HttpListenerConfig, StatusWriter};
use tokio_util::sync::CancellationToken;

const MEASURE: Duration = Duration::from_secs(4);
const WARM_UP: Duration = Duration::from_millis(500);

/// The fast peer: a canned answer, whatever the request.
struct FastPeer {
    answer: Envelope,
}

#[async_trait::async_trait]
impl Exchange for FastPeer {
    async fn exchange(&self, _request: Envelope) -> Result<Envelope, Error> {
        Ok(self.answer.clone())
    }
}

struct NoStatus;

impl StatusWriter for NoStatus {
    fn write_status(&self, error: &Error, _: &FailedRequest<'_>) -> Result<Envelope, Error> {
        Err(error.clone())
    }
}

fn poll_response(collection: &str) -> Message {
    let stix = taxii_testkit::corpus::stix_indicator(7);
    let stix = &stix[..stix.len().min(1024)];
    // A well-formed ~1 KB block: the package's opening part is cut at an element boundary.
    let cut = stix
        .rfind("</stix:STIX_Header>")
        .map_or(stix.len(), |i| i + "</stix:STIX_Header>".len());
    let content = format!("{}</stix:STIX_Package>", &stix[..cut]);
    let mut block = ContentBlock::new(ids::content::STIX_XML_111, Payload::xml(content));
    block.timestamp_label = Some(Timestamp::parse("2014-01-01T00:00:00Z").expect("label"));
    let mut m = Message::new(
        Version::V11,
        "2",
        Body::PollResponse(PollResponse {
            collection_name: collection.into(),
            subscription_id: None,
            exclusive_begin: None,
            inclusive_begin: None,
            inclusive_end: Some(Timestamp::parse("2014-01-02T00:00:00Z").expect("label")),
            more: false,
            result_id: None,
            result_part_number: None,
            record_count: Some(RecordCount {
                count: 1,
                partial: false,
            }),
            message: None,
            content_blocks: vec![block],
        }),
    );
    m.header.in_response_to = Some("1".into());
    m
}

async fn start_peer(binding: &dyn MessageBinding) -> (SocketAddr, CancellationToken) {
    let answer = Envelope {
        body: binding.encode(&poll_response("bench")).expect("encodes"),
        message_binding: binding.id().to_owned(),
        services: ids::SERVICES_11.to_owned(),
        protocol: ids::PROTOCOL_HTTP_10.to_owned(),
        accept: Vec::new(),
        origin: Origin::default(),
    };
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = socket.local_addr().expect("addr");
    let listener =
        HttpListener::from_std(socket, HttpListenerConfig::new("peer", Arc::new(NoStatus)))
            .expect("listener");
    let stop = CancellationToken::new();
    let token = stop.clone();
    tokio::spawn(async move {
        Box::new(listener)
            .serve(Arc::new(FastPeer { answer }), token)
            .await
    });
    (addr, stop)
}

fn start_nginx(dir: &std::path::Path, peer: SocketAddr) -> (SocketAddr, Killed) {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let nginx = nginx.expect("nginx is needed as the baseline: apt-get install nginx-light");
    let port = taxii_testkit::free_port();
    let conf = format!(
        "daemon off; worker_processes 1; pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  upstream peer {{ server {peer}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{ proxy_pass http://peer; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}
  }}
}}
",
        dir = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("nginx.conf");
    let child = Command::new(nginx)
        .args([
            "-c",
            path.to_str().expect("path"),
            "-p",
            dir.to_str().expect("path"),
        ])
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    wait_for_port(addr);
    (addr, Killed(child))
}

fn start_gateway(
    dir: &std::path::Path,
    xml_peer: SocketAddr,
    json_peer: SocketAddr,
) -> (SocketAddr, Killed) {
    let port = taxii_testkit::free_port();
    let routes = format!(
        r#"
[[listener]]
name = "bench"
protocol = "http"
bind = "127.0.0.1:{port}"
path = "/taxii"
[[partner]]
name = "bench"
auth = "anonymous"
collections = ["*"]
[[peer]]
name = "xml-peer"
protocol = "http"
message = "xml11"
poll = "http://{xml_peer}/"
[[peer]]
name = "json-peer"
protocol = "http"
message = "json"
services = "1.1"
poll = "http://{json_peer}/"
[[collection]]
name = "bench-xml"
peer = "xml-peer"
remote = "bench"
services = ["poll"]
[[collection]]
name = "bench-json"
peer = "json-peer"
remote = "bench"
services = ["poll"]
"#
    );
    let path = dir.join("routes.toml");
    std::fs::write(&path, routes).expect("routes.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .args(["run", "--routes", path.to_str().expect("path")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("taxii-gateway starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    wait_for_port(addr);
    (addr, Killed(child))
}

fn wait_for_port(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "{addr} did not open");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn poll_request(collection: &str) -> Bytes {
    let request = format!(
        "<taxii_11:Poll_Request xmlns:taxii_11=\"{}\" message_id=\"1\" collection_name=\"{collection}\"><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>",
        ids::ns::XML_11
    );
    Bytes::from(request)
}

struct Figures {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// One keep-alive connection per client, `clients` clients, for [`MEASURE`].
async fn load(addr: SocketAddr, path: &str, body: Bytes, clients: usize) -> Figures {
    let mut tasks = Vec::new();
    let start = Instant::now() + WARM_UP;
    for _ in 0..clients {
        let (body, path) = (body.clone(), path.to_owned());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut latencies = Vec::new();
            let end = start + MEASURE;
            loop {
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let request = support::taxii_xml11_post(&addr.to_string(), path.as_str())
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
                    bytes.windows(13).any(|w| w == b"Poll_Response"),
                    "not a poll response: {}",
                    String::from_utf8_lossy(&bytes)
                );
                if t >= start {
                    latencies.push(t.elapsed());
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    all.sort();
    let at = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Figures {
        rps: all.len() as f64 / MEASURE.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (xml_peer, _xml_stop) = start_peer(&taxii_xml::XmlBinding::v11()).await;
    let (json_peer, _json_stop) = start_peer(&taxii_json::JsonBinding::new()).await;
    let (nginx, _nginx) = start_nginx(dir.path(), xml_peer);
    let (gateway, _gateway) = start_gateway(dir.path(), xml_peer, json_peer);
    let targets = [
        ("direct to the peer", xml_peer, "/", "bench"),
        ("nginx pass-through", nginx, "/", "bench"),
        (
            "gateway XML 1.1 -> XML 1.1",
            gateway,
            "/taxii/poll",
            "bench-xml",
        ),
        (
            "gateway XML 1.1 -> JSON",
            gateway,
            "/taxii/poll",
            "bench-json",
        ),
    ];
    for clients in [1, 16] {
        println!(
            "\n{clients} client(s), keep-alive, {} s each:",
            MEASURE.as_secs()
        );
        println!(
            "{:<28} {:>10} {:>10} {:>10} {:>12} {:>12}",
            "target", "req/s", "p50 us", "p99 us", "+p50 us", "+p99 us"
        );
        let mut rows = Vec::new();
        for (name, addr, path, collection) in targets {
            let f = load(addr, path, poll_request(collection), clients).await;
            rows.push(f);
            let direct = &rows[0];
            let f = rows.last().expect("row");
            println!(
                "{name:<28} {:>10.0} {:>10.1} {:>10.1} {:>12.1} {:>12.1}",
                f.rps,
                us(f.p50),
                us(f.p99),
                us(f.p50) - us(direct.p50),
                us(f.p99) - us(direct.p99)
            );
        }
        let added = |f: &Figures| (us(f.p50) - us(rows[0].p50), us(f.p99) - us(rows[0].p99));
        let (n50, n99) = added(&rows[1]);
        for (i, label) in [
            (2, "without translation"),
            (3, "with translation (XML -> JSON)"),
        ] {
            let (g50, g99) = added(&rows[i]);
            println!("gateway {label}: added latency {:.2}x nginx's at p50, {:.2}x at p99; throughput {:.2}x nginx's", g50 / n50, g99 / n99, rows[i].rps / rows[1].rps);
        }
    }
}
