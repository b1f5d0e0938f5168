//! HAR 1.2 (`--report har=PATH`): every attempt of the run as an entry, so a run opens in a
//! browser's network panel or any HAR viewer. Timings map to HAR's phases: `dns`, `connect`
//! (TCP and TLS, as HAR counts it), `ssl` (TLS, also inside `connect`), `send` (not measured
//! apart: 0), `wait` (time to the first byte less DNS and connect), `receive` (the body).
//! A request that got no response has status 0 and its error in `_error`, as Chrome writes
//! failed requests. Records come masked.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::file::write_atomic;
use super::json::JsonError;
use super::text;
use crate::http::Timings;
use crate::record::{Exchange, ReceivedResponse, RunRecord, SentRequest};
use crate::request::{Body, PartValue};

/// The run as a HAR 1.2 document.
pub fn render(report: &RunRecord) -> Value {
    let mut entries = Vec::new();
    for collection in &report.collections {
        for request in &collection.requests {
            for exchange in &request.exchanges {
                // A token request made for the attempt comes first, as it went first.
                for side in &exchange.side {
                    let name = format!("{} / {} / {}", collection.name, request.name, side.purpose);
                    entries.extend(entry(&side.exchange, &name));
                }
                if let Some(entry) =
                    entry(exchange, &format!("{} / {}", collection.name, request.name))
                {
                    entries.push(entry);
                }
            }
        }
    }
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "postie", "version": env!("CARGO_PKG_VERSION") },
            "entries": entries,
        }
    })
}

/// Render the run and write it to `path` atomically (parents created).
pub fn write(path: &Path, report: &RunRecord) -> Result<(), JsonError> {
    let mut bytes = serde_json::to_vec_pretty(&render(report))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)?;
    Ok(())
}

/// One attempt; none for an attempt that never got a request built (an unknown variable).
fn entry(exchange: &Exchange, name: &str) -> Option<Value> {
    let request = exchange.request.as_ref()?;
    let version = exchange
        .response
        .as_ref()
        .map_or("HTTP/1.1", |r| r.version.as_str());
    let mut entry = json!({
        "startedDateTime": text::rfc3339(exchange.started),
        "time": text::millis(exchange.duration),
        "request": har_request(request, version),
        "response": match &exchange.response {
            Some(response) => har_response(response),
            None => no_response(),
        },
        "cache": {},
        "timings": har_timings(exchange.timings.as_ref(), exchange.duration),
        "comment": name,
    });
    if let (Some(error), Value::Object(map)) = (&exchange.error, &mut entry) {
        map.insert("_error".into(), json!(text::error_text(error)));
    }
    if let (false, Value::Object(map)) = (exchange.redirects.is_empty(), &mut entry) {
        // The hops before the final response (HAR has an entry per hop only when each has
        // its own timings and headers, which postie does not record).
        let hops: Vec<Value> = exchange
            .redirects
            .iter()
            .map(
                |h| json!({ "status": h.status, "from": h.from, "to": h.to, "dropped": h.dropped }),
            )
            .collect();
        map.insert("_redirects".into(), json!(hops));
    }
    Some(entry)
}

fn har_request(request: &SentRequest, version: &str) -> Value {
    let query: Vec<Value> = url::Url::parse(&request.url)
        .map(|u| {
            u.query_pairs()
                .map(|(n, v)| json!({ "name": n, "value": v }))
                .collect()
        })
        .unwrap_or_default();
    let mut value = json!({
        "method": request.method,
        "url": request.url,
        "httpVersion": version,
        "cookies": [],
        "headers": headers(&request.headers),
        "queryString": query,
        "headersSize": -1,
        "bodySize": body_size(&request.body),
    });
    if let (Some(post), Value::Object(map)) = (post_data(request), &mut value) {
        map.insert("postData".into(), post);
    }
    value
}

fn body_size(body: &Body) -> i64 {
    match body {
        Body::None => 0,
        Body::Bytes(bytes) => bytes.len() as i64,
        Body::File(_) | Body::Multipart(_) => -1,
    }
}

