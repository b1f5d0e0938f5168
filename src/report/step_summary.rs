//! The GitHub Actions job summary: when `GITHUB_STEP_SUMMARY` names a file, a Markdown block
//! is appended to it — the totals, and a table of the requests that did not pass, each linking
//! to its line in the collection file on GitHub (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/
//! $GITHUB_SHA/PATH#LLINE`, the path taken relative to `$GITHUB_WORKSPACE`). Records come
//! masked; cell text is escaped for Markdown tables and inline HTML.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::text;
use crate::record::{RunRecord, Verdict};
use crate::util::units::fmt_duration;

/// Where the links point: from the `GITHUB_*` variables of the job.
#[derive(Debug, Clone, Default)]
pub struct Repo {
    /// `https://github.com/OWNER/REPO/blob/SHA`, if the variables are there.
    pub blob: Option<String>,
    /// `$GITHUB_WORKSPACE`: collection paths are made relative to it.
    pub workspace: Option<PathBuf>,
    /// The working directory, which collection paths are relative to.
    pub cwd: PathBuf,
}

impl Repo {
    pub fn from_env(cwd: &Path) -> Repo {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let blob = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{repo}/blob/{sha}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Repo {
            blob,
            workspace: var("GITHUB_WORKSPACE").map(PathBuf::from),
            cwd: cwd.to_path_buf(),
        }
    }

    /// `path:line`, linked to GitHub when it can be.
    fn link(&self, path: &Path, line: usize) -> String {
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        let relative = self
            .workspace
            .as_ref()
            .and_then(|w| full.strip_prefix(w).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let label = format!(
            "{}:{line}",
            relative.as_deref().unwrap_or(&path.to_string_lossy())
        );
        match (&self.blob, &relative) {
            (Some(blob), Some(rel)) => {
                format!("[{}]({blob}/{}#L{line})", cell(&label), url_path(rel))
            }
            _ => format!("`{}`", label.replace('`', "'")),
        }
    }
}

/// The Markdown block.
pub fn render(report: &RunRecord, repo: &Repo) -> String {
    let (passed, failed, errored, skipped, not_run) = report.counts();
    let icon = if failed + errored + not_run > 0 {
        "❌"
    } else {
        "✅"
    };
    let mut out = format!("### {icon} postie: {passed} passed, {failed} failed, {errored} errored");
    if skipped > 0 {
        let _ = write!(out, ", {skipped} skipped");
    }
    if not_run > 0 {
        let _ = write!(out, ", {not_run} not run");
    }
    let flaky = report.flaky();
    if flaky > 0 {
        let _ = write!(out, " ({flaky} flaky)");
    }
    let _ = writeln!(out, " in {}\n", fmt_duration(report.duration));
    let mut rows = String::new();
    for collection in &report.collections {
        for request in &collection.requests {
            let word = match request.verdict {
                Verdict::Failed => "FAIL",
                Verdict::Errored { .. } => "ERROR",
                Verdict::NotRun(_) => "NOT RUN",
                Verdict::Passed | Verdict::Skipped(_) => continue,
            };
            let line = request
                .last()
                .and_then(|a| a.failures.iter().find_map(|f| f.line))
                .unwrap_or(request.line);
            let _ = writeln!(
                rows,
                "| {} / {} | {word} | {} | {} |",
                cell(&collection.name),
                cell(&request.name),
                cell(&text::reason(request).unwrap_or_default()),
                repo.link(&collection.path, line)
            );
        }
    }
    if !rows.is_empty() {
        out.push_str("| request | result | why | where |\n|---|---|---|---|\n");
        out.push_str(&rows);
        out.push('\n');
    }
    out
}

/// Append the block to the file `GITHUB_STEP_SUMMARY` names.
pub fn append(path: &Path, report: &RunRecord, repo: &Repo) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(render(report, repo).as_bytes())
}

/// Text for one table cell: one line, `|` escaped, HTML and Markdown specials neutralised.
fn cell(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    let mut out = String::with_capacity(one_line.len());
    for c in one_line.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '[' | ']' | '`' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A repository path for a URL: each segment percent-encoded.
fn url_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            percent_encoding::utf8_percent_encode(seg, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_workspace_and_cells_are_escaped() {
        let repo = Repo {
            blob: Some("https://github.com/o/r/blob/abc".into()),
            workspace: Some("/w".into()),
            cwd: "/w/api".into(),
        };
        assert_eq!(
            repo.link(Path::new("collections/shop.toml"), 12),
            "[api/collections/shop.toml:12](https://github.com/o/r/blob/abc/api/collections/shop.toml#L12)"
        );
        let outside = Repo {
            workspace: Some("/elsewhere".into()),
            ..repo
        };
        assert_eq!(outside.link(Path::new("a.toml"), 3), "`a.toml:3`");
        assert_eq!(
            cell("a|b <i>x</i>\n*y*"),
            "a\\|b &lt;i&gt;x&lt;/i&gt; \\*y\\*"
        );
    }
}
