//! The summary table printed at the end of a run: one row per request (request, status, time,
//! result with a short reason), aligned, then the totals line.

use std::fmt::Write as _;

use super::text;
use crate::output::color::Palette;
use crate::record::{RequestRecord, RunRecord, Verdict};
use crate::util::units::fmt_duration;

/// Longest reason shown in the table, in characters (the reports hold the whole text).
const REASON_WIDTH: usize = 60;

/// One row, as plain text (painted once the column widths are known).
struct Row {
    request: String,
    status: Option<u16>,
    time: String,
    verdict: &'static str,
    reason: String,
}

/// The table and the totals line, each line ending in `\n`. Column widths count characters;
/// colour is added after padding, so it never breaks the alignment.
pub fn render(report: &RunRecord, palette: &Palette) -> String {
    let rows: Vec<Row> = report
        .collections
        .iter()
        .flat_map(|c| c.requests.iter().map(move |r| row(&c.name, r)))
        .collect();
    let mut out = String::new();
    if !rows.is_empty() {
        let status_of = |r: &Row| r.status.map_or("-".to_string(), |s| s.to_string());
        let w_request = width("REQUEST", rows.iter().map(|r| r.request.as_str()));
        let w_status = rows
            .iter()
            .map(|r| status_of(r).chars().count())
            .fold("STATUS".len(), usize::max);
        let w_time = width("TIME", rows.iter().map(|r| r.time.as_str()));
        let header = format!(
            "{}  {}  {}  RESULT",
            pad("REQUEST", w_request),
            pad("STATUS", w_status),
            pad_left("TIME", w_time)
        );
        let _ = writeln!(out, "{}", palette.bold(&header));
        for row in &rows {
            let status = status_of(row);
            let status = match row.status {
                Some(code) => palette.status(code, &status),
                None => palette.dim(&status),
            };
            let fill = " ".repeat(w_status.saturating_sub(status_of(row).chars().count()));
            let mut result = paint_verdict(palette, row.verdict);
            if !row.reason.is_empty() {
                result.push(' ');
                result.push_str(&row.reason);
            }
            let _ = writeln!(
                out,
                "{}  {status}{fill}  {}  {result}",
                pad(&row.request, w_request),
                pad_left(&row.time, w_time)
            );
        }
    }
    out.push_str(&totals(report, palette));
    out
}

fn row(collection: &str, request: &RequestRecord) -> Row {
    let verdict = match request.verdict {
        Verdict::Passed => "PASS",
        Verdict::Failed => "FAIL",
        Verdict::Errored { .. } => "ERROR",
        Verdict::Skipped(_) => "SKIP",
        Verdict::NotRun(_) => "NOT RUN",
    };
    // Records are masked before they are cut here, so a cut never leaves part of a secret.
    let mut reason = text::reason(request)
        .map(|r| shorten(r.lines().next().unwrap_or_default()))
        .unwrap_or_default();
    if request.exchanges.len() > 1 {
        if !reason.is_empty() {
            reason.push(' ');
        }
        let _ = write!(reason, "({} attempts)", request.exchanges.len());
    }
    if request.setup {
        if !reason.is_empty() {
            reason.push(' ');
        }
        reason.push_str("(setup)");
    }
    Row {
        request: format!("{collection} / {}", request.name),
        status: request.last().and_then(|a| a.status()),
        time: if request.exchanges.is_empty() {
            "-".to_string()
        } else {
            fmt_duration(request.duration())
        },
        verdict,
        reason,
    }
}

/// `N passed, N failed, N errored[, N skipped][, N not run] in T`
/// `summary: 2 passed, 1 failed, 0 errored[, N skipped][, N not run] in T`
pub fn totals(report: &RunRecord, palette: &Palette) -> String {
    let (passed, failed, errored, skipped, not_run) = report.counts();
    let mut line = format!("{passed} passed, {failed} failed, {errored} errored");
    if skipped > 0 {
        let _ = write!(line, ", {skipped} skipped");
    }
    if not_run > 0 {
        let _ = write!(line, ", {not_run} not run");
    }
    let flaky = report.flaky();
    if flaky > 0 {
        let _ = write!(line, " ({flaky} flaky)");
    }
    let painted = if failed + errored > 0 {
        palette.error(&line)
    } else {
        palette.status(200, &line)
    };
    let stopped = match &report.error {
        Some(e) if e.code == crate::error::Code::Interrupted => {
            format!(" {}", palette.error("(interrupted)"))
        }
        Some(_) => format!(" {}", palette.error("(stopped by a collection error)")),
        None => String::new(),
    };
    format!(
        "{} {painted} in {}{stopped}\n",
        palette.bold("summary:"),
        fmt_duration(report.duration)
    )
}

fn paint_verdict(palette: &Palette, verdict: &str) -> String {
    match verdict {
        "PASS" => palette.status(200, verdict),
        "FAIL" | "ERROR" => palette.error(verdict),
        "SKIP" => palette.warn(verdict),
        _ => palette.dim(verdict),
    }
}

/// At most [`REASON_WIDTH`] characters, `…` marking a cut.
fn shorten(reason: &str) -> String {
    if reason.chars().count() <= REASON_WIDTH {
        return reason.to_string();
    }
    let mut cut: String = reason.chars().take(REASON_WIDTH - 1).collect();
    cut.push('…');
    cut
}

fn width<'a>(title: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    cells
        .map(|c| c.chars().count())
        .fold(title.len(), usize::max)
}

fn pad(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(s.chars().count());
    format!("{s}{}", " ".repeat(fill))
}

fn pad_left(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(s.chars().count());
    format!("{}{s}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_reasons_are_cut_with_an_ellipsis() {
        let long = "x".repeat(REASON_WIDTH + 5);
        let cut = shorten(&long);
        assert_eq!(cut.chars().count(), REASON_WIDTH);
        assert_eq!(cut, format!("{}…", "x".repeat(REASON_WIDTH - 1)));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn padding_counts_characters_not_bytes() {
        assert_eq!(pad("µs", 4), "µs  ");
        assert_eq!(pad_left("850 µs", 8), "  850 µs");
    }
}
