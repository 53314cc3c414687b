//! Poll, Poll Fulfillment, Inbox and Subscription Management go to the peer that holds the
//! collection: names mapped both ways, converted to the peer's version and back.

use super::peers::PeerLink;
use super::router::{Call, Outcome};
use super::runtime::MAX_MERGED_BLOCKS;
use crate::config::{CollectionRoute, CollectionService, PeerService};
use taxii_core::status::detail;
use taxii_core::*;

/// Forwards a collection request and returns the answer's body in the partner's version.
pub async fn forward(
    call: &Call<'_>,
    request: &Message,
    outcome: &mut Outcome,
) -> Result<Body, Error> {
    match &request.body {
        Body::InboxMessage(inbox) => {
            super::forward_inbox::inbox(call, request, inbox, outcome).await
        }
        Body::PollRequest(poll) => {
            let route = visible(
                call,
                &poll.collection_name,
                CollectionService::Poll,
                outcome,
            )?;
            let mut poll = poll.clone();
            poll.collection_name = route.remote.clone();
            let answer = send(
                call,
                route,
                PeerService::Poll,
                request,
                Body::PollRequest(poll),
            )
            .await?;
            let answer = if call.version == Version::V10 && answer.version == Version::V11 {
                merge_parts(call, route, answer).await?
            } else {
                answer
            };
            back(call, route, answer)
        }
        Body::PollFulfillmentRequest(f) => {
            let route = visible(call, &f.collection_name, CollectionService::Poll, outcome)?;
            let mut f = f.clone();
            f.collection_name = route.remote.clone();
            let answer = send(
                call,
                route,
                PeerService::Poll,
                request,
                Body::PollFulfillmentRequest(f),
            )
            .await?;
            back(call, route, answer)
        }
        Body::SubscriptionManagementRequest(s) => {
            let route = visible(
                call,
                &s.collection_name,
                CollectionService::Subscription,
                outcome,
            )?;
            let mut s = s.clone();
            s.collection_name = route.remote.clone();
            let answer = send(
                call,
                route,
                PeerService::CollectionManagement,
                request,
                Body::SubscriptionManagementRequest(s),
            )
            .await?;
            back(call, route, answer)
        }
        other => Err(Error::Internal(format!(
            "{} is not forwarded",
            other.message_type()
        ))),
    }
}

/// The route of a collection the partner may see and use `service` of. A collection the
/// partner may not see is NOT_FOUND, exactly like one that does not exist, so that its
/// existence is not revealed; a visible one whose service is not offered is UNAUTHORIZED.
pub(super) fn visible<'c>(
    call: &'c Call<'_>,
    name: &str,
    service: CollectionService,
    outcome: &mut Outcome,
) -> Result<&'c CollectionRoute, Error> {
    let route = call
        .runtime
        .table
        .collection(name)
        .filter(|c| call.partner.may_see(&c.name))
        .ok_or_else(|| Error::NotFound {
            item: name.to_owned(),
        })?;
    outcome.collection = Some(route.name.clone());
    outcome.peer = Some(route.peer.clone());
    if !route.offers(service) {
        return Err(Error::Unauthorized(format!(
            "{} is not offered for collection {name:?}",
            service.name()
        )));
    }
    Ok(route)
}

pub(super) fn link<'c>(call: &'c Call<'_>, peer: &str) -> Result<&'c PeerLink, Error> {
    call.runtime
        .peers
        .get(peer)
        .ok_or_else(|| Error::Internal(format!("peer {peer:?} has no link")))
}

/// Sends `body` (names already mapped) to the route's peer in the peer's version; returns the
/// answer in the peer's version.
pub(super) async fn send(
    call: &Call<'_>,
    route: &CollectionRoute,
    service: PeerService,
    request: &Message,
    body: Body,
) -> Result<Message, Error> {
    send_to(call, &route.peer, service, request, body).await
}

pub(super) async fn send_to(
    call: &Call<'_>,
    peer: &str,
    service: PeerService,
    request: &Message,
    body: Body,
) -> Result<Message, Error> {
    let link = link(call, peer)?;
    let mut outbound = Message {
        version: call.version,
        header: request.header.clone(),
        body,
    };
    outbound.header.message_id = call.runtime.message_id();
    let outbound = convert(outbound, link.version_for(call.version), now())?;
    link.exchange(service, outbound, &call.partner.name, &call.hub_addresses())
        .await
}

