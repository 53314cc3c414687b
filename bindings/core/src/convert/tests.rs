//! The conversion table, row by row, and round trips in both directions.

use super::*;
use crate::arbitrary;
use proptest::prelude::*;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2014-06-01T12:00:00Z").unwrap()
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn msg(version: Version, body: Body) -> Message {
    let mut m = Message::new(version, "42", body);
    if !m.message_type().is_request() {
        m.header.in_response_to = Some("41".into());
    }
    m
}

fn poll_response(version: Version) -> PollResponse {
    PollResponse {
        collection_name: "feed-a".into(),
        subscription_id: None,
        exclusive_begin: None,
        inclusive_begin: None,
        inclusive_end: Some(ts("2014-01-31T00:00:00Z")),
        more: false,
        result_id: None,
        result_part_number: None,
        record_count: None,
        message: None,
        content_blocks: vec![ContentBlock::new(
            crate::ids::content::STIX_XML_111,
            crate::Payload::text("x"),
        )],
    }
    .with_begin(version)
}

trait WithBegin {
    fn with_begin(self, version: Version) -> Self;
}

impl WithBegin for PollResponse {
    fn with_begin(mut self, version: Version) -> Self {
        match version {
            Version::V10 => self.inclusive_begin = Some(ts("2014-01-01T00:00:00Z")),
            Version::V11 => self.exclusive_begin = Some(ts("2013-12-31T23:59:59.999999Z")),
        }
        self
    }
}

#[test]
fn an_inclusive_begin_becomes_exclusive_one_microsecond_earlier_and_back() {
    let m10 = msg(
        Version::V10,
        Body::PollResponse(poll_response(Version::V10)),
    );
    let m11 = convert(m10.clone(), Version::V11, now()).unwrap();
    assert_eq!(
        m11,
        msg(
            Version::V11,
            Body::PollResponse(poll_response(Version::V11))
        )
    );
    assert_eq!(convert(m11, Version::V10, now()).unwrap(), m10);
}

#[test]
fn status_detail_lists_become_pairs_and_back() {
    let text = StatusDetails::Text(format!(
        "{} {}",
        crate::ids::MESSAGE_XML_10,
        crate::ids::MESSAGE_XML_11
    ));
    let m10 = msg(
        Version::V10,
        Body::StatusMessage(StatusMessage {
            status_type: StatusType::UnsupportedMessage,
            details: text,
            message: None,
        }),
    );
    let m11 = convert(m10.clone(), Version::V11, now()).unwrap();
    let Body::StatusMessage(s) = &m11.body else {
        panic!("not a status")
    };
    assert_eq!(
        s.details
            .values(detail::SUPPORTED_BINDING)
            .collect::<Vec<_>>(),
        vec![crate::ids::MESSAGE_XML_10, crate::ids::MESSAGE_XML_11]
    );
    assert_eq!(convert(m11, Version::V10, now()).unwrap(), m10);
}

#[test]
fn a_retry_time_becomes_a_wait_in_seconds_and_back() {
    let m10 = msg(
        Version::V10,
        Body::StatusMessage(StatusMessage {
            status_type: StatusType::Retry,
            details: StatusDetails::Text("2014-06-01T12:01:30Z".into()),
            message: None,
        }),
    );
    let m11 = convert(m10.clone(), Version::V11, now()).unwrap();
    let Body::StatusMessage(s) = &m11.body else {
        panic!("not a status")
    };
    assert_eq!(
        s.details.values(detail::ESTIMATED_WAIT).collect::<Vec<_>>(),
        vec!["90"]
    );
    let Body::StatusMessage(back) = convert(m11, Version::V10, now()).unwrap().body else {
        panic!("not a status")
    };
    assert_eq!(
        back.details,
        StatusDetails::Text("2014-06-01T12:01:30.000000Z".into())
    );
    assert_eq!(
        ts("2014-06-01T12:01:30.000000Z"),
        ts("2014-06-01T12:01:30Z")
    );
}

#[test]
fn status_types_1_0_lacks_become_failure_with_everything_in_the_message() {
    let pairs = StatusDetails::Pairs(vec![StatusDetail::new(detail::MAX_PART_NUMBER, "4")]);
    let m11 = msg(
        Version::V11,
        Body::StatusMessage(StatusMessage {
            status_type: StatusType::InvalidResponsePart,
            details: pairs,
            message: Some("no part 9".into()),
        }),
    );
    let m10 = convert(m11, Version::V10, now()).unwrap();
    let Body::StatusMessage(s) = m10.body else {
        panic!("not a status")
    };
    assert_eq!(s.status_type, StatusType::Failure);
    assert_eq!(s.details, StatusDetails::None);
    assert_eq!(
        s.message.as_deref(),
        Some("no part 9 [TAXII 1.1 status INVALID_RESPONSE_PART; MAX_PART_NUMBER=4]")
    );
}

