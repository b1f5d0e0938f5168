//! Issue 14, points 4–7, end to end with a real `postie listen --port 0` child process:
//! static credentials (`--verify basic|bearer`, `--reject-invalid`), scripted answers
//! (`--rules`), the compact view, `inbox list` filters, `inbox replay` ranges and `--failed`,
//! `inbox save` of a JSON body, `inbox export --har`, and the relay consumer (`--relay`).
//! Requests are sent by curl (the oracle for `-u` and `--oauth2-bearer` headers) or a raw
//! socket.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_postie");

/// A running `postie listen`; killed when dropped.
struct Listener {
    child: Child,
    url: String,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
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

fn pump(mut from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            let chunk = String::from_utf8_lossy(&buf[..n]).into_owned();
            sink.lock().expect("lock").push_str(&chunk);
        }
    });
    text
}

fn listen(inbox: &Path, args: &[&str], envs: &[(&str, &str)]) -> Listener {
    let home = inbox.parent().expect("inbox has a parent");
    let mut child = base_command(home)
        .args(["listen", "--port", "0", "--inbox"])
        .arg(inbox)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn postie listen");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    err.read_line(&mut first).expect("first stderr line");
    let url = first
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    let stdout = pump(child.stdout.take().expect("stdout"));
    let stderr = pump(err);
    Listener {
        child,
        url,
        stdout,
        stderr,
    }
}

impl Listener {
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
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_inbox() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    (dir, inbox)
}

/// curl with these arguments; returns (status, headers, body).
fn curl(args: &[&str]) -> (u16, String, String) {
    let out = Command::new("curl")
        .args(["-s", "-S", "-D", "-", "--max-time", "10"])
        .args(args)
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
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

fn inbox_ok(inbox: &Path, args: &[&str]) -> String {
    let out = inbox_cmd(inbox, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "inbox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn inbox_json(inbox: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json"];
    args.extend_from_slice(extra);
    inbox_ok(inbox, &args)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an NDJSON line"))
        .collect()
}

fn ids(events: &[Value]) -> Vec<u64> {
    events.iter().filter_map(|e| e["id"].as_u64()).collect()
}

#[test]
fn basic_credentials_verify_reject_with_401_and_are_stored_marked() {
    let (_dir, inbox) = temp_inbox();
    let secret = "mparticle:s3cr3t-Pa55";
    let listener = listen(
        &inbox,
        &[
            "--verify",
            "basic",
            "--secret-name",
            "mp_hook",
            "--reject-invalid",
        ],
        &[("POSTIE_SECRET_MP_HOOK", secret)],
    );
    let url = format!("{}/hooks/mparticle", listener.url);
    let body = r#"{"events":[{"event_type":"custom_event"}]}"#;
    let (good, _, _) = curl(&["-u", secret, "--json", body, &url]);
    assert_eq!(good, 200);
    let (wrong, head, answer) = curl(&["-u", "mparticle:s3cr3t-Pa56", "--json", body, &url]);
    assert_eq!(wrong, 401, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("www-authenticate: basic"),
        "{head}"
    );
    assert!(!answer.contains("s3cr3t"), "{answer}");
    let (none, _, _) = curl(&["--json", body, &url]);
    assert_eq!(none, 401);
    let (bearer, _, _) = curl(&["--oauth2-bearer", secret, "--json", body, &url]);
    assert_eq!(bearer, 401);
    let shown = listener.stdout_when(|t| t.matches("credentials (basic)").count() >= 4);
    let verdicts: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.trim().strip_prefix("credentials (basic): "))
        .collect();
    assert_eq!(
        verdicts,
        [
            "verified",
            "invalid (the credentials do not match)",
            "unsigned",
            "invalid (the `Authorization` header is not Basic credentials)",
        ],
        "{shown}"
    );
    // Every request was stored, each with its mark; the listing filters on it.
    let events = inbox_json(&inbox, &[]);
    let results: Vec<&str> = events
        .iter()
        .map(|e| e["verification"]["result"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(results, ["verified", "invalid", "unsigned", "invalid"]);
    assert_eq!(
        ids(&inbox_json(&inbox, &["--verification", "invalid"])),
        [2, 4]
    );
    // The expected value (and its base64) is never shown: not by the listener, not by
    // `inbox show` or `inbox list --json`.
    let b64 = "bXBhcnRpY2xlOnMzY3IzdC1QYTU1"; // base64 of the secret, as curl sent it
    let stored = std::fs::read(inbox.join("events.log")).expect("log");
    assert!(
        String::from_utf8_lossy(&stored).contains(b64),
        "the inbox keeps the request as received (for replay)"
    );
    let listing = inbox_ok(&inbox, &["list", "--json"]);
    let show = inbox_ok(&inbox, &["show", "1"]);
    let stderr = listener.stderr.lock().expect("lock").clone();
    for text in [&shown, &listing, &show, &stderr] {
        assert!(!text.contains(b64) && !text.contains("s3cr3t"), "{text}");
    }
    assert!(show.contains("authorization: Basic ••••••"), "{show}");
}

#[test]
fn bearer_credentials_verify_without_rejecting_by_default() {
    let (_dir, inbox) = temp_inbox();
    let token = "tok_9f8e7d";
    let listener = listen(
        &inbox,
        &[
            "--verify",
            "bearer",
            "--secret-name",
            "hook_token",
            "--compact",
        ],
        &[("POSTIE_SECRET_HOOK_TOKEN", token)],
    );
    let url = format!("{}/in", listener.url);
    assert_eq!(curl(&["--oauth2-bearer", token, "-d", "a", &url]).0, 200);
    assert_eq!(
        curl(&["--oauth2-bearer", "tok_9f8e7e", "-d", "b", &url]).0,
        200
    );
    let shown = listener.stdout_when(|t| t.lines().count() >= 2);
    let lines: Vec<String> = shown
        .lines()
        .map(|l| {
            let re = regex::Regex::new(r"\d{4}-\d\d-\d\dT[\d:.]+Z").expect("regex");
            re.replace(l, "TIME").into_owned()
        })
        .collect();
    assert_eq!(
        lines,
        [
            "#1 TIME POST /in  1 B  bearer:verified",
            "#2 TIME POST /in  1 B  bearer:invalid"
        ]
    );
    assert!(!shown.contains(token));
}

#[test]
fn a_bad_basic_secret_and_an_unknown_scheme_are_usage_errors() {
    let (_dir, inbox) = temp_inbox();
    let home = inbox.parent().expect("parent");
    let out = base_command(home)
        .args([
            "listen",
            "--port",
            "0",
            "--verify",
            "basic",
            "--secret-name",
            "s",
        ])
        .env("POSTIE_SECRET_S", "no-colon")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the secret for `--verify basic` must be `user:password`"),
        "{err}"
    );
    assert!(!err.contains("no-colon"), "{err}");
    let out = base_command(home)
        .args([
            "listen",
            "--port",
            "0",
            "--verify",
            "digest",
            "--secret-name",
            "s",
        ])
        .env("POSTIE_SECRET_S", "x")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`--verify basic` or `--verify bearer`"),
        "{err}"
    );
}

