//! What the integration tests share: listeners on port 0 around simple exchanges, a
//! Status_Message writer, certificates (`pki`) and raw HTTP (`raw`).
#![allow(dead_code)] // each test file uses its own part

pub mod peers;
pub mod pki;
pub mod raw;

use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use taxii_core::{ids, Envelope, Error, Exchange, Listener, Origin, Version};
use taxii_http::{FailedRequest, HttpListener, HttpListenerConfig, StatusWriter};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Writes Status_Messages in XML 1.1 or 1.0 from a hand-written template: the requester's
/// first acceptable XML binding, else its own, else XML 1.1.
pub struct TemplateStatusWriter {
    next_id: AtomicU64,
}

impl TemplateStatusWriter {
    pub fn new() -> Arc<TemplateStatusWriter> {
        Arc::new(TemplateStatusWriter {
            next_id: AtomicU64::new(1),
        })
    }
}

impl StatusWriter for TemplateStatusWriter {
    fn write_status(&self, error: &Error, request: &FailedRequest<'_>) -> Result<Envelope, Error> {
        let xml = [ids::MESSAGE_XML_11, ids::MESSAGE_XML_10];
        let binding = request
            .accept
            .iter()
            .map(String::as_str)
            .chain(request.message_binding)
            .find(|b| xml.contains(b))
            .unwrap_or(ids::MESSAGE_XML_11);
        let (version, prefix, ns) = if binding == ids::MESSAGE_XML_10 {
            (Version::V10, "taxii", ids::ns::XML_10)
        } else {
            (Version::V11, "taxii_11", ids::ns::XML_11)
        };
        let status = error.to_status(version);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let message = escape(status.message.as_deref().unwrap_or_default());
        let body = format!(
            "<{prefix}:Status_Message xmlns:{prefix}=\"{ns}\" message_id=\"{id}\" \
             in_response_to=\"0\" status_type=\"{}\"><{prefix}:Message>{message}</{prefix}:Message>\
             </{prefix}:Status_Message>",
            status.status_type
        );
        Ok(Envelope {
            body: Bytes::from(body),
            message_binding: binding.to_owned(),
            services: version.services_id().to_owned(),
            protocol: String::new(),
            accept: Vec::new(),
            origin: Origin::default(),
        })
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

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

/// The default test configuration: plain HTTP with the template status writer.
pub fn config(name: &str) -> HttpListenerConfig {
    HttpListenerConfig::new(name, TemplateStatusWriter::new())
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
