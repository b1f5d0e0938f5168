//! `postie listen --rules FILE`: scripted answers. A TOML file of `[[rule]]`s, each a `match`
//! (method, path glob, header globs, JSONPath tests on the body) and an answer (status,
//! headers, body with `{{…}}` from the request, delay); the first rule that matches answers,
//! else `[default]`, else the listener's own answer (`--status`, `--body`, …).
//!
//! ```toml
//! [[rule]]
//! name = "github push"
//! match = { method = "POST", path = "/hooks/github*", headers = { x-github-event = "push" }, json = { "$.ref" = "refs/heads/main" } }
//! status = 202
//! headers = { content-type = "application/json" }
//! body = '{"queued": "{{json.head_commit.id}}"}'
//! delay = "200ms"
//!
//! [default]
//! status = 404
//! body = "no rule for {{method}} {{path}}"
//! ```
//!
//! The file is walked from `toml::de::DeTable` (every key keeps its span), so every mistake is
//! reported at `file:line:col` with the line and a caret.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value as Json;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::collection::SourceDiagnostic;
use crate::error::{Code, Failure};
use crate::inbox::filter::{Filter, JsonTest};
use crate::inbox::{Event, Scripted};
use crate::request::JsonPathExpr;
use crate::template::{Placeholder, PlaceholderKind, Template};
use crate::util::suggest::suggestion;

type Value<'i> = Spanned<DeValue<'i>>;

/// The largest rules file read (a rules file is written by hand).
pub const MAX_RULES_BYTES: u64 = 1024 * 1024;

const TOP_KEYS: [&str; 2] = ["rule", "default"];
const RULE_KEYS: [&str; 6] = ["name", "match", "status", "headers", "body", "delay"];
const ANSWER_KEYS: [&str; 4] = ["status", "headers", "body", "delay"];
const MATCH_KEYS: [&str; 4] = ["method", "path", "headers", "json"];
/// What `{{…}}` in an answer may name (and `query.NAME`, `header.NAME`, `json.PATH`).
const REQUEST_VARS: [&str; 6] = ["method", "path", "query", "remote", "body", "json"];

/// Loaded rules, checked: every answer can be sent.
#[derive(Debug)]
pub struct Rules {
    rules: Vec<Rule>,
    default: Option<Answer>,
}

#[derive(Debug)]
struct Rule {
    filter: Filter,
    answer: Answer,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, Template)>,
    body: Template,
    delay: Option<Duration>,
}

impl Rules {
    /// Read and check the rules file at `path`.
    pub fn load(path: &Path) -> Result<Rules, Failure> {
        let fail = |e: std::io::Error| {
            Failure::usage(format!(
                "could not read the rules file `{}`: {e}",
                path.display()
            ))
        };
        let size = std::fs::metadata(path).map_err(fail)?.len();
        if size > MAX_RULES_BYTES {
            return Err(Failure::usage(format!(
                "the rules file `{}` is over {} KiB",
                path.display(),
                MAX_RULES_BYTES / 1024
            )));
        }
        let source = std::fs::read_to_string(path).map_err(fail)?;
        Rules::parse(path, &source)
            .map_err(|d| Failure::from_display(Code::Usage, &format!("invalid rules: {d}")))
    }

    /// Check `source`, the text of the rules file at `path`.
    pub fn parse(path: &Path, source: &str) -> Result<Rules, Box<SourceDiagnostic>> {
        let p = Walker {
            path: path.to_owned(),
            source,
        };
        let root = DeTable::parse(source).map_err(|e| {
            p.error(
                e.span().unwrap_or(0..0),
                format!("invalid TOML: {}", e.message()),
                None,
            )
        })?;
        let root = root.get_ref();
        p.known_keys(root, &TOP_KEYS, "the rules file")?;
        let mut rules = Vec::new();
        if let Some(v) = root.get("rule") {
            let DeValue::Array(items) = v.get_ref() else {
                return Err(p.error(
                    v.span(),
                    "expected `[[rule]]` tables for `rule`".into(),
                    Some("start each rule with `[[rule]]`".into()),
                ));
            };
            for item in items {
                rules.push(p.rule(item)?);
            }
        }
        let default = match root.get("default") {
            None => None,
            Some(v) => {
                let table = p.table(v, "default")?;
                p.known_keys(table, &ANSWER_KEYS, "`[default]`")?;
                Some(p.answer(table)?)
            }
        };
        Ok(Rules { rules, default })
    }

