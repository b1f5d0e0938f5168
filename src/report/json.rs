//! The JSON record of a run (`--report json=PATH`): when it started, how long it took, the
//! counts, and every collection, request and attempt, with the request and the response as
//! objects (see the README's *Reports* section for the fields). Records come masked.

use std::path::Path;

use base64::Engine as _;
use serde_json::{Value, json};

use super::file::{WriteError, write_atomic};
use super::text;
use crate::check::Failure;
use crate::http::Timings;
use crate::record::{
    BodyPlace, CollectionRecord, Exchange, ReceivedResponse, RequestRecord, RunRecord, SentRequest,
    Verdict,
};
use crate::request::{Body, PartValue};

/// A JSON report that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// serde_json could not serialize the record.
    #[error("could not serialize the json report")]
    Serialize(#[from] serde_json::Error),
    /// The report file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The whole run as one JSON value.
pub fn render(report: &RunRecord) -> Value {
    let (passed, failed, errored, skipped, not_run) = report.counts();
    let mut value = json!({
        "started": text::rfc3339(report.started),
        "duration_ms": text::millis(report.duration),
        "counts": {
            "total": passed + failed + errored + skipped + not_run,
            "passed": passed,
            "failed": failed,
            "errored": errored,
            "skipped": skipped,
            "not_run": not_run,
        },
        "collections": report.collections.iter().map(collection).collect::<Vec<_>>(),
    });
    // Only on a run that a collection error stopped.
    if let Some(error) = &report.error {
        value["error"] = Value::String(text::error_text(error));
    }
    value
}

/// Render the run and write it, pretty-printed, to `path` atomically (parents created).
pub fn write(path: &Path, report: &RunRecord) -> Result<(), JsonError> {
    let mut bytes = serde_json::to_vec_pretty(&render(report))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)?;
    Ok(())
}

fn collection(collection: &CollectionRecord) -> Value {
    json!({
        "name": collection.name,
        "path": collection.path.to_string_lossy(),
        "requests": collection.requests.iter().map(request).collect::<Vec<_>>(),
    })
}

fn request(request: &RequestRecord) -> Value {
    let exit_code = match request.verdict {
        Verdict::Errored { code } => Some(code as u8),
        _ => None,
    };
    let mut value = json!({
        "name": request.name,
        "line": request.line,
        "method": request.method,
        "url": request.url,
        "verdict": text::verdict_key(&request.verdict),
        "reason": text::reason(request),
        "exit_code": exit_code,
        "flaky": request.flaky(),
        "duration_ms": text::millis(request.duration()),
        "attempts": request.exchanges.iter().map(attempt).collect::<Vec<_>>(),
    });
    // Only on a request that ran as setup for a selected one.
    if request.setup {
        value["setup"] = Value::Bool(true);
    }
    value
}

/// Why another attempt followed this one: `{cause, status, wait_ms, retry_after}`.
fn retry_note(note: crate::record::RetryNote) -> Value {
    use crate::record::RetryCause;
    let (cause, status) = match note.cause {
        RetryCause::Checks => ("checks", None),
        RetryCause::Status(status) => ("status", Some(status)),
        RetryCause::Network => ("network", None),
        RetryCause::Unauthorized => ("unauthorized", Some(401)),
    };
    json!({
        "cause": cause,
        "status": status,
        "wait_ms": text::millis(note.wait),
        "retry_after": note.retry_after,
    })
}

fn attempt(exchange: &Exchange) -> Value {
    let mut value = json!({
        "started": text::rfc3339(exchange.started),
        "duration_ms": text::millis(exchange.duration),
        "status": exchange.status(),
        "failures": failures(&exchange.failures),
        "checks": exchange.checks.iter().map(|c| json!({
            "what": c.check.what,
            "expected": c.check.expected,
            "actual": c.check.actual,
            "line": c.check.line,
            "passed": c.passed,
        })).collect::<Vec<_>>(),
        "captures": exchange.captures.iter().map(|(name, value)| json!([name, value])).collect::<Vec<_>>(),
        "error": exchange.error.as_ref().map(text::error_text),
        "dry_run": exchange.dry_run,
        "redirects": exchange.redirects.iter().map(|h| json!({
            "status": h.status,
            "from": h.from,
            "to": h.to,
            "dropped": h.dropped,
        })).collect::<Vec<_>>(),
        "retry": exchange.retry.map(retry_note),
        "request": exchange.request.as_ref().map(|r| sent(r, exchange.response.as_ref())),
        "response": exchange.response.as_ref().map(received),
        "timings": exchange.timings.as_ref().map(timings),
    });
    // Only on an attempt postie made requests of its own for (OAuth2 token requests).
    if !exchange.side.is_empty() {
        value["side_requests"] = exchange
            .side
            .iter()
            .map(|s| json!({ "purpose": s.purpose, "attempt": attempt(&s.exchange) }))
            .collect();
    }
    value
}

