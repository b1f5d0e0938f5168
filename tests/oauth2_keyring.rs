//! OAuth2 tokens cached in a real Secret Service (private D-Bus session + gnome-keyring, see
//! `support/keyring.rs`) across separate postie processes: two runs make one token request;
//! an expired token is renewed with its refresh token; `auth list` shows the entry but never
//! the token; `auth logout` removes it.

#[allow(dead_code)] // the keyring tests use different parts of it
#[path = "support/keyring.rs"]
mod keyring;
mod support;

use std::sync::{Arc, Mutex};

use keyring::Keyring;
use support::sandbox::Sandbox;
use support::{Recorded, TestServer, http_server};

const SECRET: &str = "kr-client-secret-81xQ";

struct Issuer {
    server: TestServer,
    issued: Arc<Mutex<Vec<String>>>,
}

fn issuer(expires_in: u64) -> Issuer {
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let list = Arc::clone(&issued);
    let server = http_server(move |_req: &Recorded| {
        let mut list = list.lock().unwrap();
        let token = format!("kr-tok-{}-{}", list.len() + 1, "Hh7t".repeat(8));
        list.push(token.clone());
        let body = serde_json::json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "refresh_token": "kr-refresh-Pq1z8Lm",
        });
        (200, vec![], body.to_string().into_bytes())
    });
    Issuer { server, issued }
}

fn collection(sandbox: &Sandbox, token_url: &str, api: &str) {
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ name = \"dataplan\", grant = \"client_credentials\", \
         token_url = \"{token_url}\", client_id = \"kr-client\", \
         client_secret = \"{{{{secret:kr_secret}}}}\", scope = \"plans\", \
         params = {{ audience = \"https://api.example\" }} }} }}\n\n\
         [[requests]]\nname = \"get\"\nurl = \"{api}\"\n[requests.expect]\nstatus = 200\n"
    );
    sandbox.collection("kr", &body).unwrap();
}