/// `postData` of a request with a body: its text (binary as base64, HAR has no encoding
/// field here, so it is said in a comment), or the multipart parts as `params`.
fn post_data(request: &SentRequest) -> Option<Value> {
    let mime = crate::util::header(&request.headers, "content-type").unwrap_or("");
    match &request.body {
        Body::None => None,
        Body::Bytes(bytes) => Some(match std::str::from_utf8(bytes) {
            Ok(text) => json!({ "mimeType": mime, "text": text }),
            Err(_) => json!({
                "mimeType": mime,
                "text": base64::engine::general_purpose::STANDARD.encode(bytes),
                "comment": "binary body, base64",
            }),
        }),
        Body::File(path) => Some(json!({
            "mimeType": mime,
            "text": "",
            "comment": format!("body streamed from `{}`", path.display()),
        })),
        Body::Multipart(parts) => Some(json!({
            "mimeType": mime,
            "params": parts.iter().map(|part| match &part.value {
                PartValue::Text(text) => json!({ "name": part.name, "value": text }),
                PartValue::File { path, file_name, content_type } => {
                    let mut param = json!({ "name": part.name, "fileName": file_name.clone().unwrap_or_else(|| path.display().to_string()) });
                    if let (Some(ct), Value::Object(map)) = (content_type, &mut param) {
                        map.insert("contentType".into(), json!(ct));
                    }
                    param
                }
            }).collect::<Vec<_>>(),
        })),
    }
}

fn har_response(response: &ReceivedResponse) -> Value {
    let mime = response.header("content-type").unwrap_or("");
    let body = &response.body;
    let mut content = json!({
        "size": body.received.map_or(-1, |n| n as i64),
        "mimeType": mime,
    });
    if let Value::Object(map) = &mut content {
        match &body.kept {
            Ok(bytes) => {
                match std::str::from_utf8(bytes) {
                    Ok(text) => map.insert("text".into(), json!(text)),
                    Err(_) => {
                        map.insert("encoding".into(), json!("base64"));
                        map.insert(
                            "text".into(),
                            json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                        )
                    }
                };
                if !body.complete {
                    map.insert(
                        "comment".into(),
                        json!(format!("first {} bytes", bytes.len())),
                    );
                }
            }
            Err(why) => {
                map.insert("comment".into(), json!(why));
            }
        }
    }
    json!({
        "status": response.status,
        "statusText": response.reason,
        "httpVersion": response.version,
        "cookies": [],
        "headers": headers(&response.headers),
        "content": content,
        "redirectURL": response.header("location").unwrap_or(""),
        "headersSize": -1,
        "bodySize": body.received.map_or(-1, |n| n as i64),
    })
}

/// What a failed request records as its response (Chrome's convention: status 0).
fn no_response() -> Value {
    json!({
        "status": 0,
        "statusText": "",
        "httpVersion": "",
        "cookies": [],
        "headers": [],
        "content": { "size": 0, "mimeType": "" },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
    })
}

fn headers(headers: &[(String, String)]) -> Vec<Value> {
    headers
        .iter()
        .map(|(n, v)| json!({ "name": n, "value": v }))
        .collect()
}

/// HAR's phases from ours; -1 where a phase does not apply (a reused connection).
fn har_timings(timings: Option<&Timings>, duration: Duration) -> Value {
    let Some(t) = timings else {
        return json!({ "send": 0, "wait": text::millis(duration), "receive": 0 });
    };
    let ms = |d: Option<Duration>| d.map_or(-1.0, text::millis);
    let tcp_tls = match (t.connect, t.tls) {
        (None, None) => None,
        (c, s) => Some(c.unwrap_or_default() + s.unwrap_or_default()),
    };
    let before = t.dns.unwrap_or_default() + tcp_tls.unwrap_or_default();
    json!({
        "blocked": -1,
        "dns": ms(t.dns),
        "connect": ms(tcp_tls),
        "ssl": ms(t.tls),
        "send": 0,
        "wait": text::millis(t.ttfb.saturating_sub(before)),
        "receive": text::millis(t.download.unwrap_or_default()),
    })
}
