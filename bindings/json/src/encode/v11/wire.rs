//! The 1.1 wire structs: one per libtaxii `to_dict()` shape, fields in its key order,
//! borrowing from the model. Conversion from the model is in the parent module.

use super::super::query::{Query11, QueryInfo11};
use super::super::BlocksHere;
use super::{Binding11, Details};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct Empty {}

#[derive(Serialize)]
pub(super) struct Status11<'a> {
    pub(super) status_type: &'a str,
    pub(super) status_detail: Details<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status_detail_order: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
pub(super) struct DiscoveryResponse11<'a> {
    pub(super) service_instances: Vec<ServiceInstance11<'a>>,
}

#[derive(Serialize)]
pub(super) struct ServiceInstance11<'a> {
    pub(super) service_type: &'a str,
    pub(super) services_version: &'a str,
    pub(super) protocol_binding: &'a str,
    pub(super) service_address: &'a str,
    pub(super) message_bindings: &'a [String],
    pub(super) supported_query: Vec<QueryInfo11<'a>>,
    pub(super) inbox_service_accepted_content: Vec<Binding11<'a>>,
    pub(super) available: Option<bool>,
    pub(super) message: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct CollectionInformationResponse11<'a> {
    pub(super) collection_informations: Vec<Collection11<'a>>,
}

#[derive(Serialize)]
pub(super) struct Collection11<'a> {
    pub(super) collection_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) collection_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) available: Option<bool>,
    pub(super) collection_description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) collection_volume: Option<u64>,
    pub(super) supported_contents: Vec<Binding11<'a>>,
    pub(super) push_methods: Vec<PushMethod11<'a>>,
    pub(super) polling_service_instances: Vec<PollInstance11<'a>>,
    pub(super) subscription_methods: Vec<SubscriptionMethod11<'a>>,
    pub(super) receiving_inbox_services: Vec<ReceivingInbox11<'a>>,
}

#[derive(Serialize)]
pub(super) struct PushMethod11<'a> {
    pub(super) push_protocol: &'a str,
    pub(super) push_message_bindings: &'a [String],
}

#[derive(Serialize)]
pub(super) struct PollInstance11<'a> {
    pub(super) poll_protocol: &'a str,
    pub(super) poll_address: &'a str,
    pub(super) poll_message_bindings: &'a [String],
}

#[derive(Serialize)]
pub(super) struct SubscriptionMethod11<'a> {
    pub(super) subscription_protocol: &'a str,
    pub(super) subscription_address: &'a str,
    pub(super) subscription_message_bindings: &'a [String],
}

#[derive(Serialize)]
pub(super) struct ReceivingInbox11<'a> {
    pub(super) inbox_protocol: &'a str,
    pub(super) inbox_address: &'a str,
    pub(super) inbox_message_bindings: &'a [String],
    pub(super) supported_contents: Vec<Binding11<'a>>,
}

#[derive(Serialize)]
pub(super) struct Push11<'a> {
    pub(super) inbox_protocol: &'a str,
    pub(super) inbox_address: &'a str,
    pub(super) delivery_message_binding: &'a str,
}

/// Subscription Parameters (libtaxii `_GenericParameters`).
#[derive(Serialize)]
pub(super) struct Generic11<'a> {
    pub(super) response_type: &'a str,
    pub(super) content_bindings: Vec<Binding11<'a>>,
    pub(super) query: Option<Query11<'a>>,
}

#[derive(Serialize)]
pub(super) struct PollParameters11<'a> {
    pub(super) response_type: &'a str,
    pub(super) content_bindings: Vec<Binding11<'a>>,
    pub(super) query: Option<Query11<'a>>,
    /// libtaxii writes `str(bool).lower()`.
    pub(super) allow_asynch: &'static str,
    pub(super) delivery_parameters: Option<Push11<'a>>,
}

#[derive(Serialize)]
pub(super) struct SubscriptionRequest11<'a> {
    pub(super) collection_name: &'a str,
    pub(super) action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subscription_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subscription_parameters: Option<Generic11<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) push_parameters: Option<Push11<'a>>,
}

#[derive(Serialize)]
pub(super) struct SubscriptionResponse11<'a> {
    pub(super) collection_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<&'a str>,
    pub(super) subscription_instances: Vec<SubscriptionInstance11<'a>>,
}

#[derive(Serialize)]
pub(super) struct SubscriptionInstance11<'a> {
    pub(super) status: &'a str,
    pub(super) subscription_id: &'a str,
    pub(super) subscription_parameters: Option<Generic11<'a>>,
    pub(super) push_parameters: Option<Push11<'a>>,
    pub(super) poll_instances: Vec<PollInstance11<'a>>,
}

#[derive(Serialize)]
pub(super) struct PollRequest11<'a> {
    pub(super) collection_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subscription_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) exclusive_begin_timestamp_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) inclusive_end_timestamp_label: Option<&'a str>,
    pub(super) poll_parameters: Option<PollParameters11<'a>>,
}

#[derive(Serialize, Clone, Copy)]
pub(super) struct RecordCount11 {
    pub(super) record_count: u64,
    pub(super) partial_count: bool,
}

#[derive(Serialize)]
pub(super) struct PollResponse11<'a> {
    pub(super) collection_name: &'a str,
    pub(super) more: bool,
    pub(super) result_id: Option<&'a str>,
    pub(super) result_part_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) record_count: Option<RecordCount11>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subscription_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) exclusive_begin_timestamp_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) inclusive_end_timestamp_label: Option<&'a str>,
    pub(super) content_blocks: BlocksHere,
}

#[derive(Serialize)]
pub(super) struct InboxMessage11<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) result_id: Option<&'a str>,
    pub(super) destination_collection_names: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subscription_information: Option<SubscriptionInformation11<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) record_count: Option<RecordCount11>,
    pub(super) content_blocks: BlocksHere,
}

#[derive(Serialize)]
pub(super) struct SubscriptionInformation11<'a> {
    pub(super) collection_name: &'a str,
    pub(super) subscription_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) exclusive_begin_timestamp_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) inclusive_end_timestamp_label: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct PollFulfillment11<'a> {
    pub(super) collection_name: &'a str,
    pub(super) result_id: &'a str,
    pub(super) result_part_number: u64,
}
