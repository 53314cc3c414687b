//! Hostile and broken input: every case is a clear `Error` naming the field (or the line
//! and column), never a panic; memory and nesting are bounded.

use bytes::Bytes;
use taxii_core::*;
use taxii_json::{JsonBinding, Limits};

fn decode_error(body: &[u8], version: Version) -> DecodeError {
    match JsonBinding::new().decode(body, version) {
        Err(Error::Decode(e)) => {
            assert_eq!(e.binding, "JSON");
            e
        }
        other => panic!(
            "expected a decode error for {:?}, got {other:?}",
            String::from_utf8_lossy(body)
        ),
    }
}

/// A 1.1 Poll Fulfillment with `field` replaced by `value` (raw JSON).
fn fulfillment_with(field: &str, value: &str) -> Vec<u8> {
    let mut fields = vec![
        ("message_type", "\"Poll_Fulfillment\"".to_owned()),
        ("message_id", "\"f-1\"".to_owned()),
        ("extended_headers", "{}".to_owned()),
        ("collection_name", "\"c\"".to_owned()),
        ("result_id", "\"r\"".to_owned()),
        ("result_part_number", "2".to_owned()),
    ];
    for (k, v) in &mut fields {
        if *k == field {
            *v = value.to_owned();
        }
    }
    let body: Vec<String> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", body.join(", ")).into_bytes()
}

#[test]
fn the_template_itself_is_valid() {
    let m = JsonBinding::new()
        .decode(&fulfillment_with("", ""), Version::V11)
        .expect("valid template");
    assert_eq!(m.message_type(), MessageType::PollFulfillmentRequest);
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(&fulfillment_with("", ""));
    let m = JsonBinding::new()
        .decode(&body, Version::V11)
        .expect("BOM then a message");
    assert_eq!(m.message_type(), MessageType::PollFulfillmentRequest);
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let e = decode_error(
        b"{\"message_type\": \"Discovery_Request\",\n \"message_id\": \"\xff\"}",
        Version::V10,
    );
    assert!(e.reason.contains("invalid UTF-8 at byte 54"), "{e}");
    let at = e.location.expect("a location");
    assert_eq!((at.line, at.column), (2, 17));
}

#[test]
fn invalid_json_is_refused_with_line_and_column() {
    for (body, needle) in [
        (
            &b"{\"message_type\": \"Discovery_Request\",\n  \"message_id\": 1,,}"[..],
            "key must be a string",
        ),
        (b"{\"message_type\": \"Discovery_Request\"", "EOF"),
        (b"{} {}", "trailing"),
        (b"", "EOF"),
        (b"{\"a\": NaN}", "expected value"),
    ] {
        let e = decode_error(body, Version::V11);
        assert!(e.reason.contains(needle), "{e}");
        assert!(e.location.is_some(), "{e}");
    }
}

#[test]
fn the_root_must_be_an_object_with_a_message_type() {
    let e = decode_error(b"[1, 2]", Version::V11);
    assert!(
        e.reason.contains("expected an object, found an array"),
        "{e}"
    );
    let e = decode_error(b"{\"message_id\": \"1\"}", Version::V11);
    assert_eq!(e.element.as_deref(), Some("message_type"));
    assert!(e.reason.contains("required field is missing"), "{e}");
}

