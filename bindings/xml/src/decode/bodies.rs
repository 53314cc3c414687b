//! One reader per message body, for both versions.

use super::Cx;
use crate::tree::Node;
use taxii_core::*;

const HEADER: [&str; 2] = ["Extended_Headers", "Signature"];

impl Cx<'_> {
    /// Refuses children other than the header elements and `body`.
    fn body_only(&self, root: &Node, body: &[&str]) -> Result<(), super::DecodeError> {
        let allowed: Vec<&str> = HEADER.iter().chain(body).copied().collect();
        self.only(root, &allowed)
    }

    /// The collection (1.0: feed) name attribute.
    fn collection_attr(&self, node: &Node) -> Result<String, DecodeError> {
        self.attr(
            node,
            if self.version == Version::V10 {
                "feed_name"
            } else {
                "collection_name"
            },
        )
    }

    pub(super) fn body(&self, root: &Node, message_type: MessageType) -> Result<Body, DecodeError> {
        let v11 = self.version == Version::V11;
        Ok(match message_type {
            MessageType::StatusMessage => {
                self.body_only(root, &["Status_Detail", "Message"])?;
                Body::StatusMessage(self.status(root)?)
            }
            MessageType::DiscoveryRequest => {
                self.body_only(root, &[])?;
                Body::DiscoveryRequest
            }
            MessageType::CollectionInformationRequest => {
                self.body_only(root, &[])?;
                Body::CollectionInformationRequest
            }
            MessageType::DiscoveryResponse => {
                self.body_only(root, &["Service_Instance"])?;
                let service_instances = self
                    .all(root, "Service_Instance")
                    .map(|s| self.service_instance(s))
                    .collect::<Result<_, _>>()?;
                Body::DiscoveryResponse(DiscoveryResponse { service_instances })
            }
            MessageType::CollectionInformationResponse => {
                let item = if v11 { "Collection" } else { "Feed" };
                self.body_only(root, &[item])?;
                let collections = self
                    .all(root, item)
                    .map(|c| self.collection(c))
                    .collect::<Result<_, _>>()?;
                Body::CollectionInformationResponse(CollectionInformationResponse { collections })
            }
            MessageType::SubscriptionManagementRequest => {
                Body::SubscriptionManagementRequest(self.subscription_request(root)?)
            }
            MessageType::SubscriptionManagementResponse => {
                self.body_only(root, &["Message", "Subscription"])?;
                let subscriptions = self
                    .all(root, "Subscription")
                    .map(|s| self.subscription_instance(s))
                    .collect::<Result<_, _>>()?;
                Body::SubscriptionManagementResponse(SubscriptionManagementResponse {
                    collection_name: self.collection_attr(root)?,
                    message: self.message(root)?,
                    subscriptions,
                })
            }
            MessageType::PollRequest => Body::PollRequest(self.poll_request(root)?),
            MessageType::PollResponse => Body::PollResponse(self.poll_response(root)?),
            MessageType::InboxMessage => Body::InboxMessage(self.inbox(root)?),
            MessageType::PollFulfillmentRequest => {
                self.body_only(root, &[])?;
                let part = self.uint_attr(root, "result_part_number")?.ok_or_else(|| {
                    self.err(root, "missing required attribute result_part_number")
                })?;
                Body::PollFulfillmentRequest(PollFulfillmentRequest {
                    collection_name: self.collection_attr(root)?,
                    result_id: self.attr(root, "result_id")?,
                    result_part_number: part,
                })
            }
        })
    }

    fn status(&self, root: &Node) -> Result<StatusMessage, DecodeError> {
        let status_type = StatusType::parse(&self.attr(root, "status_type")?);
        let details = match (self.opt(root, "Status_Detail")?, self.version) {
            (None, _) => StatusDetails::None,
            (Some(d), Version::V10) => StatusDetails::Text(d.text.clone()),
            (Some(d), Version::V11) => {
                self.only(d, &["Detail"])?;
                let mut pairs = Vec::new();
                for detail in self.all(d, "Detail") {
                    let value = detail
                        .captured
                        .as_ref()
                        .and_then(|p| p.as_str())
                        .unwrap_or_default()
                        .to_owned();
                    pairs.push(StatusDetail {
                        name: self.attr(detail, "name")?,
                        value,
                    });
                }
                StatusDetails::Pairs(pairs)
            }
        };
        Ok(StatusMessage {
            status_type,
            details,
            message: self.message(root)?,
        })
    }

    fn service_instance(&self, s: &Node) -> Result<ServiceInstance, DecodeError> {
        let v11 = self.version == Version::V11;
        let allowed: &[&str] = if v11 {
            &[
                "Protocol_Binding",
                "Address",
                "Message_Binding",
                "Supported_Query",
                "Content_Binding",
                "Message",
            ]
        } else {
            &[
                "Protocol_Binding",
                "Address",
                "Message_Binding",
                "Content_Binding",
                "Message",
            ]
        };
        self.only(s, allowed)?;
        let raw_type = self.attr(s, "service_type")?;
        let service_type = ServiceType::parse(&raw_type, self.version).ok_or_else(|| {
            self.err(
                s,
                format!("{raw_type:?} is not a {} service type", self.version),
            )
        })?;
        let endpoint = self.endpoint(s)?;
        Ok(ServiceInstance {
            service_type,
            services_version: self.attr(s, "service_version")?,
            protocol_binding: endpoint.protocol_binding,
            address: endpoint.address,
            message_bindings: endpoint.message_bindings,
            supported_queries: self
                .all(s, "Supported_Query")
                .map(|q| self.query_info(q))
                .collect::<Result<_, _>>()?,
            inbox_accepted_content: self.content_bindings(s, "Content_Binding")?,
            available: self.bool_attr(s, "available")?,
            message: self.message(s)?,
        })
    }

    fn collection(&self, c: &Node) -> Result<CollectionInformation, DecodeError> {
        let v11 = self.version == Version::V11;
        let allowed: &[&str] = if v11 {
            &[
                "Description",
                "Collection_Volume",
                "Content_Binding",
                "Push_Method",
                "Polling_Service",
                "Subscription_Service",
                "Receiving_Inbox_Service",
            ]
        } else {
            &[
                "Description",
                "Content_Binding",
                "Push_Method",
                "Polling_Service",
                "Subscription_Service",
            ]
        };
        self.only(c, allowed)?;
        let collection_type = match c.attr("collection_type").map(str::trim) {
            None => None,
            Some(t) => Some(
                CollectionType::parse(t)
                    .ok_or_else(|| self.err(c, format!("{t:?} is not a collection type")))?,
            ),
        };
        let push_methods = self
            .all(c, "Push_Method")
            .map(|p| {
                let mb = self.texts(p, "Message_Binding");
                if mb.is_empty() {
                    return Err(self.err(p, "missing required element Message_Binding"));
                }
                Ok(PushMethod {
                    protocol_binding: self.text(p, "Protocol_Binding")?,
                    message_bindings: mb,
                })
            })
            .collect::<Result<_, _>>()?;
        let receiving_inbox_services = self
            .all(c, "Receiving_Inbox_Service")
            .map(|r| {
                Ok(ReceivingInboxService {
                    endpoint: self.endpoint(r)?,
                    supported_contents: self.content_bindings(r, "Content_Binding")?,
                })
            })
            .collect::<Result<_, DecodeError>>()?;
        Ok(CollectionInformation {
            collection_name: self.collection_attr(c)?,
            collection_type,
            available: self.bool_attr(c, "available")?,
            description: self.req(c, "Description")?.text.clone(),
            collection_volume: self
                .opt(c, "Collection_Volume")?
                .map(|n| self.uint(n, &n.text, "Collection_Volume"))
                .transpose()?,
            supported_contents: self.content_bindings(c, "Content_Binding")?,
            push_methods,
            polling_services: self
                .all(c, "Polling_Service")
                .map(|p| self.endpoint(p))
                .collect::<Result<_, _>>()?,
            subscription_services: self
                .all(c, "Subscription_Service")
                .map(|p| self.endpoint(p))
                .collect::<Result<_, _>>()?,
            receiving_inbox_services,
        })
    }

    fn push_parameters(
        &self,
        node: &Node,
        local: &'static str,
    ) -> Result<Option<PushParameters>, DecodeError> {
        let Some(p) = self.opt(node, local)? else {
            return Ok(None);
        };
        let v10 = self.version == Version::V10;
        self.only(
            p,
            if v10 {
                &[
                    "Protocol_Binding",
                    "Address",
                    "Message_Binding",
                    "Content_Binding",
                ]
            } else {
                &["Protocol_Binding", "Address", "Message_Binding"]
            },
        )?;
        Ok(Some(PushParameters {
            protocol_binding: self.text(p, "Protocol_Binding")?,
            address: self.text(p, "Address")?,
            message_binding: self.text(p, "Message_Binding")?,
            content_bindings: self.content_bindings(p, "Content_Binding")?,
        }))
    }

    fn response_type(&self, node: &Node) -> Result<ResponseType, DecodeError> {
        match self.opt(node, "Response_Type")? {
            None => Ok(ResponseType::Full),
            Some(n) => ResponseType::parse(n.text.trim()).ok_or_else(|| {
                self.err(n, format!("{:?} is not FULL or COUNT_ONLY", n.text.trim()))
            }),
        }
    }

    fn subscription_parameters(
        &self,
        node: &Node,
    ) -> Result<Option<SubscriptionParameters>, DecodeError> {
        let Some(p) = self.opt(node, "Subscription_Parameters")? else {
            return Ok(None);
        };
        self.only(p, &["Response_Type", "Content_Binding", "Query"])?;
        Ok(Some(SubscriptionParameters {
            response_type: self.response_type(p)?,
            content_bindings: self.content_bindings(p, "Content_Binding")?,
            query: self.opt(p, "Query")?.map(|q| self.query(q)).transpose()?,
        }))
    }

    fn action(&self, root: &Node) -> Result<SubscriptionAction, DecodeError> {
        let raw = self.attr(root, "action")?;
        match SubscriptionAction::parse(&raw) {
            Some(SubscriptionAction::Pause | SubscriptionAction::Resume)
                if self.version == Version::V10 =>
            {
                Err(self.err(
                    root,
                    format!("{raw} is not a TAXII 1.0 subscription action"),
                ))
            }
            Some(a) => Ok(a),
            None => Err(self.err(root, format!("{raw:?} is not a subscription action"))),
        }
    }

    fn subscription_request(
        &self,
        root: &Node,
    ) -> Result<SubscriptionManagementRequest, DecodeError> {
        let (subscription_id, subscription_parameters) = match self.version {
            Version::V10 => {
                self.body_only(root, &["Push_Parameters"])?;
                (self.opt_attr(root, "subscription_id"), None)
            }
            Version::V11 => {
                self.body_only(
                    root,
                    &[
                        "Subscription_ID",
                        "Subscription_Parameters",
                        "Push_Parameters",
                    ],
                )?;
                (
                    self.opt_text(root, "Subscription_ID")?,
                    self.subscription_parameters(root)?,
                )
            }
        };
        Ok(SubscriptionManagementRequest {
            collection_name: self.collection_attr(root)?,
            action: self.action(root)?,
            subscription_id,
            subscription_parameters,
            push_parameters: self.push_parameters(root, "Push_Parameters")?,
        })
    }

    fn subscription_instance(&self, s: &Node) -> Result<SubscriptionInstance, DecodeError> {
        let (subscription_id, status, subscription_parameters) = match self.version {
            Version::V10 => {
                self.only(s, &["Push_Parameters", "Poll_Instance"])?;
                (
                    self.attr(s, "subscription_id")?,
                    SubscriptionStatus::Active,
                    None,
                )
            }
            Version::V11 => {
                self.only(
                    s,
                    &[
                        "Subscription_ID",
                        "Subscription_Parameters",
                        "Push_Parameters",
                        "Poll_Instance",
                    ],
                )?;
                let status = match s.attr("status").map(str::trim) {
                    None => SubscriptionStatus::Active,
                    Some(t) => SubscriptionStatus::parse(t).ok_or_else(|| {
                        self.err(s, format!("{t:?} is not a subscription status"))
                    })?,
                };
                (
                    self.text(s, "Subscription_ID")?,
                    status,
                    self.subscription_parameters(s)?,
                )
            }
        };
        Ok(SubscriptionInstance {
            subscription_id,
            status,
            subscription_parameters,
            push_parameters: self.push_parameters(s, "Push_Parameters")?,
            poll_instances: self
                .all(s, "Poll_Instance")
                .map(|p| self.endpoint(p))
                .collect::<Result<_, _>>()?,
        })
    }

    fn poll_request(&self, root: &Node) -> Result<PollRequest, DecodeError> {
        let (subscription_id, poll_parameters) = match self.version {
            Version::V10 => {
                self.body_only(
                    root,
                    &[
                        "Exclusive_Begin_Timestamp",
                        "Inclusive_End_Timestamp",
                        "Content_Binding",
                    ],
                )?;
                let bindings = self.content_bindings(root, "Content_Binding")?;
                let params = (!bindings.is_empty()).then(|| PollParameters {
                    content_bindings: bindings,
                    ..Default::default()
                });
                (self.opt_attr(root, "subscription_id"), params)
            }
            Version::V11 => {
                self.body_only(
                    root,
                    &[
                        "Exclusive_Begin_Timestamp",
                        "Inclusive_End_Timestamp",
                        "Subscription_ID",
                        "Poll_Parameters",
                    ],
                )?;
                let sid = self.opt_text(root, "Subscription_ID")?;
                let params = match self.opt(root, "Poll_Parameters")? {
                    None => None,
                    Some(p) => {
                        self.only(
                            p,
                            &[
                                "Response_Type",
                                "Content_Binding",
                                "Query",
                                "Delivery_Parameters",
                            ],
                        )?;
                        Some(PollParameters {
                            allow_asynch: self.bool_attr(p, "allow_asynch")?.unwrap_or(false),
                            response_type: self.response_type(p)?,
                            content_bindings: self.content_bindings(p, "Content_Binding")?,
                            query: self.opt(p, "Query")?.map(|q| self.query(q)).transpose()?,
                            delivery_parameters: self.push_parameters(p, "Delivery_Parameters")?,
                        })
                    }
                };
                if sid.is_some() == params.is_some() {
                    return Err(self.err(root, "a TAXII 1.1 Poll_Request needs exactly one of Subscription_ID and Poll_Parameters"));
                }
                (sid, params)
            }
        };
        Ok(PollRequest {
            collection_name: self.collection_attr(root)?,
            exclusive_begin: self.timestamp(root, "Exclusive_Begin_Timestamp")?,
            inclusive_end: self.timestamp(root, "Inclusive_End_Timestamp")?,
            subscription_id,
            poll_parameters,
        })
    }

    fn poll_response(&self, root: &Node) -> Result<PollResponse, DecodeError> {
        match self.version {
            Version::V10 => {
                self.body_only(
                    root,
                    &[
                        "Message",
                        "Inclusive_Begin_Timestamp",
                        "Inclusive_End_Timestamp",
                        "Content_Block",
                    ],
                )?;
                Ok(PollResponse {
                    collection_name: self.collection_attr(root)?,
                    subscription_id: self.opt_attr(root, "subscription_id"),
                    exclusive_begin: None,
                    inclusive_begin: self.timestamp(root, "Inclusive_Begin_Timestamp")?,
                    inclusive_end: Some(
                        self.timestamp(root, "Inclusive_End_Timestamp")?
                            .ok_or_else(|| {
                                self.err(root, "missing required element Inclusive_End_Timestamp")
                            })?,
                    ),
                    more: false,
                    result_id: None,
                    result_part_number: None,
                    record_count: None,
                    message: self.message(root)?,
                    content_blocks: self.content_blocks(root)?,
                })
            }
            Version::V11 => {
                self.body_only(
                    root,
                    &[
                        "Subscription_ID",
                        "Exclusive_Begin_Timestamp",
                        "Inclusive_End_Timestamp",
                        "Record_Count",
                        "Message",
                        "Content_Block",
                    ],
                )?;
                Ok(PollResponse {
                    collection_name: self.collection_attr(root)?,
                    subscription_id: self.opt_text(root, "Subscription_ID")?,
                    exclusive_begin: self.timestamp(root, "Exclusive_Begin_Timestamp")?,
                    inclusive_begin: None,
                    inclusive_end: self.timestamp(root, "Inclusive_End_Timestamp")?,
                    more: self.bool_attr(root, "more")?.unwrap_or(false),
                    result_id: self.opt_attr(root, "result_id"),
                    result_part_number: self.uint_attr(root, "result_part_number")?,
                    record_count: self.record_count(root)?,
                    message: self.message(root)?,
                    content_blocks: self.content_blocks(root)?,
                })
            }
        }
    }

    fn inbox(&self, root: &Node) -> Result<InboxMessage, DecodeError> {
        let v11 = self.version == Version::V11;
        if v11 {
            self.body_only(
                root,
                &[
                    "Destination_Collection_Name",
                    "Message",
                    "Source_Subscription",
                    "Record_Count",
                    "Content_Block",
                ],
            )?;
        } else {
            self.body_only(root, &["Message", "Source_Subscription", "Content_Block"])?;
        }
        let subscription_information = match self.opt(root, "Source_Subscription")? {
            None => None,
            Some(s) if v11 => {
                self.only(
                    s,
                    &[
                        "Subscription_ID",
                        "Exclusive_Begin_Timestamp",
                        "Inclusive_End_Timestamp",
                    ],
                )?;
                Some(SubscriptionInformation {
                    collection_name: self.collection_attr(s)?,
                    subscription_id: self.text(s, "Subscription_ID")?,
                    exclusive_begin: self.timestamp(s, "Exclusive_Begin_Timestamp")?,
                    inclusive_begin: None,
                    inclusive_end: self.timestamp(s, "Inclusive_End_Timestamp")?,
                })
            }
            Some(s) => {
                self.only(s, &["Inclusive_Begin_Timestamp", "Inclusive_End_Timestamp"])?;
                Some(SubscriptionInformation {
                    collection_name: self.collection_attr(s)?,
                    subscription_id: self.attr(s, "subscription_id")?,
                    exclusive_begin: None,
                    inclusive_begin: self.timestamp(s, "Inclusive_Begin_Timestamp")?,
                    inclusive_end: Some(self.timestamp(s, "Inclusive_End_Timestamp")?.ok_or_else(
                        || self.err(s, "missing required element Inclusive_End_Timestamp"),
                    )?),
                })
            }
        };
        Ok(InboxMessage {
            message: self.message(root)?,
            destination_collection_names: self.texts(root, "Destination_Collection_Name"),
            result_id: if v11 {
                self.opt_attr(root, "result_id")
            } else {
                None
            },
            subscription_information,
            record_count: self.record_count(root)?,
            content_blocks: self.content_blocks(root)?,
        })
    }
}
