//! What a run did, as data. The run engine builds these records and streams [`Event`]s as it
//! goes; every sink (the terminal printer, NDJSON, the JSON and JUnit reports, HAR, CI
//! annotations, the summary table) renders from them and never from another sink's text.
//!
//! Records are masked once, by the engine, before any sink sees them ([`mask`]): a new sink
//! cannot forget to hide a secret.

pub mod event;
pub mod mask;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::check;
use crate::error::{Code, Failure};
use crate::http::Timings;
use crate::request::Body;

pub use event::{Event, Fanout, Key, Observer};

/// A whole run: the collections in the order they ran.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub started: SystemTime,
    pub duration: Duration,
    pub collections: Vec<CollectionRecord>,
    /// A collection error that stopped the run; what ran before it is in `collections`.
    pub error: Option<Failure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CollectionRecord {
    pub name: String,
    /// The collection file, as the user named it (relative to the working directory).
    pub path: PathBuf,
    pub requests: Vec<RequestRecord>,
}

/// How a request ended, with a typed reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Passed,
    /// An expectation (or a capture) failed.
    Failed,
    /// It could not be resolved or sent; `code` is the exit code of the cause (2, 3, 4); the
    /// error itself is in the last exchange.
    Errored {
        code: Code,
    },
    /// Skipped on purpose.
    Skipped(SkipReason),
    /// Not run because of something else that went wrong.
    NotRun(NotRunReason),
}

/// Why a request was skipped on purpose.
#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    /// `skip = "…"` in the collection.
    Marked(String),
    /// `--skip-tag TAG` matched.
    SkipTag(String),
    /// `--tag` was given and the request has none of those tags.
    NotTagged(Vec<String>),
    /// `skip_if = "…"` rendered to a truthy value.
    SkipIf { template: String, value: String },
}

/// Why a request was not run.
#[derive(Debug, Clone, PartialEq)]
pub enum NotRunReason {
    /// `--fail-fast` after an earlier failure.
    FailFast,
    /// A request it `depends_on` did not pass.
    Dependency(String),
    /// It needs a variable that a failed request should have captured.
    MissingCapture { variable: String, by: String },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Marked(reason) => f.write_str(reason),
            SkipReason::SkipTag(tag) => write!(f, "tagged `{tag}` (--skip-tag)"),
            SkipReason::NotTagged(tags) => {
                let list: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
                write!(f, "not tagged {}", list.join(" or "))
            }
            SkipReason::SkipIf { template, value } => {
                write!(f, "skip_if = \"{template}\" is `{value}`")
            }
        }
    }
}

impl std::fmt::Display for NotRunReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRunReason::FailFast => f.write_str("--fail-fast: an earlier request failed"),
            NotRunReason::Dependency(name) => {
                write!(f, "depends on `{name}`, which did not pass")
            }
            NotRunReason::MissingCapture { variable, by } => {
                write!(f, "needs `{variable}`, which `{by}` did not capture")
            }
        }
    }
}

/// One request of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub name: String,
    /// 1-based line of the request's `[[requests]]` header in the collection file.
    pub line: usize,
    pub method: String,
    /// The URL as sent (as written until it was resolved).
    pub url: String,
    pub verdict: Verdict,
    /// Every attempt, in order (more than one with `retry`); the last one decides.
    pub exchanges: Vec<Exchange>,
    /// Run only because a selected request needs it (`depends_on`, or a capture it reads).
    pub setup: bool,
}

impl RequestRecord {
    /// The deciding attempt (the last), if the request was sent at all.
    pub fn last(&self) -> Option<&Exchange> {
        self.exchanges.last()
    }

    /// Time of all attempts together.
    pub fn duration(&self) -> Duration {
        self.exchanges.iter().map(|a| a.duration).sum()
    }

    /// A copy with every exchange [`Exchange::slimmed`].
    pub fn slimmed(&self) -> RequestRecord {
        RequestRecord {
            name: self.name.clone(),
            line: self.line,
            method: self.method.clone(),
            url: self.url.clone(),
            verdict: self.verdict.clone(),
            exchanges: self.exchanges.iter().map(Exchange::slimmed).collect(),
            setup: self.setup,
        }
    }

    /// Passed after failing attempts: an attempt retried for its status (`retry.on`,
    /// `--retry-status`) or a network error (`--retry`). Polling (`retry` without `on`,
    /// re-sent until the checks pass) is waiting by design, not flakiness.
    pub fn flaky(&self) -> bool {
        self.verdict == Verdict::Passed
            && self.exchanges.iter().any(|e| {
                matches!(
                    e.retry,
                    Some(RetryNote {
                        cause: RetryCause::Status(_) | RetryCause::Network,
                        ..
                    })
                )
            })
    }
}

