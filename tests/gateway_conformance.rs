//! Every answer the gateway writes, schema-checked by libtaxii: discovery, collection and
//! feed information, polls (multi-part, merged 1.0), subscriptions and the statuses of
//! refusals, in TAXII 1.1 and 1.0, with a real OpenTAXII behind and the built-in hub; plus
//! TAXII 1.0 pushes without a destination in the message.

mod common;

use common::*;
use taxii_core::{Body, StatusType};
use taxii_testkit::{libtaxii_validate_all, Account, OpenTaxii};

const HARNESS_ENV: &str = "GW_TEST_CONF_HARNESS";
const ACME_ENV: &str = "GW_TEST_CONF_ACME";
const ACME: Account = Account {
    username: "acme",
    password: "acme-conf-secret",
};
const NS11: &str = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;
const NS10: &str = r#"xmlns:taxii="http://taxii.mitre.org/messages/taxii_xml_binding-1""#;

fn routes(server: &OpenTaxii) -> String {
    let base = server.base_url();
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
name = "acme"
auth = {{ basic = {{ user = "acme", password_env = "{ACME_ENV}" }} }}
collections = ["*"]

[[peer]]
name = "hub"
protocol = "local"

[[peer]]
name = "ot"
protocol = "http"
message = "xml11"
collection_management = "{base}/services/collection-management"
poll = "{base}/services/poll"
inbox = "{base}/services/inbox"
auth = {{ basic = {{ user = "harness", password_env = "{HARNESS_ENV}" }} }}

[[collection]]
name = "remote-a"
peer = "ot"
remote = "collection-a"

[[collection]]
name = "local"
peer = "hub"

[[collection]]
name = "poll-only"
peer = "hub"
services = ["information", "poll"]
"#
    )
}

fn inbox11(collection: &str, marker: &str) -> String {
    format!(
        r#"<taxii_11:Inbox_Message {NS11} message_id="{marker}"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
        stix_package(marker)
    )
}

fn inbox10(marker: &str) -> String {
    format!(
        r#"<taxii:Inbox_Message {NS10} message_id="{marker}"><taxii:Content_Block><taxii:Content_Binding>{STIX111}</taxii:Content_Binding><taxii:Content>{}</taxii:Content></taxii:Content_Block></taxii:Inbox_Message>"#,
        stix_package(&format!("m{marker}"))
    )
}

