//! `postie secret …` end to end with the real binary, each step a separate process: against a
//! real Secret Service (private D-Bus session + gnome-keyring, see `support/keyring.rs`), and
//! without any session bus (the CI-server case), where only `POSTIE_SECRET_*` variables work.

#[path = "support/keyring.rs"]
mod keyring;
mod support;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use keyring::Keyring;

/// `postie` with a clean environment: nothing from the caller's session or secrets.
fn postie(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("postie").unwrap();
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("CI", "true")
        .current_dir(home);
    cmd
}

/// `postie` talking to the test's Secret Service.
fn postie_on(keyring: &Keyring) -> Command {
    let mut cmd = postie(keyring.dir());
    for (key, value) in keyring.env() {
        cmd.env(key, value);
    }
    cmd
}

/// `postie` on a machine without a D-Bus session bus (the socket does not exist).
fn postie_without_bus(dir: &Path) -> Command {
    let mut cmd = postie(dir);
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", dir.join("missing/bus").display()),
    )
    .env("XDG_RUNTIME_DIR", dir);
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_run(out: &Output, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (out.status.code(), text(&out.stdout), text(&out.stderr)),
        (Some(code), stdout.to_string(), stderr.to_string())
    );
}

fn timings(text: &str) -> String {
    regex::Regex::new(r"\d+(\.\d+)? (µs|ms|s)\)")
        .unwrap()
        .replace_all(text, "<t>)")
        .into_owned()
}

const SAVED: &str = "saved `itest_token` to the keyring (Secret Service (D-Bus))\n";

#[test]
fn set_list_get_rm_through_a_real_secret_service() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let run = |args: &[&str], stdin: &str| {
        postie_on(&keyring)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    };

    assert_run(
        &run(&["secret", "set", "itest_token"], "s3cr3t-value\n"),
        0,
        "",
        SAVED,
    );
    assert_run(
        &run(&["secret", "list"], ""),
        0,
        "itest_token  keyring\n",
        "",
    );
    assert_run(
        &run(&["secret", "get", "itest_token"], ""),
        0,
        "s3cr3t-value\n",
        "",
    );

    // The environment variable wins over the keyring, and `list` says so.
    let with_env = |args: &[&str]| {
        postie_on(&keyring)
            .env("POSTIE_SECRET_ITEST_TOKEN", "from-env")
            .args(args)
            .output()
            .unwrap()
    };
    assert_run(
        &with_env(&["secret", "get", "itest_token"]),
        0,
        "from-env\n",
        "",
    );
    assert_run(
        &with_env(&["secret", "list"]),
        0,
        "itest_token  env POSTIE_SECRET_ITEST_TOKEN (used first), keyring\n",
        "",
    );

    assert_run(
        &run(&["secret", "rm", "itest_token"], ""),
        0,
        "",
        "removed `itest_token` from the keyring (Secret Service (D-Bus))\n",
    );
    assert_run(
        &run(&["secret", "get", "itest_token"], ""),
        4,
        "",
        "postie: error: secret `itest_token` is not set: set the environment variable \
         `POSTIE_SECRET_ITEST_TOKEN` or store it with `postie secret set itest_token`\n",
    );
    assert_run(
        &run(&["secret", "rm", "itest_token"], ""),
        4,
        "",
        "postie: error: no secret `itest_token` in the keyring (Secret Service (D-Bus))\n  \
         hint: `postie secret list` shows the stored names\n",
    );
    assert_run(
        &run(&["secret", "list"], ""),
        0,
        "",
        "no secrets: store one with `postie secret set NAME`, or set `POSTIE_SECRET_<NAME>`\n",
    );
}

#[test]
fn values_are_replaced_and_kept_byte_exact() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let run = |args: &[&str], stdin: &str| {
        postie_on(&keyring)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    assert_run(
        &run(&["secret", "set", "itest_token"], "first"),
        0,
        "",
        SAVED,
    );
    // Only one trailing newline is stripped: a PEM-like value keeps its inner lines.
    let value = "line one\r\n  line two ✓ \"quoted\" $HOME\n";
    let piped = format!("{value}\r\n");
    assert_run(
        &run(&["secret", "set", "itest_token"], &piped),
        0,
        "",
        SAVED,
    );
    assert_run(
        &run(&["secret", "get", "itest_token"], ""),
        0,
        &format!("{value}\n"),
        "",
    );
    assert_run(
        &run(&["secret", "set", "other.key-2"], "x\n"),
        0,
        "",
        "saved `other.key-2` to the keyring (Secret Service (D-Bus))\n",
    );
    assert_run(
        &run(&["secret", "list"], ""),
        0,
        "itest_token  keyring\nother.key-2  keyring\n",
        "",
    );
    assert_run(
        &run(&["secret", "set", "itest_token"], "\n"),
        2,
        "",
        "postie: error: the value for secret `itest_token` is empty\n",
    );
}

