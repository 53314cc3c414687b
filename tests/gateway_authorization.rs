//! The authorization matrix: each partner x each collection x each service, allowed and
//! denied as the table says, against the built-in hub (the gateway decides; the hub never
//! sees a denied request).
//!
//! The rules (`src/gateway/forward.rs`): a collection the partner was not granted is
//! NOT_FOUND, exactly like one that does not exist, so its existence is not revealed; a
//! granted collection whose service the table does not offer is UNAUTHORIZED; discovery and
//! collection information list only what the partner may use. A wrong password is HTTP 401
//! with a TAXII UNAUTHORIZED Status_Message.

mod common;

use common::*;
use taxii_core::{Body, ServiceType, StatusType};
use taxii_testkit::Account;

const ACME_ENV: &str = "GW_TEST_ACME_PASSWORD";
const GLOBEX_ENV: &str = "GW_TEST_GLOBEX_PASSWORD";
const ACME: Account = Account {
    username: "acme",
    password: "acme-secret-1",
};
const GLOBEX: Account = Account {
    username: "globex",
    password: "globex-secret-2",
};

const ROUTES: &str = r#"
[hub]
data_dir = "./data"

[[listener]]
name = "secure"
protocol = "http"
bind = "127.0.0.1:0"
path = "/taxii"

[[listener]]
name = "open"
protocol = "http"
bind = "127.0.0.2:0"
path = "/public"

[[partner]]
name = "acme"
auth = { basic = { user = "acme", password_env = "GW_TEST_ACME_PASSWORD" } }
collections = ["alpha", "gamma"]
listeners = ["secure"]

[[partner]]
name = "globex"
auth = { basic = { user = "globex", password_env = "GW_TEST_GLOBEX_PASSWORD" } }
collections = ["beta", "gamma", "delta"]
listeners = ["secure"]

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["gamma"]
listeners = ["open"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "alpha"
peer = "hub"

[[collection]]
name = "beta"
peer = "hub"

[[collection]]
name = "gamma"
peer = "hub"
services = ["information", "poll"]

[[collection]]
name = "delta"
peer = "hub"
services = ["inbox"]
"#;

/// (collection, services the table offers for it).
const COLLECTIONS: [(&str, &[&str]); 5] = [
    ("alpha", &["information", "poll", "inbox", "subscription"]),
    ("beta", &["information", "poll", "inbox", "subscription"]),
    ("gamma", &["information", "poll"]),
    ("delta", &["inbox"]),
    ("nonexistent", &[]),
];

struct Who {
    name: &'static str,
    listener: &'static str,
    account: Option<Account>,
    granted: &'static [&'static str],
}

const PARTNERS: [Who; 3] = [
    Who {
        name: "acme",
        listener: "secure",
        account: Some(ACME),
        granted: &["alpha", "gamma"],
    },
    Who {
        name: "globex",
        listener: "secure",
        account: Some(GLOBEX),
        granted: &["beta", "gamma", "delta"],
    },
    Who {
        name: "guest",
        listener: "open",
        account: None,
        granted: &["gamma"],
    },
];

fn start() -> Gateway {
    Gateway::start_with_env(
        ROUTES,
        &[(ACME_ENV, ACME.password), (GLOBEX_ENV, GLOBEX.password)],
    )
}

const NS: &str = r#"xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1""#;

fn request(service: &str, collection: &str, id: usize) -> String {
    match service {
        "poll" => format!(
            r#"<taxii_11:Poll_Request {NS} message_id="{id}" collection_name="{collection}"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
        ),
        "inbox" => format!(
            r#"<taxii_11:Inbox_Message {NS} message_id="{id}"><taxii_11:Destination_Collection_Name>{collection}</taxii_11:Destination_Collection_Name><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="{STIX111}"/><taxii_11:Content>{}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Inbox_Message>"#,
            stix_package(&format!("matrix-{id}"))
        ),
        "subscription" => format!(
            r#"<taxii_11:Subscription_Management_Request {NS} message_id="{id}" collection_name="{collection}" action="SUBSCRIBE"><taxii_11:Subscription_Parameters><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Subscription_Parameters></taxii_11:Subscription_Management_Request>"#
        ),
        other => unreachable!("{other}"),
    }
}

