//! Key paths map to the line and column where the key (or array element) is written, and
//! a path that is not in the file maps to its nearest ancestor that is.

use crate::config::spans::{Position, SpanIndex};
use crate::config::KeyPath;

const TEXT: &str = r#"[hub]
data_dir = "d"

[[listener]]
name = "a"

[[listener]]
name = "b"
tls.cert_file = "c.pem"
message_bindings = [
    "xml10",
    "xml11",
]

[listener.extra]
depth = { inner = [1, 2] }
"#;

fn position(path: &KeyPath) -> Option<(usize, usize)> {
    let index = SpanIndex::parse(TEXT).expect("valid TOML");
    index
        .position(path)
        .map(|Position { line, column }| (line, column))
}

fn root() -> KeyPath {
    KeyPath::root()
}

#[test]
fn plain_keys_and_table_keys() {
    assert_eq!(position(&root().key("hub").key("data_dir")), Some((2, 1)));
    assert_eq!(position(&root().key("hub")), Some((1, 2)));
}

#[test]
fn array_of_table_entries_are_told_apart() {
    let second = root().key("listener").index(1);
    assert_eq!(
        position(&root().key("listener").index(0).key("name")),
        Some((5, 1))
    );
    assert_eq!(position(&second.key("name")), Some((8, 1)));
    assert_eq!(position(&second.key("tls").key("cert_file")), Some((9, 5)));
}

#[test]
fn elements_of_multi_line_arrays_have_their_own_lines() {
    let bindings = root().key("listener").index(1).key("message_bindings");
    assert_eq!(position(&bindings.index(0)), Some((11, 5)));
    assert_eq!(position(&bindings.index(1)), Some((12, 5)));
}

#[test]
fn sub_tables_and_inline_values_nest() {
    let extra = root().key("listener").index(1).key("extra");
    assert_eq!(
        position(&extra.key("depth").key("inner").index(1)),
        Some((16, 23))
    );
}

#[test]
fn missing_keys_fall_back_to_their_nearest_ancestor() {
    let first = root().key("listener").index(0);
    assert_eq!(position(&first.key("bind")), position(&first));
    assert_eq!(position(&first), Some((4, 1)), "the [[listener]] header");
    assert_eq!(
        position(&root().key("peer").index(3)),
        None,
        "nothing at all"
    );
}

#[test]
fn syntax_errors_have_a_position() {
    let Err((message, position)) = SpanIndex::parse("a = \"open\nb = 1\n") else {
        panic!("not valid TOML");
    };
    assert!(!message.is_empty());
    assert_eq!(position.map(|p| p.line), Some(1));
}
