//! The embedded inbox: a loopback HTTP server inside the postie process.
//!
//! A collection that uses `{{inbox}}` gets one for the run: it answers every request with a
//! JSON echo of what it received (the offline counterpart of Postman Echo / httpbin, see
//! [`echo_json`]) and records each request as an [`Event`] so a run can wait for a webhook.
//! It is also the seed of `postie listen`: events keep the exact body bytes, the headers in
//! the order they arrived, the arrival time and a sequential id, and [`InboxServer::subscribe`]
//! streams them in real time.
//!
//! The server speaks HTTP/1.1 and HTTP/2 (prior knowledge, `h2c`) on the same port.
//!
//! For `postie run` events stay in memory (nothing is written). `postie listen` starts it with
//! [`Options::log`]: every event is appended to the durable log of [`store`] and synced before
//! its sender is answered; `postie inbox` reads that log back as a stream (see [`store`]), one
//! event at a time. `output::event` renders events for people and as JSON.

pub mod durable;
mod echo;
pub mod filter;
pub mod limits;
mod multipart;
pub mod query;
pub mod save;
mod server;
pub mod store;
mod wire;

use std::net::SocketAddr;
use std::time::SystemTime;

pub use echo::echo_json;
pub use server::{InboxServer, Options};

/// Hop-by-hop headers (RFC 9110 §7.6.1, plus the common `proxy-connection`): they describe
/// one connection, so a relayed or saved request drops them.
pub const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The default body limit ([`Options::max_body`]): bodies up to this many bytes are kept
/// whole; larger ones are answered with `413` and recorded truncated to the limit.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// One request received by the inbox, exactly as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Sequential id, starting at 1, in the order events were recorded.
    pub id: u64,
    /// When the request head arrived.
    pub received_at: SystemTime,
    /// The client's address.
    pub remote: SocketAddr,
    /// The method as sent (`POST`, or any extension token).
    pub method: String,
    /// The path, still percent-encoded, without the query (`/hooks/a%20b`).
    pub path: String,
    /// The raw query string without `?`, if the request target had one.
    pub query: Option<String>,
    /// `HTTP/1.0`, `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
    /// The host the request was addressed to: the HTTP/2 `:authority` or absolute-form target,
    /// else the `Host` header.
    pub authority: Option<String>,
    /// Headers in received order, repeated names where they came (names lower-case; values
    /// that are not UTF-8 are converted lossily: the exact bytes are in [`Event::wire`]).
    pub headers: Vec<(String, String)>,
    /// The body bytes, exactly as received (at most [`Options::max_body`]).
    pub body: bytes::Bytes,
    /// The body was larger than the limit and `body` holds only its beginning.
    pub body_truncated: bool,
    /// The request target and header lines exactly as they came on an HTTP/1 connection
    /// (`None` for HTTP/2 and for events stored by older versions).
    pub wire: Option<Wire>,
    /// What `postie listen` found out about the request as it arrived (stored with it).
    pub marks: Marks,
}

/// What `postie listen` notes about a request before storing it: the verification result
/// (`--verify`) and the relay it came through (`--relay`). Empty for `postie run`'s inbox and
/// for events stored by older versions.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Marks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// The relay channel's URL, for a request that came through `--relay` (not a socket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.verification.is_none() && self.relay.is_none()
    }
}

/// The outcome of `--verify` on one request, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    /// `github`, `stripe`, `standard`, `hmac:HEADER`, `basic`, `bearer`.
    pub scheme: String,
    pub result: VerifyResult,
    /// Why, for `invalid` and `not_verified` (never the expected value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `verified`, `invalid`, `unsigned` (no credentials or signature), `not_verified` (could not
/// be checked, e.g. a relay that re-serialised the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyResult {
    Verified,
    Invalid,
    Unsigned,
    NotVerified,
}

impl VerifyResult {
    pub const NAMES: [&str; 4] = ["verified", "invalid", "unsigned", "not_verified"];

    pub fn name(self) -> &'static str {
        match self {
            VerifyResult::Verified => "verified",
            VerifyResult::Invalid => "invalid",
            VerifyResult::Unsigned => "unsigned",
            VerifyResult::NotVerified => "not_verified",
        }
    }

    pub fn parse(name: &str) -> Option<VerifyResult> {
        match name.replace('-', "_").as_str() {
            "verified" => Some(VerifyResult::Verified),
            "invalid" => Some(VerifyResult::Invalid),
            "unsigned" => Some(VerifyResult::Unsigned),
            "not_verified" => Some(VerifyResult::NotVerified),
            _ => None,
        }
    }
}

/// Decides, per request and before it is stored, how `postie listen` answers it: may mark the
/// event (its verification) and returns the answer, or `None` for the [`Responder`]'s.
/// Implemented above this layer (`--rules`, `--verify … --reject-invalid`).
pub trait Script: std::fmt::Debug + Send + Sync {
    fn inspect(&self, event: &mut Event) -> Option<Scripted>;
}

/// An answer chosen by a [`Script`]. A status or header hyper refuses becomes a `500` with
/// the reason (rules are checked when loaded, so this does not happen for them).
#[derive(Debug, Clone, PartialEq)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    /// Overrides `--delay`.
    pub delay: Option<std::time::Duration>,
}

/// The bytes of an HTTP/1 request head as received: what a relay sends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Wire {
    /// The request target (`/a/./b/../c?x='1'`), byte for byte.
    pub target: Vec<u8>,
    /// The header lines in wire order: names in their received case, values without the
    /// surrounding whitespace (as HTTP parsers strip it), any bytes (obs-text included).
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Event {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::util::header(&self.headers, name)
    }

    /// An event for unit tests: `POST /hooks?a=1` from 127.0.0.1:5000 with these headers and
    /// body, received at 2023-11-14T22:13:20.123Z; tests change the fields they care about.
    #[cfg(test)]
    pub(crate) fn sample(headers: &[(&str, &str)], body: &[u8]) -> Event {
        Event {
            id: 3,
            received_at: std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_millis(1_700_000_000_123),
            remote: ([127, 0, 0, 1], 5000).into(),
            method: "POST".into(),
            path: "/hooks".into(),
            query: Some("a=1".into()),
            version: "HTTP/1.1".into(),
            authority: None,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: bytes::Bytes::copy_from_slice(body),
            body_truncated: false,
            wire: None,
            marks: Marks::default(),
        }
    }
}

/// How the inbox answers the requests it records.
#[derive(Debug, Clone, PartialEq)]
pub enum Responder {
    /// `200` with the JSON document from [`echo_json`].
    Echo,
    /// The same response every time (e.g. what a webhook receiver must answer).
    Fixed {
        status: u16,
        headers: Vec<(String, String)>,
        body: bytes::Bytes,
    },
}
