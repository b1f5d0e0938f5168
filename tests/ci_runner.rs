//! End-to-end tests of `postie run` as a CI runner (issue 4): checks, captures, depends_on,
//! retries, selection, `--jobs`, `--shard`, reports, `--var-file`, exit codes — the real binary
//! against servers on 127.0.0.1 started by each test.
//!
//! stderr is compared after replacing durations with `T`, the servers' ports with `PORT` and
//! the `date` response header's value with `DATE`.

mod support;

use std::collections::BTreeMap;
use std::error::Error;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regex::Regex;
use support::sandbox::{Sandbox, normalise};
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

/// The `✗` lines (failed checks) of a run's stderr, in order.
fn failure_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.trim_start().starts_with('✗'))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The summary table's rows (`NAME  STATUS  TIME  RESULT…`) with timings made stable.
fn table_rows(stderr: &[u8], ports: &[u16]) -> Result<Vec<String>, Box<dyn Error>> {
    let text = normalise(stderr, ports)?;
    let Some((_, table)) = text.split_once("REQUEST  STATUS  TIME  RESULT\n") else {
        return Err(format!("no summary table in:\n{text}").into());
    };
    Ok(table.lines().map(str::to_string).collect())
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn text(status: u16, body: &str) -> Reply {
    (
        status,
        vec![h("content-type", "text/plain")],
        body.as_bytes().to_vec(),
    )
}

fn json(status: u16, body: &str) -> Reply {
    (
        status,
        vec![h("content-type", "application/json")],
        body.as_bytes().to_vec(),
    )
}

/// How many requests arrived per path.
fn hits_by_path(requests: &[Recorded]) -> BTreeMap<String, usize> {
    let mut hits = BTreeMap::new();
    for r in requests {
        *hits.entry(r.path()).or_insert(0) += 1;
    }
    hits
}

// ---------------------------------------------------------------------------------------------
// 1. Checks
// ---------------------------------------------------------------------------------------------

const ITEM: &str =
    r#"{"id": 2, "name": "Spring sale", "tags": ["a", "b"], "price": 9.5, "meta": {"k": null}}"#;

fn item_server() -> support::TestServer {
    support::http_server(|r: &Recorded| match r.path().as_str() {
        "/item" => (
            200,
            vec![
                h("content-type", "application/json"),
                h("x-trace", "abc-123"),
            ],
            ITEM.as_bytes().to_vec(),
        ),
        "/created" => text(201, "made"),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(60));
            text(200, "slow")
        }
        "/html" => (
            200,
            vec![h("content-type", "text/html")],
            b"<html>not json</html>".to_vec(),
        ),
        _ => text(404, "nope"),
    })
}

