//! The one place that moves a message between TAXII 1.0 and TAXII 1.1.
//!
//! | Aspect | 1.0 -> 1.1 | 1.1 -> 1.0 |
//! |---|---|---|
//! | Message ids | digits are URIs: unchanged | must be digits, else [`Inexpressible`] (the gateway allocates numeric ids per leg) |
//! | Names, service types | feed <-> collection, `FEED_MANAGEMENT` <-> `COLLECTION_MANAGEMENT`: the model shares one field, the binding writes the version's word | same |
//! | Content bindings | unchanged (no subtypes) | subtypes -> [`Inexpressible`] (UNSUPPORTED_CONTENT) |
//! | Status types | all 1.0 types exist in 1.1 | 1.1-only types -> `FAILURE`, the original type and details written into the Message |
//! | Status detail | UNSUPPORTED_* space list -> repeated `SUPPORTED_*`; RETRY time -> `ESTIMATED_WAIT` (seconds from `now`, at least 1); other text -> pair [`DETAIL_10`] | the reverse; other pairs (e.g. `ITEM`) appended to the Message |
//! | Poll Request | `subscription_id` -> kept, poll parameters dropped (1.1 allows one; the subscription defines the bindings, Services 1.1 Table 8); else content bindings -> `Poll_Parameters` | allow_asynch, COUNT_ONLY, Query, Delivery Parameters -> [`Inexpressible`] |
//! | Poll Response, Source Subscription begin | inclusive B -> exclusive B - 1 µs | exclusive E -> inclusive E + 1 µs |
//! | Poll Response paging | - | `more` or a part number > 1 -> [`Inexpressible`] (merge parts first); Record Count dropped when it equals the block count, else [`Inexpressible`]; no end label (Data Set) -> [`Inexpressible`] |
//! | Collection information | type unset (Data Feed) | Data Set, volume, receiving inboxes, "any content" (no binding), no push or poll method -> [`Inexpressible`]; an explicit DATA_FEED type is dropped (it is 1.0's only kind) |
//! | Subscriptions | push parameters' content bindings -> Subscription Parameters (SUBSCRIBE); status ACTIVE | PAUSE/RESUME, Query, COUNT_ONLY, PAUSED -> [`Inexpressible`]; content bindings -> push parameters (none there -> [`Inexpressible`]) |
//! | Inbox | begin as above | destination collections, result id, Record Count (unless derivable), block Message -> [`Inexpressible`] |
//! | Poll Fulfillment | - | [`Inexpressible`] (1.0 has no multi-part polling) |
//! | Extended headers, signatures | carried unchanged | carried unchanged; a signature over the rewritten envelope no longer verifies |
//!
//! Converting to the version a message already has returns it unchanged.

use crate::message::*;
use crate::status::detail;
use crate::{
    ContentBinding, ContentBlock, Inexpressible, RecordCount, StatusDetail, StatusDetails,
    StatusType, Timestamp, Version,
};
use chrono::{DateTime, FixedOffset};

/// The 1.1 status detail name that carries a 1.0 status detail string with no 1.1
/// equivalent (a project-defined name; 1.1 allows third-party pairs, XML Binding 1.1 §3.1).
pub const DETAIL_10: &str = "urn:taxii-gateway:status-detail:taxii-1.0";

/// Converts `message` to `to`. `now` is the reference instant for RETRY waits.
pub fn convert(
    message: Message,
    to: Version,
    now: DateTime<FixedOffset>,
) -> Result<Message, Inexpressible> {
    match (message.version, to) {
        (from, to) if from == to => Ok(message),
        (Version::V10, Version::V11) => Ok(up(message, now)),
        _ => down(message, now),
    }
}

