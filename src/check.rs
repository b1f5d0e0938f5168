//! Checks and captures: `[requests.expect]` and `[requests.capture]` against a response.
//! Every check runs (one failure doesn't hide the next); each failure says what was expected,
//! what came, and where (the header, the JSONPath).

mod cookie;

use std::time::Duration;

use serde_json::Value;

use crate::request::{Capture, CaptureSource, Check, Expect, Predicate, Subject};
use crate::util::mask::Masker;

/// What a check looks at in a response.
pub struct ResponseView<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    /// The body, if it was kept (checks on bodies need it); `Err` says why it wasn't.
    pub body: Result<&'a [u8], String>,
    pub duration: Duration,
    /// Expected and actual values are masked with it before they are cut for display (a
    /// secret straddling the cut would show in part if masked after).
    pub masker: &'a Masker,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `status`, `header `content-type``, `json `$.id``, `body`, `duration`.
    pub what: String,
    pub expected: String,
    pub actual: String,
    /// Line of the check in the collection file, if known.
    pub line: Option<usize>,
}

/// A check as it ran: what was checked, expected and actual, its line, and whether it passed.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub check: Failure,
    pub passed: bool,
}

impl Checked {
    fn failed(check: Failure) -> Checked {
        Checked {
            check,
            passed: false,
        }
    }
}

/// Run every check of `expect`; only the failures.
pub fn evaluate(expect: &Expect, response: &ResponseView<'_>) -> Vec<Failure> {
    evaluate_all(expect, response, false)
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| c.check)
        .collect()
}

/// Run every check of `expect`: each one that failed, in the order written, and with
/// `with_passed` the passed ones too (building their actual values costs: only for reports).
pub fn evaluate_all(
    expect: &Expect,
    response: &ResponseView<'_>,
    with_passed: bool,
) -> Vec<Checked> {
    let mut failures = Vec::new();
    if !expect.status.is_empty() {
        let expected: Vec<String> = expect.status.iter().map(|m| m.to_string()).collect();
        failures.push(Checked {
            check: Failure {
                what: "status".into(),
                expected: expected.join(" or "),
                actual: response.status.to_string(),
                line: expect.lines.status,
            },
            passed: expect.status.iter().any(|m| m.matches(response.status)),
        });
    }
    if !with_passed {
        failures.retain(|c| !c.passed);
    }
    for check in &expect.headers {
        let Subject::Header(name) = &check.subject else {
            continue;
        };
        let actual = joined_header(response.headers, name).map(Value::String);
        let what = format!("header `{name}`");
        run_predicates(&mut failures, check, &what, actual.as_ref(), with_passed);
    }
    for check in &expect.cookies {
        cookie_check(&mut failures, check, response, with_passed);
    }
    let needs_json = !expect.json.is_empty();
    let body_text = response.body.as_ref().map(|b| String::from_utf8_lossy(b));
    if needs_json {
        let document: Result<Value, String> = match &response.body {
            Ok(bytes) => {
                serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON ({e})"))
            }
            Err(why) => Err(why.clone()),
        };
        for check in &expect.json {
            let Subject::Json(path) = &check.subject else {
                continue;
            };
            let what = format!("json `{}`", path.text);
            match &document {
                Ok(doc) => {
                    let nodes = path.path.query(doc).all();
                    let actual = match nodes.len() {
                        0 => None,
                        1 => Some(nodes[0].clone()),
                        _ => Some(Value::Array(nodes.into_iter().cloned().collect())),
                    };
                    run_predicates(&mut failures, check, &what, actual.as_ref(), with_passed);
                }
                Err(why) => failures.push(Checked::failed(Failure {
                    what,
                    expected: describe_all(&check.predicates),
                    actual: why.clone(),
                    line: Some(check.line),
                })),
            }
        }
    }
    if !expect.body.is_empty() {
        match &body_text {
            Ok(text) => {
                let check = Check {
                    subject: Subject::Header(String::new()),
                    predicates: expect.body.clone(),
                    line: 0,
                };
                let mut found = Vec::new();
                run_predicates(
                    &mut found,
                    &check,
                    "body",
                    Some(&Value::String(text.to_string())),
                    with_passed,
                );
                failures.extend(found.into_iter().map(|c| Checked {
                    check: Failure {
                        line: expect.lines.body,
                        ..c.check
                    },
                    ..c
                }));
            }
            Err(why) => failures.push(Checked::failed(Failure {
                what: "body".into(),
                expected: describe_all(&expect.body),
                actual: why.to_string(),
                line: expect.lines.body,
            })),
        }
    }
    if let Some(limit) = expect.duration_below {
        failures.push(Checked {
            check: Failure {
                what: "duration".into(),
                expected: format!("below {}", crate::util::units::fmt_duration(limit)),
                actual: crate::util::units::fmt_duration(response.duration),
                line: expect.lines.duration,
            },
            passed: response.duration < limit,
        });
    }
    if !with_passed {
        failures.retain(|c| !c.passed);
    }
    for checked in &mut failures {
        for value in [&mut checked.check.expected, &mut checked.check.actual] {
            *value = cut(&response.masker.mask(value));
        }
    }
    failures
}

