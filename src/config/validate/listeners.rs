//! `[[listener]]` entries: protocol and its keys, bind addresses (no two listeners on one
//! socket), TLS files, accepted bindings and versions, limits.

use std::net::SocketAddr;

use super::super::context::Context;
use super::super::error::KeyPath;
use super::super::file::{ListenerFile, ServerTlsFile};
use super::super::load::Entry;
use super::super::table::{BrokerUrl, ListenerProtocol, ListenerRoute, ServerTls};
use super::{check_names, forbid, message_bindings, millis, positive, url, versions};

const DEFAULT_PATH: &str = "/taxii";
const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_HEADER_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_MAX_CONNECTIONS: usize = 1024;
const DEFAULT_QUEUE: &str = "taxii.gateway";
const DEFAULT_PREFETCH: u16 = 32;
/// The longest AMQP short string (a queue name).
const MAX_QUEUE_BYTES: usize = 255;

pub fn validate(ctx: &mut Context<'_>, entries: &[Entry<ListenerFile>]) -> Vec<ListenerRoute> {
    check_names(ctx, "listener", entries);
    let mut routes = Vec::new();
    let mut binds: Vec<(SocketAddr, String)> = Vec::new();
    for entry in entries {
        let Some(file) = &entry.file else { continue };
        let key = &entry.key;
        let protocol = protocol(ctx, key, file);
        if let Some(bind) = protocol.as_ref().and_then(bind_of) {
            let clash = binds.iter().find(|(other, _)| sockets_clash(*other, bind));
            if let Some((other, name)) = clash {
                ctx.error(
                    &key.key("bind"),
                    format!("bind address {bind} clashes with {other} of listener {name:?}"),
                );
            }
            binds.push((bind, file.name.clone()));
        }
        let message_bindings = message_bindings(
            ctx,
            &key.key("message_bindings"),
            file.message_bindings.as_ref(),
        );
        let versions = versions(ctx, &key.key("versions"), file.versions.as_ref());
        let some_pair_works = message_bindings
            .iter()
            .any(|b| b.only_version().is_none_or(|v| versions.contains(&v)));
        if !message_bindings.is_empty() && !versions.is_empty() && !some_pair_works {
            ctx.error(
                &key.key("message_bindings"),
                "none of these bindings carries any of the listener's versions",
            );
        }
        let public_schemes: &[&str] = match file.protocol.as_str() {
            "amqp" => &["amqp", "amqps"],
            _ => &["http", "https"],
        };
        let public_url = file
            .public_url
            .as_ref()
            .and_then(|u| url(ctx, &key.key("public_url"), u, public_schemes));
        let max_body_bytes = positive(
            ctx,
            &key.key("max_body_bytes"),
            file.max_body_bytes,
            DEFAULT_MAX_BODY_BYTES,
        );
        let header_timeout = millis(
            ctx,
            &key.key("header_timeout_ms"),
            file.header_timeout_ms,
            DEFAULT_HEADER_TIMEOUT_MS,
        );
        let max_connections = positive(
            ctx,
            &key.key("max_connections"),
            file.max_connections,
            DEFAULT_MAX_CONNECTIONS,
        );
        if let Some(protocol) = protocol {
            routes.push(ListenerRoute {
                name: file.name.clone(),
                protocol,
                message_bindings,
                versions,
                public_url,
                max_body_bytes,
                header_timeout,
                max_connections,
            });
        }
    }
    routes
}

fn bind_of(protocol: &ListenerProtocol) -> Option<SocketAddr> {
    match protocol {
        ListenerProtocol::Http { bind, .. } | ListenerProtocol::Https { bind, .. } => Some(*bind),
        ListenerProtocol::Amqp { .. } => None,
    }
}

