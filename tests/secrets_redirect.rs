//! Secrets on redirects, against curl as the reference: what reaches the server a redirect
//! points to. Two loopback servers on different ports are different origins (scheme, host and
//! port); the redirect target records what it got.
//!
//! curl (`-L`) drops `Authorization` and `Cookie` on a redirect to another host or port and
//! keeps every other header; postie is stricter: it also drops every header and query
//! parameter that holds a secret. Neither sends `Referer`. On the same origin both keep it all.

mod support;

use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;

/// Secrets with the characters that each encoding treats differently: space, `/`, `+`, `"`,
/// `\`, `%` (with hex digits after it), `&`, `=`, and (query only) non-ASCII.
const HEADER_SECRET: &str = "Hq7Z a/b+c\"d\\e%41&f=Vx2K";
const QUERY_SECRET: &str = "Jm4W \u{fc}/\u{df}+\u{20ac}\"\\%2F&k=Rp8T";
const MARKERS: [&str; 4] = ["Hq7Z", "Vx2K", "Jm4W", "Rp8T"];

fn postie(dir: &Path) -> Command {
    let mut cmd = Command::from_std(support::sandbox::std_command_in(dir));
    cmd.env("POSTIE_SECRET_HEADER_KEY", HEADER_SECRET)
        .env("POSTIE_SECRET_QUERY_KEY", QUERY_SECRET)
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

/// A server that answers every request with `status` and `Location: target(request)`.
fn redirector<F>(status: u16, target: F) -> support::TestServer
where
    F: Fn(&support::Recorded) -> String + Send + Sync + 'static,
{
    support::http_server(move |r| {
        (
            status,
            vec![("location".into(), target(r))],
            b"moved".to_vec(),
        )
    })
}

/// The redirect target: records, answers 200.
fn landing() -> support::TestServer {
    support::http_server(|_| (200, vec![], b"landed".to_vec()))
}

/// The query of a request target (`a=1&b=2` of `/x?a=1&b=2`).
fn query_of(uri: &str) -> &str {
    uri.split_once('?').map(|(_, q)| q).unwrap_or("")
}

fn no_marker(what: &str, text: &str) {
    for marker in MARKERS {
        assert!(
            !text.contains(marker),
            "{what} holds a piece of a secret (`{marker}`):\n{text}"
        );
    }
}

fn write_collection(dir: &Path, toml: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(dir.join("collections/redirect.toml"), toml).unwrap();
}

/// One request to `url` with the secrets in headers (plain, inside a longer value, as the
/// bearer token) and in the query (which the redirector hands on in its `Location`).
fn secret_request(url: &str) -> String {
    format!(
        r#"
[[requests]]
name = "go"
url = "{url}"
query = {{ key = "{{{{secret:query_key}}}}", page = "1" }}
headers = {{ X-Api-Key = "{{{{secret:header_key}}}}", X-Trace = "t-{{{{secret:header_key}}}}-end", X-Plain = "hello" }}
auth = {{ bearer = "{{{{secret:header_key}}}}" }}
"#
    )
}

#[test]
fn a_cross_origin_redirect_drops_every_secret_header_and_query_parameter() {
    let other = landing();
    let base = other.url("/landing");
    // The redirector hands the request's query on, as login and API gateways do.
    let first = redirector(302, move |r| format!("{base}?{}", query_of(&r.uri)));
    let dir = tempfile::tempdir().unwrap();
    write_collection(dir.path(), &secret_request(&first.url("/start")));
    let out = postie(dir.path())
        .args(["run", "redirect", "-v"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The first server got everything.
    let sent = &first.requests()[0];
    assert_eq!(sent.header("x-api-key"), Some(HEADER_SECRET));
    assert!(sent.uri.contains("key="), "{}", sent.uri);
    // The other origin got no secret: not in a header, not in the query, no Referer.
    let got = other.requests();
    assert_eq!(got.len(), 1, "{got:?}");
    let got = &got[0];
    for name in ["x-api-key", "x-trace", "authorization", "referer"] {
        assert_eq!(
            got.header(name),
            None,
            "{name} reached the other origin: {got:?}"
        );
    }
    assert_eq!(got.header("x-plain"), Some("hello"), "{got:?}");
    assert_eq!(got.uri, "/landing?page=1", "{got:?}");
    no_marker("what the other origin got", &format!("{got:?}"));
    // `-v` says what was dropped, masked.
    for name in ["x-api-key", "x-trace", "authorization", "?key"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("on redirect to other origin") && l.contains(name)),
            "-v does not name {name}:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("302 redirect to http://127.0.0.1:"),
        "{stderr}"
    );
    no_marker("stderr", &stderr);

    // curl, the reference: `-L` drops Authorization on a port change but keeps the other
    // headers (postie is stricter there) and sends no Referer either.
    let (curl_got, _) = curl_follow(&first, &other, &[]);
    assert_eq!(curl_got.header("authorization"), None, "{curl_got:?}");
    assert_eq!(curl_got.header("referer"), None, "{curl_got:?}");
    assert_eq!(curl_got.header("x-plain"), Some("hello"), "{curl_got:?}");
    assert_eq!(
        curl_got.header("x-api-key"),
        Some(HEADER_SECRET),
        "curl keeps other headers across origins (postie drops the secret ones)"
    );
}

/// Run `curl -L` with the same headers as [`secret_request`] against `first` (whose
/// `/start` redirects to `other`); what `other` got, and curl's stderr.
fn curl_follow(
    first: &support::TestServer,
    other: &support::TestServer,
    extra: &[&str],
) -> (support::Recorded, String) {
    let before = other.requests().len();
    let out = StdCommand::new("curl")
        .args(["-sS", "-L", "-o", "/dev/null"])
        .args(["-H", &format!("X-Api-Key: {HEADER_SECRET}")])
        .args(["-H", &format!("X-Trace: t-{HEADER_SECRET}-end")])
        .args(["-H", "X-Plain: hello"])
        .args(["-H", &format!("Authorization: Bearer {HEADER_SECRET}")])
        .args(extra)
        .arg(first.url("/start?page=1"))
        .output()
        .unwrap_or_else(|e| {
            panic!("curl is the reference here and could not run ({e}): apt-get install -y curl")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = other.requests();
    assert_eq!(got.len(), before + 1, "curl did not reach the other origin");
    (
        got[before].clone(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_same_origin_redirect_keeps_the_secret_headers_as_curl_does() {
    let server = support::http_server(|r| {
        if r.path() == "/start" {
            (302, vec![("location".into(), "/landing".into())], vec![])
        } else {
            (200, vec![], b"landed".to_vec())
        }
    });
    let dir = tempfile::tempdir().unwrap();
    write_collection(dir.path(), &secret_request(&server.url("/start")));
    let out = postie(dir.path())
        .args(["run", "redirect", "-v"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("dropped"), "{stderr}");
    let got = server.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    let postie_got = got[1].clone();
    assert_eq!(postie_got.path(), "/landing");
    // curl on the same redirect.
    let out = StdCommand::new("curl")
        .args(["-sS", "-L", "-o", "/dev/null"])
        .args(["-H", &format!("X-Api-Key: {HEADER_SECRET}")])
        .args(["-H", &format!("X-Trace: t-{HEADER_SECRET}-end")])
        .args(["-H", &format!("Authorization: Bearer {HEADER_SECRET}")])
        .arg(server.url("/start"))
        .output()
        .expect("curl is the reference here: apt-get install -y curl");
    assert!(out.status.success());
    let curl_got = server.requests()[3].clone();
    for name in ["x-api-key", "x-trace", "authorization"] {
        assert!(curl_got.header(name).is_some(), "curl dropped {name}?");
        assert_eq!(
            postie_got.header(name),
            curl_got.header(name),
            "{name}: postie and curl differ on a same-origin redirect"
        );
    }
    assert_eq!(postie_got.header("referer"), None);
    assert_eq!(curl_got.header("referer"), None);
}

/// Which method and body reach the redirect target, for each redirect status, against curl:
/// 301/302 turn a POST into a GET without body, 303 turns anything but HEAD into a GET, 307
/// and 308 keep both.
#[test]
fn methods_and_bodies_across_redirects_match_curl() {
    let mut compared = 0;
    for status in [301u16, 302, 303, 307, 308] {
        for method in ["POST", "PUT", "PATCH", "DELETE", "GET"] {
            let other = landing();
            let target = other.url("/landing");
            let first = redirector(status, move |_| target.clone());
            let dir = tempfile::tempdir().unwrap();
            let body = if method == "GET" {
                ""
            } else {
                "text = \"payload-1\"\n"
            };
            write_collection(
                dir.path(),
                &format!(
                    "[[requests]]\nname = \"m\"\nmethod = \"{method}\"\nurl = \"{}\"\n{body}",
                    first.url("/start")
                ),
            );
            let out = postie(dir.path())
                .args(["run", "redirect"])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{status} {method}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let postie_got = other.requests()[0].clone();
            // curl: the method curl would use without -X is set by its data options.
            let mut curl = StdCommand::new("curl");
            curl.args(["-sS", "-L", "-o", "/dev/null"]);
            match method {
                "GET" => {}
                "POST" => {
                    curl.args(["--data-binary", "payload-1"]);
                }
                _ => {
                    // -X keeps the method on every hop in curl; what postie does is what
                    // curl does with `--request` only on 307/308 (see below).
                    curl.args(["-X", method, "--data-binary", "payload-1"]);
                }
            }
            let out = curl
                .arg(first.url("/start"))
                .output()
                .expect("curl is the reference here: apt-get install -y curl");
            assert!(out.status.success());
            let curl_got = other.requests()[1].clone();
            if method == "POST" || method == "GET" || matches!(status, 307 | 308) {
                assert_eq!(
                    (postie_got.method.as_str(), &postie_got.body),
                    (curl_got.method.as_str(), &curl_got.body),
                    "{status} {method}: postie and curl differ"
                );
                compared += 1;
            } else {
                // curl's `-X` forces the method on every hop (its manual says so), so for
                // 301/302/303 of other methods the reference is reqwest's and the RFC's rule.
                let expected = if status == 303 { "GET" } else { method };
                assert_eq!(postie_got.method, expected, "{status} {method}");
                let expected_body: &[u8] = if status == 303 { b"" } else { b"payload-1" };
                assert_eq!(postie_got.body, expected_body, "{status} {method}");
            }
        }
    }
    assert_eq!(compared, 16);
}

/// A redirect to something that is not an http(s) URL postie can reach is an error, exit 3,
/// naming the location.
#[test]
fn a_redirect_to_file_data_or_a_bad_port_is_an_error() {
    for location in [
        "file:///etc/passwd",
        "data:text/plain,hello",
        "ftp://127.0.0.1/x",
        "http://127.0.0.1:0/x",
        "http://127.0.0.1:99999/x",
        "http://[::1/x",
    ] {
        let target = location.to_string();
        let server = redirector(302, move |_| target.clone());
        let dir = tempfile::tempdir().unwrap();
        write_collection(
            dir.path(),
            &format!(
                "[[requests]]\nname = \"r\"\nurl = \"{}\"\n",
                server.url("/")
            ),
        );
        let out = postie(dir.path())
            .args(["run", "redirect"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{location}: {stderr}");
        assert!(
            stderr.contains(&format!("refused to follow a redirect to `{location}`")),
            "{location}: {stderr}"
        );
    }
}

/// The secret in the query the redirector hands on may be encoded in any way: each is found.
#[test]
fn secret_query_parameters_are_dropped_in_every_encoding() {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let encodings: Vec<(&str, String)> = vec![
        (
            "form",
            url::form_urlencoded::byte_serialize(QUERY_SECRET.as_bytes()).collect(),
        ),
        (
            "all escaped",
            utf8_percent_encode(QUERY_SECRET, NON_ALPHANUMERIC).to_string(),
        ),
        (
            "header secret, form",
            url::form_urlencoded::byte_serialize(HEADER_SECRET.as_bytes()).collect(),
        ),
    ];
    for (what, encoded) in encodings {
        let other = landing();
        let base = other.url("/landing");
        let first = redirector(307, move |_| format!("{base}?a=1&token={encoded}&b=2"));
        let dir = tempfile::tempdir().unwrap();
        write_collection(dir.path(), &secret_request(&first.url("/start")));
        let out = postie(dir.path())
            .args(["run", "redirect", "-v"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
        let got = &other.requests()[0];
        assert_eq!(got.uri, "/landing?a=1&b=2", "{what}");
        assert!(stderr.contains("?token"), "{what}: {stderr}");
        no_marker(what, &stderr);
    }
}

// --- The signing secret of `listen --verify` and `inbox replay --sign`; `inbox save` ------

const SIGNING: &str = "whsec-Sg9Q a/b+c\"d";

/// `postie` for the webhook commands, HOME under `home`.
fn webhook_postie(home: &Path) -> StdCommand {
    let mut cmd = support::sandbox::std_command_in(home);
    cmd.env("POSTIE_SECRET_HOOK", SIGNING);
    cmd
}

/// Send one raw HTTP/1.1 request (own connection) and read the answer to its end.
fn post_raw(addr: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!("POST {target} HTTP/1.1\r\nHost: hooks.test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// `postie listen --port 0 ARGS` in `home`; its address, the child, and its stdout file.
fn start_listen(home: &Path, args: &[&str]) -> (String, std::process::Child, std::path::PathBuf) {
    use std::io::BufRead;
    let out_path = home.join("listen.out");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = webhook_postie(home)
        .args(["listen", "--port", "0", "--inbox"])
        .arg(home.join("inbox"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split(['/', ' ']).next())
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    (addr, child, out_path)
}

#[test]
fn listen_verify_masks_its_signing_secret() {
    let home = tempfile::tempdir().unwrap();
    let (addr, mut child, out_path) = start_listen(
        home.path(),
        &["--verify", "github", "--secret-name", "hook"],
    );
    // A sender that (wrongly) shows the secret back, in a header and in the body.
    post_raw(
        &addr,
        "/gh",
        &[("X-Debug-Secret", SIGNING)],
        SIGNING.as_bytes(),
    );
    let start = std::time::Instant::now();
    let mut out = String::new();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        out = std::fs::read_to_string(&out_path).unwrap_or_default();
        if out.contains("signature (github)") && out.matches('\n').count() > 6 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(out.contains("signature (github): unsigned"), "{out}");
    assert!(!out.contains("Sg9Q"), "the signing secret shows:\n{out}");
    assert!(out.contains("x-debug-secret: ••••••"), "{out}");
}

#[test]
fn inbox_replay_sign_masks_its_signing_secret_and_save_writes_secret_references() {
    let home = tempfile::tempdir().unwrap();
    let (addr, mut child, _) = start_listen(home.path(), &[]);
    post_raw(
        &addr,
        "/hooks/in?x=1",
        &[
            ("Authorization", "Bearer tok-Lk3P-received"),
            ("X-Api-Key", "key-Mn5R-received"),
            ("X-Plain", "fine"),
            ("Content-Type", "application/json"),
        ],
        br#"{"a":1}"#,
    );
    let _ = child.kill();
    let _ = child.wait();
    // Replay, signed, to an app that echoes the signing secret in its answer.
    let app = support::http_server(|_| (200, vec![], format!("echo {SIGNING}").into_bytes()));
    let out = webhook_postie(home.path())
        .args(["inbox", "replay", "1", "--to", &app.url("/app")])
        .args(["--sign", "github", "--secret-name", "hook", "--inbox"])
        .arg(home.path().join("inbox"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("echo ••••••"), "{stderr}");
    assert!(!stderr.contains("Sg9Q"), "{stderr}");
    assert!(app.requests()[0].header("x-hub-signature-256").is_some());

    // Save: the received credentials become references, and postie names what to set.
    let out = webhook_postie(home.path())
        .args(["inbox", "save", "1", "hooks/replayed", "--inbox"])
        .arg(home.path().join("inbox"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let saved = std::fs::read_to_string(home.path().join("collections/hooks.toml")).unwrap();
    assert!(
        !saved.contains("Lk3P") && !saved.contains("Mn5R"),
        "{saved}"
    );
    assert!(
        saved.contains("authorization = \"Bearer {{secret:hooks_authorization}}\""),
        "{saved}"
    );
    assert!(saved.contains("x-plain = \"fine\""), "{saved}");
    for (name, var) in [
        ("hooks_authorization", "POSTIE_SECRET_HOOKS_AUTHORIZATION"),
        ("hooks_x_api_key", "POSTIE_SECRET_HOOKS_X_API_KEY"),
    ] {
        assert!(
            stderr.contains(&format!("postie secret set {name}")) && stderr.contains(var),
            "{stderr}"
        );
    }
    // The saved request runs once the secrets are set, and sends them.
    let app = support::http_server(|_| (200, vec![], b"ok".to_vec()));
    let out = webhook_postie(home.path())
        .env("POSTIE_SECRET_HOOKS_AUTHORIZATION", "tok-new")
        .env("POSTIE_SECRET_HOOKS_X_API_KEY", "key-new")
        .args(["run", "hooks/replayed", "--var"])
        .arg(format!("base_url={}", app.url("")))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{saved}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = &app.requests()[0];
    assert_eq!(got.header("authorization"), Some("Bearer tok-new"));
    assert_eq!(got.header("x-api-key"), Some("key-new"));
}

// --- Masking: a secret in the host (lower-cased by the URL serialiser), `{{env:…}}` --------

/// A secret as a subdomain cannot reach a loopback server by name (`*.example.test` does not
/// resolve), so the request goes through an HTTP proxy (`HTTP_PROXY`), a recording server that
/// gets the absolute URL as the URL serialiser wrote it: lower-cased.
#[test]
fn a_secret_in_the_host_and_an_env_secret_are_masked_everywhere() {
    let proxy = support::http_server(|r| {
        (
            200,
            vec![("content-type".into(), "text/plain".into())],
            format!("proxied {}\n", r.uri).into_bytes(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    write_collection(
        dir.path(),
        "[[requests]]\nname = \"host\"\nurl = \"http://{{secret:tenant}}.example.test/p\"\n\
         headers = { X-Env = \"{{env:POSTIE_SECRET_ENV_KEY}}\" }\n\
         [requests.expect]\nbody = { contains = \"absent\" }\n",
    );
    let out_dir = dir.path().join("out");
    let mut cmd = postie(dir.path());
    cmd.env("POSTIE_SECRET_TENANT", "Tenant-K7qZ")
        .env("POSTIE_SECRET_ENV_KEY", "Env W9xY/+\"")
        .env("HTTP_PROXY", proxy.url(""))
        .args(["run", "redirect", "-v", "--json"]);
    for (kind, file) in [("json", "r.json"), ("junit", "r.xml"), ("har", "r.har")] {
        cmd.arg("--report")
            .arg(format!("{kind}={}", out_dir.join(file).display()));
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let got = proxy.requests();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].uri, "http://tenant-k7qz.example.test/p");
    assert_eq!(got[0].header("x-env"), Some("Env W9xY/+\""));
    let mut outputs = vec![
        (
            "stdout".to_string(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ),
        ("stderr".to_string(), stderr.into_owned()),
    ];
    for file in ["r.json", "r.xml", "r.har"] {
        outputs.push((
            file.into(),
            std::fs::read_to_string(out_dir.join(file)).unwrap(),
        ));
    }
    for (what, text) in outputs {
        let lower = text.to_lowercase();
        for marker in ["k7qz", "w9xy"] {
            assert!(!lower.contains(marker), "{what} shows `{marker}`:\n{text}");
        }
        assert!(text.contains("••••••"), "{what}: nothing masked?\n{text}");
    }
}

/// A streamed `file = …` body cannot be sent twice: on a 307 postie stops and shows the 307
/// (curl, which reads `--data-binary @file` into memory, sends it again; the README says so).
#[test]
fn a_streamed_file_body_stops_at_a_307() {
    let other = landing();
    let target = other.url("/landing");
    let first = redirector(307, move |_| target.clone());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("body.bin"), b"file-payload").unwrap();
    write_collection(
        dir.path(),
        &format!(
            "[[requests]]\nname = \"f\"\nmethod = \"POST\"\nurl = \"{}\"\nfile = \"../body.bin\"\n\
             [requests.expect]\nstatus = 307\n",
            first.url("/start")
        ),
    );
    let out = postie(dir.path())
        .args(["run", "redirect"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(first.requests()[0].body, b"file-payload");
    assert_eq!(other.hits(), 0, "{:?}", other.requests());
}
