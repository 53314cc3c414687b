//! The binding-neutral TAXII message: a header common to every message type and one body
//! per message type.
//!
//! The model is the TAXII 1.1 data model (the superset) plus the few 1.0 fields 1.1 has no
//! place for, each marked "1.0 only". A message carries the [`Version`] it belongs to;
//! fields of the other version stay empty, and [`crate::convert`] is the one place that
//! moves a message from one version to the other. 1.0 feed names live in the collection
//! name fields; `FEED_MANAGEMENT` is [`ServiceType::CollectionManagement`].

use crate::{
    ContentBinding, ContentBlock, Payload, Query, QueryInfo, Signature, StatusDetails, StatusType,
    Timestamp, Version,
};

/// One TAXII message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    pub version: Version,
    pub header: Header,
    pub body: Body,
}

impl Message {
    pub fn new(version: Version, message_id: impl Into<String>, body: Body) -> Message {
        Message {
            version,
            header: Header::new(message_id),
            body,
        }
    }

    /// The message type of the body.
    pub fn message_type(&self) -> MessageType {
        self.body.message_type()
    }

    /// A Status Message answering `in_response_to`.
    pub fn status(
        version: Version,
        message_id: impl Into<String>,
        in_response_to: impl Into<String>,
        status: StatusMessage,
    ) -> Message {
        let mut header = Header::new(message_id);
        header.in_response_to = Some(in_response_to.into());
        Message {
            version,
            header,
            body: Body::StatusMessage(status),
        }
    }
}

/// The fields every message has (Services 1.1 Table 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// 1.0: digits only. 1.1: any URI.
    pub message_id: String,
    /// Present on every response, absent on requests.
    pub in_response_to: Option<String>,
    pub extended_headers: Vec<ExtendedHeader>,
    /// Message-scoped signature.
    pub signature: Option<Signature>,
}

impl Header {
    pub fn new(message_id: impl Into<String>) -> Header {
        Header {
            message_id: message_id.into(),
            in_response_to: None,
            extended_headers: Vec::new(),
            signature: None,
        }
    }
}

/// An Extended Header: a URI name and a value that may be text or XML.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedHeader {
    pub name: String,
    pub value: Payload,
}

/// The message types of TAXII 1.0 (10) and 1.1 (11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    StatusMessage,
    DiscoveryRequest,
    DiscoveryResponse,
    /// 1.0: Feed Information Request.
    CollectionInformationRequest,
    /// 1.0: Feed Information Response.
    CollectionInformationResponse,
    SubscriptionManagementRequest,
    SubscriptionManagementResponse,
    PollRequest,
    PollResponse,
    InboxMessage,
    /// 1.1 only.
    PollFulfillmentRequest,
}

impl MessageType {
    pub const ALL: [MessageType; 11] = [
        MessageType::StatusMessage,
        MessageType::DiscoveryRequest,
        MessageType::DiscoveryResponse,
        MessageType::CollectionInformationRequest,
        MessageType::CollectionInformationResponse,
        MessageType::SubscriptionManagementRequest,
        MessageType::SubscriptionManagementResponse,
        MessageType::PollRequest,
        MessageType::PollResponse,
        MessageType::InboxMessage,
        MessageType::PollFulfillmentRequest,
    ];

