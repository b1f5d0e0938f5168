//! `postie inbox save`: a captured event as a `[[requests]]` entry appended to a collection,
//! keeping the file's comments and layout (toml_edit).

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use super::{Event, HOP_BY_HOP};
use crate::collection::credentials;

/// Headers not worth saving besides the hop-by-hop ones: those the client sets itself.
const SET_BY_THE_CLIENT: [&str; 2] = ["host", "content-length"];

/// Why a request could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// The collection file is not valid TOML.
    #[error("the collection is not valid TOML: {0}")]
    Toml(String),
    /// `requests` exists but is not an array of tables.
    #[error("`requests` in the collection is not a list of `[[requests]]` tables")]
    NotRequests,
    /// A request with this name is already in the collection.
    #[error("the collection already has a request `{0}`")]
    Exists(String),
}

/// How the body is saved: inline text, or a file next to the collection (for binary bodies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedBody<'a> {
    Text,
    File(&'a str),
}

/// A received credential saved as a `{{secret:NAME}}` reference: the user sets the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSecret {
    /// Where it came: the header (lower case), or `?name` for a query parameter.
    pub header: String,
    /// The secret's name in the reference.
    pub name: String,
}

/// What [`append_request`] made: the new file text and the secrets it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub text: String,
    pub secrets: Vec<SavedSecret>,
}

/// `source` with a new `[[requests]]` for `event` at its end: `name`, `method`,
/// `url` = `base` + the event's path and query, the headers (repeated ones joined with `, `),
/// and the body as `text` (with `content_type`) or `file`. `{{` in saved text is escaped
/// (`\{{`) so it stays literal. A credential header (`Authorization`, `X-Api-Key`, any
/// name `postie check` takes for a credential, or a value shaped like a well-known token) is
/// saved as `{{secret:<collection>_<header>}}` (after its scheme, `Bearer {{secret:…}}`),
/// never verbatim.
pub fn append_request(
    source: &str,
    collection: &str,
    name: &str,
    event: &Event,
    base: &str,
    body: &SavedBody<'_>,
) -> Result<Saved, SaveError> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e: toml_edit::TomlError| SaveError::Toml(e.message().to_owned()))?;
    if !doc.contains_key("requests") {
        doc.insert("requests", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let requests = doc
        .get_mut("requests")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or(SaveError::NotRequests)?;
    if requests
        .iter()
        .any(|t| t.get("name").and_then(Item::as_str) == Some(name))
    {
        return Err(SaveError::Exists(name.to_owned()));
    }
    let mut table = Table::new();
    table.insert("name", value(name));
    table.insert("method", value(event.method.as_str()));
    let mut secrets: Vec<SavedSecret> = Vec::new();
    let (kept, secret_query) = split_query(event.query.as_deref(), collection, &mut secrets);
    let url = format!("{base}{}{kept}", escape(&event.path));
    table.insert("url", value(url));
    if !secret_query.is_empty() {
        table.insert("query", value(secret_query));
    }
    let mut headers = InlineTable::new();
    for (name, val) in &event.headers {
        let lower = name.to_ascii_lowercase();
        // With a body, its type goes to `content_type`; without one the header stays.
        let moved = lower == "content-type" && !event.body.is_empty();
        if HOP_BY_HOP.contains(&lower.as_str())
            || SET_BY_THE_CLIENT.contains(&lower.as_str())
            || moved
        {
            continue;
        }
        if credentials::sensitive_header(&lower) || credentials::token_shape(val).is_some() {
            if secrets.iter().any(|s| s.header == lower) {
                continue; // a repeated credential header: one reference
            }
            let secret = credentials::secret_name(collection, &lower);
            let reference = format!("{{{{secret:{secret}}}}}");
            let saved = match scheme_of(val) {
                Some(scheme) => format!("{scheme} {reference}"),
                None => reference,
            };
            headers.insert(&lower, saved.into());
            secrets.push(SavedSecret {
                header: lower,
                name: secret,
            });
            continue;
        }
        let joined = match headers.get(&lower).and_then(|v| v.as_str()) {
            Some(before) => format!("{before}, {}", escape(val)),
            None => escape(val),
        };
        headers.insert(&lower, joined.into());
    }
    let content_type = event.header("content-type");
    let json = match body {
        SavedBody::Text => json_body(content_type, &event.body),
        SavedBody::File(_) => None,
    };
    if let (Some(_), Some(ct)) = (&json, content_type)
        && !ct.trim().eq_ignore_ascii_case("application/json")
    {
        // `json = …` sends `application/json`; another JSON type goes as a header.
        headers.insert("content-type", escape(ct).into());
    }
    if !headers.is_empty() {
        table.insert("headers", value(headers));
    }
    if let Some(json) = json {
        table.insert("json", value(json));
    } else if !event.body.is_empty() {
        match body {
            SavedBody::Text => {
                let text = String::from_utf8_lossy(&event.body);
                table.insert("text", value(escape(&text)));
            }
            SavedBody::File(path) => {
                table.insert("file", value(*path));
            }
        }
        let ct = content_type.unwrap_or(match body {
            SavedBody::Text => "text/plain; charset=utf-8",
            SavedBody::File(_) => "application/octet-stream",
        });
        table.insert("content_type", value(ct));
    }
    requests.push(table);
    Ok(Saved {
        text: doc.to_string(),
        secrets,
    })
}

/// The received query as it stays in the URL (`?a=1&b=2`, bytes as received), and its
/// credential parameters (`api_key`, `token`, a token-shaped value …) taken out into a
/// `query` table of `{{secret:<collection>_<name>}}` references, which postie encodes when it
/// sends them.
fn split_query(
    query: Option<&str>,
    collection: &str,
    secrets: &mut Vec<SavedSecret>,
) -> (String, InlineTable) {
    let mut kept: Vec<String> = Vec::new();
    let mut table = InlineTable::new();
    for part in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (raw_key, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let decode = |s: &str| {
            let plus = s.replace('+', " ");
            percent_encoding::percent_decode_str(&plus)
                .decode_utf8_lossy()
                .into_owned()
        };
        let (key, val) = (decode(raw_key), decode(raw_value));
        if !credentials::sensitive_header(&key) && credentials::token_shape(&val).is_none() {
            kept.push(escape(part));
            continue;
        }
        let secret = credentials::secret_name(collection, &key);
        if !table.contains_key(&key) {
            table.insert(&key, format!("{{{{secret:{secret}}}}}").into());
            secrets.push(SavedSecret {
                header: format!("?{key}"),
                name: secret,
            });
        }
    }
    let kept = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    (kept, table)
}

/// The scheme of an `Authorization`-style value (`Bearer` of `Bearer abc`), kept as written.
fn scheme_of(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once(' ')?;
    let known = ["bearer", "basic", "token", "digest", "apikey", "hmac"];
    (known.contains(&scheme.to_ascii_lowercase().as_str()) && !rest.trim().is_empty())
        .then_some(scheme)
}

/// `{{` → `\{{`, the template escape.
fn escape(text: &str) -> String {
    text.replace("{{", "\\{{")
}

/// A JSON object or array body (the type says JSON, or none is given) as a TOML value, for
/// `json = {…}`; `None` when it is not JSON, or holds what TOML cannot (a `null`, an integer
/// beyond 64 bits), which is then saved as text.
fn json_body(content_type: Option<&str>, body: &[u8]) -> Option<toml_edit::Value> {
    let json_type = content_type.is_none_or(|ct| {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    });
    if !json_type {
        return None;
    }
    let parsed: serde_json::Value = serde_json::from_slice(body).ok()?;
    if !(parsed.is_object() || parsed.is_array()) {
        return None;
    }
    to_toml(&parsed)
}

fn to_toml(json: &serde_json::Value) -> Option<toml_edit::Value> {
    use serde_json::Value as J;
    Some(match json {
        J::Null => return None,
        J::Bool(b) => (*b).into(),
        J::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None if n.is_f64() => n.as_f64()?.into(),
            None => return None, // beyond i64
        },
        J::String(text) => escape(text).into(),
        J::Array(items) => {
            let mut array = toml_edit::Array::new();
            for item in items {
                array.push(to_toml(item)?);
            }
            array.into()
        }
        J::Object(map) => {
            let mut table = InlineTable::new();
            for (key, item) in map {
                table.insert(key, to_toml(item)?);
            }
            table.into()
        }
    })
}

