//! One writer per message body, for both versions, in XSD order.

use super::Writer;
use taxii_core::*;

impl Writer {
    /// Fails when a field of the other version is set: `convert` first.
    fn only_in_11(&self, set: bool, what: &str) -> Result<(), Error> {
        if set && !self.v11() {
            return Err(self.invalid(format!(
                "{what} does not exist in TAXII 1.0 (convert the message first)"
            )));
        }
        Ok(())
    }

    fn only_in_10(&self, set: bool, what: &str) -> Result<(), Error> {
        if set && self.v11() {
            return Err(self.invalid(format!(
                "{what} does not exist in TAXII 1.1 (convert the message first)"
            )));
        }
        Ok(())
    }

    pub(super) fn root_attrs(&mut self, body: &Body) -> Result<(), Error> {
        match body {
            Body::StatusMessage(s) => self.attr("status_type", s.status_type.as_str()),
            Body::SubscriptionManagementRequest(r) => {
                self.only_in_11(
                    matches!(
                        r.action,
                        SubscriptionAction::Pause | SubscriptionAction::Resume
                    ),
                    "the PAUSE and RESUME actions",
                )?;
                self.attr("action", r.action.as_str())?;
                self.collection_attr(&r.collection_name)?;
                if !self.v11() {
                    self.opt_attr("subscription_id", r.subscription_id.as_deref())?;
                }
                Ok(())
            }
            Body::SubscriptionManagementResponse(r) => self.collection_attr(&r.collection_name),
            Body::PollRequest(r) => {
                self.collection_attr(&r.collection_name)?;
                if !self.v11() {
                    self.opt_attr("subscription_id", r.subscription_id.as_deref())?;
                }
                Ok(())
            }
            Body::PollResponse(r) => {
                self.collection_attr(&r.collection_name)?;
                if self.v11() {
                    if r.more {
                        self.bool_attr("more", true)?;
                        if r.result_id.is_none() {
                            return Err(
                                self.invalid("a Poll_Response with more=true needs a result_id")
                            );
                        }
                    }
                    self.opt_attr("result_id", r.result_id.as_deref())?;
                    if let Some(n) = r.result_part_number {
                        self.attr("result_part_number", &n.to_string())?;
                    }
                    Ok(())
                } else {
                    self.only_in_11(
                        r.more || r.result_id.is_some() || r.result_part_number.is_some(),
                        "multi-part poll results",
                    )?;
                    self.opt_attr("subscription_id", r.subscription_id.as_deref())
                }
            }
            Body::InboxMessage(m) => {
                self.only_in_11(m.result_id.is_some(), "an Inbox_Message result_id")?;
                self.opt_attr("result_id", m.result_id.as_deref())
            }
            Body::PollFulfillmentRequest(r) => {
                self.collection_attr(&r.collection_name)?;
                self.attr("result_id", &r.result_id)?;
                self.attr("result_part_number", &r.result_part_number.to_string())
            }
            _ => Ok(()),
        }
    }

    pub(super) fn body(&mut self, body: &Body) -> Result<(), Error> {
        match body {
            Body::StatusMessage(s) => self.status(s),
            Body::DiscoveryRequest
            | Body::CollectionInformationRequest
            | Body::PollFulfillmentRequest(_) => Ok(()),
            Body::DiscoveryResponse(r) => r
                .service_instances
                .iter()
                .try_for_each(|s| self.service_instance(s)),
            Body::CollectionInformationResponse(r) => {
                r.collections.iter().try_for_each(|c| self.collection(c))
            }
            Body::SubscriptionManagementRequest(r) => self.subscription_request(r),
            Body::SubscriptionManagementResponse(r) => {
                self.opt_leaf("Message", r.message.as_deref())?;
                r.subscriptions
                    .iter()
                    .try_for_each(|s| self.subscription_instance(s))
            }
            Body::PollRequest(r) => self.poll_request(r),
            Body::PollResponse(r) => self.poll_response(r),
            Body::InboxMessage(m) => self.inbox(m),
        }
    }

    fn status(&mut self, s: &StatusMessage) -> Result<(), Error> {
        match (&s.details, self.v11()) {
            (StatusDetails::None, _) => {}
            (StatusDetails::Text(t), false) => self.leaf("Status_Detail", t)?,
            (StatusDetails::Pairs(pairs), true) => {
                if !pairs.is_empty() {
                    self.open("Status_Detail");
                    for p in pairs {
                        self.start("Detail");
                        self.attr("name", &p.name)?;
                        self.out.push(b'>');
                        self.text(&p.value)?;
                        self.close("Detail");
                    }
                    self.close("Status_Detail");
                }
            }
            (StatusDetails::Text(_), true) => {
                return Err(self
                    .invalid("a 1.0 status detail string in a TAXII 1.1 message (convert first)"))
            }
            (StatusDetails::Pairs(_), false) => {
                return Err(
                    self.invalid("1.1 status detail pairs in a TAXII 1.0 message (convert first)")
                )
            }
        }
        self.opt_leaf("Message", s.message.as_deref())
    }

