//! `[[peer]]` entries: protocol, message binding and the TAXII version it implies, service
//! addresses (URLs of the peer's protocol), outbound auth, TLS and proxy. `local` peers are
//! the built-in hub and take none of the remote keys.

use taxii_core::Version;

use super::super::context::Context;
use super::super::error::KeyPath;
use super::super::file::PeerFile;
use super::super::load::Entry;
use super::super::routes::{Peer, PeerAddresses, PeerAuth, PeerProtocol};
use super::{
    check_names, forbid, message_binding, millis, peer_access, url, version, BINDING_NAMES,
};
use crate::bindings::MessageBindingKind;

const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

pub fn validate(ctx: &mut Context<'_>, entries: &[Entry<PeerFile>], has_hub: bool) -> Vec<Peer> {
    check_names(ctx, "peer", entries);
    let mut peers = Vec::new();
    for entry in entries {
        let Some(file) = &entry.file else { continue };
        let key = &entry.key;
        let protocol = match file.protocol.as_str() {
            "http" => PeerProtocol::Http,
            "https" => PeerProtocol::Https,
            "amqp" => PeerProtocol::Amqp,
            "local" => PeerProtocol::Local,
            other => {
                ctx.error(
                    &key.key("protocol"),
                    format!("unknown protocol {other:?} (expected http, https, amqp or local)"),
                );
                continue;
            }
        };
        let peer = if protocol == PeerProtocol::Local {
            local(ctx, key, file, has_hub)
        } else {
            remote(ctx, key, file, protocol)
        };
        peers.extend(peer);
    }
    peers
}

fn local(ctx: &mut Context<'_>, key: &KeyPath, file: &PeerFile, has_hub: bool) -> Option<Peer> {
    if !has_hub {
        ctx.error(
            &key.key("protocol"),
            "a local peer is the built-in hub: add a [hub] table (data_dir = \"./data\")",
        );
    }
    let remote_only = "not for local peers (the hub is called directly)";
    forbid(ctx, &key.key("message"), &file.message, remote_only);
    forbid(ctx, &key.key("discovery"), &file.discovery, remote_only);
    forbid(
        ctx,
        &key.key("collection_management"),
        &file.collection_management,
        remote_only,
    );
    forbid(ctx, &key.key("poll"), &file.poll, remote_only);
    forbid(ctx, &key.key("inbox"), &file.inbox, remote_only);
    forbid(ctx, &key.key("auth"), &file.auth, remote_only);
    forbid(ctx, &key.key("tls"), &file.tls, remote_only);
    forbid(ctx, &key.key("proxy"), &file.proxy, remote_only);
    let services = match &file.services {
        Some(name) => version(ctx, &key.key("services"), name)?,
        None => Version::V11,
    };
    Some(Peer {
        name: file.name.clone(),
        protocol: PeerProtocol::Local,
        message: None,
        services,
        addresses: PeerAddresses::default(),
        inbox_destination: inbox_destination(ctx, key, file, services),
        auth: PeerAuth::None,
        tls: None,
        proxy: None,
        connect_timeout: millis(
            ctx,
            &key.key("connect_timeout_ms"),
            file.connect_timeout_ms,
            DEFAULT_CONNECT_TIMEOUT_MS,
        ),
        timeout: millis(
            ctx,
            &key.key("timeout_ms"),
            file.timeout_ms,
            DEFAULT_TIMEOUT_MS,
        ),
    })
}

