//! cabby 0.1.23 (CLI and library), TAXII 1.1 and 1.0, against our listener in front of
//! the XML responder: every message type goes through with the headers cabby sends; Basic
//! and HTTPS with client certificates too.

mod common;

use common::cli::{args, cabby_ok, run};
use common::pki::Authority;
use common::responder::{Responder, INDICATOR};
use std::sync::Arc;
use taxii_core::{ids, Identity, MessageType};
use taxii_http::{ClientCertificates, Secret, StaticBasicVerifier, TlsServerSettings};

fn base(listener: &common::Running) -> Vec<String> {
    args(&[
        "--host",
        "127.0.0.1",
        "--port",
        &listener.addr.port().to_string(),
    ])
}

fn with(mut base: Vec<String>, more: &[&str]) -> Vec<String> {
    base.extend(args(more));
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cabby_11_sends_every_message_type_through() {
    let responder = Responder::new();
    let listener = common::start(common::config("public"), responder.clone()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("indicator.xml");
    std::fs::write(&content, INDICATOR).expect("write content");
    let b = base(&listener);

    let out = cabby_ok(
        "taxii-discovery",
        &with(b.clone(), &["--discovery", "/taxii-discovery-service/"]),
    )
    .await;
    assert!(out.contains("/taxii-discovery-service/"), "{out}");
    let out = cabby_ok("taxii-collections", &with(b.clone(), &["--path", "/taxii"])).await;
    assert!(out.contains("collection-a"), "{out}");
    let content_arg = content.to_string_lossy().to_string();
    cabby_ok(
        "taxii-push",
        &with(
            b.clone(),
            &[
                "--path",
                "/taxii",
                "-f",
                &content_arg,
                "--dest",
                "collection-a",
            ],
        ),
    )
    .await;
    let out = cabby_ok(
        "taxii-poll",
        &with(b.clone(), &["--path", "/taxii", "-c", "collection-a"]),
    )
    .await;
    assert_eq!(
        out.matches("gateway test indicator").count(),
        2,
        "both parts: {out}"
    );
    let out = cabby_ok(
        "taxii-subscription",
        &with(
            b.clone(),
            &["--path", "/taxii", "-c", "collection-a", "-a", "subscribe"],
        ),
    )
    .await;
    assert!(out.contains("subscription-1"), "{out}");

    let types = responder.types();
    for expected in [
        MessageType::DiscoveryRequest,
        MessageType::CollectionInformationRequest,
        MessageType::InboxMessage,
        MessageType::PollRequest,
        MessageType::PollFulfillmentRequest,
        MessageType::SubscriptionManagementRequest,
    ] {
        assert!(
            types.contains(&expected),
            "{expected:?} missing from {types:?}"
        );
    }
    for (_, envelope) in responder.seen.lock().expect("lock").iter() {
        assert_eq!(envelope.message_binding, ids::MESSAGE_XML_11);
        assert_eq!(envelope.services, ids::SERVICES_11);
        assert_eq!(envelope.accept, vec![ids::MESSAGE_XML_11]);
        assert_eq!(envelope.protocol, ids::PROTOCOL_HTTP_10);
    }
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cabby_10_sends_every_message_type_through() {
    let responder = Responder::new();
    let listener = common::start(common::config("public"), responder.clone()).await;
    let b = with(base(&listener), &["-t", "1.0"]);

    let out = cabby_ok(
        "taxii-discovery",
        &with(b.clone(), &["--discovery", "/taxii"]),
    )
    .await;
    assert!(
        out.contains("FEED_MANAGEMENT") || out.contains("Feed"),
        "{out}"
    );
    let out = cabby_ok("taxii-collections", &with(b.clone(), &["--path", "/taxii"])).await;
    assert!(out.contains("collection-a"), "{out}");
    let out = cabby_ok(
        "taxii-poll",
        &with(b.clone(), &["--path", "/taxii", "-c", "collection-a"]),
    )
    .await;
    assert!(out.contains("gateway test indicator"), "{out}");
    cabby_ok(
        "taxii-subscription",
        &with(
            b.clone(),
            &["--path", "/taxii", "-c", "collection-a", "-a", "subscribe"],
        ),
    )
    .await;
    // `taxii-push -t 1.0` is broken in cabby 0.1.23; its library push works.
    let script = format!(
        "import cabby\n\
         c = cabby.create_client('127.0.0.1', port={}, version='1.0')\n\
         c.push({INDICATOR:?}, 'urn:stix.mitre.org:xml:1.1.1', uri='/taxii')\n\
         print('pushed')\n",
        listener.addr.port()
    );
    let (out, code) = run("python", &args(&["-c", &script])).await;
    assert!(
        code == Some(0) && out.contains("pushed"),
        "cabby push 1.0: {out}"
    );

    let types = responder.types();
    for expected in [
        MessageType::DiscoveryRequest,
        MessageType::CollectionInformationRequest,
        MessageType::PollRequest,
        MessageType::SubscriptionManagementRequest,
        MessageType::InboxMessage,
    ] {
        assert!(
            types.contains(&expected),
            "{expected:?} missing from {types:?}"
        );
    }
    for (message, envelope) in responder.seen.lock().expect("lock").iter() {
        assert_eq!(message.version, taxii_core::Version::V10);
        assert_eq!(envelope.message_binding, ids::MESSAGE_XML_10);
        assert_eq!(envelope.services, ids::SERVICES_10);
    }
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cabby_with_basic_credentials_gets_in_and_without_them_is_told_why() {
    let responder = Responder::new();
    let mut config = common::config("partners");
    config.basic = Some(Arc::new(
        StaticBasicVerifier::new().with_user("harness", Secret::new("harness-pass")),
    ));
    let listener = common::start(config, responder.clone()).await;
    let b = with(base(&listener), &["--discovery", "/taxii"]);

    cabby_ok(
        "taxii-discovery",
        &with(
            b.clone(),
            &["--username", "harness", "--password", "harness-pass"],
        ),
    )
    .await;
    assert_eq!(
        responder.seen.lock().expect("lock")[0].1.origin.identity,
        Identity::Basic {
            user: "harness".into()
        }
    );
    let (out, _) = run(
        "taxii-discovery",
        &with(b.clone(), &["--username", "harness", "--password", "nope"]),
    )
    .await;
    assert!(out.contains("ERROR") && out.contains("401"), "{out}");
    assert_eq!(
        responder.types().len(),
        1,
        "the bad request never reached the handler"
    );
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cabby_over_https_with_a_client_certificate() {
    let ca = Authority::new("partners CA");
    let dir = tempfile::tempdir().expect("temp dir");
    let (server_cert, server_key) = ca.server().write(dir.path(), "server");
    let (client_cert, client_key) = ca.client("acme").write(dir.path(), "acme");
    let (rogue_cert, rogue_key) = Authority::new("rogue")
        .client("mallory")
        .write(dir.path(), "rogue");
    let ca_file = dir.path().join("ca.crt");
    std::fs::write(&ca_file, &ca.cert_pem).expect("write CA");

    let mut tls = TlsServerSettings::from_files(&server_cert, &server_key).expect("read PEM");
    tls.client_certificates = ClientCertificates::Required {
        ca_pem: ca.cert_pem.clone().into_bytes(),
    };
    let mut config = common::config("secure");
    config.tls = Some(tls.build().expect("server TLS"));
    let responder = Responder::new();
    let listener = common::start(config, responder.clone()).await;

    let path = |p: &std::path::PathBuf| p.to_string_lossy().to_string();
    let b = with(
        base(&listener),
        &["--https", "--ca-cert", &path(&ca_file), "--path", "/taxii"],
    );
    let out = cabby_ok(
        "taxii-collections",
        &with(
            b.clone(),
            &["--cert", &path(&client_cert), "--key", &path(&client_key)],
        ),
    )
    .await;
    assert!(out.contains("collection-a"), "{out}");
    let seen = responder.seen.lock().expect("lock")[0].1.clone();
    assert_eq!(seen.protocol, ids::PROTOCOL_HTTPS_10);
    assert!(
        matches!(&seen.origin.identity, Identity::Certificate { subject, .. } if subject == "CN=acme, O=Acme ISAC"),
        "{:?}",
        seen.origin.identity
    );

    for (what, extra) in [
        ("no certificate", vec![]),
        (
            "a certificate from another CA",
            vec!["--cert", &path(&rogue_cert), "--key", &path(&rogue_key)],
        ),
    ] {
        let (out, _) = run("taxii-collections", &with(b.clone(), &extra)).await;
        assert!(out.contains("ERROR"), "{what}: {out}");
    }
    assert_eq!(
        responder.types().len(),
        1,
        "refused clients reached nothing"
    );
    listener.shutdown().await;
}