#[test]
fn doctor_reports_a_working_secret_service() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let out = postie_on(&keyring)
        .args(["secret", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        timings(&text(&out.stdout)),
        format!(
            "store    Secret Service (D-Bus)\nbus      {}\nstatus   ok (answered in <t>)\nsecrets  0 stored\n",
            keyring.address()
        )
    );
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn get_refuses_a_terminal_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let out = postie_without_bus(dir.path())
        .env("POSTIE_TEST_TTY", "stdout")
        .env("POSTIE_SECRET_TTY_TOKEN", "visible")
        .args(["secret", "get", "tty_token"])
        .output()
        .unwrap();
    assert_run(
        &out,
        2,
        "",
        "postie: error: refusing to print secret `tty_token` to a terminal\n  \
         hint: add `--reveal` to show it, or pipe it: `postie secret get tty_token | …`\n",
    );
    let out = postie_without_bus(dir.path())
        .env("POSTIE_TEST_TTY", "stdout")
        .env("POSTIE_SECRET_TTY_TOKEN", "visible")
        .args(["secret", "get", "--reveal", "tty_token"])
        .output()
        .unwrap();
    assert_run(&out, 0, "visible\n", "");
}

#[test]
fn bad_names_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (args, name, reason) in [
        (
            vec!["get", "9lives"],
            "9lives",
            "it must start with a letter",
        ),
        (
            vec!["set", "a b"],
            "a b",
            "only letters, digits, `_`, `.` and `-` are allowed",
        ),
        (vec!["rm", ""], "", "it is empty"),
    ] {
        let out = postie_without_bus(dir.path())
            .arg("secret")
            .args(&args)
            .write_stdin("value\n")
            .output()
            .unwrap();
        assert_run(
            &out,
            2,
            "",
            &format!(
                "postie: error: invalid secret name `{name}`: {reason}\n  hint: use 1 to 64 \
                 letters, digits, `_`, `.` or `-`, starting with a letter\n"
            ),
        );
    }
}

#[test]
fn without_a_session_bus_environment_variables_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = postie_without_bus(dir.path())
        .env("POSTIE_SECRET_NOBUS_TOKEN", "from-ci")
        .args(["secret", "get", "nobus_token"])
        .output()
        .unwrap();
    assert_run(&out, 0, "from-ci\n", "");
}

const NO_BUS: &str = "no Secret Service on this machine (no D-Bus session bus)";
const NO_BUS_HINT: &str =
    "  hint: use `POSTIE_SECRET_<NAME>` variables, or start a keyring daemon\n";

#[test]
fn without_a_session_bus_a_missing_secret_fails_fast_with_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = postie_without_bus(dir.path())
        .args(["secret", "get", "nobus_token"])
        .output()
        .unwrap();
    // A bound against hangs, not a speed claim.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_run(
        &out,
        4,
        "",
        &format!(
            "postie: error: secret `nobus_token` is not set: set the environment variable \
             `POSTIE_SECRET_NOBUS_TOKEN` or store it with `postie secret set nobus_token` \
             (keyring: {NO_BUS})\n  hint: `postie secret doctor` checks the keyring\n"
        ),
    );
}

#[test]
fn without_a_session_bus_the_keyring_commands_explain_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("missing/bus");
    let cause = format!(
        "  cause: the session bus socket `{}` does not exist\n",
        socket.display()
    );

    let out = postie_without_bus(dir.path())
        .args(["secret", "doctor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        timings(&text(&out.stdout)),
        format!(
            "store    Secret Service (D-Bus)\nbus      unix:path={}\nstatus   unusable (after <t>)\n",
            socket.display()
        )
    );
    assert_eq!(
        text(&out.stderr),
        format!("postie: error: {NO_BUS}\n{cause}{NO_BUS_HINT}")
    );

    let out = postie_without_bus(dir.path())
        .args(["secret", "set", "nobus_token"])
        .write_stdin("value\n")
        .output()
        .unwrap();
    assert_run(
        &out,
        4,
        "",
        &format!("postie: error: {NO_BUS}\n{NO_BUS_HINT}"),
    );

    let out = postie_without_bus(dir.path())
        .args(["secret", "rm", "nobus_token"])
        .output()
        .unwrap();
    assert_run(
        &out,
        4,
        "",
        &format!("postie: error: {NO_BUS}\n{NO_BUS_HINT}"),
    );

    // `list` still shows the environment's secrets, then says why the keyring is missing.
    let out = postie_without_bus(dir.path())
        .env("POSTIE_SECRET_GH_TOKEN", "x")
        .env("POSTIE_SECRET_EMPTY", "")
        .args(["secret", "list"])
        .output()
        .unwrap();
    assert_run(
        &out,
        4,
        "gh_token  env POSTIE_SECRET_GH_TOKEN\n",
        &format!(
            "postie: error: {NO_BUS}\n  only `POSTIE_SECRET_*` variables are listed\n\
             {cause}{NO_BUS_HINT}"
        ),
    );
}

