//! Conformance against libtaxii, the TAXII reference implementation (pinned in the peer
//! venv, which the test run builds itself): what we write validates against libtaxii's
//! XSDs and parses in libtaxii to the values we meant; what libtaxii writes decodes in ours
//! and comes back out meaning the same to libtaxii.

mod common;

use common::{encode, fixtures};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;
use std::path::{Path, PathBuf};
use taxii_core::{arbitrary, Version};
use taxii_xml::XmlBinding;

fn oracle(args: &[&str]) -> Value {
    let out = taxii_testkit::run_peer_script("libtaxii_oracle.py", args, None);
    assert!(
        out.status.success(),
        "libtaxii oracle {args:?} could not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "oracle printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn validate_all(files: &[PathBuf]) {
    let mut args = vec!["validate"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let verdicts = oracle(&args);
    let verdicts = verdicts.as_array().expect("a list of verdicts");
    assert_eq!(verdicts.len(), files.len());
    let invalid: Vec<String> = verdicts
        .iter()
        .filter(|v| v["valid"] != Value::Bool(true))
        .map(|v| {
            format!(
                "{}: {}\n{}",
                v["file"],
                v["errors"],
                std::fs::read_to_string(v["file"].as_str().unwrap()).unwrap_or_default()
            )
        })
        .collect();
    assert!(
        invalid.is_empty(),
        "libtaxii's XSD rejects what we wrote:\n{}",
        invalid.join("\n\n")
    );
}

fn same(a: &Path, b: &Path) -> (bool, String) {
    let v = oracle(&["same", a.to_str().unwrap(), b.to_str().unwrap()]);
    (
        v["equal"] == Value::Bool(true),
        v["diff"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn every_fixture_we_rewrite_validates_and_means_the_same_to_libtaxii() {
    let dir = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    for version in Version::ALL {
        for (name, bytes) in fixtures(version) {
            let m = XmlBinding::new(version).decode_message(&bytes).unwrap();
            let ours = dir.path().join(format!("{}-{name}", version.short()));
            std::fs::write(&ours, encode(&m)).unwrap();
            written.push((common::fixture_dir(version).join(&name), ours));
        }
    }
    validate_all(
        &written
            .iter()
            .map(|(_, ours)| ours.clone())
            .collect::<Vec<_>>(),
    );
    for (original, ours) in &written {
        let (equal, diff) = same(original, ours);
        assert!(
            equal,
            "libtaxii reads {} differently after our round trip:\n{diff}",
            original.display()
        );
    }
}

#[test]
fn random_messages_we_write_validate_against_libtaxii_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::deterministic();
    let mut files = Vec::new();
    for version in Version::ALL {
        let strategy = arbitrary::message(version);
        for i in 0..150 {
            let m = strategy.new_tree(&mut runner).unwrap().current();
            let path = dir
                .path()
                .join(format!("{}-{i}-{}.xml", version.short(), m.message_type()));
            std::fs::write(&path, encode(&m)).unwrap();
            files.push(path);
        }
    }
    validate_all(&files);
}

#[test]
fn messages_libtaxii_writes_decode_in_ours_and_mean_the_same_after_our_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let emitted = oracle(&["emit", dir.path().to_str().unwrap()]);
    let emitted = emitted.as_array().expect("a list of emitted messages");
    assert_eq!(
        emitted.len(),
        21,
        "libtaxii emits every message type of both versions"
    );
    for e in emitted {
        let path = PathBuf::from(e["xml"].as_str().unwrap());
        let version: Version = e["version"].as_str().unwrap().parse().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let m = XmlBinding::new(version)
            .decode_message(&bytes)
            .unwrap_or_else(|err| {
                panic!(
                    "{}: {err}\n{}",
                    path.display(),
                    String::from_utf8_lossy(&bytes)
                )
            });
        assert_eq!(
            m.message_type().element_name(version),
            e["type"].as_str().unwrap()
        );
        let ours = path.with_extension("ours.xml");
        std::fs::write(&ours, encode(&m)).unwrap();
        let (equal, diff) = same(&path, &ours);
        assert!(
            equal,
            "{}: libtaxii reads our rewrite differently:\n{diff}",
            path.display()
        );
    }
}