/// A `[requests.expect.cookies]` check; a cookie's value shown is masked (it is a credential)
/// unless `--show-secrets`.
fn cookie_check(
    failures: &mut Vec<Checked>,
    check: &Check,
    response: &ResponseView<'_>,
    with_passed: bool,
) {
    let Subject::Header(text) = &check.subject else {
        return;
    };
    let Ok((name, attr)) = crate::request::cookie_subject(text) else {
        return;
    };
    let actual = cookie::lookup(response.headers, &name, attr);
    let what = format!("cookie `{text}`");
    let from = failures.len();
    run_predicates(failures, check, &what, actual.as_ref(), with_passed);
    if attr == crate::request::CookieAttr::Value && !response.masker.reveals() {
        for checked in &mut failures[from..] {
            if let Some(Value::String(value)) = &actual
                && !value.is_empty()
            {
                checked.check.actual = checked
                    .check
                    .actual
                    .replace(value.as_str(), crate::util::mask::MASK);
            }
        }
    }
}

/// Longest value shown (in characters), cut after masking.
const SHOWN_CHARS: usize = 200;

/// A value as shown: cut after [`SHOWN_CHARS`] characters, with its whole length.
fn cut(text: &str) -> String {
    if text.chars().count() > SHOWN_CHARS {
        let cut: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{cut}… ({} bytes)", text.len())
    } else {
        text.to_string()
    }
}

fn run_predicates(
    failures: &mut Vec<Checked>,
    check: &Check,
    what: &str,
    actual: Option<&Value>,
    with_passed: bool,
) {
    for predicate in &check.predicates {
        if !with_passed && holds(predicate, actual).is_ok() {
            continue;
        }
        let outcome = test(predicate, actual);
        let passed = outcome.is_ok();
        let actual = outcome.unwrap_or_else(|shown| shown);
        failures.push(Checked {
            check: Failure {
                what: what.to_string(),
                expected: describe(predicate),
                actual,
                line: Some(check.line),
            },
            passed,
        });
    }
}

/// `Ok` if the predicate holds, `Err` if not; either way with the actual value as shown to
/// the user.
fn test(predicate: &Predicate, actual: Option<&Value>) -> Result<String, String> {
    let shown = || actual.map_or_else(|| "nothing (absent)".to_string(), show);
    holds(predicate, actual).map(|()| shown())
}

