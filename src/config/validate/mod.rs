//! Validation: the file structs become a [`RouteTable`], every problem recorded in the
//! [`Context`] rather than returned at the first. Each kind of entry has its own file; this
//! one orders them (peers before collections, collections before partners) and holds the
//! checks they share.

mod collections;
mod listeners;
mod partners;
mod peer_access;
mod peers;

use std::str::FromStr;
use std::time::Duration;

use taxii_core::Version;

use super::context::Context;
use super::error::KeyPath;
use super::file::HubFile;
use super::load::{Entry, Sections};
use super::table::{HubSettings, RouteTable};
use crate::bindings::MessageBindingKind;

/// The table, or `None` when anything was wrong (the problems are in `ctx`).
pub fn validate(ctx: &mut Context<'_>, sections: &Sections) -> Option<RouteTable> {
    let hub = match &sections.hub {
        Some(Some(file)) => Some(hub(ctx, file)),
        _ => None,
    };
    let has_hub = sections.hub.is_some();
    let listeners = listeners::validate(ctx, &sections.listeners);
    let peers = peers::validate(ctx, &sections.peers, has_hub);
    let collections = collections::validate(ctx, &sections.collections, &sections.peers, &peers);
    let partners = partners::validate(
        ctx,
        &sections.partners,
        partners::Known {
            listener_names: &declared_names(&sections.listeners),
            listeners: &listeners,
            collection_names: &declared_names(&sections.collections),
        },
    );
    if ctx.has_errors() {
        return None;
    }
    Some(RouteTable {
        source: ctx.source.to_owned(),
        hub,
        listeners,
        partners,
        peers,
        collections,
    })
}

fn hub(ctx: &mut Context<'_>, file: &HubFile) -> HubSettings {
    let key = KeyPath::root().key("hub");
    let data_dir = file.data_dir.clone().unwrap_or_else(|| "data".into());
    HubSettings {
        data_dir: ctx.resolve(&data_dir),
        part_size: positive(ctx, &key.key("part_size"), file.part_size, 100),
        max_10_poll_blocks: positive(
            ctx,
            &key.key("max_10_poll_blocks"),
            file.max_10_poll_blocks,
            10_000,
        ),
    }
}

/// The names entries declare, broken entries included.
fn declared_names<T>(entries: &[Entry<T>]) -> Vec<String> {
    entries.iter().filter_map(|e| e.name.clone()).collect()
}

/// Reports empty and duplicate names of one kind of entry.
fn check_names<T>(ctx: &mut Context<'_>, kind: &str, entries: &[Entry<T>]) {
    for (i, entry) in entries.iter().enumerate() {
        let Some(name) = &entry.name else { continue };
        let key = entry.key.key("name");
        if name.trim().is_empty() {
            ctx.error(&key, format!("a {kind} name must not be empty"));
        } else if let Some(first) = entries[..i].iter().find(|e| e.name.as_ref() == Some(name)) {
            ctx.error(
                &key,
                format!("duplicate {kind} name {name:?} (also {})", first.key),
            );
        }
    }
}

/// `(peers: a, b)`, for messages about an unknown name.
fn known(kind_plural: &str, names: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for name in names {
        if !unique.contains(&name.as_str()) {
            unique.push(name);
        }
    }
    if unique.is_empty() {
        format!("(no {kind_plural} are defined)")
    } else {
        format!("({kind_plural}: {})", unique.join(", "))
    }
}

/// A message binding by its short name (`xml10`, `xml11`, `json`) or its ID.
fn message_binding(name: &str) -> Option<MessageBindingKind> {
    match name {
        "xml10" => Some(MessageBindingKind::Xml10),
        "xml11" => Some(MessageBindingKind::Xml11),
        "json" => Some(MessageBindingKind::Json),
        id => MessageBindingKind::from_id(id),
    }
}

const BINDING_NAMES: &str = "xml10, xml11 or json";

/// A list of binding names, each bad one reported; `None` in the file means all three.
fn message_bindings(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    names: Option<&Vec<String>>,
) -> Vec<MessageBindingKind> {
    let Some(names) = names else {
        return MessageBindingKind::ALL.to_vec();
    };
    if names.is_empty() {
        ctx.error(
            key,
            format!("name at least one message binding ({BINDING_NAMES})"),
        );
    }
    let mut kinds = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match message_binding(name) {
            Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Some(_) => {}
            None => ctx.error(
                &key.index(i),
                format!("unknown message binding {name:?} (expected {BINDING_NAMES})"),
            ),
        }
    }
    kinds
}

/// A TAXII version, `1.0` or `1.1`, or `None` after reporting it.
fn version(ctx: &mut Context<'_>, key: &KeyPath, name: &str) -> Option<Version> {
    match name {
        "1.0" | "1.1" => Version::from_str(name).ok(),
        _ => {
            ctx.error(
                key,
                format!("unknown TAXII version {name:?} (expected 1.0 or 1.1)"),
            );
            None
        }
    }
}

/// A list of versions; `None` in the file means both.
fn versions(ctx: &mut Context<'_>, key: &KeyPath, names: Option<&Vec<String>>) -> Vec<Version> {
    let Some(names) = names else {
        return Version::ALL.to_vec();
    };
    if names.is_empty() {
        ctx.error(key, "name at least one TAXII version (1.0 or 1.1)");
    }
    let mut found = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(v) = version(ctx, &key.index(i), name) {
            if !found.contains(&v) {
                found.push(v);
            }
        }
    }
    found
}

/// A URL whose scheme is one of `schemes` and that carries no password, or `None` after
/// reporting why not.
fn url(ctx: &mut Context<'_>, key: &KeyPath, text: &str, schemes: &[&str]) -> Option<String> {
    let parsed = match url::Url::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            ctx.error(key, format!("{text:?} is not a valid URL: {e}"));
            return None;
        }
    };
    if !schemes.contains(&parsed.scheme()) {
        let expected = schemes.join(" or ");
        ctx.error(
            key,
            format!(
                "{text:?} must be an {expected} URL, not {}",
                parsed.scheme()
            ),
        );
        return None;
    }
    if !parsed.has_host() || parsed.host_str() == Some("") {
        ctx.error(key, format!("{text:?} names no host"));
        return None;
    }
    if parsed.password().is_some() {
        ctx.error(
            key,
            "a URL must not carry a password: put it in auth (password_env or password_file)",
        );
        return None;
    }
    Some(text.to_owned())
}

/// A count that must be at least 1.
fn positive(ctx: &mut Context<'_>, key: &KeyPath, value: Option<u64>, default: usize) -> usize {
    match value {
        None => default,
        Some(0) => {
            ctx.error(key, "must be at least 1");
            default
        }
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    }
}

/// A duration in milliseconds that must be at least 1.
fn millis(ctx: &mut Context<'_>, key: &KeyPath, value: Option<u64>, default_ms: u64) -> Duration {
    match value {
        None => Duration::from_millis(default_ms),
        Some(0) => {
            ctx.error(key, "must be at least 1 millisecond");
            Duration::from_millis(default_ms)
        }
        Some(ms) => Duration::from_millis(ms),
    }
}

/// Reports a key that this kind of entry does not take.
fn forbid<T>(ctx: &mut Context<'_>, key: &KeyPath, value: &Option<T>, why: &str) {
    if value.is_some() {
        ctx.error(key, why.to_owned());
    }
}