const RULES: &str = r#"
[[rule]]
name = "paid orders"
match = { method = "POST", path = "/hooks/orders*", headers = { x-kind = "order.*" }, json = { "$.status" = "paid" } }
status = 202
headers = { content-type = "application/json", x-order = "{{json.order.id}}" }
body = '{"queued":"{{json.order.id}}","from":"{{header.x-kind}}","q":"{{query.live}}"}'

[[rule]]
match = { path = "/hooks/slow" }
status = 200
body = "late"
delay = "400ms"

[[rule]]
match = { json = { "$.items[?@.qty > 10]" = { exists = true } } }
status = 409
body = "too many"

[default]
status = 404
body = "no rule for {{method}} {{path}}"
"#;

#[test]
fn rules_answer_by_the_first_match_with_values_from_the_request() {
    let (dir, inbox) = temp_inbox();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, RULES).expect("write rules");
    let listener = listen(&inbox, &["--rules", rules.to_str().expect("utf-8")], &[]);
    let url = |p: &str| format!("{}{p}", listener.url);
    let order = r#"{"status":"paid","order":{"id":"ord_42"}}"#;
    let (status, head, body) = curl(&[
        "-H",
        "X-Kind: order.paid",
        "--json",
        order,
        &url("/hooks/orders?live=1"),
    ]);
    assert_eq!(status, 202, "{head}");
    assert!(head.contains("x-order: ord_42"), "{head}");
    assert_eq!(body, r#"{"queued":"ord_42","from":"order.paid","q":"1"}"#);
    // The same request without the header falls through every rule to the default.
    let (status, _, body) = curl(&["--json", order, &url("/hooks/orders")]);
    assert_eq!(
        (status, body.as_str()),
        (404, "no rule for POST /hooks/orders")
    );
    let big = r#"{"items":[{"qty":2},{"qty":12}]}"#;
    assert_eq!(curl(&["--json", big, &url("/any")]).0, 409);
    assert_eq!(
        curl(&["--json", r#"{"items":[{"qty":2}]}"#, &url("/any")]).0,
        404
    );
    let start = Instant::now();
    let (status, _, body) = curl(&[&url("/hooks/slow")]);
    assert_eq!((status, body.as_str()), (200, "late"));
    assert!(start.elapsed() >= Duration::from_millis(400));
    // Every request was stored whatever its answer.
    assert_eq!(ids(&inbox_json(&inbox, &[])), [1, 2, 3, 4, 5]);
}

#[test]
fn a_mistake_in_the_rules_file_is_reported_at_file_line_column() {
    let (dir, inbox) = temp_inbox();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nmatch = { path = \"/a\", json = { \"$..[\" = 1 } }\n",
    )
    .expect("write");
    let home = inbox.parent().expect("parent");
    let out = base_command(home)
        .args(["listen", "--port", "0", "--rules"])
        .arg(&rules)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let at = format!("--> {}:2:33", rules.display());
    assert!(
        err.contains("invalid rules: invalid JSONPath `$..[`"),
        "{err}"
    );
    assert!(err.contains(&at), "{err}");
    std::fs::write(&rules, "[[rule]]\nstatus = 200\nbdy = \"x\"\n").expect("write");
    let out = base_command(home)
        .args(["listen", "--port", "0", "--rules"])
        .arg(&rules)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown key `bdy` in a `[[rule]]`"), "{err}");
    assert!(
        err.contains(&format!("--> {}:3:1", rules.display())),
        "{err}"
    );
    assert!(err.contains("did you mean `body`?"), "{err}");
}

/// An inbox with six events sent by curl: three JSON orders (one a refund), a form post, a
/// GET and a PUT; the app behind `--forward-to` answers 500 to `/hooks/fail*`.
fn six_events(inbox: &Path, app: &support::TestServer) {
    let listener = listen(inbox, &["--forward-to", &app.url("/app")], &[]);
    let url = |p: &str| format!("{}{p}", listener.url);
    let orders = [
        (
            "/hooks/orders",
            r#"{"type":"order.paid","order":{"id":1}}"#,
            "shop-a",
        ),
        (
            "/hooks/orders",
            r#"{"type":"order.refunded","order":{"id":2}}"#,
            "shop-b",
        ),
        (
            "/hooks/fail",
            r#"{"type":"order.paid","order":{"id":3}}"#,
            "shop-a",
        ),
    ];
    for (path, body, shop) in orders {
        curl(&["-H", &format!("X-Shop: {shop}"), "--json", body, &url(path)]);
    }
    curl(&["-d", "a=1", &url("/form")]);
    curl(&[&url("/hooks/fail-get?x=1")]);
    curl(&["-X", "PUT", "-d", "{}", &url("/put")]);
    listener.stdout_when(|t| t.matches("forwarded to").count() >= 6);
}

#[test]
fn list_filters_by_method_path_header_jsonpath_and_time() {
    let app = support::http_server(|r| {
        let status = if r.uri.starts_with("/app/hooks/fail") {
            500
        } else {
            200
        };
        (status, vec![], Vec::new())
    });
    let (_dir, inbox) = temp_inbox();
    six_events(&inbox, &app);
    let list = |args: &[&str]| ids(&inbox_json(&inbox, args));
    assert_eq!(list(&[]), [1, 2, 3, 4, 5, 6]);
    assert_eq!(list(&["--method", "POST"]), [1, 2, 3, 4]);
    assert_eq!(list(&["--path", "/hooks/*"]), [1, 2, 3, 5]);
    assert_eq!(list(&["--header", "x-shop:shop-a"]), [1, 3]);
    assert_eq!(list(&["--header", "X-Shop:shop-*"]), [1, 2, 3]);
    assert_eq!(list(&["--jsonpath", "$.type=order.paid"]), [1, 3]);
    assert_eq!(list(&["--jsonpath", "$.order.id=2"]), [2]);
    assert_eq!(list(&["--jsonpath", "$.order"]), [1, 2, 3]);
    assert_eq!(
        list(&["--jsonpath", "$[?@.id==3]", "--path", "/hooks/*"]),
        [3]
    );
    assert_eq!(
        list(&["--method", "POST", "--path", "/hooks/orders"]),
        [1, 2]
    );
    let events = inbox_json(&inbox, &[]);
    let t3 = events[2]["received_at"].as_str().expect("time").to_owned();
    let t5 = events[4]["received_at"].as_str().expect("time").to_owned();
    assert_eq!(list(&["--since", &t3, "--until", &t5]), [3, 4]);
    assert_eq!(list(&["--until", "0s"]), [1, 2, 3, 4, 5, 6]);
    assert_eq!(list(&["--since", "0s"]), Vec::<u64>::new());
    let out = inbox_cmd(&inbox, &["list", "--jsonpath", "type=x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid `--jsonpath` `type=x`"), "{err}");
    let out = inbox_cmd(&inbox, &["list", "--verification", "signed"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown verification result `signed`"),
        "{err}"
    );
}

/// `inbox list ARGS --json` by the plain scan of the log (no index).
fn plain_list(inbox: &Path, args: &[&str]) -> String {
    let out = base_command(inbox.parent().expect("parent"))
        .env("POSTIE_INBOX_NO_INDEX", "1")
        .args(["inbox", "list", "--json"])
        .args(args)
        .arg("--inbox")
        .arg(inbox)
        .output()
        .expect("run postie inbox");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn list_through_the_index_agrees_with_the_plain_scan_as_events_arrive() {
    let app = support::http_server(|r| {
        let status = if r.uri.contains("fail") { 500 } else { 200 };
        (status, vec![], Vec::new())
    });
    let (_dir, inbox) = temp_inbox();
    six_events(&inbox, &app);
    let filters: [&[&str]; 8] = [
        &[],
        &["--method", "POST"],
        &["--path", "/hooks/*"],
        &["--header", "x-shop:shop-a"],
        &["--jsonpath", "$.order.id=2"],
        &["--jsonpath", "$.type=order.paid", "--method", "POST"],
        &["--since", "1h", "--until", "0s"],
        &["--verification", "invalid"],
    ];
    let agree = |expected_all: usize| {
        for args in filters {
            let mut with = vec!["list", "--json"];
            with.extend_from_slice(args);
            assert_eq!(
                inbox_ok(&inbox, &with),
                plain_list(&inbox, args),
                "{args:?}"
            );
        }
        assert_eq!(inbox_json(&inbox, &[]).len(), expected_all);
    };
    agree(6);
    assert!(
        inbox.join("events.idx").exists(),
        "the first list wrote the index"
    );
    // Events arriving at a running listener: the index is extended while it holds the log.
    let listener = listen(&inbox, &[], &[]);
    let body = r#"{"type":"order.paid","order":{"id":2}}"#;
    curl(&[
        "-H",
        "X-Shop: shop-a",
        "--json",
        body,
        &format!("{}/hooks/late", listener.url),
    ]);
    curl(&["-X", "DELETE", &format!("{}/hooks/gone", listener.url)]);
    agree(8);
    let late = inbox_json(&inbox, &["--jsonpath", "$.order.id=2"]);
    assert_eq!(ids(&late), [2, 7]);
    assert_eq!(
        late[0]["deliveries"].as_array().map(Vec::len),
        Some(1),
        "{}",
        late[0]
    );
}

#[test]
fn replay_takes_ranges_and_failed_and_defaults_to_the_recorded_target() {
    let app = support::http_server(|r| {
        let status = if r.uri.starts_with("/app/hooks/fail") {
            500
        } else {
            200
        };
        (status, vec![], Vec::new())
    });
    let (_dir, inbox) = temp_inbox();
    six_events(&inbox, &app);
    let before = app.requests().len();
    assert_eq!(
        before,
        6 + 2 * 3,
        "the two failing ones were retried 3 times"
    );
    // `--failed`, no `--to`: #3 and #5 again, to where they were forwarded.
    let out = inbox_cmd(&inbox, &["replay", "--failed"]);
    assert_eq!(out.status.code(), Some(1), "500 answers fail the replay");
    let sent: Vec<String> = app.requests()[before..]
        .iter()
        .map(|r| r.uri.clone())
        .collect();
    assert_eq!(sent, ["/app/hooks/fail", "/app/hooks/fail-get?x=1"]);
    // A range and an id to another target.
    let other = support::http_server(|_| (204, vec![], Vec::new()));
    let out = inbox_cmd(&inbox, &["replay", "1-2,6", "--to", &other.url("/r")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bodies: Vec<String> = other
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, String::from_utf8_lossy(&r.body)))
        .collect();
    assert_eq!(
        bodies,
        [
            r#"POST {"type":"order.paid","order":{"id":1}}"#,
            r#"POST {"type":"order.refunded","order":{"id":2}}"#,
            "PUT {}",
        ]
    );
    // Each replay is recorded: #3 now has its forward and a failed replay.
    let events = inbox_json(&inbox, &[]);
    let vias: Vec<&str> = events[2]["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter_map(|d| d["via"].as_str())
        .collect();
    assert_eq!(vias, ["forward", "replay"]);
    for bad in ["7-3", "x"] {
        let out = inbox_cmd(&inbox, &["replay", bad]);
        assert_eq!(out.status.code(), Some(2));
    }
}

#[test]
fn replay_without_a_target_for_an_event_never_forwarded_is_a_usage_error() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[]);
    curl(&["-d", "x", &format!("{}/p", listener.url)]);
    drop(listener);
    let out = inbox_cmd(&inbox, &["replay", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("request #1 was never forwarded"), "{err}");
    assert!(err.contains("`--to URL`"), "{err}");
}

/// An app on loopback that reads each request and answers 204 only after `delay`.
fn slow_app(delay: Duration) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            std::thread::spawn(move || {
                use std::io::Write;
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                std::thread::sleep(delay);
                let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n");
            });
        }
    });
    format!("http://{addr}/slow")
}

