//! HTTPS with certificates made at test time: server-only TLS, mutual TLS accepted with a
//! good client certificate (its identity reaches the handler) and refused with none, one
//! from another CA, or an expired one; the server-name override; an untrusted server.

mod common;

use common::pki::{Authority, Issued};
use common::{Echo, Running, DISCOVERY_11};
use std::sync::Arc;
use taxii_core::{ids, Error, Exchange, Identity, StatusType};
use taxii_http::{
    BasicCredentials, ClientCertificates, HttpClient, HttpClientConfig, Secret,
    StaticBasicVerifier, TlsClientSettings, TlsServerSettings,
};

struct Pki {
    ca: Authority,
    server: Issued,
}

fn pki() -> Pki {
    let ca = Authority::new("partners CA");
    let server = ca.server();
    Pki { ca, server }
}

async fn https_listener(pki: &Pki, clients: ClientCertificates, echo: Arc<Echo>) -> Running {
    let mut config = common::config("secure");
    config.tls = Some(
        TlsServerSettings {
            cert_chain_pem: pki.server.cert_pem.clone().into_bytes(),
            key_pem: pki.server.key_pem.clone().into_bytes(),
            client_certificates: clients,
        }
        .build()
        .expect("server TLS"),
    );
    common::start(config, echo).await
}

fn client(listener: &Running, ca: &Authority, client_cert: Option<&Issued>) -> HttpClient {
    let mut config = HttpClientConfig::new("secure-peer", listener.url("https", "/taxii"));
    config.tls = TlsClientSettings {
        ca_bundle_pem: Some(ca.cert_pem.clone().into_bytes()),
        client_cert_pem: client_cert.map(|c| {
            (
                c.cert_pem.clone().into_bytes(),
                c.key_pem.clone().into_bytes(),
            )
        }),
    };
    HttpClient::new(config).expect("client")
}

async fn exchange(client: &HttpClient) -> Result<taxii_core::Envelope, Error> {
    client.exchange(common::xml11_request(DISCOVERY_11)).await
}

