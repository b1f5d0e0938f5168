//! `postie listen --relay URL`: consume a smee.io or gosmee channel (server-sent events, one
//! per delivery the relay received) and treat each delivery as if it had arrived on the local
//! port: checked by the [`Gate`], stored (durably) first, then shown, forwarded and replayable
//! like any event.
//!
//! The channel formats, as the relays' own code writes them:
//! - **gosmee** (`chmouel/gosmee`, `server.go`): the SSE stream is at `BASE/events/CHANNEL`
//!   for a channel `BASE/CHANNEL`; each delivery is an unnamed event whose data is a JSON
//!   object: every request header (lower-case name, first value), `timestamp` (Unix
//!   milliseconds, a string) and `bodyB`, the body's exact bytes in base64. Control events:
//!   `{"message":"connected"}`, `{"message":"ready"}`, and `: keepalive` comments.
//! - **smee.io** (`probot/smee.io`, `lib/server.js`): the stream is the channel URL itself
//!   (asked with `Accept: text/event-stream`); each delivery is an unnamed event with
//!   `{...headers, body, query, timestamp}`, where `body` is the JSON body as parsed and
//!   re-serialised by the relay, `query` the query parameters as an object and `timestamp` a
//!   number; control events are named `ready` and `ping`. smee-client sends the body on as
//!   `JSON.stringify(body)`; postie does the same (`serde_json`, keys in their order).
//!   A signature over the original bytes therefore cannot be checked: such deliveries are
//!   marked "not verified" (never "invalid"). Static credentials (`--verify basic|bearer`)
//!   are in the headers, which both relays keep, and are checked as usual.
//!
//! Neither relay carries the request path, so events have the path `/` (with smee's query);
//! the method is `POST` (the only one either relay accepts).
//!
//! Reconnection: after the stream ends or fails, postie waits 0.5 s, then doubles the wait up
//! to 30 s; a connection that delivered its ready event resets it. `Last-Event-ID` is sent
//! with the last id seen, as SSE clients do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use eventsource_stream::Eventsource as _;
use futures_util::StreamExt as _;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::inbox::durable::Durable;
use crate::inbox::{Event, Marks, Script};

use super::{Gate, Verifier, verification};

/// Why a signature cannot be checked on a channel that re-serialises the body.
pub const REWRITTEN: &str = "the relay re-serialised the body (smee.io): signatures cannot be verified on this channel; use gosmee, which keeps the exact bytes, or a tunnel";

/// The first and the longest wait between reconnections.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(500);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Largest event data accepted from a relay (the local body limit plus base64's growth and
/// the headers); a larger event ends the connection.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One message of a channel.
#[derive(Debug, PartialEq)]
pub enum Message {
    /// `ready`, `ping`, `{"message":"connected"}`: nothing arrived.
    Control,
    /// A delivery, and whether its body is the exact bytes the relay received.
    Delivery(Box<Event>, bool),
    /// Not a delivery postie can read: why (shown, not stored).
    Unreadable(String),
}

/// Read one SSE event (`name` is its `event:` field, empty for unnamed ones).
pub fn parse_message(name: &str, data: &str, relay: &str, now: SystemTime) -> Message {
    if matches!(name, "ready" | "ping") {
        return Message::Control;
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(data) else {
        return Message::Unreadable("the event's data is not a JSON object".into());
    };
    if map.is_empty() || is_control(&map) {
        return Message::Control;
    }
    let (body, exact) = match (map.get("bodyB"), map.get("body")) {
        (Some(Value::String(b64)), _) => {
            match base64::engine::general_purpose::STANDARD.decode(b64) {
                Ok(bytes) => (bytes, true),
                Err(_) => return Message::Unreadable("`bodyB` is not base64".into()),
            }
        }
        (_, Some(body)) => (serde_json::to_vec(body).unwrap_or_default(), false),
        (_, None) => (Vec::new(), false),
    };
    let headers: Vec<(String, String)> = map
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "body" | "bodyB" | "query" | "timestamp"))
        .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_owned())))
        .collect();
    let query = map
        .get("query")
        .and_then(Value::as_object)
        .and_then(query_text);
    let received_at = map
        .get("timestamp")
        .and_then(|t| t.as_u64().or_else(|| t.as_str()?.parse().ok()))
        .map_or(now, |ms| UNIX_EPOCH + Duration::from_millis(ms));
    let authority = headers
        .iter()
        .find(|(n, _)| n == "host")
        .map(|(_, v)| v.clone());
    let event = Event {
        id: 0,
        received_at,
        remote: SocketAddr::from(([0, 0, 0, 0], 0)),
        method: "POST".into(),
        path: "/".into(),
        query,
        version: "HTTP/1.1".into(),
        authority,
        headers,
        body: bytes::Bytes::from(body),
        body_truncated: false,
        wire: None,
        marks: Marks {
            verification: None,
            relay: Some(relay.to_owned()),
        },
    };
    Message::Delivery(Box::new(event), exact)
}

