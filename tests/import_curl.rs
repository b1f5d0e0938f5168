//! `postie import curl` measured against curl itself: each command is run by curl (through
//! bash, exactly as pasted) and, imported by postie, by `postie run`, against one recording
//! server on loopback; the two requests must match (method, path and query, headers, body).
//!
//! Left out of the comparison, because each tool sets them itself: `host` (the URL is
//! compared), `user-agent` when it is the tool's own (`curl/…`, `postie/…`; a `-A` value is
//! compared), `accept-encoding` (postie always asks for gzip, deflate, br and zstd; curl only
//! with `--compressed`). Multipart bodies are compared part by part (names, filename,
//! content type, bytes), not by boundary or header case. Repeated headers are compared joined
//! with `, ` (postie's TOML has one value per name).

mod support;

use std::collections::BTreeMap;
use std::error::Error;
use std::process::Command;

use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

/// One curl command: `{U}` is the server's base URL.
struct Case {
    cmd: &'static str,
    /// The import's exit code: 0 all carried, 1 something dropped.
    exit: i32,
    /// Secrets the import turns literals into, and the value to run with.
    secrets: &'static [(&'static str, &'static str)],
}

const fn case(cmd: &'static str) -> Case {
    Case {
        cmd,
        exit: 0,
        secrets: &[],
    }
}

const CASES: &[Case] = &[
    case("curl {U}/plain"),
    case("curl -X DELETE {U}/items/7"),
    case(r#"curl -XPUT '{U}/items/7' -H 'Content-Type: application/json' -d '{"n":1}'"#),
    case("curl -d 'a=1' -d 'b=two words' {U}/form"),
    case("curl --data-raw '@notafile' {U}/raw"),
    case("curl --data-urlencode 'q=sofa & bed' --data-urlencode '=x y/z' {U}/enc"),
    case("curl -G -d 'q=1' -d 'page=2' {U}/search"),
    case("curl -G --data-urlencode 'q=a b' '{U}/search?x=1'"),
    case(r#"curl --json '{"k":[1,2]}' {U}/json"#),
    case("curl -H 'X-Empty;' -H 'X-A: 1' -H 'X-A: 2' {U}/hdrs"),
    case("curl -A 'agent/1.0' -e 'http://ref.invalid/' {U}/ua"),
    Case {
        cmd: "curl -b 'sid=abc; theme=dark' {U}/cookie",
        exit: 0,
        secrets: &[("c_cookie", "sid=abc; theme=dark")],
    },
    Case {
        cmd: "curl -u ada:s3cret {U}/basic",
        exit: 0,
        secrets: &[("c_password", "s3cret")],
    },
    Case {
        cmd: "curl -H 'Authorization: Bearer tok123' {U}/bearer",
        exit: 0,
        secrets: &[("c_authorization", "tok123")],
    },
    Case {
        cmd: "curl '{U}/q?api_key=k1&x=2'",
        exit: 0,
        secrets: &[("c_api_key", "k1")],
    },
    Case {
        cmd: "curl --oauth2-bearer tok9 {U}/o",
        exit: 0,
        secrets: &[("c_token", "tok9")],
    },
    case("curl -F 'name=Ada' -F 'file=@up.txt' {U}/upload"),
    case(
        "curl -F 'file=@up.txt;type=text/x-custom;filename=renamed.txt' --form-string 'note=@not-a-file' {U}/upload2",
    ),
    case("curl --data-binary @body.bin -H 'Content-Type: application/octet-stream' {U}/bin"),
    case("curl -I {U}/head"),
    case("curl -L {U}/redirect"),
    case("curl {U}/redirect"),
    case("curl -m 5 --max-redirs 3 -L {U}/redirect"),
    case("curl -sSf -o /dev/null -w '%{http_code}' {U}/quiet"),
    case(
        "curl '{U}/multi' \\\n  -H 'accept: application/json' \\\n  --data-raw $'{\"a\":\"line1\\nline2\\u00e9\"}'",
    ),
    // As Chrome's "Copy as cURL (bash)" writes it.
    case(
        r#"curl '{U}/api/x?y=1' -H 'accept: */*' -H 'accept-language: en-US,en;q=0.9' -H 'content-type: application/json' -H 'origin: http://localhost' --data-raw '{"a":1}' --compressed"#,
    ),
    case(
        r#"curl --url {U}/u -X PATCH --data '{"p":true}' -H 'content-type: application/merge-patch+json'"#,
    ),
    case("curl -H 'Content-Type: text/plain' -d 'hello {{name}}' {U}/braces"),
    Case {
        cmd: "curl -k -sS {U}/insecure",
        exit: 1,
        secrets: &[],
    },
];

/// A request reduced to what curl and postie must agree on.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: Body,
}

#[derive(Debug, PartialEq)]
enum Body {
    Bytes(Vec<u8>),
    /// Part headers (lower-case names) and bytes, in order.
    Parts(Vec<(BTreeMap<String, String>, Vec<u8>)>),
}

fn seen(r: &Recorded) -> Seen {
    let boundary = r
        .header("content-type")
        .and_then(|ct| ct.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_owned());
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &r.headers {
        let own_agent =
            name == "user-agent" && (value.starts_with("curl/") || value.starts_with("postie/"));
        let multipart_framing =
            boundary.is_some() && (name == "content-length" || name == "content-type");
        if name == "host" || name == "accept-encoding" || own_agent || multipart_framing {
            continue;
        }
        headers
            .entry(name.clone())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(value);
            })
            .or_insert_with(|| value.clone());
    }
    if let Some(ct) = r.header("content-type").filter(|_| boundary.is_some()) {
        headers.insert(
            "content-type".into(),
            ct.split(';').next().unwrap_or_default().into(),
        );
    }
    let body = match &boundary {
        Some(b) => Body::Parts(parts(&r.body, b)),
        None => Body::Bytes(r.body.clone()),
    };
    Seen {
        method: r.method.clone(),
        uri: r.uri.clone(),
        headers,
        body,
    }
}

