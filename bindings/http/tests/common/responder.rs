//! A small TAXII service for the peer tests: it decodes each request with the XML binding
//! and answers a fitting response of the same version (Discovery, Collection/Feed
//! Information, Subscription Management, Poll in two parts then empty, Inbox), all at the
//! address the partner reached. It also writes Status_Messages with the XML binding.

use bytes::Bytes;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use taxii_core::{
    ids, Body, CollectionInformation, CollectionInformationResponse, CollectionType,
    ContentBinding, ContentBlock, DiscoveryResponse, Envelope, Error, Exchange, Message,
    MessageBinding, MessageType, Origin, Payload, PollResponse, PushMethod, ServiceEndpoint,
    ServiceInstance, ServiceType, StatusMessage, StatusType, SubscriptionInstance,
    SubscriptionManagementResponse, SubscriptionStatus, Timestamp, Version,
};
use taxii_http::{FailedRequest, StatusWriter};
use taxii_xml::XmlBinding;

/// The STIX content every poll part carries.
pub const INDICATOR: &str = "<stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\" \
    id=\"example:package-1\" version=\"1.1.1\"><stix:STIX_Header><stix:Title>gateway test \
    indicator</stix:Title></stix:STIX_Header></stix:STIX_Package>";

fn message_ids() -> &'static AtomicU64 {
    static NEXT: AtomicU64 = AtomicU64::new(1000);
    &NEXT
}

fn next_id() -> String {
    message_ids().fetch_add(1, Ordering::Relaxed).to_string()
}

/// The decoded requests, in arrival order, with the envelope each came in.
#[derive(Default)]
pub struct Responder {
    pub seen: Mutex<Vec<(Message, Envelope)>>,
}

impl Responder {
    pub fn new() -> Arc<Responder> {
        Arc::new(Responder::default())
    }

    /// The message types seen so far.
    pub fn types(&self) -> Vec<MessageType> {
        let seen = self.seen.lock().expect("lock");
        seen.iter().map(|(m, _)| m.message_type()).collect()
    }
}

