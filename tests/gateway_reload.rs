//! Hot reload under load: a client loop of exchanges (discovery, collection information and
//! poll over raw HTTP, a new connection each, several per second) against the built-in hub,
//! while routes.toml is rewritten 20 times, valid and invalid edits mixed (and SIGHUP sent
//! after some). Zero failed exchanges; every valid edit's effect is seen within a few
//! seconds; every invalid edit leaves the previous table in force and is logged as rejected.

mod common;

use common::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use taxii_core::{Body, StatusType};

const NS: &str = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;
const EFFECT_WITHIN: Duration = Duration::from_secs(5);
const REJECTED: &str = "the new route table was rejected";

/// A valid table: `indicators` described as `description`; `advisories` granted or not.
fn valid(description: &str, advisories: bool) -> String {
    let granted = if advisories {
        r#"["indicators", "advisories"]"#
    } else {
        r#"["indicators"]"#
    };
    format!(
        r#"
[hub]
data_dir = "./data"

[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[partner]]
name = "guest"
auth = "anonymous"
collections = {granted}

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "indicators"
peer = "hub"
description = "{description}"

[[collection]]
name = "advisories"
peer = "hub"
description = "Advisories"
"#
    )
}

/// An invalid edit of kind `kind`, and a text its rejection must log.
fn invalid(kind: usize, description: &str) -> (String, &'static str) {
    let base = valid(description, true);
    match kind % 4 {
        0 => (
            base.replacen(
                "peer = \"hub\"\ndescription = \"Advisories\"",
                "peer = \"nowhere\"\ndescription = \"Advisories\"",
                1,
            ),
            "unknown peer \"nowhere\"",
        ),
        1 => (
            format!("{}\n[[collection\nname = ", &base[..base.len() / 2]),
            "not valid TOML",
        ),
        2 => (
            base.replace(
                r#"["indicators", "advisories"]"#,
                r#"["indicators", "ghost"]"#,
            ),
            "unknown collection \"ghost\"",
        ),
        _ => (
            base.replace("path = \"/taxii\"", "path = \"/taxii\"\ncolour = \"blue\""),
            "colour",
        ),
    }
}

/// What the partner sees now: the description of indicators, whether advisories is listed.
fn seen(gateway: &Gateway) -> (String, bool) {
    let request = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="5"/>"#);
    let (_, answer) = exchange(
        gateway,
        &gateway.url("public"),
        XML11,
        SERVICES11,
        None,
        &request,
    );
    let Body::CollectionInformationResponse(r) = answer.body else {
        panic!("not a Collection_Information_Response: {answer:?}");
    };
    let description = r
        .collections
        .iter()
        .find(|c| c.collection_name == "indicators")
        .map(|c| c.description.clone())
        .unwrap_or_default();
    let advisories = r
        .collections
        .iter()
        .any(|c| c.collection_name == "advisories");
    (description, advisories)
}

