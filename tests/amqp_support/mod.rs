//! AMQP helpers for the gateway's end-to-end tests: pika partners and community members
//! (`tests/peers/amqp_*.py`), unique queue names that are deleted on drop, dead-letter
//! inspection. Included with `#[path = "amqp_support/mod.rs"] mod amqp_support;`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use taxii_core::{Message, Version};
use taxii_gateway::bindings::MessageBindingKind;
use taxii_testkit::serde_json::{self, json, Value};
use taxii_testkit::{peer_script_command, run_peer_script};

pub const AMQP_PROTOCOL: &str = "urn:taxii-gateway.dev:protocol:amqp:0.9.1:1.0";
pub const BROKER_URL: &str = "amqp://127.0.0.1:5672/%2f";

/// A name no other test (or run) uses: `gwtest.<what>.<pid>.<n>.<nanos>`.
pub fn unique(what: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "gwtest.{what}.{}.{}.{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The lock between tests that stop the broker (exclusive) and tests that need it up
/// (shared): a file lock, so it holds across test binaries and concurrent `cargo test`s.
pub struct BrokerLock(std::fs::File);

fn broker_lock_file() -> std::fs::File {
    let path = std::env::temp_dir().join("taxii-gateway-amqp-broker.lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open the broker lock {}: {e}", path.display()))
}

/// Held while a test stops and starts the broker.
// File::lock is 1.89; the tests need 1.89 anyway (taxii-testkit's rust-version).
#[allow(clippy::incompatible_msrv)]
pub fn broker_lock_exclusive() -> BrokerLock {
    let file = broker_lock_file();
    file.lock().expect("lock the broker lock");
    BrokerLock(file)
}

/// Held while a test needs the broker up.
#[allow(clippy::incompatible_msrv)]
pub fn broker_lock_shared() -> BrokerLock {
    let file = broker_lock_file();
    file.lock_shared().expect("lock the broker lock (shared)");
    BrokerLock(file)
}

/// Queues (with their `.dead` queue and `.dlx` exchange) deleted on drop, also when the
/// test fails.
pub struct Queues(pub Vec<String>);

impl Queues {
    pub fn new(names: &[&str]) -> Queues {
        Queues(names.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl Drop for Queues {
    fn drop(&mut self) {
        let mut args = vec!["delete"];
        args.extend(self.0.iter().map(String::as_str));
        let _ = run_peer_script("amqp_admin.py", &args, None);
    }
}

fn script_json(script: &str, args: &[&str], stdin: Option<&[u8]>) -> Value {
    let output = run_peer_script(script, args, stdin);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| {
        panic!(
            "tests/peers/{script} {args:?} printed no JSON ({e}; exit {}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Takes (and acks) up to `max` messages waiting in `queue`.
pub fn drain(queue: &str, max: usize) -> Vec<Value> {
    let max = max.to_string();
    match script_json("amqp_admin.py", &["drain", queue, &max], None) {
        Value::Array(items) => items,
        other => panic!("drain printed {other}"),
    }
}

/// Messages ready in `queue` (-1: no such queue) and its consumer count.
pub fn count(queue: &str) -> (i64, i64) {
    let v = script_json("amqp_admin.py", &["count", queue], None);
    (
        v["messages"].as_i64().unwrap_or(-1),
        v["consumers"].as_i64().unwrap_or(-1),
    )
}

/// The TAXII headers of a message in `binding` (an ID) for `services` (an ID).
pub fn amqp_headers(binding: &str, services: &str) -> Value {
    json!({
        "x-taxii-content-type": binding,
        "x-taxii-services": services,
        "x-taxii-accept": binding,
        "x-taxii-protocol": AMQP_PROTOCOL,
    })
}

pub fn media_type(binding: &str) -> &'static str {
    if binding.contains("json") {
        "application/json"
    } else {
        "application/xml"
    }
}

/// A request/response TAXII request for [`partner`].
pub fn request(binding: &str, services: &str, correlation_id: &str, body: &str) -> Value {
    json!({
        "body": body,
        "content_type": media_type(binding),
        "headers": amqp_headers(binding, services),
        "reply": true,
        "correlation_id": correlation_id,
    })
}

/// What the pika partner saw.
pub struct PartnerRun {
    pub published: usize,
    pub returned: usize,
    pub replies: Vec<Value>,
}

impl PartnerRun {
    /// The reply with `correlation_id`, panicking with everything seen when there is none.
    pub fn reply(&self, correlation_id: &str) -> &Value {
        self.replies
            .iter()
            .find(|r| r["correlation_id"] == correlation_id)
            .unwrap_or_else(|| {
                panic!(
                    "no reply with correlation_id {correlation_id} among {:#?}",
                    self.replies
                )
            })
    }
}

/// Publishes `requests` to `queue` with pika, waiting up to `wait` seconds for the replies.
pub fn partner(queue: &str, requests: &[Value], wait: u32) -> PartnerRun {
    let input = serde_json::to_vec(requests).expect("requests JSON");
    let wait = wait.to_string();
    let v = script_json("amqp_partner.py", &[queue, &wait], Some(&input));
    PartnerRun {
        published: v["published"].as_u64().unwrap_or(0) as usize,
        returned: v["returned"].as_u64().unwrap_or(0) as usize,
        replies: v["replies"].as_array().cloned().unwrap_or_default(),
    }
}

/// A reply (from [`partner`]) decoded as the TAXII message its headers say it is.
pub fn reply_message(reply: &Value) -> Result<Message, String> {
    let headers = &reply["headers"];
    let binding_id = headers["x-taxii-content-type"]
        .as_str()
        .ok_or_else(|| format!("reply without x-taxii-content-type: {reply:#}"))?;
    let binding = MessageBindingKind::from_id(binding_id)
        .ok_or_else(|| format!("unknown binding {binding_id}"))?;
    let version = match headers["x-taxii-services"].as_str() {
        Some("urn:taxii.mitre.org:services:1.0") => Version::V10,
        Some("urn:taxii.mitre.org:services:1.1") => Version::V11,
        other => return Err(format!("bad x-taxii-services {other:?} in {reply:#}")),
    };
    let body = reply["body"].as_str().unwrap_or_default();
    binding
        .decode(body.as_bytes(), version)
        .map_err(|e| format!("undecodable reply ({e}): {reply:#}"))
}

/// A pika + libtaxii community member answering in JSON (`tests/peers/amqp_community.py`).
pub struct Community {
    child: Child,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Community {
    /// Starts a member consuming `queues` (declared durable) in TAXII `version` ("1.1" or
    /// "1.0"), handling `count` messages; returns once it consumes.
    pub fn start(queues: &[&str], version: &str, count: usize) -> Community {
        let mut command: Command = peer_script_command("amqp_community.py");
        command
            .args([&queues.join(","), version, &count.to_string(), "20"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("start amqp_community.py");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while line.trim() != "ready" {
            line.clear();
            let n = stdout.read_line(&mut line).expect("read community stdout");
            assert!(
                n > 0 && Instant::now() < deadline,
                "amqp_community.py exited before consuming (is RabbitMQ at 127.0.0.1:5672 \
                 with guest/guest? see stderr above)"
            );
        }
        Community { child, stdout }
    }

    /// Waits for the member to finish; what it received.
    pub fn finish(mut self) -> Vec<Value> {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read community");
        let _ = self.child.wait();
        serde_json::from_str::<Value>(line.trim())
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_else(|| panic!("amqp_community.py printed {line:?}"))
    }
}

impl Drop for Community {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
