//! No input crashes, hangs or balloons postie (issue 10, section 3): each hostile input ends by
//! itself, within a time bound, with the documented exit code and a message that says what is
//! wrong — never a panic (101), an abort (134), a hang or an unbounded allocation. The real
//! binary runs every case; the memory-hungry ones run under an address-space limit
//! (`ulimit -v`, enforced by the kernel), so "does not balloon" is measured, not assumed.

mod support;

use std::error::Error;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::sandbox::{Sandbox, std_command_in};

type TestResult = Result<(), Box<dyn Error>>;

/// The address space a memory-bounded case may use: far below what the unbounded versions
/// took (6 GB for the doubling variables, 32 GB for `--shard 1/4000000000`).
const MEMORY_LIMIT_KB: u64 = 1_500_000;

/// What one run ended with.
struct Ended {
    code: Option<i32>,
    stderr: String,
    stdout: String,
    took: Duration,
}

/// Runs `postie ARGS` in `dir`, killing it after `limit` (a hang fails the test, it does not
/// block the suite). With `memory`, under `ulimit -v MEMORY_LIMIT_KB`.
fn run_in(
    dir: &Path,
    args: &[&str],
    limit: Duration,
    memory: bool,
) -> Result<Ended, Box<dyn Error>> {
    let std = std_command_in(dir);
    let program = std.get_program().to_owned();
    let mut cmd = if memory {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("ulimit -v {MEMORY_LIMIT_KB} && exec \"$0\" \"$@\""))
            .arg(&program)
            .args(args);
        sh
    } else {
        let mut plain = Command::new(&program);
        plain.args(args);
        plain
    };
    cmd.current_dir(dir);
    for (key, value) in std.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    // Drain both pipes while it runs: a long error message must not fill a pipe and stall it.
    let out_reader = drain(child.stdout.take());
    let err_reader = drain(child.stderr.take());
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if started.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            let stderr = err_reader.join().unwrap_or_default();
            return Err(format!(
                "postie {} did not end within {limit:?}; stderr:\n{}",
                clip(&format!("{args:?}")),
                clip(&String::from_utf8_lossy(&stderr))
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    let status = child.wait()?;
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Ended {
        code: status.code(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        took,
    })
}

/// Reads a child's pipe to its end on a thread.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// At most 3000 characters of `text` (some cases have 70 KB URLs in their messages).
fn clip(text: &str) -> String {
    match text.char_indices().nth(3000) {
        Some((i, _)) => format!("{}… ({} bytes in all)", &text[..i], text.len()),
        None => text.to_string(),
    }
}

/// Asserts the exit code and that stderr holds every fragment (and no panic or abort).
fn expect(ended: &Ended, what: &str, code: i32, fragments: &[&str]) {
    assert!(
        !ended.stderr.contains("panicked") && !ended.stderr.contains("overflowed its stack"),
        "{what}: crashed:\n{}",
        clip(&ended.stderr)
    );
    assert_eq!(
        ended.code,
        Some(code),
        "{what}: exit code; stderr:\n{}\nstdout:\n{}",
        clip(&ended.stderr),
        clip(&ended.stdout)
    );
    for fragment in fragments {
        assert!(
            ended.stderr.contains(fragment),
            "{what}: no `{}` in stderr:\n{}",
            clip(fragment),
            clip(&ended.stderr)
        );
    }
}

/// Writes `NAME.toml` in the sandbox and runs `postie run NAME.toml EXTRA…`.
fn run_collection(
    sandbox: &Sandbox,
    name: &str,
    toml: &str,
    extra: &[&str],
    memory: bool,
) -> Result<Ended, Box<dyn Error>> {
    let file = format!("{name}.toml");
    std::fs::write(sandbox.path().join(&file), toml)?;
    let mut args = vec!["run", file.as_str()];
    args.extend_from_slice(extra);
    run_in(sandbox.path(), &args, Duration::from_secs(30), memory)
}

fn request(url: &str, rest: &str) -> String {
    format!("[[requests]]\nname = \"a\"\nurl = \"{url}\"\n{rest}\n")
}

// -------------------------------------------------------------------------------------------
// Durations
// -------------------------------------------------------------------------------------------

#[test]
fn every_duration_is_at_most_24_hours() -> TestResult {
    let sandbox = Sandbox::new()?;
    let url = "http://127.0.0.1:9/x";
    let cases: [(&str, String, &str); 6] = [
        (
            "expect_webhook.within",
            request(
                url,
                "expect_webhook = { path = \"/h\", within = \"300000000000y\" }",
            ),
            "within.toml:4:42",
        ),
        (
            "request timeout",
            request(url, "timeout = \"25h\""),
            "timeout.toml:4:11",
        ),
        (
            "[defaults] timeout",
            format!(
                "[defaults]\ntimeout = \"9999999999999d\"\n{}",
                request(url, "")
            ),
            "defaults.toml:2:11",
        ),
        (
            "retry interval",
            request(url, "retry = { times = 2, interval = \"48h\" }"),
            "retry.toml:4:33",
        ),
        (
            "expect.duration.below",
            request(url, "expect = { duration = { below = \"100000h\" } }"),
            "below.toml:4:33",
        ),
        (
            "[secrets] timeout",
            format!(
                "[secrets]\npw = {{ command = [\"true\"], timeout = \"2d\" }}\n{}",
                request(url, "")
            ),
            "secret.toml:2:38",
        ),
    ];
    let names = ["within", "timeout", "defaults", "retry", "below", "secret"];
    for ((what, toml, at), name) in cases.iter().zip(names) {
        let ended = run_collection(&sandbox, name, toml, &[], false)?;
        expect(&ended, what, 2, &["is longer than 24h", at, "at most 24h"]);
    }
    // The limit itself is accepted (`check` loads and validates the file).
    let ok = request(
        url,
        "timeout = \"24h\"\nexpect_webhook = { path = \"/h\", within = \"24h\" }",
    );
    std::fs::write(sandbox.path().join("ok.toml"), ok)?;
    let ended = run_in(
        sandbox.path(),
        &["check", "ok.toml"],
        Duration::from_secs(30),
        false,
    )?;
    expect(&ended, "24h", 0, &[]);
    // Command-line durations.
    std::fs::write(sandbox.path().join("plain.toml"), request(url, ""))?;
    for args in [
        &["run", "plain.toml", "--timeout", "25h"][..],
        &["run", "plain.toml", "--timeout", "300000000000y"][..],
        &["send", "GET", "http://127.0.0.1:9/", "--timeout", "1000d"][..],
        &["listen", "--delay", "100000000000y"][..],
    ] {
        let ended = run_in(sandbox.path(), args, Duration::from_secs(30), false)?;
        expect(&ended, &format!("{args:?}"), 2, &["at most 24h"]);
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Nesting: JSONPath and variables
// -------------------------------------------------------------------------------------------

fn json_check(path: &str) -> String {
    request(
        "http://127.0.0.1:9/x",
        &format!("[requests.expect.json]\n'{path}' = 1"),
    )
}

#[test]
fn deeply_nested_jsonpaths_are_refused_quickly() -> TestResult {
    let sandbox = Sandbox::new()?;
    let n = 5000;
    let parens = format!("$[?{}@.a{}]", "(".repeat(n), ")".repeat(n));
    let filters = format!("$.x{}.a{}", "[?@".repeat(100), "]".repeat(100));
    let functions = format!("$[?{}@.a{} == 1]", "length(".repeat(40), ")".repeat(40));
    let capture = request(
        "http://127.0.0.1:9/x",
        &format!("[requests.capture]\nid = 'json:{parens}'"),
    );
    let cases = [
        (
            "5000 parentheses",
            json_check(&parens),
            "brackets and parentheses more than 32 levels deep",
        ),
        (
            "100 nested filters",
            json_check(&filters),
            "brackets more than 8 levels deep",
        ),
        (
            "40 nested functions",
            json_check(&functions),
            "more than 32 levels deep",
        ),
        ("a capture's JSONPath", capture, "more than 32 levels deep"),
    ];
    for (i, (what, toml, fragment)) in cases.iter().enumerate() {
        let ended = run_collection(&sandbox, &format!("jp{i}"), toml, &[], false)?;
        expect(
            &ended,
            what,
            2,
            &["invalid JSONPath", fragment, &format!("jp{i}.toml:")],
        );
        assert!(
            ended.took < Duration::from_secs(10),
            "{what}: took {:?}",
            ended.took
        );
    }
    // Within the limits: 8 nested filters, 31 parentheses, brackets inside string literals.
    let fine = [
        format!("$.x{}.a{}", "[?@".repeat(7), "]".repeat(7)),
        format!("$[?{}@.a{}]", "(".repeat(30), ")".repeat(30)),
        format!("$[?@.name == \"{}\"]", "[(".repeat(100)),
    ];
    for (i, path) in fine.iter().enumerate() {
        std::fs::write(
            sandbox.path().join(format!("fine{i}.toml")),
            json_check(path),
        )?;
        let file = format!("fine{i}.toml");
        let ended = run_in(
            sandbox.path(),
            &["check", &file],
            Duration::from_secs(30),
            false,
        )?;
        expect(&ended, path, 0, &[]);
    }
    Ok(())
}

/// `v0 = "{{v1}}"`, `v1 = "{{v2}}"`, … `vN = "end"`, and a request using `v0`.
fn chain(n: usize) -> String {
    let mut toml = String::from("[vars]\n");
    for i in 0..n {
        toml.push_str(&format!("v{i} = \"{{{{v{}}}}}\"\n", i + 1));
    }
    toml.push_str(&format!("v{n} = \"end\"\n"));
    toml + &request("http://127.0.0.1:9/{{v0}}", "")
}

#[test]
fn a_long_chain_of_variables_is_a_clear_error() -> TestResult {
    let sandbox = Sandbox::new()?;
    for n in [65, 5000, 100_000] {
        let ended = run_collection(
            &sandbox,
            &format!("chain{n}"),
            &chain(n),
            &["--dry-run"],
            false,
        )?;
        expect(
            &ended,
            &format!("chain of {n}"),
            2,
            &[
                "variable `v0` refers through more than 64 variables",
                "`v0` -> `v1` -> `v2` -> … -> `v62` -> `v63` -> `v64`",
                "in request `a`",
            ],
        );
    }
    let ended = run_collection(&sandbox, "chain63", &chain(63), &["--dry-run"], false)?;
    expect(&ended, "chain of 63", 0, &[]);
    assert!(ended.stdout.contains("/end") || ended.stderr.contains("/end"));
    Ok(())
}

#[test]
fn exponential_expansion_stops_at_16_mib_naming_the_variable() -> TestResult {
    let sandbox = Sandbox::new()?;
    let doubling = |open: &str, close: &str, levels: usize| {
        let mut toml = String::from("[vars]\nv0 = \"0123456789abcdef\"\n");
        for i in 0..levels {
            toml.push_str(&format!(
                "v{} = {open}\"{{{{v{i}}}}}\", \"{{{{v{i}}}}}\"{close}\n",
                i + 1
            ));
        }
        toml
    };
    // Strings: `v1 = "{{v0}}{{v0}}"` … 16 B × 2^21 = 32 MiB at v21.
    let mut strings = String::from("[vars]\nv0 = \"0123456789abcdef\"\n");
    for i in 0..30 {
        strings.push_str(&format!("v{} = \"{{{{v{i}}}}}{{{{v{i}}}}}\"\n", i + 1));
    }
    assert!(strings.len() < 1024, "the hostile file is small");
    strings += &request("http://127.0.0.1:9/{{v30}}", "");
    let ended = run_collection(&sandbox, "strings", &strings, &["--dry-run"], true)?;
    expect(
        &ended,
        "doubling strings",
        2,
        &[
            "variable `v21` expands to more than 16 MiB",
            "strings.toml:23:",
            "doubles in size",
        ],
    );
    // Arrays: `v1 = ["{{v0}}", "{{v0}}"]` as a JSON body.
    let arrays =
        doubling("[", "]", 30) + &request("http://127.0.0.1:9/", "json = { x = \"{{v30}}\" }");
    let ended = run_collection(&sandbox, "arrays", &arrays, &["--dry-run"], true)?;
    expect(
        &ended,
        "doubling arrays",
        2,
        &["expands to more than 16 MiB", "in request `a`"],
    );
    // Many fields each under the limit: the request as a whole is bounded too.
    let mut wide = String::from("[vars]\nv0 = \"0123456789abcdef\"\n");
    for i in 0..19 {
        wide.push_str(&format!("v{} = \"{{{{v{i}}}}}{{{{v{i}}}}}\"\n", i + 1));
    }
    let headers: Vec<String> = (0..12)
        .map(|i| format!("X-{i} = \"{{{{v19}}}}\""))
        .collect();
    wide += &request(
        "http://127.0.0.1:9/",
        &format!("headers = {{ {} }}", headers.join(", ")),
    );
    let ended = run_collection(&sandbox, "wide", &wide, &["--dry-run"], true)?;
    expect(
        &ended,
        "12 headers of 8 MiB",
        2,
        &["expands to more than 64 MiB in all"],
    );
    Ok(())
}

// -------------------------------------------------------------------------------------------
// --shard and --jobs
// -------------------------------------------------------------------------------------------

#[test]
fn shard_and_jobs_are_bounded() -> TestResult {
    let server = support::http_server(|_| (200, Vec::new(), b"ok".to_vec()));
    let sandbox = Sandbox::new()?;
    let toml = format!(
        "{}[[requests]]\nname = \"b\"\nurl = \"{}\"\n",
        request(&server.url("/a"), ""),
        server.url("/b")
    );
    std::fs::write(sandbox.path().join("two.toml"), toml)?;
    // More shards than requests: each of the first shards gets one, as with a small N, and
    // nothing is allocated per shard (this took 32 GB).
    let ended = run_in(
        sandbox.path(),
        &["run", "two.toml", "--shard", "1/4000000000"],
        Duration::from_secs(30),
        true,
    )?;
    expect(&ended, "shard 1/4000000000", 0, &["two / a"]);
    let ended = run_in(
        sandbox.path(),
        &["run", "two.toml", "--shard", "4000000000/4000000000"],
        Duration::from_secs(30),
        true,
    )?;
    // A shard left with nothing is an error (no accidental green), not a crash.
    expect(
        &ended,
        "shard 4000000000/4000000000",
        2,
        &["shard 4000000000/4000000000 has no requests: the selection splits into 2 units"],
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path()).collect();
    let small = run_in(
        sandbox.path(),
        &["run", "two.toml", "--shard", "1/3"],
        Duration::from_secs(30),
        false,
    )?;
    expect(&small, "shard 1/3", 0, &["two / a"]);
    let after: Vec<String> = server.requests().iter().map(|r| r.path()).collect();
    assert_eq!(
        paths.len(),
        1,
        "the last of 4000000000 shards runs nothing: {paths:?}"
    );
    assert_eq!(
        after[1..],
        paths[..],
        "shard 1 of 3 and of 4000000000 agree"
    );
    for (args, fragment) in [
        (&["--shard", "0/0"][..], "expected K/N with 1 <= K <= N"),
        (&["--shard", "1/0"][..], "expected K/N with 1 <= K <= N"),
        (&["--shard", "5/4"][..], "expected K/N with 1 <= K <= N"),
        (&["--shard", "1/99999999999"][..], "expected K/N"),
        (&["--jobs", "0"][..], "0 is not in 1..=256"),
        (&["--jobs", "100000"][..], "not in 1..=256"),
    ] {
        let mut all = vec!["run", "two.toml"];
        all.extend_from_slice(args);
        let ended = run_in(sandbox.path(), &all, Duration::from_secs(30), false)?;
        expect(&ended, &format!("{args:?}"), 2, &[fragment]);
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------
// [secrets] commands
// -------------------------------------------------------------------------------------------

fn secret_collection(command: &str, timeout: Option<&str>) -> String {
    let timeout = timeout.map_or(String::new(), |t| format!(", timeout = \"{t}\""));
    format!(
        "[secrets]\npw = {{ command = {command}{timeout} }}\n{}",
        request(
            "http://127.0.0.1:9/",
            "headers = { X-Token = \"{{secret:pw}}\" }"
        )
    )
}

#[test]
fn secret_commands_are_bounded_in_time_and_output() -> TestResult {
    let sandbox = Sandbox::new()?;
    // Never ends: killed after its timeout.
    let toml = secret_collection(r#"["sleep", "600"]"#, Some("1s"));
    let ended = run_collection(&sandbox, "slow", &toml, &["--dry-run"], false)?;
    expect(
        &ended,
        "sleep 600",
        4,
        &[
            "secret `pw`: `sleep 600` did not finish within 1s",
            "timeout = \"2m\"",
            "POSTIE_SECRET_PW",
        ],
    );
    assert!(
        ended.took < Duration::from_secs(15),
        "took {:?}",
        ended.took
    );
    // Closes stdout but keeps running.
    let toml = secret_collection(
        r#"["sh", "-c", "echo s3cret; exec >&-; exec sleep 600"]"#,
        Some("1s"),
    );
    let ended = run_collection(&sandbox, "lingers", &toml, &["--dry-run"], false)?;
    expect(
        &ended,
        "lingering command",
        4,
        &["did not finish within 1s"],
    );
    // Prints forever: stopped at the output cap, long before any timeout.
    let toml = secret_collection(r#"["yes"]"#, None);
    let ended = run_collection(&sandbox, "yes", &toml, &["--dry-run"], true)?;
    expect(
        &ended,
        "yes",
        4,
        &["secret `pw`: `yes` printed more than 64 KiB"],
    );
    assert!(
        ended.took < Duration::from_secs(15),
        "took {:?}",
        ended.took
    );
    // A normal command still works, and 64 KiB exactly is accepted.
    let toml = secret_collection(r#"["printf", "s3cret\n"]"#, Some("5s"));
    let ended = run_collection(&sandbox, "fine", &toml, &["--dry-run"], false)?;
    expect(&ended, "printf", 0, &[]);
    let toml = secret_collection(r#"["head", "-c", "65536", "/dev/zero"]"#, None);
    let ended = run_collection(&sandbox, "cap", &toml, &["--dry-run"], false)?;
    assert!(
        !ended.stderr.contains("more than 64 KiB"),
        "{}",
        ended.stderr
    );
    Ok(())
}

// -------------------------------------------------------------------------------------------
// Collection files and their contents
// -------------------------------------------------------------------------------------------

#[test]
fn fifos_devices_and_directories_are_refused_without_blocking() -> TestResult {
    let sandbox = Sandbox::new()?;
    let made = Command::new("mkfifo")
        .arg(sandbox.path().join("fifo.toml"))
        .status()?;
    assert!(made.success(), "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", sandbox.path().join("zero.toml"))?;
    std::fs::create_dir(sandbox.path().join("dir.toml"))?;
    for (target, kind) in [
        ("fifo.toml", "it is a FIFO (named pipe), not a regular file"),
        ("zero.toml", "it is a device, not a regular file"),
        ("/dev/zero", "it is a device, not a regular file"),
        ("/dev/null", "it is a device, not a regular file"),
        ("dir.toml", "it is a directory, not a regular file"),
        ("fifo.toml/a", "it is a FIFO"),
    ] {
        let ended = run_in(
            sandbox.path(),
            &["run", target],
            Duration::from_secs(10),
            false,
        )?;
        expect(&ended, target, 2, &["could not read collection", kind]);
        let ended = run_in(
            sandbox.path(),
            &["check", target],
            Duration::from_secs(10),
            false,
        )?;
        expect(&ended, &format!("check {target}"), 2, &[kind]);
    }
    // A pipe on stdin, named as /dev/stdin.
    let mut child = std_command_in(sandbox.path())
        .args(["run", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let _keep_open = child.stdin.take();
    let started = Instant::now();
    while child.try_wait()?.is_none() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    if child.try_wait()?.is_none() {
        child.kill()?;
        return Err("postie run /dev/stdin blocked on the pipe".into());
    }
    let out = child.wait_with_output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is a FIFO"));
    Ok(())
}

#[test]
fn bad_contents_point_at_file_line_and_column() -> TestResult {
    let sandbox = Sandbox::new()?;
    // Not UTF-8: the first bad byte.
    std::fs::write(
        sandbox.path().join("latin1.toml"),
        b"[[requests]]\nname = \"caf\xe9\"\nurl = \"http://127.0.0.1:9/\"\n",
    )?;
    for command in ["run", "check"] {
        let ended = run_in(
            sandbox.path(),
            &[command, "latin1.toml"],
            Duration::from_secs(30),
            false,
        )?;
        expect(
            &ended,
            "latin-1 collection",
            2,
            &[
                "`latin1.toml` is not UTF-8 text: byte 0xE9 here",
                "--> latin1.toml:2:12",
            ],
        );
    }
    let url = "http://127.0.0.1:9/x";
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "missing body file",
            request(url, "method = \"POST\"\nfile = \"nope.bin\""),
            vec![
                "body file `nope.bin` not found in request `a`",
                "missing.toml:5:8",
                "nope.bin`",
            ],
        ),
        (
            "missing multipart file",
            request(
                url,
                "method = \"POST\"\nmultipart = { doc = { file = \"gone/x.pdf\" } }",
            ),
            vec!["body file `gone/x.pdf` not found", "multipart.toml:5:"],
        ),
        (
            "body file is a directory",
            request(url, "method = \"POST\"\nfile = \".\""),
            vec!["body file `.` is a directory", "dirbody.toml:5:8"],
        ),
        (
            "status = []",
            request(url, "expect = { status = [] }"),
            vec![
                "`status = []` matches no status in request `a`",
                "nostatus.toml:4:21",
            ],
        ),
        (
            "skip_if naming an unknown variable",
            request(url, "skip_if = \"{{offline}}\""),
            vec![
                "unknown variable `offline` in request `a`",
                "skipif.toml:4:12",
            ],
        ),
        (
            "a URL over 64 KB",
            request(&format!("http://127.0.0.1:9/{}", "a".repeat(70_000)), ""),
            vec![
                "is 70019 bytes long, over the limit of 64 KB",
                "longurl.toml:3:7",
            ],
        ),
        (
            "a URL over 64 KB through its query",
            format!(
                "[vars]\nbig = \"{}\"\n{}",
                "b".repeat(40_000),
                request(url, "query = { a = \"{{big}}\", b = \"{{big}}\" }")
            ),
            vec!["over the limit of 64 KB", "longquery.toml:5:7"],
        ),
        (
            "no requests",
            "name = \"empty\"\n".to_string(),
            vec!["collection `empty.toml` has no requests", "[[requests]]"],
        ),
    ];
    let names = [
        "missing",
        "multipart",
        "dirbody",
        "nostatus",
        "skipif",
        "longurl",
        "longquery",
        "empty",
    ];
    for ((what, toml, fragments), name) in cases.iter().zip(names) {
        for extra in [&[][..], &["--dry-run"][..]] {
            let ended = run_collection(&sandbox, name, toml, extra, false)?;
            expect(&ended, what, 2, fragments);
        }
    }
    // The same skip_if with the variable given: skipped, as documented.
    let ended = run_collection(
        &sandbox,
        "skipif",
        &cases[4].1,
        &["--var", "offline=1"],
        false,
    )?;
    expect(&ended, "skip_if with --var", 0, &["skipped: skip_if"]);
    // Just under the URL limit is fine.
    let toml = request(&format!("http://127.0.0.1:9/{}", "a".repeat(63_000)), "");
    let ended = run_collection(&sandbox, "nearly", &toml, &["--dry-run"], false)?;
    expect(&ended, "a 63 KB URL", 0, &[]);
    Ok(())
}

// -------------------------------------------------------------------------------------------
// HTTP protocol errors
// -------------------------------------------------------------------------------------------

#[test]
fn protocol_errors_name_the_host_and_give_a_hint() -> TestResult {
    let sandbox = Sandbox::new()?;
    let answers: [(&[u8], &str); 4] = [
        (b"HELLO WORLD\r\n\r\n", "invalid HTTP version parsed"),
        (
            b"HTTP/1.1 999999 OK\r\n\r\n",
            "invalid HTTP status-code parsed",
        ),
        (
            b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
            "invalid HTTP header parsed",
        ),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "invalid HTTP version parsed"),
    ];
    for (answer, reason) in answers {
        let server = support::raw_server(answer.to_vec());
        let url = server.url("/x");
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/x")
            .to_string();
        let what = String::from_utf8_lossy(answer).into_owned();
        let fragments = [
            format!("`{addr}` did not answer with valid HTTP: {reason}"),
            "hint: is an HTTP server listening on that port?".to_string(),
        ];
        let fragments: Vec<&str> = fragments.iter().map(String::as_str).collect();
        let ended = run_in(
            sandbox.path(),
            &["send", "GET", &url],
            Duration::from_secs(30),
            false,
        )?;
        expect(&ended, &what, 3, &fragments);
        let ended = run_collection(&sandbox, "proto", &request(&url, ""), &[], false)?;
        expect(&ended, &what, 3, &fragments);
    }
    Ok(())
}

#[test]
fn send_refuses_a_url_over_64_kb_with_the_limit_and_a_hint() -> Result<(), Box<dyn Error>> {
    let sandbox = Sandbox::new()?;
    let long = format!("http://127.0.0.1:9/?q={}", "x".repeat(70_000));
    let out = sandbox.command().args(["send", "GET", &long]).output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.starts_with(
            "postie: error: the URL is 70022 bytes long, over the limit of 64 KB (64000 bytes)\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: servers refuse URLs this long"),
        "{stderr}"
    );
    // Just under the limit it goes out (and here meets a closed port: exit 3).
    let fits = format!("http://127.0.0.1:9/?q={}", "x".repeat(63_000));
    let out = sandbox.command().args(["send", "GET", &fits]).output()?;
    assert_eq!(out.status.code(), Some(3));
    Ok(())
}
