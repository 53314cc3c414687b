//! The foreign AMQP peers: pika scripts (`pika/partner.py`, `pika/community.py`) run with
//! the project's peer venv (`taxii_testkit::python()`).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

fn pika_script(name: &str) -> Command {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/amqp/pika")
        .join(name);
    let mut command = Command::new(taxii_testkit::python());
    command.arg(script);
    command
}

/// Runs the pika partner: publishes `requests` to `queue`, returns its JSON report.
pub fn pika_partner(
    queue: &str,
    requests: &serde_json::Value,
    wait_seconds: u32,
) -> serde_json::Value {
    let mut child = pika_script("partner.py")
        .args([queue, &wait_seconds.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pika partner");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(requests.to_string().as_bytes())
        .expect("write requests");
    let output = child.wait_with_output().expect("pika partner output");
    assert!(
        output.status.success(),
        "pika partner failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "pika partner printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The pika community member consuming `queue`, started and ready.
pub struct PikaCommunity {
    child: Child,
    stdout: BufReader<std::process::ChildStdout>,
}

impl PikaCommunity {
    pub fn start(queue: &str, count: usize) -> PikaCommunity {
        let mut child = pika_script("community.py")
            .args([queue, &count.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start pika community");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read ready line");
        assert_eq!(line.trim(), "ready", "pika community did not start");
        PikaCommunity { child, stdout }
    }

    /// What it received, once it handled its count.
    pub fn finish(mut self) -> serde_json::Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read report");
        let status = self.child.wait().expect("pika community exit");
        assert!(status.success(), "pika community failed: {status}");
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("pika community report ({e}): {line}"))
    }
}

impl Drop for PikaCommunity {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
