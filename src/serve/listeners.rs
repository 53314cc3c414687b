//! The running listeners, started, stopped and rebound to match the table in force.

use super::verifier::PartnerVerifier;
use crate::config::{ListenerProtocol, ListenerRoute, PartnerAuth, RouteTable};
use crate::gateway::{AmqpStatusWriter, GatewayStatusWriter, Router};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use taxii_amqp::{AmqpListener, AmqpListenerConfig};
use taxii_core::{Exchange, Listener};
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
            .map(|l| (l.name.as_str(), (l, spec(table, l))))
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
            match self.start(table, route) {
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
        table: &RouteTable,
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
        let (basic, anonymous) = auth_kinds(table, &route.name);
        if basic {
            config.basic = Some(Arc::new(PartnerVerifier {
                router: Arc::clone(&self.router),
                listener: route.name.clone(),
            }));
            config.allow_anonymous = anonymous;
        }
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
        let writer = Arc::new(AmqpStatusWriter {
            bindings: route.message_bindings.clone(),
        });
        let listener = AmqpListener::new(config)
            .map_err(|e| e.to_string())?
            .with_status_writer(writer);
        let stop = CancellationToken::new();
        let handler: Arc<dyn Exchange> = Arc::clone(&self.router) as Arc<dyn Exchange>;
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

/// Whether the listener has Basic partners, and an anonymous one.
fn auth_kinds(table: &RouteTable, listener: &str) -> (bool, bool) {
    let partners = table
        .partners
        .iter()
        .filter(|p| p.may_use_listener(listener));
    partners.fold((false, false), |(basic, anonymous), p| match p.auth {
        PartnerAuth::Basic { .. } => (true, anonymous),
        PartnerAuth::Anonymous => (basic, true),
        _ => (basic, anonymous),
    })
}

/// A listener's identity: its settings and how its partners authenticate.
fn spec(table: &RouteTable, route: &ListenerRoute) -> String {
    format!("{route:?} {:?}", auth_kinds(table, &route.name))
}
