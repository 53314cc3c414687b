//! The running listeners, started, stopped and rebound to match the table in force.

use super::verifier::PartnerVerifier;
use crate::bindings::MessageBindingKind;
use crate::config::{ListenerProtocol, ListenerRoute, PartnerAuth, RouteTable};
use crate::gateway::{AmqpStatusWriter, GatewayStatusWriter, Router};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use taxii_amqp::{AmqpListener, AmqpListenerConfig, StatusRequest, StatusWriter};
use taxii_core::{Body, Envelope, Error, Exchange, Identity, Listener, StatusType, Version};
use taxii_http::{ClientCertificates, HttpListener, HttpListenerConfig, TlsServerSettings};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

struct Running {
    /// What the listener was started with; a change restarts it.
    spec: String,
    url: String,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

pub struct Listeners {
    router: Arc<Router>,
    running: HashMap<String, Running>,
}

impl Listeners {
    pub fn new(router: Arc<Router>) -> Listeners {
        Listeners {
            router,
            running: HashMap::new(),
        }
    }

    /// (name, URL) of every running listener, sorted by name.
    pub fn addresses(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .running
            .iter()
            .map(|(n, r)| (n.clone(), r.url.clone()))
            .collect();
        out.sort();
        out
    }

    /// Starts, stops and restarts listeners so that exactly the table's run, each with its
    /// table settings. Errors name every listener that could not start.
    pub async fn reconcile(&mut self, table: &RouteTable) -> Result<(), String> {
        let wanted: HashMap<&str, (&ListenerRoute, String)> = table
            .listeners
            .iter()
            .map(|l| (l.name.as_str(), (l, spec(l))))
            .collect();
        let gone: Vec<String> = self
            .running
            .iter()
            .filter(|(n, r)| wanted.get(n.as_str()).is_none_or(|(_, s)| *s != r.spec))
            .map(|(n, _)| n.clone())
            .collect();
        for name in gone {
            if let Some(r) = self.running.remove(&name) {
                tracing::info!(listener = %name, "stopping listener");
                r.stop.cancel();
                // Let it drain and release its socket before a successor binds the address.
                let _ = tokio::time::timeout(Duration::from_secs(30), r.task).await;
            }
        }
        let mut errors = Vec::new();
        for (name, (route, spec)) in wanted {
            if self.running.contains_key(name) {
                continue;
            }
            match self.start(route) {
                Ok((url, stop, task)) => {
                    tracing::info!(listener = %name, %url, "listening");
                    self.running.insert(
                        name.to_owned(),
                        Running {
                            spec,
                            url,
                            stop,
                            task,
                        },
                    );
                }
                Err(e) => errors.push(format!("listener {name}: {e}")),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    fn start(
        &self,
        route: &ListenerRoute,
    ) -> Result<(String, CancellationToken, JoinHandle<()>), String> {
        let (bind, path, tls) = match &route.protocol {
            ListenerProtocol::Http { bind, path } => (*bind, path.clone(), None),
            ListenerProtocol::Https { bind, path, tls } => (*bind, path.clone(), Some(tls)),
            ListenerProtocol::Amqp {
                url,
                queue,
                prefetch,
            } => return self.start_amqp(route, url, queue, *prefetch),
        };
        let writer = Arc::new(GatewayStatusWriter::new(route.message_bindings.clone()));
        let mut config = HttpListenerConfig::new(route.name.clone(), writer);
        config.message_bindings = route
            .message_bindings
            .iter()
            .map(|b| b.id().to_owned())
            .collect();
        config.max_body_bytes = route.max_body_bytes as u64;
        config.header_read_timeout = route.header_timeout;
        config.max_connections = route.max_connections;
        // Who may connect is asked of the table in force per request, so changes to the
        // partners never restart the listener.
        config.basic = Some(Arc::new(PartnerVerifier {
            router: Arc::clone(&self.router),
            listener: route.name.clone(),
        }));
        if let Some(tls) = tls {
            let mut settings = TlsServerSettings::from_files(&tls.cert_file, &tls.key_file)
                .map_err(|e| e.to_string())?;
            if let Some(ca) = &tls.client_ca_file {
                let ca_pem =
                    taxii_http::read_pem_file("client CA", ca).map_err(|e| e.to_string())?;
                settings.client_certificates = if tls.require_client_cert {
                    ClientCertificates::Required { ca_pem }
                } else {
                    ClientCertificates::Optional { ca_pem }
                };
            }
            config.tls = Some(settings.build().map_err(|e| e.to_string())?);
        }
        let socket = std::net::TcpListener::bind(bind)
            .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
        let local = socket.local_addr().map_err(|e| e.to_string())?;
        let listener = HttpListener::from_std(socket, config).map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{local}{path}");
        let stop = CancellationToken::new();
        let handler: Arc<dyn Exchange> = Arc::clone(&self.router) as Arc<dyn Exchange>;
        let token = stop.clone();
        let name = route.name.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = Box::new(listener).serve(handler, token).await {
                tracing::error!(listener = %name, "listener stopped: {e}");
            }
        });
        Ok((url, stop, task))
    }

    fn start_amqp(
        &self,
        route: &ListenerRoute,
        url: &crate::config::BrokerUrl,
        queue: &str,
        prefetch: u16,
    ) -> Result<(String, CancellationToken, JoinHandle<()>), String> {
        let (address, credentials) = crate::gateway::amqp_listener_address(url, queue)?;
        let shown = address.to_string();
        let mut config = AmqpListenerConfig::new(route.name.clone(), address);
        config.credentials = credentials;
        config.prefetch = prefetch;
        config.max_body = route.max_body_bytes as u64;
        let refused = RefusedAnswers::default();
        let writer = Arc::new(AmqpRefusalWriter {
            refused: refused.clone(),
            fallback: AmqpStatusWriter {
                bindings: route.message_bindings.clone(),
            },
        });
        let listener = AmqpListener::new(config)
            .map_err(|e| e.to_string())?
            .with_status_writer(writer);
        let stop = CancellationToken::new();
        let handler: Arc<dyn Exchange> = Arc::new(AmqpHandler {
            router: Arc::clone(&self.router),
            refused,
        });
        let token = stop.clone();
        let name = route.name.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = Box::new(listener).serve(handler, token).await {
                tracing::error!(listener = %name, "listener stopped: {e}");
            }
        });
        Ok((shown, stop, task))
    }

