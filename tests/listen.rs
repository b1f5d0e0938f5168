//! `postie listen` and `postie inbox`, end to end: a real `postie listen --port 0` child
//! process, requests over real loopback sockets, and the inbox read back with `postie inbox`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_postie");

/// A running `postie listen`; killed (SIGKILL) when dropped.
struct Listener {
    child: Child,
    url: String,
    addr: String,
    first_line: String,
    stdout: Arc<Mutex<String>>,
}

fn base_command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1")
        .env_remove("POSTIE_TEST_TTY")
        .env_remove("CI");
    cmd
}

fn listen(inbox: &Path, args: &[&str], envs: &[(&str, &str)]) -> Listener {
    let home = inbox.parent().expect("inbox has a parent");
    let mut cmd = base_command(home);
    cmd.args(["listen", "--port", "0", "--inbox"])
        .arg(inbox)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn postie listen");
    let stderr = child.stderr.take().expect("stderr");
    let mut first_line = String::new();
    BufReader::new(stderr)
        .read_line(&mut first_line)
        .expect("first stderr line");
    let url = first_line
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
        .to_owned();
    let addr = url.trim_start_matches("http://").to_owned();
    let stdout = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&stdout);
    let mut out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .expect("lock")
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    Listener {
        child,
        url,
        addr,
        first_line,
        stdout,
    }
}

impl Listener {
    /// Stdout once `done` holds for it (or after 10 s, for the assertion to show).
    fn stdout_when(&self, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.stdout.lock().expect("lock").clone();
            if done(&text) || start.elapsed() > Duration::from_secs(10) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One request on its own connection; returns (status, head, body).
fn send_raw(addr: &str, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request).expect("write");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}

fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: hooks.test\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn post(addr: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    send_raw(addr, &request("POST", target, headers, body))
}

fn inbox_cmd(inbox: &Path, args: &[&str]) -> Output {
    let home = inbox.parent().expect("parent");
    base_command(home)
        .arg("inbox")
        .args(args)
        .arg("--inbox")
        .arg(inbox)
        .output()
        .expect("run postie inbox")
}

fn inbox_json(inbox: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json"];
    args.extend_from_slice(extra);
    let out = inbox_cmd(inbox, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an NDJSON line"))
        .collect()
}

fn temp_inbox() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    (dir, inbox)
}

fn normalise(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").expect("regex");
    time.replace_all(text, "TIME").into_owned()
}

#[test]
fn arrival_is_announced_and_printed() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[]);
    assert_eq!(
        listener.first_line,
        format!(
            "listening on {} — inbox: {}\n",
            listener.url,
            inbox.display()
        )
    );
    let (status, _, body) = post(
        &listener.addr,
        "/hooks/github?delivery=7",
        &[
            ("X-GitHub-Event", "push"),
            ("Content-Type", "application/json"),
        ],
        br#"{"ref":"main","commits":[1]}"#,
    );
    assert_eq!((status, body), (200, Vec::new()));
    let (status, _, _) = send_raw(&listener.addr, &request("DELETE", "/plain", &[], b"line"));
    assert_eq!(status, 200);
    let out = listener.stdout_when(|s| s.contains("#2"));
    assert_eq!(
        normalise(&out),
        "#1 TIME POST /hooks/github?delivery=7
  host: hooks.test
  x-github-event: push
  content-type: application/json
  content-length: 28
  connection: close

{
  \"ref\": \"main\",
  \"commits\": [
    1
  ]
}

#2 TIME DELETE /plain
  host: hooks.test
  content-length: 4
  connection: close

line

"
    );
}