#[test]
fn every_check_kind_passes() -> TestResult {
    let server = item_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "checks",
        &format!(
            r#"
[vars]
base = "{base}"

[[requests]]
name = "all"
url = "{{{{base}}}}/item"
[requests.expect]
status = 200
duration = {{ below = "10s" }}
body = {{ contains = "Spring", matches = "\"price\": 9\\.5" }}
[requests.expect.headers]
content-type = "application/json"
X-Trace = {{ contains = "abc", matches = "^abc-\\d+$", exists = true }}
x-absent = {{ exists = false }}
[requests.expect.json]
"$.id" = 2
"$.name" = {{ equals = "Spring sale", contains = "sale", matches = "^Spring", type = "string", length = 11 }}
"$.tags" = {{ length = 2, contains = "b", type = "array" }}
"$.price" = {{ gt = 9, gte = 9.5, lt = 10, lte = 9.5, type = "number" }}
"$.meta" = {{ type = "object", contains = "k" }}
"$.meta.k" = {{ exists = true, type = "null" }}
"$.missing" = {{ exists = false }}
"$.tags[*]" = ["a", "b"]

[[requests]]
name = "status-list"
url = "{{{{base}}}}/created"
[requests.expect]
status = [200, 201]

[[requests]]
name = "status-class"
url = "{{{{base}}}}/created"
[requests.expect]
status = "2xx"
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox.postie()?.args(["run", "checks"]).assert().code(0);
    let out = assert.get_output();
    assert_eq!(failure_lines(&out.stderr), Vec::<String>::new());
    assert_eq!(
        table_rows(&out.stderr, &[])?,
        vec![
            "checks / all  200  T  PASS",
            "checks / status-list  201  T  PASS",
            "checks / status-class  201  T  PASS",
            "summary: 3 passed, 0 failed, 0 errored in T",
        ]
    );
    assert_eq!(server.hits(), 3);
    Ok(())
}

#[test]
fn every_check_kind_fails_and_all_failures_are_listed() -> TestResult {
    let server = item_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "checks",
        &format!(
            r#"
[vars]
base = "{base}"

[[requests]]
name = "all"
url = "{{{{base}}}}/item"
[requests.expect]
status = 201
body = {{ contains = "Autumn", matches = "^\\[" }}
[requests.expect.headers]
content-type = "text/plain"
X-Trace = {{ contains = "xyz", matches = "^\\d+$" }}
x-absent = {{ exists = true }}
x-trace-2 = {{ exists = false }}
[requests.expect.json]
"$.id" = "2"
"$.name" = {{ contains = "Autumn", matches = "^sale", type = "integer", length = 3 }}
"$.tags" = {{ length = 3, contains = "c" }}
"$.price" = {{ gt = 10, gte = 10, lt = 9, lte = 9 }}
"$.meta.k" = {{ exists = false }}
"$.missing" = {{ exists = true, equals = 1 }}

[[requests]]
name = "status-list"
url = "{{{{base}}}}/created"
[requests.expect]
status = [200, 204]

[[requests]]
name = "status-class"
url = "{{{{base}}}}/created"
[requests.expect]
status = "4xx"

[[requests]]
name = "slow"
url = "{{{{base}}}}/slow"
[requests.expect]
duration = {{ below = "5ms" }}

[[requests]]
name = "not-json"
url = "{{{{base}}}}/html"
[requests.expect]
status = 200
json = {{ "$.id" = 1 }}
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox.postie()?.args(["run", "checks"]).assert().code(1);
    let out = assert.get_output();
    let failures: Vec<String> = failure_lines(&out.stderr)
        .into_iter()
        .map(|l| normalise(l.as_bytes(), &[]).unwrap_or(l))
        .collect();
    assert_eq!(
        failures,
        vec![
            r#"✗ status: expected 201, got 200"#,
            r#"✗ header `content-type`: expected "text/plain", got "application/json""#,
            r#"✗ header `X-Trace`: expected to contain "xyz", got "abc-123""#,
            r#"✗ header `X-Trace`: expected to match /^\d+$/, got "abc-123""#,
            r#"✗ header `x-absent`: expected to exist, got nothing (absent)"#,
            r#"✗ json `$.id`: expected "2", got 2"#,
            r#"✗ json `$.name`: expected to contain "Autumn", got "Spring sale""#,
            r#"✗ json `$.name`: expected to match /^sale/, got "Spring sale""#,
            r#"✗ json `$.name`: expected an integer, got string "Spring sale""#,
            r#"✗ json `$.name`: expected length 3, got length 11"#,
            r#"✗ json `$.tags`: expected length 3, got length 2"#,
            r#"✗ json `$.tags`: expected to contain "c", got ["a","b"]"#,
            r#"✗ json `$.price`: expected > 10, got 9.5"#,
            r#"✗ json `$.price`: expected >= 10, got 9.5"#,
            r#"✗ json `$.price`: expected < 9, got 9.5"#,
            r#"✗ json `$.price`: expected <= 9, got 9.5"#,
            r#"✗ json `$.meta.k`: expected to be absent, got null"#,
            r#"✗ json `$.missing`: expected to exist, got nothing (absent)"#,
            r#"✗ json `$.missing`: expected 1, got nothing (absent)"#,
            r#"✗ body: expected to contain "Autumn", got "{\"id\": 2, \"name\": \"Spring sale\", \"tags\": [\"a\", \"b\"], \"price\": 9.5, \"meta\": {\"k\": null}}""#,
            r#"✗ body: expected to match /^\[/, got "{\"id\": 2, \"name\": \"Spring sale\", \"tags\": [\"a\", \"b\"], \"price\": 9.5, \"meta\": {\"k\": null}}""#,
            r#"✗ status: expected 200 or 204, got 201"#,
            r#"✗ status: expected 4xx, got 201"#,
            r#"✗ duration: expected below T, got T"#,
            r#"✗ json `$.id`: expected 1, got the body is not JSON (expected value at line 1 column 1)"#,
        ]
    );
    assert_eq!(
        table_rows(&out.stderr, &[])?,
        vec![
            r#"checks / all  200  T  FAIL status: expected 201, got 200 (+20 more)"#,
            r#"checks / status-list  201  T  FAIL status: expected 200 or 204, got 201"#,
            r#"checks / status-class  201  T  FAIL status: expected 4xx, got 201"#,
            r#"checks / slow  200  T  FAIL duration: expected below T, got T"#,
            r#"checks / not-json  200  T  FAIL json `$.id`: expected 1, got the body is not JSON (expected…"#,
            r#"summary: 0 passed, 5 failed, 0 errored in T"#,
        ]
    );
    Ok(())
}

#[test]
fn an_invalid_jsonpath_is_a_collection_error_with_its_position() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "checks",
        "[[requests]]\nname = \"bad\"\nurl = \"http://127.0.0.1:9/x\"\n[requests.expect]\nstatus = 200\njson = { \"$.a[\" = 1 }\n",
    )?;
    let assert = sandbox.postie()?.args(["run", "checks"]).assert().code(2);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8(out.stderr.clone())?,
        "\
postie: error: invalid JSONPath `$.a[` in request `bad`: at position 3, parser error
 --> collections/checks.toml:6:10
  |
6 | json = { \"$.a[\" = 1 }
  |          ^^^^^^
  = hint: JSONPath (RFC 9535) starts with `$`, e.g. `$.items[0].id`
"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Captures and depends_on
// ---------------------------------------------------------------------------------------------

fn shop_server() -> support::TestServer {
    support::http_server(
        |r: &Recorded| match (r.method.as_str(), r.path().as_str()) {
            ("POST", "/items") => (
                201,
                vec![
                    h("content-type", "application/json"),
                    h("location", "/items/42"),
                ],
                br#"{"id": 42, "note": "token=abc123 ok"}"#.to_vec(),
            ),
            ("PUT", "/items/42") => json(200, r#"{"ok": true}"#),
            ("GET", "/first") => json(200, r#"{"id": 7}"#),
            ("GET", "/second/7") => text(200, "second"),
            _ => text(404, "nope"),
        },
    )
}

#[test]
fn captures_carry_values_and_json_types_to_later_requests() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[vars]
base = "{base}"

[[requests]]
name = "create"
method = "POST"
url = "{{{{base}}}}/items"
json = {{ name = "sofa" }}
[requests.expect]
status = 201
[requests.capture]
id = "json:$.id"
location = "header:Location"
token = "regex:token=(\\w+)"
code = "status"

[[requests]]
name = "update"
method = "PUT"
url = "{{{{base}}}}{{{{location}}}}"
headers = {{ X-Token = "{{{{token}}}}" }}
json = {{ id = "{{{{id}}}}", code = "{{{{code}}}}", label = "item-{{{{id}}}}", token = "{{{{token}}}}" }}
[requests.expect]
status = 200
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(0);
    let out = assert.get_output();
    assert_eq!(
        String::from_utf8(out.stdout.clone())?,
        r#"{"id": 42, "note": "token=abc123 ok"}{"ok": true}"#
    );
    let got = server.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].method, "PUT");
    assert_eq!(got[1].path(), "/items/42");
    assert_eq!(got[1].header("x-token"), Some("abc123"));
    assert_eq!(
        String::from_utf8(got[1].body.clone())?,
        r#"{"id":42,"code":201,"label":"item-42","token":"abc123"}"#
    );
    Ok(())
}

#[test]
fn a_capture_that_finds_nothing_fails_the_request_naming_it() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[[requests]]
name = "first"
url = "{first}"
[requests.capture]
nope = "json:$.nope"

[[requests]]
name = "second"
url = "{second}/{{{{nope}}}}"
"#,
            first = server.url("/first"),
            second = server.url("/second"),
        ),
    )?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(1);
    let out = assert.get_output();
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / first
→ GET http://127.0.0.1:PORT/first
← 200 OK  HTTP/1.1  9 B
  connect T · ttfb T · download T · total T · 9 B
  ✗ capture `nope`: expected a value, got `$.nope` matches nothing in the body
  request:
  → GET http://127.0.0.1:PORT/first
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 200 OK
    content-type: application/json
    content-length: 9
    date: DATE

    {\"id\": 7}
shop / second (skipped: needs `nope`, which `first` did not capture)
REQUEST  STATUS  TIME  RESULT
shop / first  200  T  FAIL capture `nope`: expected a value, got `$.nope` matches noth…
shop / second  -  -  NOT RUN needs `nope`, which `first` did not capture
summary: 0 passed, 1 failed, 0 errored, 1 not run in T
"
    );
    assert_eq!(server.hits(), 1);
    // On GitHub Actions the annotation points at the capture's line (`nope = …`).
    let assert = sandbox
        .postie()?
        .env("GITHUB_ACTIONS", "true")
        .args(["run", "shop"])
        .assert()
        .code(1);
    // Workflow commands go to stdout (without --json).
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(annotations.len(), 1);
    assert!(
        annotations[0].starts_with(
            "::error file=collections/shop.toml,line=6,title=postie%3A shop / first::capture `nope`"
        ),
        "{}",
        annotations[0]
    );
    Ok(())
}