#[test]
fn deep_nesting_is_bounded_and_never_overflows_the_stack() {
    let deep = format!(
        "{{\"message_type\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let e = decode_error(deep.as_bytes(), Version::V11);
    assert!(e.reason.contains("nesting deeper than 64 levels"), "{e}");
    assert!(
        e.element
            .as_deref()
            .unwrap_or("")
            .starts_with("message_type"),
        "{e}"
    );
    let hostile = "[".repeat(1_000_000);
    let e = decode_error(hostile.as_bytes(), Version::V11);
    assert!(e.reason.contains("nesting"), "{e}");
    // A tighter bound is honoured.
    let strict = JsonBinding::with_limits(Limits {
        max_depth: 2,
        ..Limits::default()
    });
    let body = b"{\"message_type\": \"Discovery_Request\", \"message_id\": \"1\", \"extended_headers\": {\"x\": [[1]]}}";
    assert!(matches!(
        strict.decode(body, Version::V10),
        Err(Error::Decode(_))
    ));
}

#[test]
fn the_size_bound_is_enforced_before_parsing() {
    let small = JsonBinding::with_limits(Limits {
        max_bytes: 16,
        ..Limits::default()
    });
    let body = fulfillment_with("", "");
    match small.decode(&body, Version::V11) {
        Err(Error::TooLarge { size, limit: 16 }) => assert_eq!(size, body.len() as u64),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn huge_and_negative_numbers_name_the_field() {
    for value in [
        "18446744073709551616",
        "1e400",
        "1e30",
        "-1",
        "2.5",
        "\"2\"",
    ] {
        let e = decode_error(&fulfillment_with("result_part_number", value), Version::V11);
        assert_eq!(
            e.element.as_deref(),
            Some("result_part_number"),
            "{value}: {e}"
        );
    }
}

#[test]
fn duplicate_keys_are_refused_wherever_they_are() {
    let e = decode_error(
        b"{\"message_type\": \"Discovery_Request\", \"message_id\": \"1\", \"message_id\": \"2\"}",
        Version::V10,
    );
    assert_eq!(e.element.as_deref(), Some("message_id"));
    assert!(e.reason.contains("duplicate key"), "{e}");
    let body = br#"{"message_type": "Inbox_Message", "message_id": "1", "extended_headers": {},
        "content_blocks": [{"content_binding": "urn:x", "content": "a", "content": "b"}]}"#;
    let e = decode_error(body, Version::V10);
    assert_eq!(e.element.as_deref(), Some("content_blocks[0].content"));
    let body = br#"{"message_type": "Discovery_Request", "message_id": "1",
        "extended_headers": {"urn:h": "a", "urn:h": "b"}}"#;
    assert_eq!(
        decode_error(body, Version::V11).element.as_deref(),
        Some("extended_headers.urn:h")
    );
}

#[test]
fn wrong_types_name_the_field_and_both_types() {
    let e = decode_error(&fulfillment_with("message_id", "7"), Version::V11);
    assert_eq!(e.element.as_deref(), Some("message_id"));
    assert!(
        e.reason.contains("expected a string, found a number"),
        "{e}"
    );
    let e = decode_error(&fulfillment_with("extended_headers", "[]"), Version::V11);
    assert!(
        e.reason.contains("expected an object, found an array"),
        "{e}"
    );
    let e = decode_error(
        &fulfillment_with("extended_headers", "{\"urn:h\": 1}"),
        Version::V11,
    );
    assert_eq!(e.element.as_deref(), Some("extended_headers.urn:h"));
    let body = br#"{"message_type": "Poll_Response", "message_id": "1", "in_response_to": "0",
        "feed_name": "f", "inclusive_end_timestamp_label": "2014-01-01T00:00:00Z",
        "content_blocks": [{"content_binding": "urn:x", "content": "a", "content_is_xml": "yes"}]}"#;
    let e = decode_error(body, Version::V10);
    assert_eq!(
        e.element.as_deref(),
        Some("content_blocks[0].content_is_xml")
    );
    assert!(
        e.reason.contains("expected a boolean, found a string"),
        "{e}"
    );
}

#[test]
fn missing_required_fields_name_the_field() {
    let e = decode_error(&fulfillment_with("result_id", ""), Version::V11);
    assert_eq!(e.element.as_deref(), Some("result_id"));
    let e = decode_error(&fulfillment_with("result_id", "null"), Version::V11);
    assert_eq!(e.element.as_deref(), Some("result_id"));
    let body = br#"{"message_type": "Poll_Response", "message_id": "1", "in_response_to": "0",
        "feed_name": "f", "content_blocks": []}"#;
    let e = decode_error(body, Version::V10);
    assert_eq!(e.element.as_deref(), Some("inclusive_end_timestamp_label"));
    let body = br#"{"message_type": "Collection_Information_Response", "message_id": "1",
        "in_response_to": "0", "collection_informations": [{"collection_name": "c",
        "collection_description": "d", "polling_service_instances": [{"poll_protocol": "urn:p"}]}]}"#;
    let e = decode_error(body, Version::V11);
    assert_eq!(
        e.element.as_deref(),
        Some("collection_informations[0].polling_service_instances[0].poll_address")
    );
}

#[test]
fn unknown_message_types_and_values_are_refused() {
    let e = decode_error(
        &fulfillment_with("message_type", "\"Bogus_Request\""),
        Version::V11,
    );
    assert_eq!(e.element.as_deref(), Some("message_type"));
    assert!(e.reason.contains("not a TAXII 1.1 message type"), "{e}");
    // Poll Fulfillment is 1.1 only; Feed Information is 1.0's name.
    let e = decode_error(&fulfillment_with("", ""), Version::V10);
    assert!(e.reason.contains("not a TAXII 1.0 message type"), "{e}");
    let e = decode_error(
        b"{\"message_type\": \"Feed_Information_Request\", \"message_id\": \"1\"}",
        Version::V11,
    );
    assert_eq!(e.element.as_deref(), Some("message_type"));
    let body = br#"{"message_type": "Subscription_Management_Request", "message_id": "1",
        "feed_name": "f", "action": "PAUSE", "subscription_id": "s"}"#;
    let e = decode_error(body, Version::V10);
    assert_eq!(e.element.as_deref(), Some("action"));
    let body = br#"{"message_type": "Poll_Request", "message_id": "1", "collection_name": "c",
        "exclusive_begin_timestamp_label": "2014-01-01T00:00:00", "subscription_id": "s"}"#;
    let e = decode_error(body, Version::V11);
    assert_eq!(
        e.element.as_deref(),
        Some("exclusive_begin_timestamp_label")
    );
    assert!(e.reason.contains("timestamp label"), "{e}");
}