fn postie(sandbox: &Sandbox, keyring: &Keyring) -> assert_cmd::Command {
    let mut cmd = sandbox.command();
    for (key, value) in keyring.env() {
        cmd.env(key, value);
    }
    cmd.env("POSTIE_SECRET_KR_SECRET", SECRET);
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn api() -> TestServer {
    http_server(|req: &Recorded| {
        let ok = req
            .header("authorization")
            .is_some_and(|v| v.starts_with("Bearer kr-tok-"));
        (if ok { 200 } else { 401 }, vec![], b"{}".to_vec())
    })
}

#[test]
fn two_runs_make_one_token_request_and_list_and_logout_manage_the_cache() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let issuer = issuer(3600);
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    collection(&sandbox, &issuer.server.url("/token"), &api.url("/plans"));
    for run in 1..=2 {
        let out = postie(&sandbox, &keyring)
            .args(["run", "kr"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "run {run}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(
        issuer.server.requests().len(),
        1,
        "one token request for two runs"
    );
    let token = issuer.issued.lock().unwrap()[0].clone();
    let sent: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect();
    assert_eq!(sent, [format!("Bearer {token}"), format!("Bearer {token}")]);

    let out = postie(&sandbox, &keyring)
        .args(["auth", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(
        !listed.contains(&token) && !listed.contains("kr-refresh"),
        "{listed}"
    );
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].starts_with("PROFILE"), "{listed}");
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        cells[..4],
        [
            "dataplan",
            "kr-client",
            "plans",
            "audience=https://api.example"
        ],
        "{listed}"
    );
    assert!(
        lines[1].contains("in 59m") || lines[1].contains("in 1h"),
        "{listed}"
    );
    // `secret list` does not show the cache entry.
    let out = postie(&sandbox, &keyring)
        .args(["secret", "list"])
        .output()
        .unwrap();
    assert!(
        !text(&out.stdout).contains("oauth2."),
        "{}",
        text(&out.stdout)
    );

    let out = postie(&sandbox, &keyring)
        .args(["auth", "logout", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no cached OAuth2 token for profile `other`"));
    let out = postie(&sandbox, &keyring)
        .args(["auth", "logout", "dataplan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "removed 1 cached OAuth2 token from the keyring\n"
    );
    // Logged out: the next run asks for a new token.
    let out = postie(&sandbox, &keyring)
        .args(["run", "kr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(issuer.server.requests().len(), 2);
}

#[test]
fn an_expired_cached_token_is_renewed_with_its_refresh_token() {
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let issuer = issuer(1);
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    collection(&sandbox, &issuer.server.url("/token"), &api.url("/plans"));
    let run = || {
        let out = postie(&sandbox, &keyring)
            .args(["run", "kr"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    };
    run();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    run();
    let sent = issuer.server.requests();
    assert_eq!(sent.len(), 2, "the expired token was renewed");
    assert!(text(&sent[0].body).starts_with("grant_type=client_credentials"));
    assert!(
        text(&sent[1].body)
            .starts_with("grant_type=refresh_token&refresh_token=kr-refresh-Pq1z8Lm"),
        "{}",
        text(&sent[1].body)
    );
    let issued = issuer.issued.lock().unwrap().clone();
    let last = api.requests().last().unwrap().clone();
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {}", issued[1]).as_str())
    );
}

#[test]
fn an_interactive_grant_cached_on_a_terminal_serves_ci_until_it_cannot() {
    // The README's advice for CI: sign in once on a terminal; CI then uses the cached token,
    // refreshes it with its refresh token, and stops with exit 4 only when neither is there.
    let Some(keyring) = Keyring::start() else {
        return;
    };
    let grants: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&grants);
    let server = http_server(move |req: &Recorded| {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
            .into_owned()
            .collect();
        let grant = form
            .iter()
            .find(|(k, _)| k == "grant_type")
            .map_or("device authorization".to_string(), |(_, v)| v.clone());
        let mut grants = seen.lock().unwrap();
        grants.push(grant.clone());
        let body = if req.path() == "/device" {
            serde_json::json!({
                "device_code": "kr-device-code-4Zt", "user_code": "KRKR-7777",
                "verification_uri": "https://auth.example.com/device", "interval": 1,
            })
        } else {
            let n = grants.len();
            serde_json::json!({
                "access_token": format!("kr-tok-{n}-{}", "Dv3q".repeat(8)),
                "token_type": "Bearer", "expires_in": 6, "refresh_token": "kr-refresh-Dv9",
            })
        };
        (200, vec![], body.to_string().into_bytes())
    });
    let api = api();
    let sandbox = Sandbox::new().unwrap();
    let body = format!(
        "[defaults]\nauth = {{ oauth2 = {{ name = \"tv\", grant = \"device_code\", \
         device_url = \"{}\", token_url = \"{}\", client_id = \"tv-app\" }} }}\n\n\
         [[requests]]\nname = \"get\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n",
        server.url("/device"),
        server.url("/token"),
        api.url("/plans")
    );
    sandbox.collection("tv", &body).unwrap();
    let run = |terminal: bool| {
        let mut cmd = postie(&sandbox, &keyring);
        if terminal {
            cmd.env_remove("CI").env("POSTIE_TEST_TTY", "stdin,stderr");
        } else {
            cmd.env("CI", "true");
        }
        cmd.args(["run", "tv"]).output().unwrap()
    };
    let grants_now = || grants.lock().unwrap().clone();
    // 1. On a terminal: the device code grant (one poll: the endpoint answers at once).
    let out = run(true);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let device = "urn:ietf:params:oauth:grant-type:device_code";
    assert_eq!(grants_now(), ["device authorization", device]);
    // 2. In CI, at once: the cached token, no request to the provider (6 s lifetime, renewed
    // in its last 10 %: room for a slow machine between the two runs).
    let out = run(false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(grants_now().len(), 2);
    // 3. In CI, after it expired: renewed with the refresh token, no person needed.
    std::thread::sleep(std::time::Duration::from_millis(6300));
    let out = run(false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(grants_now()[2..], ["refresh_token"]);
    let bearers: Vec<String> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_string())
        .collect();
    assert_eq!(bearers.len(), 3);
    assert_eq!(
        bearers[0], bearers[1],
        "CI used the token the terminal run cached"
    );
    assert!(bearers[2].starts_with("Bearer kr-tok-3-"), "{bearers:?}");
    // 4. Signed out: CI cannot ask a person, and says what to do.
    let out = postie(&sandbox, &keyring)
        .args(["auth", "logout", "tv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(false);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("needs a person"), "{stderr}");
    assert!(stderr.contains("run it once on a terminal"), "{stderr}");
    assert_eq!(grants_now().len(), 3, "nothing more was asked");
}
