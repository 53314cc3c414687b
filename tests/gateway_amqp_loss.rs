//! Issue 6 loss test through the gateway binary: AMQP partners (pika; one one-way, one
//! request/response) send Inbox messages to the gateway's AMQP listener, which files them
//! in the built-in hub (durable store), while the broker application is stopped and
//! started twice and the gateway is killed (`kill -9`) and restarted on the same data dir.
//! Every message must be in the hub at least once (counted by the unique id in its
//! content, polled back through the gateway's HTTP listener), and every partner must have
//! had an honest answer for each message: SUCCESS (request/response) or the broker's
//! confirm (one-way), else an error or timeout it saw and retried.
//!
//! Also: the gateway's AMQP client (to an AMQP community) and its AMQP listener recover
//! from a broker restart, and a gateway started while the broker is down consumes once it
//! is up.
//!
//! `GW_AMQP_LOSS_MESSAGES` sets the number of messages (default 10,000).

#[path = "amqp_support/mod.rs"]
mod amqp_support;
mod common;

use amqp_support::*;
use common::*;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use taxii_core::Body;
use taxii_testkit::serde_json::{self, Value};
use taxii_testkit::{peer_script_command, require_rabbitmq};

fn rabbitmqctl(action: &str) {
    let output = Command::new("rabbitmqctl")
        .arg(action)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run rabbitmqctl {action} (is RabbitMQ installed?): {e}")
        });
    assert!(
        output.status.success(),
        "rabbitmqctl {action} failed (the test needs rabbitmqctl rights on the local node): {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The tests of this binary stop the broker: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Restarts the broker application if the test panics while it is stopped.
struct BrokerGuard;

impl Drop for BrokerGuard {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").output();
    }
}

fn routes(data_dir: &std::path::Path, queue: &str) -> String {
    format!(
        r#"
[hub]
data_dir = "{}"
part_size = 100000

[[listener]]
name = "bus"
protocol = "amqp"
url = "{BROKER_URL}"
queue = "{queue}"
prefetch = 64
message_bindings = ["xml11"]

[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "loss"
peer = "hub"
"#,
        data_dir.display()
    )
}

/// A running loss partner: its progress (messages delivered so far) and its report.
struct LossPartner {
    child: Child,
    sent: usize,
    progress: Arc<AtomicUsize>,
    reader: std::thread::JoinHandle<Option<String>>,
}

impl LossPartner {
    fn spawn(queue: &str, mode: &str, first: usize, count: usize) -> LossPartner {
        let mut command = peer_script_command("amqp_loss_partner.py");
        command
            .args([
                queue,
                mode,
                &first.to_string(),
                &count.to_string(),
                "loss",
                "900",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("start amqp_loss_partner.py");
        let stdout = child.stdout.take().expect("stdout");
        let progress = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&progress);
        let reader = std::thread::spawn(move || {
            let mut last = None;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix("progress ") {
                    Some(n) => seen.store(n.trim().parse().unwrap_or(0), Ordering::Relaxed),
                    None => last = Some(line),
                }
            }
            last
        });
        LossPartner {
            child,
            sent: count,
            progress,
            reader,
        }
    }

    fn fraction(&self) -> f64 {
        self.progress.load(Ordering::Relaxed) as f64 / self.sent.max(1) as f64
    }

    fn report(mut self) -> Value {
        let _ = self.child.wait();
        let line = self
            .reader
            .join()
            .expect("partner reader")
            .unwrap_or_default();
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("amqp_loss_partner.py printed no report ({e}): {line}"))
    }
}

