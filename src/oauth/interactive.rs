//! Grants that need a person: authorization code with PKCE through a loopback redirect, and
//! the device code grant.

use super::OAuthOptions;
use super::token::Tokens;
use crate::error::{Code, Failure};
use crate::http::Client;
use crate::request::OAuth2;
use crate::util::mask::Masker;

pub async fn obtain(
    _client: &Client,
    _masker: &Masker,
    _options: &OAuthOptions,
    cfg: &OAuth2,
) -> Result<Tokens, Failure> {
    Err(Failure::new(
        Code::Secret,
        format!("OAuth2 grant `{}` is not supported yet", cfg.grant.name()),
    ))
}
