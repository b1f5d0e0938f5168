//! `HttpError`: what went wrong sending a request, classified from reqwest's error chain.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use super::timing::{ConnEvents, DnsFailure};

/// A failure to prepare or send a request, or to read its response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The host name did not resolve.
    #[error("could not resolve host `{host}`")]
    Dns { host: String },
    /// Nothing accepted the TCP connection.
    #[error("connection refused by {addr}")]
    Refused { addr: String },
    /// The peer reset the TCP connection.
    #[error("connection reset by {addr}")]
    Reset { addr: String },
    /// The server closed the connection without sending a response.
    #[error("server closed the connection before sending a response")]
    ClosedEarly { addr: String },
    /// The connection ended before the whole response body arrived.
    #[error("server closed the connection before the whole body arrived")]
    BodyIncomplete { addr: String },
    /// The TLS handshake failed; `reason` is readable, `failure` its class.
    #[error("TLS handshake with `{host}` failed: {reason}")]
    Tls {
        host: String,
        reason: String,
        failure: TlsFailure,
    },
    /// A time limit ran out during `phase`.
    #[error("timed out after {} {phase}", humantime::format_duration(*limit))]
    Timeout {
        phase: TimeoutPhase,
        limit: Duration,
    },
    /// The URL is longer than [`crate::request::MAX_URL_LEN`] (collections catch it earlier,
    /// at its place in the file; this is for `send` and anything else built in code).
    #[error("the URL is {length} bytes long, over the limit of 64 KB ({max} bytes)")]
    UrlTooLong { length: usize, max: usize },
    /// The redirect chain was longer than `max` hops.
    #[error("too many redirects (more than {max}) starting from `{url}`")]
    TooManyRedirects { url: String, max: usize },
    /// A redirect's `Location` is not an `http`/`https` URL postie can follow.
    #[error("refused to follow a redirect to `{location}`: {reason}")]
    BadRedirect { location: String, reason: String },
    /// The method is not a valid HTTP token.
    #[error("invalid HTTP method `{method}`")]
    InvalidMethod { method: String },
    /// A header name is not a valid HTTP token.
    #[error("invalid header name `{name}`")]
    InvalidHeaderName { name: String },
    /// A header value contains forbidden characters (such as a line break).
    #[error("invalid value for header `{name}`")]
    InvalidHeaderValue { name: String },
    /// The URL's scheme is not `http` or `https`.
    #[error("unsupported URL scheme `{scheme}` in `{url}`")]
    UnsupportedScheme { scheme: String, url: String },
    /// A body file (or multipart file part) could not be opened or read.
    #[error("could not read body file `{}`: {reason}", path.display())]
    BodyFile { path: PathBuf, reason: String },
    /// A `Content-Length` set by the user that is not the body's length (sending it would
    /// truncate the body on the wire or leave the server waiting).
    #[error("the `Content-Length` header says {declared} bytes, but the body is {actual} bytes")]
    ContentLength { declared: String, actual: u64 },
    /// A multipart part's content type is not a valid MIME type.
    #[error("invalid content type `{value}` for multipart part `{part}`")]
    InvalidContentType { part: String, value: String },
    /// A `--cacert` file could not be read or holds no certificate.
    #[error("could not read CA file `{}`: {reason}", path.display())]
    CaFile { path: PathBuf, reason: String },
    /// A `--resolve`/`--connect-to` entry cannot be applied to this URL.
    #[error("cannot apply `--resolve`/`--connect-to` to `{url}`: {reason}")]
    Route { url: String, reason: String },
    /// A `--cookie-jar` file could not be read, parsed (`line`) or written.
    #[error("cookie jar `{}`{}: {reason}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default())]
    CookieJar {
        path: PathBuf,
        line: Option<usize>,
        reason: String,
    },
    /// A proxy environment variable holds a URL that can't be used.
    #[error("{reason}")]
    Proxy { reason: String },
    /// The server's answer is not valid HTTP (garbage, a bad status line or header, an HTTP/2
    /// protocol error).
    #[error("`{addr}` did not answer with valid HTTP: {reason}")]
    Protocol { addr: String, reason: String },
    /// The TLS configuration could not be built (e.g. no usable root certificates).
    #[error("could not set up TLS: {reason}")]
    TlsSetup { reason: String },
    /// Anything else: the message of the innermost cause.
    #[error("{message}")]
    Other { message: String },
}

