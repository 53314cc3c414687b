//! libtaxii 1.1.119's client scripts (and its library for subscriptions, which has no
//! script), TAXII 1.1 and 1.0, against our listener in front of the XML responder. They
//! send `X-Taxii-*` capitalisation; every message type must go through.

mod common;

use common::cli::{args, run};
use common::pki::Authority;
use common::responder::{Responder, INDICATOR};
use taxii_core::{ids, Identity, MessageType, Version};
use taxii_http::{ClientCertificates, Secret, StaticBasicVerifier, TlsServerSettings};

/// Runs a libtaxii script and checks it printed `expect` (and exited 0 unless `crashes`).
async fn libtaxii(script: &str, url: &str, more: &[&str], expect: &str, crashes: bool) -> String {
    let mut all = args(&["-u", url, "--xml-output"]);
    all.extend(args(more));
    let (out, code) = run(script, &all).await;
    assert!(
        out.contains(expect),
        "{script} did not print {expect}:\n{out}"
    );
    let failed = out.contains("Status_Message") && !out.contains("status_type=\"SUCCESS\"");
    assert!(!failed, "{script} got a failure status:\n{out}");
    if !crashes {
        assert_eq!(code, Some(0), "{script} failed:\n{out}");
    }
    out
}

/// A subscription request through libtaxii's own HTTP client.
async fn libtaxii_subscribe(port: u16, version: Version) -> String {
    let script = match version {
        Version::V11 => format!(
            "import libtaxii as t, libtaxii.clients as c, libtaxii.messages_11 as m\n\
             req = m.ManageCollectionSubscriptionRequest(message_id=m.generate_message_id(), \
               collection_name='collection-a', action=m.ACT_SUBSCRIBE, \
               subscription_parameters=m.SubscriptionParameters())\n\
             http = c.HttpClient()\n\
             resp = http.call_taxii_service2('127.0.0.1', '/taxii', t.VID_TAXII_XML_11, req.to_xml(), port={port})\n\
             print(t.get_message_from_http_response(resp, req.message_id).to_xml(pretty_print=True).decode())\n"
        ),
        Version::V10 => format!(
            "import libtaxii as t, libtaxii.clients as c, libtaxii.messages_10 as m\n\
             req = m.ManageFeedSubscriptionRequest(message_id=m.generate_message_id(), \
               feed_name='collection-a', action=m.ACT_SUBSCRIBE, \
               delivery_parameters=m.DeliveryParameters(inbox_protocol=t.VID_TAXII_HTTP_10, \
                 inbox_address='http://127.0.0.1:1/inbox', delivery_message_binding=t.VID_TAXII_XML_10))\n\
             http = c.HttpClient()\n\
             resp = http.call_taxii_service2('127.0.0.1', '/taxii', t.VID_TAXII_XML_10, req.to_xml(), port={port})\n\
             print(t.get_message_from_http_response(resp, req.message_id).to_xml(pretty_print=True).decode())\n"
        ),
    };
    let (out, code) = run("python", &args(&["-c", &script])).await;
    assert_eq!(code, Some(0), "libtaxii subscription failed:\n{out}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libtaxii_11_scripts_send_every_message_type_through() {
    let responder = Responder::new();
    let listener = common::start(common::config("public"), responder.clone()).await;
    let url = listener.url("http", "/taxii");
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("indicator.xml");
    std::fs::write(&content, INDICATOR).expect("write content");
    let content = content.to_string_lossy().to_string();

    libtaxii("discovery_client", &url, &[], "Discovery_Response", false).await;
    libtaxii(
        "collection_information_client",
        &url,
        &[],
        "collection-a",
        false,
    )
    .await;
    libtaxii(
        "inbox_client",
        &url,
        &["--content-file", &content, "--dcn", "collection-a"],
        "SUCCESS",
        false,
    )
    .await;
    let out = libtaxii(
        "poll_client",
        &url,
        &["--collection", "collection-a"],
        "Poll_Response",
        false,
    )
    .await;
    assert!(
        out.contains("more=\"true\"") && out.contains("result-1"),
        "{out}"
    );
    let out = libtaxii(
        "fulfillment_client",
        &url,
        &[
            "--collection",
            "collection-a",
            "--result-id",
            "result-1",
            "--result-part-number",
            "2",
        ],
        "Poll_Response",
        false,
    )
    .await;
    assert!(out.contains("gateway test indicator"), "{out}");
    let out = libtaxii_subscribe(listener.addr.port(), Version::V11).await;
    assert!(out.contains("Subscription_Management_Response"), "{out}");

    let types = responder.types();
    assert_eq!(
        types,
        vec![
            MessageType::DiscoveryRequest,
            MessageType::CollectionInformationRequest,
            MessageType::InboxMessage,
            MessageType::PollRequest,
            MessageType::PollFulfillmentRequest,
            MessageType::SubscriptionManagementRequest,
        ]
    );
    for (_, envelope) in responder.seen.lock().expect("lock").iter() {
        assert_eq!(envelope.message_binding, ids::MESSAGE_XML_11);
        assert_eq!(envelope.services, ids::SERVICES_11);
        assert_eq!(envelope.accept, vec![ids::MESSAGE_XML_11]);
    }
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libtaxii_10_scripts_send_every_message_type_through() {
    let responder = Responder::new();
    let listener = common::start(common::config("public"), responder.clone()).await;
    let url = listener.url("http", "/taxii");
    libtaxii(
        "discovery_client_10",
        &url,
        &[],
        "Discovery_Response",
        false,
    )
    .await;
    libtaxii(
        "feed_information_client_10",
        &url,
        &[],
        "collection-a",
        false,
    )
    .await;
    libtaxii("inbox_client_10", &url, &[], "SUCCESS", false).await;
    // poll_client_10 prints the right response, then crashes on its own bug.
    let out = libtaxii(
        "poll_client_10",
        &url,
        &["--feed", "collection-a"],
        "Poll_Response",
        true,
    )
    .await;
    assert!(out.contains("gateway test indicator"), "{out}");
    let out = libtaxii_subscribe(listener.addr.port(), Version::V10).await;
    assert!(out.contains("Subscription_Management_Response"), "{out}");

    assert_eq!(
        responder.types(),
        vec![
            MessageType::DiscoveryRequest,
            MessageType::CollectionInformationRequest,
            MessageType::InboxMessage,
            MessageType::PollRequest,
            MessageType::SubscriptionManagementRequest,
        ]
    );
    for (message, envelope) in responder.seen.lock().expect("lock").iter() {
        assert_eq!(message.version, Version::V10);
        assert_eq!(envelope.message_binding, ids::MESSAGE_XML_10);
        assert_eq!(envelope.services, ids::SERVICES_10);
    }
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libtaxii_over_https_with_a_client_certificate_and_basic() {
    let ca = Authority::new("partners CA");
    let dir = tempfile::tempdir().expect("temp dir");
    let (server_cert, server_key) = ca.server().write(dir.path(), "server");
    let (client_cert, client_key) = ca.client("acme").write(dir.path(), "acme");
    let ca_file = dir.path().join("ca.crt");
    std::fs::write(&ca_file, &ca.cert_pem).expect("write CA");
    let mut tls = TlsServerSettings::from_files(&server_cert, &server_key).expect("PEM");
    tls.client_certificates = ClientCertificates::Required {
        ca_pem: ca.cert_pem.clone().into_bytes(),
    };
    let mut config = common::config("secure");
    config.tls = Some(tls.build().expect("server TLS"));
    config.basic = Some(std::sync::Arc::new(
        StaticBasicVerifier::new().with_user("harness", Secret::new("harness-pass")),
    ));
    let responder = Responder::new();
    let listener = common::start(config, responder.clone()).await;
    let url = listener.url("https", "/taxii");
    let path = |p: &std::path::Path| p.to_string_lossy().to_string();
    libtaxii(
        "discovery_client",
        &url,
        &[
            "--cert",
            &path(&client_cert),
            "--key",
            &path(&client_key),
            "--verify-server",
            &path(&ca_file),
            "--username",
            "harness",
            "--pass",
            "harness-pass",
        ],
        "Discovery_Response",
        false,
    )
    .await;
    let (_, envelope) = responder.seen.lock().expect("lock")[0].clone();
    assert_eq!(envelope.protocol, ids::PROTOCOL_HTTPS_10);
    assert_eq!(
        envelope.origin.identity,
        Identity::Basic {
            user: "harness".into()
        }
    );
    listener.shutdown().await;
}