    fn service_instance(&mut self, s: &ServiceInstance) -> Result<(), Error> {
        self.start("Service_Instance");
        self.attr("service_type", s.service_type.as_str(self.version))?;
        self.attr("service_version", &s.services_version)?;
        if let Some(a) = s.available {
            self.bool_attr("available", a)?;
        }
        self.out.push(b'>');
        let endpoint = ServiceEndpoint {
            protocol_binding: s.protocol_binding.clone(),
            address: s.address.clone(),
            message_bindings: s.message_bindings.clone(),
        };
        self.endpoint_fields(&endpoint)?;
        self.only_in_11(!s.supported_queries.is_empty(), "Supported_Query")?;
        s.supported_queries
            .iter()
            .try_for_each(|q| self.query_info(q))?;
        self.content_bindings("Content_Binding", &s.inbox_accepted_content)?;
        self.opt_leaf("Message", s.message.as_deref())?;
        self.close("Service_Instance");
        Ok(())
    }

    fn collection(&mut self, c: &CollectionInformation) -> Result<(), Error> {
        let item = if self.v11() { "Collection" } else { "Feed" };
        self.start(item);
        self.collection_attr(&c.collection_name)?;
        if let Some(t) = c.collection_type {
            self.only_in_11(true, "a collection type")?;
            self.attr("collection_type", t.as_str())?;
        }
        if let Some(a) = c.available {
            self.bool_attr("available", a)?;
        }
        self.out.push(b'>');
        self.leaf("Description", &c.description)?;
        if let Some(v) = c.collection_volume {
            self.only_in_11(true, "Collection_Volume")?;
            self.leaf("Collection_Volume", &v.to_string())?;
        }
        self.content_bindings("Content_Binding", &c.supported_contents)?;
        for p in &c.push_methods {
            self.open("Push_Method");
            self.leaf("Protocol_Binding", &p.protocol_binding)?;
            self.leaves("Message_Binding", &p.message_bindings)?;
            self.close("Push_Method");
        }
        c.polling_services
            .iter()
            .try_for_each(|e| self.endpoint("Polling_Service", e))?;
        c.subscription_services
            .iter()
            .try_for_each(|e| self.endpoint("Subscription_Service", e))?;
        self.only_in_11(
            !c.receiving_inbox_services.is_empty(),
            "Receiving_Inbox_Service",
        )?;
        for r in &c.receiving_inbox_services {
            self.open("Receiving_Inbox_Service");
            self.endpoint_fields(&r.endpoint)?;
            self.content_bindings("Content_Binding", &r.supported_contents)?;
            self.close("Receiving_Inbox_Service");
        }
        self.close(item);
        Ok(())
    }

    fn push_parameters(&mut self, local: &str, p: &PushParameters) -> Result<(), Error> {
        self.open(local);
        self.leaf("Protocol_Binding", &p.protocol_binding)?;
        self.leaf("Address", &p.address)?;
        self.leaf("Message_Binding", &p.message_binding)?;
        self.only_in_10(
            !p.content_bindings.is_empty(),
            "content bindings in push parameters",
        )?;
        self.content_bindings("Content_Binding", &p.content_bindings)?;
        self.close(local);
        Ok(())
    }

    fn subscription_parameters(&mut self, p: &SubscriptionParameters) -> Result<(), Error> {
        self.open("Subscription_Parameters");
        self.leaf("Response_Type", p.response_type.as_str())?;
        self.content_bindings("Content_Binding", &p.content_bindings)?;
        if let Some(q) = &p.query {
            self.query(q)?;
        }
        self.close("Subscription_Parameters");
        Ok(())
    }

    fn subscription_request(&mut self, r: &SubscriptionManagementRequest) -> Result<(), Error> {
        if self.v11() {
            self.opt_leaf("Subscription_ID", r.subscription_id.as_deref())?;
            if let Some(p) = &r.subscription_parameters {
                self.subscription_parameters(p)?;
            }
        } else {
            self.only_in_11(
                r.subscription_parameters.is_some(),
                "Subscription_Parameters",
            )?;
        }
        if let Some(p) = &r.push_parameters {
            self.push_parameters("Push_Parameters", p)?;
        }
        Ok(())
    }

    fn subscription_instance(&mut self, s: &SubscriptionInstance) -> Result<(), Error> {
        self.start("Subscription");
        if self.v11() {
            self.attr("status", s.status.as_str())?;
            self.out.push(b'>');
            self.leaf("Subscription_ID", &s.subscription_id)?;
            if let Some(p) = &s.subscription_parameters {
                self.subscription_parameters(p)?;
            }
        } else {
            self.only_in_11(
                s.status != SubscriptionStatus::Active,
                "a subscription status",
            )?;
            self.only_in_11(
                s.subscription_parameters.is_some(),
                "Subscription_Parameters",
            )?;
            self.attr("subscription_id", &s.subscription_id)?;
            self.out.push(b'>');
        }
        if let Some(p) = &s.push_parameters {
            self.push_parameters("Push_Parameters", p)?;
        }
        s.poll_instances
            .iter()
            .try_for_each(|e| self.endpoint("Poll_Instance", e))?;
        self.close("Subscription");
        Ok(())
    }

