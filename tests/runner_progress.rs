//! The progress line of long runs (issue 13, point 10), on a real terminal: postie runs inside
//! a tmux session of its own (a private tmux server, `-L`), the pane is read with
//! `capture-pane` while the run goes on. Never in CI, never when stderr is piped.

mod support;

use std::error::Error;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

/// A private tmux server; killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("postie-test-{name}-{}", std::process::id()),
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket]);
        cmd
    }

    /// Starts `script` (sh) in a detached 160x40 session.
    fn start(&self, script: &str) -> Result<(), Box<dyn Error>> {
        let status = self
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                "160",
                "-y",
                "40",
                script,
            ])
            .status()?;
        assert!(
            status.success(),
            "tmux new-session failed (is tmux installed?)"
        );
        Ok(())
    }

    fn pane(&self) -> Result<String, Box<dyn Error>> {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "t"])
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

/// The shell line that runs postie in `dir` as a user at a terminal would (no CI), then
/// writes `done` and waits.
fn script(dir: &Path, env: &str, redirect: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("postie");
    format!(
        "cd '{}' && env -u CI -u GITHUB_ACTIONS HOME=home TERM=xterm-256color {env} '{}' run shop --iterations 4 --delay 250ms {redirect}; echo done > done; sleep 30",
        dir.display(),
        bin.display()
    )
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) -> TestResult {
    let started = Instant::now();
    while !f() {
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("timed out waiting for {what}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn setup() -> Result<(Sandbox, support::TestServer), Box<dyn Error>> {
    let server = support::http_server(|_: &Recorded| (200, vec![], b"ok".to_vec()));
    let sandbox = Sandbox::new()?;
    let url = server.url("/x");
    sandbox.collection(
        "shop",
        &format!("[[requests]]\nname = \"a\"\nurl = \"{url}\"\n[[requests]]\nname = \"b\"\nurl = \"{url}\"\n"),
    )?;
    Ok((sandbox, server))
}

#[test]
fn a_long_run_on_a_terminal_shows_a_progress_line_that_goes_away() -> TestResult {
    let (sandbox, server) = setup()?;
    let tmux = Tmux::new("progress");
    tmux.start(&script(sandbox.path(), "", ""))?;
    let line = regex::Regex::new(
        r"[0-8]/8 requests · no failures · shop / [ab] \[iteration [1-4]\] · \d+s",
    )?;
    let mut seen = String::new();
    wait_until("the progress line", || {
        seen = tmux.pane().unwrap_or_default();
        line.is_match(&seen)
    })?;
    let done = sandbox.path().join("done");
    wait_until("the end of the run", || done.exists())?;
    assert_eq!(server.hits(), 8);
    let end = tmux.pane()?;
    assert!(
        !end.contains("requests ·"),
        "the line is cleared at the end:\n{end}"
    );
    assert!(
        end.contains("summary: 8 passed, 0 failed, 0 errored in"),
        "{end}"
    );
    Ok(())
}

#[test]
fn no_progress_line_in_ci_or_when_stderr_is_piped() -> TestResult {
    for (name, env, redirect) in [("ci", "CI=true", ""), ("piped", "", "2>err.txt")] {
        let (sandbox, server) = setup()?;
        let tmux = Tmux::new(name);
        tmux.start(&script(sandbox.path(), env, redirect))?;
        let done = sandbox.path().join("done");
        let mut panes = Vec::new();
        wait_until("the end of the run", || {
            panes.push(tmux.pane().unwrap_or_default());
            done.exists()
        })?;
        assert_eq!(server.hits(), 8, "{name}");
        assert!(
            panes.len() > 5,
            "{name}: the pane was read while the run went on"
        );
        for pane in &panes {
            assert!(!pane.contains("requests ·"), "{name}: {pane}");
        }
        if name == "piped" {
            let err = std::fs::read_to_string(sandbox.path().join("err.txt"))?;
            assert!(err.contains("summary: 8 passed"), "{err}");
            assert!(!err.contains("requests ·"), "{err}");
        }
    }
    Ok(())
}
