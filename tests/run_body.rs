//! End-to-end tests of where `postie run` puts response bodies: `-o FILE`, stdout piped
//! (byte-exact), stdout on a terminal (pretty JSON, text, binary withheld), a closed pipe, and
//! gzip decoding. The terminal is faked with the hidden `POSTIE_TEST_TTY` hook.
//!
//! stderr is compared whole, after replacing durations with `T` and the server's port with
//! `PORT`.

mod support;

use std::error::Error;
use std::io::{Read, Write};

use regex::Regex;
use support::sandbox::Sandbox;
use support::{Reply, TestServer};

type TestResult = Result<(), Box<dyn Error>>;

/// Writes `collections/shop.toml` with one GET request per `(name, path)` of `server`.
fn shop(sandbox: &Sandbox, server: &TestServer, requests: &[(&str, &str)]) -> std::io::Result<()> {
    let toml: String = requests
        .iter()
        .map(|(name, path)| {
            format!(
                "[[requests]]\nname = \"{name}\"\nurl = \"{}\"\n",
                server.url(path)
            )
        })
        .collect();
    sandbox.collection("shop", &toml)
}

/// stderr with durations and the server's port made stable.
fn normalise(bytes: &[u8], server: &TestServer) -> Result<String, Box<dyn Error>> {
    let text =
        String::from_utf8(bytes.to_vec())?.replace(&format!(":{}", server.addr.port()), ":PORT");
    let durations = Regex::new(r"\d+(\.\d+)? (µs|ms|s)\b")?;
    Ok(durations.replace_all(&text, "T").into_owned())
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn reply(content_type: &str, body: &[u8]) -> Reply {
    (200, vec![h("content-type", content_type)], body.to_vec())
}

/// Deterministic bytes that are not valid UTF-8 and have no short repeating pattern.
fn binary(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// The stderr of a passing one-request run of `shop / body` fetching `/body`.
fn cycle(size: &str, note: &str) -> String {
    format!(
        "\
shop / body
→ GET http://127.0.0.1:PORT/body
← 200 OK  HTTP/1.1  {size}
{note}  connect T · ttfb T · download T · total T · {size}
"
    )
}

const JSON: &[u8] = br#"{"name":"Ada","tags":["x","y"],"n":1}"#;

const PRETTY: &str = r#"{
  "name": "Ada",
  "tags": [
    "x",
    "y"
  ],
  "n": 1
}
"#;

#[test]
fn output_file_gets_a_large_binary_body_byte_exact() -> TestResult {
    let data = binary(5_000_000);
    let served = data.clone();
    let server = support::http_server(move |_| reply("application/octet-stream", &served));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .args(["run", "shop", "-o", "out.bin"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        normalise(&out.stderr, &server)?,
        cycle("5.0 MB", "  saved 5.0 MB to `out.bin`\n")
    );
    let saved = std::fs::read(sandbox.dir.path().join("out.bin"))?;
    assert_eq!(saved.len(), data.len());
    assert!(saved == data, "saved bytes differ from the served body");
    Ok(())
}

#[test]
fn output_file_with_two_requests_is_a_usage_error() -> TestResult {
    let server = support::http_server(|_| reply("text/plain", b"x"));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("one", "/one"), ("two", "/two")])?;
    let assert = sandbox
        .command()
        .args(["run", "shop", "-o", "out.bin"])
        .assert()
        .code(2);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "\
postie: error: `-o/--output` takes one request, but 2 are selected
  hint: name one request, e.g. `postie run shop/create-plan -o body.json`
"
    );
    assert_eq!(server.hits(), 0);
    assert!(!sandbox.dir.path().join("out.bin").exists());
    Ok(())
}

#[test]
fn binary_body_on_a_terminal_is_withheld_with_a_note() -> TestResult {
    let server = support::http_server(|_| reply("application/octet-stream", &binary(3000)));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout,stderr")
        .args(["run", "shop", "--color", "never"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    // The body isn't downloaded just to be thrown away: no download phase, no size read.
    assert_eq!(
        normalise(&out.stderr, &server)?,
        "shop / body\n→ GET http://127.0.0.1:PORT/body\n← 200 OK  HTTP/1.1  3.0 KB\n  \
binary body (3.0 KB) not shown: use `-o FILE` to save it\n  connect T · ttfb T · total T\n"
    );
    Ok(())
}

#[test]
fn json_on_a_terminal_is_pretty_printed() -> TestResult {
    let server = support::http_server(|_| reply("application/json", JSON));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["run", "shop", "--color", "never"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), PRETTY);
    assert_eq!(normalise(&out.stderr, &server)?, cycle("37 B", ""));
    Ok(())
}

#[test]
fn json_with_color_always_on_a_terminal_is_coloured() -> TestResult {
    let server = support::http_server(|_| reply("application/json", JSON));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["run", "shop", "--color", "always"])
        .assert()
        .code(0);
    let out = assert.get_output();
    let stdout = String::from_utf8(out.stdout.clone())?;
    assert!(stdout.contains("\x1b["), "no colour in {stdout:?}");
    let escapes = Regex::new(r"\x1b\[[0-9;]*m")?;
    assert_eq!(escapes.replace_all(&stdout, ""), PRETTY);
    Ok(())
}

