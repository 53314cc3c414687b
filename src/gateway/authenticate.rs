//! Who is calling: the identity the protocol binding established, matched to a partner.

use crate::config::{Partner, PartnerAuth, RouteTable};
use taxii_core::{Error, Identity};

/// The partner behind `identity` on `listener`. Credentials were checked by the protocol
/// binding (the Basic password, the certificate chain); here they are mapped to a partner
/// that may use this listener. No credentials: the listener's anonymous partner, if any.
pub fn partner<'t>(
    table: &'t RouteTable,
    listener: &str,
    identity: &Identity,
) -> Result<&'t Partner, Error> {
    let usable = |p: &&Partner| p.may_use_listener(listener);
    let found = match identity {
        Identity::Anonymous => table
            .partners
            .iter()
            .filter(usable)
            .find(|p| p.auth == PartnerAuth::Anonymous),
        Identity::Basic { user } => table
            .partners
            .iter()
            .filter(usable)
            .find(|p| matches!(&p.auth, PartnerAuth::Basic { user: u, .. } if u == user)),
        Identity::Certificate {
            subject, sha256, ..
        } => table
            .partners
            .iter()
            .filter(usable)
            .find(|p| match &p.auth {
                PartnerAuth::CertificateSubject(s) => same_subject(s, subject),
                PartnerAuth::CertificateSha256(f) => f.eq_ignore_ascii_case(sha256),
                _ => false,
            }),
    };
    found.ok_or_else(|| {
        Error::Unauthorized(match identity {
            Identity::Anonymous => {
                "this listener requires credentials (HTTP Basic or a client certificate)".to_owned()
            }
            Identity::Basic { user } => format!("no partner may use this listener as {user:?}"),
            Identity::Certificate { subject, .. } => {
                format!("no partner may use this listener with the certificate of {subject:?}")
            }
        })
    })
}

/// Whether two distinguished names name the same subject: the same attributes, however
/// they are spaced (`CN=acme,O=Acme` in routes.toml, `CN=acme, O=Acme` as certificates are
/// printed), with attribute types in any case, and in either order (RFC 4514 strings list
/// the RDNs last first, printers often first first).
fn same_subject(configured: &str, presented: &str) -> bool {
    let configured = dn_attributes(configured);
    !configured.is_empty() && configured == dn_attributes(presented)
}

/// `(TYPE, value)` of every attribute of a DN, sorted; separators `,` and `+` (multi-valued
/// RDNs), `\` escapes kept in the value.
fn dn_attributes(dn: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' | '+' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    let mut attributes: Vec<(String, String)> = parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((t, v)) => (t.trim().to_ascii_uppercase(), v.trim().to_owned()),
            None => (String::new(), p.trim().to_owned()),
        })
        .collect();
    attributes.sort();
    attributes
}

#[cfg(test)]
mod tests {
    use super::same_subject;

    #[test]
    fn subjects_match_however_spaced_cased_or_ordered() {
        assert!(same_subject("CN=acme,O=Acme", "CN=acme, O=Acme"));
        assert!(same_subject("CN=acme,O=Acme", "O=Acme, CN=acme"));
        assert!(same_subject("cn=acme, o=Acme", "CN=acme,O=Acme"));
        assert!(same_subject("CN=a\\,b,O=x", "O=x, CN=a\\,b"));
        assert!(!same_subject("CN=acme,O=Acme", "CN=acme, O=acme"));
        assert!(!same_subject("CN=acme,O=Acme", "CN=acme"));
        assert!(!same_subject("CN=acme", "CN=acme, O=Acme"));
        assert!(!same_subject("CN=a\\,b", "CN=a, b"));
        assert!(!same_subject("", ""));
    }
}
