//! TAXII 1.1 message bodies in libtaxii's `messages_11` dict form (`from_dict`).

use super::query::{query, query_infos};
use super::status::status_details;
use super::{closed, content, opt_closed, signature, unknown_message_type};
use crate::read::{error, Obj};
use crate::tree::Node;
use taxii_core::*;

const V: Version = Version::V11;

/// The body of message type `name`.
pub(crate) fn body(name: &str, m: &Obj<'_>) -> Result<Body, Error> {
    let message_type =
        MessageType::from_element_name(name, V).ok_or_else(|| unknown_message_type(name, V))?;
    Ok(match message_type {
        MessageType::StatusMessage => Body::StatusMessage(StatusMessage {
            status_type: StatusType::parse(&m.str("status_type")?),
            details: status_details(m)?,
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
                    .objects("collection_informations")?
                    .iter()
                    .map(collection)
                    .collect::<Result<_, _>>()?,
            })
        }
        MessageType::SubscriptionManagementRequest => {
            Body::SubscriptionManagementRequest(SubscriptionManagementRequest {
                collection_name: m.str("collection_name")?,
                action: closed(
                    m,
                    "action",
                    "subscription action",
                    SubscriptionAction::parse,
                )?,
                subscription_id: m.opt_str("subscription_id")?,
                subscription_parameters: m
                    .opt_obj("subscription_parameters")?
                    .map(|p| subscription_parameters(&p))
                    .transpose()?,
                push_parameters: m
                    .opt_obj("push_parameters")?
                    .map(|p| push_parameters(&p))
                    .transpose()?,
            })
        }
        MessageType::SubscriptionManagementResponse => {
            Body::SubscriptionManagementResponse(SubscriptionManagementResponse {
                collection_name: m.str("collection_name")?,
                message: m.opt_str("message")?,
                subscriptions: m
                    .objects("subscription_instances")?
                    .iter()
                    .map(subscription_instance)
                    .collect::<Result<_, _>>()?,
            })
        }
        MessageType::PollRequest => Body::PollRequest(PollRequest {
            collection_name: m.str("collection_name")?,
            exclusive_begin: m.opt_timestamp("exclusive_begin_timestamp_label")?,
            inclusive_end: m.opt_timestamp("inclusive_end_timestamp_label")?,
            subscription_id: m.opt_str("subscription_id")?,
            poll_parameters: m
                .opt_obj("poll_parameters")?
                .map(|p| poll_parameters(&p))
                .transpose()?,
        }),
        MessageType::PollResponse => Body::PollResponse(PollResponse {
            collection_name: m.str("collection_name")?,
            subscription_id: m.opt_str("subscription_id")?,
            exclusive_begin: m.opt_timestamp("exclusive_begin_timestamp_label")?,
            inclusive_begin: None,
            inclusive_end: m.opt_timestamp("inclusive_end_timestamp_label")?,
            more: m.opt_bool("more")?.unwrap_or(false),
            result_id: m.opt_str("result_id")?,
            result_part_number: m.opt_u64("result_part_number")?,
            record_count: record_count(m)?,
            message: m.opt_str("message")?,
            content_blocks: content_blocks(m)?,
        }),
        MessageType::InboxMessage => Body::InboxMessage(InboxMessage {
            message: m.opt_str("message")?,
            destination_collection_names: m.strings("destination_collection_names")?,
            result_id: m.opt_str("result_id")?,
            subscription_information: m
                .opt_obj("subscription_information")?
                .map(|s| {
                    Ok::<_, Error>(SubscriptionInformation {
                        collection_name: s.str("collection_name")?,
                        subscription_id: s.str("subscription_id")?,
                        exclusive_begin: s.opt_timestamp("exclusive_begin_timestamp_label")?,
                        inclusive_begin: None,
                        inclusive_end: s.opt_timestamp("inclusive_end_timestamp_label")?,
                    })
                })
                .transpose()?,
            record_count: record_count(m)?,
            content_blocks: content_blocks(m)?,
        }),
        MessageType::PollFulfillmentRequest => {
            Body::PollFulfillmentRequest(PollFulfillmentRequest {
                collection_name: m.str("collection_name")?,
                result_id: m.str("result_id")?,
                result_part_number: m.u64("result_part_number")?,
            })
        }
    })
}

/// `{"binding_id": ..., "subtype_ids": [...]}`, or libtaxii's string form `id>sub1,sub2`.
fn binding(node: &Node, path: String) -> Result<ContentBinding, Error> {
    if let Node::String(text) = node {
        let text = text.as_str();
        return Ok(match text.split_once('>') {
            None => ContentBinding::new(text),
            Some((id, subtypes)) => ContentBinding {
                binding_id: id.to_owned(),
                subtypes: subtypes.split(',').map(str::to_owned).collect(),
            },
        });
    }
    let b = Obj::new(node, path)?;
    Ok(ContentBinding {
        binding_id: b.str("binding_id")?,
        subtypes: b.strings("subtype_ids")?,
    })
}

fn bindings(obj: &Obj<'_>, key: &str) -> Result<Vec<ContentBinding>, Error> {
    obj.list(key)?
        .into_iter()
        .map(|(path, node)| binding(node, path))
        .collect()
}

