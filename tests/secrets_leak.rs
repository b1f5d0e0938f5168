//! A secret never reaches any output: every output mode, with a server that echoes the
//! credentials back in its body and headers, checked byte for byte. `--show-secrets` is the
//! one way out, and `-o FILE` writes the body's exact bytes.

mod support;

use std::path::Path;

use assert_cmd::Command;
use base64::Engine as _;

const SECRET: &str = "zq-LEAK-7f3a9c!x";
const PASSWORD: &str = "pw-Leak-42";

fn postie(dir: &Path) -> Command {
    let mut cmd = Command::from_std(support::sandbox::std_command_in(dir));
    cmd.env("POSTIE_SECRET_API_TOKEN", SECRET)
        .env("POSTIE_SECRET_DB_PASSWORD", PASSWORD);
    cmd
}

/// Every form in which the secrets could leak.
fn forbidden() -> Vec<Vec<u8>> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ada:{PASSWORD}"));
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    vec![SECRET.into(), PASSWORD.into(), basic.into(), encoded.into()]
}

fn assert_clean(what: &str, bytes: &[u8]) {
    for needle in forbidden() {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
            "{what} leaks `{}`:\n{}",
            String::from_utf8_lossy(&needle),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// An echo server: the request's head and body come back in the body and in a header.
fn echo_server() -> support::TestServer {
    support::http_server(|r| {
        let mut text = format!("{} {}\n", r.method, r.uri);
        for (name, value) in &r.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&String::from_utf8_lossy(&r.body));
        let auth = r.header("authorization").unwrap_or("").to_string();
        (
            200,
            vec![
                ("x-echo-auth".into(), auth),
                ("content-type".into(), "text/plain".into()),
            ],
            text.into_bytes(),
        )
    })
}

fn collection(dir: &Path, base: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(
        dir.join("collections/api.toml"),
        format!(
            r#"
[vars]
base = "{base}"
token = "{{{{secret:api_token}}}}"

[[requests]]
name = "bearer"
url = "{{{{base}}}}/items?key={{{{secret:api_token}}}}"
headers = {{ X-Trace = "trace-{{{{token}}}}-end" }}
auth = {{ bearer = "{{{{secret:api_token}}}}" }}
json = {{ token = "{{{{secret:api_token}}}}", copy = "{{{{token}}}}" }}
[requests.expect]
status = 201

[[requests]]
name = "basic"
url = "{{{{base}}}}/login"
auth = {{ basic = {{ username = "ada", password = "{{{{secret:db_password}}}}" }} }}
form = {{ password = "{{{{secret:db_password}}}}" }}
"#
        ),
    )
    .unwrap();
}

#[test]
fn no_output_mode_shows_a_secret() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    type Run<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let runs: Vec<Run> = vec![
        ("run", vec!["run", "api"], vec![]),
        ("run -v", vec!["run", "api", "-v"], vec![]),
        ("run -q", vec!["run", "api", "-q"], vec![]),
        (
            "run --pretty on a terminal",
            vec!["run", "api", "-v", "--pretty", "--color", "always"],
            vec![("POSTIE_TEST_TTY", "stdout,stderr")],
        ),
        ("dry run", vec!["run", "api", "--dry-run", "-v"], vec![]),
        ("show", vec!["show", "api"], vec![]),
        ("show --curl", vec!["show", "api", "--curl"], vec![]),
        ("show one", vec!["show", "api/basic", "--curl"], vec![]),
    ];
    for (what, args, env) in runs {
        let mut cmd = postie(dir.path());
        cmd.args(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clean(&format!("{what} stdout"), &out.stdout);
        assert_clean(&format!("{what} stderr"), &out.stderr);
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let all = String::from_utf8_lossy(&all);
        assert!(
            all.contains("••••••") || all.contains("${POSTIE_SECRET_"),
            "{what}: nothing was masked?"
        );
    }
    assert!(
        server.hits() >= 8,
        "the server must really have seen the secrets"
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("authorization") == Some(&format!("Bearer {SECRET}")))
    );
}

