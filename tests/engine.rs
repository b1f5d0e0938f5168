//! The run engine end to end: one connection pool per run (a server counts the TCP
//! connections it accepts), the structured JSON report, and the HAR export checked by the
//! third-party `har-validator` (HAR 1.2 schemas, from the npm registry, set up by
//! `scripts/test`).

mod support;

use std::error::Error;

use serde_json::Value;
use support::sandbox::Sandbox;
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

fn json_reply(status: u16, body: &str) -> Reply {
    (
        status,
        vec![("content-type".to_owned(), "application/json".to_owned())],
        body.as_bytes().to_vec(),
    )
}

fn echo(_: &Recorded) -> Reply {
    json_reply(200, r#"{"ok":true}"#)
}

/// A collection of `n` sequential GETs of `base/NAME/i`, each checking the status.
fn many(base: &str, name: &str, n: usize, parallel: bool) -> String {
    let mut toml = String::new();
    for i in 0..n {
        toml.push_str(&format!(
            "[[requests]]\nname = \"r{i}\"\nurl = \"{base}/{name}/{i}\"\nparallel = {parallel}\n[requests.expect]\nstatus = 200\n\n"
        ));
    }
    toml
}

#[test]
fn a_collection_of_100_requests_uses_one_connection() -> TestResult {
    let server = support::http_server(echo);
    let sandbox = Sandbox::new()?;
    sandbox.collection("hundred", &many(&server.url(""), "h", 100, false))?;
    sandbox
        .postie()?
        .args(["run", "hundred", "-q"])
        .assert()
        .code(0);
    assert_eq!(server.hits(), 100);
    assert_eq!(
        server.connections(),
        1,
        "one keep-alive connection for the run"
    );
    Ok(())
}

#[test]
fn four_collections_with_jobs_4_share_at_most_4_connections() -> TestResult {
    let server = support::http_server(echo);
    let sandbox = Sandbox::new()?;
    let mut targets = vec!["run".to_string()];
    for c in 0..4 {
        let name = format!("c{c}");
        sandbox.collection(&name, &many(&server.url(""), &name, 25, false))?;
        targets.push(name);
    }
    sandbox
        .postie()?
        .args(&targets)
        .args(["--jobs", "4", "-q"])
        .assert()
        .code(0);
    assert_eq!(server.hits(), 100);
    let connections = server.connections();
    assert!(
        (1..=4).contains(&connections),
        "4 jobs of 25 sequential requests each opened {connections} connections"
    );
    Ok(())
}

#[test]
fn a_parallel_group_reuses_connections_across_its_batches() -> TestResult {
    let server = support::http_server(echo);
    let sandbox = Sandbox::new()?;
    sandbox.collection("par", &many(&server.url(""), "p", 40, true))?;
    sandbox
        .postie()?
        .args(["run", "par", "--jobs", "4", "-q"])
        .assert()
        .code(0);
    assert_eq!(server.hits(), 40);
    let connections = server.connections();
    // 10 batches of 4 at once: each batch finds the previous batch's connections idle.
    assert!(
        (1..=4).contains(&connections),
        "40 requests, 4 at a time, opened {connections} connections"
    );
    Ok(())
}

const SECRET: &str = "hunter2 \"quoted\"/+%&";

fn reported_collection(base: &str) -> String {
    format!(
        r#"
[[requests]]
name = "list"
url = "{base}/plans?page=1"
headers = {{ X-Api-Key = "{{{{secret:api_key}}}}" }}
[requests.expect]
status = 200

[[requests]]
name = "create"
method = "POST"
url = "{base}/plans"
json = {{ name = "spring", token = "{{{{secret:api_key}}}}" }}
[requests.expect]
status = 201

[[requests]]
name = "gone"
url = "http://127.0.0.1:9/unreachable"
"#
    )
}

fn reporting_server() -> support::TestServer {
    support::http_server(|r: &Recorded| {
        if r.method == "POST" {
            // Echo the body back: the secret in it must be masked in every report.
            (
                500,
                vec![("content-type".to_owned(), "application/json".to_owned())],
                r.body.clone(),
            )
        } else {
            json_reply(200, r#"[{"id":1}]"#)
        }
    })
}

/// Runs the three requests with `--report KIND=PATH`; returns the file's JSON.
fn run_with_report(kind: &str) -> Result<(Value, String), Box<dyn Error>> {
    let server = reporting_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &reported_collection(&server.url("")))?;
    let path = sandbox.path().join(format!("out/run.{kind}"));
    sandbox
        .postie()?
        .args(["run", "shop", "-q", "--report"])
        .arg(format!("{kind}={}", path.display()))
        .env("POSTIE_SECRET_API_KEY", SECRET)
        .assert()
        .code(3);
    let text = std::fs::read_to_string(&path)?;
    Ok((serde_json::from_str(&text)?, text))
}

#[test]
fn the_json_report_holds_requests_and_responses_as_objects() -> TestResult {
    let (report, text) = run_with_report("json")?;
    assert!(!text.contains("hunter2"), "secret in the report:\n{text}");
    let requests = &report["collections"][0]["requests"];
    let list = &requests[0]["attempts"][0];
    let request = &list["request"];
    assert_eq!(request["method"], "GET");
    assert!(
        request["url"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/plans?page=1")
    );
    assert_eq!(request["http_version"], "HTTP/1.1");
    // Header lines in wire order, as [name, value] pairs; the secret masked.
    let headers: Vec<(String, String)> = serde_json::from_value(request["headers"].clone())?;
    assert_eq!(
        headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["x-api-key", "user-agent", "accept", "accept-encoding"]
    );
    assert_eq!(headers[0].1, "••••••");
    assert_eq!(request["body"], Value::Null);
    let response = &list["response"];
    assert_eq!(response["status"], 200);
    assert_eq!(response["reason"], "OK");
    assert_eq!(response["http_version"], "HTTP/1.1");
    assert_eq!(response["body"]["text"], r#"[{"id":1}]"#);
    assert_eq!(response["body"]["size"], 10);
    assert!(response["headers"].as_array().is_some_and(|h| {
        h.iter()
            .any(|p| p[0] == "content-type" && p[1] == "application/json")
    }));
    let timings = &list["timings"];
    for phase in ["ttfb_ms", "total_ms"] {
        assert!(
            timings[phase].as_f64().is_some_and(|ms| ms >= 0.0),
            "{phase}: {timings}"
        );
    }
    assert_eq!(
        timings["tls_ms"],
        Value::Null,
        "plain HTTP has no TLS phase"
    );

    // Every check as it ran, passed ones too, with the line it is written on.
    assert_eq!(
        list["checks"],
        serde_json::json!([{"what": "status", "expected": "200", "actual": "200", "line": 7, "passed": true}])
    );
    let create = &requests[1]["attempts"][0];
    assert_eq!(
        create["checks"],
        serde_json::json!([{"what": "status", "expected": "201", "actual": "500", "line": 15, "passed": false}])
    );
    assert_eq!(create["failures"][0]["actual"], "500");
    assert_eq!(requests[1]["verdict"], "failed");
    let body = create["request"]["body"]["text"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(body, r#"{"name":"spring","token":"••••••"}"#);
    assert_eq!(create["response"]["status"], 500);
    assert_eq!(
        create["response"]["body"]["text"],
        r#"{"name":"spring","token":"••••••"}"#
    );

    let gone = &requests[2];
    assert_eq!(gone["verdict"], "errored");
    assert_eq!(gone["exit_code"], 3);
    assert_eq!(gone["attempts"][0]["response"], Value::Null);
    assert!(
        gone["attempts"][0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("connection refused by 127.0.0.1:9")),
        "{}",
        gone["attempts"][0]["error"]
    );
    Ok(())
}

#[test]
fn the_har_export_is_valid_har_1_2_and_masks_secrets() -> TestResult {
    let (har, text) = run_with_report("har")?;
    assert!(!text.contains("hunter2"), "secret in the HAR file:\n{text}");
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("run.har");
    std::fs::write(&path, &text)?;
    // The third-party validator (HAR 1.2 JSON schemas).
    if let Err(errors) = support::tools::har_validate(&path) {
        panic!(
            "har-validator rejects the export:\n{}\n{text}",
            errors.join("\n")
        );
    }
    // And it can fail: the same file without a required field is rejected.
    let mut broken = har.clone();
    broken["log"]["entries"][0]
        .as_object_mut()
        .ok_or("no entry")?
        .remove("timings");
    std::fs::write(&path, serde_json::to_string(&broken)?)?;
    assert!(support::tools::har_validate(&path).is_err());

    let entries = har["log"]["entries"].as_array().ok_or("no entries")?;
    assert_eq!(entries.len(), 3, "one entry per attempt");
    assert_eq!(har["log"]["version"], "1.2");
    let list = &entries[0];
    assert_eq!(list["request"]["method"], "GET");
    assert_eq!(
        list["request"]["queryString"],
        serde_json::json!([{"name": "page", "value": "1"}])
    );
    assert_eq!(list["response"]["status"], 200);
    assert_eq!(list["response"]["content"]["text"], r#"[{"id":1}]"#);
    let timings = &list["timings"];
    for phase in ["send", "wait", "receive"] {
        assert!(
            timings[phase].as_f64().is_some_and(|ms| ms >= 0.0),
            "{phase}: {timings}"
        );
    }
    // A new connection: connect measured; plain HTTP: no TLS.
    assert!(
        timings["connect"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{timings}"
    );
    assert_eq!(timings["ssl"], -1.0);
    let create = &entries[1];
    assert_eq!(
        create["request"]["postData"]["text"],
        r#"{"name":"spring","token":"••••••"}"#
    );
    assert_eq!(
        create["request"]["postData"]["mimeType"],
        "application/json"
    );
    // The second request reuses the first one's connection.
    assert_eq!(create["timings"]["connect"], -1.0);
    let gone = &entries[2];
    assert_eq!(gone["response"]["status"], 0);
    assert!(
        gone["_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("connection refused by 127.0.0.1:9")),
        "{gone}"
    );
    Ok(())
}

/// A server whose header carries a C1 control (U+009B, read as `ESC [` by
/// some terminals) and whose body carries ESC sequences (clear screen, set the title).
fn hostile_server() -> support::TestServer {
    let body = "before\x1b[2J\x1b]0;pwned\x07after\r\n";
    let response = format!(
        "HTTP/1.1 200 OK\r\nx-evil: a\u{9b}31mb\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    support::raw_server(response.into_bytes())
}

/// The hostile server and a sandbox with a collection of one GET of it.
fn hostile_sandbox() -> Result<(support::TestServer, Sandbox), Box<dyn Error>> {
    let server = hostile_server();
    let sandbox = Sandbox::new()?;
    let url = server.url("/x");
    sandbox.collection(
        "evil",
        &format!("[[requests]]\nname = \"get\"\nurl = \"{url}\"\n"),
    )?;
    Ok((server, sandbox))
}

#[test]
fn on_a_terminal_what_a_server_sends_cannot_drive_it() -> TestResult {
    let (_server, sandbox) = hostile_sandbox()?;
    let out = sandbox
        .postie()?
        .args(["run", "evil", "-v", "--color", "never"])
        .env("POSTIE_TEST_TTY", "stdout,stderr")
        .env_remove("CI")
        .output()?;
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout)?;
    let stderr = String::from_utf8(out.stderr)?;
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text
                .chars()
                .any(|c| matches!(c, '\x1b' | '\x07' | '\r' | '\u{9b}')),
            "raw control character on {name}:\n{text:?}"
        );
    }
    assert_eq!(stdout, "before\\x1b[2J\\x1b]0;pwned\\x07after\\r\n");
    assert!(stderr.contains("x-evil: a\\u{9b}31mb"), "{stderr}");
    Ok(())
}

#[test]
fn piped_the_body_keeps_its_exact_bytes() -> TestResult {
    let (_server, sandbox) = hostile_sandbox()?;
    let out = sandbox.postie()?.args(["run", "evil"]).output()?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"before\x1b[2J\x1b]0;pwned\x07after\r\n");
    Ok(())
}

/// `/hop/N` redirects to `/hop/N-1`; `/hop/0` answers 200.
fn hopping_server() -> support::TestServer {
    support::http_server(|r: &Recorded| {
        let n: u32 = r.path().trim_start_matches("/hop/").parse().unwrap_or(0);
        if n == 0 {
            json_reply(200, r#"{"done":true}"#)
        } else {
            (
                302,
                vec![("location".to_owned(), format!("/hop/{}", n - 1))],
                Vec::new(),
            )
        }
    })
}

#[test]
fn max_redirects_per_request_and_per_run_agree_with_curl() -> TestResult {
    let server = hopping_server();
    let sandbox = Sandbox::new()?;
    let url = server.url("/hop/3");
    sandbox.collection(
        "hops",
        &format!(
            "[[requests]]\nname = \"two\"\nurl = \"{url}\"\nmax_redirects = 2\n\n[[requests]]\nname = \"default\"\nurl = \"{url}\"\n"
        ),
    )?;
    // A request's own limit: 3 hops are too many for 2 (curl: exit 47, "Maximum (2) redirects").
    let out = sandbox.postie()?.args(["run", "hops/two"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("too many redirects (more than 2)"),
        "{stderr}"
    );
    let curl = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-L", "--max-redirs", "2", &url])
        .status()?;
    assert_eq!(curl.code(), Some(47), "curl agrees that 3 hops exceed 2");
    // The run's limit for requests without one; the default (10) follows all 3.
    sandbox
        .postie()?
        .args(["run", "hops/default"])
        .assert()
        .code(0);
    let out = sandbox
        .postie()?
        .args(["run", "hops/default", "--max-redirects", "1"])
        .output()?;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8(out.stderr)?.contains("(more than 1)"));
    // The request's own limit wins over the run's.
    sandbox
        .postie()?
        .args(["run", "hops/default", "--max-redirects", "3"])
        .assert()
        .code(0);
    let out = sandbox
        .postie()?
        .args(["run", "hops/two", "--max-redirects", "5"])
        .output()?;
    assert_eq!(out.status.code(), Some(3));
    // Out of range is a collection error at its line.
    sandbox.collection(
        "bad",
        &format!("[[requests]]\nname = \"x\"\nurl = \"{url}\"\nmax_redirects = 99\n"),
    )?;
    let out = sandbox.postie()?.args(["run", "bad"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("`max_redirects` must be between 0 and 50"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.toml:4:"), "{stderr}");
    Ok(())
}

#[test]
fn the_reports_record_each_redirect_followed() -> TestResult {
    let server = hopping_server();
    let sandbox = Sandbox::new()?;
    let url = server.url("/hop/2");
    sandbox.collection(
        "hops",
        &format!("[[requests]]\nname = \"r\"\nurl = \"{url}\"\n"),
    )?;
    let json_path = sandbox.path().join("run.json");
    let har_path = sandbox.path().join("run.har");
    sandbox
        .postie()?
        .args(["run", "hops", "-q", "--report"])
        .arg(format!("json={}", json_path.display()))
        .arg("--report")
        .arg(format!("har={}", har_path.display()))
        .assert()
        .code(0);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_path)?)?;
    let hops = &report["collections"][0]["requests"][0]["attempts"][0]["redirects"];
    assert_eq!(
        hops,
        &serde_json::json!([
            {"status": 302, "from": server.url("/hop/2"), "to": server.url("/hop/1"), "dropped": []},
            {"status": 302, "from": server.url("/hop/1"), "to": server.url("/hop/0"), "dropped": []},
        ])
    );
    let har: Value = serde_json::from_str(&std::fs::read_to_string(&har_path)?)?;
    assert_eq!(har["log"]["entries"][0]["_redirects"], *hops);
    assert_eq!(har["log"]["entries"][0]["response"]["status"], 200);
    Ok(())
}
