//! Poison messages: missing headers, wrong content types, unsupported bindings, oversized
//! and undecodable bodies. Each is answered with the status that says why (when it has a
//! `reply_to`), dead-lettered into `<queue>.dead`, and the listener keeps consuming.

use crate::peers::*;
use crate::support::*;
use serde_json::{json, Value};
use std::sync::Arc;
use taxii_amqp::{headers, AmqpListener, AmqpListenerConfig};
use taxii_core::{ids, Envelope, Error, Exchange, MessageBinding, Version};

const POLL: &str = r#"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="7" collection_name="c"><taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>"#;

/// A handler that decodes the request with the real XML 1.1 binding, as the router would.
struct Decoding;

#[async_trait::async_trait]
impl Exchange for Decoding {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        taxii_xml::XmlBinding::v11().decode(&request.body, Version::V11)?;
        Ok(xml11(ANSWER))
    }
}

fn request(id: &str, body: &str, content_type: Option<&str>, headers: Value, reply: bool) -> Value {
    json!({"body": body, "content_type": content_type, "headers": headers, "reply": reply, "correlation_id": id})
}

fn replies_by_id(report: &Value) -> std::collections::HashMap<String, Value> {
    let replies = report["replies"].as_array().expect("replies");
    replies
        .iter()
        .map(|r| {
            (
                r["correlation_id"].as_str().unwrap_or_default().to_owned(),
                r.clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_messages_get_their_status_and_are_dead_lettered() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("refusals");
    let mut config = AmqpListenerConfig::new("amqp-partners", queue.address());
    config.credentials = guest();
    config.max_body = 1024;
    let listener = AmqpListener::new(config)
        .expect("config")
        .with_status_writer(xml_status_writer());
    let (stop, task) = serve(listener, Arc::new(Decoding));
    wait_for_consumer(&queue.name).await;

    let xml = Some("application/xml");
    let mut no_services = xml11_headers();
    no_services
        .as_object_mut()
        .expect("object")
        .remove("x-taxii-services");
    let mut yaml = xml11_headers();
    yaml["x-taxii-content-type"] = json!("urn:example:message:yaml:1.0");
    let mut http = xml11_headers();
    http["x-taxii-protocol"] = json!(ids::PROTOCOL_HTTP_10);
    let mut wants_10 = json!({
        "x-taxii-content-type": ids::MESSAGE_XML_10,
        "x-taxii-services": ids::SERVICES_10,
        "x-taxii-accept": ids::MESSAGE_XML_10,
    });
    wants_10["x-taxii-protocol"] = json!(taxii_amqp::PROTOCOL_AMQP);
    let requests = json!([
        request("xml10-oversized", &"y".repeat(2048), xml, wants_10, true),
        request("no-headers", POLL, xml, json!(null), true),
        request(
            "json-content-type",
            POLL,
            Some("application/json"),
            xml11_headers(),
            true
        ),
        request("no-content-type", POLL, None, xml11_headers(), true),
        request("yaml", POLL, Some("application/yaml"), yaml, true),
        request("no-services", POLL, xml, no_services, true),
        request("http-protocol", POLL, xml, http, true),
        request("oversized", &"x".repeat(4096), xml, xml11_headers(), true),
        request("not-xml", "<Poll_Request", xml, xml11_headers(), true),
        request(
            "one-way-poison",
            POLL,
            Some("text/csv"),
            xml11_headers(),
            false
        ),
        request("valid", POLL, xml, xml11_headers(), true),
    ]);
    let name = queue.name.clone();
    let report = tokio::task::spawn_blocking(move || pika_partner(&name, &requests, 20))
        .await
        .expect("pika");
    let replies = replies_by_id(&report);

    let expected = [
        ("no-headers", "BAD_MESSAGE"),
        ("json-content-type", "BAD_MESSAGE"),
        ("no-content-type", "BAD_MESSAGE"),
        ("yaml", "UNSUPPORTED_MESSAGE"),
        ("no-services", "BAD_MESSAGE"),
        ("http-protocol", "UNSUPPORTED_PROTOCOL"),
        ("oversized", "BAD_MESSAGE"),
        ("not-xml", "BAD_MESSAGE"),
        ("valid", "SUCCESS"),
    ];
    for (id, status) in expected {
        let reply = replies
            .get(id)
            .unwrap_or_else(|| panic!("no reply to {id}: {report}"));
        let body = reply["body"].as_str().expect("body");
        assert_eq!(status_type_of(body), status, "{id}: {body}");
        assert_eq!(
            reply["headers"][headers::CONTENT_TYPE],
            ids::MESSAGE_XML_11,
            "{id}"
        );
    }
    let in_10 = &replies["xml10-oversized"];
    assert_eq!(
        in_10["headers"][headers::CONTENT_TYPE],
        ids::MESSAGE_XML_10,
        "answered in the binding the requester accepts: {in_10}"
    );
    assert_eq!(in_10["headers"][headers::SERVICES], ids::SERVICES_10);
    let body_10 = in_10["body"].as_str().unwrap_or_default();
    assert_eq!(
        status_type_in(body_10, Version::V10),
        "BAD_MESSAGE",
        "{body_10}"
    );
    assert_eq!(
        replies.len(),
        expected.len() + 1,
        "the one-way poison gets no reply: {report}"
    );
    let message_of = |id: &str| replies[id]["body"].as_str().unwrap_or_default().to_owned();
    assert!(
        message_of("oversized").contains("exceeds the limit of 1024 bytes"),
        "{}",
        message_of("oversized")
    );
    assert!(
        message_of("json-content-type").contains("does not agree"),
        "{}",
        message_of("json-content-type")
    );
    assert!(
        message_of("yaml").contains(ids::MESSAGE_XML_10),
        "the status lists what is supported"
    );

    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    assert_eq!(
        queue_depth(&queue.name).await,
        0,
        "nothing left to redeliver"
    );
    assert_eq!(
        queue_depth(&queue.dead()).await,
        10,
        "every refused message kept as a dead letter"
    );
    queue.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_status_writer_refusals_get_a_plain_reply_naming_the_status() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("plain-refusal");
    let mut config = AmqpListenerConfig::new("amqp-partners", queue.address());
    config.credentials = guest();
    let listener = AmqpListener::new(config).expect("config");
    let (stop, task) = serve(listener, Arc::new(Recorder::default()));
    wait_for_consumer(&queue.name).await;

    let requests = json!([request(
        "bare",
        POLL,
        Some("application/xml"),
        json!(null),
        true
    )]);
    let name = queue.name.clone();
    let report = tokio::task::spawn_blocking(move || pika_partner(&name, &requests, 20))
        .await
        .expect("pika");
    let reply = &report["replies"][0];
    assert_eq!(reply["correlation_id"], "bare");
    assert_eq!(reply["headers"][headers::STATUS], "BAD_MESSAGE");
    assert!(
        reply["headers"].get(headers::CONTENT_TYPE).is_none(),
        "not a TAXII message: {reply}"
    );
    assert!(reply["body"]
        .as_str()
        .unwrap_or_default()
        .contains("missing header x-taxii-content-type"));

    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    assert_eq!(queue_depth(&queue.dead()).await, 1);
    queue.delete().await;
}
