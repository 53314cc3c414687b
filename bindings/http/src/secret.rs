//! Secrets (passwords) read from an environment variable or a file, never from config text,
//! and never shown: `Debug` prints `Secret(<redacted>)`.

use crate::ConfigError;
use std::path::Path;

/// A password or other secret. It is read once and kept only in memory; `Debug` and
/// `Display` never reveal it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret that the caller already holds (tests, or a value read elsewhere).
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// Reads the secret from the environment variable `var`.
    pub fn from_env(var: &str) -> Result<Secret, ConfigError> {
        match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret(v)),
            Ok(_) => Err(ConfigError::Secret(format!(
                "environment variable {var} is empty"
            ))),
            Err(_) => Err(ConfigError::Secret(format!(
                "environment variable {var} is not set (or is not valid UTF-8)"
            ))),
        }
    }

    /// Reads the secret from a file; one trailing newline is not part of it.
    pub fn from_file(path: &Path) -> Result<Secret, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            what: "secret file",
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let value = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(&text);
        if value.is_empty() {
            return Err(ConfigError::Secret(format!(
                "secret file {} is empty",
                path.display()
            )));
        }
        Ok(Secret(value.to_owned()))
    }

    /// The secret itself, for the one place that must send or compare it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares in time that does not depend on where the first difference is.
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        let mut diff = a.len() ^ b.len();
        for (i, x) in a.iter().enumerate() {
            diff |= usize::from(x ^ b.get(i).copied().unwrap_or(!x));
        }
        diff == 0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
    }

    #[test]
    fn matching_is_exact() {
        let s = Secret::new("harness-pass");
        assert!(s.matches("harness-pass"));
        assert!(!s.matches("harness-pas"));
        assert!(!s.matches("harness-passs"));
        assert!(!s.matches(""));
    }

    #[test]
    fn file_secrets_lose_one_trailing_newline_and_name_the_file_when_missing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\n").expect("write");
        assert_eq!(Secret::from_file(&path).expect("read").expose(), "s3cret");
        let missing = dir.path().join("nope");
        let err = Secret::from_file(&missing).expect_err("missing file");
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn unset_env_secrets_name_the_variable() {
        let err = Secret::from_env("TAXII_HTTP_TEST_SURELY_UNSET").expect_err("unset");
        assert!(err.to_string().contains("TAXII_HTTP_TEST_SURELY_UNSET"));
    }
}
