//! When to send a request again: `retry = { times, interval }` polls while the checks fail;
//! `retry = { on = [429, 503], … }` and `--retry-status` re-send a response with one of those
//! statuses, waiting what its `Retry-After` asks (seconds or an HTTP-date, at most
//! `max_wait`), else backing off exponentially from `interval` with jitter.

use std::time::{Duration, SystemTime};

use crate::collection::RequestSpec;

use super::RunOptions;

/// The longest wait between two attempts when `max_wait` is not given.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
/// The first backoff step of `--retry-status` (a request's `retry.interval` otherwise).
const DEFAULT_BASE: Duration = Duration::from_secs(1);
/// Extra attempts of `--retry-status` without `--retry N`.
const DEFAULT_STATUS_RETRIES: u32 = 2;

/// How a request is retried.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// At most this many attempts in all.
    pub times: u32,
    /// Re-send while the checks fail (`retry` without `on`), every `base`.
    pub polling: bool,
    /// Re-send a response with one of these statuses.
    pub on: Vec<u16>,
    /// The polling interval, and the first backoff step.
    pub base: Duration,
    pub max_wait: Duration,
}

impl Policy {
    pub fn of(spec: &RequestSpec, options: &RunOptions) -> Policy {
        let extra = match options.retry {
            0 => DEFAULT_STATUS_RETRIES,
            n => n,
        };
        match &spec.retry {
            Some(r) if !r.on.is_empty() => Policy {
                times: r.times.max(1),
                polling: false,
                on: r.on.clone(),
                base: r.interval,
                max_wait: r.max_wait.unwrap_or(DEFAULT_MAX_WAIT),
            },
            Some(r) => Policy {
                times: r.times.max(1),
                polling: true,
                on: options.retry_status.clone(),
                base: r.interval,
                max_wait: r.max_wait.unwrap_or(DEFAULT_MAX_WAIT),
            },
            None => Policy {
                times: if options.retry_status.is_empty() {
                    1
                } else {
                    extra.saturating_add(1)
                },
                polling: false,
                on: options.retry_status.clone(),
                base: DEFAULT_BASE,
                max_wait: DEFAULT_MAX_WAIT,
            },
        }
    }

    /// The wait after attempt `attempt` (1-based) came back with a status to retry:
    /// `Retry-After` if it parses (capped), else backoff. `true`: from `Retry-After`.
    pub fn wait(
        &self,
        attempt: u32,
        retry_after: Option<&str>,
        now: SystemTime,
    ) -> (Duration, bool) {
        if let Some(wait) = retry_after.and_then(|v| parse_retry_after(v, now)) {
            return (wait.min(self.max_wait), true);
        }
        (backoff(self.base, attempt, self.max_wait), false)
    }
}

/// `Retry-After: 120` (seconds) or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` (a date in
/// the past means now). `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `base × 2^(attempt-1)`, capped at `max`, then a random point in its upper half ("equal
/// jitter"): retries of many clients spread out, and none waits less than half the step.
fn backoff(base: Duration, attempt: u32, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
    let step = base.saturating_mul(factor).min(max);
    let half = step / 2;
    let jitter = fastrand::u64(0..=half.as_micros().min(u64::MAX as u128) as u64);
    half + Duration::from_micros(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn waits_are_capped_and_backoff_doubles_with_jitter() {
        let policy = Policy {
            times: 5,
            polling: false,
            on: vec![503],
            base: Duration::from_millis(100),
            max_wait: Duration::from_millis(500),
        };
        let now = SystemTime::now();
        assert_eq!(
            policy.wait(1, Some("3600"), now),
            (Duration::from_millis(500), true)
        );
        for _ in 0..50 {
            for (attempt, step) in [(1, 100), (2, 200), (3, 400), (4, 500), (9, 500)] {
                let (wait, header) = policy.wait(attempt, Some("later"), now);
                assert!(!header);
                let step = Duration::from_millis(step);
                assert!(wait >= step / 2 && wait <= step, "{attempt}: {wait:?}");
            }
        }
    }
}
