//! A real OpenTAXII 0.9.3 server (TAXII 1.1 + 1.0 over HTTP) on a free loopback port.
//!
//! [`OpenTaxii::start`] fills the templates of `tests/peers/opentaxii/` into a fresh temp
//! dir (its own SQLite databases), loads services, collections and accounts with
//! `opentaxii-sync-data`, starts gunicorn and waits for `GET /management/health`.
//! Dropping the value stops gunicorn and deletes the temp dir.

use crate::probe::http_get;
use crate::process::PeerProcess;
use crate::{bin, free_port, peers_dir};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A username/password pair known to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub username: &'static str,
    pub password: &'static str,
}

/// May read and write (push to) both collections.
pub const HARNESS_ACCOUNT: Account = Account {
    username: "harness",
    password: "harness-pass",
};
/// May only read both collections (1.1 pushes get UNAUTHORIZED, 1.0 pushes are dropped).
pub const READER_ACCOUNT: Account = Account {
    username: "reader",
    password: "reader-pass",
};
/// OpenTAXII administrator.
pub const ADMIN_ACCOUNT: Account = Account {
    username: "admin",
    password: "admin-pass",
};

const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running OpenTAXII. See the module docs for what it serves.
pub struct OpenTaxii {
    // Field order matters: the server must stop before its data dir is deleted.
    server: PeerProcess,
    port: u16,
    data_dir: TempDir,
}

impl OpenTaxii {
    /// Discovery service path.
    pub const DISCOVERY: &'static str = "/services/discovery";
    /// Collection management (1.1) / feed management (1.0) service path.
    pub const COLLECTION_MANAGEMENT: &'static str = "/services/collection-management";
    /// Inbox for 1.1 pushes; a destination collection is required.
    pub const INBOX: &'static str = "/services/inbox";
    /// Inbox without destination, feeding collection-b; for 1.0 pushes.
    pub const INBOX_B: &'static str = "/services/inbox-b";
    /// Poll service, 5 content blocks per response part.
    pub const POLL: &'static str = "/services/poll";

    /// Starts a fresh, empty server on a free port and waits until it is healthy.
    ///
    /// A port taken by someone else between choosing and binding it is retried on
    /// another port (twice).
    ///
    /// # Panics
    /// If the venv is unusable, the data sync fails, or the server is not healthy within
    /// 60 s; the message carries OpenTAXII's and gunicorn's stderr.
    pub fn start() -> Self {
        let mut attempts_left = 3;
        loop {
            attempts_left -= 1;
            match Self::start_on(free_port()) {
                Ok(server) => return server,
                Err(StartFailure::PortTaken(_)) if attempts_left > 0 => continue,
                Err(StartFailure::PortTaken(why) | StartFailure::Unhealthy(why)) => {
                    panic!("taxii-testkit: OpenTAXII did not start: {why}")
                }
            }
        }
    }

    fn start_on(port: u16) -> Result<Self, StartFailure> {
        let data_dir = tempfile::Builder::new()
            .prefix("taxii-testkit-opentaxii-")
            .tempdir()
            .unwrap_or_else(|e| panic!("taxii-testkit: cannot create a temp dir: {e}"));
        let domain = format!("127.0.0.1:{port}");
        let config = data_dir.path().join("opentaxii.yml");
        let data = data_dir.path().join("opentaxii-data.yml");
        fill_template("opentaxii.yml", &config, &domain, data_dir.path());
        fill_template("opentaxii-data.yml", &data, &domain, data_dir.path());

        let mut sync = opentaxii_command(&bin("opentaxii-sync-data"), &config);
        let synced = sync
            .arg(&data)
            .output()
            .unwrap_or_else(|e| panic!("taxii-testkit: cannot run opentaxii-sync-data: {e}"));
        assert!(
            synced.status.success(),
            "taxii-testkit: opentaxii-sync-data failed ({}):\n{}",
            synced.status,
            String::from_utf8_lossy(&synced.stderr)
        );

        let mut gunicorn = opentaxii_command(&bin("gunicorn"), &config);
        gunicorn.current_dir(data_dir.path()).args([
            "opentaxii.http:app",
            "--bind",
            &domain,
            "--workers",
            "2",
            "--config",
            "python:opentaxii.http",
            "--no-control-socket",
        ]);
        let server = PeerProcess::spawn("opentaxii-gunicorn", gunicorn, data_dir.path());
        let mut opentaxii = Self {
            server,
            port,
            data_dir,
        };
        opentaxii.wait_until_healthy()?;
        Ok(opentaxii)
    }

    /// The loopback port gunicorn listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `base_url()` + `path` (which starts with `/`), e.g. `url(OpenTaxii::POLL)`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The socket address gunicorn listens on.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The temp dir holding this server's configs, databases and logs.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// The tail of gunicorn's and OpenTAXII's logs, to attach to a failing assertion.
    pub fn logs(&self) -> String {
        self.server.log_tail(16 * 1024)
    }

    fn wait_until_healthy(&mut self) -> Result<(), StartFailure> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.server.exit_status() {
                let logs = self.logs();
                let why = format!("gunicorn exited ({status}) before it was healthy\n{logs}");
                return Err(if logs.contains("Address already in use") {
                    StartFailure::PortTaken(why)
                } else {
                    StartFailure::Unhealthy(why)
                });
            }
            if let Some((200, body)) = http_get(self.address(), "/management/health") {
                let compact: String = body.split_whitespace().collect();
                if compact.contains("\"alive\":true") {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(StartFailure::Unhealthy(format!(
                    "no {{\"alive\":true}} from {} within {READY_TIMEOUT:?}\n{}",
                    self.url("/management/health"),
                    self.logs()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Why one start attempt failed (the text carries the logs).
enum StartFailure {
    PortTaken(String),
    Unhealthy(String),
}

/// A command for an OpenTAXII tool reading `config`, with every inherited `OPENTAXII_*`
/// variable removed: OpenTAXII would read each of them as configuration.
fn opentaxii_command(program: &Path, config: &Path) -> Command {
    let mut command = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OPENTAXII_") {
            command.env_remove(key);
        }
    }
    command.env("OPENTAXII_CONFIG", config);
    command
}

/// Copies `tests/peers/opentaxii/<template>` to `target`, filling in the placeholders.
fn fill_template(template: &str, target: &Path, domain: &str, data_dir: &Path) {
    let source = peers_dir().join("opentaxii").join(template);
    let text = std::fs::read_to_string(&source)
        .unwrap_or_else(|e| panic!("taxii-testkit: cannot read {}: {e}", source.display()));
    let filled = text
        .replace("@DOMAIN@", domain)
        .replace("@DATA_DIR@", &data_dir.to_string_lossy());
    std::fs::write(target, filled)
        .unwrap_or_else(|e| panic!("taxii-testkit: cannot write {}: {e}", target.display()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_port_someone_else_holds_is_reported_as_taken_so_start_can_retry() {
        let holder = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = holder.local_addr().expect("addr").port();
        match OpenTaxii::start_on(port) {
            Err(StartFailure::PortTaken(why)) => assert!(why.contains("gunicorn exited"), "{why}"),
            Err(StartFailure::Unhealthy(why)) => panic!("not recognised as a taken port: {why}"),
            Ok(_) => panic!("gunicorn cannot have bound a port held by this test"),
        }
    }
}
