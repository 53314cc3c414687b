//! Writing queries: Default Query 1.0 in the `tdq` namespace, other formats as they came.

use super::Writer;
use taxii_core::ids::{ns, QUERY_DEFAULT_10};
use taxii_core::*;

impl Writer {
    fn tdq_start(&mut self, local: &str) {
        self.raw("<tdq:");
        self.raw(local);
    }

    fn tdq_close(&mut self, local: &str) {
        self.raw("</tdq:");
        self.raw(local);
        self.raw(">");
    }

    fn tdq_leaf(&mut self, local: &str, text: &str) -> Result<(), Error> {
        self.tdq_start(local);
        self.raw(">");
        self.text(text)?;
        self.tdq_close(local);
        Ok(())
    }

    pub(super) fn query(&mut self, q: &Query) -> Result<(), Error> {
        if !self.v11() {
            return Err(self.invalid("queries do not exist in TAXII 1.0"));
        }
        self.start("Query");
        self.attr("format_id", q.format_id())?;
        self.raw(">");
        match q {
            Query::Other { body, .. } => self.payload(body)?,
            Query::Default(dq) => {
                if dq.targeting_expression_id.is_empty() {
                    return Err(self.invalid("a Default Query needs a targeting expression id"));
                }
                self.tdq_start("Default_Query");
                self.raw(" xmlns:tdq=\"");
                self.raw(ns::DEFAULT_QUERY_10);
                self.raw("\"");
                self.attr("targeting_expression_id", &dq.targeting_expression_id)?;
                self.raw(">");
                self.criteria(&dq.criteria)?;
                self.tdq_close("Default_Query");
            }
        }
        self.close("Query");
        Ok(())
    }

    fn criteria(&mut self, c: &Criteria) -> Result<(), Error> {
        if c.items.is_empty() {
            return Err(self.invalid("a Default Query Criteria needs at least one item"));
        }
        self.tdq_start("Criteria");
        self.attr("operator", c.operator.as_str())?;
        self.raw(">");
        for item in &c.items {
            match item {
                CriteriaItem::Criteria(inner) => self.criteria(inner)?,
                CriteriaItem::Criterion(cr) => {
                    self.tdq_start("Criterion");
                    self.bool_attr("negate", cr.negate)?;
                    self.raw(">");
                    self.tdq_leaf("Target", &cr.target)?;
                    self.tdq_start("Test");
                    self.attr("capability_id", &cr.test.capability_id)?;
                    self.attr("relationship", &cr.test.relationship)?;
                    self.raw(">");
                    for (name, value) in &cr.test.parameters {
                        self.tdq_start("Parameter");
                        self.attr("name", name)?;
                        self.raw(">");
                        self.text(value)?;
                        self.tdq_close("Parameter");
                    }
                    self.tdq_close("Test");
                    self.tdq_close("Criterion");
                }
            }
        }
        self.tdq_close("Criteria");
        Ok(())
    }

    pub(super) fn query_info(&mut self, q: &QueryInfo) -> Result<(), Error> {
        self.start("Supported_Query");
        self.attr("format_id", q.format_id())?;
        self.raw(">");
        match q {
            QueryInfo::Other { body, .. } => self.payload(body)?,
            QueryInfo::Default(info) => {
                debug_assert_eq!(q.format_id(), QUERY_DEFAULT_10);
                self.tdq_start("Default_Query_Info");
                self.raw(" xmlns:tdq=\"");
                self.raw(ns::DEFAULT_QUERY_10);
                self.raw("\">");
                for t in &info.targeting_expression_infos {
                    self.tdq_start("Targeting_Expression_Info");
                    self.opt_attr(
                        "targeting_expression_id",
                        t.targeting_expression_id.as_deref(),
                    )?;
                    self.raw(">");
                    t.preferred_scope
                        .iter()
                        .try_for_each(|s| self.tdq_leaf("Preferred_Scope", s))?;
                    t.allowed_scope
                        .iter()
                        .try_for_each(|s| self.tdq_leaf("Allowed_Scope", s))?;
                    self.tdq_close("Targeting_Expression_Info");
                }
                info.capability_modules
                    .iter()
                    .try_for_each(|m| self.tdq_leaf("Capability_Module", m))?;
                self.tdq_close("Default_Query_Info");
            }
        }
        self.close("Supported_Query");
        Ok(())
    }
}
