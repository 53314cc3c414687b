//! TAXII 1.0 message bodies in the CERT-EU form (libtaxii `messages_10` `from_dict`).
//!
//! 1.0 names feeds where the model names collections: `feed_name` -> `collection_name`,
//! `feed_informations` -> `collections`, `delivery_parameters` -> `push_parameters`;
//! the Poll Request's `content_bindings` go to `poll_parameters.content_bindings` (absent
//! when there are none), as everywhere in the model.

use super::{closed, content, signature, unknown_message_type};
use crate::read::Obj;
use taxii_core::*;

const V: Version = Version::V10;

/// The body of message type `name`.
pub(crate) fn body(name: &str, m: &Obj<'_>) -> Result<Body, Error> {
    let message_type =
        MessageType::from_element_name(name, V).ok_or_else(|| unknown_message_type(name, V))?;
    Ok(match message_type {
        MessageType::StatusMessage => Body::StatusMessage(StatusMessage {
            status_type: StatusType::parse(&m.str("status_type")?),
            details: match m.opt_str("status_detail")? {
                Some(text) => StatusDetails::Text(text),
                None => StatusDetails::None,
            },
            message: m.opt_str("message")?,
        }),
        MessageType::DiscoveryRequest => Body::DiscoveryRequest,
        MessageType::DiscoveryResponse => Body::DiscoveryResponse(DiscoveryResponse {
            service_instances: m
                .objects("service_instances")?
                .iter()
                .map(service_instance)
                .collect::<Result<_, _>>()?,
        }),
        MessageType::CollectionInformationRequest => Body::CollectionInformationRequest,
        MessageType::CollectionInformationResponse => {
            Body::CollectionInformationResponse(CollectionInformationResponse {
                collections: m
                    .objects("feed_informations")?
                    .iter()
                    .map(feed)
                    .collect::<Result<_, _>>()?,
            })
        }
        MessageType::SubscriptionManagementRequest => {
            Body::SubscriptionManagementRequest(SubscriptionManagementRequest {
                collection_name: m.str("feed_name")?,
                action: closed(m, "action", "TAXII 1.0 subscription action", |s| {
                    SubscriptionAction::parse(s).filter(|a| {
                        matches!(
                            a,
                            SubscriptionAction::Subscribe
                                | SubscriptionAction::Unsubscribe
                                | SubscriptionAction::Status
                        )
                    })
                })?,
                subscription_id: m.opt_str("subscription_id")?,
                subscription_parameters: None,
                push_parameters: m
                    .opt_obj("delivery_parameters")?
                    .map(|d| delivery_parameters(&d))
                    .transpose()?,
            })
        }
        MessageType::SubscriptionManagementResponse => {
            Body::SubscriptionManagementResponse(SubscriptionManagementResponse {
                collection_name: m.str("feed_name")?,
                message: m.opt_str("message")?,
                subscriptions: m
                    .objects("subscription_instances")?
                    .iter()
                    .map(subscription_instance)
                    .collect::<Result<_, _>>()?,
            })
        }
        MessageType::PollRequest => {
            let content_bindings = bindings(m, "content_bindings")?;
            Body::PollRequest(PollRequest {
                collection_name: m.str("feed_name")?,
                exclusive_begin: m.opt_timestamp("exclusive_begin_timestamp_label")?,
                inclusive_end: m.opt_timestamp("inclusive_end_timestamp_label")?,
                subscription_id: m.opt_str("subscription_id")?,
                poll_parameters: (!content_bindings.is_empty()).then(|| PollParameters {
                    content_bindings,
                    ..Default::default()
                }),
            })
        }
        MessageType::PollResponse => Body::PollResponse(PollResponse {
            collection_name: m.str("feed_name")?,
            subscription_id: m.opt_str("subscription_id")?,
            exclusive_begin: None,
            inclusive_begin: m.opt_timestamp("inclusive_begin_timestamp_label")?,
            inclusive_end: Some(m.timestamp("inclusive_end_timestamp_label")?),
            more: false,
            result_id: None,
            result_part_number: None,
            record_count: None,
            message: m.opt_str("message")?,
            content_blocks: content_blocks(m)?,
        }),
        MessageType::InboxMessage => Body::InboxMessage(InboxMessage {
            message: m.opt_str("message")?,
            destination_collection_names: Vec::new(),
            result_id: None,
            subscription_information: m
                .opt_obj("subscription_information")?
                .map(|s| subscription_information(&s))
                .transpose()?,
            record_count: None,
            content_blocks: content_blocks(m)?,
        }),
        MessageType::PollFulfillmentRequest => return Err(unknown_message_type(name, V)),
    })
}