/// What the partner got: "ok" for the service's own answer, else the status type.
fn verdict(body: &Body, service: &str) -> String {
    match (body, service) {
        (Body::PollResponse(_), "poll") => "ok".to_owned(),
        (Body::SubscriptionManagementResponse(_), "subscription") => "ok".to_owned(),
        (Body::StatusMessage(s), "inbox") if s.status_type == StatusType::Success => {
            "ok".to_owned()
        }
        (Body::StatusMessage(s), _) => s.status_type.to_string(),
        (other, _) => format!("unexpected {}", other.message_type()),
    }
}

#[test]
fn every_partner_x_collection_x_service_is_allowed_or_denied_as_the_table_says() {
    let gateway = start();
    let mut id = 100;
    let mut failures = Vec::new();
    let mut checked = 0;
    for who in &PARTNERS {
        let url = gateway.url(who.listener);
        for (collection, offered) in COLLECTIONS {
            for service in ["poll", "inbox", "subscription"] {
                id += 1;
                let expected = if !who.granted.contains(&collection) {
                    "NOT_FOUND"
                } else if !offered.contains(&service) {
                    "UNAUTHORIZED"
                } else {
                    "ok"
                };
                let (http, answer) = exchange(
                    &gateway,
                    &url,
                    XML11,
                    SERVICES11,
                    who.account,
                    &request(service, collection, id),
                );
                let got = verdict(&answer.body, service);
                checked += 1;
                if got != expected || http != 200 {
                    failures.push(format!(
                        "{} {service} {collection}: expected {expected}, got {got} (HTTP {http}): {:?}",
                        who.name, answer.body
                    ));
                }
                // A collection the partner may not see answers exactly like one that does
                // not exist.
                if expected == "NOT_FOUND" {
                    let (_, ghost) = exchange(
                        &gateway,
                        &url,
                        XML11,
                        SERVICES11,
                        who.account,
                        &request(service, "nonexistent", id),
                    );
                    let shown = format!("{:?}", answer.body).replace(collection, "nonexistent");
                    assert_eq!(
                        shown,
                        format!("{:?}", ghost.body),
                        "{} {service} {collection}: an invisible collection is told apart from a nonexistent one",
                        who.name
                    );
                }
            }
        }
    }
    assert_eq!(checked, 45);
    // One log line per exchange: partner, listener, message type, collection, peer, status,
    // duration.
    let logs = gateway.stderr();
    for wanted in [
        r#"partner=acme listener=secure message_type=Poll_Request collection="alpha" peer="hub" status=SUCCESS duration_ms="#,
        r#"partner=globex listener=secure message_type=Inbox_Message collection="delta" peer="hub" status=SUCCESS duration_ms="#,
        r#"partner=guest listener=open message_type=Subscription_Management_Request collection="gamma" peer="hub" status=UNAUTHORIZED duration_ms="#,
    ] {
        assert!(logs.contains(wanted), "no log line like {wanted}:\n{logs}");
    }
    let lines = logs.matches("taxii_gateway::exchange").count();
    assert!(
        lines >= checked,
        "{lines} exchange log lines for {checked}+ exchanges"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        gateway.logs()
    );
}