#[test]
fn json_prints_one_object_per_event() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &["--json"], &[]);
    post(&listener.addr, "/a?x=1", &[], b"\x00\xffbin");
    post(
        &listener.addr,
        "/b",
        &[("Content-Type", "text/plain")],
        b"hello",
    );
    let out = listener.stdout_when(|s| s.lines().count() == 2);
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["id"], 1);
    assert_eq!(events[0]["method"], "POST");
    assert_eq!(events[0]["path"], "/a");
    assert_eq!(events[0]["query"], "x=1");
    assert_eq!(events[0]["body"], "AP9iaW4=");
    assert_eq!(events[0]["body_encoding"], "base64");
    assert_eq!(events[1]["body"], "hello");
    assert_eq!(
        events[1]["headers"][1],
        serde_json::json!(["content-type", "text/plain"])
    );
}

#[test]
fn response_options_shape_the_answer() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(
        &inbox,
        &[
            "--status",
            "202",
            "--body",
            "queued",
            "--header",
            "X-Reply: yes",
            "--delay",
            "300ms",
        ],
        &[],
    );
    let start = Instant::now();
    let (status, head, body) = post(&listener.addr, "/x", &[], b"{}");
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 202);
    assert_eq!(body, b"queued");
    assert!(
        head.to_ascii_lowercase().contains("\r\nx-reply: yes"),
        "{head}"
    );
    drop(listener);

    let (_dir2, inbox2) = temp_inbox();
    let echo = listen(&inbox2, &["--echo"], &[]);
    let (status, _, body) = post(&echo.addr, "/e?k=v", &[], br#"{"n":1}"#);
    assert_eq!(status, 200);
    let value: Value = serde_json::from_slice(&body).expect("echo JSON");
    assert_eq!(value["id"], 1);
    assert_eq!(value["args"], serde_json::json!({"k": "v"}));
    assert_eq!(value["json"], serde_json::json!({"n": 1}));
}

