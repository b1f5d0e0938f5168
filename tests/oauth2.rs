//! OAuth2 auth end to end with the real binary: a token endpoint and an API written here (on
//! 127.0.0.1), every grant and client authentication, one token request per run (`--jobs`
//! and parallel groups included), a 401 renewing once, `auth = "none"`, the errors of a
//! token endpoint, and tokens never shown in any output or report.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use support::sandbox::Sandbox;
use support::{Recorded, Reply, TestServer, http_server};

const SECRET: &str = "cs-Zq81-very-secret";

/// `postie` in the sandbox, without a keyring (tokens live in memory for the run).
fn postie(sandbox: &Sandbox) -> Command {
    let mut cmd = sandbox.command();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", sandbox.path().join("no/bus").display()),
    )
    .env("XDG_RUNTIME_DIR", sandbox.path())
    .env("POSTIE_SECRET_DP_SECRET", SECRET);
    cmd
}

fn json(status: u16, body: serde_json::Value) -> Reply {
    (
        status,
        vec![("content-type".into(), "application/json".into())],
        body.to_string().into_bytes(),
    )
}

/// A token endpoint issuing `tok-N-<long random tail>` (N counts the token requests), with
/// `expires_in` and a refresh token.
struct Issuer {
    server: TestServer,
    issued: Arc<Mutex<Vec<String>>>,
}

fn issuer(expires_in: u64) -> Issuer {
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let list = Arc::clone(&issued);
    let server = http_server(move |_req: &Recorded| {
        let mut list = list.lock().unwrap();
        let token = format!("tok-{}-{}", list.len() + 1, "x7Yq".repeat(8));
        list.push(token.clone());
        json(
            200,
            serde_json::json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": expires_in,
                "refresh_token": format!("refresh-{}-Kp2w9", list.len()),
            }),
        )
    });
    Issuer { server, issued }
}

impl Issuer {
    fn tokens(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }
}

/// An API that answers 200 to a bearer token it accepts, else 401.
fn api(accept: impl Fn(&str) -> bool + Send + Sync + 'static) -> TestServer {
    http_server(move |req: &Recorded| {
        let token = req
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if accept(token) {
            json(200, serde_json::json!({"ok": true, "echo": token}))
        } else {
            json(401, serde_json::json!({"error": "invalid_token"}))
        }
    })
}

fn oauth2(token_url: &str, extra: &str) -> String {
    format!(
        "auth = {{ oauth2 = {{ grant = \"client_credentials\", token_url = \"{token_url}\", \
         client_id = \"dp-client\", client_secret = \"{{{{secret:dp_secret}}}}\", \
         scope = \"plans:read\", params = {{ audience = \"https://api.example\" }}{extra} }} }}"
    )
}

fn requests(base: &str, n: usize, extra: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "[[requests]]\nname = \"r{i}\"\nurl = \"{base}/r{i}\"\n{extra}\
                 [requests.expect]\nstatus = 200\n\n"
            )
        })
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_token(what: &str, bytes: &[u8], tokens: &[String]) {
    let shown = text(bytes);
    for token in tokens {
        assert!(!shown.contains(token), "{what} shows a token:\n{shown}");
        let refresh_like = token.split('-').nth(2).unwrap_or("");
        assert!(
            !shown.contains(refresh_like),
            "{what} shows part of a token:\n{shown}"
        );
    }
    assert!(!shown.contains(SECRET), "{what} shows the client secret");
}

