//! The reports of issue 13, point 9, from real runs against a server on 127.0.0.1: the HTML
//! page opened in headless Chromium (renders, no console errors, no network requests, shows
//! a failing check's expected and actual values, secrets masked, big bodies cut), TAP 13 read
//! back by `tap.py`, the GitHub job summary appended to `$GITHUB_STEP_SUMMARY`; all of them
//! and JUnit/JSON/HAR written by one run.

mod support;

use std::error::Error;
use std::path::Path;
use std::process::Command;

use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

const SECRET: &str = "s3cr3t-t0ken-value-42";

fn server() -> support::TestServer {
    support::http_server(|r: &Recorded| {
        let json = |status: u16, body: String| {
            (
                status,
                vec![("content-type".to_string(), "application/json".to_string())],
                body.into_bytes(),
            )
        };
        match r.path().as_str() {
            "/ok" => json(200, r#"{"id":7,"name":"sofa"}"#.to_string()),
            "/big" => json(
                200,
                format!("[{}]", vec!["\"xxxxxxxxxx\""; 20_000].join(",")),
            ),
            // Echoes the authorization header: the report must mask it.
            _ => json(
                500,
                format!(
                    r#"{{"error":"boom","auth":"{}"}}"#,
                    r.header("authorization").unwrap_or("")
                ),
            ),
        }
    })
}

fn collection(base: &str) -> String {
    format!(
        r#"
[defaults]
headers = {{ Authorization = "Bearer {{{{secret:token}}}}" }}

[[requests]]
name = "get-ok"
url = "{base}/ok"
[requests.expect]
status = 200
json = {{ "$.name" = "sofa" }}

[[requests]]
name = "get-big"
url = "{base}/big"
[requests.expect]
status = 200

[[requests]]
name = "create-plan"
method = "POST"
url = "{base}/fail"
json = {{ name = "Spring sale" }}
[requests.expect]
status = 201
json = {{ "$.error" = "none" }}

[[requests]]
name = "later"
url = "{base}/ok"
skip = "not today"
"#
    )
}

/// Runs the collection with every report (and a job summary file); returns the sandbox.
fn run_with_reports(server: &support::TestServer) -> Result<Sandbox, Box<dyn Error>> {
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &collection(&server.url("")))?;
    let out = sandbox
        .command()
        .args(["run", "shop"])
        .args([
            "--report",
            "html=out/run.html",
            "--report",
            "tap=out/run.tap",
        ])
        .args([
            "--report",
            "junit=out/junit.xml",
            "--report",
            "json=out/run.json",
        ])
        .args(["--report", "har=out/run.har"])
        .env("POSTIE_SECRET_TOKEN", SECRET)
        .env("GITHUB_STEP_SUMMARY", sandbox.path().join("summary.md"))
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_SHA", "0123abc")
        .env("GITHUB_WORKSPACE", sandbox.path())
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["run.html", "run.tap", "junit.xml", "run.json", "run.har"] {
        let text = std::fs::read_to_string(sandbox.path().join("out").join(file))?;
        assert!(!text.contains(SECRET), "{file} leaks the secret");
    }
    Ok(sandbox)
}

/// What headless Chromium saw opening `page`: the DOM, the console messages, and the network
/// requests the page made (from Chromium's net log: URL requests whose network isolation key
/// is the page's `file://` site; the browser's own background requests have other keys).
/// Every host name resolves to nothing (`--host-resolver-rules`), so no request can leave
/// the machine whatever the page or the browser tries.
struct Seen {
    dom: String,
    console: Vec<String>,
    requests: Vec<String>,
}

