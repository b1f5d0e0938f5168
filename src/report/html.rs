//! `--report html=PATH`: one self-contained HTML page of the run — a summary, a timing
//! waterfall, then each collection and request with its checks (expected and actual), its
//! attempts, the requests postie made of its own for each (OAuth2 token requests), the request
//! as sent and the response as received (JSON bodies pretty-printed, large bodies cut with their
//! size stated).
//!
//! It loads nothing: no script, font, image or style sheet from anywhere (a
//! `Content-Security-Policy` of `default-src 'none'` says so to the browser too), and it needs
//! no JavaScript (`<details>` opens and closes by itself; failed requests start open). Records
//! come masked; every text is HTML-escaped (five characters: a crate for that is not worth
//! its weight).

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::file::{WriteError, write_atomic};
use super::text;
use crate::record::{CollectionRecord, Exchange, RequestRecord, RunRecord, Verdict};
use crate::util::units::{fmt_duration, human_size};

/// Bodies longer than this are cut in the page (the size is stated).
pub const BODY_LIMIT: usize = 64 * 1024;

const STYLE: &str = "
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}code,pre{font:12px/1.4 ui-monospace,monospace}
pre{background:#f5f6f8;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;vertical-align:top;border-bottom:1px solid #e3e5e8}
.passed{color:#116329}.failed,.errored{color:#b3261e}.skipped,.not_run{color:#7a5b00}
details{border:1px solid #d8dbe0;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}.totals span{margin-right:1rem;font-weight:600}
.wf td{border:0;padding:1px .4rem}.wf .lane{position:relative;width:40rem;height:.8rem;background:#f0f1f3}
.wf .bar{position:absolute;top:0;height:100%;min-width:2px;background:#3a77d8}.wf .bar.bad{background:#b3261e}
";

/// A report that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Render the run and write it to `path` atomically.
pub fn write(path: &Path, report: &RunRecord) -> Result<(), HtmlError> {
    write_atomic(path, render(report).as_bytes())?;
    Ok(())
}

/// The whole page.
pub fn render(report: &RunRecord) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width\">");
    let _ = write!(
        out,
        "<title>postie run report</title><style>{STYLE}</style></head><body>"
    );
    out.push_str("<h1>postie run report</h1>");
    summary(&mut out, report);
    waterfall(&mut out, report);
    for collection in &report.collections {
        section(&mut out, collection);
    }
    out.push_str("</body></html>\n");
    out
}

fn summary(out: &mut String, report: &RunRecord) {
    let (passed, failed, errored, skipped, not_run) = report.counts();
    out.push_str("<p class=\"totals\" id=\"summary\">");
    for (n, word, class) in [
        (passed, "passed", "passed"),
        (failed, "failed", "failed"),
        (errored, "errored", "errored"),
        (skipped, "skipped", "skipped"),
        (not_run, "not run", "not_run"),
        (report.flaky(), "flaky", "skipped"),
    ] {
        let _ = write!(out, "<span class=\"{class}\">{n} {word}</span>");
    }
    let started = text::rfc3339(report.started).unwrap_or_default();
    let _ = write!(
        out,
        "</p><p>Started {} · took {}</p>",
        esc(&started),
        esc(&fmt_duration(report.duration))
    );
}

/// One row per request: a bar per attempt, placed at its start and as wide as it took.
fn waterfall(out: &mut String, report: &RunRecord) {
    let total = report.duration.as_secs_f64().max(1e-6);
    out.push_str("<h2>Timing</h2><table class=\"wf\">");
    for collection in &report.collections {
        for request in collection
            .requests
            .iter()
            .filter(|r| !r.exchanges.is_empty())
        {
            let _ = write!(
                out,
                "<tr><td>{} / {}</td><td><div class=\"lane\">",
                esc(&collection.name),
                esc(&request.name)
            );
            for attempt in &request.exchanges {
                let at = since(report.started, attempt.started).as_secs_f64() / total * 100.0;
                let width = attempt.duration.as_secs_f64() / total * 100.0;
                let bad = if attempt.failures.is_empty() && attempt.error.is_none() {
                    ""
                } else {
                    " bad"
                };
                let _ = write!(
                    out,
                    "<div class=\"bar{bad}\" style=\"left:{:.2}%;width:{:.2}%\" title=\"{}\"></div>",
                    at.min(100.0),
                    width.min(100.0 - at.min(100.0)),
                    esc(&fmt_duration(attempt.duration))
                );
            }
            let _ = write!(
                out,
                "</div></td><td>{}</td></tr>",
                esc(&fmt_duration(request.duration()))
            );
        }
    }
    out.push_str("</table>");
}

fn since(start: SystemTime, t: SystemTime) -> Duration {
    t.duration_since(start).unwrap_or(Duration::ZERO)
}

fn section(out: &mut String, collection: &CollectionRecord) {
    let _ = write!(
        out,
        "<section><h2>{} <small><code>{}</code></small></h2>",
        esc(&collection.name),
        esc(&collection.path.to_string_lossy())
    );
    for request in &collection.requests {
        request_block(out, &collection.path.to_string_lossy(), request);
    }
    out.push_str("</section>");
}

fn request_block(out: &mut String, file: &str, request: &RequestRecord) {
    let key = text::verdict_key(&request.verdict);
    let open = matches!(request.verdict, Verdict::Failed | Verdict::Errored { .. });
    let status = request
        .last()
        .and_then(|a| a.status())
        .map_or(String::new(), |s| format!(" · {s}"));
    let flaky = if request.flaky() { " · flaky" } else { "" };
    let _ = write!(
        out,
        "<details class=\"request\"{}><summary><b class=\"{key}\">{}</b> {} <code>{} {}</code>{status} · {}{flaky}</summary>",
        if open { " open" } else { "" },
        esc(&key.replace('_', " ").to_uppercase()),
        esc(&request.name),
        esc(&request.method),
        esc(&request.url),
        esc(&fmt_duration(request.duration())),
    );
    let _ = write!(out, "<p><code>{}:{}</code></p>", esc(file), request.line);
    if let Some(reason) = text::reason(request) {
        let _ = write!(out, "<p class=\"{key}\">{}</p>", esc(&reason));
    }
    let attempts = request.exchanges.len();
    for (i, attempt) in request.exchanges.iter().enumerate() {
        if attempts > 1 {
            let retry = attempt.retry.map_or(String::new(), |n| {
                format!(" — retried after {}", fmt_duration(n.wait))
            });
            let _ = write!(
                out,
                "<h4>Attempt {} of {attempts}{}</h4>",
                i + 1,
                esc(&retry)
            );
        }
        exchange(out, attempt);
    }
    out.push_str("</details>");
}

fn exchange(out: &mut String, attempt: &Exchange) {
    // The requests postie made of its own before it (OAuth2 token requests); open when one
    // failed.
    for side in &attempt.side {
        let status = side
            .exchange
            .status()
            .map_or("no response".to_string(), |s| s.to_string());
        let (method, url) = side
            .exchange
            .request
            .as_ref()
            .map_or((String::new(), String::new()), |r| {
                (r.method.clone(), r.url.clone())
            });
        let failed = side.exchange.error.is_some();
        let _ = write!(
            out,
            "<details class=\"side\"{}><summary>{} <code>{} {}</code> · {status} · {}</summary>",
            if failed { " open" } else { "" },
            esc(&side.purpose),
            esc(&method),
            esc(&url),
            esc(&fmt_duration(side.exchange.duration)),
        );
        exchange(out, &side.exchange);
        out.push_str("</details>");
    }
    if !attempt.checks.is_empty() || !attempt.failures.is_empty() {
        out.push_str("<table class=\"checks\"><tr><th>check</th><th>result</th><th>expected</th><th>actual</th><th>line</th></tr>");
        let failed_only: Vec<crate::check::Checked>;
        let checks = if attempt.checks.is_empty() {
            failed_only = attempt
                .failures
                .iter()
                .map(|f| crate::check::Checked {
                    check: f.clone(),
                    passed: false,
                })
                .collect();
            &failed_only
        } else {
            &attempt.checks
        };
        for c in checks {
            let (class, word) = if c.passed {
                ("passed", "pass")
            } else {
                ("failed", "FAIL")
            };
            let _ = write!(
                out,
                "<tr class=\"check\"><td>{}</td><td class=\"{class}\">{word}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&c.check.what),
                esc(&c.check.expected),
                esc(&c.check.actual),
                c.check.line.map_or(String::new(), |l| l.to_string())
            );
        }
        out.push_str("</table>");
    }
    if let Some(error) = &attempt.error {
        let _ = write!(
            out,
            "<pre class=\"errored\">{}</pre>",
            esc(&text::error_text(error))
        );
    }
    if let Some(request) = &attempt.request {
        let mut head = request.clone();
        head.body = crate::request::Body::None;
        let body = match &request.body {
            crate::request::Body::Bytes(bytes) => body_view(bytes, true, None),
            crate::request::Body::None => String::new(),
            _ => text::request_text(request)
                .split_once("\n\n")
                .map_or(String::new(), |(_, b)| b.to_string()),
        };
        // A blank line between the head and a body, as on the wire (and as the response has).
        let gap = if body.is_empty() { "" } else { "\n" };
        let _ = write!(
            out,
            "<p><b>Request</b></p><pre>{}{gap}{}</pre>",
            esc(&text::request_text(&head)),
            esc(&body)
        );
    }
    if let Some(response) = &attempt.response {
        let mut head = response.clone();
        head.body.kept = Ok(Vec::new());
        let body = match &response.body.kept {
            Ok(bytes) => body_view(
                bytes,
                response.body.complete,
                response.body.received.filter(|_| !response.body.complete),
            ),
            Err(why) => format!("(body not kept: {why})"),
        };
        let _ = write!(
            out,
            "<p><b>Response</b></p><pre>{}\n{}</pre>",
            esc(&text::response_text(&head)),
            esc(&body)
        );
    }
}

/// A body for the page: JSON pretty-printed, text as it is, binary as its size; cut at
/// [`BODY_LIMIT`] with the size stated. `received`: the whole size when only a part was kept.
fn body_view(bytes: &[u8], complete: bool, received: Option<u64>) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return format!("(binary body, {})", human_size(bytes.len() as u64));
    };
    let pretty = if complete {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
    } else {
        None
    };
    let shown = pretty.as_deref().unwrap_or(text);
    let whole = received.unwrap_or(shown.len() as u64);
    if shown.len() <= BODY_LIMIT && received.is_none() {
        return shown.to_string();
    }
    let mut cut = BODY_LIMIT.min(shown.len());
    while !shown.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{}\n… (cut: the first {} of {} shown)",
        &shown[..cut],
        human_size(cut as u64),
        human_size(whole.max(shown.len() as u64))
    )
}

/// HTML-escape text for element content and quoted attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_body_cuts() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            body_view(br#"{"a":[1]}"#, true, None),
            "{\n  \"a\": [\n    1\n  ]\n}"
        );
        let big = "x".repeat(BODY_LIMIT + 10);
        let shown = body_view(big.as_bytes(), true, None);
        let note = "\n… (cut: the first 65.5 KB of 65.5 KB shown)";
        assert!(shown.ends_with(note), "{}", &shown[shown.len() - 60..]);
        assert_eq!(shown.len(), BODY_LIMIT + note.len());
        let cut = body_view(&big.as_bytes()[..1000], false, Some(240_000));
        assert!(
            cut.ends_with("\n… (cut: the first 1.0 KB of 240.0 KB shown)"),
            "{cut}"
        );
        assert_eq!(body_view(&[0xff, 0xfe], true, None), "(binary body, 2 B)");
    }
}
