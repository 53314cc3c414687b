//! A peer process in its own process group, its output in log files, killed on drop.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running external peer. Dropping it signals its whole process group (gunicorn's
/// workers included) and reaps it.
pub struct PeerProcess {
    name: String,
    child: Child,
    stdout_log: PathBuf,
    stderr_log: PathBuf,
}

impl PeerProcess {
    /// Spawns `command` in a new process group, stdout/stderr going to
    /// `<log_dir>/<name>.stdout.log` and `.stderr.log` (files, so a chatty peer can never
    /// block on a full pipe).
    ///
    /// # Panics
    /// If the log files cannot be created or the program cannot be started.
    pub fn spawn(name: &str, mut command: Command, log_dir: &Path) -> Self {
        let stdout_log = log_dir.join(format!("{name}.stdout.log"));
        let stderr_log = log_dir.join(format!("{name}.stderr.log"));
        let open = |path: &Path| {
            File::create(path).unwrap_or_else(|e| {
                panic!("taxii-testkit: cannot create log {}: {e}", path.display())
            })
        };
        command
            .stdin(Stdio::null())
            .stdout(open(&stdout_log))
            .stderr(open(&stderr_log))
            .process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("taxii-testkit: cannot start {name} ({command:?}): {e}"));
        Self {
            name: name.to_string(),
            child,
            stdout_log,
            stderr_log,
        }
    }

    /// `Some(description)` if the process has already exited.
    pub fn exit_status(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("unknown ({e})")),
        }
    }

    /// The last `max_bytes` of the peer's stderr, then stdout, for failure messages.
    pub fn log_tail(&self, max_bytes: usize) -> String {
        let tail = |path: &Path| {
            let text = std::fs::read(path).unwrap_or_default();
            let start = text.len().saturating_sub(max_bytes);
            String::from_utf8_lossy(&text[start..]).into_owned()
        };
        format!(
            "--- {} stderr ({}) ---\n{}\n--- stdout ---\n{}",
            self.name,
            self.stderr_log.display(),
            tail(&self.stderr_log),
            tail(&self.stdout_log)
        )
    }

    fn signal_group(&self, signal: libc::c_int) {
        let Ok(group) = libc::pid_t::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: kill(2) has no memory-safety preconditions; a negative pid names the
        // process group we created with process_group(0), whose id is the child's pid.
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        // SIGINT is gunicorn's quick shutdown; anything still alive after 3 s is killed.
        self.signal_group(libc::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Workers may outlive the master briefly: kill the whole group regardless.
        self.signal_group(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
