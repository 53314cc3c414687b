//! Bytes -> a bounded JSON tree, refusing what a hostile partner could use against us.
//!
//! serde_json does the tokenising; this module's visitor builds the tree and enforces what
//! serde_json does not: **no duplicate keys** in any object (Python's `json.loads` keeps the
//! last one silently, so a duplicate is a way to make two readers disagree), and a nesting
//! **depth bound** below serde_json's own recursion limit. Objects keep their keys in
//! order. Every refusal names the field path where it happened (`content_blocks[2].content`)
//! and the line and column.

use bytes::Bytes;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    Array(Vec<Node>),
    /// Keys in document order, each at most once.
    Object(Vec<(String, Node)>),
}

/// A JSON string, unescaped, held as shared bytes so that content can move into the model
/// without another copy. Always valid UTF-8: it is built from a `String`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text(Bytes);

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        // Built from a String, so this never fails; no panic path either way.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The bytes, shared (no copy).
    pub(crate) fn bytes(&self) -> Bytes {
        self.0.clone()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Bytes::from(s))
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A JSON number as serde_json reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    Unsigned(u64),
    Negative(i64),
    /// Any number with a fraction or exponent, or an integer beyond 64 bits.
    Float(f64),
}

impl Node {
    /// What kind of value this is, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::String(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
        }
    }
}

/// Why the bytes are not a JSON tree we accept.
#[derive(Debug)]
pub(crate) struct TreeError {
    /// The field path where parsing stopped, if inside the document.
    pub path: Option<String>,
    pub line: u64,
    pub column: u64,
    pub reason: String,
}

/// Parses `text` into a tree no deeper than `max_depth` containers.
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Node, TreeError> {
    let failure = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = NodeSeed {
        depth: 0,
        max_depth,
        path: &Path::Root,
        failure: &failure,
    };
    let result = seed
        .deserialize(&mut deserializer)
        .and_then(|node| deserializer.end().map(|()| node));
    result.map_err(|error| {
        let (path, reason) = match failure.into_inner() {
            Some((path, reason)) => (path, reason),
            None => (None, strip_position(&error)),
        };
        TreeError {
            path,
            line: error.line() as u64,
            column: error.column() as u64,
            reason,
        }
    })
}

/// serde_json's message without its trailing " at line L column C" (we report those apart).
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Where in the document a value sits, as a chain of borrowed segments (no allocation
/// unless an error is reported).
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> Option<String> {
        match self {
            Path::Root => None,
            Path::Key(parent, key) => Some(match parent.render() {
                Some(p) => format!("{p}.{key}"),
                None => (*key).to_owned(),
            }),
            Path::Index(parent, index) => {
                Some(format!("{}[{index}]", parent.render().unwrap_or_default()))
            }
        }
    }
}

type Failure = RefCell<Option<(Option<String>, String)>>;

struct NodeSeed<'p, 'f> {
    depth: usize,
    max_depth: usize,
    path: &'p Path<'p>,
    failure: &'f Failure,
}

impl NodeSeed<'_, '_> {
    fn fail<E: de::Error>(&self, path: &Path<'_>, reason: String) -> E {
        let message = reason.clone();
        *self.failure.borrow_mut() = Some((path.render(), reason));
        E::custom(message)
    }

    /// Records where a tokenizer error (bad syntax, a number out of range) happened, if no
    /// deeper value recorded it first.
    fn note<E: de::Error>(&self, path: &Path<'_>, error: E) -> E {
        let mut failure = self.failure.borrow_mut();
        if failure.is_none() {
            let text = error.to_string();
            let reason = match text.rfind(" at line ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            *failure = Some((path.render(), reason));
        }
        error
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= self.max_depth {
            return Err(self.fail(
                self.path,
                format!("nesting deeper than {} levels", self.max_depth),
            ));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = Node;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(Number::Unsigned(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(Number::Negative(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(Number::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(Text::from(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(Text::from(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        self.enter()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let path = Path::Index(self.path, items.len());
            let seed = NodeSeed {
                depth: self.depth + 1,
                max_depth: self.max_depth,
                path: &path,
                failure: self.failure,
            };
            match seq.next_element_seed(seed) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Node::Array(items)),
                Err(e) => return Err(self.note(&path, e)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        self.enter()?;
        let mut fields: Vec<(String, Node)> = Vec::new();
        // Small objects (every TAXII object) are checked by scanning; big ones by hashing,
        // so an object with 100,000 keys costs linear time.
        let mut seen: Option<HashSet<String>> = None;
        while let Some(key) = map
            .next_key::<String>()
            .map_err(|e| self.note(self.path, e))?
        {
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => fields.iter().any(|(k, _)| *k == key),
            };
            if duplicate {
                let path = Path::Key(self.path, &key);
                return Err(self.fail(&path, format!("duplicate key {key:?}")));
            }
            let value = {
                let path = Path::Key(self.path, &key);
                let seed = NodeSeed {
                    depth: self.depth + 1,
                    max_depth: self.max_depth,
                    path: &path,
                    failure: self.failure,
                };
                map.next_value_seed(seed).map_err(|e| self.note(&path, e))?
            };
            fields.push((key, value));
            if seen.is_none() && fields.len() > 32 {
                seen = Some(fields.iter().map(|(k, _)| k.clone()).collect());
            }
        }
        Ok(Node::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_number_kinds() {
        let node = parse(r#"{"b": 1, "a": [-2, 1.5, null, true, "x"]}"#, 8).unwrap();
        let Node::Object(fields) = node else {
            panic!("expected an object")
        };
        assert_eq!(fields[0].0, "b");
        assert_eq!(fields[1].0, "a");
        assert_eq!(
            fields[1].1,
            Node::Array(vec![
                Node::Number(Number::Negative(-2)),
                Node::Number(Number::Float(1.5)),
                Node::Null,
                Node::Bool(true),
                Node::String(Text::from("x".to_owned())),
            ])
        );
    }

    #[test]
    fn refuses_a_duplicate_key_naming_its_path() {
        let error = parse(r#"{"a": [{"k": 1, "k": 2}]}"#, 8).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("a[0].k"));
        assert!(error.reason.contains("duplicate key"), "{}", error.reason);
    }

    #[test]
    fn refuses_a_duplicate_key_in_a_big_object() {
        let mut text = String::from("{");
        for i in 0..100 {
            text.push_str(&format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k7\": 0}");
        let error = parse(&text, 8).unwrap_err();
        assert_eq!(error.path.as_deref(), Some("k7"));
    }

    #[test]
    fn bounds_nesting_depth() {
        let text = format!("{}{}", "[".repeat(20), "]".repeat(20));
        assert!(parse(&text, 20).is_ok());
        let error = parse(&text, 19).unwrap_err();
        assert!(error.reason.contains("nesting deeper"), "{}", error.reason);
        // Far past serde_json's own limit: still an error, never a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(parse(&deep, 1000).is_err());
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let error = parse("{\n  \"a\": tru }", 8).unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.column > 0);
        let error = parse("{} {}", 8).unwrap_err();
        assert!(error.reason.contains("trailing"), "{}", error.reason);
    }
}
