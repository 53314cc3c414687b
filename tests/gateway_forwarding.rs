//! Forwarding details against a real OpenTAXII: inbox fan-out (`push_to`) with every target
//! accepting and with one refusing, an unreachable peer, and service addresses built from
//! how the partner reached the gateway (Host header, `public_url`).

mod common;

use common::*;
use std::time::{Duration, Instant};
use taxii_core::{Body, StatusType};
use taxii_testkit::{free_port, OpenTaxii, HARNESS_ACCOUNT};

const HARNESS_ENV: &str = "GW_TEST_FWD_HARNESS";
const READER_ENV: &str = "GW_TEST_FWD_READER";
const NS: &str = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;

fn routes(server: &OpenTaxii, dead_port: u16) -> String {
    let base = server.base_url();
    format!(
        r#"
[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[listener]]
name = "proxied"
protocol = "http"
bind = "127.0.0.2:0"
path = "/internal"
public_url = "https://taxii.example.org/feeds"

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "ot"
protocol = "http"
message = "xml11"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "harness", password_env = "{HARNESS_ENV}" }} }}

[[peer]]
name = "ot-reader"
protocol = "http"
message = "xml11"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "reader", password_env = "{READER_ENV}" }} }}

[[peer]]
name = "down"
protocol = "http"
message = "xml11"
collection_management = "http://127.0.0.1:{dead_port}/services/collection-management"
poll = "http://127.0.0.1:{dead_port}/services/poll"
inbox = "http://127.0.0.1:{dead_port}/services/inbox"
connect_timeout_ms = 1000
timeout_ms = 3000

[[collection]]
name = "both"
peer = "ot"
remote = "collection-a"
push_to = [{{ peer = "ot", remote = "collection-b" }}]

[[collection]]
name = "half"
peer = "ot"
remote = "collection-a"
services = ["inbox"]
push_to = [{{ peer = "ot-reader", remote = "collection-b" }}]

[[collection]]
name = "offline"
peer = "down"
"#
    )
}

fn start() -> (OpenTaxii, Gateway) {
    let server = OpenTaxii::start();
    let gateway = Gateway::start_with_env(
        &routes(&server, free_port()),
        &[(HARNESS_ENV, "harness-pass"), (READER_ENV, "reader-pass")],
    );
    (server, gateway)
}

fn inbox(collection: &str, marker: &str) -> String {
    format!(
        r#"<taxii_11:Inbox_Message {NS} message_id="{marker}1"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
        stix_package(marker)
    )
}

fn status_of(gateway: &Gateway, url: &str, body: &str) -> taxii_core::StatusMessage {
    let (_, answer) = exchange(gateway, url, XML11, SERVICES11, None, body);
    match answer.body {
        Body::StatusMessage(s) => s,
        other => panic!("not a Status_Message: {other:?}\n{}", gateway.logs()),
    }
}

fn holds(server: &OpenTaxii, collection: &str, marker: &str) -> bool {
    server
        .poll_11(HARNESS_ACCOUNT, collection)
        .expect("OpenTAXII polled directly")
        .iter()
        .any(|b| {
            b.content
                .contains(&format!("<stix:Title>{marker}</stix:Title>"))
        })
}

#[test]
fn fan_out_succeeds_only_when_every_target_accepts() {
    let (server, gateway) = start();
    let url = gateway.url("public");

    let s = status_of(&gateway, &url, &inbox("both", "fanned"));
    assert_eq!(
        s.status_type,
        StatusType::Success,
        "{s:?}\n{}",
        gateway.logs()
    );
    assert!(
        holds(&server, "collection-a", "fanned"),
        "not in collection-a"
    );
    assert!(
        holds(&server, "collection-b", "fanned"),
        "not fanned out to collection-b"
    );

    // collection-a accepts, OpenTAXII refuses the reader's copy for collection-b.
    let s = status_of(&gateway, &url, &inbox("half", "halved"));
    assert_ne!(s.status_type, StatusType::Success, "{s:?}");
    let text = s.message.clone().unwrap_or_default();
    assert!(
        text.contains("ot-reader") && text.contains("UNAUTHORIZED"),
        "the status does not name the target that refused: {s:?}"
    );
    assert!(
        !format!("{s:?}").contains("collection-"),
        "OpenTAXII's collection names leaked: {s:?}"
    );
    assert!(
        holds(&server, "collection-a", "halved"),
        "the accepting target lost it"
    );
    assert!(!holds(&server, "collection-b", "halved"));
}

#[test]
fn an_unreachable_peer_is_a_status_with_the_reason_within_its_timeout() {
    let (_server, gateway) = start();
    let url = gateway.url("public");
    let poll = format!(
        r#"<taxii_11:Poll_Request {NS} message_id="3" collection_name="offline"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    let started = Instant::now();
    let s = status_of(&gateway, &url, &poll);
    let took = started.elapsed();
    assert!(
        matches!(s.status_type, StatusType::Retry | StatusType::Failure),
        "{s:?}"
    );
    assert!(
        s.message.as_deref().unwrap_or_default().contains("down"),
        "the status does not say which peer failed: {s:?}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // The reason names the peer, never its hidden address.
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("127.0.0.1"),
        "the peer's address leaked: {shown}"
    );
    // Collection information still answers, marking it unavailable.
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="4"/>"#);
    let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, None, &info);
    let Body::CollectionInformationResponse(r) = answer.body else {
        panic!("{answer:?}");
    };
    let offline = r
        .collections
        .iter()
        .find(|c| c.collection_name == "offline")
        .expect("offline listed");
    assert_eq!(offline.available, Some(false), "{offline:?}");
    let both = r
        .collections
        .iter()
        .find(|c| c.collection_name == "both")
        .expect("both listed");
    assert_eq!(both.available, Some(true), "{both:?}");
}

