//! Queries (TAXII 1.1): TAXII Default Query 1.0 in libtaxii's `taxii_default_query`
//! dict form, and any other query format as an opaque payload (our extension).

use super::content;
use super::status::scalar_text;
use crate::read::{as_string, error, Obj};
use taxii_core::ids::QUERY_DEFAULT_10;
use taxii_core::*;

/// The `query` field of Poll or Subscription Parameters (`null` = none).
pub(crate) fn query(parameters: &Obj<'_>) -> Result<Option<Query>, Error> {
    let Some(q) = parameters.opt_obj("query")? else {
        return Ok(None);
    };
    let format_id = q.str("format_id")?;
    if format_id != QUERY_DEFAULT_10 {
        return Ok(Some(Query::Other {
            format_id,
            body: content(&q)?,
        }));
    }
    Ok(Some(Query::Default(DefaultQuery {
        targeting_expression_id: q.str("targeting_expression_id")?,
        criteria: criteria(&q.obj("criteria")?)?,
    })))
}

/// `{"operator", "criteria": [...], "criterion": [...]}` plus, when the two kinds
/// interleave in the original, our `order` list restoring document order.
fn criteria(c: &Obj<'_>) -> Result<Criteria, Error> {
    let operator = super::closed(c, "operator", "criteria operator", Operator::parse)?;
    let mut nested = c
        .objects("criteria")?
        .iter()
        .map(|n| criteria(n).map(CriteriaItem::Criteria))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let mut leaves = c
        .objects("criterion")?
        .iter()
        .map(|n| criterion(n).map(CriteriaItem::Criterion))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let order = c.strings("order")?;
    let items = if order.is_empty() {
        nested.chain(leaves).collect()
    } else {
        let mut items = Vec::with_capacity(order.len());
        for (i, kind) in order.iter().enumerate() {
            let next = match kind.as_str() {
                "criteria" => nested.next(),
                "criterion" => leaves.next(),
                other => {
                    return Err(error(
                        &format!("{}[{i}]", c.at("order")),
                        format!("{other:?} is neither \"criteria\" nor \"criterion\""),
                    ))
                }
            };
            items.push(next.ok_or_else(|| {
                error(&c.at("order"), format!("names more {kind} than there are"))
            })?);
        }
        if nested.next().is_some() || leaves.next().is_some() {
            return Err(error(&c.at("order"), "names fewer items than there are"));
        }
        items
    };
    Ok(Criteria { operator, items })
}

fn criterion(c: &Obj<'_>) -> Result<Criterion, Error> {
    let test = c.obj("test")?;
    let mut parameters = Vec::new();
    for (name, value, path) in test.entries("parameters")? {
        parameters.push((name.to_owned(), scalar_text(value, &path)?));
    }
    Ok(Criterion {
        negate: c.opt_bool("negate")?.unwrap_or(false),
        target: c.str("target")?,
        test: Test {
            capability_id: test.str("capability_id")?,
            relationship: test.str("relationship")?,
            parameters,
        },
    })
}

/// The `supported_query` list of a 1.1 Service Instance.
pub(crate) fn query_infos(service: &Obj<'_>) -> Result<Vec<QueryInfo>, Error> {
    service
        .objects("supported_query")?
        .iter()
        .map(|q| {
            let format_id = q.str("format_id")?;
            if format_id != QUERY_DEFAULT_10 {
                return Ok(QueryInfo::Other {
                    format_id,
                    body: content(q)?,
                });
            }
            Ok(QueryInfo::Default(DefaultQueryInfo {
                targeting_expression_infos: q
                    .objects("targeting_expression_infos")?
                    .iter()
                    .map(|t| {
                        Ok(TargetingExpressionInfo {
                            targeting_expression_id: t.opt_str("targeting_expression_id")?,
                            preferred_scope: t.strings("preferred_scope")?,
                            allowed_scope: t.strings("allowed_scope")?,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
                capability_modules: q
                    .list("capability_modules")?
                    .into_iter()
                    .map(|(path, node)| as_string(node, &path))
                    .collect::<Result<_, _>>()?,
            }))
        })
        .collect()
}