#[test]
fn what_1_0_cannot_express_is_a_typed_error_naming_it() {
    let pause = SubscriptionManagementRequest {
        collection_name: "c".into(),
        action: SubscriptionAction::Pause,
        subscription_id: Some("s".into()),
        subscription_parameters: None,
        push_parameters: None,
    };
    let cases: Vec<(Body, StatusType, &str)> = vec![
        (
            Body::SubscriptionManagementRequest(pause),
            StatusType::Denied,
            "PAUSE",
        ),
        (
            Body::PollFulfillmentRequest(PollFulfillmentRequest {
                collection_name: "c".into(),
                result_id: "r".into(),
                result_part_number: 2,
            }),
            StatusType::Failure,
            "Poll Fulfillment",
        ),
        (
            Body::PollResponse(PollResponse {
                more: true,
                result_id: Some("r".into()),
                ..poll_response(Version::V11)
            }),
            StatusType::Failure,
            "multi-part",
        ),
        (
            Body::PollRequest(PollRequest {
                collection_name: "c".into(),
                exclusive_begin: None,
                inclusive_end: None,
                subscription_id: None,
                poll_parameters: Some(PollParameters {
                    response_type: ResponseType::CountOnly,
                    ..Default::default()
                }),
            }),
            StatusType::Denied,
            "COUNT_ONLY",
        ),
        (
            Body::InboxMessage(InboxMessage {
                destination_collection_names: vec!["c".into()],
                ..Default::default()
            }),
            StatusType::DestinationCollectionError,
            "destination",
        ),
    ];
    for (body, status, what) in cases {
        let err = convert(msg(Version::V11, body), Version::V10, now()).unwrap_err();
        assert_eq!(err.status, status, "{err}");
        assert!(err.what.contains(what), "{err}");
        assert_eq!(err.target, "TAXII 1.0");
    }
    let mut m = msg(Version::V11, Body::DiscoveryRequest);
    m.header.message_id = "urn:uuid:1".into();
    assert!(convert(m, Version::V10, now())
        .unwrap_err()
        .what
        .contains("not digits"));
}

#[test]
fn a_1_0_subscription_moves_its_content_bindings_into_subscription_parameters() {
    let push = PushParameters {
        protocol_binding: crate::ids::PROTOCOL_HTTP_10.into(),
        address: "http://example.com/inbox".into(),
        message_binding: crate::ids::MESSAGE_XML_10.into(),
        content_bindings: vec![ContentBinding::new(crate::ids::content::STIX_XML_111)],
    };
    let req = SubscriptionManagementRequest {
        collection_name: "c".into(),
        action: SubscriptionAction::Subscribe,
        subscription_id: None,
        subscription_parameters: None,
        push_parameters: Some(push),
    };
    let m10 = msg(Version::V10, Body::SubscriptionManagementRequest(req));
    let m11 = convert(m10.clone(), Version::V11, now()).unwrap();
    let Body::SubscriptionManagementRequest(r) = &m11.body else {
        panic!()
    };
    assert_eq!(
        r.subscription_parameters
            .as_ref()
            .unwrap()
            .content_bindings
            .len(),
        1
    );
    assert!(r
        .push_parameters
        .as_ref()
        .unwrap()
        .content_bindings
        .is_empty());
    assert_eq!(convert(m11, Version::V10, now()).unwrap(), m10);
}

/// 1.0 messages outside the documented lossy rows: a Poll Request naming both a
/// subscription and content bindings, a RETRY time (which becomes a wait from `now`), and
/// the white space of an ID list (which becomes separate pairs).
fn losslessly_convertible(m: &Message) -> bool {
    let Body::StatusMessage(s) = &m.body else {
        return !matches!(&m.body, Body::PollRequest(r) if r.subscription_id.is_some() && r.poll_parameters.is_some());
    };
    match (&s.status_type, &s.details) {
        (StatusType::Retry, StatusDetails::Text(t)) => Timestamp::parse(t.trim()).is_err(),
        (
            StatusType::UnsupportedMessage
            | StatusType::UnsupportedContent
            | StatusType::UnsupportedProtocol,
            StatusDetails::Text(t),
        ) => t.split_whitespace().collect::<Vec<_>>().join(" ") == *t && !t.is_empty(),
        _ => true,
    }
}

proptest! {
    #[test]
    fn every_1_0_message_survives_1_0_to_1_1_to_1_0(m10 in arbitrary::message(Version::V10).prop_filter("documented lossy rows", losslessly_convertible)) {
        let m11 = convert(m10.clone(), Version::V11, now()).unwrap();
        prop_assert_eq!(m11.version, Version::V11);
        prop_assert_eq!(convert(m11, Version::V10, now()).unwrap(), m10);
    }

    #[test]
    fn a_1_1_message_1_0_can_express_survives_1_1_to_1_0_to_1_1(m10 in arbitrary::message(Version::V10)) {
        let m11 = convert(m10, Version::V11, now()).unwrap();
        let back = convert(m11.clone(), Version::V10, now()).and_then(|m| convert(m, Version::V11, now()));
        prop_assert_eq!(back.unwrap(), m11);
    }
}
