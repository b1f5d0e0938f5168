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

mod pycompat;
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
    /// Signed in a way postie does not check (GitHub's sha1-only `X-Hub-Signature`): why.
    NotVerified(String),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Verified => f.write_str("verified"),
            Verdict::Invalid(why) => write!(f, "invalid ({why})"),
            Verdict::Unsigned => f.write_str("unsigned"),
            Verdict::NotVerified(why) => f.write_str(why),
        }
    }
}

/// The verdict on a GitHub request that has only the legacy sha1 header.
pub const SHA1_ONLY: &str = "sha1 only (X-Hub-Signature): not verified, GitHub recommends sha256";

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
///
/// GitHub, Stripe and Standard Webhooks requests are read as their official libraries read
/// them (`@octokit/webhooks-methods`, `stripe`, `standardwebhooks` and `svix`): postie says
/// "verified" exactly when they accept (`tests/signatures.rs` compares, case by case). So the
/// body must be UTF-8 text (they verify text), hex is lower case, `Stripe-Signature` items are
/// split on `,` with nothing around them, and a Stripe timestamp in the future is accepted
/// (stripe's libraries check only the age).
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
            None if header("x-hub-signature").is_some() => Verdict::NotVerified(SHA1_ONLY.into()),
            None => Verdict::Unsigned,
            Some(value) => verify_github(secret, value, body),
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
                (_, _, Some("")) => Verdict::Invalid("empty `webhook-signature` header".into()),
                (Some(id), Some(ts), Some(sigs)) if !id.is_empty() && !ts.is_empty() => {
                    verify_standard(secret, id, ts, sigs, body, now)
                }
                _ => Verdict::Invalid("missing `webhook-id` or `webhook-timestamp` header".into()),
            }
        }
    }
}

const NOT_TEXT: &str = "body is not UTF-8 text (the official libraries verify text)";
const EMPTY_SECRET: &str = "empty signing secret";

/// `@octokit/webhooks-methods` `verify`: the header must equal `sha256=` and the lower-case
/// hex HMAC of the body, byte for byte; an empty secret, body or header is refused.
fn verify_github(secret: &str, value: &str, body: &[u8]) -> Verdict {
    let malformed = || Verdict::Invalid("malformed `x-hub-signature-256` header".into());
    let Some(hex) = value.strip_prefix("sha256=") else {
        return malformed();
    };
    let Some(sig) = lower_hex_decode(hex) else {
        return if upper_hex(hex) {
            Verdict::Invalid(
                "upper-case hex in `x-hub-signature-256` (GitHub sends lower case)".into(),
            )
        } else {
            malformed()
        };
    };
    if secret.is_empty() {
        return Verdict::Invalid(EMPTY_SECRET.into());
    }
    if std::str::from_utf8(body).is_err() {
        return Verdict::Invalid(NOT_TEXT.into());
    }
    if body.is_empty() {
        return Verdict::Invalid("empty body (GitHub signs none; its library refuses it)".into());
    }
    check(secret.as_bytes(), &[body], &[sig])
}

