//! Running the gateway: the listeners of the route table, reloads when `routes.toml`
//! changes or on SIGHUP, and a drain on SIGTERM/SIGINT.
//!
//! ```text
//! routes.toml --load+validate--> RouteTable --Runtime::build--> Router (ArcSwap)
//!                                      \--reconcile--> listeners started / stopped / rebound
//! ```
//!
//! A table that fails to load or build is logged, error by error, and the running one
//! stays in force.

mod listeners;
mod verifier;

use crate::config::{self, RouteTable};
use crate::gateway::{Router, Runtime};
use listeners::Listeners;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::signal::unix::{signal, SignalKind};

/// How often the routes file is checked for changes.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Why the gateway cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{} has errors:\n{errors}", .path.display())]
    Table {
        path: PathBuf,
        errors: config::ConfigErrors,
    },
    #[error("{0}")]
    Runtime(#[from] crate::gateway::RuntimeError),
    #[error("{0}")]
    Listener(String),
    #[error("cannot watch signals: {0}")]
    Signals(std::io::Error),
}

/// Serves `routes` until SIGTERM or SIGINT, then drains. `started` is called once with
/// the addresses listened on (`name`, URL), before serving.
pub async fn run(
    routes: &Path,
    started: impl FnOnce(&[(String, String)]),
) -> Result<(), StartError> {
    let table = load(routes)?;
    let router = Arc::new(Router::new(Runtime::build(table, None)?));
    let mut listeners = Listeners::new(Arc::clone(&router));
    listeners
        .reconcile(&router.runtime().table)
        .await
        .map_err(StartError::Listener)?;
    started(&listeners.addresses());
    let mut hangup = signal(SignalKind::hangup()).map_err(StartError::Signals)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(StartError::Signals)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(StartError::Signals)?;
    let mut last_seen = modified(routes);
    let mut tick = tokio::time::interval(WATCH_INTERVAL);
    loop {
        tokio::select! {
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
            _ = hangup.recv() => {
                tracing::info!(routes = %routes.display(), "SIGHUP: reloading the route table");
                reload(routes, &router, &mut listeners).await;
                last_seen = modified(routes);
            }
            _ = tick.tick() => {
                let now = modified(routes);
                if now != last_seen {
                    last_seen = now;
                    tracing::info!(routes = %routes.display(), "the route table changed: reloading");
                    reload(routes, &router, &mut listeners).await;
                }
            }
        }
    }
    tracing::info!("stopping: draining in-flight exchanges");
    listeners.stop_all().await;
    Ok(())
}

fn load(routes: &Path) -> Result<RouteTable, StartError> {
    config::load(routes).map_err(|errors| StartError::Table {
        path: routes.to_owned(),
        errors,
    })
}

/// Loads, builds and puts in force a new table; on any error the running one stays.
async fn reload(routes: &Path, router: &Arc<Router>, listeners: &mut Listeners) {
    let table = match config::load(routes) {
        Ok(t) => t,
        Err(errors) => {
            for e in errors.iter() {
                tracing::error!(target: "taxii_gateway::reload", "{e}");
            }
            tracing::error!(target: "taxii_gateway::reload", count = errors.len(), "the new route table was rejected; the running one stays in force");
            return;
        }
    };
    let current = router.runtime();
    match Runtime::build(table, Some(&current)) {
        Ok(runtime) => {
            router.replace(runtime);
            match listeners.reconcile(&router.runtime().table).await {
                Ok(()) => {
                    tracing::info!(target: "taxii_gateway::reload", listening = ?listeners.addresses(), "route table reloaded")
                }
                Err(e) => {
                    tracing::error!(target: "taxii_gateway::reload", "route table in force, but a listener failed: {e}")
                }
            }
        }
        Err(e) => {
            tracing::error!(target: "taxii_gateway::reload", "the new route table cannot run ({e}); the running one stays in force")
        }
    }
}

fn modified(path: &Path) -> Option<(SystemTime, u64)> {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())))
}
