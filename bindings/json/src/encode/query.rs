//! Queries and query capabilities (TAXII 1.1) in libtaxii's `taxii_default_query` dict
//! form; other query formats as `{format_id, content, content_is_xml}` (our extension).

use super::{inexpressible, payload_text};
use crate::scalar::{parameter_value, Scalar};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use taxii_core::ids::QUERY_DEFAULT_10;
use taxii_core::*;

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Query11<'a> {
    Default {
        format_id: &'static str,
        targeting_expression_id: &'a str,
        criteria: Criteria11<'a>,
    },
    Other(Opaque<'a>),
}

#[derive(Serialize)]
pub(super) struct Opaque<'a> {
    format_id: &'a str,
    content: &'a str,
    content_is_xml: bool,
}

#[derive(Serialize)]
pub(super) struct Criteria11<'a> {
    operator: &'static str,
    criteria: Vec<Criteria11<'a>>,
    criterion: Vec<Criterion11<'a>>,
    /// Document order of the items, written only when the two kinds interleave.
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<Vec<&'static str>>,
}

#[derive(Serialize)]
struct Criterion11<'a> {
    negate: bool,
    target: &'a str,
    test: Test11<'a>,
}

#[derive(Serialize)]
struct Test11<'a> {
    capability_id: &'a str,
    relationship: &'a str,
    parameters: Parameters<'a>,
}

struct Parameters<'a>(Vec<(&'a str, Scalar<'a>)>);

impl Serialize for Parameters<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

pub(super) fn query(q: &Query) -> Result<Query11<'_>, Error> {
    Ok(match q {
        Query::Default(d) => Query11::Default {
            format_id: QUERY_DEFAULT_10,
            targeting_expression_id: &d.targeting_expression_id,
            criteria: criteria(&d.criteria)?,
        },
        Query::Other { format_id, body } => Query11::Other(Opaque {
            format_id,
            content: payload_text(body, "a query")?,
            content_is_xml: body.is_xml,
        }),
    })
}

fn criteria(c: &Criteria) -> Result<Criteria11<'_>, Error> {
    let mut nested = Vec::new();
    let mut leaves = Vec::new();
    let mut order = Vec::with_capacity(c.items.len());
    for item in &c.items {
        match item {
            CriteriaItem::Criteria(n) => {
                nested.push(criteria(n)?);
                order.push("criteria");
            }
            CriteriaItem::Criterion(l) => {
                leaves.push(criterion(l)?);
                order.push("criterion");
            }
        }
    }
    // libtaxii's form lists all criteria, then all criterion: say more only if needed.
    let grouped = order.windows(2).all(|w| w != ["criterion", "criteria"]);
    Ok(Criteria11 {
        operator: c.operator.as_str(),
        criteria: nested,
        criterion: leaves,
        order: (!grouped).then_some(order),
    })
}

fn criterion(c: &Criterion) -> Result<Criterion11<'_>, Error> {
    let t = &c.test;
    let mut parameters: Vec<(&str, Scalar<'_>)> = Vec::with_capacity(t.parameters.len());
    for (name, value) in &t.parameters {
        if parameters.iter().any(|(n, _)| n == name) {
            return Err(inexpressible(format!(
                "two query parameters named {name:?} (a JSON object has one value per name)"
            )));
        }
        let value = parameter_value(&t.capability_id, &t.relationship, name, value);
        parameters.push((name, value));
    }
    Ok(Criterion11 {
        negate: c.negate,
        target: &c.target,
        test: Test11 {
            capability_id: &t.capability_id,
            relationship: &t.relationship,
            parameters: Parameters(parameters),
        },
    })
}

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum QueryInfo11<'a> {
    Default {
        format_id: &'static str,
        targeting_expression_infos: Vec<TargetingInfo11<'a>>,
        capability_modules: &'a [String],
    },
    Other(Opaque<'a>),
}

#[derive(Serialize)]
pub(super) struct TargetingInfo11<'a> {
    targeting_expression_id: Option<&'a str>,
    preferred_scope: &'a [String],
    allowed_scope: &'a [String],
}

pub(super) fn query_info(q: &QueryInfo) -> Result<QueryInfo11<'_>, Error> {
    Ok(match q {
        QueryInfo::Default(d) => QueryInfo11::Default {
            format_id: QUERY_DEFAULT_10,
            targeting_expression_infos: d
                .targeting_expression_infos
                .iter()
                .map(|t| TargetingInfo11 {
                    targeting_expression_id: t.targeting_expression_id.as_deref(),
                    preferred_scope: &t.preferred_scope,
                    allowed_scope: &t.allowed_scope,
                })
                .collect(),
            capability_modules: &d.capability_modules,
        },
        QueryInfo::Other { format_id, body } => QueryInfo11::Other(Opaque {
            format_id,
            content: payload_text(body, "a query capability description")?,
            content_is_xml: body.is_xml,
        }),
    })
}