    /// The answer of the first rule that matches, else the default's.
    pub fn answer(&self, event: &Event) -> Option<Scripted> {
        let answer = self
            .rules
            .iter()
            .find(|rule| rule.filter.matches(event, &event.body))
            .map(|rule| &rule.answer)
            .or(self.default.as_ref())?;
        Some(answer.render(event))
    }

    /// How many rules there are (for the start-up line).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Answer {
    fn render(&self, event: &Event) -> Scripted {
        let json = serde_json::from_slice::<Json>(&event.body).ok();
        let text = |t: &Template| {
            t.render(|p| Ok::<_, ()>(lookup(p, event, json.as_ref())))
                .unwrap_or_default()
        };
        Scripted {
            status: self.status,
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), text(value)))
                .collect(),
            body: bytes::Bytes::from(text(&self.body)),
            delay: self.delay,
        }
    }
}

/// The value of `{{name}}` for this request; what the request lacks is empty.
fn lookup(p: &Placeholder, event: &Event, json: Option<&Json>) -> Json {
    if let Some(value) = crate::template::builtin(&p.kind) {
        return value;
    }
    let PlaceholderKind::Var(name) = &p.kind else {
        return Json::Null; // refused when the rules were loaded
    };
    let text = |s: &str| Json::String(s.to_owned());
    let empty = || Json::String(String::new());
    match name.as_str() {
        "method" => text(&event.method),
        "path" => text(&event.path),
        "query" => text(event.query.as_deref().unwrap_or_default()),
        "remote" => text(&event.remote.to_string()),
        "body" => text(&String::from_utf8_lossy(&event.body)),
        "json" => json.map_or_else(empty, |j| text(&j.to_string())),
        _ => {
            if let Some(header) = name.strip_prefix("header.") {
                return event.header(header).map_or_else(empty, text);
            }
            if let Some(param) = name.strip_prefix("query.") {
                let query = event.query.as_deref().unwrap_or_default();
                return url::form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == param)
                    .map_or_else(empty, |(_, v)| text(&v));
            }
            let path = name.strip_prefix("json.").unwrap_or_default();
            json.and_then(|j| dotted(j, path))
                .cloned()
                .unwrap_or_else(empty)
        }
    }
}

