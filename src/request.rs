//! `ResolvedRequest`: a request with every variable filled in, ready to send.
//!
//! This is the hand-off point between the front half (collection, template,
//! resolve) and the back half (http, output). Nothing here does I/O.

use std::path::PathBuf;
use std::time::Duration;

/// A request ready to be sent: every `{{…}}` has been substituted.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRequest {
    /// The request's name in its collection (`create-plan`), or `""` for an ad-hoc `send`.
    pub name: String,
    /// Upper-case HTTP method (`GET`, `POST`, any token is allowed).
    pub method: String,
    /// Absolute URL with the query string already appended (collection `query` entries
    /// and `api_key` query auth included, percent-encoded).
    pub url: url::Url,
    /// Headers in the order they will be sent, including those derived from auth
    /// (`Authorization`) and the body (`Content-Type`). Names keep the user's spelling.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Whole-request timeout (connect to end of body); `None` means the run's default.
    pub timeout: Option<Duration>,
    /// Follow 3xx redirects (default true, at most 10 hops).
    pub follow_redirects: bool,
    /// The expectations to check once the response has arrived.
    pub expect: Expect,
}

/// A request body. Files are streamed from disk when sent, never read whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    /// Bytes built in memory (JSON, form, text). The `Content-Type` header is in `headers`.
    Bytes(Vec<u8>),
    /// A file streamed from disk (path already made absolute / relative to the collection).
    File(PathBuf),
    /// `multipart/form-data`; the boundary and its `Content-Type` are chosen when sending.
    Multipart(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub value: PartValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartValue {
    Text(String),
    File {
        path: PathBuf,
        /// File name sent in the part; defaults to the path's file name.
        file_name: Option<String>,
        /// Defaults to a guess from the extension.
        content_type: Option<String>,
    },
}

/// Expectations on the response (`[requests.expect]`). Grows with the CI-runner issue.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// Accepted statuses; empty means "anything".
    pub status: Vec<StatusMatcher>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatcher {
    /// An exact code, e.g. 201.
    Code(u16),
    /// A class such as `2xx`: the hundreds digit.
    Class(u8),
}

impl StatusMatcher {
    pub fn matches(self, code: u16) -> bool {
        match self {
            StatusMatcher::Code(c) => c == code,
            StatusMatcher::Class(c) => code / 100 == u16::from(c),
        }
    }
}

impl std::fmt::Display for StatusMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatcher::Code(c) => write!(f, "{c}"),
            StatusMatcher::Class(c) => write!(f, "{c}xx"),
        }
    }
}

impl ResolvedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
