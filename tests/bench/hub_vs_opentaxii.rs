//! Inbox and poll throughput of the gateway's built-in hub against OpenTAXII 0.9.3 (SQLite),
//! on the same messages, in the same run (issue 7, Benchmarks):
//!
//! ```text
//! cargo bench -p taxii-gateway --bench hub_vs_opentaxii -- [--clients N] [--rounds N] [--budget SECS] [--big N] [--big-only]
//! ```
//!
//! Both servers are real processes on loopback, driven by the same client code: a bare
//! hyper HTTP/1.1 client, one keep-alive connection per client (reopened whenever the
//! server closes it, which gunicorn's sync workers do after every response), XML 1.1
//! messages, TAXII 1.1 services.
//!
//! * **hub**: the gateway binary (`taxii-gateway run --routes FILE`) with a `[hub]` in a
//!   temp dir, an anonymous partner, a `local` peer and one collection, `collection-a`.
//! * **OpenTAXII**: `taxii_testkit::OpenTaxii::start()` (gunicorn, 2 sync workers, SQLite),
//!   collection `collection-a`, account harness. By default the client sends it a JWT from
//!   `POST /management/auth` (`Authorization: Bearer`); one round of the 1,000-block
//!   scenarios uses HTTP Basic instead, on which OpenTAXII checks the password (werkzeug
//!   PBKDF2, 1,000,000 iterations) on every request, so those rows mostly measure that.
//!
//! Each scenario starts both servers fresh and empty, then: the same pre-encoded Inbox
//! Messages (STIX 1.1.1 blocks of `taxii_testkit::corpus::stix_indicator`, about 3 KB each,
//! naming `collection-a` as destination) are pushed by `--clients` concurrent clients
//! (default 4) to the hub, then to OpenTAXII; then everything is polled back from the hub,
//! then from OpenTAXII: one Poll Request, then every other part with Poll Fulfillment
//! Requests, spread over the same clients. Both answer 5 blocks per part (OpenTAXII's
//! configured `max_result_size`; the hub is given `part_size = 5`); the hub is also polled
//! at its default part size of 100 (same store, gateway restarted), reported apart.
//!
//! Every answer is checked: each push must be SUCCESS, each part must hold 5 blocks (the
//! last: the rest), `more` must be set on every part but the last, and the polled blocks
//! must be exactly the pushed ones (by STIX package id, no duplicates, none missing).
//! Wrong counts abort the run.
//!
//! Scenarios: 1,000 blocks at 1 block per message; 1,000 blocks at 10 per message (both
//! `--rounds` times, default 3, hub and OpenTAXII alternating; medians reported); `--big`
//! blocks (default 100,000) at 10 per message, once (`--big-only`: that one alone).
//! OpenTAXII's big leg is capped: it gets the messages it can take in about 35% of
//! `--budget` seconds (default 300) and then polls them all back, unless the poll runs past
//! the rest of the budget (then the parts fetched so far, a prefix, are reported and
//! checked); the table says how many blocks it held. It prints; it asserts nothing about
//! speed.

#[path = "support.rs"]
mod support;

use support::Killed;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_core::*;
use taxii_testkit::{OpenTaxii, HARNESS_ACCOUNT};
use taxii_xml::XmlBinding;

const COLLECTION: &str = "collection-a";
/// OpenTAXII's `max_result_size` in `tests/peers/opentaxii/opentaxii-data.yml`.
const PART: usize = 5;
const HUB_DEFAULT_PART: usize = 100;
/// The share of OpenTAXII's time budget its capped inbox leg gets; the poll gets the rest.
/// OpenTAXII's poll slows as its store grows (each part counts the collection and skips
/// to its offset), so a third for the inbox leaves the poll time to fetch every part.
const INBOX_SHARE: f64 = 0.35;

struct Options {
    clients: usize,
    rounds: usize,
    budget: Duration,
    big: usize,
    small: bool,
}