/// Is the body text that can go inline (UTF-8, no NUL)?
pub fn is_text(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok() && !body.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::time::SystemTime;

    fn event(headers: &[(&str, &str)], body: &[u8]) -> Event {
        Event {
            id: 4,
            received_at: SystemTime::UNIX_EPOCH,
            remote: ([127, 0, 0, 1], 1).into(),
            path: "/hooks/stripe".into(),
            query: Some("live=0".into()),
            ..Event::sample(headers, body)
        }
    }

    #[test]
    fn a_json_body_is_saved_as_a_json_table_and_what_toml_cannot_hold_as_text() {
        let body = br#"{"type":"order.paid","order":{"id":42,"tags":["a","{{b}}"],"total":9.5}}"#;
        let e = event(&[("content-type", "application/json")], body);
        let saved = append_request(SOURCE, "shop", "j", &e, "{{base_url}}", &SavedBody::Text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            saved.text.contains(
                r#"json = { type = "order.paid", order = { id = 42, tags = ["a", '\{{b}}'], total = 9.5 } }"#
            ),
            "{}",
            saved.text
        );
        assert!(!saved.text.contains("content_type"), "{}", saved.text);
        let e = event(&[("content-type", "application/vnd.api+json")], br#"[1,2]"#);
        let saved = append_request(SOURCE, "shop", "j", &e, "{{base_url}}", &SavedBody::Text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(saved.text.contains("json = [1, 2]"), "{}", saved.text);
        assert!(
            saved
                .text
                .contains(r#"content-type = "application/vnd.api+json""#)
        );
        let e = event(&[("content-type", "application/json")], br#"{"a":null}"#);
        let saved = append_request(SOURCE, "shop", "j", &e, "{{base_url}}", &SavedBody::Text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            saved.text.contains(r#"text = '{"a":null}'"#),
            "{}",
            saved.text
        );
    }

    #[test]
    fn credentials_in_the_query_become_secret_references_in_a_query_table() {
        let mut e = event(&[], b"");
        e.query = Some("live=0&api_key=abc%20def&token=xyz&page=2&api_key=again".into());
        let saved = append_request(SOURCE, "shop", "q", &e, "{{base_url}}", &SavedBody::Text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            saved
                .text
                .contains("url = \"{{base_url}}/hooks/stripe?live=0&page=2\"\nquery = { api_key = \"{{secret:shop_api_key}}\", token = \"{{secret:shop_token}}\" }"),
            "{}",
            saved.text
        );
        assert!(!saved.text.contains("abc") && !saved.text.contains("xyz"));
        let wheres: Vec<&str> = saved.secrets.iter().map(|s| s.header.as_str()).collect();
        assert_eq!(wheres, ["?api_key", "?token"]);
        let loaded = crate::collection::parse(Path::new("hooks.toml"), &saved.text);
        assert!(loaded.is_ok(), "{loaded:?}");
    }

    const SOURCE: &str = "# Webhooks we received\nname = \"hooks\"\n\n[vars]\nbase_url = \"http://127.0.0.1:3000\" # my app\n\n[[requests]]\nname = \"ping\"\nurl = \"{{base_url}}/ping\"\n";

    #[test]
    fn appends_a_request_keeping_comments_and_it_loads() {
        let e = event(
            &[
                ("host", "x"),
                ("content-type", "application/json"),
                ("x-a", "1"),
                ("x-a", "2"),
                ("content-length", "17"),
            ],
            br#"{"t":"{{not}}"}"#,
        );
        let out = append_request(
            SOURCE,
            "shop",
            "invoice",
            &e,
            "{{base_url}}",
            &SavedBody::Text,
        )
        .map(|saved| saved.text);
        let expected = format!(
            "{SOURCE}\n[[requests]]\nname = \"invoice\"\nmethod = \"POST\"\nurl = \"{{{{base_url}}}}/hooks/stripe?live=0\"\nheaders = {{ x-a = \"1, 2\" }}\njson = {{ t = '\\{{{{not}}}}' }}\n"
        );
        assert_eq!(out.as_deref(), Ok(expected.as_str()));
        let loaded = crate::collection::parse(Path::new("hooks.toml"), &expected);
        let Ok(collection) = loaded else {
            panic!("saved collection does not load: {loaded:?}")
        };
        let names: Vec<&str> = collection
            .requests
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, vec!["ping", "invoice"]);
    }

    #[test]
    fn received_credentials_are_saved_as_secret_references() {
        let e = event(
            &[
                ("authorization", "Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
                ("x-api-key", "k-123456"),
                ("x-plain", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
                ("x-trace", "t-1"),
            ],
            b"",
        );
        let saved = append_request("", "shop", "hook", &e, "http://h", &SavedBody::Text).unwrap();
        for value in ["sk_live_", "k-123456", "ghp_"] {
            assert!(!saved.text.contains(value), "{}", saved.text);
        }
        assert!(
            saved
                .text
                .contains("authorization = \"Bearer {{secret:shop_authorization}}\""),
            "{}",
            saved.text
        );
        assert!(
            saved
                .text
                .contains("x-api-key = \"{{secret:shop_x_api_key}}\""),
            "{}",
            saved.text
        );
        assert!(saved.text.contains("x-trace = \"t-1\""), "{}", saved.text);
        let names: Vec<&str> = saved.secrets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["shop_authorization", "shop_x_api_key", "shop_x_plain"]
        );
        let loaded = crate::collection::parse(Path::new("shop.toml"), &saved.text);
        assert!(loaded.is_ok(), "{loaded:?}");
    }

    #[test]
    fn duplicate_names_and_bad_files_are_refused() {
        let e = event(&[], b"");
        assert_eq!(
            append_request(SOURCE, "shop", "ping", &e, "", &SavedBody::Text)
                .map(|saved| saved.text),
            Err(SaveError::Exists("ping".into()))
        );
        assert_eq!(
            append_request("requests = 1\n", "shop", "x", &e, "", &SavedBody::Text)
                .map(|saved| saved.text),
            Err(SaveError::NotRequests)
        );
        assert!(matches!(
            append_request("[[", "shop", "x", &e, "", &SavedBody::Text).map(|saved| saved.text),
            Err(SaveError::Toml(_))
        ));
    }

    #[test]
    fn binary_bodies_point_at_a_file() {
        let e = event(&[], &[0, 1, 2]);
        let out = append_request(
            "",
            "shop",
            "bin",
            &e,
            "http://h",
            &SavedBody::File("bin.body"),
        )
        .map(|saved| saved.text);
        assert_eq!(
            out.as_deref(),
            Ok(
                "[[requests]]\nname = \"bin\"\nmethod = \"POST\"\nurl = \"http://h/hooks/stripe?live=0\"\nfile = \"bin.body\"\ncontent_type = \"application/octet-stream\"\n"
            )
        );
        assert!(!is_text(&[0, 1, 2]));
        assert!(is_text(b"{}"));
    }
}
