//! How the gateway reaches a peer securely: its credentials (Basic from the environment or
//! a file, or a client certificate) and TLS settings, checked readable at load time.

use super::super::context::Context;
use super::super::error::KeyPath;
use super::super::file::{ClientTlsFile, PeerAuthFile, PeerFile};
use super::super::routes::{ClientTls, PeerAuth, PeerProtocol};

/// The peer's `auth`, with its password read or its certificate files checked.
pub fn auth(
    ctx: &mut Context<'_>,
    key: &KeyPath,
    file: &PeerFile,
    protocol: PeerProtocol,
) -> Option<PeerAuth> {
    let key = key.key("auth");
    match &file.auth {
        None => Some(PeerAuth::None),
        Some(PeerAuthFile::Basic(basic)) => {
            let key = key.key("basic");
            if basic.user.is_empty() {
                ctx.error(&key.key("user"), "must not be empty");
            }
            let password = ctx.password(&key, basic)?;
            Some(PeerAuth::Basic {
                user: basic.user.clone(),
                password,
            })
        }
        Some(PeerAuthFile::Certificate(cert)) => {
            let key = key.key("certificate");
            if protocol == PeerProtocol::Http {
                ctx.error(&key, "a client certificate needs protocol = \"https\"");
            }
            let cert_file =
                ctx.readable_file(&key.key("cert_file"), "certificate file", &cert.cert_file);
            let key_file = ctx.readable_file(&key.key("key_file"), "key file", &cert.key_file);
            Some(PeerAuth::Certificate {
                cert_file: cert_file?,
                key_file: key_file?,
            })
        }
    }
}

/// TLS settings for an https or amqps peer (the CA file must be readable).
pub fn client_tls(ctx: &mut Context<'_>, key: &KeyPath, tls: &ClientTlsFile) -> Option<ClientTls> {
    let ca_file = match &tls.ca_file {
        Some(ca) => Some(ctx.readable_file(&key.key("ca_file"), "CA file", ca)?),
        None => None,
    };
    if tls.server_name.as_deref() == Some("") {
        ctx.error(&key.key("server_name"), "must not be empty");
    }
    Some(ClientTls {
        ca_file,
        server_name: tls.server_name.clone(),
    })
}
