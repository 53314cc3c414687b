//! Loading: the routes file, then the `TAXII_GATEWAY_*` overrides (see [`super::env`]),
//! through figment into the file structs of [`super::file`], then validation.
//!
//! Each `[[table]]` entry is deserialized on its own, so a bad entry is reported and the
//! others are still checked; the names of bad entries are still known, so a reference to a
//! broken peer is not reported a second time as "unknown peer".

use std::path::Path;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Value};
use figment::Figment;
use serde::de::DeserializeOwned;

use super::context::Context;
use super::env::{self, EnvProvider, Environment};
use super::error::{ConfigError, ConfigErrors, KeyPath, KeySegment, Origin};
use super::file::{CollectionFile, HubFile, ListenerFile, PartnerFile, PeerFile};
use super::spans::SpanIndex;
use super::table::RouteTable;
use super::validate;

/// The top-level keys of a routes file.
const TOP_LEVEL_KEYS: [&str; 5] = ["hub", "listener", "partner", "peer", "collection"];

/// Loads and validates the route table at `path`, with the process's environment.
pub fn load(path: &Path) -> Result<RouteTable, ConfigErrors> {
    load_with_env(path, &Environment::from_process())
}

/// Loads and validates the route table at `path`, with exactly the variables in `env`
/// (for overrides and for `password_env`/`url_env`).
pub fn load_with_env(path: &Path, env: &Environment) -> Result<RouteTable, ConfigErrors> {
    let file_error = |line: Option<usize>, column: Option<usize>, message: String| {
        ConfigErrors::new(vec![ConfigError {
            origin: Origin::File {
                path: path.to_owned(),
                line,
                column,
            },
            key: KeyPath::root(),
            message,
        }])
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| file_error(None, None, format!("cannot read the routes file: {e}")))?;
    let spans = SpanIndex::parse(&text).map_err(|(message, position)| {
        file_error(
            position.map(|p| p.line),
            position.map(|p| p.column),
            format!("not valid TOML: {}", message.trim_end()),
        )
    })?;
    let (overrides, refused) = env::overrides(env);
    let mut ctx = Context::new(path, &spans, env, &overrides);
    for r in &refused {
        ctx.env_error(&r.variable, KeyPath::root(), r.message.clone());
    }
    let figment = Figment::from(Toml::string(&text)).merge(EnvProvider(overrides.clone()));
    let sections = read_sections(&figment, &mut ctx);
    match validate::validate(&mut ctx, &sections) {
        Some(table) if !ctx.has_errors() => Ok(table),
        _ => Err(ConfigErrors::new(ctx.into_errors())),
    }
}

/// One `[[table]]` entry: its key, its name when it has a string one, and its file form
/// when it deserialized.
pub struct Entry<T> {
    pub key: KeyPath,
    pub name: Option<String>,
    pub file: Option<T>,
}

/// The file, section by section.
#[derive(Default)]
pub struct Sections {
    /// `Some(None)`: there is a `[hub]` but it did not deserialize.
    pub hub: Option<Option<HubFile>>,
    pub listeners: Vec<Entry<ListenerFile>>,
    pub partners: Vec<Entry<PartnerFile>>,
    pub peers: Vec<Entry<PeerFile>>,
    pub collections: Vec<Entry<CollectionFile>>,
}

fn read_sections(figment: &Figment, ctx: &mut Context<'_>) -> Sections {
    let top: Dict = match figment.extract() {
        Ok(top) => top,
        Err(e) => {
            report(ctx, &KeyPath::root(), e);
            return Sections::default();
        }
    };
    for key in top.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            ctx.error(
                &KeyPath::root().key(key),
                format!(
                    "unknown key (expected one of: {})",
                    TOP_LEVEL_KEYS.join(", ")
                ),
            );
        }
    }
    let hub = top.get("hub").map(|value| {
        value
            .deserialize::<HubFile>()
            .map_err(|e| report(ctx, &KeyPath::root().key("hub"), e))
            .ok()
    });
    Sections {
        hub,
        listeners: entries(ctx, &top, "listener"),
        partners: entries(ctx, &top, "partner"),
        peers: entries(ctx, &top, "peer"),
        collections: entries(ctx, &top, "collection"),
    }
}

/// The entries of the array of tables `name`, each deserialized on its own.
fn entries<T: DeserializeOwned>(ctx: &mut Context<'_>, top: &Dict, name: &str) -> Vec<Entry<T>> {
    let base = KeyPath::root().key(name);
    let items = match top.get(name) {
        None => return Vec::new(),
        Some(Value::Array(_, items)) => items,
        Some(_) => {
            ctx.error(
                &base,
                format!("must be an array of tables: write [[{name}]] for each one"),
            );
            return Vec::new();
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let key = base.index(i);
            let name = match value.find_ref("name") {
                Some(Value::String(_, s)) => Some(s.clone()),
                _ => None,
            };
            let file = if names_one_auth_kind(ctx, &key, value) {
                value
                    .deserialize::<T>()
                    .map_err(|e| report(ctx, &key, e))
                    .ok()
            } else {
                None
            };
            Entry { key, name, file }
        })
        .collect()
}

/// `auth = { basic = {...}, certificate = {...} }` would deserialize as its first kind
/// with the second silently ignored (serde reads one key of an enum table): refuse it.
fn names_one_auth_kind(ctx: &mut Context<'_>, key: &KeyPath, entry: &Value) -> bool {
    match entry.find_ref("auth") {
        Some(Value::Dict(_, kinds)) if kinds.len() != 1 => {
            let kinds: Vec<&str> = kinds.keys().map(String::as_str).collect();
            ctx.error(
                &key.key("auth"),
                format!(
                    "name exactly one kind of auth (basic or certificate), not {}",
                    if kinds.is_empty() {
                        "none".to_owned()
                    } else {
                        kinds.join(" and ")
                    }
                ),
            );
            false
        }
        _ => true,
    }
}

/// Records each error figment found below `base`, in words for admins.
fn report(ctx: &mut Context<'_>, base: &KeyPath, errors: figment::Error) {
    use figment::error::Kind;
    for error in errors {
        let mut key = base.clone();
        for segment in &error.path {
            key = match segment.parse::<usize>() {
                Ok(i) => key.index(i),
                Err(_) => key.key(segment),
            };
        }
        let message = match &error.kind {
            Kind::UnknownField(field, expected) => {
                key = with_last(key, field);
                format!("unknown key (expected one of: {})", expected.join(", "))
            }
            Kind::MissingField(field) => {
                key = with_last(key, field);
                "missing key".to_owned()
            }
            Kind::UnknownVariant(found, expected) => {
                format!(
                    "unknown value {found:?} (expected one of: {})",
                    expected.join(", ")
                )
            }
            Kind::InvalidType(found, expected) => format!("expected {expected}, found {found}"),
            Kind::Message(m) if m.contains("untagged enum PushTargetFile") => {
                "expected a peer name or { peer = \"...\", remote = \"...\" }".to_owned()
            }
            other => other.to_string(),
        };
        ctx.error(&key, message);
    }
}

/// `key` ending in `field` (figment's path sometimes already names it, sometimes not).
fn with_last(key: KeyPath, field: &str) -> KeyPath {
    match key.segments().last() {
        Some(KeySegment::Key(last)) if last == field => key,
        _ => key.key(field),
    }
}