fn options() -> Options {
    let mut o = Options {
        clients: 4,
        rounds: 3,
        budget: Duration::from_secs(300),
        big: 100_000,
        small: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || -> u64 {
            let value = args.next().and_then(|v| v.parse().ok());
            value.unwrap_or_else(|| panic!("{arg} needs a number"))
        };
        match arg.as_str() {
            "--clients" => o.clients = number().max(1) as usize,
            "--rounds" => o.rounds = number().max(1) as usize,
            "--budget" => o.budget = Duration::from_secs(number()),
            "--big" => o.big = number().max(10) as usize,
            "--big-only" => o.small = false,
            "--bench" => {} // what `cargo bench` passes to a harness-less bench
            other => {
                panic!("unknown argument {other}: see the top of tests/bench/hub_vs_opentaxii.rs")
            }
        }
    }
    o
}

// ---------------------------------------------------------------------------------------
// The servers

/// Where a client sends its requests, and as whom.
#[derive(Clone)]
struct Target {
    name: &'static str,
    addr: SocketAddr,
    inbox: String,
    poll: String,
    authorization: Option<String>,
}

fn hub_routes(data_dir: &Path, part_size: usize) -> String {
    format!(
        r#"
[hub]
data_dir = "{data}"
part_size = {part_size}

[[listener]]
name = "bench"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"
message_bindings = ["xml11"]
versions = ["1.1"]

[[partner]]
name = "bench"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "{COLLECTION}"
peer = "hub"
description = "hub_vs_opentaxii"
content_bindings = ["urn:stix.mitre.org:xml:1.1.1"]
"#,
        data = data_dir.display()
    )
}

/// The gateway with its hub on `dir/hub-data` (kept across restarts), listening on the
/// port it chose and printed.
fn start_hub(dir: &Path, part_size: usize) -> (Target, Killed) {
    let routes = dir.join(format!("routes-{part_size}.toml"));
    std::fs::write(&routes, hub_routes(&dir.join("hub-data"), part_size))
        .expect("write routes.toml");
    let log_path = dir.join(format!("gateway-{part_size}.log"));
    let log = std::fs::File::create(&log_path).expect("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .args(["run", "--routes"])
        .arg(&routes)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("taxii-gateway starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let (found, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        // Reads on to the end, so the gateway never blocks on a full pipe.
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let url = line.strip_prefix("taxii-gateway: listener bench on http://");
            if let Some(port) = url.and_then(|u| u.split(['/', ':']).nth(1)) {
                let _ = found.send(port.parse::<u16>().ok());
            }
        }
    });
    let port = port.recv_timeout(Duration::from_secs(30)).ok().flatten();
    let Some(port) = port else {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        panic!("the gateway printed no listener line within 30 s:\n{log}");
    };
    let target = Target {
        name: "hub",
        addr: ([127, 0, 0, 1], port).into(),
        inbox: "/taxii/inbox".into(),
        poll: "/taxii/poll".into(),
        authorization: None,
    };
    (target, child)
}

fn gateway_log(dir: &Path) -> String {
    let mut out = String::new();
    for part in [PART, HUB_DEFAULT_PART] {
        let text = std::fs::read_to_string(dir.join(format!("gateway-{part}.log")));
        let text = text.unwrap_or_default();
        out.push_str(&text[text.len().saturating_sub(8000)..]);
    }
    out
}

/// How the client proves it is the harness account to OpenTAXII.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OtAuth {
    /// A JWT from `POST /management/auth`, sent as `Authorization: Bearer`: OpenTAXII only
    /// checks its signature per request.
    Bearer,
    /// HTTP Basic on every request: OpenTAXII checks the password (werkzeug PBKDF2) each
    /// time.
    Basic,
}

async fn opentaxii_target(server: &OpenTaxii, auth: OtAuth) -> Result<Target, String> {
    let credentials = format!("{}:{}", HARNESS_ACCOUNT.username, HARNESS_ACCOUNT.password);
    let authorization = match auth {
        OtAuth::Basic => format!("Basic {}", base64(credentials.as_bytes())),
        OtAuth::Bearer => format!("Bearer {}", opentaxii_token(server.address()).await?),
    };
    Ok(Target {
        name: "OpenTAXII",
        addr: server.address(),
        inbox: OpenTaxii::INBOX.into(),
        poll: OpenTaxii::POLL.into(),
        authorization: Some(authorization),
    })
}