fn is_control(map: &Map<String, Value>) -> bool {
    map.len() == 1
        && map
            .get("message")
            .and_then(Value::as_str)
            .is_some_and(|m| m.eq_ignore_ascii_case("connected") || m.eq_ignore_ascii_case("ready"))
}

/// smee's `query` object as a query string (`a=1&b=x%20y`); `None` when empty.
fn query_text(query: &Map<String, Value>) -> Option<String> {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        match v {
            Value::String(s) => out.append_pair(k, s),
            Value::Array(items) => {
                for item in items {
                    out.append_pair(k, item.as_str().unwrap_or_default());
                }
                &mut out
            }
            other => out.append_pair(k, &other.to_string()),
        };
    }
    let text = out.finish();
    (!text.is_empty()).then_some(text)
}

/// Where to read the channel: the URL as given first; for a gosmee channel URL
/// (`BASE/CHANNEL`, answered with HTML), `BASE/events/CHANNEL`.
pub fn gosmee_events_url(channel: &url::Url) -> Option<url::Url> {
    let segments: Vec<&str> = channel.path_segments()?.filter(|s| !s.is_empty()).collect();
    let (last, rest) = segments.split_last()?;
    if rest.last() == Some(&"events") {
        return None;
    }
    let mut url = channel.clone();
    let mut path: Vec<&str> = rest.to_vec();
    path.extend(["events", last]);
    url.set_path(&path.join("/"));
    Some(url)
}

