//! Collection (1.0: Feed) Information: the route table merged with the peers' live answers,
//! names mapped, and every address pointing at the gateway as the partner reached it.

use super::router::Call;
use crate::config::{CollectionRoute, CollectionService, PeerService};
use std::collections::HashMap;
use taxii_core::*;

/// The content bindings a TAXII 1.0 feed advertises when its peer accepts any content:
/// 1.0 requires at least one and cannot say "any", so list the STIX ones.
const STIX_FOR_10: [&str; 5] = [
    ids::content::STIX_XML_10,
    ids::content::STIX_XML_101,
    ids::content::STIX_XML_11,
    ids::content::STIX_XML_111,
    ids::content::STIX_XML_12,
];

pub async fn answer(call: &Call<'_>) -> Body {
    let routes: Vec<&CollectionRoute> = call
        .runtime
        .table
        .collections_for(call.partner)
        .filter(|c| c.offers(CollectionService::Information))
        .collect();
    let live = live_answers(call, &routes).await;
    let collections = routes
        .iter()
        .map(|route| {
            let peer_entry = live
                .get(route.peer.as_str())
                .and_then(|entries| entries.iter().find(|c| c.collection_name == route.remote));
            describe(
                call,
                route,
                peer_entry,
                live.contains_key(route.peer.as_str()),
            )
        })
        .collect();
    Body::CollectionInformationResponse(CollectionInformationResponse { collections })
}

/// Each peer's own collection information, asked once per peer; peers that could not be
/// asked are missing from the map.
async fn live_answers(
    call: &Call<'_>,
    routes: &[&CollectionRoute],
) -> HashMap<String, Vec<CollectionInformation>> {
    let mut answers = HashMap::new();
    for route in routes {
        if answers.contains_key(&route.peer) {
            continue;
        }
        let Some(link) = call.runtime.peers.get(&route.peer) else {
            continue;
        };
        let version = link.version_for(call.version);
        let request = Message::new(
            version,
            call.runtime.message_id(),
            Body::CollectionInformationRequest,
        );
        match link
            .exchange(
                PeerService::CollectionManagement,
                request,
                &call.partner.name,
                &call.hub_addresses(),
            )
            .await
        {
            Ok(Message {
                body: Body::CollectionInformationResponse(r),
                ..
            }) => {
                answers.insert(route.peer.clone(), r.collections);
            }
            Ok(other) => {
                tracing::warn!(peer = %route.peer, answer = %other.message_type(), "collection information refused; answering from the route table")
            }
            Err(e) => {
                tracing::warn!(peer = %route.peer, error = %e, "collection information unavailable; answering from the route table")
            }
        }
    }
    answers
}

fn describe(
    call: &Call<'_>,
    route: &CollectionRoute,
    peer: Option<&CollectionInformation>,
    peer_answered: bool,
) -> CollectionInformation {
    let v11 = call.version == Version::V11;
    let endpoint = |s| call.endpoint.service(s, call.version);
    let mut supported_contents = peer
        .map(|p| p.supported_contents.clone())
        .unwrap_or_default();
    if supported_contents.is_empty() {
        if let Some(bindings) = &route.content_bindings {
            supported_contents = bindings
                .iter()
                .map(|b| ContentBinding::new(b.clone()))
                .collect();
        }
    }
    if !v11 {
        supported_contents
            .iter_mut()
            .for_each(|b| b.subtypes.clear());
        if supported_contents.is_empty() {
            supported_contents = STIX_FOR_10
                .iter()
                .map(|b| ContentBinding::new(*b))
                .collect();
        }
    }
    let offers = |s| route.offers(s);
    let polling_services = if offers(CollectionService::Poll) {
        vec![endpoint(ServiceType::Poll)]
    } else {
        Vec::new()
    };
    let receiving_inbox_services = if v11 && offers(CollectionService::Inbox) {
        vec![ReceivingInboxService {
            endpoint: endpoint(ServiceType::Inbox),
            supported_contents: supported_contents.clone(),
        }]
    } else {
        Vec::new()
    };
    CollectionInformation {
        collection_name: route.name.clone(),
        // Said explicitly: absent means a Data Feed, but clients (cabby) report an absent
        // type as an error, and a 1.0 peer's feeds have none to pass on.
        collection_type: if v11 {
            Some(peer.and_then(|p| p.collection_type).unwrap_or_default())
        } else {
            None
        },
        // A peer that did not answer, or does not list the collection, is not available now.
        available: Some(peer_answered && peer.is_some_and(|p| p.available != Some(false))),
        description: route
            .description
            .clone()
            .or_else(|| peer.map(|p| p.description.clone()))
            .unwrap_or_default(),
        collection_volume: if v11 {
            peer.and_then(|p| p.collection_volume)
        } else {
            None
        },
        supported_contents,
        // The gateway does not relay pushes: a producer pushes to the partner's own inbox.
        push_methods: peer.map(|p| p.push_methods.clone()).unwrap_or_default(),
        polling_services,
        subscription_services: if offers(CollectionService::Subscription) {
            vec![endpoint(ServiceType::CollectionManagement)]
        } else {
            Vec::new()
        },
        receiving_inbox_services,
    }
}