/// The harness account's JWT from OpenTAXII's `POST /management/auth`.
async fn opentaxii_token(addr: SocketAddr) -> Result<String, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let body = taxii_testkit::serde_json::json!({
        "username": HARNESS_ACCOUNT.username,
        "password": HARNESS_ACCOUNT.password,
    })
    .to_string();
    let request = hyper::Request::post("/management/auth")
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let answer: taxii_testkit::serde_json::Value = taxii_testkit::serde_json::from_slice(&bytes)
        .map_err(|e| format!("OpenTAXII /management/auth: HTTP {status}: {e}"))?;
    answer["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("OpenTAXII /management/auth gave no token: HTTP {status} {answer}"))
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The client: bare hyper, HTTP/1.1, keep-alive when the server allows it

struct Client {
    target: Target,
    sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>,
    connections: usize,
}

impl Client {
    fn new(target: &Target) -> Client {
        Client {
            target: target.clone(),
            sender: None,
            connections: 0,
        }
    }

    async fn connect(&mut self) -> Result<(), String> {
        let stream = tokio::net::TcpStream::connect(self.target.addr)
            .await
            .map_err(|e| format!("connect to {}: {e}", self.target.name))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake with {}: {e}", self.target.name))?;
        tokio::spawn(connection);
        self.sender = Some(sender);
        self.connections += 1;
        Ok(())
    }

    /// POSTs one XML 1.1 TAXII 1.1 message and returns the decoded answer.
    async fn exchange(&mut self, path: &str, body: Bytes) -> Result<Message, String> {
        let reusable = match self.sender.as_mut() {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            self.connect().await?;
        }
        let sender = self.sender.as_mut().expect("connected");
        let mut request = support::taxii_xml11_post(&self.target.addr.to_string(), path)
            .header("accept", "application/xml");
        if let Some(authorization) = &self.target.authorization {
            request = request.header("authorization", authorization.as_str());
        }
        let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("{} {path}: {e}", self.target.name))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{} {path}: reading the body: {e}", self.target.name))?
            .to_bytes();
        if status != 200 {
            return Err(format!(
                "{} {path}: HTTP {status}: {}",
                self.target.name,
                String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
            ));
        }
        XmlBinding::v11().decode(&bytes, Version::V11).map_err(|e| {
            format!(
                "{} {path}: undecodable answer ({e}): {}",
                self.target.name,
                String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
            )
        })
    }
}

// ---------------------------------------------------------------------------------------
// The messages

/// The STIX package id inside block `n` (see `taxii_testkit::corpus::stix_indicator`).
fn package_id(n: usize) -> String {
    format!("bench:Package-{n:08}")
}

/// Encoded Inbox Messages, each with its block count.
type Messages = Arc<Vec<(usize, Bytes)>>;

/// `blocks` blocks in Inbox Messages of `per_message` blocks, XML 1.1, encoded once.
fn inbox_messages(blocks: usize, per_message: usize) -> Vec<(usize, Bytes)> {
    let binding = XmlBinding::v11();
    (0..blocks)
        .step_by(per_message)
        .map(|first| {
            let end = (first + per_message).min(blocks);
            let content_blocks = (first..end)
                .map(|n| {
                    let stix = taxii_testkit::corpus::stix_indicator(n);
                    ContentBlock::new(ids::content::STIX_XML_111, Payload::xml(stix))
                })
                .collect();
            let message = Message::new(
                Version::V11,
                format!("inbox-{first}"),
                Body::InboxMessage(InboxMessage {
                    destination_collection_names: vec![COLLECTION.into()],
                    content_blocks,
                    ..Default::default()
                }),
            );
            (end - first, binding.encode(&message).expect("encodes"))
        })
        .collect()
}

fn poll_request() -> Bytes {
    let message = Message::new(
        Version::V11,
        "poll-1",
        Body::PollRequest(PollRequest {
            collection_name: COLLECTION.into(),
            exclusive_begin: None,
            inclusive_end: None,
            subscription_id: None,
            poll_parameters: Some(PollParameters::default()),
        }),
    );
    XmlBinding::v11().encode(&message).expect("encodes")
}