#[test]
fn error_paths_do_not_show_secrets() {
    // A refused connection, and a timeout: the request line and the error are printed.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &format!("http://{dead}"));
    let out = postie(dir.path())
        .args(["run", "api", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_clean("refused stderr", &out.stderr);
    let stalled = support::stalling_server();
    collection(dir.path(), &stalled.url(""));
    let out = postie(dir.path())
        .args(["run", "api/bearer", "--timeout", "200ms", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_clean("timeout stderr", &out.stderr);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("key=••••••"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn show_secrets_and_output_files_are_the_explicit_ways_out() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    let out = postie(dir.path())
        .args(["show", "api/bearer", "--show-secrets"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(SECRET));
    let file = dir.path().join("body.txt");
    let out = postie(dir.path())
        .args(["run", "api/bearer", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expect 201, the echo answers 200"
    );
    assert_clean("-o stderr", &out.stderr);
    let saved = std::fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&saved).contains(&format!("authorization: Bearer {SECRET}")));
}

#[test]
fn show_curl_refers_to_the_environment_and_really_runs() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    let out = postie(dir.path())
        .args(["show", "api/basic", "--curl"])
        .output()
        .unwrap();
    let curl = String::from_utf8(out.stdout).unwrap();
    assert!(
        curl.contains("$(printf %s \"ada:${POSTIE_SECRET_DB_PASSWORD}\" | base64 | tr -d '\\n')"),
        "{curl}"
    );
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} -s", curl.trim_end()))
        .env("POSTIE_SECRET_DB_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(0));
    let got = server.requests();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ada:{PASSWORD}"));
    assert_eq!(
        got[0].header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}

#[test]
fn a_missing_secret_names_itself_the_request_and_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), "http://127.0.0.1:9");
    let out = postie(dir.path())
        .env_remove("POSTIE_SECRET_DB_PASSWORD")
        .args(["run", "api/basic"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("postie: error: secret `db_password` is not set in request `basic`"),
        "{err}"
    );
    assert!(
        err.contains("hint: set the environment variable `POSTIE_SECRET_DB_PASSWORD`"),
        "{err}"
    );
}

#[test]
fn secrets_can_come_from_a_command_run_only_when_needed() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("collections")).unwrap();
    let marker = dir.path().join("ran");
    std::fs::write(
        dir.path().join("collections/pm.toml"),
        format!(
            "[secrets]\nvault_token = {{ command = [\"sh\", \"-c\", \"touch '{}'; printf 'from-Command-9x\\\\n'\"] }}\n\
             [[requests]]\nname = \"r\"\nurl = \"{}\"\nauth = {{ bearer = \"{{{{secret:vault_token}}}}\" }}\n\
             [[requests]]\nname = \"again\"\nurl = \"{}\"\nauth = {{ bearer = \"{{{{secret:vault_token}}}}\" }}\n",
            marker.display(),
            server.url("/a"),
            server.url("/b")
        ),
    )
    .unwrap();
    // The environment variable wins: the command is not run.
    let out = postie(dir.path())
        .env("POSTIE_SECRET_VAULT_TOKEN", "from-env-7y")
        .args(["run", "pm"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !marker.exists(),
        "the command ran although the variable was set"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer from-env-7y")
    );
    // Without it the command gives the value, once for both requests, and it is masked.
    let out = postie(dir.path()).args(["run", "pm"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(marker.exists());
    let got = server.requests();
    assert_eq!(
        got[2].header("authorization"),
        Some("Bearer from-Command-9x")
    );
    assert_eq!(
        got[3].header("authorization"),
        Some("Bearer from-Command-9x")
    );
    let all = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!text.contains("from-Command-9x"), "{text}");
    assert!(text.contains("authorization: Bearer ••••••"), "{text}");
}

#[test]
fn reports_and_ndjson_do_not_show_secrets() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    // Captures copy the secret back out of the echoed body into variables used later.
    let path = dir.path().join("collections/api.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[[requests]]\nname = \"capture\"\nurl = \"{{base}}/cap?k={{secret:api_token}}\"\n\
         [requests.capture]\nechoed = \"regex:k=([^ \\n]+)\"\n\
         [[requests]]\nname = \"reuse\"\nurl = \"{{base}}/again\"\nheaders = { X-Copy = \"{{echoed}}\" }\n\
         [requests.expect]\nstatus = 418\n",
    );
    std::fs::write(&path, text).unwrap();
    let out = postie(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args([
            "run",
            "api",
            "--json",
            "-v",
            "--report",
            "junit=out/r.xml",
            "--report",
            "json=out/r.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("--json stdout", &out.stdout);
    assert_clean("--json stderr", &out.stderr);
    for report in ["out/r.xml", "out/r.json"] {
        let bytes = std::fs::read(dir.path().join(report)).unwrap();
        assert_clean(report, &bytes);
        assert!(
            String::from_utf8_lossy(&bytes).contains("••••••"),
            "{report}: nothing masked?"
        );
    }
    // The captured copy really held the secret (so the check above could fail).
    let got = server.requests();
    assert!(
        got.iter().any(|r| r.header("x-copy") == Some(SECRET)),
        "{got:?}"
    );
}

// --- Secrets with awkward characters, in every structured field of every sink --------------
//
// Each value starts and ends with a marker of letters and digits, which every escaping and
// percent-encoding keeps as is: a marker anywhere in an output means that some form of the
// value (or a piece of it, cut short) got out, whatever encoding it went through.

/// For headers (ASCII only): space, `/`, `+`, `"`, `\`, `%` (followed by hex digits: a
/// decoded `%41` would read `A`), `&`, `=`.
const HEADER_KEY: &str = "Hq7Z a/b+c\"d\\e%41&f=Vx2K";
/// For the query, the JSON, form and multipart bodies: the same and non-ASCII.
const BODY_KEY: &str = "Jm4W \u{fc}/\u{df}+\u{20ac}\"\\%2F&k=Rp8T";
const MARKERS: [&str; 4] = ["Hq7Z", "Vx2K", "Jm4W", "Rp8T"];
const MASK: &str = "••••••";

/// The forms a value may take on its way to an output: as is, percent-encoded as a query or
/// form value and as `NON_ALPHANUMERIC`, JSON-escaped (once and twice: a JSON body inside a
/// JSON report), XML-escaped (JUnit), as a GitHub annotation escapes it, and as the URL
/// serialiser writes it into a query.
fn forms_of(value: &str) -> Vec<(&'static str, String)> {
    use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
    const QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');
    let json = |s: &str| {
        let quoted = serde_json::to_string(s).unwrap();
        quoted[1..quoted.len() - 1].to_string()
    };
    let xml = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;")
    };
    vec![
        ("as is", value.to_string()),
        (
            "form-urlencoded",
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        ),
        (
            "percent-encoded",
            utf8_percent_encode(value, NON_ALPHANUMERIC).to_string(),
        ),
        ("url query", utf8_percent_encode(value, QUERY).to_string()),
        ("json-escaped", json(value)),
        ("json-escaped twice", json(&json(value))),
        ("xml-escaped", xml(value)),
        ("xml-escaped json", xml(&json(value))),
        ("annotation-escaped", value.replace('%', "%25")),
    ]
}

/// No form of a secret, and no marker, in `bytes`; the message names the sink, the form and
/// shows where.
fn assert_no_trace(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let around = |at: usize| {
        let start = text.floor_char_boundary(at.saturating_sub(120));
        let end = text.ceil_char_boundary((at + 120).min(text.len()));
        text[start..end].to_string()
    };
    for secret in [HEADER_KEY, BODY_KEY] {
        for (form, needle) in forms_of(secret) {
            if let Some(at) = text.find(&needle) {
                panic!(
                    "{what} leaks {secret:?} {form} as `{needle}`:\n…{}…",
                    around(at)
                );
            }
        }
    }
    for marker in MARKERS {
        if let Some(at) = text.find(marker) {
            panic!(
                "{what} leaks a form of a secret (marker `{marker}`):\n…{}…",
                around(at)
            );
        }
    }
}

/// Echoes the request back: its request target, headers and body as text, or (`/json`) as a
/// JSON object (values JSON-escaped once), and the `X-Api-Key` header in `X-Echo-Key`.
fn awkward_echo_server() -> support::TestServer {
    support::http_server(|r| {
        let key = r.header("x-api-key").unwrap_or("").to_string();
        let (content_type, body) = if r.path() == "/json" {
            let headers: serde_json::Map<String, serde_json::Value> = r
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into()))
                .collect();
            let json: serde_json::Value =
                serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
            let echo = serde_json::json!({ "uri": r.uri, "headers": headers, "json": json });
            ("application/json", echo.to_string().into_bytes())
        } else {
            let mut text = format!("{} {}\n", r.method, r.uri);
            for (name, value) in &r.headers {
                text.push_str(&format!("{name}: {value}\n"));
            }
            text.push_str(&String::from_utf8_lossy(&r.body));
            ("text/plain; charset=utf-8", text.into_bytes())
        };
        (
            200,
            vec![
                ("x-echo-key".into(), key),
                ("content-type".into(), content_type.into()),
            ],
            body,
        )
    })
}

/// `leak.toml`: a JSON body with a secret query and headers, a form body (with query auth), a
/// multipart body with two failing checks that name the secrets, and a request to a closed
/// port (an error). Values come from `POSTIE_SECRET_HEADER_KEY` and `POSTIE_SECRET_BODY_KEY`.
fn awkward_collection(dir: &Path, base: &str, dead: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(
        dir.join("collections/leak.toml"),
        format!(
            r#"
[vars]
base = "{base}"
dead = "{dead}"

[[requests]]
name = "json"
method = "POST"
url = "{{{{base}}}}/json"
query = {{ key = "{{{{secret:body_key}}}}", page = "1" }}
headers = {{ X-Api-Key = "{{{{secret:header_key}}}}", X-Trace = "t-{{{{secret:header_key}}}}-end" }}
json = {{ note = "n-{{{{secret:body_key}}}}", nested = {{ k = "{{{{secret:header_key}}}}" }} }}

[[requests]]
name = "form"
method = "POST"
url = "{{{{base}}}}/form"
headers = {{ X-Api-Key = "{{{{secret:header_key}}}}" }}
auth = {{ api_key = {{ query = "api_key", value = "{{{{secret:body_key}}}}" }} }}
form = {{ pw = "{{{{secret:body_key}}}}", second = "{{{{secret:header_key}}}}" }}

[[requests]]
name = "multipart"
method = "POST"
url = "{{{{base}}}}/multipart"
headers = {{ X-Api-Key = "{{{{secret:header_key}}}}" }}
multipart = {{ note = "{{{{secret:body_key}}}}", plain = "hello" }}
[requests.expect]
headers = {{ x-echo-key = "{{{{secret:header_key}}}}-nope" }}
body = {{ contains = "{{{{secret:body_key}}}}-absent" }}

[[requests]]
name = "down"
url = "{{{{dead}}}}/down"
query = {{ key = "{{{{secret:body_key}}}}" }}
headers = {{ X-Api-Key = "{{{{secret:header_key}}}}" }}
"#
        ),
    )
    .unwrap();
}

fn awkward_postie(dir: &Path) -> Command {
    let mut cmd = postie(dir);
    cmd.env("POSTIE_SECRET_HEADER_KEY", HEADER_KEY)
        .env("POSTIE_SECRET_BODY_KEY", BODY_KEY);
    cmd
}

/// A port nothing listens on (bound, then closed): connecting is refused.
fn closed_port() -> String {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    format!("http://{addr}")
}

fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pair `[name, value]` of a header in a JSON report's `headers`.
fn pair<'a>(headers: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    headers
        .as_array()?
        .iter()
        .find_map(|p| (p[0].as_str()? == name).then(|| p[1].as_str()).flatten())
}

/// The `{name, value}` of a header (or query parameter, or part) in a HAR list.
fn har_value<'a>(list: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    list.as_array()?
        .iter()
        .find(|h| h["name"] == name)
        .and_then(|h| h["value"].as_str())
}

