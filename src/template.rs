//! `{{…}}` interpolation.
//!
//! A template is parsed once into literal and placeholder segments and can then be rendered
//! many times. Placeholders:
//!
//! - `{{name}}`: a variable (`[vars]`, `[env.NAME]`, `--var`, captures, builtins);
//! - `{{env:NAME}}`: the process environment variable `NAME`;
//! - `{{secret:NAME}}`: a secret (looked up through a `secrets::SecretSource`);
//! - `{{$uuid}}`, `{{$timestamp}}` (unix seconds), `{{$random_int}}` (0 to 1000).
//!
//! Whitespace inside the braces is allowed: `{{ name }}`.
//!
//! **Escape:** `\{{` produces a literal `{{` (the backslash is dropped). In a TOML basic string
//! the backslash itself must be escaped (`"\\{{not a var}}"`); in a literal string it need not
//! be (`'\{{not a var}}'`). A `}}` outside a placeholder is always literal.

use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::util::suggest::suggestion;

/// The built-in functions, as written after `$`.
pub const FUNCTIONS: [&str; 3] = ["uuid", "timestamp", "random_int"];

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    segments: Vec<Segment>,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Text copied as is (escapes already removed).
    Literal(String),
    /// A `{{…}}`.
    Placeholder(Placeholder),
}

/// One `{{…}}` and where it sits in the template text.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    pub kind: PlaceholderKind,
    /// Byte range of the whole `{{…}}` in the template text.
    pub span: Range<usize>,
}

/// What a placeholder refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceholderKind {
    /// `{{name}}`
    Var(String),
    /// `{{env:NAME}}`
    Env(String),
    /// `{{secret:NAME}}`
    Secret(String),
    /// `{{$uuid}}`
    Uuid,
    /// `{{$timestamp}}`
    Timestamp,
    /// `{{$random_int}}`
    RandomInt,
}

impl std::fmt::Display for PlaceholderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlaceholderKind::Var(n) => write!(f, "{{{{{n}}}}}"),
            PlaceholderKind::Env(n) => write!(f, "{{{{env:{n}}}}}"),
            PlaceholderKind::Secret(n) => write!(f, "{{{{secret:{n}}}}}"),
            PlaceholderKind::Uuid => f.write_str("{{$uuid}}"),
            PlaceholderKind::Timestamp => f.write_str("{{$timestamp}}"),
            PlaceholderKind::RandomInt => f.write_str("{{$random_int}}"),
        }
    }
}

/// A template that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// What is wrong, lowercase.
    pub message: String,
    /// Byte range in the template text.
    pub span: Range<usize>,
    /// An optional hint.
    pub hint: Option<String>,
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = 0;
        while let Some(found) = find_pair(&text[rest..], b'{') {
            let open = rest + found;
            if text[..open].ends_with('\\') {
                literal.push_str(&text[rest..open - 1]);
                literal.push_str("{{");
                rest = open + 2;
                continue;
            }
            literal.push_str(&text[rest..open]);
            let Some(len) = find_pair(&text[open + 2..], b'}') else {
                return Err(TemplateError {
                    message: "unclosed `{{`".to_string(),
                    span: open..open + 2,
                    hint: Some("write `\\{{` for a literal `{{`".to_string()),
                });
            };
            let close = open + 2 + len + 2;
            let kind = parse_placeholder(&text[open + 2..close - 2], open..close)?;
            if !literal.is_empty() {
                segments.push(Segment::Literal(std::mem::take(&mut literal)));
            }
            segments.push(Segment::Placeholder(Placeholder {
                kind,
                span: open..close,
            }));
            rest = close;
        }
        literal.push_str(&text[rest..]);
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Template { segments })
    }

    /// A template with no placeholders: `text` is used as is (no escape processing).
    pub fn literal(text: &str) -> Template {
        let segments = if text.is_empty() {
            Vec::new()
        } else {
            vec![Segment::Literal(text.to_string())]
        };
        Template { segments }
    }

    /// The segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Every placeholder, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &Placeholder> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Placeholder(p) => Some(p),
            Segment::Literal(_) => None,
        })
    }

    /// The placeholder if the template is exactly one placeholder and nothing else.
    pub fn single_placeholder(&self) -> Option<&Placeholder> {
        match self.segments.as_slice() {
            [Segment::Placeholder(p)] => Some(p),
            _ => None,
        }
    }

    /// Renders to text; `lookup` supplies each placeholder's value (see [`builtin`] and
    /// [`value_to_text`]). Strings are inserted without quotes, other values as JSON text.
    pub fn render<E>(
        &self,
        mut lookup: impl FnMut(&Placeholder) -> Result<Value, E>,
    ) -> Result<String, E> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Placeholder(p) => push_value(&mut out, &lookup(p)?),
            }
        }
        Ok(out)
    }

    /// Renders to a JSON value: a template that is exactly one placeholder keeps the
    /// value's JSON type (number, bool, array, object); anything else becomes a string.
    pub fn render_value<E>(
        &self,
        mut lookup: impl FnMut(&Placeholder) -> Result<Value, E>,
    ) -> Result<Value, E> {
        match self.single_placeholder() {
            Some(p) => lookup(p),
            None => self.render(lookup).map(Value::String),
        }
    }
}

