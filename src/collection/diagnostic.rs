//! Errors that point into a collection file: `file:line:col`, the source line and a caret.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// An error located in a collection file, rendered like rustc/just/hurl:
///
/// ```text
/// unknown key `heders` in request `create-plan`
///   --> collections/shop.toml:14:1
///    |
/// 14 | heders = { Accept = "application/json" }
///    | ^^^^^^
///    = hint: did you mean `headers`?
/// ```
///
/// The rendering has no trailing newline and no colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDiagnostic {
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// The collection file, as the user gave it.
    pub path: PathBuf,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub col: usize,
    /// The whole source line holding the span's start (without the line break).
    pub line_text: String,
    /// Number of carets: the span's length in characters, clipped to the line, at least 1.
    pub span_len: usize,
    /// An optional `hint: …` line, e.g. "did you mean `headers`?".
    pub hint: Option<String>,
}

impl SourceDiagnostic {
    /// Locates the byte range `span` of `source` (the text of the file at `path`).
    pub fn new(
        path: &Path,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> SourceDiagnostic {
        Self::build(path, source, None, span, message.into(), hint)
    }

    /// Like [`SourceDiagnostic::new`], with `newlines`, the byte offset of every `\n` of
    /// `source` in order (see [`newline_index`]): the line is found in O(log n) instead of by
    /// counting the line breaks before it, so many diagnostics in a big file stay linear.
    pub fn indexed(
        path: &Path,
        source: &str,
        newlines: &[usize],
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> SourceDiagnostic {
        Self::build(path, source, Some(newlines), span, message.into(), hint)
    }

    fn build(
        path: &Path,
        source: &str,
        newlines: Option<&[usize]>,
        span: Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> SourceDiagnostic {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let (line_start, line) = match newlines {
            Some(newlines) => {
                // The line breaks before `start`: the last one ends the previous line.
                let before = newlines.partition_point(|&offset| offset < start);
                let line_start = before.checked_sub(1).map_or(0, |i| newlines[i] + 1);
                (line_start, before + 1)
            }
            None => {
                let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
                (line_start, source[..line_start].matches('\n').count() + 1)
            }
        };
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        let col = source[line_start..start].chars().count() + 1;
        let visible_end = end.min(line_start + line_text.len()).max(start);
        let span_len = source[start..visible_end].chars().count().max(1);
        SourceDiagnostic {
            message,
            path: path.to_path_buf(),
            line,
            col,
            line_text: line_text.to_string(),
            span_len,
            hint,
        }
    }
}

/// The byte offset of every `\n` in `source`, in order: the index
/// [`SourceDiagnostic::indexed`] takes.
pub fn newline_index(source: &str) -> Vec<usize> {
    // memchr's vectorised search: `match_indices('\n')` took 3 % of loading a 10k collection.
    let mut index = Vec::with_capacity(source.len() / 32);
    index.extend(memchr::memchr_iter(b'\n', source.as_bytes()));
    index
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for SourceDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{}", self.message)?;
        writeln!(
            f,
            "{pad}--> {}:{}:{}",
            self.path.display(),
            self.line,
            self.col
        )?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {}", self.line_text)?;
        // Keep tabs so the caret lines up under tab-indented text.
        let indent: String = self
            .line_text
            .chars()
            .take(self.col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {indent}{}", "^".repeat(self.span_len))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n{pad} = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceDiagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_line_and_a_caret_under_the_span() {
        let source = "name = \"x\"\nheders = { Accept = \"a\" }\n";
        let d = SourceDiagnostic::new(
            Path::new("collections/shop.toml"),
            source,
            11..17,
            "unknown key `heders` in request `create-plan`",
            Some("did you mean `headers`?".to_string()),
        );
        assert_eq!((d.line, d.col, d.span_len), (2, 1, 6));
        assert_eq!(
            d.to_string(),
            "unknown key `heders` in request `create-plan`\n \
             --> collections/shop.toml:2:1\n  |\n2 | heders = { Accept = \"a\" }\n  | ^^^^^^\n  \
             = hint: did you mean `headers`?"
        );
    }

    #[test]
    fn wide_line_numbers_widen_the_gutter_and_empty_spans_get_one_caret() {
        let source = format!("{}a = \tb", "\n".repeat(11));
        let d = SourceDiagnostic::new(Path::new("x.toml"), &source, 15..15, "boom", None);
        assert_eq!(
            d.to_string(),
            "boom\n  --> x.toml:12:5\n   |\n12 | a = \tb\n   |     ^"
        );
    }

    #[test]
    fn spans_running_past_the_line_are_clipped() {
        let d = SourceDiagnostic::new(Path::new("x.toml"), "ab\r\ncd", 1..6, "m", None);
        assert_eq!((d.line_text.as_str(), d.span_len), ("ab", 1));
    }

    #[test]
    fn the_newline_index_locates_every_span_as_the_scan_does() {
        let source = "a = 1\r\n\n[[requests]]\nname = \"é\u{1F600}x\"\n\tb = 2\nlast";
        let newlines = newline_index(source);
        for start in 0..=source.len() + 2 {
            for end in [start, start + 1, start + 9] {
                let plain =
                    SourceDiagnostic::new(Path::new("x.toml"), source, start..end, "m", None);
                let indexed = SourceDiagnostic::indexed(
                    Path::new("x.toml"),
                    source,
                    &newlines,
                    start..end,
                    "m",
                    None,
                );
                assert_eq!(indexed, plain, "span {start}..{end}");
            }
        }
    }
}
