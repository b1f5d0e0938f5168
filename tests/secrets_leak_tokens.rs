//! Values learnt during a run are secrets too: OAuth2 tokens (access, refresh, id) and captures
//! marked `secret = true`. Neither may show in any output or report — live display, `-v`,
//! failure blocks, the body on stdout, NDJSON, JSON, JUnit, HAR, GitHub annotations — even
//! when a server echoes them back. `postie check` warns about a credential-named capture that
//! is not marked secret.

mod support;

use support::sandbox::Sandbox;
use support::{Recorded, http_server};

const ACCESS: &str = "at-Lw93bQ-access-value";
const REFRESH: &str = "rt-Mx27cV-refresh-value";
const ID: &str = "it-Pz55dN-id-value";
const CAPTURED: &str = "cap-Qr48tY-session-token";
const SECRET: &str = "leak-client-secret-Vb6";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The Basic credentials of client `c` (RFC 6749 2.3.1), computed here with base64 of the
/// standard library's alphabet.
fn basic() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("c:{SECRET}"))
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let shown = text(bytes);
    for value in [ACCESS, REFRESH, ID, CAPTURED, SECRET, &basic()] {
        assert!(!shown.contains(value), "{what} shows `{value}`:\n{shown}");
    }
}

#[test]
fn tokens_and_secret_captures_show_in_no_output_and_no_report() {
    leak_run(r#", client_auth = "body""#);
}

/// The token request is shown (`-v`) and reported (JSON, HAR): its Basic header masked too.
#[test]
fn the_token_request_shows_with_its_basic_credentials_masked() {
    leak_run(r#", client_auth = "basic""#);
}

/// A run with `-v`, `--json`, `--pretty`, each with JSON, JUnit and HAR reports; the token
/// request written with `client_auth`.
fn leak_run(client_auth: &str) {
    let tokens = http_server(|_| {
        let body = serde_json::json!({
            "access_token": ACCESS, "refresh_token": REFRESH, "id_token": ID,
            "token_type": "Bearer", "expires_in": 3600,
        });
        (200, vec![], body.to_string().into_bytes())
    });
    // Echoes every header and the body back, and hands out a session token.
    let api = http_server(|req: &Recorded| {
        let echo = serde_json::json!({
            "headers": req.headers,
            "body": String::from_utf8_lossy(&req.body),
            "session": CAPTURED,
        });
        let headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("x-session".to_string(), CAPTURED.to_string()),
        ];
        (200, headers, echo.to_string().into_bytes())
    });
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        r#"[defaults]
auth = {{ oauth2 = {{ grant = "client_credentials", token_url = "{token_url}", client_id = "c", client_secret = "{{{{secret:leak}}}}"{client_auth} }} }}

[[requests]]
name = "login"
url = "{api}/login"
[requests.capture]
session = {{ json = "$.session", secret = true }}
from_header = {{ header = "x-session", secret = true }}

[[requests]]
name = "use-it"
method = "POST"
url = "{api}/use?s={{{{session}}}}"
auth = "none"
headers = {{ X-Session = "{{{{session}}}}" }}
json = {{ session = "{{{{session}}}}", again = "{{{{from_header}}}}" }}
[requests.expect]
status = 201
body = {{ contains = "{{{{session}}}}" }}

[[requests]]
name = "with-token"
url = "{api}/token"
[requests.expect]
status = 201
"#,
        token_url = tokens.url("/token"),
        api = api.url(""),
    );
    let mut seen = Vec::new();
    sandbox.collection("leak", &body).unwrap();
    let dir = sandbox.path().join("reports");
    let report = |kind: &str, file: &str| format!("--report={kind}={}", dir.join(file).display());
    for args in [
        vec!["run", "leak", "-v"],
        vec!["run", "leak", "--json"],
        vec!["run", "leak", "--pretty"],
    ] {
        let out = sandbox
            .command()
            .env("POSTIE_SECRET_LEAK", SECRET)
            .env("GITHUB_ACTIONS", "true")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .args(&args)
            .arg(report("json", "run.json"))
            .arg(report("junit", "run.xml"))
            .arg(report("har", "run.har"))
            .arg(report("html", "run.html"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{:?}: {}",
            args,
            text(&out.stderr)
        );
        let what = args.join(" ");
        assert_clean(&format!("stdout of {what}"), &out.stdout);
        assert_clean(&format!("stderr of {what}"), &out.stderr);
        for file in ["run.json", "run.xml", "run.har", "run.html"] {
            assert_clean(
                &format!("{file} of {what}"),
                &std::fs::read(dir.join(file)).unwrap(),
            );
        }
        let stdout = text(&out.stdout);
        seen.push((args.clone(), text(&out.stderr), reports(&dir)));
        // JUnit and HTML show the token request too, before the request it was made for.
        for file in ["run.xml", "run.html"] {
            let shown = std::fs::read_to_string(dir.join(file)).unwrap();
            let side = shown.find("oauth2 token (127.0.0.1)");
            // The request as sent, not the summary line above it.
            let login = shown.find(&format!("GET {}\n", api.url("/login")));
            assert!(
                side.is_some() && login.is_some() && side < login,
                "{file} of {what}: no token request before the request: {shown}"
            );
            assert!(shown.contains(&tokens.url("/token")), "{file}: {shown}");
            // The body after a blank line, as on the wire.
            let body = "\n\ngrant_type=client_credentials";
            assert!(shown.contains(body), "{file}: {shown}");
        }
        // Annotations go to stdout (to stderr with --json, which owns stdout).
        let annotated = stdout.contains("::error") || text(&out.stderr).contains("::error");
        assert!(annotated, "annotations are written: {stdout}");
        if args.contains(&"--json") {
            assert!(stdout.lines().any(|l| l.starts_with('{')), "{stdout}");
        } else {
            // The echoed body is on stdout, masked.
            let compact = stdout.contains("\"session\":\"••••••\"");
            assert!(
                compact || stdout.contains("\"session\": \"••••••\""),
                "{stdout}"
            );
        }
    }
    // The token request is in every place that was checked above.
    for (args, stderr, (json, har)) in &seen {
        if args.contains(&"-v") {
            assert!(stderr.contains("oauth2 token (127.0.0.1)"), "{stderr}");
            assert!(stderr.contains("grant_type=client_credentials"), "{stderr}");
            assert!(stderr.contains("\"access_token\":\"••••••\""), "{stderr}");
        }
        let side = &json["collections"][0]["requests"][0]["attempts"][0]["side_requests"][0];
        assert_eq!(side["purpose"], "oauth2 token (127.0.0.1)", "{json}");
        let sent = &side["attempt"]["request"];
        assert_eq!(sent["url"], tokens.url("/token"), "{json}");
        let body = side["attempt"]["response"]["body"].to_string();
        assert!(body.contains("••••••"), "{body}");
        let entries = har["log"]["entries"].as_array().unwrap();
        let token_entry = &entries[0];
        assert_eq!(token_entry["request"]["url"], tokens.url("/token"), "{har}");
        assert_eq!(token_entry["response"]["status"], 200);
    }
    // The client's credentials went where `client_auth` says.
    let asked = tokens.requests();
    assert_eq!(asked.len(), 3, "one token request per run");
    let basic_sent =
        asked[0].header("authorization") == Some(format!("Basic {}", basic()).as_str());
    let in_body = String::from_utf8_lossy(&asked[0].body).contains("client_secret=");
    let basic_asked = client_auth.contains("basic");
    assert_eq!((basic_sent, in_body), (basic_asked, !basic_asked));
    // The values were really sent: masking, not absence.
    let sent = api.requests();
    let use_it = sent.iter().find(|r| r.path() == "/use").unwrap();
    assert_eq!(use_it.header("x-session"), Some(CAPTURED));
    let with_token = sent.iter().find(|r| r.path() == "/token").unwrap();
    assert_eq!(
        with_token.header("authorization"),
        Some(format!("Bearer {ACCESS}").as_str())
    );
}

fn reports(dir: &std::path::Path) -> (serde_json::Value, serde_json::Value) {
    let read = |file: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap()
    };
    (read("run.json"), read("run.har"))
}

#[test]
fn check_warns_about_credential_captures_not_marked_secret() {
    let sandbox = Sandbox::new().unwrap();
    let body = "[[requests]]\nname = \"login\"\nurl = \"https://api.example.invalid/login\"\n\
                [requests.capture]\naccess_token = \"json:$.access_token\"\n\
                api_key = { header = \"x-key\", secret = true }\nplan_id = \"json:$.id\"\n";
    sandbox.collection("caps", body).unwrap();
    let out = sandbox.command().args(["check", "caps"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "postie: warning: {}:5: capture `access_token` of request `login` looks like a \
             credential but is not marked secret\n  hint: write it as `access_token = {{ json = \
             \"…\", secret = true }}` (or `header`, `regex`) to mask its value everywhere\n\
             no literal credentials in 1 collection\n",
            std::path::Path::new("collections/caps.toml").display()
        )
    );
    assert_eq!(out.status.code(), Some(0));
}