/// stripe-python's `WebhookSignature.verify_header`: items split on `,`, each `key=value`
/// (the value ends at a second `=`); the first `t` is the timestamp, read like Python's
/// `int()` and signed as written by `%d`; any `v1` equal to the lower-case hex HMAC of
/// "t.body" verifies (a non-ASCII one before it fails the header); then the timestamp must not
/// be older than [`TOLERANCE`] (a future one is fine).
fn verify_stripe(secret: &str, value: &str, body: &[u8], now: SystemTime) -> Verdict {
    if secret
        .trim_matches([' ', '\t', '\r', '\n', '\x0c', '\x0b'])
        .is_empty()
    {
        return Verdict::Invalid(EMPTY_SECRET.into());
    }
    if std::str::from_utf8(body).is_err() {
        return Verdict::Invalid(NOT_TEXT.into());
    }
    let malformed = || Verdict::Invalid("malformed `stripe-signature` header".into());
    if value.is_empty() {
        return Verdict::Invalid("empty `stripe-signature` header".into());
    }
    let mut timestamp = None;
    let mut sigs = Vec::new();
    for item in value.split(',') {
        let mut parts = item.splitn(3, '=');
        match (parts.next(), parts.next()) {
            (Some("t"), Some(t)) => timestamp = timestamp.or(Some(t)),
            (Some("v1"), Some(sig)) => sigs.push(sig),
            (Some("t" | "v1"), None) => return malformed(),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return Verdict::Invalid("no timestamp in `stripe-signature`".into());
    };
    let Some(t) = pycompat::int(t) else {
        return Verdict::Invalid(format!("malformed timestamp `{t}`"));
    };
    if sigs.is_empty() {
        return Verdict::Invalid("no `v1` signature in `stripe-signature`".into());
    }
    let mut verdict = Verdict::Invalid("signature does not match".into());
    for sig in sigs {
        if !sig.is_ascii() {
            return Verdict::Invalid("non-ASCII `v1` signature in `stripe-signature`".into());
        }
        let Some(bytes) = lower_hex_decode(sig) else {
            if upper_hex(sig) {
                verdict = Verdict::Invalid(
                    "signature does not match (upper-case hex: Stripe sends lower case)".into(),
                );
            }
            continue;
        };
        if check(
            secret.as_bytes(),
            &[t.text.as_bytes(), b".", body],
            &[bytes],
        ) == Verdict::Verified
        {
            verdict = Verdict::Verified;
            break;
        }
    }
    if verdict != Verdict::Verified {
        return verdict;
    }
    let limit = micros(now) - i128::from(TOLERANCE.as_secs()) * 1_000_000;
    if t.value.saturating_mul(1_000_000) < limit {
        return Verdict::Invalid(stale(t.value.saturating_mul(1_000_000), now));
    }
    Verdict::Verified
}

/// standardwebhooks' `Webhook.verify` (svix's too): the secret is base64 after `whsec_`
/// (padding optional), the timestamp a number within [`TOLERANCE`] either way and signed as
/// its whole seconds, the signature header `v1,<base64>` entries split on single spaces; a
/// malformed entry before the matching one fails the header, as it does in Python.
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
    if std::str::from_utf8(body).is_err() {
        return Verdict::Invalid(NOT_TEXT.into());
    }
    let Some((secs, at)) = pycompat::timestamp(ts) else {
        return Verdict::Invalid(format!("malformed timestamp `{ts}`"));
    };
    let tolerance = i128::from(TOLERANCE.as_secs()) * 1_000_000;
    let now_micros = micros(now);
    if at < now_micros - tolerance || at > now_micros + tolerance {
        return Verdict::Invalid(stale(at, now));
    }
    let secs = secs.to_string();
    let mut any_v1 = false;
    for entry in sigs.split(' ') {
        let mut parts = entry.split(',');
        let (Some(version), Some(sig), None) = (parts.next(), parts.next(), parts.next()) else {
            return Verdict::Invalid(format!(
                "malformed `webhook-signature` entry `{entry}` (expected `v1,<base64>`)"
            ));
        };
        if version != "v1" {
            continue;
        }
        any_v1 = true;
        let Some(sig) = pycompat::b64decode(sig) else {
            return Verdict::Invalid("malformed base64 in `webhook-signature`".into());
        };
        let parts: [&[u8]; 5] = [id.as_bytes(), b".", secs.as_bytes(), b".", body];
        if check(&key, &parts, &[sig]) == Verdict::Verified {
            return Verdict::Verified;
        }
    }
    if any_v1 {
        Verdict::Invalid("signature does not match".into())
    } else {
        Verdict::Invalid("no `v1` signature in `webhook-signature`".into())
    }
}

/// Why the timestamp at `at` (microseconds since the epoch) is outside [`TOLERANCE`] of `now`.
fn stale(at: i128, now: SystemTime) -> String {
    let diff = micros(now) - at;
    let age = diff.unsigned_abs().div_ceil(1_000_000);
    let when = if diff > 0 { "old" } else { "in the future" };
    format!(
        "timestamp is {age} s {when} (tolerance {} s)",
        TOLERANCE.as_secs()
    )
}

fn micros(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_micros()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_micros()).unwrap_or(i128::MAX),
    }
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

/// The key bytes of a Standard Webhooks secret: base64 after an optional `whsec_` prefix, read
/// as the Python libraries read it (`b64decode(secret + "==")`: padding optional, characters
/// outside the alphabet skipped). An empty key is refused, as they refuse it.
pub fn standard_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    match pycompat::b64decode(&format!("{b64}==")) {
        None => Err(WebhookError::InvalidSecret),
        Some(key) if key.is_empty() => Err(WebhookError::EmptySecret),
        Some(key) => Ok(key),
    }
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

/// Lower-case hex only, as GitHub and Stripe write it (and their libraries compare it).
/// Nothing else: no sign, no space, an even number of digits.
fn lower_hex_decode(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Hex that would decode in lower case: worth a word in the verdict.
fn upper_hex(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase()) && lower_hex_decode(&s.to_ascii_lowercase()).is_some()
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
