//! The bad-input corpus: every `tests/corpus/NAME.toml` is given to `postie check`,
//! `postie list` and `postie run --dry-run` (which sends nothing; every URL in the corpus is on
//! 127.0.0.1 anyway), and each run must end within 10 s with the exit code and the message
//! fragment of `NAME.expect`, and never panic (101) or abort (134). The format of the `.expect`
//! files is in `tests/corpus/README.md`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);
const COMMANDS: &[(&str, &[&str])] = &[
    ("check", &["check"]),
    ("list", &["list"]),
    ("run --dry-run", &["run", "--dry-run"]),
];

#[derive(Debug, Default)]
struct Expect {
    codes: Vec<(String, i32)>,
    message: Option<String>,
    at: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn parse_expect(path: &Path) -> Result<Expect, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut expect = Expect::default();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .split_once(": ")
            .ok_or_else(|| format!("{}: bad line `{line}`", path.display()))?;
        match key {
            "message" => expect.message = Some(value.to_string()),
            "at" => expect.at = Some(value.to_string()),
            command if COMMANDS.iter().any(|(name, _)| *name == command) => {
                let code = value
                    .parse()
                    .map_err(|_| format!("{}: bad exit code `{value}`", path.display()))?;
                expect.codes.push((command.to_string(), code));
            }
            _ => return Err(format!("{}: unknown key `{key}`", path.display())),
        }
    }
    if expect.codes.len() != COMMANDS.len() {
        return Err(format!(
            "{}: needs an exit code for each of check, list, run --dry-run",
            path.display()
        ));
    }
    Ok(expect)
}

/// Runs postie in the corpus directory with a clean environment; `None` when it outlives
/// `LIMIT` (it is killed).
fn run(args: &[&str], file: &str, home: &Path) -> Result<(Option<i32>, String), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_postie"))
        .args(args)
        .arg(file)
        .current_dir(corpus_dir())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn postie: {e}"))?;
    // Drain stderr on a thread so a chatty child cannot block on a full pipe.
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().map_err(|_| "stderr reader panicked")?;
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    Ok((status.map(|s| s.code().unwrap_or(-1)), stderr))
}

/// Checks one case; returns its failures.
fn check_case(name: &str, home: &Path) -> Vec<String> {
    let expect = match parse_expect(&corpus_dir().join(format!("{name}.expect"))) {
        Ok(expect) => expect,
        Err(e) => return vec![e],
    };
    let file = format!("{name}.toml");
    let mut failures = Vec::new();
    for (command, args) in COMMANDS {
        let fail = |what: String| format!("{name}: `postie {command} {file}`: {what}");
        let (code, stderr) = match run(args, &file, home) {
            Ok(result) => result,
            Err(e) => {
                failures.push(fail(e));
                continue;
            }
        };
        let Some(code) = code else {
            failures.push(fail(format!("still running after {LIMIT:?}")));
            continue;
        };
        if code == 101 || code == 134 || stderr.contains("panicked") {
            failures.push(fail(format!("crashed (exit {code}):\n{stderr}")));
            continue;
        }
        let wanted = expect
            .codes
            .iter()
            .find(|(c, _)| c == command)
            .map(|(_, code)| *code);
        if Some(code) != wanted {
            failures.push(fail(format!(
                "exit {code}, expected {wanted:?}; stderr:\n{stderr}"
            )));
            continue;
        }
        if code == 0 {
            if stderr.contains("postie: error:") {
                failures.push(fail(format!("exit 0 with an error:\n{stderr}")));
            }
            continue;
        }
        match &expect.message {
            Some(message) if stderr.contains(&format!("postie: error: {message}")) => {}
            Some(message) => failures.push(fail(format!(
                "stderr lacks `postie: error: {message}`:\n{stderr}"
            ))),
            None => failures.push(fail("a failing case needs a `message:` line".into())),
        }
        if let Some(at) = &expect.at {
            let location = format!(" --> {file}:{at}\n");
            if !stderr.contains(&location) {
                failures.push(fail(format!("stderr lacks `{location}`:\n{stderr}")));
            }
        }
    }
    failures
}

#[test]
fn every_corpus_file_ends_with_its_exit_code_and_message() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 150,
        "the corpus has {} cases, at least 150 are wanted",
        names.len()
    );
    // Every `.expect` has its `.toml`.
    for entry in std::fs::read_dir(corpus_dir()).expect("tests/corpus") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(stem) = name.strip_suffix(".expect") {
            assert!(names.iter().any(|n| n == stem), "{name} has no {stem}.toml");
        }
    }
    let home = tempfile::tempdir().expect("temp home");
    let workers = 3;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let names = &names;
                let home = home.path();
                scope.spawn(move || {
                    names
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .flat_map(|name| check_case(name, home))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} corpus runs failed:\n\n{}",
        failures.len(),
        names.len() * COMMANDS.len(),
        failures.join("\n\n")
    );
    println!(
        "corpus: {} files, {} runs passed",
        names.len(),
        names.len() * COMMANDS.len()
    );
}