/// Why a TLS handshake failed, for hints and for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    UnknownIssuer,
    NameMismatch,
    Expired,
    /// The server answered with something that is not TLS (plain HTTP on the port?).
    NotTls,
    Other,
}

/// Where the exchange was when a time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    Connect,
    TlsHandshake,
    WaitingForResponse,
    ReadingBody,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "while connecting",
            TimeoutPhase::TlsHandshake => "during the TLS handshake",
            TimeoutPhase::WaitingForResponse => "waiting for the response",
            TimeoutPhase::ReadingBody => "reading the body",
        })
    }
}

impl HttpError {
    /// Process exit code: 2 for a bad request or setup (invalid header, missing body file,
    /// unreadable CA file), 3 for network, TLS and timeout failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            HttpError::InvalidMethod { .. }
            | HttpError::InvalidHeaderName { .. }
            | HttpError::InvalidHeaderValue { .. }
            | HttpError::UnsupportedScheme { .. }
            | HttpError::UrlTooLong { .. }
            | HttpError::BodyFile { .. }
            | HttpError::ContentLength { .. }
            | HttpError::InvalidContentType { .. }
            | HttpError::CaFile { .. }
            | HttpError::CookieJar { .. }
            | HttpError::Route { .. }
            | HttpError::Proxy { .. } => 2,
            HttpError::Dns { .. }
            | HttpError::Refused { .. }
            | HttpError::Reset { .. }
            | HttpError::ClosedEarly { .. }
            | HttpError::BodyIncomplete { .. }
            | HttpError::Tls { .. }
            | HttpError::Timeout { .. }
            | HttpError::TooManyRedirects { .. }
            | HttpError::BadRedirect { .. }
            | HttpError::TlsSetup { .. }
            | HttpError::Protocol { .. }
            | HttpError::Other { .. } => 3,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            HttpError::Dns { .. } => "check the host name in the URL and your network connection",
            HttpError::Refused { .. } => "is the server running on that port?",
            HttpError::Reset { .. } | HttpError::BodyIncomplete { .. } => {
                "the server dropped the connection; check its logs and try again"
            }
            HttpError::ClosedEarly { .. } => {
                "the server dropped the request; check its logs, or whether it expects `https://`"
            }
            HttpError::Tls { failure, .. } => match failure {
                TlsFailure::UnknownIssuer => {
                    "use `--cacert FILE` to trust a private CA, or `--insecure` to skip verification"
                }
                TlsFailure::NameMismatch => {
                    "use the host name the certificate was issued for, or `--insecure` to skip verification"
                }
                TlsFailure::Expired => {
                    "check the server's certificate dates and your clock, or use `--insecure`"
                }
                TlsFailure::NotTls => "the port may serve plain HTTP: try `http://`",
                TlsFailure::Other => "check that the server speaks TLS on that port",
            },
            HttpError::Timeout { phase, .. } => match phase {
                TimeoutPhase::Connect | TimeoutPhase::TlsHandshake => {
                    "check that the host is reachable, or raise the limit with `--timeout`"
                }
                TimeoutPhase::WaitingForResponse | TimeoutPhase::ReadingBody => {
                    "raise the limit with `--timeout` (or `timeout` in the collection)"
                }
            },
            HttpError::BadRedirect { .. } => {
                "set `follow_redirects = false` (`send --no-follow`) to see the redirect itself"
            }
            HttpError::TooManyRedirects { .. } => {
                "the server may redirect in a loop; set `follow_redirects = false` to see the first response"
            }
            HttpError::InvalidMethod { .. } => "a method is a single word such as `GET` or `PURGE`",
            HttpError::InvalidHeaderName { .. } => {
                "header names are single tokens such as `X-Api-Key` (no spaces or colons)"
            }
            HttpError::InvalidHeaderValue { .. } => {
                "header values may not contain line breaks or control characters"
            }
            HttpError::UnsupportedScheme { .. } => "use an `http://` or `https://` URL",
            HttpError::UrlTooLong { .. } => {
                "servers refuse URLs this long (most stop at 8 KB); send the data in a body"
            }
            HttpError::BodyFile { .. } => {
                "check the path; relative paths are resolved from the collection's directory"
            }
            HttpError::ContentLength { .. } => {
                "remove the `Content-Length` header: postie sets it from the body"
            }
            HttpError::InvalidContentType { .. } => {
                "use a MIME type such as `image/png` or `application/octet-stream`"
            }
            HttpError::CaFile { .. } => "`--cacert` takes a PEM file with one or more certificates",
            HttpError::Route { .. } => {
                "name the host in the URL (`https://api.example.com/…`) and route it (`--resolve api.example.com:443:127.0.0.1`), or send to the IP address itself"
            }
            HttpError::CookieJar { .. } => {
                "`--cookie-jar` takes a Netscape cookie file, as `curl -c FILE` writes it (a missing file starts an empty jar)"
            }
            HttpError::Proxy { .. } => {
                "fix or unset the variable (`http://host:port`); loopback hosts never use a proxy"
            }
            HttpError::TlsSetup { .. } => {
                "install the system CA certificates, or pass `--cacert FILE`"
            }
            HttpError::Protocol { .. } => {
                "is an HTTP server listening on that port? A TLS port needs `https://`; `postie send -v` shows the exchange"
            }
            HttpError::Other { .. } => return None,
        };
        Some(hint.to_owned())
    }

    /// The `HttpError` inside an `io::Error` produced by a `BodyReader`.
    pub fn from_io(err: &io::Error) -> Option<&HttpError> {
        err.get_ref()?.downcast_ref::<HttpError>()
    }

    pub(crate) fn into_io(self) -> io::Error {
        io::Error::other(self)
    }
}

