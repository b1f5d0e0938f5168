//! `json = '{"a": 1}'`: a JSON document written as a TOML string would be sent as one JSON
//! string (double-encoded). Found at load time, with the fix.

use serde_json::Value;

/// The JSON object or array that `text` holds, if it holds one (`{{…}}` placeholders count
/// as values). A string that is only a placeholder (`"{{payload}}"`) holds none.
pub fn holds_json(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('[') || (trimmed.starts_with('{') && !trimmed.starts_with("{{"))) {
        return None;
    }
    let parsed = serde_json::from_str::<Value>(trimmed)
        .ok()
        .or_else(|| serde_json::from_str::<Value>(&placeholders_as_zero(trimmed)).ok())?;
    matches!(parsed, Value::Object(_) | Value::Array(_)).then_some(parsed)
}

/// `{{name}}` → `0`, so that `{"n": {{n}}}` parses.
fn placeholders_as_zero(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push('0');
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// `value` as a TOML inline value (`{ a = 1, b = ["x"] }`), or `None` if TOML can't say it
/// (`null`) or it is long.
pub fn as_inline_toml(value: &Value) -> Option<String> {
    let text = inline(value)?;
    (text.chars().count() <= 120).then_some(text)
}

fn inline(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(items) => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Object(entries) if entries.is_empty() => "{}".to_string(),
        Value::Object(entries) => {
            let mut parts = Vec::new();
            for (key, v) in entries {
                let bare = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                let key = if bare {
                    key.clone()
                } else {
                    Value::String(key.clone()).to_string()
                };
                parts.push(format!("{key} = {}", inline(v)?));
            }
            format!("{{ {} }}", parts.join(", "))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_is_found_and_rewritten_as_toml() {
        let found = holds_json(r#" {"a": 1, "b c": [true, "x"]} "#).unwrap();
        assert_eq!(
            as_inline_toml(&found).as_deref(),
            Some(r#"{ a = 1, "b c" = [true, "x"] }"#)
        );
        assert!(holds_json(r#"{"n": {{n}}}"#).is_some());
        assert!(holds_json("[1, 2]").is_some());
        for fine in [
            "{{payload}}",
            "hello",
            "42",
            r#""quoted""#,
            "{not json",
            "[x",
        ] {
            assert_eq!(holds_json(fine), None, "{fine}");
        }
        assert_eq!(as_inline_toml(&serde_json::json!({"a": null})), None);
    }
}
