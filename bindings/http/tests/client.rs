//! Our client against real servers on loopback: our own listener (keep-alive pool, Basic,
//! status messages passed on intact), servers that answer without TAXII, a `CONNECT`
//! proxy, a peer that is not there and one that does not answer in time.

mod common;

use common::peers::{canned_server, ConnectProxy};
use common::{Echo, DISCOVERY_11};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use taxii_core::{ids, Envelope, Error, Exchange, Identity, StatusType};
use taxii_http::{
    BasicCredentials, HttpClient, HttpClientConfig, ProxySettings, Secret, StaticBasicVerifier,
};

fn harness() -> Option<BasicCredentials> {
    Some(BasicCredentials {
        user: "harness".to_owned(),
        password: Secret::new("harness-pass"),
    })
}

fn basic_listener_config() -> taxii_http::HttpListenerConfig {
    let mut config = common::config("partners");
    config.basic = Some(Arc::new(
        StaticBasicVerifier::new().with_user("harness", Secret::new("harness-pass")),
    ));
    config
}

#[tokio::test]
async fn exchanges_reuse_one_pooled_connection_and_carry_every_taxii_header() {
    let echo = Echo::new();
    let listener = common::start(basic_listener_config(), echo.clone()).await;
    let mut config = HttpClientConfig::new("gw", listener.url("http", "/services/discovery"));
    config.credentials = harness();
    let client = HttpClient::new(config).expect("client");
    for _ in 0..3 {
        let answer = client
            .exchange(common::xml11_request(DISCOVERY_11))
            .await
            .expect("exchange");
        assert_eq!(&answer.body[..], DISCOVERY_11.as_bytes());
        assert_eq!(answer.message_binding, ids::MESSAGE_XML_11);
        assert_eq!(answer.services, ids::SERVICES_11);
        assert_eq!(answer.protocol, ids::PROTOCOL_HTTP_10);
    }
    let seen = echo.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3);
    let ports: Vec<_> = seen.iter().map(|e| e.origin.remote_addr).collect();
    assert!(
        ports.iter().all(|p| *p == ports[0]),
        "one connection: {ports:?}"
    );
    let last = &seen[2];
    assert_eq!(last.accept, vec![ids::MESSAGE_XML_11]);
    assert_eq!(last.protocol, ids::PROTOCOL_HTTP_10);
    assert_eq!(
        last.origin.identity,
        Identity::Basic {
            user: "harness".into()
        }
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_peers_status_message_comes_through_intact_whatever_the_http_status() {
    let listener = common::start(basic_listener_config(), Echo::new()).await;
    let client = HttpClient::new(HttpClientConfig::new("gw", listener.url("http", "/taxii")))
        .expect("client");
    let answer = client
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect("a 401 with a Status_Message is an answer");
    let body = String::from_utf8_lossy(&answer.body);
    assert!(body.contains("status_type=\"UNAUTHORIZED\""), "{body}");
    assert_eq!(answer.message_binding, ids::MESSAGE_XML_11);
    listener.shutdown().await;
}

struct Failing;

#[async_trait::async_trait]
impl Exchange for Failing {
    async fn exchange(&self, _: Envelope) -> Result<Envelope, Error> {
        Err(Error::NotFound {
            item: "collection-z".to_owned(),
        })
    }
}

#[tokio::test]
async fn handler_errors_are_answered_as_status_messages_in_http_200() {
    let listener = common::start(common::config("public"), Arc::new(Failing)).await;
    let client = HttpClient::new(HttpClientConfig::new("gw", listener.url("http", "/taxii")))
        .expect("client");
    let answer = client
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect("answer");
    let body = String::from_utf8_lossy(&answer.body);
    assert!(body.contains("status_type=\"NOT_FOUND\""), "{body}");
    assert!(body.contains("collection-z"), "{body}");
    listener.shutdown().await;
}

#[tokio::test]
async fn answers_without_a_taxii_message_map_to_the_binding_table() {
    let cases: [(&'static str, StatusType, &str); 4] = [
        (
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: 21\r\n\r\n<h1>go away</h1>     ",
            StatusType::Unauthorized,
            "go away",
        ),
        (
            "HTTP/1.1 415 Unsupported Media Type\r\nContent-Length: 0\r\n\r\n",
            StatusType::UnsupportedMessage,
            "415",
        ),
        (
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!",
            StatusType::Failure,
            "oops!",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            StatusType::Failure,
            "without a TAXII message: hello",
        ),
    ];
    for (canned, status_type, says) in cases {
        let addr = canned_server(canned).await;
        let client = HttpClient::new(HttpClientConfig::new("isac", format!("http://{addr}/x")))
            .expect("client");
        let error = client
            .exchange(common::xml11_request(DISCOVERY_11))
            .await
            .expect_err("not a TAXII answer");
        assert_eq!(error.status_type(), status_type, "{error}");
        let text = error.to_string();
        assert!(text.contains("isac") && text.contains(says), "{text}");
    }
}

#[tokio::test]
async fn a_peer_that_is_not_there_is_retry_with_the_reason() {
    let port = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        socket.local_addr().expect("addr").port()
    };
    let client = HttpClient::new(HttpClientConfig::new(
        "isac",
        format!("http://127.0.0.1:{port}/taxii"),
    ))
    .expect("client");
    let error = client
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect_err("nobody listens");
    assert_eq!(error.status_type(), StatusType::Retry, "{error}");
    let text = error.to_string();
    assert!(
        text.contains("isac") && text.contains("cannot connect"),
        "{text}"
    );
}

struct Slow;

#[async_trait::async_trait]
impl Exchange for Slow {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        tokio::time::sleep(Duration::from_secs(3)).await;
        Ok(request)
    }
}

