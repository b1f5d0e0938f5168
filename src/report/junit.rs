//! JUnit XML (with quick-junit): one `<testsuite>` per collection, one `<testcase>` per
//! request.
//!
//! A failed request has one `<failure>`: its message and type are the first failed check's
//! (`expected 201, got 500`, `status`), and its text lists every failed check of the deciding
//! attempt, one a line. (quick-junit models one status per test case, and the common consumers
//! — Jenkins, GitLab — read only the first `<failure>` of a case anyway.) An errored request
//! has an `<error>`; skipped and not-run requests have a `<skipped>` with the reason. The
//! request and response as sent and received go to `<system-out>`, after a list of the attempts
//! when there were retries. Each `<testcase>` also has `file` and `line` attributes (as pytest
//! writes them) pointing at the request in the collection, which GitLab and the GitHub JUnit
//! actions use to link to the source. Every string is masked.

use std::fmt::Write as _;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::file::{WriteError, write_atomic};
use super::text;
use super::{Attempt, CollectionReport, RequestReport, RunReport, Verdict};
use crate::util::mask::Masker;
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
pub fn render(report: &RunReport, masker: &Masker) -> Result<String, JunitError> {
    let mut junit = Report::new("postie");
    if let Some(started) = text::datetime(report.started) {
        junit.set_timestamp(started);
    }
    junit.set_time(report.duration);
    for collection in &report.collections {
        junit.add_test_suite(suite(collection, masker));
    }
    Ok(junit.to_string()?)
}

/// Render the run and write it to `path` atomically, creating parent directories.
pub fn write(path: &Path, report: &RunReport, masker: &Masker) -> Result<(), JunitError> {
    let xml = render(report, masker)?;
    write_atomic(path, xml.as_bytes())?;
    Ok(())
}

fn suite(collection: &CollectionReport, masker: &Masker) -> TestSuite {
    let name = masker.mask(&collection.name);
    let file = masker.mask(&collection.path.to_string_lossy());
    let mut suite = TestSuite::new(name.as_str());
    suite.set_time(collection.requests.iter().map(|r| r.duration()).sum());
    for request in &collection.requests {
        suite.add_test_case(case(&name, &file, request, masker));
    }
    suite
}

fn case(collection: &str, file: &str, request: &RequestReport, masker: &Masker) -> TestCase {
    let mut case = TestCase::new(masker.mask(&request.name), status(request, masker));
    case.set_classname(collection);
    if !request.attempts.is_empty() {
        case.set_time(request.duration());
    }
    case.extra.insert("file".into(), file.into());
    case.extra
        .insert("line".into(), request.line.to_string().into());
    if let Some(out) = system_out(request) {
        case.set_system_out(masker.mask(&out));
    }
    case
}

fn status(request: &RequestReport, masker: &Masker) -> TestCaseStatus {
    let last = request.last();
    match &request.verdict {
        Verdict::Passed => TestCaseStatus::success(),
        Verdict::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            match last.map(|a| a.failures.as_slice()).unwrap_or_default() {
                [] => {
                    let why = last.and_then(|a| a.error.as_deref()).unwrap_or("failed");
                    set_message(&mut status, &masker.mask(why));
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
                        .set_message(masker.mask(&message))
                        .set_type(masker.mask(&first.what))
                        .set_description(masker.mask(&all));
                }
            }
            status
        }
        Verdict::Errored { code } => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let why = match last.and_then(|a| a.error.as_deref()) {
                Some(error) => error.to_string(),
                None => format!("errored (exit code {code})"),
            };
            set_message(&mut status, &masker.mask(&why));
            status.set_type(error_type(*code));
            status
        }
        Verdict::Skipped { reason } => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(masker.mask(reason));
            status
        }
        Verdict::NotRun { reason } => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(masker.mask(&format!("not run: {reason}")));
            status
        }
    }
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
fn system_out(request: &RequestReport) -> Option<String> {
    let last = request.last()?;
    let mut out = String::new();
    if request.attempts.len() > 1 {
        let _ = writeln!(
            out,
            "{} attempts, the last decides:",
            request.attempts.len()
        );
        for (i, attempt) in request.attempts.iter().enumerate() {
            let _ = writeln!(out, "  attempt {}: {}", i + 1, attempt_line(attempt));
        }
        out.push('\n');
    }
    for part in [&last.request_text, &last.response_text] {
        let part = part.trim_end_matches(['\n', '\r']);
        if !part.is_empty() {
            out.push_str(part);
            out.push_str("\n\n");
        }
    }
    if let Some(error) = &last.error {
        let _ = writeln!(out, "error: {error}");
    }
    let out = out.trim_end_matches('\n');
    (!out.is_empty()).then(|| format!("{out}\n"))
}

/// `503 (1 failed check) in 10.0 ms`, `no response (error: connection refused) in 1.0 ms`.
fn attempt_line(attempt: &Attempt) -> String {
    let mut line = match attempt.status {
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
        let first = error.lines().next().unwrap_or_default();
        let _ = write!(line, " (error: {first})");
    }
    let _ = write!(line, " in {}", fmt_duration(attempt.duration));
    line
}
