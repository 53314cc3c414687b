//! 1.1 status details: `{name: value | [values]}`, typed scalars read back as their text,
//! and our `status_detail_order` extension restoring interleaved names.

use crate::read::{error, Obj};
use crate::tree::{Node, Number};
use taxii_core::*;

/// `status_detail`: `{name: value | [values]}`; numbers and booleans become their text.
pub(super) fn status_details(m: &Obj<'_>) -> Result<StatusDetails, Error> {
    let mut pairs = Vec::new();
    for (name, value, path) in m.entries("status_detail")? {
        let values: Vec<(&Node, String)> = match value {
            Node::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (item, format!("{path}[{i}]")))
                .collect(),
            single => vec![(single, path.clone())],
        };
        for (item, item_path) in values {
            pairs.push(StatusDetail::new(name, scalar_text(item, &item_path)?));
        }
    }
    let order = m.strings("status_detail_order")?;
    if !order.is_empty() {
        pairs = restore_order(pairs, &order, &m.at("status_detail_order"))?;
    }
    Ok(if pairs.is_empty() {
        StatusDetails::None
    } else {
        StatusDetails::Pairs(pairs)
    })
}

/// Our `status_detail_order` extension: the detail names in document order, written when
/// names interleave (the dict form groups values by name).
fn restore_order(
    grouped: Vec<StatusDetail>,
    order: &[String],
    path: &str,
) -> Result<Vec<StatusDetail>, Error> {
    use std::collections::{HashMap, VecDeque};
    let total = grouped.len();
    let mut by_name: HashMap<String, VecDeque<String>> = HashMap::new();
    for d in grouped {
        by_name.entry(d.name).or_default().push_back(d.value);
    }
    let mut ordered = Vec::with_capacity(total);
    for name in order {
        let value = by_name
            .get_mut(name)
            .and_then(VecDeque::pop_front)
            .ok_or_else(|| {
                error(
                    path,
                    format!("names {name:?} more often than status_detail"),
                )
            })?;
        ordered.push(StatusDetail::new(name.clone(), value));
    }
    if ordered.len() != total {
        return Err(error(path, "names fewer details than status_detail holds"));
    }
    Ok(ordered)
}

/// The text of a scalar that libtaxii may type (status details, query parameters).
pub(super) fn scalar_text(node: &Node, path: &str) -> Result<String, Error> {
    Ok(match node {
        Node::String(s) => s.as_str().to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Number(Number::Unsigned(n)) => n.to_string(),
        Node::Number(Number::Negative(n)) => n.to_string(),
        Node::Number(Number::Float(f)) => crate::scalar::float_text(*f),
        other => {
            return Err(error(
                path,
                format!(
                    "expected a string, number or boolean, found {}",
                    other.kind()
                ),
            ))
        }
    })
}
