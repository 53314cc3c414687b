//! `tests/peers/libtaxii_oracle.py` and `bench_libtaxii.py`, checked on messages written
//! here to the TAXII 1.0/1.1 XML binding specs, so other crates can trust their verdicts.

use serde_json::Value;
use std::path::{Path, PathBuf};
use taxii_testkit::{libtaxii_oracle as oracle, run_peer_script};

const NS_10: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1";
const NS_11: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";

fn write(dir: &Path, name: &str, xml: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, xml).expect("write message file");
    path.to_str().expect("temp paths are UTF-8").to_string()
}

fn discovery_request_11(message_id: &str) -> String {
    format!(r#"<taxii_11:Discovery_Request xmlns:taxii_11="{NS_11}" message_id="{message_id}"/>"#)
}

fn inbox_11(prefix: &str, title: &str) -> String {
    format!(
        r#"<{prefix}:Inbox_Message xmlns:{prefix}="{NS_11}" message_id="9"><{prefix}:Content_Block><{prefix}:Content_Binding binding_id="urn:stix.mitre.org:xml:1.1.1"/><{prefix}:Content><stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" version="1.1.1" id="x:1"><stix:STIX_Header><stix:Title>{title}</stix:Title></stix:STIX_Header></stix:STIX_Package></{prefix}:Content></{prefix}:Content_Block></{prefix}:Inbox_Message>"#
    )
}

#[test]
fn validate_accepts_spec_messages_of_both_versions_and_rejects_broken_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        write(dir.path(), "ok11.xml", &discovery_request_11("42")),
        write(
            dir.path(),
            "ok10.xml",
            &format!(
                r#"<taxii:Status_Message xmlns:taxii="{NS_10}" message_id="7" in_response_to="6" status_type="SUCCESS"/>"#
            ),
        ),
        // status_type is required on a Status_Message.
        write(
            dir.path(),
            "no-status-type.xml",
            &format!(r#"<t:Status_Message xmlns:t="{NS_11}" message_id="7" in_response_to="6"/>"#),
        ),
        write(
            dir.path(),
            "unclosed.xml",
            &format!(r#"<t:Discovery_Request xmlns:t="{NS_11}""#),
        ),
        write(
            dir.path(),
            "foreign.xml",
            r#"<Discovery_Request xmlns="urn:not-taxii" message_id="1"/>"#,
        ),
    ];
    let args: Vec<&str> = std::iter::once("validate")
        .chain(files.iter().map(String::as_str))
        .collect();
    let verdicts = oracle(&args, None);
    let verdicts = verdicts.as_array().expect("a list of verdicts");
    let summary: Vec<(bool, Value)> = verdicts
        .iter()
        .map(|v| (v["valid"] == true, v["version"].clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (true, "1.1".into()),
            (true, "1.0".into()),
            (false, "1.1".into()),
            (false, Value::Null),
            (false, Value::Null)
        ],
        "{verdicts:#?}"
    );
    let missing_attribute_errors = verdicts[2]["errors"].to_string();
    assert!(
        missing_attribute_errors.contains("status_type"),
        "{missing_attribute_errors}"
    );
    assert_eq!(verdicts[0]["errors"], Value::Array(vec![]));
}

#[test]
fn validate_reads_stdin_and_an_unreadable_file_means_the_oracle_did_not_run() {
    let verdicts = oracle(&["validate"], Some(discovery_request_11("1").as_bytes()));
    assert_eq!(verdicts[0]["file"], "-");
    assert_eq!(verdicts[0]["valid"], true);

    let output = run_peer_script(
        "libtaxii_oracle.py",
        &["validate", "/nonexistent/x.xml"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/x.xml"));
}

#[test]
fn reparse_gives_libtaxiis_view_of_the_message_or_its_parse_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(
        dir.path(),
        "inbox.xml",
        &inbox_11("t", "reparse &amp; check"),
    );
    let foreign = write(
        dir.path(),
        "foreign.xml",
        r#"<x:Inbox_Message xmlns:x="urn:x"/>"#,
    );
    let results = oracle(&["reparse", &good, &foreign], None);
    let inbox = &results[0];
    assert_eq!(inbox["valid"], true, "{inbox:#}");
    assert_eq!(inbox["dict"]["message_type"], "Inbox_Message");
    assert_eq!(inbox["dict"]["message_id"], "9");
    let block = &inbox["dict"]["content_blocks"][0];
    assert_eq!(block["content_is_xml"], true);
    assert!(block["content"]
        .as_str()
        .is_some_and(|c| c.contains("reparse &amp; check")));
    let xml = inbox["xml"].as_str().expect("to_xml() as a string");
    assert!(
        xml.contains("Inbox_Message") && xml.contains(NS_11),
        "{xml}"
    );
    assert!(inbox.get("parse_error").is_none());
    assert!(results[1]["parse_error"].is_string(), "{:#}", results[1]);
    assert!(results[1].get("dict").is_none());
}

#[test]
fn same_sees_through_prefixes_but_not_through_changed_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write(dir.path(), "a.xml", &inbox_11("taxii_11", "one"));
    let renamed = write(dir.path(), "b.xml", &inbox_11("t", "one"));
    let changed = write(dir.path(), "c.xml", &inbox_11("t", "two"));
    let other_id = write(dir.path(), "d.xml", &discovery_request_11("43"));
    let id = write(dir.path(), "e.xml", &discovery_request_11("42"));

    let equal = oracle(&["same", &a, &renamed], None);
    assert_eq!(equal["equal"], true, "{equal:#}");
    assert_eq!(equal["diff"], "");
    let content_differs = oracle(&["same", &a, &changed], None);
    assert_eq!(content_differs["equal"], false);
    assert!(content_differs["diff"]
        .as_str()
        .is_some_and(|d| d.contains("two")));
    assert_eq!(oracle(&["same", &id, &other_id], None)["equal"], false);
}

/// Every emitted file, as (version, type, xml path, dict path).
fn emitted(listing: &Value) -> Vec<(String, String, PathBuf, PathBuf)> {
    let text = |v: &Value| v.as_str().expect("string field").to_string();
    listing
        .as_array()
        .expect("a list of emitted files")
        .iter()
        .map(|e| {
            (
                text(&e["version"]),
                text(&e["type"]),
                text(&e["xml"]).into(),
                text(&e["dict"]).into(),
            )
        })
        .collect()
}

#[test]
fn emit_builds_every_message_type_of_both_versions_and_each_one_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("UTF-8 temp path");
    let files = emitted(&oracle(&["emit", out], None));
    let mut names: Vec<String> = files
        .iter()
        .map(|(v, t, _, _)| format!("{v}-{t}"))
        .collect();
    names.sort();
    let expected = [
        "1.0-Discovery_Request",
        "1.0-Discovery_Response",
        "1.0-Feed_Information_Request",
        "1.0-Feed_Information_Response",
        "1.0-Inbox_Message",
        "1.0-Poll_Request",
        "1.0-Poll_Response",
        "1.0-Status_Message",
        "1.0-Subscription_Management_Request",
        "1.0-Subscription_Management_Response",
        "1.1-Collection_Information_Request",
        "1.1-Collection_Information_Response",
        "1.1-Discovery_Request",
        "1.1-Discovery_Response",
        "1.1-Inbox_Message",
        "1.1-Poll_Fulfillment",
        "1.1-Poll_Request",
        "1.1-Poll_Response",
        "1.1-Status_Message",
        "1.1-Subscription_Management_Request",
        "1.1-Subscription_Management_Response",
    ];
    assert_eq!(names, expected);

    let xml_paths: Vec<&str> = files
        .iter()
        .map(|(_, _, x, _)| x.to_str().expect("UTF-8"))
        .collect();
    let args: Vec<&str> = std::iter::once("reparse")
        .chain(xml_paths.iter().copied())
        .collect();
    let reparsed = oracle(&args, None);
    for ((version, kind, xml, dict), result) in files.iter().zip(reparsed.as_array().expect("list"))
    {
        assert_eq!(
            result["valid"],
            true,
            "{} does not validate: {}",
            xml.display(),
            result["errors"]
        );
        assert_eq!(&result["version"], version.as_str());
        assert_eq!(&result["dict"]["message_type"], kind.as_str());
        // The dict beside each XML file is exactly what libtaxii reads back from it.
        let written: Value =
            serde_json::from_slice(&std::fs::read(dict).expect("dict.json")).expect("JSON");
        assert_eq!(
            result["dict"],
            written,
            "{} and its dict.json disagree",
            xml.display()
        );
    }
}