#[test]
fn client_credentials_form_basic_one_token_request_for_every_request_and_collection() {
    let issuer = issuer(3600);
    let tokens = Arc::clone(&issuer.issued);
    let api = api(move |t| tokens.lock().unwrap().iter().any(|k| k == t));
    let sandbox = Sandbox::new().unwrap();
    let defaults = format!(
        "[defaults]\n{}\n\n",
        oauth2(&issuer.server.url("/token"), "")
    );
    let parallel = "parallel = true\n";
    for name in ["one", "two", "three"] {
        let body = format!(
            "{defaults}{}",
            requests(&api.url(&format!("/{name}")), 6, parallel)
        );
        sandbox.collection(name, &body).unwrap();
    }
    let reports = sandbox.path().join("reports");
    let out = postie(&sandbox)
        .args(["run", "one", "two", "three", "--jobs", "4", "-v"])
        .arg(format!(
            "--report=json={}",
            reports.join("run.json").display()
        ))
        .arg(format!(
            "--report=junit={}",
            reports.join("run.xml").display()
        ))
        .arg(format!(
            "--report=har={}",
            reports.join("run.har").display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Exactly one token request for 18 requests in 3 collections run 4 at a time.
    let sent = issuer.server.requests();
    assert_eq!(sent.len(), 1, "token requests: {sent:?}");
    let token_request = &sent[0];
    assert_eq!(token_request.method, "POST");
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let basic = base64_of(&format!("dp-client:{SECRET}"));
    assert_eq!(
        token_request.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token_request.body)
        .into_owned()
        .collect();
    let pairs = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        form,
        vec![
            pairs("grant_type", "client_credentials"),
            pairs("scope", "plans:read"),
            pairs("audience", "https://api.example"),
        ]
    );
    let token = issuer.tokens()[0].clone();
    let got = api.requests();
    assert_eq!(got.len(), 18);
    for req in &got {
        assert_eq!(
            req.header("authorization"),
            Some(format!("Bearer {token}").as_str())
        );
    }
    // The token (echoed in every body), its refresh token and the secret show nowhere.
    let all = issuer.tokens();
    assert_no_token("stdout", &out.stdout, &all);
    assert_no_token("stderr", &out.stderr, &all);
    assert!(text(&out.stderr).contains("authorization: Bearer ••••••"));
    for file in ["run.json", "run.xml", "run.har"] {
        let bytes = std::fs::read(reports.join(file)).unwrap();
        assert_no_token(file, &bytes, &all);
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn json_token_requests_carry_the_client_in_the_body_and_password_grants_the_user() {
    let issuer = issuer(3600);
    let api = api(|t| t.starts_with("tok-"));
    let sandbox = Sandbox::new().unwrap();
    let url = issuer.server.url("/oauth/token");
    let body = format!(
        "[defaults]\n{}\n\n{}[[requests]]\nname = \"pw\"\nurl = \"{}\"\n\
         auth = {{ oauth2 = {{ grant = \"password\", token_url = \"{url}\", client_id = \"app\", \
         username = \"ada\", password = \"{{{{secret:dp_secret}}}}\", client_auth = \"body\" }} }}\n",
        oauth2(&url, ", format = \"json\""),
        requests(&api.url("/plans"), 1, ""),
        api.url("/me"),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sent = issuer.server.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(sent[0].header("authorization"), None);
    let json: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "grant_type": "client_credentials",
            "scope": "plans:read",
            "audience": "https://api.example",
            "client_id": "dp-client",
            "client_secret": SECRET,
        })
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&sent[1].body)
        .into_owned()
        .collect();
    let keys: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["grant_type", "username", "password", "client_id"],
        "{form:?}"
    );
    assert_eq!(form[0].1, "password");
    assert_eq!(form[2].1, SECRET);
}

#[test]
fn a_401_to_a_cached_token_renews_it_once_and_retries_once() {
    let issuer = issuer(3600);
    // The first token is refused: the second request (which reuses it) gets a 401, renews,
    // and passes with the second token.
    let api = api(|t| t.starts_with("tok-2-"));
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n[[requests]]\nname = \"first\"\nurl = \"{}\"\n\n{}",
        oauth2(&issuer.server.url("/token"), ""),
        api.url("/first"),
        requests(&api.url("/later"), 2, ""),
    );
    sandbox.collection("dp", &body).unwrap();
    let report = sandbox.path().join("run.json");
    let out = postie(&sandbox)
        .args(["run", "dp", "--report"])
        .arg(format!("json={}", report.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("401 to a cached token: renewed it, sending once more"),
        "{stderr}"
    );
    // Both attempts of r0 are kept: the 401 (retry cause `unauthorized`) and the resend, the
    // token request that renewed the token recorded with the resend.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let requests = &report["collections"][0]["requests"];
    let token_url = issuer.server.url("/token");
    let first = &requests[0]["attempts"];
    assert_eq!(first.as_array().unwrap().len(), 1, "{first}");
    assert_eq!(
        first[0]["side_requests"][0]["attempt"]["request"]["url"],
        token_url
    );
    let r0 = &requests[1]["attempts"];
    assert_eq!(r0.as_array().unwrap().len(), 2, "{r0}");
    assert_eq!(r0[0]["status"], 401);
    assert_eq!(r0[0]["retry"]["cause"], "unauthorized");
    assert_eq!(r0[0]["side_requests"], serde_json::Value::Null);
    assert_eq!(r0[1]["status"], 200);
    assert_eq!(r0[1]["retry"], serde_json::Value::Null);
    let renewal = &r0[1]["side_requests"][0]["attempt"];
    assert_eq!(renewal["response"]["status"], 200, "{renewal}");
    let sent = renewal["request"]["body"].to_string();
    assert!(sent.contains("grant_type=refresh_token"), "{sent}");
    assert_eq!(requests[1]["flaky"], false);
    assert_eq!(requests[2]["attempts"].as_array().unwrap().len(), 1);
    assert_no_token("run.json", report.to_string().as_bytes(), &issuer.tokens());
    // first: tok-1 (fresh, a 401 is just its answer); r0: tok-1 (cached) -> 401, renew, tok-2;
    // r1: tok-2.
    assert_eq!(issuer.server.requests().len(), 2);
    let seen: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default()[7..12].to_string())
        .collect();
    assert_eq!(seen, ["tok-1", "tok-1", "tok-2", "tok-2"]);
    // The renewal used the refresh token.
    let renewal = text(&issuer.server.requests()[1].body);
    assert!(
        renewal.starts_with("grant_type=refresh_token&refresh_token=refresh-1-Kp2w9"),
        "{renewal}"
    );
}

