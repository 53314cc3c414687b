//! TAXII 1.0 bodies in the CERT-EU form (libtaxii `messages_10` `to_dict`), key for key
//! and in libtaxii's order; fields libtaxii writes as `null` are written as `null`.

use super::{
    invalid, label, payload_text, signature, write_json, write_with_blocks, Block, BlocksHere,
    Envelope, Header,
};
use serde::Serialize;
use taxii_core::*;

/// Writes a 1.0 `body` after `header`.
pub(crate) fn write(out: &mut Vec<u8>, header: Header<'_>, body: &Body) -> Result<(), Error> {
    macro_rules! emit {
        ($body:expr) => {
            write_json(
                out,
                &Envelope {
                    header,
                    body: $body,
                },
            )
        };
    }
    macro_rules! emit_with_blocks {
        ($body:expr, $blocks:expr) => {
            write_with_blocks(
                out,
                &Envelope {
                    header,
                    body: $body,
                },
                &$blocks,
            )
        };
    }
    match body {
        Body::StatusMessage(s) => emit!(Status {
            status_type: s.status_type.as_str(),
            status_detail: match &s.details {
                StatusDetails::None => None,
                StatusDetails::Text(t) => Some(t.as_str()),
                StatusDetails::Pairs(_) => {
                    return Err(invalid(
                        "a TAXII 1.0 status detail is one string, not name/value pairs",
                    ));
                }
            },
            message: s.message.as_deref(),
        }),
        Body::DiscoveryRequest | Body::CollectionInformationRequest => emit!(Empty {}),
        Body::DiscoveryResponse(r) => emit!(DiscoveryResponse10 {
            service_instances: r.service_instances.iter().map(service).collect(),
        }),
        Body::CollectionInformationResponse(r) => emit!(FeedInformationResponse {
            feed_informations: r.collections.iter().map(feed).collect(),
        }),
        Body::SubscriptionManagementRequest(r) => emit!(ManageFeedSubscriptionRequest {
            feed_name: &r.collection_name,
            action: r.action.as_str(),
            subscription_id: r.subscription_id.as_deref(),
            delivery_parameters: r.push_parameters.as_ref().map(delivery),
        }),
        Body::SubscriptionManagementResponse(r) => emit!(ManageFeedSubscriptionResponse {
            feed_name: &r.collection_name,
            message: r.message.as_deref(),
            subscription_instances: r
                .subscriptions
                .iter()
                .map(|s| SubscriptionInstance10 {
                    subscription_id: &s.subscription_id,
                    delivery_parameters: s.push_parameters.as_ref().map(delivery),
                    poll_instances: s.poll_instances.iter().map(poll_instance).collect(),
                })
                .collect(),
        }),
        Body::PollRequest(r) => emit!(PollRequest10 {
            feed_name: &r.collection_name,
            subscription_id: r.subscription_id.as_deref(),
            exclusive_begin_timestamp_label: label(&r.exclusive_begin),
            inclusive_end_timestamp_label: label(&r.inclusive_end),
            content_bindings: r
                .poll_parameters
                .as_ref()
                .map(|p| ids(&p.content_bindings))
                .unwrap_or_default(),
        }),
        Body::PollResponse(r) => emit_with_blocks!(
            PollResponse10 {
                feed_name: &r.collection_name,
                subscription_id: r.subscription_id.as_deref(),
                message: r.message.as_deref(),
                inclusive_begin_timestamp_label: label(&r.inclusive_begin),
                inclusive_end_timestamp_label: label(&r.inclusive_end).ok_or_else(|| invalid(
                    "a TAXII 1.0 Poll Response needs an inclusive end timestamp label"
                ))?,
                content_blocks: BlocksHere,
            },
            blocks(&r.content_blocks)?
        ),
        Body::InboxMessage(m) => emit_with_blocks!(
            InboxMessage10 {
                message: m.message.as_deref(),
                subscription_information: m.subscription_information.as_ref().map(|s| {
                    SubscriptionInformation10 {
                        feed_name: &s.collection_name,
                        subscription_id: &s.subscription_id,
                        inclusive_begin_timestamp_label: label(&s.inclusive_begin),
                        inclusive_end_timestamp_label: label(&s.inclusive_end),
                    }
                }),
                content_blocks: BlocksHere,
            },
            blocks(&m.content_blocks)?
        ),
        Body::PollFulfillmentRequest(_) => Err(invalid("TAXII 1.0 has no Poll Fulfillment")),
    }
}

fn ids(bindings: &[ContentBinding]) -> Vec<&str> {
    bindings.iter().map(|b| b.binding_id.as_str()).collect()
}

fn blocks(blocks: &[ContentBlock]) -> Result<Vec<Block<'_, &str>>, Error> {
    blocks
        .iter()
        .map(|b| {
            Ok(Block {
                content_binding: b.content_binding.binding_id.as_str(),
                content: payload_text(&b.content, "content")?,
                content_is_xml: b.content.is_xml,
                timestamp_label: label(&b.timestamp_label),
                message: None,
                padding: b.padding.as_deref(),
                signature: signature(&b.signature)?,
            })
        })
        .collect()
}

