//! The outbound side: [`HttpClient`] sends request envelopes to one peer's TAXII service
//! URL as HTTP POSTs over a keep-alive connection pool and returns the peer's answer as an
//! envelope. It implements [`Exchange`], so the router treats a peer like any handler.
//!
//! * `connector.rs`: TCP, proxy `CONNECT`, TLS.
//! * `peer_errors.rs`: non-TAXII answers and transport failures as TAXII errors.

mod connector;
mod peer_errors;

use crate::auth::basic_header;
use crate::body::{read_limited, BodyError};
use crate::headers::{
    accept_header_for, content_type_for, header_text, X_TAXII_ACCEPT, X_TAXII_CONTENT_TYPE,
    X_TAXII_PROTOCOL, X_TAXII_SERVICES,
};
use crate::{ConfigError, Secret, TlsClientSettings, Transport};
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Request, Uri};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls_pki_types::ServerName;
use std::time::Duration;
use taxii_core::{Envelope, Error, Exchange, Origin};

/// A user name and a password (the password is never logged).
#[derive(Debug, Clone)]
pub struct BasicCredentials {
    pub user: String,
    pub password: Secret,
}

/// An outbound HTTP proxy, reached with `CONNECT` for every peer connection.
#[derive(Debug, Clone)]
pub struct ProxySettings {
    /// `http://host:port` of the proxy.
    pub url: String,
    pub credentials: Option<BasicCredentials>,
}

/// How to reach one peer's TAXII service.
#[derive(Debug, Clone)]
pub struct HttpClientConfig {
    /// The peer's route-table name, used in error messages.
    pub peer: String,
    /// The service URL (`http://...` or `https://...`).
    pub url: String,
    pub credentials: Option<BasicCredentials>,
    /// CA bundle and client certificate for `https` peers.
    pub tls: TlsClientSettings,
    /// The TLS server name to verify instead of the URL's host.
    pub server_name: Option<String>,
    pub proxy: Option<ProxySettings>,
    pub connect_timeout: Duration,
    /// The whole exchange: connecting, sending, and reading the answer.
    pub exchange_timeout: Duration,
    /// The largest answer accepted, in bytes.
    pub max_response_bytes: u64,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
}

impl HttpClientConfig {
    /// No credentials, the system trust store, 10 s to connect, 120 s per exchange,
    /// 256 MiB answers, idle connections kept 5 s (below common server keep-alive limits).
    pub fn new(peer: impl Into<String>, url: impl Into<String>) -> HttpClientConfig {
        HttpClientConfig {
            peer: peer.into(),
            url: url.into(),
            credentials: None,
            tls: TlsClientSettings::default(),
            server_name: None,
            proxy: None,
            connect_timeout: Duration::from_secs(10),
            exchange_timeout: Duration::from_secs(120),
            max_response_bytes: 256 * 1024 * 1024,
            pool_idle_timeout: Duration::from_secs(5),
        }
    }
}

