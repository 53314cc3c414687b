//! `[[partner]]` entries: how each proves who it is (no two partners can be told apart by
//! the same credentials), the collections granted and the listeners allowed, all by names
//! that exist.

use super::super::context::Context;
use super::super::error::KeyPath;
use super::super::file::{CertificateMatchFile, PartnerAuthFile, PartnerFile};
use super::super::load::Entry;
use super::super::routes::{CollectionGrant, Partner, PartnerAuth};
use super::super::table::{ListenerProtocol, ListenerRoute};
use super::{check_names, known};

/// What partners may refer to: declared names (broken entries included) and the listeners
/// that validated.
pub struct Known<'a> {
    pub listener_names: &'a [String],
    pub listeners: &'a [ListenerRoute],
    pub collection_names: &'a [String],
}

pub fn validate(
    ctx: &mut Context<'_>,
    entries: &[Entry<PartnerFile>],
    known_names: Known<'_>,
) -> Vec<Partner> {
    let Known {
        listener_names,
        listeners: listener_routes,
        collection_names,
    } = known_names;
    check_names(ctx, "partner", entries);
    let mut partners: Vec<(Partner, KeyPath)> = Vec::new();
    for entry in entries {
        let Some(file) = &entry.file else { continue };
        let key = &entry.key;
        let auth = auth(ctx, &key.key("auth"), &file.auth);
        let collections = grant(
            ctx,
            &key.key("collections"),
            &file.collections,
            collection_names,
        );
        let listeners = file.listeners.as_ref().map(|names| {
            for (i, name) in names.iter().enumerate() {
                if !listener_names.contains(name) {
                    ctx.error(
                        &key.key("listeners").index(i),
                        format!(
                            "unknown listener {name:?} {}",
                            known("listeners", listener_names)
                        ),
                    );
                }
            }
            names.clone()
        });
        let Some(auth) = auth else { continue };
        let partner = Partner {
            name: file.name.clone(),
            auth,
            collections,
            listeners,
        };
        if is_certificate(&partner.auth) && !can_show_certificate(&partner, listener_routes) {
            ctx.error(
                &key.key("auth"),
                "certificate auth needs an https listener with client_ca_file among the \
                 listeners this partner may use",
            );
        }
        if let Some((other, _)) = partners.iter().find(|(p, _)| same_identity(p, &partner)) {
            ctx.error(
                &key.key("auth"),
                format!(
                    "partners {:?} and {:?} cannot be told apart: {}",
                    other.name,
                    partner.name,
                    why_same(&partner.auth)
                ),
            );
        }
        partners.push((partner, key.clone()));
    }
    partners.into_iter().map(|(p, _)| p).collect()
}

fn auth(ctx: &mut Context<'_>, key: &KeyPath, auth: &PartnerAuthFile) -> Option<PartnerAuth> {
    match auth {
        PartnerAuthFile::Anonymous => Some(PartnerAuth::Anonymous),
        PartnerAuthFile::Basic(basic) => {
            let key = key.key("basic");
            if basic.user.is_empty() || basic.user.contains(':') {
                ctx.error(&key.key("user"), "a Basic user is not empty and has no ':'");
            }
            let password = ctx.password(&key, basic)?;
            Some(PartnerAuth::Basic {
                user: basic.user.clone(),
                password,
            })
        }
        PartnerAuthFile::Certificate(cert) => certificate(ctx, &key.key("certificate"), cert),
    }
}

fn certificate(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    cert: &CertificateMatchFile,
) -> Option<PartnerAuth> {
    match (&cert.subject, &cert.sha256) {
        (Some(subject), None) if subject.trim().is_empty() => {
            ctx.error(&key.key("subject"), "must not be empty");
            None
        }
        (Some(subject), None) => Some(PartnerAuth::CertificateSubject(subject.clone())),
        (None, Some(sha256)) => {
            // Accept the `AB:CD:...` form tools print; keep lowercase hex.
            let hex: String = sha256
                .chars()
                .filter(|c| *c != ':')
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                Some(PartnerAuth::CertificateSha256(hex))
            } else {
                ctx.error(
                    &key.key("sha256"),
                    "a SHA-256 fingerprint is 64 hex digits (colons allowed)",
                );
                None
            }
        }
        (Some(_), Some(_)) => {
            ctx.error(key, "give subject or sha256, not both");
            None
        }
        (None, None) => {
            ctx.error(key, "missing subject or sha256");
            None
        }
    }
}

fn grant(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    names: &[String],
    collection_names: &[String],
) -> CollectionGrant {
    if names.iter().any(|n| n == "*") {
        if names.len() > 1 {
            ctx.error(key, "\"*\" grants every collection: list it alone");
        }
        return CollectionGrant::All;
    }
    for (i, name) in names.iter().enumerate() {
        if !collection_names.contains(name) {
            ctx.error(
                &key.index(i),
                format!(
                    "unknown collection {name:?} {}",
                    known("collections", collection_names)
                ),
            );
        }
    }
    CollectionGrant::Only(names.to_vec())
}

fn is_certificate(auth: &PartnerAuth) -> bool {
    matches!(
        auth,
        PartnerAuth::CertificateSubject(_) | PartnerAuth::CertificateSha256(_)
    )
}

/// Whether some listener the partner may use asks for client certificates. A partner that
/// may use a listener that did not validate is given the benefit of the doubt (that
/// listener's own errors are reported already).
fn can_show_certificate(partner: &Partner, listeners: &[ListenerRoute]) -> bool {
    let usable = |name: &str| partner.may_use_listener(name);
    let asks = |l: &ListenerRoute| matches!(&l.protocol, ListenerProtocol::Https { tls, .. } if tls.client_ca_file.is_some());
    match &partner.listeners {
        Some(names)
            if names
                .iter()
                .any(|n| !listeners.iter().any(|l| &l.name == n)) =>
        {
            true
        }
        _ => listeners.iter().any(|l| usable(&l.name) && asks(l)),
    }
}

/// Two partners that one connection could be either of: the same Basic user, the same
/// certificate match, or two anonymous partners on a common listener.
fn same_identity(a: &Partner, b: &Partner) -> bool {
    match (&a.auth, &b.auth) {
        (PartnerAuth::Basic { user: x, .. }, PartnerAuth::Basic { user: y, .. }) => x == y,
        (PartnerAuth::CertificateSubject(x), PartnerAuth::CertificateSubject(y))
        | (PartnerAuth::CertificateSha256(x), PartnerAuth::CertificateSha256(y)) => x == y,
        (PartnerAuth::Anonymous, PartnerAuth::Anonymous) => match (&a.listeners, &b.listeners) {
            (Some(x), Some(y)) => x.iter().any(|l| y.contains(l)),
            _ => true,
        },
        _ => false,
    }
}

fn why_same(auth: &PartnerAuth) -> String {
    match auth {
        PartnerAuth::Basic { user, .. } => format!("both use the Basic user {user:?}"),
        PartnerAuth::CertificateSubject(s) => format!("both match the certificate subject {s:?}"),
        PartnerAuth::CertificateSha256(_) => "both match the same certificate fingerprint".into(),
        PartnerAuth::Anonymous => "both are anonymous on a common listener".into(),
    }
}
