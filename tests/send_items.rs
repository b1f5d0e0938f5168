//! `postie send` items against HTTPie (`http --offline` prints the exact request it would send:
//! the oracle), and the HTTP details users meet: bodies from stdin, FIFOs and devices, brotli
//! and zstd answers, repeated request and response headers, a wrong `Content-Length`.
//!
//! HTTPie comes from tests/tools/requirements.txt (`scripts/test` installs it in the venv).

mod support;

use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use support::sandbox::Sandbox;
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

fn ok_reply(_: &Recorded) -> Reply {
    (
        200,
        vec![("content-type".into(), "text/plain".into())],
        b"ok".to_vec(),
    )
}

/// A request reduced to what postie and HTTPie must agree on.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    path: String,
    /// Query pairs, decoded (postie writes a space as `+`, HTTPie as `%20`: the same pair).
    query: Vec<(String, String)>,
    /// Lower-case name → values in order. Left out: `host` (the URL is compared), `connection`
    /// and `accept-encoding` (HTTPie sends `keep-alive` and `gzip, deflate`; postie sends xh's
    /// list), `content-length` of JSON bodies (HTTPie writes `{"a": 1}`, postie `{"a":1}`).
    /// `User-Agent` values are normalised to `UA` (postie/… vs HTTPie/…).
    headers: BTreeMap<String, Vec<String>>,
    /// JSON bodies parsed, other bodies as text.
    body: Body,
}

#[derive(Debug, PartialEq)]
enum Body {
    Json(serde_json::Value),
    Text(String),
}

/// The reference a request is compared with: it decides what [`Seen`] leaves out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Peer {
    /// `host`, `connection`, `accept-encoding` and the `content-length` of JSON bodies are left
    /// out (see [`Seen::headers`]).
    Httpie,
    /// Every header but `host` (the URL is compared) is compared, values and repeats.
    Xh,
}

fn seen(method: &str, target: &str, headers: &[(String, String)], body: &[u8], peer: Peer) -> Seen {
    let url = url::Url::parse(&format!("http://x{target}")).expect("request target");
    let is_json = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v.contains("json"));
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let left_out = match peer {
            Peer::Httpie => {
                ["host", "connection", "accept-encoding"].contains(&name.as_str())
                    || (name == "content-length" && is_json)
            }
            Peer::Xh => name == "host",
        };
        if left_out {
            continue;
        }
        let value = if name == "user-agent" {
            "UA".to_owned()
        } else {
            value.clone()
        };
        map.entry(name).or_default().push(value);
    }
    let body = match serde_json::from_slice(body) {
        Ok(json) if is_json => Body::Json(json),
        _ => Body::Text(String::from_utf8_lossy(body).into_owned()),
    };
    Seen {
        method: method.to_owned(),
        path: url.path().to_owned(),
        query: url.query_pairs().into_owned().collect(),
        headers: map,
        body,
    }
}

/// What HTTPie would send: `http --offline --print=HB`.
fn httpie(dir: &Path, args: &[String]) -> Result<Seen, Box<dyn Error>> {
    let out = Command::new(support::tools::python())
        .current_dir(dir)
        .args(["-m", "httpie", "--offline", "--print=HB", "--ignore-stdin"])
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        return Err(format!(
            "HTTPie failed for {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap_or((&text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    Ok(seen(
        method,
        target,
        &headers,
        body.trim_end_matches(['\r', '\n']).as_bytes(),
        Peer::Httpie,
    ))
}

/// What postie sent, as the recording server saw it.
fn postie(
    sandbox: &Sandbox,
    server: &support::TestServer,
    args: &[String],
    peer: Peer,
) -> Result<Seen, Box<dyn Error>> {
    let mut cmd = sandbox.command();
    cmd.arg("send").arg("--ignore-stdin").args(args);
    sent(|| cmd.output(), "postie", server, args, peer)
}

/// What xh sent, as the recording server saw it (`xh --ignore-stdin METHOD URL ITEM...`, run in
/// the sandbox so `@file` items find the same files).
fn xh(
    sandbox: &Sandbox,
    server: &support::TestServer,
    args: &[String],
) -> Result<Seen, Box<dyn Error>> {
    let mut cmd = Command::new(support::tools::xh());
    cmd.current_dir(sandbox.path())
        .arg("--ignore-stdin")
        .args(args)
        .stdin(Stdio::null());
    sent(|| cmd.output(), "xh", server, args, Peer::Xh)
}