fn open_in_chromium(page: &Path, work: &Path) -> Result<Seen, Box<dyn Error>> {
    let net_log = work.join("net-log.json");
    let out = Command::new(support::tools::chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--net-log-capture-mode=Everything",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&net_log)?)?;
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let requests = log["events"]
        .as_array()
        .ok_or("no events in the net log")?
        .iter()
        .filter(|e| e["type"] == start_job)
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    Ok(Seen {
        dom: String::from_utf8(out.stdout)?,
        console,
        requests,
    })
}

#[test]
fn the_html_report_renders_offline_in_chromium_and_shows_expected_and_actual() -> TestResult {
    let server = server();
    let sandbox = run_with_reports(&server)?;
    let page = sandbox.path().join("out/run.html");
    let seen = open_in_chromium(&page, sandbox.path())?;
    assert_eq!(seen.console, Vec::<String>::new());
    assert_eq!(seen.requests, Vec::<String>::new());
    // The failing check, expected and actual, as the browser's DOM holds it.
    assert!(
        seen.dom.contains("<tr class=\"check\"><td>status</td><td class=\"failed\">FAIL</td><td><code>201</code></td><td><code>500</code></td>"),
        "{}",
        seen.dom
    );
    assert!(
        seen.dom.contains("<td>json <code>$.error</code></td>") || seen.dom.contains("$.error")
    );
    assert!(seen.dom.contains(
        "<details class=\"request\" open=\"\"><summary><b class=\"failed\">FAILED</b> create-plan"
    ));
    assert!(seen.dom.contains("<b class=\"skipped\">SKIPPED</b> later"));
    // Pretty-printed JSON, the big body cut with its size, the secret masked.
    assert!(
        seen.dom
            .contains("{\n  \"id\": 7,\n  \"name\": \"sofa\"\n}")
    );
    assert!(
        seen.dom
            .contains("… (cut: the first 65.5 KB of 260.0 KB shown)"),
        "no cut note"
    );
    assert!(!seen.dom.contains(SECRET));
    assert!(
        seen.dom.contains("Bearer ••••") || seen.dom.contains("Bearer ***"),
        "masked header"
    );
    assert!(seen.dom.contains("class=\"wf\""), "waterfall");

    // The same checks catch a page that breaks the rules: a request and a console error.
    let html = std::fs::read_to_string(&page)?
        .replace(
            "default-src 'none'",
            "default-src *; script-src 'unsafe-inline'",
        )
        .replace(
            "</body>",
            "<img src=\"http://127.0.0.1:9/x.png\"><script>console.error('bad')</script></body>",
        );
    let bad = sandbox.path().join("bad.html");
    std::fs::write(&bad, html)?;
    let seen = open_in_chromium(&bad, &sandbox.path().join("control"))?;
    assert_eq!(seen.requests, ["http://127.0.0.1:9/x.png"]);
    assert_eq!(seen.console.len(), 1, "{:?}", seen.console);
    Ok(())
}

#[test]
fn tap_is_read_back_by_tap_py_and_the_job_summary_links_to_the_lines() -> TestResult {
    let server = server();
    let sandbox = run_with_reports(&server)?;
    let script = r#"
import sys
from tap.parser import Parser
for line in Parser().parse_file(sys.argv[1]):
    if line.category == "test":
        y = line.yaml_block or {}
        print(line.ok, line.number, line.description, line.skip, y.get("message"),
              [(f["check"], f["expected"], f["actual"]) for f in y.get("failures", [])], y.get("line"))
    elif line.category in ("plan", "version"):
        print(line.category, getattr(line, "expected_tests", None) or getattr(line, "version", None))
"#;
    let out = Command::new(support::tools::python())
        .args(["-c", script])
        .arg(sandbox.path().join("out/run.tap"))
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout)?.lines().collect::<Vec<_>>(),
        [
            "version 13",
            "plan 4",
            "True 1 - shop / get-ok False None [] None",
            "True 2 - shop / get-big False None [] None",
            "False 3 - shop / create-plan False status: expected 201, got 500 (+1 more) [('status', '201', '500'), ('json `$.error`', '\"none\"', '\"boom\"')] 18",
            "True 4 - shop / later True None [] None",
        ]
    );
    let summary = std::fs::read_to_string(sandbox.path().join("summary.md"))?;
    let link = "[collections/shop.toml:24](https://github.com/acme/shop/blob/0123abc/collections/shop.toml#L24)";
    assert!(
        summary.starts_with("### ❌ postie: 2 passed, 1 failed, 0 errored, 1 skipped in "),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "| request | result | why | where |\n|---|---|---|---|\n| shop / create-plan | FAIL | status: expected 201, got 500 (+1 more) | {link} |\n"
        )),
        "{summary}"
    );
    Ok(())
}
