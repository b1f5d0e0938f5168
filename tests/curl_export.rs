//! `show --curl` = `run`: the command `postie show --curl` prints, run by real curl (`bash -c`),
//! sends what `postie run` of the same request sends, compared on a server that records the
//! raw bytes (`support::wire_server`): request line, header lines in wire order, body bytes.
//! Secrets are `${POSTIE_SECRET_…}` references in the printed text (also where postie encodes
//! them: JSON strings, percent-encoded path, query and form values), and the command sends the
//! same bytes when run with those variables set.
//!
//! How the two records are compared (the README's "What `show --curl` guarantees"):
//! - the request line byte for byte;
//! - every header line byte for byte and in the same order (names included: the export writes
//!   postie's own spelling, lower case), with leading/trailing whitespace of a value not part
//!   of it (RFC 9110 5.5: hyper writes `x-empty: `, curl `x-empty:`);
//! - except what curl writes itself, from the body: `Host` (curl first, postie's client last),
//!   `Content-Length` and a multipart `Content-Type` (after the other headers, curl's spelling
//!   and order): these are compared by value with names case-insensitive;
//! - the body byte for byte, the multipart boundary replaced by `BOUNDARY` (each side picks a
//!   random one, so a multipart `Content-Length` is checked against its own body);
//! - Stripe and Standard Webhooks signatures hold a timestamp (and Standard a random id):
//!   each side's is checked with Python's own `hmac` against the body and the secret, then
//!   compared as `VERIFIED`. GitHub and plain HMAC signatures are compared byte for byte.

mod support;

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use support::WireRequest;
use support::sandbox::Sandbox;

/// A secret with every character a shell or an encoder could get wrong (no line break: it
/// also goes into headers).
const TOKEN: &str = "pa ss/wo+rd\"\\%&é'$x`y`!*";
/// A secret that only goes into bodies, with a line break and a tab.
const NOTE: &str = "two\nlines\t\"q\" $(id) ☀";
const HOOK: &str = "hook-secret-1";
/// A Standard Webhooks secret (base64 after `whsec_`).
const STANDARD: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn secrets() -> Vec<(&'static str, &'static str)> {
    vec![
        ("POSTIE_SECRET_TOKEN", TOKEN),
        ("POSTIE_SECRET_NOTE", NOTE),
        ("POSTIE_SECRET_HOOK", HOOK),
        ("POSTIE_SECRET_STANDARD", STANDARD),
    ]
}

/// The requests compared: one of each kind of header, body, auth, method and encoding.
const REQUESTS: &str = r##"
[[requests]]
name = "get-query"
url = "BASE/plans?page=2&q=two%20words&tag=a+b"
query = { sort = "-price", filter = "a&b=c d/é", list = ["1", "2"] }

[[requests]]
name = "header-quoting"
url = "BASE/h"
headers = { X-Quote = "it's \"quoted\" and 'single'", X-Spaces = "a  b   c", X-Shell = "$HOME `pwd` $(id) \\ end ${x}", X-Empty = "", X-Unicode = "Zoë ☀" }

[[requests]]
name = "json-body"
method = "POST"
url = "BASE/plans"
json = { name = "Zoë's \"plan\" ☀", n = 3, ok = true, nested = { list = [1, "two", { x = "\\n" }] } }

[[requests]]
name = "form-body"
method = "POST"
url = "BASE/login"
form = { user = "ada lovelace", note = "a&b=c+d/é%", empty = "" }

[[requests]]
name = "text-body"
method = "PUT"
url = "BASE/notes/1"
text = "line 1\nline 2 'q' \"dq\" $x `y` \\ 100%\n"
content_type = "text/csv; charset=utf-8"

[[requests]]
name = "file-body"
method = "POST"
url = "BASE/upload"
file = "data.json"

[[requests]]
name = "multipart"
method = "POST"
url = "BASE/multi"
multipart = { note = "hi; there, \"friend\"", doc = { file = "doc.md", content_type = "text/markdown" }, pic = { file = "pic.png" }, raw = { file = "blob.bin" } }

