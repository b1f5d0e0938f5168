//! JUnit XML (with quick-junit): one `<testsuite>` per collection, one `<testcase>` per
//! request.
//!
//! A failed request has one `<failure>`: its message and type are the first failed check's
//! (`expected 201, got 500`, `status`), and its text lists every failed check of the deciding
//! attempt, one a line. (quick-junit models one status per test case, and the common consumers
//! — Jenkins, GitLab — read only the first `<failure>` of a case anyway.) An errored request
//! has an `<error>`; skipped and not-run requests have a `<skipped>` with the reason. The
//! request and response as sent and received go to `<system-out>`, after a list of the attempts
//! when there were retries and after the requests postie made of its own for it (OAuth2 token
//! requests, each with its purpose). Each `<testcase>` also has `file` and `line` attributes (as pytest
//! writes them) pointing at the request in the collection, which GitLab and the GitHub JUnit
//! actions use to link to the source. Records come masked.

use std::fmt::Write as _;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestRerun, TestSuite};

use super::file::{WriteError, write_atomic};
use super::text;
use crate::record::{
    CollectionRecord, Exchange, NotRunReason, RequestRecord, RetryCause, RunRecord, Verdict,
};
use crate::util::units::fmt_duration;

/// A JUnit report that could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum JunitError {
    /// quick-junit could not serialize the report.
    #[error("could not serialize the junit report")]
    Serialize(#[from] quick_junit::SerializeError),
    /// The report file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The run as JUnit XML.
pub fn render(report: &RunRecord) -> Result<String, JunitError> {
    let mut junit = Report::new("postie");
    if let Some(started) = text::datetime(report.started) {
        junit.set_timestamp(started);
    }
    junit.set_time(report.duration);
    for collection in &report.collections {
        junit.add_test_suite(suite(collection));
    }
    if let Some(error) = &report.error {
        junit.add_test_suite(stopped(error));
    }
    Ok(junit.to_string()?)
}

/// Render the run and write it to `path` atomically, creating parent directories.
pub fn write(path: &Path, report: &RunRecord) -> Result<(), JunitError> {
    let xml = render(report)?;
    write_atomic(path, xml.as_bytes())?;
    Ok(())
}

/// The collection error that stopped the run, as an errored test case of its own.
fn stopped(error: &crate::error::Failure) -> TestSuite {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    set_message(&mut status, &text::error_text(error));
    status.set_type("collection_error");
    let mut suite = TestSuite::new("postie");
    suite.add_test_case(TestCase::new("run stopped", status));
    suite
}

fn suite(collection: &CollectionRecord) -> TestSuite {
    let name = collection.name.clone();
    let file = collection.path.to_string_lossy().into_owned();
    let mut suite = TestSuite::new(name.as_str());
    suite.set_time(collection.requests.iter().map(|r| r.duration()).sum());
    for request in &collection.requests {
        suite.add_test_case(case(&name, &file, request));
    }
    suite
}

fn case(collection: &str, file: &str, request: &RequestRecord) -> TestCase {
    let mut case = TestCase::new(request.name.as_str(), status(request));
    case.set_classname(collection);
    if !request.exchanges.is_empty() {
        case.set_time(request.duration());
    }
    case.extra.insert("file".into(), file.into());
    case.extra
        .insert("line".into(), request.line.to_string().into());
    if let Some(out) = system_out(request) {
        case.set_system_out(out);
    }
    case
}

fn status(request: &RequestRecord) -> TestCaseStatus {
    let last = request.last();
    match &request.verdict {
        Verdict::Passed => {
            let mut status = TestCaseStatus::success();
            status.add_reruns(flaky_runs(request));
            status
        }
        Verdict::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            match last.map(|a| a.failures.as_slice()).unwrap_or_default() {
                [] => {
                    let why = last
                        .and_then(|a| a.error.as_ref())
                        .map_or("failed".to_string(), text::error_text);
                    set_message(&mut status, &why);
                }
                [first, rest @ ..] => {
                    let mut message = format!("expected {}, got {}", first.expected, first.actual);
                    if !rest.is_empty() {
                        let _ = write!(message, " (+{} more)", rest.len());
                    }
                    let mut all = String::new();
                    for failure in std::iter::once(first).chain(rest) {
                        all.push_str(&text::failure_line(failure));
                        if let Some(line) = failure.line {
                            let _ = write!(all, " (line {line})");
                        }
                        all.push('\n');
                    }
                    status
                        .set_message(message)
                        .set_type(first.what.as_str())
                        .set_description(all);
                }
            }
            status
        }
        Verdict::Errored { code } => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let why = match last.and_then(|a| a.error.as_ref()) {
                Some(error) => text::error_text(error),
                None => format!("errored (exit code {})", *code as u8),
            };
            set_message(&mut status, &why);
            status.set_type(error_type(*code as u8));
            status
        }
        Verdict::Skipped(reason) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.to_string());
            status
        }
        // Not run because something it needs failed: it counts as failed (exit code 1).
        Verdict::NotRun(
            reason @ (NotRunReason::Dependency(_) | NotRunReason::MissingCapture { .. }),
        ) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(format!("not run: {reason}"))
                .set_type("not_run");
            status
        }
        Verdict::NotRun(reason) => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!("not run: {reason}"));
            status
        }
    }
}

