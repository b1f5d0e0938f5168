//! One token request (RFC 6749 section 4.4, 4.3, 6; or JSON for Auth0-style providers) and
//! its answer: the tokens, or an error that says what the endpoint said.

use base64::Engine as _;
use serde_json::Value;
use tokio::io::AsyncReadExt;

use crate::error::{Code, Failure};
use crate::http::Client;
use crate::record::{
    BodyPlace, Exchange, ReceivedResponse, ResponseBody, SentRequest, SideRequest, mask,
};
use crate::request::{Body, ClientAuth, OAuth2, ResolvedRequest, TokenFormat};
use crate::util::mask::Masker;

/// The largest token response read (a token response is a few KB).
const MAX_RESPONSE: u64 = 1024 * 1024;
/// How much of an unexpected body an error shows.
const EXCERPT: usize = 300;

/// Tokens from a token endpoint, with when they expire.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tokens {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// When it was obtained (Unix milliseconds).
    pub obtained_ms: u64,
    /// When it expires (Unix milliseconds); `None` when the endpoint gave no `expires_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ms: Option<u64>,
}

/// Reused until this long before it expires: a tenth of its lifetime, at most a minute.
const MAX_MARGIN_MS: u64 = 60_000;

impl Tokens {
    /// Still good at `now_ms` (not within the renewal margin of its expiry).
    pub fn fresh(&self, now_ms: u64) -> bool {
        match self.expires_ms {
            None => true,
            Some(expires) => {
                let lifetime = expires.saturating_sub(self.obtained_ms);
                let margin = (lifetime / 10).min(MAX_MARGIN_MS);
                now_ms.saturating_add(margin) < expires
            }
        }
    }

    /// Register every token with the masker.
    pub fn mask_with(&self, masker: &Masker) {
        masker.add("oauth2 access token", &self.access_token);
        if let Some(t) = &self.refresh_token {
            masker.add("oauth2 refresh token", t);
        }
        if let Some(t) = &self.id_token {
            masker.add("oauth2 id token", t);
        }
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The body parameters of a grant (`grant_type` first), without client authentication.
pub fn grant_params(cfg: &OAuth2, refresh: Option<&str>) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut push = |k: &str, v: &str| params.push((k.to_string(), v.to_string()));
    match refresh {
        Some(token) => {
            push("grant_type", "refresh_token");
            push("refresh_token", token);
        }
        None => match cfg.grant {
            crate::request::OAuth2Grant::Password => {
                push("grant_type", "password");
                push("username", cfg.username.as_deref().unwrap_or_default());
                push("password", cfg.password.as_deref().unwrap_or_default());
            }
            _ => push("grant_type", "client_credentials"),
        },
    }
    if let Some(scope) = &cfg.scope {
        push("scope", scope);
    }
    for (k, v) in &cfg.params {
        push(k, v);
    }
    params
}

/// Send `params` (plus the client's credentials) to the token endpoint and read the tokens;
/// the exchange goes to `side` (masked: the tokens of the answer are registered first).
pub async fn request(
    client: &Client,
    masker: &Masker,
    cfg: &OAuth2,
    params: Vec<(String, String)>,
    side: &mut Vec<SideRequest>,
) -> Result<Tokens, Failure> {
    let posted = exchange(client, masker, cfg, &cfg.token_url, params).await;
    let result = posted
        .result
        .and_then(|(status, bytes)| answer(masker, cfg, status, &bytes));
    let purpose = format!("oauth2 token ({})", cfg.profile);
    record(
        side,
        masker,
        posted.exchange,
        purpose,
        result.as_ref().err(),
    );
    result
}

/// Keep a token endpoint's exchange in `side`, masked with the secrets known now, with the
/// failure it ended in, if any.
pub fn record(
    side: &mut Vec<SideRequest>,
    masker: &Masker,
    mut exchange: Exchange,
    purpose: String,
    failed: Option<&Failure>,
) {
    if let Some(failure) = failed {
        exchange.error = Some(failure.clone());
    }
    mask::exchange(&mut exchange, masker);
    side.push(SideRequest { purpose, exchange });
}

/// One POST to a token endpoint: its status and body, and its record (not masked yet).
pub struct Posted {
    pub result: Result<(u16, Vec<u8>), Failure>,
    pub exchange: Exchange,
}

/// The token request `cfg` makes (form or JSON, client credentials in Basic or the body).
/// Every credential in it is registered with the masker.
fn token_request(
    masker: &Masker,
    cfg: &OAuth2,
    url: &url::Url,
    mut params: Vec<(String, String)>,
) -> ResolvedRequest {
    let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
    match (cfg.client_auth, &cfg.client_secret) {
        (ClientAuth::Basic, Some(secret)) => {
            // RFC 6749 2.3.1: both parts form-urlencoded before Basic.
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair: String = format!("{}:{}", enc(&cfg.client_id), enc(secret));
            let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
            masker.add("oauth2 client credentials", &b64);
            headers.push(("Authorization".to_string(), format!("Basic {b64}")));
        }
        (_, secret) => {
            params.push(("client_id".to_string(), cfg.client_id.clone()));
            if let Some(secret) = secret {
                params.push(("client_secret".to_string(), secret.clone()));
            }
        }
    }
    // Shown in `-v` and the reports: the secret and the password are masked there even when
    // the collection wrote them in clear.
    if let Some(secret) = &cfg.client_secret {
        masker.add("oauth2 client secret", secret);
    }
    if let Some(password) = &cfg.password {
        masker.add("oauth2 password", password);
    }
    let (content_type, body) = match cfg.format {
        TokenFormat::Form => {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&params)
                .finish();
            ("application/x-www-form-urlencoded", body.into_bytes())
        }
        TokenFormat::Json => {
            let map: serde_json::Map<String, Value> = params
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            (
                "application/json",
                Value::Object(map).to_string().into_bytes(),
            )
        }
    };
    headers.push(("Content-Type".to_string(), content_type.to_string()));
    ResolvedRequest::new("POST", url.clone(), headers, Body::Bytes(body))
}

