//! Discovery is answered by the gateway: the services it offers on this listener, in the
//! listener's bindings, trimmed to what the partner may use.

use super::router::Call;
use crate::config::CollectionService;
use taxii_core::{Body, DiscoveryResponse, ServiceInstance, ServiceType};

pub fn answer(call: &Call<'_>) -> Body {
    let table = &call.runtime.table;
    let offered = |service: CollectionService| {
        table
            .collections_for(call.partner)
            .any(|c| c.offers(service))
    };
    let mut services = vec![ServiceType::Discovery];
    if offered(CollectionService::Information) || offered(CollectionService::Subscription) {
        services.push(ServiceType::CollectionManagement);
    }
    if offered(CollectionService::Poll) {
        services.push(ServiceType::Poll);
    }
    if offered(CollectionService::Inbox) {
        services.push(ServiceType::Inbox);
    }
    let service_instances = services
        .into_iter()
        .map(|service_type| {
            let endpoint = call.endpoint.service(service_type, call.version);
            ServiceInstance {
                service_type,
                services_version: call.version.services_id().to_owned(),
                protocol_binding: endpoint.protocol_binding,
                address: endpoint.address,
                message_bindings: endpoint.message_bindings,
                supported_queries: Vec::new(),
                inbox_accepted_content: Vec::new(),
                available: Some(true),
                message: None,
            }
        })
        .collect();
    Body::DiscoveryResponse(DiscoveryResponse { service_instances })
}
