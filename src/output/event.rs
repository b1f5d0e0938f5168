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
use crate::output::json::{PrettyOutcome, pretty_bytes};
use crate::output::term::{self, JSON_COLORS, shown};
use crate::util::units::human_size;

/// How events are shown to a person.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// Colours (their decision for the stream written to).
    pub palette: Palette,
    /// The stream is a terminal: received data is shown escaped (see `output::term`), so
    /// that a sender cannot drive the terminal. Otherwise it is written as received.
    pub terminal: bool,
}

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
    let masked = masked_credentials(event);
    let event = masked.as_ref().unwrap_or(event);
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
        if let Some(v) = &event.marks.verification {
            map.insert("verification".into(), json!(v));
        }
        if let Some(relay) = &event.marks.relay {
            map.insert("relay".into(), json!(relay));
        }
        if let Some(wire) = &event.wire {
            // The request as it came over HTTP/1.x: target and header lines byte for byte,
            // in wire order and case (`headers` above is lower-cased, lossy UTF-8).
            let headers: Vec<Value> = wire
                .headers
                .iter()
                .map(|(n, v)| json!([raw_json(n), raw_json(v)]))
                .collect();
            map.insert(
                "wire".into(),
                json!({ "target": raw_json(&wire.target), "headers": headers }),
            );
        }
    }
    value
}

/// Received bytes as JSON: a string when they are UTF-8, else `{"base64": …}`.
fn raw_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => json!(text),
        Err(_) => json!({ "base64": BASE64.encode(bytes) }),
    }
}

pub fn delivery_json(d: &Delivery) -> Value {
    serde_json::to_value(d).unwrap_or(Value::Null)
}

/// `#3 2026-11-27T01:02:03.456Z POST /hooks?a=1`, the headers, a blank line and the body
/// (JSON pretty-printed, coloured when the palette is; binary bodies summarised). Received
/// data is escaped, before colouring, when `look.terminal`.
pub fn render_event(event: &Event, note: Option<&str>, look: &Look) -> String {
    let masked = masked_credentials(event);
    let event = masked.as_ref().unwrap_or(event);
    let (palette, terminal) = (&look.palette, look.terminal);
    let mut out = format!(
        "{} {} {} {}\n",
        palette.bold(&format!("#{}", event.id)),
        palette.dim(&timestamp(event)),
        palette.bold(&shown(&event.method, terminal)),
        shown(&target(event), terminal)
    );
    // Values that are not UTF-8 (Latin-1 obs-text) show their bytes as `\xE9`.
    let headers: Vec<(String, String)> = match &event.wire {
        Some(wire) => wire
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    String::from_utf8_lossy(n).to_ascii_lowercase(),
                    hex_escaped(v),
                )
            })
            .collect(),
        None => event.headers.clone(),
    };
    for (name, value) in &headers {
        let name = palette.key(&shown(name, terminal));
        let _ = writeln!(out, "  {name}: {}", shown(value, terminal));
    }
    if let Some(note) = note {
        let _ = writeln!(out, "  {} {note}", palette.warn("note:"));
    }
    if !event.body.is_empty() {
        out.push('\n');
        out.push_str(&render_body(event, look));
    }
    out
}

/// The `Authorization` value of an event checked with `--verify basic|bearer` is the
/// listener's secret (or a guess at it): a copy of the event with the credentials after the
/// scheme masked, in the headers and in the wire head. `None` for other events.
pub fn masked_credentials(event: &Event) -> Option<Event> {
    let scheme = &event.marks.verification.as_ref()?.scheme;
    if scheme != "basic" && scheme != "bearer" {
        return None;
    }
    let mask = |value: &str| match value.trim().split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {}", crate::util::mask::MASK),
        None => crate::util::mask::MASK.to_owned(),
    };
    let mut copy = event.clone();
    for (name, value) in &mut copy.headers {
        if name.eq_ignore_ascii_case("authorization") {
            *value = mask(value);
        }
    }
    if let Some(wire) = &mut copy.wire {
        for (name, value) in &mut wire.headers {
            if name.eq_ignore_ascii_case(b"authorization") {
                *value = mask(&String::from_utf8_lossy(value)).into_bytes();
            }
        }
    }
    Some(copy)
}