#[test]
fn an_api_that_always_answers_401_is_not_asked_in_a_loop() {
    let issuer = issuer(3600);
    let api = api(|_| false);
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n{}",
        oauth2(&issuer.server.url("/token"), ""),
        requests(&api.url("/x"), 2, ""),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // r0: fresh token, 401 (no renewal: it was new); r1: cached -> 401 -> renew -> 401.
    assert_eq!(issuer.server.requests().len(), 2);
    assert_eq!(api.requests().len(), 3);
}

#[test]
fn auth_none_opts_out_of_the_default_auth() {
    let issuer = issuer(3600);
    let api = api(|t| t.starts_with("tok-"));
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n[[requests]]\nname = \"public\"\nurl = \"{}\"\nauth = \"none\"\n\
         [requests.expect]\nstatus = 401\n",
        oauth2(&issuer.server.url("/token"), ""),
        api.url("/public"),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        issuer.server.hits(),
        0,
        "no token is fetched for `auth = \"none\"`"
    );
    assert_eq!(api.requests()[0].header("authorization"), None);
}

fn token_endpoint_error(reply: Reply) -> (i32, String) {
    let reply = Arc::new(reply);
    let server = http_server(move |_| (*reply).clone());
    let api_hits = Arc::new(AtomicUsize::new(0));
    let hits = Arc::clone(&api_hits);
    let api = http_server(move |_| {
        hits.fetch_add(1, Ordering::SeqCst);
        (200, vec![], vec![])
    });
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n{}",
        oauth2(&server.url("/token"), ""),
        requests(&api.url("/x"), 3, ""),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(api_hits.load(Ordering::SeqCst), 0);
    // A refused token request is not repeated by every request of the run.
    assert_eq!(server.hits(), 1);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains(SECRET));
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn token_endpoint_errors_say_what_the_endpoint_said_and_exit_4() {
    let (code, stderr) = token_endpoint_error(json(
        401,
        serde_json::json!({"error": "invalid_client", "error_description": "Unknown client or bad secret"}),
    ));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains(
            "refused the token request (401): `invalid_client`: Unknown client or bad secret"
        ),
        "{stderr}"
    );
    let (code, stderr) = token_endpoint_error((
        502,
        vec![("content-type".into(), "text/html".into())],
        b"<html>Bad gateway</html>".to_vec(),
    ));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("answered 502 with a body that is not JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("body: <html>Bad gateway</html>"),
        "{stderr}"
    );
    let (code, stderr) =
        token_endpoint_error(json(200, serde_json::json!({"token_type": "Bearer"})));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("answered 200 but gave no `access_token`"),
        "{stderr}"
    );
}

#[test]
fn a_plain_http_token_url_is_refused_unless_loopback_or_allowed() {
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n{}",
        oauth2("http://auth.example.invalid/token", ""),
        requests("https://api.example.invalid", 1, ""),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`token_url` `http://auth.example.invalid/token` of `auth.oauth2` in request `r0` is not https"),
        "{stderr}"
    );
    assert!(stderr.contains("allow_http = true"), "{stderr}");
    // With `allow_http = true` it resolves (a dry run sends nothing, fetches nothing).
    let body = body.replace(
        "audience = \"https://api.example\" }",
        "audience = \"https://api.example\" }, allow_http = true",
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox)
        .args(["run", "dp", "--dry-run", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("authorization: Bearer ••••••"));
}

