//! End-to-end tests of the `postie` binary for the request-response cycle: what `postie run`
//! and `postie send` print, and their exit codes, against servers on 127.0.0.1.
//!
//! stderr is compared whole, after replacing durations with `T`, the servers' ports with
//! `PORT` and the `date` response header's value with `DATE`.

mod support;

use std::error::Error;
use std::path::PathBuf;

use support::sandbox::{Sandbox, normalise};
use support::{CertKind, Recorded, Reply, TlsSetup};

type TestResult = Result<(), Box<dyn Error>>;

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

/// A port that nothing listens on: bound, then released.
fn refused_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

/// A collection of one request `ping` to `url`, expecting 200, with extra request keys.
fn one_request(url: &str, extra: &str) -> String {
    format!(
        "[[requests]]\nname = \"ping\"\nurl = \"{url}\"\n{extra}\n[requests.expect]\nstatus = 200\n"
    )
}

#[test]
fn passing_run_shows_the_cycle_and_pipes_bodies_byte_exact() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/hello" => text(200, "hello"),
        _ => (
            200,
            vec![h("content-type", "application/json")],
            b"{\"a\": [1,  2]}".to_vec(),
        ),
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[vars]
base = "{base}"

[[requests]]
name = "hello"
url = "{{{{base}}}}/hello"
[requests.expect]
status = 200

[[requests]]
name = "data"
url = "{{{{base}}}}/data"
[requests.expect]
status = 200
"#,
            base = server.url("")
        ),
    )?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(0);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"hello{\"a\": [1,  2]}");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / hello
→ GET http://127.0.0.1:PORT/hello
← 200 OK  HTTP/1.1  5 B
  connect T · ttfb T · download T · total T · 5 B
shop / data
→ GET http://127.0.0.1:PORT/data
← 200 OK  HTTP/1.1  14 B
  connection reused · ttfb T · download T · total T · 14 B
REQUEST  STATUS  TIME  RESULT
shop / hello  200  T  PASS
shop / data  200  T  PASS
summary: 2 passed, 0 failed, 0 errored in T
"
    );
    assert_eq!(server.hits(), 2);
    Ok(())
}

