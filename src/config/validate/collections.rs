//! `[[collection]]` entries: the peer exists and has the addresses the offered services
//! need, `push_to` peers exist and can take inbox messages, content bindings only for hub
//! collections.

use super::super::context::Context;
use super::super::error::KeyPath;
use super::super::file::{CollectionFile, PeerFile, PushTargetFile};
use super::super::load::Entry;
use super::super::routes::{CollectionRoute, CollectionService, Peer, PeerService, PushTarget};
use super::{check_names, declared_names, known};

pub fn validate(
    ctx: &mut Context<'_>,
    entries: &[Entry<CollectionFile>],
    peer_entries: &[Entry<PeerFile>],
    peers: &[Peer],
) -> Vec<CollectionRoute> {
    check_names(ctx, "collection", entries);
    let peer_names = declared_names(peer_entries);
    let mut routes = Vec::new();
    for entry in entries {
        let Some(file) = &entry.file else { continue };
        let key = &entry.key;
        let lookup = PeerLookup {
            names: &peer_names,
            peers,
        };
        let peer = lookup.find(ctx, &key.key("peer"), &file.peer);
        let remote = file.remote.clone().unwrap_or_else(|| file.name.clone());
        if remote.is_empty() {
            ctx.error(&key.key("remote"), "must not be empty");
        }
        let services = services(ctx, key, file);
        if let Some(peer) = peer {
            for (service, service_key) in &services {
                let needed = service.peer_service();
                if !peer.offers(needed) {
                    ctx.error(
                        service_key,
                        format!(
                            "peer {:?} has no {} address, which the {} service needs",
                            peer.name,
                            address_key(needed),
                            service.name()
                        ),
                    );
                }
            }
        }
        let push_to = push_targets(ctx, key, file, &remote, &lookup);
        if let (Some(peer), Some(_)) = (peer, &file.content_bindings) {
            if !peer.is_local() {
                ctx.error(
                    &key.key("content_bindings"),
                    "content_bindings is only for collections of a local (hub) peer; a remote \
                     peer says what it accepts itself",
                );
            }
        }
        if let Some(bindings) = &file.content_bindings {
            for (i, binding) in bindings.iter().enumerate() {
                if binding.trim().is_empty() {
                    ctx.error(&key.key("content_bindings").index(i), "must not be empty");
                }
            }
        }
        routes.push(CollectionRoute {
            name: file.name.clone(),
            peer: file.peer.clone(),
            remote,
            description: file.description.clone(),
            services: services.into_iter().map(|(s, _)| s).collect(),
            push_to,
            content_bindings: file.content_bindings.clone(),
        });
    }
    routes
}

/// Resolves peer names: unknown names are reported; a declared peer that failed its own
/// validation is `None` without a second report.
struct PeerLookup<'a> {
    names: &'a [String],
    peers: &'a [Peer],
}

impl<'a> PeerLookup<'a> {
    fn find(&self, ctx: &mut Context<'_>, key: &KeyPath, name: &str) -> Option<&'a Peer> {
        if !self.names.iter().any(|n| n == name) {
            ctx.error(
                key,
                format!("unknown peer {name:?} {}", known("peers", self.names)),
            );
            return None;
        }
        self.peers.iter().find(|p| p.name == name)
    }
}

/// The offered services, each with the key to blame when its peer cannot serve it (the
/// list entry, or `peer` when the list is the default).
fn services(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &CollectionFile,
) -> Vec<(CollectionService, KeyPath)> {
    let Some(names) = &file.services else {
        return CollectionService::ALL
            .into_iter()
            .map(|s| (s, key.key("peer")))
            .collect();
    };
    let mut found: Vec<(CollectionService, KeyPath)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let entry_key = key.key("services").index(i);
        match CollectionService::from_name(name) {
            Some(s) if found.iter().any(|(f, _)| *f == s) => {}
            Some(s) => found.push((s, entry_key)),
            None => ctx.error(
                &entry_key,
                format!(
                    "unknown service {name:?} (expected information, poll, inbox or subscription)"
                ),
            ),
        }
    }
    found
}

fn push_targets(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &CollectionFile,
    remote: &str,
    lookup: &PeerLookup<'_>,
) -> Vec<PushTarget> {
    let mut targets: Vec<PushTarget> = Vec::new();
    for (i, target) in file.push_to.iter().flatten().enumerate() {
        let target_key = key.key("push_to").index(i);
        let (peer, target_remote) = match target {
            PushTargetFile::Peer(peer) => (peer, remote.to_owned()),
            PushTargetFile::Explicit(explicit) => (
                &explicit.peer,
                explicit.remote.clone().unwrap_or_else(|| remote.to_owned()),
            ),
        };
        let peer_key = match target {
            PushTargetFile::Peer(_) => target_key.clone(),
            PushTargetFile::Explicit(_) => target_key.key("peer"),
        };
        if let Some(found) = lookup.find(ctx, &peer_key, peer) {
            if !found.offers(PeerService::Inbox) {
                ctx.error(
                    &peer_key,
                    format!("peer {peer:?} has no inbox address to push to"),
                );
            }
        }
        let push = PushTarget {
            peer: peer.clone(),
            remote: target_remote,
        };
        if *peer == file.peer && push.remote == remote {
            ctx.error(&target_key, "pushes the collection to itself");
        } else if targets.contains(&push) {
            ctx.error(&target_key, "listed twice");
        } else {
            targets.push(push);
        }
    }
    targets
}

/// The `[[peer]]` key holding the address of a service.
fn address_key(service: PeerService) -> &'static str {
    match service {
        PeerService::Discovery => "discovery",
        PeerService::CollectionManagement => "collection_management",
        PeerService::Poll => "poll",
        PeerService::Inbox => "inbox",
    }
}
