//! Inbox then Poll (TAXII 1.1): content comes back byte for byte, ranges are exclusive
//! begin / inclusive end with a concrete end label, filters and refusals are TAXII
//! statuses.

use super::*;
use bytes::Bytes;
use taxii_core::status::detail;
use taxii_core::{CollectionInformation, Query, ResponseType, Signature};

#[test]
fn inbox_then_poll_round_trips_every_block_byte_for_byte() {
    let (_dir, hub) = fresh(100);
    let mut with_everything = stix(1);
    with_everything.content_binding.subtypes = vec!["urn:example:subtype".into()];
    with_everything.message = Some("a block message".into());
    with_everything.padding = Some("\u{a0}  padding".into());
    with_everything.signature = Some(Signature(Bytes::from_static(
        b"<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/>",
    )));
    with_everything.timestamp_label = Some(Timestamp::parse("2001-01-01T00:00:00Z").unwrap());
    let text = ContentBlock::new("urn:example:base64", Payload::text("AAEC/w==\r\n"));
    let binary_ish = ContentBlock::new(
        "urn:example:raw",
        Payload {
            bytes: Bytes::from_static(b"\x00\x01\xfe\xff<not xml"),
            is_xml: false,
        },
    );
    let sent = vec![with_everything, text, binary_ish];
    push(&hub, "alpha", sent.clone());

    let (got, _) = poll_everything(&hub, "alpha", None);
    assert_eq!(got.len(), sent.len());
    for (got, sent) in got.iter().zip(&sent) {
        assert_eq!(got.content.bytes, sent.content.bytes);
        assert_eq!(got.content.is_xml, sent.content.is_xml);
        assert_eq!(got.content_binding, sent.content_binding);
        assert_eq!(got.message, sent.message);
        assert_eq!(got.padding, sent.padding);
        assert_eq!(got.signature, sent.signature);
        // The sender's label is advisory: the hub assigns its own.
        assert_ne!(got.timestamp_label, sent.timestamp_label);
        assert!(got
            .timestamp_label
            .as_ref()
            .unwrap()
            .as_str()
            .ends_with('Z'));
    }
}

#[test]
fn success_comes_only_with_the_blocks_stored_in_every_destination() {
    let (_dir, hub) = fresh(100);
    push(&hub, "beta", vec![stix(1)]);
    let response = send(&hub, &inbox(&["alpha", "beta", "alpha"], vec![stix(2)]));
    assert_eq!(status(&response).status_type, StatusType::Success);
    let alpha: Vec<u64> = poll_everything(&hub, "alpha", None)
        .0
        .iter()
        .map(block_number)
        .collect();
    let beta: Vec<u64> = poll_everything(&hub, "beta", None)
        .0
        .iter()
        .map(block_number)
        .collect();
    assert_eq!(alpha, vec![2], "named once even if listed twice");
    assert_eq!(beta, vec![1, 2]);
}

#[test]
fn a_push_without_destination_goes_to_the_default_inbox() {
    let (_dir, hub) = fresh(100);
    let response = send(&hub, &inbox(&[], vec![stix(9)]));
    assert_eq!(status(&response).status_type, StatusType::Success);
    assert_eq!(poll_everything(&hub, "alpha", None).0.len(), 1);
    assert!(poll_everything(&hub, "beta", None).0.is_empty());
}

#[test]
fn without_a_default_inbox_a_push_must_name_its_destination() {
    let dir = tempfile::tempdir().unwrap();
    let mut no_default = config(dir.path(), 100);
    no_default.default_inbox.clear();
    let hub = Hub::open(no_default).unwrap();
    let response = send(&hub, &inbox(&[], vec![stix(1)]));
    let s = status(&response);
    assert_eq!(s.status_type, StatusType::DestinationCollectionError);
    let acceptable: Vec<&str> = s.details.values(detail::ACCEPTABLE_DESTINATION).collect();
    assert_eq!(acceptable, vec!["alpha", "beta"]);
}

