//! What every validation step shares: where the file is (for relative paths and error
//! locations), the environment (for secrets), and the list of problems found so far.

use std::path::{Path, PathBuf};

use super::env::{EnvOverride, Environment};
use super::error::{ConfigError, KeyPath, Origin};
use super::file::BasicAuthFile;
use super::spans::SpanIndex;
use super::Secret;

pub struct Context<'a> {
    /// The routes file, as the caller named it.
    pub source: &'a Path,
    spans: &'a SpanIndex,
    env: &'a Environment,
    overrides: &'a [EnvOverride],
    errors: Vec<ConfigError>,
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a Path,
        spans: &'a SpanIndex,
        env: &'a Environment,
        overrides: &'a [EnvOverride],
    ) -> Context<'a> {
        Context {
            source,
            spans,
            env,
            overrides,
            errors: Vec::new(),
        }
    }

    /// Records a problem at `key`.
    pub fn error(&mut self, key: &KeyPath, message: impl Into<String>) {
        let origin = self.origin(key);
        self.errors.push(ConfigError {
            origin,
            key: key.clone(),
            message: message.into(),
        });
    }

    /// Records a problem that an environment variable causes.
    pub fn env_error(&mut self, variable: &str, key: KeyPath, message: impl Into<String>) {
        self.errors.push(ConfigError {
            origin: Origin::Env {
                variable: variable.to_owned(),
            },
            key,
            message: message.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<ConfigError> {
        self.errors
    }

    /// The variable that set `key` (or a table above it), else the file and line.
    fn origin(&self, key: &KeyPath) -> Origin {
        let from_env = self.overrides.iter().find(|o| {
            let set = o.key_path();
            key.segments().starts_with(set.segments())
        });
        match from_env {
            Some(o) => Origin::Env {
                variable: o.variable.clone(),
            },
            None => {
                let position = self.spans.position(key);
                Origin::File {
                    path: self.source.to_owned(),
                    line: position.map(|p| p.line),
                    column: position.map(|p| p.column),
                }
            }
        }
    }

    /// A path from the file, relative to the file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_owned();
        }
        match self.source.parent() {
            Some(dir) => dir.join(path),
            None => path.to_owned(),
        }
    }

    /// The resolved path of a file that must exist and be readable (certificates, keys),
    /// or `None` after recording why it cannot be used.
    pub fn readable_file(&mut self, key: &KeyPath, what: &str, path: &Path) -> Option<PathBuf> {
        let resolved = self.resolve(path);
        match std::fs::File::open(&resolved) {
            Ok(file) => match file.metadata() {
                Ok(m) if m.is_file() => Some(resolved),
                Ok(_) => {
                    self.error(key, format!("{what} {} is not a file", resolved.display()));
                    None
                }
                Err(e) => {
                    self.error(
                        key,
                        format!("cannot read {what} {}: {e}", resolved.display()),
                    );
                    None
                }
            },
            Err(e) => {
                self.error(
                    key,
                    format!("cannot read {what} {}: {e}", resolved.display()),
                );
                None
            }
        }
    }

    /// A Basic password from `password_env` or `password_file` (exactly one of them), read
    /// now so that a missing one is a load error rather than a failed exchange later.
    pub fn password(&mut self, key: &KeyPath, basic: &BasicAuthFile) -> Option<Secret> {
        match (&basic.password_env, &basic.password_file) {
            (Some(variable), None) => {
                let key = key.key("password_env");
                match self.env.get(variable) {
                    Some(value) if !value.is_empty() => Some(Secret::new(value)),
                    Some(_) => {
                        self.error(&key, format!("environment variable {variable} is empty"));
                        None
                    }
                    None => {
                        self.error(&key, format!("environment variable {variable} is not set"));
                        None
                    }
                }
            }
            (None, Some(file)) => {
                let key = key.key("password_file");
                let resolved = self.resolve(file);
                match std::fs::read_to_string(&resolved) {
                    Ok(text) => {
                        let value = text
                            .strip_suffix("\r\n")
                            .or_else(|| text.strip_suffix('\n'))
                            .unwrap_or(&text);
                        if value.is_empty() {
                            let shown = resolved.display();
                            self.error(&key, format!("password file {shown} is empty"));
                            None
                        } else {
                            Some(Secret::new(value))
                        }
                    }
                    Err(e) => {
                        let shown = resolved.display();
                        self.error(&key, format!("cannot read password file {shown}: {e}"));
                        None
                    }
                }
            }
            (Some(_), Some(_)) => {
                self.error(key, "give password_env or password_file, not both");
                None
            }
            (None, None) => {
                self.error(key, "missing password_env or password_file");
                None
            }
        }
    }

    /// The value of the variable named by `url_env`.
    pub fn env_value(&mut self, key: &KeyPath, variable: &str) -> Option<String> {
        match self.env.get(variable) {
            Some(value) if !value.is_empty() => Some(value.to_owned()),
            _ => {
                self.error(key, format!("environment variable {variable} is not set"));
                None
            }
        }
    }
}
