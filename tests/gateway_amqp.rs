//! Issue 6 end to end through the gateway binary, with the real RabbitMQ at 127.0.0.1:5672
//! (guest/guest) and pika as the foreign AMQP side:
//!
//! * cabby (XML over HTTP) -> gateway -> an AMQP community whose member (pika + libtaxii)
//!   answers in CERT-EU JSON 1.1 and 1.0: poll and inbox, content intact;
//! * a pika partner (XML 1.1 with `reply_to`) -> the gateway's AMQP listener -> OpenTAXII
//!   over HTTP: discovery (the addresses are the gateway's queue), poll, inbox;
//! * refusals at the AMQP listener: poison bodies, wrong content types, missing headers,
//!   oversized bodies get clear statuses, are dead-lettered, and the gateway keeps consuming.

#[path = "amqp_support/mod.rs"]
mod amqp_support;
mod common;

use amqp_support::*;
use common::*;
use taxii_core::{Body, ServiceType, StatusType};
use taxii_testkit::serde_json::{json, Value};
use taxii_testkit::{require_rabbitmq, OpenTaxii, HARNESS_ACCOUNT};

const AMQP_PASSWORD_ENV: &str = "GW_TEST_AMQP_PASSWORD";
const OT_PASSWORD_ENV: &str = "GW_TEST_AMQP_OT_PASSWORD";
const NS: &str = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;

/// An HTTP listener in front of one AMQP community peer speaking JSON in `services`.
fn community_routes(poll_queue: &str, inbox_queue: &str, services: &str) -> String {
    format!(
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
name = "community"
protocol = "amqp"
message = "json"
services = "{services}"
poll = "{BROKER_URL}?queue={poll_queue}"
inbox = "{BROKER_URL}?queue={inbox_queue}"
auth = {{ basic = {{ user = "guest", password_env = "{AMQP_PASSWORD_ENV}" }} }}

[[collection]]
name = "intel"
peer = "community"
remote = "community-intel"
services = ["poll", "inbox"]
"#
    )
}

