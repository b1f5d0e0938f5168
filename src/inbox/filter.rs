//! Which events match: by method, path glob, headers, JSONPath on the body, arrival time and
//! verification result. Shared by `inbox list` (its filters) and `listen --rules` (a rule's
//! `match`). The JSONPath is the one checks use ([`JsonPathExpr`], RFC 9535).

use std::time::SystemTime;

use crate::request::JsonPathExpr;

use super::{Event, VerifyResult};

/// A test on the JSON body at a JSONPath.
#[derive(Debug, Clone)]
pub enum JsonTest {
    /// Some node the path selects equals this value (typed: `2` is not `"2"`).
    Equals(serde_json::Value),
    /// The path selects something (`true`) or nothing (`false`).
    Exists(bool),
}

/// Every condition must hold; an empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The method, case-sensitive as HTTP methods are (`POST`).
    pub method: Option<String>,
    /// A glob on the path (`*` also matches `/`), without the query.
    pub path: Option<String>,
    /// A glob on a header's value, for each `(name, glob)`: some header of that name
    /// (case-insensitive) matches.
    pub headers: Vec<(String, String)>,
    /// Tests on the body parsed as JSON; a body that is not JSON matches none.
    pub json: Vec<(JsonPathExpr, JsonTest)>,
    /// Received at or after.
    pub since: Option<SystemTime>,
    /// Received before.
    pub until: Option<SystemTime>,
    /// The stored verification result (events without one match none of these).
    pub verification: Vec<VerifyResult>,
}

impl Filter {
    /// Whether the filter needs the body (only JSON tests do).
    pub fn reads_body(&self) -> bool {
        !self.json.is_empty()
    }

    /// Whether `event` matches; `body` is its body (an event read without one, as
    /// `inbox list` reads them, passes it separately).
    pub fn matches(&self, event: &Event, body: &[u8]) -> bool {
        self.matches_head(event) && self.matches_body(body)
    }

    /// Everything but the JSON tests.
    pub fn matches_head(&self, event: &Event) -> bool {
        if self.method.as_deref().is_some_and(|m| m != event.method) {
            return false;
        }
        if self
            .path
            .as_deref()
            .is_some_and(|glob| !crate::glob::matches(glob, &event.path))
        {
            return false;
        }
        if self.since.is_some_and(|t| event.received_at < t)
            || self.until.is_some_and(|t| event.received_at >= t)
        {
            return false;
        }
        if !self.verification.is_empty() {
            let result = event.marks.verification.as_ref().map(|v| v.result);
            if !result.is_some_and(|r| self.verification.contains(&r)) {
                return false;
            }
        }
        self.headers.iter().all(|(name, glob)| {
            event
                .headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && crate::glob::matches(glob, v))
        })
    }

    /// The JSON tests alone.
    pub fn matches_body(&self, body: &[u8]) -> bool {
        if self.json.is_empty() {
            return true;
        }
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return false;
        };
        self.json.iter().all(|(path, test)| {
            let nodes = path.path.query(&value);
            match test {
                JsonTest::Exists(want) => nodes.is_empty() != *want,
                JsonTest::Equals(expected) => nodes.iter().any(|node| *node == expected),
            }
        })
    }
}

/// `--jsonpath` as written: `PATH` (it selects something) or `PATH=VALUE` (a node equals
/// VALUE, read as JSON when it parses, else as a string). A whole text that is a JSONPath is
/// `PATH` (so `$[?@.a=='x']` needs no `=VALUE`); otherwise it splits at the last `=` that is
/// not part of `==`, `!=`, `<=` or `>=`.
pub fn parse_json_test(text: &str) -> Result<(JsonPathExpr, JsonTest), String> {
    if let Ok(path) = JsonPathExpr::parse(text) {
        return Ok((path, JsonTest::Exists(true)));
    }
    let bytes = text.as_bytes();
    let split = (1..bytes.len()).rev().find(|&i| {
        bytes[i] == b'=' && !b"=!<>".contains(&bytes[i - 1]) && bytes.get(i + 1) != Some(&b'=')
    });
    let Some(i) = split else {
        return Err(JsonPathExpr::parse(text).err().unwrap_or_default());
    };
    let (path, value) = (&text[..i], &text[i + 1..]);
    let path = JsonPathExpr::parse(path)?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::from(value));
    Ok((path, JsonTest::Equals(value)))
}

/// The fields of a stored event's meta a [`Filter`] reads, borrowed (no allocation unless a
/// string has escapes): so `inbox list` tests a million events without building each one.
#[derive(serde::Deserialize)]
struct MetaView<'a> {
    #[serde(borrow)]
    method: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    path: std::borrow::Cow<'a, str>,
    received_at_ns: u128,
    #[serde(borrow)]
    headers: Vec<(std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
    #[serde(default)]
    marks: MarksView,
}

#[derive(serde::Deserialize, Default)]
struct MarksView {
    #[serde(default)]
    verification: Option<VerificationView>,
}

#[derive(serde::Deserialize)]
struct VerificationView {
    result: VerifyResult,
}