#[test]
fn refused_pushes_store_nothing() {
    let (_dir, hub) = fresh(100);
    let unknown = send(&hub, &inbox(&["alpha", "nope"], vec![stix(1)]));
    assert_eq!(
        status(&unknown).status_type,
        StatusType::DestinationCollectionError
    );
    assert!(status(&unknown)
        .message
        .as_deref()
        .unwrap()
        .contains("nope"));

    let mut cap = ContentBlock::new(content::CAP_12, Payload::xml("<alert/>"));
    cap.message = None;
    let wrong = send(&hub, &inbox(&["alpha", "beta"], vec![stix(2), cap]));
    let s = status(&wrong);
    assert_eq!(s.status_type, StatusType::UnsupportedContent);
    assert_eq!(
        s.details
            .values(detail::SUPPORTED_CONTENT)
            .collect::<Vec<_>>(),
        vec![content::STIX_XML_111]
    );
    assert!(s.message.as_deref().unwrap().contains("content block 2"));
    assert!(
        poll_everything(&hub, "alpha", None).0.is_empty(),
        "nothing stored on refusal"
    );
    assert!(poll_everything(&hub, "beta", None).0.is_empty());
}

#[test]
fn polls_take_exclusive_begin_and_inclusive_end_and_answer_a_concrete_end() {
    let (_dir, hub) = fresh(100);
    for n in 0..5 {
        push(&hub, "alpha", vec![stix(n)]);
    }
    let (all, end) = poll_everything(&hub, "alpha", None);
    let labels: Vec<Timestamp> = all
        .iter()
        .map(|b| b.timestamp_label.clone().unwrap())
        .collect();
    assert_eq!(end, labels[4], "the end of an open range is the last label");

    let response = send(
        &hub,
        &poll_message(
            Version::V11,
            poll("alpha", Some(&labels[1]), Some(&labels[3])),
        ),
    );
    let p = poll_response(&response);
    let got: Vec<u64> = p.content_blocks.iter().map(block_number).collect();
    assert_eq!(got, vec![2, 3], "begin excluded, end included");
    assert_eq!(p.exclusive_begin.as_ref(), Some(&labels[1]));
    assert_eq!(p.inclusive_end.as_ref(), Some(&labels[3]));
    assert_eq!(
        p.record_count.map(|c| (c.count, c.partial)),
        Some((2, false))
    );
    assert!(!p.more);

    // An end in the future is answered with the last label: polling on from it misses nothing.
    let future = Timestamp::parse("2999-01-01T00:00:00Z").unwrap();
    let response = send(
        &hub,
        &poll_message(Version::V11, poll("alpha", Some(&labels[4]), Some(&future))),
    );
    let p = poll_response(&response);
    assert!(p.content_blocks.is_empty());
    assert_eq!(p.inclusive_end.as_ref(), Some(&labels[4]));
    push(&hub, "alpha", vec![stix(5)]);
    let (later, _) = poll_everything(&hub, "alpha", p.inclusive_end.as_ref());
    assert_eq!(later.iter().map(block_number).collect::<Vec<_>>(), vec![5]);

    let backwards = send(
        &hub,
        &poll_message(
            Version::V11,
            poll("alpha", Some(&labels[3]), Some(&labels[1])),
        ),
    );
    assert_eq!(status(&backwards).status_type, StatusType::BadMessage);
}

#[test]
fn an_empty_hub_still_answers_a_concrete_end_label() {
    let (_dir, hub) = fresh(100);
    let response = send(&hub, &poll_message(Version::V11, poll("alpha", None, None)));
    let p = poll_response(&response);
    assert!(p.content_blocks.is_empty());
    assert!(p.inclusive_end.is_some());
    assert_eq!(p.record_count.map(|c| c.count), Some(0));
}

