//! Our fixtures (written to libtaxii's `to_dict()` form, one or more per message type and
//! version): each decodes to the model we expect, and encoding that model gives the same
//! JSON document back (same keys, same values, same nulls).

mod common;

use common::{decode, fixtures, from_json, json};
use std::collections::BTreeSet;
use taxii_core::*;

#[test]
fn every_message_type_of_both_versions_has_a_fixture() {
    let mut seen = BTreeSet::new();
    for fixture in fixtures() {
        seen.insert((fixture.version, decode(&fixture).message_type()));
    }
    for version in Version::ALL {
        for t in MessageType::ALL
            .into_iter()
            .filter(|t| t.exists_in(version))
        {
            assert!(seen.contains(&(version, t)), "no {version} fixture for {t}");
        }
    }
}

#[test]
fn every_fixture_encodes_back_to_the_same_document() {
    for fixture in fixtures() {
        let message = decode(&fixture);
        let written = json(&message);
        let expected: serde_json::Value = serde_json::from_slice(&fixture.bytes).unwrap();
        let actual: serde_json::Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(actual, expected, "{}", fixture.name);
        let again = from_json(&written, fixture.version);
        assert_eq!(again, message, "{}", fixture.name);
    }
}

fn fixture(name: &str) -> Message {
    let f = fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    decode(&f)
}

#[test]
fn a_10_poll_response_maps_feed_fields_and_keeps_content_exact() {
    let m = fixture("v10/poll_response.json");
    assert_eq!(m.version, Version::V10);
    assert_eq!(m.header.in_response_to.as_deref(), Some("7"));
    let Body::PollResponse(r) = m.body else {
        panic!("not a poll response")
    };
    assert_eq!(r.collection_name, "phishing-urls");
    assert_eq!(
        r.inclusive_begin.as_ref().map(Timestamp::as_str),
        Some("2014-01-01T00:00:00.000001+00:00")
    );
    assert_eq!(r.exclusive_begin, None);
    let xml = &r.content_blocks[0];
    assert!(xml.content.is_xml);
    assert!(xml
        .content
        .as_str()
        .unwrap()
        .contains("<stix:Title>Phishing &amp; co</stix:Title>"));
    assert_eq!(xml.padding.as_deref(), Some("    "));
    let binary = &r.content_blocks[1];
    assert_eq!(
        binary.content,
        Payload::text("MIAGCSqGSIb3DQEHA6CAMIACAQAxggE=")
    );
    assert_eq!(
        binary.content_binding.binding_id,
        "application/x-pkcs7-mime"
    );
}

#[test]
fn extended_headers_are_xml_exactly_when_they_parse_as_an_element() {
    let m = fixture("v10/discovery_request.json");
    let headers = &m.header.extended_headers;
    assert_eq!(headers.len(), 2);
    assert_eq!(headers[0].value, Payload::text("trace-7f3a"));
    assert!(headers[1].value.is_xml);
    assert!(headers[1].value.as_str().unwrap().starts_with("<ex:Route"));
}

#[test]
fn a_10_poll_request_keeps_content_bindings_in_poll_parameters() {
    let Body::PollRequest(r) = fixture("v10/poll_request.json").body else {
        panic!("not a poll request")
    };
    assert_eq!(r.subscription_id.as_deref(), Some("sub-0042"));
    let p = r.poll_parameters.expect("content bindings given");
    assert_eq!(
        p.content_bindings,
        vec![ContentBinding::new("urn:stix.mitre.org:xml:1.1.1")]
    );
    assert_eq!(
        r.inclusive_end.as_ref().map(Timestamp::as_str),
        Some("2014-01-02T00:00:00.123456Z")
    );
}

#[test]
fn typed_11_status_details_read_as_their_text() {
    let Body::StatusMessage(s) = fixture("v11/status_message_pending.json").body else {
        panic!("not a status message")
    };
    assert_eq!(s.status_type, StatusType::Pending);
    assert_eq!(
        s.details,
        StatusDetails::Pairs(vec![
            StatusDetail::new("ESTIMATED_WAIT", "900"),
            StatusDetail::new("RESULT_ID", "result-2014-01-02"),
            StatusDetail::new("WILL_PUSH", "false"),
        ])
    );
    let Body::StatusMessage(s) = fixture("v11/status_message_unsupported.json").body else {
        panic!("not a status message")
    };
    assert_eq!(s.details.values("SUPPORTED_BINDING").count(), 2);
    let Body::StatusMessage(s) = fixture("v11/status_message_success.json").body else {
        panic!("not a status message")
    };
    assert_eq!(s.details, StatusDetails::None);
}

#[test]
fn a_default_query_reads_criteria_then_criterion_with_typed_parameters() {
    let Body::SubscriptionManagementRequest(r) =
        fixture("v11/subscription_management_request.json").body
    else {
        panic!("not a subscription request")
    };
    let Some(Query::Default(q)) = r.subscription_parameters.and_then(|p| p.query) else {
        panic!("expected a default query")
    };
    assert_eq!(q.criteria.operator, Operator::Or);
    let [CriteriaItem::Criteria(inner), CriteriaItem::Criterion(regex)] = &q.criteria.items[..]
    else {
        panic!(
            "expected one criteria then one criterion: {:?}",
            q.criteria.items
        )
    };
    assert_eq!(
        regex.test.parameters,
        vec![
            ("case_sensitive".to_owned(), "false".to_owned()),
            ("value".to_owned(), "^2014-".to_owned())
        ]
    );
    let CriteriaItem::Criterion(greater) = &inner.items[1] else {
        panic!("expected a criterion")
    };
    assert!(greater.negate);
    assert_eq!(
        greater.test.parameters,
        vec![("value".to_owned(), "2.5".to_owned())]
    );
}

#[test]
fn a_11_poll_response_reads_paging_and_subtypes() {
    let Body::PollResponse(r) = fixture("v11/poll_response.json").body else {
        panic!("not a poll response")
    };
    assert!(r.more);
    assert_eq!(r.result_part_number, Some(1));
    assert_eq!(
        r.record_count,
        Some(RecordCount {
            count: 40,
            partial: true
        })
    );
    assert_eq!(
        r.content_blocks[0].message.as_deref(),
        Some("First indicator.")
    );
    assert_eq!(
        r.content_blocks[1].content,
        Payload::text("1 < 2 & \"quoted\"\nsecond line")
    );
    let Body::PollRequest(p) = fixture("v11/poll_request.json").body else {
        panic!("not a poll request")
    };
    let params = p.poll_parameters.expect("poll parameters");
    assert!(
        params.allow_asynch,
        "libtaxii's \"true\" string is read as true"
    );
    assert_eq!(
        params.content_bindings[0].subtypes,
        vec!["urn:example:subtype:indicators"]
    );
}
