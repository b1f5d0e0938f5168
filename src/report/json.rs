//! The JSON record of a run (`--report json=PATH`): when it started, how long it took, the
//! counts, and every collection, request and attempt with its request and response text.
//! Every string is masked.

use std::path::Path;

use serde_json::{Value, json};

use super::file::{WriteError, write_atomic};
use super::text;
use super::{Attempt, CollectionReport, RequestReport, RunReport, Verdict};
use crate::check::Failure;
use crate::util::mask::Masker;

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
pub fn render(report: &RunReport, masker: &Masker) -> Value {
    let (passed, failed, errored, skipped, not_run) = report.counts();
    json!({
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
        "collections": report
            .collections
            .iter()
            .map(|c| collection(c, masker))
            .collect::<Vec<_>>(),
    })
}

/// Render the run and write it, pretty-printed, to `path` atomically (parents created).
pub fn write(path: &Path, report: &RunReport, masker: &Masker) -> Result<(), JsonError> {
    let mut bytes = serde_json::to_vec_pretty(&render(report, masker))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)?;
    Ok(())
}

fn collection(collection: &CollectionReport, masker: &Masker) -> Value {
    json!({
        "name": masker.mask(&collection.name),
        "path": masker.mask(&collection.path.to_string_lossy()),
        "requests": collection
            .requests
            .iter()
            .map(|r| request(r, masker))
            .collect::<Vec<_>>(),
    })
}

fn request(request: &RequestReport, masker: &Masker) -> Value {
    let exit_code = match request.verdict {
        Verdict::Errored { code } => Some(code),
        _ => None,
    };
    json!({
        "name": masker.mask(&request.name),
        "line": request.line,
        "method": masker.mask(&request.method),
        "url": masker.mask(&request.url),
        "verdict": text::verdict_key(&request.verdict),
        "reason": text::reason(request, masker),
        "exit_code": exit_code,
        "duration_ms": text::millis(request.duration()),
        "attempts": request
            .attempts
            .iter()
            .map(|a| attempt(a, masker))
            .collect::<Vec<_>>(),
    })
}

fn attempt(attempt: &Attempt, masker: &Masker) -> Value {
    json!({
        "started": text::rfc3339(attempt.started),
        "duration_ms": text::millis(attempt.duration),
        "status": attempt.status,
        "failures": failures(&attempt.failures, masker),
        "error": attempt.error.as_deref().map(|e| masker.mask(e)),
        "request": masker.mask(&attempt.request_text),
        "response": masker.mask(&attempt.response_text),
    })
}

/// Failed checks as `[{what, expected, actual, line}]` (also used by the NDJSON lines).
pub(crate) fn failures(failures: &[Failure], masker: &Masker) -> Value {
    failures
        .iter()
        .map(|f| {
            json!({
                "what": masker.mask(&f.what),
                "expected": masker.mask(&f.expected),
                "actual": masker.mask(&f.actual),
                "line": f.line,
            })
        })
        .collect()
}