fn fulfillment_request(result_id: &str, part: u64) -> Bytes {
    let message = Message::new(
        Version::V11,
        format!("fulfil-{part}"),
        Body::PollFulfillmentRequest(PollFulfillmentRequest {
            collection_name: COLLECTION.into(),
            result_id: result_id.to_owned(),
            result_part_number: part,
        }),
    );
    XmlBinding::v11().encode(&message).expect("encodes")
}

// ---------------------------------------------------------------------------------------
// The two measurements

#[derive(Clone, Copy, Default)]
struct Rate {
    /// Messages exchanged (Inbox Messages, or poll parts).
    messages: usize,
    blocks: usize,
    seconds: f64,
}

impl Rate {
    fn msgs_per_s(&self) -> f64 {
        self.messages as f64 / self.seconds
    }
    fn blocks_per_s(&self) -> f64 {
        self.blocks as f64 / self.seconds
    }
}

/// Pushes `messages` from `clients` concurrent clients (a shared queue, in order) until all
/// are sent or `deadline` passes; returns the rate and how many messages (a prefix) were
/// acknowledged.
async fn push(
    target: &Target,
    messages: &Messages,
    clients: usize,
    deadline: Option<Instant>,
) -> Result<(Rate, usize), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (target, messages, next) = (target.clone(), Arc::clone(messages), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut client = Client::new(&target);
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok::<_, String>(());
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, body)) = messages.get(i) else {
                    return Ok(());
                };
                let answer = client.exchange(&target.inbox, body.clone()).await?;
                match &answer.body {
                    Body::StatusMessage(s) if s.status_type == StatusType::Success => {}
                    other => return Err(format!("{}: push {i} refused: {other:?}", target.name)),
                }
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let sent = next.load(Ordering::Relaxed).min(messages.len());
    let blocks = messages[..sent].iter().map(|(n, _)| n).sum();
    Ok((
        Rate {
            messages: sent,
            blocks,
            seconds,
        },
        sent,
    ))
}

struct Polled {
    rate: Rate,
    /// False when the deadline stopped the poll before its last part.
    complete: bool,
}

/// Polls `collection-a` back: one Poll Request, then parts 2.. from `clients` concurrent
/// clients, until the last part or `deadline`. Checks every part against `expected` (the
/// package ids pushed, `part_size` blocks a part).
async fn poll(
    target: &Target,
    expected: &HashSet<String>,
    part_size: usize,
    clients: usize,
    deadline: Option<Instant>,
) -> Result<Polled, String> {
    let parts = expected.len().div_ceil(part_size).max(1) as u64;
    let started = Instant::now();
    let mut client = Client::new(target);
    let first = client.exchange(&target.poll, poll_request()).await?;
    let Body::PollResponse(first) = first.body else {
        return Err(format!("{}: poll refused: {:?}", target.name, first.body));
    };
    let result_id = first.result_id.clone().unwrap_or_default();
    if parts > 1 && result_id.is_empty() {
        return Err(format!(
            "{}: {parts} parts expected but no result id",
            target.name
        ));
    }
    let result_id = Arc::new(result_id);
    let next = Arc::new(AtomicUsize::new(2));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (target, next, result_id) = (target.clone(), Arc::clone(&next), Arc::clone(&result_id));
        tasks.push(tokio::spawn(async move {
            let mut client = Client::new(&target);
            let mut answers = Vec::new();
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok::<_, String>(answers);
                }
                let part = next.fetch_add(1, Ordering::Relaxed) as u64;
                if part > parts {
                    return Ok(answers);
                }
                let answer = client
                    .exchange(&target.poll, fulfillment_request(&result_id, part))
                    .await?;
                match answer.body {
                    Body::PollResponse(p) => answers.push((part, p)),
                    other => {
                        return Err(format!("{}: part {part} refused: {other:?}", target.name))
                    }
                }
            }
        }));
    }
    let mut answers = vec![(1, first)];
    for task in tasks {
        answers.extend(task.await.map_err(|e| e.to_string())??);
    }
    let seconds = started.elapsed().as_secs_f64();

    // The checks, off the clock.
    answers.sort_by_key(|(part, _)| *part);
    let complete = answers.len() as u64 == parts;
    let mut seen = HashSet::new();
    let mut blocks = 0;
    for (part, response) in &answers {
        let want = if *part == parts {
            expected.len() - (parts as usize - 1) * part_size
        } else {
            part_size
        };
        let got = response.content_blocks.len();
        if got != want {
            return Err(format!(
                "{}: part {part} of {parts} holds {got} blocks, not {want}",
                target.name
            ));
        }
        if response.more != (*part < parts) {
            return Err(format!(
                "{}: part {part} of {parts} says more = {}",
                target.name, response.more
            ));
        }
        for block in &response.content_blocks {
            let text = block.content.as_str().unwrap_or_default();
            let id = text
                .split("id=\"bench:Package-")
                .nth(1)
                .and_then(|rest| rest.get(..8))
                .map(|digits| format!("bench:Package-{digits}"))
                .ok_or_else(|| format!("{}: a block without a package id", target.name))?;
            if !expected.contains(&id) {
                return Err(format!(
                    "{}: polled {id}, which was not pushed",
                    target.name
                ));
            }
            if !seen.insert(id.clone()) {
                return Err(format!("{}: polled {id} twice", target.name));
            }
        }
        blocks += got;
    }
    if complete && seen.len() != expected.len() {
        return Err(format!(
            "{}: polled {} distinct blocks, {} were pushed",
            target.name,
            seen.len(),
            expected.len()
        ));
    }
    Ok(Polled {
        rate: Rate {
            messages: answers.len(),
            blocks,
            seconds,
        },
        complete,
    })
}

