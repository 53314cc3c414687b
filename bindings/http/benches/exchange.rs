//! Throughput and latency of our listener + client around a trivial echo exchange, against
//! a bare hyper echo server and a bare hyper client in the same run: 1 KB and 1 MB
//! exchanges, one at a time over one keep-alive connection, HTTP and HTTPS on loopback.
//!
//! Run with `cargo bench -p taxii-http --bench exchange`. It prints requests/s, p50 and p99
//! for each pairing, the ratio ours/bare (the target is <= 1.3) overall and as the median of
//! per-round ratios (robust to other load on a shared machine). Nothing is asserted.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_core::{ids, Envelope, Error, Exchange, Listener, Origin};
use taxii_http::{
    ClientCertificates, FailedRequest, HttpClient, HttpClientConfig, HttpListener,
    HttpListenerConfig, StatusWriter, TlsClientSettings, TlsServerSettings,
};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

struct Echo;

#[async_trait::async_trait]
impl Exchange for Echo {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        Ok(request)
    }
}

/// The bench never fails a request; a status is a plain XML line if it did.
struct PlainStatus;

impl StatusWriter for PlainStatus {
    fn write_status(&self, error: &Error, _: &FailedRequest<'_>) -> Result<Envelope, Error> {
        Ok(envelope(Bytes::from(format!(
            "<Status_Message>{error}</Status_Message>"
        ))))
    }
}

fn envelope(body: Bytes) -> Envelope {
    Envelope {
        body,
        message_binding: ids::MESSAGE_XML_11.to_owned(),
        services: ids::SERVICES_11.to_owned(),
        protocol: ids::PROTOCOL_HTTP_10.to_owned(),
        accept: vec![ids::MESSAGE_XML_11.to_owned()],
        origin: Origin::default(),
    }
}

struct Tls {
    server: Arc<rustls::ServerConfig>,
    client: Arc<rustls::ClientConfig>,
    ca_pem: Vec<u8>,
}

fn tls() -> Tls {
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("cert");
    let server = TlsServerSettings {
        cert_chain_pem: cert.pem().into_bytes(),
        key_pem: key.serialize_pem().into_bytes(),
        client_certificates: ClientCertificates::NotRequested,
    }
    .build()
    .expect("server TLS");
    let client = TlsClientSettings {
        ca_bundle_pem: Some(cert.pem().into_bytes()),
        client_cert_pem: None,
    }
    .build()
    .expect("client TLS");
    Tls {
        server,
        client,
        ca_pem: cert.pem().into_bytes(),
    }
}

/// A bare hyper echo server (TLS when `tls` is given).
async fn bare_server(tls: Option<Arc<rustls::ServerConfig>>) -> SocketAddr {
    let socket = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = socket.local_addr().expect("addr");
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::spawn(async move {
        while let Ok((stream, _)) = socket.accept().await {
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let body = req
                            .into_body()
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        // The TAXII headers, so our client accepts the answer too.
                        let response = hyper::Response::builder()
                            .header("content-type", "application/xml")
                            .header("x-taxii-content-type", ids::MESSAGE_XML_11)
                            .header("x-taxii-services", ids::SERVICES_11)
                            .header("x-taxii-protocol", ids::PROTOCOL_HTTP_10)
                            .body(Full::new(body))
                            .expect("response");
                        Ok::<_, Infallible>(response)
                    },
                );
                let mut builder = http1::Builder::new();
                builder.timer(TokioTimer::new());
                match acceptor {
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                    Some(acceptor) => {
                        if let Ok(tls) = acceptor.accept(stream).await {
                            let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                        }
                    }
                }
            });
        }
    });
    addr
}

/// A bare hyper client on one connection.
struct BareClient {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    uri: String,
}

impl BareClient {
    async fn connect(addr: SocketAddr, tls: Option<Arc<rustls::ClientConfig>>) -> BareClient {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let _ = tcp.set_nodelay(true);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let uri = format!("{scheme}://localhost:{}/taxii", addr.port());
        let sender = match tls {
            None => {
                let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
                    .await
                    .expect("handshake");
                tokio::spawn(conn);
                sender
            }
            Some(config) => {
                let name = rustls_pki_types::ServerName::try_from("localhost").expect("name");
                let tls = tokio_rustls::TlsConnector::from(config)
                    .connect(name, tcp)
                    .await
                    .expect("TLS");
                let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
                    .await
                    .expect("handshake");
                tokio::spawn(conn);
                sender
            }
        };
        BareClient { sender, uri }
    }

    async fn exchange(&mut self, body: Bytes) -> Bytes {
        self.sender.ready().await.expect("the connection is ready");
        let request = hyper::Request::post(&self.uri)
            .header("host", "localhost")
            .header("content-type", "application/xml")
            .header("x-taxii-content-type", ids::MESSAGE_XML_11)
            .header("x-taxii-services", ids::SERVICES_11)
            .header("x-taxii-protocol", ids::PROTOCOL_HTTP_10)
            .body(Full::new(body))
            .expect("request");
        let response = self
            .sender
            .send_request(request)
            .await
            .expect("bare exchange");
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
    }
}

async fn our_listener(tls: Option<Arc<rustls::ServerConfig>>) -> (SocketAddr, CancellationToken) {
    let socket = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let mut config = HttpListenerConfig::new("bench", Arc::new(PlainStatus));
    config.tls = tls;
    config.max_body_bytes = 8 * 1024 * 1024;
    let listener = HttpListener::new(socket, config).expect("listener");
    let addr = listener.local_addr().expect("addr");
    let stop = CancellationToken::new();
    tokio::spawn(Box::new(listener).serve(Arc::new(Echo), stop.clone()));
    (addr, stop)
}

