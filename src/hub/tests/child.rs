//! Child processes for the crash and full-disk tests: the test binary re-invokes itself
//! to run one test, which sees [`CHILD_DIR`] set and plays the writer instead of the
//! checker. The writer prints `ACK <n> <label>` for every block the hub acknowledged.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Set in a child: the data directory it writes to.
pub const CHILD_DIR: &str = "TAXII_GATEWAY_HUB_TEST_CHILD_DIR";

/// The data directory, when this process is a writer child.
pub fn child_dir() -> Option<PathBuf> {
    std::env::var_os(CHILD_DIR).map(PathBuf::from)
}

/// The libtest name of test `name` in `module` (a `module_path!()`).
pub fn test_name(module: &str, name: &str) -> String {
    let module = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{module}::{name}")
}

/// Starts this test binary running only `test` as a writer child on `dir`. `shell_prefix`
/// is a shell snippet run before the binary (it is `exec`ed in the same shell).
pub fn spawn_writer(test: &str, dir: &Path, shell_prefix: &str) -> Child {
    let exe = std::env::current_exe().expect("test binary path");
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{shell_prefix} exec \"$0\" --exact \"$1\" --nocapture --test-threads=1"
        ))
        .arg(exe)
        .arg(test)
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn writer child")
}

/// One acknowledged block: its number and its label as the hub answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub n: u64,
    pub label: String,
}

/// Reads the child's `ACK` lines until `stop` says enough (or the child's output ends),
/// returning them and the other lines.
pub fn read_acks(
    child: &mut Child,
    mut stop: impl FnMut(&[Ack]) -> bool,
) -> (Vec<Ack>, Vec<String>, BufReader<std::process::ChildStdout>) {
    let stdout = child.stdout.take().expect("piped stdout");
    let mut reader = BufReader::new(stdout);
    let mut acks = Vec::new();
    let mut other = Vec::new();
    let mut line = String::new();
    while !stop(&acks) {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => parse_line(&line, &mut acks, &mut other),
        }
    }
    (acks, other, reader)
}

/// Reads the rest of the child's output (after it exited or was killed).
pub fn drain(
    mut reader: BufReader<std::process::ChildStdout>,
    acks: &mut Vec<Ack>,
    other: &mut Vec<String>,
) {
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => parse_line(&line, acks, other),
        }
    }
}

fn parse_line(line: &str, acks: &mut Vec<Ack>, other: &mut Vec<String>) {
    // libtest may print `test <name> ... ` on the same line before the test's output.
    let from = line.find("ACK ").unwrap_or(0);
    let mut words = line[from..].split_whitespace();
    match (words.next(), words.next(), words.next()) {
        // A line cut by the kill has no label yet: it was not fully acknowledged.
        (Some("ACK"), Some(n), Some(label)) if line.ends_with('\n') => {
            if let Ok(n) = n.parse() {
                acks.push(Ack {
                    n,
                    label: label.to_owned(),
                });
            }
        }
        _ => other.push(line.trim_end().to_owned()),
    }
}
