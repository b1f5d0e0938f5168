//! How stored events look: for people (`postie listen`, `postie inbox show`) and as JSON
//! (`--json`, one object per event).

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use crate::inbox::Event;
use crate::inbox::store::Delivery;
use crate::output::body::{BodyKind, classify};
use crate::output::color::Palette;
use crate::output::json::pretty_bytes;
use crate::util::units::human_size;

/// `2026-11-27T01:02:03.456Z`.
pub fn timestamp(event: &Event) -> String {
    humantime::format_rfc3339_millis(event.received_at).to_string()
}

/// `/hooks?a=1` (path and query as received).
pub fn target(event: &Event) -> String {
    match &event.query {
        Some(q) => format!("{}?{q}", event.path),
        None => event.path.clone(),
    }
}

/// The event as one JSON object: every field, the body as text when it is UTF-8 (else
/// base64, see `body_encoding`), and `note` / `deliveries` when given.
pub fn event_json(event: &Event, note: Option<&str>, deliveries: &[Delivery]) -> Value {
    let (body, encoding) = match std::str::from_utf8(&event.body) {
        Ok(text) => (text.to_owned(), "utf-8"),
        Err(_) => (BASE64.encode(&event.body), "base64"),
    };
    let headers: Vec<Value> = event.headers.iter().map(|(n, v)| json!([n, v])).collect();
    let mut value = json!({
        "id": event.id,
        "received_at": timestamp(event),
        "remote": event.remote.to_string(),
        "method": event.method,
        "path": event.path,
        "query": event.query,
        "version": event.version,
        "headers": headers,
        "body": body,
        "body_encoding": encoding,
        "body_size": event.body.len(),
        "body_truncated": event.body_truncated,
    });
    if let Some(map) = value.as_object_mut() {
        if let Some(note) = note {
            map.insert("note".into(), json!(note));
        }
        if !deliveries.is_empty() {
            let list = deliveries.iter().map(delivery_json).collect();
            map.insert("deliveries".into(), Value::Array(list));
        }
    }
    value
}

pub fn delivery_json(d: &Delivery) -> Value {
    serde_json::to_value(d).unwrap_or(Value::Null)
}

/// `#3 2026-11-27T01:02:03.456Z POST /hooks?a=1`, the headers, a blank line and the body
/// (JSON pretty-printed, coloured when `color`; binary bodies summarised).
pub fn render_event(event: &Event, note: Option<&str>, palette: &Palette, color: bool) -> String {
    let mut out = format!(
        "{} {} {} {}\n",
        palette.bold(&format!("#{}", event.id)),
        palette.dim(&timestamp(event)),
        palette.bold(&event.method),
        target(event)
    );
    for (name, value) in &event.headers {
        let _ = writeln!(out, "  {}: {value}", palette.key(name));
    }
    if let Some(note) = note {
        let _ = writeln!(out, "  {} {note}", palette.warn("note:"));
    }
    if !event.body.is_empty() {
        out.push('\n');
        out.push_str(&render_body(event, color));
    }
    out
}

/// The body as a person should see it; always ends with a newline when not empty.
pub fn render_body(event: &Event, color: bool) -> String {
    let body = &event.body;
    match classify(event.header("content-type"), body) {
        BodyKind::Json => {
            let mut buf = Vec::with_capacity(body.len() * 2 + 16);
            pretty_bytes(body, &mut buf, color);
            let text = String::from_utf8(buf)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            ensure_newline(text)
        }
        BodyKind::Text => ensure_newline(String::from_utf8_lossy(body).into_owned()),
        BodyKind::Binary => format!(
            "[binary body, {} — `postie inbox show {} --raw` writes it out]\n",
            human_size(body.len() as u64),
            event.id
        ),
    }
}

fn ensure_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// `  ↳ forwarded to URL: 200 OK (attempt 1)` or `  ↳ forward to URL failed after 3 attempts: …`.
pub fn render_delivery(d: &Delivery, palette: &Palette) -> String {
    let verb = if d.via == "replay" {
        "replayed"
    } else {
        "forwarded"
    };
    let attempts = if d.attempts == 1 {
        String::new()
    } else {
        format!(" after {} attempts", d.attempts)
    };
    match (d.status, &d.error) {
        (Some(status), _) => format!(
            "  ↳ #{} {verb} to {}: {}{attempts}\n",
            d.event,
            d.to,
            palette.status(status, &status.to_string())
        ),
        (None, error) => format!(
            "  ↳ #{} {verb} to {}: {}{attempts}: {}\n",
            d.event,
            d.to,
            palette.error("failed"),
            error.as_deref().unwrap_or("no response")
        ),
    }
}

/// One line for `inbox list`: `#3  2026-…Z  POST /hooks?a=1  42 B`. The size is given, not
/// taken from `event.body`, so that a listing need not read bodies into memory.
pub fn render_line(
    event: &Event,
    body_size: u64,
    note: Option<&str>,
    deliveries: &[Delivery],
) -> String {
    let mut out = format!(
        "#{}  {}  {} {}  {}",
        event.id,
        timestamp(event),
        event.method,
        target(event),
        human_size(body_size)
    );
    if note.is_some() {
        out.push_str("  (truncated)");
    }
    if let Some(d) = deliveries.last() {
        match d.status {
            Some(status) => {
                let _ = write!(out, "  → {status}");
            }
            None => out.push_str("  → failed"),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn event(headers: &[(&str, &str)], body: &[u8]) -> Event {
        Event {
            id: 3,
            received_at: SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            remote: ([127, 0, 0, 1], 5000).into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: Some("a=1".into()),
            version: "HTTP/1.1".into(),
            authority: None,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: bytes::Bytes::copy_from_slice(body),
            body_truncated: false,
        }
    }

    #[test]
    fn renders_json_event_for_people() {
        let e = event(&[("content-type", "application/json")], br#"{"a":[1,2]}"#);
        let text = render_event(&e, None, &Palette::new(false), false);
        assert_eq!(
            text,
            "#3 2023-11-14T22:13:20.123Z POST /hooks?a=1\n  content-type: application/json\n\n{\n  \"a\": [\n    1,\n    2\n  ]\n}\n"
        );
    }

    #[test]
    fn binary_body_is_summarised_and_base64_in_json() {
        let e = event(&[], &[0xff, 0, 1]);
        assert_eq!(
            render_body(&e, false),
            "[binary body, 3 B — `postie inbox show 3 --raw` writes it out]\n"
        );
        let v = event_json(&e, Some("n"), &[]);
        assert_eq!(v["body"], "/wAB");
        assert_eq!(v["body_encoding"], "base64");
        assert_eq!(v["note"], "n");
        assert_eq!(v["headers"], json!([]));
    }
}