fn up(message: Message, now: DateTime<FixedOffset>) -> Message {
    let Message { header, body, .. } = message;
    let body = match body {
        Body::StatusMessage(mut s) => {
            s.details = status_details_up(&s.status_type, s.details, now);
            Body::StatusMessage(s)
        }
        Body::SubscriptionManagementRequest(mut r) => {
            let content_bindings = r
                .push_parameters
                .as_mut()
                .map(|p| std::mem::take(&mut p.content_bindings))
                .unwrap_or_default();
            if r.action == SubscriptionAction::Subscribe || !content_bindings.is_empty() {
                r.subscription_parameters = Some(SubscriptionParameters {
                    content_bindings,
                    ..Default::default()
                });
            }
            Body::SubscriptionManagementRequest(r)
        }
        Body::SubscriptionManagementResponse(mut r) => {
            for s in &mut r.subscriptions {
                s.status = SubscriptionStatus::Active;
                let content_bindings = s
                    .push_parameters
                    .as_mut()
                    .map(|p| std::mem::take(&mut p.content_bindings))
                    .unwrap_or_default();
                if !content_bindings.is_empty() {
                    s.subscription_parameters = Some(SubscriptionParameters {
                        content_bindings,
                        ..Default::default()
                    });
                }
            }
            Body::SubscriptionManagementResponse(r)
        }
        Body::PollRequest(mut r) => {
            if r.subscription_id.is_some() {
                r.poll_parameters = None;
            } else {
                let content_bindings = r
                    .poll_parameters
                    .take()
                    .map(|p| p.content_bindings)
                    .unwrap_or_default();
                r.poll_parameters = Some(PollParameters {
                    content_bindings,
                    ..Default::default()
                });
            }
            Body::PollRequest(r)
        }
        Body::PollResponse(mut r) => {
            r.exclusive_begin = r.inclusive_begin.take().map(|b| b.shifted_micros(-1));
            Body::PollResponse(r)
        }
        Body::InboxMessage(mut m) => {
            if let Some(s) = &mut m.subscription_information {
                s.exclusive_begin = s.inclusive_begin.take().map(|b| b.shifted_micros(-1));
            }
            Body::InboxMessage(m)
        }
        other => other,
    };
    Message {
        version: Version::V11,
        header,
        body,
    }
}

fn status_details_up(
    status: &StatusType,
    details: StatusDetails,
    now: DateTime<FixedOffset>,
) -> StatusDetails {
    let text = match details {
        StatusDetails::Text(t) => t,
        other => return other,
    };
    // An empty list is no detail (1.1 has no way to write an empty list of pairs).
    let list = |name: &str| {
        let pairs: Vec<StatusDetail> = text
            .split_whitespace()
            .map(|v| StatusDetail::new(name, v))
            .collect();
        if pairs.is_empty() {
            StatusDetails::None
        } else {
            StatusDetails::Pairs(pairs)
        }
    };
    match status {
        StatusType::UnsupportedMessage => list(detail::SUPPORTED_BINDING),
        StatusType::UnsupportedContent => list(detail::SUPPORTED_CONTENT),
        StatusType::UnsupportedProtocol => list(detail::SUPPORTED_PROTOCOL),
        StatusType::Retry if Timestamp::parse(text.trim()).is_ok() => {
            let at = Timestamp::parse(text.trim()).expect("checked").instant();
            let wait = (at - now).num_seconds().max(1);
            StatusDetails::Pairs(vec![StatusDetail::new(
                detail::ESTIMATED_WAIT,
                wait.to_string(),
            )])
        }
        _ => StatusDetails::Pairs(vec![StatusDetail::new(DETAIL_10, text)]),
    }
}

