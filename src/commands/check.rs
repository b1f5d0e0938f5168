//! `postie check [COLLECTION]...`: literal credentials in collections, with file:line and the
//! fix. Exit 1 when something is found, so it can guard a commit or a CI job.

use crate::cli::CheckArgs;
use crate::collection::{self, Collection, credentials};
use crate::error::{Code, Failure};
use crate::settings::Settings;

pub fn run(args: &CheckArgs, settings: &Settings) -> Result<Code, Failure> {
    let paths = if args.collections.is_empty() {
        super::discovered_collections(settings, "check")?
    } else {
        let mut paths = Vec::new();
        for target in &args.collections {
            paths.push(collection::resolve_target(target, &settings.ctx.cwd)?.0);
        }
        paths
    };
    let printer = &settings.printer;
    let mut total = 0;
    for path in &paths {
        let collection = collection::load(path)?;
        let findings = credentials::find(&collection);
        total += findings.len();
        for finding in findings {
            printer.err(&format!(
                "{} {}\n",
                printer.palette.warn("postie: warning:"),
                finding.diagnostic
            ));
        }
        for line in capture_warnings(&collection) {
            printer.err(&format!(
                "{} {line}\n",
                printer.palette.warn("postie: warning:")
            ));
        }
    }
    let files = paths.len();
    let s = if files == 1 { "" } else { "s" };
    if total == 0 {
        if !printer.quiet() {
            printer.err(&format!(
                "no literal credentials in {files} collection{s}\n"
            ));
        }
        Ok(Code::Ok)
    } else {
        let found = if total == 1 {
            "1 literal credential".to_string()
        } else {
            format!("{total} literal credentials")
        };
        printer.err(&format!("{found} in {files} collection{s}\n"));
        Ok(Code::Failed)
    }
}

/// The one-line warnings `postie run` prints before sending (`postie check` shows the detail).
pub fn warnings(collection: &Collection) -> Vec<String> {
    credentials::find(collection)
        .into_iter()
        .map(|f| {
            let d = f.diagnostic;
            format!(
                "{}:{}:{}: {} (see `postie check`)",
                d.path.display(),
                d.line,
                d.col,
                d.message
            )
        })
        .collect()
}

/// Captures named like credentials but not marked secret (a warning: nothing literal is
/// committed, but the captured value would be shown in clear).
pub fn capture_warnings(collection: &Collection) -> Vec<String> {
    credentials::unmarked_captures(collection)
        .into_iter()
        .map(|c| {
            format!(
                "{}:{}: capture `{}` of request `{}` looks like a credential but is not marked secret\n  \
                 hint: write it as `{} = {{ json = \"…\", secret = true }}` (or `header`, `regex`) to mask its value everywhere",
                collection.path.display(),
                c.line,
                c.name,
                c.request,
                c.name
            )
        })
        .collect()
}
