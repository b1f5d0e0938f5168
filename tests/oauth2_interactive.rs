//! OAuth2 against a third-party authorization server, `oauth2-mock-server` from npm
//! (tests/tools/package.json; run it with `scripts/test --test oauth2_interactive`): client
//! credentials, and the authorization code grant with PKCE S256, its browser step driven by
//! curl following the server's redirect to postie's loopback listener (the server checks the
//! code verifier against the challenge). The mock server has no device authorization
//! endpoint, so the device code grant runs against a server built on authlib's own device
//! authorization endpoint and device code grant (tests/tools/device_server.py, authlib from
//! the Python index), the person's approval driven by curl; and against an endpoint written
//! here for what authlib's does not do on cue: pending, then slow_down (the interval grows by
//! 5 s), then a token.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use support::child::PortChild;
use support::sandbox::Sandbox;
use support::{Recorded, TestServer, http_server};

/// `oauth2-mock-server` on 127.0.0.1, a free port; killed on drop.
struct MockServer {
    child: Child,
    port: u16,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mock_server() -> MockServer {
    let script =
        support::tools::node_modules().join("oauth2-mock-server/dist/oauth2-mock-server.mjs");
    let mut child = support::tools::node()
        .arg(script)
        .args(["-a", "127.0.0.1", "-p", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs oauth2-mock-server");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("oauth2-mock-server says where it listens")
            .unwrap();
        if let Some(rest) = line.strip_prefix("OAuth 2 server listening on http://127.0.0.1:") {
            break rest.trim().parse().unwrap();
        }
    };
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    MockServer { child, port }
}

/// An API that records the bearer tokens it gets.
fn api() -> TestServer {
    http_server(|_req: &Recorded| (200, vec![], b"{}".to_vec()))
}

/// The claims of a JWT (its middle part).
fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn bearer(req: &Recorded) -> String {
    req.header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .expect("a bearer token")
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn no_keyring(cmd: &mut Command, sandbox: &Sandbox) {
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", sandbox.path().join("no/bus").display()),
    )
    .env("XDG_RUNTIME_DIR", sandbox.path());
}

#[test]
fn client_credentials_against_oauth2_mock_server() {
    let server = mock_server();
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ grant = \"client_credentials\", \
         token_url = \"http://127.0.0.1:{}/token\", client_id = \"dp\", \
         client_secret = \"{{{{secret:mock}}}}\", scope = \"plans:read\", \
         params = {{ aud = \"dataplan-api\" }} }} }}\n\n\
         [[requests]]\nname = \"a\"\nurl = \"{}\"\n\n[[requests]]\nname = \"b\"\nurl = \"{}\"\n",
        server.port,
        api.url("/a"),
        api.url("/b")
    );
    sandbox.collection("mock", &body).unwrap();
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let out = cmd
        .env("POSTIE_SECRET_MOCK", "mock-secret")
        .args(["run", "mock", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = api.requests();
    assert_eq!(got.len(), 2);
    let token = bearer(&got[0]);
    assert_eq!(bearer(&got[1]), token, "one token for the run");
    let claims = claims(&token);
    assert_eq!(claims["scope"], "plans:read");
    assert_eq!(claims["aud"], "dataplan-api");
    assert_eq!(claims["iss"], format!("http://localhost:{}", server.port));
    assert!(!text(&out.stderr).contains(&token));
}

/// Collection `code`: one request to `api` with the authorization code grant of `server`.
fn code_collection(sandbox: &Sandbox, server: &MockServer, api: &TestServer) {
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ name = \"mock\", grant = \"authorization_code\", \
         auth_url = \"http://127.0.0.1:{port}/authorize\", \
         token_url = \"http://127.0.0.1:{port}/token\", client_id = \"cli-app\", \
         scope = \"openid plans\" }} }}\n\n[[requests]]\nname = \"me\"\nurl = \"{}\"\n",
        api.url("/me"),
        port = server.port
    );
    sandbox.collection("code", &body).unwrap();
}

#[test]
fn authorization_code_with_pkce_through_the_loopback_redirect() {
    let server = mock_server();
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    code_collection(&sandbox, &server, &api);
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let mut child = cmd
        .env_remove("CI")
        .env("POSTIE_TEST_TTY", "stdin,stderr")
        .args(["run", "code", "--no-browser"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut shown = String::new();
    let url = loop {
        let line = lines
            .next()
            .expect("postie prints the sign-in URL")
            .unwrap();
        shown.push_str(&line);
        shown.push('\n');
        if let Some(url) = line.trim().strip_prefix("http://") {
            break format!("http://{url}");
        }
    };
    assert!(
        shown.contains("OAuth2 `mock`: open this URL in a browser"),
        "{shown}"
    );
    let query: Vec<(String, String)> = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(get("response_type").as_deref(), Some("code"));
    assert!(
        get("redirect_uri")
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    // The browser: follow the authorization server's redirect to postie's listener.
    let curl = Command::new("curl")
        .args([
            "-sS",
            "-L",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{url_effective}",
            &url,
        ])
        .output()
        .unwrap();
    let curl_out = text(&curl.stdout);
    assert!(
        curl_out.starts_with("200 http://127.0.0.1:"),
        "{curl_out} {}",
        text(&curl.stderr)
    );
    assert!(curl_out.contains("/callback?code="), "{curl_out}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{shown}{}", rest.join("\n"));
    let got = api.requests();
    assert_eq!(got.len(), 1);
    let token = bearer(&got[0]);
    let claims = claims(&token);
    // The mock server signs in `johndoe` (and takes the scope of the token request, which the
    // code grant leaves out: its `dummy`).
    assert_eq!(claims["sub"], "johndoe");
    assert!(!rest.join("\n").contains(&token));
}

#[test]
fn device_code_polls_at_the_interval_and_honours_slow_down() {
    let polls: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = Arc::clone(&polls);
    let server = http_server(move |req: &Recorded| {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
            .into_owned()
            .collect();
        let json = |v: serde_json::Value| {
            (
                if v.get("error").is_some() { 400 } else { 200 },
                vec![],
                v.to_string().into_bytes(),
            )
        };
        if req.path() == "/device" {
            assert!(
                form.contains(&("client_id".into(), "tv-app".into())),
                "{form:?}"
            );
            return json(serde_json::json!({
                "device_code": "dev-code-77", "user_code": "WDJB-MJHT",
                "verification_uri": "https://example.com/device", "expires_in": 60, "interval": 1,
            }));
        }
        assert!(form.contains(&(
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:device_code".into()
        )));
        assert!(form.contains(&("device_code".into(), "dev-code-77".into())));
        let mut polls = seen.lock().unwrap();
        polls.push(Instant::now());
        match polls.len() {
            1 => json(serde_json::json!({"error": "authorization_pending"})),
            2 => json(serde_json::json!({"error": "slow_down"})),
            _ => json(serde_json::json!({"access_token": "dev-token-Yt55", "expires_in": 600})),
        }
    });
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ grant = \"device_code\", device_url = \"{}\", \
         token_url = \"{}\", client_id = \"tv-app\" }} }}\n\n[[requests]]\nname = \"me\"\nurl = \"{}\"\n",
        server.url("/device"),
        server.url("/token"),
        api.url("/me")
    );
    sandbox.collection("device", &body).unwrap();
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let start = Instant::now();
    let report = sandbox.path().join("device.json");
    let out = cmd
        .env_remove("CI")
        .env("POSTIE_TEST_TTY", "stdin,stderr")
        .args(["run", "device", "--report"])
        .arg(format!("json={}", report.display()))
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("open https://example.com/device and enter the code WDJB-MJHT"),
        "{stderr}"
    );
    assert!(!stderr.contains("dev-token-Yt55"));
    let polls = polls.lock().unwrap();
    assert_eq!(polls.len(), 3);
    assert!(
        polls[0] - start >= Duration::from_millis(900),
        "waited the interval first"
    );
    assert!(polls[1] - polls[0] >= Duration::from_millis(900));
    assert!(
        polls[2] - polls[1] >= Duration::from_millis(5900),
        "slow_down adds 5 s"
    );
    assert_eq!(bearer(&api.requests()[0]), "dev-token-Yt55");
    // The device authorization request and every poll are in the report, masked: the device
    // code (it stands for the sign-in) and the token never appear.
    let raw = std::fs::read_to_string(&report).unwrap();
    assert!(
        !raw.contains("dev-code-77") && !raw.contains("dev-token-Yt55"),
        "{raw}"
    );
    let report: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let side = report["collections"][0]["requests"][0]["attempts"][0]["side_requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let seen: Vec<(String, String, u64)> = side
        .iter()
        .map(|s| {
            let url = s["attempt"]["request"]["url"].as_str().unwrap_or_default();
            let path = url::Url::parse(url).map(|u| u.path().to_string());
            (
                s["purpose"].as_str().unwrap_or_default().to_string(),
                path.unwrap_or_default(),
                s["attempt"]["response"]["status"]
                    .as_u64()
                    .unwrap_or_default(),
            )
        })
        .collect();
    let profile = "127.0.0.1";
    assert_eq!(
        seen,
        [
            (
                format!("oauth2 device authorization ({profile})"),
                "/device".into(),
                200
            ),
            (
                format!("oauth2 token ({profile}), device code poll 1"),
                "/token".into(),
                400
            ),
            (
                format!("oauth2 token ({profile}), device code poll 2"),
                "/token".into(),
                400
            ),
            (
                format!("oauth2 token ({profile}), device code poll 3"),
                "/token".into(),
                200
            ),
        ],
        "{side:#?}"
    );
    let polled = side[1]["attempt"]["request"]["body"].to_string();
    assert!(polled.contains("device_code=••••••"), "{polled}");
}

/// tests/tools/device_server.py (authlib's RFC 8628 endpoint and grant) on 127.0.0.1.
fn authlib_device_server() -> PortChild {
    let mut command = Command::new(support::tools::python());
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/device_server.py"
        ))
        .stderr(Stdio::null());
    PortChild::spawn(command, "the authlib device authorization server").unwrap()
}

#[test]
fn device_code_against_an_authlib_server_with_the_person_approving_by_curl() {
    let server = authlib_device_server();
    let base = format!("http://127.0.0.1:{}", server.port);
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ name = \"tv\", grant = \"device_code\", \
         device_url = \"{base}/device_authorization\", token_url = \"{base}/token\", \
         client_id = \"tv-app\", scope = \"profile\" }} }}\n\n[[requests]]\nname = \"me\"\n\
         url = \"{}\"\n",
        api.url("/me")
    );
    sandbox.collection("tv", &body).unwrap();
    let report = sandbox.path().join("tv.json");
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let mut child = cmd
        .env_remove("CI")
        .env("POSTIE_TEST_TTY", "stdin,stderr")
        .args(["run", "tv", "--report"])
        .arg(format!("json={}", report.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut shown = String::new();
    let user_code = loop {
        let line = lines.next().expect("postie prints the user code").unwrap();
        shown.push_str(&line);
        shown.push('\n');
        if let Some((_, code)) = line.split_once("and enter the code ") {
            break code.trim().to_string();
        }
    };
    assert!(
        shown.contains("OAuth2 `tv`: open https://auth.example.com/activate and enter the code"),
        "{shown}"
    );
    let issued = || -> serde_json::Value {
        let out = Command::new("curl")
            .args(["-sS", &format!("{base}/issued")])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // The person takes a while: postie polls at authlib's interval (1 s) and is told to wait.
    let waited = Instant::now();
    while issued()["pending"].as_u64() < Some(2) {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "no polls: {shown}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The browser step: the person approves the code.
    let approve = Command::new("curl")
        .args(["-sS", "-f", "-d", &format!("user_code={user_code}")])
        .arg(format!("{base}/approve"))
        .output()
        .unwrap();
    assert!(approve.status.success(), "{}", text(&approve.stderr));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{shown}{}", rest.join("\n"));
    // The API got the token authlib issued, and only that one.
    let issued = issued();
    let tokens = issued["access_tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{issued}");
    let token = tokens[0].as_str().unwrap();
    let got = api.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(bearer(&got[0]), token);
    // Recorded: the device authorization, the pending polls, the answer; masked.
    let raw = std::fs::read_to_string(&report).unwrap();
    assert!(!raw.contains(token), "the token is masked: {raw}");
    let report: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let side = report["collections"][0]["requests"][0]["attempts"][0]["side_requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let pending = issued["pending"].as_u64().unwrap() as usize;
    assert_eq!(side.len(), 1 + pending + 1, "{side:#?}");
    assert_eq!(side[0]["purpose"], "oauth2 device authorization (tv)");
    let device_answer = side[0]["attempt"]["response"]["body"].to_string();
    assert!(device_answer.contains(&user_code), "{device_answer}");
    assert!(
        device_answer.contains(r#"\"device_code\": \"••••••\""#)
            || device_answer.contains(r#"\"device_code\":\"••••••\""#),
        "the device code is masked: {device_answer}"
    );
    let last = &side[side.len() - 1];
    assert_eq!(
        last["purpose"],
        format!("oauth2 token (tv), device code poll {}", pending + 1)
    );
    assert_eq!(last["attempt"]["response"]["status"], 200);
    assert_eq!(side[1]["attempt"]["response"]["status"], 400);
    assert!(
        side[1]["attempt"]["response"]["body"]
            .to_string()
            .contains("authorization_pending")
    );
}

#[test]
fn authorization_code_opens_the_browser_and_a_real_chromium_signs_in() {
    // Without `--no-browser`, postie runs the platform's opener (`xdg-open URL`). Here that is
    // a script that hands the URL to headless Chromium, which follows oauth2-mock-server's
    // redirect to postie's loopback listener as a person's browser would. Every host name
    // resolves to nothing but 127.0.0.1 (`--host-resolver-rules`): nothing leaves the machine.
    let server = mock_server();
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    let bin = sandbox.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = sandbox.path().join("opened.txt");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{opened}'\nexec '{chromium}' --headless \
         --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
         --disable-component-update --disable-sync --disable-extensions \
         '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' '--user-data-dir={profile}' --dump-dom \"$1\" \
         > '{dom}' 2> /dev/null\n",
        opened = opened.display(),
        chromium = support::tools::chromium().display(),
        profile = sandbox.path().join("profile").display(),
        dom = sandbox.path().join("dom.html").display(),
    );
    let opener = bin.join("xdg-open");
    std::fs::write(&opener, script).unwrap();
    let mut perms = std::fs::metadata(&opener).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&opener, perms).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    code_collection(&sandbox, &server, &api);
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let out = cmd
        .env_remove("CI")
        .env("PATH", path)
        .env("POSTIE_TEST_TTY", "stdin,stderr")
        .env("POSTIE_OAUTH_TIMEOUT_SECS", "60")
        .args(["run", "code"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The opener got the authorization URL postie printed, with its PKCE challenge.
    let opened = std::fs::read_to_string(&opened).unwrap();
    let url = url::Url::parse(opened.trim()).unwrap();
    assert!(stderr.contains(url.as_str()), "{stderr}");
    assert!(
        url.query_pairs()
            .any(|(k, v)| k == "code_challenge_method" && v == "S256")
    );
    // The browser landed on postie's page (Chromium, detached, may write it after postie
    // is done), and the API got the mock server's token.
    let waited = Instant::now();
    let dom = loop {
        let dom = std::fs::read_to_string(sandbox.path().join("dom.html")).unwrap_or_default();
        if dom.contains("postie") || waited.elapsed() > Duration::from_secs(20) {
            break dom;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(dom.contains("postie"), "{dom}");
    let got = api.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(claims(&bearer(&got[0]))["sub"], "johndoe");
}

#[test]
fn an_unfinished_browser_sign_in_times_out_with_exit_4_and_says_so() {
    let sandbox = Sandbox::new().unwrap();
    // Nobody signs in: the authorization URL is only printed (`--no-browser`).
    let body = "[defaults]\nauth = { oauth2 = { name = \"idp\", grant = \"authorization_code\", \
         auth_url = \"http://127.0.0.1:9/authorize\", token_url = \"http://127.0.0.1:9/token\", \
         client_id = \"cli-app\" } }\n\n[[requests]]\nname = \"me\"\nurl = \"http://127.0.0.1:9/me\"\n";
    sandbox.collection("code", body).unwrap();
    let mut cmd = sandbox.std_command();
    no_keyring(&mut cmd, &sandbox);
    let start = Instant::now();
    let out = cmd
        .env_remove("CI")
        .env("POSTIE_TEST_TTY", "stdin,stderr")
        .env("POSTIE_OAUTH_TIMEOUT_SECS", "1")
        .args(["run", "code", "--no-browser"])
        .output()
        .unwrap();
    let took = start.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("(waiting 1s)"), "{stderr}");
    assert!(
        stderr.contains("no sign-in came back to http://127.0.0.1:")
            && stderr.contains("/callback within 1s"),
        "{stderr}"
    );
    assert!(stderr.contains("POSTIE_OAUTH_TIMEOUT_SECS"), "{stderr}");
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(15),
        "{took:?}"
    );
}