/// Runs a command (`run`: one request to `server`) and reduces what arrived.
fn sent(
    run: impl FnOnce() -> std::io::Result<std::process::Output>,
    who: &str,
    server: &support::TestServer,
    args: &[String],
    peer: Peer,
) -> Result<Seen, Box<dyn Error>> {
    let before = server.requests().len();
    let out = run()?;
    if !out.status.success() {
        return Err(format!(
            "{who} failed for {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let requests = server.requests();
    let r = requests.get(before).ok_or("no request arrived")?;
    Ok(seen(&r.method, &r.uri, &r.headers, &r.body, peer))
}

/// The files the `@file` items of [`item_cases`] read.
fn item_files(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join("note.txt"), "line one\nligne deux é\n")?;
    std::fs::write(dir.join("data.json"), r#"{"list": [1, 2], "k": null}"#)?;
    std::fs::write(dir.join("body.txt"), "raw body text")?;
    std::fs::write(dir.join("plan.json"), r#"{"plan": "gold"}"#)
}

/// The item combinations both peers are compared on.
fn item_cases(server: &support::TestServer) -> Vec<Vec<String>> {
    let url = |path: &str| server.url(path);
    [
        vec!["GET", &url("/plain")],
        vec!["GET", &url("/h"), "X-Api-Key:abc", "Accept:text/html"],
        vec!["GET", &url("/rm-ua"), "User-Agent:"],
        vec!["GET", &url("/rm-accept"), "Accept:"],
        vec!["GET", &url("/empty"), "X-Empty;"],
        vec!["GET", &url("/empty-accept"), "Accept;"],
        vec!["GET", &url("/repeat"), "X-A:1", "X-A:2"],
        vec!["GET", &url("/set-then-rm"), "X-A:1", "X-A:"],
        vec!["GET", &url("/rm-then-set"), "X-A:", "X-A:2"],
        vec!["GET", &url("/q"), "q==rust lang", "empty==", "a==1", "a==2"],
        vec!["GET", &url("/q2?x=1"), "y==a&b=c", "z==100%"],
        vec![
            "POST",
            &url("/json"),
            "name=Spring sale",
            "n:=42",
            "ok:=true",
        ],
        vec![
            "POST",
            &url("/raw"),
            r#"tags:=["a","b"]"#,
            r#"meta:={"k":null}"#,
        ],
        vec!["POST", &url("/nested"), "user[name]=x", "user[age]:=3"],
        vec!["POST", &url("/append"), "tags[]=a", "tags[]=b"],
        vec!["POST", &url("/index"), "a[0]=x", "a[1][b]=c"],
        vec!["POST", &url("/sparse"), "a[2]=1", "a[0]=0"],
        vec![
            "POST",
            &url("/deep"),
            "a[b][c][]:=1",
            "a[b][c][]:=2",
            "a[d]=e",
        ],
        vec!["POST", &url("/root"), "[]:=1", "[]=x"],
        vec!["POST", &url("/last"), "a=1", "a=2"],
        vec![
            "POST",
            &url("/file-field"),
            "note=@note.txt",
            "data:=@data.json",
        ],
        vec!["PUT", &url("/body"), "@body.txt"],
        vec!["PUT", &url("/body-json"), "@plan.json"],
        vec![
            "POST",
            &url("/ct"),
            "a=1",
            "Content-Type:application/vnd.x+json",
        ],
        vec!["POST", &url("/rm-ct"), "a=1", "Accept:", "X-B;"],
        vec!["PATCH", &url("/mix"), "q==1", "X-T:t", "a[b]=1", "c:=[1]"],
        vec!["DELETE", &url("/esc"), r"a\:b=c", r"k\=v==1"],
        vec!["GET", &url("/sep"), "a=b:c", "h:v=w"],
    ]
    .iter()
    .map(|case| case.iter().map(|s| s.to_string()).collect())
    .collect()
}

#[test]
fn send_items_build_the_request_httpie_builds() -> TestResult {
    let server = support::http_server(ok_reply);
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path();
    item_files(dir)?;
    let cases = item_cases(&server);
    assert!(cases.len() >= 20);
    let mut differences = Vec::new();
    for case in &cases {
        let mut want = httpie(dir, case)?;
        let mut got = postie(&sandbox, &server, case, Peer::Httpie)?;
        // The differences the README lists: `Accept:` cannot remove the `Accept: */*` that
        // reqwest adds, and an `@file` body is sent with `Accept: */*` (HTTPie's JSON one is
        // for JSON bodies only in postie, as in xh).
        let is_file = case.iter().any(|item| item.starts_with('@'));
        let removes_accept = case.iter().any(|item| item.eq_ignore_ascii_case("accept:"));
        if is_file || removes_accept {
            assert_eq!(
                got.headers.remove("accept"),
                Some(vec!["*/*".to_owned()]),
                "{case:?}"
            );
            want.headers.remove("accept");
        }
        if got != want {
            differences.push(format!("{case:?}\n  postie: {got:?}\n  HTTPie: {want:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} cases differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    Ok(())
}

/// The same items sent by xh 0.26.3 and by postie to one recording server: every header but
/// `host` (`accept-encoding` and `content-length` included, `user-agent` normalised), the query
/// pairs and the body. The differences the README lists are asserted here too, so the list stays true.
#[test]
fn send_items_send_what_xh_sends() -> TestResult {
    let server = support::http_server(ok_reply);
    let sandbox = Sandbox::new()?;
    item_files(sandbox.path())?;
    let cases = item_cases(&server);
    let mut differences = Vec::new();
    for case in &cases {
        let mut want = xh(&sandbox, &server, case)?;
        let got = postie(&sandbox, &server, case, Peer::Xh)?;
        // The one difference the README lists: xh writes `Connection: keep-alive`, the default
        // of HTTP/1.1 that postie leaves implicit.
        assert_eq!(
            want.headers.remove("connection"),
            Some(vec!["keep-alive".to_owned()]),
            "xh {case:?}"
        );
        assert!(!got.headers.contains_key("connection"), "postie {case:?}");
        if got != want {
            differences.push(format!("{case:?}\n  postie: {got:?}\n  xh:     {want:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} cases differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
    Ok(())
}

#[test]
fn a_bad_json_path_is_a_usage_error() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (item, fragment) in [
        ("a[-1]=1", "negative indexes are not supported"),
        ("a[b]c=1", "expected `[`"),
        ("a[99999999]=1", "is over"),
    ] {
        let out = sandbox
            .command()
            .args([
                "send",
                "--ignore-stdin",
                "POST",
                "http://127.0.0.1:9/x",
                item,
            ])
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{item}: {stderr}");
        assert!(stderr.contains(fragment), "{item}: {stderr}");
    }
    let out = sandbox
        .command()
        .args([
            "send",
            "--ignore-stdin",
            "POST",
            "http://127.0.0.1:9/x",
            "a=1",
            "a[b]=2",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is a key, but the value there is string")
    );
    Ok(())
}

#[test]
fn a_body_piped_on_stdin_is_sent_unless_ignored() -> TestResult {
    let server = support::http_server(ok_reply);
    let sandbox = Sandbox::new()?;
    sandbox
        .command()
        .args(["send", "POST", &server.url("/in")])
        .write_stdin("from stdin\n")
        .assert()
        .success();
    sandbox
        .command()
        .args(["send", "--ignore-stdin", "POST", &server.url("/ignored")])
        .write_stdin("not sent")
        .assert()
        .success();
    // JSON fields give the body: stdin is not read (HTTPie and xh refuse to mix them).
    sandbox
        .command()
        .args(["send", "POST", &server.url("/fields"), "a=1"])
        .write_stdin("not sent either")
        .assert()
        .success();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body, b"from stdin\n");
    assert_eq!(requests[0].header("content-length"), Some("11"));
    assert_eq!(requests[1].body, b"");
    assert_eq!(requests[2].body, br#"{"a":"1"}"#);
    Ok(())
}

#[test]
fn bodies_from_fifos_and_devices_are_streamed_not_dropped() -> TestResult {
    let server = support::http_server(ok_reply);
    let sandbox = Sandbox::new()?;
    let fifo = sandbox.path().join("body.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status()?;
    assert!(made.success(), "mkfifo failed");
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let writer = {
        let fifo = fifo.clone();
        let payload = payload.clone();
        std::thread::spawn(move || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo)?;
            f.write_all(&payload)
        })
    };
    sandbox
        .command()
        .args(["send", "--ignore-stdin", "PUT", &server.url("/fifo")])
        .arg(format!("@{}", fifo.display()))
        .assert()
        .success();
    writer.join().map_err(|_| "writer panicked")??;

    // `field=@/dev/stdin` and a collection `file = "/dev/stdin"` body read the pipe too.
    sandbox.collection(
        "dev",
        &format!(
            "[[requests]]\nname = \"dev\"\nmethod = \"POST\"\nurl = \"{}\"\nfile = \"/dev/stdin\"\n",
            server.url("/collection-dev")
        ),
    )?;
    sandbox
        .command()
        .args(["run", "dev"])
        .write_stdin("piped into a collection body")
        .assert()
        .success();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body.len(), payload.len());
    assert!(
        requests[0].body == payload,
        "the FIFO's bytes arrived changed"
    );
    assert_eq!(requests[0].header("transfer-encoding"), Some("chunked"));
    assert_eq!(requests[1].body, b"piped into a collection body");
    Ok(())
}

fn encoded_reply(r: &Recorded) -> Reply {
    let text = b"decoded text, the same for every encoding\n".repeat(20);
    let (encoding, body) = match r.path().as_str() {
        "/br" => {
            let mut out = Vec::new();
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(&text).expect("brotli");
            drop(w);
            ("br", out)
        }
        "/zstd" => ("zstd", zstd::encode_all(&text[..], 3).expect("zstd")),
        _ => ("identity", text.clone()),
    };
    (
        200,
        vec![
            ("content-type".into(), "text/plain".into()),
            ("content-encoding".into(), encoding.into()),
        ],
        body,
    )
}

#[test]
fn brotli_and_zstd_answers_are_decoded_and_offered_as_xh_does() -> TestResult {
    let server = support::http_server(encoded_reply);
    let sandbox = Sandbox::new()?;
    let want = "decoded text, the same for every encoding\n".repeat(20);
    for path in ["/br", "/zstd"] {
        let out = sandbox
            .command()
            .args(["send", "--ignore-stdin", "GET", &server.url(path)])
            .output()?;
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout)?, want, "{path}");
    }
    let requests = server.requests();
    assert_eq!(
        requests[0].header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    Ok(())
}

#[test]
fn a_header_array_repeats_the_header_also_in_defaults() -> TestResult {
    let server = support::wire_server(200, b"ok");
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "rep",
        &format!(
            r#"
[defaults]
headers = {{ X-Trace = ["d1", "d2"], Accept = "text/plain" }}

[[requests]]
name = "one"
url = "{url}"
headers = {{ Accept = ["application/json", "text/csv"] }}

[[requests]]
name = "two"
url = "{url}"
"#,
            url = server.url("/r")
        ),
    )?;
    sandbox.command().args(["run", "rep"]).assert().success();
    let wire = server.wire_requests();
    assert_eq!(wire.len(), 2);
    let lines = |i: usize, name: &str| -> Vec<String> {
        wire[i]
            .header_lines()
            .iter()
            .filter(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
            .map(|l| l.to_string())
            .collect()
    };
    assert_eq!(
        lines(0, "accept"),
        ["accept: application/json", "accept: text/csv"]
    );
    assert_eq!(lines(0, "x-trace"), ["x-trace: d1", "x-trace: d2"]);
    assert_eq!(lines(1, "accept"), ["accept: text/plain"]);
    assert_eq!(lines(1, "x-trace"), ["x-trace: d1", "x-trace: d2"]);
    Ok(())
}

#[test]
fn a_header_capture_joins_repeated_headers_as_expect_does() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/first" => (
            200,
            vec![("x-id".into(), "a".into()), ("x-id".into(), "b".into())],
            Vec::new(),
        ),
        _ => ok_reply(r),
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "cap",
        &format!(
            r#"
[[requests]]
name = "first"
url = "{base}/first"
[requests.expect]
headers = {{ X-Id = "a, b" }}
[requests.capture]
ids = "header:x-id"

[[requests]]
name = "second"
url = "{base}/second"
headers = {{ X-Got = "{{{{ids}}}}" }}
"#,
            base = server.url("")
        ),
    )?;
    sandbox.command().args(["run", "cap"]).assert().success();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("x-got"), Some("a, b"));
    Ok(())
}

#[test]
fn a_content_length_that_disagrees_with_the_body_is_an_error() -> TestResult {
    let server = support::wire_server(200, b"ok");
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "cl",
        &format!(
            "[[requests]]\nname = \"cl\"\nmethod = \"POST\"\nurl = \"{}\"\nheaders = {{ Content-Length = \"3\" }}\ntext = \"hello\"\n",
            server.url("/cl")
        ),
    )?;
    let out = sandbox.command().args(["run", "cl"]).output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Content-Length"), "{stderr}");
    assert!(
        stderr.contains("says 3 bytes, but the body is 5 bytes"),
        "{stderr}"
    );

    let out = sandbox
        .command()
        .args([
            "send",
            "--ignore-stdin",
            "POST",
            &server.url("/send"),
            "Content-Length:100",
            "a=1",
        ])
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("says 100 bytes, but the body is 9 bytes"),
        "{stderr}"
    );

    // The right length is fine.
    let out = sandbox
        .command()
        .args([
            "send",
            "--ignore-stdin",
            "POST",
            &server.url("/right"),
            "Content-Length:9",
            "a=1",
        ])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        server.hits(),
        1,
        "a wrong Content-Length must not reach the wire"
    );
    Ok(())
}
