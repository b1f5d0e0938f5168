//! Relays are exact: `postie listen --forward-to` and `postie inbox replay` send on the request
//! target and header lines byte for byte as they came. A raw-socket sender writes exact bytes
//! to a real `postie listen`; a raw recording app keeps the bytes it receives; the two are
//! compared byte for byte, with exactly the changes the README lists (`host` first, hop-by-hop
//! headers dropped, a chunked body sent with `content-length`, `HTTP/1.1`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_postie");

/// What the app received: the head up to its blank line (exclusive) and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    head: Vec<u8>,
    body: Vec<u8>,
}

/// A recording app on 127.0.0.1 that keeps raw bytes and answers `200` (connection closed).
fn raw_app() -> (String, Arc<Mutex<Vec<Got>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&got);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut bytes = Vec::new();
            let mut chunk = [0u8; 8192];
            let end = loop {
                if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(end);
                }
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                }
            };
            let Some(end) = end else { continue };
            let head = bytes[..end].to_vec();
            let length = String::from_utf8_lossy(&head)
                .split("\r\n")
                .filter_map(|l| l.split_once(':'))
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while bytes.len() < end + 4 + length {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                }
            }
            let body = bytes[end + 4..].to_vec();
            log.lock().expect("lock").push(Got { head, body });
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    (addr, got)
}

struct Listener {
    child: Child,
    addr: String,
    stdout: Arc<Mutex<String>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(inbox: &Path) -> Command {
    let home = inbox.parent().expect("parent");
    let mut cmd = Command::new(BIN);
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1")
        .env_remove("POSTIE_TEST_TTY")
        .env_remove("CI");
    cmd
}

fn listen(inbox: &Path, forward_to: &str) -> Listener {
    let mut child = command(inbox)
        .args(["listen", "--port", "0", "--inbox"])
        .arg(inbox)
        .args(["--forward-to", forward_to])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn postie listen");
    let stdout = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&stdout);
    let mut out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            sink.lock().expect("lock").push_str(&text);
        }
    });
    let mut first = String::new();
    let stderr = child.stderr.take().expect("stderr");
    BufReader::new(stderr)
        .read_line(&mut first)
        .expect("first line");
    let addr = first
        .strip_prefix("listening on http://")
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .trim()
        .to_owned();
    Listener {
        child,
        addr,
        stdout,
    }
}

/// Writes `bytes` on a new connection and returns the answer's status.
fn send_raw(addr: &str, bytes: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(bytes).expect("write");
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
        }
    }
    let line = String::from_utf8_lossy(&got);
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {line:?}"))
}

