//! Inbox: one partner push, delivered to every collection it targets and every fan-out
//! peer of those; SUCCESS only when every target accepted it, else a status naming which
//! did not. A single target's own status comes back as it is (translated).

use super::forward::{link, now, rename_in_status, send_to, visible};
use super::router::{Call, Outcome};
use crate::config::{CollectionService, PeerService};
use taxii_core::*;

/// Where one copy of the push goes: a peer and its name for the collection.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    peer: String,
    remote: String,
    /// The name the partner knows (for status details).
    name: String,
    /// How the target is named in messages (fan-out copies are marked).
    shown: String,
}

pub async fn inbox(
    call: &Call<'_>,
    request: &Message,
    inbox: &InboxMessage,
    outcome: &mut Outcome,
) -> Result<Body, Error> {
    let targets = targets(call, inbox, outcome)?;
    let mut results = Vec::with_capacity(targets.len());
    for target in &targets {
        let result = deliver(call, request, inbox, target).await;
        results.push((target, result));
    }
    if let [(_, result)] = results.as_slice() {
        return Ok(Body::StatusMessage(result.clone()?));
    }
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(t, r)| match r {
            Ok(s) if s.status_type == StatusType::Success => None,
            Ok(s) => Some(format!(
                "{} at {} answered {}{}",
                t.shown,
                t.peer,
                s.status_type,
                s.message
                    .as_ref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            )),
            Err(e) => Some(format!("{} at {}: {e}", t.shown, t.peer)),
        })
        .collect();
    let delivered: Vec<String> = results
        .iter()
        .filter(|(_, r)| matches!(r, Ok(s) if s.status_type == StatusType::Success))
        .map(|(t, _)| format!("{} at {}", t.shown, t.peer))
        .collect();
    Ok(Body::StatusMessage(if failed.is_empty() {
        StatusMessage {
            status_type: StatusType::Success,
            details: StatusDetails::None,
            message: Some(format!("delivered to {}", delivered.join(", "))),
        }
    } else {
        let accepted = if delivered.is_empty() {
            "none".to_owned()
        } else {
            delivered.join(", ")
        };
        StatusMessage::new(
            StatusType::Failure,
            format!(
                "not delivered to every target: {}; accepted by: {accepted}",
                failed.join("; ")
            ),
        )
    }))
}

/// The collections the push is for (its Destination Collection Names, else the collection
/// named in the URL, else the partner's only inbox collection), plus their fan-out peers.
fn targets(
    call: &Call<'_>,
    inbox: &InboxMessage,
    outcome: &mut Outcome,
) -> Result<Vec<Target>, Error> {
    let mut names: Vec<String> = inbox.destination_collection_names.clone();
    if names.is_empty() {
        if let Some(named) = &call.path.inbox_collection {
            names.push(named.clone());
        } else {
            let open: Vec<String> = call
                .runtime
                .table
                .collections_for(call.partner)
                .filter(|c| c.offers(CollectionService::Inbox))
                .map(|c| c.name.clone())
                .collect();
            match open.as_slice() {
                [only] => names.push(only.clone()),
                _ => return Err(no_destination(call, &open)),
            }
        }
    }
    let mut targets = Vec::new();
    for name in &names {
        let route = visible(call, name, CollectionService::Inbox, outcome)?;
        let first = Target {
            peer: route.peer.clone(),
            remote: route.remote.clone(),
            name: route.name.clone(),
            shown: route.name.clone(),
        };
        let fan_out = route.push_to.iter().map(|p| Target {
            peer: p.peer.clone(),
            remote: p.remote.clone(),
            name: route.name.clone(),
            shown: format!("{} (fan-out)", route.name),
        });
        for t in std::iter::once(first).chain(fan_out) {
            if !targets
                .iter()
                .any(|x: &Target| x.peer == t.peer && x.remote == t.remote)
            {
                targets.push(t);
            }
        }
    }
    Ok(targets)
}

fn no_destination(call: &Call<'_>, open: &[String]) -> Error {
    let how = match call.version {
        Version::V11 => "name one in Destination_Collection_Name",
        Version::V10 => {
            "TAXII 1.0 cannot name one in the message: push to <listener path>/inbox/<collection>"
        }
    };
    Error::Inexpressible(Inexpressible {
        target: "this inbox".to_owned(),
        what: format!(
            "a push without a destination collection ({how}; yours: {})",
            if open.is_empty() {
                "none".to_owned()
            } else {
                open.join(", ")
            }
        ),
        status: StatusType::DestinationCollectionError,
    })
}

/// Sends one copy; the peer's status in the partner's version (details renamed by the caller).
async fn deliver(
    call: &Call<'_>,
    request: &Message,
    inbox: &InboxMessage,
    target: &Target,
) -> Result<StatusMessage, Error> {
    let link = link(call, &target.peer)?;
    let peer_version = link.version_for(call.version);
    let names_destination = match link {
        super::peers::PeerLink::Local(_) => true,
        super::peers::PeerLink::Remote { .. } => {
            peer_version == Version::V11
                && call
                    .runtime
                    .table
                    .peer(&target.peer)
                    .is_some_and(|p| p.inbox_destination)
        }
    };
    let mut copy = inbox.clone();
    copy.destination_collection_names = if names_destination {
        vec![target.remote.clone()]
    } else {
        Vec::new()
    };
    if peer_version == Version::V10 && call.version == Version::V11 {
        copy.destination_collection_names.clear();
    }
    let answer = send_to(
        call,
        &target.peer,
        PeerService::Inbox,
        request,
        Body::InboxMessage(copy),
    )
    .await?;
    let mut answer = answer;
    // Renamed in the peer's version, before 1.1 details are folded into a 1.0 message.
    if let Body::StatusMessage(status) = &mut answer.body {
        rename_in_status(call, status, &target.peer, &target.remote, &target.name);
    }
    match convert(answer, call.version, now())?.body {
        Body::StatusMessage(s) => Ok(s),
        other => Err(Error::Unavailable {
            peer: target.peer.clone(),
            reason: format!("answered an Inbox Message with a {}", other.message_type()),
        }),
    }
}