pub(super) fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// The peer's answer as the partner must see it: names mapped back, addresses pointing at
/// the gateway, in the partner's version.
pub(super) fn back(
    call: &Call<'_>,
    route: &CollectionRoute,
    answer: Message,
) -> Result<Body, Error> {
    let mut answer = answer;
    match &mut answer.body {
        Body::PollResponse(r) => r.collection_name = route.name.clone(),
        Body::SubscriptionManagementResponse(r) => {
            r.collection_name = route.name.clone();
            let poll = route
                .offers(CollectionService::Poll)
                .then(|| call.endpoint.service(ServiceType::Poll, call.version));
            for s in &mut r.subscriptions {
                s.poll_instances = poll.iter().cloned().collect();
            }
        }
        Body::StatusMessage(s) => rename_in_status(s, &route.remote, &route.name),
        _ => {}
    }
    Ok(convert(answer, call.version, now())?.body)
}

/// A peer's status names its own collections (`ITEM`, `ACCEPTABLE_DESTINATION`): show the
/// partner's names instead, never a hidden one.
pub(super) fn rename_in_status(s: &mut StatusMessage, remote: &str, name: &str) {
    if let StatusDetails::Pairs(pairs) = &mut s.details {
        for p in pairs
            .iter_mut()
            .filter(|p| p.name == detail::ITEM || p.name == detail::ACCEPTABLE_DESTINATION)
        {
            if p.value == remote {
                p.value = name.to_owned();
            }
        }
    }
}

/// A TAXII 1.0 partner gets the whole result at once: when a 1.1 peer answers in parts,
/// fetch every part and merge them, up to [`MAX_MERGED_BLOCKS`] blocks (past that the
/// end label is narrowed to the last block kept and the Message says so, which 1.0 allows).
async fn merge_parts(
    call: &Call<'_>,
    route: &CollectionRoute,
    first: Message,
) -> Result<Message, Error> {
    let Body::PollResponse(mut merged) = first.body else {
        return Ok(first);
    };
    let mut part = merged.result_part_number.unwrap_or(1);
    while merged.more {
        if merged.content_blocks.len() >= MAX_MERGED_BLOCKS {
            narrow(&mut merged);
            break;
        }
        let result_id = merged.result_id.clone().ok_or_else(|| Error::Unavailable {
            peer: route.peer.clone(),
            reason: "answered more=true without a result id".to_owned(),
        })?;
        part += 1;
        let fulfillment = PollFulfillmentRequest {
            collection_name: route.remote.clone(),
            result_id,
            result_part_number: part,
        };
        let request = Message::new(
            Version::V11,
            call.runtime.message_id(),
            Body::PollFulfillmentRequest(fulfillment.clone()),
        );
        let link = link(call, &route.peer)?;
        let next = link
            .exchange(
                PeerService::Poll,
                request,
                &call.partner.name,
                &call.hub_addresses(),
            )
            .await?;
        match next.body {
            Body::PollResponse(r) => {
                merged.more = r.more && !r.content_blocks.is_empty();
                merged.inclusive_end = r.inclusive_end.or(merged.inclusive_end);
                merged.content_blocks.extend(r.content_blocks);
            }
            Body::StatusMessage(s) => {
                return Err(Error::Unavailable {
                    peer: route.peer.clone(),
                    reason: format!(
                        "refused part {part} of a multi-part result: {} {}",
                        s.status_type,
                        s.message.unwrap_or_default()
                    ),
                })
            }
            other => {
                return Err(Error::Unavailable {
                    peer: route.peer.clone(),
                    reason: format!(
                        "answered a Poll Fulfillment with a {}",
                        other.message_type()
                    ),
                })
            }
        }
    }
    merged.more = false;
    merged.result_id = None;
    merged.result_part_number = None;
    merged.record_count = Some(RecordCount {
        count: merged.content_blocks.len() as u64,
        partial: false,
    });
    Ok(Message {
        body: Body::PollResponse(merged),
        ..first
    })
}

fn narrow(merged: &mut PollResponse) {
    merged.content_blocks.truncate(MAX_MERGED_BLOCKS);
    let last = merged
        .content_blocks
        .last()
        .and_then(|b| b.timestamp_label.clone());
    if let Some(label) = last.clone() {
        merged.inclusive_end = Some(label);
    }
    let note = format!(
        "This answer holds the first {MAX_MERGED_BLOCKS} blocks only (TAXII 1.0 cannot page); poll again from {} for the rest.",
        last.map_or_else(|| "the last label received".to_owned(), |l| l.to_string())
    );
    merged.message = Some(match merged.message.take() {
        Some(m) => format!("{m} {note}"),
        None => note,
    });
}
