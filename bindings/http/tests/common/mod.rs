//! What the integration tests share: listeners on port 0 around simple exchanges, a
//! Status_Message writer and a TAXII responder (`responder`), certificates (`pki`) and raw HTTP (`raw`).
#![allow(dead_code)] // each test file uses its own part

pub mod cli;
pub mod peers;
pub mod pki;
pub mod raw;
pub mod responder;

use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use taxii_core::{ids, Envelope, Error, Exchange, Listener, Origin};
use taxii_http::{HttpListener, HttpListenerConfig};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Answers every request with its own body, binding and services; remembers what came in.
#[derive(Default)]
pub struct Echo {
    pub seen: Mutex<Vec<Envelope>>,
}

impl Echo {
    pub fn new() -> Arc<Echo> {
        Arc::new(Echo::default())
    }

    /// The origin of the last request seen.
    pub fn last(&self) -> Envelope {
        self.seen
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("the handler saw a request")
    }
}

#[async_trait::async_trait]
impl Exchange for Echo {
    async fn exchange(&self, request: Envelope) -> Result<Envelope, Error> {
        self.seen.lock().expect("lock").push(request.clone());
        Ok(Envelope {
            accept: Vec::new(),
            origin: Origin::default(),
            ..request
        })
    }
}

/// A listener serving in the background until stopped.
pub struct Running {
    pub addr: SocketAddr,
    pub stop: CancellationToken,
    pub task: JoinHandle<Result<(), Error>>,
}

impl Running {
    pub fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://127.0.0.1:{}{path}", self.addr.port())
    }

    /// Stops the listener and waits for it to drain.
    pub async fn shutdown(self) {
        self.stop.cancel();
        self.task
            .await
            .expect("the listener task did not panic")
            .expect("the listener stopped cleanly");
    }
}

/// The default test configuration: plain HTTP, Status_Messages by the XML binding.
pub fn config(name: &str) -> HttpListenerConfig {
    HttpListenerConfig::new(name, Arc::new(responder::XmlStatusWriter))
}

/// Binds 127.0.0.1:0 and serves `handler` with `config`.
pub async fn start(config: HttpListenerConfig, handler: Arc<dyn Exchange>) -> Running {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let listener = HttpListener::new(socket, config).expect("listener config");
    let addr = listener.local_addr().expect("local address");
    let stop = CancellationToken::new();
    let task = tokio::spawn(Box::new(listener).serve(handler, stop.clone()));
    Running { addr, stop, task }
}

/// A TAXII 1.1 XML request envelope with `body`.
pub fn xml11_request(body: &str) -> Envelope {
    Envelope {
        body: Bytes::from(body.to_owned()),
        message_binding: ids::MESSAGE_XML_11.to_owned(),
        services: ids::SERVICES_11.to_owned(),
        protocol: ids::PROTOCOL_HTTP_10.to_owned(),
        accept: vec![ids::MESSAGE_XML_11.to_owned()],
        origin: Origin::default(),
    }
}

pub const DISCOVERY_11: &str = "<taxii_11:Discovery_Request \
    xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"42\"/>";
