//! `[requests.expect_webhook]` and `sign = {…}` end to end: a test server plays the API under
//! test and calls back the run's embedded inbox (`{{inbox}}`) like a real webhook sender.

mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn postie(dir: &Path) -> Command {
    Command::from_std(support::sandbox::std_command_in(dir))
}

/// POST `body` to `url` (an http://127.0.0.1 URL) from a plain socket, after `delay`.
fn call_back_later(url: String, body: String, delay: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        let rest = url.trim_start_matches("http://");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Ok(mut stream) = std::net::TcpStream::connect(host) else {
            return;
        };
        let request = format!(
            "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nX-Event: test\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(request.as_bytes());
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    });
}

/// The API under test: `POST /orders` with `{"callback": URL, "event": TYPE}` answers 202 and
/// posts `{"type": TYPE, "order": {"id": 42}}` to the callback 100 ms later; `GET /orders/N`
/// answers 200.
fn api() -> support::TestServer {
    support::http_server(|r| {
        if r.method == "POST" && r.path() == "/orders" {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            if let (Some(callback), Some(event)) =
                (body["callback"].as_str(), body["event"].as_str())
            {
                let payload = serde_json::json!({"type": event, "order": {"id": 42}}).to_string();
                call_back_later(callback.to_string(), payload, Duration::from_millis(100));
            }
            (202, vec![], b"{}".to_vec())
        } else {
            (
                200,
                vec![("content-type".into(), "application/json".into())],
                b"{\"ok\":true}".to_vec(),
            )
        }
    })
}

fn collection(dir: &Path, base: &str, event: &str, within: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(
        dir.join("collections/orders.toml"),
        format!(
            r#"[vars]
base = "{base}"

[[requests]]
name = "create-order"
method = "POST"
url = "{{{{base}}}}/orders"
json = {{ callback = "{{{{inbox}}}}/hooks/orders", event = "{event}" }}
[requests.expect]
status = 202
[requests.expect_webhook]
path = "/hooks/*"
method = "POST"
json = {{ "$.type" = "order.paid" }}
headers = {{ x-event = "test" }}
within = "{within}"
capture = {{ order_id = "json:$.order.id" }}

[[requests]]
name = "get-order"
url = "{{{{base}}}}/orders/{{{{order_id}}}}"
"#
        ),
    )
    .unwrap();
}

#[test]
fn a_run_waits_for_the_webhook_and_captures_from_it() {
    let server = api();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""), "order.paid", "5s");
    let out = postie(dir.path()).args(["run", "orders"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("⇠ webhook POST /hooks/orders arrived after "),
        "{err}"
    );
    // The captured id (a number) went into the next request's URL.
    let paths: Vec<String> = server.requests().iter().map(|r| r.uri.clone()).collect();
    assert_eq!(paths, vec!["/orders".to_string(), "/orders/42".to_string()]);
}

#[test]
fn a_webhook_that_never_comes_fails_the_request_in_time() {
    let server = support::http_server(|_| (202, vec![], b"{}".to_vec()));
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""), "order.paid", "300ms");
    let started = std::time::Instant::now();
    let out = postie(dir.path())
        .args(["run", "orders/create-order"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("  ✗ webhook: expected POST /hooks/* within 300ms, got nothing arrived\n"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a bound against hangs"
    );
}

#[test]
fn a_non_matching_webhook_is_named_in_the_failure_and_in_the_report() {
    let server = api();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""), "order.created", "700ms");
    let out = postie(dir.path())
        .args(["run", "orders", "--report", "json=out/run.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("  ✗ webhook: expected POST /hooks/* within 700ms, got 1 arrived: POST /hooks/orders (json `$.type`: expected \"order.paid\", got \"order.created\")\n"),
        "{err}"
    );
    // The next request needed the capture: it is not run, and says why.
    assert!(
        err.contains(
            "orders / get-order (skipped: needs `order_id`, which `create-order` did not capture)"
        ),
        "{err}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/run.json")).unwrap()).unwrap();
    let failure = &report["collections"][0]["requests"][0]["attempts"][0]["failures"][0];
    assert_eq!(failure["what"], "webhook");
}

#[test]
fn requests_can_be_signed_like_a_webhook_sender() {
    use postie::signing::Scheme;
    use postie::webhook::{Verdict, verify};
    let server = support::http_server(|_| (204, vec![], Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("collections")).unwrap();
    std::fs::write(
        dir.path().join("collections/hooks.toml"),
        format!(
            "[[requests]]\nname = \"github\"\nmethod = \"POST\"\nurl = \"{0}/gh\"\njson = {{ action = \"opened\" }}\n\
             sign = {{ scheme = \"github\", secret = \"{{{{secret:hook_secret}}}}\" }}\n\
             [[requests]]\nname = \"standard\"\nmethod = \"POST\"\nurl = \"{0}/std\"\ntext = \"hello\"\n\
             sign = {{ scheme = \"standard\", secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\" }} # postie:allow-literal\n",
            server.url("")
        ),
    )
    .unwrap();
    let out = postie(dir.path())
        .env("POSTIE_SECRET_HOOK_SECRET", "It's a Secret to Everybody")
        .args(["run", "hooks", "-v"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("It's a Secret to Everybody"), "{err}");
    let got = server.requests();
    let gh = &got[0];
    assert_eq!(
        verify(
            &Scheme::Github,
            "It's a Secret to Everybody",
            &gh.headers,
            &gh.body,
            std::time::SystemTime::now()
        ),
        Verdict::Verified
    );
    let std_hook = &got[1];
    assert_eq!(
        verify(
            &Scheme::Standard,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &std_hook.headers,
            &std_hook.body,
            std::time::SystemTime::now()
        ),
        Verdict::Verified
    );
    assert!(
        std_hook
            .header("webhook-id")
            .is_some_and(|id| id.starts_with("msg_"))
    );
    // A wrong secret does not verify: the check above can fail.
    assert_ne!(
        verify(
            &Scheme::Github,
            "another secret",
            &gh.headers,
            &gh.body,
            std::time::SystemTime::now()
        ),
        Verdict::Verified
    );
}
