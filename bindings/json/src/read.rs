//! Reading the JSON tree into model values, field by field, with the field's path in every
//! error.
//!
//! The rules, the same for every field of both versions (see the crate README):
//! * a **required** field that is missing or `null` is an error naming it;
//! * an **optional** field that is missing or `null` is absent;
//! * a **list** field that is missing or `null` is empty (libtaxii writes `[]`);
//! * a value of the wrong JSON type is an error naming the field and both types;
//! * keys this binding does not define are ignored, as libtaxii's readers ignore them.

use crate::tree::{Node, Number};
use bytes::Bytes;
use taxii_core::{DecodeError, Error, Timestamp};

/// The short binding name in every decode error.
pub(crate) const BINDING: &str = "JSON";

/// A decode error at `path`.
pub(crate) fn error(path: &str, reason: impl Into<String>) -> Error {
    Error::Decode(DecodeError {
        binding: BINDING,
        element: (!path.is_empty()).then(|| path.to_owned()),
        location: None,
        reason: reason.into(),
    })
}

/// `parent.key`, or `key` at the top level.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// A JSON object being read, and where it is.
pub(crate) struct Obj<'a> {
    fields: &'a [(String, Node)],
    pub path: String,
}

impl<'a> Obj<'a> {
    /// `node` as an object; `path` names it in errors.
    pub fn new(node: &'a Node, path: String) -> Result<Obj<'a>, Error> {
        match node {
            Node::Object(fields) => Ok(Obj { fields, path }),
            other => Err(error(
                &path,
                format!("expected an object, found {}", other.kind()),
            )),
        }
    }

    /// The path of field `key` of this object.
    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value of `key`, treating `null` as absent.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Node::Null))
    }

    fn required(&self, key: &str) -> Result<&'a Node, Error> {
        self.get(key)
            .ok_or_else(|| error(&self.at(key), "required field is missing"))
    }

    /// Converts field `key` with `read`; the path is only built for an error.
    fn read<T>(
        &self,
        key: &str,
        node: &Node,
        read: fn(&Node, &str) -> Result<T, Error>,
    ) -> Result<T, Error> {
        // Success never looks at the path, so an empty one costs nothing; on failure the
        // conversion is repeated with the real path (errors are rare and cheap to redo).
        read(node, "").map_err(|_| match read(node, &self.at(key)) {
            Err(e) => e,
            Ok(_) => error(&self.at(key), "unreadable value"),
        })
    }

    pub fn str(&self, key: &str) -> Result<String, Error> {
        self.read(key, self.required(key)?, as_string)
    }

    /// A required string field as shared bytes (content: no copy).
    pub fn text(&self, key: &str) -> Result<Bytes, Error> {
        match self.required(key)? {
            Node::String(t) => Ok(t.bytes()),
            other => Err(error(
                &self.at(key),
                format!("expected a string, found {}", other.kind()),
            )),
        }
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<String>, Error> {
        self.get(key)
            .map(|v| self.read(key, v, as_string))
            .transpose()
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, Error> {
        self.get(key)
            .map(|v| self.read(key, v, as_bool))
            .transpose()
    }

    /// A boolean that libtaxii sometimes writes as the strings `"true"`/`"false"`.
    pub fn opt_bool_or_text(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            Some(Node::String(s)) if *s == "true" => Ok(Some(true)),
            Some(Node::String(s)) if *s == "false" => Ok(Some(false)),
            Some(v) => self.read(key, v, as_bool).map(Some),
            None => Ok(None),
        }
    }

    pub fn u64(&self, key: &str) -> Result<u64, Error> {
        self.read(key, self.required(key)?, as_u64)
    }

    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, Error> {
        self.get(key).map(|v| self.read(key, v, as_u64)).transpose()
    }

    pub fn timestamp(&self, key: &str) -> Result<Timestamp, Error> {
        let text = self.str(key)?;
        Timestamp::parse(&text).map_err(|e| error(&self.at(key), e.to_string()))
    }

    pub fn opt_timestamp(&self, key: &str) -> Result<Option<Timestamp>, Error> {
        match self.opt_str(key)? {
            // libtaxii treats an empty label as no label.
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => Timestamp::parse(&text)
                .map(Some)
                .map_err(|e| error(&self.at(key), e.to_string())),
            None => Ok(None),
        }
    }

    pub fn obj(&self, key: &str) -> Result<Obj<'a>, Error> {
        Obj::new(self.required(key)?, self.at(key))
    }

    pub fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>, Error> {
        self.get(key).map(|v| Obj::new(v, self.at(key))).transpose()
    }

    /// The items of list `key` (empty when absent), each with its path `key[i]`.
    pub fn list(&self, key: &str) -> Result<Vec<(String, &'a Node)>, Error> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Node::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{}[{i}]", self.at(key)), item))
                .collect()),
            Some(other) => Err(error(
                &self.at(key),
                format!("expected an array, found {}", other.kind()),
            )),
        }
    }

    /// List `key` of objects.
    pub fn objects(&self, key: &str) -> Result<Vec<Obj<'a>>, Error> {
        self.list(key)?
            .into_iter()
            .map(|(path, node)| Obj::new(node, path))
            .collect()
    }

    /// List `key` of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, Error> {
        self.list(key)?
            .into_iter()
            .map(|(path, node)| as_string(node, &path))
            .collect()
    }

    /// The fields of object `key` as (name, value, path), in order; empty when absent.
    pub fn entries(&self, key: &str) -> Result<Vec<(&'a str, &'a Node, String)>, Error> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Node::Object(fields)) => Ok(fields
                .iter()
                .map(|(k, v)| (k.as_str(), v, join(&self.at(key), k)))
                .collect()),
            Some(other) => Err(error(
                &self.at(key),
                format!("expected an object, found {}", other.kind()),
            )),
        }
    }
}

pub(crate) fn as_string(node: &Node, path: &str) -> Result<String, Error> {
    match node {
        Node::String(s) => Ok(s.as_str().to_owned()),
        other => Err(error(
            path,
            format!("expected a string, found {}", other.kind()),
        )),
    }
}

pub(crate) fn as_bool(node: &Node, path: &str) -> Result<bool, Error> {
    match node {
        Node::Bool(b) => Ok(*b),
        other => Err(error(
            path,
            format!("expected a boolean, found {}", other.kind()),
        )),
    }
}

pub(crate) fn as_u64(node: &Node, path: &str) -> Result<u64, Error> {
    match node {
        Node::Number(Number::Unsigned(n)) => Ok(*n),
        Node::Number(Number::Negative(n)) => Err(error(
            path,
            format!("expected a non-negative integer, found {n}"),
        )),
        Node::Number(Number::Float(f)) => Err(error(
            path,
            format!(
                "expected a non-negative integer of at most 64 bits, found {}",
                if f.fract() == 0.0 && f.abs() >= 1e19 {
                    "a larger number".to_owned()
                } else {
                    f.to_string()
                }
            ),
        )),
        other => Err(error(
            path,
            format!("expected an integer, found {}", other.kind()),
        )),
    }
}