[[requests]]
name = "basic-auth"
url = "BASE/basic"
headers = { X-Before = "1" }
auth = { basic = { username = "ada", password = "{{secret:token}}" } }

[[requests]]
name = "bearer"
url = "BASE/bearer"
auth = { bearer = "{{secret:token}}" }

[[requests]]
name = "api-key-header"
url = "BASE/key"
auth = { api_key = { header = "X-Api-Key", value = "{{secret:token}}" } }

[[requests]]
name = "api-key-query"
url = "BASE/key?x=1"
auth = { api_key = { query = "api_key", value = "{{secret:token}}" } }

[[requests]]
name = "secret-everywhere"
method = "POST"
url = "BASE/p/{{secret:token}}/x?raw={{secret:token}}"
query = { k = "{{secret:token}}" }
headers = { X-Token = "pre {{secret:token}} post" }
json = { token = "{{secret:token}}", note = "{{secret:note}}", both = "{{secret:token}}+{{secret:note}}" }

[[requests]]
name = "secret-form"
method = "POST"
url = "BASE/f"
form = { token = "{{secret:token}}", note = "{{secret:note}}" }

[[requests]]
name = "secret-text"
method = "PUT"
url = "BASE/t"
text = "note: {{secret:note}}\ntoken: {{secret:token}}\n"

[[requests]]
name = "secret-multipart"
method = "POST"
url = "BASE/m"
multipart = { note = "{{secret:note}}", token = "x {{secret:token}}", doc = { file = "doc.md" } }

[[requests]]
name = "sign-github"
method = "POST"
url = "BASE/hooks/github"
json = { action = "opened", n = 1 }
sign = { scheme = "github", secret = "{{secret:hook}}" }

[[requests]]
name = "sign-hmac"
method = "POST"
url = "BASE/hooks/hmac"
text = "plain body"
sign = { scheme = "hmac", header = "X-Signature", secret = "{{secret:hook}}" }

[[requests]]
name = "sign-stripe"
method = "POST"
url = "BASE/hooks/stripe"
json = { type = "charge.succeeded" }
sign = { scheme = "stripe", secret = "{{secret:hook}}" }

[[requests]]
name = "sign-standard"
method = "POST"
url = "BASE/hooks/standard"
json = { type = "user.created" }
sign = { scheme = "standard", secret = "{{secret:standard}}" }

[[requests]]
name = "head"
method = "HEAD"
url = "BASE/head"

[[requests]]
name = "delete-with-body"
method = "DELETE"
url = "BASE/plans/9"
json = { reason = "gone" }

[[requests]]
name = "percent-encoding"
url = "BASE/café menu/x y|z^{a}[b]?q=a b&r=ü&s=it's&t=<>\"#frag"

[[requests]]
name = "overridden-defaults"
method = "PATCH"
url = "BASE/o"
headers = { User-Agent = "mine/1.0", Accept = "application/json", Accept-Encoding = "gzip", X-Last = "z" }
text = "patch"

[[requests]]
name = "post-without-body"
method = "POST"
url = "BASE/empty"
"##;

fn names() -> Vec<String> {
    REQUESTS
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|rest| rest.trim_end_matches('"').to_owned())
        .collect()
}

fn sandbox(base: &str) -> Sandbox {
    let sandbox = Sandbox::new().expect("sandbox");
    let toml = format!("name = \"api\"\n{}", REQUESTS.replace("BASE", base));
    sandbox.collection("api", &toml).expect("collection");
    let dir = sandbox.path().join("collections");
    std::fs::write(dir.join("data.json"), b"{\"from\": \"file\"}\n").expect("data.json");
    std::fs::write(dir.join("doc.md"), "# Doc\n\nwith 'quotes' and ☀\n").expect("doc.md");
    std::fs::write(dir.join("pic.png"), b"\x89PNG\r\n\x1a\n\0\0fake").expect("pic.png");
    std::fs::write(dir.join("blob.bin"), [0u8, 1, 2, 255, 254]).expect("blob.bin");
    sandbox
}

fn postie(sandbox: &Sandbox) -> Command {
    let mut cmd = sandbox.std_command();
    for (var, value) in secrets() {
        cmd.env(var, value);
    }
    cmd
}