/// The parts of a multipart body.
fn parts(body: &[u8], boundary: &str) -> Vec<(BTreeMap<String, String>, Vec<u8>)> {
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    for chunk in text.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
        let chunk = chunk.strip_suffix("\r\n").unwrap_or(chunk);
        let (head, data) = chunk.split_once("\r\n\r\n").unwrap_or((chunk, ""));
        let headers = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        out.push((headers, data.as_bytes().to_vec()));
    }
    out
}

fn reply(r: &Recorded) -> support::Reply {
    if r.path() == "/redirect" {
        return (302, vec![("location".into(), "/final".into())], Vec::new());
    }
    (
        200,
        vec![("content-type".into(), "text/plain".into())],
        b"ok".to_vec(),
    )
}

/// What `f` made the server receive.
fn received(
    server: &support::TestServer,
    f: impl FnOnce() -> TestResult,
) -> Result<Vec<Recorded>, Box<dyn Error>> {
    let before = server.requests().len();
    f()?;
    Ok(server.requests().split_off(before))
}

fn fixtures(sandbox: &Sandbox) -> TestResult {
    std::fs::write(sandbox.path().join("up.txt"), "uploaded text\n")?;
    std::fs::write(
        sandbox.path().join("body.bin"),
        [0u8, 1, 2, 255, 10, 13, 10],
    )?;
    Ok(())
}

