//! Retries on chosen statuses (issue 13, point 8): `retry = { on = [...] }`, `--retry-status`,
//! `Retry-After` (seconds, HTTP-date, capped by `max_wait`), backoff with jitter, every attempt
//! in the records, JUnit `<flakyFailure>` read back by `junitparser`, flaky counts in the
//! summary. The real binary against a server on 127.0.0.1 that answers from a script.

mod support;

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use regex::Regex;
use support::sandbox::Sandbox;
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

/// Answers the n-th request with `script[n]` (the last one again after the end).
fn scripted(script: Vec<Reply>) -> support::TestServer {
    let n = Arc::new(AtomicUsize::new(0));
    support::http_server(move |_: &Recorded| {
        let i = n.fetch_add(1, Ordering::SeqCst).min(script.len() - 1);
        script[i].clone()
    })
}

fn reply(status: u16, headers: &[(&str, &str)]) -> Reply {
    let headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    (status, headers, format!("status {status}").into_bytes())
}

fn collection(url: &str, retry: &str) -> String {
    format!(
        "[[requests]]\nname = \"busy\"\nurl = \"{url}\"\n{retry}\n[requests.expect]\nstatus = 200\n"
    )
}

/// The `↻` lines of stderr.
fn retry_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains('↻'))
        .map(|l| l.trim().to_string())
        .collect()
}

/// `(name, passed, flaky failures, flaky errors, failures)` per test case, from junitparser.
fn junit_cases(path: &std::path::Path) -> Result<Vec<String>, Box<dyn Error>> {
    let script = r#"
import sys
from junitparser.xunit2 import JUnitXml
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        print(case.name, case.is_passed, len(case.flaky_failures()), len(case.flaky_errors()),
              [f.message for f in case.flaky_failures()], [r.message for r in case.result])
"#;
    let out = std::process::Command::new(support::tools::python())
        .args(["-c", script])
        .arg(path)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let durations = Regex::new(r"\d+(\.\d+)? (µs|ms|s)\b")?;
    Ok(String::from_utf8(out.stdout)?
        .lines()
        .map(|l| durations.replace_all(l, "T").into_owned())
        .collect())
}

#[test]
fn retry_after_seconds_and_http_date_are_honoured_and_junit_marks_the_request_flaky() -> TestResult
{
    let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    let server = scripted(vec![
        reply(429, &[("retry-after", "1")]),
        reply(503, &[("retry-after", soon.as_str())]),
        reply(200, &[]),
    ]);
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "api",
        &format!(
            "{}\n[[requests]]\nname = \"after\"\nurl = \"{}\"\n",
            collection(&server.url("/x"), "retry = { on = [429, 503], times = 3 }"),
            server.url("/y")
        ),
    )?;
    let started = Instant::now();
    let out = sandbox
        .command()
        .args([
            "run",
            "api",
            "--report",
            "junit=junit.xml",
            "--report",
            "json=run.json",
        ])
        .output()?;
    let elapsed = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.hits(), 4);
    // 1 s, then what is left to the HTTP-date (3 s ahead, cut to the second: at least 2 s).
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    let lines = retry_lines(&out.stderr);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        "↻ 429 on attempt 1 of 3; again in 1.00 s (Retry-After)"
    );
    assert!(
        Regex::new(r"^↻ 503 on attempt 2 of 3; again in [0-9.]+ (ms|s) \(Retry-After\)$")?
            .is_match(&lines[1]),
        "{}",
        lines[1]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 passed, 0 failed, 0 errored (1 flaky) in"),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("run.json"))?)?;
    let busy = &json["collections"][0]["requests"][0];
    assert_eq!(busy["flaky"], true);
    assert_eq!(
        busy["attempts"][0]["retry"],
        serde_json::json!({"cause": "status", "status": 429, "wait_ms": 1000.0, "retry_after": true})
    );
    assert_eq!(busy["attempts"][1]["retry"]["status"], 503);
    assert_eq!(busy["attempts"][2]["retry"], serde_json::Value::Null);
    assert_eq!(json["collections"][0]["requests"][1]["flaky"], false);
    assert_eq!(
        junit_cases(&sandbox.path().join("junit.xml"))?,
        [
            "busy True 2 0 ['429 (1 failed check) in T', '503 (1 failed check) in T'] []",
            "after True 0 0 [] []"
        ]
    );
    Ok(())
}

