//! Rust-side calls of `tests/peers/libtaxii_oracle.py`, the libtaxii conformance oracle.
//!
//! Each call starts one Python process (about 0.3 s), so check many messages with one
//! [`libtaxii_validate_all`] rather than many [`libtaxii_validate`] calls. The subcommands'
//! JSON is documented at the top of the script.

use crate::run_peer_script;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// libtaxii's schema verdict on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaVerdict {
    /// `"1.0"` or `"1.1"` from the root namespace; `None` if not a TAXII message at all.
    pub version: Option<String>,
    pub valid: bool,
    pub errors: Vec<String>,
}

/// One message written by `emit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedMessage {
    /// `"1.0"` or `"1.1"`.
    pub version: String,
    /// Root element name, e.g. `Poll_Fulfillment`.
    pub message_type: String,
    /// libtaxii's `to_xml()`.
    pub xml: PathBuf,
    /// libtaxii's JSON-safe `to_dict()` (equal to what it reads back from `xml`).
    pub dict: PathBuf,
}

/// Runs the oracle and returns its JSON document.
///
/// # Panics
/// If the oracle could not run (exit status not 0), with its stderr.
pub fn libtaxii_oracle(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let output = run_peer_script("libtaxii_oracle.py", args, stdin);
    assert!(
        output.status.success(),
        "taxii-testkit: libtaxii_oracle.py {args:?} could not run ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "taxii-testkit: libtaxii_oracle.py {args:?} printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Schema-validates one message.
pub fn libtaxii_validate(xml: &[u8]) -> SchemaVerdict {
    let verdicts = libtaxii_oracle(&["validate", "-"], Some(xml));
    verdicts
        .as_array()
        .and_then(|list| list.first())
        .map(schema_verdict)
        .unwrap_or_else(|| panic!("taxii-testkit: validate printed no verdict: {verdicts}"))
}

/// Schema-validates many messages with one oracle run; verdicts in the same order.
pub fn libtaxii_validate_all(messages: &[&[u8]]) -> Vec<SchemaVerdict> {
    let dir = scratch_dir();
    let paths = write_all(dir.path(), messages);
    let mut args = vec!["validate"];
    args.extend(paths.iter().map(String::as_str));
    let verdicts = libtaxii_oracle(&args, None);
    let list = verdicts.as_array().map(Vec::as_slice).unwrap_or_default();
    assert_eq!(
        list.len(),
        messages.len(),
        "taxii-testkit: one verdict per message: {verdicts}"
    );
    list.iter().map(schema_verdict).collect()
}

/// Panics, showing libtaxii's errors and the message, unless the message is schema-valid.
pub fn assert_libtaxii_valid(xml: &[u8]) {
    let verdict = libtaxii_validate(xml);
    assert!(
        verdict.valid,
        "libtaxii rejects this message (TAXII {:?}): {:#?}\n{}",
        verdict.version,
        verdict.errors,
        String::from_utf8_lossy(xml)
    );
}

/// libtaxii's semantic comparison of two messages: `Ok(())` if equal, else `Err(diff)`.
pub fn libtaxii_same(a: &[u8], b: &[u8]) -> Result<(), String> {
    let dir = scratch_dir();
    let paths = write_all(dir.path(), &[a, b]);
    let verdict = libtaxii_oracle(&["same", &paths[0], &paths[1]], None);
    match verdict["equal"].as_bool() {
        Some(true) => Ok(()),
        Some(false) => Err(verdict["diff"].as_str().unwrap_or_default().to_string()),
        None => panic!("taxii-testkit: same printed no verdict: {verdict}"),
    }
}

/// libtaxii's JSON-safe `to_dict()` of one message, or `Err(parse error)`.
pub fn libtaxii_reparse(xml: &[u8]) -> Result<Value, String> {
    let results = libtaxii_oracle(&["reparse", "-"], Some(xml));
    let result = &results[0];
    match result.get("parse_error") {
        Some(error) => Err(error.as_str().unwrap_or_default().to_string()),
        None => Ok(result["dict"].clone()),
    }
}

/// libtaxii builds one message of each of the 21 TAXII 1.0/1.1 types into `dir`.
pub fn libtaxii_emit(dir: &Path) -> Vec<EmittedMessage> {
    let out = dir.to_string_lossy();
    let listing = libtaxii_oracle(&["emit", &out], None);
    let text = |entry: &Value, key: &str| entry[key].as_str().unwrap_or_default().to_string();
    listing
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|entry| EmittedMessage {
            version: text(entry, "version"),
            message_type: text(entry, "type"),
            xml: text(entry, "xml").into(),
            dict: text(entry, "dict").into(),
        })
        .collect()
}

fn schema_verdict(value: &Value) -> SchemaVerdict {
    SchemaVerdict {
        version: value["version"].as_str().map(str::to_string),
        valid: value["valid"].as_bool().unwrap_or(false),
        errors: value["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e.as_str().unwrap_or_default().to_string())
            })
            .into_iter()
            .flatten()
            .collect(),
    }
}

fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("taxii-testkit-oracle-")
        .tempdir()
        .unwrap_or_else(|e| panic!("taxii-testkit: cannot create a temp dir: {e}"))
}

fn write_all(dir: &Path, messages: &[&[u8]]) -> Vec<String> {
    messages
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            let path = dir.join(format!("message-{index}.xml"));
            std::fs::write(&path, bytes)
                .unwrap_or_else(|e| panic!("taxii-testkit: cannot write {}: {e}", path.display()));
            path.to_string_lossy().into_owned()
        })
        .collect()
}
