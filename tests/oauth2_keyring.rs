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
