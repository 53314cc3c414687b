//! Typed scalars: where libtaxii's dict holds a Python `int`, `float` or `bool` instead of
//! the XML text (some status details, some Default Query parameters), we write that JSON
//! type, and only when reading it back gives the same text, so nothing changes in a round
//! trip. Everything else is written as a string.

use serde::{Serialize, Serializer};
use taxii_core::status::detail;
use taxii_core::{ids, StatusType};

/// A JSON scalar written for a model string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar<'a> {
    Text(&'a str),
    Bool(bool),
    Integer(u64),
    Float(f64),
}

impl Serialize for Scalar<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Scalar::Text(t) => serializer.serialize_str(t),
            Scalar::Bool(b) => serializer.serialize_bool(b),
            Scalar::Integer(n) => serializer.serialize_u64(n),
            Scalar::Float(f) => serializer.serialize_f64(f),
        }
    }
}

/// How serde_json writes (and we read back) a float: the shortest text that round-trips.
pub(crate) fn float_text(f: f64) -> String {
    serde_json::to_string(&f).unwrap_or_else(|_| f.to_string())
}

fn boolean(text: &str) -> Option<Scalar<'_>> {
    match text {
        "true" => Some(Scalar::Bool(true)),
        "false" => Some(Scalar::Bool(false)),
        _ => None,
    }
}

fn integer(text: &str) -> Option<Scalar<'_>> {
    text.parse::<u64>()
        .ok()
        .filter(|n| n.to_string() == text)
        .map(Scalar::Integer)
}

fn float(text: &str) -> Option<Scalar<'_>> {
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && float_text(*f) == text)
        .map(Scalar::Float)
}

/// A 1.1 status detail value: `int` for MAX_PART_NUMBER and ESTIMATED_WAIT, `bool` for
/// WILL_PUSH (libtaxii's `status_details` table), text otherwise.
pub(crate) fn status_detail_value<'a>(
    status_type: &StatusType,
    name: &str,
    value: &'a str,
) -> Scalar<'a> {
    let typed = match (status_type, name) {
        (StatusType::InvalidResponsePart, detail::MAX_PART_NUMBER)
        | (StatusType::Pending, detail::ESTIMATED_WAIT)
        | (StatusType::Retry, detail::ESTIMATED_WAIT) => integer(value),
        (StatusType::Pending, detail::WILL_PUSH) => boolean(value),
        _ => None,
    };
    typed.unwrap_or(Scalar::Text(value))
}

/// A Default Query test parameter: `bool` for `true`/`false` (libtaxii types these for
/// every parameter), `float` for the `value` of the core ordering relationships; timestamp
/// values stay strings (libtaxii's dict holds a `datetime` there, which has no JSON form).
pub(crate) fn parameter_value<'a>(
    capability_id: &str,
    relationship: &str,
    name: &str,
    value: &'a str,
) -> Scalar<'a> {
    if let Some(b) = boolean(value) {
        return b;
    }
    let ordering = matches!(
        relationship,
        "greater_than" | "greater_than_or_equal" | "less_than" | "less_than_or_equal"
    );
    if capability_id == ids::QUERY_CAPABILITY_CORE && ordering && name == "value" {
        if let Some(f) = float(value) {
            return f;
        }
    }
    Scalar::Text(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_only_what_reads_back_as_the_same_text() {
        let irp = StatusType::InvalidResponsePart;
        assert_eq!(
            status_detail_value(&irp, "MAX_PART_NUMBER", "7"),
            Scalar::Integer(7)
        );
        assert_eq!(
            status_detail_value(&irp, "MAX_PART_NUMBER", "07"),
            Scalar::Text("07")
        );
        let pending = StatusType::Pending;
        assert_eq!(
            status_detail_value(&pending, "WILL_PUSH", "true"),
            Scalar::Bool(true)
        );
        assert_eq!(
            status_detail_value(&pending, "WILL_PUSH", "TRUE"),
            Scalar::Text("TRUE")
        );
        let core = ids::QUERY_CAPABILITY_CORE;
        assert_eq!(
            parameter_value(core, "greater_than", "value", "2.5"),
            Scalar::Float(2.5)
        );
        assert_eq!(
            parameter_value(core, "greater_than", "value", "10"),
            Scalar::Text("10")
        );
        assert_eq!(
            parameter_value(core, "equals", "value", "2.5"),
            Scalar::Text("2.5")
        );
        assert_eq!(
            parameter_value(core, "equals", "case_sensitive", "false"),
            Scalar::Bool(false)
        );
    }
}