fn poll11(collection: &str) -> String {
    format!(
        r#"<taxii_11:Poll_Request {NS11} message_id="31" collection_name="{collection}"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    )
}

fn poll10(feed: &str) -> String {
    format!(r#"<taxii:Poll_Request {NS10} message_id="32" feed_name="{feed}"/>"#)
}

#[test]
fn every_answer_validates_against_the_taxii_schemas() {
    let server = OpenTaxii::start();
    let gateway = Gateway::start_with_env(
        &routes(&server),
        &[(HARNESS_ENV, "harness-pass"), (ACME_ENV, ACME.password)],
    );
    let url = gateway.url("public");
    let me = Some(ACME);
    // 7 blocks at OpenTAXII (two parts of 5), 2 in the hub.
    for n in 0..7 {
        let (_, m) = exchange(
            &gateway,
            &url,
            XML11,
            SERVICES11,
            me,
            &inbox11("remote-a", &format!("{}", 100 + n)),
        );
        assert!(
            matches!(&m.body, Body::StatusMessage(s) if s.status_type == StatusType::Success),
            "{m:?}"
        );
    }
    for n in 0..2 {
        let (_, m) = exchange(
            &gateway,
            &url,
            XML11,
            SERVICES11,
            me,
            &inbox11("local", &format!("{}", 200 + n)),
        );
        assert!(
            matches!(&m.body, Body::StatusMessage(s) if s.status_type == StatusType::Success),
            "{m:?}"
        );
    }

    // One push naming two destinations at two peers (OpenTAXII and the hub): both get it.
    let both = format!(
        r#"<taxii_11:Inbox_Message {NS11} message_id="300"><taxii_11:Destination_Collection_Name>remote-a</taxii_11:Destination_Collection_Name><taxii_11:Destination_Collection_Name>local</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
        stix_package("two-destinations")
    );
    let (_, m) = exchange(&gateway, &url, XML11, SERVICES11, me, &both);
    assert!(
        matches!(&m.body, Body::StatusMessage(s) if s.status_type == StatusType::Success),
        "{m:?}"
    );
    let at_opentaxii = server
        .poll_11(taxii_testkit::HARNESS_ACCOUNT, "collection-a")
        .expect("poll OpenTAXII");
    assert!(at_opentaxii
        .iter()
        .any(|b| b.content.contains("two-destinations")));

    let mut labelled: Vec<(String, Vec<u8>)> = Vec::new();
    let mut ask =
        |label: &str, binding: &str, services: &str, account: Option<Account>, body: &str| {
            let answer = post_taxii(&url, binding, services, account, body)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let message = answer.message().unwrap_or_else(|e| panic!("{label}: {e}"));
            labelled.push((label.to_owned(), answer.body.clone()));
            message
        };
    let v11 = |body: String| body;
    ask(
        "discovery 1.1",
        XML11,
        SERVICES11,
        me,
        &v11(format!(
            r#"<taxii_11:Discovery_Request {NS11} message_id="1"/>"#
        )),
    );
    ask(
        "discovery 1.0",
        XML10,
        SERVICES10,
        me,
        &format!(r#"<taxii:Discovery_Request {NS10} message_id="2"/>"#),
    );
    ask(
        "collection information 1.1",
        XML11,
        SERVICES11,
        me,
        &format!(r#"<taxii_11:Collection_Information_Request {NS11} message_id="3"/>"#),
    );
    ask(
        "feed information 1.0",
        XML10,
        SERVICES10,
        me,
        &format!(r#"<taxii:Feed_Information_Request {NS10} message_id="4"/>"#),
    );
    let first = ask(
        "poll 1.1 part 1 (OpenTAXII)",
        XML11,
        SERVICES11,
        me,
        &poll11("remote-a"),
    );
    let Body::PollResponse(first) = first.body else {
        panic!("{first:?}");
    };
    let result_id = first.result_id.clone().expect("a multi-part result");
    ask(
        "poll fulfillment 1.1 part 2 (OpenTAXII)",
        XML11,
        SERVICES11,
        me,
        &format!(
            r#"<taxii_11:Poll_Fulfillment {NS11} message_id="5" collection_name="remote-a" result_id="{result_id}" result_part_number="2"/>"#
        ),
    );
    let merged = ask(
        "poll 1.0 merged (OpenTAXII)",
        XML10,
        SERVICES10,
        me,
        &poll10("remote-a"),
    );
    match &merged.body {
        Body::PollResponse(r) => assert_eq!(r.content_blocks.len(), 8, "{r:?}"),
        other => panic!("{other:?}"),
    }
    ask("poll 1.1 (hub)", XML11, SERVICES11, me, &poll11("local"));
    ask("poll 1.0 (hub)", XML10, SERVICES10, me, &poll10("local"));
    ask(
        "subscribe 1.1 (OpenTAXII)",
        XML11,
        SERVICES11,
        me,
        &format!(
            r#"<taxii_11:Subscription_Management_Request {NS11} message_id="6" collection_name="remote-a" action="SUBSCRIBE"><taxii_11:Subscription_Parameters><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Subscription_Parameters></taxii_11:Subscription_Management_Request>"#
        ),
    );
    ask(
        "subscribe 1.0 (hub)",
        XML10,
        SERVICES10,
        me,
        &format!(
            r#"<taxii:Subscription_Management_Request {NS10} message_id="7" feed_name="local" action="SUBSCRIBE"/>"#
        ),
    );
    ask(
        "NOT_FOUND 1.1",
        XML11,
        SERVICES11,
        me,
        &poll11("nothing-here"),
    );
    ask(
        "NOT_FOUND 1.0",
        XML10,
        SERVICES10,
        me,
        &poll10("nothing-here"),
    );
    ask(
        "UNAUTHORIZED 1.1 (service not offered)",
        XML11,
        SERVICES11,
        me,
        &inbox11("poll-only", "8"),
    );
    ask(
        "bad password 1.1",
        XML11,
        SERVICES11,
        Some(Account {
            username: "acme",
            password: "wrong",
        }),
        &poll11("local"),
    );
    ask(
        "bad password 1.0",
        XML10,
        SERVICES10,
        Some(Account {
            username: "acme",
            password: "wrong",
        }),
        &poll10("local"),
    );
    let ambiguous = ask(
        "1.0 push without a destination, two inbox collections",
        XML10,
        SERVICES10,
        me,
        &inbox10("9"),
    );
    match &ambiguous.body {
        Body::StatusMessage(s) => assert_ne!(s.status_type, StatusType::Success, "{s:?}"),
        other => panic!("{other:?}"),
    }
    ask(
        "a response sent as a request 1.1",
        XML11,
        SERVICES11,
        me,
        &format!(r#"<taxii_11:Discovery_Response {NS11} message_id="10" in_response_to="1"/>"#),
    );

    let bodies: Vec<&[u8]> = labelled.iter().map(|(_, b)| b.as_slice()).collect();
    let verdicts = libtaxii_validate_all(&bodies);
    let invalid: Vec<String> = labelled
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| !v.valid)
        .map(|((label, body), v)| {
            format!("{label}: {:?}\n{}", v.errors, String::from_utf8_lossy(body))
        })
        .collect();
    assert!(
        invalid.is_empty(),
        "{} of {} answers are not schema-valid:\n{}",
        invalid.len(),
        labelled.len(),
        invalid.join("\n\n")
    );
}

#[test]
fn a_10_push_goes_to_the_url_collection_or_the_partners_only_inbox_collection() {
    let routes = format!(
        r#"
[hub]
data_dir = "./data"

[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[partner]]
name = "acme"
auth = {{ basic = {{ user = "acme", password_env = "{ACME_ENV}" }} }}
collections = ["only-inbox", "read-only"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "only-inbox"
peer = "hub"

[[collection]]
name = "read-only"
peer = "hub"
services = ["information", "poll"]

[[collection]]
name = "hidden"
peer = "hub"
"#
    );
    let gateway = Gateway::start_with_env(&routes, &[(ACME_ENV, ACME.password)]);
    let url = gateway.url("public");
    let me = Some(ACME);
    let status = |path: &str, marker: &str| {
        let (_, m) = exchange(
            &gateway,
            &format!("{url}{path}"),
            XML10,
            SERVICES10,
            me,
            &inbox10(marker),
        );
        match m.body {
            Body::StatusMessage(s) => s,
            other => panic!("{other:?}"),
        }
    };
    // The only collection acme may push to: no need to name it.
    assert_eq!(status("/inbox", "1").status_type, StatusType::Success);
    // Named in the URL.
    assert_eq!(
        status("/inbox/only-inbox", "2").status_type,
        StatusType::Success
    );
    // Not offered for inbox; hidden; nonexistent.
    assert_eq!(
        status("/inbox/read-only", "3").status_type,
        StatusType::Unauthorized
    );
    let hidden = status("/inbox/hidden", "4");
    let nothing = status("/inbox/nothing", "5");
    assert_eq!(hidden.status_type, StatusType::NotFound);
    assert_eq!(nothing.status_type, StatusType::NotFound);
    // Both pushes are in only-inbox, polled in 1.0.
    let (_, m) = exchange(&gateway, &url, XML10, SERVICES10, me, &poll10("only-inbox"));
    let Body::PollResponse(r) = m.body else {
        panic!("{m:?}");
    };
    let text: String = r
        .content_blocks
        .iter()
        .map(|b| String::from_utf8_lossy(&b.content.bytes).into_owned())
        .collect();
    assert!(text.contains("m1") && text.contains("m2"), "{text}");
    assert_eq!(r.content_blocks.len(), 2, "{r:?}");
}

#[test]
fn answers_come_in_the_binding_the_partner_accepts() {
    let routes = r#"
[hub]
data_dir = "./data"

[[listener]]
name = "all"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[listener]]
name = "xml-only"
protocol = "http"
bind = "127.0.0.2:0"
path = "/taxii"
message_bindings = ["xml11"]
versions = ["1.1"]

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "local"
peer = "hub"
"#;
    let gateway = Gateway::start(routes);
    let discovery = format!(r#"<taxii_11:Discovery_Request {NS11} message_id="1"/>"#);
    let post = |listener: &str, content: &str, accept: &str, services: &str, body: &str| {
        let headers = vec![
            ("Content-Type", "application/xml".to_owned()),
            ("X-TAXII-Content-Type", content.to_owned()),
            ("X-TAXII-Accept", accept.to_owned()),
            ("X-TAXII-Services", services.to_owned()),
            ("X-TAXII-Protocol", PROTOCOL_HTTP.to_owned()),
        ];
        http_post(&gateway.url(listener), &headers, body.as_bytes())
            .unwrap_or_else(|e| panic!("{e}\n{}", gateway.logs()))
    };
    // XML 1.1 in, JSON accepted: JSON out, still TAXII 1.1.
    let answer = post("all", XML11, JSON, SERVICES11, &discovery);
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some(JSON),
        "{answer:?}"
    );
    assert_eq!(answer.header("X-TAXII-Services"), Some(SERVICES11));
    assert!(
        matches!(
            answer.message().expect("decodes").body,
            Body::DiscoveryResponse(_)
        ),
        "{}",
        answer.text()
    );
    // JSON accepted where the listener speaks XML 1.1 only: XML 1.1 out.
    let answer = post("xml-only", XML11, JSON, SERVICES11, &discovery);
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some(XML11),
        "{answer:?}"
    );
    assert!(matches!(
        answer.message().expect("decodes").body,
        Body::DiscoveryResponse(_)
    ));
    // TAXII 1.0 on a 1.1-only listener, XML 1.0 it does not speak: refused with a status
    // the partner can read, never a dropped connection.
    let discovery10 = format!(r#"<taxii:Discovery_Request {NS10} message_id="2"/>"#);
    // It cannot answer in a binding the partner accepts: HTTP 406 naming what it speaks.
    let answer = post("xml-only", XML10, XML10, SERVICES10, &discovery10);
    assert_eq!(answer.status, 406, "{}", answer.text());
    assert!(answer.text().contains(XML11), "{}", answer.text());
    // The same, accepting XML 1.1 too: a TAXII status it can read.
    let answer = post(
        "xml-only",
        XML10,
        &format!("{XML10}, {XML11}"),
        SERVICES10,
        &discovery10,
    );
    let message = answer
        .message()
        .unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    assert!(
        matches!(&message.body, Body::StatusMessage(s) if s.status_type != StatusType::Success),
        "{message:?}"
    );
    // XML 1.1 announced as TAXII 1.0: a status, not an answer.
    let answer = post("all", XML11, XML11, SERVICES10, &discovery);
    let message = answer
        .message()
        .unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    assert!(
        matches!(&message.body, Body::StatusMessage(s) if s.status_type != StatusType::Success),
        "{message:?}"
    );
    // Discovery on the XML-only listener advertises XML 1.1 only.
    let (_, message) = exchange(
        &gateway,
        &gateway.url("xml-only"),
        XML11,
        SERVICES11,
        None,
        &discovery,
    );
    let Body::DiscoveryResponse(r) = message.body else {
        panic!("{message:?}");
    };
    for s in &r.service_instances {
        assert_eq!(s.message_bindings, [XML11], "{s:?}");
    }
}
