//! Small pieces of text the reporters share: verdict words, the one-line reason, a failed
//! check as a line, milliseconds and RFC 3339 timestamps. Everything that comes from a request
//! or a response is masked here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use super::{Attempt, RequestReport, Verdict};
use crate::check::Failure;
use crate::util::mask::Masker;

/// `passed`, `failed`, `errored`, `skipped`, `not_run`: the verdict in machine records.
pub(crate) fn verdict_key(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Errored { .. } => "errored",
        Verdict::Skipped { .. } => "skipped",
        Verdict::NotRun { .. } => "not_run",
    }
}

/// `status: expected 201, got 500` (unmasked: callers mask what they build from it).
pub(crate) fn failure_line(failure: &Failure) -> String {
    format!(
        "{}: expected {}, got {}",
        failure.what, failure.expected, failure.actual
    )
}

/// Why a request did not pass, in one line, masked: the first failed check (and how many more),
/// the error, or the skip reason. `None` for a pass.
pub(crate) fn reason(request: &RequestReport, masker: &Masker) -> Option<String> {
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
            Some(Attempt {
                error: Some(error), ..
            }) => error.clone(),
            _ => "failed".to_string(),
        },
        Verdict::Errored { code } => match last.and_then(|a| a.error.as_ref()) {
            Some(error) => error.clone(),
            None => format!("errored (exit code {code})"),
        },
        Verdict::Skipped { reason } | Verdict::NotRun { reason } => reason.clone(),
    };
    Some(masker.mask(&text))
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