/// `  credentials (basic): invalid (the credentials do not match)` or `  signature (github):
/// verified`, for an event that was checked.
pub fn render_verification(event: &Event, look: &Look) -> String {
    use crate::inbox::VerifyResult;
    let Some(v) = &event.marks.verification else {
        return String::new();
    };
    let (palette, terminal) = (&look.palette, look.terminal);
    let why = v.reason.as_deref().unwrap_or_default();
    let result = match v.result {
        VerifyResult::Verified => palette.status(200, "verified"),
        VerifyResult::Unsigned => palette.warn("unsigned"),
        VerifyResult::NotVerified => palette.warn(&shown(why, terminal)),
        VerifyResult::Invalid => format!("{} ({})", palette.error("invalid"), shown(why, terminal)),
    };
    let what = if matches!(v.scheme.as_str(), "basic" | "bearer") {
        "credentials"
    } else {
        "signature"
    };
    format!(
        "  {} {result}\n",
        palette.key(&format!("{what} ({}):", v.scheme))
    )
}

/// UTF-8 as it is, any other byte as `\xNN`.
fn hex_escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// The body as a person should see it; always ends with a newline when not empty. On a
/// terminal, its control characters are escaped (a pretty-printed JSON body keeps its colours:
/// the only `ESC` codes it may hold are ours).
pub fn render_body(event: &Event, look: &Look) -> String {
    let body = &event.body;
    match classify(event.header("content-type"), body) {
        BodyKind::Json => {
            let color = look.palette.enabled();
            let mut buf = Vec::with_capacity(body.len() * 2 + 16);
            let outcome = pretty_bytes(body, &mut buf, color);
            let text = match (look.terminal, outcome) {
                (false, _) => String::from_utf8(buf)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                // Not JSON: `buf` is the body as received.
                (true, PrettyOutcome::NotJson) => term::escape_bytes(body).into_owned(),
                (true, _) => {
                    let keep = if color { JSON_COLORS } else { &[] };
                    term::escape_bytes_keeping(&buf, keep).into_owned()
                }
            };
            ensure_newline(text)
        }
        BodyKind::Text if look.terminal => ensure_newline(term::escape_bytes(body).into_owned()),
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
pub fn render_delivery(d: &Delivery, look: &Look) -> String {
    let (palette, terminal) = (&look.palette, look.terminal);
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
            shown(&d.to, terminal),
            palette.status(status, &status.to_string())
        ),
        (None, error) => format!(
            "  ↳ #{} {verb} to {}: {}{attempts}: {}\n",
            d.event,
            shown(&d.to, terminal),
            palette.error("failed"),
            shown(error.as_deref().unwrap_or("no response"), terminal)
        ),
    }
}

