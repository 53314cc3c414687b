//! Broken tables under `tests/fixtures/routes/broken/`: each says, in trailing comments
//! `error: KEY: TEXT` (after a `#`), every error the loader must report on that line.
//! Every annotated error must be reported (same line, same key, message containing TEXT)
//! and nothing else may be.

use super::{fixture, fixture_env};
use crate::config::{load_with_env, ConfigError, ConfigErrors, Origin};

/// One annotated error: line, key, and a fragment of the message.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    line: usize,
    key: String,
    text: String,
}

fn expected_errors(text: &str) -> Vec<Expected> {
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for annotation in line.split("# error: ").skip(1) {
            let (key, text) = annotation
                .split_once(": ")
                .expect("an annotation is KEY: TEXT");
            expected.push(Expected {
                line: i + 1,
                key: key.trim().to_owned(),
                text: text.trim().to_owned(),
            });
        }
    }
    expected
}

fn matches(error: &ConfigError, expected: &Expected) -> bool {
    error.line() == Some(expected.line)
        && error.key.to_string() == expected.key
        && error.message.contains(&expected.text)
}

fn load_broken(name: &str) -> ConfigErrors {
    match load_with_env(&fixture(&format!("broken/{name}")), &fixture_env()) {
        Ok(table) => panic!("{name} should not load, but gave {table:?}"),
        Err(errors) => errors,
    }
}

/// Checks the errors of one fixture against its annotations.
fn check_fixture(name: &str) {
    let path = fixture(&format!("broken/{name}"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let expected = expected_errors(&text);
    assert!(!expected.is_empty(), "{name} has no annotations");
    let errors = load_broken(name);
    let missing: Vec<&Expected> = expected
        .iter()
        .filter(|x| !errors.iter().any(|e| matches(e, x)))
        .collect();
    let unexpected: Vec<String> = errors
        .iter()
        .filter(|e| !expected.iter().any(|x| matches(e, x)))
        .map(|e| e.to_string())
        .collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{name}:\nmissing: {missing:#?}\nunexpected: {unexpected:#?}\nall reported:\n{errors}"
    );
    for error in &errors {
        let Origin::File { path: file, .. } = &error.origin else {
            panic!("{name}: {error} should come from the file");
        };
        assert_eq!(*file, path);
    }
}

#[test]
fn unknown_and_duplicate_names_are_all_reported() {
    check_fixture("references.toml");
}

#[test]
fn listener_problems_are_all_reported() {
    check_fixture("listeners.toml");
}

#[test]
fn peer_problems_are_all_reported() {
    check_fixture("peers.toml");
}

#[test]
fn collection_problems_are_all_reported() {
    check_fixture("collections.toml");
}

#[test]
fn refused_keys_are_reported_once_per_entry_without_knock_on_errors() {
    check_fixture("structure.toml");
}

#[test]
fn errors_display_one_per_line_as_file_line_column_key_message() {
    let errors = load_broken("references.toml");
    let shown = errors.to_string();
    assert_eq!(shown.lines().count(), errors.len());
    let path = fixture("broken/references.toml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let line = text
        .lines()
        .position(|l| l.starts_with("peer = \"isec\""))
        .expect("the isec line")
        + 1;
    let expected = format!(
        "{}:{line}:1: collection[0].peer: unknown peer \"isec\" (peers: isac)",
        path.display()
    );
    assert!(shown.lines().any(|l| l == expected), "{shown}");
    let lines: Vec<usize> = errors.iter().filter_map(ConfigError::line).collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "in file order: {lines:?}"
    );
}

#[test]
fn a_syntax_error_names_its_line() {
    let errors = load_broken("syntax.toml");
    assert_eq!(errors.len(), 1, "{errors}");
    let error = errors.iter().next().expect("one error");
    assert_eq!(error.line(), Some(4), "{error}");
    assert!(error.message.starts_with("not valid TOML"), "{error}");
}

#[test]
fn a_missing_file_is_one_error_naming_it() {
    let errors = load_broken("no-such-routes.toml");
    assert_eq!(errors.len(), 1);
    let shown = errors.to_string();
    assert!(shown.contains("no-such-routes.toml"), "{shown}");
    assert!(shown.contains("cannot read the routes file"), "{shown}");
}

#[test]
fn annotations_are_read_as_written() {
    let found = expected_errors("a = 1\nb = 2   # error: b: bad # error: c: worse\n");
    assert_eq!(
        found,
        [
            Expected {
                line: 2,
                key: "b".into(),
                text: "bad".into()
            },
            Expected {
                line: 2,
                key: "c".into(),
                text: "worse".into()
            },
        ]
    );
}