fn service(s: &ServiceInstance) -> ServiceInstance10<'_> {
    ServiceInstance10 {
        service_type: s.service_type.as_str(Version::V10),
        services_version: &s.services_version,
        protocol_binding: &s.protocol_binding,
        service_address: &s.address,
        message_bindings: &s.message_bindings,
        inbox_service_accepted_content: ids(&s.inbox_accepted_content),
        available: s.available,
        message: s.message.as_deref(),
    }
}

fn feed(c: &CollectionInformation) -> Feed10<'_> {
    Feed10 {
        feed_name: &c.collection_name,
        available: c.available,
        feed_description: &c.description,
        supported_contents: ids(&c.supported_contents),
        push_methods: c
            .push_methods
            .iter()
            .map(|p| PushMethod10 {
                push_protocol: &p.protocol_binding,
                push_message_bindings: &p.message_bindings,
            })
            .collect(),
        polling_service_instances: c.polling_services.iter().map(poll_instance).collect(),
        subscription_methods: c
            .subscription_services
            .iter()
            .map(|s| SubscriptionMethod10 {
                subscription_protocol: &s.protocol_binding,
                subscription_address: &s.address,
                subscription_message_bindings: &s.message_bindings,
            })
            .collect(),
    }
}

fn poll_instance(p: &ServiceEndpoint) -> PollInstance10<'_> {
    PollInstance10 {
        poll_protocol: &p.protocol_binding,
        poll_address: &p.address,
        poll_message_bindings: &p.message_bindings,
    }
}

fn delivery(d: &PushParameters) -> DeliveryParameters10<'_> {
    DeliveryParameters10 {
        inbox_protocol: &d.protocol_binding,
        inbox_address: &d.address,
        delivery_message_binding: &d.message_binding,
        content_bindings: ids(&d.content_bindings),
    }
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Status<'a> {
    status_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct DiscoveryResponse10<'a> {
    service_instances: Vec<ServiceInstance10<'a>>,
}

#[derive(Serialize)]
struct ServiceInstance10<'a> {
    service_type: &'a str,
    services_version: &'a str,
    protocol_binding: &'a str,
    service_address: &'a str,
    message_bindings: &'a [String],
    inbox_service_accepted_content: Vec<&'a str>,
    available: Option<bool>,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct FeedInformationResponse<'a> {
    feed_informations: Vec<Feed10<'a>>,
}

#[derive(Serialize)]
struct Feed10<'a> {
    feed_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    available: Option<bool>,
    feed_description: &'a str,
    supported_contents: Vec<&'a str>,
    push_methods: Vec<PushMethod10<'a>>,
    polling_service_instances: Vec<PollInstance10<'a>>,
    subscription_methods: Vec<SubscriptionMethod10<'a>>,
}

#[derive(Serialize)]
struct PushMethod10<'a> {
    push_protocol: &'a str,
    push_message_bindings: &'a [String],
}

/// A Polling Service Instance (Feed Information) or a Poll Instance (subscriptions).
#[derive(Serialize)]
struct PollInstance10<'a> {
    poll_protocol: &'a str,
    poll_address: &'a str,
    poll_message_bindings: &'a [String],
}

#[derive(Serialize)]
struct SubscriptionMethod10<'a> {
    subscription_protocol: &'a str,
    subscription_address: &'a str,
    subscription_message_bindings: &'a [String],
}

#[derive(Serialize)]
struct DeliveryParameters10<'a> {
    inbox_protocol: &'a str,
    inbox_address: &'a str,
    delivery_message_binding: &'a str,
    content_bindings: Vec<&'a str>,
}

#[derive(Serialize)]
struct ManageFeedSubscriptionRequest<'a> {
    feed_name: &'a str,
    action: &'a str,
    subscription_id: Option<&'a str>,
    delivery_parameters: Option<DeliveryParameters10<'a>>,
}

#[derive(Serialize)]
struct ManageFeedSubscriptionResponse<'a> {
    feed_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    subscription_instances: Vec<SubscriptionInstance10<'a>>,
}

#[derive(Serialize)]
struct SubscriptionInstance10<'a> {
    subscription_id: &'a str,
    delivery_parameters: Option<DeliveryParameters10<'a>>,
    poll_instances: Vec<PollInstance10<'a>>,
}

#[derive(Serialize)]
struct PollRequest10<'a> {
    feed_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exclusive_begin_timestamp_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inclusive_end_timestamp_label: Option<&'a str>,
    content_bindings: Vec<&'a str>,
}

#[derive(Serialize)]
struct PollResponse10<'a> {
    feed_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inclusive_begin_timestamp_label: Option<&'a str>,
    inclusive_end_timestamp_label: &'a str,
    content_blocks: BlocksHere,
}

#[derive(Serialize)]
struct InboxMessage10<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription_information: Option<SubscriptionInformation10<'a>>,
    content_blocks: BlocksHere,
}

#[derive(Serialize)]
struct SubscriptionInformation10<'a> {
    feed_name: &'a str,
    subscription_id: &'a str,
    inclusive_begin_timestamp_label: Option<&'a str>,
    inclusive_end_timestamp_label: Option<&'a str>,
}