#[test]
fn discovery_and_collection_information_show_only_what_each_partner_may_use() {
    let gateway = start();
    let info = format!(r#"<taxii_11:Collection_Information_Request {NS} message_id="1"/>"#);
    let discovery = format!(r#"<taxii_11:Discovery_Request {NS} message_id="2"/>"#);
    // (partner, collections listed, services discovered)
    let expected: [(&Who, &[&str], &[ServiceType]); 3] = [
        (
            &PARTNERS[0],
            &["alpha", "gamma"],
            &[
                ServiceType::Discovery,
                ServiceType::CollectionManagement,
                ServiceType::Poll,
                ServiceType::Inbox,
            ],
        ),
        (
            &PARTNERS[1],
            // delta offers no information service: not listed.
            &["beta", "gamma"],
            &[
                ServiceType::Discovery,
                ServiceType::CollectionManagement,
                ServiceType::Poll,
                ServiceType::Inbox,
            ],
        ),
        (
            &PARTNERS[2],
            &["gamma"],
            // gamma: information and poll only, so no inbox is advertised.
            &[
                ServiceType::Discovery,
                ServiceType::CollectionManagement,
                ServiceType::Poll,
            ],
        ),
    ];
    for (who, collections, services) in expected {
        let url = gateway.url(who.listener);
        let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, who.account, &info);
        let Body::CollectionInformationResponse(r) = answer.body else {
            panic!("{}: {answer:?}", who.name);
        };
        let names: Vec<&str> = r
            .collections
            .iter()
            .map(|c| c.collection_name.as_str())
            .collect();
        assert_eq!(names, collections, "{}: collection information", who.name);
        for c in &r.collections {
            let inbox = !c.receiving_inbox_services.is_empty();
            let subscribe = !c.subscription_services.is_empty();
            let offered = COLLECTIONS
                .iter()
                .find(|(n, _)| *n == c.collection_name)
                .unwrap()
                .1;
            assert_eq!(inbox, offered.contains(&"inbox"), "{}: {c:?}", who.name);
            assert_eq!(
                subscribe,
                offered.contains(&"subscription"),
                "{}: {c:?}",
                who.name
            );
            for endpoint in c.polling_services.iter().chain(&c.subscription_services) {
                assert!(endpoint.address.starts_with(&url), "{endpoint:?}");
            }
        }
        let (_, answer) = exchange(&gateway, &url, XML11, SERVICES11, who.account, &discovery);
        let Body::DiscoveryResponse(r) = answer.body else {
            panic!("{}: {answer:?}", who.name);
        };
        let found: Vec<ServiceType> = r.service_instances.iter().map(|s| s.service_type).collect();
        assert_eq!(found, services, "{}: discovery", who.name);
        for s in &r.service_instances {
            assert!(s.address.starts_with(&url), "{s:?}");
        }
    }
    // cabby, as acme with its password, sees the same.
    let output = cabby(
        "taxii-collections",
        gateway.port("secure"),
        "/taxii",
        Some(ACME),
        &[],
    );
    assert!(
        output.contains("Collection Name: alpha")
            && output.contains("Collection Name: gamma")
            && !output.contains("beta")
            && !output.contains("delta")
            && !output.contains("ERROR"),
        "cabby as acme:\n{output}"
    );
}

#[test]
fn wrong_or_missing_credentials_are_http_401_with_a_taxii_unauthorized_status() {
    let gateway = start();
    let url = gateway.url("secure");
    let discovery = format!(r#"<taxii_11:Discovery_Request {NS} message_id="77"/>"#);
    let cases = [
        (
            "wrong password",
            Some(Account {
                username: "acme",
                password: "not-acme-secret",
            }),
        ),
        (
            "another partner's password",
            Some(Account {
                username: "acme",
                password: GLOBEX.password,
            }),
        ),
        (
            "unknown user",
            Some(Account {
                username: "mallory",
                password: "x",
            }),
        ),
        ("no credentials", None),
    ];
    for (what, account) in cases {
        let answer = post_taxii(&url, XML11, SERVICES11, account, &discovery)
            .unwrap_or_else(|e| panic!("{what}: {e}\n{}", gateway.logs()));
        assert_eq!(answer.status, 401, "{what}: {answer:?}");
        assert!(
            answer
                .header("WWW-Authenticate")
                .is_some_and(|h| h.starts_with("Basic")),
            "{what}: no Basic challenge: {answer:?}"
        );
        let message = answer.message().unwrap_or_else(|e| panic!("{what}: {e}"));
        let Body::StatusMessage(s) = &message.body else {
            panic!("{what}: not a Status_Message: {message:?}");
        };
        assert_eq!(s.status_type, StatusType::Unauthorized, "{what}: {s:?}");
    }
    // The same request with the right password works, and the secret is never logged.
    let (http, message) = exchange(&gateway, &url, XML11, SERVICES11, Some(ACME), &discovery);
    assert_eq!(http, 200);
    assert!(
        matches!(message.body, Body::DiscoveryResponse(_)),
        "{message:?}"
    );
    let logs = gateway.logs();
    for secret in [ACME.password, GLOBEX.password] {
        assert!(!logs.contains(secret), "a password is in the logs:\n{logs}");
    }
    // cabby with a wrong password reports the refusal.
    let output = cabby(
        "taxii-discovery",
        gateway.port("secure"),
        "/taxii",
        Some(Account {
            username: "globex",
            password: "wrong",
        }),
        &[],
    );
    assert!(
        output.contains("ERROR") && (output.contains("401") || output.contains("UNAUTHORIZED")),
        "cabby with a wrong password:\n{output}"
    );
}

#[test]
fn the_anonymous_partner_is_confined_to_its_listener() {
    let gateway = start();
    // Without credentials on the Basic-only listener: refused (401), although "guest" is
    // anonymous on the other one.
    let poll = request("poll", "gamma", 5);
    let answer = post_taxii(&gateway.url("secure"), XML11, SERVICES11, None, &poll).expect("post");
    assert_eq!(answer.status, 401, "{answer:?}");
    // On its own listener it polls gamma ...
    let (_, ok) = exchange(
        &gateway,
        &gateway.url("open"),
        XML11,
        SERVICES11,
        None,
        &poll,
    );
    assert!(matches!(ok.body, Body::PollResponse(_)), "{ok:?}");
    // ... and the Basic partners cannot use that listener.
    let answer = post_taxii(
        &gateway.url("open"),
        XML11,
        SERVICES11,
        Some(ACME),
        &request("poll", "alpha", 6),
    )
    .expect("post");
    let message = answer.message().expect("a TAXII answer");
    let verdict = verdict(&message.body, "poll");
    assert_ne!(
        verdict, "ok",
        "acme polled alpha through the anonymous listener: {message:?}"
    );
}

#[test]
fn no_secret_is_logged_even_at_trace_level() {
    let gateway = Gateway::start_with_env(
        ROUTES,
        &[
            (ACME_ENV, ACME.password),
            (GLOBEX_ENV, GLOBEX.password),
            ("RUST_LOG", "trace"),
        ],
    );
    let url = gateway.url("secure");
    for account in [
        ACME,
        Account {
            username: "acme",
            password: "typo-secret-9",
        },
    ] {
        let _ = post_taxii(
            &url,
            XML11,
            SERVICES11,
            Some(account),
            &request("poll", "alpha", 1),
        )
        .expect("post");
    }
    let (_, answer) = exchange(
        &gateway,
        &url,
        XML11,
        SERVICES11,
        Some(ACME),
        &request("inbox", "alpha", 2),
    );
    assert!(matches!(answer.body, Body::StatusMessage(_)), "{answer:?}");
    let logs = gateway.logs();
    assert!(logs.len() > 1000, "trace logging is not on:\n{logs}");
    for secret in [
        ACME.password,
        GLOBEX.password,
        "typo-secret-9",
        // base64 of "acme:acme-secret-1", as it travels in the Authorization header
        basic(ACME.username, ACME.password).trim_start_matches("Basic "),
    ] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs:\n{logs}");
    }
}
