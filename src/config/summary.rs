//! The one-screen summary `taxii-gateway check` prints: what listens where, who may
//! connect and see what, where each collection really lives. It never shows a secret:
//! passwords are not in it, and AMQP URLs appear with their password replaced by `***`.

use std::fmt::Write;

use super::routes::{CollectionGrant, Partner, PartnerAuth, Peer, PeerAuth};
use super::table::{ListenerProtocol, ListenerRoute, RouteTable};
use crate::bindings::MessageBindingKind;

/// The summary, one line per entry, grouped by kind.
pub fn summary(table: &RouteTable) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "route table {}", table.source.display());
    match &table.hub {
        Some(hub) => {
            let _ = writeln!(
                out,
                "hub: data in {}, {} blocks per poll part, at most {} blocks per TAXII 1.0 poll",
                hub.data_dir.display(),
                hub.part_size,
                hub.max_10_poll_blocks
            );
        }
        None => out.push_str("hub: none\n"),
    }
    section(&mut out, "listeners", table.listeners.iter().map(listener));
    section(&mut out, "partners", table.partners.iter().map(partner));
    section(&mut out, "peers", table.peers.iter().map(peer));
    section(
        &mut out,
        "collections",
        table.collections.iter().map(|c| {
            let mut line = format!("{} -> {}/{}", c.name, c.peer, c.remote);
            let services: Vec<&str> = c.services.iter().map(|s| s.name()).collect();
            let _ = write!(line, "  services {}", list(&services));
            if !c.push_to.is_empty() {
                let targets: Vec<String> = c
                    .push_to
                    .iter()
                    .map(|t| format!("{}/{}", t.peer, t.remote))
                    .collect();
                let _ = write!(line, "  push to {}", targets.join(", "));
            }
            if let Some(bindings) = &c.content_bindings {
                let _ = write!(line, "  accepts {}", list(bindings));
            }
            line
        }),
    );
    out
}

fn section(out: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    let _ = writeln!(out, "{title} ({}):", lines.len());
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}

fn listener(l: &ListenerRoute) -> String {
    let place = match &l.protocol {
        ListenerProtocol::Http { bind, path } => format!("http://{bind}{path}"),
        ListenerProtocol::Https { bind, path, tls } => {
            let clients = match (&tls.client_ca_file, tls.require_client_cert) {
                (Some(_), true) => ", client certificate required",
                (Some(_), false) => ", client certificate optional",
                (None, _) => "",
            };
            format!(
                "https://{bind}{path} (cert {}{clients})",
                tls.cert_file.display()
            )
        }
        ListenerProtocol::Amqp {
            url,
            queue,
            prefetch,
        } => format!("amqp {url} queue {queue} prefetch {prefetch}"),
    };
    let bindings: Vec<&str> = l
        .message_bindings
        .iter()
        .map(|b| binding_name(*b))
        .collect();
    let versions: Vec<&str> = l.versions.iter().map(|v| v.short()).collect();
    let mut line = format!(
        "{}  {place}  bindings {}  versions {}",
        l.name,
        list(&bindings),
        list(&versions)
    );
    if let Some(public) = &l.public_url {
        let _ = write!(line, "  public URL {public}");
    }
    line
}

fn partner(p: &Partner) -> String {
    let auth = match &p.auth {
        PartnerAuth::Anonymous => "anonymous".to_owned(),
        PartnerAuth::Basic { user, .. } => format!("basic user {user}"),
        PartnerAuth::CertificateSubject(subject) => format!("certificate subject {subject}"),
        PartnerAuth::CertificateSha256(sha) => format!("certificate sha256 {sha}"),
    };
    let collections = match &p.collections {
        CollectionGrant::All => "* (all)".to_owned(),
        CollectionGrant::Only(names) => list(names),
    };
    let mut line = format!("{}  {auth}  collections {collections}", p.name);
    if let Some(listeners) = &p.listeners {
        let _ = write!(line, "  via {}", list(listeners));
    }
    line
}

fn peer(p: &Peer) -> String {
    let mut line = format!("{}  {}", p.name, p.protocol.name());
    if let Some(binding) = p.message {
        let _ = write!(line, " {}", binding_name(binding));
    }
    let _ = write!(line, " TAXII {}", p.services.short());
    match &p.auth {
        PeerAuth::None => {}
        PeerAuth::Basic { user, .. } => {
            let _ = write!(line, "  auth basic user {user}");
        }
        PeerAuth::Certificate { cert_file, .. } => {
            let _ = write!(line, "  auth certificate {}", cert_file.display());
        }
    }
    let a = &p.addresses;
    let addresses = [
        ("discovery", &a.discovery),
        ("collection_management", &a.collection_management),
        ("poll", &a.poll),
        ("inbox", &a.inbox),
    ];
    for (name, address) in addresses {
        if let Some(address) = address {
            let _ = write!(line, "\n      {name} {address}");
        }
    }
    if let Some(proxy) = &p.proxy {
        let _ = write!(line, "\n      via proxy {proxy}");
    }
    line
}

/// The short name `routes.toml` uses.
fn binding_name(binding: MessageBindingKind) -> &'static str {
    match binding {
        MessageBindingKind::Xml10 => "xml10",
        MessageBindingKind::Xml11 => "xml11",
        MessageBindingKind::Json => "json",
    }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}
