//! `taxii-gateway translate`, run as the real binary: every fixture between XML 1.0 and
//! 1.1 (where 1.0 can express it) and JSON, stdin and files, and the errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use taxii_core::{convert, Version};
use taxii_xml::XmlBinding;

fn gateway(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taxii-gateway"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the taxii-gateway binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn ok(out: &Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.clone()
}

#[test]
fn every_1_0_fixture_goes_to_1_1_and_back_meaning_the_same() {
    for file in fixtures("xml10") {
        let path = file.to_str().unwrap();
        let up = ok(&gateway(&["translate", "--to", "xml11", path], None));
        let m11 = XmlBinding::v11()
            .decode_message(&up)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let original = XmlBinding::v10()
            .decode_message(&std::fs::read(&file).unwrap())
            .unwrap();
        let now = chrono::Utc::now().fixed_offset();
        assert_eq!(
            m11,
            convert(original.clone(), Version::V11, now).unwrap(),
            "{path}"
        );
        let down = ok(&gateway(&["translate", "--to", "xml10"], Some(&up)));
        let back = XmlBinding::v10().decode_message(&down).unwrap();
        if path.ends_with("Poll_Request.xml") {
            // Documented: a 1.0 poll naming a subscription drops its content bindings in 1.1.
            assert_eq!(back.header, original.header);
        } else {
            assert_eq!(back, original, "{path}");
        }
    }
}

#[test]
fn fixtures_of_1_1_that_1_0_can_express_go_down_and_the_rest_are_refused_with_the_reason() {
    let mut converted = 0;
    for file in fixtures("xml11") {
        let path = file.to_str().unwrap();
        let out = gateway(
            &["translate", "--to", "xml10", "--renumber-ids", path],
            None,
        );
        if out.status.success() {
            let m10 = XmlBinding::v10()
                .decode_message(&out.stdout)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(m10.version, Version::V10);
            assert!(m10.header.message_id.bytes().all(|b| b.is_ascii_digit()));
            converted += 1;
        } else {
            assert_eq!(out.status.code(), Some(2), "{path}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.starts_with("taxii-gateway: TAXII 1.0 cannot express "),
                "{path}: {err}"
            );
            assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        }
    }
    // The 1.1 fixtures are deliberately full of 1.1-only fields: only the two requests with
    // empty bodies and the PENDING status (which becomes FAILURE) can go down.
    assert_eq!(converted, 3);
    let refused = gateway(
        &[
            "translate",
            "--to",
            "xml10",
            fixtures("xml11")
                .iter()
                .find(|p| p.ends_with("Discovery_Request.xml"))
                .unwrap()
                .to_str()
                .unwrap(),
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("message id that is not digits (\"discovery-1\")"));
}

#[test]
fn json_both_ways_from_stdin() {
    for (dir, to, back) in [("xml10", "json10", "xml10"), ("xml11", "json11", "xml11")] {
        for file in fixtures(dir) {
            let bytes = std::fs::read(&file).unwrap();
            let json = ok(&gateway(&["translate", "--to", to, "-"], Some(&bytes)));
            assert_eq!(json.first(), Some(&b'{'), "{}", file.display());
            let xml = ok(&gateway(&["translate", "--to", back], Some(&json)));
            let binding = XmlBinding::new(if dir == "xml10" {
                Version::V10
            } else {
                Version::V11
            });
            assert_eq!(
                binding.decode_message(&xml).unwrap(),
                binding.decode_message(&bytes).unwrap(),
                "{}",
                file.display()
            );
        }
    }
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let cases: [(&[&str], &[u8], &str); 5] = [
        (&["translate", "--to", "xml11"], b"<not-taxii/>", "neither a TAXII XML"),
        (&["translate", "--to", "xml11"], b"<Discovery_Request xmlns=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"1\">", "ends before"),
        (&["translate", "--to", "xml12"], b"", "unknown target \"xml12\""),
        (&["translate", "--to", "xml10", "--services", "1.1"], b"", "writes TAXII 1.0 messages, but --services asks for TAXII 1.1"),
        (&["translate", "--to", "xml11", "/nonexistent/file.xml"], b"", "cannot read /nonexistent/file.xml"),
    ];
    for (args, input, expected) in cases {
        let out = gateway(args, Some(input));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_explains_the_targets() {
    let out = gateway(&["translate", "--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "xml10",
        "json11",
        "--services",
        "--renumber-ids",
        "Examples",
    ] {
        assert!(help.contains(word), "--help lacks {word}: {help}");
    }
}