fn down(message: Message, now: DateTime<FixedOffset>) -> Result<Message, Inexpressible> {
    let no = |what: &str, status: StatusType| Inexpressible::in_version(Version::V10, what, status);
    let Message { header, body, .. } = message;
    digits(&header.message_id, "a message id that is not digits")?;
    if let Some(irt) = &header.in_response_to {
        digits(irt, "an in_response_to that is not digits")?;
    }
    let body = match body {
        Body::StatusMessage(s) => Body::StatusMessage(status_down(s, now)),
        Body::DiscoveryResponse(r) => {
            for si in &r.service_instances {
                if !si.supported_queries.is_empty() {
                    return Err(no(
                        "a service's supported queries",
                        StatusType::UnsupportedQuery,
                    ));
                }
                bindings_down(&si.inbox_accepted_content)?;
            }
            Body::DiscoveryResponse(r)
        }
        Body::CollectionInformationResponse(mut r) => {
            for c in &mut r.collections {
                match c.collection_type.take() {
                    Some(CollectionType::DataSet) => {
                        return Err(no("a Data Set collection", StatusType::Failure))
                    }
                    _ if c.collection_volume.is_some() => {
                        return Err(no("a collection volume", StatusType::Failure))
                    }
                    _ if !c.receiving_inbox_services.is_empty() => {
                        return Err(no(
                            "a collection's receiving inbox services",
                            StatusType::Failure,
                        ))
                    }
                    _ if c.supported_contents.is_empty() => {
                        return Err(no(
                            "a feed that accepts any content binding",
                            StatusType::Failure,
                        ))
                    }
                    _ if c.push_methods.is_empty() && c.polling_services.is_empty() => {
                        return Err(no(
                            "a feed with neither push method nor polling service",
                            StatusType::Failure,
                        ))
                    }
                    _ => bindings_down(&c.supported_contents)?,
                }
            }
            Body::CollectionInformationResponse(r)
        }
        Body::SubscriptionManagementRequest(mut r) => {
            if matches!(
                r.action,
                SubscriptionAction::Pause | SubscriptionAction::Resume
            ) {
                return Err(no(
                    &format!("a {} subscription action", r.action.as_str()),
                    StatusType::Denied,
                ));
            }
            let params = r.subscription_parameters.take();
            subscription_parameters_down(params, r.push_parameters.as_mut())?;
            Body::SubscriptionManagementRequest(r)
        }
        Body::SubscriptionManagementResponse(mut r) => {
            for s in &mut r.subscriptions {
                if s.status == SubscriptionStatus::Paused {
                    return Err(no("a PAUSED subscription", StatusType::Failure));
                }
                s.status = SubscriptionStatus::Active;
                let params = s.subscription_parameters.take();
                subscription_parameters_down(params, s.push_parameters.as_mut())?;
            }
            Body::SubscriptionManagementResponse(r)
        }
        Body::PollRequest(mut r) => {
            if let Some(p) = &r.poll_parameters {
                if p.allow_asynch {
                    return Err(no("an asynchronous poll", StatusType::Denied));
                }
                if p.response_type == ResponseType::CountOnly {
                    return Err(no("a COUNT_ONLY poll", StatusType::Denied));
                }
                if p.query.is_some() {
                    return Err(no("a poll query", StatusType::UnsupportedQuery));
                }
                if p.delivery_parameters.is_some() {
                    return Err(no("poll delivery parameters", StatusType::Denied));
                }
                bindings_down(&p.content_bindings)?;
            }
            if r.poll_parameters
                .as_ref()
                .is_some_and(|p| p.content_bindings.is_empty())
            {
                r.poll_parameters = None;
            }
            Body::PollRequest(r)
        }
        Body::PollResponse(mut r) => {
            if r.more || r.result_part_number.is_some_and(|n| n > 1) {
                return Err(no(
                    "one part of a multi-part poll result",
                    StatusType::Failure,
                ));
            }
            if r.inclusive_end.is_none() {
                return Err(no(
                    "a poll response without an end label (a Data Set)",
                    StatusType::Failure,
                ));
            }
            record_count_down(r.record_count.take(), r.content_blocks.len())?;
            r.result_id = None;
            r.result_part_number = None;
            r.inclusive_begin = r.exclusive_begin.take().map(|e| e.shifted_micros(1));
            blocks_down(&r.content_blocks)?;
            Body::PollResponse(r)
        }
        Body::InboxMessage(mut m) => {
            if !m.destination_collection_names.is_empty() {
                return Err(no(
                    "destination collection names",
                    StatusType::DestinationCollectionError,
                ));
            }
            if m.result_id.is_some() {
                return Err(no("an inbox message's result id", StatusType::Failure));
            }
            record_count_down(m.record_count.take(), m.content_blocks.len())?;
            if let Some(s) = &mut m.subscription_information {
                if s.inclusive_end.is_none() {
                    return Err(no(
                        "a source subscription without an end label",
                        StatusType::Failure,
                    ));
                }
                s.inclusive_begin = s.exclusive_begin.take().map(|e| e.shifted_micros(1));
            }
            blocks_down(&m.content_blocks)?;
            Body::InboxMessage(m)
        }
        Body::PollFulfillmentRequest(_) => {
            return Err(no("a Poll Fulfillment request", StatusType::Failure))
        }
        other => other,
    };
    Ok(Message {
        version: Version::V10,
        header,
        body,
    })
}