#[test]
fn every_acknowledged_event_survives_kill_9() {
    let (_dir, inbox) = temp_inbox();
    let mut listener = listen(&inbox, &[], &[]);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let addr = listener.addr.clone();
            let acked = Arc::clone(&acked);
            std::thread::spawn(move || {
                for i in 0..40 {
                    let body = format!("{{\"thread\":{t},\"i\":{i}}}");
                    let (status, _, _) = post(&addr, "/load", &[], body.as_bytes());
                    if status == 200 {
                        acked.lock().expect("lock").push(body);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("sender thread");
    }
    listener.kill();
    let mut acked = acked.lock().expect("lock").clone();
    assert_eq!(acked.len(), 320);
    let events = inbox_json(&inbox, &[]);
    let mut stored: Vec<String> = events
        .iter()
        .map(|e| e["body"].as_str().unwrap_or_default().to_owned())
        .collect();
    let ids: Vec<u64> = events
        .iter()
        .map(|e| e["id"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(ids, (1..=320).collect::<Vec<u64>>());
    acked.sort();
    stored.sort();
    assert_eq!(stored, acked);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}

#[test]
fn forwarding_relays_gzip_and_form_bodies_byte_for_byte() {
    let app = support::http_server(|_| (201, vec![], b"{\"ok\":true}".to_vec()));
    let (_dir, inbox) = temp_inbox();
    let forward_to = app.url("/app");
    let listener = listen(&inbox, &["--forward-to", &forward_to], &[]);
    let gz = gzip(br#"{"event":"invoice.paid","amount":4200}"#);
    let form = b"a=1&b=x+y&c=%26%3D&empty=".to_vec();
    post(
        &listener.addr,
        "/stripe?live=0",
        &[
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Stripe-Signature", "t=1,v1=ab"),
        ],
        &gz,
    );
    post(
        &listener.addr,
        "/form",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form,
    );
    let out = listener.stdout_when(|s| s.matches("forwarded").count() == 2);
    let requests = app.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].uri, "/app/stripe?live=0");
    assert_eq!(requests[0].body, gz);
    assert_eq!(requests[0].header("content-encoding"), Some("gzip"));
    assert_eq!(requests[0].header("stripe-signature"), Some("t=1,v1=ab"));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[1].uri, "/app/form");
    assert_eq!(requests[1].body, form);
    assert_eq!(
        requests[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // Hop-by-hop headers stay behind.
    assert_eq!(requests[1].header("connection"), None);
    assert!(
        out.contains(&format!(
            "  ↳ #1 forwarded to {forward_to}/stripe?live=0: 201\n    {{\"ok\":true}}\n"
        )),
        "{out}"
    );
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events[1]["deliveries"][0]["status"], 201);
    assert_eq!(events[1]["deliveries"][0]["attempts"], 1);
    assert_eq!(
        events[1]["deliveries"][0]["to"],
        format!("{forward_to}/form")
    );
}

#[test]
fn a_failed_delivery_is_retried_with_backoff() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let app = support::http_server(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            (503, vec![], b"busy".to_vec())
        } else {
            (204, vec![], Vec::new())
        }
    });
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &["--forward-to", &app.url("/")], &[]);
    post(&listener.addr, "/retry", &[], b"x");
    let out = listener.stdout_when(|s| s.contains("forwarded"));
    assert!(out.contains(": 204 after 2 attempts\n"), "{out}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events[0]["deliveries"][0]["attempts"], 2);
    assert_eq!(events[0]["deliveries"][0]["status"], 204);
}

#[test]
fn replay_resends_the_exact_request_and_can_re_sign_it() {
    let app = support::http_server(|_| (200, vec![], b"thanks".to_vec()));
    let (_dir, inbox) = temp_inbox();
    let mut listener = listen(&inbox, &[], &[]);
    let body = b"{\"action\":\"opened\",\"bytes\":\"\x01\x02\"}";
    post(
        &listener.addr,
        "/gh",
        &[
            ("Content-Type", "application/json"),
            ("X-GitHub-Delivery", "d-1"),
        ],
        body,
    );
    listener.kill();

    let to = app.url("/replayed");
    let out = inbox_cmd(&inbox, &["replay", "1", "--to", &to]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("  ↳ #1 replayed to {to}: 200\n    thanks\n")
    );
    let out = base_command(inbox.parent().expect("parent"))
        .env("POSTIE_SECRET_GH_HOOK", "s3cret")
        .args([
            "inbox",
            "replay",
            "1",
            "--to",
            &to,
            "--sign",
            "github",
            "--secret-name",
            "gh_hook",
            "--inbox",
        ])
        .arg(&inbox)
        .output()
        .expect("replay");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = app.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(r.uri, "/replayed");
        assert_eq!(r.body, body);
        assert_eq!(r.header("x-github-delivery"), Some("d-1"));
    }
    assert_eq!(requests[0].header("x-hub-signature-256"), None);
    let verdict = postie::webhook::verify(
        &postie::signing::Scheme::Github,
        "s3cret",
        &requests[1].headers,
        &requests[1].body,
        std::time::SystemTime::now(),
    );
    assert_eq!(verdict, postie::webhook::Verdict::Verified);
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events[0]["deliveries"][0]["via"], "replay");
    assert_eq!(events[0]["deliveries"].as_array().map(Vec::len), Some(2));
}

/// The header lines of a request as it came over the wire, split into (name, value).
fn wire_headers(request: &support::WireRequest) -> Vec<(String, String)> {
    request
        .header_lines()
        .iter()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap_or((line, ""));
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_forwarded_event_carries_exactly_its_own_headers() {
    let app = support::wire_server(202, b"queued");
    let (_dir, inbox) = temp_inbox();
    let forward_to = app.url("/app");
    let listener = listen(&inbox, &["--forward-to", &forward_to], &[]);
    let body = br#"{"zen":"Keep it logically awesome."}"#;
    // `post` also sends `Host: hooks.test`, `Content-Length` and `Connection: close`.
    post(
        &listener.addr,
        "/gh?delivery=1",
        &[
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=0123abcd"),
        ],
        body,
    );
    let out = listener.stdout_when(|s| s.contains("forwarded"));
    assert!(out.contains(": 202\n"), "{out}");
    let requests = app.wire_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request_line(),
        "POST /app/gh?delivery=1 HTTP/1.1"
    );
    // No user-agent, accept or accept-encoding: only the event's headers (names as the
    // sender wrote them), the new host and the recomputed length.
    assert_eq!(
        wire_headers(&requests[0]),
        pairs(&[
            ("host", &app.addr.to_string()),
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=0123abcd"),
            ("content-length", &body.len().to_string()),
        ])
    );
    assert_eq!(requests[0].body, body);
}