#[test]
fn poll_parameters_filter_by_content_binding_and_count_only_counts() {
    let (_dir, hub) = fresh(100);
    let mut sub_a = stix(1);
    sub_a.content_binding.subtypes = vec!["urn:a".into()];
    let mut sub_b = stix(2);
    sub_b.content_binding.subtypes = vec!["urn:b".into()];
    let other = ContentBlock::new("urn:other", Payload::text("3"));
    push(&hub, "alpha", vec![sub_a, sub_b, other, stix(4)]);

    let mut request = poll("alpha", None, None);
    request.poll_parameters = Some(PollParameters {
        content_bindings: vec![ContentBinding {
            binding_id: content::STIX_XML_111.into(),
            subtypes: vec!["urn:b".into()],
        }],
        ..Default::default()
    });
    let response = send(&hub, &poll_message(Version::V11, request.clone()));
    let got: Vec<u64> = poll_response(&response)
        .content_blocks
        .iter()
        .map(block_number)
        .collect();
    assert_eq!(
        got,
        vec![2, 4],
        "subtype b, and the block that names no subtype"
    );

    request.poll_parameters = Some(PollParameters {
        response_type: ResponseType::CountOnly,
        content_bindings: vec![ContentBinding::new(content::STIX_XML_111)],
        ..Default::default()
    });
    let response = send(&hub, &poll_message(Version::V11, request));
    let p = poll_response(&response);
    assert!(p.content_blocks.is_empty());
    assert_eq!(p.record_count.map(|c| c.count), Some(3));
    assert!(!p.more && p.result_id.is_none());
}

#[test]
fn what_the_hub_does_not_serve_is_a_clear_status() {
    let (_dir, hub) = fresh(100);
    let unknown = send(&hub, &poll_message(Version::V11, poll("nope", None, None)));
    let s = status(&unknown);
    assert_eq!(s.status_type, StatusType::NotFound);
    assert_eq!(
        s.details.values(detail::ITEM).collect::<Vec<_>>(),
        vec!["nope"]
    );

    let mut with_query = poll("alpha", None, None);
    with_query.poll_parameters = Some(PollParameters {
        query: Some(Query::Other {
            format_id: "urn:example:query".into(),
            body: Payload::text("x"),
        }),
        ..Default::default()
    });
    let q = send(&hub, &poll_message(Version::V11, with_query));
    assert_eq!(status(&q).status_type, StatusType::UnsupportedQuery);

    let discovery = send(
        &hub,
        &request(Version::V11, "urn:d", Body::DiscoveryRequest),
    );
    assert_eq!(status(&discovery).status_type, StatusType::Failure);
    assert!(status(&discovery)
        .message
        .as_deref()
        .unwrap()
        .contains("Discovery"));

    let stray = send(
        &hub,
        &request(
            Version::V11,
            "urn:s",
            Body::StatusMessage(StatusMessage::new(StatusType::Success, "hi")),
        ),
    );
    assert_eq!(status(&stray).status_type, StatusType::BadMessage);
}

#[test]
fn collection_information_points_at_the_gateway() {
    let (_dir, hub) = fresh(100);
    let response = send(
        &hub,
        &request(Version::V11, "urn:ci", Body::CollectionInformationRequest),
    );
    let Body::CollectionInformationResponse(info) = &response.body else {
        panic!("{response:?}")
    };
    let names: Vec<&str> = info
        .collections
        .iter()
        .map(|c| c.collection_name.as_str())
        .collect();
    assert_eq!(names, vec!["alpha", "beta"]);
    let beta: &CollectionInformation = &info.collections[1];
    assert_eq!(
        beta.collection_type,
        Some(taxii_core::CollectionType::DataFeed)
    );
    assert_eq!(
        beta.supported_contents,
        vec![ContentBinding::new(content::STIX_XML_111)]
    );
    assert_eq!(beta.polling_services, addresses().poll);
    assert_eq!(
        beta.subscription_services,
        addresses().collection_management
    );
    assert_eq!(
        beta.receiving_inbox_services[0].endpoint,
        addresses().inbox[0]
    );
    assert!(beta.push_methods.is_empty(), "the hub does not push");
    assert!(
        info.collections[0].supported_contents.is_empty(),
        "alpha takes anything"
    );
}
