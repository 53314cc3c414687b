//! The file form of `routes.toml`: serde structs that mirror the TOML exactly and refuse
//! unknown keys. Names of protocols, bindings, versions and services stay strings here so
//! that validation can report each bad one with its own line, instead of serde stopping at
//! the first.

use std::path::PathBuf;

use serde::Deserialize;

/// `[hub]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubFile {
    pub data_dir: Option<PathBuf>,
    pub part_size: Option<u64>,
    pub max_10_poll_blocks: Option<u64>,
}

/// `[[listener]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerFile {
    pub name: String,
    pub protocol: String,
    pub bind: Option<String>,
    pub path: Option<String>,
    pub message_bindings: Option<Vec<String>>,
    pub versions: Option<Vec<String>>,
    pub public_url: Option<String>,
    pub max_body_bytes: Option<u64>,
    pub header_timeout_ms: Option<u64>,
    pub max_connections: Option<u64>,
    pub tls: Option<ServerTlsFile>,
    pub url: Option<String>,
    pub url_env: Option<String>,
    pub queue: Option<String>,
    pub prefetch: Option<u16>,
}

/// A listener's `tls = { ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerTlsFile {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub client_ca_file: Option<PathBuf>,
    pub require_client_cert: Option<bool>,
}

/// `[[partner]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerFile {
    pub name: String,
    pub auth: PartnerAuthFile,
    pub collections: Vec<String>,
    pub listeners: Option<Vec<String>>,
}

/// A partner's `auth`: `"anonymous"`, `{ basic = { ... } }` or `{ certificate = { ... } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartnerAuthFile {
    Anonymous,
    Basic(BasicAuthFile),
    Certificate(CertificateMatchFile),
}

/// `{ basic = { user, password_env | password_file } }`, for partners and peers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthFile {
    pub user: String,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
}

/// A partner's `{ certificate = { subject | sha256 } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateMatchFile {
    pub subject: Option<String>,
    pub sha256: Option<String>,
}

/// `[[peer]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerFile {
    pub name: String,
    pub protocol: String,
    pub message: Option<String>,
    pub services: Option<String>,
    pub discovery: Option<String>,
    pub collection_management: Option<String>,
    pub poll: Option<String>,
    pub inbox: Option<String>,
    pub inbox_destination: Option<bool>,
    pub auth: Option<PeerAuthFile>,
    pub tls: Option<ClientTlsFile>,
    pub proxy: Option<String>,
    pub connect_timeout_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
}

/// A peer's `auth`: `{ basic = { ... } }` or `{ certificate = { cert_file, key_file } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeerAuthFile {
    Basic(BasicAuthFile),
    Certificate(ClientCertificateFile),
}

/// A peer's `{ certificate = { cert_file, key_file } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCertificateFile {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// A peer's `tls = { ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientTlsFile {
    pub ca_file: Option<PathBuf>,
    pub server_name: Option<String>,
}

/// `[[collection]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionFile {
    pub name: String,
    pub peer: String,
    pub remote: Option<String>,
    pub description: Option<String>,
    pub services: Option<Vec<String>>,
    pub push_to: Option<Vec<PushTargetFile>>,
    pub content_bindings: Option<Vec<String>>,
}

/// One `push_to` entry: a peer name (same remote name), or `{ peer, remote }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PushTargetFile {
    Peer(String),
    Explicit(ExplicitPushTargetFile),
}

/// `{ peer = "...", remote = "..." }` in `push_to`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplicitPushTargetFile {
    pub peer: String,
    pub remote: Option<String>,
}