#[test]
fn inconsistent_order_extensions_are_refused() {
    let body = br#"{"message_type": "Status_Message", "message_id": "1", "in_response_to": "0",
        "status_type": "FAILURE", "status_detail": {"A": "1"}, "status_detail_order": ["A", "A"]}"#;
    let e = decode_error(body, Version::V11);
    assert_eq!(e.element.as_deref(), Some("status_detail_order"));
}

#[test]
fn what_json_cannot_say_is_refused_on_encode() {
    let json = JsonBinding::new();
    let mut m = Message::new(Version::V11, "1", Body::DiscoveryRequest);
    for value in ["a", "b"] {
        m.header.extended_headers.push(ExtendedHeader {
            name: "urn:h".into(),
            value: Payload::text(value),
        });
    }
    assert!(matches!(json.encode(&m), Err(Error::Inexpressible(_))));

    let block = ContentBlock::new(
        "urn:x",
        Payload {
            bytes: Bytes::from_static(b"\xff\xfe"),
            is_xml: false,
        },
    );
    let inbox = InboxMessage {
        content_blocks: vec![block],
        ..Default::default()
    };
    let m = Message::new(Version::V11, "1", Body::InboxMessage(inbox));
    match json.encode(&m) {
        Err(Error::Inexpressible(e)) => assert!(e.what.contains("not UTF-8"), "{e}"),
        other => panic!("expected Inexpressible, got {other:?}"),
    }

    let status = StatusMessage {
        status_type: StatusType::Failure,
        details: StatusDetails::Pairs(vec![StatusDetail::new("A", "1")]),
        message: None,
    };
    let m = Message::status(Version::V10, "1", "0", status);
    assert!(matches!(json.encode(&m), Err(Error::Invalid { .. })));
}

#[test]
fn fields_of_the_other_version_are_refused_not_dropped() {
    let json = JsonBinding::new();
    let mut block = ContentBlock::new("urn:x", Payload::text("a"));
    block.message = Some("a 1.1 block message".into());
    let inbox = InboxMessage {
        content_blocks: vec![block],
        ..Default::default()
    };
    match json.encode(&Message::new(Version::V10, "1", Body::InboxMessage(inbox))) {
        Err(Error::Invalid { reason, .. }) => {
            assert!(
                reason.contains("a content block message does not exist in TAXII 1.0"),
                "{reason}"
            )
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let label = Timestamp::parse("2014-01-01T00:00:00Z").unwrap();
    let response = PollResponse {
        collection_name: "c".into(),
        subscription_id: None,
        exclusive_begin: None,
        inclusive_begin: Some(label.clone()),
        inclusive_end: Some(label),
        more: false,
        result_id: None,
        result_part_number: None,
        record_count: None,
        message: None,
        content_blocks: Vec::new(),
    };
    let mut m = Message::new(Version::V11, "1", Body::PollResponse(response));
    m.header.in_response_to = Some("0".into());
    match json.encode(&m) {
        Err(Error::Invalid { reason, .. }) => assert!(reason.contains("TAXII 1.1"), "{reason}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn valid_documents() -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        [
            "v10/poll_response.json",
            "v11/subscription_management_request.json",
            "v11/status_message_pending.json",
        ]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).expect("fixture"))
        .collect()
    }

    proptest! {
        #[test]
        fn on_random_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            for version in Version::ALL {
                let _ = JsonBinding::new().decode(&body, version);
            }
        }

        #[test]
        fn on_damaged_documents(which in 0usize..3, cut in any::<prop::sample::Index>(),
                                at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut body = valid_documents().swap_remove(which);
            let i = at.index(body.len());
            body[i] = byte;
            body.truncate(cut.index(body.len()) + 1);
            for version in Version::ALL {
                if let Ok(m) = JsonBinding::new().decode(&body, version) {
                    // Whatever decodes must encode and decode to itself.
                    let again = JsonBinding::new().encode(&m).expect("a decoded message encodes");
                    prop_assert_eq!(JsonBinding::new().decode(&again, version).expect("re-decodes"), m);
                }
            }
        }
    }
}
