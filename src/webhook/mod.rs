//! Webhook signatures: verify what a sender signed, and sign what we send.
//!
//! Four schemes: GitHub (`X-Hub-Signature-256: sha256=<hex>`), Stripe
//! (`Stripe-Signature: t=<unix>,v1=<hex>`), Standard Webhooks / Svix (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64>`, `whsec_` base64 secrets) and a generic
//! HMAC-SHA256 of the body in hex under a named header. All use HMAC-SHA256 and compare in
//! constant time ([`Mac::verify_slice`]).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Code, Failure};
use crate::signing::{Scheme, WebhookError};

pub mod relay;

type HmacSha256 = Hmac<Sha256>;

/// How far a signed timestamp may be from now (Stripe's and Standard Webhooks' default).
pub const TOLERANCE: Duration = Duration::from_secs(300);

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A signature in the request matches.
    Verified,
    /// Signed, but wrong: the reason (lower-case, no trailing period).
    Invalid(String),
    /// The scheme's header is missing.
    Unsigned,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Verified => f.write_str("verified"),
            Verdict::Invalid(why) => write!(f, "invalid ({why})"),
            Verdict::Unsigned => f.write_str("unsigned"),
        }
    }
}

/// The signing secret named `name`, resolved like `{{secret:NAME}}`: the environment variable
/// `POSTIE_SECRET_<NAME>`, then the OS keyring (no prompt: a listener runs unattended).
pub fn signing_secret(name: &str) -> Result<String, Failure> {
    let resolver = crate::secrets::SecretResolver::system(false);
    match resolver.resolve(name) {
        Ok((secret, _)) => Ok(secret.expose().to_string()),
        Err(err) => {
            let unavailable = crate::secrets::unavailable(&err);
            let code = if unavailable.usage {
                Code::Usage
            } else {
                Code::Secret
            };
            let mut failure = Failure::new(code, format!("signing {}", unavailable.message));
            if let Some(hint) = unavailable.hint {
                failure = failure.with_hint(hint);
            }
            Err(failure)
        }
    }
}

/// Check the request's signature under `scheme`. `now` is the clock for timestamp tolerance.
pub fn verify(
    scheme: &Scheme,
    secret: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: SystemTime,
) -> Verdict {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    match scheme {
        Scheme::Github => match header("x-hub-signature-256") {
            None => Verdict::Unsigned,
            Some(value) => match value.strip_prefix("sha256=").and_then(hex_decode) {
                None => Verdict::Invalid("malformed `x-hub-signature-256` header".into()),
                Some(sig) => check(secret.as_bytes(), &[body], &[sig]),
            },
        },
        Scheme::Hmac { header: name } => match header(name) {
            None => Verdict::Unsigned,
            Some(value) => {
                let value = value.strip_prefix("sha256=").unwrap_or(value);
                match hex_decode(value) {
                    None => Verdict::Invalid(format!("malformed `{name}` header")),
                    Some(sig) => check(secret.as_bytes(), &[body], &[sig]),
                }
            }
        },
        Scheme::Stripe => match header("stripe-signature") {
            None => Verdict::Unsigned,
            Some(value) => verify_stripe(secret, value, body, now),
        },
        Scheme::Standard => {
            let get = |suffix: &str| {
                header(&format!("webhook-{suffix}")).or_else(|| header(&format!("svix-{suffix}")))
            };
            match (get("id"), get("timestamp"), get("signature")) {
                (_, _, None) => Verdict::Unsigned,
                (Some(id), Some(ts), Some(sigs)) => {
                    verify_standard(secret, id, ts, sigs, body, now)
                }
                _ => Verdict::Invalid("missing `webhook-id` or `webhook-timestamp` header".into()),
            }
        }
    }
}

fn verify_stripe(secret: &str, value: &str, body: &[u8], now: SystemTime) -> Verdict {
    let mut timestamp = None;
    let mut sigs = Vec::new();
    for item in value.split(',') {
        match item.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", sig)) => sigs.extend(hex_decode(sig)),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return Verdict::Invalid("no timestamp in `stripe-signature`".into());
    };
    if let Err(why) = fresh(t, now) {
        return Verdict::Invalid(why);
    }
    if sigs.is_empty() {
        return Verdict::Invalid("no `v1` signature in `stripe-signature`".into());
    }
    check(secret.as_bytes(), &[t.as_bytes(), b".", body], &sigs)
}

