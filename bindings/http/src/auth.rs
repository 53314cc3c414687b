//! Who is calling: HTTP Basic credentials checked by a [`BasicVerifier`], and the identity
//! of a verified client certificate (subject, subject alternative names, SHA-256).

use crate::Secret;
use base64::Engine;
use std::collections::HashMap;
use taxii_core::Identity;

/// Checks HTTP Basic credentials. The gateway implements it from its partner table;
/// [`StaticBasicVerifier`] is a fixed list.
pub trait BasicVerifier: Send + Sync {
    /// Whether `password` is right for `user`.
    fn verify(&self, user: &str, password: &str) -> bool;

    /// Whether a request without credentials may pass, as `Identity::Anonymous`, at this
    /// moment (asked per request, so a verifier backed by a reloadable table can change its
    /// mind without the listener restarting). Either this or
    /// `HttpListenerConfig::allow_anonymous` lets such requests through.
    fn allows_anonymous(&self) -> bool {
        false
    }
}

/// A fixed set of user/password pairs.
#[derive(Debug, Clone, Default)]
pub struct StaticBasicVerifier {
    users: HashMap<String, Secret>,
}

impl StaticBasicVerifier {
    pub fn new() -> StaticBasicVerifier {
        StaticBasicVerifier::default()
    }

    /// Adds (or replaces) one account.
    pub fn with_user(mut self, user: impl Into<String>, password: Secret) -> StaticBasicVerifier {
        self.users.insert(user.into(), password);
        self
    }
}

impl BasicVerifier for StaticBasicVerifier {
    fn verify(&self, user: &str, password: &str) -> bool {
        self.users.get(user).is_some_and(|p| p.matches(password))
    }
}

/// Credentials read from an `Authorization: Basic ...` header.
pub(crate) struct PresentedBasic {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for PresentedBasic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedBasic")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Reads an `Authorization` header value; the error says what is wrong with it (never
/// repeating the password).
pub(crate) fn parse_basic(value: &str) -> Result<PresentedBasic, String> {
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| "the Authorization header has no credentials".to_owned())?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(format!(
            "authorization scheme {scheme:?} is not supported (use Basic)"
        ));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .map_err(|_| "the Basic credentials are not valid base64".to_owned())?;
    let text = String::from_utf8(decoded)
        .map_err(|_| "the Basic credentials are not valid UTF-8".to_owned())?;
    let (user, password) = text
        .split_once(':')
        .ok_or_else(|| "the Basic credentials lack the ':' between user and password".to_owned())?;
    Ok(PresentedBasic {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

/// The `Authorization` header value for Basic credentials.
pub(crate) fn basic_header(user: &str, password: &Secret) -> String {
    let raw = format!("{user}:{}", password.expose());
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// The identity of a client certificate (already verified by TLS): its subject as an
/// RFC 4514-style string, its SANs (`DNS:`, `email:`, `URI:`, `IP:`) and its fingerprint.
pub fn certificate_identity(der: &[u8]) -> Identity {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let sha256 = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let (subject, subject_alt_names) = match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => (cert.subject().to_string(), subject_alt_names(&cert)),
        // rustls verified the chain, so this is unreachable in practice; the fingerprint
        // still identifies the partner.
        Err(_) => (String::new(), Vec::new()),
    };
    Identity::Certificate {
        subject,
        subject_alt_names,
        sha256,
    }
}

fn subject_alt_names(cert: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(d) => Some(format!("DNS:{d}")),
            GeneralName::RFC822Name(e) => Some(format!("email:{e}")),
            GeneralName::URI(u) => Some(format!("URI:{u}")),
            GeneralName::IPAddress(ip) => ip_text(ip).map(|ip| format!("IP:{ip}")),
            _ => None,
        })
        .collect()
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => {
            let octets: [u8; 4] = bytes.try_into().ok()?;
            Some(std::net::Ipv4Addr::from(octets).to_string())
        }
        16 => {
            let octets: [u8; 16] = bytes.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(octets).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_round_trip_and_passwords_may_hold_colons() {
        let header = basic_header("harness", &Secret::new("pa:ss"));
        let creds = parse_basic(&header).expect("parse");
        assert_eq!(creds.user, "harness");
        assert_eq!(creds.password, "pa:ss");
        let lower = header.replacen("Basic", "basic", 1);
        assert_eq!(parse_basic(&lower).expect("parse").user, "harness");
    }

    #[test]
    fn malformed_authorization_says_what_is_wrong() {
        assert!(parse_basic("Bearer abc").unwrap_err().contains("Bearer"));
        assert!(parse_basic("Basic !!!").unwrap_err().contains("base64"));
        assert!(parse_basic("Basic").is_err());
        let no_colon = base64::engine::general_purpose::STANDARD.encode("user");
        assert!(parse_basic(&format!("Basic {no_colon}"))
            .unwrap_err()
            .contains("':'"));
    }

    #[test]
    fn static_verifier_checks_user_and_password() {
        let v = StaticBasicVerifier::new().with_user("reader", Secret::new("reader-pass"));
        assert!(v.verify("reader", "reader-pass"));
        assert!(!v.verify("reader", "wrong"));
        assert!(!v.verify("nobody", "reader-pass"));
    }

    #[test]
    fn certificate_identity_reads_subject_sans_and_fingerprint() {
        let mut params =
            rcgen::CertificateParams::new(vec!["partner.example".to_owned()]).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "acme partner");
        params
            .subject_alt_names
            .push(rcgen::SanType::IpAddress("127.0.0.1".parse().expect("ip")));
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("cert");
        let Identity::Certificate {
            subject,
            subject_alt_names,
            sha256,
        } = certificate_identity(cert.der())
        else {
            panic!("not a certificate identity");
        };
        assert_eq!(subject, "CN=acme partner");
        assert_eq!(
            subject_alt_names,
            vec!["DNS:partner.example", "IP:127.0.0.1"]
        );
        assert_eq!(sha256.len(), 64);
        assert!(sha256
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