    /// The root element name in the XML binding of `version` (also libtaxii's JSON
    /// `message_type`).
    pub fn element_name(self, version: Version) -> &'static str {
        match (self, version) {
            (MessageType::StatusMessage, _) => "Status_Message",
            (MessageType::DiscoveryRequest, _) => "Discovery_Request",
            (MessageType::DiscoveryResponse, _) => "Discovery_Response",
            (MessageType::CollectionInformationRequest, Version::V10) => "Feed_Information_Request",
            (MessageType::CollectionInformationRequest, Version::V11) => {
                "Collection_Information_Request"
            }
            (MessageType::CollectionInformationResponse, Version::V10) => {
                "Feed_Information_Response"
            }
            (MessageType::CollectionInformationResponse, Version::V11) => {
                "Collection_Information_Response"
            }
            (MessageType::SubscriptionManagementRequest, _) => "Subscription_Management_Request",
            (MessageType::SubscriptionManagementResponse, _) => "Subscription_Management_Response",
            (MessageType::PollRequest, _) => "Poll_Request",
            (MessageType::PollResponse, _) => "Poll_Response",
            (MessageType::InboxMessage, _) => "Inbox_Message",
            (MessageType::PollFulfillmentRequest, _) => "Poll_Fulfillment",
        }
    }

    /// The message type whose element name in `version` is `name`.
    pub fn from_element_name(name: &str, version: Version) -> Option<MessageType> {
        MessageType::ALL
            .into_iter()
            .find(|t| t.exists_in(version) && t.element_name(version) == name)
    }

    /// Whether `version` defines this message type.
    pub fn exists_in(self, version: Version) -> bool {
        !(self == MessageType::PollFulfillmentRequest && version == Version::V10)
    }

    /// Whether this is a request (sent to a service) rather than a response.
    pub fn is_request(self) -> bool {
        matches!(
            self,
            MessageType::DiscoveryRequest
                | MessageType::CollectionInformationRequest
                | MessageType::SubscriptionManagementRequest
                | MessageType::PollRequest
                | MessageType::InboxMessage
                | MessageType::PollFulfillmentRequest
        )
    }

    /// The service a request is meant for.
    pub fn service(self) -> Option<ServiceType> {
        match self {
            MessageType::DiscoveryRequest => Some(ServiceType::Discovery),
            MessageType::CollectionInformationRequest
            | MessageType::SubscriptionManagementRequest => Some(ServiceType::CollectionManagement),
            MessageType::PollRequest | MessageType::PollFulfillmentRequest => {
                Some(ServiceType::Poll)
            }
            MessageType::InboxMessage => Some(ServiceType::Inbox),
            _ => None,
        }
    }
}

impl std::fmt::Display for MessageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.element_name(Version::V11))
    }
}

/// The body of a message, one variant per message type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Body {
    StatusMessage(StatusMessage),
    DiscoveryRequest,
    DiscoveryResponse(DiscoveryResponse),
    CollectionInformationRequest,
    CollectionInformationResponse(CollectionInformationResponse),
    SubscriptionManagementRequest(SubscriptionManagementRequest),
    SubscriptionManagementResponse(SubscriptionManagementResponse),
    PollRequest(PollRequest),
    PollResponse(PollResponse),
    InboxMessage(InboxMessage),
    PollFulfillmentRequest(PollFulfillmentRequest),
}

impl Body {
    pub fn message_type(&self) -> MessageType {
        match self {
            Body::StatusMessage(_) => MessageType::StatusMessage,
            Body::DiscoveryRequest => MessageType::DiscoveryRequest,
            Body::DiscoveryResponse(_) => MessageType::DiscoveryResponse,
            Body::CollectionInformationRequest => MessageType::CollectionInformationRequest,
            Body::CollectionInformationResponse(_) => MessageType::CollectionInformationResponse,
            Body::SubscriptionManagementRequest(_) => MessageType::SubscriptionManagementRequest,
            Body::SubscriptionManagementResponse(_) => MessageType::SubscriptionManagementResponse,
            Body::PollRequest(_) => MessageType::PollRequest,
            Body::PollResponse(_) => MessageType::PollResponse,
            Body::InboxMessage(_) => MessageType::InboxMessage,
            Body::PollFulfillmentRequest(_) => MessageType::PollFulfillmentRequest,
        }
    }
}

/// Status Message (Services 1.1 §4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusMessage {
    pub status_type: StatusType,
    pub details: StatusDetails,
    pub message: Option<String>,
}

impl StatusMessage {
    pub fn new(status_type: StatusType, message: impl Into<String>) -> StatusMessage {
        StatusMessage {
            status_type,
            details: StatusDetails::None,
            message: Some(message.into()),
        }
    }
}

/// The four TAXII services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceType {
    Discovery,
    /// 1.0: Feed Management (`FEED_MANAGEMENT`).
    CollectionManagement,
    Inbox,
    Poll,
}

impl ServiceType {
    pub const ALL: [ServiceType; 4] = [
        ServiceType::Discovery,
        ServiceType::CollectionManagement,
        ServiceType::Inbox,
        ServiceType::Poll,
    ];

    /// The `@service_type` value in `version`.
    pub fn as_str(self, version: Version) -> &'static str {
        match (self, version) {
            (ServiceType::Discovery, _) => "DISCOVERY",
            (ServiceType::CollectionManagement, Version::V10) => "FEED_MANAGEMENT",
            (ServiceType::CollectionManagement, Version::V11) => "COLLECTION_MANAGEMENT",
            (ServiceType::Inbox, _) => "INBOX",
            (ServiceType::Poll, _) => "POLL",
        }
    }

    pub fn parse(s: &str, version: Version) -> Option<ServiceType> {
        ServiceType::ALL
            .into_iter()
            .find(|t| t.as_str(version) == s)
    }
}