/// A flaky request's failed attempts, as surefire's `<flakyFailure>` (a status retried) and
/// `<flakyError>` (a network error retried).
fn flaky_runs(request: &RequestRecord) -> Vec<TestRerun> {
    if !request.flaky() {
        return Vec::new();
    }
    let failed = request.exchanges.iter().filter_map(|e| Some((e, e.retry?)));
    failed
        .map(|(attempt, note)| {
            let (kind, ty) = match note.cause {
                RetryCause::Network => (NonSuccessKind::Error, "network"),
                RetryCause::Status(_) => (NonSuccessKind::Failure, "status"),
                RetryCause::Checks => (NonSuccessKind::Failure, "checks"),
                RetryCause::Unauthorized => (NonSuccessKind::Failure, "unauthorized"),
            };
            let mut rerun = TestRerun::new(kind);
            rerun
                .set_message(attempt_line(attempt))
                .set_type(ty)
                .set_time(attempt.duration);
            if let Some(started) = text::datetime(attempt.started) {
                rerun.set_timestamp(started);
            }
            rerun
        })
        .collect()
}

/// The first line as the message (attributes lose line breaks); all of it as the text when
/// there is more than one line.
fn set_message(status: &mut TestCaseStatus, why: &str) {
    let first = why.lines().next().unwrap_or_default();
    status.set_message(first);
    if first.len() < why.trim_end().len() {
        status.set_description(why);
    }
}

/// What kind of error, from the exit code it maps to (DESIGN.md's exit codes).
fn error_type(code: u8) -> &'static str {
    match code {
        2 => "request",
        3 => "network",
        4 => "secret",
        130 => "interrupted",
        _ => "error",
    }
}

/// The attempts (when there were retries), then the deciding attempt's request and response.
fn system_out(request: &RequestRecord) -> Option<String> {
    let last = request.last()?;
    let mut out = String::new();
    if request.exchanges.len() > 1 {
        let _ = writeln!(
            out,
            "{} attempts, the last decides:",
            request.exchanges.len()
        );
        for (i, attempt) in request.exchanges.iter().enumerate() {
            let _ = writeln!(out, "  attempt {}: {}", i + 1, attempt_line(attempt));
            for side in &attempt.side {
                let _ = writeln!(
                    out,
                    "    after {}: {}",
                    side.purpose,
                    attempt_line(&side.exchange)
                );
            }
        }
        out.push('\n');
    }
    // The requests postie made of its own for the deciding attempt (OAuth2 token requests),
    // whole, before it.
    for side in &last.side {
        let _ = writeln!(out, "{}: {}", side.purpose, attempt_line(&side.exchange));
        exchange_text(&mut out, &side.exchange);
    }
    if !last.side.is_empty() {
        let _ = writeln!(out, "{}: {}", request.name, attempt_line(last));
    }
    exchange_text(&mut out, last);
    let out = out.trim_end_matches('\n');
    (!out.is_empty()).then(|| format!("{out}\n"))
}

/// An exchange's request and response as sent and received, and its error.
fn exchange_text(out: &mut String, exchange: &Exchange) {
    let parts = [
        exchange.request.as_ref().map(text::request_text),
        exchange.response.as_ref().map(text::response_text),
    ];
    for part in parts.iter().flatten() {
        let part = part.trim_end_matches(['\n', '\r']);
        if !part.is_empty() {
            out.push_str(part);
            out.push_str("\n\n");
        }
    }
    if let Some(error) = &exchange.error {
        let _ = writeln!(out, "error: {}\n", text::error_text(error));
    }
}

/// `503 (1 failed check) in 10.0 ms`, `no response (error: connection refused) in 1.0 ms`.
fn attempt_line(attempt: &Exchange) -> String {
    let mut line = match attempt.status() {
        Some(status) => status.to_string(),
        None => "no response".to_string(),
    };
    match attempt.failures.len() {
        0 => {}
        1 => line.push_str(" (1 failed check)"),
        n => {
            let _ = write!(line, " ({n} failed checks)");
        }
    }
    if let Some(error) = &attempt.error {
        let first = error.message.lines().next().unwrap_or_default();
        let _ = write!(line, " (error: {first})");
    }
    let _ = write!(line, " in {}", fmt_duration(attempt.duration));
    line
}