/// A short readable reason for an I/O error on a local file.
pub(crate) fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "file not found".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => err.to_string(),
    }
}

/// What classification needs to know about the exchange.
#[derive(Debug, Clone)]
pub(crate) struct ErrorContext {
    pub(crate) url: url::Url,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
}

impl ErrorContext {
    fn host(&self) -> String {
        self.url.host_str().unwrap_or_default().to_owned()
    }

    fn addr(&self) -> String {
        match self.url.port_or_known_default() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host(),
        }
    }
}

/// Where the exchange was when the error happened.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stage {
    /// Before the response head; the connection events as of the failure.
    Request(ConnEvents),
    /// While reading the body.
    Body,
}

/// The error chain, looking inside `io::Error`s (their `source()` skips the wrapped error).
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        out.push(e);
        if out.len() > 64 {
            break;
        }
        next = match e.downcast_ref::<io::Error>() {
            Some(io_err) => io_err
                .get_ref()
                .map(|inner| inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    out
}

/// Classifies a reqwest error (or anything with a source chain).
pub(crate) fn classify(
    err: &(dyn StdError + 'static),
    is_connect: bool,
    is_redirect: bool,
    ctx: &ErrorContext,
    stage: Stage,
) -> HttpError {
    let links = chain(err);
    for e in &links {
        if let Some(own) = e.downcast_ref::<HttpError>() {
            return own.clone();
        }
        if let Some(dns) = e.downcast_ref::<DnsFailure>() {
            return HttpError::Dns {
                host: dns.host.clone(),
            };
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            let (failure, reason) = super::tls::describe(tls);
            return HttpError::Tls {
                host: ctx.host(),
                reason,
                failure,
            };
        }
    }
    if links.iter().any(|e| is_timeout(*e)) {
        return timeout(is_connect, ctx, stage);
    }
    if is_redirect {
        return HttpError::TooManyRedirects {
            url: ctx.url.to_string(),
            max: super::MAX_REDIRECTS,
        };
    }
    for e in &links {
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            match io_err.kind() {
                io::ErrorKind::ConnectionRefused => return HttpError::Refused { addr: ctx.addr() },
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe => return HttpError::Reset { addr: ctx.addr() },
                io::ErrorKind::UnexpectedEof => return closed(ctx, stage),
                _ => {}
            }
        }
        if let Some(hyper_err) = e.downcast_ref::<hyper::Error>()
            && (hyper_err.is_incomplete_message() || hyper_err.is_canceled())
        {
            return closed(ctx, stage);
        }
    }
    for (i, e) in links.iter().enumerate() {
        let parse_error = e
            .downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_parse() || h.is_parse_status() || h.is_parse_too_large());
        let http2_error = e.to_string().starts_with("http2 error");
        if parse_error || http2_error {
            let inner = links[i..].last().map(|e| e.to_string()).unwrap_or_default();
            let reason = if http2_error && !inner.starts_with("http2") {
                format!("HTTP/2 error: {inner}")
            } else {
                inner
            };
            return HttpError::Protocol {
                addr: ctx.addr(),
                reason,
            };
        }
    }
    let message = links
        .last()
        .map(|e| e.to_string())
        .unwrap_or_else(|| "request failed".to_owned());
    HttpError::Other { message }
}