/// A pooled keep-alive client for one peer's TAXII service.
pub struct HttpClient {
    peer: String,
    uri: Uri,
    transport: Transport,
    /// Marked sensitive, so hyper and `http` never print it.
    authorization: Option<HeaderValue>,
    exchange_timeout: Duration,
    max_response_bytes: u64,
    client: Client<connector::Connector, Full<Bytes>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("peer", &self.peer)
            .field("uri", &self.uri)
            .field("basic", &self.authorization.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Checks the configuration and builds the client (it connects on first use).
    pub fn new(config: HttpClientConfig) -> Result<HttpClient, ConfigError> {
        let uri = parse_url(&config.url)?;
        let transport = match uri.scheme_str() {
            Some("https") => Transport::Https,
            _ => Transport::Http,
        };
        let tls = match transport {
            Transport::Https => Some(config.tls.build()?),
            Transport::Http => None,
        };
        let server_name = config
            .server_name
            .map(|name| {
                ServerName::try_from(name.clone())
                    .map_err(|e| ConfigError::Tls(format!("server name {name:?}: {e}")))
            })
            .transpose()?;
        let proxy = config
            .proxy
            .map(|proxy| {
                let proxy_uri = parse_url(&proxy.url)?;
                if proxy_uri.scheme_str() != Some("http") {
                    return Err(ConfigError::Url {
                        url: proxy.url.clone(),
                        reason: "the proxy is reached with CONNECT over plain http://".to_owned(),
                    });
                }
                let address = proxy_uri
                    .authority()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                let address = if proxy_uri.port().is_some() {
                    address
                } else {
                    format!("{address}:80")
                };
                Ok::<_, ConfigError>(connector::Proxy {
                    address,
                    authorization: proxy
                        .credentials
                        .map(|c| basic_header(&c.user, &c.password)),
                })
            })
            .transpose()?;
        let connector = connector::Connector::new(tls, server_name, proxy, config.connect_timeout);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(HttpClient {
            peer: config.peer,
            uri,
            transport,
            authorization: config.credentials.map(sensitive_basic).transpose()?,
            exchange_timeout: config.exchange_timeout,
            max_response_bytes: config.max_response_bytes,
            client,
        })
    }

    fn request(&self, envelope: &Envelope) -> Result<Request<Full<Bytes>>, Error> {
        let mut builder = Request::post(self.uri.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static(content_type_for(&envelope.message_binding)),
            )
            .header(
                ACCEPT,
                accept_header_for(&envelope.accept, &envelope.message_binding),
            )
            .header(X_TAXII_CONTENT_TYPE, envelope.message_binding.as_str())
            .header(X_TAXII_SERVICES, envelope.services.as_str())
            .header(
                X_TAXII_PROTOCOL,
                HeaderValue::from_static(self.transport.protocol_id()),
            )
            .header(
                USER_AGENT,
                HeaderValue::from_static(concat!("taxii-gateway/", env!("CARGO_PKG_VERSION"))),
            );
        if !envelope.accept.is_empty() {
            builder = builder.header(X_TAXII_ACCEPT, envelope.accept.join(" "));
        }
        if let Some(authorization) = &self.authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        builder.body(Full::new(envelope.body.clone())).map_err(|e| {
            Error::BadRequest(format!("the envelope's TAXII headers cannot be sent: {e}"))
        })
    }

    async fn send(
        &self,
        request: Request<Full<Bytes>>,
        asked: &Envelope,
    ) -> Result<Envelope, Error> {
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| peer_errors::transport_failure(&self.peer, &e))?;
        let (parts, body) = response.into_parts();
        let body = read_limited(body, self.max_response_bytes)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge { read } => Error::Internal(format!(
                    "peer {} answered more than {} bytes ({read} read so far)",
                    self.peer, self.max_response_bytes
                )),
                BodyError::Broken(reason) => Error::Unavailable {
                    peer: self.peer.clone(),
                    reason: format!("the answer broke off: {reason}"),
                },
            })?;
        let text = |name: &http::HeaderName| {
            header_text(&parts.headers, name)
                .ok()
                .flatten()
                .map(str::to_owned)
        };
        let Some(message_binding) = text(&X_TAXII_CONTENT_TYPE) else {
            return Err(peer_errors::non_taxii_answer(
                &self.peer,
                parts.status,
                &body,
            ));
        };
        // A TAXII message in any HTTP status (a Status_Message in a 401, say) is the
        // peer's answer, passed on intact.
        Ok(Envelope {
            body,
            message_binding,
            services: text(&X_TAXII_SERVICES).unwrap_or_else(|| asked.services.clone()),
            protocol: text(&X_TAXII_PROTOCOL)
                .unwrap_or_else(|| self.transport.protocol_id().to_owned()),
            accept: Vec::new(),
            origin: Origin {
                listener: String::new(),
                reached_at: Some(self.uri.to_string()),
                ..Origin::default()
            },
        })
    }
}

#[async_trait::async_trait]
impl Exchange for HttpClient {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        let http_request = self.request(&request)?;
        match tokio::time::timeout(self.exchange_timeout, self.send(http_request, &request)).await {
            Ok(answer) => answer,
            Err(_) => Err(Error::Unavailable {
                peer: self.peer.clone(),
                reason: format!(
                    "no answer from {} within {} s",
                    self.uri,
                    self.exchange_timeout.as_secs_f64()
                ),
            }),
        }
    }
}

fn sensitive_basic(credentials: BasicCredentials) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(&basic_header(&credentials.user, &credentials.password))
        .map_err(|_| {
            ConfigError::Secret(format!(
                "the user name {:?} cannot be sent in an HTTP header",
                credentials.user
            ))
        })?;
    value.set_sensitive(true);
    Ok(value)
}

fn parse_url(url: &str) -> Result<Uri, ConfigError> {
    let bad = |reason: &str| ConfigError::Url {
        url: without_userinfo(url),
        reason: reason.to_owned(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("the scheme must be http or https")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("there is no host"));
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad(
            "credentials do not belong in the URL (they would be logged); configure them apart",
        ));
    }
    Ok(uri)
}

/// The URL with any `user:password@` replaced, for error messages.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://<redacted>@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}