#[async_trait::async_trait]
impl Exchange for Responder {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        let binding = XmlBinding::for_id(&request.message_binding).ok_or_else(|| {
            Error::UnsupportedMessageBinding {
                binding: request.message_binding.clone(),
                supported: vec![ids::MESSAGE_XML_11.into(), ids::MESSAGE_XML_10.into()],
            }
        })?;
        let version = binding.version();
        let message = binding.decode(&request.body, version)?;
        let address = request.origin.reached_at.clone().unwrap_or_default();
        let endpoint = ServiceEndpoint {
            protocol_binding: request.protocol.clone(),
            address,
            message_bindings: vec![request.message_binding.clone()],
        };
        let body = answer(&message, version, &endpoint)?;
        let mut response = Message::new(version, next_id(), body);
        response.header.in_response_to = Some(message.header.message_id.clone());
        let encoded = binding.encode(&response)?;
        self.seen
            .lock()
            .expect("lock")
            .push((message, request.clone()));
        Ok(Envelope {
            body: encoded,
            message_binding: request.message_binding,
            services: version.services_id().to_owned(),
            protocol: request.protocol,
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}

fn answer(message: &Message, version: Version, endpoint: &ServiceEndpoint) -> Result<Body, Error> {
    let stix = ContentBinding::new(ids::content::STIX_XML_111);
    Ok(match &message.body {
        Body::DiscoveryRequest => Body::DiscoveryResponse(DiscoveryResponse {
            service_instances: ServiceType::ALL
                .into_iter()
                .map(|service_type| ServiceInstance {
                    service_type,
                    services_version: version.services_id().to_owned(),
                    protocol_binding: endpoint.protocol_binding.clone(),
                    address: endpoint.address.clone(),
                    message_bindings: endpoint.message_bindings.clone(),
                    supported_queries: Vec::new(),
                    inbox_accepted_content: Vec::new(),
                    available: Some(true),
                    message: Some(format!("{service_type:?} behind the test listener")),
                })
                .collect(),
        }),
        Body::CollectionInformationRequest => {
            Body::CollectionInformationResponse(CollectionInformationResponse {
                collections: vec![CollectionInformation {
                    collection_name: "collection-a".to_owned(),
                    collection_type: (version == Version::V11).then_some(CollectionType::DataFeed),
                    available: Some(true),
                    description: "indicators for the test".to_owned(),
                    collection_volume: None,
                    supported_contents: vec![stix],
                    push_methods: vec![PushMethod {
                        protocol_binding: endpoint.protocol_binding.clone(),
                        message_bindings: endpoint.message_bindings.clone(),
                    }],
                    polling_services: vec![endpoint.clone()],
                    subscription_services: vec![endpoint.clone()],
                    receiving_inbox_services: Vec::new(),
                }],
            })
        }
        Body::SubscriptionManagementRequest(request) => {
            Body::SubscriptionManagementResponse(SubscriptionManagementResponse {
                collection_name: request.collection_name.clone(),
                message: None,
                subscriptions: vec![SubscriptionInstance {
                    subscription_id: request
                        .subscription_id
                        .clone()
                        .unwrap_or_else(|| "subscription-1".to_owned()),
                    status: SubscriptionStatus::Active,
                    subscription_parameters: request.subscription_parameters.clone(),
                    push_parameters: request.push_parameters.clone(),
                    poll_instances: vec![endpoint.clone()],
                }],
            })
        }
        Body::PollRequest(request) => poll_part(&request.collection_name, version, 1),
        Body::PollFulfillmentRequest(request) => poll_part(
            &request.collection_name,
            version,
            request.result_part_number,
        ),
        Body::InboxMessage(_) => {
            Body::StatusMessage(StatusMessage::new(StatusType::Success, "content received"))
        }
        other => {
            return Err(Error::BadRequest(format!(
                "{} is not a request",
                other.message_type()
            )))
        }
    })
}

/// Part `part` of a two-part 1.1 result (parts past 2 are empty, for cabby's extra ask);
/// a 1.0 poll has one part.
fn poll_part(collection: &str, version: Version, part: u64) -> Body {
    let end = Timestamp::parse("2026-12-01T00:00:00Z").ok();
    let blocks = if part <= 2 {
        vec![ContentBlock::new(
            ids::content::STIX_XML_111,
            Payload::xml(Bytes::from_static(INDICATOR.as_bytes())),
        )]
    } else {
        Vec::new()
    };
    let v11 = version == Version::V11;
    Body::PollResponse(PollResponse {
        collection_name: collection.to_owned(),
        subscription_id: None,
        exclusive_begin: None,
        inclusive_begin: None,
        inclusive_end: end,
        more: v11 && part == 1,
        result_id: v11.then(|| "result-1".to_owned()),
        result_part_number: v11.then_some(part),
        record_count: None,
        message: None,
        content_blocks: blocks,
    })
}

/// Writes Status_Messages with the XML binding the requester accepts (else its own, else
/// 1.1), answering the request's `message_id` when the body could be read.
pub struct XmlStatusWriter;

impl StatusWriter for XmlStatusWriter {
    fn write_status(&self, error: &Error, request: &FailedRequest<'_>) -> Result<Envelope, Error> {
        let binding = if request.accept.is_empty() {
            request.message_binding.and_then(XmlBinding::for_id)
        } else {
            request.accept.iter().find_map(|b| XmlBinding::for_id(b))
        };
        let binding = match (binding, request.accept.is_empty()) {
            (Some(binding), _) => binding,
            (None, true) => XmlBinding::v11(),
            (None, false) => {
                return Err(Error::UnsupportedMessageBinding {
                    binding: request.accept.join(" "),
                    supported: vec![ids::MESSAGE_XML_11.into(), ids::MESSAGE_XML_10.into()],
                })
            }
        };
        let version = binding.version();
        let in_response_to = request
            .body
            .and_then(|body| {
                request
                    .message_binding
                    .and_then(XmlBinding::for_id)?
                    .decode_message(body)
                    .ok()
            })
            .map(|m| m.header.message_id)
            .unwrap_or_else(|| "0".to_owned());
        let status = Message::status(version, next_id(), in_response_to, error.to_status(version));
        Ok(Envelope {
            body: binding.encode(&status)?,
            message_binding: binding.id().to_owned(),
            services: version.services_id().to_owned(),
            protocol: String::new(),
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}