/// `Ok` if the predicate holds; else the actual value as shown to the user.
fn holds(predicate: &Predicate, actual: Option<&Value>) -> Result<(), String> {
    let shown = || actual.map_or_else(|| "nothing (absent)".to_string(), show);
    match predicate {
        Predicate::Exists(want) => {
            if actual.is_some() == *want {
                Ok(())
            } else {
                Err(shown())
            }
        }
        _ if actual.is_none() => Err(shown()),
        Predicate::Equals(expected) => (actual == Some(expected)).then_some(()).ok_or_else(shown),
        Predicate::Contains(needle) => {
            let ok = match (actual, needle) {
                (Some(Value::String(s)), Value::String(n)) => s.contains(n.as_str()),
                (Some(Value::Array(items)), n) => items.contains(n),
                (Some(Value::Object(map)), Value::String(k)) => map.contains_key(k),
                _ => false,
            };
            ok.then_some(()).ok_or_else(shown)
        }
        Predicate::Matches(pattern) => match actual {
            Some(Value::String(s)) if pattern.0.is_match(s) => Ok(()),
            _ => Err(shown()),
        },
        Predicate::Length(n) => {
            let len = match actual {
                Some(Value::String(s)) => Some(s.chars().count() as u64),
                Some(Value::Array(a)) => Some(a.len() as u64),
                Some(Value::Object(o)) => Some(o.len() as u64),
                _ => None,
            };
            match len {
                Some(len) if len == *n => Ok(()),
                Some(len) => Err(format!("length {len}")),
                None => Err(format!("{} (no length)", shown())),
            }
        }
        Predicate::Type(t) => {
            let actual_type = actual.map(type_name).unwrap_or("absent");
            let ok = actual_type == t || (t == "number" && actual_type == "integer");
            ok.then_some(())
                .ok_or_else(|| format!("{actual_type} {}", shown()))
        }
        Predicate::Gt(n) | Predicate::Gte(n) | Predicate::Lt(n) | Predicate::Lte(n) => {
            let number = actual.and_then(|v| match v {
                Value::Number(num) => num.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            });
            let ok = number.is_some_and(|x| match predicate {
                Predicate::Gt(_) => x > *n,
                Predicate::Gte(_) => x >= *n,
                Predicate::Lt(_) => x < *n,
                _ => x <= *n,
            });
            ok.then_some(()).ok_or_else(shown)
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Values shown compactly, strings quoted (cut for display at the end of
/// [`evaluate_all`], after masking).
fn show(v: &Value) -> String {
    v.to_string()
}

fn describe(p: &Predicate) -> String {
    let n = |x: &f64| {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{}", *x as i64)
        } else {
            x.to_string()
        }
    };
    match p {
        Predicate::Equals(v) => show(v),
        Predicate::Exists(true) => "to exist".into(),
        Predicate::Exists(false) => "to be absent".into(),
        Predicate::Contains(v) => format!("to contain {}", show(v)),
        Predicate::Matches(r) => format!("to match /{}/", r.0.as_str()),
        Predicate::Length(l) => format!("length {l}"),
        Predicate::Type(t) if t.starts_with(['a', 'i', 'o']) => format!("an {t}"),
        Predicate::Type(t) => format!("a {t}"),
        Predicate::Gt(x) => format!("> {}", n(x)),
        Predicate::Gte(x) => format!(">= {}", n(x)),
        Predicate::Lt(x) => format!("< {}", n(x)),
        Predicate::Lte(x) => format!("<= {}", n(x)),
    }
}

fn describe_all(list: &[Predicate]) -> String {
    list.iter().map(describe).collect::<Vec<_>>().join(", ")
}

/// A capture that found nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("capture `{name}` found nothing: {why}")]
pub struct CaptureError {
    pub name: String,
    pub why: String,
    /// Line of the capture in the collection file.
    pub line: usize,
}

/// Take the captures' values from a response, keeping JSON types.
pub fn capture(
    captures: &[Capture],
    response: &ResponseView<'_>,
) -> Result<Vec<(String, Value)>, CaptureError> {
    let mut values = Vec::new();
    let mut document: Option<Result<Value, String>> = None;
    for c in captures {
        let fail = |why: String| CaptureError {
            name: c.name.clone(),
            why,
            line: c.line,
        };
        let value = match &c.source {
            CaptureSource::Status => Value::from(response.status),
            // A repeated header is captured as `expect.headers` sees it: its values joined
            // with ", " in received order (RFC 9110 §5.3).
            CaptureSource::Header(name) => joined_header(response.headers, name)
                .map(Value::String)
                .ok_or_else(|| fail(format!("no `{name}` header in the response")))?,
            CaptureSource::Cookie(name, attr) => cookie::lookup(response.headers, name, *attr)
                .ok_or_else(|| {
                    let what = match attr {
                        crate::request::CookieAttr::Value => String::new(),
                        attr => format!(" with `{}`", attr.name()),
                    };
                    fail(format!("the response sets no cookie `{name}`{what}"))
                })?,
            CaptureSource::Json(path) => {
                let doc = document.get_or_insert_with(|| match &response.body {
                    Ok(bytes) => serde_json::from_slice(bytes)
                        .map_err(|e| format!("the body is not JSON ({e})")),
                    Err(why) => Err(why.clone()),
                });
                let doc = doc.as_ref().map_err(|why| fail(why.clone()))?;
                let nodes = path.path.query(doc).all();
                match nodes.len() {
                    0 => return Err(fail(format!("`{}` matches nothing in the body", path.text))),
                    1 => nodes[0].clone(),
                    _ => Value::Array(nodes.into_iter().cloned().collect()),
                }
            }
            CaptureSource::Regex(pattern) => {
                let bytes = response.body.as_ref().map_err(|why| fail(why.clone()))?;
                let text = String::from_utf8_lossy(bytes);
                let caps = pattern.0.captures(&text).ok_or_else(|| {
                    fail(format!("/{}/ does not match the body", pattern.0.as_str()))
                })?;
                let m = caps
                    .get(1)
                    .or_else(|| caps.get(0))
                    .map(|m| m.as_str())
                    .unwrap_or("");
                Value::String(m.to_string())
            }
        };
        values.push((c.name.clone(), value));
    }
    Ok(values)
}

/// The values of every header called `name` (case-insensitive), joined with ", " in received
/// order; `None` when there is none. `expect.headers` and `header:` captures both use it.
fn joined_header(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{JsonPathExpr, Pattern, StatusMatcher};
    use serde_json::json;

    fn json_check(path: &str, predicates: Vec<Predicate>) -> Check {
        Check {
            subject: Subject::Json(JsonPathExpr::parse(path).unwrap()),
            predicates,
            line: 7,
        }
    }

    fn view<'a>(headers: &'a [(String, String)], body: &'a [u8]) -> ResponseView<'a> {
        ResponseView {
            status: 201,
            headers,
            body: Ok(body),
            duration: Duration::from_millis(120),
            masker: Box::leak(Box::default()),
        }
    }

    #[test]
    fn every_kind_of_check_passes_and_fails_with_expected_and_actual() {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        let body = br#"{"id": 2, "name": "Spring sale", "tags": ["a", "b"], "price": 9.5, "meta": {"k": null}}"#;
        let expect = Expect {
            status: vec![StatusMatcher::Class(2)],
            headers: vec![Check {
                subject: Subject::Header("content-type".into()),
                predicates: vec![
                    Predicate::Contains(json!("json")),
                    Predicate::Matches(Pattern(regex::Regex::new("^text/").unwrap())),
                ],
                line: 3,
            }],
            json: vec![
                json_check(
                    "$.id",
                    vec![Predicate::Equals(json!(2)), Predicate::Equals(json!("2"))],
                ),
                json_check(
                    "$.tags",
                    vec![
                        Predicate::Length(2),
                        Predicate::Contains(json!("b")),
                        Predicate::Type("object".into()),
                    ],
                ),
                json_check("$.price", vec![Predicate::Gt(9.0), Predicate::Lte(9.0)]),
                json_check("$.missing", vec![Predicate::Exists(false)]),
                json_check(
                    "$.meta.k",
                    vec![Predicate::Exists(true), Predicate::Type("null".into())],
                ),
                json_check(
                    "$.name",
                    vec![
                        Predicate::Matches(Pattern(regex::Regex::new("^Spring").unwrap())),
                        Predicate::Exists(false),
                    ],
                ),
            ],
            body: vec![
                Predicate::Contains(json!("Spring")),
                Predicate::Contains(json!("Autumn")),
            ],
            cookies: Vec::new(),
            duration_below: Some(Duration::from_millis(100)),
            lines: crate::request::ExpectLines {
                status: Some(3),
                body: Some(7),
                duration: Some(9),
            },
        };
        let lines: Vec<(String, Option<usize>)> = evaluate(&expect, &view(&headers, body))
            .into_iter()
            .filter(|f| f.what == "body" || f.what == "duration")
            .map(|f| (f.what, f.line))
            .collect();
        assert_eq!(
            lines,
            vec![("body".into(), Some(7)), ("duration".into(), Some(9))]
        );
        let failures: Vec<String> = evaluate(&expect, &view(&headers, body))
            .into_iter()
            .map(|f| format!("{}: expected {}, got {}", f.what, f.expected, f.actual))
            .collect();
        assert_eq!(
            failures,
            vec![
                "header `content-type`: expected to match /^text//, got \"application/json\"",
                "json `$.id`: expected \"2\", got 2",
                "json `$.tags`: expected an object, got array [\"a\",\"b\"]",
                "json `$.price`: expected <= 9, got 9.5",
                "json `$.name`: expected to be absent, got \"Spring sale\"",
                "body: expected to contain \"Autumn\", got \"{\\\"id\\\": 2, \\\"name\\\": \\\"Spring sale\\\", \\\"tags\\\": [\\\"a\\\", \\\"b\\\"], \\\"price\\\": 9.5, \\\"meta\\\": {\\\"k\\\": null}}\"",
                "duration: expected below 100.0 ms, got 120.0 ms",
            ]
        );
    }

    #[test]
    fn json_checks_on_a_body_that_is_not_json_say_so() {
        let expect = Expect {
            json: vec![json_check("$.id", vec![Predicate::Exists(true)])],
            ..Expect::default()
        };
        let failures = evaluate(&expect, &view(&[], b"<html>"));
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].what, "json `$.id`");
        assert!(
            failures[0].actual.starts_with("the body is not JSON"),
            "{}",
            failures[0].actual
        );
        assert_eq!(failures[0].line, Some(7));
    }

    #[test]
    fn captures_keep_types_and_name_what_is_missing() {
        let headers = vec![("Location".to_string(), "/plans/7".to_string())];
        let body = br#"{"id": 7, "tags": ["x"], "token": "abc-123"}"#;
        let capture = |name: &str, source| Capture {
            name: name.into(),
            source,
            line: 1,
            secret: false,
        };
        let got = super::capture(
            &[
                capture(
                    "id",
                    CaptureSource::Json(JsonPathExpr::parse("$.id").unwrap()),
                ),
                capture(
                    "tags",
                    CaptureSource::Json(JsonPathExpr::parse("$.tags").unwrap()),
                ),
                capture("where", CaptureSource::Header("location".into())),
                capture(
                    "tok",
                    CaptureSource::Regex(Pattern(
                        regex::Regex::new(r#""token": "([^"]+)""#).unwrap(),
                    )),
                ),
                capture("code", CaptureSource::Status),
            ],
            &view(&headers, body),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                ("id".to_string(), json!(7)),
                ("tags".to_string(), json!(["x"])),
                ("where".to_string(), json!("/plans/7")),
                ("tok".to_string(), json!("abc-123")),
                ("code".to_string(), json!(201)),
            ]
        );
        let missing = super::capture(
            &[capture(
                "x",
                CaptureSource::Json(JsonPathExpr::parse("$.nope").unwrap()),
            )],
            &view(&headers, body),
        );
        assert_eq!(
            missing.unwrap_err().to_string(),
            "capture `x` found nothing: `$.nope` matches nothing in the body"
        );
    }
}