/// One round of the client loop; `Err` says what failed.
fn round(url: &str, n: usize) -> Result<(), String> {
    let discovery = format!(r#"<taxii_11:Discovery_Request {NS} message_id="{n}1"/>"#);
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="{n}2"/>"#);
    let poll = format!(
        r#"<taxii_11:Poll_Request {NS} message_id="{n}3" collection_name="indicators"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    for (what, body) in [
        ("discovery", discovery),
        ("information", info),
        ("poll", poll),
    ] {
        let answer =
            post_taxii(url, XML11, SERVICES11, None, &body).map_err(|e| format!("{what}: {e}"))?;
        if answer.status != 200 {
            return Err(format!("{what}: HTTP {}: {}", answer.status, answer.text()));
        }
        let message = answer.message().map_err(|e| format!("{what}: {e}"))?;
        let fine = match (&message.body, what) {
            (Body::DiscoveryResponse(_), "discovery") => true,
            (Body::CollectionInformationResponse(_), "information") => true,
            (Body::PollResponse(_), "poll") => true,
            (Body::StatusMessage(s), _) => s.status_type == StatusType::Success,
            _ => false,
        };
        if !fine {
            return Err(format!("{what}: {:?}", message.body));
        }
    }
    Ok(())
}

#[test]
fn twenty_edits_under_load_with_zero_failed_exchanges() {
    let gateway = Gateway::start(&valid("edition 0", false));
    let url = gateway.url("public");
    assert_eq!(seen(&gateway), ("edition 0".to_owned(), false));

    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let client = {
        let (stop, rounds, failures, url) = (
            Arc::clone(&stop),
            Arc::clone(&rounds),
            Arc::clone(&failures),
            url.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = rounds.fetch_add(1, Ordering::Relaxed);
                if let Err(e) = round(&url, n) {
                    failures.lock().unwrap().push(e);
                }
                std::thread::sleep(Duration::from_millis(40));
            }
        })
    };

    let started = Instant::now();
    let mut in_force = ("edition 0".to_owned(), false);
    let mut valid_edits = 0;
    let mut invalid_edits = 0;
    let mut slowest = Duration::ZERO;
    for edit in 1..=20 {
        let description = format!("edition {edit}");
        let hangup = edit % 4 == 0;
        if edit % 5 == 2 || edit % 5 == 4 {
            // Invalid: the previous table stays, and the log says the new one was rejected.
            let (text, logged) = invalid(invalid_edits, &description);
            invalid_edits += 1;
            let rejections = gateway.stderr().matches(REJECTED).count();
            gateway.rewrite_routes(&text);
            if hangup {
                gateway.sighup();
            }
            assert!(
                gateway.wait_for_log(REJECTED, rejections, EFFECT_WITHIN),
                "edit {edit}: the invalid table was not reported as rejected:\n{}",
                gateway.logs()
            );
            assert!(
                gateway.stderr().contains(logged),
                "edit {edit}: the rejection does not say {logged:?}:\n{}",
                gateway.logs()
            );
            // Still the previous table, a while later too.
            std::thread::sleep(Duration::from_millis(300));
            assert_eq!(
                seen(&gateway),
                in_force,
                "edit {edit} (invalid) changed the table"
            );
        } else {
            // Valid: a new description; advisories granted and revoked in turn.
            let advisories = valid_edits % 2 == 0;
            valid_edits += 1;
            let wanted = (description.clone(), advisories);
            let written = Instant::now();
            gateway.rewrite_routes(&valid(&description, advisories));
            if hangup {
                gateway.sighup();
            }
            loop {
                if seen(&gateway) == wanted {
                    break;
                }
                assert!(
                    written.elapsed() < EFFECT_WITHIN,
                    "edit {edit} (valid) not in force within {EFFECT_WITHIN:?}: still {:?}\n{}",
                    seen(&gateway),
                    gateway.logs()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            slowest = slowest.max(written.elapsed());
            in_force = wanted;
            // The poll of advisories follows the grant.
            let poll = format!(
                r#"<taxii_11:Poll_Request {NS} message_id="9" collection_name="advisories"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
            );
            let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, None, &poll);
            match (&answer.body, advisories) {
                (Body::PollResponse(_), true) => {}
                (Body::StatusMessage(s), false) if s.status_type == StatusType::NotFound => {}
                (other, _) => {
                    panic!("edit {edit}: advisories granted={advisories}, polled: {other:?}")
                }
            }
        }
        // Let the client loop run a few rounds on this table.
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, Ordering::Relaxed);
    client.join().expect("client loop");
    let rounds = rounds.load(Ordering::Relaxed);
    let failures = failures.lock().unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "{rounds} rounds ({} exchanges) in {elapsed:?}; {valid_edits} valid and {invalid_edits} invalid edits; slowest valid edit in force after {slowest:?}",
        rounds * 3
    );
    assert_eq!((valid_edits, invalid_edits), (12, 8));
    assert!(
        rounds as f64 / elapsed.as_secs_f64() > 2.0,
        "the client loop ran only {rounds} rounds in {elapsed:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {rounds} rounds failed:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        gateway.logs()
    );
    assert!(
        gateway.stderr().contains("SIGHUP"),
        "no SIGHUP reload logged:\n{}",
        gateway.logs()
    );
}