/// Consume the channel until the task is dropped: every delivery goes through `gate` and is
/// appended to the inbox through `writer` (which then shows and forwards it); what happens
/// to the connection is sent to `status` as lines for stderr.
pub async fn run(
    channel: url::Url,
    writer: Durable,
    gate: Option<Arc<Gate>>,
    status: mpsc::UnboundedSender<String>,
) {
    let client = match crate::http::stream_client() {
        Ok(client) => client,
        Err(e) => {
            let _ = status.send(format!("relay: cannot start: {e}\n"));
            return;
        }
    };
    let mut backoff = FIRST_BACKOFF;
    let mut last_id: Option<String> = None;
    let mut stream_url = channel.clone();
    loop {
        match connect(&client, &stream_url, last_id.as_deref()).await {
            Ok(response) => {
                let _ = status.send(format!("relay: connected to {stream_url}\n"));
                let ended = read(
                    response,
                    &channel,
                    &writer,
                    gate.as_deref(),
                    &status,
                    &mut last_id,
                )
                .await;
                if ended.ready {
                    backoff = FIRST_BACKOFF;
                }
                let _ = status.send(format!(
                    "relay: {}; reconnecting in {}\n",
                    ended.why,
                    humantime::format_duration(backoff)
                ));
            }
            Err(Connect::NotEvents) => match gosmee_events_url(&stream_url) {
                Some(events) => {
                    stream_url = events;
                    continue;
                }
                None => {
                    let _ = status.send(format!("relay: {stream_url} is not an event stream (no `text/event-stream` answer); reconnecting in {}\n", humantime::format_duration(backoff)));
                }
            },
            Err(Connect::Failed(why)) => {
                let _ = status.send(format!(
                    "relay: {why}; reconnecting in {}\n",
                    humantime::format_duration(backoff)
                ));
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

enum Connect {
    /// The answer is not `text/event-stream` (a gosmee channel's web page).
    NotEvents,
    Failed(String),
}

async fn connect(
    client: &reqwest::Client,
    url: &url::Url,
    last_id: Option<&str>,
) -> Result<reqwest::Response, Connect> {
    let mut request = client
        .get(url.clone())
        .header("accept", "text/event-stream")
        .header("cache-control", "no-cache");
    if let Some(id) = last_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.map_err(|e| {
        Connect::Failed(format!(
            "could not connect to {url}: {}",
            crate::http::describe(&e)
        ))
    })?;
    if !response.status().is_success() {
        return Err(Connect::Failed(format!(
            "{url} answered {}",
            response.status()
        )));
    }
    let is_events = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/event-stream"));
    if is_events {
        Ok(response)
    } else {
        Err(Connect::NotEvents)
    }
}

struct Ended {
    why: String,
    /// The relay said it was ready (or delivered something) on this connection.
    ready: bool,
}

async fn read(
    response: reqwest::Response,
    channel: &url::Url,
    writer: &Durable,
    gate: Option<&Gate>,
    status: &mpsc::UnboundedSender<String>,
    last_id: &mut Option<String>,
) -> Ended {
    let relay = channel.to_string();
    let mut events = response.bytes_stream().eventsource();
    let mut ready = false;
    while let Some(next) = events.next().await {
        let sse = match next {
            Ok(sse) => sse,
            Err(e) => {
                return Ended {
                    why: format!("the stream failed: {e}"),
                    ready,
                };
            }
        };
        if !sse.id.is_empty() {
            *last_id = Some(sse.id.clone());
        }
        if sse.data.len() > MAX_EVENT_BYTES {
            return Ended {
                why: format!("an event over {} MiB", MAX_EVENT_BYTES >> 20),
                ready,
            };
        }
        match parse_message(&sse.event, &sse.data, &relay, SystemTime::now()) {
            Message::Control => ready = true,
            Message::Unreadable(why) => {
                let _ = status.send(format!("relay: skipped an event: {why}\n"));
            }
            Message::Delivery(event, exact) => {
                ready = true;
                let mut event = *event;
                if let Some(gate) = gate {
                    mark_rewritten(&mut event, gate.verifier.as_ref(), exact);
                    // The relay has already answered its sender: the answer is not used.
                    let _ = gate.inspect(&mut event);
                }
                if let Err(e) = writer.append(event, None).await {
                    let _ = status.send(format!("relay: a delivery could not be stored: {e}\n"));
                }
            }
        }
    }
    Ended {
        why: "the relay closed the stream".into(),
        ready,
    }
}

/// A signature over a body the relay re-serialised cannot be checked: say so instead of
/// calling it invalid. Static credentials do not depend on the body.
fn mark_rewritten(event: &mut Event, verifier: Option<&Verifier>, exact: bool) {
    if let Some(v @ Verifier::Signature(..)) = verifier
        && !exact
    {
        let verdict = crate::webhook::Verdict::NotVerified(REWRITTEN.into());
        event.marks.verification = Some(verification(v.name(), verdict));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELAY: &str = "http://127.0.0.1:1/ch";

    fn delivery(name: &str, data: &str) -> (Event, bool) {
        match parse_message(name, data, RELAY, UNIX_EPOCH) {
            Message::Delivery(e, exact) => (*e, exact),
            other => panic!("not a delivery: {other:?}"),
        }
    }

    #[test]
    fn gosmee_deliveries_keep_the_exact_bytes() {
        let body = b"{\"a\": 1,\n \"b\":\"\xc3\xa9\"}";
        let data = format!(
            r#"{{"content-type":"application/json","x-hub-signature-256":"sha256=ab","timestamp":"1700000000123","bodyB":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode(body)
        );
        let (event, exact) = delivery("", &data);
        assert!(exact);
        assert_eq!(&event.body[..], body);
        assert_eq!(event.header("x-hub-signature-256"), Some("sha256=ab"));
        assert_eq!(
            event.received_at,
            UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)
        );
        assert_eq!(event.marks.relay.as_deref(), Some(RELAY));
        assert!(event.header("timestamp").is_none() && event.header("bodyb").is_none());
    }

    #[test]
    fn smee_deliveries_are_re_serialised_with_their_query() {
        let data = r#"{"host":"smee.io","content-type":"application/json","body":{"b":2,"a":[1,"x"]},"query":{"live":"0","t":["1","2"]},"timestamp":1700000000999}"#;
        let (event, exact) = delivery("", data);
        assert!(!exact);
        assert_eq!(&event.body[..], br#"{"b":2,"a":[1,"x"]}"#);
        assert_eq!(event.query.as_deref(), Some("live=0&t=1&t=2"));
        assert_eq!(event.authority.as_deref(), Some("smee.io"));
        assert_eq!((event.method.as_str(), event.path.as_str()), ("POST", "/"));
    }

    #[test]
    fn control_events_and_bad_data() {
        for (name, data) in [
            ("ready", "{}"),
            ("ping", "{}"),
            ("", r#"{"message":"connected"}"#),
            ("", r#"{"message":"ready"}"#),
            ("", "{}"),
        ] {
            assert_eq!(
                parse_message(name, data, RELAY, UNIX_EPOCH),
                Message::Control,
                "{data}"
            );
        }
        assert!(matches!(
            parse_message("", "[1]", RELAY, UNIX_EPOCH),
            Message::Unreadable(_)
        ));
        assert!(matches!(
            parse_message("", r#"{"bodyB":"!!"}"#, RELAY, UNIX_EPOCH),
            Message::Unreadable(_)
        ));
    }

    #[test]
    fn gosmee_channel_urls_map_to_their_event_stream() {
        let url = |s: &str| url::Url::parse(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            gosmee_events_url(&url("https://hook.example/abc")).map(|u| u.to_string()),
            Some("https://hook.example/events/abc".into())
        );
        assert_eq!(
            gosmee_events_url(&url("https://hook.example/events/abc")),
            None
        );
    }
}