fn wait_for(got: &Mutex<Vec<Got>>, n: usize) -> Vec<Got> {
    let start = Instant::now();
    loop {
        let list = got.lock().expect("lock").clone();
        if list.len() >= n || start.elapsed() > Duration::from_secs(20) {
            return list;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One request as the sender writes it.
struct Case {
    method: &'static str,
    target: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// The body on the wire (chunked framing included when there is such a header).
    wire_body: Vec<u8>,
    /// The body the app must get.
    body: Vec<u8>,
}

fn case(method: &'static str, target: &[u8], headers: &[(&[u8], &[u8])]) -> Case {
    Case {
        method,
        target: target.to_vec(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_vec(), v.to_vec()))
            .collect(),
        wire_body: Vec::new(),
        body: Vec::new(),
    }
}

fn with_body(mut c: Case, body: &[u8]) -> Case {
    c.headers.push((
        b"Content-Length".to_vec(),
        body.len().to_string().into_bytes(),
    ));
    c.wire_body = body.to_vec();
    c.body = body.to_vec();
    c
}

impl Case {
    fn wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(self.method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.extend_from_slice(b" HTTP/1.1\r\nHost: sender.test\r\n");
        for (n, v) in &self.headers {
            out.extend_from_slice(n);
            out.push(b':');
            out.extend_from_slice(v);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.wire_body);
        out
    }

    /// What the relay must write: the same method and `target`, `host` of the app first, the
    /// header lines in order (values without surrounding whitespace, `name: value`) less
    /// hop-by-hop ones and those `Connection` names, `content-length` last when there is a body.
    fn expected(&self, target: &[u8], app: &str) -> Got {
        const HOP: [&str; 9] = [
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
        ];
        let lower = |b: &[u8]| String::from_utf8_lossy(b).to_ascii_lowercase();
        let named: Vec<String> = self
            .headers
            .iter()
            .filter(|(n, _)| lower(n) == "connection")
            .flat_map(|(_, v)| {
                lower(v)
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut head = Vec::new();
        head.extend_from_slice(self.method.as_bytes());
        head.push(b' ');
        head.extend_from_slice(target);
        head.extend_from_slice(format!(" HTTP/1.1\r\nhost: {app}").as_bytes());
        let framed = self.headers.iter().any(|(n, _)| {
            let n = lower(n);
            n == "content-length" || n == "transfer-encoding"
        });
        for (n, v) in &self.headers {
            let name = lower(n);
            if HOP.contains(&name.as_str())
                || name == "host"
                || name == "content-length"
                || named.contains(&name)
            {
                continue;
            }
            head.extend_from_slice(b"\r\n");
            head.extend_from_slice(n);
            head.extend_from_slice(b": ");
            head.extend_from_slice(v.trim_ascii());
        }
        if framed {
            head.extend_from_slice(format!("\r\ncontent-length: {}", self.body.len()).as_bytes());
        }
        Got {
            head,
            body: self.body.clone(),
        }
    }
}

fn cases() -> Vec<Case> {
    let long = vec![b'x'; 8000];
    let many: Vec<(Vec<u8>, Vec<u8>)> = (0..60)
        .map(|i| {
            (
                format!("X-N{}", i % 7).into_bytes(),
                format!("{i}").into_bytes(),
            )
        })
        .collect();
    let mut many_case = case("POST", b"/many", &[]);
    many_case.headers = many;
    let mut chunked = case(
        "POST",
        b"/chunked",
        &[(b"Transfer-Encoding", b" chunked"), (b"X-After", b" 1")],
    );
    chunked.wire_body = b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n".to_vec();
    chunked.body = b"hello, world".to_vec();
    vec![
        case("GET", b"/a/./b/../c", &[]),
        case("GET", b"/a\\b\\..\\c", &[]),
        case("GET", b"/it's/\"x\"?q='x'&r=''", &[]),
        case("GET", "/café/ü?name=José&emoji=🦀".as_bytes(), &[]),
        case("GET", b"/%2e%2E/a%2fb%2Fc?x=%zz&y=%", &[]),
        case("GET", b"//double//slash/", &[]),
        case("GET", b"/say\"hi\"/{json}|pipe", &[]),
        case("GET", b"/q?a=`b`^c\\d{e}|f", &[]),
        case("GET", b"/frag?x=1#part", &[]),
        case("GET", b"/?", &[]),
        case("DELETE", b"/x/.././../y", &[]),
        case("PROPFIND", b"/dav/", &[(b"Depth", b" 1")]),
        with_body(
            case(
                "POST",
                b"/latin1",
                &[(b"X-Name", b" Jos\xe9"), (b"X-Raw", b" \xff\xfe\x80")],
            ),
            b"{}",
        ),
        case("GET", b"/utf8", &[(b"X-Name", " José 🦀".as_bytes())]),
        case(
            "POST",
            b"/interleaved",
            &[
                (b"X-A", b" 1"),
                (b"X-B", b" 1"),
                (b"x-a", b" 2"),
                (b"X-B", b" 2"),
                (b"X-A", b" 3"),
            ],
        ),
        case(
            "GET",
            b"/case",
            &[
                (b"x-MiXeD-CaSe", b" v"),
                (b"CONTENT-TYPE", b" text/plain"),
                (b"accept", b" */*"),
            ],
        ),
        case(
            "GET",
            b"/empty",
            &[(b"X-Empty", b""), (b"X-Space", b"   "), (b"X-Next", b" n")],
        ),
        case(
            "GET",
            b"/ows",
            &[(b"X-Ows", b" \t a \t b \t"), (b"X-Tight", b"no-space")],
        ),
        case("GET", b"/long", &[(b"X-Long", &long)]),
        many_case,
        chunked,
        with_body(
            case(
                "PUT",
                b"/hop",
                &[
                    (b"Connection", b" keep-alive, X-Hop"),
                    (b"X-Hop", b" dropped"),
                    (b"Keep-Alive", b" timeout=5"),
                    (b"X-Kept", b" kept"),
                    (b"hOsT", b" other.test"),
                ],
            ),
            b"\x00\x01binary\xff",
        ),
        with_body(
            case(
                "POST",
                b"/sig",
                &[
                    (b"Stripe-Signature", b" t=1,v1=AB, v1=cd"),
                    (b"X-Hub-Signature-256", b" sha256=00"),
                    (b"Content-Type", b" application/json; charset=UTF-8"),
                ],
            ),
            b"{\"a\": \"\xc3\xa9\"}",
        ),
    ]
}

#[test]
fn forwarded_requests_keep_target_and_header_bytes_and_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    let (app, got) = raw_app();
    let listener = listen(&inbox, &format!("http://{app}"));
    let cases = cases();
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(send_raw(&listener.addr, &c.wire()), 200, "case {i}");
        // One at a time, so the app's records are in case order.
        wait_for(&got, i + 1);
    }
    let received = wait_for(&got, cases.len());
    assert_eq!(received.len(), cases.len());
    let mut compared = 0;
    for (i, (c, got)) in cases.iter().zip(&received).enumerate() {
        let want = c.expected(&c.target, &app);
        assert_eq!(
            String::from_utf8_lossy(&got.head),
            String::from_utf8_lossy(&want.head),
            "case {i}"
        );
        assert_eq!(got, &want, "case {i} (bytes)");
        compared += 1;
    }
    assert!(compared >= 20, "{compared} cases");

    // The inbox keeps the bytes: `inbox replay` sends the same header lines to `--to`.
    drop(listener);
    let replay_to = format!("http://{app}/replayed?r=1");
    for (id, c) in cases.iter().enumerate().skip(12).take(6) {
        let out = command(&inbox)
            .args(["inbox", "replay", &(id + 1).to_string(), "--to", &replay_to])
            .arg("--inbox")
            .arg(&inbox)
            .output()
            .expect("replay");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let all = wait_for(&got, received.len() + 1);
        let last = all.last().expect("a replay").clone();
        got.lock().expect("lock").pop();
        assert_eq!(
            last,
            c.expected(b"/replayed?r=1", &app),
            "replay of case {id}"
        );
    }

    // And shows them in wire order, bytes that are not UTF-8 as `\xNN`.
    let show = command(&inbox)
        .args(["inbox", "show", "13", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("show");
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(text.contains("  x-name: Jos\\xE9\n"), "{text}");
    assert!(text.contains("  x-raw: \\xFF\\xFE\\x80\n"), "{text}");
    let show = command(&inbox)
        .args(["inbox", "show", "15", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("show");
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(
        text.contains("  x-a: 1\n  x-b: 1\n  x-a: 2\n  x-b: 2\n  x-a: 3\n"),
        "{text}"
    );
    // `--json` carries the bytes too: `wire` holds the header lines as received, bytes that
    // are not UTF-8 as base64 (the lower-cased `headers` list is lossy).
    let show = command(&inbox)
        .args(["inbox", "show", "13", "--json", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("show --json");
    let event: serde_json::Value = serde_json::from_slice(&show.stdout).expect("one JSON object");
    let wire = event["wire"]["headers"].as_array().expect("wire headers");
    let base64 = |bytes: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    assert!(
        wire.iter().any(
            |h| h[0] == "X-Name" && h[1] == serde_json::json!({ "base64": base64(b"Jos\xE9") })
        ),
        "{event}"
    );
}

#[test]
fn a_base_path_and_query_come_first_and_absolute_form_targets_go_out_in_origin_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    let (app, got) = raw_app();
    let listener = listen(&inbox, &format!("http://{app}/hooks/?k=v"));
    let sent: [(&[u8], &[u8]); 4] = [
        (b"/gh/./x?q='1'", b"/hooks/gh/./x?k=v&q='1'"),
        (b"/", b"/hooks/?k=v"),
        (
            b"http://sender.test/abs/../y?z=1",
            b"/hooks/abs/../y?k=v&z=1",
        ),
        (b"/a\\b", b"/hooks/a\\b?k=v"),
    ];
    for (i, (target, _)) in sent.iter().enumerate() {
        let c = case("POST", target, &[(b"X-I", b" i")]);
        assert_eq!(send_raw(&listener.addr, &c.wire()), 200);
        wait_for(&got, i + 1);
    }
    let received = wait_for(&got, sent.len());
    for ((target, want), got) in sent.iter().zip(&received) {
        let c = case("POST", target, &[(b"X-I", b" i")]);
        assert_eq!(got, &c.expected(want, &app));
    }
    // The delivery line names the target as sent.
    let start = Instant::now();
    let shown = loop {
        let out = listener.stdout.lock().expect("lock").clone();
        if out.matches("forwarded to").count() >= sent.len() || start.elapsed().as_secs() > 10 {
            break out;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        shown.contains(&format!(
            "forwarded to http://{app}/hooks/gh/./x?k=v&q='1': 200"
        )),
        "{shown}"
    );
}

#[test]
fn targets_hyper_rejects_get_400_or_414_and_are_not_relayed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    let (app, got) = raw_app();
    let listener = listen(&inbox, &format!("http://{app}"));
    // Latin-1 (not UTF-8) bytes, `<`/`>`/backtick in the path, `"` in the query, a space.
    let rejected: [&[u8]; 5] = [b"/caf\xe9", b"/a<b>", b"/a`b", b"/q?x=\"1\"", b"/a b"];
    for target in rejected {
        let c = case("GET", target, &[]);
        assert_eq!(
            send_raw(&listener.addr, &c.wire()),
            400,
            "{}",
            String::from_utf8_lossy(target)
        );
    }
    let mut long = b"/".to_vec();
    long.resize(65_535, b'a');
    assert_eq!(
        send_raw(&listener.addr, &case("GET", &long, &[]).wire()),
        414
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(got.lock().expect("lock").is_empty());
}