#[derive(Clone, Copy)]
struct Figures {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn figures(samples: Samples) -> Figures {
    let Samples {
        each: mut samples,
        total,
    } = samples;
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Figures {
        per_second: samples.len() as f64 / total.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// One side of the comparison: sends a body, returns how many bytes came back.
trait Side {
    async fn once(&mut self, body: Bytes) -> usize;
}

impl Side for BareClient {
    async fn once(&mut self, body: Bytes) -> usize {
        self.exchange(body).await.len()
    }
}

impl Side for HttpClient {
    async fn once(&mut self, body: Bytes) -> usize {
        let answer = self.exchange(envelope(body)).await.expect("our exchange");
        answer.body.len()
    }
}

/// The samples of one side, and the time they took in all.
#[derive(Default)]
struct Samples {
    each: Vec<Duration>,
    total: Duration,
}

impl Samples {
    fn absorb(&mut self, other: Samples) {
        self.each.extend(other.each);
        self.total += other.total;
    }
}

async fn warm_up(side: &mut impl Side, body: &Bytes, count: usize) {
    for _ in 0..count {
        side.once(body.clone()).await; // connections, TLS, allocator
    }
}

async fn measure(count: usize, side: &mut impl Side, body: &Bytes, into: &mut Samples) {
    let started = Instant::now();
    for _ in 0..count {
        let t = Instant::now();
        let n = side.once(body.clone()).await;
        into.each.push(t.elapsed());
        assert_eq!(n, body.len(), "the echo answered the whole body");
    }
    into.total += started.elapsed();
}

fn line(name: &str, f: Figures) {
    println!(
        "  {name:<28} {:>8.0} req/s   p50 {:>9.1} us   p99 {:>9.1} us",
        f.per_second,
        f.p50.as_secs_f64() * 1e6,
        f.p99.as_secs_f64() * 1e6
    );
}

/// Both sides in alternating rounds, so background load falls on both alike.
/// Every client/server pairing, in alternating rounds so background load falls on all
/// alike: bare/bare is the baseline, ours/ours the figure that counts, and the mixed pairs
/// show which side any overhead comes from.
async fn scenario(label: &str, size: usize, count: usize, tls: Option<&Tls>) {
    const ROUNDS: usize = 10;
    let body = Bytes::from(vec![b'x'; size]);
    let bare_addr = bare_server(tls.map(|t| t.server.clone())).await;
    let (our_addr, stop) = our_listener(tls.map(|t| t.server.clone())).await;
    let client_tls = tls.map(|t| t.client.clone());
    let mut bare_bare = BareClient::connect(bare_addr, client_tls.clone()).await;
    let mut bare_ours = BareClient::connect(our_addr, client_tls).await;
    let our_client = |addr: SocketAddr| {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://localhost:{}/taxii", addr.port());
        let mut config = HttpClientConfig::new("bench", url);
        config.tls.ca_bundle_pem = tls.map(|t| t.ca_pem.clone());
        HttpClient::new(config).expect("client")
    };
    let mut ours_bare = our_client(bare_addr);
    let mut ours_ours = our_client(our_addr);

    let warm = count / 10 + 1;
    warm_up(&mut bare_bare, &body, warm).await;
    warm_up(&mut bare_ours, &body, warm).await;
    warm_up(&mut ours_bare, &body, warm).await;
    warm_up(&mut ours_ours, &body, warm).await;
    let mut samples: [Samples; 4] = Default::default();
    let per_round = count / ROUNDS;
    // Per round, ours/ours against bare/bare measured moments apart: the median of these
    // ratios is the figure least moved by other load on the machine.
    let mut round_ratios = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let (mut bare_round, mut our_round) = (Samples::default(), Samples::default());
        measure(per_round, &mut bare_bare, &body, &mut bare_round).await;
        measure(per_round, &mut bare_ours, &body, &mut samples[1]).await;
        measure(per_round, &mut ours_bare, &body, &mut samples[2]).await;
        measure(per_round, &mut ours_ours, &body, &mut our_round).await;
        round_ratios.push(median(&our_round.each) / median(&bare_round.each));
        samples[0].absorb(bare_round);
        samples[3].absorb(our_round);
    }
    round_ratios.sort_by(f64::total_cmp);
    stop.cancel();
    let [bb, bo, ob, oo] = samples.map(figures);

    println!("{label} ({count} sequential exchanges per pairing, keep-alive, {ROUNDS} alternating rounds):");
    line("bare client -> bare server", bb);
    line("bare client -> our listener", bo);
    line("our client  -> bare server", ob);
    line("our client  -> our listener", oo);
    println!(
        "  ratio ours/bare: throughput {:.2}x slower, p50 {:.2}x, p99 {:.2}x",
        bb.per_second / oo.per_second,
        oo.p50.as_secs_f64() / bb.p50.as_secs_f64(),
        oo.p99.as_secs_f64() / bb.p99.as_secs_f64()
    );
    println!(
        "  per-round p50 ratio ours/bare: median {:.2}x (min {:.2}x, max {:.2}x)",
        round_ratios[ROUNDS / 2],
        round_ratios[0],
        round_ratios[ROUNDS - 1]
    );
}

fn median(samples: &[Duration]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2].as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run either way,
    // but keep the test build short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (small, large) = if quick { (50, 10) } else { (10_000, 500) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let tls = tls();
        scenario("HTTP 1 KB", 1024, small, None).await;
        scenario("HTTP 1 MB", 1024 * 1024, large, None).await;
        scenario("HTTPS 1 KB", 1024, small, Some(&tls)).await;
        scenario("HTTPS 1 MB", 1024 * 1024, large, Some(&tls)).await;
    });
}