    /// Stops every listener and waits for their in-flight exchanges (each within its
    /// drain bound).
    pub async fn stop_all(&mut self) {
        let running: Vec<Running> = self.running.drain().map(|(_, r)| r).collect();
        for r in &running {
            r.stop.cancel();
        }
        for r in running {
            let _ = tokio::time::timeout(Duration::from_secs(30), r.task).await;
        }
    }
}

/// A listener's identity: its settings (a change restarts it).
fn spec(route: &ListenerRoute) -> String {
    format!("{route:?}")
}

/// The router as an AMQP listener's handler. The router answers every failure with a
/// Status Message (`Ok`), as HTTP needs; the AMQP listener settles a delivery by whether
/// the handler returned `Err` (README §6): an `Ok` one-way message is acked, so a refused
/// or failed one-way Inbox message would be dropped without a trace, and a request the
/// gateway found malformed would be acked instead of dead-lettered. So every non-SUCCESS
/// Status Message becomes an `Err` with the same status type; the answer itself is kept in
/// `refused`, and [`AmqpRefusalWriter`] sends it unchanged to a requester (same
/// `in_response_to`, message and details).
struct AmqpHandler {
    router: Arc<Router>,
    refused: RefusedAnswers,
}

/// Failure answers waiting for the listener's status writer, by key. One-way messages have
/// no reply, so their entries are never taken: entries older than a minute are dropped.
#[derive(Clone, Default)]
struct RefusedAnswers(Arc<std::sync::Mutex<HashMap<String, (std::time::Instant, Envelope)>>>);

