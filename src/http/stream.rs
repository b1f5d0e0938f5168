//! A client for long-lived streams (`postie listen --relay`'s server-sent events): the same
//! TLS setup and proxies as [`super::Client`], a connect timeout, no overall timeout (a stream
//! stays open for hours), and no compression (an event must not wait in a decoder's buffer).

use std::time::Duration;

use super::error::HttpError;
use super::{innermost, proxy, tls};

/// How long a stream's connection may take to open.
pub const STREAM_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A reqwest client for event streams.
pub fn stream_client() -> Result<reqwest::Client, HttpError> {
    let tls = tls::client_config(false, &[])?;
    let proxies = proxy::from_env(|name| std::env::var(name).ok())
        .map_err(|reason| HttpError::Proxy { reason })?;
    let mut builder = reqwest::Client::builder().no_proxy();
    for proxy in &proxies {
        builder = builder.proxy(proxy.clone());
    }
    builder
        .tls_backend_preconfigured(tls)
        .connect_timeout(STREAM_CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(5))
        .referer(false)
        .build()
        .map_err(|e| HttpError::TlsSetup {
            reason: innermost(&e),
        })
}

/// The innermost cause of a stream's error, for a one-line message.
pub fn describe(err: &reqwest::Error) -> String {
    innermost(err)
}