/// Why an attempt was followed by another, and how long postie waited before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryNote {
    pub cause: RetryCause,
    pub wait: Duration,
    /// The wait is what the response's `Retry-After` asked for (capped by `max_wait`).
    pub retry_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryCause {
    /// Its checks failed and `retry` (without `on`) polls until they pass.
    Checks,
    /// Its status is one to retry on (`retry.on`, `--retry-status`).
    Status(u16),
    /// A network error, retried by `--retry`.
    Network,
    /// A 401 to a cached OAuth2 token: the token was renewed and the request sent once more.
    Unauthorized,
}

/// One attempt: the request as sent, what came back, the timings, the checks that failed, the
/// values captured, or the error that stopped it.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Wall-clock start of the attempt.
    pub started: SystemTime,
    /// From sending to the end of the body.
    pub duration: Duration,
    /// The request exactly as sent (client headers included), once it got that far.
    pub request: Option<SentRequest>,
    /// The response, if one came.
    pub response: Option<ReceivedResponse>,
    pub timings: Option<Timings>,
    /// Failed checks (expected vs actual, and the line of the check).
    pub failures: Vec<check::Failure>,
    /// Every check that ran, passed or failed, in the order written (the failed ones are
    /// also in `failures`).
    pub checks: Vec<check::Checked>,
    /// Variables captured from the response (and from an awaited webhook).
    pub captures: Vec<(String, serde_json::Value)>,
    /// An error that stopped the exchange (DNS, refused, unknown variable, …).
    pub error: Option<Failure>,
    /// `--dry-run`: resolved and shown, not sent.
    pub dry_run: bool,
    /// Redirects followed on the way to `response`, in order.
    pub redirects: Vec<Hop>,
    /// Another attempt followed this one: why, and after what wait.
    pub retry: Option<RetryNote>,
    /// Requests postie made on its own for this attempt, before it (OAuth2 token requests).
    pub side: Vec<SideRequest>,
}

/// A request postie made on its own for an attempt: what for (`oauth2 token (PROFILE)`), and
/// its exchange (masked like every other).
#[derive(Debug, Clone, PartialEq)]
pub struct SideRequest {
    pub purpose: String,
    pub exchange: Exchange,
}

/// One redirect followed: its status, from and to, and what was not sent on to another
/// origin (header names, then `?name` for query parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub status: u16,
    pub from: String,
    pub to: String,
    pub dropped: Vec<String>,
}

impl Exchange {
    pub fn new(started: SystemTime) -> Exchange {
        Exchange {
            started,
            duration: Duration::ZERO,
            request: None,
            response: None,
            timings: None,
            failures: Vec::new(),
            checks: Vec::new(),
            captures: Vec::new(),
            error: None,
            dry_run: false,
            redirects: Vec::new(),
            retry: None,
            side: Vec::new(),
        }
    }

    /// The response status, if a response came.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// Drop what only the detailed reports read (the request as sent, the response's header
    /// lines and body, the passed checks); keep what the summary reads (status, timings,
    /// failures, captures, the error). A run without `--report` keeps only this much of each
    /// exchange once its request has finished, so its memory stays small.
    pub fn slim(&mut self) {
        for side in &mut self.side {
            side.exchange.slim();
        }
        self.request = None;
        self.checks = Vec::new();
        if let Some(response) = &mut self.response {
            response.headers = Vec::new();
            response.body.kept = Err(NOT_KEPT.to_string());
        }
    }

    /// A copy of what [`Exchange::slim`] keeps, without copying what it drops (the request as
    /// sent, the response's headers and body): equal to a clone slimmed, at a fraction of the
    /// cost.
    pub fn slimmed(&self) -> Exchange {
        Exchange {
            started: self.started,
            duration: self.duration,
            request: None,
            response: self.response.as_ref().map(|r| ReceivedResponse {
                status: r.status,
                reason: r.reason.clone(),
                version: r.version.clone(),
                headers: Vec::new(),
                content_length: r.content_length,
                body: ResponseBody {
                    kept: Err(NOT_KEPT.to_string()),
                    received: r.body.received,
                    went: r.body.went.clone(),
                    complete: r.body.complete,
                },
            }),
            timings: self.timings,
            failures: self.failures.clone(),
            checks: Vec::new(),
            captures: self.captures.clone(),
            error: self.error.clone(),
            dry_run: self.dry_run,
            redirects: self.redirects.clone(),
            retry: self.retry,
            side: self
                .side
                .iter()
                .map(|s| SideRequest {
                    purpose: s.purpose.clone(),
                    exchange: s.exchange.slimmed(),
                })
                .collect(),
        }
    }
}

const NOT_KEPT: &str = "not kept (no report asked for it)";

/// A request as it went on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    /// Header lines in wire order (lower-case names), the client's defaults included.
    pub headers: Vec<(String, String)>,
    /// The body: bytes built in memory, or a summary (a file streamed, multipart parts).
    pub body: Body,
}

