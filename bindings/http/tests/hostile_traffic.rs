//! Requests no good client sends: each gets a clear answer, and the listener keeps serving
//! (a good request after each one proves it).

mod common;

use common::raw::{self, taxii_post};
use common::{Echo, Running, DISCOVERY_11};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn assert_still_serving(listener: &Running) {
    let answer = raw::send(listener.addr, &taxii_post("/taxii", DISCOVERY_11)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.body, DISCOVERY_11,
        "the echo answered the good request"
    );
}

fn assert_status(answer: &raw::RawResponse, http: u16, status_type: &str, says: &str) {
    assert_eq!(answer.status, http, "{answer:?}");
    assert_eq!(
        answer.header("X-TAXII-Content-Type"),
        Some("urn:taxii.mitre.org:message:xml:1.1"),
        "{answer:?}"
    );
    assert_eq!(answer.header("Content-Type"), Some("application/xml"));
    assert!(answer.header("X-TAXII-Services").is_some(), "{answer:?}");
    assert_eq!(
        answer.header("X-TAXII-Protocol"),
        Some("urn:taxii.mitre.org:protocol:http:1.0")
    );
    assert!(
        answer
            .body
            .contains(&format!("status_type=\"{status_type}\"")),
        "{answer:?}"
    );
    assert!(answer.body.contains("in_response_to=\"0\""), "{answer:?}");
    assert!(
        answer.body.contains(says),
        "expected {says:?} in {answer:?}"
    );
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow_post_and_an_explanation() {
    let listener = common::start(common::config("public"), Echo::new()).await;
    for method in ["GET", "PUT", "DELETE", "OPTIONS", "HEAD"] {
        let request =
            format!("{method} /taxii HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let answer = if method == "HEAD" {
            raw::send_for_head(listener.addr, request.as_bytes()).await
        } else {
            raw::send(listener.addr, request.as_bytes()).await
        };
        assert_eq!(answer.header("Allow"), Some("POST"), "{method}: {answer:?}");
        if method == "HEAD" {
            assert_eq!(answer.status, 405); // HEAD answers carry no body
        } else {
            assert_status(
                &answer,
                405,
                "BAD_MESSAGE",
                &format!("HTTP method {method}"),
            );
        }
        assert_still_serving(&listener).await;
    }
    listener.shutdown().await;
}

#[tokio::test]
async fn missing_and_unknown_taxii_headers_are_named_in_the_status() {
    let listener = common::start(common::config("public"), Echo::new()).await;
    let good = String::from_utf8(taxii_post("/taxii", DISCOVERY_11)).expect("utf-8");
    let cases = [
        (
            "X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n",
            "",
            "BAD_MESSAGE",
            "X-TAXII-Content-Type header is missing",
        ),
        (
            "X-TAXII-Services: urn:taxii.mitre.org:services:1.1\r\n",
            "",
            "BAD_MESSAGE",
            "X-TAXII-Services header is missing",
        ),
        (
            "X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n",
            "X-TAXII-Content-Type: urn:example:message:yaml:9\r\n",
            "UNSUPPORTED_MESSAGE",
            "urn:example:message:yaml:9",
        ),
        (
            "X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0\r\n",
            "X-TAXII-Protocol: urn:example:protocol:carrier-pigeon\r\n",
            "UNSUPPORTED_PROTOCOL",
            "carrier-pigeon",
        ),
    ];
    for (remove, add, status_type, says) in cases {
        let request = good.replace(remove, add);
        assert_ne!(request, good);
        let answer = raw::send(listener.addr, request.as_bytes()).await;
        assert_status(&answer, 200, status_type, says);
        assert_still_serving(&listener).await;
    }
    // An unsupported binding's status lists the supported ones.
    let request = good.replace(cases[2].0, cases[2].1);
    let answer = raw::send(listener.addr, request.as_bytes()).await;
    assert!(
        answer.body.contains("urn:cert.europa.eu:message:json:1.0"),
        "{answer:?}"
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_from_its_content_length_before_it_is_sent() {
    let mut config = common::config("public");
    config.max_body_bytes = 1024;
    let listener = common::start(config, Echo::new()).await;
    let request = String::from_utf8(taxii_post("/taxii", ""))
        .expect("utf-8")
        .replace("Content-Length: 0", "Content-Length: 10485760");
    // Only the head is sent: the answer must come without the 10 MiB body.
    let answer = raw::send(listener.addr, request.as_bytes()).await;
    assert_status(
        &answer,
        413,
        "BAD_MESSAGE",
        "exceeds the limit of 1024 bytes",
    );
    assert_eq!(answer.header("Connection"), Some("close"));
    assert_still_serving(&listener).await;
    listener.shutdown().await;
}

#[tokio::test]
async fn an_oversized_chunked_body_is_refused_while_streaming() {
    let mut config = common::config("public");
    config.max_body_bytes = 1024;
    let listener = common::start(config, Echo::new()).await;
    let head = String::from_utf8(taxii_post("/taxii", ""))
        .expect("utf-8")
        .replace("Content-Length: 0", "Transfer-Encoding: chunked");
    let mut stream = TcpStream::connect(listener.addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = format!("200\r\n{}\r\n", "x".repeat(0x200));
    for _ in 0..3 {
        stream.write_all(chunk.as_bytes()).await.expect("chunk");
    }
    let answer = raw::read_response(&mut stream).await;
    assert_status(
        &answer,
        413,
        "BAD_MESSAGE",
        "exceeds the limit of 1024 bytes",
    );
    assert_still_serving(&listener).await;
    listener.shutdown().await;
}

#[tokio::test]
async fn slow_headers_get_408_with_a_status_and_do_not_hold_up_other_clients() {
    let mut config = common::config("public");
    config.header_read_timeout = Duration::from_millis(300);
    let listener = common::start(config, Echo::new()).await;
    let mut slow = TcpStream::connect(listener.addr).await.expect("connect");
    slow.write_all(b"POST /taxii HTTP/1.1\r\nHost: loc")
        .await
        .expect("first bytes");
    // Others are served while the slow client dawdles.
    assert_still_serving(&listener).await;
    let answer = raw::read_response(&mut slow).await;
    assert_status(
        &answer,
        408,
        "BAD_MESSAGE",
        "headers did not arrive within 0.3 s",
    );
    assert_eq!(answer.header("Connection"), Some("close"));
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(
        closed.is_ok() && rest.is_empty(),
        "closed after the 408: {rest:?}"
    );
    assert_still_serving(&listener).await;
    listener.shutdown().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_without_an_unasked_answer() {
    let mut config = common::config("public");
    config.header_read_timeout = Duration::from_millis(300);
    let listener = common::start(config, Echo::new()).await;
    let mut stream = TcpStream::connect(listener.addr).await.expect("connect");
    let keep_alive = String::from_utf8(taxii_post("/taxii", DISCOVERY_11))
        .expect("utf-8")
        .replace("Connection: close\r\n", "");
    stream
        .write_all(keep_alive.as_bytes())
        .await
        .expect("request");
    let answer = raw::read_response(&mut stream).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the idle connection was closed");
    assert!(
        rest.is_empty(),
        "nothing was sent on the idle connection: {rest:?}"
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_body_that_never_finishes_is_answered_408_with_a_status() {
    let mut config = common::config("public");
    config.body_read_timeout = Duration::from_millis(300);
    let listener = common::start(config, Echo::new()).await;
    let request = String::from_utf8(taxii_post("/taxii", "")).expect("utf-8");
    let request = request.replace("Content-Length: 0", "Content-Length: 100") + "only ten b";
    let answer = raw::send(listener.addr, request.as_bytes()).await;
    assert_status(&answer, 408, "BAD_MESSAGE", "did not arrive within 0.3 s");
    assert_still_serving(&listener).await;
    listener.shutdown().await;
}

#[tokio::test]
async fn garbage_bytes_get_400_and_the_listener_carries_on() {
    let listener = common::start(common::config("public"), Echo::new()).await;
    let answer = raw::send(listener.addr, b"\x16\x03\x01\x00garbage\xff\xfe\r\n\r\n").await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_still_serving(&listener).await;
    let answer = raw::send(listener.addr, b"POST /taxii HTTP/1.1\r\nBad Header\r\n\r\n").await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_still_serving(&listener).await;
    listener.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_is_free() {
    let mut config = common::config("public");
    config.max_connections = 1;
    let listener = common::start(config, Echo::new()).await;
    let holder = TcpStream::connect(listener.addr)
        .await
        .expect("first connection");
    tokio::time::sleep(Duration::from_millis(100)).await; // let it be accepted
    let waiting = tokio::spawn({
        let addr = listener.addr;
        async move { raw::send(addr, &taxii_post("/taxii", DISCOVERY_11)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "the second connection waited for a free slot"
    );
    drop(holder);
    let answer = waiting.await.expect("second client");
    assert_eq!(answer.status, 200, "{answer:?}");
    listener.shutdown().await;
}