#[test]
fn emitted_messages_carry_the_awkward_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("UTF-8 temp path");
    oracle(&["emit", out], None);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("emitted file");
    let poll_response = read("1.1-Poll_Response.xml");
    for field in [
        "more=\"true\"",
        "result_part_number=\"2\"",
        "Record_Count",
        "Extended_Header",
        "Timestamp_Label",
        "not xml: 1 &lt; 2",
    ] {
        assert!(
            poll_response.contains(field),
            "1.1 Poll_Response lacks {field}"
        );
    }
    assert!(read("1.1-Poll_Request.xml").contains("Default_Query"));
    assert!(read("1.1-Status_Message.xml").contains("ESTIMATED_WAIT"));
    assert!(read("1.1-Subscription_Management_Request.xml").contains("Subscription_Parameters"));
    assert!(read("1.0-Inbox_Message.xml").contains("Source_Subscription"));
}

#[test]
fn bench_reports_decode_and_encode_throughput_per_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "inbox.xml", &inbox_11("t", "bench"));
    let output = run_peer_script("bench_libtaxii.py", &[&file, "--seconds", "0.2"], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let result = &results[0];
    assert_eq!(result["file"], file.as_str());
    assert_eq!(
        result["bytes"].as_u64(),
        Some(inbox_11("t", "bench").len() as u64)
    );
    for rate in ["decode_mb_s", "encode_mb_s"] {
        assert!(
            result[rate].as_f64().is_some_and(|r| r > 0.0),
            "{rate}: {result:#}"
        );
    }
}

