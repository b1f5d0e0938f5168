//! What a run did, as data: one record per request, built by the run engine and written out by
//! the reporters (JUnit XML, a JSON record of the run, NDJSON lines, CI annotations, the
//! summary table). Text fields hold what postie would print; every reporter passes every string
//! through the run's masker before writing, so secrets never reach a report.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::check;

/// A whole run: the collections in the order they ran.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    pub started: SystemTime,
    pub duration: Duration,
    pub collections: Vec<CollectionReport>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CollectionReport {
    pub name: String,
    /// The collection file, as the user named it (relative to the working directory).
    pub path: PathBuf,
    pub requests: Vec<RequestReport>,
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Passed,
    /// An expectation (or a capture) failed.
    Failed,
    /// It could not be resolved or sent; `code` is the exit code of the cause (2, 3, 4).
    Errored {
        code: u8,
    },
    /// Skipped on purpose (`skip`, `skip_if`, a tag filter): the reason is shown.
    Skipped {
        reason: String,
    },
    /// Not run because of `--fail-fast` (or an earlier failure it depends on).
    NotRun {
        reason: String,
    },
}

/// One request of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestReport {
    pub name: String,
    /// 1-based line of the request's `[[requests]]` header in the collection file.
    pub line: usize,
    pub method: String,
    /// The URL as sent (secrets masked by the reporters).
    pub url: String,
    pub verdict: Verdict,
    /// Every attempt, in order (more than one with `retry`); the last one decides.
    pub attempts: Vec<Attempt>,
}

/// One send of a request and what came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// Wall-clock start of the attempt.
    pub started: SystemTime,
    /// From sending to the end of the body.
    pub duration: Duration,
    /// The response status, if a response came.
    pub status: Option<u16>,
    /// Failed checks (expected vs actual, where).
    pub failures: Vec<check::Failure>,
    /// An error that stopped the exchange (DNS, refused, unknown variable, …), as printed.
    pub error: Option<String>,
    /// The request as sent: request line, headers, body (capped), as printed with `-v`.
    pub request_text: String,
    /// The response: status line, headers, body (capped, the cap stated), or empty.
    pub response_text: String,
}

impl RequestReport {
    /// The deciding attempt (the last), if the request was sent at all.
    pub fn last(&self) -> Option<&Attempt> {
        self.attempts.last()
    }

    /// Time of all attempts together.
    pub fn duration(&self) -> Duration {
        self.attempts.iter().map(|a| a.duration).sum()
    }
}

impl RunReport {
    /// (passed, failed, errored, skipped, not run)
    pub fn counts(&self) -> (usize, usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0, 0);
        for r in self.collections.iter().flat_map(|c| &c.requests) {
            match r.verdict {
                Verdict::Passed => c.0 += 1,
                Verdict::Failed => c.1 += 1,
                Verdict::Errored { .. } => c.2 += 1,
                Verdict::Skipped { .. } => c.3 += 1,
                Verdict::NotRun { .. } => c.4 += 1,
            }
        }
        c
    }
}

pub mod file;
pub mod github;
pub mod json;
pub mod junit;
pub mod ndjson;
pub mod table;
mod text;
