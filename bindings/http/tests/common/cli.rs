//! Running the Python peers' command-line clients (cabby, libtaxii's scripts) from the
//! pinned venv, and judging them by their output: cabby exits 0 even on failure.

use std::time::Duration;

/// Runs a venv script with `args`; returns stdout and stderr together, and the exit code.
pub async fn run(script: &str, args: &[String]) -> (String, Option<i32>) {
    let program = tokio::task::spawn_blocking({
        let script = script.to_owned();
        move || taxii_testkit::bin(&script)
    })
    .await
    .expect("the venv lookup did not panic");
    // Some scripts write what they polled into the working directory: give them their own.
    let workdir = tempfile::tempdir().expect("a working directory for the peer");
    let mut command = tokio::process::Command::new(&program);
    command
        .current_dir(workdir.path())
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        // requests lets these override the CA file a client is given (cabby's --ca-cert).
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .unwrap_or_else(|_| panic!("{script} {args:?} did not finish within 90 s"))
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (text, output.status.code())
}

/// Runs a cabby tool and fails the test if it reported an error.
pub async fn cabby_ok(tool: &str, args: &[String]) -> String {
    let (out, code) = run(tool, args).await;
    assert!(
        code == Some(0) && !out.contains("ERROR") && !out.contains("Traceback"),
        "{tool} {args:?} failed (exit {code:?}):\n{out}"
    );
    out
}

/// Strings for a command line.
pub fn args(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}
