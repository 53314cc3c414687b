//! cabby and libtaxii (TAXII 1.1 and 1.0, XML) -> the gateway -> a real OpenTAXII.
//!
//! Partners see the gateway's collection names (`indicators`, `advisories`), which the
//! table maps to OpenTAXII's (`collection-a`, `collection-b`); every address they are shown
//! must be the gateway's, never OpenTAXII's port. OpenTAXII's own error statuses must come
//! back as OpenTAXII said them.

mod common;

use common::*;
use taxii_testkit::{OpenTaxii, HARNESS_ACCOUNT};

const PASSWORD_ENV: &str = "GW_TEST_OPENTAXII_HARNESS";
const READER_PASSWORD_ENV: &str = "GW_TEST_OPENTAXII_READER";

/// The table: one anonymous listener in front of OpenTAXII (as harness), plus routes that
/// provoke OpenTAXII's errors: a collection reached with the read-only account, one whose
/// remote name does not exist, and one whose inbox omits the required destination.
fn routes(server: &OpenTaxii) -> String {
    let base = server.base_url();
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
name = "ot"
protocol = "http"
message = "xml11"
discovery = "{base}/services/discovery"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "harness", password_env = "{PASSWORD_ENV}" }} }}

[[peer]]
name = "ot-reader"
protocol = "http"
message = "xml11"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "reader", password_env = "{READER_PASSWORD_ENV}" }} }}

[[peer]]
name = "ot-no-destination"
protocol = "http"
message = "xml11"
inbox = "{base}/services/inbox"
inbox_destination = false
auth = {{ basic = {{ user = "harness", password_env = "{PASSWORD_ENV}" }} }}

[[collection]]
name = "indicators"
peer = "ot"
remote = "collection-a"

[[collection]]
name = "advisories"
peer = "ot"
remote = "collection-b"
description = "Advisories, as the gateway describes them"

[[collection]]
name = "read-only"
peer = "ot-reader"
remote = "collection-a"
services = ["poll", "inbox"]

[[collection]]
name = "ghost"
peer = "ot"
remote = "collection-z"
services = ["poll", "inbox"]

[[collection]]
name = "undirected"
peer = "ot-no-destination"
remote = "collection-a"
services = ["inbox"]
"#
    )
}

fn start() -> (OpenTaxii, Gateway) {
    let server = OpenTaxii::start();
    let gateway = Gateway::start_with_env(
        &routes(&server),
        &[
            (PASSWORD_ENV, "harness-pass"),
            (READER_PASSWORD_ENV, "reader-pass"),
        ],
    );
    (server, gateway)
}

/// Panics unless `output` names the gateway and never OpenTAXII.
fn assert_only_gateway_addresses(output: &str, gateway: &Gateway, server: &OpenTaxii) {
    let opentaxii = format!("127.0.0.1:{}", server.port());
    assert!(
        !output.contains(&opentaxii),
        "OpenTAXII's address {opentaxii} leaked to the partner:\n{output}"
    );
    assert!(
        output.contains(&gateway.url("public")),
        "the gateway's address {} is not advertised:\n{output}",
        gateway.url("public")
    );
}

fn no_cabby_error(output: &str, what: &str, gateway: &Gateway, server: &OpenTaxii) {
    assert!(
        !output.contains("ERROR") && !output.contains("Traceback"),
        "{what} failed:\n{output}\n{}\n{}",
        gateway.logs(),
        server.logs()
    );
}

/// Pushes `count` blocks titled `<prefix>-<n>` with cabby's Python API, TAXII `version`, to
/// `uri` (a full URL at the gateway), naming `destination` in 1.1.
fn cabby_push(uri: &str, version: &str, destination: &str, prefix: &str, count: usize) -> String {
    let script = r#"
import sys
from urllib.parse import urlparse
from cabby import create_client
uri, version, destination, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
u = urlparse(uri)
client = create_client(u.hostname, port=u.port, version=version)
for n in range(1, count + 1):
    content = ('<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:gwtest="urn:taxii-gateway-test" '
               'id="gwtest:package-%s-%d" version="1.1.1"><stix:STIX_Header><stix:Title>%s-%d</stix:Title>'
               '</stix:STIX_Header></stix:STIX_Package>') % (prefix, n, prefix, n)
    if version == "1.1":
        client.push(content, "urn:stix.mitre.org:xml:1.1.1", collection_names=[destination], uri=u.path)
    else:
        client.push(content, "urn:stix.mitre.org:xml:1.1.1", uri=u.path)
    print("pushed", n)
"#;
    let (out, err, ok) = python(
        script,
        &[uri, version, destination, prefix, &count.to_string()],
    );
    format!(
        "{out}{err}{}",
        if ok {
            ""
        } else {
            "\nERROR: push script failed"
        }
    )
}