#[test]
fn awkward_secrets_are_masked_in_every_field_of_every_sink() {
    let server = awkward_echo_server();
    let dir = tempfile::tempdir().unwrap();
    awkward_collection(dir.path(), &server.url(""), &closed_port());
    // With `--json` (NDJSON on stdout, -v on stderr), then without (bodies on stdout).
    for (run, json) in [("--json -v", true), ("-v", false)] {
        let out_dir = dir.path().join(if json { "json" } else { "plain" });
        let mut cmd = awkward_postie(dir.path());
        cmd.env("GITHUB_ACTIONS", "true")
            .args(["run", "leak", "-v"]);
        if json {
            cmd.arg("--json");
        }
        for (kind, file) in [("json", "r.json"), ("junit", "r.xml"), ("har", "r.har")] {
            cmd.arg("--report")
                .arg(format!("{kind}={}", out_dir.join(file).display()));
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{run}: {stderr}");
        assert_no_trace(&format!("{run} stdout"), &out.stdout);
        assert_no_trace(&format!("{run} stderr"), &out.stderr);
        for file in ["r.json", "r.xml", "r.har"] {
            let bytes = std::fs::read(out_dir.join(file)).unwrap();
            assert_no_trace(&format!("{run} {file}"), &bytes);
        }
        let both = format!("{stdout}{stderr}");
        assert!(
            both.contains(&format!("x-api-key: {MASK}")),
            "{run}: the header is not shown masked:\n{both}"
        );
        assert!(
            both.lines()
                .any(|l| l.starts_with("::error file=") && l.contains(MASK)),
            "{run}: no annotation with the masked value:\n{both}"
        );
        if json {
            ndjson_fields(&stdout);
        }
        json_report_fields(&read_json(&out_dir.join("r.json")));
        har_fields(&read_json(&out_dir.join("r.har")));
        let junit = std::fs::read_to_string(out_dir.join("r.xml")).unwrap();
        assert!(junit.contains(&format!("{MASK}-nope")), "{junit}");
        assert!(junit.contains(&format!("x-api-key: {MASK}")), "{junit}");
    }
    // The server really got every secret where it was put (so the checks above can fail).
    let got = server.requests();
    assert_eq!(got.len(), 6, "{got:?}");
    let query: String = url::form_urlencoded::byte_serialize(BODY_KEY.as_bytes()).collect();
    let json = &got[0];
    assert_eq!(json.header("x-api-key"), Some(HEADER_KEY));
    assert_eq!(
        json.header("x-trace"),
        Some(format!("t-{HEADER_KEY}-end").as_str())
    );
    assert!(json.uri.contains(&format!("key={query}&")), "{}", json.uri);
    let body: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(body["note"], format!("n-{BODY_KEY}"));
    assert_eq!(body["nested"]["k"], HEADER_KEY);
    let form = &got[1];
    assert!(
        form.uri.contains(&format!("api_key={query}")),
        "{}",
        form.uri
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&form.body)
        .into_owned()
        .collect();
    assert!(pairs.contains(&("pw".into(), BODY_KEY.into())), "{pairs:?}");
    assert!(
        pairs.contains(&("second".into(), HEADER_KEY.into())),
        "{pairs:?}"
    );
    let multipart = String::from_utf8_lossy(&got[2].body);
    assert!(multipart.contains(BODY_KEY), "{multipart}");
}

fn ndjson_fields(stdout: &str) {
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_name = |name: &str| {
        lines
            .iter()
            .find(|l| l["request"] == name)
            .unwrap_or_else(|| panic!("no NDJSON line for `{name}`:\n{stdout}"))
    };
    let json = by_name("json");
    assert!(
        json["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/json?key={MASK}&page=1")),
        "{json}"
    );
    let form = by_name("form");
    assert!(
        form["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("api_key={MASK}")),
        "{form}"
    );
    let multipart = by_name("multipart");
    assert_eq!(multipart["verdict"], "failed", "{multipart}");
    let failures = multipart["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2, "{multipart}");
    assert!(
        failures.iter().any(|f| f["expected"]
            .as_str()
            .unwrap()
            .contains(&format!("{MASK}-nope"))
            && f["actual"].as_str().unwrap().contains(MASK)),
        "{multipart}"
    );
    assert!(
        failures.iter().any(|f| f["expected"]
            .as_str()
            .unwrap()
            .contains(&format!("{MASK}-absent"))),
        "{multipart}"
    );
    let down = by_name("down");
    assert_eq!(down["verdict"], "errored", "{down}");
    assert!(
        down["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/down?key={MASK}")),
        "{down}"
    );
}

/// The first attempt of request `name` in a JSON report.
fn report_attempt<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let request = report["collections"][0]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no request `{name}` in the report"));
    &request["attempts"][0]
}