#[test]
fn a_replayed_event_carries_exactly_its_own_headers_and_re_signing_swaps_only_the_signature() {
    let app = support::wire_server(200, b"thanks");
    let (_dir, inbox) = temp_inbox();
    let mut listener = listen(&inbox, &[], &[]);
    let body = b"{\"action\":\"opened\"}";
    post(
        &listener.addr,
        "/gh",
        &[
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=stale"),
        ],
        body,
    );
    listener.kill();

    let to = app.url("/replayed?try=2");
    let out = inbox_cmd(&inbox, &["replay", "1", "--to", &to]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = base_command(inbox.parent().expect("parent"))
        .env("POSTIE_SECRET_GH_HOOK", "s3cret")
        .args(["inbox", "replay", "1", "--to", &to])
        .args(["--sign", "github", "--secret-name", "gh_hook", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("replay");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let requests = app.wire_requests();
    assert_eq!(requests.len(), 2);
    let host = app.addr.to_string();
    let length = body.len().to_string();
    assert_eq!(requests[0].request_line(), "POST /replayed?try=2 HTTP/1.1");
    assert_eq!(
        wire_headers(&requests[0]),
        pairs(&[
            ("host", &host),
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=stale"),
            ("content-length", &length),
        ])
    );
    assert_eq!(requests[0].body, body);

    let signed = wire_headers(&requests[1]);
    let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "Content-Type",
            "x-hub-signature-256",
            "content-length"
        ]
    );
    assert_eq!(signed[0].1, host);
    assert_eq!(signed[1].1, "application/json");
    assert_eq!(signed[3].1, length);
    assert_ne!(signed[2].1, "sha256=stale");
    let verdict = postie::webhook::verify(
        &postie::signing::Scheme::Github,
        "s3cret",
        &signed,
        &requests[1].body,
        std::time::SystemTime::now(),
    );
    assert_eq!(verdict, postie::webhook::Verdict::Verified);
}

#[test]
fn an_oversize_body_gets_413_and_the_listener_keeps_answering() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &["--max-body", "1KB"], &[]);
    let big = vec![b'a'; 5000];
    let (status, _, body) = post(&listener.addr, "/big", &[], &big);
    assert_eq!(status, 413);
    let error: Value = serde_json::from_slice(&body).expect("JSON error");
    assert_eq!(error["limit"], 1000);
    let (status, _, _) = post(&listener.addr, "/small", &[], b"ok");
    assert_eq!(status, 200);
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["body_size"], 1000);
    assert_eq!(events[0]["body_truncated"], true);
    assert_eq!(
        events[0]["note"],
        "body larger than the 1000-byte limit: answered 413, kept its first 1000 bytes"
    );
    assert_eq!(events[1]["body"], "ok");
}

