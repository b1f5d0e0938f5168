//! Webhook signature schemes by name: what a collection's `sign = { scheme = … }`, a
//! request's `Signing` and `postie listen --verify` agree on. The signing and checking
//! themselves are in `webhook`.

use std::fmt;
use std::str::FromStr;

/// The header used by `hmac` when none is named.
pub const DEFAULT_HMAC_HEADER: &str = "x-signature";

/// A signature scheme, as named on the command line (`github`, `stripe`, `standard` or
/// `svix`, `hmac` or `hmac:HEADER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// `X-Hub-Signature-256: sha256=<hex HMAC of the body>`.
    Github,
    /// `Stripe-Signature: t=<unix>,v1=<hex HMAC of "t.body">`.
    Stripe,
    /// Standard Webhooks (Svix): `webhook-signature: v1,<base64 HMAC of "id.timestamp.body">`.
    Standard,
    /// A hex HMAC of the body in the named header (lower-case).
    Hmac { header: String },
}

/// Why a scheme name, a secret or a signature header could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The scheme name is not one we know.
    #[error(
        "unknown signature scheme `{0}` (expected `github`, `stripe`, `standard`, `svix` or `hmac:HEADER`)"
    )]
    UnknownScheme(String),
    /// A Standard Webhooks secret that is not base64 after its `whsec_` prefix.
    #[error("the signing secret is not a `whsec_` base64 secret")]
    InvalidSecret,
    /// A Standard Webhooks secret whose key is empty (`whsec_` alone).
    #[error("the signing secret is empty after its `whsec_` prefix")]
    EmptySecret,
}

impl FromStr for Scheme {
    type Err = WebhookError;

    fn from_str(s: &str) -> Result<Scheme, WebhookError> {
        match s.to_ascii_lowercase().as_str() {
            "github" => Ok(Scheme::Github),
            "stripe" => Ok(Scheme::Stripe),
            "standard" | "standard-webhooks" | "svix" => Ok(Scheme::Standard),
            "hmac" => Ok(Scheme::Hmac {
                header: DEFAULT_HMAC_HEADER.to_owned(),
            }),
            other => match other.strip_prefix("hmac:") {
                Some(header) if !header.trim().is_empty() => Ok(Scheme::Hmac {
                    header: header.trim().to_owned(),
                }),
                _ => Err(WebhookError::UnknownScheme(s.to_owned())),
            },
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::Github => f.write_str("github"),
            Scheme::Stripe => f.write_str("stripe"),
            Scheme::Standard => f.write_str("standard"),
            Scheme::Hmac { header } => write!(f, "hmac:{header}"),
        }
    }
}
