//! TAXII 1.1 bodies in libtaxii's `messages_11` dict form (`to_dict`), key for key and in
//! libtaxii's order. Where libtaxii's `to_dict` leaves a Python object in the dict (content
//! bindings in lists), we write that object's own `to_dict()` form, which libtaxii reads.

use super::query::{query, query_info};
use super::{
    invalid, label, payload_text, signature, write_json, write_with_blocks, Block, BlocksHere,
    Envelope, Header,
};
use crate::scalar::{status_detail_value, Scalar};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use taxii_core::*;
use wire::*;

mod wire;

/// Writes a 1.1 `body` after `header`.
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
        Body::StatusMessage(s) => emit!(status(s)?),
        Body::DiscoveryRequest | Body::CollectionInformationRequest => emit!(Empty {}),
        Body::DiscoveryResponse(r) => emit!(DiscoveryResponse11 {
            service_instances: r
                .service_instances
                .iter()
                .map(service)
                .collect::<Result<_, _>>()?,
        }),
        Body::CollectionInformationResponse(r) => emit!(CollectionInformationResponse11 {
            collection_informations: r.collections.iter().map(collection).collect(),
        }),
        Body::SubscriptionManagementRequest(r) => emit!(SubscriptionRequest11 {
            collection_name: &r.collection_name,
            action: r.action.as_str(),
            subscription_id: r.subscription_id.as_deref(),
            subscription_parameters: r
                .subscription_parameters
                .as_ref()
                .map(subscription_parameters)
                .transpose()?,
            push_parameters: r.push_parameters.as_ref().map(push),
        }),
        Body::SubscriptionManagementResponse(r) => emit!(SubscriptionResponse11 {
            collection_name: &r.collection_name,
            message: r.message.as_deref(),
            subscription_instances: r
                .subscriptions
                .iter()
                .map(|s| {
                    Ok(SubscriptionInstance11 {
                        status: s.status.as_str(),
                        subscription_id: &s.subscription_id,
                        subscription_parameters: s
                            .subscription_parameters
                            .as_ref()
                            .map(subscription_parameters)
                            .transpose()?,
                        push_parameters: s.push_parameters.as_ref().map(push),
                        poll_instances: s.poll_instances.iter().map(endpoint).collect(),
                    })
                })
                .collect::<Result<_, Error>>()?,
        }),
        Body::PollRequest(r) => emit!(PollRequest11 {
            collection_name: &r.collection_name,
            subscription_id: r.subscription_id.as_deref(),
            exclusive_begin_timestamp_label: label(&r.exclusive_begin),
            inclusive_end_timestamp_label: label(&r.inclusive_end),
            poll_parameters: r
                .poll_parameters
                .as_ref()
                .map(|p| {
                    Ok::<_, Error>(PollParameters11 {
                        response_type: p.response_type.as_str(),
                        content_bindings: bindings(&p.content_bindings),
                        query: p.query.as_ref().map(query).transpose()?,
                        allow_asynch: if p.allow_asynch { "true" } else { "false" },
                        delivery_parameters: p.delivery_parameters.as_ref().map(push),
                    })
                })
                .transpose()?,
        }),
        Body::PollResponse(r) => emit_with_blocks!(
            PollResponse11 {
                collection_name: &r.collection_name,
                more: r.more,
                result_id: r.result_id.as_deref(),
                result_part_number: r.result_part_number,
                record_count: r.record_count.map(record_count),
                subscription_id: r.subscription_id.as_deref(),
                message: r.message.as_deref(),
                exclusive_begin_timestamp_label: label(&r.exclusive_begin),
                inclusive_end_timestamp_label: label(&r.inclusive_end),
                content_blocks: BlocksHere,
            },
            blocks(&r.content_blocks)?
        ),
        Body::InboxMessage(m) => emit_with_blocks!(
            InboxMessage11 {
                result_id: m.result_id.as_deref(),
                destination_collection_names: &m.destination_collection_names,
                message: m.message.as_deref(),
                subscription_information: m.subscription_information.as_ref().map(|s| {
                    SubscriptionInformation11 {
                        collection_name: &s.collection_name,
                        subscription_id: &s.subscription_id,
                        exclusive_begin_timestamp_label: label(&s.exclusive_begin),
                        inclusive_end_timestamp_label: label(&s.inclusive_end),
                    }
                }),
                record_count: m.record_count.map(record_count),
                content_blocks: BlocksHere,
            },
            blocks(&m.content_blocks)?
        ),
        Body::PollFulfillmentRequest(r) => emit!(PollFulfillment11 {
            collection_name: &r.collection_name,
            result_id: &r.result_id,
            result_part_number: r.result_part_number,
        }),
    }
}