#[test]
fn cabby_discovery_lists_the_gateway_services_at_the_gateway_address_in_11_and_10() {
    let (server, gateway) = start();
    let port = gateway.port("public");
    for version in ["1.1", "1.0"] {
        let output = cabby("taxii-discovery", port, "/taxii", None, &["-t", version]);
        no_cabby_error(&output, "discovery", &gateway, &server);
        assert_only_gateway_addresses(&output, &gateway, &server);
        let management = if version == "1.1" {
            "COLLECTION_MANAGEMENT"
        } else {
            "FEED_MANAGEMENT"
        };
        for service in ["DISCOVERY", management, "POLL", "INBOX"] {
            assert!(
                output.contains(service),
                "{version}: no {service}:\n{output}"
            );
        }
        for sub in ["collection-management", "poll", "inbox"] {
            let address = format!("{}/{sub}", gateway.url("public"));
            assert!(
                output.contains(&address),
                "{version}: no {address}:\n{output}"
            );
        }
    }
    // cabby finding the services itself from discovery (no --path): the addresses it was
    // given lead back to the gateway.
    let command = |tool: &str, args: &[&str]| {
        let output = std::process::Command::new(taxii_testkit::bin(tool))
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--discovery", "/taxii"])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    let collections = command("taxii-collections", &[]);
    no_cabby_error(&collections, "collections via discovery", &gateway, &server);
    assert!(
        collections.contains("Collection Name: indicators"),
        "{collections}"
    );
    let polled = command("taxii-poll", &["-c", "advisories"]);
    no_cabby_error(&polled, "poll via discovery", &gateway, &server);
    assert!(polled.contains("0 blocks polled"), "{polled}");
    // libtaxii's own discovery script, to the per-service sub-path.
    let output = std::process::Command::new(taxii_testkit::bin("discovery_client"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--path", "/taxii/discovery"])
        .output()
        .expect("run libtaxii discovery_client");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("Discovery_Response"), "libtaxii:\n{text}");
    assert_only_gateway_addresses(&text, &gateway, &server);
}

#[test]
fn collection_information_shows_mapped_names_and_only_gateway_addresses() {
    let (server, gateway) = start();
    let port = gateway.port("public");
    for version in ["1.1", "1.0"] {
        let output = cabby("taxii-collections", port, "/taxii", None, &["-t", version]);
        no_cabby_error(&output, "collection information", &gateway, &server);
        assert_only_gateway_addresses(&output, &gateway, &server);
        assert!(
            output.contains("indicators") && output.contains("advisories"),
            "{version}: mapped names missing:\n{output}"
        );
        assert!(
            !output.contains("collection-a") && !output.contains("collection-b"),
            "{version}: OpenTAXII's own names leaked:\n{output}"
        );
        assert!(
            output.contains("Advisories, as the gateway describes them"),
            "{version}: the table's description is not used:\n{output}"
        );
        // OpenTAXII's live answer is merged in: its description of collection-a.
        assert!(
            output.contains("Testkit collection A"),
            "{version}: OpenTAXII's description of collection-a is missing:\n{output}"
        );
    }
    // The raw 1.1 answer: every collection that OpenTAXII holds is available; the one whose
    // remote name OpenTAXII does not know (ghost) offers no information service, so it is
    // not listed.
    let request = r#"<taxii_11:Collection_Information_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1"/>"#;
    let (_, answer) = exchange(
        &gateway,
        &format!("{}/collection-management", gateway.url("public")),
        XML11,
        SERVICES11,
        None,
        request,
    );
    let taxii_core::Body::CollectionInformationResponse(info) = answer.body else {
        panic!("not a Collection_Information_Response: {answer:?}");
    };
    let names: Vec<&str> = info
        .collections
        .iter()
        .map(|c| c.collection_name.as_str())
        .collect();
    assert_eq!(names, ["indicators", "advisories"]);
    for c in &info.collections {
        assert_eq!(c.available, Some(true), "{c:?}");
        assert_eq!(c.supported_contents[0].binding_id, STIX111, "{c:?}");
    }
}

#[test]
fn pushes_land_in_opentaxii_and_poll_back_in_parts_in_11_and_merged_in_10() {
    let (server, gateway) = start();
    let base = gateway.url("public");
    // 12 blocks pushed over 1.1 to "indicators" = OpenTAXII's collection-a.
    let pushed = cabby_push(&format!("{base}/inbox"), "1.1", "indicators", "multi", 12);
    no_cabby_error(&pushed, "1.1 push", &gateway, &server);
    // OpenTAXII itself, asked directly, holds all 12.
    let held = server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("OpenTAXII polled directly");
    assert_eq!(held.len(), 12, "OpenTAXII holds: {held:?}");

    // A time window passes through: from the 8th label on (exclusive), 4 blocks remain,
    // in 1.1 and in 1.0.
    let mut labels: Vec<String> = held.iter().filter_map(|b| b.timestamp.clone()).collect();
    labels.sort();
    assert_eq!(labels.len(), 12, "{held:?}");
    let windowed = cabby(
        "taxii-poll",
        gateway.port("public"),
        "/taxii/poll",
        None,
        &["-c", "indicators", "--begin", &labels[7]],
    );
    no_cabby_error(&windowed, "windowed 1.1 poll", &gateway, &server);
    assert!(
        windowed.contains("4 blocks polled"),
        "{windowed}\n{}",
        gateway.logs()
    );
    let windowed10 = cabby(
        "taxii-poll",
        gateway.port("public"),
        "/taxii/poll",
        None,
        &["-t", "1.0", "-c", "indicators", "--begin", &labels[7]],
    );
    no_cabby_error(&windowed10, "windowed 1.0 poll", &gateway, &server);
    assert_eq!(
        windowed10.matches("<stix:Title>multi-").count(),
        4,
        "{windowed10}\n{}",
        gateway.logs()
    );

    // 1.1 through the gateway: 5 blocks per part, so cabby follows with fulfillments.
    let port = gateway.port("public");
    let polled = cabby(
        "taxii-poll",
        port,
        "/taxii/poll",
        None,
        &["-c", "indicators"],
    );
    no_cabby_error(&polled, "1.1 poll", &gateway, &server);
    assert!(
        polled.contains("Sending Poll_Fulfillment") && polled.contains("12 blocks polled"),
        "the 1.1 poll did not page through the parts:\n{polled}\n{}",
        gateway.logs()
    );
    for n in 1..=12 {
        assert!(
            polled.contains(&format!("<stix:Title>multi-{n}</stix:Title>")),
            "multi-{n} missing from the 1.1 poll:\n{polled}"
        );
    }
    assert!(
        !polled.contains("collection-a"),
        "remote name leaked:\n{polled}"
    );

    // 1.1 raw: the first part says more, names a result id and part 1; fulfillment of
    // part 3 gives the last two blocks.
    let poll = r#"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="42" collection_name="indicators"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#;
    let (_, first) = exchange(&gateway, &base, XML11, SERVICES11, None, poll);
    let taxii_core::Body::PollResponse(first) = first.body else {
        panic!("not a Poll_Response: {first:?}");
    };
    assert!(first.more, "{first:?}");
    assert_eq!(first.content_blocks.len(), 5);
    assert_eq!(first.result_part_number, Some(1));
    assert_eq!(first.collection_name, "indicators");
    let result_id = first.result_id.clone().expect("result id");
    let fulfillment = format!(
        r#"<taxii_11:Poll_Fulfillment xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="43" collection_name="indicators" result_id="{result_id}" result_part_number="3"/>"#
    );
    let (_, third) = exchange(&gateway, &base, XML11, SERVICES11, None, &fulfillment);
    let taxii_core::Body::PollResponse(third) = third.body else {
        panic!("not a Poll_Response: {third:?}");
    };
    assert_eq!(third.result_id.as_deref(), Some(result_id.as_str()));
    assert_eq!(third.result_part_number, Some(3));
    assert_eq!(third.content_blocks.len(), 2, "{third:?}");
    assert!(!third.more);

    // 1.0 through the gateway: no paging in 1.0, so all 12 come in one answer.
    let polled10 = cabby(
        "taxii-poll",
        port,
        "/taxii/poll",
        None,
        &["-t", "1.0", "-c", "indicators"],
    );
    no_cabby_error(&polled10, "1.0 poll", &gateway, &server);
    assert!(
        !polled10.contains("Sending Poll_Fulfillment"),
        "1.0 has no fulfillment:\n{polled10}"
    );
    for n in 1..=12 {
        assert!(
            polled10.contains(&format!("<stix:Title>multi-{n}</stix:Title>")),
            "multi-{n} missing from the merged 1.0 poll:\n{polled10}\n{}",
            gateway.logs()
        );
    }
    // libtaxii's 1.1 poll script, for a second client's view.
    let output = std::process::Command::new(taxii_testkit::bin("poll_client"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--path", "/taxii/poll", "--collection", "advisories"])
        .output()
        .expect("run libtaxii poll_client");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Message Type: Poll_Response")
            && text.contains("Collection Name: advisories"),
        "libtaxii poll_client:\n{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_10_push_names_its_collection_in_the_url_and_arrives_in_opentaxii() {
    let (server, gateway) = start();
    let base = gateway.url("public");
    let pushed = cabby_push(&format!("{base}/inbox/advisories"), "1.0", "-", "via10", 2);
    no_cabby_error(&pushed, "1.0 push", &gateway, &server);
    let held = server
        .poll_11(HARNESS_ACCOUNT, "collection-b")
        .expect("OpenTAXII polled directly");
    let titles: Vec<bool> = (1..=2)
        .map(|n| {
            held.iter().any(|b| {
                b.content
                    .contains(&format!("<stix:Title>via10-{n}</stix:Title>"))
            })
        })
        .collect();
    assert_eq!(
        titles,
        [true, true],
        "collection-b holds {held:?}\n{}",
        gateway.logs()
    );
    assert!(
        server
            .poll_11(HARNESS_ACCOUNT, "collection-a")
            .expect("poll a")
            .is_empty(),
        "the 1.0 push went to the wrong collection"
    );
}

#[test]
fn subscriptions_are_managed_through_the_gateway() {
    let (server, gateway) = start();
    let port = gateway.port("public");
    let subscribed = cabby(
        "taxii-subscription",
        port,
        "/taxii/collection-management",
        None,
        &["-a", "subscribe", "-c", "indicators"],
    );
    no_cabby_error(&subscribed, "subscribe", &gateway, &server);
    assert!(
        subscribed.contains("indicators") && !subscribed.contains("collection-a"),
        "subscription response with unmapped names:\n{subscribed}"
    );
    assert!(
        subscribed.contains("ACTIVE"),
        "no active subscription:\n{subscribed}"
    );
    assert_only_gateway_addresses(&subscribed, &gateway, &server);
    let id = subscribed
        .lines()
        .find_map(|l| l.trim().strip_prefix("Subscription ID:"))
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| panic!("no subscription id in:\n{subscribed}"));
    for (action, expected) in [
        ("pause", "PAUSED"),
        ("resume", "ACTIVE"),
        ("unsubscribe", "UNSUBSCRIBED"),
    ] {
        let output = cabby(
            "taxii-subscription",
            port,
            "/taxii/collection-management",
            None,
            &["-a", action, "-c", "indicators", "-s", &id],
        );
        no_cabby_error(&output, action, &gateway, &server);
        assert!(
            output.contains(expected) && output.contains(&id),
            "{action}: expected {expected} for {id}:\n{output}"
        );
    }
    // 1.0 subscribe, too.
    let output = cabby(
        "taxii-subscription",
        port,
        "/taxii/collection-management",
        None,
        &["-t", "1.0", "-a", "subscribe", "-c", "advisories"],
    );
    no_cabby_error(&output, "1.0 subscribe", &gateway, &server);
    assert!(
        output.contains("advisories") && !output.contains("collection-b"),
        "1.0 subscription:\n{output}"
    );
}

#[test]
fn opentaxii_error_statuses_arrive_intact() {
    let (server, gateway) = start();
    let base = gateway.url("public");
    let inbox = |collection: &str| {
        format!(
            r#"<taxii_11:Inbox_Message xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
            stix_package("refused")
        )
    };
    let status = |body: &str, services: &str, binding: &str| {
        let (_, message) = exchange(&gateway, &base, binding, services, None, body);
        match message.body {
            taxii_core::Body::StatusMessage(s) => s,
            other => panic!("not a Status_Message: {other:?}"),
        }
    };

    // UNAUTHORIZED: the gateway reaches "read-only" as OpenTAXII's reader, who cannot write.
    let s = status(&inbox("read-only"), SERVICES11, XML11);
    assert_eq!(s.status_type.to_string(), "UNAUTHORIZED", "{s:?}");
    let text = s.message.clone().unwrap_or_default();
    assert!(
        text.contains("can not write") && text.contains("read-only"),
        "OpenTAXII's message replaced, or its collection not renamed: {s:?}"
    );
    assert!(!text.contains("collection-a"), "remote name leaked: {s:?}");
    // ... and with cabby, which shows the status it got.
    let output = cabby_push(&format!("{base}/inbox"), "1.1", "read-only", "denied", 1);
    assert!(output.contains("UNAUTHORIZED"), "cabby:\n{output}");

    // NOT_FOUND: the remote name collection-z does not exist at OpenTAXII.
    let poll = r#"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="8" collection_name="ghost"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#;
    let s = status(poll, SERVICES11, XML11);
    assert_eq!(s.status_type.to_string(), "NOT_FOUND", "{s:?}");
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("collection-z"),
        "the remote name leaked in the status: {shown}"
    );
    // ... in 1.0 too.
    let poll10 = r#"<taxii:Poll_Request xmlns:taxii="http://taxii.mitre.org/messages/taxii_xml_binding-1" message_id="9" feed_name="ghost"/>"#;
    let s = status(poll10, SERVICES10, XML10);
    assert_eq!(s.status_type.to_string(), "NOT_FOUND", "{s:?}");

    // DESTINATION_COLLECTION_ERROR: the "undirected" peer omits the destination that
    // OpenTAXII's inbox requires.
    let s = status(&inbox("undirected"), SERVICES11, XML11);
    assert_eq!(
        s.status_type.to_string(),
        "DESTINATION_COLLECTION_ERROR",
        "{s:?}\n{}",
        gateway.logs()
    );
    // Its acceptable destinations are OpenTAXII's names: the partner must not see them.
    assert!(
        !format!("{s:?}").contains("collection-"),
        "OpenTAXII's collection names leaked in the status: {s:?}"
    );
    // The same refusals to a TAXII 1.0 partner (destination named by the URL), in 1.0 terms
    // and schema-valid.
    let inbox10 = format!(
        r#"<taxii:Inbox_Message xmlns:taxii="http://taxii.mitre.org/messages/taxii_xml_binding-1" message_id="11"><taxii:Content_Block><taxii:Content_Binding>{STIX111}</taxii:Content_Binding><taxii:Content>{}</taxii:Content></taxii:Content_Block></taxii:Inbox_Message>"#,
        stix_package("refused-10")
    );
    let mut bodies = Vec::new();
    for (collection, expected) in [("read-only", "UNAUTHORIZED"), ("undirected", "FAILURE")] {
        let answer = post_taxii(
            &format!("{base}/inbox/{collection}"),
            XML10,
            SERVICES10,
            None,
            &inbox10,
        )
        .expect("post");
        let message = answer.message().expect("a TAXII 1.0 answer");
        let taxii_core::Body::StatusMessage(s) = &message.body else {
            panic!("{message:?}");
        };
        assert_eq!(
            s.status_type.to_string(),
            expected,
            "1.0 {collection}: {s:?}"
        );
        assert!(
            !format!("{s:?}").contains("collection-"),
            "1.0 {collection}: remote names leaked: {s:?}"
        );
        bodies.push(answer.body);
    }
    let verdicts =
        taxii_testkit::libtaxii_validate_all(&bodies.iter().map(Vec::as_slice).collect::<Vec<_>>());
    assert!(verdicts.iter().all(|v| v.valid), "{verdicts:?}");
    // The peer passwords never appear in the logs.
    let logs = gateway.logs();
    assert!(
        !logs.contains("harness-pass") && !logs.contains("reader-pass"),
        "a peer password is in the logs:\n{logs}"
    );
    // Nothing of it reached OpenTAXII.
    assert!(server
        .poll_11(HARNESS_ACCOUNT, "collection-a")
        .expect("poll")
        .is_empty());
}
