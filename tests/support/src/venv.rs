//! The pinned Python venv of real TAXII peers at `<workspace>/target/peers-venv`, and
//! running peer scripts (`tests/peers/*.py`, the venv's CLI tools) with it.
//!
//! [`venv`] builds or refreshes the venv on first use in a process (see `venv_install`
//! for the stamp and the cross-process lock) and panics with a fix-it message if it cannot.

use crate::venv_install::ensure_venv_at;
use crate::workspace::{peers_dir, workspace_root};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The venv directory, created or refreshed on first call in this process.
///
/// # Panics
/// With a message saying what failed (python3 missing, `venv` or `pip` failing, with their
/// stderr) and how to fix it.
pub fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let dir = workspace_root().join("target").join("peers-venv");
        let requirements = peers_dir().join("requirements.txt");
        if let Err(error) = ensure_venv_at(&dir, &requirements) {
            panic!(
                "taxii-testkit: the peer venv at {} is not usable: {error}",
                dir.display()
            );
        }
        dir
    })
}

/// The venv's Python interpreter.
pub fn python() -> PathBuf {
    venv().join("bin").join("python")
}

/// A script the venv installed, e.g. `taxii-discovery`, `taxii-poll`, `gunicorn`.
///
/// # Panics
/// If the venv has no such script (a typo, or a package missing from the pins).
pub fn bin(name: &str) -> PathBuf {
    let path = venv().join("bin").join(name);
    assert!(
        path.is_file(),
        "taxii-testkit: the peer venv has no script `{name}` at {}; \
         is its package pinned in tests/peers/requirements.txt?",
        path.display()
    );
    path
}

/// A command running `tests/peers/<script>` with the venv's Python (not yet spawned).
pub fn peer_script_command(script: &str) -> Command {
    let mut command = Command::new(python());
    // No __pycache__ inside the source tree.
    command
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(peers_dir().join(script));
    command
}

/// Runs `tests/peers/<script> args...` with the venv's Python to completion, feeding
/// `stdin` if given, and returns its status, stdout and stderr.
///
/// # Panics
/// If the interpreter cannot be started at all (the script's own failure is in the status).
pub fn run_peer_script(script: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = peer_script_command(script);
    command.args(args);
    run_with_stdin(&mut command, stdin)
        .unwrap_or_else(|error| panic!("taxii-testkit: cannot run tests/peers/{script}: {error}"))
}

/// Runs `command` to completion; `stdin` is written from a separate thread so a child that
/// writes a lot before reading cannot deadlock us.
fn run_with_stdin(command: &mut Command, stdin: Option<&[u8]>) -> std::io::Result<Output> {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    let writer = match (stdin, child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || pipe.write_all(&bytes)))
        }
        _ => None,
    };
    let output = child.wait_with_output()?;
    if let Some(writer) = writer {
        // A child that exits without reading all of stdin breaks the pipe: not our error.
        match writer.join() {
            Ok(Err(error)) if error.kind() != ErrorKind::BrokenPipe => return Err(error),
            _ => {}
        }
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::venv_install::{missing_pins, stamp_digest, STAMP_FILE};
    use std::fs;

    #[test]
    fn the_shared_venv_holds_every_pin_and_is_stamped() {
        let dir = venv();
        let pins = fs::read_to_string(peers_dir().join("requirements.txt")).expect("pins");
        let missing = missing_pins(&python(), &pins).expect("pip freeze runs");
        assert!(missing.is_empty(), "missing pins: {missing:?}");
        let stamp = fs::read_to_string(dir.join(STAMP_FILE)).expect("stamp written");
        assert_eq!(stamp, stamp_digest(&pins));
        assert!(bin("taxii-discovery").is_file());
    }

    #[test]
    fn peer_scripts_get_stdin_and_report_their_output() {
        let out = run_with_stdin(
            Command::new(python()).args(["-c", "import sys; print(sys.stdin.read().upper())"]),
            Some(b"taxii"),
        )
        .expect("python runs");
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "TAXII");
    }
}