// ---------------------------------------------------------------------------------------
// Scenarios

struct Side {
    inbox: Rate,
    poll: Rate,
    poll_complete: bool,
    /// The hub only: the poll at its default part size.
    poll_default_part: Option<Rate>,
}

struct Outcome {
    hub: Side,
    opentaxii: Side,
}

fn expected_ids(messages: &[(usize, Bytes)], sent: usize) -> HashSet<String> {
    let blocks: usize = messages[..sent].iter().map(|(n, _)| n).sum();
    (0..blocks).map(package_id).collect()
}

async fn scenario(
    messages: &Messages,
    auth: OtAuth,
    clients: usize,
    opentaxii_budget: Option<Duration>,
    with_default_part: bool,
) -> Result<Outcome, String> {
    let dir = tempfile::Builder::new()
        .prefix("hub-vs-opentaxii-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let (hub, gateway) = start_hub(dir.path(), PART);
    let server = tokio::task::spawn_blocking(OpenTaxii::start)
        .await
        .map_err(|e| e.to_string())?;
    let ot = opentaxii_target(&server, auth).await?;
    let all = messages.len();
    let fail = |e: String| format!("{e}\nOpenTAXII's log:\n{}", server.logs());
    let hub_fail = |e: String| format!("{e}\nthe gateway's log:\n{}", gateway_log(dir.path()));

    // Inbox: hub, then OpenTAXII (capped when a budget is given).
    let (hub_inbox, _) = push(&hub, messages, clients, None)
        .await
        .map_err(hub_fail)?;
    let inbox_deadline = opentaxii_budget.map(|b| Instant::now() + b.mul_f64(INBOX_SHARE));
    let started = Instant::now();
    let (ot_inbox, ot_sent) = push(&ot, messages, clients, inbox_deadline)
        .await
        .map_err(fail)?;
    let poll_deadline = opentaxii_budget.map(|b| started + b);

    // Poll: hub, then OpenTAXII, 5 blocks a part.
    let hub_expected = expected_ids(messages, all);
    let hub_poll = poll(&hub, &hub_expected, PART, clients, None)
        .await
        .map_err(hub_fail)?;
    let ot_expected = expected_ids(messages, ot_sent);
    let ot_poll = poll(&ot, &ot_expected, PART, clients, poll_deadline)
        .await
        .map_err(fail)?;

    // The hub again at its default part size, same store.
    let poll_default_part = if with_default_part {
        drop(gateway);
        let (hub, _gateway) = start_hub(dir.path(), HUB_DEFAULT_PART);
        let polled = poll(&hub, &hub_expected, HUB_DEFAULT_PART, clients, None)
            .await
            .map_err(hub_fail)?;
        Some(polled.rate)
    } else {
        drop(gateway);
        None
    };
    drop(server);
    Ok(Outcome {
        hub: Side {
            inbox: hub_inbox,
            poll: hub_poll.rate,
            poll_complete: hub_poll.complete,
            poll_default_part,
        },
        opentaxii: Side {
            inbox: ot_inbox,
            poll: ot_poll.rate,
            poll_complete: ot_poll.complete,
            poll_default_part: None,
        },
    })
}

// ---------------------------------------------------------------------------------------
// Reporting

fn median_by(rates: &[Rate], key: impl Fn(&Rate) -> f64) -> Rate {
    let mut sorted = rates.to_vec();
    sorted.sort_by(|a, b| key(a).total_cmp(&key(b)));
    sorted[sorted.len() / 2]
}

struct Row {
    label: String,
    hub: Rate,
    opentaxii: Rate,
    note: String,
}

fn print_table(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<48} {:>9} {:>11} {:>12} {:>9} {:>11} {:>12} {:>9}",
        "", "hub", "hub", "hub", "OT", "OT", "OT", "ratio"
    );
    println!(
        "{:<48} {:>9} {:>11} {:>12} {:>9} {:>11} {:>12} {:>9}",
        "scenario", "blocks", "msgs/s", "blocks/s", "blocks", "msgs/s", "blocks/s", "hub/OT"
    );
    for r in rows {
        println!(
            "{:<48} {:>9} {:>11.1} {:>12.1} {:>9} {:>11.2} {:>12.1} {:>8.1}x {}",
            r.label,
            r.hub.blocks,
            r.hub.msgs_per_s(),
            r.hub.blocks_per_s(),
            r.opentaxii.blocks,
            r.opentaxii.msgs_per_s(),
            r.opentaxii.blocks_per_s(),
            r.hub.blocks_per_s() / r.opentaxii.blocks_per_s(),
            r.note
        );
    }
}