fn json_report_fields(report: &serde_json::Value) {
    // `json`: headers, query, body as sent; the echo in the response's header and JSON body.
    let json = report_attempt(report, "json");
    let request = &json["request"];
    assert_eq!(
        pair(&request["headers"], "x-api-key"),
        Some(MASK),
        "{request}"
    );
    assert_eq!(
        pair(&request["headers"], "x-trace"),
        Some(format!("t-{MASK}-end").as_str()),
        "{request}"
    );
    assert!(
        request["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/json?key={MASK}&page=1")),
        "{request}"
    );
    let sent: serde_json::Value =
        serde_json::from_str(request["body"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({ "note": format!("n-{MASK}"), "nested": { "k": MASK } })
    );
    let response = &json["response"];
    assert_eq!(
        pair(&response["headers"], "x-echo-key"),
        Some(MASK),
        "{response}"
    );
    let echoed: serde_json::Value =
        serde_json::from_str(response["body"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["headers"]["x-api-key"], MASK, "{echoed}");
    assert_eq!(
        echoed["headers"]["x-trace"],
        format!("t-{MASK}-end"),
        "{echoed}"
    );
    assert_eq!(echoed["json"], sent, "{echoed}");
    assert!(
        echoed["uri"]
            .as_str()
            .unwrap()
            .contains(&format!("key={MASK}&")),
        "{echoed}"
    );
    // `form`: the body text and the query auth; the text echo of the response.
    let form = report_attempt(report, "form");
    assert_eq!(
        form["request"]["body"]["text"],
        format!("pw={MASK}&second={MASK}"),
        "{form}"
    );
    assert!(
        form["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("api_key={MASK}")),
        "{form}"
    );
    let text = form["response"]["body"]["text"].as_str().unwrap();
    assert!(text.contains(&format!("x-api-key: {MASK}\n")), "{text}");
    assert!(
        text.ends_with(&format!("pw={MASK}&second={MASK}")),
        "{text}"
    );
    // `multipart`: the text part; the failed checks' expected and actual values.
    let multipart = report_attempt(report, "multipart");
    let parts = multipart["request"]["body"]["multipart"]
        .as_array()
        .unwrap();
    let note = parts.iter().find(|p| p["name"] == "note").unwrap();
    assert_eq!(note["text"], MASK, "{multipart}");
    let failures = multipart["failures"].as_array().unwrap();
    assert!(
        failures.iter().any(|f| f["expected"]
            .as_str()
            .unwrap()
            .contains(&format!("{MASK}-nope"))),
        "{multipart}"
    );
    assert!(
        failures.iter().any(|f| f["expected"]
            .as_str()
            .unwrap()
            .contains(&format!("{MASK}-absent"))),
        "{multipart}"
    );
    let text = multipart["response"]["body"]["text"].as_str().unwrap();
    assert!(text.contains(&format!("\r\n\r\n{MASK}\r\n")), "{text}");
    // `down`: the request as it was going to be sent, and the error.
    let down = report_attempt(report, "down");
    assert_eq!(
        pair(&down["request"]["headers"], "x-api-key"),
        Some(MASK),
        "{down}"
    );
    assert!(down["response"].is_null(), "{down}");
    assert!(
        down["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{down}"
    );
}

/// The first HAR entry of request `name`.
fn har_entry<'a>(har: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["comment"] == format!("leak / {name}"))
        .unwrap_or_else(|| panic!("no HAR entry for `{name}`"))
}

fn har_fields(har: &serde_json::Value) {
    let json = har_entry(har, "json");
    let request = &json["request"];
    assert_eq!(
        har_value(&request["headers"], "x-api-key"),
        Some(MASK),
        "{request}"
    );
    assert_eq!(
        har_value(&request["queryString"], "key"),
        Some(MASK),
        "{request}"
    );
    let sent: serde_json::Value =
        serde_json::from_str(request["postData"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(sent["note"], format!("n-{MASK}"), "{request}");
    let response = &json["response"];
    assert_eq!(
        har_value(&response["headers"], "x-echo-key"),
        Some(MASK),
        "{response}"
    );
    let echoed: serde_json::Value =
        serde_json::from_str(response["content"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["headers"]["x-api-key"], MASK, "{echoed}");
    let form = har_entry(har, "form");
    assert_eq!(
        form["request"]["postData"]["text"],
        format!("pw={MASK}&second={MASK}"),
        "{form}"
    );
    assert_eq!(
        har_value(&form["request"]["queryString"], "api_key"),
        Some(MASK)
    );
    let multipart = har_entry(har, "multipart");
    assert_eq!(
        har_value(&multipart["request"]["postData"]["params"], "note"),
        Some(MASK),
        "{multipart}"
    );
    let content = multipart["response"]["content"]["text"].as_str().unwrap();
    assert!(
        content.contains(&format!("x-api-key: {MASK}\n")),
        "{content}"
    );
    let down = har_entry(har, "down");
    assert_eq!(down["response"]["status"], 0, "{down}");
    assert_eq!(
        har_value(&down["request"]["headers"], "x-api-key"),
        Some(MASK)
    );
    assert_eq!(
        har_value(&down["request"]["queryString"], "key"),
        Some(MASK)
    );
    assert!(
        down["_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{down}"
    );
}

/// A secret written into the URL itself (path and query of `url = "…"`) goes through the URL
/// serialiser, which percent-encodes it its own way (`a b` → `a%20b`, `"` → `%22`, `/` and `+`
/// kept, `\` → `/` in the path): every sink must mask that form too.
#[test]
fn secrets_in_the_url_template_are_masked_as_the_url_serialiser_writes_them() {
    let server = awkward_echo_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("collections")).unwrap();
    std::fs::write(
        dir.path().join("collections/url.toml"),
        format!(
            "[[requests]]\nname = \"path\"\nurl = \"{}/p/{{{{secret:header_key}}}}/x\"\n\
             [[requests]]\nname = \"query\"\nurl = \"{}/q?key={{{{secret:body_key}}}}\"\n",
            server.url(""),
            server.url("")
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let mut cmd = awkward_postie(dir.path());
    cmd.env("GITHUB_ACTIONS", "true")
        .args(["run", "url", "-v", "--json"]);
    for (kind, file) in [("json", "r.json"), ("junit", "r.xml"), ("har", "r.har")] {
        cmd.arg("--report")
            .arg(format!("{kind}={}", out_dir.join(file).display()));
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = server.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].uri.starts_with("/p/Hq7Z%20a/b+c%22d/e%41&f=Vx2K"),
        "{}",
        got[0].uri
    );
    assert_no_trace("stdout", &out.stdout);
    assert_no_trace("stderr", &out.stderr);
    for file in ["r.json", "r.xml", "r.har"] {
        assert_no_trace(file, &std::fs::read(out_dir.join(file)).unwrap());
    }
}

/// A failed body check shows the start of the body; a secret straddling that cut must not
/// show its first characters (every offset around the cut is tried, in one run).
#[test]
fn a_secret_cut_by_a_failure_preview_is_not_shown_in_part() {
    let server = support::http_server(|r| {
        let pad: usize = r.path().trim_start_matches("/pad/").parse().unwrap_or(0);
        let body = format!("{}{HEADER_KEY}{}", "a".repeat(pad), "b".repeat(3000));
        (
            200,
            vec![("content-type".into(), "text/plain".into())],
            body.into_bytes(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("collections")).unwrap();
    let mut toml = String::new();
    for pad in (0..400).step_by(3) {
        toml.push_str(&format!(
            "[[requests]]\nname = \"pad-{pad}\"\nurl = \"{}\"\n\
             headers = {{ X-Key = \"{{{{secret:header_key}}}}\" }}\n\
             [requests.expect]\nbody = {{ contains = \"absent\" }}\n",
            server.url(&format!("/pad/{pad}"))
        ));
    }
    std::fs::write(dir.path().join("collections/cut.toml"), toml).unwrap();
    let out_dir = dir.path().join("out");
    let mut cmd = awkward_postie(dir.path());
    cmd.env("GITHUB_ACTIONS", "true")
        .args(["run", "cut", "--json"]);
    for (kind, file) in [("json", "r.json"), ("junit", "r.xml"), ("har", "r.har")] {
        cmd.arg("--report")
            .arg(format!("{kind}={}", out_dir.join(file).display()));
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.hits(), 134);
    assert_no_trace("stdout", &out.stdout);
    assert_no_trace("stderr", &out.stderr);
    for file in ["r.json", "r.xml", "r.har"] {
        assert_no_trace(file, &std::fs::read(out_dir.join(file)).unwrap());
    }
}