/// Waits until the faster partner has delivered `fraction` of its messages (so both are
/// still sending when the next disruption comes).
fn wait_for_progress(partners: &[&LossPartner], fraction: f64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while partners.iter().map(|p| p.fraction()).fold(0.0, f64::max) < fraction {
        assert!(
            Instant::now() < deadline,
            "the partners made no progress to {fraction}: {:?}",
            partners.iter().map(|p| p.fraction()).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The distinct `loss-N` ids in the hub's collection, and the number of blocks, polled
/// over HTTP (TAXII 1.1, one part).
fn hub_ids(gateway: &Gateway) -> (HashSet<usize>, usize) {
    let ns = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;
    let poll = format!(
        r#"<taxii_11:Poll_Request {ns} message_id="1" collection_name="loss"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    let (_, message) = exchange(
        gateway,
        &format!("{}/poll", gateway.url("public")),
        XML11,
        SERVICES11,
        None,
        &poll,
    );
    let Body::PollResponse(p) = &message.body else {
        panic!("the hub's poll answered {message:?}\n{}", gateway.logs());
    };
    assert!(!p.more, "the poll came in more than one part");
    let mut ids = HashSet::new();
    for block in &p.content_blocks {
        let text = String::from_utf8_lossy(&block.content.bytes);
        let id = text
            .split("id=\"loss-")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a block without an id: {text}"));
        ids.insert(id);
    }
    (ids, p.content_blocks.len())
}

#[test]
fn every_inbox_message_from_amqp_partners_reaches_the_hub_across_broker_and_gateway_restarts() {
    require_rabbitmq();
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let _lock = broker_lock_exclusive();
    let messages: usize = std::env::var("GW_AMQP_LOSS_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let data = tempfile::tempdir().expect("hub data dir");
    let queue = unique("gateway.loss");
    let _cleanup = Queues::new(&[&queue]);
    let routes = routes(data.path(), &queue);
    let started = Instant::now();
    let mut gateway = Gateway::start(&routes);
    // The listener declares its queue: wait for it before the partners publish.
    assert!(
        gateway.wait_for_log("consuming", 0, Duration::from_secs(20)),
        "the AMQP listener did not start consuming:\n{}",
        gateway.logs()
    );
    let half = messages / 2;
    let one_way = LossPartner::spawn(&queue, "oneway", 0, half);
    let request = LossPartner::spawn(&queue, "request", half, messages - half);

    let _broker = BrokerGuard;
    let mut events = Vec::new();
    let mut event = |what: &str, partners: &[&LossPartner]| {
        events.push(format!(
            "{:>6.1}s {what} (partners at {:.0}% / {:.0}%)",
            started.elapsed().as_secs_f64(),
            partners[0].fraction() * 100.0,
            partners[1].fraction() * 100.0
        ))
    };
    let both = [&one_way, &request];
    wait_for_progress(&both, 0.15);
    event("rabbitmqctl stop_app", &both);
    rabbitmqctl("stop_app");
    std::thread::sleep(Duration::from_secs(3));
    rabbitmqctl("start_app");
    event("rabbitmqctl start_app done", &both);
    wait_for_progress(&both, 0.45);
    event("kill -9 the gateway", &both);
    gateway.signal("KILL");
    drop(gateway);
    std::thread::sleep(Duration::from_secs(1));
    gateway = Gateway::start(&routes);
    event("gateway restarted on the same data dir", &both);
    wait_for_progress(&both, 0.75);
    event("rabbitmqctl stop_app", &both);
    rabbitmqctl("stop_app");
    std::thread::sleep(Duration::from_secs(2));
    rabbitmqctl("start_app");
    event("rabbitmqctl start_app done", &both);

    let one_way = one_way.report();
    let request = request.report();
    events.push(format!(
        "{:>6.1}s both partners finished",
        started.elapsed().as_secs_f64()
    ));

    // Let the listener drain what the one-way partner left in the queue.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut last = (HashSet::new(), 0);
    while Instant::now() < deadline {
        let (ready, _) = count(&queue);
        last = hub_ids(&gateway);
        if ready == 0 && last.0.len() >= messages {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    events.push(format!(
        "{:>6.1}s hub polled",
        started.elapsed().as_secs_f64()
    ));
    let (ids, blocks) = last;
    let missing: Vec<usize> = (0..messages).filter(|n| !ids.contains(n)).collect();
    let dead = count(&format!("{queue}.dead")).0;
    let report = format!(
        "{messages} messages in {:.1}s; hub: {} distinct, {blocks} blocks ({} duplicates); \
         dead letters: {dead}\none-way partner: {one_way}\nrequest/response partner: {request}\n{}",
        started.elapsed().as_secs_f64(),
        ids.len(),
        blocks - ids.len(),
        events.join("\n")
    );
    println!("{report}");
    assert!(
        missing.is_empty(),
        "{} messages never reached the hub (first: {:?})\n{report}\n{}",
        missing.len(),
        &missing[..missing.len().min(20)],
        gateway.logs()
    );
    for (partner, sent) in [(&one_way, half), (&request, messages - half)] {
        assert_eq!(
            partner["delivered"].as_u64(),
            Some(sent as u64),
            "a partner did not get an honest answer for every message: {partner}\n{report}"
        );
        assert_eq!(partner["undelivered_count"].as_u64(), Some(0), "{partner}");
    }
    // The disruptions were real: the partners saw them and retried.
    let observed = |p: &Value| p["observed"].as_object().map_or(0, |o| o.len());
    assert!(
        observed(&one_way) + observed(&request) > 0,
        "no partner noticed the broker restarts: the test disrupted nothing\n{report}"
    );
    assert_eq!(dead, 0, "messages were dead-lettered\n{report}");
}

fn inbox_xml(id: &str, collection: &str, content: &str) -> String {
    let ns = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;
    format!(
        r#"<taxii_11:Inbox_Message {ns} message_id="{id}"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{content}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#
    )
}

/// HTTP inbox through the gateway to the AMQP community: the status type it answered.
fn push(gateway: &Gateway, id: &str, content: &str) -> taxii_core::StatusType {
    let (_, answer) = exchange(
        gateway,
        &format!("{}/inbox", gateway.url("public")),
        XML11,
        SERVICES11,
        None,
        &inbox_xml(id, "intel", content),
    );
    match answer.body {
        Body::StatusMessage(s) => s.status_type,
        other => panic!("not a status: {other:?}"),
    }
}

#[test]
fn the_gateways_amqp_client_and_listener_recover_from_broker_restarts() {
    require_rabbitmq();
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let _lock = broker_lock_exclusive();
    let _broker = BrokerGuard;
    let inbox_queue = unique("recover.community.inbox");
    let listener_queue = unique("recover.listener");
    let _cleanup = Queues::new(&[&inbox_queue, &listener_queue]);
    let routes = format!(
        r#"
[hub]
data_dir = "./data"

[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[listener]]
name = "bus"
protocol = "amqp"
url = "{BROKER_URL}"
queue = "{listener_queue}"
message_bindings = ["xml11"]

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "community"
protocol = "amqp"
message = "json"
services = "1.1"
inbox = "{BROKER_URL}?queue={inbox_queue}"
auth = {{ basic = {{ user = "guest", password_env = "GW_TEST_AMQP_PASSWORD" }} }}
timeout_ms = 5000

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "intel"
peer = "community"
services = ["inbox"]

[[collection]]
name = "kept"
peer = "hub"
"#
    );
    // Started while the broker is down: it must come up and consume later.
    rabbitmqctl("stop_app");
    let gateway = Gateway::start_with_env(&routes, &[("GW_TEST_AMQP_PASSWORD", "guest")]);
    std::thread::sleep(Duration::from_secs(2));
    rabbitmqctl("start_app");
    assert!(
        gateway.wait_for_log("consuming", 0, Duration::from_secs(60)),
        "the AMQP listener did not consume after the broker came up:\n{}",
        gateway.logs()
    );
    let community = Community::start(&[&inbox_queue], "1.1", 1);
    assert_eq!(
        push(&gateway, "1", &stix_package("before-restart")),
        taxii_core::StatusType::Success,
        "{}",
        gateway.logs()
    );
    assert_eq!(community.finish().len(), 1);

    rabbitmqctl("stop_app");
    std::thread::sleep(Duration::from_secs(2));
    rabbitmqctl("start_app");
    let community = Community::start(&[&inbox_queue], "1.1", 1);
    // The client's connection died with the broker: it reconnects on its own. A RETRY on
    // the way is an honest answer; a hang or a FAILURE is not.
    let started = Instant::now();
    let mut answers = Vec::new();
    loop {
        let status = push(&gateway, "2", &stix_package("after-restart"));
        answers.push(status.clone());
        if status == taxii_core::StatusType::Success {
            break;
        }
        assert_eq!(
            status,
            taxii_core::StatusType::Retry,
            "after a broker restart the gateway answered {answers:?}\n{}",
            gateway.logs()
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the gateway's AMQP client never recovered: {answers:?}\n{}",
            gateway.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let received = community.finish();
    assert!(
        received.iter().any(|m| m["body"]
            .as_str()
            .unwrap_or_default()
            .contains("after-restart")),
        "{received:#?}"
    );
    println!("answers after the broker restart: {answers:?}");
    // And the listener consumes again.
    let run = partner(
        &listener_queue,
        &[request(
            XML11,
            SERVICES11,
            "after",
            &inbox_xml("3", "kept", &stix_package("listener-after-restart")),
        )],
        30,
    );
    let reply = reply_message(run.reply("after")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(&reply.body, Body::StatusMessage(s) if s.status_type == taxii_core::StatusType::Success),
        "{reply:?}\n{}",
        gateway.logs()
    );
}