fn rows_of(label: &str, outcomes: &[Outcome], capped: bool) -> (Row, Row, Option<Row>) {
    let pick = |f: &dyn Fn(&Outcome) -> Rate| -> Rate {
        let rates: Vec<Rate> = outcomes.iter().map(f).collect();
        median_by(&rates, Rate::blocks_per_s)
    };
    let runs = if outcomes.len() > 1 {
        format!("median of {}", outcomes.len())
    } else {
        "1 run".to_owned()
    };
    let ot_inbox = pick(&|o| o.opentaxii.inbox);
    let ot_poll = pick(&|o| o.opentaxii.poll);
    let hub_inbox = pick(&|o| o.hub.inbox);
    let mut inbox_note = runs.clone();
    let mut poll_note = runs.clone();
    if capped && ot_inbox.blocks < hub_inbox.blocks {
        inbox_note.push_str(&format!(
            "; OT capped: {} of {} blocks (time budget)",
            ot_inbox.blocks, hub_inbox.blocks
        ));
        poll_note.push_str(&format!(
            "; OT polled the {} blocks it held",
            ot_inbox.blocks
        ));
    }
    if outcomes.iter().any(|o| !o.opentaxii.poll_complete) {
        poll_note.push_str("; OT poll stopped at the time budget (a prefix of its parts)");
    }
    if outcomes.iter().any(|o| !o.hub.poll_complete) {
        poll_note.push_str("; hub poll incomplete?!");
    }
    let inbox = Row {
        label: label.to_owned(),
        hub: hub_inbox,
        opentaxii: ot_inbox,
        note: inbox_note,
    };
    let poll = Row {
        label: format!("{label}, {PART}/part"),
        hub: pick(&|o| o.hub.poll),
        opentaxii: ot_poll,
        note: poll_note,
    };
    let default_part = outcomes[0].hub.poll_default_part.map(|_| Row {
        label: format!("{label}, hub {HUB_DEFAULT_PART}/part vs OT {PART}/part"),
        hub: pick(&|o| o.hub.poll_default_part.unwrap_or_default()),
        opentaxii: ot_poll,
        note: "hub at its default part size; OT cannot be set per request".to_owned(),
    });
    (inbox, poll, default_part)
}

