//! Our client against a foreign community member (pika) that answers in CERT-EU JSON:
//! the reply comes back intact with its headers, every request finds its own reply, and
//! unroutable, unanswered and unreachable destinations are honest RETRY errors.

use crate::peers::*;
use crate::support::*;
use std::time::Duration;
use taxii_amqp::{
    headers, AmqpAddress, AmqpClient, AmqpClientConfig, PublishOptions, PROTOCOL_AMQP,
};
use taxii_core::{ids, Error, Exchange, StatusType};

fn client(address: AmqpAddress) -> AmqpClient {
    let mut config = AmqpClientConfig::new("amqp-community", address);
    config.credentials = guest();
    config.request_timeout = Duration::from_secs(10);
    AmqpClient::new(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_reach_pika_and_its_json_replies_come_back_intact() {
    let _broker = shared_broker().await;
    let queue = TestQueue::new("client-to-pika");
    let concurrent = 20;
    let community = PikaCommunity::start(&queue.name, concurrent + 2);
    let client = client(queue.address());

    let reply = client
        .exchange(xml11("<first/>"))
        .await
        .expect("first reply");
    assert_eq!(reply.message_binding, ids::MESSAGE_JSON_CERT_EU_10);
    assert_eq!(reply.services, ids::SERVICES_10);
    assert_eq!(reply.protocol, PROTOCOL_AMQP);
    assert_eq!(reply.origin.listener, "amqp-community");
    let json: serde_json::Value = serde_json::from_slice(&reply.body).expect("pika's JSON body");
    assert_eq!(json["message_type"], "Status_Message");
    assert_eq!(json["message"], "received 8 bytes");

    let options = PublishOptions {
        message_id: Some("taxii-42".into()),
    };
    client
        .request(&xml11("<second/>"), &options)
        .await
        .expect("second reply");

    // Concurrent requests on one connection: each gets the reply to its own body.
    let bodies: Vec<String> = (0..concurrent)
        .map(|i| format!("<m>{}</m>", "x".repeat(i)))
        .collect();
    let mut handles = Vec::new();
    let client = std::sync::Arc::new(client);
    for body in &bodies {
        let (client, body) = (client.clone(), body.clone());
        handles.push(tokio::spawn(async move {
            (body.len(), client.exchange(xml11(&body)).await)
        }));
    }
    for handle in handles {
        let (length, reply) = handle.await.expect("request task");
        let reply = reply.expect("concurrent reply");
        let json: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert_eq!(json["message"], format!("received {length} bytes"));
    }

    let received = tokio::task::spawn_blocking(move || community.finish())
        .await
        .expect("pika report");
    let received = received.as_array().expect("received list");
    assert_eq!(received.len(), concurrent + 2);
    let first = &received[0];
    assert_eq!(first["body"], "<first/>");
    assert_eq!(first["content_type"], "application/xml");
    assert_eq!(first["delivery_mode"], 2, "persistent");
    assert_eq!(first["user_id"], "guest");
    assert!(first["reply_to"]
        .as_str()
        .unwrap_or_default()
        .starts_with("amq.rabbitmq.reply-to"));
    assert!(first["correlation_id"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    assert_eq!(first["headers"][headers::CONTENT_TYPE], ids::MESSAGE_XML_11);
    assert_eq!(first["headers"][headers::SERVICES], ids::SERVICES_11);
    assert_eq!(first["headers"][headers::PROTOCOL], PROTOCOL_AMQP);
    assert_eq!(first["headers"][headers::ACCEPT], ids::MESSAGE_XML_11);
    assert_eq!(received[1]["message_id"], "taxii-42");
    client.close().await;
    queue.delete().await;
}

fn assert_retry(result: Result<taxii_core::Envelope, Error>, reason: &str) {
    let error = result.expect_err("must fail");
    assert_eq!(error.status_type(), StatusType::Retry, "{error}");
    assert!(error.to_string().contains(reason), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unroutable_unanswered_and_unreachable_destinations_are_retry_errors() {
    let _broker = shared_broker().await;
    let nowhere = TestQueue::new("no-such-queue");
    assert_retry(
        client(nowhere.address()).exchange(xml11("<a/>")).await,
        "unroutable",
    );
    let one_way = client(nowhere.address())
        .publish(&xml11("<a/>"), &PublishOptions::default())
        .await;
    assert!(
        matches!(&one_way, Err(Error::Unavailable { reason, .. }) if reason.contains("NO_ROUTE")),
        "{one_way:?}"
    );

    let no_exchange: AmqpAddress = format!(
        "{BROKER}?exchange=taxii-amqp-test.none.{}&routing_key=k",
        uuid::Uuid::new_v4()
    )
    .parse()
    .expect("address");
    assert_retry(
        client(no_exchange).exchange(xml11("<a/>")).await,
        "NOT_FOUND",
    );

    // A queue nobody consumes: the request is accepted by the broker, the reply never comes.
    let silent = TestQueue::new("silent");
    declare_plain_queue(&silent.name).await;
    let mut config = AmqpClientConfig::new("silent", silent.address());
    config.credentials = guest();
    config.request_timeout = Duration::from_millis(500);
    assert_retry(
        AmqpClient::new(config).exchange(xml11("<a/>")).await,
        "no reply from",
    );

    let closed: AmqpAddress = "amqp://127.0.0.1:1/%2f?queue=q".parse().expect("address");
    let mut config = AmqpClientConfig::new("closed", closed);
    config.connect_timeout = Duration::from_secs(1);
    assert_retry(
        AmqpClient::new(config).exchange(xml11("<a/>")).await,
        "cannot connect",
    );
    silent.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_that_closes_the_channel_does_not_leak_connections() {
    let _broker = shared_broker().await;
    let name = format!("leak-check-{}", uuid::Uuid::new_v4());
    let address: AmqpAddress =
        format!("{BROKER}?exchange=taxii-amqp-test.none.{name}&routing_key=k")
            .parse()
            .expect("address");
    let mut config = AmqpClientConfig::new(name.clone(), address);
    config.credentials = guest();
    let client = AmqpClient::new(config);
    for _ in 0..10 {
        assert_retry(client.exchange(xml11("<a/>")).await, "NOT_FOUND");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let listing = tokio::task::spawn_blocking(|| {
        std::process::Command::new("rabbitmqctl")
            .args(["list_connections", "client_properties"])
            .output()
            .expect("run rabbitmqctl list_connections")
    })
    .await
    .expect("rabbitmqctl");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let open = listing
        .matches(&format!("taxii-gateway client {name}"))
        .count();
    // The last session is still held (and listed), the nine before it are closed.
    assert_eq!(open, 1, "connections open after 10 failed calls: {open}");
    client.close().await;
}