fn status(s: &StatusMessage) -> Result<Status11<'_>, Error> {
    let pairs: &[StatusDetail] = match &s.details {
        StatusDetails::None => &[],
        StatusDetails::Pairs(p) => p,
        StatusDetails::Text(_) => {
            return Err(invalid(
                "a TAXII 1.1 status detail is name/value pairs, not one string",
            ))
        }
    };
    // Group values by name in order of first appearance (the dict form); record the
    // original order only when names interleave, so nothing is lost.
    let mut groups: Vec<(&str, Vec<Scalar<'_>>)> = Vec::new();
    for d in pairs {
        let value = status_detail_value(&s.status_type, &d.name, &d.value);
        match groups.iter_mut().find(|(name, _)| *name == d.name) {
            Some((_, values)) => values.push(value),
            None => groups.push((&d.name, vec![value])),
        }
    }
    let grouped = groups
        .iter()
        .flat_map(|(name, values)| std::iter::repeat_n(*name, values.len()));
    let interleaved = !grouped.eq(pairs.iter().map(|d| d.name.as_str()));
    Ok(Status11 {
        status_type: s.status_type.as_str(),
        status_detail: Details(groups),
        message: s.message.as_deref(),
        status_detail_order: interleaved.then(|| pairs.iter().map(|d| d.name.as_str()).collect()),
    })
}

/// `{name: value}` with a list where a name repeats.
pub(super) struct Details<'a>(Vec<(&'a str, Vec<Scalar<'a>>)>);

impl Serialize for Details<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, values) in &self.0 {
            match values.as_slice() {
                [one] => map.serialize_entry(name, one)?,
                many => map.serialize_entry(name, many)?,
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
pub(super) struct Binding11<'a> {
    binding_id: &'a str,
    subtype_ids: &'a [String],
}

fn bindings(bindings: &[ContentBinding]) -> Vec<Binding11<'_>> {
    bindings
        .iter()
        .map(|b| Binding11 {
            binding_id: &b.binding_id,
            subtype_ids: &b.subtypes,
        })
        .collect()
}

fn blocks(blocks: &[ContentBlock]) -> Result<Vec<Block<'_, Binding11<'_>>>, Error> {
    blocks
        .iter()
        .map(|b| {
            Ok(Block {
                content_binding: Binding11 {
                    binding_id: &b.content_binding.binding_id,
                    subtype_ids: &b.content_binding.subtypes,
                },
                content: payload_text(&b.content, "content")?,
                content_is_xml: b.content.is_xml,
                timestamp_label: label(&b.timestamp_label),
                message: b.message.as_deref(),
                padding: b.padding.as_deref(),
                signature: signature(&b.signature)?,
            })
        })
        .collect()
}

fn service(s: &ServiceInstance) -> Result<ServiceInstance11<'_>, Error> {
    Ok(ServiceInstance11 {
        service_type: s.service_type.as_str(Version::V11),
        services_version: &s.services_version,
        protocol_binding: &s.protocol_binding,
        service_address: &s.address,
        message_bindings: &s.message_bindings,
        supported_query: s
            .supported_queries
            .iter()
            .map(query_info)
            .collect::<Result<_, _>>()?,
        inbox_service_accepted_content: bindings(&s.inbox_accepted_content),
        available: s.available,
        message: s.message.as_deref(),
    })
}

fn collection(c: &CollectionInformation) -> Collection11<'_> {
    Collection11 {
        collection_name: &c.collection_name,
        collection_type: c.collection_type.map(CollectionType::as_str),
        available: c.available,
        collection_description: &c.description,
        collection_volume: c.collection_volume,
        supported_contents: bindings(&c.supported_contents),
        push_methods: c
            .push_methods
            .iter()
            .map(|p| PushMethod11 {
                push_protocol: &p.protocol_binding,
                push_message_bindings: &p.message_bindings,
            })
            .collect(),
        polling_service_instances: c.polling_services.iter().map(endpoint).collect(),
        subscription_methods: c
            .subscription_services
            .iter()
            .map(|s| SubscriptionMethod11 {
                subscription_protocol: &s.protocol_binding,
                subscription_address: &s.address,
                subscription_message_bindings: &s.message_bindings,
            })
            .collect(),
        receiving_inbox_services: c
            .receiving_inbox_services
            .iter()
            .map(|r| ReceivingInbox11 {
                inbox_protocol: &r.endpoint.protocol_binding,
                inbox_address: &r.endpoint.address,
                inbox_message_bindings: &r.endpoint.message_bindings,
                supported_contents: bindings(&r.supported_contents),
            })
            .collect(),
    }
}

fn endpoint(p: &ServiceEndpoint) -> PollInstance11<'_> {
    PollInstance11 {
        poll_protocol: &p.protocol_binding,
        poll_address: &p.address,
        poll_message_bindings: &p.message_bindings,
    }
}

fn push(p: &PushParameters) -> Push11<'_> {
    Push11 {
        inbox_protocol: &p.protocol_binding,
        inbox_address: &p.address,
        delivery_message_binding: &p.message_binding,
    }
}

fn subscription_parameters(p: &SubscriptionParameters) -> Result<Generic11<'_>, Error> {
    Ok(Generic11 {
        response_type: p.response_type.as_str(),
        content_bindings: bindings(&p.content_bindings),
        query: p.query.as_ref().map(query).transpose()?,
    })
}

fn record_count(r: RecordCount) -> RecordCount11 {
    RecordCount11 {
        record_count: r.count,
        partial_count: r.partial,
    }
}
