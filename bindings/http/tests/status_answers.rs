//! How failures are answered through the injected status writer: a body that is not TAXII,
//! a handler that fails or even panics, the binding chosen from `X-TAXII-Accept`, and the
//! plain-text last resort when the requester accepts no binding that can be written.

mod common;

use common::raw;
use common::responder::Responder;
use std::sync::Arc;
use taxii_core::{ids, Envelope, Error, Exchange};

fn post(binding: &str, services: &str, accept: &str, body: &str) -> Vec<u8> {
    format!(
        "POST /taxii HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n\
         X-TAXII-Content-Type: {binding}\r\nX-TAXII-Services: {services}\r\n{accept}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn a_body_that_is_not_taxii_is_bad_message_saying_where() {
    let listener = common::start(common::config("public"), Responder::new()).await;
    let body = "<taxii_11:Discovery_Request xmlns:taxii_11=\"nope\"";
    let answer = raw::send(
        listener.addr,
        &post(ids::MESSAGE_XML_11, ids::SERVICES_11, "", body),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        answer.body.contains("status_type=\"BAD_MESSAGE\""),
        "{answer:?}"
    );
    assert!(answer.body.contains("line 1"), "says where: {answer:?}");
    listener.shutdown().await;
}

#[tokio::test]
async fn a_handler_error_answers_the_requests_message_id_in_the_accepted_binding() {
    struct Denying;
    #[async_trait::async_trait]
    impl Exchange for Denying {
        async fn exchange(&self, _: Envelope) -> Result<Envelope, Error> {
            Err(Error::Denied(
                "partner acme may not poll collection-b".to_owned(),
            ))
        }
    }
    let listener = common::start(common::config("public"), Arc::new(Denying)).await;
    let request = "<taxii_11:Discovery_Request \
        xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"77\"/>";
    let accept = format!("X-TAXII-Accept: {}\r\n", ids::MESSAGE_XML_10);
    let answer = raw::send(
        listener.addr,
        &post(ids::MESSAGE_XML_11, ids::SERVICES_11, &accept, request),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some(ids::MESSAGE_XML_10)
    );
    assert_eq!(answer.header("X-TAXII-Services"), Some(ids::SERVICES_10));
    assert!(answer.body.contains("in_response_to=\"77\""), "{answer:?}");
    assert!(answer.body.contains("status_type=\"DENIED\""), "{answer:?}");
    assert!(
        answer.body.contains("may not poll collection-b"),
        "{answer:?}"
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_panicking_handler_is_a_failure_status_and_the_listener_carries_on() {
    struct Panicking;
    #[async_trait::async_trait]
    impl Exchange for Panicking {
        async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
            if request.body.starts_with(b"boom") {
                panic!("handler bug");
            }
            Ok(request)
        }
    }
    let listener = common::start(common::config("public"), Arc::new(Panicking)).await;
    let answer = raw::send(
        listener.addr,
        &post(ids::MESSAGE_XML_11, ids::SERVICES_11, "", "boom"),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        answer.body.contains("status_type=\"FAILURE\""),
        "{answer:?}"
    );
    let fine = raw::send(
        listener.addr,
        &post(ids::MESSAGE_XML_11, ids::SERVICES_11, "", "fine"),
    )
    .await;
    assert_eq!((fine.status, fine.body.as_str()), (200, "fine"));
    listener.shutdown().await;
}

#[tokio::test]
async fn a_requester_that_accepts_no_writable_binding_gets_406_in_plain_text() {
    let listener = common::start(common::config("public"), Responder::new()).await;
    let accept = format!("X-TAXII-Accept: {}\r\n", ids::MESSAGE_JSON_CERT_EU_10);
    let answer = raw::send(
        listener.addr,
        &post("urn:example:yaml", ids::SERVICES_11, &accept, "x"),
    )
    .await;
    assert_eq!(answer.status, 406, "{answer:?}");
    assert_eq!(
        answer.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(
        answer.body.starts_with("UNSUPPORTED_MESSAGE:"),
        "{answer:?}"
    );
    assert!(answer.body.contains("urn:example:yaml"), "{answer:?}");
    listener.shutdown().await;
}
