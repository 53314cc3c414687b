//! Two gateways in a row, both the real binary: cabby -> gateway A (HTTP, XML 1.1) ->
//! gateway B (HTTPS, its built-in hub). A reaches B over TLS trusting B's CA (`tls.ca_file`),
//! once in CERT-EU JSON 1.1 identified by a client certificate, once in XML 1.0 with HTTP
//! Basic: the peer side of the gateway (https peers, json and xml10 peers, both peer auth
//! kinds) against a real TAXII server.

mod common;

use common::tls::certificates;
use common::*;

const B_PASSWORD_ENV: &str = "GW_TEST_CHAIN_B_PASSWORD";

fn gateway_b(certs: &std::path::Path) -> Gateway {
    let dir = certs.display();
    let routes = format!(
        r#"
[hub]
data_dir = "./data"

[[listener]]
name = "b"
protocol = "https"
bind = "127.0.0.1:0"
path = "/b"
tls = {{ cert_file = "{dir}/server.pem", key_file = "{dir}/server.key", client_ca_file = "{dir}/ca.pem" }}

[[partner]]
name = "gateway-a-by-certificate"
auth = {{ certificate = {{ subject = "CN=acme,O=Acme" }} }}
collections = ["stored-json"]

[[partner]]
name = "gateway-a-by-password"
auth = {{ basic = {{ user = "gateway-a", password_env = "{B_PASSWORD_ENV}" }} }}
collections = ["stored-10"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "stored-json"
peer = "hub"

[[collection]]
name = "stored-10"
peer = "hub"
"#
    );
    Gateway::start_with_env(&routes, &[(B_PASSWORD_ENV, "b-secret")])
}

fn gateway_a(certs: &std::path::Path, b: &str) -> Gateway {
    let dir = certs.display();
    let routes = format!(
        r#"
[[listener]]
name = "a"
protocol = "http"
bind = "127.0.0.1:0"
path = "/a"

[[partner]]
name = "guest"
auth = "anonymous"
collections = ["*"]

[[peer]]
name = "b-json"
protocol = "https"
message = "json"
services = "1.1"
collection_management = "{b}/collection-management"
poll = "{b}/poll"
inbox = "{b}/inbox"
tls = {{ ca_file = "{dir}/ca.pem" }}
auth = {{ certificate = {{ cert_file = "{dir}/client.pem", key_file = "{dir}/client.key" }} }}

[[peer]]
name = "b-xml10"
protocol = "https"
message = "xml10"
collection_management = "{b}/collection-management"
poll = "{b}/poll"
inbox = "{b}/inbox/stored-10"
tls = {{ ca_file = "{dir}/ca.pem" }}
auth = {{ basic = {{ user = "gateway-a", password_env = "{B_PASSWORD_ENV}" }} }}

[[collection]]
name = "over-json"
peer = "b-json"
remote = "stored-json"

[[collection]]
name = "over-10"
peer = "b-xml10"
remote = "stored-10"
"#
    );
    Gateway::start_with_env(&routes, &[(B_PASSWORD_ENV, "b-secret")])
}

#[test]
fn a_gateway_reaches_another_over_https_in_json_and_in_xml_10() {
    let certs = tempfile::tempdir().expect("tempdir");
    certificates(certs.path());
    let b = gateway_b(certs.path());
    let a = gateway_a(certs.path(), &b.url("b"));
    let port = a.port("a");
    let logs = || format!("{}\n{}", a.logs(), b.logs());

    let collections = cabby("taxii-collections", port, "/a", None, &[]);
    assert!(
        !collections.contains("ERROR")
            && collections.contains("Collection Name: over-json")
            && collections.contains("Collection Name: over-10"),
        "{collections}\n{}",
        logs()
    );
    assert!(
        !collections.contains("Collection Name: stored-") && !collections.contains("https://"),
        "gateway B leaked through A:\n{collections}"
    );
    assert!(
        !collections.contains("Available: False"),
        "B did not answer A's collection information:\n{collections}\n{}",
        logs()
    );

    let content = tempfile::tempdir().expect("tempdir");
    for (collection, marker) in [("over-json", "chained-json"), ("over-10", "chained-10")] {
        let file = content.path().join(format!("{marker}.xml"));
        std::fs::write(&file, stix_package(marker)).expect("write");
        let pushed = cabby(
            "taxii-push",
            port,
            "/a/inbox",
            None,
            &["-f", &file.to_string_lossy(), "--dest", collection],
        );
        assert!(
            pushed.contains("Content block successfully pushed") && !pushed.contains("ERROR"),
            "push to {collection}:\n{pushed}\n{}",
            logs()
        );
        let polled = cabby("taxii-poll", port, "/a/poll", None, &["-c", collection]);
        assert!(
            !polled.contains("ERROR")
                && polled.contains(&format!("<stix:Title>{marker}</stix:Title>"))
                && polled.contains("1 blocks polled"),
            "poll of {collection}:\n{polled}\n{}",
            logs()
        );
    }
    // B saw A as the partners the table names, each on its own collection.
    let b_logs = b.stderr();
    for wanted in [
        r#"partner=gateway-a-by-certificate listener=b message_type=Inbox_Message collection="stored-json""#,
        r#"partner=gateway-a-by-password listener=b message_type=Inbox_Message collection="stored-10""#,
    ] {
        assert!(b_logs.contains(wanted), "no {wanted} in B's log:\n{b_logs}");
    }
}