/// `{method, url, http_version, headers: [[name, value]…], body}`.
fn sent(request: &SentRequest, response: Option<&ReceivedResponse>) -> Value {
    json!({
        "method": request.method,
        "url": request.url,
        "http_version": response.map(|r| r.version.as_str()),
        "headers": pairs(&request.headers),
        "body": request_body(&request.body),
    })
}

/// `{status, reason, http_version, headers, body}`.
fn received(response: &ReceivedResponse) -> Value {
    let body = &response.body;
    let mut value = match &body.kept {
        Ok(bytes) => bytes_value(bytes),
        Err(why) => json!({ "not_kept": why }),
    };
    if let Value::Object(map) = &mut value {
        map.insert("size".into(), json!(body.received));
        map.insert("complete".into(), json!(body.complete));
        map.insert("went".into(), json!(place(&body.went)));
    }
    json!({
        "status": response.status,
        "reason": response.reason,
        "http_version": response.version,
        "headers": pairs(&response.headers),
        "body": value,
    })
}

fn place(went: &BodyPlace) -> String {
    match went {
        BodyPlace::Stdout => "stdout".to_string(),
        BodyPlace::File(path) => format!("file:{}", path.display()),
        BodyPlace::Discarded => "discarded".to_string(),
        BodyPlace::Withheld => "withheld".to_string(),
    }
}

fn pairs(headers: &[(String, String)]) -> Value {
    headers.iter().map(|(n, v)| json!([n, v])).collect()
}

/// `null` (no body), `{text, size}` or `{base64, size}`, `{file}`, or `{multipart: [...]}`.
fn request_body(body: &Body) -> Value {
    match body {
        Body::None => Value::Null,
        Body::Bytes(bytes) => bytes_value(bytes),
        Body::File(path) => json!({ "file": path.to_string_lossy() }),
        Body::Multipart(parts) => json!({
            "multipart": parts.iter().map(|part| match &part.value {
                PartValue::Text(text) => json!({ "name": part.name, "text": text }),
                PartValue::File { path, file_name, content_type } => json!({
                    "name": part.name,
                    "file": path.to_string_lossy(),
                    "file_name": file_name,
                    "content_type": content_type,
                }),
            }).collect::<Vec<_>>(),
        }),
    }
}

/// Bytes as `{text, size}` when they are UTF-8, else `{base64, size}`.
pub(crate) fn bytes_value(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => json!({ "text": text, "size": bytes.len() }),
        Err(_) => json!({
            "base64": base64::engine::general_purpose::STANDARD.encode(bytes),
            "size": bytes.len(),
        }),
    }
}

/// Milliseconds of each phase; `null` for a phase that did not happen (reused connection).
fn timings(t: &Timings) -> Value {
    let ms = |d: Option<std::time::Duration>| d.map(text::millis);
    json!({
        "dns_ms": ms(t.dns),
        "connect_ms": ms(t.connect),
        "tls_ms": ms(t.tls),
        "ttfb_ms": text::millis(t.ttfb),
        "download_ms": ms(t.download),
        "total_ms": text::millis(t.total),
        "reused_connection": t.reused_connection,
    })
}

/// Failed checks as `[{what, expected, actual, line}]` (also used by the NDJSON lines).
pub(crate) fn failures(failures: &[Failure]) -> Value {
    failures
        .iter()
        .map(|f| {
            json!({
                "what": f.what,
                "expected": f.expected,
                "actual": f.actual,
                "line": f.line,
            })
        })
        .collect()
}
