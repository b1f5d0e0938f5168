//! GitHub Actions annotations (`GITHUB_ACTIONS=true`): an `::error` workflow command per failed
//! or errored request, pointing at the failing check's line (or the request's) in the
//! collection file, so the failure shows on the pull request's diff.

use std::path::Path;

use super::text;
use super::{RequestReport, RunReport, Verdict};
use crate::util::mask::Masker;

/// `::error file=PATH,line=LINE,title=postie: COLLECTION / REQUEST::MESSAGE` for each failed
/// or errored request, in run order. The message lists every failed check (one a line) or the
/// error. Values are masked, then escaped per GitHub's workflow-command rules.
pub fn annotations(report: &RunReport, masker: &Masker) -> Vec<String> {
    let mut out = Vec::new();
    for collection in &report.collections {
        for request in &collection.requests {
            if let Some(message) = message(request, masker) {
                let title = format!("postie: {} / {}", collection.name, request.name);
                out.push(format!(
                    "::error file={},line={},title={}::{}",
                    escape_property(&masker.mask(&slashed(&collection.path))),
                    line(request),
                    escape_property(&masker.mask(&title)),
                    escape_data(&message),
                ));
            }
        }
    }
    out
}

/// The masked message of a failed or errored request, `None` for any other verdict.
fn message(request: &RequestReport, masker: &Masker) -> Option<String> {
    let failures = request
        .last()
        .map(|a| a.failures.as_slice())
        .unwrap_or_default();
    match request.verdict {
        Verdict::Failed if !failures.is_empty() => {
            let lines: Vec<String> = failures.iter().map(text::failure_line).collect();
            Some(masker.mask(&lines.join("\n")))
        }
        Verdict::Failed | Verdict::Errored { .. } => text::reason(request, masker),
        Verdict::Passed | Verdict::Skipped { .. } | Verdict::NotRun { .. } => None,
    }
}

/// The first failing check's line if known, else the request's.
fn line(request: &RequestReport) -> usize {
    request
        .last()
        .and_then(|a| a.failures.iter().find_map(|f| f.line))
        .unwrap_or(request.line)
}

/// A path with `/` separators, as GitHub expects (on every OS).
fn slashed(path: &Path) -> String {
    let path = path.to_string_lossy();
    if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.into_owned()
    }
}

/// Escape a command's message: `%`, `\r`, `\n` (as @actions/core's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command's property value: as [`escape_data`], and `:` and `,` too (as
/// @actions/core's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(
            escape_data("50% off\r\nnext: a,b"),
            "50%25 off%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("postie: a, b%\n"), "postie%3A a%2C b%25%0A");
    }

    #[test]
    fn paths_use_forward_slashes() {
        assert_eq!(
            slashed(Path::new("collections/shop.toml")),
            "collections/shop.toml"
        );
        assert_eq!(slashed(Path::new("./a/b.toml")), "./a/b.toml");
        assert_eq!(slashed(Path::new("/abs/c.toml")), "/abs/c.toml");
    }
}
