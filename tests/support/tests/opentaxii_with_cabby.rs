//! OpenTaxii launcher, judged by a real client: cabby's CLI against the started server.
//!
//! cabby exits 0 even when a request failed, so each check reads its output.

use std::path::Path;
use std::process::Command;
use taxii_testkit::{bin, Account, OpenTaxii, HARNESS_ACCOUNT, READER_ACCOUNT};

/// Runs a cabby CLI tool against `server`'s `path` as `account`; returns stdout + stderr.
fn cabby(server: &OpenTaxii, tool: &str, path: &str, account: Account, args: &[&str]) -> String {
    let port = server.port().to_string();
    let output = Command::new(bin(tool))
        .args(["--host", "127.0.0.1", "--port", &port, "--path", path])
        .args([
            "--username",
            account.username,
            "--password",
            account.password,
        ])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A minimal STIX 1.1.1 package whose title is `marker`, so a poll can find it again.
fn stix_package(marker: &str) -> String {
    format!(
        r#"<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:testkit="urn:taxii-testkit" id="testkit:package-{marker}" version="1.1.1"><stix:STIX_Header><stix:Title>{marker}</stix:Title></stix:STIX_Header></stix:STIX_Package>"#
    )
}

fn write_package(dir: &Path, marker: &str) -> String {
    let path = dir.join(format!("{marker}.xml"));
    std::fs::write(&path, stix_package(marker)).expect("write content file");
    path.to_string_lossy().into_owned()
}

#[test]
fn cabby_discovers_every_service_at_the_chosen_port() {
    let server = OpenTaxii::start();
    let output = cabby(
        &server,
        "taxii-discovery",
        OpenTaxii::DISCOVERY,
        HARNESS_ACCOUNT,
        &[],
    );
    assert!(
        !output.contains("ERROR"),
        "discovery failed:\n{output}\n{}",
        server.logs()
    );
    for path in [
        OpenTaxii::DISCOVERY,
        OpenTaxii::COLLECTION_MANAGEMENT,
        OpenTaxii::INBOX,
        OpenTaxii::INBOX_B,
        OpenTaxii::POLL,
    ] {
        // Absolute addresses are built from the configured domain: they must name our port.
        let address = server.url(path);
        assert!(
            output.contains(&address),
            "{address} not advertised:\n{output}"
        );
    }
    for service_type in ["DISCOVERY", "COLLECTION_MANAGEMENT", "INBOX", "POLL"] {
        assert!(
            output.contains(service_type),
            "no {service_type} service in:\n{output}"
        );
    }
}

#[test]
fn content_pushed_with_cabby_polls_back_across_several_parts() {
    let server = OpenTaxii::start();
    let content_dir = tempfile::tempdir().expect("tempdir");
    // Seven blocks: more than the 5 per part, so the poll needs a Poll_Fulfillment.
    let markers: Vec<String> = (1..=7).map(|n| format!("testkit-marker-{n}")).collect();
    for marker in &markers {
        let file = write_package(content_dir.path(), marker);
        let pushed = cabby(
            &server,
            "taxii-push",
            OpenTaxii::INBOX,
            HARNESS_ACCOUNT,
            &["-f", &file, "--dest", "collection-a"],
        );
        assert!(
            pushed.contains("Content block successfully pushed") && !pushed.contains("ERROR"),
            "push of {marker} failed:\n{pushed}\n{}",
            server.logs()
        );
    }
    let polled = cabby(
        &server,
        "taxii-poll",
        OpenTaxii::POLL,
        HARNESS_ACCOUNT,
        &["-c", "collection-a"],
    );
    assert!(
        !polled.contains("ERROR"),
        "poll failed:\n{polled}\n{}",
        server.logs()
    );
    assert!(
        polled.contains("Sending Poll_Fulfillment") && polled.contains("7 blocks polled"),
        "the poll did not page through the parts:\n{polled}"
    );
    for marker in &markers {
        assert!(
            polled.contains(&format!("<stix:Title>{marker}</stix:Title>")),
            "{marker} not polled back:\n{polled}"
        );
    }
    let other = cabby(
        &server,
        "taxii-poll",
        OpenTaxii::POLL,
        HARNESS_ACCOUNT,
        &["-c", "collection-b"],
    );
    assert!(
        !other.contains("testkit-marker-"),
        "collection-b got collection-a's content:\n{other}"
    );
}

#[test]
fn the_read_only_account_cannot_push_over_taxii_11() {
    let server = OpenTaxii::start();
    let content_dir = tempfile::tempdir().expect("tempdir");
    let file = write_package(content_dir.path(), "reader-attempt");
    let pushed = cabby(
        &server,
        "taxii-push",
        OpenTaxii::INBOX,
        READER_ACCOUNT,
        &["-f", &file, "--dest", "collection-a"],
    );
    assert!(
        pushed.contains("UNAUTHORIZED") && !pushed.contains("successfully pushed"),
        "reader's push was not refused:\n{pushed}"
    );
}
