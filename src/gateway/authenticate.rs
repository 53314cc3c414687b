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
                PartnerAuth::CertificateSubject(s) => s == subject,
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