    fn poll_request(&mut self, r: &PollRequest) -> Result<(), Error> {
        self.timestamp("Exclusive_Begin_Timestamp", r.exclusive_begin.as_ref())?;
        self.timestamp("Inclusive_End_Timestamp", r.inclusive_end.as_ref())?;
        if !self.v11() {
            if let Some(p) = &r.poll_parameters {
                let defaults = PollParameters {
                    content_bindings: p.content_bindings.clone(),
                    ..Default::default()
                };
                self.only_in_11(
                    *p != defaults,
                    "poll parameters other than content bindings",
                )?;
                self.content_bindings("Content_Binding", &p.content_bindings)?;
            }
            return Ok(());
        }
        match (&r.subscription_id, &r.poll_parameters) {
            (Some(id), None) => self.leaf("Subscription_ID", id),
            (None, Some(p)) => {
                self.start("Poll_Parameters");
                self.bool_attr("allow_asynch", p.allow_asynch)?;
                self.out.push(b'>');
                self.leaf("Response_Type", p.response_type.as_str())?;
                self.content_bindings("Content_Binding", &p.content_bindings)?;
                if let Some(q) = &p.query {
                    self.query(q)?;
                }
                if let Some(d) = &p.delivery_parameters {
                    self.push_parameters("Delivery_Parameters", d)?;
                }
                self.close("Poll_Parameters");
                Ok(())
            }
            _ => Err(self.invalid(
                "a TAXII 1.1 Poll_Request needs exactly one of subscription_id and poll_parameters",
            )),
        }
    }

    fn poll_response(&mut self, r: &PollResponse) -> Result<(), Error> {
        if self.v11() {
            self.only_in_10(r.inclusive_begin.is_some(), "an inclusive begin label")?;
            self.opt_leaf("Subscription_ID", r.subscription_id.as_deref())?;
            self.timestamp("Exclusive_Begin_Timestamp", r.exclusive_begin.as_ref())?;
            self.timestamp("Inclusive_End_Timestamp", r.inclusive_end.as_ref())?;
            self.record_count(r.record_count.as_ref())?;
            self.opt_leaf("Message", r.message.as_deref())?;
        } else {
            self.only_in_11(r.exclusive_begin.is_some(), "an exclusive begin label")?;
            self.record_count(r.record_count.as_ref())?;
            self.opt_leaf("Message", r.message.as_deref())?;
            self.timestamp("Inclusive_Begin_Timestamp", r.inclusive_begin.as_ref())?;
            let end = r.inclusive_end.as_ref().ok_or_else(|| {
                self.invalid("a TAXII 1.0 Poll_Response needs an inclusive end label")
            })?;
            self.timestamp("Inclusive_End_Timestamp", Some(end))?;
        }
        r.content_blocks
            .iter()
            .try_for_each(|b| self.content_block(b))
    }

    fn inbox(&mut self, m: &InboxMessage) -> Result<(), Error> {
        self.only_in_11(
            !m.destination_collection_names.is_empty(),
            "Destination_Collection_Name",
        )?;
        self.leaves(
            "Destination_Collection_Name",
            &m.destination_collection_names,
        )?;
        self.opt_leaf("Message", m.message.as_deref())?;
        if let Some(s) = &m.subscription_information {
            self.start("Source_Subscription");
            self.collection_attr(&s.collection_name)?;
            if self.v11() {
                self.out.push(b'>');
                self.only_in_10(s.inclusive_begin.is_some(), "an inclusive begin label")?;
                self.leaf("Subscription_ID", &s.subscription_id)?;
                self.timestamp("Exclusive_Begin_Timestamp", s.exclusive_begin.as_ref())?;
                self.timestamp("Inclusive_End_Timestamp", s.inclusive_end.as_ref())?;
            } else {
                self.attr("subscription_id", &s.subscription_id)?;
                self.out.push(b'>');
                self.only_in_11(s.exclusive_begin.is_some(), "an exclusive begin label")?;
                self.timestamp("Inclusive_Begin_Timestamp", s.inclusive_begin.as_ref())?;
                let end = s.inclusive_end.as_ref().ok_or_else(|| {
                    self.invalid("a TAXII 1.0 Source_Subscription needs an inclusive end label")
                })?;
                self.timestamp("Inclusive_End_Timestamp", Some(end))?;
            }
            self.close("Source_Subscription");
        }
        self.record_count(m.record_count.as_ref())?;
        m.content_blocks
            .iter()
            .try_for_each(|b| self.content_block(b))
    }
}