/// A protocol binding, an address and the message bindings spoken there: a Polling Service,
/// Subscription Service or Poll Instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceEndpoint {
    pub protocol_binding: String,
    pub address: String,
    pub message_bindings: Vec<String>,
}

/// Discovery Response (Services 1.1 Table 4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DiscoveryResponse {
    pub service_instances: Vec<ServiceInstance>,
}

/// One service instance in a Discovery Response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceInstance {
    pub service_type: ServiceType,
    /// A Services Version ID (may differ from the message's own version).
    pub services_version: String,
    pub protocol_binding: String,
    pub address: String,
    pub message_bindings: Vec<String>,
    /// 1.1 only; Collection Management and Poll services only.
    pub supported_queries: Vec<QueryInfo>,
    /// Inbox services only; empty = accepts all.
    pub inbox_accepted_content: Vec<ContentBinding>,
    pub available: Option<bool>,
    pub message: Option<String>,
}

/// Collection Information Response / 1.0 Feed Information Response (Table 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CollectionInformationResponse {
    pub collections: Vec<CollectionInformation>,
}

/// Data Feed (ordered, labelled) or Data Set (1.1 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CollectionType {
    #[default]
    DataFeed,
    DataSet,
}

impl CollectionType {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionType::DataFeed => "DATA_FEED",
            CollectionType::DataSet => "DATA_SET",
        }
    }

    pub fn parse(s: &str) -> Option<CollectionType> {
        match s {
            "DATA_FEED" => Some(CollectionType::DataFeed),
            "DATA_SET" => Some(CollectionType::DataSet),
            _ => None,
        }
    }
}

/// One collection (1.0: feed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CollectionInformation {
    pub collection_name: String,
    /// 1.1 only; absent means Data Feed.
    pub collection_type: Option<CollectionType>,
    pub available: Option<bool>,
    pub description: String,
    /// 1.1 only: typical records per day.
    pub collection_volume: Option<u64>,
    /// Empty = any (1.1); 1.0 requires at least one.
    pub supported_contents: Vec<ContentBinding>,
    pub push_methods: Vec<PushMethod>,
    pub polling_services: Vec<ServiceEndpoint>,
    pub subscription_services: Vec<ServiceEndpoint>,
    /// 1.1 only.
    pub receiving_inbox_services: Vec<ReceivingInboxService>,
}

/// A Push Method: how a collection's producer can push.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PushMethod {
    pub protocol_binding: String,
    pub message_bindings: Vec<String>,
}

/// A Receiving Inbox Service of a collection (1.1 only).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReceivingInboxService {
    pub endpoint: ServiceEndpoint,
    /// Empty = accepts all.
    pub supported_contents: Vec<ContentBinding>,
}

/// Subscription management actions (PAUSE and RESUME are 1.1 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionAction {
    Subscribe,
    Unsubscribe,
    Pause,
    Resume,
    Status,
}

impl SubscriptionAction {
    pub const ALL: [SubscriptionAction; 5] = [
        SubscriptionAction::Subscribe,
        SubscriptionAction::Unsubscribe,
        SubscriptionAction::Pause,
        SubscriptionAction::Resume,
        SubscriptionAction::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionAction::Subscribe => "SUBSCRIBE",
            SubscriptionAction::Unsubscribe => "UNSUBSCRIBE",
            SubscriptionAction::Pause => "PAUSE",
            SubscriptionAction::Resume => "RESUME",
            SubscriptionAction::Status => "STATUS",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionAction> {
        SubscriptionAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// FULL content or COUNT_ONLY (1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseType {
    #[default]
    Full,
    CountOnly,
}

impl ResponseType {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::Full => "FULL",
            ResponseType::CountOnly => "COUNT_ONLY",
        }
    }

    pub fn parse(s: &str) -> Option<ResponseType> {
        match s {
            "FULL" => Some(ResponseType::Full),
            "COUNT_ONLY" => Some(ResponseType::CountOnly),
            _ => None,
        }
    }
}

/// Subscription Parameters (1.1 only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionParameters {
    pub response_type: ResponseType,
    /// Empty = all.
    pub content_bindings: Vec<ContentBinding>,
    pub query: Option<Query>,
}

/// Push (1.1: Delivery) Parameters: where the producer is to push content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PushParameters {
    pub protocol_binding: String,
    pub address: String,
    pub message_binding: String,
    /// 1.0 only (1.1 moved them into [`SubscriptionParameters`]).
    pub content_bindings: Vec<ContentBinding>,
}