fn service_instance(s: &Obj<'_>) -> Result<ServiceInstance, Error> {
    Ok(ServiceInstance {
        service_type: closed(s, "service_type", "TAXII 1.1 service type", |t| {
            ServiceType::parse(t, V)
        })?,
        services_version: s.str("services_version")?,
        protocol_binding: s.str("protocol_binding")?,
        address: s.str("service_address")?,
        message_bindings: s.strings("message_bindings")?,
        supported_queries: query_infos(s)?,
        inbox_accepted_content: bindings(s, "inbox_service_accepted_content")?,
        available: s.opt_bool("available")?,
        message: s.opt_str("message")?,
    })
}

fn endpoint(o: &Obj<'_>, prefix: &str) -> Result<ServiceEndpoint, Error> {
    Ok(ServiceEndpoint {
        protocol_binding: o.str(&format!("{prefix}_protocol"))?,
        address: o.str(&format!("{prefix}_address"))?,
        message_bindings: o.strings(&format!("{prefix}_message_bindings"))?,
    })
}

fn collection(c: &Obj<'_>) -> Result<CollectionInformation, Error> {
    Ok(CollectionInformation {
        collection_name: c.str("collection_name")?,
        collection_type: opt_closed(
            c,
            "collection_type",
            "collection type",
            CollectionType::parse,
        )?,
        available: c.opt_bool("available")?,
        description: c.str("collection_description")?,
        collection_volume: c.opt_u64("collection_volume")?,
        supported_contents: bindings(c, "supported_contents")?,
        push_methods: c
            .objects("push_methods")?
            .iter()
            .map(|p| {
                Ok(PushMethod {
                    protocol_binding: p.str("push_protocol")?,
                    message_bindings: p.strings("push_message_bindings")?,
                })
            })
            .collect::<Result<_, Error>>()?,
        polling_services: c
            .objects("polling_service_instances")?
            .iter()
            .map(|p| endpoint(p, "poll"))
            .collect::<Result<_, _>>()?,
        subscription_services: c
            .objects("subscription_methods")?
            .iter()
            .map(|p| endpoint(p, "subscription"))
            .collect::<Result<_, _>>()?,
        receiving_inbox_services: c
            .objects("receiving_inbox_services")?
            .iter()
            .map(|r| {
                Ok(ReceivingInboxService {
                    endpoint: endpoint(r, "inbox")?,
                    supported_contents: bindings(r, "supported_contents")?,
                })
            })
            .collect::<Result<_, Error>>()?,
    })
}

fn response_type(p: &Obj<'_>) -> Result<ResponseType, Error> {
    Ok(opt_closed(p, "response_type", "response type", ResponseType::parse)?.unwrap_or_default())
}

fn subscription_parameters(p: &Obj<'_>) -> Result<SubscriptionParameters, Error> {
    Ok(SubscriptionParameters {
        response_type: response_type(p)?,
        content_bindings: bindings(p, "content_bindings")?,
        query: query(p)?,
    })
}

fn push_parameters(p: &Obj<'_>) -> Result<PushParameters, Error> {
    Ok(PushParameters {
        protocol_binding: p.str("inbox_protocol")?,
        address: p.str("inbox_address")?,
        message_binding: p.str("delivery_message_binding")?,
        content_bindings: Vec::new(),
    })
}

fn poll_parameters(p: &Obj<'_>) -> Result<PollParameters, Error> {
    Ok(PollParameters {
        // libtaxii writes "true"/"false" strings here.
        allow_asynch: p.opt_bool_or_text("allow_asynch")?.unwrap_or(false),
        response_type: response_type(p)?,
        content_bindings: bindings(p, "content_bindings")?,
        query: query(p)?,
        delivery_parameters: p
            .opt_obj("delivery_parameters")?
            .map(|d| push_parameters(&d))
            .transpose()?,
    })
}

fn subscription_instance(s: &Obj<'_>) -> Result<SubscriptionInstance, Error> {
    Ok(SubscriptionInstance {
        subscription_id: s.str("subscription_id")?,
        status: opt_closed(
            s,
            "status",
            "subscription status",
            SubscriptionStatus::parse,
        )?
        .unwrap_or_default(),
        subscription_parameters: s
            .opt_obj("subscription_parameters")?
            .map(|p| subscription_parameters(&p))
            .transpose()?,
        push_parameters: s
            .opt_obj("push_parameters")?
            .map(|p| push_parameters(&p))
            .transpose()?,
        poll_instances: s
            .objects("poll_instances")?
            .iter()
            .map(|p| endpoint(p, "poll"))
            .collect::<Result<_, _>>()?,
    })
}

fn record_count(m: &Obj<'_>) -> Result<Option<RecordCount>, Error> {
    m.opt_obj("record_count")?
        .map(|r| {
            Ok(RecordCount {
                count: r.u64("record_count")?,
                partial: r.opt_bool("partial_count")?.unwrap_or(false),
            })
        })
        .transpose()
}

fn content_blocks(m: &Obj<'_>) -> Result<Vec<ContentBlock>, Error> {
    m.objects("content_blocks")?
        .iter()
        .map(|b| {
            let content_binding = b
                .get("content_binding")
                .ok_or_else(|| error(&b.at("content_binding"), "required field is missing"))?;
            Ok(ContentBlock {
                content_binding: binding(content_binding, b.at("content_binding"))?,
                content: content(b)?,
                timestamp_label: b.opt_timestamp("timestamp_label")?,
                message: b.opt_str("message")?,
                padding: b.opt_str("padding")?,
                signature: signature(b)?,
            })
        })
        .collect()
}
