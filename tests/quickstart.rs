//! The README's quick start, for real: the shipped `routes.toml` (moved to a free port and
//! a data directory of the test's own), cabby pushing a STIX file over TAXII 1.1 XML,
//! polling it back over TAXII 1.0 XML (cabby) and CERT-EU JSON (libtaxii), then a
//! `kill -9` and a second run that still has the content.

mod common;

use common::Gateway;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const STIX: &str = "tests/fixtures/stix/indicator.xml";
const MARKER: &str = "203.0.113.77";

/// The shipped routes.toml with its listener on a free port and its hub in `data_dir`.
fn shipped_routes(data_dir: &Path) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("routes.toml"))
            .expect("routes.toml");
    assert_eq!(
        shipped.matches("bind = \"127.0.0.1:9090\"").count(),
        1,
        "the quick start listens on 127.0.0.1:9090"
    );
    assert_eq!(
        shipped.matches("data_dir = \"./data\"").count(),
        1,
        "the quick start keeps its data in ./data"
    );
    shipped
        .replace("bind = \"127.0.0.1:9090\"", "bind = \"127.0.0.1:0\"")
        .replace(
            "data_dir = \"./data\"",
            &format!("data_dir = {:?}", data_dir.display().to_string()),
        )
}

fn cabby(tool: &str, gateway: &Gateway, args: &[&str]) -> String {
    let port = gateway.port("public").to_string();
    let out = Command::new(taxii_testkit::bin(tool))
        .args(["--host", "127.0.0.1", "--port", &port])
        .args(args)
        .output()
        .expect("cabby runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // cabby exits 0 even when it failed: its ERROR lines say so.
    assert!(
        !text.contains("ERROR"),
        "{tool} {args:?} failed:\n{text}\ngateway logs:\n{}",
        gateway.logs()
    );
    text
}

fn json_poll(gateway: &Gateway) -> serde_json::Value {
    let url = format!("{}/poll", gateway.url("public"));
    let out = taxii_testkit::run_peer_script("libtaxii_json_poll.py", &[&url, "indicators"], None);
    assert!(
        out.status.success(),
        "libtaxii JSON poll failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        gateway.logs()
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

#[test]
fn push_in_xml_11_then_poll_in_xml_10_and_json_and_after_a_crash() {
    let data = tempfile::tempdir().expect("data dir");
    let routes = shipped_routes(data.path());
    let stix = Path::new(env!("CARGO_MANIFEST_DIR")).join(STIX);
    let stix = stix.to_str().expect("utf-8 path");

    let gateway = Gateway::start(&routes);
    let discovered = cabby("taxii-discovery", &gateway, &["--path", "/taxii"]);
    assert!(
        discovered.contains(&format!("127.0.0.1:{}/taxii/inbox", gateway.port("public"))),
        "{discovered}"
    );
    let pushed = cabby(
        "taxii-push",
        &gateway,
        &[
            "--path",
            "/taxii/inbox",
            "--dest",
            "indicators",
            "--binding",
            "urn:stix.mitre.org:xml:1.1.1",
            "--content-file",
            stix,
        ],
    );
    assert!(
        pushed.contains("Content block successfully pushed"),
        "{pushed}"
    );

    let polled_10 = cabby(
        "taxii-poll",
        &gateway,
        &["-t", "1.0", "--path", "/taxii/poll", "-c", "indicators"],
    );
    assert_eq!(
        polled_10.matches(MARKER).count(),
        1,
        "one block back over TAXII 1.0:\n{polled_10}"
    );
    let polled_11 = cabby(
        "taxii-poll",
        &gateway,
        &["--path", "/taxii/poll", "-c", "indicators"],
    );
    assert_eq!(
        polled_11.matches(MARKER).count(),
        1,
        "one block back over TAXII 1.1:\n{polled_11}"
    );
    let json = json_poll(&gateway);
    assert_eq!(json["message_type"], "Poll_Response", "{json}");
    let content = json["content"].as_array().expect("content blocks");
    assert_eq!(content.len(), 1, "{json}");
    assert!(
        content[0].as_str().unwrap_or_default().contains(MARKER),
        "{json}"
    );
    // The content comes back byte for byte (the hub alone relayed it).
    let original = std::fs::read_to_string(stix).unwrap();
    assert_eq!(content[0].as_str().unwrap().trim(), original.trim());

    // kill -9: SUCCESS was answered only after the store committed, so nothing is lost.
    gateway.signal("KILL");
    drop(gateway);
    let again = Gateway::start(&routes);
    let after = cabby(
        "taxii-poll",
        &again,
        &["--path", "/taxii/poll", "-c", "indicators"],
    );
    assert_eq!(
        after.matches(MARKER).count(),
        1,
        "the pushed block survived kill -9:\n{after}"
    );
    let pushed = cabby(
        "taxii-push",
        &again,
        &[
            "--path",
            "/taxii/inbox",
            "--dest",
            "indicators",
            "--binding",
            "urn:stix.mitre.org:xml:1.1.1",
            "--content-file",
            stix,
        ],
    );
    assert!(pushed.contains("successfully pushed"), "{pushed}");
    std::thread::sleep(Duration::from_millis(10));
    let both = cabby(
        "taxii-poll",
        &again,
        &["--path", "/taxii/poll", "-c", "indicators"],
    );
    assert_eq!(both.matches(MARKER).count(), 2, "{both}");
}

#[test]
fn the_shipped_routes_toml_checks_clean() {
    let out = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .args(["check", "routes.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("indicators") && summary.contains("127.0.0.1:9090"),
        "{summary}"
    );
}