/// Where `cc` (the byte `c` twice, `{{` or `}}`) first starts in `text`. memchr for the first
/// byte instead of `str::find("{{")`: templates are parsed for every string of a collection, and
/// the two-way searcher's set-up was the largest part of parsing them (bench/load).
fn find_pair(text: &str, c: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(c, &bytes[from..]) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&c) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn parse_placeholder(inner: &str, span: Range<usize>) -> Result<PlaceholderKind, TemplateError> {
    let name = inner.trim();
    let error = |message: String, hint: Option<String>| TemplateError {
        message,
        span: span.clone(),
        hint,
    };
    let checked = |name: &str, what: &str| {
        if is_name(name) {
            Ok(name.to_string())
        } else if name.is_empty() {
            Err(error(
                format!("missing {what} name in `{{{{{inner}}}}}`"),
                None,
            ))
        } else {
            Err(error(
                format!("invalid {what} name `{name}`"),
                Some("names use letters, digits, `_`, `-` and `.`".to_string()),
            ))
        }
    };
    if let Some(function) = name.strip_prefix('$') {
        return match function {
            "uuid" => Ok(PlaceholderKind::Uuid),
            "timestamp" => Ok(PlaceholderKind::Timestamp),
            "random_int" => Ok(PlaceholderKind::RandomInt),
            other => Err(error(
                format!("unknown function `${other}`"),
                suggestion(other, FUNCTIONS)
                    .map(|s| s.replacen('`', "`$", 1))
                    .or_else(|| Some("functions are `$uuid`, `$timestamp`, `$random_int`".into())),
            )),
        };
    }
    if let Some(var) = name.strip_prefix("env:") {
        return checked(var.trim(), "environment variable").map(PlaceholderKind::Env);
    }
    if let Some(secret) = name.strip_prefix("secret:") {
        return checked(secret.trim(), "secret").map(PlaceholderKind::Secret);
    }
    checked(name, "variable").map(PlaceholderKind::Var)
}

/// Whether `name` is a valid variable, environment or secret name.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => out.push_str(s),
        other => out.push_str(&value_to_text(other)),
    }
}

