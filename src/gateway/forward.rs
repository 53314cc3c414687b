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
            let exclusive_begin = poll.exclusive_begin.clone();
            let asked_at = now();
            let answer = send(
                call,
                route,
                PeerService::Poll,
                request,
                Body::PollRequest(poll),
            )
            .await?;
            let answer = if call.version == Version::V10 && answer.version == Version::V11 {
                let mut merged = merge_parts(call, route, answer).await?;
                if let Body::PollResponse(r) = &mut merged.body {
                    supply_end_label(r, exclusive_begin, asked_at);
                }
                merged
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
            let asked = s.subscription_parameters.clone();
            let answer = send(
                call,
                route,
                PeerService::CollectionManagement,
                request,
                Body::SubscriptionManagementRequest(s),
            )
            .await?;
            let from_10 = answer.version == Version::V10;
            let mut body = back(call, route, answer)?;
            // A 1.0 peer's subscriptions carry no parameters (1.0 delivers full content
            // only); 1.1 clients (cabby) need them: say what the subscription delivers.
            if let Body::SubscriptionManagementResponse(r) = &mut body {
                if from_10 && call.version == Version::V11 {
                    for sub in r
                        .subscriptions
                        .iter_mut()
                        .filter(|s| s.subscription_parameters.is_none())
                    {
                        sub.subscription_parameters =
                            Some(asked.clone().unwrap_or_default()).map(|mut p| {
                                p.response_type = ResponseType::Full;
                                p
                            });
                    }
                }
            }
            Ok(body)
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
        Body::StatusMessage(s) => {
            rename_in_status(call, s, &route.peer, &route.remote, &route.name)
        }
        _ => {}
    }
    Ok(convert(answer, call.version, now())?.body)
}

/// A peer's status names its own collections (`ITEM`, `ACCEPTABLE_DESTINATION`, and often
/// its Message text): show the partner's names instead, never a hidden one. `remote` at
/// `peer` is the collection the request was for (`name` to the partner); any other remote
/// name is shown as the partner's name of a collection it may see at the same peer, and a
/// detail naming a collection the partner may not see is dropped.
pub(super) fn rename_in_status(
    call: &Call<'_>,
    s: &mut StatusMessage,
    peer: &str,
    remote: &str,
    name: &str,
) {
    let shown = |value: &str| -> Option<String> {
        if value == remote {
            return Some(name.to_owned());
        }
        call.runtime
            .table
            .collections_for(call.partner)
            .find(|c| c.peer == peer && c.remote == value)
            .map(|c| c.name.clone())
    };
    if let StatusDetails::Pairs(pairs) = &mut s.details {
        pairs.retain_mut(|p| {
            if p.name != detail::ITEM && p.name != detail::ACCEPTABLE_DESTINATION {
                return true;
            }
            match shown(&p.value) {
                Some(n) => {
                    p.value = n;
                    true
                }
                None => false,
            }
        });
        if pairs.is_empty() {
            s.details = StatusDetails::None;
        }
    }
    if let Some(message) = &mut s.message {
        *message = replace_word(message, remote, name);
    }
}

/// `text` with every whole-word occurrence of `word` (not inside a longer name) replaced.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    if word.is_empty() || word == with {
        return text.to_owned();
    }
    let part_of_name = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        // A trailing '.' ends a sentence rather than continuing a name.
        let after_continues = after.is_some_and(|c| {
            part_of_name(c)
                && !(c == '.'
                    && rest[at + word.len() + 1..]
                        .chars()
                        .next()
                        .is_none_or(|n| !part_of_name(n)))
        });
        if before.is_some_and(part_of_name) || after_continues {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
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

/// TAXII 1.0 requires a Poll Response's Inclusive_End_Timestamp; 1.1 peers (OpenTAXII) may
/// leave it out. Supply the latest label among the blocks (so a next poll from it misses
/// nothing), else the poll's own exclusive begin (nothing newer came), else the time the
/// peer was asked.
fn supply_end_label(
    r: &mut PollResponse,
    exclusive_begin: Option<Timestamp>,
    asked_at: chrono::DateTime<chrono::FixedOffset>,
) {
    if r.inclusive_end.is_some() {
        return;
    }
    r.inclusive_end = r
        .content_blocks
        .iter()
        .filter_map(|b| b.timestamp_label.clone())
        .max()
        .or(exclusive_begin)
        .or_else(|| Some(Timestamp::from_instant(asked_at)));
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
