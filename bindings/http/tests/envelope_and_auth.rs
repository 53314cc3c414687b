//! What the listener puts in the envelope (headers as libtaxii and cabby capitalise them,
//! the accept list, the origin) and HTTP Basic: 401 with `WWW-Authenticate` and an
//! UNAUTHORIZED Status_Message, or the verified user in the envelope.

mod common;

use base64::Engine;
use common::raw;
use common::{Echo, DISCOVERY_11};
use std::sync::Arc;
use taxii_core::{ids, Identity};
use taxii_http::{Secret, StaticBasicVerifier};

fn libtaxii_style_post(extra_headers: &str) -> Vec<u8> {
    // libtaxii capitalises `X-Taxii-*`; some clients send all lower case.
    format!(
        "POST /services/discovery/ HTTP/1.1\r\nHost: gw.example:8080\r\n\
         content-type: application/xml\r\n\
         X-Taxii-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n\
         x-taxii-accept: urn:taxii.mitre.org:message:xml:1.1 urn:taxii.mitre.org:message:xml:1.0\r\n\
         X-Taxii-Services: urn:taxii.mitre.org:services:1.1\r\n\
         X-TAXII-PROTOCOL: urn:taxii.mitre.org:protocol:http:1.0\r\n\
         {extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{DISCOVERY_11}",
        DISCOVERY_11.len()
    )
    .into_bytes()
}

fn basic(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Authorization: Basic {token}\r\n")
}

#[tokio::test]
async fn headers_match_case_insensitively_and_fill_the_envelope() {
    let echo = Echo::new();
    let listener = common::start(common::config("public"), echo.clone()).await;
    let answer = raw::send(listener.addr, &libtaxii_style_post("")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body, DISCOVERY_11);
    assert_eq!(answer.header("Content-Type"), Some("application/xml"));
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some(ids::MESSAGE_XML_11)
    );
    assert_eq!(answer.header("X-TAXII-Services"), Some(ids::SERVICES_11));
    assert_eq!(
        answer.header("X-TAXII-Protocol"),
        Some(ids::PROTOCOL_HTTP_10)
    );

    let seen = echo.last();
    assert_eq!(&seen.body[..], DISCOVERY_11.as_bytes());
    assert_eq!(seen.message_binding, ids::MESSAGE_XML_11);
    assert_eq!(seen.services, ids::SERVICES_11);
    assert_eq!(seen.protocol, ids::PROTOCOL_HTTP_10);
    assert_eq!(seen.accept, vec![ids::MESSAGE_XML_11, ids::MESSAGE_XML_10]);
    assert_eq!(seen.origin.listener, "public");
    assert_eq!(seen.origin.identity, Identity::Anonymous);
    assert_eq!(
        seen.origin.remote_addr.map(|a| a.ip().to_string()),
        Some("127.0.0.1".to_owned())
    );
    assert_eq!(
        seen.origin.reached_at.as_deref(),
        Some("http://gw.example:8080/services/discovery/")
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_json_answer_travels_as_application_json() {
    let echo = Echo::new();
    let listener = common::start(common::config("public"), echo.clone()).await;
    let json = "{\"message_type\":\"Discovery_Request\",\"message_id\":\"1\"}";
    let request = format!(
        "POST /taxii HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         X-TAXII-Content-Type: {}\r\nX-TAXII-Services: {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
        ids::MESSAGE_JSON_CERT_EU_10,
        ids::SERVICES_10,
        json.len()
    );
    let answer = raw::send(listener.addr, request.as_bytes()).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.header("Content-Type"), Some("application/json"));
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some(ids::MESSAGE_JSON_CERT_EU_10)
    );
    assert_eq!(answer.body, json);
    assert!(
        echo.last().accept.is_empty(),
        "no X-TAXII-Accept: any binding"
    );
    listener.shutdown().await;
}

fn basic_config() -> taxii_http::HttpListenerConfig {
    let mut config = common::config("partners");
    config.realm = "Acme TAXII".to_owned();
    config.basic = Some(Arc::new(
        StaticBasicVerifier::new().with_user("harness", Secret::new("harness-pass")),
    ));
    config
}

#[tokio::test]
async fn requests_without_or_with_wrong_credentials_get_401_and_an_unauthorized_status() {
    let echo = Echo::new();
    let listener = common::start(basic_config(), echo.clone()).await;
    let cases = [
        (String::new(), "requires HTTP Basic credentials"),
        (
            basic("harness", "wrong"),
            "the password for user \"harness\" is wrong",
        ),
        (basic("mallory", "harness-pass"), "\"mallory\""),
        (
            "Authorization: Bearer abc.def\r\n".to_owned(),
            "\"Bearer\" is not supported",
        ),
    ];
    for (credentials, says) in cases {
        let answer = raw::send(listener.addr, &libtaxii_style_post(&credentials)).await;
        assert_eq!(answer.status, 401, "{answer:?}");
        assert_eq!(
            answer.header("WWW-Authenticate"),
            Some("Basic realm=\"Acme TAXII\", charset=\"UTF-8\"")
        );
        assert!(
            answer.body.contains("status_type=\"UNAUTHORIZED\""),
            "{answer:?}"
        );
        assert!(answer.body.contains("in_response_to=\"0\""), "{answer:?}");
        assert!(answer.body.contains(says), "expected {says:?}: {answer:?}");
        assert!(
            !answer.body.contains("harness-pass"),
            "never echo a password"
        );
        assert_eq!(
            answer.header("X-TAXII-Content-Type"),
            Some(ids::MESSAGE_XML_11)
        );
    }
    assert!(
        echo.seen.lock().expect("lock").is_empty(),
        "the handler saw nothing"
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn valid_credentials_reach_the_handler_as_the_user() {
    let echo = Echo::new();
    let listener = common::start(basic_config(), echo.clone()).await;
    let answer = raw::send(
        listener.addr,
        &libtaxii_style_post(&basic("harness", "harness-pass")),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        echo.last().origin.identity,
        Identity::Basic {
            user: "harness".to_owned()
        }
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn allow_anonymous_lets_credential_less_requests_through_but_not_wrong_ones() {
    let echo = Echo::new();
    let mut config = basic_config();
    config.allow_anonymous = true;
    let listener = common::start(config, echo.clone()).await;
    let answer = raw::send(listener.addr, &libtaxii_style_post("")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(echo.last().origin.identity, Identity::Anonymous);
    let wrong = raw::send(
        listener.addr,
        &libtaxii_style_post(&basic("harness", "nope")),
    )
    .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    let right = raw::send(
        listener.addr,
        &libtaxii_style_post(&basic("harness", "harness-pass")),
    )
    .await;
    assert_eq!(right.status, 200, "{right:?}");
    assert_eq!(
        echo.last().origin.identity,
        Identity::Basic {
            user: "harness".to_owned()
        }
    );
    listener.shutdown().await;
}
