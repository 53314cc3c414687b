//! `taxii-gateway check FILE`, the binary itself: on each broken table of
//! `tests/fixtures/routes/cli/` it exits 1 and prints on stderr every error annotated in the
//! file (`# error: KEY: TEXT` on the line the error must name; `-` for no key), each as
//! `FILE:LINE:COLUMN: KEY: MESSAGE`, and nothing else; on the shipped `routes.toml` it
//! exits 0 with a summary on stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const UNSET: &str = "GW_CHECK_TEST_UNSET_VARIABLE";

fn check(file: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"));
    command.arg("check").arg(file).env_remove(UNSET);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run taxii-gateway check")
}

#[derive(Debug, PartialEq, Eq, Clone)]
struct Expected {
    line: usize,
    key: String,
    text: String,
}

fn annotations(file: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(file).expect("read fixture");
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for annotation in line.split("# error: ").skip(1) {
            let annotation = annotation.trim();
            let (key, text) = annotation
                .split_once(": ")
                .unwrap_or_else(|| panic!("bad annotation {annotation:?}"));
            expected.push(Expected {
                line: i + 1,
                key: key.to_owned(),
                text: text.to_owned(),
            });
        }
    }
    expected
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/routes/cli");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_broken_table_reports_every_error_with_its_line_and_key() {
    let files = fixtures();
    assert!(files.len() >= 4, "fixtures: {files:?}");
    let mut total = 0;
    for file in &files {
        let expected = annotations(file);
        assert!(!expected.is_empty(), "{}: no annotations", file.display());
        let output = check(file, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}: exit status\n{stderr}",
            file.display()
        );
        assert!(
            stdout.trim().is_empty(),
            "{}: a broken table printed a summary:\n{stdout}",
            file.display()
        );
        let shown = file.display().to_string();
        let mut lines: Vec<&str> = stderr.lines().collect();
        let last = lines.pop().unwrap_or_default();
        assert_eq!(
            last,
            format!("{shown}: {} error(s)", expected.len()),
            "{shown}: the count line\n{stderr}"
        );
        let mut unmatched: Vec<&str> = lines.clone();
        for e in &expected {
            let prefix = format!("{shown}:{}:", e.line);
            let found = unmatched.iter().position(|l| {
                let Some(rest) = l.strip_prefix(&prefix) else {
                    return false;
                };
                // COLUMN: KEY: MESSAGE (or COLUMN: MESSAGE for errors without a key)
                let Some((column, rest)) = rest.split_once(": ") else {
                    return false;
                };
                if column.parse::<usize>().is_err() {
                    return false;
                }
                if e.key == "-" {
                    rest.contains(&e.text)
                } else {
                    rest.strip_prefix(&format!("{}: ", e.key))
                        .is_some_and(|m| m.contains(&e.text))
                }
            });
            match found {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => panic!(
                    "{shown}: expected an error on line {} at {} saying {:?}; stderr:\n{stderr}",
                    e.line, e.key, e.text
                ),
            }
        }
        assert!(
            unmatched.is_empty(),
            "{shown}: errors not annotated in the fixture:\n{}",
            unmatched.join("\n")
        );
        total += expected.len();
    }
    assert!(total >= 20, "only {total} errors checked");
}

#[test]
fn the_shipped_routes_toml_checks_clean_with_a_summary() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("routes.toml");
    let output = check(&shipped, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.trim().is_empty(), "{stderr}");
    for wanted in [
        "route table",
        "listeners (1):",
        "public",
        "127.0.0.1:9090",
        "partners (1):",
        "guest",
        "peers (1):",
        "hub",
        "collections (2):",
        "indicators",
        "advisories",
    ] {
        assert!(
            stdout.contains(wanted),
            "no {wanted:?} in the summary:\n{stdout}"
        );
    }
    assert!(stdout.lines().count() <= 40, "not one screen:\n{stdout}");
}

#[test]
fn a_valid_table_with_secrets_never_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("peer-password"), "file-secret-7\n").expect("write");
    let table = dir.path().join("routes.toml");
    std::fs::write(
        &table,
        r#"
[[listener]]
name = "public"
protocol = "http"
bind = "127.0.0.1:9090"

[[partner]]
name = "acme"
auth = { basic = { user = "acme", password_env = "GW_CHECK_TEST_SECRET" } }
collections = ["indicators"]

[[peer]]
name = "isac"
protocol = "http"
message = "xml11"
poll = "http://127.0.0.1:9000/services/poll"
auth = { basic = { user = "gw", password_file = "peer-password" } }

[[collection]]
name = "indicators"
peer = "isac"
services = ["poll"]
"#,
    )
    .expect("write table");
    let output = check(&table, &[("GW_CHECK_TEST_SECRET", "env-secret-3")]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("acme") && all.contains("isac"), "{all}");
    assert!(
        !all.contains("env-secret-3") && !all.contains("file-secret-7"),
        "a secret was printed:\n{all}"
    );
}

#[test]
fn check_without_a_file_reads_routes_toml_in_the_working_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .arg("check")
        .current_dir(root)
        .output()
        .expect("run check");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("routes.toml"));
    let empty = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .arg("check")
        .current_dir(empty.path())
        .output()
        .expect("run check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("routes.toml"), "{stderr}");
}

#[test]
fn run_refuses_to_start_on_a_broken_table_and_says_why() {
    for file in fixtures() {
        let output = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
            .arg("run")
            .arg("--routes")
            .arg(&file)
            .env_remove(UNSET)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}: {stderr}",
            file.display()
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).trim().is_empty(),
            "{}: listened anyway",
            file.display()
        );
        for e in annotations(&file) {
            assert!(
                stderr.contains(&format!("{}:{}:", file.display(), e.line))
                    && stderr.contains(&e.text),
                "{}: run does not report line {} {:?}:\n{stderr}",
                file.display(),
                e.line,
                e.text
            );
        }
    }
}