/// Send the token request to `url` and read its answer, recording both.
pub async fn exchange(
    client: &Client,
    masker: &Masker,
    cfg: &OAuth2,
    url: &url::Url,
    params: Vec<(String, String)>,
) -> Posted {
    let request = token_request(masker, cfg, url, params);
    let mut exchange = Exchange::new(std::time::SystemTime::now());
    let clock = std::time::Instant::now();
    let result = send(client, &request, &mut exchange).await;
    exchange.duration = clock.elapsed();
    Posted { result, exchange }
}

async fn send(
    client: &Client,
    request: &ResolvedRequest,
    exchange: &mut Exchange,
) -> Result<(u16, Vec<u8>), Failure> {
    let prepared = client.prepare(request).map_err(Failure::from)?;
    exchange.request = Some(SentRequest {
        method: prepared.method.clone(),
        url: prepared.url.to_string(),
        headers: prepared.headers.clone(),
        body: request.body.clone(),
    });
    let response = client.execute(prepared).await.map_err(Failure::from)?;
    let (head, reader, timings) = response.into_parts();
    let mut bytes = Vec::new();
    reader
        .take(MAX_RESPONSE)
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| Failure::from_display(Code::Network, &e))?;
    exchange.timings = Some(timings.get());
    let body = ResponseBody {
        kept: Ok(bytes.clone()),
        received: Some(timings.bytes()),
        went: BodyPlace::Discarded,
        complete: (bytes.len() as u64) < MAX_RESPONSE,
    };
    exchange.response = Some(ReceivedResponse::new(&head, body));
    Ok((head.status, bytes))
}

/// The tokens in a token endpoint's answer, or what went wrong (exit 4).
pub fn answer(masker: &Masker, cfg: &OAuth2, status: u16, bytes: &[u8]) -> Result<Tokens, Failure> {
    let url = &cfg.token_url;
    let json: Option<Value> = serde_json::from_slice(bytes).ok();
    // Whatever the answer, its tokens are secrets before anything shows it.
    if let Some(Value::Object(map)) = &json {
        for key in ["access_token", "refresh_token", "id_token"] {
            if let Some(Value::String(t)) = map.get(key) {
                masker.add(key, t);
            }
        }
    }
    let excerpt = || {
        let text = String::from_utf8_lossy(bytes);
        let masked = masker.mask(&text);
        let cut: String = masked.chars().take(EXCERPT).collect();
        let more = if cut.len() < masked.len() { " …" } else { "" };
        format!("  body: {}{more}", cut.trim())
    };
    let fail = |message: String| Failure::new(Code::Secret, message);
    let hint = "check `client_id`, `client_secret`, `scope` and `params` of `auth.oauth2`";
    let Some(Value::Object(map)) = json else {
        return Err(fail(format!(
            "the token endpoint `{url}` answered {status} with a body that is not JSON"
        ))
        .with_detail(excerpt())
        .with_hint("is `token_url` the provider's token endpoint?"));
    };
    if let Some(error) = map.get("error").and_then(Value::as_str) {
        let description = map
            .get("error_description")
            .and_then(Value::as_str)
            .map(|d| format!(": {}", masker.mask(d)))
            .unwrap_or_default();
        let error = masker.mask(error);
        return Err(fail(format!(
            "the token endpoint `{url}` refused the token request ({status}): `{error}`{description}"
        ))
        .with_hint(hint));
    }
    if !(200..300).contains(&status) {
        return Err(fail(format!(
            "the token endpoint `{url}` answered {status} without an OAuth error"
        ))
        .with_detail(excerpt())
        .with_hint(hint));
    }
    let Some(access_token) = map.get("access_token").and_then(Value::as_str) else {
        return Err(fail(format!(
            "the token endpoint `{url}` answered {status} but gave no `access_token`"
        ))
        .with_detail(excerpt()));
    };
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
    let obtained_ms = now_ms();
    let expires_in = match map.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        // Some providers send it as a string.
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let expires_ms = expires_in
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| obtained_ms.saturating_add((s.min(1e12) * 1000.0) as u64));
    Ok(Tokens {
        access_token: access_token.to_string(),
        refresh_token: text("refresh_token"),
        id_token: text("id_token"),
        obtained_ms,
        expires_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(obtained_ms: u64, expires_ms: Option<u64>) -> Tokens {
        Tokens {
            access_token: "a".into(),
            refresh_token: None,
            id_token: None,
            obtained_ms,
            expires_ms,
        }
    }

    #[test]
    fn tokens_are_renewed_shortly_before_they_expire() {
        // 8 hours: renewed a minute before.
        let t = tokens(0, Some(8 * 3_600_000));
        assert!(t.fresh(8 * 3_600_000 - 61_000));
        assert!(!t.fresh(8 * 3_600_000 - 59_000));
        // 2 seconds: a tenth before.
        let t = tokens(1000, Some(3000));
        assert!(t.fresh(2700));
        assert!(!t.fresh(2801));
        assert!(tokens(0, None).fresh(u64::MAX));
    }
}
