//! amqps: our client and our listener reach the real broker through a TLS terminator
//! (rustls, `ring`) with a certificate made for the test; a client that does not trust
//! that certificate's issuer gets an honest RETRY, not a plaintext fallback.

use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use taxii_amqp::{
    AmqpAddress, AmqpClient, AmqpClientConfig, AmqpListener, AmqpListenerConfig, TlsSettings,
};
use taxii_core::{Exchange, StatusType};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::ring, ServerConfig};

/// Terminates TLS on a loopback port and forwards the bytes to the broker at 5672.
/// Returns the port, the CA (self-signed certificate) PEM and the proxy task.
async fn tls_terminator() -> (u16, String, tokio::task::JoinHandle<()>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("test certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let socket = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind TLS port");
    let port = socket.local_addr().expect("local addr").port();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = socket.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut broker) = TcpStream::connect("127.0.0.1:5672").await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut broker).await;
            });
        }
    });
    (port, certified.cert.pem(), task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_and_listener_talk_over_amqps() {
    let _broker = shared_broker().await;
    let (port, ca_pem, proxy) = tls_terminator().await;
    let queue = TestQueue::new("tls");
    let address: AmqpAddress = format!("amqps://localhost:{port}/%2f?queue={}", queue.name)
        .parse()
        .expect("address");
    let tls = TlsSettings {
        ca_pem: Some(ca_pem),
        client_identity: None,
    };

    let mut config = AmqpListenerConfig::new("tls-partners", address.clone());
    config.credentials = guest();
    config.tls = tls.clone();
    let recorder = Arc::new(Recorder::default());
    let (stop, task) = serve(AmqpListener::new(config).expect("config"), recorder.clone());
    wait_for_consumer(&queue.name).await;

    let mut client_config = AmqpClientConfig::new("tls-peer", address.clone());
    client_config.credentials = guest();
    client_config.tls = tls;
    let client = AmqpClient::new(client_config);
    let reply = client
        .exchange(xml11("<over-tls/>"))
        .await
        .expect("reply over amqps");
    assert_eq!(&reply.body[..], ANSWER.as_bytes());
    let seen = recorder.seen.lock().expect("recorder").clone();
    assert_eq!(seen.len(), 1);
    let reached = seen[0].origin.reached_at.clone().unwrap_or_default();
    assert!(
        reached.starts_with(&format!("amqps://localhost:{port}/")),
        "{reached}"
    );

    let mut untrusting = AmqpClientConfig::new("no-ca", address);
    untrusting.credentials = guest();
    untrusting.connect_timeout = Duration::from_secs(2);
    let error = AmqpClient::new(untrusting)
        .exchange(xml11("<a/>"))
        .await
        .expect_err("unknown issuer");
    assert_eq!(error.status_type(), StatusType::Retry);
    assert!(error.to_string().contains("cannot connect"), "{error}");

    client.close().await;
    stop.cancel();
    task.await.expect("listener task").expect("clean stop");
    proxy.abort();
    queue.delete().await;
}
