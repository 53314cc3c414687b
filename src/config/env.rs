//! The environment a route table is loaded in: the variables that hold secrets
//! (`password_env`, `url_env`) and the `TAXII_GATEWAY_*` variables that override keys of
//! the file.
//!
//! Overrides: `TAXII_GATEWAY_<TABLE>__<KEY>`, nested with `__`, case-insensitive, the value
//! parsed as TOML-ish (`100` is a number, `true` a boolean, anything else a string). Only
//! the `[hub]` keys can be overridden: `TAXII_GATEWAY_HUB__DATA_DIR`,
//! `TAXII_GATEWAY_HUB__PART_SIZE`, `TAXII_GATEWAY_HUB__MAX_10_POLL_BLOCKS` (setting any of
//! them gives the table a hub even when the file has no `[hub]`). The arrays of tables
//! (`[[listener]]`, `[[partner]]`, `[[peer]]`, `[[collection]]`) are file-only: a variable
//! that tries to set one is an error. Other `TAXII_GATEWAY_*` variables (without `__`)
//! belong to the command line and are left alone here.
//!
//! The variables are read once into an [`Environment`], so tests give their own and never
//! touch the process's.

use std::collections::BTreeMap;

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};

use super::error::KeyPath;

/// The prefix of override variables.
pub const ENV_PREFIX: &str = "TAXII_GATEWAY_";

/// The tables whose keys the environment may override.
const OVERRIDABLE_TABLES: [&str; 1] = ["hub"];
/// The arrays of tables, which only the file sets.
const FILE_ONLY_TABLES: [&str; 4] = ["listener", "partner", "peer", "collection"];

/// A snapshot of environment variables (valid UTF-8 ones only).
#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// The process's variables.
    pub fn from_process() -> Environment {
        Environment::from_vars(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// Exactly these variables.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Environment {
        Environment {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// Values of variables are never shown: a variable may hold a secret.
impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("variables", &self.vars.len())
            .finish()
    }
}

/// One `TAXII_GATEWAY_HUB__*` override.
#[derive(Debug, Clone)]
pub struct EnvOverride {
    pub variable: String,
    /// The key it sets, lower-case (`hub.data_dir`).
    pub key: Vec<String>,
    value: String,
}

impl EnvOverride {
    pub fn key_path(&self) -> KeyPath {
        self.key
            .iter()
            .fold(KeyPath::root(), |path, segment| path.key(segment))
    }
}

/// A variable that tries to set what the environment cannot.
#[derive(Debug, Clone)]
pub struct RefusedOverride {
    pub variable: String,
    pub message: String,
}

/// The overrides in `env`, and the variables refused.
pub fn overrides(env: &Environment) -> (Vec<EnvOverride>, Vec<RefusedOverride>) {
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for (variable, value) in &env.vars {
        let Some(rest) = variable.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let key: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        let table = key[0].as_str();
        if OVERRIDABLE_TABLES.contains(&table) {
            if key.len() < 2 || key.iter().any(String::is_empty) {
                refused.push(RefusedOverride {
                    variable: variable.clone(),
                    message: format!(
                        "name one key of [{table}], as {ENV_PREFIX}{}__DATA_DIR",
                        table.to_uppercase()
                    ),
                });
            } else {
                accepted.push(EnvOverride {
                    variable: variable.clone(),
                    key,
                    value: value.clone(),
                });
            }
        } else if FILE_ONLY_TABLES.contains(&table) && key.len() > 1 {
            refused.push(RefusedOverride {
                variable: variable.clone(),
                message: format!(
                    "[[{table}]] entries are set in the routes file only; the environment can \
                     override [hub] keys only"
                ),
            });
        }
    }
    (accepted, refused)
}

/// The overrides as a figment provider, merged over the file.
pub struct EnvProvider(pub Vec<EnvOverride>);

impl Provider for EnvProvider {
    fn metadata(&self) -> Metadata {
        Metadata::named("TAXII_GATEWAY_* environment variables").interpolater(
            |_: &Profile, keys: &[&str]| format!("{ENV_PREFIX}{}", keys.join("__").to_uppercase()),
        )
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut root = Dict::new();
        for o in &self.0 {
            let value: Value = o.value.parse().unwrap_or_else(|never| match never {});
            insert(&mut root, &o.key, value);
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Sets `value` at `key` in `dict`, making tables on the way.
fn insert(dict: &mut Dict, key: &[String], value: Value) {
    match key {
        [] => {}
        [last] => {
            dict.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = dict
                .entry(first.clone())
                .or_insert_with(|| Value::from(Dict::new()));
            if !matches!(entry, Value::Dict(..)) {
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}
