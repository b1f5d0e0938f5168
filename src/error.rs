//! Exit codes and the error every command returns ([`Failure`]). This module knows no domain:
//! each domain error maps itself to a `Failure` (its exit code and hint) with a
//! `From<…> for Failure` next to its definition, and the terminal rendering
//! (`Failure::render`) lives with the palette in `output`.

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
