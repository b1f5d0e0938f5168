//! Sending a received event on, byte for byte: `listen --forward-to` and `inbox replay`.

use std::time::Duration;

use bytes::Bytes;
use tokio::io::AsyncReadExt;

use crate::http::{Client, HttpError, ResponseHead, WireHead};
use crate::inbox::{Event, HOP_BY_HOP};
use crate::request::{Body, Expect, ResolvedRequest};

/// Waits before the 2nd, 3rd and 4th attempt of a failed forward.
pub const BACKOFF: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// Most bytes of the app's answer kept for display.
const SHOWN_BODY: u64 = 64 * 1024;

/// `--forward-to http://127.0.0.1:3000/hooks` and an event for `/github?x=1` give
/// `http://127.0.0.1:3000/hooks/github?x=1`; an event for `/` gives the base URL itself.
pub fn forward_url(base: &url::Url, event: &Event) -> url::Url {
    let mut url = base.clone();
    if event.path != "/" && !event.path.is_empty() {
        let joined = format!("{}{}", base.path().trim_end_matches('/'), event.path);
        url.set_path(&joined);
    }
    if let Some(q) = &event.query {
        let query = match base.query() {
            Some(bq) if !bq.is_empty() => format!("{bq}&{q}"),
            _ => q.clone(),
        };
        url.set_query(Some(&query));
    }
    url
}

/// The target `listen --forward-to` sends an event captured on the wire to, byte for byte:
/// the base URL's path (without its trailing `/`) then the event's target as received (dot
/// segments, `\\`, quotes, raw UTF-8 and a `#…` kept), the base's query first when it has
/// one. An absolute-form target (`http://host/p?q`) gives its path and query (the app gets
/// origin form); `*` and authority-form (`CONNECT`) targets give `None`: [`forward_url`].
pub fn forward_target(base: &url::Url, event: &Event) -> Option<Vec<u8>> {
    let raw = &event.wire.as_ref()?.target;
    let origin: &[u8] = if raw.starts_with(b"/") {
        raw
    } else {
        let scheme_end = raw.windows(3).position(|w| w == b"://")? + 3;
        let rest = &raw[scheme_end..];
        let path_at = rest.iter().position(|&b| matches!(b, b'/' | b'?' | b'#'));
        match path_at {
            Some(at) if rest[at] == b'/' => &rest[at..],
            Some(at) => &rest[at..],
            None => b"/",
        }
    };
    let (path, query) = match origin.iter().position(|&b| b == b'?') {
        Some(q) => (&origin[..q], Some(&origin[q + 1..])),
        None => (origin, None),
    };
    let mut target = Vec::with_capacity(base.path().len() + origin.len() + 1);
    let base_path = base.path().trim_end_matches('/');
    if path.is_empty() || path == b"/" {
        target.extend_from_slice(base.path().as_bytes());
    } else {
        target.extend_from_slice(base_path.as_bytes());
        if !path.starts_with(b"/") {
            target.push(b'/');
        }
        target.extend_from_slice(path);
    }
    match (base.query().filter(|q| !q.is_empty()), query) {
        (Some(bq), Some(q)) => {
            target.push(b'?');
            target.extend_from_slice(bq.as_bytes());
            target.push(b'&');
            target.extend_from_slice(q);
        }
        (Some(bq), None) => {
            target.push(b'?');
            target.extend_from_slice(bq.as_bytes());
        }
        (None, Some(q)) => {
            target.push(b'?');
            target.extend_from_slice(q);
        }
        (None, None) => {}
    }
    Some(target)
}

/// A relay: the request, and for an event captured on the wire, its head's bytes.
#[derive(Debug, Clone)]
pub struct Relayed {
    pub request: ResolvedRequest,
    /// `None` for HTTP/2 events and those stored before heads were kept: sent from
    /// `request.headers` (lower-case names, repeated names grouped, lossy values).
    pub wire: Option<WireHead>,
}

/// [`request_for`] with the event's header lines as they came (same filter, same `extra`),
/// to the URL's own target, or to `target` when given (see [`forward_target`]).
pub fn relayed_for(
    event: &Event,
    url: url::Url,
    target: Option<Vec<u8>>,
    replace: &[String],
    extra: Vec<(String, String)>,
) -> Relayed {
    let keep = keeper(event, replace);
    let wire = event.wire.as_ref().map(|wire| {
        let mut headers: Vec<(Vec<u8>, Vec<u8>)> = wire
            .headers
            .iter()
            .filter(|(n, _)| keep(&String::from_utf8_lossy(n)))
            .cloned()
            .collect();
        headers.extend(
            extra
                .iter()
                .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec())),
        );
        WireHead { target, headers }
    });
    Relayed {
        request: request_for(event, url, replace, extra),
        wire,
    }
}

/// Which received headers a relay keeps: not hop-by-hop ones, those named in `Connection`,
/// `Host` (the new connection's own), `Content-Length` (recomputed from the same bytes) and
/// `replace`d ones.
fn keeper<'a>(event: &Event, replace: &'a [String]) -> impl Fn(&str) -> bool + 'a {
    let named: Vec<String> = event
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_ascii_lowercase()))
        .collect();
    move |name: &str| {
        let lower = name.to_ascii_lowercase();
        !HOP_BY_HOP.contains(&lower.as_str())
            && lower != "host"
            && lower != "content-length"
            && !named.contains(&lower)
            && !replace.iter().any(|r| r.eq_ignore_ascii_case(&lower))
    }
}

