//! TLS settings for both sides, on rustls with the `ring` provider (the workspace's one
//! crypto provider): the listener's certificate and optional client-certificate
//! verification against a CA, and the client's CA bundle and optional client certificate.

use crate::ConfigError;
use rustls::crypto::CryptoProvider;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

/// Reads a PEM file, naming it in the error.
pub fn read_pem_file(what: &'static str, path: &Path) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|e| ConfigError::Io {
        what,
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Whether and how the listener asks for client certificates (mutual TLS).
#[derive(Debug, Clone, Default)]
pub enum ClientCertificates {
    /// Do not ask for one.
    #[default]
    NotRequested,
    /// Ask; accept a client without one (it must then use Basic), verify any it shows.
    Optional { ca_pem: Vec<u8> },
    /// Refuse the handshake unless the client shows a certificate issued by the CA.
    Required { ca_pem: Vec<u8> },
}

impl ClientCertificates {
    /// Client certificates verified against the CA bundle in `ca_file`; `required`: refuse
    /// clients without one, else let them in to authenticate with Basic.
    pub fn from_ca_file(ca_file: &Path, required: bool) -> Result<Self, ConfigError> {
        let ca_pem = read_pem_file("client CA bundle", ca_file)?;
        Ok(if required {
            ClientCertificates::Required { ca_pem }
        } else {
            ClientCertificates::Optional { ca_pem }
        })
    }
}

/// The listener's TLS settings: a certificate chain and its key, in PEM.
#[derive(Clone)]
pub struct TlsServerSettings {
    pub cert_chain_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    pub client_certificates: ClientCertificates,
}

impl std::fmt::Debug for TlsServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsServerSettings")
            .field("key_pem", &"<redacted>")
            .field("client_certificates", &self.client_certificates)
            .finish_non_exhaustive()
    }
}

impl TlsServerSettings {
    /// Reads the certificate chain and key from PEM files.
    pub fn from_files(cert_chain: &Path, key: &Path) -> Result<TlsServerSettings, ConfigError> {
        Ok(TlsServerSettings {
            cert_chain_pem: read_pem_file("certificate chain", cert_chain)?,
            key_pem: read_pem_file("private key", key)?,
            client_certificates: ClientCertificates::NotRequested,
        })
    }

    /// The rustls configuration (HTTP/1.1 only, TLS 1.2 and 1.3).
    pub fn build(&self) -> Result<Arc<rustls::ServerConfig>, ConfigError> {
        let provider = ring_provider();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Tls(e.to_string()))?;
        let builder = match &self.client_certificates {
            ClientCertificates::NotRequested => builder.with_no_client_auth(),
            ClientCertificates::Optional { ca_pem } | ClientCertificates::Required { ca_pem } => {
                let roots = Arc::new(root_store("client CA bundle", ca_pem)?);
                let verifier =
                    rustls::server::WebPkiClientVerifier::builder_with_provider(roots, provider);
                let verifier = match self.client_certificates {
                    ClientCertificates::Optional { .. } => verifier.allow_unauthenticated(),
                    _ => verifier,
                };
                let verifier = verifier
                    .build()
                    .map_err(|e| ConfigError::Tls(format!("client verifier: {e}")))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(
                certificates("certificate chain", &self.cert_chain_pem)?,
                private_key(&self.key_pem)?,
            )
            .map_err(|e| ConfigError::Tls(format!("certificate and key: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The client's TLS settings.
#[derive(Clone, Default)]
pub struct TlsClientSettings {
    /// Trusted CAs in PEM; `None`: the system's trust store.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// A client certificate chain and its key, in PEM, for mutual TLS.
    pub client_cert_pem: Option<(Vec<u8>, Vec<u8>)>,
}

impl std::fmt::Debug for TlsClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsClientSettings")
            .field("private_ca", &self.ca_bundle_pem.is_some())
            .field("client_certificate", &self.client_cert_pem.is_some())
            .finish()
    }
}

impl TlsClientSettings {
    /// Reads an optional CA bundle and an optional client certificate chain and key.
    pub fn from_files(
        ca_bundle: Option<&Path>,
        client_cert_and_key: Option<(&Path, &Path)>,
    ) -> Result<TlsClientSettings, ConfigError> {
        Ok(TlsClientSettings {
            ca_bundle_pem: ca_bundle
                .map(|path| read_pem_file("CA bundle", path))
                .transpose()?,
            client_cert_pem: client_cert_and_key
                .map(|(cert, key)| {
                    Ok::<_, ConfigError>((
                        read_pem_file("client certificate", cert)?,
                        read_pem_file("client key", key)?,
                    ))
                })
                .transpose()?,
        })
    }

    /// The rustls configuration (HTTP/1.1 only).
    pub fn build(&self) -> Result<Arc<rustls::ClientConfig>, ConfigError> {
        let roots = match &self.ca_bundle_pem {
            Some(pem) => root_store("CA bundle", pem)?,
            None => system_roots()?,
        };
        let builder = rustls::ClientConfig::builder_with_provider(ring_provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::Tls(e.to_string()))?
            .with_root_certificates(roots);
        let mut config = match &self.client_cert_pem {
            None => builder.with_no_client_auth(),
            Some((chain, key)) => builder
                .with_client_auth_cert(
                    certificates("client certificate", chain)?,
                    private_key(key)?,
                )
                .map_err(|e| ConfigError::Tls(format!("client certificate and key: {e}")))?,
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn ring_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certificates(what: &str, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Pem {
            what: what.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(ConfigError::Pem {
            what: what.to_owned(),
            reason: "no CERTIFICATE block found".to_owned(),
        });
    }
    Ok(certs)
}

fn private_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, ConfigError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| ConfigError::Pem {
        what: "private key".to_owned(),
        reason: e.to_string(),
    })
}

fn root_store(what: &str, pem: &[u8]) -> Result<RootCertStore, ConfigError> {
    let mut roots = RootCertStore::empty();
    for cert in certificates(what, pem)? {
        roots.add(cert).map_err(|e| ConfigError::Pem {
            what: what.to_owned(),
            reason: e.to_string(),
        })?;
    }
    Ok(roots)
}

fn system_roots() -> Result<RootCertStore, ConfigError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(ConfigError::Tls(format!(
            "no usable CA certificates in the system trust store ({} errors); configure a CA bundle",
            found.errors.len()
        )));
    }
    Ok(roots)
}
