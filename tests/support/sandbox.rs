//! A temp dir per test: the working directory, HOME and the XDG dirs of one postie run, and
//! `postie` commands with a deterministic environment (not a terminal, CI, no proxies).

use std::error::Error;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use regex::Regex;

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> std::io::Result<Sandbox> {
        let dir = tempfile::tempdir()?;
        for sub in ["home", "config", "data", "collections"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        Ok(Sandbox { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `collections/NAME.toml`, so that `postie run NAME` finds it.
    pub fn collection(&self, name: &str, toml: &str) -> std::io::Result<()> {
        std::fs::write(
            self.path().join("collections").join(format!("{name}.toml")),
            toml,
        )
    }

    /// `postie` as a plain `std::process::Command` (for tests that manage the child).
    pub fn std_command(&self) -> std::process::Command {
        std_command_in(self.path())
    }

    /// `postie`, bounded by a minute.
    pub fn command(&self) -> Command {
        let mut cmd = Command::from_std(self.std_command());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }

    pub fn postie(&self) -> Result<Command, Box<dyn Error>> {
        Ok(self.command())
    }
}

/// `postie` run in `root` with a deterministic environment: not a terminal, CI, no colour
/// override, no proxies, HOME and the XDG dirs under `root`.
pub fn std_command_in(root: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("postie"));
    cmd.current_dir(root)
        .env_remove("NO_COLOR")
        .env_remove("POSTIE_TEST_TTY")
        .env_remove("GITHUB_ACTIONS")
        .env("CI", "true")
        .env("TERM", "xterm-256color")
        .env("HOME", root.join("home"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"));
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Output with durations, the given ports and `date` header values made stable, and the
/// summary table's column padding (which depends on the real timings) folded.
pub fn normalise(bytes: &[u8], ports: &[u16]) -> Result<String, Box<dyn Error>> {
    let mut text = String::from_utf8(bytes.to_vec())?;
    for port in ports {
        text = text.replace(&format!(":{port}"), ":PORT");
    }
    let durations = Regex::new(r"\d+(\.\d+)? (µs|ms|s)\b")?;
    let text = durations.replace_all(&text, "T").into_owned();
    let date = Regex::new(r"(?m)^( +)date: .*$")?;
    let text = date.replace_all(&text, "${1}date: DATE").into_owned();
    let gaps = Regex::new(r"(\S) {2,}")?;
    Ok(gaps.replace_all(&text, "$1  ").into_owned())
}
