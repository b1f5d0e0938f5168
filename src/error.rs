//! Exit codes and the one path that reports an error to the user.

use std::fmt::Write as _;

use crate::output::color::Palette;

/// Process exit codes, as documented in the README and `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Everything passed.
    Ok = 0,
    /// A request failed its expectations.
    Failed = 1,
    /// Usage or collection error.
    Usage = 2,
    /// Network or TLS failure.
    Network = 3,
    /// A secret was unavailable.
    Secret = 4,
    /// Interrupted (Ctrl-C).
    Interrupted = 130,
}

impl Code {
    pub fn from_u8(code: u8) -> Code {
        match code {
            0 => Code::Ok,
            1 => Code::Failed,
            3 => Code::Network,
            4 => Code::Secret,
            130 => Code::Interrupted,
            _ => Code::Usage,
        }
    }
}

/// An error ready to be shown: a one-line message, an optional pre-rendered block (a source
/// excerpt with a caret, a list of choices), an optional hint, and the exit code it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: Code,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            detail: None,
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Code::Usage, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Failure {
        self.detail = Some(detail.into());
        self
    }

    /// `postie: error: …`, the detail block, then `hint: …`.
    pub fn render(&self, palette: &Palette) -> String {
        let mut out = format!("{} {}\n", palette.error("postie: error:"), self.message);
        if let Some(detail) = &self.detail {
            for line in detail.lines() {
                let _ = writeln!(out, "{line}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  {} {hint}", palette.hint("hint:"));
        }
        out
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(err: std::io::Error) -> Failure {
        Failure::usage(err.to_string())
    }
}

/// Was this I/O error a closed pipe (`postie run … | head`)? Then we end quietly.
pub fn is_broken_pipe(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::BrokenPipe
}

impl Failure {
    /// Split a multi-line error message: the first line is the message, the rest (a source
    /// excerpt, a list of choices, a hint) is the detail block.
    pub fn from_display(code: Code, err: &dyn std::fmt::Display) -> Failure {
        let text = err.to_string();
        match text.split_once('\n') {
            Some((first, rest)) => Failure::new(code, first).with_detail(rest),
            None => Failure::new(code, text),
        }
    }
}

impl From<crate::collection::CollectionError> for Failure {
    fn from(err: crate::collection::CollectionError) -> Failure {
        Failure::from_display(Code::Usage, &err)
    }
}

impl From<crate::resolve::ResolveError> for Failure {
    fn from(err: crate::resolve::ResolveError) -> Failure {
        let code = match err {
            crate::resolve::ResolveError::Secret(_) => Code::Secret,
            _ => Code::Usage,
        };
        Failure::from_display(code, &err)
    }
}

impl From<crate::items::ItemError> for Failure {
    fn from(err: crate::items::ItemError) -> Failure {
        Failure::from_display(Code::Usage, &err)
    }
}

impl From<crate::http::HttpError> for Failure {
    fn from(err: crate::http::HttpError) -> Failure {
        let mut failure = Failure::from_display(Code::from_u8(err.exit_code()), &err);
        if let Some(hint) = err.hint() {
            failure = failure.with_hint(hint);
        }
        failure
    }
}
