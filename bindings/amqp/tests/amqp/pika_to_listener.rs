//! A foreign partner (pika) sends requests with `reply_to` to our listener; the answers
//! arrive on its reply queue with its correlation ids and the TAXII headers.

use crate::peers::*;
use crate::support::*;
use serde_json::json;
use std::sync::Arc;
use taxii_amqp::{AmqpListener, AmqpListenerConfig, PROTOCOL_AMQP};
use taxii_core::{ids, Identity};

const DISCOVERY: &str = r#"<taxii_11:Discovery_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1"/>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pika_requests_are_answered_on_their_reply_queue() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("pika-to-listener");
    let mut config = AmqpListenerConfig::new("amqp-partners", queue.address());
    config.credentials = guest();
    let listener = AmqpListener::new(config).expect("listener config");
    let recorder = Arc::new(Recorder::default());
    let (stop, task) = serve(listener, recorder.clone());
    wait_for_consumer(&queue.name).await;

    let requests = json!([
        {"body": DISCOVERY, "content_type": "application/xml", "headers": xml11_headers(),
         "reply": true, "correlation_id": "c-1", "user_id": "guest"},
        {"body": DISCOVERY, "content_type": "application/xml; charset=utf-8", "headers": xml11_headers(),
         "reply": true, "correlation_id": "c-2"},
    ]);
    let name = queue.name.clone();
    let report = tokio::task::spawn_blocking(move || pika_partner(&name, &requests, 20));
    let report = report.await.expect("pika partner task");

    let replies = report["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 2, "every request answered: {report}");
    let mut ids: Vec<&str> = replies
        .iter()
        .map(|r| r["correlation_id"].as_str().unwrap_or(""))
        .collect();
    ids.sort();
    assert_eq!(ids, ["c-1", "c-2"]);
    for reply in replies {
        assert_eq!(reply["body"], ANSWER);
        assert_eq!(reply["content_type"], "application/xml");
        assert_eq!(
            reply["headers"]["x-taxii-content-type"],
            ids::MESSAGE_XML_11
        );
        assert_eq!(reply["headers"]["x-taxii-services"], ids::SERVICES_11);
        assert_eq!(reply["headers"]["x-taxii-protocol"], PROTOCOL_AMQP);
    }

    let seen = recorder.seen.lock().expect("recorder").clone();
    assert_eq!(seen.len(), 2);
    for envelope in &seen {
        assert_eq!(
            &envelope.body[..],
            DISCOVERY.as_bytes(),
            "body byte for byte"
        );
        assert_eq!(envelope.message_binding, ids::MESSAGE_XML_11);
        assert_eq!(envelope.services, ids::SERVICES_11);
        assert_eq!(envelope.protocol, PROTOCOL_AMQP);
        assert_eq!(envelope.accept, [ids::MESSAGE_XML_11]);
        assert_eq!(envelope.origin.listener, "amqp-partners");
        let reached = envelope.origin.reached_at.as_deref().expect("reached_at");
        assert!(
            reached.starts_with("amqp://127.0.0.1:5672/") && !reached.contains("guest"),
            "{reached}"
        );
    }
    assert!(
        seen.iter().any(|e| e.origin.identity
            == Identity::Basic {
                user: "guest".into()
            }),
        "the broker-checked user_id becomes the identity"
    );
    assert!(seen
        .iter()
        .any(|e| e.origin.identity == Identity::Anonymous));

    stop.cancel();
    task.await
        .expect("listener task")
        .expect("listener stops cleanly");
    assert_eq!(queue_depth(&queue.name).await, 0, "every request acked");
    assert_eq!(queue_depth(&queue.dead()).await, 0, "nothing dead-lettered");
    queue.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quorum_queue_listener_answers_and_dead_letters_the_same_way() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("quorum");
    let mut config = AmqpListenerConfig::new("amqp-partners", queue.address());
    config.credentials = guest();
    config.queue_type = taxii_amqp::QueueType::Quorum;
    let listener = AmqpListener::new(config).expect("listener config");
    let (stop, task) = serve(listener, Arc::new(Recorder::default()));
    wait_for_consumer(&queue.name).await;

    let requests = json!([
        {"body": DISCOVERY, "content_type": "application/xml", "headers": xml11_headers(),
         "reply": true, "correlation_id": "ok"},
        {"body": DISCOVERY, "content_type": "text/plain", "headers": xml11_headers(),
         "reply": true, "correlation_id": "refused"},
    ]);
    let name = queue.name.clone();
    let report = tokio::task::spawn_blocking(move || pika_partner(&name, &requests, 20))
        .await
        .expect("pika partner task");
    let replies = report["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 2, "{report}");
    let ok = replies
        .iter()
        .find(|r| r["correlation_id"] == "ok")
        .expect("ok reply");
    assert_eq!(ok["body"], ANSWER);
    let refused = replies
        .iter()
        .find(|r| r["correlation_id"] == "refused")
        .expect("refusal");
    assert_eq!(refused["headers"]["x-taxii-status"], "BAD_MESSAGE");

    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    assert_eq!(
        queue_depth(&queue.dead()).await,
        1,
        "dead-lettered into the quorum .dead queue"
    );
    queue.delete().await;
}
