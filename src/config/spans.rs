//! Lines for key paths. figment keeps no positions, so the routes file is parsed a second
//! time with `toml_edit`, which does; a key path is walked down that document to the key
//! (or array element) it names. A path that is not in the file (a missing key, a default)
//! falls back to its nearest ancestor that is, usually the `[[table]]` header.

use std::ops::Range;

use toml_edit::{Document, Item, Table, TomlError, Value};

use super::error::{KeyPath, KeySegment};

/// Positions of the keys of one routes file.
pub struct SpanIndex {
    document: Document<String>,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SpanIndex {
    /// Parses the file's text; a TOML syntax error comes back with its position.
    pub fn parse(text: &str) -> Result<SpanIndex, (String, Option<Position>)> {
        Document::parse(text.to_owned())
            .map(|document| SpanIndex { document })
            .map_err(|e: TomlError| {
                let position = e.span().map(|span| position_of(text, span.start));
                (e.message().to_owned(), position)
            })
    }

    /// Where `path` (or its nearest ancestor present in the file) is.
    pub fn position(&self, path: &KeyPath) -> Option<Position> {
        let mut path = path.clone();
        loop {
            if let Some(offset) = self.offset(&path) {
                return Some(position_of(self.document.raw(), offset));
            }
            if path.is_root() {
                return None;
            }
            path = path.parent();
        }
    }

    /// The byte offset of the key or element `path` names, if it is in the file.
    fn offset(&self, path: &KeyPath) -> Option<usize> {
        let mut item = Node::Table(self.document.as_table());
        let mut span: Option<Range<usize>> = None;
        for segment in path.segments() {
            let (next, next_span) = item.child(segment)?;
            item = next;
            span = next_span;
        }
        span.map(|s| s.start)
    }
}

/// A place in the document: a table, an item of one, or a value inside an inline table or
/// array.
#[derive(Clone, Copy)]
enum Node<'a> {
    Table(&'a Table),
    Item(&'a Item),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    /// The child named by `segment` and the span that locates it (a key's span, or an
    /// element's).
    fn child(self, segment: &KeySegment) -> Option<(Node<'a>, Option<Range<usize>>)> {
        match (self, segment) {
            (Node::Item(item), KeySegment::Key(key)) => {
                let table = item.as_table_like()?;
                let (k, child) = table.get_key_value(key)?;
                Some((Node::Item(child), k.span().or_else(|| child.span())))
            }
            (Node::Item(Item::ArrayOfTables(tables)), KeySegment::Index(i)) => {
                let table = tables.get(*i)?;
                // A `[[header]]` table has no span of its own: locate it by its first key.
                let span = table.span().or_else(|| {
                    table
                        .iter()
                        .filter_map(|(k, _)| table.key(k).and_then(|key| key.span()))
                        .min_by_key(|s| s.start)
                });
                Some((Node::Table(table), span))
            }
            (Node::Item(Item::Value(value)), segment) => Node::Value(value).child(segment),
            (Node::Value(Value::InlineTable(table)), KeySegment::Key(key)) => {
                let (k, child) = table.get_key_value(key)?;
                let span = k.span().or_else(|| child.span());
                match child {
                    Item::Value(v) => Some((Node::Value(v), span)),
                    other => Some((Node::Item(other), span)),
                }
            }
            (Node::Value(Value::Array(array)), KeySegment::Index(i)) => {
                let value = array.get(*i)?;
                Some((Node::Value(value), value.span()))
            }
            (Node::Table(table), KeySegment::Key(key)) => {
                let (k, child) = table.get_key_value(key)?;
                Some((Node::Item(child), k.span().or_else(|| child.span())))
            }
            _ => None,
        }
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn position_of(text: &str, offset: usize) -> Position {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    Position { line, column }
}