fn remote(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &PeerFile,
    protocol: PeerProtocol,
) -> Option<Peer> {
    let message = match &file.message {
        Some(name) => {
            let kind = message_binding(name);
            if kind.is_none() {
                ctx.error(
                    &key.key("message"),
                    format!("unknown message binding {name:?} (expected {BINDING_NAMES})"),
                );
            }
            kind
        }
        None => {
            ctx.error(
                &key.key("message"),
                format!("missing key ({BINDING_NAMES})"),
            );
            None
        }
    };
    let services = services(ctx, key, file, message);
    let schemes: &[&str] = match protocol {
        PeerProtocol::Http => &["http"],
        PeerProtocol::Https => &["https"],
        _ => &["amqp", "amqps"],
    };
    let mut address = |name: &str, value: &Option<String>| {
        let key = key.key(name);
        let address = url(ctx, &key, value.as_ref()?, schemes)?;
        if protocol == PeerProtocol::Amqp && !names_one_destination(ctx, &key, &address) {
            return None;
        }
        Some(address)
    };
    let addresses = PeerAddresses {
        discovery: address("discovery", &file.discovery),
        collection_management: address("collection_management", &file.collection_management),
        poll: address("poll", &file.poll),
        inbox: address("inbox", &file.inbox),
    };
    let auth = peer_access::auth(ctx, key, file, protocol);
    let tls = match &file.tls {
        Some(_) if protocol == PeerProtocol::Http => {
            ctx.error(
                &key.key("tls"),
                "http peers take no tls: use protocol = \"https\"",
            );
            None
        }
        Some(tls) => peer_access::client_tls(ctx, &key.key("tls"), tls),
        None => None,
    };
    let proxy = match &file.proxy {
        Some(_) if protocol == PeerProtocol::Amqp => {
            ctx.error(
                &key.key("proxy"),
                "an HTTP proxy is only for http and https peers",
            );
            None
        }
        Some(proxy) => url(ctx, &key.key("proxy"), proxy, &["http"]),
        None => None,
    };
    let connect_timeout = millis(
        ctx,
        &key.key("connect_timeout_ms"),
        file.connect_timeout_ms,
        DEFAULT_CONNECT_TIMEOUT_MS,
    );
    let timeout = millis(
        ctx,
        &key.key("timeout_ms"),
        file.timeout_ms,
        DEFAULT_TIMEOUT_MS,
    );
    let services = services?;
    Some(Peer {
        name: file.name.clone(),
        protocol,
        message: Some(message?),
        services,
        addresses,
        inbox_destination: inbox_destination(ctx, key, file, services),
        auth: auth?,
        tls,
        proxy,
        connect_timeout,
        timeout,
    })
}

/// The version: implied by the XML bindings, required for JSON.
fn services(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &PeerFile,
    message: Option<MessageBindingKind>,
) -> Option<Version> {
    let given = match &file.services {
        Some(name) => Some(version(ctx, &key.key("services"), name)?),
        None => None,
    };
    let message = message?;
    match (message.only_version(), given) {
        (Some(implied), None) => Some(implied),
        (Some(implied), Some(given)) if implied == given => Some(given),
        (Some(implied), Some(given)) => {
            ctx.error(
                &key.key("services"),
                format!(
                    "{} carries TAXII {} only, not {}",
                    file.message.as_deref().unwrap_or_default(),
                    implied.short(),
                    given.short()
                ),
            );
            None
        }
        (None, Some(given)) => Some(given),
        (None, None) => {
            ctx.error(
                &key.key("services"),
                "missing key: a json peer must say its TAXII version (services = \"1.0\" or \"1.1\")",
            );
            None
        }
    }
}

fn inbox_destination(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &PeerFile,
    services: Version,
) -> bool {
    match (file.inbox_destination, services) {
        (Some(true), Version::V10) => {
            ctx.error(
                &key.key("inbox_destination"),
                "Destination_Collection_Name is TAXII 1.1 only",
            );
            false
        }
        (Some(chosen), _) => chosen,
        (None, version) => version == Version::V11,
    }
}

/// An AMQP address says where messages go: `?queue=NAME` or `?exchange=NAME`, not both.
fn names_one_destination(ctx: &mut Context<'_>, key: &KeyPath, address: &str) -> bool {
    let Ok(parsed) = url::Url::parse(address) else {
        return false;
    };
    let has = |wanted: &str| {
        parsed
            .query_pairs()
            .any(|(k, v)| k == wanted && !v.is_empty())
    };
    match (has("queue"), has("exchange")) {
        (true, false) | (false, true) => true,
        (true, true) => {
            ctx.error(key, "names both a queue and an exchange: use one");
            false
        }
        (false, false) => {
            ctx.error(
                key,
                "names no destination: add ?queue=NAME or ?exchange=NAME&routing_key=KEY",
            );
            false
        }
    }
}
