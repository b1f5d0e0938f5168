//! Following redirects ourselves (reqwest's client never follows one: `Policy::none()`), so
//! that nothing holding a secret goes on to another origin.
//!
//! - Same method and body for 307/308 (only when the body can be sent again: in memory; a
//!   streamed file body stops at the 3xx, as reqwest does); `GET` without a body for 303
//!   (`HEAD` stays `HEAD`) and for a `POST` answered with 301/302, as reqwest and curl do.
//! - No `Referer` (curl, Hurl and xh send none).
//! - On a redirect to another origin (scheme, host or port differ), the headers reqwest and
//!   curl drop (`Authorization`, `Cookie`, `Cookie2`, `Proxy-Authorization`,
//!   `WWW-Authenticate`), and also every header and every query parameter of the new URL whose
//!   value holds a secret of the run, in any form the masker knows, are not sent on.
//! - A `Location` that is not an `http`/`https` URL (`file:`, `data:`, ...), that does not
//!   parse (a port over 65535) or names port 0 is an error, not a 3xx to stop at.

use std::time::Instant;

use reqwest::header::{self, HeaderMap};

use crate::util::mask::Masker;

use super::HttpError;

/// One redirect followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    pub from: url::Url,
    pub to: url::Url,
    /// What was not sent on (another origin): header names as sent (lower case), then query
    /// parameters as `?name`.
    pub dropped: Vec<String>,
}

/// Why following failed.
pub(crate) enum Failure {
    Own(HttpError),
    Send(reqwest::Error),
}

/// Headers never sent to another origin (reqwest's and curl's list).
const CREDENTIAL_HEADERS: [&str; 5] = [
    "authorization",
    "cookie",
    "cookie2",
    "proxy-authorization",
    "www-authenticate",
];

/// How to follow redirects for one request.
pub(crate) struct Hops<'a> {
    pub(crate) follow: bool,
    /// At most this many redirects.
    pub(crate) max: usize,
    /// The whole request's deadline, across hops.
    pub(crate) deadline: Option<Instant>,
    pub(crate) secrets: &'a Masker,
    /// The run's cookie jar: every response's `Set-Cookie` goes in.
    pub(crate) jar: Option<&'a super::Jar>,
    /// The request's `Cookie` header came from the jar: each hop gets the jar's cookies for
    /// its own URL instead of the first one's.
    pub(crate) jar_cookie: bool,
    /// `--resolve`/`--connect-to`: set on the recorder for each hop's URL.
    pub(crate) routes: &'a crate::route::Routes,
    pub(crate) recorder: &'a super::timing::Recorder,
    /// For the HTTP/1.1 client of a hop whose port a route changes.
    pub(crate) client: &'a super::Client,
}

/// Send `request`, following up to `hops.max` redirects when `hops.follow`; the response, the
/// redirects and the URL of the response as asked for.
pub(crate) async fn follow(
    client: &reqwest::Client,
    mut request: reqwest::Request,
    hops: &Hops<'_>,
) -> Result<(reqwest::Response, Vec<Redirect>, url::Url), Failure> {
    let Hops {
        follow,
        max,
        deadline,
        secrets,
        ..
    } = *hops;
    let first = request.url().clone();
    let mut redirects = Vec::new();
    loop {
        if let Some(deadline) = deadline {
            // The request's timeout covers every hop.
            *request.timeout_mut() = Some(
                deadline
                    .saturating_duration_since(Instant::now())
                    .max(MIN_HOP),
            );
        }
        let (route, port) = route(hops.routes, request.url()).map_err(Failure::Own)?;
        hops.recorder.set_route(route);
        let again = if follow { request.try_clone() } else { None };
        let from = request.url().clone();
        let method = request.method().clone();
        let sent_headers = request.headers().clone();
        let response = match port {
            None => client.execute(request).await,
            Some(port) => {
                let http1 = hops.client.http1().map_err(Failure::Own)?;
                http1.execute(to_port(request, port)).await
            }
        }
        .map_err(Failure::Send)?;
        if let Some(jar) = hops.jar {
            jar.store_from(response.headers(), &from, secrets);
        }
        let status = response.status().as_u16();
        if !follow || !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return Ok((response, redirects, from));
        }
        let Some(location) = response.headers().get(header::LOCATION) else {
            return Ok((response, redirects, from));
        };
        let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
        let mut to = next_url(&from, &location).map_err(Failure::Own)?;
        if redirects.len() >= max {
            return Err(Failure::Own(HttpError::TooManyRedirects {
                url: first.to_string(),
                max,
            }));
        }
        let to_get = status == 303 && method != reqwest::Method::HEAD
            || matches!(status, 301 | 302) && method == reqwest::Method::POST;
        let mut next = if to_get {
            let mut next = reqwest::Request::new(reqwest::Method::GET, to.clone());
            *next.headers_mut() = sent_headers;
            for name in [
                header::CONTENT_TYPE,
                header::CONTENT_LENGTH,
                header::CONTENT_ENCODING,
                header::TRANSFER_ENCODING,
            ] {
                next.headers_mut().remove(name);
            }
            next
        } else {
            match again {
                Some(next) => next,
                // The body cannot be sent again (a streamed file): stop here, as reqwest does.
                None => return Ok((response, redirects, from)),
            }
        };
        if hops.jar_cookie {
            next.headers_mut().remove(header::COOKIE);
        }
        let mut dropped = Vec::new();
        if !same_origin(&from, &to) {
            drop_secrets(next.headers_mut(), &mut to, secrets, &mut dropped);
        }
        if let (Some(jar), true) = (hops.jar, hops.jar_cookie)
            && let Some(value) = jar.header_for(&to)
            && let Ok(value) = header::HeaderValue::from_str(&value)
        {
            next.headers_mut().insert(header::COOKIE, value);
        }
        *next.url_mut() = to.clone();
        redirects.push(Redirect {
            status,
            from,
            to,
            dropped,
        });
        request = next;
    }
}

