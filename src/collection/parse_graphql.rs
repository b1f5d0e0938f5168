//! `graphql = { query = "…", variables = { … }, operation_name = "…" }`: a GraphQL body.

use toml::de::DeValue;

use super::{Parser, Result, Value};
use crate::collection::model::GraphqlSpec;

pub(super) const GRAPHQL_KEYS: &[&str] = &["query", "variables", "operation_name"];

impl Parser<'_> {
    pub(super) fn graphql(&mut self, v: &Value<'_>, ctx: &str) -> Result<GraphqlSpec> {
        let t = self.table(v, "graphql", ctx)?;
        let inner = format!(" in `graphql`{ctx}");
        self.check_keys(t, GRAPHQL_KEYS, &[], &inner)?;
        let query = self.required(t, self.at(v.span()), "query", &inner)?;
        let query = self.template(query, "graphql.query", ctx)?;
        let variables = match t.get("variables") {
            // A table, or one placeholder (`"{{vars}}"`) standing for a whole table.
            Some(vars) if matches!(vars.get_ref(), DeValue::Table(_) | DeValue::String(_)) => {
                Some(self.tvalue(vars, ctx)?)
            }
            Some(vars) => {
                let expected = "a table such as `{ id = \"p-7\" }`";
                return Err(self.type_error(vars, expected, "graphql.variables", ctx));
            }
            None => None,
        };
        let operation_name = t
            .get("operation_name")
            .map(|n| self.template(n, "graphql.operation_name", ctx))
            .transpose()?;
        Ok(GraphqlSpec {
            query,
            variables,
            operation_name,
        })
    }
}