fn verify_standard(
    secret: &str,
    id: &str,
    ts: &str,
    sigs: &str,
    body: &[u8],
    now: SystemTime,
) -> Verdict {
    let key = match standard_key(secret) {
        Ok(key) => key,
        Err(e) => return Verdict::Invalid(e.to_string()),
    };
    if let Err(why) = fresh(ts, now) {
        return Verdict::Invalid(why);
    }
    let sigs: Vec<Vec<u8>> = sigs
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b64| BASE64.decode(b64).ok())
        .collect();
    if sigs.is_empty() {
        return Verdict::Invalid("no `v1` signature in `webhook-signature`".into());
    }
    check(
        &key,
        &[id.as_bytes(), b".", ts.as_bytes(), b".", body],
        &sigs,
    )
}

/// Is the unix timestamp `t` within [`TOLERANCE`] of `now`?
fn fresh(t: &str, now: SystemTime) -> Result<(), String> {
    let Ok(t) = t.trim().parse::<u64>() else {
        return Err(format!("malformed timestamp `{t}`"));
    };
    let now = unix(now);
    let age = now.abs_diff(t);
    if age > TOLERANCE.as_secs() {
        let when = if t < now { "old" } else { "in the future" };
        return Err(format!(
            "timestamp is {age} s {when} (tolerance {} s)",
            TOLERANCE.as_secs()
        ));
    }
    Ok(())
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Does any of `sigs` equal HMAC-SHA256(key, concat(parts))? Constant-time per comparison.
fn check(key: &[u8], parts: &[&[u8]], sigs: &[Vec<u8>]) -> Verdict {
    let Ok(mac) = HmacSha256::new_from_slice(key) else {
        return Verdict::Invalid("unusable key".into());
    };
    let mut mac = mac;
    for part in parts {
        mac.update(part);
    }
    if sigs.iter().any(|sig| mac.clone().verify_slice(sig).is_ok()) {
        Verdict::Verified
    } else {
        Verdict::Invalid("signature does not match".into())
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail; an empty MAC would never verify.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// The key bytes of a Standard Webhooks secret: base64 after an optional `whsec_` prefix.
pub fn standard_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    BASE64
        .decode(b64.trim())
        .map_err(|_| WebhookError::InvalidSecret)
}

/// The headers that sign `body` under `scheme` at time `now`; `id` is the Standard Webhooks
/// message id (other schemes ignore it). Add them to the request (replacing any old ones).
pub fn sign(
    scheme: &Scheme,
    secret: &str,
    id: &str,
    body: &[u8],
    now: SystemTime,
) -> Result<Vec<(String, String)>, WebhookError> {
    let t = unix(now).to_string();
    Ok(match scheme {
        Scheme::Github => vec![(
            "x-hub-signature-256".into(),
            format!("sha256={}", hex(&hmac(secret.as_bytes(), &[body]))),
        )],
        Scheme::Hmac { header } => vec![(header.clone(), hex(&hmac(secret.as_bytes(), &[body])))],
        Scheme::Stripe => {
            let sig = hmac(secret.as_bytes(), &[t.as_bytes(), b".", body]);
            vec![("stripe-signature".into(), format!("t={t},v1={}", hex(&sig)))]
        }
        Scheme::Standard => {
            let key = standard_key(secret)?;
            let sig = hmac(&key, &[id.as_bytes(), b".", t.as_bytes(), b".", body]);
            vec![
                ("webhook-id".into(), id.to_owned()),
                ("webhook-timestamp".into(), t),
                (
                    "webhook-signature".into(),
                    format!("v1,{}", BASE64.encode(sig)),
                ),
            ]
        }
    })
}

/// The header names [`sign`] sets for `scheme` (to remove old ones before re-signing).
pub fn signature_headers(scheme: &Scheme) -> Vec<String> {
    match scheme {
        Scheme::Github => vec!["x-hub-signature-256".into()],
        Scheme::Stripe => vec!["stripe-signature".into()],
        Scheme::Standard => vec![
            "webhook-id".into(),
            "webhook-timestamp".into(),
            "webhook-signature".into(),
        ],
        Scheme::Hmac { header } => vec![header.to_ascii_lowercase()],
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests;