#[test]
fn malformed_http_on_a_raw_socket_leaves_the_listener_up() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[]);
    let (status, _, _) = send_raw(&listener.addr, b"NOT HTTP AT ALL\r\n\r\n");
    assert_eq!(status, 400);
    let (status, _, _) = send_raw(&listener.addr, b"\x00\xff\x13\x37garbage");
    assert!(status == 400 || status == 0, "{status}");
    // A body cut short by the client closing its side: no event, no crash.
    let mut stream = TcpStream::connect(&listener.addr).expect("connect");
    stream
        .write_all(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99\r\n\r\nshort")
        .expect("write");
    stream
        .shutdown(std::net::Shutdown::Write)
        .expect("half close");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(
        rest.is_empty() || rest.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    let (status, _, _) = post(&listener.addr, "/after", &[], b"fine");
    assert_eq!(status, 200);
    let events = inbox_json(&inbox, &[]);
    let paths: Vec<&str> = events.iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(paths, vec!["/after"]);
}

#[test]
fn inbox_list_show_raw_and_clear() {
    let (_dir, inbox) = temp_inbox();
    let mut listener = listen(&inbox, &[], &[]);
    let binary = [0u8, 1, 2, 255, 254, b'\n', 0];
    post(&listener.addr, "/hooks/a/push", &[], &binary);
    post(
        &listener.addr,
        "/hooks/b",
        &[("Content-Type", "application/json")],
        b"[1]",
    );
    post(&listener.addr, "/other", &[], b"");
    listener.kill();

    let out = inbox_cmd(&inbox, &["list"]);
    assert_eq!(
        normalise(&String::from_utf8_lossy(&out.stdout)),
        "#1  TIME  POST /hooks/a/push  7 B\n#2  TIME  POST /hooks/b  3 B\n#3  TIME  POST /other  0 B\n"
    );
    let ids = |extra: &[&str]| -> Vec<u64> {
        inbox_json(&inbox, extra)
            .iter()
            .filter_map(|e| e["id"].as_u64())
            .collect()
    };
    assert_eq!(ids(&["--path", "/hooks/*"]), vec![1, 2]);
    assert_eq!(ids(&["--path", "/hooks/?"]), vec![2]);
    assert_eq!(ids(&["--since", "1h"]), vec![1, 2, 3]);
    assert_eq!(ids(&["--since", "2000-01-01T00:00:00Z"]), vec![1, 2, 3]);
    assert_eq!(ids(&["--since", "2999-01-01T00:00:00Z"]), Vec::<u64>::new());

    let raw = inbox_cmd(&inbox, &["show", "1", "--raw"]);
    assert_eq!(raw.status.code(), Some(0));
    assert_eq!(raw.stdout, binary);
    let shown = inbox_cmd(&inbox, &["show", "#2"]);
    assert_eq!(
        normalise(&String::from_utf8_lossy(&shown.stdout)),
        "#2 TIME POST /hooks/b\n  host: hooks.test\n  content-type: application/json\n  content-length: 3\n  connection: close\n\n[\n  1\n]\n"
    );
    let missing = inbox_cmd(&inbox, &["show", "9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "postie: error: no request `9` in the inbox\n  hint: ids go up to 3: see `postie inbox list`\n"
    );

    let cleared = inbox_cmd(&inbox, &["clear"]);
    assert_eq!(cleared.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&cleared.stderr),
        format!("cleared 3 requests from {}\n", inbox.display())
    );
    assert_eq!(ids(&[]), Vec::<u64>::new());
}

#[test]
fn verify_shows_verified_invalid_and_unsigned() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(
        &inbox,
        &["--verify", "github", "--secret-name", "gh"],
        &[("POSTIE_SECRET_GH", "It's a Secret to Everybody")],
    );
    let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    post(
        &listener.addr,
        "/1",
        &[("X-Hub-Signature-256", good)],
        b"Hello, World!",
    );
    post(
        &listener.addr,
        "/2",
        &[("X-Hub-Signature-256", good)],
        b"Hello, World?",
    );
    post(&listener.addr, "/3", &[], b"Hello, World!");
    let out = listener.stdout_when(|s| s.contains("#3"));
    let verdicts: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  signature"))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            "  signature (github): verified",
            "  signature (github): invalid (signature does not match)",
            "  signature (github): unsigned",
        ]
    );
}

