//! The JSON echo of a received request.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use super::Event;
use super::multipart;

/// The JSON document the inbox answers with, describing `event`:
///
/// ```json
/// {
///   "id": 1,
///   "received_at": "2025-01-02T03:04:05.678Z",
///   "remote": "127.0.0.1:53012",
///   "method": "POST",
///   "url": "http://127.0.0.1:40123/hooks?a=1&a=2&b=x",
///   "path": "/hooks",
///   "version": "HTTP/1.1",
///   "args": { "a": ["1", "2"], "b": "x" },
///   "headers": { "host": "127.0.0.1:40123", "content-type": "application/json" },
///   "body": "{\"n\":1}",
///   "body_encoding": "utf-8",
///   "json": { "n": 1 },
///   "form": {},
///   "files": {}
/// }
/// ```
///
/// - `url`: `http://` + the authority the request was sent to (`localhost` if it named none)
///   + path and query as received. `path` is still percent-encoded.
/// - `args`: the decoded query; a name given once maps to a string, a repeated name to the
///   list of its values in order. Names keep their first-seen order.
/// - `headers`: lower-case names, same single-or-list rule as `args`.
/// - `body`: the body as text when it is UTF-8 (`"body_encoding": "utf-8"`), otherwise
///   standard base64 (`"body_encoding": "base64"`); `""` when there is none.
/// - `json`: the body parsed as JSON (whatever its `Content-Type`), or `null`.
/// - `form`: for `application/x-www-form-urlencoded` bodies the decoded fields, for
///   `multipart/form-data` its parts without a file name; `{}` otherwise.
/// - `files`: multipart parts with a file name, each
///   `{"filename", "content_type" (or null), "size", "body", "body_encoding"}`; `{}` otherwise
///   (and for multipart bodies that do not parse).
pub fn echo_json(event: &Event) -> Value {
    let authority = event.authority.as_deref().unwrap_or("localhost");
    let query = event.query.as_deref();
    let url = match query {
        Some(q) => format!("http://{authority}{}?{q}", event.path),
        None => format!("http://{authority}{}", event.path),
    };
    let args = group(
        url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))),
    );
    let headers = group(
        event
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone()))),
    );
    let (body, body_encoding) = text_or_base64(&event.body);
    let parsed = if event.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&event.body).unwrap_or(Value::Null)
    };
    let (form, files) = form_and_files(event);
    json!({
        "id": event.id,
        "received_at": humantime::format_rfc3339_millis(event.received_at).to_string(),
        "remote": event.remote.to_string(),
        "method": event.method,
        "url": url,
        "path": event.path,
        "version": event.version,
        "args": args,
        "headers": headers,
        "body": body,
        "body_encoding": body_encoding,
        "json": parsed,
        "form": form,
        "files": files,
    })
}

/// `(text, "utf-8")` or `(base64, "base64")`.
fn text_or_base64(bytes: &[u8]) -> (String, &'static str) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "utf-8"),
        Err(_) => (BASE64.encode(bytes), "base64"),
    }
}

/// Collect pairs into an object: a name seen once maps to its value, a repeated name to the
/// list of its values. (Values given here are never arrays themselves, so this is unambiguous.)
fn group(pairs: impl Iterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in pairs {
        match map.get_mut(&key) {
            None => {
                map.insert(key, value);
            }
            Some(Value::Array(list)) => list.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
        }
    }
    map
}

/// The media type of the first `Content-Type` header, lower-cased, and its raw parameters.
fn content_type(event: &Event) -> Option<(String, &str)> {
    let value = event.header("content-type")?;
    let (essence, params) = value.split_once(';').unwrap_or((value, ""));
    Some((essence.trim().to_ascii_lowercase(), params))
}

fn form_and_files(event: &Event) -> (Map<String, Value>, Map<String, Value>) {
    let Some((essence, params)) = content_type(event) else {
        return (Map::new(), Map::new());
    };
    match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let fields = url::form_urlencoded::parse(&event.body)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())));
            (group(fields), Map::new())
        }
        "multipart/form-data" => {
            let boundary = multipart::params(params)
                .into_iter()
                .find(|(k, _)| k == "boundary")
                .map(|(_, v)| v);
            let parts = boundary.and_then(|b| multipart::parse(&event.body, &b).ok());
            multipart_echo(parts.unwrap_or_default())
        }
        _ => (Map::new(), Map::new()),
    }
}