#[tokio::test]
async fn server_only_tls_carries_the_https_protocol_id_both_ways() {
    let pki = pki();
    let echo = Echo::new();
    let listener = https_listener(&pki, ClientCertificates::NotRequested, echo.clone()).await;
    let answer = exchange(&client(&listener, &pki.ca, None))
        .await
        .expect("https");
    assert_eq!(&answer.body[..], DISCOVERY_11.as_bytes());
    assert_eq!(answer.protocol, ids::PROTOCOL_HTTPS_10);
    let seen = echo.last();
    assert_eq!(seen.protocol, ids::PROTOCOL_HTTPS_10);
    assert_eq!(seen.origin.identity, Identity::Anonymous);
    assert!(
        seen.origin
            .reached_at
            .as_deref()
            .is_some_and(|r| r.starts_with("https://127.0.0.1:")),
        "{:?}",
        seen.origin.reached_at
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_server_we_do_not_trust_is_a_failure_that_says_so() {
    let pki = pki();
    let listener = https_listener(&pki, ClientCertificates::NotRequested, Echo::new()).await;
    let stranger = Authority::new("some other CA");
    let error = exchange(&client(&listener, &stranger, None))
        .await
        .expect_err("untrusted server");
    assert_eq!(error.status_type(), StatusType::Failure, "{error}");
    assert!(error.to_string().contains("do not trust"), "{error}");
    listener.shutdown().await;
}

#[tokio::test]
async fn the_server_name_override_is_what_gets_verified() {
    let pki = pki();
    let listener = https_listener(&pki, ClientCertificates::NotRequested, Echo::new()).await;
    let url = format!("https://127.0.0.1:{}/taxii", listener.addr.port());
    for (name, works) in [("localhost", true), ("isac.example", false)] {
        let mut config = HttpClientConfig::new("secure-peer", url.clone());
        config.server_name = Some(name.to_owned());
        config.tls.ca_bundle_pem = Some(pki.ca.cert_pem.clone().into_bytes());
        let result = exchange(&HttpClient::new(config).expect("client")).await;
        assert_eq!(result.is_ok(), works, "{name}: {result:?}");
        if let Err(error) = result {
            assert!(error.to_string().contains("NotValidForName"), "{error}");
        }
    }
    listener.shutdown().await;
}

#[tokio::test]
async fn mutual_tls_identifies_the_partner_by_its_certificate() {
    let pki = pki();
    let echo = Echo::new();
    let required = ClientCertificates::Required {
        ca_pem: pki.ca.cert_pem.clone().into_bytes(),
    };
    let listener = https_listener(&pki, required, echo.clone()).await;
    let partner = pki.ca.client("acme");
    exchange(&client(&listener, &pki.ca, Some(&partner)))
        .await
        .expect("a good client certificate is accepted");
    let Identity::Certificate {
        subject,
        subject_alt_names,
        sha256,
    } = echo.last().origin.identity
    else {
        panic!(
            "not a certificate identity: {:?}",
            echo.last().origin.identity
        );
    };
    assert_eq!(subject, "CN=acme, O=Acme ISAC");
    assert_eq!(subject_alt_names, vec!["DNS:acme.partners.example"]);
    assert_eq!(sha256.len(), 64);
    listener.shutdown().await;
}

#[tokio::test]
async fn mutual_tls_refuses_no_certificate_a_wrong_ca_and_an_expired_one() {
    let pki = pki();
    let required = ClientCertificates::Required {
        ca_pem: pki.ca.cert_pem.clone().into_bytes(),
    };
    let echo = Echo::new();
    let listener = https_listener(&pki, required, echo.clone()).await;
    let other_ca = Authority::new("rogue CA");
    let rogue = other_ca.client("mallory");
    let expired = pki.ca.expired_client("acme");
    for (what, cert) in [
        ("no certificate", None),
        ("a certificate from another CA", Some(&rogue)),
        ("an expired certificate", Some(&expired)),
    ] {
        let error = exchange(&client(&listener, &pki.ca, cert))
            .await
            .expect_err(what);
        assert_eq!(
            error.status_type(),
            StatusType::Unauthorized,
            "{what}: {error}"
        );
        assert!(
            error.to_string().contains("refused our TLS credentials"),
            "{error}"
        );
    }
    assert!(
        echo.seen.lock().expect("lock").is_empty(),
        "nothing got through"
    );
    // ... and the listener still serves good partners.
    exchange(&client(&listener, &pki.ca, Some(&pki.ca.client("acme"))))
        .await
        .expect("still serving");
    listener.shutdown().await;
}

#[tokio::test]
async fn optional_client_certificates_let_basic_users_in_too() {
    let pki = pki();
    let echo = Echo::new();
    let mut config = common::config("secure");
    config.tls = Some(
        TlsServerSettings {
            cert_chain_pem: pki.server.cert_pem.clone().into_bytes(),
            key_pem: pki.server.key_pem.clone().into_bytes(),
            client_certificates: ClientCertificates::Optional {
                ca_pem: pki.ca.cert_pem.clone().into_bytes(),
            },
        }
        .build()
        .expect("server TLS"),
    );
    config.basic = Some(Arc::new(
        StaticBasicVerifier::new().with_user("reader", Secret::new("reader-pass")),
    ));
    let listener = common::start(config, echo.clone()).await;

    exchange(&client(&listener, &pki.ca, Some(&pki.ca.client("acme"))))
        .await
        .expect("certificate alone");
    assert!(matches!(
        echo.last().origin.identity,
        Identity::Certificate { .. }
    ));

    let mut config = HttpClientConfig::new("secure-peer", listener.url("https", "/taxii"));
    config.tls.ca_bundle_pem = Some(pki.ca.cert_pem.clone().into_bytes());
    config.credentials = Some(BasicCredentials {
        user: "reader".to_owned(),
        password: Secret::new("reader-pass"),
    });
    exchange(&HttpClient::new(config).expect("client"))
        .await
        .expect("Basic alone");
    assert_eq!(
        echo.last().origin.identity,
        Identity::Basic {
            user: "reader".to_owned()
        }
    );

    let anonymous = exchange(&client(&listener, &pki.ca, None))
        .await
        .expect("answer");
    assert!(String::from_utf8_lossy(&anonymous.body).contains("UNAUTHORIZED"));
    listener.shutdown().await;
}

#[test]
fn broken_pem_is_refused_with_the_reason() {
    let error = TlsServerSettings {
        cert_chain_pem: b"not a certificate".to_vec(),
        key_pem: b"nor a key".to_vec(),
        client_certificates: ClientCertificates::NotRequested,
    }
    .build()
    .expect_err("garbage PEM");
    assert!(
        error.to_string().contains("no CERTIFICATE block"),
        "{error}"
    );
    let debug = format!(
        "{:?}",
        TlsServerSettings {
            cert_chain_pem: Vec::new(),
            key_pem: b"-----BEGIN PRIVATE KEY-----secret".to_vec(),
            client_certificates: ClientCertificates::NotRequested,
        }
    );
    assert!(!debug.contains("secret"), "{debug}");
}

#[tokio::test]
async fn settings_read_from_files_work_and_missing_files_are_named() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("temp dir");
    let (server_cert, server_key) = pki.server.write(dir.path(), "server");
    let (client_cert, client_key) = pki.ca.client("acme").write(dir.path(), "acme");
    let ca_file = dir.path().join("ca.crt");
    std::fs::write(&ca_file, &pki.ca.cert_pem).expect("write CA");

    let mut tls = TlsServerSettings::from_files(&server_cert, &server_key).expect("server PEM");
    tls.client_certificates = ClientCertificates::from_ca_file(&ca_file, true).expect("CA");
    let mut config = common::config("secure");
    config.tls = Some(tls.build().expect("server TLS"));
    let echo = Echo::new();
    let listener = common::start(config, echo.clone()).await;
    let mut client = HttpClientConfig::new("secure-peer", listener.url("https", "/taxii"));
    client.tls = TlsClientSettings::from_files(Some(&ca_file), Some((&client_cert, &client_key)))
        .expect("client PEM");
    exchange(&HttpClient::new(client).expect("client"))
        .await
        .expect("mutual TLS from files");
    assert!(matches!(
        echo.last().origin.identity,
        Identity::Certificate { .. }
    ));
    listener.shutdown().await;

    let missing = dir.path().join("missing.crt");
    let error = TlsClientSettings::from_files(Some(&missing), None).expect_err("no such file");
    assert!(error.to_string().contains("missing.crt"), "{error}");
}

#[tokio::test]
async fn stalled_and_plain_text_handshakes_are_closed_and_the_listener_carries_on() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pki = pki();
    let mut config = common::config("secure");
    config.header_read_timeout = std::time::Duration::from_millis(300);
    config.tls = Some(
        TlsServerSettings {
            cert_chain_pem: pki.server.cert_pem.clone().into_bytes(),
            key_pem: pki.server.key_pem.clone().into_bytes(),
            client_certificates: ClientCertificates::NotRequested,
        }
        .build()
        .expect("server TLS"),
    );
    let listener = common::start(config, Echo::new()).await;
    let mut silent = tokio::net::TcpStream::connect(listener.addr)
        .await
        .expect("connect");
    let mut plain = tokio::net::TcpStream::connect(listener.addr)
        .await
        .expect("connect");
    plain
        .write_all(&common::raw::taxii_post("/taxii", DISCOVERY_11))
        .await
        .expect("plain HTTP to the TLS port");
    for stream in [&mut silent, &mut plain] {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            stream.read_to_end(&mut rest),
        )
        .await;
        assert!(read.is_ok(), "closed by the listener");
        assert!(!rest.starts_with(b"HTTP/1.1 200"), "{rest:?}");
    }
    exchange(&client(&listener, &pki.ca, None))
        .await
        .expect("still serving");
    listener.shutdown().await;
}