#[test]
fn bad_oauth2_tables_point_at_the_key() {
    let sandbox = Sandbox::new().unwrap();
    let body = "[defaults]\nauth = { oauth2 = { grant = \"implicit\", token_url = \"https://a/t\", client_id = \"c\" } }\n\n[[requests]]\nname = \"r\"\nurl = \"https://a/\"\n";
    sandbox.collection("dp", body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown grant `implicit` in `auth.oauth2` in `[defaults]`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("client_credentials, password, authorization_code, device_code"),
        "{stderr}"
    );
    let body = body.replace("implicit", "client_credentials");
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("grant `client_credentials` needs `client_secret`"),
        "{}",
        text(&out.stderr)
    );
    let out = postie(&sandbox)
        .args(["run", "dp"])
        .arg("--var=x=1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let body = "[[requests]]\nname = \"r\"\nurl = \"https://a/\"\nauth = \"nope\"\n";
    sandbox.collection("dp", body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown auth `nope` in request `r`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn interactive_grants_in_ci_fail_with_exit_4_and_say_what_to_do() {
    let sandbox = Sandbox::new().unwrap();
    let body = "[defaults]\nauth = { oauth2 = { grant = \"device_code\", token_url = \"http://127.0.0.1:9/t\", device_url = \"http://127.0.0.1:9/d\", client_id = \"c\" } }\n\n[[requests]]\nname = \"r\"\nurl = \"http://127.0.0.1:9/\"\n";
    sandbox.collection("dp", body).unwrap();
    let out = postie(&sandbox).args(["run", "dp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("OAuth2 grant `device_code` of `127.0.0.1` needs a person"),
        "{stderr}"
    );
    assert!(stderr.contains("non-interactive grant in CI"), "{stderr}");
}

/// `auth token` prints the token only when piped, or with `--reveal`.
#[test]
fn auth_token_prints_a_token_for_a_script() {
    let issuer = issuer(3600);
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\n{}\n\n{}",
        oauth2(&issuer.server.url("/token"), ""),
        requests("http://127.0.0.1:9", 1, ""),
    );
    sandbox.collection("dp", &body).unwrap();
    let out = postie(&sandbox)
        .args(["auth", "token", "dp"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", issuer.tokens()[0]));
    let out = postie(&sandbox)
        .env("POSTIE_TEST_TTY", "stdout")
        .args(["auth", "token", "dp/r0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("refusing to print an OAuth2 token to a terminal"));
}

#[test]
fn two_audiences_or_scopes_never_share_a_token() {
    // One token per token URL + client + scope + parameters: requests for another audience
    // or scope get their own token request; one for a configuration seen before reuses its
    // token.
    let issuer = issuer(3600);
    let api = api(|t| t.starts_with("tok-"));
    let sandbox = Sandbox::new().unwrap();
    let token_url = issuer.server.url("/token");
    let with = |audience: &str, scope: &str| {
        format!(
            "auth = {{ oauth2 = {{ grant = \"client_credentials\", token_url = \"{token_url}\", \
             client_id = \"dp-client\", client_secret = \"{{{{secret:dp_secret}}}}\", \
             scope = \"{scope}\", params = {{ audience = \"{audience}\" }} }} }}"
        )
    };
    let plan = [
        ("a", "https://a.example", "plans"),
        ("b", "https://b.example", "plans"),
        ("a-again", "https://a.example", "plans"),
        ("a-wider", "https://a.example", "plans admin"),
        ("b-again", "https://b.example", "plans"),
    ];
    let body: String = plan
        .iter()
        .map(|(name, audience, scope)| {
            format!(
                "[[requests]]\nname = \"{name}\"\nurl = \"{}\"\n{}\n\n",
                api.url(&format!("/{name}")),
                with(audience, scope)
            )
        })
        .collect();
    sandbox.collection("aud", &body).unwrap();
    let out = postie(&sandbox).args(["run", "aud"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let asked: Vec<(String, String)> = issuer
        .server
        .requests()
        .iter()
        .map(|r| {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(&r.body).into_owned().collect();
            let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            (get("audience").unwrap(), get("scope").unwrap())
        })
        .collect();
    let pair = |a: &str, s: &str| (a.to_string(), s.to_string());
    assert_eq!(
        asked,
        [
            pair("https://a.example", "plans"),
            pair("https://b.example", "plans"),
            pair("https://a.example", "plans admin"),
        ]
    );
    let tokens = issuer.tokens();
    let used: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect();
    let bearer = |i: usize| format!("Bearer {}", tokens[i]);
    assert_eq!(
        used,
        [bearer(0), bearer(1), bearer(0), bearer(2), bearer(1)]
    );
}
