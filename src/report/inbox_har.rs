//! `postie inbox export --har`: received requests as HAR 1.2, to share or open in a HAR
//! viewer. Each event is an entry whose `request` is what arrived (method, URL from its
//! `Host` and target, headers in received order, query, body); the answer the sender got is
//! not stored, so `response` has status 0 as HAR tools write a request without one, and what
//! forwarding and replays got back is in `_deliveries`. Written one entry at a time.
//!
//! For sharing, credential headers (`Authorization`, `X-Api-Key`, cookies … : the names
//! `postie check` takes for credentials) are masked unless `--show-secrets` is given.

use std::io::Write;

use base64::Engine as _;
use serde_json::{Value, json};

use super::text;
use crate::inbox::store::Stored;
use crate::util::mask::MASK;

/// The document's opening, up to the entries array.
pub fn start(out: &mut impl Write) -> std::io::Result<()> {
    let creator = json!({ "name": "postie", "version": env!("CARGO_PKG_VERSION") });
    write!(
        out,
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":["
    )
}

/// One entry; `first` says whether a comma goes before it.
pub fn write_entry(
    out: &mut impl Write,
    stored: &Stored,
    first: bool,
    show_secrets: bool,
) -> std::io::Result<()> {
    if !first {
        out.write_all(b",")?;
    }
    out.write_all(b"\n")?;
    serde_json::to_writer(&mut *out, &entry(stored, show_secrets))?;
    Ok(())
}

/// The document's end.
pub fn finish(out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(b"\n]}}\n")
}

/// The event as a HAR entry.
pub fn entry(stored: &Stored, show_secrets: bool) -> Value {
    let event = &stored.event;
    let masked = crate::output::event::masked_credentials(event);
    let event = masked.as_ref().unwrap_or(event);
    let headers: Vec<Value> = event
        .headers
        .iter()
        .map(|(n, v)| {
            let hide = !show_secrets && crate::collection::credentials::sensitive_header(n);
            json!({ "name": n, "value": if hide { MASK } else { v.as_str() } })
        })
        .collect();
    let query: Vec<Value> =
        url::form_urlencoded::parse(event.query.as_deref().unwrap_or("").as_bytes())
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect();
    let host = event.authority.as_deref().unwrap_or("localhost");
    let target = crate::output::event::target(event);
    let mut request = json!({
        "method": event.method,
        "url": format!("http://{host}{target}"),
        "httpVersion": event.version,
        "cookies": [],
        "headers": headers,
        "queryString": query,
        "headersSize": -1,
        "bodySize": event.body.len(),
    });
    if !event.body.is_empty()
        && let Some(map) = request.as_object_mut()
    {
        let mime = event
            .header("content-type")
            .unwrap_or("application/octet-stream");
        let data = match std::str::from_utf8(&event.body) {
            Ok(text) => json!({ "mimeType": mime, "text": text }),
            Err(_) => json!({
                "mimeType": mime,
                "text": base64::engine::general_purpose::STANDARD.encode(&event.body),
                "_encoding": "base64",
            }),
        };
        map.insert("postData".into(), data);
    }
    let mut entry = json!({
        "startedDateTime": text::rfc3339(event.received_at),
        "time": 0,
        "request": request,
        "response": {
            "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
            "content": { "size": 0, "mimeType": "" }, "redirectURL": "", "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": { "send": 0, "wait": 0, "receive": 0 },
        "_id": event.id,
        "_remote": event.remote.to_string(),
    });
    if let Some(map) = entry.as_object_mut() {
        if let Some(v) = &event.marks.verification {
            map.insert("_verification".into(), json!(v));
        }
        if !stored.deliveries.is_empty() {
            map.insert("_deliveries".into(), json!(stored.deliveries));
        }
        if let Some(note) = &stored.note {
            map.insert("_note".into(), json!(note));
        }
    }
    entry
}