#[test]
fn addresses_follow_the_host_the_partner_used_or_the_public_url() {
    let (server, gateway) = start();
    let discovery = format!(r#"<taxii_11:Discovery_Request {NS} message_id="5"/>"#);
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="6"/>"#);

    // Reached as gw.example:8080 (e.g. through a port forward): that is what it advertises.
    let mut headers = taxii_headers(XML11, SERVICES11, None);
    headers.push(("Host", "gw.example:8080".to_owned()));
    for body in [&discovery, &info] {
        let answer = http_post(&gateway.url("public"), &headers, body.as_bytes()).expect("post");
        let text = answer.text();
        assert!(
            text.contains("http://gw.example:8080/taxii/"),
            "not built from the Host header:\n{text}"
        );
        assert!(!text.contains("127.0.0.1"), "{text}");
        assert!(!text.contains(&server.port().to_string()), "{text}");
    }

    // Behind a proxy: the listener's public_url, and HTTPS as its protocol binding.
    for body in [&discovery, &info] {
        let (_, answer) = exchange(
            &gateway,
            &gateway.url("proxied"),
            XML11,
            SERVICES11,
            None,
            body,
        );
        let endpoints: Vec<(String, String)> = match &answer.body {
            Body::DiscoveryResponse(r) => r
                .service_instances
                .iter()
                .map(|s| (s.protocol_binding.clone(), s.address.clone()))
                .collect(),
            Body::CollectionInformationResponse(r) => r
                .collections
                .iter()
                .flat_map(|c| c.polling_services.iter().chain(&c.subscription_services))
                .map(|e| (e.protocol_binding.clone(), e.address.clone()))
                .collect(),
            other => panic!("{other:?}"),
        };
        assert!(!endpoints.is_empty());
        for (protocol, address) in endpoints {
            assert!(
                address.starts_with("https://taxii.example.org/feeds/"),
                "{address}"
            );
            assert_eq!(protocol, "urn:taxii.mitre.org:protocol:https:1.0");
        }
    }
}

#[test]
fn a_peer_that_never_answers_is_a_status_within_its_timeout() {
    // A socket that accepts connections (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let routes = format!(
        r#"
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
name = "silent"
protocol = "http"
message = "xml11"
poll = "http://127.0.0.1:{port}/services/poll"
collection_management = "http://127.0.0.1:{port}/services/collection-management"
timeout_ms = 1500

[[collection]]
name = "stuck"
peer = "silent"
services = ["information", "poll"]
"#
    );
    let gateway = Gateway::start(&routes);
    let url = gateway.url("public");
    let poll = format!(
        r#"<taxii_11:Poll_Request {NS} message_id="3" collection_name="stuck"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    let started = Instant::now();
    let s = status_of(&gateway, &url, &poll);
    let took = started.elapsed();
    assert!(
        matches!(s.status_type, StatusType::Retry | StatusType::Failure),
        "{s:?}"
    );
    assert!(
        s.message.as_deref().unwrap_or_default().contains("silent"),
        "the status does not name the peer: {s:?}"
    );
    let shown = format!("{s:?}");
    assert!(
        !shown.contains(&port.to_string()),
        "the peer's address leaked: {shown}"
    );
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_secs(4),
        "answered after {took:?}, the peer's timeout is 1.5 s"
    );
    // Collection information does not wait longer than the timeout either.
    let started = Instant::now();
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="4"/>"#);
    let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, None, &info);
    assert!(started.elapsed() < Duration::from_secs(4));
    let Body::CollectionInformationResponse(r) = answer.body else {
        panic!("{answer:?}");
    };
    assert_eq!(r.collections[0].available, Some(false), "{r:?}");
    drop(silent);
}

#[test]
fn concurrent_partners_are_all_answered_by_opentaxii() {
    let (server, gateway) = start();
    let url = gateway.url("public");
    let (_, pushed) = exchange(
        &gateway,
        &url,
        XML11,
        SERVICES11,
        None,
        &inbox("both", "concurrent"),
    );
    assert!(matches!(&pushed.body, Body::StatusMessage(s) if s.status_type == StatusType::Success));
    let poll = format!(
        r#"<taxii_11:Poll_Request {NS} message_id="9" collection_name="both"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    );
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (url, poll) = (url.clone(), poll.clone());
            std::thread::spawn(move || {
                (0..10)
                    .map(|_| match post_taxii(&url, XML11, SERVICES11, None, &poll) {
                        Ok(a) => match a.message() {
                            Ok(m) => match m.body {
                                Body::PollResponse(r) if r.content_blocks.len() == 1 => Ok(()),
                                other => Err(format!("{other:?}")),
                            },
                            Err(e) => Err(e),
                        },
                        Err(e) => Err(e),
                    })
                    .filter_map(Result::err)
                    .collect::<Vec<String>>()
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of 80 concurrent polls failed:\n{}\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        gateway.logs(),
        server.logs()
    );
}
