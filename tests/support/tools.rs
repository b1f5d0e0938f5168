//! Reference tools for tests (Python libraries, npm packages, xh) that `scripts/test` installs
//! (under `target/test-tools`; xh in a per-machine cache) and announces in `POSTIE_TEST_*`
//! variables. A test that needs one and runs without them fails with the command that fixes
//! it; it never skips.

#![allow(dead_code)] // each test crate uses a different subset

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How to get every tool: the README's test command.
const FIX: &str = "run the tests with `scripts/test` (it installs the test tools), e.g. \
                   `scripts/test --test NAME`, or set the variables it sets in this shell: \
                   `eval \"$(scripts/test --env)\"`";

/// The path in variable `name`, which must exist; else a message with the fix. Split from
/// [`tool_path`] so the message can be tested without changing the environment.
pub fn path_from(name: &str, value: Option<OsString>, manual: &str) -> Result<PathBuf, String> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Err(format!("{name} is not set: {FIX}; or by hand: {manual}"));
    };
    let path = PathBuf::from(value);
    if !path.exists() {
        return Err(format!(
            "{name}={} does not exist: {FIX}; or by hand: {manual}",
            path.display()
        ));
    }
    Ok(path)
}

fn tool_path(name: &str, manual: &str) -> PathBuf {
    path_from(name, std::env::var_os(name), manual).unwrap_or_else(|message| panic!("{message}"))
}

/// `target/test-tools` (absolute).
pub fn tools_dir() -> PathBuf {
    tool_path(
        "POSTIE_TEST_TOOLS",
        "export POSTIE_TEST_TOOLS=$PWD/target/test-tools",
    )
}

/// The interpreter of the test venv, with the libraries of `tests/tools/requirements.txt`.
pub fn python() -> PathBuf {
    tool_path(
        "POSTIE_TEST_PYTHON",
        "python3 -m venv target/test-tools/venv && target/test-tools/venv/bin/pip install \
         -r tests/tools/requirements.txt && export \
         POSTIE_TEST_PYTHON=$PWD/target/test-tools/venv/bin/python",
    )
}

/// `target/test-tools/npm/node_modules`, with the packages of `tests/tools/package.json`.
pub fn node_modules() -> PathBuf {
    tool_path(
        "POSTIE_TEST_NODE_MODULES",
        "mkdir -p target/test-tools/npm && cp tests/tools/package*.json target/test-tools/npm/ \
         && (cd target/test-tools/npm && npm ci) && export \
         POSTIE_TEST_NODE_MODULES=$PWD/target/test-tools/npm/node_modules",
    )
}

/// xh (`scripts/test` builds it once per machine with `cargo install xh --locked`).
pub fn xh() -> PathBuf {
    tool_path(
        "POSTIE_TEST_XH",
        "cargo install xh --version 0.26.3 --locked --root ~/.cache/postie-test-tools/xh-0.26.3 \
         && export POSTIE_TEST_XH=~/.cache/postie-test-tools/xh-0.26.3/bin/xh",
    )
}

/// `node` with `NODE_PATH` set to [`node_modules`], so `require('NAME')` finds the test tools.
pub fn node() -> Command {
    let mut cmd = Command::new("node");
    cmd.env("NODE_PATH", node_modules()).stdin(Stdio::null());
    cmd
}

/// Validates a HAR file against the HAR 1.2 schemas with the npm package `har-validator`
/// (its promise API, `require('har-validator').har(json)`). `Err` holds its errors, one
/// `path: message` line each (`.log.creator: should have required property 'name'`), or
/// `not JSON: …` when the file does not parse. Panics when node or the package can't be run.
pub fn har_validate(path: &Path) -> Result<(), Vec<String>> {
    const SCRIPT: &str = r#"
const [modules, file] = process.argv.slice(1);
const validator = require(require('path').join(modules, 'har-validator'));
function invalid(lines) {
    for (const line of lines) console.log(line);
    process.exitCode = 1;
}
let har;
try {
    har = JSON.parse(require('fs').readFileSync(file, 'utf8'));
} catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    invalid(['not JSON: ' + e.message]);
}
if (har !== undefined) {
    validator.har(har).then(
        () => console.log('valid'),
        (e) => {
            if (!Array.isArray(e.errors)) throw e;
            invalid(e.errors.map((err) => (err.dataPath || '(root)') + ': ' + err.message));
        },
    );
}
"#;
    let modules = node_modules();
    let output = node()
        .arg("-e")
        .arg(SCRIPT)
        .arg(&modules)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("could not run node ({e}): {FIX}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    match output.status.code() {
        Some(0) if stdout.trim() == "valid" => Ok(()),
        Some(1) if !stdout.trim().is_empty() => Err(stdout.lines().map(str::to_owned).collect()),
        _ => panic!(
            "har-validator did not run ({}): {}\nstdout: {stdout}\n{FIX}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Debian's `chromium` on `PATH` (`scripts/test` installs it).
pub fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.exists());
    found.unwrap_or_else(|| {
        panic!("chromium not found: run the tests with `scripts/test` (it installs Debian's `chromium`), or `apt-get install -y chromium`")
    })
}