/// Two binds clash on the same port when their addresses are equal or either is the
/// wildcard (`0.0.0.0`, `::`).
fn sockets_clash(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

fn protocol(ctx: &mut Context<'_>, key: &KeyPath, file: &ListenerFile) -> Option<ListenerProtocol> {
    match file.protocol.as_str() {
        "http" | "https" => {
            let not_amqp = "only for amqp listeners";
            forbid(ctx, &key.key("url"), &file.url, not_amqp);
            forbid(ctx, &key.key("url_env"), &file.url_env, not_amqp);
            forbid(ctx, &key.key("queue"), &file.queue, not_amqp);
            forbid(ctx, &key.key("prefetch"), &file.prefetch, not_amqp);
            let bind = bind(ctx, key, file.bind.as_deref());
            let path = path(ctx, &key.key("path"), file.path.as_deref());
            if file.protocol == "http" {
                forbid(
                    ctx,
                    &key.key("tls"),
                    &file.tls,
                    "http listeners take no tls: use protocol = \"https\"",
                );
                return Some(ListenerProtocol::Http { bind: bind?, path });
            }
            let tls = match &file.tls {
                Some(tls) => server_tls(ctx, &key.key("tls"), tls),
                None => {
                    ctx.error(
                        &key.key("protocol"),
                        "https needs tls = { cert_file = \"...\", key_file = \"...\" }",
                    );
                    None
                }
            };
            Some(ListenerProtocol::Https {
                bind: bind?,
                path,
                tls: tls?,
            })
        }
        "amqp" => amqp(ctx, key, file),
        other => {
            ctx.error(
                &key.key("protocol"),
                format!("unknown protocol {other:?} (expected http, https or amqp)"),
            );
            None
        }
    }
}

fn bind(ctx: &mut Context<'_>, key: &KeyPath, bind: Option<&str>) -> Option<SocketAddr> {
    let Some(text) = bind else {
        ctx.error(
            &key.key("bind"),
            "missing key (an ip:port, like 127.0.0.1:9090)",
        );
        return None;
    };
    match text.parse::<SocketAddr>() {
        Ok(addr) => Some(addr),
        Err(_) => {
            ctx.error(
                &key.key("bind"),
                format!("{text:?} is not a socket address (expected ip:port, like 127.0.0.1:9090 or [::1]:9090)"),
            );
            None
        }
    }
}

/// The base path, without a trailing `/` (except `/` itself).
fn path(ctx: &mut Context<'_>, key: &KeyPath, path: Option<&str>) -> String {
    let path = path.unwrap_or(DEFAULT_PATH);
    if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
        ctx.error(key, format!("{path:?} is not a URL path (like /taxii)"));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn server_tls(ctx: &mut Context<'_>, key: &KeyPath, tls: &ServerTlsFile) -> Option<ServerTls> {
    let cert_file = ctx.readable_file(&key.key("cert_file"), "certificate file", &tls.cert_file);
    let key_file = ctx.readable_file(&key.key("key_file"), "key file", &tls.key_file);
    let client_ca_file = tls
        .client_ca_file
        .as_ref()
        .map(|ca| ctx.readable_file(&key.key("client_ca_file"), "CA file", ca));
    let require_client_cert = tls.require_client_cert.unwrap_or(false);
    if require_client_cert && tls.client_ca_file.is_none() {
        ctx.error(
            &key.key("require_client_cert"),
            "requiring client certificates needs client_ca_file",
        );
    }
    let client_ca_file = match client_ca_file {
        // Unreadable: already reported.
        Some(None) => return None,
        found => found.flatten(),
    };
    Some(ServerTls {
        cert_file: cert_file?,
        key_file: key_file?,
        client_ca_file,
        require_client_cert,
    })
}

fn amqp(ctx: &mut Context<'_>, key: &KeyPath, file: &ListenerFile) -> Option<ListenerProtocol> {
    let not_here = "not for amqp listeners";
    forbid(ctx, &key.key("bind"), &file.bind, not_here);
    forbid(ctx, &key.key("path"), &file.path, not_here);
    forbid(ctx, &key.key("tls"), &file.tls, not_here);
    let url = match (&file.url, &file.url_env) {
        (Some(text), None) => inline_broker_url(ctx, &key.key("url"), text),
        (None, Some(variable)) => {
            let url_key = key.key("url_env");
            let text = ctx.env_value(&url_key, variable)?;
            broker_url(ctx, &url_key, &text)
        }
        (Some(_), Some(_)) => {
            ctx.error(&key.key("url"), "give url or url_env, not both");
            None
        }
        (None, None) => {
            ctx.error(&key.key("url"), "missing key (or url_env)");
            None
        }
    };
    let queue = file
        .queue
        .clone()
        .unwrap_or_else(|| DEFAULT_QUEUE.to_owned());
    if queue.is_empty() || queue.len() > MAX_QUEUE_BYTES {
        ctx.error(&key.key("queue"), "a queue name has 1 to 255 bytes");
    }
    let prefetch = file.prefetch.unwrap_or(DEFAULT_PREFETCH);
    if prefetch == 0 {
        ctx.error(&key.key("prefetch"), "must be at least 1");
    }
    Some(ListenerProtocol::Amqp {
        url: url?,
        queue,
        prefetch,
    })
}

/// A broker URL written in the file, which must not carry a password: secrets never sit in
/// the routes file.
fn inline_broker_url(ctx: &mut Context<'_>, key: &KeyPath, text: &str) -> Option<BrokerUrl> {
    let url = broker_url(ctx, key, text)?;
    if url.redacted() != url.expose() {
        ctx.error(
            key,
            "a URL in the file must not carry a password: give the whole URL in an \
             environment variable with url_env",
        );
        return None;
    }
    Some(url)
}

/// An `amqp://` or `amqps://` URL; it may carry a password (it is kept redacted).
fn broker_url(ctx: &mut Context<'_>, key: &KeyPath, text: &str) -> Option<BrokerUrl> {
    match url::Url::parse(text) {
        Ok(parsed) if matches!(parsed.scheme(), "amqp" | "amqps") && parsed.has_host() => {
            Some(BrokerUrl::new(text))
        }
        Ok(_) => {
            let shown = BrokerUrl::new(text).redacted();
            ctx.error(key, format!("{shown:?} is not an amqp:// or amqps:// URL"));
            None
        }
        // The URL may hold a password: never repeat it.
        Err(e) => {
            ctx.error(key, format!("not a valid URL: {e}"));
            None
        }
    }
}
