//! `--json`: one compact JSON object per request, printed on stdout as each request finishes.
//! Every string is masked; serde_json escapes line breaks, so an object is always one line.

use std::path::Path;

use serde_json::json;

use super::RequestReport;
use super::text;
use crate::util::mask::Masker;

/// The NDJSON line of a finished request, without the trailing newline: `collection`,
/// `request`, `file`, `line`, `method`, `url`, `status` (of the deciding attempt), `verdict`,
/// `reason`, `duration_ms` (all attempts), `attempts` (how many), `failures` (of the deciding
/// attempt).
pub fn line(collection: &str, path: &Path, request: &RequestReport, masker: &Masker) -> String {
    let last = request.last();
    json!({
        "collection": masker.mask(collection),
        "request": masker.mask(&request.name),
        "file": masker.mask(&path.to_string_lossy()),
        "line": request.line,
        "method": masker.mask(&request.method),
        "url": masker.mask(&request.url),
        "status": last.and_then(|a| a.status),
        "verdict": text::verdict_key(&request.verdict),
        "reason": text::reason(request, masker),
        "duration_ms": text::millis(request.duration()),
        "attempts": request.attempts.len(),
        "failures": super::json::failures(last.map(|a| a.failures.as_slice()).unwrap_or_default(), masker),
    })
    .to_string()
}
