//! Subscription management: the ordered rules of Services 1.1 §3.5, per requester and
//! durable across a reopen; polling by Subscription ID.

use super::*;
use taxii_core::status::detail;
use taxii_core::{
    PushParameters, Query, ResponseType, SubscriptionAction, SubscriptionInstance,
    SubscriptionManagementRequest, SubscriptionParameters, SubscriptionStatus,
};

fn manage(
    collection: &str,
    action: SubscriptionAction,
    id: Option<&str>,
    parameters: Option<SubscriptionParameters>,
) -> Message {
    request(
        Version::V11,
        "urn:test:manage",
        Body::SubscriptionManagementRequest(SubscriptionManagementRequest {
            collection_name: collection.into(),
            action,
            subscription_id: id.map(str::to_owned),
            subscription_parameters: parameters,
            push_parameters: None,
        }),
    )
}

fn stix_only() -> SubscriptionParameters {
    SubscriptionParameters {
        content_bindings: vec![ContentBinding::new(content::STIX_XML_111)],
        ..Default::default()
    }
}

/// The subscriptions in a response, or the status it was refused with.
fn answer(
    hub: &Hub,
    who: &str,
    message: &Message,
) -> Result<Vec<SubscriptionInstance>, StatusMessage> {
    match send_as(hub, who, message).body {
        Body::SubscriptionManagementResponse(r) => {
            assert_eq!(r.collection_name, "alpha");
            Ok(r.subscriptions)
        }
        Body::StatusMessage(s) => Err(s),
        other => panic!("unexpected {other:?}"),
    }
}

