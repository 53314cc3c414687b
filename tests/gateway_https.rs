//! HTTPS listeners with cabby: server certificates, HTTPS addresses in discovery, a Basic
//! partner over TLS, and a partner identified by its client certificate (subject written as
//! routes.toml documents it, `CN=acme,O=Acme`). Certificates are made per test with the
//! system's `openssl`.

mod common;

use common::tls::{certificates, fingerprint};
use common::*;
use std::path::Path;
use std::process::Command;

const ROUTES: &str = r#"
[hub]
data_dir = "./data"

[[listener]]
name = "secure"
protocol = "https"
bind = "127.0.0.1:0"
path = "/taxii"
tls = { cert_file = "server.pem", key_file = "server.key", client_ca_file = "ca.pem" }

[[partner]]
name = "acme"
auth = { certificate = { subject = "CN=acme,O=Acme" } }
collections = ["indicators"]

[[partner]]
name = "globex"
auth = { basic = { user = "globex", password_env = "GW_TEST_HTTPS_GLOBEX" } }
collections = ["advisories"]

[[partner]]
name = "initech"
auth = { certificate = { sha256 = "@FINGERPRINT@" } }
collections = ["advisories"]

[[peer]]
name = "hub"
protocol = "local"

[[collection]]
name = "indicators"
peer = "hub"

[[collection]]
name = "advisories"
peer = "hub"
"#;

/// Starts the gateway with the certificates in its own dir (written before start).
fn start() -> (Gateway, tempfile::TempDir) {
    let certs = tempfile::tempdir().expect("tempdir");
    certificates(certs.path());
    let dir = certs.path().display().to_string();
    let routes = ROUTES
        .replace("\"server.pem\"", &format!("\"{dir}/server.pem\""))
        .replace("\"server.key\"", &format!("\"{dir}/server.key\""))
        .replace("\"ca.pem\"", &format!("\"{dir}/ca.pem\""))
        .replace(
            "@FINGERPRINT@",
            &fingerprint(&certs.path().join("other.pem")),
        );
    let gateway = Gateway::start_with_env(&routes, &[("GW_TEST_HTTPS_GLOBEX", "globex-tls-pass")]);
    (gateway, certs)
}

fn cabby_tls(gateway: &Gateway, certs: &Path, tool: &str, args: &[&str]) -> String {
    let ca = certs.join("ca.pem");
    let output = Command::new(taxii_testkit::bin(tool))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &gateway.port("secure").to_string(),
        ])
        .args([
            "--path",
            "/taxii",
            "--https",
            "--verify",
            &ca.to_string_lossy(),
        ])
        // requests prefers these to the CA it is given.
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn https_discovery_names_https_addresses_and_basic_works_over_tls() {
    let (gateway, certs) = start();
    assert!(gateway.url("secure").starts_with("https://127.0.0.1:"));
    let output = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-discovery",
        &["--username", "globex", "--password", "globex-tls-pass"],
    );
    assert!(!output.contains("ERROR"), "{output}\n{}", gateway.logs());
    assert!(
        output.contains(&format!("{}/poll", gateway.url("secure")))
            && output.contains("urn:taxii.mitre.org:protocol:https:1.0"),
        "{output}"
    );
    assert!(
        !output.contains("http://"),
        "plain HTTP address advertised:\n{output}"
    );
    let collections = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-collections",
        &["--username", "globex", "--password", "globex-tls-pass"],
    );
    assert!(
        collections.contains("Collection Name: advisories") && !collections.contains("indicators"),
        "{collections}\n{}",
        gateway.logs()
    );
    let refused = cabby_tls(
        &gateway,
        certs.path(),
        "taxii-collections",
        &["--username", "globex", "--password", "wrong"],
    );
    assert!(refused.contains("ERROR"), "{refused}");
}

#[test]
fn a_partner_is_known_by_its_client_certificate() {
    let (gateway, certs) = start();
    let dir = certs.path();
    let client = |name: &str| {
        cabby_tls(
            &gateway,
            dir,
            "taxii-collections",
            &[
                "--cert",
                &dir.join(format!("{name}.pem")).to_string_lossy(),
                "--key",
                &dir.join(format!("{name}.key")).to_string_lossy(),
            ],
        )
    };
    let acme = client("client");
    assert!(
        !acme.contains("ERROR")
            && acme.contains("Collection Name: indicators")
            && !acme.contains("advisories"),
        "acme by certificate:\n{acme}\n{}",
        gateway.logs()
    );
    // Known by its fingerprint.
    let initech = client("other");
    assert!(
        !initech.contains("ERROR")
            && initech.contains("Collection Name: advisories")
            && !initech.contains("indicators"),
        "initech by fingerprint:\n{initech}\n{}",
        gateway.logs()
    );
    // A certificate from the same CA that no partner has: refused.
    let mallory = client("stranger");
    assert!(
        mallory.contains("ERROR") && !mallory.contains("Collection Name"),
        "an unknown certificate got in:\n{mallory}"
    );
    // No certificate, no password: refused.
    let nobody = cabby_tls(&gateway, dir, "taxii-collections", &[]);
    assert!(nobody.contains("ERROR"), "{nobody}");
}