#[test]
fn sigterm_drains_and_exits_cleanly() {
    let mut gateway = Gateway::start(&valid("edition 0", true));
    assert_eq!(seen(&gateway), ("edition 0".to_owned(), true));
    let status = gateway
        .terminate(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("still running 30 s after SIGTERM:\n{}", gateway.logs()));
    assert!(status.success(), "exit {status}:\n{}", gateway.logs());
    assert!(!gateway.is_running());
    assert!(
        post_taxii(&gateway.url("public"), XML11, SERVICES11, None, "<x/>").is_err(),
        "still answering after exit"
    );
}

/// `routes` with one more listener, `second`, bound to `bind`.
fn with_second_listener(routes: &str, bind: &str) -> String {
    routes.replacen(
        "[[partner]]",
        &format!(
            "[[listener]]\nname = \"second\"\nprotocol = \"http\"\nbind = \"{bind}\"\npath = \"/two\"\n\n[[partner]]"
        ),
        1,
    )
}

fn discovery_works(url: &str) -> Result<(), String> {
    let body = format!(r#"<taxii_11:Discovery_Request {NS} message_id="1"/>"#);
    let answer = post_taxii(url, XML11, SERVICES11, None, &body)?;
    match answer.message()?.body {
        Body::DiscoveryResponse(_) => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

fn wait_until(what: &str, gateway: &Gateway, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + EFFECT_WITHIN;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what}: not within {EFFECT_WITHIN:?}\n{}",
            gateway.logs()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn listeners_are_added_rebound_and_removed_by_a_reload() {
    let base = valid("edition 0", true);
    let gateway = Gateway::start(&base);
    let public = gateway.url("public");
    let first = format!("127.0.0.1:{}", taxii_testkit::free_port());
    let second = format!("127.0.0.1:{}", taxii_testkit::free_port());

    gateway.rewrite_routes(&with_second_listener(&base, &first));
    let url = format!("http://{first}/two");
    wait_until("the added listener answers", &gateway, || {
        discovery_works(&url).is_ok()
    });
    assert!(
        gateway.stderr().contains("listener=second"),
        "{}",
        gateway.logs()
    );

    gateway.rewrite_routes(&with_second_listener(&base, &second));
    gateway.sighup();
    let moved = format!("http://{second}/two");
    wait_until("the rebound listener answers", &gateway, || {
        discovery_works(&moved).is_ok()
    });
    wait_until("the old address is released", &gateway, || {
        discovery_works(&url).is_err()
    });

    gateway.rewrite_routes(&base);
    wait_until("the removed listener stops", &gateway, || {
        discovery_works(&moved).is_err()
    });
    discovery_works(&public).unwrap_or_else(|e| panic!("public listener: {e}\n{}", gateway.logs()));
}

#[test]
fn changing_who_may_use_a_listener_fails_no_exchange() {
    // A fixed port: a listener restarted by the reload must come back where partners are.
    let bind = format!("127.0.0.1:{}", taxii_testkit::free_port());
    // guest sees indicators only; acme, once in, sees advisories too.
    let anonymous = valid("edition 0", false).replace("127.0.0.1:0", &bind);
    let gateway = Gateway::start_with_env(&anonymous, &[("GW_TEST_RELOAD_ACME", "acme-1")]);
    let url = gateway.url("public");
    let stop = Arc::new(AtomicBool::new(false));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let rounds = Arc::new(AtomicUsize::new(0));
    // Two clients without pauses, so that a moment without a listener is noticed.
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let (stop, failures, rounds, url) = (
                Arc::clone(&stop),
                Arc::clone(&failures),
                Arc::clone(&rounds),
                url.clone(),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    rounds.fetch_add(1, Ordering::Relaxed);
                    if let Err(e) = discovery_works(&url) {
                        failures.lock().unwrap().push(e);
                    }
                }
            })
        })
        .collect();
    // A Basic partner joins the anonymous one on the same listener, and leaves again,
    // three times.
    let with_basic = anonymous.replacen(
        "[[peer]]",
        "[[partner]]\nname = \"acme\"\nauth = { basic = { user = \"acme\", password_env = \"GW_TEST_RELOAD_ACME\" } }\ncollections = [\"indicators\", \"advisories\"]\n\n[[peer]]",
        1,
    );
    let acme = taxii_testkit::Account {
        username: "acme",
        password: "acme-1",
    };
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="1"/>"#);
    let acme_sees_advisories = || {
        post_taxii(&url, XML11, SERVICES11, Some(acme), &info).is_ok_and(|a| {
            a.status == 200
                && matches!(a.message(), Ok(m) if matches!(&m.body,
                    Body::CollectionInformationResponse(r)
                        if r.collections.iter().any(|c| c.collection_name == "advisories")))
        })
    };
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(200));
        gateway.rewrite_routes(&with_basic);
        wait_until("acme is let in", &gateway, acme_sees_advisories);
        std::thread::sleep(Duration::from_millis(200));
        // Its credentials no longer give its rights.
        gateway.rewrite_routes(&anonymous);
        wait_until("acme is out", &gateway, || !acme_sees_advisories());
    }
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("client");
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} anonymous exchanges failed while partners changed:\n{}\n{}",
        failures.len(),
        rounds.load(Ordering::Relaxed),
        failures.join("\n"),
        gateway.logs()
    );
}

