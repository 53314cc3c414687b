//! Our client against a real OpenTAXII 0.9.3 (started by taxii-testkit on a free port):
//! every service, TAXII 1.1 and 1.0, with Basic auth; multi-part polls; and the error
//! statuses OpenTAXII answers come through intact.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use taxii_core::{
    ids, Body, ContentBlock, Envelope, Exchange, InboxMessage, Message, MessageBinding, Origin,
    Payload, PollFulfillmentRequest, PollParameters, PollRequest, ServiceType, StatusType,
    SubscriptionAction, SubscriptionManagementRequest, SubscriptionParameters, Version,
};
use taxii_http::{BasicCredentials, HttpClient, HttpClientConfig, Secret};
use taxii_testkit::{Account, OpenTaxii, HARNESS_ACCOUNT, READER_ACCOUNT};
use taxii_xml::XmlBinding;

async fn start_opentaxii() -> OpenTaxii {
    tokio::task::spawn_blocking(OpenTaxii::start)
        .await
        .expect("OpenTAXII started (taxii-testkit says why if not)")
}

/// One OpenTAXII service, spoken to in one XML binding.
struct Service {
    client: HttpClient,
    binding: XmlBinding,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Service {
    fn new(server: &OpenTaxii, path: &str, version: Version, account: Option<Account>) -> Self {
        let mut config = HttpClientConfig::new("opentaxii", server.url(path));
        config.credentials = account.map(|a| BasicCredentials {
            user: a.username.to_owned(),
            password: Secret::new(a.password),
        });
        Service {
            client: HttpClient::new(config).expect("client"),
            binding: XmlBinding::new(version),
        }
    }

    /// Sends a request body and returns OpenTAXII's decoded answer.
    async fn ask(&self, body: Body) -> Message {
        let version = self.binding.version();
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed).to_string();
        let request = Message::new(version, id.clone(), body);
        let envelope = Envelope {
            body: self.binding.encode(&request).expect("encode"),
            message_binding: self.binding.id().to_owned(),
            services: version.services_id().to_owned(),
            protocol: ids::PROTOCOL_HTTP_10.to_owned(),
            accept: vec![self.binding.id().to_owned()],
            origin: Origin::default(),
        };
        let answer = self
            .client
            .exchange(envelope)
            .await
            .expect("OpenTAXII answered");
        assert_eq!(answer.message_binding, self.binding.id());
        assert_eq!(answer.services, version.services_id());
        assert_eq!(answer.protocol, ids::PROTOCOL_HTTP_10);
        self.binding
            .decode(&answer.body, version)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&answer.body)))
    }
}

fn indicator(n: usize) -> ContentBlock {
    let xml = format!(
        "<stix:STIX_Package xmlns:stix=\"http://stix.mitre.org/stix-1\" id=\"example:package-{n}\" \
         version=\"1.1.1\"><stix:STIX_Header><stix:Title>indicator {n}</stix:Title>\
         </stix:STIX_Header></stix:STIX_Package>"
    );
    ContentBlock::new(ids::content::STIX_XML_111, Payload::xml(xml))
}

fn status_of(message: &Message) -> (StatusType, String) {
    match &message.body {
        Body::StatusMessage(s) => (s.status_type.clone(), s.message.clone().unwrap_or_default()),
        other => panic!("expected a Status_Message, got {:?}", other.message_type()),
    }
}