#[tokio::test]
async fn a_peer_that_does_not_answer_in_time_is_retry() {
    let mut config = common::config("public");
    config.drain_timeout = Duration::from_millis(100);
    let listener = common::start(config, Arc::new(Slow)).await;
    let mut config = HttpClientConfig::new("isac", listener.url("http", "/taxii"));
    config.exchange_timeout = Duration::from_millis(300);
    let client = HttpClient::new(config).expect("client");
    let error = client
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect_err("too slow");
    assert_eq!(error.status_type(), StatusType::Retry, "{error}");
    assert!(error.to_string().contains("within 0.3 s"), "{error}");
    listener.shutdown().await;
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let listener = common::start(common::config("public"), Echo::new()).await;
    let mut config = HttpClientConfig::new("isac", listener.url("http", "/taxii"));
    config.max_response_bytes = 16;
    let client = HttpClient::new(config).expect("client");
    let error = client
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect_err("answer too large");
    assert_eq!(error.status_type(), StatusType::Failure, "{error}");
    assert!(error.to_string().contains("more than 16 bytes"), "{error}");
    listener.shutdown().await;
}

#[tokio::test]
async fn exchanges_go_through_a_connect_proxy_with_its_own_credentials() {
    let echo = Echo::new();
    let listener = common::start(common::config("public"), echo.clone()).await;
    // "proxy-user:proxy-pass"
    let proxy = ConnectProxy::start(Some("Basic cHJveHktdXNlcjpwcm94eS1wYXNz".to_owned())).await;
    let mut config = HttpClientConfig::new("isac", listener.url("http", "/taxii"));
    config.proxy = Some(ProxySettings {
        url: format!("http://{}", proxy.addr),
        credentials: Some(BasicCredentials {
            user: "proxy-user".to_owned(),
            password: Secret::new("proxy-pass"),
        }),
    });
    let client = HttpClient::new(config.clone()).expect("client");
    for _ in 0..2 {
        let answer = client
            .exchange(common::xml11_request(DISCOVERY_11))
            .await
            .expect("through the proxy");
        assert_eq!(&answer.body[..], DISCOVERY_11.as_bytes());
    }
    assert_eq!(proxy.tunnels.load(Ordering::SeqCst), 1, "one pooled tunnel");

    config.proxy = Some(ProxySettings {
        url: format!("http://{}", proxy.addr),
        credentials: None,
    });
    let refused = HttpClient::new(config).expect("client");
    let error = refused
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect_err("the proxy wants credentials");
    assert_eq!(error.status_type(), StatusType::Unauthorized, "{error}");
    assert!(error.to_string().contains("407"), "{error}");
    listener.shutdown().await;
}

#[test]
fn bad_urls_are_refused_with_the_reason() {
    for (url, says) in [
        ("ftp://example/x", "scheme"),
        ("/relative", "scheme"),
        ("http://", "invalid"),
        (
            "http://gw:s3cret@isac.example/x",
            "credentials do not belong",
        ),
    ] {
        let error = HttpClient::new(HttpClientConfig::new("isac", url)).expect_err(url);
        assert!(error.to_string().contains(says), "{url}: {error}");
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }
}

#[test]
fn a_proxy_must_be_plain_http() {
    let mut config = HttpClientConfig::new("isac", "https://isac.example/x");
    config.proxy = Some(ProxySettings {
        url: "https://proxy.example:3128".to_owned(),
        credentials: None,
    });
    let error = HttpClient::new(config).expect_err("https proxy");
    assert!(
        error.to_string().contains("CONNECT over plain http"),
        "{error}"
    );
}

#[test]
fn debug_output_never_shows_a_password() {
    let mut config = HttpClientConfig::new("isac", "http://127.0.0.1:1/x");
    config.credentials = harness();
    assert!(!format!("{config:?}").contains("harness-pass"));
}

#[tokio::test]
async fn a_pooled_connection_the_peer_closed_while_idle_is_replaced() {
    let echo = Echo::new();
    let mut config = common::config("public");
    config.header_read_timeout = Duration::from_millis(200); // closes idle connections too
    let listener = common::start(config, echo.clone()).await;
    let mut config = HttpClientConfig::new("isac", listener.url("http", "/taxii"));
    config.pool_idle_timeout = Duration::from_secs(60);
    let client = HttpClient::new(config).expect("client");
    for _ in 0..2 {
        client
            .exchange(common::xml11_request(DISCOVERY_11))
            .await
            .expect("exchange after the peer closed the idle connection");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let seen = echo.seen.lock().expect("lock").clone();
    assert_ne!(
        seen[0].origin.remote_addr, seen[1].origin.remote_addr,
        "a new connection"
    );
    listener.shutdown().await;
}

#[tokio::test]
async fn a_proxy_that_never_answers_is_retry_after_the_connect_timeout() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = silent.local_addr().expect("addr");
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream); // accepted, never answered
        }
    });
    let mut config = HttpClientConfig::new("isac", "http://isac.example/taxii");
    config.connect_timeout = Duration::from_millis(300);
    config.proxy = Some(ProxySettings {
        url: format!("http://{addr}"),
        credentials: None,
    });
    let error = HttpClient::new(config)
        .expect("client")
        .exchange(common::xml11_request(DISCOVERY_11))
        .await
        .expect_err("the proxy is silent");
    assert_eq!(error.status_type(), StatusType::Retry, "{error}");
    assert!(
        error.to_string().contains("no answer to CONNECT in time"),
        "{error}"
    );
    holder.abort();
}