const REFUSED_KEY: &str = " answer #";

impl RefusedAnswers {
    fn keep(&self, answer: Envelope) -> String {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let key = NEXT
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string();
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        map.retain(|_, (at, _)| now.duration_since(*at) < Duration::from_secs(60));
        map.insert(key.clone(), (now, answer));
        key
    }

    fn take(&self, error: &Error) -> Option<Envelope> {
        let Error::Inexpressible(e) = error else {
            return None;
        };
        let (_, key) = e.target.split_once(REFUSED_KEY)?;
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key).map(|(_, answer)| answer)
    }
}

#[async_trait::async_trait]
impl Exchange for AmqpHandler {
    async fn exchange(&self, mut request: Envelope) -> Result<Envelope, Error> {
        self.anonymous_unless_known(&mut request);
        let answer = self.router.exchange(request).await?;
        let Some(status) = failure_status(&answer) else {
            return Ok(answer);
        };
        // Logged by the listener as "FAILURE answer #7 cannot express success (reason)".
        let what = format!(
            "success ({})",
            status.message.as_deref().unwrap_or("no message")
        );
        let key = self.refused.keep(answer);
        Err(Error::Inexpressible(taxii_core::Inexpressible {
            target: format!("{}{REFUSED_KEY}{key}", status.status_type),
            what,
            status: status.status_type,
        }))
    }
}

impl AmqpHandler {
    /// A broker-validated `user_id` that no partner of this listener is known by, on a
    /// listener with an anonymous partner, is that partner: `user_id` is optional (the
    /// sender could as well have left it out) and taxii-amqp's client, the gateway's own,
    /// always sends it, so without this one gateway could not reach another's anonymous
    /// AMQP listener.
    fn anonymous_unless_known(&self, request: &mut Envelope) {
        let Identity::Basic { user } = &request.origin.identity else {
            return;
        };
        let runtime = self.router.runtime();
        let listener = request.origin.listener.as_str();
        let (mut known, mut anonymous) = (false, false);
        for p in runtime.table.partners.iter() {
            if !p.may_use_listener(listener) {
                continue;
            }
            match &p.auth {
                PartnerAuth::Basic { user: u, .. } if u == user => known = true,
                PartnerAuth::Anonymous => anonymous = true,
                _ => {}
            }
        }
        if !known && anonymous {
            request.origin.identity = Identity::Anonymous;
        }
    }
}

/// The Status Message of `answer` when it is one saying something other than SUCCESS.
fn failure_status(answer: &Envelope) -> Option<taxii_core::StatusMessage> {
    // Only a Status Message can be a failure: skip decoding everything else (poll
    // responses may be large). Both bindings name the type near the start.
    let head = &answer.body[..answer.body.len().min(512)];
    if !head.windows(14).any(|w| w == b"Status_Message") {
        return None;
    }
    let binding = MessageBindingKind::from_id(&answer.message_binding)?;
    let version = Version::from_services_id(&answer.services)?;
    match binding.decode(&answer.body, version).ok()?.body {
        Body::StatusMessage(s) if s.status_type != StatusType::Success => Some(s),
        _ => None,
    }
}

/// Answers a request with the gateway's own failure answer when the listener asks for the
/// status of an [`AmqpHandler`] refusal, else writes one as [`AmqpStatusWriter`] does.
struct AmqpRefusalWriter {
    refused: RefusedAnswers,
    fallback: AmqpStatusWriter,
}

impl StatusWriter for AmqpRefusalWriter {
    fn write_status(&self, request: StatusRequest<'_>) -> Result<Envelope, Error> {
        match self.refused.take(request.error) {
            Some(answer) => Ok(answer),
            None => self.fallback.write_status(request),
        }
    }
}