#[test]
fn running_a_request_alone_first_runs_what_it_depends_on() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[vars]
base = "{base}"

[[requests]]
name = "first"
url = "{{{{base}}}}/first"
[requests.capture]
id = "json:$.id"

[[requests]]
name = "unrelated"
url = "{{{{base}}}}/unrelated"

[[requests]]
name = "second"
url = "{{{{base}}}}/second/{{{{id}}}}"
depends_on = ["first"]
[requests.expect]
status = 200
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop/second"])
        .assert()
        .code(0);
    let out = assert.get_output();
    // `first` runs as setup: its body is not part of the output.
    assert_eq!(out.stdout, b"second");
    let paths: Vec<String> = server.requests().iter().map(Recorded::path).collect();
    assert_eq!(paths, vec!["/first", "/second/7"]);
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / first
→ GET http://127.0.0.1:PORT/first
← 200 OK  HTTP/1.1  9 B
  connect T · ttfb T · download T · total T · 9 B
shop / second
→ GET http://127.0.0.1:PORT/second/7
← 200 OK  HTTP/1.1  6 B
  connection reused · ttfb T · download T · total T · 6 B
REQUEST  STATUS  TIME  RESULT
shop / first  200  T  PASS (setup)
shop / second  200  T  PASS
summary: 2 passed, 0 failed, 0 errored in T
"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 9. Exit codes
// ---------------------------------------------------------------------------------------------

/// A port that nothing listens on: bound, then released.
fn refused_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