/// One line for `inbox list`: `#3  2026-…Z  POST /hooks?a=1  42 B`. The size is given, not
/// taken from `event.body`, so that a listing need not read bodies into memory. Method and
/// target are escaped when `terminal`.
pub fn render_line(
    event: &Event,
    body_size: u64,
    note: Option<&str>,
    deliveries: &[Delivery],
    terminal: bool,
) -> String {
    let mut out = format!(
        "#{}  {}  {} {}  {}",
        event.id,
        timestamp(event),
        shown(&event.method, terminal),
        shown(&target(event), terminal),
        human_size(body_size)
    );
    if note.is_some() {
        out.push_str("  (truncated)");
    }
    if let Some(v) = &event.marks.verification {
        let _ = write!(out, "  {}:{}", v.scheme, v.result.name());
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

/// `--compact`'s line, as `stripe listen` prints one per event: id, time, method, target,
/// size, the verification result and the forward result (`→ 200`, `→ failed`).
pub fn render_compact(
    event: &Event,
    body_size: u64,
    note: Option<&str>,
    deliveries: &[Delivery],
    look: &Look,
) -> String {
    let (palette, terminal) = (&look.palette, look.terminal);
    let mut out = format!(
        "{} {} {} {}  {}",
        palette.bold(&format!("#{}", event.id)),
        palette.dim(&timestamp(event)),
        palette.bold(&shown(&event.method, terminal)),
        shown(&target(event), terminal),
        human_size(body_size)
    );
    if note.is_some() {
        out.push_str("  (truncated)");
    }
    if let Some(v) = &event.marks.verification {
        let result = v.result.name();
        let shown_result = match v.result {
            crate::inbox::VerifyResult::Verified => palette.status(200, result),
            crate::inbox::VerifyResult::Invalid => palette.error(result),
            _ => palette.warn(result),
        };
        let _ = write!(out, "  {}:{shown_result}", v.scheme);
    }
    if let Some(d) = deliveries.last() {
        match d.status {
            Some(status) => {
                let _ = write!(out, "  → {}", palette.status(status, &status.to_string()));
            }
            None => {
                let _ = write!(out, "  → {}", palette.error("failed"));
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(headers: &[(&str, &str)], body: &[u8]) -> Event {
        Event::sample(headers, body)
    }

    fn plain(terminal: bool) -> Look {
        Look {
            palette: Palette::new(false),
            terminal,
        }
    }

    /// A sender's attempt at driving the terminal: C1 CSI in path, query and a header (HTTP
    /// lets no raw C0 through there), ESC, CR, BEL and DEL in the body.
    fn hostile(content_type: &str, body: &[u8]) -> Event {
        let mut e = event(
            &[("content-type", content_type), ("x-\u{9b}2J", "v\u{9b}31m")],
            body,
        );
        e.path = "/h\u{9b}1A".into();
        e.query = Some("q=\u{85}".into());
        e
    }

    #[test]
    fn on_a_terminal_received_control_characters_are_escaped() {
        let e = hostile("text/plain", b"a\x1b[2J\x1b]0;pwned\x07b\r\nc\x7f\td\n");
        assert_eq!(
            render_event(&e, None, &plain(true)),
            "#3 2023-11-14T22:13:20.123Z POST /h\\u{9b}1A?q=\\u{85}\n  content-type: text/plain\n  \
             x-\\u{9b}2J: v\\u{9b}31m\n\na\\x1b[2J\\x1b]0;pwned\\x07b\\r\nc\\x7f\td\n"
        );
        // Piped, the text is as received.
        let piped = render_event(&e, None, &plain(false));
        assert!(piped.contains("/h\u{9b}1A?q=\u{85}"), "{piped:?}");
        assert!(piped.contains("a\x1b[2J\x1b]0;pwned\x07b\r\n"), "{piped:?}");
        assert_eq!(
            render_line(&e, 3, None, &[], true),
            "#3  2023-11-14T22:13:20.123Z  POST /h\\u{9b}1A?q=\\u{85}  3 B\n"
        );
        assert!(render_line(&e, 3, None, &[], false).contains("/h\u{9b}1A"));
    }

    #[test]
    fn coloured_json_keeps_our_colours_and_escapes_what_json_leaves_raw() {
        // DEL and C1 may stand raw in JSON strings; C0 may not (`\u001b` there is text).
        let e = hostile(
            "application/json",
            "{\"k\u{9b}\":\"\u{7f}\\u001b\"}".as_bytes(),
        );
        let look = Look {
            palette: Palette::new(true),
            terminal: true,
        };
        assert_eq!(
            render_body(&e, &look),
            "\x1b[1m{\x1b[0m\n  \x1b[1;34m\"k\\u{9b}\"\x1b[0m: \x1b[32m\"\\x7f\\u001b\"\x1b[0m\n\x1b[1m}\x1b[0m\n"
        );
        // A JSON-typed body that is not JSON is escaped whole: no colour code of its own is kept.
        let broken = hostile("application/json", b"{\x1b[32m\x1b[1A");
        assert_eq!(render_body(&broken, &look), "{\\x1b[32m\\x1b[1A\n");
        assert_eq!(render_body(&broken, &plain(false)), "{\x1b[32m\x1b[1A\n");
    }

    #[test]
    fn delivery_targets_and_errors_are_escaped_on_a_terminal() {
        let d = Delivery {
            event: 3,
            at_ms: 0,
            to: "http://127.0.0.1:1/h\u{9b}".into(),
            attempts: 1,
            status: None,
            error: Some("bad \x1b[2J".into()),
            via: "forward".into(),
        };
        assert_eq!(
            render_delivery(&d, &plain(true)),
            "  ↳ #3 forwarded to http://127.0.0.1:1/h\\u{9b}: failed: bad \\x1b[2J\n"
        );
        assert!(render_delivery(&d, &plain(false)).contains("bad \x1b[2J"));
    }

    #[test]
    fn renders_json_event_for_people() {
        let e = event(&[("content-type", "application/json")], br#"{"a":[1,2]}"#);
        let text = render_event(&e, None, &plain(false));
        assert_eq!(
            text,
            "#3 2023-11-14T22:13:20.123Z POST /hooks?a=1\n  content-type: application/json\n\n{\n  \"a\": [\n    1,\n    2\n  ]\n}\n"
        );
    }

    #[test]
    fn binary_body_is_summarised_and_base64_in_json() {
        let e = event(&[], &[0xff, 0, 1]);
        assert_eq!(
            render_body(&e, &plain(false)),
            "[binary body, 3 B — `postie inbox show 3 --raw` writes it out]\n"
        );
        let v = event_json(&e, Some("n"), &[]);
        assert_eq!(v["body"], "/wAB");
        assert_eq!(v["body_encoding"], "base64");
        assert_eq!(v["note"], "n");
        assert_eq!(v["headers"], json!([]));
    }
}
