//! Multi-part polls (TAXII 1.1): a large collection in parts of `part_size`, every part
//! fetched in random order and again, the extra part cabby asks for, refusals for parts
//! that do not exist, and result sets that stay put while content keeps arriving.

use super::*;
use taxii_core::status::detail;

const BLOCKS: u64 = 1_000;
const PART: u64 = 100;

fn fill(hub: &Hub, from: u64, to: u64) {
    let numbers: Vec<u64> = (from..to).collect();
    for chunk in numbers.chunks(50) {
        push(hub, "alpha", chunk.iter().copied().map(stix).collect());
    }
}

#[test]
fn every_part_of_a_large_result_comes_contiguous_in_any_order_and_stays_put() {
    let (_dir, hub) = fresh(PART as usize);
    fill(&hub, 0, BLOCKS);
    let first = send(&hub, &poll_message(Version::V11, poll("alpha", None, None)));
    let first = poll_response(&first).clone();
    assert!(first.more);
    assert_eq!(first.result_part_number, Some(1));
    assert_eq!(
        first.record_count.map(|c| (c.count, c.partial)),
        Some((BLOCKS, false))
    );
    assert_eq!(first.content_blocks.len(), PART as usize);
    let result_id = first.result_id.clone().expect("a result id");

    // Content arriving now is not part of the result set.
    fill(&hub, BLOCKS, BLOCKS + 150);

    let parts = BLOCKS / PART;
    let mut order: Vec<u64> = shuffled((1..=parts).collect(), 0x9e37_79b9_7f4a_7c15);
    order.extend([3, 1, parts]); // re-requests are allowed
    let mut seen = std::collections::BTreeMap::new();
    for part in order {
        let response = send(&hub, &fulfillment("alpha", &result_id, part));
        let p = poll_response(&response).clone();
        assert_eq!(p.result_part_number, Some(part));
        assert_eq!(p.result_id.as_deref(), Some(result_id.as_str()));
        assert_eq!(p.more, part < parts, "part {part}");
        assert_eq!(p.record_count.map(|c| c.count), Some(BLOCKS));
        let numbers: Vec<u64> = p.content_blocks.iter().map(block_number).collect();
        let expected: Vec<u64> = ((part - 1) * PART..part * PART).collect();
        assert_eq!(numbers, expected, "part {part} holds exactly its blocks");
        // Each part is a complete label range: (end of the previous part, its own last label].
        let last_label = p.content_blocks.last().unwrap().timestamp_label.clone();
        assert_eq!(
            p.inclusive_end, last_label,
            "part {part} ends at its last block"
        );
        if let Some(previous) = seen.insert(part, p.clone()) {
            assert_eq!(previous, p, "a re-requested part is the same part");
        }
    }
    for part in 2..=parts {
        assert_eq!(
            seen[&part].exclusive_begin,
            seen[&(part - 1)].inclusive_end,
            "parts {part} and {} touch",
            part - 1
        );
    }
    assert_eq!(seen[&1].content_blocks, first.content_blocks);
    let all: Vec<u64> = (1..=parts)
        .flat_map(|k| {
            seen[&k]
                .content_blocks
                .iter()
                .map(block_number)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        all,
        (0..BLOCKS).collect::<Vec<_>>(),
        "contiguous, no duplicates, no gaps"
    );

    // cabby asks for one more part after the last: an empty, final Poll Response.
    let extra = send(&hub, &fulfillment("alpha", &result_id, parts + 1));
    let extra = poll_response(&extra);
    assert!(extra.content_blocks.is_empty());
    assert!(!extra.more);
    assert_eq!(extra.result_part_number, Some(parts + 1));

    // The new content is there for the next poll, from the result's end.
    let end = seen[&parts].inclusive_end.clone();
    let (newer, _) = poll_everything(&hub, "alpha", end.as_ref());
    assert_eq!(
        newer.iter().map(block_number).collect::<Vec<_>>(),
        (BLOCKS..BLOCKS + 150).collect::<Vec<_>>()
    );
}

#[test]
fn parts_that_do_not_exist_are_refused_without_harming_the_result_set() {
    let (_dir, hub) = fresh(7);
    fill(&hub, 0, 20);
    let first = send(&hub, &poll_message(Version::V11, poll("alpha", None, None)));
    let result_id = poll_response(&first).result_id.clone().expect("multi-part");
    for bad in [0, 5, 99] {
        let response = send(&hub, &fulfillment("alpha", &result_id, bad));
        let s = status(&response);
        assert_eq!(s.status_type, StatusType::InvalidResponsePart, "part {bad}");
        assert_eq!(
            s.details
                .values(detail::MAX_PART_NUMBER)
                .collect::<Vec<_>>(),
            vec!["3"]
        );
    }
    let last = send(&hub, &fulfillment("alpha", &result_id, 3));
    let last = poll_response(&last);
    assert_eq!(
        last.content_blocks
            .iter()
            .map(block_number)
            .collect::<Vec<_>>(),
        (14..20).collect::<Vec<_>>()
    );
    assert!(!last.more);

    for (who, collection, id) in [
        ("someone-else", "alpha", result_id.as_str()),
        (PARTNER, "beta", result_id.as_str()),
        (PARTNER, "alpha", "424242"),
        (PARTNER, "alpha", "not-a-number"),
    ] {
        let response = send_as(&hub, who, &fulfillment(collection, id, 1));
        let s = status(&response);
        assert_eq!(
            s.status_type,
            StatusType::NotFound,
            "{who} {collection} {id}"
        );
        assert_eq!(s.details.values(detail::ITEM).collect::<Vec<_>>(), vec![id]);
    }
}

#[test]
fn a_result_of_exactly_one_part_needs_no_result_set() {
    let (_dir, hub) = fresh(10);
    fill(&hub, 0, 10);
    let response = send(&hub, &poll_message(Version::V11, poll("alpha", None, None)));
    let p = poll_response(&response);
    assert_eq!(p.content_blocks.len(), 10);
    assert!(!p.more);
    assert!(p.result_id.is_none());
}

#[test]
fn a_fulfillment_in_taxii_10_is_a_bad_message() {
    let (_dir, hub) = fresh(10);
    let mut message = fulfillment("alpha", "1", 1);
    message.version = Version::V10;
    message.header.message_id = "77".into();
    assert_eq!(
        status(&send(&hub, &message)).status_type,
        StatusType::BadMessage
    );
}
