//! Small pieces of text the reporters share: verdict words, the one-line reason, a failed
//! check as a line, an error, a request and a response as HTTP message text, milliseconds and
//! RFC 3339 timestamps. The records they read are already masked.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use crate::check::Failure;
use crate::record::{Exchange, ReceivedResponse, RequestRecord, SentRequest, Verdict};
use crate::request::{Body, PartValue};

/// `passed`, `failed`, `errored`, `skipped`, `not_run`: the verdict in machine records.
pub(crate) fn verdict_key(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Errored { .. } => "errored",
        Verdict::Skipped(_) => "skipped",
        Verdict::NotRun(_) => "not_run",
    }
}

/// `status: expected 201, got 500` (unmasked: callers mask what they build from it).
pub(crate) fn failure_line(failure: &Failure) -> String {
    format!(
        "{}: expected {}, got {}",
        failure.what, failure.expected, failure.actual
    )
}

/// Why a request did not pass, in one line: the first failed check (and how many more), the
/// error, or the skip reason. `None` for a pass.
pub(crate) fn reason(request: &RequestRecord) -> Option<String> {
    let last = request.last();
    let text = match &request.verdict {
        Verdict::Passed => return None,
        Verdict::Failed => match last {
            Some(attempt) if !attempt.failures.is_empty() => {
                let first = failure_line(&attempt.failures[0]);
                match attempt.failures.len() - 1 {
                    0 => first,
                    more => format!("{first} (+{more} more)"),
                }
            }
            Some(Exchange {
                error: Some(error), ..
            }) => error_text(error),
            _ => "failed".to_string(),
        },
        Verdict::Errored { code } => match last.and_then(|a| a.error.as_ref()) {
            Some(error) => error_text(error),
            None => format!("errored (exit code {})", *code as u8),
        },
        Verdict::Skipped(reason) => reason.to_string(),
        Verdict::NotRun(reason) => reason.to_string(),
    };
    Some(text)
}

/// An error as the terminal shows it, without the `postie: error: ` prefix and colours: the
/// message, the detail block, then `  hint: …`.
pub(crate) fn error_text(error: &crate::error::Failure) -> String {
    let mut out = error.message.clone();
    if let Some(detail) = &error.detail {
        for line in detail.lines() {
            out.push('\n');
            out.push_str(line);
        }
    }
    if let Some(hint) = &error.hint {
        out.push_str("\n  hint: ");
        out.push_str(hint);
    }
    out.trim_end().to_string()
}

/// The request as an HTTP message: `METHOD URL`, the header lines, a blank line and the body
/// (bytes as text, or a note for a file, multipart parts, binary).
pub(crate) fn request_text(request: &SentRequest) -> String {
    let mut out = format!("{} {}\n", request.method, request.url);
    for (name, value) in &request.headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    let body = match &request.body {
        Body::None => return out,
        Body::Bytes(bytes) if bytes.is_empty() => return out,
        Body::Bytes(bytes) => body_text(bytes),
        Body::File(path) => format!("(body streamed from `{}`)\n", path.display()),
        Body::Multipart(parts) => parts
            .iter()
            .map(|part| match &part.value {
                PartValue::Text(text) => format!("{}={text}\n", part.name),
                PartValue::File { path, .. } => format!("{}=@{}\n", part.name, path.display()),
            })
            .collect(),
    };
    out.push('\n');
    out.push_str(&body);
    out
}

/// The response as an HTTP message: `VERSION STATUS REASON`, the header lines, a blank line
/// and the body kept (or why it was not).
pub(crate) fn response_text(response: &ReceivedResponse) -> String {
    let mut out = format!(
        "{} {} {}\n",
        response.version, response.status, response.reason
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    let body = match &response.body.kept {
        Ok(bytes) if bytes.is_empty() => return out,
        Ok(bytes) => {
            let mut text = body_text(bytes);
            if !response.body.complete {
                let size = response.body.received.unwrap_or(bytes.len() as u64);
                text.push_str(&format!(
                    "(first {} of {})\n",
                    crate::util::units::human_size(bytes.len() as u64),
                    crate::util::units::human_size(size)
                ));
            }
            text
        }
        Err(why) => format!("(body not kept: {why})\n"),
    };
    out.push('\n');
    out.push_str(&body);
    out
}

fn body_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.ends_with('\n') => text.to_string(),
        Ok(text) => format!("{text}\n"),
        Err(_) => format!(
            "(binary body, {})\n",
            crate::util::units::human_size(bytes.len() as u64)
        ),
    }
}

/// A duration in milliseconds with microsecond precision (loopback requests take less than 1 ms).
pub(crate) fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// A wall-clock time as a UTC date-time, `None` if it is out of chrono's range.
pub(crate) fn datetime(t: SystemTime) -> Option<DateTime<Utc>> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => DateTime::UNIX_EPOCH.checked_add_signed(TimeDelta::from_std(after).ok()?),
        Err(before) => {
            DateTime::UNIX_EPOCH.checked_sub_signed(TimeDelta::from_std(before.duration()).ok()?)
        }
    }
}

/// `2024-05-01T12:00:00.250Z`, `None` if out of range.
pub(crate) fn rfc3339(t: SystemTime) -> Option<String> {
    datetime(t).map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339_with_millis() {
        let t = UNIX_EPOCH + Duration::from_millis(1_714_564_800_250);
        assert_eq!(rfc3339(t).as_deref(), Some("2024-05-01T12:00:00.250Z"));
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(rfc3339(before).as_deref(), Some("1969-12-31T23:59:58.500Z"));
    }

    #[test]
    fn millis_keep_microseconds() {
        assert_eq!(millis(Duration::from_micros(1_234)), 1.234);
        assert_eq!(millis(Duration::from_millis(12)), 12.0);
    }
}