/// `postie run api/NAME`: what arrived.
fn run(sandbox: &Sandbox, server: &support::TestServer, name: &str) -> WireRequest {
    let before = server.wire_requests().len();
    let out = postie(sandbox)
        .args(["run", &format!("api/{name}")])
        .output()
        .expect("run postie");
    assert_eq!(
        out.status.code(),
        Some(0),
        "postie run {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = server.wire_requests();
    assert_eq!(got.len(), before + 1, "postie run {name} sent one request");
    got[before].clone()
}

/// `postie show api/NAME --curl`: the command.
fn show(sandbox: &Sandbox, name: &str) -> String {
    let out = postie(sandbox)
        .args(["show", &format!("api/{name}"), "--curl"])
        .output()
        .expect("run postie show");
    assert_eq!(
        out.status.code(),
        Some(0),
        "postie show {name} --curl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 command")
}

/// Runs `command` with `bash -c`, the secrets in the environment, away from any proxy or
/// `.curlrc`; returns what arrived.
fn curl(server: &support::TestServer, name: &str, command: &str) -> WireRequest {
    let home = tempfile::tempdir().expect("temp home");
    let before = server.wire_requests().len();
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(format!("{} -sS -o /dev/null", command.trim_end()))
        .env("HOME", home.path())
        .env("CURL_HOME", home.path());
    for (var, value) in secrets() {
        bash.env(var, value);
    }
    for proxy in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        bash.env_remove(proxy);
    }
    let out = bash.output().unwrap_or_else(|e| {
        panic!("could not run bash ({e}); curl is in scripts/test's DEBIAN_PACKAGES")
    });
    assert!(
        out.status.success(),
        "{name}: curl failed ({}): {}\ncommand:\n{command}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let got = server.wire_requests();
    assert_eq!(got.len(), before + 1, "{name}: curl sent one request");
    got[before].clone()
}

/// A record made comparable (see the module comment).
#[derive(Debug, PartialEq, Eq)]
struct Comparable {
    request_line: String,
    /// Header lines as sent, value whitespace trimmed, in wire order.
    headers: Vec<String>,
    /// `host`, `content-length`, multipart `content-type`: (lower-case name, value), sorted.
    computed: Vec<(String, String)>,
    body: Vec<u8>,
}

fn comparable(rec: &WireRequest, python: &Path) -> Comparable {
    let mut headers = Vec::new();
    let mut computed = Vec::new();
    let mut boundary = None;
    let mut signatures = Vec::new();
    for line in rec.header_lines() {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.trim_matches([' ', '\t']);
        let lower = name.to_ascii_lowercase();
        let multipart = lower == "content-type" && value.starts_with("multipart/");
        if multipart {
            boundary = value
                .split_once("boundary=")
                .map(|(_, b)| b.trim_matches('"').to_owned());
        }
        if lower == "host" || lower == "content-length" || multipart {
            computed.push((lower, value.to_owned()));
        } else if [
            "stripe-signature",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        ]
        .contains(&lower.as_str())
        {
            signatures.push((lower, value.to_owned()));
            headers.push(format!("{name}: VERIFIED"));
        } else {
            headers.push(format!("{name}: {value}"));
        }
    }
    let mut body = rec.body.clone();
    if let Some(boundary) = boundary {
        body = replace(&body, boundary.as_bytes(), b"BOUNDARY");
        for (name, value) in &mut computed {
            if name == "content-type" {
                *value = value.replace(&boundary, "BOUNDARY");
            }
            // Boundaries differ in length: the length must be the body's own.
            if name == "content-length" {
                assert_eq!(*value, rec.body.len().to_string(), "multipart length");
                *value = "the body's length".to_owned();
            }
        }
    }
    if !signatures.is_empty() {
        verify(python, &signatures, &rec.body);
    }
    computed.sort();
    Comparable {
        request_line: rec.request_line().to_owned(),
        headers,
        computed,
        body,
    }
}

fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !needle.is_empty() && haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Checks Stripe and Standard Webhooks signatures with Python's `hmac`, not postie's code.
fn verify(python: &Path, signatures: &[(String, String)], body: &[u8]) {
    const SCRIPT: &str = r#"
import base64, hashlib, hmac, json, sys
h = json.loads(sys.argv[1]); body = sys.stdin.buffer.read()
hook, standard = sys.argv[2].encode(), base64.b64decode(sys.argv[3].removeprefix("whsec_"))
if "stripe-signature" in h:
    parts = dict(p.split("=", 1) for p in h["stripe-signature"].split(","))
    want = hmac.new(hook, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(want, parts["v1"]), ("stripe", h)
else:
    signed = (h["webhook-id"] + "." + h["webhook-timestamp"] + ".").encode() + body
    want = base64.b64encode(hmac.new(standard, signed, hashlib.sha256).digest()).decode()
    assert h["webhook-signature"] == "v1," + want, ("standard", h)
print("ok")
"#;
    let headers: serde_json::Map<String, serde_json::Value> = signatures
        .iter()
        .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut child = Command::new(python)
        .args(["-c", SCRIPT])
        .arg(serde_json::Value::Object(headers).to_string())
        .args([HOOK, STANDARD])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run python");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body)
        .expect("write body");
    let out = child.wait_with_output().expect("python output");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ok",
        "signature check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every form in which the secrets could show in a command's text.
fn forbidden() -> Vec<String> {
    let mut forms = Vec::new();
    for value in [TOKEN, NOTE, HOOK, STANDARD] {
        forms.push(value.to_owned());
        let json = serde_json::to_string(value).expect("json");
        forms.push(json[1..json.len() - 1].to_owned());
        forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
        forms.push(
            percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
        forms.push(shlex::try_quote(value).expect("quote").into_owned());
    }
    let mut url = url::Url::parse("http://h/").expect("url");
    url.set_path(TOKEN);
    forms.push(url.path()[1..].to_owned());
    url.set_query(Some(TOKEN));
    forms.push(url.query().unwrap_or_default().to_owned());
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ada:{TOKEN}"));
    forms.push(basic);
    forms
}

#[test]
fn show_curl_sends_what_run_sends() {
    let python = support::tools::python();
    let server = support::wire_server(200, b"ok");
    let sandbox = sandbox(&server.url(""));
    let names = names();
    assert!(names.len() >= 15, "{} requests", names.len());
    let mut compared = 0;
    for name in &names {
        let by_postie = run(&sandbox, &server, name);
        let command = show(&sandbox, name);
        for form in forbidden() {
            assert!(
                !command.contains(&form),
                "{name}: the command shows a secret as `{form}`:\n{command}"
            );
        }
        assert!(
            !command.contains("••"),
            "{name}: a masked secret makes the command useless:\n{command}"
        );
        let by_curl = curl(&server, name, &command);
        assert_eq!(
            comparable(&by_curl, &python),
            comparable(&by_postie, &python),
            "{name}: curl (left) and postie run (right) differ\ncommand:\n{command}\n\
             curl sent:\n{}\npostie sent:\n{}",
            by_curl.head,
            by_postie.head
        );
        compared += 1;
    }
    assert_eq!(compared, names.len());
    eprintln!("show --curl = run: {compared} requests compared");
}

#[test]
fn secret_references_name_the_environment_variables() {
    let server = support::wire_server(200, b"ok");
    let sandbox = sandbox(&server.url(""));
    let command = show(&sandbox, "secret-everywhere");
    for reference in [
        "\"${POSTIE_SECRET_TOKEN}\"",
        "${POSTIE_SECRET_TOKEN}",
        "$(postie_json \"${POSTIE_SECRET_NOTE}\")",
        "$(postie_form \"${POSTIE_SECRET_TOKEN}\")",
        "$(postie_query \"${POSTIE_SECRET_TOKEN}\")",
        "$(postie_path \"${POSTIE_SECRET_TOKEN}\")",
    ] {
        assert!(command.contains(reference), "no {reference}:\n{command}");
    }
    let basic = show(&sandbox, "basic-auth");
    assert!(
        basic.contains("$(printf %s \"ada:${POSTIE_SECRET_TOKEN}\" | base64 | tr -d '\\n')"),
        "{basic}"
    );
}