#[test]
fn exit_codes_follow_the_most_serious_failure() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/ok" => text(200, "ok"),
        _ => text(500, "boom"),
    });
    let port = refused_port()?;
    let sandbox = Sandbox::new()?;
    let request = |name: &str, url: &str| {
        format!(
            "[[requests]]\nname = \"{name}\"\nurl = \"{url}\"\n[requests.expect]\nstatus = 200\n"
        )
    };
    let ok = request("ok", &server.url("/ok"));
    let failed = request("failed", &server.url("/boom"));
    let network = request("network", &format!("http://127.0.0.1:{port}/x"));
    let unknown = request("unknown", &server.url("/{{nowhere}}"));
    sandbox.collection("ok", &ok)?;
    sandbox.collection("failed", &[ok.as_str(), &failed].concat())?;
    sandbox.collection("network", &network)?;
    sandbox.collection("unknown", &unknown)?;
    sandbox.collection("fail-net", &[failed.as_str(), &network].concat())?;
    sandbox.collection("all", &[unknown.as_str(), &network, &failed].concat())?;
    let cases: [(&[&str], i32); 7] = [
        (&["ok"], 0),
        (&["failed"], 1),
        (&["network"], 3),
        (&["unknown"], 2),
        (&["fail-net"], 3),
        (&["all"], 2),
        (&["failed", "network"], 3),
    ];
    for (targets, code) in cases {
        sandbox
            .postie()?
            .arg("run")
            .args(targets)
            .assert()
            .code(code);
    }
    let assert = sandbox.postie()?.args(["run", "all"]).assert().code(2);
    assert_eq!(
        table_rows(&assert.get_output().stderr, &[port])?,
        vec![
            r#"all / unknown  -  T  ERROR unknown variable `nowhere` in request `unknown`"#,
            r#"all / network  -  T  ERROR connection refused by 127.0.0.1:PORT"#,
            r#"all / failed  500  T  FAIL status: expected 200, got 500"#,
            r#"summary: 0 passed, 1 failed, 2 errored in T"#,
        ]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A small async HTTP/1.1 server (keep-alive, GET without body) for what `support` can't do:
// answer slowly without blocking other connections, or drop the first connection.
// ---------------------------------------------------------------------------------------------

/// What the async server saw: request paths in arrival order, and connections accepted.
#[derive(Clone, Default)]
struct Seen {
    paths: Arc<Mutex<Vec<String>>>,
    connections: Arc<Mutex<usize>>,
}

impl Seen {
    fn paths(&self) -> Vec<String> {
        self.paths.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

struct AsyncServer {
    port: u16,
    seen: Seen,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl AsyncServer {
    /// Answers each request with 200 and its path as the body, after `delay`; the first
    /// `drop_first` connections are closed after reading the request head, unanswered.
    fn start(delay: Duration, drop_first: usize) -> Result<AsyncServer, Box<dyn Error>> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let seen = Seen::default();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread_seen = seen.clone();
        let thread = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let accept = async {
                    while let Ok((mut stream, _)) = listener.accept().await {
                        let number = {
                            let mut n = thread_seen.connections.lock().unwrap_or_else(|p| p.into_inner());
                            *n += 1;
                            *n
                        };
                        let seen = thread_seen.clone();
                        tokio::task::spawn(async move {
                            let mut buf = Vec::new();
                            let mut chunk = [0u8; 4096];
                            loop {
                                let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n");
                                let Some(end) = head_end else {
                                    match stream.read(&mut chunk).await {
                                        Ok(0) | Err(_) => return,
                                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                    }
                                    continue;
                                };
                                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                                buf.drain(..end + 4);
                                if number <= drop_first {
                                    return;
                                }
                                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                                seen.paths.lock().unwrap_or_else(|p| p.into_inner()).push(path.clone());
                                tokio::time::sleep(delay).await;
                                let reply = format!(
                                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{path}",
                                    path.len()
                                );
                                if stream.write_all(reply.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                        });
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = rx => {}
                }
            });
        });
        Ok(AsyncServer {
            port,
            seen,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for AsyncServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Retries
// ---------------------------------------------------------------------------------------------

#[test]
fn retry_polls_until_the_checks_pass_and_records_every_attempt() -> TestResult {
    let count = Arc::new(Mutex::new(0usize));
    let counter = count.clone();
    let server = support::http_server(move |_| {
        let mut n = counter.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
        if *n <= 2 {
            json(202, r#"{"state": "pending"}"#)
        } else {
            json(200, r#"{"state": "done"}"#)
        }
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "jobs",
        &format!(
            r#"
[[requests]]
name = "poll"
url = "{url}"
retry = {{ times = 5, interval = "50ms" }}
[requests.expect]
status = 200
json = {{ "$.state" = "done" }}
"#,
            url = server.url("/job/1")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "jobs", "--report", "json=out/r.json"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(server.hits(), 3);
    assert_eq!(out.stdout, br#"{"state": "done"}"#);
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
jobs / poll
→ GET http://127.0.0.1:PORT/job/1
← 202 Accepted  HTTP/1.1  20 B
  connect T · ttfb T · download T · total T · 20 B
  ↻ attempt 1 of 5 failed (status: expected 200, got 202); again in T
→ GET http://127.0.0.1:PORT/job/1
← 202 Accepted  HTTP/1.1  20 B
  connection reused · ttfb T · download T · total T · 20 B
  ↻ attempt 2 of 5 failed (status: expected 200, got 202); again in T
→ GET http://127.0.0.1:PORT/job/1
← 200 OK  HTTP/1.1  17 B
  connection reused · ttfb T · download T · total T · 17 B
"
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("out/r.json"))?)?;
    let poll = &record["collections"][0]["requests"][0];
    assert_eq!(poll["verdict"], "passed");
    let attempts = poll["attempts"].as_array().ok_or("no attempts")?;
    let statuses: Vec<&serde_json::Value> = attempts.iter().map(|a| &a["status"]).collect();
    assert_eq!(
        statuses,
        [
            &serde_json::json!(202),
            &serde_json::json!(202),
            &serde_json::json!(200)
        ]
    );
    assert_eq!(attempts[0]["failures"].as_array().map(Vec::len), Some(2));
    assert_eq!(attempts[2]["failures"], serde_json::json!([]));
    Ok(())
}

#[test]
fn retry_that_never_passes_fails_with_the_last_attempt() -> TestResult {
    let server = support::http_server(|_| json(202, r#"{"state": "pending"}"#));
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "jobs",
        &format!(
            "[[requests]]\nname = \"poll\"\nurl = \"{}\"\nretry = {{ times = 3, interval = \"10ms\" }}\n[requests.expect]\nstatus = 200\n",
            server.url("/job/1")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "jobs", "--report", "json=out/r.json"])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert_eq!(server.hits(), 3);
    assert_eq!(out.stdout, br#"{"state": "pending"}"#);
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
jobs / poll
→ GET http://127.0.0.1:PORT/job/1
← 202 Accepted  HTTP/1.1  20 B
  connect T · ttfb T · download T · total T · 20 B
  ↻ attempt 1 of 3 failed (status: expected 200, got 202); again in T
→ GET http://127.0.0.1:PORT/job/1
← 202 Accepted  HTTP/1.1  20 B
  connection reused · ttfb T · download T · total T · 20 B
  ↻ attempt 2 of 3 failed (status: expected 200, got 202); again in T
→ GET http://127.0.0.1:PORT/job/1
← 202 Accepted  HTTP/1.1  20 B
  connection reused · ttfb T · download T · total T · 20 B
  ✗ status: expected 200, got 202
  request:
  → GET http://127.0.0.1:PORT/job/1
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 202 Accepted
    content-type: application/json
    content-length: 20
    date: DATE

    {\"state\": \"pending\"}
summary: 0 passed, 1 failed, 0 errored in T
"
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("out/r.json"))?)?;
    let poll = &record["collections"][0]["requests"][0];
    assert_eq!(poll["verdict"], "failed");
    assert_eq!(poll["attempts"].as_array().map(Vec::len), Some(3));
    Ok(())
}

#[test]
fn retry_flag_resends_after_a_dropped_connection() -> TestResult {
    let server = AsyncServer::start(Duration::ZERO, 1)?;
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "flaky",
        &format!(
            "[[requests]]\nname = \"get\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n",
            server.url("/thing")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "flaky", "--retry", "2"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"/thing");
    assert_eq!(server.seen.paths(), vec!["/thing"]);
    assert_eq!(
        *server.seen.connections.lock().map_err(|e| e.to_string())?,
        2
    );
    assert_eq!(
        normalise(&out.stderr, &[server.port])?,
        "\
flaky / get
→ GET http://127.0.0.1:PORT/thing
  ✗ server closed the connection before sending a response
  ↻ network error; retrying in T (1 retry left)
→ GET http://127.0.0.1:PORT/thing
← 200 OK  HTTP/1.1  6 B
  connect T · ttfb T · download T · total T · 6 B
"
    );

    // Without `--retry` the same failure is a network error (exit 3).
    let server = AsyncServer::start(Duration::ZERO, 1)?;
    sandbox.collection(
        "flaky",
        &format!(
            "[[requests]]\nname = \"get\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n",
            server.url("/thing")
        ),
    )?;
    sandbox.postie()?.args(["run", "flaky"]).assert().code(3);
    assert_eq!(server.seen.paths(), Vec::<String>::new());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. Selection
// ---------------------------------------------------------------------------------------------

fn selection_collection(base: &str) -> String {
    format!(
        r#"
[vars]
base = "{base}"
flag = ""   # `skip_if` names it: unset is an error, so it defaults to "not skipped"

[[requests]]
name = "list"
url = "{{{{base}}}}/list"
tags = ["smoke"]

[[requests]]
name = "create-plan"
url = "{{{{base}}}}/create-plan"
tags = ["smoke", "slow"]

[[requests]]
name = "create-user"
url = "{{{{base}}}}/create-user"

[[requests]]
name = "disabled"
url = "{{{{base}}}}/disabled"
skip = true

[[requests]]
name = "flaky"
url = "{{{{base}}}}/flaky"
skip = "upstream is flaky"

[[requests]]
name = "maybe"
url = "{{{{base}}}}/maybe"
skip_if = "{{{{flag}}}}"
"#
    )
}

#[test]
fn selection_by_tag_glob_skip_and_skip_if() -> TestResult {
    let server = support::http_server(|_| text(200, "."));
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &selection_collection(&server.url("")))?;
    // What one run shows: the paths the server saw, the skip lines, the summary table.
    let mut seen_so_far = 0;
    let mut run = |args: &[&str]| -> Result<Vec<String>, Box<dyn Error>> {
        let assert = sandbox.postie()?.arg("run").args(args).assert().code(0);
        let out = assert.get_output();
        let requests = server.requests();
        let paths: Vec<String> = requests[seen_so_far..].iter().map(Recorded::path).collect();
        seen_so_far = requests.len();
        let mut shown = vec![format!("hits: {}", paths.join(" "))];
        shown.extend(
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .filter(|l| l.contains("(skipped: "))
                .map(str::to_string),
        );
        shown.extend(table_rows(&out.stderr, &[])?);
        Ok(shown)
    };
    assert_eq!(
        run(&["shop"])?,
        vec![
            r#"hits: /list /create-plan /create-user /maybe"#,
            r#"shop / disabled (skipped: skip = true)"#,
            r#"shop / flaky (skipped: upstream is flaky)"#,
            r#"shop / list  200  T  PASS"#,
            r#"shop / create-plan  200  T  PASS"#,
            r#"shop / create-user  200  T  PASS"#,
            r#"shop / disabled  -  -  SKIP skip = true"#,
            r#"shop / flaky  -  -  SKIP upstream is flaky"#,
            r#"shop / maybe  200  T  PASS"#,
            r#"summary: 4 passed, 0 failed, 0 errored, 2 skipped in T"#,
        ]
    );
    assert_eq!(
        run(&["shop", "--var", "flag=1"])?,
        vec![
            r#"hits: /list /create-plan /create-user"#,
            r#"shop / disabled (skipped: skip = true)"#,
            r#"shop / flaky (skipped: upstream is flaky)"#,
            r#"shop / maybe (skipped: skip_if = "{{flag}}" is `1`)"#,
            r#"shop / list  200  T  PASS"#,
            r#"shop / create-plan  200  T  PASS"#,
            r#"shop / create-user  200  T  PASS"#,
            r#"shop / disabled  -  -  SKIP skip = true"#,
            r#"shop / flaky  -  -  SKIP upstream is flaky"#,
            r#"shop / maybe  -  -  SKIP skip_if = "{{flag}}" is `1`"#,
            r#"summary: 3 passed, 0 failed, 0 errored, 3 skipped in T"#,
        ]
    );
    assert_eq!(
        run(&["shop", "--tag", "smoke"])?,
        vec![
            r#"hits: /list /create-plan"#,
            r#"shop / create-user (skipped: not tagged `smoke`)"#,
            r#"shop / disabled (skipped: skip = true)"#,
            r#"shop / flaky (skipped: upstream is flaky)"#,
            r#"shop / maybe (skipped: not tagged `smoke`)"#,
            r#"shop / list  200  T  PASS"#,
            r#"shop / create-plan  200  T  PASS"#,
            r#"shop / create-user  -  -  SKIP not tagged `smoke`"#,
            r#"shop / disabled  -  -  SKIP skip = true"#,
            r#"shop / flaky  -  -  SKIP upstream is flaky"#,
            r#"shop / maybe  -  -  SKIP not tagged `smoke`"#,
            r#"summary: 2 passed, 0 failed, 0 errored, 4 skipped in T"#,
        ]
    );
    assert_eq!(
        run(&["shop", "--skip-tag", "slow"])?,
        vec![
            r#"hits: /list /create-user /maybe"#,
            r#"shop / create-plan (skipped: tagged `slow` (--skip-tag))"#,
            r#"shop / disabled (skipped: skip = true)"#,
            r#"shop / flaky (skipped: upstream is flaky)"#,
            r#"shop / list  200  T  PASS"#,
            r#"shop / create-plan  -  -  SKIP tagged `slow` (--skip-tag)"#,
            r#"shop / create-user  200  T  PASS"#,
            r#"shop / disabled  -  -  SKIP skip = true"#,
            r#"shop / flaky  -  -  SKIP upstream is flaky"#,
            r#"shop / maybe  200  T  PASS"#,
            r#"summary: 3 passed, 0 failed, 0 errored, 3 skipped in T"#,
        ]
    );
    assert_eq!(
        run(&["shop/create-*"])?,
        vec![
            r#"hits: /create-plan /create-user"#,
            r#"shop / create-plan  200  T  PASS"#,
            r#"shop / create-user  200  T  PASS"#,
            r#"summary: 2 passed, 0 failed, 0 errored in T"#,
        ]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. --jobs
// ---------------------------------------------------------------------------------------------

#[test]
fn jobs_run_collections_concurrently_keeping_order_and_whole_blocks() -> TestResult {
    let server = AsyncServer::start(Duration::from_millis(200), 0)?;
    let sandbox = Sandbox::new()?;
    for c in 1..=3 {
        let mut toml = String::new();
        for r in 1..=3 {
            toml.push_str(&format!(
                "[[requests]]\nname = \"r{r}\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n\n",
                server.url(&format!("/c{c}/r{r}"))
            ));
        }
        sandbox.collection(&format!("c{c}"), &toml)?;
    }
    let assert = sandbox
        .postie()?
        .args(["run", "c1", "c2", "c3", "--jobs", "3"])
        .assert()
        .code(0);
    let out = assert.get_output();
    let paths = server.seen.paths();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "/c1/r1", "/c1/r2", "/c1/r3", "/c2/r1", "/c2/r2", "/c2/r3", "/c3/r1", "/c3/r2",
            "/c3/r3"
        ]
    );
    for c in 1..=3 {
        let prefix = format!("/c{c}/");
        let order: Vec<&String> = paths.iter().filter(|p| p.starts_with(&prefix)).collect();
        assert_eq!(
            order,
            [1, 2, 3]
                .map(|r| format!("/c{c}/r{r}"))
                .iter()
                .collect::<Vec<_>>()
        );
    }
    // Each request's block is whole: heading, its `→`, its `←`, its timings.
    let stderr = normalise(&out.stderr, &[server.port])?;
    let lines: Vec<&str> = stderr.lines().collect();
    let heading = Regex::new(r"^c(\d) / r(\d)$")?;
    let mut blocks = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(m) = heading.captures(line) else {
            continue;
        };
        blocks += 1;
        let path = format!("/c{}/r{}", &m[1], &m[2]);
        assert_eq!(
            lines.get(i + 1..i + 4),
            Some(
                &[
                    format!("→ GET http://127.0.0.1:PORT{path}").as_str(),
                    "← 200 OK  HTTP/1.1  6 B",
                    lines.get(i + 3).copied().unwrap_or("missing"),
                ][..]
            ),
            "block of {path} in:\n{stderr}"
        );
        assert!(
            lines[i + 3].ends_with("total T · 6 B"),
            "timings of {path}: {}",
            lines[i + 3]
        );
    }
    assert_eq!(blocks, 9, "{stderr}");
    assert_eq!(
        table_rows(&out.stderr, &[])?,
        vec![
            r#"c1 / r1  200  T  PASS"#,
            r#"c1 / r2  200  T  PASS"#,
            r#"c1 / r3  200  T  PASS"#,
            r#"c2 / r1  200  T  PASS"#,
            r#"c2 / r2  200  T  PASS"#,
            r#"c2 / r3  200  T  PASS"#,
            r#"c3 / r1  200  T  PASS"#,
            r#"c3 / r2  200  T  PASS"#,
            r#"c3 / r3  200  T  PASS"#,
            r#"summary: 9 passed, 0 failed, 0 errored in T"#,
        ]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 6. --shard
// ---------------------------------------------------------------------------------------------

#[test]
fn shards_cover_every_request_exactly_once_and_deterministically() -> TestResult {
    let server = support::http_server(|_| json(200, r#"{"id": 1}"#));
    let sandbox = Sandbox::new()?;
    let base = server.url("");
    let request = |name: &str, path: &str, extra: &str| {
        format!("[[requests]]\nname = \"{name}\"\nurl = \"{base}{path}\"\n{extra}\n")
    };
    sandbox.collection(
        "chain",
        &[
            request("a1", "/chain/a1", "[requests.capture]\nid = \"json:$.id\""),
            request("a2", "/chain/a2/{{id}}", ""),
            request("a3", "/chain/a3/{{id}}", ""),
        ]
        .concat(),
    )?;
    sandbox.collection(
        "deps",
        &[
            request("d1", "/deps/d1", ""),
            request("d2", "/deps/d2", "depends_on = [\"d1\"]"),
        ]
        .concat(),
    )?;
    sandbox.collection(
        "solo1",
        &(1..=4)
            .map(|i| request(&format!("s{i}"), &format!("/solo1/s{i}"), ""))
            .collect::<String>(),
    )?;
    sandbox.collection(
        "solo2",
        &(1..=3)
            .map(|i| request(&format!("t{i}"), &format!("/solo2/t{i}"), ""))
            .collect::<String>(),
    )?;
    let mut seen_so_far = 0;
    let mut split = || -> Result<Vec<Vec<String>>, Box<dyn Error>> {
        let mut shards = Vec::new();
        for k in 1..=3 {
            sandbox
                .postie()?
                .args(["run", "chain", "deps", "solo1", "solo2", "--shard"])
                .arg(format!("{k}/3"))
                .assert()
                .code(0);
            let requests = server.requests();
            shards.push(requests[seen_so_far..].iter().map(Recorded::path).collect());
            seen_so_far = requests.len();
        }
        Ok(shards)
    };
    let first = split()?;
    let all: Vec<Recorded> = server.requests();
    let hits = hits_by_path(&all);
    assert_eq!(hits.len(), 12, "{hits:?}");
    assert!(hits.values().all(|&n| n == 1), "{hits:?}");
    assert_eq!(
        hits.keys().cloned().collect::<Vec<_>>(),
        [
            "/chain/a1",
            "/chain/a2/1",
            "/chain/a3/1",
            "/deps/d1",
            "/deps/d2",
            "/solo1/s1",
            "/solo1/s2",
            "/solo1/s3",
            "/solo1/s4",
            "/solo2/t1",
            "/solo2/t2",
            "/solo2/t3"
        ]
    );
    // Balanced, chains whole, and the same split every time.
    assert_eq!(
        first,
        [
            vec!["/chain/a1", "/chain/a2/1", "/chain/a3/1", "/solo2/t1"],
            vec!["/deps/d1", "/deps/d2", "/solo1/s3", "/solo2/t2"],
            vec!["/solo1/s1", "/solo1/s2", "/solo1/s4", "/solo2/t3"],
        ]
    );
    assert_eq!(split()?, first);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 7. Reports
// ---------------------------------------------------------------------------------------------

/// Reads a JUnit file with python3 (junitparser when importable, else xml.etree) and prints
/// `suite tests failures errors skipped` and then `suite/case result` lines.
const JUNIT_READER: &str = r#"
import sys
path = sys.argv[1]
try:
    from junitparser import JUnitXml, Failure, Error, Skipped
    xml = JUnitXml.fromfile(path)
    for suite in xml:
        print(suite.name, suite.tests, suite.failures, suite.errors, suite.skipped)
        for case in suite:
            kinds = [type(r).__name__.lower() for r in case.result]
            print(suite.name + "/" + case.name, ",".join(kinds) or "passed")
except ImportError:
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        print(suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped"))
        for case in suite.iter("testcase"):
            kinds = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
            print(suite.get("name") + "/" + case.get("name"), ",".join(kinds) or "passed")
"#;

#[test]
fn reports_junit_json_ndjson_and_github_annotations_in_one_run() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/ok" => json(200, r#"{"id": 1}"#),
        _ => json(500, r#"{"error": "boom"}"#),
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "x",
        &format!(
            r#"[vars]
base = "{base}"

[[requests]]
name = "ok"
url = "{{{{base}}}}/ok"
[requests.expect]
status = 200

[[requests]]
name = "broken"
url = "{{{{base}}}}/broken"
[requests.expect]
status = 200
json = {{ "$.id" = 1 }}

[[requests]]
name = "later"
url = "{{{{base}}}}/ok"
skip = "not today"
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .env("GITHUB_ACTIONS", "true")
        .args([
            "run",
            "x",
            "--json",
            "--report",
            "junit=out/r.xml",
            "--report",
            "json=out/r.json",
        ])
        .assert()
        .code(1);
    let out = assert.get_output();
    let stdout = String::from_utf8(out.stdout.clone())?;
    let (ndjson, other): (Vec<&str>, Vec<&str>) = stdout.lines().partition(|l| l.starts_with('{'));
    let records: Vec<serde_json::Value> = ndjson
        .iter()
        .map(|l| serde_json::from_str(l))
        .collect::<Result<_, _>>()?;
    let summary: Vec<String> = records
        .iter()
        .map(|r| {
            format!(
                "{} {} line {} status {} attempts {} failures {}",
                r["request"], r["verdict"], r["line"], r["status"], r["attempts"], r["failures"]
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            r#""ok" "passed" line 4 status 200 attempts 1 failures []"#,
            r#""broken" "failed" line 10 status 500 attempts 1 failures [{"what":"status","expected":"200","actual":"500","line":14},{"what":"json `$.id`","expected":"1","actual":"nothing (absent)","line":15}]"#,
            r#""later" "skipped" line 17 status null attempts 0 failures []"#,
        ]
    );
    // With --json, stdout is NDJSON only: the annotations go to stderr.
    assert_eq!(other, Vec::<&str>::new());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("::error"))
            .collect::<Vec<_>>(),
        vec![
            // The first failed check's line: `status = 200`.
            r#"::error file=collections/x.toml,line=14,title=postie%3A x / broken::status: expected 200, got 500%0Ajson `$.id`: expected 1, got nothing (absent)"#,
        ]
    );

    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(JUNIT_READER)
        .arg(sandbox.path().join("out/r.xml"))
        .output()?;
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let junit: Vec<String> = String::from_utf8(python.stdout)?
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        junit,
        vec![
            r#"x 3 1 0 1"#,
            r#"x/ok passed"#,
            r#"x/broken failure"#,
            r#"x/later skipped"#,
        ]
    );

    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("out/r.json"))?)?;
    let requests = record["collections"][0]["requests"]
        .as_array()
        .ok_or("no requests in the JSON record")?;
    let verdicts: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["name"],
                r["verdict"],
                r["attempts"].as_array().map_or(0, Vec::len)
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            r#""ok" "passed" 1"#,
            r#""broken" "failed" 1"#,
            r#""later" "skipped" 0"#,
        ]
    );
    assert_eq!(
        requests[1]["attempts"][0]["failures"],
        serde_json::json!([
            {"what": "status", "expected": "200", "actual": "500", "line": 14},
            {"what": "json `$.id`", "expected": "1", "actual": "nothing (absent)", "line": 15},
        ])
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 8. Variables from files, colour in CI
// ---------------------------------------------------------------------------------------------

#[test]
fn var_file_values_are_used_and_var_flags_beat_them() -> TestResult {
    let server = support::http_server(|_| text(200, "."));
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "env",
        &format!(
            "[[requests]]\nname = \"get\"\nurl = \"{}/{{{{A}}}}/{{{{B}}}}/{{{{C}}}}\"\n",
            server.url("")
        ),
    )?;
    std::fs::write(
        sandbox.path().join(".env"),
        "# CI values\nA=from-file\nexport B=\"file b\"\nC='c=1'\n",
    )?;
    sandbox
        .postie()?
        .args(["run", "env", "--var-file", ".env", "--var", "B=flag"])
        .assert()
        .code(0);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].uri,
        "\
/from-file/flag/c=1"
    );
    Ok(())
}

#[test]
fn no_colour_in_ci_even_on_a_terminal() -> TestResult {
    let server = support::http_server(|_| text(500, "no"));
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "c",
        &format!(
            "[[requests]]\nname = \"get\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n",
            server.url("/x")
        ),
    )?;
    let ci = sandbox
        .postie()?
        .env("POSTIE_TEST_TTY", "stdout,stderr")
        .args(["run", "c"])
        .assert()
        .code(1);
    let ci = ci.get_output();
    assert!(
        !ci.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&ci.stderr)
    );
    assert!(!ci.stdout.contains(&0x1b));
    // The same terminal outside CI is coloured: the check above can fail.
    let local = sandbox
        .postie()?
        .env("POSTIE_TEST_TTY", "stdout,stderr")
        .env_remove("CI")
        .args(["run", "c"])
        .assert()
        .code(1);
    assert!(local.get_output().stderr.contains(&0x1b));
    Ok(())
}

/// A server that answers each request only once `needed` requests are in flight at the same
/// time (or with 503 after a second): requests sent one after another can't all pass.
fn barrier_server(needed: usize) -> Result<(u16, std::thread::JoinHandle<()>), Box<dyn Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let port = listener.local_addr()?.port();
    let thread = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let arrived = Arc::new(tokio::sync::Semaphore::new(0));
            let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            while served.load(std::sync::atomic::Ordering::SeqCst) < needed {
                let Ok(Ok((mut stream, _))) =
                    tokio::time::timeout(Duration::from_secs(5), listener.accept()).await
                else {
                    return;
                };
                let arrived = arrived.clone();
                let served = served.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let _ = stream.read(&mut buf).await;
                    arrived.add_permits(needed);
                    // Wait until `needed` requests have arrived (each adds `needed` permits).
                    let all = tokio::time::timeout(
                        Duration::from_secs(1),
                        arrived.acquire_many((needed * needed) as u32),
                    )
                    .await;
                    let status = match all {
                        Ok(Ok(permit)) => {
                            permit.forget();
                            arrived.add_permits(needed * needed);
                            "200 OK"
                        }
                        _ => "503 Service Unavailable",
                    };
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = stream.write_all(reply.as_bytes()).await;
                    served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                });
            }
        });
    });
    Ok((port, thread))
}

#[test]
fn parallel_requests_are_sent_at_once_with_jobs() -> TestResult {
    let toml = |port: u16| {
        (1..=3)
            .map(|r| {
                format!(
                    "[[requests]]\nname = \"p{r}\"\nurl = \"http://127.0.0.1:{port}/p{r}\"\nparallel = true\n\
                     [requests.expect]\nstatus = 200\n\n"
                )
            })
            .collect::<String>()
    };
    // With --jobs 3 the three requests are in flight together: the barrier opens.
    let (port, server) = barrier_server(3)?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("par", &toml(port))?;
    let assert = sandbox
        .postie()?
        .args(["run", "par", "--jobs", "3"])
        .assert()
        .code(0);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("summary: 3 passed, 0 failed, 0 errored"),
        "{err}"
    );
    let _ = server.join();
    // Without --jobs they go one at a time, and the barrier never opens for the first one.
    let (port, server) = barrier_server(3)?;
    sandbox.collection("par", &toml(port))?;
    let assert = sandbox
        .postie()?
        .args(["run", "par", "--fail-fast"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("✗ status: expected 200, got 503"), "{err}");
    drop(server);
    Ok(())
}

#[test]
fn quiet_with_jobs_prints_nothing_for_passing_requests() -> TestResult {
    let server = support::http_server(|_| (200, vec![], b"ok".to_vec()));
    let sandbox = Sandbox::new()?;
    for c in ["a", "b"] {
        sandbox.collection(
            c,
            &format!(
                "[[requests]]\nname = \"r\"\nurl = \"{}\"\n",
                server.url(&format!("/{c}"))
            ),
        )?;
    }
    let assert = sandbox
        .postie()?
        .args(["run", "a", "b", "--jobs", "2", "-q"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, b"");
    assert_eq!(server.hits(), 2);
    Ok(())
}
