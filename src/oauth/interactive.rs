//! Grants that need a person: the authorization code grant with PKCE (S256, RFC 7636) through
//! a redirect to a listener on 127.0.0.1 (RFC 8252), and the device authorization grant
//! (RFC 8628). What the person must do is told through [`OAuthOptions::notify`].

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::OAuthOptions;
use super::token::{self, Tokens};
use crate::error::{Code, Failure};
use crate::http::Client;
use crate::record::SideRequest;
use crate::request::{OAuth2, OAuth2Grant};
use crate::util::mask::Masker;

/// How long the browser step may take (`POSTIE_OAUTH_TIMEOUT_SECS` changes it).
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest request head the redirect listener reads.
const MAX_HEAD: usize = 16 * 1024;
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub async fn obtain(
    client: &Client,
    masker: &Masker,
    options: &OAuthOptions,
    cfg: &OAuth2,
    side: &mut Vec<SideRequest>,
) -> Result<Tokens, Failure> {
    match cfg.grant {
        OAuth2Grant::DeviceCode => device_code(client, masker, options, cfg, side).await,
        _ => authorization_code(client, masker, options, cfg, side).await,
    }
}

fn failure(message: String) -> Failure {
    Failure::new(Code::Secret, message)
}

fn browser_timeout() -> Duration {
    std::env::var("POSTIE_OAUTH_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(BROWSER_TIMEOUT, |s| Duration::from_secs(s.clamp(1, 86_400)))
}

/// A PKCE verifier (64 unreserved characters) and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let challenge = challenge(&verifier);
    (verifier, challenge)
}

/// `BASE64URL(SHA256(verifier))` without padding (RFC 7636 4.2).
fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn authorization_code(
    client: &Client,
    masker: &Masker,
    options: &OAuthOptions,
    cfg: &OAuth2,
    side: &mut Vec<SideRequest>,
) -> Result<Tokens, Failure> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| {
            failure(format!(
                "could not listen on 127.0.0.1 for the redirect: {e}"
            ))
        })?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let (verifier, challenge) = pkce();
    let state = uuid::Uuid::new_v4().simple().to_string();
    let mut url = cfg
        .auth_url
        .clone()
        .ok_or_else(|| failure("no `auth_url`".into()))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &cfg.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(scope) = &cfg.scope {
            query.append_pair("scope", scope);
        }
        query.extend_pairs(&cfg.params);
    }
    (options.notify)(&format!(
        "OAuth2 `{}`: open this URL in a browser and sign in (waiting {}s):\n  {url}\n",
        cfg.profile,
        browser_timeout().as_secs()
    ));
    if !options.no_browser {
        open_browser(url.as_str());
    }
    let code = tokio::time::timeout(browser_timeout(), callback(&listener, &state))
        .await
        .map_err(|_| {
            failure(format!(
                "no sign-in came back to {redirect_uri} within {}s",
                browser_timeout().as_secs()
            ))
            .with_hint("run again and finish the sign-in in the browser sooner, or set POSTIE_OAUTH_TIMEOUT_SECS")
        })??;
    masker.add("oauth2 authorization code", &code);
    let params = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code),
        ("redirect_uri".to_string(), redirect_uri),
        ("code_verifier".to_string(), verifier),
    ];
    token::request(client, masker, cfg, params, side).await
}

/// Best effort: the platform's opener, detached; the URL is printed anyway.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// Waits for the browser's `GET /callback?code=…&state=…`; other requests get a 404.
async fn callback(listener: &tokio::net::TcpListener, state: &str) -> Result<String, Failure> {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let Some(target) = read_target(&mut stream).await else {
            continue;
        };
        let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
            continue;
        };
        if url.path() != "/callback" {
            let _ = reply(&mut stream, "404 Not Found", "not the OAuth2 redirect").await;
            continue;
        }
        let get = |k: &str| {
            url.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(error) = get("error") {
            let description =
                get("error_description").map_or_else(String::new, |d| format!(": {d}"));
            let _ = reply(
                &mut stream,
                "200 OK",
                "Sign-in failed. You can close this window.",
            )
            .await;
            return Err(failure(format!(
                "the authorization server refused the sign-in: `{error}`{description}"
            )));
        }
        if get("state").as_deref() != Some(state) {
            let _ = reply(&mut stream, "400 Bad Request", "state does not match").await;
            return Err(failure(
                "the redirect's `state` does not match the sign-in postie started".into(),
            ));
        }
        let Some(code) = get("code") else {
            let _ = reply(&mut stream, "400 Bad Request", "no code").await;
            return Err(failure("the redirect carries no `code`".into()));
        };
        let _ = reply(
            &mut stream,
            "200 OK",
            "Signed in. You can close this window and go back to postie.",
        )
        .await;
        return Ok(code);
    }
}