#[test]
fn a_missing_secret_and_a_held_inbox_are_clear_errors() {
    let (_dir, inbox) = temp_inbox();
    let out = base_command(inbox.parent().expect("parent"))
        .args([
            "listen",
            "--port",
            "0",
            "--verify",
            "stripe",
            "--secret-name",
            "stripe_whsec",
            "--inbox",
        ])
        .arg(&inbox)
        .env_remove("POSTIE_SECRET_STRIPE_WHSEC")
        // No Secret Service here: the keyring step fails at once and says so.
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/postie-test-bus",
        )
        .output()
        .expect("listen");
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "postie: error: signing secret `stripe_whsec` is not set\n  hint: set the environment variable `POSTIE_SECRET_STRIPE_WHSEC` (the keyring is unavailable: no Secret Service on this machine (no D-Bus session bus); `postie secret doctor` says more)\n"
    );
    let _running = listen(&inbox, &[], &[]);
    let out = base_command(inbox.parent().expect("parent"))
        .args(["listen", "--port", "0", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("second listen");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "postie: error: the inbox `{}` is in use by another `postie listen`\n  hint: stop the other listener, or use another directory with `--inbox DIR`\n",
            inbox.join("events.log").display()
        )
    );
}

#[test]
fn json_with_forwarding_and_verification_prints_one_whole_object_per_event() {
    let app = support::http_server(|_| (202, vec![], Vec::new()));
    let (_dir, inbox) = temp_inbox();
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let listener = listen(
        &inbox,
        &[
            "--json",
            "--forward-to",
            &app.url("/in"),
            "--verify",
            "standard",
            "--secret-name",
            "hook",
        ],
        &[("POSTIE_SECRET_HOOK", secret)],
    );
    let body = br#"{"type":"user.created"}"#;
    let signed = postie::webhook::sign(
        &postie::signing::Scheme::Standard,
        secret,
        "msg_1",
        body,
        std::time::SystemTime::now(),
    )
    .expect("sign");
    let headers: Vec<(&str, &str)> = signed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    post(&listener.addr, "/u", &headers, body);
    post(&listener.addr, "/u", &[], body);
    let out = listener.stdout_when(|s| s.lines().count() == 2);
    let events: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["signature"],
        serde_json::json!({"scheme": "standard", "result": "verified"})
    );
    assert_eq!(
        events[1]["signature"],
        serde_json::json!({"scheme": "standard", "result": "unsigned"})
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], i + 1);
        assert_eq!(e["deliveries"][0]["status"], 202);
        assert_eq!(e["deliveries"][0]["to"], app.url("/in/u"));
        assert_eq!(e["deliveries"][0]["via"], "forward");
    }
    assert_eq!(app.requests()[0].header("webhook-id"), Some("msg_1"));
}

#[test]
fn quiet_stores_but_does_not_print() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &["-q"], &[]);
    let (status, _, _) = post(&listener.addr, "/q", &[], b"{}");
    assert_eq!(status, 200);
    // Readable while the listener runs: acknowledged means on disk.
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["path"], "/q");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(listener.stdout.lock().expect("lock").as_str(), "");
}

#[test]
fn save_turns_an_event_into_a_request_that_runs() {
    let (dir, inbox) = temp_inbox();
    let mut listener = listen(&inbox, &[], &[]);
    let body = br#"{"type":"invoice.paid","note":"{{literal}}"}"#;
    post(
        &listener.addr,
        "/hooks/stripe?live=0",
        &[("Content-Type", "application/json"), ("X-Event", "a")],
        body,
    );
    listener.kill();
    let collections = dir.path().join("collections");
    std::fs::create_dir_all(&collections).expect("mkdir");
    let existing = "# my hooks\n[vars]\nbase_url = \"http://127.0.0.1:1\" # replaced by --var\n";
    std::fs::write(collections.join("hooks.toml"), existing).expect("write");

    let out = base_command(dir.path())
        .current_dir(dir.path())
        .args(["inbox", "save", "1", "hooks/invoice", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("save");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read_to_string(collections.join("hooks.toml")).expect("read");
    assert!(saved.starts_with(existing), "{saved}");

    let app = support::http_server(|_| (200, vec![], b"ok".to_vec()));
    let run = base_command(dir.path())
        .current_dir(dir.path())
        .args(["run", "hooks/invoice", "--var"])
        .arg(format!("base_url={}", app.url("")))
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let requests = app.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].uri, "/hooks/stripe?live=0");
    assert_eq!(requests[0].body, body);
    assert_eq!(requests[0].header("x-event"), Some("a"));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
}

