//! Queries (TAXII 1.1 only): TAXII Default Query 1.0, parsed, and any other query format
//! carried opaquely.

use crate::Payload;

/// A query in a Poll Request or a SUBSCRIBE's Subscription Parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// `urn:taxii.mitre.org:query:default:1.0`.
    Default(DefaultQuery),
    /// Another query format: its ID and its body, untouched.
    Other { format_id: String, body: Payload },
}

impl Query {
    /// The Query Format ID.
    pub fn format_id(&self) -> &str {
        match self {
            Query::Default(_) => crate::ids::QUERY_DEFAULT_10,
            Query::Other { format_id, .. } => format_id,
        }
    }
}

/// `tdq:Default_Query`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultQuery {
    pub targeting_expression_id: String,
    pub criteria: Criteria,
}

/// `tdq:Criteria`: criteria and criterion combined by one operator, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Criteria {
    pub operator: Operator,
    pub items: Vec<CriteriaItem>,
}

/// How the items of a [`Criteria`] combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    And,
    Or,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::And => "AND",
            Operator::Or => "OR",
        }
    }

    pub fn parse(s: &str) -> Option<Operator> {
        match s {
            "AND" => Some(Operator::And),
            "OR" => Some(Operator::Or),
            _ => None,
        }
    }
}

/// One member of a [`Criteria`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CriteriaItem {
    Criteria(Criteria),
    Criterion(Criterion),
}

/// `tdq:Criterion`: a target and a test on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Criterion {
    pub negate: bool,
    /// A targeting expression, e.g. `**/Simple_Hash_Value`.
    pub target: String,
    pub test: Test,
}

/// `tdq:Test`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Test {
    pub capability_id: String,
    pub relationship: String,
    /// `tdq:Parameter` name/value pairs, in order.
    pub parameters: Vec<(String, String)>,
}

/// What a Discovery Response says a service supports (`Supported_Query`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryInfo {
    /// `tdq:Default_Query_Info`.
    Default(DefaultQueryInfo),
    /// Another query format: its ID and its capability description, untouched.
    Other { format_id: String, body: Payload },
}

impl QueryInfo {
    /// The Query Format ID.
    pub fn format_id(&self) -> &str {
        match self {
            QueryInfo::Default(_) => crate::ids::QUERY_DEFAULT_10,
            QueryInfo::Other { format_id, .. } => format_id,
        }
    }
}

/// `tdq:Default_Query_Info`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultQueryInfo {
    pub targeting_expression_infos: Vec<TargetingExpressionInfo>,
    pub capability_modules: Vec<String>,
}

/// `tdq:Targeting_Expression_Info`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetingExpressionInfo {
    pub targeting_expression_id: Option<String>,
    pub preferred_scope: Vec<String>,
    pub allowed_scope: Vec<String>,
}