#[test]
fn retry_after_is_capped_by_max_wait_and_backoff_has_jitter() -> TestResult {
    let server = scripted(vec![
        reply(503, &[("retry-after", "3600")]),
        reply(503, &[]),
        reply(503, &[]),
        reply(200, &[]),
    ]);
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "api",
        &collection(
            &server.url("/x"),
            "retry = { on = [503], times = 4, interval = \"40ms\", max_wait = \"150ms\" }",
        ),
    )?;
    let out = sandbox.command().args(["run", "api"]).output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.hits(), 4);
    let lines = retry_lines(&out.stderr);
    assert_eq!(
        lines[0],
        "↻ 503 on attempt 1 of 3; again in 150.0 ms (Retry-After)".replace("of 3", "of 4")
    );
    // Backoff steps 80 ms then 150 ms (160 capped); each wait is in the upper half of its step.
    let wait = Regex::new(r"again in ([0-9.]+) ms$")?;
    for (line, step) in lines[1..].iter().zip([80.0, 150.0]) {
        let ms: f64 = wait
            .captures(line)
            .ok_or_else(|| format!("no wait in `{line}`"))?[1]
            .parse()?;
        assert!(
            ms >= step / 2.0 - 0.5 && ms <= step + 0.5,
            "{line} (step {step})"
        );
    }
    Ok(())
}

#[test]
fn retry_status_flag_and_exhausted_retries() -> TestResult {
    let server = scripted(vec![reply(503, &[]), reply(503, &[]), reply(200, &[])]);
    let sandbox = Sandbox::new()?;
    sandbox.collection("api", &collection(&server.url("/x"), ""))?;
    // Without --retry: 2 more attempts; waits from 1 s backoff (0.5 to 1 s, then 1 to 2 s).
    sandbox
        .command()
        .args(["run", "api", "--retry-status", "429,503"])
        .assert()
        .code(0);
    assert_eq!(server.hits(), 3);

    let always = scripted(vec![reply(503, &[("retry-after", "0")])]);
    sandbox.collection("api", &collection(&always.url("/x"), ""))?;
    let out = sandbox
        .command()
        .args(["run", "api", "--retry-status", "503", "--retry", "1"])
        .args(["--report", "junit=junit.xml"])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(always.hits(), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The failure is shown once, for the last attempt.
    assert_eq!(stderr.matches("✗ status").count(), 1, "{stderr}");
    assert_eq!(
        junit_cases(&sandbox.path().join("junit.xml"))?,
        ["busy False 0 0 [] ['expected 200, got 503']"]
    );
    // A status the flag doesn't name is not retried.
    let other = scripted(vec![reply(500, &[])]);
    sandbox.collection("api", &collection(&other.url("/x"), ""))?;
    sandbox
        .command()
        .args(["run", "api", "--retry-status", "503"])
        .assert()
        .code(1);
    assert_eq!(other.hits(), 1);
    Ok(())
}

#[test]
fn bad_retry_statuses_are_errors() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "api",
        &collection("http://127.0.0.1:9/", "retry = { on = [42], times = 2 }"),
    )?;
    let out = sandbox.command().args(["run", "api"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("a status in `on` must be between 100 and 599 in `retry` in request `busy`"),
        "{stderr}"
    );
    assert!(stderr.contains("api.toml:4:"), "{stderr}");
    sandbox
        .command()
        .args(["run", "api", "--retry-status", "abc"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value 'abc' for '--retry-status",
        ));
    Ok(())
}