/// `postie inbox ARGS` with stdout taken for a terminal (the hidden `POSTIE_TEST_TTY` hook).
fn inbox_on_terminal(inbox: &Path, args: &[&str]) -> Output {
    let home = inbox.parent().expect("parent");
    base_command(home)
        .env("POSTIE_TEST_TTY", "stdout")
        .arg("inbox")
        .args(args)
        .arg("--inbox")
        .arg(inbox)
        .output()
        .expect("run postie inbox")
}

/// Whether `text` holds a character that could drive a terminal (C0 but tab and newline,
/// DEL, C1), or a replacement character (which could hide a C1 cut by a lossy read).
fn drives_a_terminal(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}' | '\u{fffd}')
    })
}

#[test]
fn a_sender_cannot_drive_the_terminal_but_piped_output_stays_exact() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[("POSTIE_TEST_TTY", "stdout")]);
    // HTTP lets no raw C0 character into the request line or the headers (hyper answers 400),
    // but C1 passes there (U+009B is a one-character `ESC [`); a body can hold anything.
    let text = b"hi\x1b[2J\x1b]0;pwned\x07\r\n\x1b[31mred\x7f\n";
    let (status, _, _) = post(
        &listener.addr,
        "/h\u{9b}1A?q=\u{9b}2J",
        &[("X-Evil", "a\u{9b}31mb"), ("Content-Type", "text/plain")],
        text,
    );
    assert_eq!(status, 200);
    let json = "{\"k\u{9b}\":\"\u{9b}6n\\u001b[2J\u{7f}\"}";
    let (status, _, _) = post(
        &listener.addr,
        "/j",
        &[("Content-Type", "application/json")],
        json.as_bytes(),
    );
    assert_eq!(status, 200);
    // A JSON-typed body that is not JSON is shown as text.
    let broken = b"{\x1b[6n";
    let (status, _, _) = post(
        &listener.addr,
        "/b",
        &[("Content-Type", "application/json")],
        broken,
    );
    assert_eq!(status, 200);
    let shown_1 = "#1 TIME POST /h\\u{9b}1A?q=\\u{9b}2J
  host: hooks.test
  x-evil: a\\u{9b}31mb
  content-type: text/plain
  content-length: 28
  connection: close