#[test]
fn a_hub_collection_added_by_a_reload_takes_pushes_and_polls() {
    let base = valid("edition 0", true);
    let gateway = Gateway::start(&base);
    let url = gateway.url("public");
    let added = base.replace(
        r#"collections = ["indicators", "advisories"]"#,
        r#"collections = ["indicators", "advisories", "fresh"]"#,
    ) + "\n[[collection]]\nname = \"fresh\"\npeer = \"hub\"\n";
    gateway.rewrite_routes(&added);
    let push = format!(
        r#"<taxii_11:Inbox_Message {NS} message_id="1"><taxii_11:Destination_Collection_Name>fresh</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
        stix_package("fresh-1")
    );
    wait_until("the new collection is listed", &gateway, || {
        post_taxii(
            &url,
            XML11,
            SERVICES11,
            None,
            &format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="2"/>"#),
        )
        .is_ok_and(|a| a.text().contains("collection_name=\"fresh\""))
    });
    let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, None, &push);
    assert!(
        matches!(&answer.body, Body::StatusMessage(s) if s.status_type == StatusType::Success),
        "push to the added hub collection: {answer:?}\n{}",
        gateway.logs()
    );
    let poll = format!(
        r#"<taxii_11:Poll_Request {NS} message_id="3" collection_name="fresh"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, None, &poll);
    match &answer.body {
        Body::PollResponse(r) => assert_eq!(r.content_blocks.len(), 1, "{r:?}"),
        other => panic!(
            "poll of the added hub collection: {other:?}\n{}",
            gateway.logs()
        ),
    }
}

/// A table whose collection `stuck` lives at a peer that accepts connections and never
/// answers (timeout `timeout_ms`), besides the hub's `indicators`.
fn with_stuck_peer(port: u16, timeout_ms: u64) -> String {
    valid("edition 0", false)
        .replace(
            r#"collections = ["indicators"]"#,
            r#"collections = ["indicators", "stuck"]"#,
        )
        + &format!(
            "\n[[peer]]\nname = \"silent\"\nprotocol = \"http\"\nmessage = \"xml11\"\npoll = \"http://127.0.0.1:{port}/poll\"\ntimeout_ms = {timeout_ms}\n\n[[collection]]\nname = \"stuck\"\npeer = \"silent\"\nservices = [\"poll\"]\n"
        )
}