/// The event as a request to `url`: same method, headers (less hop-by-hop ones, those named
/// in `Connection`, `Content-Length` which is recomputed from the same bytes, and `replace`d
/// ones), then `extra` headers, and the exact body bytes.
pub fn request_for(
    event: &Event,
    url: url::Url,
    replace: &[String],
    extra: Vec<(String, String)>,
) -> ResolvedRequest {
    let keep = keeper(event, replace);
    let mut headers: Vec<(String, String)> = event
        .headers
        .iter()
        .filter(|(n, _)| keep(n))
        .cloned()
        .collect();
    headers.extend(extra);
    let body = if event.body.is_empty() && !has_body_framing(event) {
        Body::None
    } else {
        Body::Bytes(event.body.to_vec())
    };
    ResolvedRequest {
        name: format!("#{}", event.id),
        method: event.method.clone(),
        url,
        headers,
        without_headers: Vec::new(),
        body,
        timeout: Some(Duration::from_secs(30)),
        follow_redirects: false,
        max_redirects: None,
        expect: Expect::default(),
        captures: Vec::new(),
        sign: None,
        expect_webhook: None,
        routes: crate::route::Routes::default(),
    }
}

fn has_body_framing(event: &Event) -> bool {
    event.header("content-length").is_some() || event.header("transfer-encoding").is_some()
}

/// The app's answer: its head and the start of its body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub head: ResponseHead,
    pub body: Bytes,
}

/// Send once, with exactly the request's headers: nothing added but `host` and
/// `content-length` (see [`Client::prepare_exact`]), so signatures over headers still match.
pub async fn send(client: &Client, relayed: &Relayed) -> Result<Answer, HttpError> {
    let prepared = match &relayed.wire {
        Some(wire) => client.prepare_wire(&relayed.request, wire.clone())?,
        None => client.prepare_exact(&relayed.request)?,
    };
    let response = client.execute(prepared).await?;
    let head = response.head.clone();
    let (reader, _) = response.into_body();
    let mut body = Vec::new();
    // A body that breaks off is still an answer: show what came.
    let _ = reader.take(SHOWN_BODY).read_to_end(&mut body).await;
    Ok(Answer {
        head,
        body: Bytes::from(body),
    })
}

/// Send, retrying network failures, `429` and `5xx` after each of `backoff`; returns the
/// number of attempts and the last outcome.
pub async fn send_with_retries(
    client: &Client,
    request: &Relayed,
    backoff: &[Duration],
) -> (u32, Result<Answer, HttpError>) {
    let mut attempts = 1;
    let mut waits = backoff.iter();
    loop {
        let result = send(client, request).await;
        let retry = match &result {
            Ok(answer) => answer.head.status == 429 || answer.head.status >= 500,
            Err(_) => true,
        };
        match waits.next() {
            Some(wait) if retry => {
                tokio::time::sleep(*wait).await;
                attempts += 1;
            }
            _ => return (attempts, result),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn event(path: &str, query: Option<&str>, headers: &[(&str, &str)]) -> Event {
        Event {
            id: 9,
            received_at: SystemTime::UNIX_EPOCH,
            remote: ([127, 0, 0, 1], 1).into(),
            method: "PATCH".into(),
            path: path.into(),
            query: query.map(str::to_owned),
            version: "HTTP/1.1".into(),
            authority: None,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Bytes::from_static(b"\x1f\x8b raw"),
            body_truncated: false,
            wire: None,
            marks: Default::default(),
        }
    }

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap_or_else(|_| panic!("test URL {s}"))
    }

    #[test]
    fn forward_urls_append_the_path_and_query() {
        let base = url("http://127.0.0.1:3000/hooks");
        let to = |p, q| forward_url(&base, &event(p, q, &[])).to_string();
        assert_eq!(
            to("/github", Some("a=1")),
            "http://127.0.0.1:3000/hooks/github?a=1"
        );
        assert_eq!(to("/", None), "http://127.0.0.1:3000/hooks");
        let slash = url("http://127.0.0.1:3000/hooks/?k=v");
        let e = event("/x", Some("a=1"), &[]);
        assert_eq!(
            forward_url(&slash, &e).to_string(),
            "http://127.0.0.1:3000/hooks/x?k=v&a=1"
        );
    }

    #[test]
    fn hop_by_hop_headers_are_dropped_and_the_rest_kept_in_order() {
        let e = event(
            "/",
            None,
            &[
                ("host", "a"),
                ("content-type", "application/json"),
                ("connection", "keep-alive, x-secret-hop"),
                ("x-secret-hop", "1"),
                ("transfer-encoding", "chunked"),
                ("content-encoding", "gzip"),
                ("x-a", "1"),
                ("x-a", "2"),
                ("stripe-signature", "old"),
            ],
        );
        let replace = vec!["stripe-signature".to_owned()];
        let extra = vec![("stripe-signature".to_owned(), "new".to_owned())];
        let req = request_for(&e, url("http://127.0.0.1:1/"), &replace, extra);
        let names: Vec<(&str, &str)> = req
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
                ("x-a", "1"),
                ("x-a", "2"),
                ("stripe-signature", "new"),
            ]
        );
        assert_eq!(req.method, "PATCH");
        assert_eq!(req.body, Body::Bytes(b"\x1f\x8b raw".to_vec()));
    }
}