#[test]
fn verbose_shows_headers_as_sent_and_received_and_the_json_body() -> TestResult {
    let server = support::http_server(|_| {
        (
            201,
            vec![
                h("content-type", "application/json"),
                h("x-served-by", "test"),
            ],
            b"{\"id\":7}".to_vec(),
        )
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[[requests]]
name = "create"
method = "POST"
url = "{url}"
headers = {{ X-Trace = "abc" }}
json = {{ name = "Ada", tags = ["x"] }}
[requests.expect]
status = 201
"#,
            url = server.url("/people")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "-v"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"{\"id\":7}");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / create
→ POST http://127.0.0.1:PORT/people
  x-trace: abc
  content-type: application/json
  user-agent: postie/0.1.0
  accept: */*
  accept-encoding: gzip, deflate, br, zstd
  content-length: 27

  {
    \"name\": \"Ada\",
    \"tags\": [
      \"x\"
    ]
  }

← 201 Created  HTTP/1.1  8 B
  content-type: application/json
  x-served-by: test
  content-length: 8
  date: DATE
  connect T · ttfb T · download T · total T · 8 B
"
    );
    let got = server.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, br#"{"name":"Ada","tags":["x"]}"#);
    assert_eq!(got[0].header("x-trace"), Some("abc"));
    Ok(())
}

#[test]
fn failed_status_expectation_exits_1() -> TestResult {
    let server = support::http_server(|_| text(500, "oops"));
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &one_request(&server.url("/ping"), ""))?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(1);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"oops");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / ping
→ GET http://127.0.0.1:PORT/ping
← 500 Internal Server Error  HTTP/1.1  4 B
  connect T · ttfb T · download T · total T · 4 B
  ✗ status: expected 200, got 500
  request:
  → GET http://127.0.0.1:PORT/ping
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 500 Internal Server Error
    content-type: text/plain
    content-length: 4
    date: DATE

    oops
summary: 0 passed, 1 failed, 0 errored in T
"
    );
    Ok(())
}

#[test]
fn status_lists_and_classes_pass_and_fail() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/created" => text(201, "c"),
        "/missing" => text(404, "m"),
        "/accepted" => text(202, "a"),
        _ => text(500, "b"),
    });
    let sandbox = Sandbox::new()?;
    let request = |name: &str, path: &str, status: &str| {
        format!(
            "[[requests]]\nname = \"{name}\"\nurl = \"{}\"\n[requests.expect]\nstatus = {status}\n",
            server.url(path)
        )
    };
    let toml = [
        request("list-pass", "/created", "[200, 201]"),
        request("list-fail", "/missing", "[200, 201]"),
        request("class-pass", "/accepted", "\"2xx\""),
        request("class-fail", "/boom", "\"2xx\""),
        request("class-list", "/missing", "[\"2xx\", 500]"),
    ]
    .concat();
    sandbox.collection("shop", &toml)?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(1);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"cmabm");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / list-pass
→ GET http://127.0.0.1:PORT/created
← 201 Created  HTTP/1.1  1 B
  connect T · ttfb T · download T · total T · 1 B
shop / list-fail
→ GET http://127.0.0.1:PORT/missing
← 404 Not Found  HTTP/1.1  1 B
  connection reused · ttfb T · download T · total T · 1 B
  ✗ status: expected 200 or 201, got 404
  request:
  → GET http://127.0.0.1:PORT/missing
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 404 Not Found
    content-type: text/plain
    content-length: 1
    date: DATE

    m
shop / class-pass
→ GET http://127.0.0.1:PORT/accepted
← 202 Accepted  HTTP/1.1  1 B
  connection reused · ttfb T · download T · total T · 1 B
shop / class-fail
→ GET http://127.0.0.1:PORT/boom
← 500 Internal Server Error  HTTP/1.1  1 B
  connection reused · ttfb T · download T · total T · 1 B
  ✗ status: expected 2xx, got 500
  request:
  → GET http://127.0.0.1:PORT/boom
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 500 Internal Server Error
    content-type: text/plain
    content-length: 1
    date: DATE

    b
shop / class-list
→ GET http://127.0.0.1:PORT/missing
← 404 Not Found  HTTP/1.1  1 B
  connection reused · ttfb T · download T · total T · 1 B
  ✗ status: expected 2xx or 500, got 404
  request:
  → GET http://127.0.0.1:PORT/missing
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 404 Not Found
    content-type: text/plain
    content-length: 1
    date: DATE

    m
REQUEST  STATUS  TIME  RESULT
shop / list-pass  201  T  PASS
shop / list-fail  404  T  FAIL status: expected 200 or 201, got 404
shop / class-pass  202  T  PASS
shop / class-fail  500  T  FAIL status: expected 2xx, got 500
shop / class-list  404  T  FAIL status: expected 2xx or 500, got 404
summary: 2 passed, 3 failed, 0 errored in T
"
    );
    Ok(())
}

#[test]
fn quiet_passing_run_prints_nothing() -> TestResult {
    let server = support::http_server(|_| text(200, "fine"));
    let sandbox = Sandbox::new()?;
    let toml = [
        one_request(&server.url("/a"), ""),
        one_request(&server.url("/b"), "").replace("\"ping\"", "\"pong\""),
    ]
    .concat();
    sandbox.collection("shop", &toml)?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "-q"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(server.hits(), 2);
    Ok(())
}

#[test]
fn quiet_failing_run_prints_only_the_failing_request_and_the_summary() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/good" => text(200, "fine"),
        _ => text(503, "down"),
    });
    let sandbox = Sandbox::new()?;
    let toml = [
        one_request(&server.url("/good"), "").replace("\"ping\"", "\"good\""),
        one_request(&server.url("/bad"), "").replace("\"ping\"", "\"bad\""),
    ]
    .concat();
    sandbox.collection("shop", &toml)?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "-q"])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / bad
→ GET http://127.0.0.1:PORT/bad
← 503 Service Unavailable  HTTP/1.1  4 B
  connection reused · ttfb T · download T · total T · 4 B
  ✗ status: expected 200, got 503
  request:
  → GET http://127.0.0.1:PORT/bad
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 503 Service Unavailable
    content-type: text/plain
    content-length: 4
    date: DATE

    down
REQUEST  STATUS  TIME  RESULT
shop / good  200  T  PASS
shop / bad  503  T  FAIL status: expected 200, got 503
summary: 1 passed, 1 failed, 0 errored in T
"
    );
    Ok(())
}

#[test]
fn fail_fast_stops_after_the_first_failure() -> TestResult {
    let server = support::http_server(|_| text(500, "no"));
    let sandbox = Sandbox::new()?;
    let toml: String = ["one", "two", "three"]
        .iter()
        .map(|name| {
            one_request(&server.url(&format!("/{name}")), "")
                .replace("\"ping\"", &format!("\"{name}\""))
        })
        .collect();
    sandbox.collection("shop", &toml)?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--fail-fast"])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"no");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / one
→ GET http://127.0.0.1:PORT/one
← 500 Internal Server Error  HTTP/1.1  2 B
  connect T · ttfb T · download T · total T · 2 B
  ✗ status: expected 200, got 500
  request:
  → GET http://127.0.0.1:PORT/one
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 500 Internal Server Error
    content-type: text/plain
    content-length: 2
    date: DATE

    no
shop / two (skipped: --fail-fast: an earlier request failed)
shop / three (skipped: --fail-fast: an earlier request failed)
REQUEST  STATUS  TIME  RESULT
shop / one  500  T  FAIL status: expected 200, got 500
shop / two  -  -  NOT RUN --fail-fast: an earlier request failed
shop / three  -  -  NOT RUN --fail-fast: an earlier request failed
summary: 0 passed, 1 failed, 0 errored, 2 not run in T
"
    );
    assert_eq!(server.hits(), 1);
    Ok(())
}

/// Runs the one-request collection `shop` with `args` and checks exit 3 and the error lines.
fn network_error(
    url: &str,
    extra: &str,
    args: &[&str],
    port: Option<u16>,
    message: &str,
    hint: &str,
) -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &one_request(url, extra))?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop"])
        .args(args)
        .assert()
        .code(3);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let shown_url = match port {
        Some(port) => url.replace(&format!(":{port}"), ":PORT"),
        None => url.to_owned(),
    };
    assert_eq!(
        normalise(&out.stderr, &port.into_iter().collect::<Vec<_>>())?,
        format!(
            "\
shop / ping
→ GET {shown_url}
postie: error: {message}
  hint: {hint}
summary: 0 passed, 0 failed, 1 errored in T
"
        )
    );
    Ok(())
}

#[test]
fn refused_connection_exits_3() -> TestResult {
    let port = refused_port()?;
    network_error(
        &format!("http://127.0.0.1:{port}/ping"),
        "",
        &[],
        Some(port),
        "connection refused by 127.0.0.1:PORT",
        "is the server running on that port?",
    )
}

#[test]
fn server_closing_early_exits_3() -> TestResult {
    let server = support::dropping_server();
    network_error(
        &server.url("/ping"),
        "",
        &[],
        Some(server.addr.port()),
        "server closed the connection before sending a response",
        "the server dropped the request; check its logs, or whether it expects `https://`",
    )?;
    assert_eq!(server.hits(), 1);
    Ok(())
}

#[test]
fn connection_reset_exits_3() -> TestResult {
    let server = support::resetting_server();
    network_error(
        &server.url("/ping"),
        "",
        &[],
        Some(server.addr.port()),
        "connection reset by 127.0.0.1:PORT",
        "the server dropped the connection; check its logs and try again",
    )
}

#[test]
fn timeout_flag_while_waiting_exits_3() -> TestResult {
    let server = support::stalling_server();
    network_error(
        &server.url("/ping"),
        "",
        &["--timeout", "300ms"],
        Some(server.addr.port()),
        "timed out after 300ms waiting for the response",
        "raise the limit with `--timeout` (or `timeout` in the collection)",
    )
}

#[test]
fn request_timeout_in_the_collection_exits_3() -> TestResult {
    let server = support::stalling_server();
    network_error(
        &server.url("/ping"),
        "timeout = \"300ms\"",
        &[],
        Some(server.addr.port()),
        "timed out after 300ms waiting for the response",
        "raise the limit with `--timeout` (or `timeout` in the collection)",
    )
}

#[test]
fn unresolvable_host_exits_3() -> TestResult {
    network_error(
        "http://nope.invalid/",
        "",
        &[],
        None,
        "could not resolve host `nope.invalid`",
        "check the host name in the URL and your network connection",
    )
}

/// Runs a one-request collection against an HTTPS test server and returns the output.
fn tls_run(
    setup: TlsSetup,
    args: &[&str],
    code: i32,
) -> Result<(String, Vec<u8>, usize), Box<dyn Error>> {
    let (server, tls) = support::https_server_with_cert(setup, |_| text(200, "secure"));
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &one_request(&server.url("/secure"), ""))?;
    let ca: PathBuf = tls.ca_pem_path.clone();
    let mut cmd = sandbox.postie()?;
    cmd.args(["run", "shop"]);
    for arg in args {
        if *arg == "CA" {
            cmd.arg(&ca);
        } else {
            cmd.arg(arg);
        }
    }
    let assert = cmd.assert().code(code);
    let out = assert.get_output();
    Ok((
        normalise(&out.stderr, &[server.addr.port()])?,
        out.stdout.clone(),
        server.hits(),
    ))
}

#[test]
fn https_with_cacert_passes_over_http2_and_times_tls() -> TestResult {
    let (stderr, stdout, hits) = tls_run(TlsSetup::default(), &["--cacert", "CA"], 0)?;
    assert_eq!(stdout, b"secure");
    assert_eq!(
        stderr,
        "\
shop / ping
→ GET https://localhost:PORT/secure
← 200 OK  HTTP/2  6 B
  dns T · connect T · tls T · ttfb T · download T · total T · 6 B
"
    );
    assert_eq!(hits, 1);
    Ok(())
}

fn tls_error(message: &str, hint: &str) -> String {
    format!(
        "\
shop / ping
→ GET https://localhost:PORT/secure
postie: error: TLS handshake with `localhost` failed: {message}
  hint: {hint}
summary: 0 passed, 0 failed, 1 errored in T
"
    )
}

#[test]
fn https_with_unknown_issuer_exits_3() -> TestResult {
    let (stderr, stdout, hits) = tls_run(TlsSetup::default(), &[], 3)?;
    assert_eq!(stdout, b"");
    assert_eq!(
        stderr,
        tls_error(
            "certificate is not trusted (unknown issuer)",
            "use `--cacert FILE` to trust a private CA, or `--insecure` to skip verification"
        )
    );
    assert_eq!(hits, 0);
    Ok(())
}

#[test]
fn https_insecure_passes_with_a_warning() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::Expired,
        http2: true,
    };
    let (stderr, stdout, hits) = tls_run(setup, &["--insecure"], 0)?;
    assert_eq!(stdout, b"secure");
    assert_eq!(
        stderr,
        "\
postie: warning: `--insecure`: TLS certificates are not verified; anyone on the path can read and change this traffic
shop / ping
→ GET https://localhost:PORT/secure
← 200 OK  HTTP/2  6 B
  dns T · connect T · tls T · ttfb T · download T · total T · 6 B
"
    );
    assert_eq!(hits, 1);
    Ok(())
}

#[test]
fn https_with_wrong_name_exits_3() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::WrongName,
        http2: true,
    };
    let (stderr, _, hits) = tls_run(setup, &["--cacert", "CA"], 3)?;
    assert_eq!(
        stderr,
        tls_error(
            "certificate is for another host (name mismatch)",
            "use the host name the certificate was issued for, or `--insecure` to skip verification"
        )
    );
    assert_eq!(hits, 0);
    Ok(())
}

#[test]
fn https_with_expired_certificate_exits_3() -> TestResult {
    let setup = TlsSetup {
        cert: CertKind::Expired,
        http2: false,
    };
    let (stderr, _, hits) = tls_run(setup, &["--cacert", "CA"], 3)?;
    assert_eq!(
        stderr,
        tls_error(
            "certificate expired",
            "check the server's certificate dates and your clock, or use `--insecure`"
        )
    );
    assert_eq!(hits, 0);
    Ok(())
}

#[test]
fn mixed_failure_and_network_error_exit_with_the_network_code() -> TestResult {
    let server = support::http_server(|_| text(500, "no"));
    let port = refused_port()?;
    let sandbox = Sandbox::new()?;
    let toml = [
        one_request(&server.url("/fail"), "").replace("\"ping\"", "\"fail\""),
        one_request(&format!("http://127.0.0.1:{port}/down"), "").replace("\"ping\"", "\"down\""),
    ]
    .concat();
    sandbox.collection("shop", &toml)?;
    let assert = sandbox.postie()?.args(["run", "shop"]).assert().code(3);
    let out = assert.get_output();
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port(), port])?,
        "\
shop / fail
→ GET http://127.0.0.1:PORT/fail
← 500 Internal Server Error  HTTP/1.1  2 B
  connect T · ttfb T · download T · total T · 2 B
  ✗ status: expected 200, got 500
  request:
  → GET http://127.0.0.1:PORT/fail
    user-agent: postie/0.1.0
    accept: */*
    accept-encoding: gzip, deflate, br, zstd
  response:
    HTTP/1.1 500 Internal Server Error
    content-type: text/plain
    content-length: 2
    date: DATE

    no
shop / down
→ GET http://127.0.0.1:PORT/down
postie: error: connection refused by 127.0.0.1:PORT
  hint: is the server running on that port?
REQUEST  STATUS  TIME  RESULT
shop / fail  500  T  FAIL status: expected 200, got 500
shop / down  -  T  ERROR connection refused by 127.0.0.1:PORT
summary: 0 passed, 1 failed, 1 errored in T
"
    );
    Ok(())
}

