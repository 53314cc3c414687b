//! Tests of the hub against a real redb file in a temporary directory (no mocks), and,
//! for crash safety and a full disk, against a real child process.
//!
//! This file holds the helpers: a hub with two collections (`alpha` takes anything and
//! is the default inbox; `beta` takes only STIX 1.1.1), message builders and the few
//! assertions every test needs.

mod child;
mod concurrency;
mod crash;
mod inbox_poll;
mod labels;
mod multipart;
mod storage;
mod subscriptions;
mod v10;

use super::{Hub, HubCollection, HubConfig, ServiceAddresses};
use std::path::Path;
use taxii_core::ids::{content, MESSAGE_XML_11, PROTOCOL_HTTP_10};
use taxii_core::{
    Body, ContentBinding, ContentBlock, InboxMessage, Message, Payload, PollFulfillmentRequest,
    PollParameters, PollRequest, PollResponse, ServiceEndpoint, StatusMessage, StatusType,
    Timestamp, Version,
};

pub const PARTNER: &str = "acme";

/// The test configuration in `dir`, with `part_size` blocks per part.
pub fn config(dir: &Path, part_size: usize) -> HubConfig {
    let mut stix_only = HubCollection::new("beta", "STIX 1.1.1 only");
    stix_only.accepted_content = vec![ContentBinding::new(content::STIX_XML_111)];
    let mut config = HubConfig::new(
        dir,
        vec![HubCollection::new("alpha", "anything goes"), stix_only],
    );
    config.default_inbox = vec!["alpha".into()];
    config.part_size = part_size;
    config.max_10_poll_blocks = 50;
    config
}

/// A hub over a fresh temporary directory (kept alive by the returned guard).
pub fn fresh(part_size: usize) -> (tempfile::TempDir, Hub) {
    let dir = tempfile::tempdir().expect("temp dir");
    let hub = Hub::open(config(dir.path(), part_size)).expect("hub opens");
    (dir, hub)
}

pub fn addresses() -> ServiceAddresses {
    let endpoint = |path: &str| ServiceEndpoint {
        protocol_binding: PROTOCOL_HTTP_10.into(),
        address: format!("http://127.0.0.1:9090/taxii/{path}"),
        message_bindings: vec![MESSAGE_XML_11.into()],
    };
    ServiceAddresses {
        poll: vec![endpoint("poll")],
        collection_management: vec![endpoint("collection-management")],
        inbox: vec![endpoint("inbox")],
    }
}

/// A STIX 1.1.1 block whose content names `n` (and carries bytes a re-serializer would
/// change: odd white space, a comment, an entity reference).
pub fn stix(n: u64) -> ContentBlock {
    ContentBlock::new(
        content::STIX_XML_111,
        Payload::xml(format!(
            "<stix:STIX_Package xmlns:stix='http://stix.mitre.org/stix-1'  id=\"b-{n}\">\n\t<!-- n={n} --><stix:Title>&amp; {n}</stix:Title></stix:STIX_Package>"
        )),
    )
}

pub fn request(version: Version, id: &str, body: Body) -> Message {
    Message::new(version, id, body)
}

pub fn inbox(destinations: &[&str], blocks: Vec<ContentBlock>) -> Message {
    request(
        Version::V11,
        "urn:test:inbox",
        Body::InboxMessage(InboxMessage {
            destination_collection_names: destinations.iter().map(|d| d.to_string()).collect(),
            content_blocks: blocks,
            ..Default::default()
        }),
    )
}

pub fn poll(collection: &str, begin: Option<&Timestamp>, end: Option<&Timestamp>) -> PollRequest {
    PollRequest {
        collection_name: collection.into(),
        exclusive_begin: begin.cloned(),
        inclusive_end: end.cloned(),
        subscription_id: None,
        poll_parameters: Some(PollParameters::default()),
    }
}

pub fn poll_message(version: Version, poll: PollRequest) -> Message {
    request(version, "4242", Body::PollRequest(poll))
}

pub fn fulfillment(collection: &str, result_id: &str, part: u64) -> Message {
    request(
        Version::V11,
        "urn:test:fulfil",
        Body::PollFulfillmentRequest(PollFulfillmentRequest {
            collection_name: collection.into(),
            result_id: result_id.into(),
            result_part_number: part,
        }),
    )
}

/// Sends `message` as `PARTNER` and checks the response answers it in its version.
pub fn send(hub: &Hub, message: &Message) -> Message {
    send_as(hub, PARTNER, message)
}

pub fn send_as(hub: &Hub, requester: &str, message: &Message) -> Message {
    let response = hub.handle(requester, message, &addresses());
    assert_eq!(response.version, message.version);
    assert_eq!(
        response.header.in_response_to.as_deref(),
        Some(message.header.message_id.as_str())
    );
    assert!(
        response
            .header
            .message_id
            .bytes()
            .all(|b| b.is_ascii_digit()),
        "hub message ids are digits: {}",
        response.header.message_id
    );
    response
}

pub fn status(response: &Message) -> &StatusMessage {
    match &response.body {
        Body::StatusMessage(s) => s,
        other => panic!("expected a Status Message, got {other:?}"),
    }
}

pub fn poll_response(response: &Message) -> &PollResponse {
    match &response.body {
        Body::PollResponse(p) => p,
        other => panic!("expected a Poll Response, got {other:?}"),
    }
}

/// Pushes `blocks` to `collection` and checks the hub answered SUCCESS.
pub fn push(hub: &Hub, collection: &str, blocks: Vec<ContentBlock>) {
    let response = send(hub, &inbox(&[collection], blocks));
    assert_eq!(
        status(&response).status_type,
        StatusType::Success,
        "{response:?}"
    );
}

/// Every block of `collection` after `begin`, following every part; and the end label.
pub fn poll_everything(
    hub: &Hub,
    collection: &str,
    begin: Option<&Timestamp>,
) -> (Vec<ContentBlock>, Timestamp) {
    let first = send(
        hub,
        &poll_message(Version::V11, poll(collection, begin, None)),
    );
    let first = poll_response(&first).clone();
    let mut blocks = first.content_blocks.clone();
    let mut end = first.inclusive_end.clone().expect("end label");
    let mut more = first.more;
    let mut part = 1;
    while more {
        part += 1;
        let result_id = first.result_id.as_deref().expect("result id");
        let next = send(hub, &fulfillment(collection, result_id, part));
        let next = poll_response(&next);
        blocks.extend(next.content_blocks.iter().cloned());
        end = next.inclusive_end.clone().expect("end label");
        more = next.more;
    }
    (blocks, end)
}

/// The `n` of a block made by [`stix`].
pub fn block_number(block: &ContentBlock) -> u64 {
    let text = block.content.as_str().expect("utf-8 content");
    let start = text.find("id=\"b-").expect("a test block") + 6;
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a number")
}

/// A small deterministic shuffle (xorshift), so "random order" tests are repeatable.
pub fn shuffled<T>(mut items: Vec<T>, mut seed: u64) -> Vec<T> {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    items
}