/// A list of 1.0 Content Binding IDs (plain strings).
fn bindings(obj: &Obj<'_>, key: &str) -> Result<Vec<ContentBinding>, Error> {
    Ok(obj
        .strings(key)?
        .into_iter()
        .map(ContentBinding::new)
        .collect())
}

fn service_instance(s: &Obj<'_>) -> Result<ServiceInstance, Error> {
    Ok(ServiceInstance {
        service_type: closed(s, "service_type", "TAXII 1.0 service type", |t| {
            ServiceType::parse(t, V)
        })?,
        services_version: s.str("services_version")?,
        protocol_binding: s.str("protocol_binding")?,
        address: s.str("service_address")?,
        message_bindings: s.strings("message_bindings")?,
        supported_queries: Vec::new(),
        inbox_accepted_content: bindings(s, "inbox_service_accepted_content")?,
        available: s.opt_bool("available")?,
        message: s.opt_str("message")?,
    })
}

fn feed(f: &Obj<'_>) -> Result<CollectionInformation, Error> {
    let endpoint = |o: &Obj<'_>, prefix: &str, with_address: bool| -> Result<_, Error> {
        Ok(ServiceEndpoint {
            protocol_binding: o.str(&format!("{prefix}_protocol"))?,
            address: if with_address {
                o.str(&format!("{prefix}_address"))?
            } else {
                String::new()
            },
            message_bindings: o.strings(&format!("{prefix}_message_bindings"))?,
        })
    };
    Ok(CollectionInformation {
        collection_name: f.str("feed_name")?,
        collection_type: None,
        available: f.opt_bool("available")?,
        description: f.str("feed_description")?,
        collection_volume: None,
        supported_contents: bindings(f, "supported_contents")?,
        push_methods: f
            .objects("push_methods")?
            .iter()
            .map(|p| {
                let e = endpoint(p, "push", false)?;
                Ok(PushMethod {
                    protocol_binding: e.protocol_binding,
                    message_bindings: e.message_bindings,
                })
            })
            .collect::<Result<_, Error>>()?,
        polling_services: f
            .objects("polling_service_instances")?
            .iter()
            .map(|p| endpoint(p, "poll", true))
            .collect::<Result<_, _>>()?,
        subscription_services: f
            .objects("subscription_methods")?
            .iter()
            .map(|p| endpoint(p, "subscription", true))
            .collect::<Result<_, _>>()?,
        receiving_inbox_services: Vec::new(),
    })
}

fn delivery_parameters(d: &Obj<'_>) -> Result<PushParameters, Error> {
    Ok(PushParameters {
        protocol_binding: d.str("inbox_protocol")?,
        address: d.str("inbox_address")?,
        message_binding: d.str("delivery_message_binding")?,
        content_bindings: bindings(d, "content_bindings")?,
    })
}

fn subscription_instance(s: &Obj<'_>) -> Result<SubscriptionInstance, Error> {
    Ok(SubscriptionInstance {
        subscription_id: s.str("subscription_id")?,
        status: SubscriptionStatus::Active,
        subscription_parameters: None,
        push_parameters: s
            .opt_obj("delivery_parameters")?
            .map(|d| delivery_parameters(&d))
            .transpose()?,
        poll_instances: s
            .objects("poll_instances")?
            .iter()
            .map(|p| {
                Ok(ServiceEndpoint {
                    protocol_binding: p.str("poll_protocol")?,
                    address: p.str("poll_address")?,
                    message_bindings: p.strings("poll_message_bindings")?,
                })
            })
            .collect::<Result<_, Error>>()?,
    })
}

fn subscription_information(s: &Obj<'_>) -> Result<SubscriptionInformation, Error> {
    Ok(SubscriptionInformation {
        collection_name: s.str("feed_name")?,
        subscription_id: s.str("subscription_id")?,
        exclusive_begin: None,
        inclusive_begin: s.opt_timestamp("inclusive_begin_timestamp_label")?,
        inclusive_end: s.opt_timestamp("inclusive_end_timestamp_label")?,
    })
}

fn content_blocks(m: &Obj<'_>) -> Result<Vec<ContentBlock>, Error> {
    m.objects("content_blocks")?
        .iter()
        .map(|b| {
            Ok(ContentBlock {
                content_binding: ContentBinding::new(b.str("content_binding")?),
                content: content(b)?,
                timestamp_label: b.opt_timestamp("timestamp_label")?,
                message: None,
                padding: b.opt_str("padding")?,
                signature: signature(b)?,
            })
        })
        .collect()
}