/// A hop's route (keyed by host name) for the resolver, and the port to send to instead.
type HopRoute = (Option<(String, crate::route::Route)>, Option<u16>);

/// The `--resolve`/`--connect-to` route of a hop to `url`, keyed by its host name, and the
/// port to send to when the route changes a port the URL names (hyper's connector always
/// connects to that one); an error for a URL whose host is an IP literal, which the
/// connector takes as it is, without asking the resolver.
fn route(routes: &crate::route::Routes, url: &url::Url) -> Result<HopRoute, HttpError> {
    let Some(route) = routes.route_for(url) else {
        return Ok((None, None));
    };
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let changes = !route.addrs.is_empty() || route.host != bare || route.port != port;
    if !matches!(url.host(), Some(url::Host::Domain(_))) {
        return if changes {
            Err(HttpError::Route {
                url: url.to_string(),
                reason: "its host is an IP address, which is never resolved".to_owned(),
            })
        } else {
            Ok((None, None))
        };
    }
    let to_port = (url.port().is_some() && route.port != port).then_some(route.port);
    Ok((Some((host.to_owned(), route)), to_port))
}

/// `request` sent to `port` instead of the one its URL names, as curl's `--connect-to` does:
/// the URL's port changes for the connector only; `Host` keeps the URL's authority (unless the
/// request sets its own), TLS the host name. Sent over HTTP/1.1, where `Host` is the
/// authority (HTTP/2's `:authority` comes from the URL).
fn to_port(mut request: reqwest::Request, port: u16) -> reqwest::Request {
    let url = request.url().clone();
    if !request.headers().contains_key(header::HOST)
        && let Some(host) = url.host_str()
        && let Ok(value) =
            header::HeaderValue::from_str(&format!("{host}:{}", url.port().unwrap_or_default()))
    {
        request.headers_mut().insert(header::HOST, value);
    }
    let _ = request.url_mut().set_port(Some(port));
    request
}

/// The smallest timeout a hop gets (a deadline already passed still times out, at once).
const MIN_HOP: std::time::Duration = std::time::Duration::from_millis(1);

/// The URL a `Location` names, resolved against the request's URL; an error for anything but
/// an `http`/`https` URL on a usable port.
fn next_url(from: &url::Url, location: &str) -> Result<url::Url, HttpError> {
    let bad = |reason: &str| HttpError::BadRedirect {
        location: location.to_owned(),
        reason: reason.to_owned(),
    };
    let to = from
        .join(location)
        .map_err(|e| bad(&format!("not a valid URL ({e})")))?;
    if to.scheme() != "http" && to.scheme() != "https" {
        return Err(bad(&format!(
            "postie follows only http and https redirects, not `{}:`",
            to.scheme()
        )));
    }
    if to.port() == Some(0) {
        return Err(bad("port 0 cannot be connected to"));
    }
    if to.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    Ok(to)
}

/// Same scheme, host and port (the port a scheme implies counts).
pub(crate) fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Remove the credential headers, the headers holding a secret and the query parameters of
/// `to` holding one; name each in `dropped`.
fn drop_secrets(
    headers: &mut HeaderMap,
    to: &mut url::Url,
    secrets: &Masker,
    dropped: &mut Vec<String>,
) {
    let names: Vec<header::HeaderName> = headers.keys().cloned().collect();
    for name in names {
        let holds = CREDENTIAL_HEADERS.contains(&name.as_str())
            || headers
                .get_all(&name)
                .iter()
                .any(|v| secrets.holds_secret(&String::from_utf8_lossy(v.as_bytes())));
        if holds {
            headers.remove(&name);
            dropped.push(name.as_str().to_owned());
        }
    }
    let Some(query) = to.query().map(str::to_owned) else {
        return;
    };
    let mut kept = Vec::new();
    for segment in query.split('&') {
        let decoded: Vec<(String, String)> = url::form_urlencoded::parse(segment.as_bytes())
            .into_owned()
            .collect();
        let holds = secrets.holds_secret(segment)
            || decoded
                .iter()
                .any(|(k, v)| secrets.holds_secret(k) || secrets.holds_secret(v));
        if holds {
            let name = decoded.first().map(|(k, _)| k.as_str()).unwrap_or(segment);
            dropped.push(format!("?{name}"));
        } else {
            kept.push(segment);
        }
    }
    if kept.len() != query.split('&').count() {
        if kept.is_empty() {
            to.set_query(None);
        } else {
            to.set_query(Some(&kept.join("&")));
        }
    }
}
