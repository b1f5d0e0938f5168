//! Facts about the process environment, captured once at start-up and passed around.

use std::io::IsTerminal;
use std::path::PathBuf;

/// Terminal and environment facts. Tests can force the TTY facts with the hidden
/// `POSTIE_TEST_TTY` variable (a comma list of `stdin`, `stdout`, `stderr`, or `none`),
/// as xh does with `XH_TEST_MODE_*`.
#[derive(Debug, Clone)]
pub struct Context {
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `NO_COLOR` as set (any non-empty value disables colour in auto mode).
    pub no_color: Option<String>,
    /// `TERM`, to honour `TERM=dumb`.
    pub term: Option<String>,
    /// Running under CI (`CI` set and not `false`/`0`): never prompt, no progress bars.
    pub ci: bool,
    /// Running on GitHub Actions (`GITHUB_ACTIONS=true`): failures become `::error` annotations.
    pub github_actions: bool,
    pub cwd: PathBuf,
}

impl Context {
    pub fn capture() -> Context {
        let forced = std::env::var("POSTIE_TEST_TTY").ok();
        let tty = |name: &str, real: bool| match &forced {
            Some(list) => list.split(',').any(|s| s.trim() == name),
            None => real,
        };
        Context {
            stdin_tty: tty("stdin", std::io::stdin().is_terminal()),
            stdout_tty: tty("stdout", std::io::stdout().is_terminal()),
            stderr_tty: tty("stderr", std::io::stderr().is_terminal()),
            no_color: std::env::var("NO_COLOR").ok(),
            term: std::env::var("TERM").ok(),
            ci: ci_from(std::env::var("CI").ok().as_deref()),
            github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// Prompts and pickers are allowed only on an interactive terminal outside CI.
    pub fn interactive(&self) -> bool {
        self.stdin_tty && self.stderr_tty && !self.ci
    }

    /// Progress bars only on a terminal outside CI.
    pub fn progress(&self) -> bool {
        self.stderr_tty && !self.ci
    }
}

fn ci_from(value: Option<&str>) -> bool {
    match value {
        None => false,
        Some(v) => !matches!(v.trim(), "" | "0" | "false" | "False" | "FALSE"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_detection() {
        assert!(!ci_from(None));
        assert!(ci_from(Some("true")));
        assert!(ci_from(Some("1")));
        assert!(!ci_from(Some("false")));
        assert!(!ci_from(Some("")));
    }
}
