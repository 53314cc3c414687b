//! The Rust wrappers of the libtaxii oracle, as other crates' tests use them.

use taxii_testkit::{
    assert_libtaxii_valid, libtaxii_emit, libtaxii_reparse, libtaxii_same, libtaxii_validate,
    libtaxii_validate_all,
};

const NS_11: &str = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1";

fn collection_information_request(prefix: &str, id: &str) -> String {
    format!(
        r#"<{prefix}:Collection_Information_Request xmlns:{prefix}="{NS_11}" message_id="{id}"/>"#
    )
}

#[test]
fn one_message_and_many_messages_get_the_same_verdicts() {
    let good = collection_information_request("taxii_11", "5");
    let bad = format!(r#"<t:Collection_Information_Request xmlns:t="{NS_11}"/>"#); // no message_id
    let single = libtaxii_validate(good.as_bytes());
    assert!(single.valid && single.errors.is_empty(), "{single:?}");
    assert_eq!(single.version.as_deref(), Some("1.1"));

    let batch = libtaxii_validate_all(&[good.as_bytes(), bad.as_bytes()]);
    assert_eq!(batch[0], single);
    assert!(!batch[1].valid);
    assert!(
        batch[1].errors.iter().any(|e| e.contains("message_id")),
        "{:?}",
        batch[1]
    );

    assert_libtaxii_valid(good.as_bytes());
    let refused = std::panic::catch_unwind(|| assert_libtaxii_valid(bad.as_bytes()));
    assert!(
        refused.is_err(),
        "an invalid message must fail the assertion"
    );
}

#[test]
fn reparse_and_same_expose_libtaxiis_reading() {
    let a = collection_information_request("taxii_11", "5");
    let dict = libtaxii_reparse(a.as_bytes()).expect("libtaxii parses it");
    assert_eq!(dict["message_type"], "Collection_Information_Request");
    assert!(libtaxii_reparse(b"<not-taxii/>").is_err());

    libtaxii_same(
        a.as_bytes(),
        collection_information_request("x", "5").as_bytes(),
    )
    .expect("only the prefix differs");
    let diff = libtaxii_same(
        a.as_bytes(),
        collection_information_request("x", "6").as_bytes(),
    )
    .expect_err("the message ids differ");
    assert!(diff.contains("\"6\""), "{diff}");
}

#[test]
fn emitted_reference_messages_all_validate_in_one_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let emitted = libtaxii_emit(dir.path());
    assert_eq!(emitted.len(), 21);
    assert_eq!(emitted.iter().filter(|m| m.version == "1.0").count(), 10);
    let bytes: Vec<Vec<u8>> = emitted
        .iter()
        .map(|m| std::fs::read(&m.xml).expect("emitted XML"))
        .collect();
    let slices: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    for (message, verdict) in emitted.iter().zip(libtaxii_validate_all(&slices)) {
        assert!(
            verdict.valid,
            "{}: {:?}",
            message.xml.display(),
            verdict.errors
        );
        assert_eq!(verdict.version.as_deref(), Some(message.version.as_str()));
        assert!(message.dict.is_file());
    }
}