fn cabby_through_a_json_community(services: &str, version: &str) {
    require_rabbitmq();
    let _broker = broker_lock_shared();
    let poll_queue = unique("community.poll");
    let inbox_queue = unique("community.inbox");
    let _cleanup = Queues::new(&[&poll_queue, &inbox_queue]);
    let community = Community::start(&[&poll_queue, &inbox_queue], version, 3);
    let gateway = Gateway::start_with_env(
        &community_routes(&poll_queue, &inbox_queue, services),
        &[(AMQP_PASSWORD_ENV, "guest")],
    );
    let marker = format!("amqp-json-{}", version.replace('.', ""));
    let package = stix_package(&marker);
    let file = gateway.dir().join("package.xml");
    std::fs::write(&file, &package).expect("write package");

    let pushed = cabby(
        "taxii-push",
        gateway.port("public"),
        "/taxii/inbox",
        None,
        &["-f", &file.to_string_lossy(), "--dest", "intel"],
    );
    assert!(
        pushed.contains("Content block successfully pushed") && !pushed.contains("ERROR"),
        "cabby push through the gateway to the AMQP community failed:\n{pushed}\n{}",
        gateway.logs()
    );
    // cabby (libtaxii) re-indents the XML it sends; a raw HTTP push shows the gateway
    // passes content byte for byte.
    let exact = stix_package(&format!("{marker}-raw"));
    let (_, answer) = exchange(
        &gateway,
        &format!("{}/inbox", gateway.url("public")),
        XML11,
        SERVICES11,
        None,
        &format!(
            r#"<taxii_11:Inbox_Message {NS} message_id="77"><taxii_11:Destination_Collection_Name>intel</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{exact}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#
        ),
    );
    assert_eq!(
        status(&answer).map(|s| s.status_type.clone()),
        Some(StatusType::Success),
        "{answer:?}\n{}",
        gateway.logs()
    );
    let polled = cabby(
        "taxii-poll",
        gateway.port("public"),
        "/taxii/poll",
        None,
        &["-c", "intel"],
    );
    assert!(
        !polled.contains("ERROR") && polled.contains("2 blocks polled"),
        "cabby poll through the gateway of the AMQP community failed:\n{polled}\n{}",
        gateway.logs()
    );
    for n in 1..=2 {
        // cabby prints each block as lxml serialises it (with the in-scope namespace
        // declarations added to the element): compare from the attributes on.
        let block =
            format!(r#"collection="community-intel" n="{n}">pika-poll-content</poll-block>"#);
        assert!(
            polled.contains(&block),
            "block {n} of the member's JSON Poll_Response is not in cabby's poll:\n{polled}"
        );
    }

    let received = community.finish();
    assert_eq!(received.len(), 3, "the member received {received:#?}");
    let inboxes: Vec<&Value> = received
        .iter()
        .filter(|m| m["message_type"] == "InboxMessage")
        .collect();
    assert_eq!(
        inboxes.len(),
        2,
        "two Inbox_Messages expected: {received:#?}"
    );
    let poll = received
        .iter()
        .find(|m| m["message_type"] == "PollRequest")
        .unwrap_or_else(|| panic!("no Poll_Request reached the member: {received:#?}"));
    assert_eq!(poll["queue"], poll_queue.as_str(), "{poll:#}");
    let expected_services = if version == "1.1" {
        SERVICES11
    } else {
        SERVICES10
    };
    for m in inboxes.iter().copied().chain([poll]) {
        let headers = &m["headers"];
        assert_eq!(headers["x-taxii-content-type"], JSON, "{m:#}");
        assert_eq!(headers["x-taxii-services"], expected_services, "{m:#}");
        assert_eq!(headers["x-taxii-protocol"], AMQP_PROTOCOL, "{m:#}");
        assert_eq!(m["content_type"], "application/json", "{m:#}");
        assert_eq!(m["user_id"], "guest", "{m:#}");
        assert!(
            m.get("error").is_none(),
            "libtaxii could not read it: {m:#}"
        );
        assert!(m["reply_to"].as_str().is_some(), "{m:#}");
    }
    let mut contents = Vec::new();
    for inbox in &inboxes {
        assert_eq!(inbox["queue"], inbox_queue.as_str(), "{inbox:#}");
        if version == "1.1" {
            assert!(
                inbox["body"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("community-intel"),
                "the 1.1 Inbox_Message does not name the member's collection: {inbox:#}"
            );
        }
        let blocks = inbox["content_blocks"].as_array().expect("blocks");
        assert_eq!(blocks.len(), 1, "{inbox:#}");
        assert_eq!(blocks[0]["content_binding"], STIX111, "{inbox:#}");
        contents.push(blocks[0]["content"].as_str().unwrap_or_default().to_owned());
    }
    assert!(
        contents.iter().any(|c| without_indentation(c) == package),
        "cabby's content did not reach the AMQP member: {contents:#?}"
    );
    assert!(
        contents.contains(&exact),
        "the raw push's content changed on its way to the AMQP member: {contents:#?}"
    );
}

#[test]
fn cabby_polls_and_pushes_through_the_gateway_to_an_amqp_json_11_community() {
    cabby_through_a_json_community("1.1", "1.1");
}

#[test]
fn cabby_polls_and_pushes_through_the_gateway_to_an_amqp_json_10_community() {
    cabby_through_a_json_community("1.0", "1.0");
}

/// An AMQP listener (queue `queue`) in front of OpenTAXII.
fn opentaxii_routes(server: &OpenTaxii, queue: &str, max_body: Option<usize>) -> String {
    let base = server.base_url();
    let max_body = max_body.map_or(String::new(), |n| format!("max_body_bytes = {n}"));
    format!(
        r#"
[[listener]]
name = "bus"
protocol = "amqp"
url = "{BROKER_URL}"
queue = "{queue}"
prefetch = 8
message_bindings = ["xml11", "xml10", "json"]
{max_body}

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "ot"
protocol = "http"
message = "xml11"
discovery = "{base}/services/discovery"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "harness", password_env = "{OT_PASSWORD_ENV}" }} }}

[[collection]]
name = "indicators"
peer = "ot"
remote = "collection-a"
"#
    )
}