fn one(hub: &Hub, message: &Message) -> SubscriptionInstance {
    let mut all = answer(hub, PARTNER, message).expect("a subscription response");
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn refused(hub: &Hub, who: &str, message: &Message) -> StatusMessage {
    answer(hub, who, message).expect_err("a refusal")
}

#[test]
fn subscribe_pause_resume_status_unsubscribe_follow_the_rules() {
    let (dir, hub) = fresh(100);
    let sub = one(
        &hub,
        &manage(
            "alpha",
            SubscriptionAction::Subscribe,
            None,
            Some(stix_only()),
        ),
    );
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(sub.subscription_parameters, Some(stix_only()));
    assert_eq!(sub.poll_instances, addresses().poll);
    let id = sub.subscription_id.clone();

    // Rule 5: a duplicate SUBSCRIBE returns the existing id; other parameters are another subscription.
    let again = one(
        &hub,
        &manage(
            "alpha",
            SubscriptionAction::Subscribe,
            None,
            Some(stix_only()),
        ),
    );
    assert_eq!(again.subscription_id, id);
    let counting = SubscriptionParameters {
        response_type: ResponseType::CountOnly,
        ..Default::default()
    };
    let other = one(
        &hub,
        &manage("alpha", SubscriptionAction::Subscribe, None, Some(counting)),
    );
    assert_ne!(other.subscription_id, id);

    // Rule 6: PAUSE of paused and RESUME of active change nothing.
    for (action, expected) in [
        (SubscriptionAction::Pause, SubscriptionStatus::Paused),
        (SubscriptionAction::Pause, SubscriptionStatus::Paused),
        (SubscriptionAction::Status, SubscriptionStatus::Paused),
        (SubscriptionAction::Resume, SubscriptionStatus::Active),
        (SubscriptionAction::Resume, SubscriptionStatus::Active),
        (SubscriptionAction::Pause, SubscriptionStatus::Paused),
    ] {
        let s = one(&hub, &manage("alpha", action, Some(&id), None));
        assert_eq!(
            (s.subscription_id.as_str(), s.status),
            (id.as_str(), expected),
            "{action:?}"
        );
        assert_eq!(s.subscription_parameters, Some(stix_only()));
    }

    // Subscriptions are per requester.
    let strangers = answer(
        &hub,
        "someone-else",
        &manage("alpha", SubscriptionAction::Status, None, None),
    )
    .unwrap();
    assert!(strangers.is_empty());
    let s = refused(
        &hub,
        "someone-else",
        &manage("alpha", SubscriptionAction::Resume, Some(&id), None),
    );
    assert_eq!(s.status_type, StatusType::NotFound);

    // Durable: a reopened hub knows both, and that one is paused.
    drop(hub);
    let hub = Hub::open(config(dir.path(), 100)).unwrap();
    let all = answer(
        &hub,
        PARTNER,
        &manage("alpha", SubscriptionAction::Status, None, None),
    )
    .unwrap();
    let states: Vec<(String, SubscriptionStatus)> = all
        .iter()
        .map(|s| (s.subscription_id.clone(), s.status))
        .collect();
    assert_eq!(
        states,
        vec![
            (id.clone(), SubscriptionStatus::Paused),
            (other.subscription_id.clone(), SubscriptionStatus::Active)
        ]
    );

    // Rule 3: UNSUBSCRIBE is idempotent; afterwards the id is gone (rule 7).
    for _ in 0..2 {
        let s = one(
            &hub,
            &manage("alpha", SubscriptionAction::Unsubscribe, Some(&id), None),
        );
        assert_eq!(
            (s.subscription_id.as_str(), s.status),
            (id.as_str(), SubscriptionStatus::Unsubscribed)
        );
    }
    for action in [
        SubscriptionAction::Status,
        SubscriptionAction::Pause,
        SubscriptionAction::Resume,
    ] {
        let s = refused(&hub, PARTNER, &manage("alpha", action, Some(&id), None));
        assert_eq!(s.status_type, StatusType::NotFound, "{action:?}");
        assert_eq!(
            s.details.values(detail::ITEM).collect::<Vec<_>>(),
            vec![id.as_str()]
        );
    }
    let s = one(
        &hub,
        &manage(
            "alpha",
            SubscriptionAction::Unsubscribe,
            Some("never-was"),
            None,
        ),
    );
    assert_eq!(s.status, SubscriptionStatus::Unsubscribed);
}

#[test]
fn what_the_hub_cannot_do_is_refused_and_changes_nothing() {
    let (_dir, hub) = fresh(100);
    let unknown = refused(
        &hub,
        PARTNER,
        &manage(
            "nope",
            SubscriptionAction::Subscribe,
            None,
            Some(stix_only()),
        ),
    );
    assert_eq!(unknown.status_type, StatusType::NotFound);
    assert_eq!(
        unknown.details.values(detail::ITEM).collect::<Vec<_>>(),
        vec!["nope"]
    );

    let mut push = manage(
        "alpha",
        SubscriptionAction::Subscribe,
        None,
        Some(stix_only()),
    );
    if let Body::SubscriptionManagementRequest(r) = &mut push.body {
        r.push_parameters = Some(PushParameters {
            protocol_binding: taxii_core::ids::PROTOCOL_HTTP_10.into(),
            address: "http://example.invalid/inbox".into(),
            message_binding: taxii_core::ids::MESSAGE_XML_11.into(),
            content_bindings: Vec::new(),
        });
    }
    let s = refused(&hub, PARTNER, &push);
    assert_eq!(s.status_type, StatusType::UnsupportedProtocol);
    assert!(s.message.as_deref().unwrap().contains("does not push"));

    let with_query = SubscriptionParameters {
        query: Some(Query::Other {
            format_id: "urn:example:q".into(),
            body: Payload::text("q"),
        }),
        ..Default::default()
    };
    let s = refused(
        &hub,
        PARTNER,
        &manage(
            "alpha",
            SubscriptionAction::Subscribe,
            None,
            Some(with_query),
        ),
    );
    assert_eq!(s.status_type, StatusType::UnsupportedQuery);

    let cap = SubscriptionParameters {
        content_bindings: vec![ContentBinding::new(content::CAP_12)],
        ..Default::default()
    };
    let mut beta = manage("beta", SubscriptionAction::Subscribe, None, Some(cap));
    beta.header.message_id = "urn:beta".into();
    let response = send(&hub, &beta);
    let s = status(&response);
    assert_eq!(s.status_type, StatusType::UnsupportedContent);
    assert_eq!(
        s.details
            .values(detail::SUPPORTED_CONTENT)
            .collect::<Vec<_>>(),
        vec![content::STIX_XML_111]
    );

    let s = refused(
        &hub,
        PARTNER,
        &manage("alpha", SubscriptionAction::Pause, None, None),
    );
    assert_eq!(s.status_type, StatusType::BadMessage, "PAUSE needs an id");
    let s = refused(
        &hub,
        PARTNER,
        &manage("alpha", SubscriptionAction::Unsubscribe, None, None),
    );
    assert_eq!(
        s.status_type,
        StatusType::BadMessage,
        "UNSUBSCRIBE needs an id"
    );

    let none = answer(
        &hub,
        PARTNER,
        &manage("alpha", SubscriptionAction::Status, None, None),
    )
    .unwrap();
    assert!(none.is_empty(), "no refusal created a subscription");
}

#[test]
fn polling_by_subscription_uses_its_bindings_and_response_type_even_when_paused() {
    let (_dir, hub) = fresh(100);
    push(
        &hub,
        "alpha",
        vec![
            stix(1),
            ContentBlock::new("urn:other", Payload::text("2")),
            stix(3),
        ],
    );
    let sub = one(
        &hub,
        &manage(
            "alpha",
            SubscriptionAction::Subscribe,
            None,
            Some(stix_only()),
        ),
    );
    one(
        &hub,
        &manage(
            "alpha",
            SubscriptionAction::Pause,
            Some(&sub.subscription_id),
            None,
        ),
    );
    let by_subscription = PollRequest {
        subscription_id: Some(sub.subscription_id.clone()),
        poll_parameters: None,
        ..poll("alpha", None, None)
    };
    let response = send(&hub, &poll_message(Version::V11, by_subscription.clone()));
    let p = poll_response(&response);
    assert_eq!(
        p.content_blocks
            .iter()
            .map(block_number)
            .collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert_eq!(
        p.subscription_id.as_deref(),
        Some(sub.subscription_id.as_str())
    );

    let counting = SubscriptionParameters {
        response_type: ResponseType::CountOnly,
        ..Default::default()
    };
    let counter = one(
        &hub,
        &manage("alpha", SubscriptionAction::Subscribe, None, Some(counting)),
    );
    let response = send(
        &hub,
        &poll_message(
            Version::V11,
            PollRequest {
                subscription_id: Some(counter.subscription_id),
                ..by_subscription.clone()
            },
        ),
    );
    let p = poll_response(&response);
    assert!(p.content_blocks.is_empty());
    assert_eq!(p.record_count.map(|c| c.count), Some(3));

    let stranger = send_as(
        &hub,
        "someone-else",
        &poll_message(Version::V11, by_subscription),
    );
    assert_eq!(status(&stranger).status_type, StatusType::NotFound);
}

#[test]
fn taxii_10_subscriptions_have_no_pause() {
    let (_dir, hub) = fresh(100);
    let mut subscribe = manage("alpha", SubscriptionAction::Subscribe, None, None);
    subscribe.version = Version::V10;
    subscribe.header.message_id = "1".into();
    let s = one(&hub, &subscribe);
    assert!(
        s.subscription_parameters.is_none(),
        "1.0 has no Subscription Parameters"
    );
    let mut pause = manage(
        "alpha",
        SubscriptionAction::Pause,
        Some(&s.subscription_id),
        None,
    );
    pause.version = Version::V10;
    pause.header.message_id = "2".into();
    let s = refused(&hub, PARTNER, &pause);
    assert_eq!(s.status_type, StatusType::BadMessage);
}
