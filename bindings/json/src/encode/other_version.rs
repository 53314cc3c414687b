//! Fields of the other version: the 1.1-only fields a TAXII 1.0 message must not carry, and
//! the 1.0-only ones a 1.1 message must not. Neither JSON form has a key for them, so
//! writing such a message would drop them silently: we refuse it instead (`Error::Invalid`,
//! as the XML bindings do); `taxii_core::convert` is the place that decides what becomes of
//! them.

use super::invalid;
use taxii_core::*;

/// `Err` naming the first field of the other version set in `message`.
pub(crate) fn refuse_other_version(message: &Message) -> Result<(), Error> {
    let found = match message.version {
        Version::V10 => first_11_only(&message.body),
        Version::V11 => first_10_only(&message.body),
    };
    match found {
        Some(what) => Err(invalid(format!(
            "{what} does not exist in {} (convert the message first)",
            message.version
        ))),
        None => Ok(()),
    }
}

fn first_10_only(body: &Body) -> Option<&'static str> {
    let push = |p: &Option<PushParameters>| {
        p.as_ref()
            .is_some_and(|p| !p.content_bindings.is_empty())
            .then_some("a content binding in push parameters")
    };
    match body {
        Body::PollResponse(r) => r
            .inclusive_begin
            .is_some()
            .then_some("an inclusive begin label"),
        Body::InboxMessage(m) => m
            .subscription_information
            .as_ref()
            .is_some_and(|s| s.inclusive_begin.is_some())
            .then_some("an inclusive begin label"),
        Body::SubscriptionManagementRequest(r) => push(&r.push_parameters),
        Body::SubscriptionManagementResponse(r) => r
            .subscriptions
            .iter()
            .find_map(|s| push(&s.push_parameters)),
        Body::PollRequest(r) => r
            .poll_parameters
            .as_ref()
            .and_then(|p| push(&p.delivery_parameters)),
        _ => None,
    }
}

fn first_11_only(body: &Body) -> Option<&'static str> {
    let subtypes = |bindings: &[ContentBinding]| bindings.iter().any(|b| !b.subtypes.is_empty());
    let blocks = |blocks: &[ContentBlock]| {
        blocks.iter().find_map(|b| {
            if b.message.is_some() {
                Some("a content block message")
            } else if !b.content_binding.subtypes.is_empty() {
                Some("a content binding subtype")
            } else {
                None
            }
        })
    };
    let some = |cond: bool, what: &'static str| cond.then_some(what);
    match body {
        Body::DiscoveryResponse(r) => r.service_instances.iter().find_map(|s| {
            some(!s.supported_queries.is_empty(), "a supported query").or(some(
                subtypes(&s.inbox_accepted_content),
                "a content binding subtype",
            ))
        }),
        Body::CollectionInformationResponse(r) => r.collections.iter().find_map(|c| {
            some(c.collection_type.is_some(), "a collection type")
                .or(some(c.collection_volume.is_some(), "a collection volume"))
                .or(some(
                    !c.receiving_inbox_services.is_empty(),
                    "a receiving inbox service",
                ))
                .or(some(
                    subtypes(&c.supported_contents),
                    "a content binding subtype",
                ))
        }),
        Body::SubscriptionManagementRequest(r) => some(
            matches!(
                r.action,
                SubscriptionAction::Pause | SubscriptionAction::Resume
            ),
            "a PAUSE or RESUME action",
        )
        .or(some(
            r.subscription_parameters.is_some(),
            "subscription parameters",
        )),
        Body::SubscriptionManagementResponse(r) => r.subscriptions.iter().find_map(|s| {
            some(
                s.status != SubscriptionStatus::Active,
                "a subscription status",
            )
            .or(some(
                s.subscription_parameters.is_some(),
                "subscription parameters",
            ))
        }),
        Body::PollRequest(r) => r.poll_parameters.as_ref().and_then(|p| {
            let only_bindings = PollParameters {
                content_bindings: p.content_bindings.clone(),
                ..Default::default()
            };
            some(
                *p != only_bindings,
                "a poll parameter other than content bindings",
            )
            .or(some(
                subtypes(&p.content_bindings),
                "a content binding subtype",
            ))
        }),
        Body::PollResponse(r) => some(r.exclusive_begin.is_some(), "an exclusive begin label")
            .or(some(r.more, "more=true"))
            .or(some(r.result_id.is_some(), "a result id"))
            .or(some(r.result_part_number.is_some(), "a result part number"))
            .or(some(r.record_count.is_some(), "a record count"))
            .or_else(|| blocks(&r.content_blocks)),
        Body::InboxMessage(m) => some(
            !m.destination_collection_names.is_empty(),
            "a destination collection name",
        )
        .or(some(m.result_id.is_some(), "a result id"))
        .or(some(m.record_count.is_some(), "a record count"))
        .or(some(
            m.subscription_information
                .as_ref()
                .is_some_and(|s| s.exclusive_begin.is_some()),
            "an exclusive begin label",
        ))
        .or_else(|| blocks(&m.content_blocks)),
        _ => None,
    }
}
