//! The address syntax of the binding: an AMQP URI (RabbitMQ's URI spec) that also names
//! where messages go.
//!
//! ```text
//! amqp[s]://[user@]host[:port]/[vhost]?queue=NAME
//! amqp[s]://[user@]host[:port]/[vhost]?exchange=NAME[&routing_key=KEY]
//! ```
//!
//! `queue=NAME` is short for the default exchange with routing key `NAME`. The vhost is
//! percent-encoded (`%2f` is `/`; an absent path is `/` too). lapin's own parameters
//! (`heartbeat`, `connection_timeout`, `frame_max`, `channel_max`, `auth_mechanism`) pass
//! through. An address never carries a password: it appears in TAXII messages and logs, so
//! the password comes from [`crate::Credentials`] instead.

use lapin::uri::{AMQPScheme, AMQPUri};
use std::fmt;
use std::str::FromStr;

/// The longest AMQP short string (queue, exchange and routing-key names).
pub(crate) const MAX_NAME_BYTES: usize = 255;

/// Where messages sent to an address go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A queue, reached through the default exchange (`queue=NAME`).
    Queue(String),
    /// An exchange and a routing key (`exchange=NAME&routing_key=KEY`).
    Exchange {
        /// The exchange's name.
        exchange: String,
        /// The routing key (may be empty).
        routing_key: String,
    },
}

impl Destination {
    /// The exchange to publish to (`""` is the default exchange).
    pub fn exchange(&self) -> &str {
        match self {
            Destination::Queue(_) => "",
            Destination::Exchange { exchange, .. } => exchange,
        }
    }

    /// The routing key to publish with.
    pub fn routing_key(&self) -> &str {
        match self {
            Destination::Queue(queue) => queue,
            Destination::Exchange { routing_key, .. } => routing_key,
        }
    }
}

/// Why a string is not an address of this binding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not an `amqp://` or `amqps://` URI.
    #[error("{address:?} is not an AMQP URI: {reason}")]
    Syntax {
        /// The address as given.
        address: String,
        /// What the URI parser said.
        reason: String,
    },
    #[error("{address:?} carries a password: put it in the credentials (environment or file), never in an address")]
    /// The URI has a password in its user info.
    PasswordInAddress {
        /// The host only: the rest of the address is a secret.
        address: String,
    },
    #[error("{address:?} names no destination: add ?queue=NAME or ?exchange=NAME&routing_key=KEY")]
    /// Neither `queue=` nor `exchange=`.
    NoDestination {
        /// The address as given.
        address: String,
    },
    #[error("{address:?} names both a queue and an exchange: use one")]
    /// Both `queue=` and `exchange=`.
    AmbiguousDestination {
        /// The address as given.
        address: String,
    },
    #[error("{name:?} is not usable as an AMQP {what}: {reason}")]
    /// A queue, exchange or routing-key name AMQP cannot carry.
    BadName {
        /// The name.
        name: String,
        /// `queue`, `exchange` or `routing key`.
        what: &'static str,
        /// Why not.
        reason: String,
    },
}

/// A parsed address: how to reach the broker and where messages go there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmqpAddress {
    uri: AMQPUri,
    user_given: bool,
    destination: Destination,
}

impl AmqpAddress {
    /// The same broker with another destination, e.g. to name a listener's `.dead` queue.
    pub fn with_destination(&self, destination: Destination) -> AmqpAddress {
        AmqpAddress {
            destination,
            ..self.clone()
        }
    }

    /// Where messages sent to this address go.
    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// The queue named by `queue=`, if the address names one.
    pub fn queue(&self) -> Option<&str> {
        match &self.destination {
            Destination::Queue(queue) => Some(queue),
            Destination::Exchange { .. } => None,
        }
    }

    /// `true` for `amqps://`.
    pub fn is_tls(&self) -> bool {
        self.uri.scheme == AMQPScheme::AMQPS
    }

    /// The user name the address gives, if any.
    pub fn user(&self) -> Option<&str> {
        self.user_given
            .then_some(self.uri.authority.userinfo.username.as_str())
    }

    /// The broker's host name.
    pub fn host(&self) -> &str {
        &self.uri.authority.host
    }

    /// The broker's port.
    pub fn port(&self) -> u16 {
        self.uri.authority.port
    }

    /// The virtual host.
    pub fn vhost(&self) -> &str {
        &self.uri.vhost
    }

    /// The broker URI for lapin (credentials are filled in by the connector).
    pub(crate) fn broker_uri(&self) -> AMQPUri {
        self.uri.clone()
    }
}