fn multipart_echo(parts: Vec<multipart::Part>) -> (Map<String, Value>, Map<String, Value>) {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    for part in parts {
        match (part.filename, std::str::from_utf8(&part.body)) {
            (None, Ok(text)) => fields.push((part.name, Value::String(text.to_owned()))),
            (filename, _) => {
                let (body, encoding) = text_or_base64(&part.body);
                let file = json!({
                    "filename": filename,
                    "content_type": part.content_type,
                    "size": part.body.len(),
                    "body": body,
                    "body_encoding": encoding,
                });
                files.push((part.name, file));
            }
        }
    }
    (group(fields.into_iter()), group(files.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(headers: &[(&str, &str)], query: Option<&str>, body: &[u8]) -> Event {
        Event {
            id: 7,
            path: "/p".into(),
            query: query.map(str::to_owned),
            authority: Some("example.test:81".into()),
            ..Event::sample(headers, body)
        }
    }

    #[test]
    fn echo_has_every_field_with_exact_values() {
        let e = event(
            &[
                ("x-a", "1"),
                ("x-a", "2"),
                ("content-type", "application/json"),
            ],
            Some("q=1&q=2&r=%C3%A9"),
            br#"{"n":[1,2]}"#,
        );
        let expected = json!({
            "id": 7,
            "received_at": "2023-11-14T22:13:20.123Z",
            "remote": "127.0.0.1:5000",
            "method": "POST",
            "url": "http://example.test:81/p?q=1&q=2&r=%C3%A9",
            "path": "/p",
            "version": "HTTP/1.1",
            "args": {"q": ["1", "2"], "r": "é"},
            "headers": {"x-a": ["1", "2"], "content-type": "application/json"},
            "body": "{\"n\":[1,2]}",
            "body_encoding": "utf-8",
            "json": {"n": [1, 2]},
            "form": {},
            "files": {},
        });
        assert_eq!(echo_json(&e), expected);
    }

    #[test]
    fn binary_body_is_base64_and_json_null() {
        let e = event(&[], None, &[0xff, 0x00, 0x01]);
        let v = echo_json(&e);
        assert_eq!(v["body"], "/wAB");
        assert_eq!(v["body_encoding"], "base64");
        assert_eq!(v["json"], Value::Null);
        assert_eq!(v["url"], "http://example.test:81/p");
        assert_eq!(v["args"], json!({}));
    }

    #[test]
    fn urlencoded_body_fills_form() {
        let ct = (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        );
        let e = event(&[ct], None, b"a=1&b=x+y&a=%26");
        let v = echo_json(&e);
        assert_eq!(v["form"], json!({"a": ["1", "&"], "b": "x y"}));
        assert_eq!(v["files"], json!({}));
        assert_eq!(v["json"], Value::Null);
    }

    #[test]
    fn multipart_body_fills_form_and_files() {
        let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"title\"\r\n\r\n\
hello\r\n\
--XyZ\r\n\
Content-Disposition: form-data; name=\"doc\"; filename=\"a \\\"b\\\".bin\"\r\n\
Content-Type: application/octet-stream\r\n\r\n\
\xff\x00\r\n\
--XyZ--\r\n";
        let e = event(
            &[("content-type", "multipart/form-data; boundary=\"XyZ\"")],
            None,
            body,
        );
        let v = echo_json(&e);
        assert_eq!(v["form"], json!({"title": "hello"}));
        assert_eq!(
            v["files"],
            json!({"doc": {
                "filename": "a \"b\".bin",
                "content_type": "application/octet-stream",
                "size": 2,
                "body": "/wA=",
                "body_encoding": "base64",
            }})
        );
    }

    #[test]
    fn broken_multipart_gives_empty_form() {
        let e = event(
            &[("content-type", "multipart/form-data; boundary=b")],
            None,
            b"--b\r\nno end",
        );
        let v = echo_json(&e);
        assert_eq!(v["form"], json!({}));
        assert_eq!(v["files"], json!({}));
        assert_eq!(v["body"], "--b\r\nno end");
    }

    #[test]
    fn missing_authority_uses_localhost() {
        let mut e = event(&[], Some(""), b"");
        e.authority = None;
        assert_eq!(echo_json(&e)["url"], "http://localhost/p?");
    }
}
