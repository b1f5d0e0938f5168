//! GraphQL bodies as imported (`graphql = { query, variables, operation_name }`): Postman's
//! `mode: graphql` bodies, and the JSON variables as a TOML table.

use serde_json::Value;
use toml_edit::{Item, Table};

use super::{Body, Note, dynamic};

/// A `graphql` body; strings are template text.
#[derive(Debug, Clone, PartialEq)]
pub struct Graphql {
    pub query: String,
    /// A JSON object whose strings are template text.
    pub variables: Option<Value>,
    pub operation_name: Option<String>,
}

impl Graphql {
    /// The `[requests.graphql]` table.
    pub fn item(&self) -> Item {
        let mut t = Table::new();
        t.insert("query", toml_edit::value(&self.query));
        if let Some(name) = &self.operation_name {
            t.insert("operation_name", toml_edit::value(name));
        }
        if let Some(vars) = self.variables.as_ref().and_then(toml_value) {
            t.insert("variables", toml_edit::value(vars));
        }
        Item::Table(t)
    }
}

/// A JSON value as a TOML one; `None` for `null` (TOML has none), anywhere inside.
pub fn toml_value(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => {
            let mut a = toml_edit::Array::new();
            for item in items {
                a.push(toml_value(item)?);
            }
            a.into()
        }
        Value::Object(o) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, item) in o {
                t.insert(k, toml_value(item)?);
            }
            t.into()
        }
    })
}

/// Every string of `v` through [`dynamic`] (Postman's `{{…}}` as postie's).
fn templated(v: &mut Value, notes: &mut Vec<Note>) {
    match v {
        Value::String(s) => *s = dynamic(s, notes),
        Value::Array(items) => items.iter_mut().for_each(|i| templated(i, notes)),
        Value::Object(o) => o.values_mut().for_each(|i| templated(i, notes)),
        _ => {}
    }
}

/// Postman's `graphql: { query, variables, operationName }` (variables as JSON text). Variables
/// that are not a JSON object TOML can hold (they have `null`, or `{{n}}` outside a string)
/// keep the body as a JSON `text` body, as Postman sends it.
pub fn postman(g: Option<&Value>, notes: &mut Vec<Note>) -> Body {
    let field = |k: &str| g.and_then(|g| g.get(k)).and_then(Value::as_str);
    let query = field("query").unwrap_or_default();
    let operation_name = field("operationName").filter(|n| !n.is_empty());
    let variables_text = field("variables").unwrap_or_default().trim();
    let variables = match serde_json::from_str::<Value>(variables_text) {
        _ if variables_text.is_empty() => None,
        Ok(v @ Value::Object(_)) if toml_value(&v).is_some() => Some(v),
        _ => return as_text(query, operation_name, variables_text, notes),
    };
    let mut variables = variables;
    if let Some(v) = variables.as_mut() {
        templated(v, notes);
    }
    if variables_text.contains(char::is_whitespace) && variables.is_some() {
        notes.push(Note::Changed(
            "the GraphQL variables are sent as compact JSON (Postman sends the text as written)"
                .into(),
        ));
    }
    Body::Graphql(Graphql {
        query: dynamic(query, notes),
        variables,
        operation_name: operation_name.map(|n| dynamic(n, notes)),
    })
}

/// The body as Postman's runtime writes it: `{"query":…,"operationName":…,"variables":TEXT}`.
fn as_text(
    query: &str,
    operation_name: Option<&str>,
    variables: &str,
    notes: &mut Vec<Note>,
) -> Body {
    let mut text = format!("{{\"query\":{}", Value::String(query.into()));
    if let Some(name) = operation_name {
        text.push_str(&format!(
            ",\"operationName\":{}",
            Value::String(name.into())
        ));
    }
    text.push_str(&format!(",\"variables\":{variables}"));
    text.push('}');
    notes.push(Note::Changed(
        "the GraphQL variables are not a JSON object a TOML table can hold (`null`, or a `{{…}}` outside a string): the body is a JSON `text` body, sent as Postman sends it".into(),
    ));
    Body::Text {
        text: dynamic(&text, notes),
        content_type: Some("application/json".into()),
    }
}