fn poll_request_with_query(operator: &str) -> String {
    format!(
        r#"<taxii_11:Poll_Request xmlns:taxii_11="{NS_11}" xmlns:tdq="http://taxii.mitre.org/query/taxii_default_query-1" message_id="3" collection_name="collection-a"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type><taxii_11:Query format_id="urn:taxii.mitre.org:query:default:1.0"><tdq:Default_Query targeting_expression_id="urn:stix.mitre.org:xml:1.1.1"><tdq:Criteria operator="{operator}"><tdq:Criterion negate="false"><tdq:Target>**/Title</tdq:Target><tdq:Test capability_id="urn:taxii.mitre.org:query:capability:core-1" relationship="exists"/></tdq:Criterion></tdq:Criteria></tdq:Default_Query></taxii_11:Query></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#
    )
}

#[test]
fn validate_also_checks_the_default_query_the_message_schema_skips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "and.xml", &poll_request_with_query("AND"));
    let bad = write(dir.path(), "xor.xml", &poll_request_with_query("XOR"));
    let verdicts = oracle(&["validate", &good, &bad], None);
    assert_eq!(verdicts[0]["valid"], true, "{:#}", verdicts[0]);
    assert_eq!(verdicts[1]["valid"], false, "{:#}", verdicts[1]);
    let errors = verdicts[1]["errors"].to_string();
    assert!(
        errors.contains("Default_Query") && errors.contains("XOR"),
        "{errors}"
    );
}
