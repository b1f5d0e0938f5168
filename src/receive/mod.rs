//! What `postie listen` decides about each request as it arrives, before it is stored: its
//! verification (`--verify`: a signature scheme, or a static `basic` / `bearer` credential)
//! and its answer (`--rules FILE`, `--reject-invalid`). [`Gate`] is the listener's
//! [`crate::inbox::Script`].

use std::time::SystemTime;

use crate::error::Failure;
use crate::inbox::{Event, Script, Scripted, Verification, VerifyResult};
use crate::signing::Scheme;
use crate::webhook::{self, Verdict};

pub mod credential;
pub mod relay;
pub mod rules;

pub use rules::Rules;

/// What `--verify` checks, with its expected value (a secret: never shown).
#[derive(Clone)]
pub enum Verifier {
    /// A signature scheme and its signing secret.
    Signature(Scheme, String),
    /// `Authorization: Basic <base64 of user:password>`; the secret is `user:password`.
    Basic(String),
    /// `Authorization: Bearer <token>`; the secret is the token.
    Bearer(String),
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verifier({})", self.name())
    }
}

impl Verifier {
    /// `--verify SCHEME` with the secret it names: `basic`, `bearer` or a signature scheme.
    pub fn new(scheme: &str, secret: String) -> Result<Verifier, Failure> {
        match scheme.to_ascii_lowercase().as_str() {
            "basic" => credential::check_basic_secret(&secret).map(|()| Verifier::Basic(secret)),
            "bearer" => credential::check_bearer_secret(&secret).map(|()| Verifier::Bearer(secret)),
            _ => {
                let scheme: Scheme = scheme.parse().map_err(|e| {
                    Failure::usage(format!("{e}")).with_hint(
                        "for a fixed `Authorization` header use `--verify basic` or `--verify bearer`",
                    )
                })?;
                Ok(Verifier::Signature(scheme, secret))
            }
        }
    }

    /// The scheme's name as shown and stored (`basic`, `github`, `hmac:x-sig`).
    pub fn name(&self) -> String {
        match self {
            Verifier::Signature(scheme, _) => scheme.to_string(),
            Verifier::Basic(_) => "basic".into(),
            Verifier::Bearer(_) => "bearer".into(),
        }
    }

    /// Values derived from the secret that a display must also mask (the base64 of a Basic
    /// credential).
    pub fn derived_secrets(&self) -> Vec<String> {
        match self {
            Verifier::Basic(secret) => vec![credential::basic_token(secret)],
            _ => Vec::new(),
        }
    }

    /// Check one request.
    pub fn verify(&self, event: &Event, now: SystemTime) -> Verification {
        let verdict = match self {
            Verifier::Signature(scheme, secret) => {
                webhook::verify(scheme, secret, &event.headers, &event.body, now)
            }
            Verifier::Basic(secret) => credential::verify_basic(secret, &event.headers),
            Verifier::Bearer(secret) => credential::verify_bearer(secret, &event.headers),
        };
        verification(self.name(), verdict)
    }
}

/// A [`Verdict`] as stored.
pub fn verification(scheme: String, verdict: Verdict) -> Verification {
    let (result, reason) = match verdict {
        Verdict::Verified => (VerifyResult::Verified, None),
        Verdict::Unsigned => (VerifyResult::Unsigned, None),
        Verdict::Invalid(why) => (VerifyResult::Invalid, Some(why)),
        Verdict::NotVerified(why) => (VerifyResult::NotVerified, Some(why)),
    };
    Verification {
        scheme,
        result,
        reason,
    }
}

/// The listener's decisions: verify (and with `reject_invalid` answer `401` to a request that
/// fails it), then the first matching rule, else the listener's usual answer.
#[derive(Debug)]
pub struct Gate {
    pub verifier: Option<Verifier>,
    /// Answer `401` to requests whose verification is `invalid` or `unsigned` (they are
    /// still stored, marked).
    pub reject_invalid: bool,
    pub rules: Option<Rules>,
}

impl Gate {
    /// Whether there is anything to do per request.
    pub fn is_active(&self) -> bool {
        self.verifier.is_some() || self.rules.is_some()
    }
}

impl Script for Gate {
    fn inspect(&self, event: &mut Event) -> Option<Scripted> {
        // A request that came through a relay may already say why it cannot be checked.
        if event.marks.verification.is_none()
            && let Some(verifier) = &self.verifier
        {
            event.marks.verification = Some(verifier.verify(event, SystemTime::now()));
        }
        let rejected =
            event.marks.verification.as_ref().is_some_and(|v| {
                matches!(v.result, VerifyResult::Invalid | VerifyResult::Unsigned)
            });
        if self.reject_invalid && rejected {
            return Some(unauthorized(self.verifier.as_ref()));
        }
        self.rules.as_ref().and_then(|rules| rules.answer(event))
    }
}

/// The `401` for a rejected request: a JSON error, and `WWW-Authenticate` for `basic` and
/// `bearer` (RFC 9110 §11.6.1 requires it with a 401).
fn unauthorized(verifier: Option<&Verifier>) -> Scripted {
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    match verifier {
        Some(Verifier::Basic(_)) => {
            headers.push(("www-authenticate".into(), "Basic realm=\"postie\"".into()))
        }
        Some(Verifier::Bearer(_)) => headers.push(("www-authenticate".into(), "Bearer".into())),
        _ => {}
    }
    Scripted {
        status: 401,
        headers,
        body: bytes::Bytes::from_static(b"{\"error\":\"verification failed\"}\n"),
        delay: None,
    }
}