impl Filter {
    /// [`Filter::matches_head`] on a stored meta (JSON) without building the event; `None`
    /// when the meta does not read as one (the caller then parses it in full).
    pub fn matches_meta(&self, meta: &[u8]) -> Option<bool> {
        let view: MetaView<'_> = serde_json::from_slice(meta).ok()?;
        let secs = u64::try_from(view.received_at_ns / 1_000_000_000).ok()?;
        let nanos = u32::try_from(view.received_at_ns % 1_000_000_000).ok()?;
        let received_at = std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos);
        if self.method.as_deref().is_some_and(|m| m != view.method)
            || self
                .path
                .as_deref()
                .is_some_and(|g| !crate::glob::matches(g, &view.path))
            || self.since.is_some_and(|t| received_at < t)
            || self.until.is_some_and(|t| received_at >= t)
        {
            return Some(false);
        }
        if !self.verification.is_empty() {
            let result = view.marks.verification.map(|v| v.result);
            if !result.is_some_and(|r| self.verification.contains(&r)) {
                return Some(false);
            }
        }
        Some(self.headers.iter().all(|(name, glob)| {
            view.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && crate::glob::matches(glob, v))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::Verification;

    fn path(text: &str) -> JsonPathExpr {
        JsonPathExpr::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_condition_must_hold() {
        let event = Event::sample(&[("X-Kind", "push"), ("x-kind", "tag")], b"");
        let body = br#"{"a":{"b":2},"list":[1,"x"]}"#;
        assert!(Filter::default().matches(&event, body));
        let f = |f: Filter| f.matches(&event, body);
        assert!(f(Filter {
            method: Some("POST".into()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            method: Some("post".into()),
            ..Filter::default()
        }));
        assert!(f(Filter {
            path: Some("/ho*".into()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            path: Some("/x*".into()),
            ..Filter::default()
        }));
        let header = |n: &str, g: &str| Filter {
            headers: vec![(n.into(), g.into())],
            ..Filter::default()
        };
        assert!(f(header("x-kind", "tag")));
        assert!(f(header("X-KIND", "pu*")));
        assert!(!f(header("x-kind", "other")));
        let json = |p: &str, t: JsonTest| Filter {
            json: vec![(path(p), t)],
            ..Filter::default()
        };
        assert!(f(json("$.a.b", JsonTest::Equals(2.into()))));
        assert!(!f(json("$.a.b", JsonTest::Equals("2".into()))));
        assert!(f(json("$.list[*]", JsonTest::Equals("x".into()))));
        assert!(f(json("$.a", JsonTest::Exists(true))));
        assert!(f(json("$.nope", JsonTest::Exists(false))));
        assert!(!json("$.a", JsonTest::Exists(true)).matches(&event, b"not json"));
    }

    #[test]
    fn the_borrowed_meta_view_agrees_with_the_event() {
        let mut event = Event::sample(&[("x-kind", "push\"q\"")], b"");
        event.marks.verification = Some(Verification {
            scheme: "github".into(),
            result: VerifyResult::Verified,
            reason: None,
        });
        let ns = event
            .received_at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // The fields as the store writes them (src/inbox/store/writer.rs).
        let meta = serde_json::json!({
            "id": 3, "received_at_ns": ns, "remote": "127.0.0.1:5000", "method": "POST",
            "path": "/hooks", "query": "a=1", "version": "HTTP/1.1", "authority": null,
            "headers": [["x-kind", "push\"q\""]], "body_truncated": false, "note": null,
            "marks": { "verification": { "scheme": "github", "result": "verified" } },
        })
        .to_string();
        let at = event.received_at;
        let ms = std::time::Duration::from_millis(1);
        let filters = [
            Filter::default(),
            Filter {
                method: Some("POST".into()),
                ..Filter::default()
            },
            Filter {
                method: Some("GET".into()),
                ..Filter::default()
            },
            Filter {
                path: Some("/h*".into()),
                ..Filter::default()
            },
            Filter {
                path: Some("/x".into()),
                ..Filter::default()
            },
            Filter {
                headers: vec![("X-Kind".into(), "push\"*".into())],
                ..Filter::default()
            },
            Filter {
                headers: vec![("x-kind".into(), "pull".into())],
                ..Filter::default()
            },
            Filter {
                since: Some(at),
                until: Some(at + ms),
                ..Filter::default()
            },
            Filter {
                until: Some(at),
                ..Filter::default()
            },
            Filter {
                verification: vec![VerifyResult::Verified],
                ..Filter::default()
            },
            Filter {
                verification: vec![VerifyResult::Invalid],
                ..Filter::default()
            },
        ];
        for f in &filters {
            assert_eq!(
                f.matches_meta(meta.as_bytes()),
                Some(f.matches_head(&event)),
                "{f:?}"
            );
        }
        assert_eq!(Filter::default().matches_meta(b"{}"), None);
    }

    #[test]
    fn json_tests_parse_from_the_command_line() {
        let test = |t: &str| parse_json_test(t).map(|(p, t)| (p.text, format!("{t:?}")));
        assert_eq!(test("$.a"), Ok(("$.a".into(), "Exists(true)".into())));
        assert_eq!(
            test("$.a=2"),
            Ok(("$.a".into(), "Equals(Number(2))".into()))
        );
        assert_eq!(
            test("$.a=paid"),
            Ok(("$.a".into(), "Equals(String(\"paid\"))".into()))
        );
        assert_eq!(
            test("$[?@.a=='x'].b=true"),
            Ok(("$[?@.a=='x'].b".into(), "Equals(Bool(true))".into()))
        );
        assert!(parse_json_test("nope=1").is_err());
        assert!(parse_json_test("$.[").is_err());
    }

    #[test]
    fn time_and_verification() {
        let mut event = Event::sample(&[], b"");
        let at = event.received_at;
        let second = std::time::Duration::from_secs(1);
        let window = |since, until| Filter {
            since,
            until,
            ..Filter::default()
        };
        assert!(window(Some(at), Some(at + second)).matches_head(&event));
        assert!(!window(Some(at + second), None).matches_head(&event));
        assert!(!window(None, Some(at)).matches_head(&event));
        let verified = Filter {
            verification: vec![VerifyResult::Invalid],
            ..Filter::default()
        };
        assert!(!verified.matches_head(&event));
        event.marks.verification = Some(Verification {
            scheme: "basic".into(),
            result: VerifyResult::Invalid,
            reason: None,
        });
        assert!(verified.matches_head(&event));
    }
}