/// A session bus that accepts connections and never answers: every keyring call must give up
/// after `POSTIE_KEYRING_TIMEOUT_MS`.
#[test]
fn a_bus_that_never_answers_cannot_hang_postie() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let silent = || {
        let mut cmd = postie(dir.path());
        cmd.env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        )
        .env("POSTIE_KEYRING_TIMEOUT_MS", "300");
        cmd
    };

    let started = Instant::now();
    let out = silent()
        .args(["secret", "get", "hang_token"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_run(
        &out,
        4,
        "",
        "postie: error: secret `hang_token` is not set: set the environment variable \
         `POSTIE_SECRET_HANG_TOKEN` or store it with `postie secret set hang_token` \
         (keyring: the keyring (Secret Service (D-Bus)) did not answer within 300 ms (connect))\n  \
         hint: `postie secret doctor` checks the keyring\n",
    );

    let started = Instant::now();
    let out = silent().args(["secret", "doctor"]).output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        text(&out.stderr),
        "postie: error: the keyring (Secret Service (D-Bus)) did not answer within 300 ms \
         (connect)\n  hint: the keyring daemon may be waiting for an unlock prompt: unlock the \
         keyring, or use `POSTIE_SECRET_<NAME>` variables\n"
    );
}

/// A collection whose one request needs `{{secret:run_token}}`, against `url`.
fn token_collection(dir: &Path, url: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(
        dir.join("collections/api.toml"),
        format!(
            "[[requests]]\nname = \"me\"\nurl = \"{url}\"\nauth = {{ bearer = \"{{{{secret:run_token}}}}\" }}\n"
        ),
    )
    .unwrap();
}

#[test]
fn a_secret_set_in_the_keyring_is_used_by_a_later_run_and_masked() {
    let Some(keyring) = Keyring::start() else {
        return; // allowed only with POSTIE_SKIP_KEYRING_TESTS=1 (see support/keyring.rs)
    };
    let server = support::http_server(|r| {
        let auth = r.header("authorization").unwrap_or("").to_string();
        (200, vec![], format!("you sent: {auth}").into_bytes())
    });
    token_collection(keyring.dir(), &server.url("/me"));
    let out = postie_on(&keyring)
        .args(["secret", "set", "run_token"])
        .write_stdin("kr-Value-81x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = postie_on(&keyring)
        .args(["run", "api", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer kr-Value-81x")
    );
    let all = text(&[out.stdout.clone(), out.stderr.clone()].concat());
    assert!(!all.contains("kr-Value-81x"), "{all}");
    assert_eq!(text(&out.stdout), "you sent: Bearer ••••••");
    assert!(all.contains("authorization: Bearer ••••••"), "{all}");
}

#[test]
fn without_a_session_bus_a_run_needing_a_missing_secret_exits_4_fast() {
    let dir = tempfile::tempdir().unwrap();
    token_collection(dir.path(), "http://127.0.0.1:9/me");
    let started = Instant::now();
    let out = postie_without_bus(dir.path())
        .args(["run", "api"])
        .output()
        .unwrap();
    // A bound against hangs, not a speed claim.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let stderr = regex::Regex::new(r"in \d+(\.\d+)? (µs|ms|s)\n$")
        .unwrap()
        .replace(&text(&out.stderr), "in <t>\n")
        .into_owned();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        stderr,
        format!(
            "api / me\npostie: error: secret `run_token` is not set in request `me`\n \
             --> collections/api.toml:4:20\n  |\n4 | auth = {{ bearer = \"{{{{secret:run_token}}}}\" }}\n  \
             |                    ^^^^^^^^^^^^^^^^^^^^\n  = hint: set the environment variable \
             `POSTIE_SECRET_RUN_TOKEN` (the keyring is unavailable: {NO_BUS}; `postie secret doctor` \
             says more)\nsummary: 0 passed, 0 failed, 1 errored in <t>\n"
        )
    );
}
