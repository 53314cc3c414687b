//! The TAXII 1.0 view: Feed Information, and polls answered in one response with an
//! Inclusive Begin label, capped at `max_10_poll_blocks`.

use super::*;

fn poll_10(begin: Option<&Timestamp>) -> Message {
    let mut message = poll_message(Version::V10, poll("alpha", begin, None));
    message.header.message_id = "1001".into();
    message
}

#[test]
fn a_10_poll_gets_every_block_with_an_inclusive_begin() {
    let (_dir, hub) = fresh(10);
    let mut block = stix(0);
    block.content_binding.subtypes = vec!["urn:sub".into()];
    block.message = Some("1.1 only".into());
    push(&hub, "alpha", vec![block]);
    push(&hub, "alpha", (1..30).map(stix).collect());
    let (all, _) = poll_everything(&hub, "alpha", None);

    let response = send(&hub, &poll_10(None));
    let p = poll_response(&response);
    assert_eq!(
        p.content_blocks.len(),
        30,
        "no paging in 1.0 (part size is 10)"
    );
    assert!(!p.more && p.result_id.is_none() && p.record_count.is_none());
    assert!(p.inclusive_begin.is_none() && p.exclusive_begin.is_none());
    assert_eq!(p.inclusive_end, all[29].timestamp_label);
    assert!(
        p.content_blocks[0].content_binding.subtypes.is_empty(),
        "1.0 has no subtypes"
    );
    assert!(
        p.content_blocks[0].message.is_none(),
        "1.0 has no block messages"
    );
    assert_eq!(p.content_blocks[0].content, all[0].content);

    let begin = all[9].timestamp_label.clone().unwrap();
    let response = send(&hub, &poll_10(Some(&begin)));
    let p = poll_response(&response);
    assert_eq!(
        p.content_blocks
            .iter()
            .map(block_number)
            .collect::<Vec<_>>(),
        (10..30).collect::<Vec<_>>()
    );
    // The inclusive begin is the first label after the exclusive one: 1 µs later.
    assert_eq!(p.inclusive_begin, Some(begin.shifted_micros(1)));
    let first = p.content_blocks[0].timestamp_label.as_ref().unwrap();
    assert!(p.inclusive_begin.as_ref().unwrap().instant() <= first.instant());
}

#[test]
fn a_10_poll_past_the_cap_is_narrowed_and_says_so() {
    let (_dir, hub) = fresh(100);
    push(&hub, "alpha", (0..120).map(stix).collect());
    let response = send(&hub, &poll_10(None));
    let p = poll_response(&response).clone();
    assert_eq!(p.content_blocks.len(), 50);
    assert_eq!(p.inclusive_end, p.content_blocks[49].timestamp_label);
    assert!(p.message.as_deref().unwrap().contains("first 50"));
    // Polling on from the narrowed end gets the rest, in two more rounds.
    let mut numbers: Vec<u64> = p.content_blocks.iter().map(block_number).collect();
    let mut end = p.inclusive_end.clone();
    for _ in 0..2 {
        let response = send(&hub, &poll_10(end.as_ref()));
        let p = poll_response(&response);
        numbers.extend(p.content_blocks.iter().map(block_number));
        end = p.inclusive_end.clone();
    }
    assert_eq!(numbers, (0..120).collect::<Vec<_>>());
}

#[test]
fn feed_information_speaks_10() {
    let (_dir, hub) = fresh(100);
    let response = send(
        &hub,
        &request(Version::V10, "5", Body::CollectionInformationRequest),
    );
    let Body::CollectionInformationResponse(info) = &response.body else {
        panic!("{response:?}")
    };
    let alpha = &info.collections[0];
    assert_eq!(alpha.collection_type, None, "1.0 knows only feeds");
    assert!(alpha.receiving_inbox_services.is_empty());
    assert!(
        !alpha.supported_contents.is_empty(),
        "1.0 needs at least one binding"
    );
    assert!(alpha
        .supported_contents
        .iter()
        .all(|b| b.subtypes.is_empty()));
    assert!(
        !alpha.polling_services.is_empty(),
        "a 1.0 feed has a poll or push method"
    );
}

#[test]
fn a_10_push_goes_to_the_default_inbox_and_11_only_statuses_become_failure() {
    let (_dir, hub) = fresh(100);
    let mut message = inbox(&[], vec![stix(1)]);
    message.version = Version::V10;
    message.header.message_id = "6".into();
    assert_eq!(
        status(&send(&hub, &message)).status_type,
        StatusType::Success
    );
    assert_eq!(poll_everything(&hub, "alpha", None).0.len(), 1);

    let mut wrong = inbox(&["nope"], vec![stix(2)]);
    wrong.version = Version::V10;
    wrong.header.message_id = "7".into();
    let s = status(&send(&hub, &wrong)).clone();
    assert_eq!(
        s.status_type,
        StatusType::Failure,
        "DESTINATION_COLLECTION_ERROR is 1.1 only"
    );
    assert!(s.message.unwrap().contains("DESTINATION_COLLECTION_ERROR"));
}