#[test]
fn replay_timeout_gives_up_on_a_slow_app_and_waits_for_one_in_time() {
    let (_dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[]);
    curl(&["-d", "x", &format!("{}/p", listener.url)]);
    drop(listener);
    let app = slow_app(Duration::from_millis(1500));
    let started = Instant::now();
    let out = inbox_cmd(&inbox, &["replay", "1", "--to", &app, "--timeout", "300ms"]);
    let took = started.elapsed();
    assert_ne!(out.status.code(), Some(0), "a timed-out delivery fails");
    assert!(took < Duration::from_millis(1400), "gave up after {took:?}");
    let events = inbox_json(&inbox, &[]);
    let replay = &events[0]["deliveries"][0];
    assert_eq!(replay["via"], "replay", "{replay}");
    assert!(replay["status"].is_null(), "{replay}");
    assert!(
        replay["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{replay}"
    );
    // Long enough: the answer is waited for.
    let started = Instant::now();
    let out = inbox_cmd(&inbox, &["replay", "1", "--to", &app, "--timeout", "5s"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() >= Duration::from_millis(1500));
    let out = inbox_cmd(
        &inbox,
        &["replay", "1", "--to", &app, "--timeout", "3 parsecs"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn save_writes_a_json_body_as_a_json_table_that_sends_the_same_value() {
    let (dir, inbox) = temp_inbox();
    let listener = listen(&inbox, &[], &[]);
    let body =
        r#"{"type":"order.paid","order":{"id":42,"lines":[{"sku":"sofa","qty":1.5}]},"ok":true}"#;
    curl(&["--json", body, &format!("{}/hooks/orders", listener.url)]);
    drop(listener);
    let home = inbox.parent().expect("parent");
    let out = base_command(home)
        .current_dir(dir.path())
        .args([
            "inbox",
            "save",
            "1",
            "shop/paid",
            "--base",
            "{{base_url}}",
            "--inbox",
        ])
        .arg(&inbox)
        .output()
        .expect("save");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved = std::fs::read_to_string(dir.path().join("collections/shop.toml")).expect("saved");
    assert!(
        saved.contains(r#"json = { type = "order.paid", order = { id = 42, lines = [{ sku = "sofa", qty = 1.5 }] }, ok = true }"#),
        "{saved}"
    );
    // Run it against a server: the JSON it sends is the JSON that came.
    let app = support::http_server(|_| (200, vec![], Vec::new()));
    let out = base_command(home)
        .current_dir(dir.path())
        .args(["run", "shop/paid", "--var"])
        .arg(format!("base_url={}", app.url("")))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent: Value = serde_json::from_slice(&app.requests()[0].body).expect("json");
    let came: Value = serde_json::from_str(body).expect("json");
    assert_eq!(sent, came);
}

#[test]
fn export_har_validates_and_masks_credentials() {
    let app = support::http_server(|_| (200, vec![], Vec::new()));
    let (dir, inbox) = temp_inbox();
    six_events(&inbox, &app);
    let listener = listen(&inbox, &[], &[]);
    curl(&[
        "-H",
        "Authorization: Bearer sk_live_abcdef123456",
        "--data-binary",
        "\u{1}\u{2}binary",
        &format!("{}/bin", listener.url),
    ]);
    drop(listener);
    let har = dir.path().join("inbox.har");
    let out = inbox_cmd(
        &inbox,
        &["export", "--har", "-o", har.to_str().expect("utf-8")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Err(errors) = support::tools::har_validate(&har) {
        panic!("har-validator: {errors:?}");
    }
    let doc: Value = serde_json::from_slice(&std::fs::read(&har).expect("har")).expect("json");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 7);
    assert_eq!(
        entries[0]["request"]["postData"]["text"],
        r#"{"type":"order.paid","order":{"id":1}}"#
    );
    assert_eq!(entries[4]["request"]["queryString"][0]["name"], "x");
    assert_eq!(entries[2]["_deliveries"][0]["via"], "forward");
    let text = std::fs::read_to_string(&har).expect("har");
    assert!(
        !text.contains("sk_live_abcdef123456"),
        "credentials are masked"
    );
    // Stdout, a range.
    let out = inbox_ok(&inbox, &["export", "--har", "2-3"]);
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["log"]["entries"].as_array().map(Vec::len), Some(2));
}

/// A server-sent-events relay on 127.0.0.1 that speaks a channel format as gosmee's and
/// smee.io's servers write it: for each connection, `respond` gets the request head and its
/// connection number and returns what to write (the stream is closed afterwards unless it
/// returns `keep_open`).
struct Relay {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

fn relay_server(respond: impl Fn(&str, usize) -> (String, bool) + Send + 'static) -> Relay {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            seen.lock().expect("lock").push(head.clone());
            let (text, keep_open) = respond(&head, n);
            let _ = stream.write_all(text.as_bytes());
            let _ = stream.flush();
            if keep_open {
                open.push(stream);
            }
        }
    });
    Relay { url, heads }
}

fn sse_head() -> String {
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n".into()
}

fn github_signature(secret: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[test]
fn a_gosmee_channel_is_consumed_with_exact_bytes_verified_forwarded_and_reconnected() {
    use base64::Engine as _;
    let secret = "gh-secret";
    // Exact bytes a re-serialisation would change: spaces, key order, a newline.
    let bodies: [&[u8]; 2] = [
        b"{\"zen\": \"Keep it logically awesome.\",\n \"a\":1}",
        b"{\"n\": 2}",
    ];
    let payload = |body: &[u8], sig: &str| {
        serde_json::json!({
            "content-type": "application/json",
            "x-github-event": "push",
            "x-hub-signature-256": sig,
            "user-agent": "GitHub-Hookshot/abc",
            "timestamp": "1700000000123",
            "bodyB": base64::engine::general_purpose::STANDARD.encode(body),
        })
        .to_string()
    };
    let first = payload(bodies[0], &github_signature(secret, bodies[0]));
    let second = payload(
        bodies[1],
        "sha256=0000000000000000000000000000000000000000000000000000000000000000",
    );
    let relay = relay_server(move |head, n| {
        let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
        if path == "/ch" {
            // gosmee answers a channel's URL with its web page.
            let page = "<html>gosmee</html>";
            return (
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
                    page.len()
                ),
                false,
            );
        }
        let mut text = sse_head();
        text.push_str("data: {\"message\":\"connected\"}\n\ndata: {\"message\":\"ready\"}\n\n");
        // The first stream delivers one event and drops; the next delivers the second.
        let data = if n <= 1 { &first } else { &second };
        text.push_str(&format!("data: {data}\n\n: keepalive\n\n"));
        (text, n > 1)
    });
    let app = support::http_server(|_| (200, vec![], b"ok".to_vec()));
    let (_dir, inbox) = temp_inbox();
    let channel = format!("{}/ch", relay.url);
    let listener = listen(
        &inbox,
        &[
            "--relay",
            &channel,
            "--verify",
            "github",
            "--secret-name",
            "gh",
            "--forward-to",
            &app.url("/app"),
            "--compact",
        ],
        &[("POSTIE_SECRET_GH", secret)],
    );
    let shown = listener.stdout_when(|t| t.lines().count() >= 2);
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events.len(), 2, "{shown}");
    for (event, body) in events.iter().zip(bodies) {
        assert_eq!(event["body"].as_str().map(str::as_bytes), Some(body));
        assert_eq!(event["relay"], channel.as_str());
        assert_eq!(event["method"], "POST");
    }
    assert_eq!(events[0]["received_at"], "2023-11-14T22:13:20.123Z");
    assert_eq!(events[0]["verification"]["result"], "verified");
    assert_eq!(events[1]["verification"]["result"], "invalid");
    // Forwarded byte for byte like a local event.
    let sent = app.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, bodies[0]);
    assert!(
        sent[0]
            .headers
            .iter()
            .any(|(n, v)| n == "x-github-event" && v == "push")
    );
    // The channel URL gave HTML, so postie read /events/ch, as gosmee's client does; the
    // dropped stream was opened again.
    let paths: Vec<String> = relay
        .heads
        .lock()
        .expect("lock")
        .iter()
        .map(|h| h.split(' ').nth(1).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths, ["/ch", "/events/ch", "/events/ch"]);
    let stderr = listener.stderr.lock().expect("lock").clone();
    assert!(stderr.contains("relay: connected to"), "{stderr}");
    assert!(stderr.contains("reconnecting in 500ms"), "{stderr}");
    // Replayable like any event.
    let other = support::http_server(|_| (204, vec![], Vec::new()));
    drop(listener);
    let out = inbox_cmd(&inbox, &["replay", "1", "--to", &other.url("/again")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(other.requests()[0].body, bodies[0]);
}

#[test]
fn a_smee_channel_is_marked_unverifiable_not_invalid_and_resumes_from_its_last_id() {
    let secret = "gh-secret";
    let original = b"{\"action\": \"opened\", \"number\": 7}";
    let sig = github_signature(secret, original);
    let data = serde_json::json!({
        "host": "smee.io",
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-hub-signature-256": sig,
        "body": {"action": "opened", "number": 7},
        "query": {"live": "0"},
        "timestamp": 1_700_000_000_999u64,
    })
    .to_string();
    let relay = relay_server(move |_, n| {
        let mut text = sse_head();
        text.push_str(&format!("id: {}\nevent: ready\ndata: {{}}\n\n", 2 * n));
        if n == 0 {
            text.push_str(&format!("id: 1\ndata: {data}\n\n"));
            text.push_str("id: 2\nevent: ping\ndata: {}\n\n");
        }
        (text, n > 0)
    });
    let (_dir, inbox) = temp_inbox();
    let channel = format!("{}/smee-ch", relay.url);
    let listener = listen(
        &inbox,
        &[
            "--relay",
            &channel,
            "--verify",
            "github",
            "--secret-name",
            "gh",
        ],
        &[("POSTIE_SECRET_GH", secret)],
    );
    let shown = listener.stdout_when(|t| t.contains("signature (github)"));
    let events = inbox_json(&inbox, &[]);
    assert_eq!(events.len(), 1, "{shown}");
    let e = &events[0];
    assert_eq!(e["body"], r#"{"action":"opened","number":7}"#);
    assert_eq!(e["query"], "live=0");
    assert_eq!(e["verification"]["result"], "not_verified");
    assert!(
        shown.contains("signatures cannot be verified on this channel"),
        "{shown}"
    );
    assert!(!shown.contains("invalid"), "{shown}");
    // After the first stream ended, the next request said where it stopped.
    let start = Instant::now();
    while relay.heads.lock().expect("lock").len() < 2 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let heads = relay.heads.lock().expect("lock").clone();
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("accept: text/event-stream"),
        "{heads:?}"
    );
    assert!(
        heads[1].to_ascii_lowercase().contains("last-event-id: 2"),
        "{heads:?}"
    );
}
