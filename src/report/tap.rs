//! `--report tap=PATH`: the run as TAP version 13 — one test point per request
//! (`ok 1 - shop / create-plan [row 3]`), skipped requests with a `# SKIP` directive, and
//! for each request that did not pass a YAML block (`message`, `severity`, `file`, `line`,
//! every failed check with expected and actual). A request not run because of an earlier
//! failure is `not ok`: it was not tested. Records come masked; YAML strings are written as
//! JSON strings (valid YAML).

use std::fmt::Write as _;
use std::path::Path;

use super::file::{WriteError, write_atomic};
use super::text;
use crate::record::{RequestRecord, RunRecord, Verdict};

/// Render the run and write it to `path` atomically.
pub fn write(path: &Path, report: &RunRecord) -> Result<(), WriteError> {
    write_atomic(path, render(report).as_bytes())
}

pub fn render(report: &RunRecord) -> String {
    let total: usize = report.collections.iter().map(|c| c.requests.len()).sum();
    let mut out = format!("TAP version 13\n1..{total}\n");
    let mut n = 0;
    for collection in &report.collections {
        let file = collection.path.to_string_lossy();
        for request in &collection.requests {
            n += 1;
            point(
                &mut out,
                n,
                &format!("{} / {}", collection.name, request.name),
                &file,
                request,
            );
        }
    }
    out
}

fn point(out: &mut String, n: usize, name: &str, file: &str, request: &RequestRecord) {
    // `#` starts a directive: it can't be part of a description.
    let name = name.replace('#', "\\#");
    let (ok, severity) = match &request.verdict {
        Verdict::Passed => ("ok", None),
        Verdict::Skipped(reason) => {
            let reason = reason.to_string().replace('\n', " ");
            let _ = writeln!(out, "ok {n} - {name} # SKIP {reason}");
            return;
        }
        Verdict::Failed => ("not ok", Some("fail")),
        Verdict::Errored { .. } => ("not ok", Some("error")),
        Verdict::NotRun(_) => ("not ok", Some("not run")),
    };
    let _ = writeln!(out, "{ok} {n} - {name}");
    let Some(severity) = severity else { return };
    out.push_str("  ---\n");
    let message = text::reason(request).unwrap_or_default();
    let _ = writeln!(out, "  message: {}", quote(&message));
    let _ = writeln!(out, "  severity: {}", quote(severity));
    let _ = writeln!(out, "  file: {}", quote(file));
    let _ = writeln!(out, "  line: {}", request.line);
    if let Some(status) = request.last().and_then(|a| a.status()) {
        let _ = writeln!(out, "  status: {status}");
    }
    let failures = request
        .last()
        .map(|a| a.failures.as_slice())
        .unwrap_or_default();
    if !failures.is_empty() {
        out.push_str("  failures:\n");
        for f in failures {
            let _ = writeln!(out, "    - check: {}", quote(&f.what));
            let _ = writeln!(out, "      expected: {}", quote(&f.expected));
            let _ = writeln!(out, "      actual: {}", quote(&f.actual));
            if let Some(line) = f.line {
                let _ = writeln!(out, "      line: {line}");
            }
        }
    }
    if request.exchanges.len() > 1 {
        let _ = writeln!(out, "  attempts: {}", request.exchanges.len());
    }
    out.push_str("  ...\n");
}

/// A YAML double-quoted scalar (a JSON string is one).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}