/// Manage Collection (1.0: Feed) Subscription Request (Table 6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubscriptionManagementRequest {
    pub collection_name: String,
    pub action: SubscriptionAction,
    pub subscription_id: Option<String>,
    /// 1.1: required with SUBSCRIBE, absent otherwise.
    pub subscription_parameters: Option<SubscriptionParameters>,
    pub push_parameters: Option<PushParameters>,
}

/// The state of a subscription (1.1 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SubscriptionStatus {
    #[default]
    Active,
    Paused,
    Unsubscribed,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "ACTIVE",
            SubscriptionStatus::Paused => "PAUSED",
            SubscriptionStatus::Unsubscribed => "UNSUBSCRIBED",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionStatus> {
        match s {
            "ACTIVE" => Some(SubscriptionStatus::Active),
            "PAUSED" => Some(SubscriptionStatus::Paused),
            "UNSUBSCRIBED" => Some(SubscriptionStatus::Unsubscribed),
            _ => None,
        }
    }
}

/// Manage Collection (1.0: Feed) Subscription Response (Table 7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubscriptionManagementResponse {
    pub collection_name: String,
    pub message: Option<String>,
    pub subscriptions: Vec<SubscriptionInstance>,
}

/// One subscription in a Subscription Management Response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubscriptionInstance {
    pub subscription_id: String,
    /// 1.1 only.
    pub status: SubscriptionStatus,
    /// 1.1 only.
    pub subscription_parameters: Option<SubscriptionParameters>,
    pub push_parameters: Option<PushParameters>,
    pub poll_instances: Vec<ServiceEndpoint>,
}

/// Poll Request (Table 8).
///
/// 1.1 has exactly one of `subscription_id` and `poll_parameters`. A 1.0 request may carry
/// both: its content bindings are kept in `poll_parameters.content_bindings` (the other
/// poll parameters stay at their defaults, which is all 1.0 can say).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PollRequest {
    pub collection_name: String,
    pub exclusive_begin: Option<Timestamp>,
    pub inclusive_end: Option<Timestamp>,
    pub subscription_id: Option<String>,
    pub poll_parameters: Option<PollParameters>,
}

/// Poll Parameters (1.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PollParameters {
    pub allow_asynch: bool,
    pub response_type: ResponseType,
    /// Empty = any.
    pub content_bindings: Vec<ContentBinding>,
    pub query: Option<Query>,
    /// Async push target (meaningful only with `allow_asynch`).
    pub delivery_parameters: Option<PushParameters>,
}

/// Record Count (1.1): how many records a result holds; `partial` = a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordCount {
    pub count: u64,
    pub partial: bool,
}

/// Poll Response (Table 9).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PollResponse {
    pub collection_name: String,
    pub subscription_id: Option<String>,
    /// 1.1 only.
    pub exclusive_begin: Option<Timestamp>,
    /// 1.0 only.
    pub inclusive_begin: Option<Timestamp>,
    /// Required in 1.0 and for 1.1 Data Feeds.
    pub inclusive_end: Option<Timestamp>,
    /// 1.1 only: more parts follow.
    pub more: bool,
    /// 1.1 only: required when `more`.
    pub result_id: Option<String>,
    /// 1.1 only; absent means part 1.
    pub result_part_number: Option<u64>,
    /// 1.1 only.
    pub record_count: Option<RecordCount>,
    pub message: Option<String>,
    pub content_blocks: Vec<ContentBlock>,
}

/// Inbox Message (Table 10).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct InboxMessage {
    pub message: Option<String>,
    /// 1.1 only.
    pub destination_collection_names: Vec<String>,
    /// 1.1 only: set when pushing an asynchronous poll's results.
    pub result_id: Option<String>,
    /// Present only when fulfilling a subscription.
    pub subscription_information: Option<SubscriptionInformation>,
    /// 1.1 only.
    pub record_count: Option<RecordCount>,
    pub content_blocks: Vec<ContentBlock>,
}

/// The subscription an Inbox Message fulfils (`Source_Subscription`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubscriptionInformation {
    pub collection_name: String,
    pub subscription_id: String,
    /// 1.1 only.
    pub exclusive_begin: Option<Timestamp>,
    /// 1.0 only.
    pub inclusive_begin: Option<Timestamp>,
    /// Required in 1.0 and for 1.1 Data Feeds.
    pub inclusive_end: Option<Timestamp>,
}

/// Poll Fulfillment Request (1.1 only): fetch one part of a multi-part result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PollFulfillmentRequest {
    pub collection_name: String,
    pub result_id: String,
    pub result_part_number: u64,
}