fn discovery_request(id: &str) -> String {
    format!(r#"<taxii_11:Discovery_Request {NS} message_id="{id}"/>"#)
}

fn poll_request(id: &str, collection: &str) -> String {
    format!(
        r#"<taxii_11:Poll_Request {NS} message_id="{id}" collection_name="{collection}"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    )
}

fn inbox_message(id: &str, collection: &str, content: &str) -> String {
    format!(
        r#"<taxii_11:Inbox_Message {NS} message_id="{id}"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{content}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#
    )
}

/// (host:port, vhost, queue) of an AMQP address, percent-decoded.
fn amqp_destination(address: &str) -> (String, String, String) {
    let url = url::Url::parse(address).unwrap_or_else(|e| panic!("{address}: {e}"));
    assert_eq!(url.scheme(), "amqp", "{address}");
    let vhost = url::form_urlencoded::parse(url.path().trim_start_matches('/').as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default();
    let queue = url
        .query_pairs()
        .find(|(k, _)| k == "queue")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no queue in {address}"));
    (
        format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port().unwrap_or(5672)
        ),
        vhost,
        queue,
    )
}

/// `xml` with the whitespace between tags removed.
fn without_indentation(xml: &str) -> String {
    let mut out = String::new();
    for (n, piece) in xml.trim().split('>').enumerate() {
        if n > 0 {
            out.push('>');
        }
        // A piece is "text<tag ...": drop the text when it is whitespace only.
        match piece.split_once('<') {
            Some((text, tag)) if text.trim().is_empty() => {
                out.push('<');
                out.push_str(tag);
            }
            _ => out.push_str(piece),
        }
    }
    out
}

fn status(message: &taxii_core::Message) -> Option<&taxii_core::StatusMessage> {
    match &message.body {
        Body::StatusMessage(s) => Some(s),
        _ => None,
    }
}

#[test]
fn a_pika_partner_reaches_opentaxii_through_the_gateways_amqp_listener() {
    require_rabbitmq();
    let _broker = broker_lock_shared();
    let server = OpenTaxii::start();
    let queue = unique("gateway.listener");
    let _cleanup = Queues::new(&[&queue]);
    let gateway = Gateway::start_with_env(
        &opentaxii_routes(&server, &queue, None),
        &[(OT_PASSWORD_ENV, "harness-pass")],
    );
    let seeded = stix_package("amqp-partner-seeded");
    server
        .push_11(HARNESS_ACCOUNT, &["collection-a"], &seeded)
        .expect("seed OpenTAXII");
    let pushed = stix_package("amqp-partner-pushed");

    let run = partner(
        &queue,
        &[
            request(XML11, SERVICES11, "c-discovery", &discovery_request("101")),
            request(
                XML11,
                SERVICES11,
                "c-inbox",
                &inbox_message("102", "indicators", &pushed),
            ),
        ],
        30,
    );
    assert_eq!(
        run.returned, 0,
        "the listener queue did not take the requests"
    );
    let logs = || format!("{}\n{}", gateway.logs(), server.logs());

    // Discovery: every address is the gateway's queue, over the AMQP binding.
    let discovery = reply_message(run.reply("c-discovery")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run.reply("c-discovery")["headers"]["x-taxii-content-type"],
        XML11
    );
    let Body::DiscoveryResponse(d) = &discovery.body else {
        panic!("not a Discovery_Response: {discovery:?}\n{}", logs());
    };
    assert_eq!(discovery.header.in_response_to.as_deref(), Some("101"));
    assert!(!d.service_instances.is_empty(), "{d:?}");
    let opentaxii = format!("127.0.0.1:{}", server.port());
    for instance in &d.service_instances {
        assert_eq!(
            amqp_destination(&instance.address),
            ("127.0.0.1:5672".to_owned(), "/".to_owned(), queue.clone()),
            "{instance:?}"
        );
        assert_eq!(instance.protocol_binding, AMQP_PROTOCOL, "{instance:?}");
        assert!(!instance.address.contains(&opentaxii), "{instance:?}");
    }
    for service in [ServiceType::Poll, ServiceType::Inbox] {
        assert!(
            d.service_instances
                .iter()
                .any(|i| i.service_type == service),
            "no {service:?} service in {d:?}"
        );
    }
    assert!(
        !run.reply("c-discovery")["body"]
            .as_str()
            .unwrap_or_default()
            .contains(&opentaxii),
        "OpenTAXII's address leaked"
    );

    // Inbox: OpenTAXII's SUCCESS comes back on the reply queue.
    let inbox = reply_message(run.reply("c-inbox")).unwrap_or_else(|e| panic!("{e}"));
    let s = status(&inbox).unwrap_or_else(|| panic!("not a status: {inbox:?}"));
    assert_eq!(s.status_type, StatusType::Success, "{s:?}\n{}", logs());
    assert_eq!(inbox.header.in_response_to.as_deref(), Some("102"));

    // Poll (after the inbox reply, so the pushed block is there): both blocks.
    let run = partner(
        &queue,
        &[request(
            XML11,
            SERVICES11,
            "c-poll",
            &poll_request("103", "indicators"),
        )],
        30,
    );
    let poll = reply_message(run.reply("c-poll")).unwrap_or_else(|e| panic!("{e}"));
    let Body::PollResponse(p) = &poll.body else {
        panic!("not a Poll_Response: {poll:?}\n{}", logs());
    };
    assert_eq!(
        p.collection_name, "indicators",
        "the partner sees the gateway's name"
    );
    // OpenTAXII stores content re-indented: compare without the whitespace between tags.
    let contents: Vec<String> = p
        .content_blocks
        .iter()
        .map(|b| without_indentation(&String::from_utf8_lossy(&b.content.bytes)))
        .collect();
    for expected in [&seeded, &pushed] {
        assert!(
            contents.iter().any(|c| *c == without_indentation(expected)),
            "{expected} not polled intact: {contents:#?}\n{}",
            logs()
        );
    }
    // OpenTAXII saw the push under its own name.
    let blocks = server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("poll OpenTAXII");
    assert!(
        blocks.iter().any(|b| b
            .content
            .contains("<stix:Title>amqp-partner-pushed</stix:Title>")),
        "the pushed block is not in OpenTAXII's collection-a: {:#?}",
        blocks.iter().map(|b| &b.content).collect::<Vec<_>>()
    );
    assert!(
        drain(&format!("{queue}.dead"), 10).is_empty(),
        "good requests were dead-lettered"
    );
}

#[test]
fn the_amqp_listener_refuses_bad_messages_dead_letters_them_and_keeps_consuming() {
    require_rabbitmq();
    let _broker = broker_lock_shared();
    let server = OpenTaxii::start();
    let queue = unique("gateway.refusals");
    let _cleanup = Queues::new(&[&queue]);
    const LIMIT: usize = 64 * 1024;
    let gateway = Gateway::start_with_env(
        &opentaxii_routes(&server, &queue, Some(LIMIT)),
        &[(OT_PASSWORD_ENV, "harness-pass")],
    );
    let discovery = discovery_request("7");
    let headers = amqp_headers(XML11, SERVICES11);
    let mut missing_content_type = headers.clone();
    missing_content_type
        .as_object_mut()
        .unwrap()
        .remove("x-taxii-content-type");
    let mut missing_services = headers.clone();
    missing_services
        .as_object_mut()
        .unwrap()
        .remove("x-taxii-services");
    let mut wrong_protocol = headers.clone();
    wrong_protocol["x-taxii-protocol"] = json!("urn:taxii.mitre.org:protocol:http:1.0");
    let mut unknown_binding = headers.clone();
    unknown_binding["x-taxii-content-type"] = json!("urn:example:message:yaml:1.0");
    let with = |id: &str, body: &str, content_type: &str, headers: &Value| {
        json!({"body": body, "content_type": content_type, "headers": headers,
               "reply": true, "correlation_id": id})
    };
    // (correlation id, request, the status expected)
    let cases: Vec<(&str, Value, StatusType)> = vec![
        (
            "poison-xml",
            with(
                "poison-xml",
                "<taxii_11:Discovery_Request",
                "application/xml",
                &headers,
            ),
            StatusType::BadMessage,
        ),
        (
            "poison-bytes",
            with(
                "poison-bytes",
                "\u{1}\u{2}not xml at all",
                "application/xml",
                &headers,
            ),
            StatusType::BadMessage,
        ),
        (
            "json-says-xml",
            with("json-says-xml", &discovery, "application/json", &headers),
            StatusType::BadMessage,
        ),
        (
            "no-content-type",
            json!({"body": discovery, "headers": headers, "reply": true,
                   "correlation_id": "no-content-type"}),
            StatusType::BadMessage,
        ),
        (
            "no-binding-header",
            with(
                "no-binding-header",
                &discovery,
                "application/xml",
                &missing_content_type,
            ),
            StatusType::BadMessage,
        ),
        (
            "no-services",
            with(
                "no-services",
                &discovery,
                "application/xml",
                &missing_services,
            ),
            StatusType::BadMessage,
        ),
        (
            "wrong-protocol",
            with(
                "wrong-protocol",
                &discovery,
                "application/xml",
                &wrong_protocol,
            ),
            StatusType::UnsupportedProtocol,
        ),
        (
            "unknown-binding",
            with(
                "unknown-binding",
                &discovery,
                "application/xml",
                &unknown_binding,
            ),
            StatusType::UnsupportedMessage,
        ),
        (
            "empty",
            with("empty", "", "application/xml", &headers),
            StatusType::BadMessage,
        ),
        (
            "oversized",
            {
                let mut r = with(
                    "oversized",
                    "<!-- padding padding padding -->",
                    "application/xml",
                    &headers,
                );
                r["body_repeat"] = json!(LIMIT / 32 + 100);
                r
            },
            StatusType::BadMessage,
        ),
        (
            "not-a-request",
            with(
                "not-a-request",
                &format!(
                    r#"<taxii_11:Status_Message {NS} message_id="9" in_response_to="1" status_type="SUCCESS"/>"#
                ),
                "application/xml",
                &headers,
            ),
            StatusType::BadMessage,
        ),
    ];
    let mut requests: Vec<Value> = cases.iter().map(|(_, r, _)| r.clone()).collect();
    // A one-way poison message (no reply_to): dead-lettered, no answer.
    requests.push(
        json!({"body": "garbage one-way", "content_type": "application/xml",
                         "headers": headers, "reply": false}),
    );
    // And a good request after all of them: the gateway still consumes.
    requests.push(request(XML11, SERVICES11, "still-alive", &discovery));
    let run = partner(&queue, &requests, 30);
    assert_eq!(run.returned, 0);
    let mut failures = Vec::new();
    for (id, _, expected) in &cases {
        let reply = run.reply(id);
        let got = match reply["headers"]["x-taxii-content-type"].as_str() {
            Some(_) => match reply_message(reply) {
                Ok(m) => status(&m).map(|s| (s.status_type.clone(), s.message.clone())),
                Err(e) => {
                    failures.push(format!("{id}: {e}"));
                    continue;
                }
            },
            // A plain reply (README §6): x-taxii-status.
            None => reply["headers"]["x-taxii-status"].as_str().map(|s| {
                (
                    StatusType::parse(s),
                    reply["body"].as_str().map(str::to_owned),
                )
            }),
        };
        match got {
            Some((status, message)) if status == *expected => {
                let message = message.unwrap_or_default();
                if message.trim().is_empty() {
                    failures.push(format!("{id}: {status:?} says nothing"));
                }
                if *id == "oversized" && !message.contains(&LIMIT.to_string()) {
                    failures.push(format!(
                        "{id}: the status does not name the limit: {message}"
                    ));
                }
            }
            other => failures.push(format!(
                "{id}: expected {expected:?}, got {other:?}: {reply:#}"
            )),
        }
    }
    let alive = reply_message(run.reply("still-alive")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(alive.body, Body::DiscoveryResponse(_)),
        "after the refusals the listener no longer answers: {alive:?}"
    );
    // Every refused message waits in the dead-letter queue.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let dead = drain(&format!("{queue}.dead"), 100);
    let mut dead_ids: Vec<&str> = dead
        .iter()
        .filter_map(|m| m["correlation_id"].as_str())
        .collect();
    dead_ids.sort();
    let mut expected_dead: Vec<&str> = cases.iter().map(|(id, _, _)| *id).collect();
    expected_dead.sort();
    if dead_ids != expected_dead {
        failures.push(format!(
            "dead-lettered {dead_ids:?}, expected {expected_dead:?}"
        ));
    }
    if dead.len() != cases.len() + 1 {
        failures.push(format!(
            "{} dead letters, expected {} (the one-way poison message too): {:?}",
            dead.len(),
            cases.len() + 1,
            dead.iter()
                .map(|m| &m["correlation_id"])
                .collect::<Vec<_>>()
        ));
    }
    for m in &dead {
        if m["headers"]["x-death-reason"] != "rejected" {
            failures.push(format!("no x-death rejected: {m:#}"));
        }
    }
    let (ready, consumers) = count(&queue);
    if ready != 0 || consumers < 1 {
        failures.push(format!(
            "listener queue: {ready} ready, {consumers} consumers"
        ));
    }
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.join("\n"),
        gateway.logs()
    );
}

/// An AMQP listener in front of the built-in hub (collection `kept`).
fn hub_routes(queue: &str) -> String {
    format!(
        r#"
[hub]
data_dir = "./data"

[[listener]]
name = "bus"
protocol = "amqp"
url = "{BROKER_URL}"
queue = "{queue}"
message_bindings = ["xml11"]

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "kept"
peer = "hub"
"#
    )
}

/// The gateway answers every failure with a Status Message; over AMQP a failed one-way
/// Inbox message must not be acked as if delivered (it is dead-lettered), and a failed
/// request still gets the gateway's own answer (its in_response_to, its reason).
#[test]
fn a_refused_one_way_inbox_message_is_dead_lettered_and_a_refused_request_gets_the_gateways_answer()
{
    require_rabbitmq();
    let _broker = broker_lock_shared();
    let queue = unique("gateway.hub");
    let _cleanup = Queues::new(&[&queue]);
    let gateway = Gateway::start(&hub_routes(&queue));
    assert!(
        gateway.wait_for_log("consuming", 0, std::time::Duration::from_secs(20)),
        "{}",
        gateway.logs()
    );
    let kept_one_way = stix_package("kept-one-way");
    let kept_request = stix_package("kept-request");
    let one_way = |id: &str, body: String| {
        json!({"body": body, "content_type": "application/xml",
               "headers": amqp_headers(XML11, SERVICES11), "reply": false,
               "correlation_id": id})
    };
    let run = partner(
        &queue,
        &[
            request(
                XML11,
                SERVICES11,
                "r-nowhere",
                &inbox_message("501", "nowhere", &stix_package("lost")),
            ),
            one_way(
                "o-nowhere",
                inbox_message("502", "nowhere", &stix_package("lost")),
            ),
            one_way("o-kept", inbox_message("503", "kept", &kept_one_way)),
            request(
                XML11,
                SERVICES11,
                "r-kept",
                &inbox_message("504", "kept", &kept_request),
            ),
        ],
        30,
    );
    assert_eq!(run.returned, 0);
    let refused = reply_message(run.reply("r-nowhere")).unwrap_or_else(|e| panic!("{e}"));
    let s = status(&refused).unwrap_or_else(|| panic!("not a status: {refused:?}"));
    assert_ne!(s.status_type, StatusType::Success, "{s:?}");
    assert_eq!(
        refused.header.in_response_to.as_deref(),
        Some("501"),
        "the requester did not get the gateway's own answer: {refused:?}"
    );
    assert!(
        s.message.as_deref().is_some_and(|m| m.contains("nowhere")),
        "the reason does not name the collection: {s:?}"
    );
    let kept = reply_message(run.reply("r-kept")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        status(&kept).map(|s| s.status_type.clone()),
        Some(StatusType::Success),
        "{kept:?}\n{}",
        gateway.logs()
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let dead = drain(&format!("{queue}.dead"), 10);
    let dead_ids: Vec<&str> = dead
        .iter()
        .filter_map(|m| m["correlation_id"].as_str())
        .collect();
    assert_eq!(
        dead_ids,
        ["o-nowhere"],
        "only the refused one-way message belongs in the dead-letter queue: {dead:#?}\n{}",
        gateway.logs()
    );
    // Both accepted messages are in the hub.
    let run = partner(
        &queue,
        &[request(
            XML11,
            SERVICES11,
            "poll",
            &poll_request("505", "kept"),
        )],
        30,
    );
    let poll = reply_message(run.reply("poll")).unwrap_or_else(|e| panic!("{e}"));
    let Body::PollResponse(p) = &poll.body else {
        panic!("not a Poll_Response: {poll:?}\n{}", gateway.logs());
    };
    let contents: Vec<String> = p
        .content_blocks
        .iter()
        .map(|b| String::from_utf8_lossy(&b.content.bytes).into_owned())
        .collect();
    for expected in [&kept_one_way, &kept_request] {
        assert!(
            contents.contains(expected),
            "{expected} not in the hub: {contents:#?}"
        );
    }
}

/// RabbitMQ validates `user_id`, so a partner may send it (and taxii-amqp's client, the
/// gateway's own, always does): on a listener whose only partner is anonymous, a
/// broker-validated user with no partner of its own is that anonymous partner, as if it had
/// not sent `user_id` (which it is free to omit anyway).
#[test]
fn a_partner_sending_its_broker_user_id_reaches_an_anonymous_listener() {
    require_rabbitmq();
    let _broker = broker_lock_shared();
    let queue = unique("gateway.user-id");
    let _cleanup = Queues::new(&[&queue]);
    let gateway = Gateway::start(&hub_routes(&queue));
    let mut with_user = request(XML11, SERVICES11, "who", &discovery_request("601"));
    with_user["user_id"] = json!("guest");
    let run = partner(&queue, &[with_user], 30);
    let answer = reply_message(run.reply("who")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(answer.body, Body::DiscoveryResponse(_)),
        "a partner with user_id guest was refused: {answer:?}\n{}",
        gateway.logs()
    );
}