async fn read_target(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    let read = async {
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                return None;
            }
            head.extend_from_slice(&buf[..n]);
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(&head) {
                Ok(httparse::Status::Complete(_)) => return request.path.map(str::to_string),
                Ok(httparse::Status::Partial) if head.len() < MAX_HEAD => {}
                _ => return None,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()?
}

async fn reply(
    stream: &mut tokio::net::TcpStream,
    status: &str,
    text: &str,
) -> std::io::Result<()> {
    let body = format!("<!doctype html><title>postie</title><p>{text}</p>\n");
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// The device authorization request, then the polls; all recorded in `side` (the polls
/// bounded: see [`KEPT_POLLS`]).
async fn device_code(
    client: &Client,
    masker: &Masker,
    options: &OAuthOptions,
    cfg: &OAuth2,
    side: &mut Vec<SideRequest>,
) -> Result<Tokens, Failure> {
    let device_url = cfg
        .device_url
        .clone()
        .ok_or_else(|| failure("no `device_url`".into()))?;
    let mut params = Vec::new();
    if let Some(scope) = &cfg.scope {
        params.push(("scope".to_string(), scope.clone()));
    }
    params.extend(cfg.params.iter().cloned());
    let posted = token::exchange(client, masker, cfg, &device_url, params).await;
    let purpose = format!("oauth2 device authorization ({})", cfg.profile);
    let (status, bytes, exchange) = or_record(posted, side, masker, &purpose)?;
    let answered = device_answer(&device_url, status, &bytes);
    if let Ok((device_code, _)) = &answered {
        // Before the record is masked: the device code stands for the person's sign-in.
        masker.add("oauth2 device code", device_code);
    }
    token::record(side, masker, exchange, purpose, answered.as_ref().err());
    let (device_code, answer) = answered?;
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
    let user_code = text("user_code").unwrap_or_default();
    let verification = text("verification_uri")
        .or_else(|| text("verification_url"))
        .unwrap_or_default();
    let complete = text("verification_uri_complete")
        .map_or_else(String::new, |c| format!("\n  (or open {c})"));
    let number = |k: &str| answer.get(k).and_then(Value::as_u64);
    let expires = Duration::from_secs(number("expires_in").unwrap_or(600).min(86_400));
    let interval = Duration::from_secs(number("interval").unwrap_or(5).clamp(1, 300));
    (options.notify)(&format!(
        "OAuth2 `{}`: open {verification} and enter the code {user_code}{complete}\n",
        cfg.profile
    ));
    let device = Device {
        code: device_code,
        interval,
        expires,
    };
    poll(client, masker, cfg, device, side).await
}

/// A POST's status, body and record; one that got no answer is recorded in `side` with its
/// failure.
fn or_record(
    posted: token::Posted,
    side: &mut Vec<SideRequest>,
    masker: &Masker,
    purpose: &str,
) -> Result<(u16, Vec<u8>, crate::record::Exchange), Failure> {
    match posted.result {
        Ok((status, bytes)) => Ok((status, bytes, posted.exchange)),
        Err(failed) => {
            token::record(side, masker, posted.exchange, purpose.into(), Some(&failed));
            Err(failed)
        }
    }
}

/// The device authorization endpoint's answer: its device code and the whole JSON.
fn device_answer(
    device_url: &url::Url,
    status: u16,
    bytes: &[u8],
) -> Result<(String, Value), Failure> {
    let answer: Value = serde_json::from_slice(bytes).map_err(|_| {
        failure(format!(
            "the device authorization endpoint `{device_url}` answered {status} with a body that is not JSON"
        ))
    })?;
    let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(error) = text("error") {
        let description = text("error_description").map_or_else(String::new, |d| format!(": {d}"));
        return Err(failure(format!(
            "the device authorization endpoint `{device_url}` refused ({status}): `{error}`{description}"
        )));
    }
    let (Some(device_code), Some(_)) = (text("device_code"), text("user_code")) else {
        return Err(failure(format!(
            "the device authorization endpoint `{device_url}` answered {status} without `device_code` and `user_code`"
        )));
    };
    Ok((device_code, answer))
}

struct Device {
    code: String,
    interval: Duration,
    expires: Duration,
}

/// The polls kept in the record: the first ones, then the latest pending one takes the last
/// place, and the final answer always (a person may take minutes, at one poll every 5 s).
const KEPT_POLLS: usize = 10;

/// Before a pending poll is recorded: once [`KEPT_POLLS`] are kept, the latest one gives its
/// place to the new one.
fn make_room(side: &mut Vec<SideRequest>, kept: &mut usize) {
    if *kept == KEPT_POLLS {
        side.pop();
    } else {
        *kept += 1;
    }
}

/// Polls the token endpoint at the server's interval; `slow_down` adds 5 seconds (RFC 8628
/// 3.5), `authorization_pending` waits, anything else ends it.
async fn poll(
    client: &Client,
    masker: &Masker,
    cfg: &OAuth2,
    device: Device,
    side: &mut Vec<SideRequest>,
) -> Result<Tokens, Failure> {
    let deadline = Instant::now() + device.expires;
    let mut interval = device.interval;
    let (mut polls, mut kept) = (0, 0);
    loop {
        tokio::time::sleep(interval).await;
        if Instant::now() > deadline {
            return Err(failure(format!(
                "the device code of `{}` expired before the sign-in was finished",
                cfg.profile
            ))
            .with_hint("run again and enter the code sooner"));
        }
        let params = vec![
            ("grant_type".to_string(), DEVICE_GRANT.to_string()),
            ("device_code".to_string(), device.code.clone()),
        ];
        let posted = token::exchange(client, masker, cfg, &cfg.token_url, params).await;
        polls += 1;
        let purpose = format!("oauth2 token ({}), device code poll {polls}", cfg.profile);
        let (status, bytes, exchange) = or_record(posted, side, masker, &purpose)?;
        let error = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string));
        match error.as_deref() {
            Some(pending @ ("authorization_pending" | "slow_down")) => {
                if pending == "slow_down" {
                    interval += Duration::from_secs(5);
                }
                make_room(side, &mut kept);
                token::record(side, masker, exchange, purpose, None);
            }
            _ => {
                let result = token::answer(masker, cfg, status, &bytes);
                token::record(side, masker, exchange, purpose, result.as_ref().err());
                return result;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_sign_in_keeps_the_first_polls_the_latest_pending_one_and_the_answer() {
        use crate::record::{Exchange, SideRequest};
        let entry = |purpose: String| SideRequest {
            purpose,
            exchange: Exchange::new(std::time::SystemTime::UNIX_EPOCH),
        };
        let mut side = vec![entry("authorization".into())];
        let mut kept = 0;
        for poll in 1..=25 {
            super::make_room(&mut side, &mut kept);
            side.push(entry(format!("poll {poll}")));
        }
        side.push(entry("poll 26".into()));
        let purposes: Vec<&str> = side.iter().map(|s| s.purpose.as_str()).collect();
        let mut expected = vec!["authorization".to_string()];
        expected.extend((1..super::KEPT_POLLS).map(|p| format!("poll {p}")));
        expected.extend(["poll 25".to_string(), "poll 26".to_string()]);
        assert_eq!(purposes, expected);
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            super::challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let (v, c) = super::pkce();
        assert_eq!(v.len(), 64);
        assert_eq!(c, super::challenge(&v));
    }
}
