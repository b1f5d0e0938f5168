//! Colour: the once-per-stream decision and the semantic palette.
//!
//! Styles are plain ANSI SGR escape codes (no extra crate): every painted string is
//! `ESC [ <codes> m` + text + `ESC [ 0 m`, and a disabled [`Palette`] returns text unchanged.

/// The `--color` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    Auto,
    /// Always colour, even when piped.
    Always,
    /// Never colour.
    Never,
}

/// Decide colour once per stream.
///
/// `Never` gives false and `Always` gives true. `Auto` gives true only when the stream is a
/// terminal, `NO_COLOR` is unset or empty (<https://no-color.org>) and `TERM` is not `dumb`.
/// The environment is passed in so that the decision is testable.
pub fn use_color(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto => {
            is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
        }
    }
}

const GREEN: &str = "32";
const YELLOW: &str = "33";
const RED: &str = "31";
const CYAN: &str = "36";
const BOLD: &str = "1";
const DIM: &str = "2";
const BOLD_RED: &str = "1;31";
const BOLD_YELLOW: &str = "1;33";
const BOLD_CYAN: &str = "1;36";

/// Semantic colour roles. Built once from the colour decision of the stream it paints for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// A palette that paints when `enabled`, and otherwise returns every string unchanged.
    pub fn new(enabled: bool) -> Palette {
        Palette { enabled }
    }

    /// Whether this palette emits escape codes.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// `text` in the colour of HTTP status `code`: 2xx green (`status_ok`), 3xx yellow
    /// (`redirect`), 4xx red (`client_err`), 5xx bold red (`server_err`), anything else bold.
    pub fn status(&self, code: u16, text: &str) -> String {
        let style = match code {
            200..=299 => GREEN,
            300..=399 => YELLOW,
            400..=499 => RED,
            500..=599 => BOLD_RED,
            _ => BOLD,
        };
        self.paint(style, text)
    }

    /// A name in a key/value listing, such as a header name (cyan).
    pub fn key(&self, s: &str) -> String {
        self.paint(CYAN, s)
    }

    /// Secondary information such as timings and sizes (dim).
    pub fn dim(&self, s: &str) -> String {
        self.paint(DIM, s)
    }

    /// The `error:` label (bold red).
    pub fn error(&self, s: &str) -> String {
        self.paint(BOLD_RED, s)
    }

    /// The `warning:` label (bold yellow).
    pub fn warn(&self, s: &str) -> String {
        self.paint(BOLD_YELLOW, s)
    }

    /// The `hint:` label (bold cyan).
    pub fn hint(&self, s: &str) -> String {
        self.paint(BOLD_CYAN, s)
    }

    /// Emphasis (bold).
    pub fn bold(&self, s: &str) -> String {
        self.paint(BOLD, s)
    }

    fn paint(&self, style: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{style}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_and_always_ignore_the_environment() {
        for tty in [false, true] {
            for no_color in [None, Some(""), Some("1")] {
                for term in [None, Some("dumb"), Some("xterm-256color")] {
                    assert!(!use_color(ColorChoice::Never, tty, no_color, term));
                    assert!(use_color(ColorChoice::Always, tty, no_color, term));
                }
            }
        }
    }

    #[test]
    fn auto_decision_table() {
        let cases: [(bool, Option<&str>, Option<&str>, bool); 8] = [
            (true, None, None, true),
            (true, None, Some("xterm-256color"), true),
            (true, Some(""), Some("xterm"), true),
            (true, Some("1"), Some("xterm"), false),
            (true, Some("0"), None, false),
            (true, None, Some("dumb"), false),
            (false, None, Some("xterm"), false),
            (false, Some(""), None, false),
        ];
        for (tty, no_color, term, want) in cases {
            assert_eq!(
                use_color(ColorChoice::Auto, tty, no_color, term),
                want,
                "tty={tty} NO_COLOR={no_color:?} TERM={term:?}"
            );
        }
    }

    #[test]
    fn disabled_palette_emits_no_escape_bytes() {
        let p = Palette::new(false);
        let painted = [
            p.status(200, "200 OK"),
            p.status(302, "302 Found"),
            p.status(404, "404 Not Found"),
            p.status(503, "503"),
            p.status(101, "101"),
            p.key("content-type"),
            p.dim("12 ms"),
            p.error("error:"),
            p.warn("warning:"),
            p.hint("hint:"),
            p.bold("x"),
        ];
        let plain = [
            "200 OK",
            "302 Found",
            "404 Not Found",
            "503",
            "101",
            "content-type",
            "12 ms",
            "error:",
            "warning:",
            "hint:",
            "x",
        ];
        assert_eq!(painted, plain);
        assert!(painted.iter().all(|s| !s.contains('\x1b')));
    }

    #[test]
    fn enabled_palette_paints_roles() {
        let p = Palette::new(true);
        assert_eq!(p.status(201, "201 Created"), "\x1b[32m201 Created\x1b[0m");
        assert_eq!(p.status(301, "301"), "\x1b[33m301\x1b[0m");
        assert_eq!(p.status(404, "404"), "\x1b[31m404\x1b[0m");
        assert_eq!(p.status(500, "500"), "\x1b[1;31m500\x1b[0m");
        assert_eq!(p.status(101, "101"), "\x1b[1m101\x1b[0m");
        assert_eq!(p.key("accept"), "\x1b[36maccept\x1b[0m");
        assert_eq!(p.dim("3 ms"), "\x1b[2m3 ms\x1b[0m");
        assert_eq!(p.error("error:"), "\x1b[1;31merror:\x1b[0m");
        assert_eq!(p.warn("warning:"), "\x1b[1;33mwarning:\x1b[0m");
        assert_eq!(p.hint("hint:"), "\x1b[1;36mhint:\x1b[0m");
        assert_eq!(p.bold("b"), "\x1b[1mb\x1b[0m");
    }
}