fn is_timeout(e: &(dyn StdError + 'static)) -> bool {
    if let Some(io_err) = e.downcast_ref::<io::Error>() {
        return io_err.kind() == io::ErrorKind::TimedOut;
    }
    if let Some(req_err) = e.downcast_ref::<reqwest::Error>() {
        return req_err.is_timeout();
    }
    e.is::<tokio::time::error::Elapsed>()
}

fn timeout(is_connect: bool, ctx: &ErrorContext, stage: Stage) -> HttpError {
    let phase = match stage {
        Stage::Body => TimeoutPhase::ReadingBody,
        Stage::Request(conn) if conn.connecting() && conn.client_hello.is_some() => {
            TimeoutPhase::TlsHandshake
        }
        Stage::Request(conn) if conn.connecting() => TimeoutPhase::Connect,
        Stage::Request(_) => TimeoutPhase::WaitingForResponse,
    };
    let limit = match ctx.timeout {
        Some(t) if !is_connect => t,
        _ => ctx.connect_timeout,
    };
    HttpError::Timeout { phase, limit }
}

fn closed(ctx: &ErrorContext, stage: Stage) -> HttpError {
    match stage {
        Stage::Request(_) => HttpError::ClosedEarly { addr: ctx.addr() },
        Stage::Body => HttpError::BodyIncomplete { addr: ctx.addr() },
    }
}

/// The exit code and the hint travel with the error.
impl From<HttpError> for crate::error::Failure {
    fn from(err: HttpError) -> crate::error::Failure {
        use crate::error::{Code, Failure};
        let mut failure = Failure::from_display(Code::from_u8(err.exit_code()), &err);
        if let Some(hint) = err.hint() {
            failure = failure.with_hint(hint);
        }
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ErrorContext {
        ErrorContext {
            url: url::Url::parse("http://127.0.0.1:8080/x").unwrap_or_else(|_| unreachable!()),
            timeout: Some(Duration::from_secs(1)),
            connect_timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn io_error_inside_io_error_is_found() {
        let inner = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        let outer = io::Error::other(inner);
        let got = classify(&outer, true, false, &ctx(), Stage::Body);
        assert_eq!(
            got,
            HttpError::Refused {
                addr: "127.0.0.1:8080".to_owned()
            }
        );
        assert_eq!(got.to_string(), "connection refused by 127.0.0.1:8080");
        assert_eq!(got.exit_code(), 3);
    }

    #[test]
    fn timeout_phase_follows_connection_events() {
        let now = std::time::Instant::now();
        let timed_out = io::Error::new(io::ErrorKind::TimedOut, "timed out");
        let connecting = ConnEvents {
            connector_start: Some(now),
            ..ConnEvents::default()
        };
        let handshaking = ConnEvents {
            client_hello: Some(now),
            ..connecting
        };
        let cases = [
            (
                Stage::Request(connecting),
                true,
                "timed out after 10s while connecting",
            ),
            (
                Stage::Request(handshaking),
                false,
                "timed out after 1s during the TLS handshake",
            ),
            (
                Stage::Request(ConnEvents::default()),
                false,
                "timed out after 1s waiting for the response",
            ),
            (Stage::Body, false, "timed out after 1s reading the body"),
        ];
        for (stage, is_connect, message) in cases {
            let got = classify(&timed_out, is_connect, false, &ctx(), stage);
            assert_eq!(got.to_string(), message);
        }
    }

    #[test]
    fn own_error_is_returned_unchanged_through_io() {
        let own = HttpError::BodyFile {
            path: PathBuf::from("/tmp/gone.bin"),
            reason: "file not found".to_owned(),
        };
        let wrapped = own.clone().into_io();
        assert_eq!(HttpError::from_io(&wrapped), Some(&own));
        assert_eq!(
            classify(&wrapped, false, false, &ctx(), Stage::Body),
            own.clone()
        );
        assert_eq!(own.exit_code(), 2);
    }

    #[test]
    fn unknown_errors_keep_the_innermost_message() {
        let err = io::Error::other("weird failure");
        let got = classify(&err, false, false, &ctx(), Stage::Body);
        assert_eq!(
            got,
            HttpError::Other {
                message: "weird failure".to_owned()
            }
        );
        assert_eq!(got.hint(), None);
    }
}