fn poll(collection: &str) -> Body {
    Body::PollRequest(PollRequest {
        collection_name: collection.to_owned(),
        exclusive_begin: None,
        inclusive_end: None,
        subscription_id: None,
        poll_parameters: Some(PollParameters::default()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_11_every_service_with_basic_and_a_multi_part_poll() {
    let server = start_opentaxii().await;
    let v = Version::V11;
    let harness = Some(HARNESS_ACCOUNT);

    let discovery = Service::new(&server, OpenTaxii::DISCOVERY, v, harness)
        .ask(Body::DiscoveryRequest)
        .await;
    let Body::DiscoveryResponse(found) = discovery.body else {
        panic!("{discovery:?}")
    };
    for service in ServiceType::ALL {
        assert!(
            found
                .service_instances
                .iter()
                .any(|s| s.service_type == service),
            "{service:?}"
        );
    }

    let management = Service::new(&server, OpenTaxii::COLLECTION_MANAGEMENT, v, harness);
    let info = management.ask(Body::CollectionInformationRequest).await;
    let Body::CollectionInformationResponse(info) = info.body else {
        panic!("{info:?}")
    };
    let names: Vec<_> = info
        .collections
        .iter()
        .map(|c| c.collection_name.as_str())
        .collect();
    assert!(
        names.contains(&"collection-a") && names.contains(&"collection-b"),
        "{names:?}"
    );

    let inbox = Service::new(&server, OpenTaxii::INBOX, v, harness);
    let pushed = inbox
        .ask(Body::InboxMessage(InboxMessage {
            destination_collection_names: vec!["collection-a".to_owned()],
            content_blocks: (0..12).map(indicator).collect(),
            ..InboxMessage::default()
        }))
        .await;
    assert_eq!(status_of(&pushed).0, StatusType::Success);

    let polling = Service::new(&server, OpenTaxii::POLL, v, harness);
    let first = polling.ask(poll("collection-a")).await;
    let Body::PollResponse(first) = first.body else {
        panic!("{first:?}")
    };
    assert!(first.more, "12 blocks at 5 per part take three parts");
    assert_eq!(first.content_blocks.len(), 5);
    let result_id = first
        .result_id
        .clone()
        .expect("a result id for the next parts");
    let mut blocks = first.content_blocks.len();
    for part in 2..=3 {
        let next = polling
            .ask(Body::PollFulfillmentRequest(PollFulfillmentRequest {
                collection_name: "collection-a".to_owned(),
                result_id: result_id.clone(),
                result_part_number: part,
            }))
            .await;
        let Body::PollResponse(next) = next.body else {
            panic!("{next:?}")
        };
        assert_eq!(next.result_part_number, Some(part));
        blocks += next.content_blocks.len();
        assert_eq!(next.more, part < 3);
    }
    assert_eq!(blocks, 12);

    let subscribed = management
        .ask(Body::SubscriptionManagementRequest(
            SubscriptionManagementRequest {
                collection_name: "collection-a".to_owned(),
                action: SubscriptionAction::Subscribe,
                subscription_id: None,
                subscription_parameters: Some(SubscriptionParameters::default()),
                push_parameters: None,
            },
        ))
        .await;
    let Body::SubscriptionManagementResponse(subscribed) = subscribed.body else {
        panic!("{subscribed:?}")
    };
    let id = subscribed.subscriptions[0].subscription_id.clone();
    let unsubscribed = management
        .ask(Body::SubscriptionManagementRequest(
            SubscriptionManagementRequest {
                collection_name: "collection-a".to_owned(),
                action: SubscriptionAction::Unsubscribe,
                subscription_id: Some(id.clone()),
                subscription_parameters: None,
                push_parameters: None,
            },
        ))
        .await;
    let Body::SubscriptionManagementResponse(unsubscribed) = unsubscribed.body else {
        panic!("{unsubscribed:?}")
    };
    assert_eq!(unsubscribed.subscriptions[0].subscription_id, id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_11_error_statuses_come_through_intact() {
    let server = start_opentaxii().await;
    let v = Version::V11;

    let anonymous = Service::new(&server, OpenTaxii::POLL, v, None)
        .ask(poll("collection-a"))
        .await;
    assert_eq!(anonymous.header.in_response_to.as_deref(), Some("0"));
    assert_eq!(status_of(&anonymous).0, StatusType::Unauthorized);

    let missing = Service::new(&server, OpenTaxii::POLL, v, Some(HARNESS_ACCOUNT))
        .ask(poll("no-such-collection"))
        .await;
    assert_eq!(status_of(&missing).0, StatusType::NotFound);

    let read_only = Service::new(&server, OpenTaxii::INBOX, v, Some(READER_ACCOUNT))
        .ask(Body::InboxMessage(InboxMessage {
            destination_collection_names: vec!["collection-a".to_owned()],
            content_blocks: vec![indicator(99)],
            ..InboxMessage::default()
        }))
        .await;
    let (status, message) = status_of(&read_only);
    assert_eq!(status, StatusType::Unauthorized);
    assert!(message.contains("can not write"), "{message}");

    let nowhere = Service::new(&server, OpenTaxii::INBOX, v, Some(HARNESS_ACCOUNT))
        .ask(Body::InboxMessage(InboxMessage {
            content_blocks: vec![indicator(98)],
            ..InboxMessage::default()
        }))
        .await;
    assert_eq!(
        status_of(&nowhere).0,
        StatusType::DestinationCollectionError
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_10_every_service_with_basic() {
    let server = start_opentaxii().await;
    let v = Version::V10;
    let harness = Some(HARNESS_ACCOUNT);

    let discovery = Service::new(&server, OpenTaxii::DISCOVERY, v, harness)
        .ask(Body::DiscoveryRequest)
        .await;
    assert!(
        matches!(discovery.body, Body::DiscoveryResponse(_)),
        "{discovery:?}"
    );
    let management = Service::new(&server, OpenTaxii::COLLECTION_MANAGEMENT, v, harness);
    let feeds = management.ask(Body::CollectionInformationRequest).await;
    let Body::CollectionInformationResponse(feeds) = feeds.body else {
        panic!("{feeds:?}")
    };
    assert!(feeds
        .collections
        .iter()
        .any(|c| c.collection_name == "collection-b"));

    let pushed = Service::new(&server, OpenTaxii::INBOX_B, v, harness)
        .ask(Body::InboxMessage(InboxMessage {
            content_blocks: vec![indicator(1), indicator(2)],
            ..InboxMessage::default()
        }))
        .await;
    assert_eq!(status_of(&pushed).0, StatusType::Success);

    let polled = Service::new(&server, OpenTaxii::POLL, v, harness)
        .ask(Body::PollRequest(PollRequest {
            collection_name: "collection-b".to_owned(),
            exclusive_begin: None,
            inclusive_end: None,
            subscription_id: None,
            poll_parameters: None,
        }))
        .await;
    let Body::PollResponse(polled) = polled.body else {
        panic!("{polled:?}")
    };
    assert_eq!(polled.content_blocks.len(), 2);

    let subscribed = management
        .ask(Body::SubscriptionManagementRequest(
            SubscriptionManagementRequest {
                collection_name: "collection-b".to_owned(),
                action: SubscriptionAction::Subscribe,
                subscription_id: None,
                subscription_parameters: None,
                push_parameters: None,
            },
        ))
        .await;
    assert!(
        matches!(subscribed.body, Body::SubscriptionManagementResponse(_)),
        "{subscribed:?}"
    );

    let anonymous = Service::new(&server, OpenTaxii::POLL, v, None)
        .ask(Body::PollRequest(PollRequest {
            collection_name: "collection-b".to_owned(),
            exclusive_begin: None,
            inclusive_end: None,
            subscription_id: None,
            poll_parameters: None,
        }))
        .await;
    assert_eq!(status_of(&anonymous).0, StatusType::Unauthorized);
}