/// A response: status line, header lines in order, and its body or where it went.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedResponse {
    pub status: u16,
    pub reason: String,
    /// `HTTP/1.1`, `HTTP/2`, …
    pub version: String,
    pub headers: Vec<(String, String)>,
    /// The length the server declared, if it did (decoded bodies have none).
    pub content_length: Option<u64>,
    pub body: ResponseBody,
}

impl ReceivedResponse {
    /// `head` as received, with `body`.
    pub fn new(head: &crate::http::ResponseHead, body: ResponseBody) -> ReceivedResponse {
        ReceivedResponse {
            status: head.status,
            reason: head.reason.clone(),
            version: head.version.clone(),
            headers: head.headers.clone(),
            content_length: head.content_length,
            body,
        }
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::util::header(&self.headers, name)
    }
}

/// A response body: the bytes kept in memory (all of it, or the start of it), how many bytes
/// came, and where the body went.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    /// The bytes kept (for checks, captures and reports), or why none were.
    pub kept: Result<Vec<u8>, String>,
    /// Decoded bytes received; `None` when the body was not downloaded (withheld).
    pub received: Option<u64>,
    /// Where the body went.
    pub went: BodyPlace,
    /// All of the body is in `kept` (decided before masking, which changes lengths).
    pub complete: bool,
}

/// Where a response body went.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyPlace {
    Stdout,
    File(PathBuf),
    /// Read and dropped (quiet mode, `--json`, concurrent jobs).
    Discarded,
    /// Binary on a terminal: not downloaded.
    Withheld,
}

impl RunRecord {
    /// Requests that passed after failing attempts (see [`RequestRecord::flaky`]).
    pub fn flaky(&self) -> usize {
        self.collections
            .iter()
            .flat_map(|c| &c.requests)
            .filter(|r| r.flaky())
            .count()
    }

    /// (passed, failed, errored, skipped, not run)
    pub fn counts(&self) -> (usize, usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0, 0);
        for r in self.collections.iter().flat_map(|c| &c.requests) {
            match r.verdict {
                Verdict::Passed => c.0 += 1,
                Verdict::Failed => c.1 += 1,
                Verdict::Errored { .. } => c.2 += 1,
                Verdict::Skipped(_) => c.3 += 1,
                Verdict::NotRun(_) => c.4 += 1,
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Exchange {
        let check = check::Failure {
            what: "status".into(),
            expected: "200".into(),
            actual: "500".into(),
            line: Some(7),
        };
        let mut e = Exchange::new(SystemTime::UNIX_EPOCH + Duration::from_secs(9));
        e.duration = Duration::from_millis(12);
        e.request = Some(SentRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:1/x".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Bytes(b"{\"a\":1}".to_vec()),
        });
        e.response = Some(ReceivedResponse {
            status: 500,
            reason: "Internal Server Error".into(),
            version: "HTTP/1.1".into(),
            headers: vec![("x-a".into(), "1".into())],
            content_length: Some(3),
            body: ResponseBody {
                kept: Ok(b"bad".to_vec()),
                received: Some(3),
                went: BodyPlace::Discarded,
                complete: true,
            },
        });
        e.timings = Some(Timings {
            dns: None,
            connect: Some(Duration::from_micros(80)),
            tls: None,
            ttfb: Duration::from_millis(2),
            download: Some(Duration::from_micros(10)),
            total: Duration::from_millis(3),
            reused_connection: false,
        });
        e.failures = vec![check.clone()];
        e.checks = vec![check::Checked {
            check,
            passed: false,
        }];
        e.captures = vec![("id".into(), serde_json::json!(42))];
        e.redirects = vec![Hop {
            status: 302,
            from: "http://127.0.0.1:1/a".into(),
            to: "http://127.0.0.1:1/x".into(),
            dropped: vec!["authorization".into()],
        }];
        e.retry = Some(RetryNote {
            cause: RetryCause::Status(500),
            wait: Duration::from_millis(5),
            retry_after: false,
        });
        let mut token = e.clone();
        token.side = Vec::new();
        e.side = vec![SideRequest {
            purpose: "oauth2 token (127.0.0.1)".into(),
            exchange: token,
        }];
        e
    }

    #[test]
    fn slimmed_equals_a_slimmed_clone() {
        let e = full();
        let mut slim = e.clone();
        slim.slim();
        assert_ne!(slim, e, "slim must drop something");
        assert_eq!(e.slimmed(), slim);
        let record = RequestRecord {
            name: "r".into(),
            line: 3,
            method: "POST".into(),
            url: "http://127.0.0.1:1/x".into(),
            verdict: Verdict::Failed,
            exchanges: vec![e.clone(), Exchange::new(SystemTime::UNIX_EPOCH)],
            setup: true,
        };
        let mut expected = record.clone();
        expected.exchanges.iter_mut().for_each(Exchange::slim);
        assert_eq!(record.slimmed(), expected);
    }
}