fn digits(id: &str, what: &str) -> Result<(), Inexpressible> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Inexpressible::in_version(
            Version::V10,
            format!("{what} ({id:?})"),
            StatusType::Failure,
        ))
    }
}

fn bindings_down(bindings: &[ContentBinding]) -> Result<(), Inexpressible> {
    match bindings.iter().find(|b| !b.subtypes.is_empty()) {
        Some(b) => Err(Inexpressible::in_version(
            Version::V10,
            format!("content binding subtypes (of {})", b.binding_id),
            StatusType::UnsupportedContent,
        )),
        None => Ok(()),
    }
}

fn blocks_down(blocks: &[ContentBlock]) -> Result<(), Inexpressible> {
    for b in blocks {
        bindings_down(std::slice::from_ref(&b.content_binding))?;
        if b.message.is_some() {
            return Err(Inexpressible::in_version(
                Version::V10,
                "a content block message",
                StatusType::Failure,
            ));
        }
    }
    Ok(())
}

fn record_count_down(count: Option<RecordCount>, blocks: usize) -> Result<(), Inexpressible> {
    match count {
        Some(c) if c.partial || c.count != blocks as u64 => Err(Inexpressible::in_version(
            Version::V10,
            format!(
                "a record count ({}) other than the number of blocks sent ({blocks})",
                c.count
            ),
            StatusType::Failure,
        )),
        _ => Ok(()),
    }
}

fn subscription_parameters_down(
    params: Option<SubscriptionParameters>,
    push: Option<&mut PushParameters>,
) -> Result<(), Inexpressible> {
    let Some(params) = params else { return Ok(()) };
    let no = |what: &str, status| Err(Inexpressible::in_version(Version::V10, what, status));
    if params.query.is_some() {
        return no("a subscription query", StatusType::UnsupportedQuery);
    }
    if params.response_type == ResponseType::CountOnly {
        return no("a COUNT_ONLY subscription", StatusType::Denied);
    }
    bindings_down(&params.content_bindings)?;
    match push {
        Some(p) => p.content_bindings = params.content_bindings,
        None if params.content_bindings.is_empty() => {}
        None => {
            return no(
                "content bindings of a subscription without push parameters",
                StatusType::Failure,
            )
        }
    }
    Ok(())
}

fn status_down(mut s: crate::StatusMessage, now: DateTime<FixedOffset>) -> crate::StatusMessage {
    let pairs = match std::mem::take(&mut s.details) {
        StatusDetails::Pairs(p) => p,
        other => {
            s.details = other;
            return s;
        }
    };
    let mut leftover = Vec::new();
    if !s.status_type.exists_in_10() {
        leftover.push(format!("TAXII 1.1 status {}", s.status_type));
        s.status_type = StatusType::Failure;
        leftover.extend(pairs.iter().map(|p| format!("{}={}", p.name, p.value)));
    } else {
        let listed = match s.status_type {
            StatusType::UnsupportedMessage => Some(detail::SUPPORTED_BINDING),
            StatusType::UnsupportedContent => Some(detail::SUPPORTED_CONTENT),
            StatusType::UnsupportedProtocol => Some(detail::SUPPORTED_PROTOCOL),
            StatusType::Retry => Some(detail::ESTIMATED_WAIT),
            _ => None,
        };
        let mut text: Vec<String> = Vec::new();
        for p in pairs {
            if p.name == DETAIL_10 {
                text.push(p.value);
            } else if Some(p.name.as_str()) == listed && s.status_type == StatusType::Retry {
                match p.value.trim().parse::<i64>() {
                    Ok(secs) => text.push(
                        Timestamp::from_instant(now + chrono::Duration::seconds(secs))
                            .as_str()
                            .to_owned(),
                    ),
                    Err(_) => leftover.push(format!("{}={}", p.name, p.value)),
                }
            } else if Some(p.name.as_str()) == listed {
                text.push(p.value);
            } else {
                leftover.push(format!("{}={}", p.name, p.value));
            }
        }
        if !text.is_empty() {
            s.details = StatusDetails::Text(text.join(" "));
        }
    }
    if !leftover.is_empty() {
        let extra = format!("[{}]", leftover.join("; "));
        s.message = Some(match s.message.take() {
            Some(m) if !m.is_empty() => format!("{m} {extra}"),
            _ => extra,
        });
    }
    s
}

#[cfg(test)]
mod tests;