hi\\x1b[2J\\x1b]0;pwned\\x07\\r
\\x1b[31mred\\x7f
";
    let shown_2 = "#2 TIME POST /j
  host: hooks.test
  content-type: application/json
  content-length: 24
  connection: close

{
  \"k\\u{9b}\": \"\\u{9b}6n\\u001b[2J\\x7f\"
}
";
    let shown_3 = "#3 TIME POST /b
  host: hooks.test
  content-type: application/json
  content-length: 5
  connection: close

{\\x1b[6n
";
    let out = listener.stdout_when(|s| s.contains("#3") && s.ends_with("\n\n"));
    assert_eq!(
        normalise(&out),
        format!("{shown_1}\n{shown_2}\n{shown_3}\n")
    );
    assert!(!drives_a_terminal(&out), "{out:?}");
    drop(listener);

    // `inbox show` and `inbox list` on a terminal: escaped the same way.
    let show = |args: &[&str]| {
        let out = inbox_on_terminal(&inbox, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(!drives_a_terminal(&stdout), "{args:?}: {stdout:?}");
        stdout
    };
    assert_eq!(normalise(&show(&["show", "1"])), shown_1);
    assert_eq!(normalise(&show(&["show", "2"])), shown_2);
    assert_eq!(
        show(&["show", "1", "--raw"]),
        "hi\\x1b[2J\\x1b]0;pwned\\x07\\r\n\\x1b[31mred\\x7f\n"
    );
    assert_eq!(
        normalise(&show(&["list"])),
        "#1  TIME  POST /h\\u{9b}1A?q=\\u{9b}2J  28 B\n#2  TIME  POST /j  24 B\n#3  TIME  POST /b  5 B\n"
    );
    // Coloured: our colour codes are the only escape sequences.
    let coloured = inbox_on_terminal(&inbox, &["show", "2", "--color", "always"]).stdout;
    let coloured = String::from_utf8(coloured).expect("UTF-8");
    let sgr = regex::Regex::new("\x1b\\[[0-9;]*m").expect("regex");
    assert!(
        coloured.contains("\x1b[1;34m\"k\\u{9b}\"\x1b[0m"),
        "{coloured:?}"
    );
    assert!(
        !drives_a_terminal(&sgr.replace_all(&coloured, "")),
        "{coloured:?}"
    );
    // `--json` stays valid JSON with the same values: JSON escapes for what JSON leaves raw.
    let lines = show(&["list", "--json"]);
    assert!(
        lines.contains("/h\\u009b1A") && lines.contains("\\u007f"),
        "{lines}"
    );
    let on_terminal: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(on_terminal, inbox_json(&inbox, &[]));
    assert_eq!(on_terminal[0]["path"], "/h\u{9b}1A");
    assert_eq!(
        on_terminal[1]["body"],
        "{\"k\u{9b}\":\"\u{9b}6n\\u001b[2J\u{7f}\"}"
    );

    // Piped: exact bytes.
    let raw = inbox_cmd(&inbox, &["show", "1", "--raw"]);
    assert_eq!((raw.status.code(), raw.stdout), (Some(0), text.to_vec()));
    let raw = inbox_cmd(&inbox, &["show", "3", "--raw"]);
    assert_eq!((raw.status.code(), raw.stdout), (Some(0), broken.to_vec()));
    let piped = inbox_cmd(&inbox, &["show", "1"]);
    let piped = String::from_utf8_lossy(&piped.stdout);
    assert!(piped.starts_with("#1 ") && piped.contains(" POST /h\u{9b}1A?q=\u{9b}2J\n"));
    assert!(piped.contains("  x-evil: a\u{9b}31mb\n"), "{piped:?}");
    assert!(piped.ends_with("\n\nhi\x1b[2J\x1b]0;pwned\x07\r\n\x1b[31mred\x7f\n"));
}

#[test]
fn answers_of_the_forwarded_to_app_are_escaped_on_a_terminal() {
    let app = support::http_server(|_| (200, vec![], b"ok\x1b]0;title\x07\r\n\x1b[1A".to_vec()));
    let (_dir, inbox) = temp_inbox();
    let forward = app.url("");
    let listener = listen(
        &inbox,
        &["--forward-to", &forward],
        &[("POSTIE_TEST_TTY", "stdout")],
    );
    post(&listener.addr, "/gh", &[], b"");
    let out = listener.stdout_when(|s| s.contains("↳"));
    assert!(
        out.ends_with(&format!(
            "  ↳ #1 forwarded to {forward}/gh: 200\n    ok\\x1b]0;title\\x07\n    \\x1b[1A\n\n"
        )),
        "{out:?}"
    );
    assert!(!drives_a_terminal(&out), "{out:?}");
    drop(listener);

    let to = app.url("/r");
    // `inbox replay` shows the answer on stderr: escaped on a terminal, as received when piped.
    let replay = |tty: &str| {
        let out = base_command(inbox.parent().expect("parent"))
            .env("POSTIE_TEST_TTY", tty)
            .args(["inbox", "replay", "1", "--to", &to, "--inbox"])
            .arg(&inbox)
            .output()
            .expect("replay");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert_eq!(
        replay("stderr"),
        format!("  ↳ #1 replayed to {to}: 200\n    ok\\x1b]0;title\\x07\n    \\x1b[1A\n")
    );
    assert_eq!(
        replay("none"),
        format!("  ↳ #1 replayed to {to}: 200\n    ok\x1b]0;title\x07\n    \x1b[1A\n")
    );
}
