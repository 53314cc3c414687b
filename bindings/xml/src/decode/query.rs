//! Queries: TAXII Default Query 1.0 parsed into the model; other formats kept opaque.

use super::Cx;
use crate::tree::Node;
use taxii_core::ids::ns;
use taxii_core::*;

impl Cx<'_> {
    /// `tdq:` children of `node` named `local`.
    fn tdq<'n>(&self, node: &'n Node, local: &'static str) -> impl Iterator<Item = &'n Node> + 'n {
        node.children
            .iter()
            .filter(move |c| c.ns == ns::DEFAULT_QUERY_10 && c.local == local)
    }

    fn one_tdq<'n>(&self, node: &'n Node, local: &'static str) -> Result<&'n Node, DecodeError> {
        let mut it = self.tdq(node, local);
        match (it.next(), it.next()) {
            (Some(n), None) => Ok(n),
            (None, _) => Err(self.err(node, format!("missing required element tdq:{local}"))),
            (Some(_), Some(n)) => Err(self.err(n, format!("tdq:{local} may appear only once"))),
        }
    }

    pub(super) fn query(&self, q: &Node) -> Result<Query, DecodeError> {
        let format_id = self.attr(q, "format_id")?;
        if let Some(body) = &q.captured {
            return Ok(Query::Other {
                format_id,
                body: body.clone(),
            });
        }
        let dq = self.one_tdq(q, "Default_Query")?;
        Ok(Query::Default(DefaultQuery {
            targeting_expression_id: self.attr(dq, "targeting_expression_id")?,
            criteria: self.criteria(self.one_tdq(dq, "Criteria")?)?,
        }))
    }

    fn criteria(&self, c: &Node) -> Result<Criteria, DecodeError> {
        let raw = self.attr(c, "operator")?;
        let operator = Operator::parse(&raw)
            .ok_or_else(|| self.err(c, format!("operator must be AND or OR, not {raw:?}")))?;
        let mut items = Vec::new();
        for child in &c.children {
            match (child.ns.as_str(), child.local.as_str()) {
                (ns::DEFAULT_QUERY_10, "Criteria") => {
                    items.push(CriteriaItem::Criteria(self.criteria(child)?))
                }
                (ns::DEFAULT_QUERY_10, "Criterion") => {
                    items.push(CriteriaItem::Criterion(self.criterion(child)?))
                }
                _ => {
                    return Err(self.err(
                        child,
                        "only tdq:Criteria and tdq:Criterion are allowed in tdq:Criteria",
                    ))
                }
            }
        }
        if items.is_empty() {
            return Err(self.err(
                c,
                "tdq:Criteria needs at least one tdq:Criteria or tdq:Criterion",
            ));
        }
        Ok(Criteria { operator, items })
    }

    fn criterion(&self, c: &Node) -> Result<Criterion, DecodeError> {
        let test = self.one_tdq(c, "Test")?;
        let parameters = self
            .tdq(test, "Parameter")
            .map(|p| Ok((self.attr(p, "name")?, p.text.clone())))
            .collect::<Result<_, DecodeError>>()?;
        Ok(Criterion {
            negate: self.bool_attr(c, "negate")?.unwrap_or(false),
            target: self.one_tdq(c, "Target")?.text.trim().to_owned(),
            test: Test {
                capability_id: self.attr(test, "capability_id")?,
                relationship: self.attr(test, "relationship")?,
                parameters,
            },
        })
    }

    pub(super) fn query_info(&self, q: &Node) -> Result<QueryInfo, DecodeError> {
        let format_id = self.attr(q, "format_id")?;
        if let Some(body) = &q.captured {
            return Ok(QueryInfo::Other {
                format_id,
                body: body.clone(),
            });
        }
        let info = self.one_tdq(q, "Default_Query_Info")?;
        let targeting_expression_infos = self
            .tdq(info, "Targeting_Expression_Info")
            .map(|t| TargetingExpressionInfo {
                targeting_expression_id: self.opt_attr(t, "targeting_expression_id"),
                preferred_scope: self
                    .tdq(t, "Preferred_Scope")
                    .map(|s| s.text.trim().to_owned())
                    .collect(),
                allowed_scope: self
                    .tdq(t, "Allowed_Scope")
                    .map(|s| s.text.trim().to_owned())
                    .collect(),
            })
            .collect();
        Ok(QueryInfo::Default(DefaultQueryInfo {
            targeting_expression_infos,
            capability_modules: self
                .tdq(info, "Capability_Module")
                .map(|m| m.text.trim().to_owned())
                .collect(),
        }))
    }
}