fn check_name(name: &str, what: &'static str) -> Result<(), AddressError> {
    let bad = |reason: &str| AddressError::BadName {
        name: name.to_owned(),
        what,
        reason: reason.to_owned(),
    };
    if name.len() > MAX_NAME_BYTES {
        return Err(bad("longer than 255 bytes"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    Ok(())
}

impl FromStr for AmqpAddress {
    type Err = AddressError;

    fn from_str(address: &str) -> Result<Self, Self::Err> {
        let syntax = |reason: String| AddressError::Syntax {
            address: address.to_owned(),
            reason,
        };
        let url = url::Url::parse(address).map_err(|e| syntax(e.to_string()))?;
        if url.password().is_some() {
            return Err(AddressError::PasswordInAddress {
                address: url.host_str().unwrap_or_default().to_owned(),
            });
        }
        let mut uri = AMQPUri::from_str(address).map_err(syntax)?;
        // lapin reads IP literals as "no domain"; keep the host as written.
        if let Some(host) = url.host_str() {
            uri.authority.host = host.trim_matches(['[', ']']).to_owned();
        }
        let pair = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let destination = match (pair("queue"), pair("exchange")) {
            (Some(_), Some(_)) => {
                return Err(AddressError::AmbiguousDestination {
                    address: address.to_owned(),
                })
            }
            (Some(queue), None) if !queue.is_empty() => {
                check_name(&queue, "queue")?;
                Destination::Queue(queue)
            }
            (None, Some(exchange)) => {
                let routing_key = pair("routing_key").unwrap_or_default();
                check_name(&exchange, "exchange")?;
                check_name(&routing_key, "routing key")?;
                Destination::Exchange {
                    exchange,
                    routing_key,
                }
            }
            _ => {
                return Err(AddressError::NoDestination {
                    address: address.to_owned(),
                })
            }
        };
        Ok(AmqpAddress {
            user_given: !url.username().is_empty(),
            uri,
            destination,
        })
    }
}

/// The public form: no user name, no password, only the destination. This is what goes
/// into TAXII messages and logs (e.g. as `Origin::reached_at`).
impl fmt::Display for AmqpAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
        let host = &self.uri.authority.host;
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        write!(
            f,
            "{}://{host}:{}/{}",
            self.uri.scheme,
            self.uri.authority.port,
            utf8_percent_encode(&self.uri.vhost, NON_ALPHANUMERIC)
        )?;
        let encode = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        match &self.destination {
            Destination::Queue(queue) => write!(f, "?queue={}", encode(queue)),
            Destination::Exchange {
                exchange,
                routing_key,
            } => write!(
                f,
                "?exchange={}&routing_key={}",
                encode(exchange),
                encode(routing_key)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_address_names_the_default_exchange_and_the_queue() {
        let a: AmqpAddress = "amqp://127.0.0.1:5672/%2f?queue=taxii-discovery-service"
            .parse()
            .unwrap();
        assert_eq!(a.destination().exchange(), "");
        assert_eq!(a.destination().routing_key(), "taxii-discovery-service");
        assert_eq!((a.host(), a.port(), a.vhost()), ("127.0.0.1", 5672, "/"));
        assert!(!a.is_tls());
        assert_eq!(
            a.to_string(),
            "amqp://127.0.0.1:5672/%2F?queue=taxii%2Ddiscovery%2Dservice"
        );
        let again: AmqpAddress = a.to_string().parse().unwrap();
        assert_eq!(again.destination(), a.destination());
    }

    #[test]
    fn an_exchange_address_keeps_its_routing_key_and_amqps_its_port() {
        let a: AmqpAddress =
            "amqps://gw@broker.example/community?exchange=taxii&routing_key=inbox.a"
                .parse()
                .unwrap();
        assert_eq!(a.destination().exchange(), "taxii");
        assert_eq!(a.destination().routing_key(), "inbox.a");
        assert_eq!(a.port(), 5671);
        assert_eq!(a.vhost(), "community");
        assert_eq!(a.user(), Some("gw"));
        assert!(a.is_tls());
        assert!(!a.to_string().contains("gw@"), "{a}");
    }

    #[test]
    fn addresses_that_cannot_work_are_refused_with_the_reason() {
        let err = |s: &str| s.parse::<AmqpAddress>().unwrap_err();
        assert!(matches!(
            err("amqp://u:secret@h/?queue=q"),
            AddressError::PasswordInAddress { address } if !address.contains("secret")
        ));
        assert!(matches!(
            err("amqp://h/"),
            AddressError::NoDestination { .. }
        ));
        assert!(matches!(
            err("amqp://h/?queue=a&exchange=b"),
            AddressError::AmbiguousDestination { .. }
        ));
        assert!(matches!(
            err("http://h/?queue=a"),
            AddressError::Syntax { .. }
        ));
        let long = "q".repeat(256);
        assert!(matches!(
            err(&format!("amqp://h/?queue={long}")),
            AddressError::BadName { what: "queue", .. }
        ));
    }
}