/// A value as it appears in text: strings without quotes, `null` as nothing, others as JSON.
pub fn value_to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The value of a `$` function, or `None` for other placeholders.
pub fn builtin(kind: &PlaceholderKind) -> Option<Value> {
    match kind {
        PlaceholderKind::Uuid => Some(Value::String(uuid::Uuid::new_v4().to_string())),
        PlaceholderKind::Timestamp => {
            let secs = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Some(Value::from(secs))
        }
        PlaceholderKind::RandomInt => Some(Value::from(fastrand::u32(0..=1000))),
        PlaceholderKind::Var(_) | PlaceholderKind::Env(_) | PlaceholderKind::Secret(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn find_pair_agrees_with_str_find() {
        // Every string of up to 6 bytes over an alphabet with both braces and a 2-byte char.
        let alphabet = ["{", "}", "a", "é"];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.sort();
        texts.dedup();
        assert!(texts.len() > 5000);
        for t in &texts {
            assert_eq!(find_pair(t, b'{'), t.find("{{"), "{t:?}");
            assert_eq!(find_pair(t, b'}'), t.find("}}"), "{t:?}");
        }
    }

    fn vars(p: &Placeholder) -> Result<Value, String> {
        match &p.kind {
            PlaceholderKind::Var(n) if n == "host" => Ok(json!("example.com")),
            PlaceholderKind::Var(n) if n == "port" => Ok(json!(8080)),
            PlaceholderKind::Var(n) if n == "tags" => Ok(json!(["a", "b"])),
            other => Err(format!("no {other}")),
        }
    }

    #[test]
    fn substitutes_text_with_and_without_whitespace() {
        let t = Template::parse("http://{{host}}:{{ port }}/x?t={{tags}}").unwrap();
        assert_eq!(
            t.render(vars).unwrap(),
            r#"http://example.com:8080/x?t=["a","b"]"#
        );
    }

    #[test]
    fn a_lone_placeholder_keeps_its_json_type() {
        let t = Template::parse("{{ port }}").unwrap();
        assert_eq!(t.render_value(vars).unwrap(), json!(8080));
        let t = Template::parse("{{port}}!").unwrap();
        assert_eq!(t.render_value(vars).unwrap(), json!("8080!"));
    }

    #[test]
    fn backslash_escapes_a_literal_open_brace_pair() {
        let t = Template::parse(r"a \{{host}} {{host}} }} \x").unwrap();
        assert!(t.single_placeholder().is_none());
        assert_eq!(t.render(vars).unwrap(), r"a {{host}} example.com }} \x");
        assert_eq!(t.placeholders().count(), 1);
    }

    #[test]
    fn placeholder_kinds_and_spans() {
        let t = Template::parse("x{{env:HOME}}{{ secret:tok }}{{$uuid}}").unwrap();
        let found: Vec<_> = t
            .placeholders()
            .map(|p| (p.kind.clone(), p.span.clone()))
            .collect();
        assert_eq!(
            found,
            vec![
                (PlaceholderKind::Env("HOME".into()), 1..13),
                (PlaceholderKind::Secret("tok".into()), 13..29),
                (PlaceholderKind::Uuid, 29..38),
            ]
        );
    }

    #[test]
    fn parse_errors_have_spans_and_hints() {
        let e = Template::parse("a {{host").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("unclosed `{{`", 2..4)
        );
        assert_eq!(e.hint.as_deref(), Some("write `\\{{` for a literal `{{`"));
        let e = Template::parse("{{$uuuid}}").unwrap_err();
        assert_eq!(e.message, "unknown function `$uuuid`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `$uuid`?"));
        let e = Template::parse("x{{a b}}").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("invalid variable name `a b`", 1..8)
        );
        let e = Template::parse("{{env:}}").unwrap_err();
        assert_eq!(e.message, "missing environment variable name in `{{env:}}`");
    }

    #[test]
    fn builtins_produce_values_of_the_right_shape() {
        let Some(Value::String(id)) = builtin(&PlaceholderKind::Uuid) else {
            panic!("uuid is not a string");
        };
        assert_eq!(
            uuid::Uuid::parse_str(&id).map(|u| u.get_version_num()),
            Ok(4)
        );
        let Some(Value::Number(n)) = builtin(&PlaceholderKind::RandomInt) else {
            panic!("random_int is not a number");
        };
        assert!(n.as_u64().is_some_and(|n| n <= 1000));
        let Some(Value::Number(ts)) = builtin(&PlaceholderKind::Timestamp) else {
            panic!("timestamp is not a number");
        };
        assert!(ts.as_u64().is_some_and(|t| t > 1_700_000_000));
        assert_eq!(builtin(&PlaceholderKind::Var("x".into())), None);
    }
}
