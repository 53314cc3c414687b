//! Reaching the broker: credentials (never printed), TLS (rustls with the `ring` provider and
//! the system's CAs; no aws-lc-rs),
//! and the backoff both sides wait between reconnection attempts.

use crate::{AmqpAddress, AmqpError};
use lapin::tcp::{OwnedIdentity, OwnedTLSConfig};
use lapin::uri::AMQPUserInfo;
use lapin::{Connection, ConnectionProperties};
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// A broker user and its password. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    user: String,
    password: String,
}

impl Credentials {
    /// Credentials given directly (e.g. read by the caller from its own secret store).
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The password from the environment variable `variable`.
    pub fn from_env(user: impl Into<String>, variable: &str) -> Result<Credentials, AmqpError> {
        let password = std::env::var(variable)
            .map_err(|e| AmqpError::Config(format!("AMQP password variable {variable}: {e}")))?;
        Ok(Credentials::new(user, password))
    }

    /// The password from the first line of the file at `path`.
    pub fn from_file(user: impl Into<String>, path: &Path) -> Result<Credentials, AmqpError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AmqpError::Config(format!("AMQP password file {}: {e}", path.display()))
        })?;
        let password = text.lines().next().unwrap_or_default().to_owned();
        Ok(Credentials::new(user, password))
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// TLS settings for `amqps://` addresses (rustls with the `ring` provider). The system's
/// trusted CAs are trusted, plus those in `ca_pem` (a private broker CA goes there).
#[derive(Clone, Default)]
pub struct TlsSettings {
    /// PEM certificates of the CAs that may sign the broker's certificate.
    pub ca_pem: Option<String>,
    /// A client certificate chain and its PKCS#8 key, both PEM, for mutual TLS.
    pub client_identity: Option<(Vec<u8>, Vec<u8>)>,
}

impl TlsSettings {
    /// Trusts the CAs in the PEM file at `path`.
    pub fn with_ca_file(path: &Path) -> Result<TlsSettings, AmqpError> {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| AmqpError::Config(format!("CA file {}: {e}", path.display())))?;
        Ok(TlsSettings {
            ca_pem: Some(pem),
            client_identity: None,
        })
    }

    fn to_lapin(&self) -> OwnedTLSConfig {
        OwnedTLSConfig {
            identity: self
                .client_identity
                .as_ref()
                .map(|(pem, key)| OwnedIdentity::PKCS8 {
                    pem: pem.clone(),
                    key: key.clone(),
                }),
            cert_chain: self.ca_pem.clone(),
        }
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<pem>"))
            .field(
                "client_identity",
                &self.client_identity.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Exponential backoff with jitter between reconnection attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

impl Backoff {
    /// The wait before attempt `attempt` (0 = the first retry): doubling, capped, with
    /// up to 25% random jitter so reconnecting clients do not stampede.
    pub fn delay(&self, attempt: u32) -> Duration {
        let doubled = self.initial.saturating_mul(1u32 << attempt.min(20));
        let capped = doubled.min(self.max);
        let jitter = capped.mul_f64(fastrand::f64() * 0.25);
        capped.saturating_sub(jitter)
    }
}

/// Everything needed to open a connection.
#[derive(Debug, Clone)]
pub(crate) struct BrokerSettings {
    pub address: AmqpAddress,
    pub credentials: Option<Credentials>,
    pub tls: TlsSettings,
    pub connection_name: String,
    pub connect_timeout: Duration,
}

impl BrokerSettings {
    /// The user the broker will know this connection as.
    pub fn user(&self) -> String {
        match (&self.credentials, self.address.user()) {
            (Some(c), _) => c.user.clone(),
            (None, Some(user)) => user.to_owned(),
            (None, None) => "guest".to_owned(),
        }
    }

    /// Opens one connection (no retry), within `connect_timeout`.
    pub async fn connect(&self) -> Result<Connection, AmqpError> {
        let mut uri = self.address.broker_uri();
        uri.authority.userinfo = match &self.credentials {
            Some(c) => AMQPUserInfo {
                username: c.user.clone(),
                password: c.password.clone(),
            },
            None if self.address.user().is_some() => AMQPUserInfo {
                username: self.user(),
                password: String::new(),
            },
            None => uri.authority.userinfo,
        };
        let properties = ConnectionProperties::default()
            .with_connection_name(self.connection_name.clone().into());
        let runtime = lapin::runtime::default_runtime().map_err(|e| self.failed(e))?;
        let connecting =
            Connection::connect_uri_with_config(uri, properties, self.tls.to_lapin(), runtime);
        match tokio::time::timeout(self.connect_timeout, connecting).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(e)) => Err(self.failed(e)),
            Err(_) => Err(AmqpError::Connection {
                broker: self.address.to_string(),
                reason: format!("no connection within {:?}", self.connect_timeout),
            }),
        }
    }

    fn failed(&self, error: lapin::Error) -> AmqpError {
        AmqpError::Connection {
            broker: self.address.to_string(),
            reason: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_with_bounded_jitter() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for _ in 0..100 {
            let first = b.delay(0);
            assert!(first <= Duration::from_millis(100) && first >= Duration::from_millis(75));
            let late = b.delay(30);
            assert!(late <= Duration::from_secs(1) && late >= Duration::from_millis(750));
        }
    }

    #[test]
    fn credentials_never_print_their_password() {
        let c = Credentials::new("gw", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