/// curl itself, through bash, with no config file and no proxy.
fn run_curl(sandbox: &Sandbox, cmd: &str) -> TestResult {
    let out = Command::new("bash")
        .arg("-c")
        .arg(cmd)
        .current_dir(sandbox.path())
        .env("HOME", sandbox.path().join("home"))
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "curl failed: {cmd}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// `postie import curl CMD -o collections/c.toml`, then `postie check c` and `postie run c`.
fn run_postie(sandbox: &Sandbox, cmd: &str, case: &Case) -> TestResult {
    let import = sandbox
        .command()
        .args(["import", "curl", cmd, "-o", "collections/c.toml"])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr);
    if import.status.code() != Some(case.exit) {
        return Err(format!(
            "import exit {:?}, wanted {}: {cmd}\n{report}",
            import.status.code(),
            case.exit
        )
        .into());
    }
    let written = std::fs::read_to_string(sandbox.path().join("collections/c.toml"))?;
    for (name, value) in case.secrets {
        if !report.contains(&format!("postie secret set {name}")) || written.contains(value) {
            return Err(format!(
                "secret `{name}` not referenced, or its value written: {cmd}\n{written}\n{report}"
            )
            .into());
        }
    }
    sandbox.command().args(["check", "c"]).assert().success();
    let mut run = sandbox.command();
    run.args(["run", "c"]);
    for (name, value) in case.secrets {
        run.env(
            format!("POSTIE_SECRET_{}", name.to_ascii_uppercase()),
            value,
        );
    }
    let out = run.output()?;
    if !out.status.success() {
        return Err(format!(
            "postie run failed: {cmd}\n{written}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

#[test]
fn imported_commands_send_what_curl_sends() -> TestResult {
    let server = support::http_server(reply);
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let mut failures = Vec::new();
    for case in CASES {
        let sandbox = Sandbox::new()?;
        fixtures(&sandbox)?;
        let cmd = case.cmd.replace("{U}", base);
        let by_curl = received(&server, || run_curl(&sandbox, &cmd))?;
        let by_postie = received(&server, || run_postie(&sandbox, &cmd, case))?;
        let (a, b): (Vec<Seen>, Vec<Seen>) = (
            by_curl.iter().map(seen).collect(),
            by_postie.iter().map(seen).collect(),
        );
        if a.is_empty() || a != b {
            failures.push(format!("{cmd}\n  curl:   {a:?}\n  postie: {b:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    Ok(())
}

/// Chrome's "Copy as cURL (cmd)" of a request imports to what curl sends for the bash copy
/// (there is no cmd.exe here to run the cmd text itself).
#[test]
fn cmd_copies_import_like_their_bash_twins() -> TestResult {
    let server = support::http_server(reply);
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let bash = r#"curl '{U}/api/x?y=1&z=%41' -H 'accept: */*' -H 'x-quote: say "hi" 100%' --data-raw '{"a":"b c"}'"#;
    let cmd = "curl ^\"{U}/api/x?y=1^&z=^%^41^\" ^\n  -H ^\"accept: */*^\" ^\n  -H ^\"x-quote: say \\^\"hi\\^\" 100^%^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":^\\^\"b c^\\^\"^}^\"";
    let sandbox = Sandbox::new()?;
    let by_curl = received(&server, || run_curl(&sandbox, &bash.replace("{U}", base)))?;
    let by_postie = received(&server, || {
        run_postie(&sandbox, &cmd.replace("{U}", base), &case(""))
    })?;
    let (a, b): (Vec<Seen>, Vec<Seen>) = (
        by_curl.iter().map(seen).collect(),
        by_postie.iter().map(seen).collect(),
    );
    assert!(!a.is_empty());
    assert_eq!(a, b);
    Ok(())
}

#[test]
fn an_existing_file_is_kept_without_force_and_append_keeps_comments() -> TestResult {
    let sandbox = Sandbox::new()?;
    let file = sandbox.path().join("collections/c.toml");
    let original = "# my notes\nname = \"c\"  # trailing\n\n[[requests]]\nname = \"first\"\nurl = \"http://127.0.0.1:9/a\"\n";
    std::fs::write(&file, original)?;
    let cmd = "curl http://127.0.0.1:9/b";
    let out = sandbox
        .command()
        .args(["import", "curl", cmd, "-o", "collections/c.toml"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file)?, original);
    sandbox
        .command()
        .args(["import", "curl", cmd, "--append", "collections/c.toml"])
        .assert()
        .success();
    let appended = std::fs::read_to_string(&file)?;
    assert!(appended.starts_with(original), "{appended}");
    assert!(appended.contains("name = \"get-b\""), "{appended}");
    sandbox
        .command()
        .args(["list", "c"])
        .assert()
        .success()
        .stdout(predicates::str::contains("get-b"));
    // The same name again is refused, and the file stays.
    let again = sandbox
        .command()
        .args(["import", "curl", cmd, "--append", "collections/c.toml"])
        .output()?;
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file)?, appended);
    Ok(())
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (cmd, says) in [
        ("curl 'http://127.0.0.1:9/x", "quote is not closed"),
        ("wget http://127.0.0.1:9/x", "not a curl command"),
        ("curl -s", "no URL"),
        ("curl -H", "`-H` needs a value"),
    ] {
        let out = sandbox
            .command()
            .args(["import", "curl", cmd, "-o", "collections/c.toml"])
            .output()?;
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!sandbox.path().join("collections/c.toml").exists());
    }
    // From standard input, as pasted.
    let out = sandbox
        .command()
        .args(["import", "curl"])
        .write_stdin("curl http://127.0.0.1:9/piped \\\n  -H 'X-A: 1'\n")
        .output()?;
    assert!(out.status.success());
    let toml = String::from_utf8(out.stdout)?;
    assert!(
        toml.contains("url = \"http://127.0.0.1:9/piped\"") && toml.contains("X-A = \"1\""),
        "{toml}"
    );
    Ok(())
}

/// Commands that lose something: the import exits 1 and the report names it.
#[test]
fn what_does_not_carry_is_reported() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (cmd, says) in [
        ("curl -k http://127.0.0.1:9/x", "dropped: `-k`"),
        (
            "curl -F a=1 -F a=2 http://127.0.0.1:9/x",
            "a second part named `a`",
        ),
        (
            "curl -F 'a=<up.txt' http://127.0.0.1:9/x",
            "read from a file",
        ),
        (
            "curl --resolve x:80:127.0.0.1 http://127.0.0.1:9/x",
            "[defaults] resolve",
        ),
        (
            "curl -H 'Accept:' http://127.0.0.1:9/x",
            "cannot remove a header",
        ),
        (
            "curl --frobnicate http://127.0.0.1:9/x",
            "not a curl option postie knows",
        ),
        (
            "curl http://127.0.0.1:9/x http://127.0.0.1:9/y",
            "the URL `http://127.0.0.1:9/y`",
        ),
    ] {
        let out = sandbox.command().args(["import", "curl", cmd]).output()?;
        let report = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {report}");
        assert!(report.contains(says), "{cmd}: {report}");
    }
    let out = sandbox
        .command()
        .args(["import", "curl", "curl -sS -o out.txt http://127.0.0.1:9/x"])
        .output()?;
    let report = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains("ignored: `-o`") && report.contains("everything carried over"),
        "{report}"
    );
    Ok(())
}
