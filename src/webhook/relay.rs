//! Sending a received event on, byte for byte: `listen --forward-to` and `inbox replay`.

use std::time::Duration;

use bytes::Bytes;
use tokio::io::AsyncReadExt;

use crate::http::{Client, HttpError, ResponseHead};
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

/// The event as a request to `url`: same method, headers (less hop-by-hop ones, those named
/// in `Connection`, `Content-Length` which is recomputed from the same bytes, and `replace`d
/// ones), then `extra` headers, and the exact body bytes.
pub fn request_for(
    event: &Event,
    url: url::Url,
    replace: &[String],
    extra: Vec<(String, String)>,
) -> ResolvedRequest {
    let named: Vec<String> = event
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_ascii_lowercase()))
        .collect();
    let keep = |name: &str| {
        let lower = name.to_ascii_lowercase();
        // `host` is the new connection's own.
        !HOP_BY_HOP.contains(&lower.as_str())
            && lower != "host"
            && lower != "content-length"
            && !named.contains(&lower)
            && !replace.iter().any(|r| r.eq_ignore_ascii_case(&lower))
    };
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
        expect: Expect::default(),
        captures: Vec::new(),
        sign: None,
        expect_webhook: None,
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
pub async fn send(client: &Client, request: &ResolvedRequest) -> Result<Answer, HttpError> {
    let prepared = client.prepare_exact(request)?;
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
    request: &ResolvedRequest,
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