/// `a.b.0` into a JSON value: object keys, array indexes.
fn dotted<'v>(value: &'v Json, path: &str) -> Option<&'v Json> {
    path.split('.').try_fold(value, |v, key| match v {
        Json::Object(map) => map.get(key),
        Json::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

struct Walker<'s> {
    path: PathBuf,
    source: &'s str,
}

type Walked<T> = Result<T, Box<SourceDiagnostic>>;

impl Walker<'_> {
    fn error(
        &self,
        span: Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> Box<SourceDiagnostic> {
        Box::new(SourceDiagnostic::new(
            &self.path,
            self.source,
            span,
            message,
            hint,
        ))
    }

    fn known_keys(&self, table: &DeTable<'_>, known: &[&str], what: &str) -> Walked<()> {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let name = key.get_ref();
                let hint = suggestion(name, known.iter().copied())
                    .unwrap_or_else(|| format!("the keys are {}", known.join(", ")));
                return Err(self.error(
                    key.span(),
                    format!("unknown key `{name}` in {what}"),
                    Some(hint),
                ));
            }
        }
        Ok(())
    }

    fn table<'a, 'i>(&self, v: &'a Value<'i>, key: &str) -> Walked<&'a DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.error(v.span(), format!("expected a table for `{key}`"), None)),
        }
    }

    fn string<'a>(&self, v: &'a Value<'_>, key: &str) -> Walked<&'a str> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.error(v.span(), format!("expected a string for `{key}`"), None)),
        }
    }

    fn rule(&self, item: &Value<'_>) -> Walked<Rule> {
        let table = self.table(item, "rule")?;
        self.known_keys(table, &RULE_KEYS, "a `[[rule]]`")?;
        if let Some(name) = table.get("name") {
            self.string(name, "name")?;
        }
        let filter = match table.get("match") {
            Some(m) => self.filter(m)?,
            None => Filter::default(),
        };
        Ok(Rule {
            filter,
            answer: self.answer(table)?,
        })
    }

    fn filter(&self, v: &Value<'_>) -> Walked<Filter> {
        let table = self.table(v, "match")?;
        self.known_keys(table, &MATCH_KEYS, "`match`")?;
        let mut filter = Filter::default();
        if let Some(m) = table.get("method") {
            let method = self.string(m, "method")?;
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(self.error(m.span(), format!("invalid method `{method}`"), None));
            }
            filter.method = Some(method.to_owned());
        }
        if let Some(p) = table.get("path") {
            filter.path = Some(self.string(p, "path")?.to_owned());
        }
        if let Some(h) = table.get("headers") {
            for (name, value) in self.table(h, "headers")? {
                let glob = self.string(value, name.get_ref())?;
                filter
                    .headers
                    .push((name.get_ref().to_string(), glob.to_owned()));
            }
        }
        if let Some(j) = table.get("json") {
            for (key, value) in self.table(j, "json")? {
                let path = JsonPathExpr::parse(key.get_ref()).map_err(|e| {
                    self.error(
                        key.span(),
                        format!("invalid JSONPath `{}`: {e}", key.get_ref()),
                        None,
                    )
                })?;
                filter.json.push((path, self.json_test(value)?));
            }
        }
        Ok(filter)
    }

    /// `{ exists = true }`, else a value the node must equal.
    fn json_test(&self, v: &Value<'_>) -> Walked<JsonTest> {
        if let DeValue::Table(t) = v.get_ref()
            && t.len() == 1
            && let Some(exists) = t.get("exists")
        {
            return match exists.get_ref() {
                DeValue::Boolean(b) => Ok(JsonTest::Exists(*b)),
                _ => Err(self.error(
                    exists.span(),
                    "expected true or false for `exists`".into(),
                    None,
                )),
            };
        }
        Ok(JsonTest::Equals(self.json(v)?))
    }

    fn json(&self, v: &Value<'_>) -> Walked<Json> {
        Ok(match v.get_ref() {
            DeValue::String(s) => Json::String(s.to_string()),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map(Json::from)
                .map_err(|_| self.error(v.span(), "integer out of range".into(), None))?,
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Json::Number)
                .ok_or_else(|| self.error(v.span(), "JSON has no infinity or NaN".into(), None))?,
            DeValue::Boolean(b) => Json::Bool(*b),
            DeValue::Datetime(d) => Json::String(d.to_string()),
            DeValue::Array(items) => {
                Json::Array(items.iter().map(|i| self.json(i)).collect::<Walked<_>>()?)
            }
            DeValue::Table(t) => {
                let mut map = serde_json::Map::new();
                for (k, v) in t {
                    map.insert(k.get_ref().to_string(), self.json(v)?);
                }
                Json::Object(map)
            }
        })
    }

    fn answer(&self, table: &DeTable<'_>) -> Walked<Answer> {
        let status = match table.get("status") {
            None => 200,
            Some(v) => match v.get_ref() {
                DeValue::Integer(i) => match i.as_str().parse::<u16>() {
                    Ok(s) if (200..=599).contains(&s) && i.radix() == 10 => s,
                    _ => {
                        return Err(self.error(
                            v.span(),
                            "expected a status from 200 to 599".into(),
                            None,
                        ));
                    }
                },
                _ => {
                    return Err(self.error(
                        v.span(),
                        "expected a status from 200 to 599".into(),
                        None,
                    ));
                }
            },
        };
        let mut headers = Vec::new();
        if let Some(h) = table.get("headers") {
            for (name, value) in self.table(h, "headers")? {
                let key = name.get_ref();
                if hyper::header::HeaderName::from_bytes(key.as_bytes()).is_err() {
                    return Err(self.error(
                        name.span(),
                        format!("invalid header name `{key}`"),
                        None,
                    ));
                }
                let text = self.string(value, key)?;
                headers.push((key.to_string(), self.template(text, value.span())?));
            }
        }
        let body = match table.get("body") {
            None => Template::default(),
            Some(v) => self.template(self.string(v, "body")?, v.span())?,
        };
        let delay = match table.get("delay") {
            None => None,
            Some(v) => Some(
                crate::util::units::parse_duration(self.string(v, "delay")?).map_err(|e| {
                    self.error(
                        v.span(),
                        format!("invalid `delay`: {e}"),
                        Some("e.g. `delay = \"200ms\"`".into()),
                    )
                })?,
            ),
        };
        Ok(Answer {
            status,
            headers,
            body,
            delay,
        })
    }

    /// A `{{…}}` template naming only the request (and `$` functions). `span` is the string
    /// value's, quotes included.
    fn template(&self, text: &str, span: Range<usize>) -> Walked<Template> {
        let template =
            Template::parse(text).map_err(|e| self.error(span.clone(), e.message, e.hint))?;
        for p in template.placeholders() {
            let known = match &p.kind {
                PlaceholderKind::Var(name) => {
                    REQUEST_VARS.contains(&name.as_str())
                        || ["header.", "query.", "json."]
                            .iter()
                            .any(|pre| name.strip_prefix(pre).is_some_and(|rest| !rest.is_empty()))
                }
                PlaceholderKind::Env(_) | PlaceholderKind::Secret(_) => false,
                _ => true,
            };
            if !known {
                return Err(self.error(
                    span.clone(),
                    format!("unknown name `{}` in an answer", p.kind),
                    Some(
                        "answers use the request: {{method}}, {{path}}, {{query}}, {{query.NAME}}, {{header.NAME}}, {{body}}, {{json}}, {{json.a.b}}, {{remote}}, and {{$uuid}}, {{$timestamp}}, {{$random_int}}"
                            .into(),
                    ),
                ));
            }
        }
        Ok(template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Rules, String> {
        Rules::parse(Path::new("rules.toml"), source).map_err(|d| d.to_string())
    }

    #[test]
    fn first_match_wins_then_the_default() {
        let rules = parse(
            r#"
[[rule]]
match = { method = "POST", path = "/hooks/*", json = { "$.type" = "paid" } }
status = 202
headers = { x-id = "{{json.order.id}}" }
body = "paid {{path}} {{query.a}} {{header.x-k}}"
[[rule]]
match = { path = "/hooks/*" }
status = 409
[default]
status = 404
body = "none for {{method}}"
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut event = Event::sample(&[("x-k", "v")], br#"{"type":"paid","order":{"id":7}}"#);
        event.path = "/hooks/x".into();
        let a = rules.answer(&event).unwrap_or_else(|| panic!("no answer"));
        assert_eq!(a.status, 202);
        assert_eq!(a.headers, vec![("x-id".to_string(), "7".to_string())]);
        assert_eq!(&a.body[..], b"paid /hooks/x 1 v");
        event.body = bytes::Bytes::from_static(b"{}");
        assert_eq!(rules.answer(&event).map(|a| a.status), Some(409));
        event.path = "/other".into();
        let a = rules.answer(&event).unwrap_or_else(|| panic!("no answer"));
        assert_eq!((a.status, &a.body[..]), (404, &b"none for POST"[..]));
    }

    #[test]
    fn mistakes_point_at_the_spot() {
        let e = |s: &str| parse(s).err().unwrap_or_else(|| panic!("accepted {s}"));
        let unknown = e("[[rule]]\nstatsu = 200\n");
        assert!(unknown.contains("unknown key `statsu`"), "{unknown}");
        assert!(unknown.contains("rules.toml:2:1"), "{unknown}");
        assert!(unknown.contains("did you mean `status`?"), "{unknown}");
        let path = e("[[rule]]\nmatch = { json = { \"$.[\" = 1 } }\n");
        assert!(
            path.contains("invalid JSONPath") && path.contains("rules.toml:2:20"),
            "{path}"
        );
        let status = e("[default]\nstatus = 102\n");
        assert!(
            status.contains("200 to 599") && status.contains("rules.toml:2:10"),
            "{status}"
        );
        let var = e("[default]\nbody = \"{{nope}}\"\n");
        assert!(var.contains("unknown name `{{nope}}`"), "{var}");
        let secret = e("[default]\nbody = \"{{secret:x}}\"\n");
        assert!(secret.contains("unknown name"), "{secret}");
        let toml = e("[[rule]\n");
        assert!(
            toml.contains("invalid TOML") && toml.contains("rules.toml:1:"),
            "{toml}"
        );
        let delay = e("[default]\ndelay = \"soon\"\n");
        assert!(delay.contains("invalid `delay`"), "{delay}");
    }

    #[test]
    fn missing_parts_of_the_request_render_empty() {
        let rules = parse("[default]\nbody = \"[{{json.a.9}}][{{header.none}}][{{query.z}}]\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let event = Event::sample(&[], b"not json");
        let a = rules.answer(&event).unwrap_or_else(|| panic!("no answer"));
        assert_eq!(&a.body[..], b"[][][]");
    }
}
