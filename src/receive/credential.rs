//! `--verify basic` and `--verify bearer`: a fixed `Authorization` header, for senders that
//! sign nothing (mParticle's webhook output, many internal tools). The expected value is a
//! secret; it is compared in constant time and never shown.
//!
//! The comparison is of SHA-256 digests with `subtle`'s constant-time equality, so that
//! neither the content nor the length of the expected value shows in the timing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Failure;
use crate::webhook::Verdict;

/// A `basic` secret must be `user:password` (the form curl's `-u` takes).
pub fn check_basic_secret(secret: &str) -> Result<(), Failure> {
    if secret.contains(':') {
        Ok(())
    } else {
        Err(
            Failure::usage("the secret for `--verify basic` must be `user:password`")
                .with_hint("store it as `user:password` (the value curl's `-u` takes)"),
        )
    }
}

/// A `bearer` secret is the token alone: not empty, no white space.
pub fn check_bearer_secret(secret: &str) -> Result<(), Failure> {
    if secret.is_empty() || secret.chars().any(char::is_whitespace) {
        Err(
            Failure::usage("the secret for `--verify bearer` must be the token alone")
                .with_hint("store the token without `Bearer ` and without white space"),
        )
    } else {
        Ok(())
    }
}

/// The base64 token of `Authorization: Basic …` for `user:password`.
pub fn basic_token(secret: &str) -> String {
    BASE64.encode(secret.as_bytes())
}

/// Constant-time equality of two byte strings of any length.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

/// The one `Authorization` header's scheme and credentials, or the verdict without one.
fn authorization<'h>(headers: &'h [(String, String)], want: &str) -> Result<&'h str, Verdict> {
    let mut found = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"));
    let Some((_, value)) = found.next() else {
        return Err(Verdict::Unsigned);
    };
    if found.next().is_some() {
        return Err(Verdict::Invalid(
            "more than one `Authorization` header".into(),
        ));
    }
    let value = value.trim();
    // RFC 9110 §11.1: the scheme is case-insensitive, then one or more spaces.
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case(want) {
        return Err(Verdict::Invalid(format!(
            "the `Authorization` header is not {want} credentials"
        )));
    }
    Ok(credentials.trim_start_matches(' '))
}

/// `Authorization: Basic <base64 of user:password>` against `user:password`.
pub fn verify_basic(secret: &str, headers: &[(String, String)]) -> Verdict {
    let token = match authorization(headers, "Basic") {
        Ok(token) => token,
        Err(verdict) => return verdict,
    };
    let Ok(decoded) = BASE64.decode(token.trim_end()) else {
        return Verdict::Invalid("the Basic credentials are not base64".into());
    };
    if same(&decoded, secret.as_bytes()) {
        Verdict::Verified
    } else {
        Verdict::Invalid("the credentials do not match".into())
    }
}

/// `Authorization: Bearer <token>` against the token.
pub fn verify_bearer(secret: &str, headers: &[(String, String)]) -> Verdict {
    match authorization(headers, "Bearer") {
        Ok(token) if same(token.trim_end().as_bytes(), secret.as_bytes()) => Verdict::Verified,
        Ok(_) => Verdict::Invalid("the token does not match".into()),
        Err(verdict) => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(value: &str) -> Vec<(String, String)> {
        vec![("authorization".into(), value.into())]
    }

    #[test]
    fn basic_matches_only_the_same_credentials() {
        let good = format!("Basic {}", BASE64.encode("mp:s3cret"));
        assert_eq!(verify_basic("mp:s3cret", &auth(&good)), Verdict::Verified);
        let lower = format!("basic  {}", BASE64.encode("mp:s3cret"));
        assert_eq!(verify_basic("mp:s3cret", &auth(&lower)), Verdict::Verified);
        let other = format!("Basic {}", BASE64.encode("mp:s3cre"));
        assert!(matches!(
            verify_basic("mp:s3cret", &auth(&other)),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verify_basic("mp:s3cret", &auth("Basic !!")),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verify_basic("mp:s3cret", &auth("Bearer x")),
            Verdict::Invalid(_)
        ));
        assert_eq!(verify_basic("mp:s3cret", &[]), Verdict::Unsigned);
        let twice = [auth(&good), auth(&good)].concat();
        assert!(matches!(
            verify_basic("mp:s3cret", &twice),
            Verdict::Invalid(_)
        ));
    }

    #[test]
    fn bearer_matches_only_the_same_token() {
        assert_eq!(verify_bearer("tok", &auth("Bearer tok")), Verdict::Verified);
        assert_eq!(verify_bearer("tok", &auth("bearer tok")), Verdict::Verified);
        assert!(matches!(
            verify_bearer("tok", &auth("Bearer tok2")),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verify_bearer("tok", &auth("Bearer")),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verify_bearer("tok", &auth("Basic tok")),
            Verdict::Invalid(_)
        ));
        assert_eq!(verify_bearer("tok", &[]), Verdict::Unsigned);
    }

    #[test]
    fn reasons_never_hold_the_secret() {
        for verdict in [
            verify_basic("mp:s3cret", &auth("Basic bXA6d3Jvbmc=")),
            verify_bearer("s3cret", &auth("Bearer s3cre")),
        ] {
            let Verdict::Invalid(why) = verdict else {
                panic!("expected invalid")
            };
            assert!(!why.contains("s3cret") && !why.contains("s3cre"), "{why}");
        }
    }

    #[test]
    fn secrets_are_checked_for_their_form() {
        assert!(check_basic_secret("user:pw").is_ok());
        assert!(check_basic_secret("nocolon").is_err());
        assert!(check_bearer_secret("tok").is_ok());
        assert!(check_bearer_secret("Bearer tok").is_err());
        assert!(check_bearer_secret("").is_err());
    }
}