fn poll_of(collection: &str) -> String {
    format!(
        r#"<taxii_11:Poll_Request {NS} message_id="77" collection_name="{collection}"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    )
}

#[test]
fn an_exchange_in_flight_finishes_on_the_table_it_started_with() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let table = with_stuck_peer(port, 2500);
    let gateway = Gateway::start(&table);
    let url = gateway.url("public");
    let in_flight = {
        let url = url.clone();
        std::thread::spawn(move || post_taxii(&url, XML11, SERVICES11, None, &poll_of("stuck")))
    };
    std::thread::sleep(Duration::from_millis(500));
    // The collection is revoked while its poll waits for the peer.
    let reloads = gateway.stderr().matches("route table reloaded").count();
    gateway.rewrite_routes(&valid("edition 1", false));
    assert!(
        gateway.wait_for_log("route table reloaded", reloads, EFFECT_WITHIN),
        "{}",
        gateway.logs()
    );
    let (_, now) = exchange(&gateway, &url, XML11, SERVICES11, None, &poll_of("stuck"));
    assert!(
        matches!(&now.body, Body::StatusMessage(s) if s.status_type == StatusType::NotFound),
        "a new exchange still sees the old table: {now:?}"
    );
    // The old exchange is answered by the old table: the peer's timeout, not a dropped
    // connection and not NOT_FOUND.
    let answer = in_flight
        .join()
        .expect("thread")
        .unwrap_or_else(|e| panic!("the in-flight exchange failed: {e}\n{}", gateway.logs()));
    let message = answer.message().expect("a TAXII answer");
    match &message.body {
        Body::StatusMessage(s) => assert!(
            matches!(s.status_type, StatusType::Retry | StatusType::Failure),
            "{s:?}"
        ),
        other => panic!("{other:?}"),
    }
    drop(silent);
}

#[test]
fn sigterm_lets_an_exchange_in_flight_finish() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let mut gateway = Gateway::start(&with_stuck_peer(port, 2000));
    let url = gateway.url("public");
    let in_flight = {
        let url = url.clone();
        std::thread::spawn(move || post_taxii(&url, XML11, SERVICES11, None, &poll_of("stuck")))
    };
    std::thread::sleep(Duration::from_millis(500));
    let status = gateway
        .terminate(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("still running after SIGTERM:\n{}", gateway.logs()));
    assert!(status.success(), "exit {status}:\n{}", gateway.logs());
    let answer = in_flight
        .join()
        .expect("thread")
        .unwrap_or_else(|e| panic!("the in-flight exchange was cut: {e}\n{}", gateway.logs()));
    assert!(answer.message().is_ok(), "{answer:?}");
    drop(silent);
}

#[test]
fn sighup_rereads_a_changed_password_file() {
    let table = |dir: &std::path::Path| {
        valid("edition 0", false).replacen(
            "[[peer]]",
            &format!(
                "[[partner]]\nname = \"acme\"\nauth = {{ basic = {{ user = \"acme\", password_file = \"{}\" }} }}\ncollections = [\"indicators\"]\n\n[[peer]]",
                dir.join("acme-password").display()
            ),
            1,
        )
    };
    let secrets = tempfile::tempdir().expect("tempdir");
    std::fs::write(secrets.path().join("acme-password"), "first-secret\n").expect("write");
    let gateway = Gateway::start(&table(secrets.path()));
    let url = gateway.url("public");
    let body = format!(r#"<taxii_11:Discovery_Request {NS} message_id="1"/>"#);
    let status_with = |password: &'static str| {
        post_taxii(
            &url,
            XML11,
            SERVICES11,
            Some(taxii_testkit::Account {
                username: "acme",
                password,
            }),
            &body,
        )
        .expect("post")
        .status
    };
    assert_eq!(status_with("first-secret"), 200);
    assert_eq!(status_with("second-secret"), 401);
    std::fs::write(secrets.path().join("acme-password"), "second-secret\n").expect("write");
    gateway.sighup();
    wait_until("the new password is in force", &gateway, || {
        status_with("second-secret") == 200
    });
    assert_eq!(status_with("first-secret"), 401);
}