/// Runs `runs` rounds of each (label, messages) scenario, alternating between them, and
/// adds their rows.
async fn small_scenarios(
    scenarios: &[(&str, &Messages)],
    auth: OtAuth,
    runs: usize,
    clients: usize,
    inbox_rows: &mut Vec<Row>,
    poll_rows: &mut Vec<Row>,
) {
    let mut outcomes: Vec<Vec<Outcome>> = scenarios.iter().map(|_| Vec::new()).collect();
    let with_default_part = auth == OtAuth::Bearer;
    for round in 1..=runs {
        for ((label, messages), outcomes) in scenarios.iter().zip(&mut outcomes) {
            let outcome = scenario(messages, auth, clients, None, with_default_part)
                .await
                .unwrap_or_else(|e| panic!("{label}, OT {auth:?}, round {round}: {e}"));
            println!(
                "round {round}, {label}, OT {auth:?}: inbox hub {:.0} vs OT {:.1} blocks/s; poll hub {:.0} vs OT {:.1} blocks/s",
                outcome.hub.inbox.blocks_per_s(),
                outcome.opentaxii.inbox.blocks_per_s(),
                outcome.hub.poll.blocks_per_s(),
                outcome.opentaxii.poll.blocks_per_s()
            );
            outcomes.push(outcome);
        }
    }
    for ((label, _), outcomes) in scenarios.iter().zip(&outcomes) {
        let label = match auth {
            OtAuth::Bearer => label.to_string(),
            OtAuth::Basic => format!("{label}, OT Basic"),
        };
        let (inbox, poll, default_part) = rows_of(&label, outcomes, false);
        inbox_rows.push(inbox);
        poll_rows.push(poll);
        poll_rows.extend(default_part);
    }
}

#[tokio::main]
async fn main() {
    let o = options();
    println!(
        "hub_vs_opentaxii: {} clients; 1,000 blocks: {}; {} blocks once, OpenTAXII's leg capped at ~{} s",
        o.clients,
        if o.small {
            format!("{} rounds (OT with a Bearer token) + 1 round (OT with Basic auth)", o.rounds)
        } else {
            "skipped (--big-only)".to_owned()
        },
        o.big,
        o.budget.as_secs()
    );
    let small_1 = Arc::new(inbox_messages(1_000, 1));
    let small_10 = Arc::new(inbox_messages(1_000, 10));
    let small = [
        ("1,000 blocks, 1 block/msg", &small_1),
        ("1,000 blocks, 10 blocks/msg", &small_10),
    ];
    let mut inbox_rows = Vec::new();
    let mut poll_rows = Vec::new();
    let clients = o.clients;
    if o.small {
        small_scenarios(
            &small,
            OtAuth::Bearer,
            o.rounds,
            clients,
            &mut inbox_rows,
            &mut poll_rows,
        )
        .await;
        small_scenarios(
            &small,
            OtAuth::Basic,
            1,
            clients,
            &mut inbox_rows,
            &mut poll_rows,
        )
        .await;
    }

    let big = Arc::new(inbox_messages(o.big, 10));
    let label = format!("{} blocks, 10 blocks/msg", o.big);
    let outcome = scenario(&big, OtAuth::Bearer, clients, Some(o.budget), true)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let (inbox, poll, default_part) = rows_of(&label, &[outcome], true);
    inbox_rows.push(inbox);
    poll_rows.push(poll);
    poll_rows.extend(default_part);

    print_table(
        &format!("INBOX ({clients} concurrent clients; msgs = Inbox Messages)"),
        &inbox_rows,
    );
    print_table(
        &format!(
            "POLL (Poll Request + every part by Poll Fulfillment, {clients} concurrent clients; msgs = parts)"
        ),
        &poll_rows,
    );
    println!(
        "\nOT = OpenTAXII 0.9.3 (gunicorn, 2 sync workers, SQLite), with a Bearer token (JWT) unless the row says Basic."
    );
    println!("ratio = hub blocks/s / OpenTAXII blocks/s; issue 7 target: >= 20x");
}