#[test]
fn piped_json_is_byte_exact_unless_pretty_is_asked() -> TestResult {
    let server = support::http_server(|_| reply("application/json", JSON));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox.command().args(["run", "shop"]).assert().code(0);
    assert_eq!(assert.get_output().stdout, JSON);

    let assert = sandbox
        .command()
        .args(["run", "shop", "--pretty"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), PRETTY);
    assert_eq!(normalise(&out.stderr, &server)?, cycle("37 B", ""));
    Ok(())
}

#[test]
fn text_on_a_terminal_gets_a_final_newline() -> TestResult {
    let server = support::http_server(|_| reply("text/plain", b"hello there"));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["run", "shop"])
        .assert()
        .code(0);
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stdout),
        "hello there\n"
    );
    let assert = sandbox.command().args(["run", "shop"]).assert().code(0);
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stdout),
        "hello there"
    );
    Ok(())
}

#[test]
fn closed_stdout_pipe_ends_quietly_with_success() -> TestResult {
    let body: Vec<u8> = b"0123456789abcde\n".repeat(125_000);
    let server = support::http_server(move |_| reply("text/plain", &body));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let mut child = sandbox
        .std_command()
        .args(["run", "shop"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first)?;
    drop(stdout);
    let out = child.wait_with_output()?;
    assert_eq!(&first, b"0123456789");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        normalise(&out.stderr, &server)?,
        "\
shop / body
→ GET http://127.0.0.1:PORT/body
← 200 OK  HTTP/1.1  2.0 MB
"
    );
    Ok(())
}

#[test]
fn closed_pipe_while_pretty_printing_ends_quietly_with_success() -> TestResult {
    let mut body = b"[".to_vec();
    body.extend_from_slice(&b"{\"n\":1},".repeat(250_000));
    body.extend_from_slice(b"{\"n\":2}]");
    let server = support::http_server(move |_| reply("application/json", &body));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let mut child = sandbox
        .std_command()
        .args(["run", "shop", "--pretty"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first)?;
    drop(stdout);
    let out = child.wait_with_output()?;
    assert_eq!(&first, b"[\n  {\n    ");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        normalise(&out.stderr, &server)?,
        "\
shop / body
→ GET http://127.0.0.1:PORT/body
← 200 OK  HTTP/1.1  2.0 MB
"
    );
    Ok(())
}

#[test]
fn invalid_json_on_a_terminal_is_shown_as_received_with_a_note() -> TestResult {
    let server = support::http_server(|_| reply("application/json", b"{\"name\": \"Ada\""));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["run", "shop"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"name\": \"Ada\"\n");
    assert_eq!(
        normalise(&out.stderr, &server)?,
        cycle("14 B", "  body is not valid JSON: shown as received\n")
    );

    // Piped with `--pretty`, the body stays byte-exact: no newline is added.
    let assert = sandbox
        .command()
        .args(["run", "shop", "--pretty"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"name\": \"Ada\"");
    assert_eq!(
        normalise(&out.stderr, &server)?,
        cycle("14 B", "  body is not valid JSON: shown as received\n")
    );
    Ok(())
}

#[test]
fn large_json_broken_partway_is_shown_with_a_note() -> TestResult {
    // Over 1 MiB, so it is streamed: the start is pretty-printed before the error is found.
    let mut body = b"[".to_vec();
    body.extend_from_slice(&b"1,".repeat(600_000));
    body.extend_from_slice(b"oops]");
    let size = body.len();
    let server = support::http_server(move |_| reply("application/json", &body));
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox
        .command()
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["run", "shop", "--color", "never"])
        .assert()
        .code(0);
    let out = assert.get_output();
    let stdout = String::from_utf8(out.stdout.clone())?;
    assert!(stdout.starts_with("[\n  1,\n  1,\n"), "{:?}", &stdout[..20]);
    assert!(
        stdout.ends_with("oops]\n"),
        "{:?}",
        &stdout[stdout.len() - 20..]
    );
    assert_eq!(size, 1_200_006);
    assert_eq!(
        normalise(&out.stderr, &server)?,
        cycle(
            "1.2 MB",
            "  body is not valid JSON at byte 1200001 (expected a JSON value): shown as received from byte 1200001\n"
        )
    );
    Ok(())
}

#[test]
fn gzip_body_is_decoded() -> TestResult {
    let plain = b"postie decodes gzip bodies\n".repeat(200);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&plain)?;
    let gzipped = encoder.finish()?;
    assert!(gzipped.len() < plain.len() / 10);
    let server = support::http_server(move |_| {
        (
            200,
            vec![
                h("content-type", "text/plain"),
                h("content-encoding", "gzip"),
            ],
            gzipped.clone(),
        )
    });
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server, &[("body", "/body")])?;
    let assert = sandbox.command().args(["run", "shop"]).assert().code(0);
    let out = assert.get_output();
    assert!(out.stdout == plain, "stdout is not the decoded body");
    assert_eq!(
        normalise(&out.stderr, &server)?,
        "\
shop / body
→ GET http://127.0.0.1:PORT/body
← 200 OK  HTTP/1.1
  connect T · ttfb T · download T · total T · 5.4 KB
"
    );
    let got = server.requests();
    assert_eq!(
        got[0].header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    Ok(())
}