#[test]
fn dry_run_shows_the_request_and_sends_nothing() -> TestResult {
    let server = support::http_server(|_| text(200, "sent"));
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &format!(
            r#"
[[requests]]
name = "create"
method = "POST"
url = "{url}"
headers = {{ X-Trace = "abc" }}
json = {{ name = "Ada" }}
"#,
            url = server.url("/people")
        ),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--dry-run"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / create
→ POST http://127.0.0.1:PORT/people
  x-trace: abc
  content-type: application/json
  user-agent: postie/0.1.0
  accept: */*
  accept-encoding: gzip, deflate, br, zstd
  content-length: 14

  {
    \"name\": \"Ada\"
  }

  (dry run: not sent)
summary: 1 request resolved, nothing sent (dry run)
"
    );
    assert_eq!(server.hits(), 0);
    Ok(())
}

#[test]
fn send_builds_json_headers_and_query_from_items() -> TestResult {
    let server = support::http_server(|_| text(200, "ok"));
    let sandbox = Sandbox::new()?;
    let url = server.url("/people");
    let assert = sandbox
        .postie()?
        .args([
            "send",
            "POST",
            url.as_str(),
            "name=Ada",
            "age:=36",
            "X-Trace:abc",
            "q==1",
        ])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(out.stdout, b"ok");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
→ POST http://127.0.0.1:PORT/people?q=1
← 200 OK  HTTP/1.1  2 B
  connect T · ttfb T · download T · total T · 2 B
"
    );
    let got = server.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].uri, "/people?q=1");
    assert_eq!(got[0].body, br#"{"name":"Ada","age":36}"#);
    assert_eq!(got[0].header("x-trace"), Some("abc"));
    assert_eq!(got[0].header("content-type"), Some("application/json"));
    Ok(())
}

#[test]
fn send_to_a_refused_port_exits_3() -> TestResult {
    let port = refused_port()?;
    let sandbox = Sandbox::new()?;
    let url = format!("http://127.0.0.1:{port}/x");
    let assert = sandbox
        .postie()?
        .args(["send", "GET", url.as_str()])
        .assert()
        .code(3);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &[port])?,
        "\
→ GET http://127.0.0.1:PORT/x
postie: error: connection refused by 127.0.0.1:PORT
  hint: is the server running on that port?
"
    );
    Ok(())
}

#[test]
fn quiet_run_shows_a_network_error_with_its_request() -> TestResult {
    let port = refused_port()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "shop",
        &one_request(&format!("http://127.0.0.1:{port}/ping"), ""),
    )?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "-q"])
        .assert()
        .code(3);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &[port])?,
        "\
shop / ping
→ GET http://127.0.0.1:PORT/ping
postie: error: connection refused by 127.0.0.1:PORT
  hint: is the server running on that port?
summary: 0 passed, 0 failed, 1 errored in T
"
    );
    Ok(())
}

#[test]
fn body_that_stops_arriving_times_out_after_the_head() -> TestResult {
    let server = support::raw_server(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc".to_vec());
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &one_request(&server.url("/slow"), ""))?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--timeout", "300ms"])
        .assert()
        .code(3);
    let out = assert.get_output();
    // The first KiB is read to classify the body before anything is written, so the 3 bytes
    // that did arrive are not shown.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &[server.addr.port()])?,
        "\
shop / ping
→ GET http://127.0.0.1:PORT/slow
← 200 OK  HTTP/1.1  100 B
postie: error: timed out after 300ms reading the body
  hint: raise the limit with `--timeout` (or `timeout` in the collection)
summary: 0 passed, 0 failed, 1 errored in T
"
    );
    Ok(())
}
