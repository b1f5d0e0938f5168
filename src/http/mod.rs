//! The back half of a request: send a [`ResolvedRequest`] with reqwest and hand back the
//! response head, a streaming body and a timing breakdown. Never prints.
//!
//! ```text
//! let client = Client::new(&ClientOptions::default())?;
//! let prepared = client.prepare(&resolved)?;   // headers as they will go on the wire
//! let response = client.execute(prepared).await?;
//! let (body, timings) = response.into_body();
//! ```
//!
//! A relayed webhook goes out with [`Client::prepare_exact`] instead: its own headers only,
//! nothing added by postie or reqwest (see `exact.rs`).

mod body;
mod cookies;
mod error;
mod exact;
pub use exact::WireHead;
mod proxy;
mod stream;
pub use stream::{STREAM_CONNECT_TIMEOUT, describe, stream_client};
mod redirect;
mod timing;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::request::{Body, Part, PartValue, ResolvedRequest};
use crate::util::mask::Masker;

pub use body::BodyReader;
pub use cookies::Jar;
pub use error::{HttpError, TimeoutPhase, TlsFailure};
pub use redirect::Redirect;
pub use timing::{Timings, TimingsHandle};

use error::{ErrorContext, Stage, classify};
use timing::{ConnectTimingLayer, Recorder, TimedResolver};

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 10;

/// The `User-Agent` sent unless the request sets one.
pub const USER_AGENT: &str = concat!("postie/", env!("CARGO_PKG_VERSION"));

/// The `Accept-Encoding` sent unless the request sets one (bodies are decoded transparently):
/// what xh sends.
const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// Settings for a whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Accept any server certificate (`--insecure`).
    pub insecure: bool,
    /// Extra PEM CA files trusted besides the platform roots (`--cacert`).
    pub ca_certs: Vec<PathBuf>,
    /// Default whole-request timeout, for requests that set none.
    pub timeout: Option<Duration>,
    /// Limit for DNS + TCP connect + TLS handshake of a new connection.
    pub connect_timeout: Duration,
    /// Most redirects followed for a request that sets no `max_redirects` (`--max-redirects`).
    pub max_redirects: usize,
    /// Keep a cookie jar for the run (`--no-cookies` turns it off).
    pub cookies: bool,
    /// `--cookie-jar FILE`: the jar is loaded from it and saved back to it.
    pub cookie_jar: Option<PathBuf>,
    /// `--resolve`/`--connect-to` of the command line (a request's own come after them).
    pub routes: crate::route::Routes,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            insecure: false,
            ca_certs: Vec::new(),
            timeout: None,
            connect_timeout: Duration::from_secs(10),
            max_redirects: MAX_REDIRECTS,
            cookies: false,
            cookie_jar: None,
            routes: crate::route::Routes::default(),
        }
    }
}

/// An HTTP client for a whole run; reuses connections between requests, also between requests
/// sent at the same time (clones share the pool; timings are recorded per request).
#[derive(Debug, Clone)]
pub struct Client {
    /// Never follows a redirect itself: [`Client::execute`] does (see `redirect.rs`), so that
    /// it can drop what holds a secret on the way to another origin.
    inner: reqwest::Client,
    /// The run's secrets: a header or query parameter holding one is not sent to another
    /// origin on a redirect.
    secrets: Masker,
    /// TLS for [`Client::prepare_exact`] requests, which hyper sends on connections of their
    /// own (reqwest always adds `accept: */*`).
    exact_tls: Arc<rustls::ClientConfig>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    max_redirects: usize,
    /// The run's cookies (none with `--no-cookies`, nor for relays and replays).
    jar: Option<Arc<Jar>>,
    routes: crate::route::Routes,
    /// HTTP/1.1 only, for a `--connect-to` that changes a port the URL names (built when one
    /// does): over HTTP/2 the `:authority` would name the other port.
    http1: Arc<std::sync::OnceLock<reqwest::Client>>,
    parts: Arc<BuildParts>,
}

/// What a reqwest client of the run is built from.
struct BuildParts {
    tls: rustls::ClientConfig,
    proxies: Vec<reqwest::Proxy>,
    connect_timeout: Duration,
}

impl std::fmt::Debug for BuildParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuildParts")
    }
}

impl BuildParts {
    fn build(&self, http1_only: bool) -> Result<reqwest::Client, HttpError> {
        let mut builder = reqwest::Client::builder().no_proxy();
        // A hop whose port a route changes goes where the route says: direct.
        for proxy in self.proxies.iter().filter(|_| !http1_only) {
            builder = builder.proxy(proxy.clone());
        }
        let mut tls = self.tls.clone();
        if http1_only {
            builder = builder.http1_only();
            // A preconfigured TLS config's ALPN decides the protocol: offer HTTP/1.1 only.
            tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        }
        builder
            .tls_backend_preconfigured(tls)
            .dns_resolver(TimedResolver)
            .connector_layer(ConnectTimingLayer)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .gzip(true)
            .deflate(true)
            .brotli(true)
            .zstd(true)
            .build()
            .map_err(|e| HttpError::TlsSetup {
                reason: innermost(&e),
            })
    }
}

/// A request ready to go: exactly what will be sent.
#[derive(Debug)]
pub struct Prepared {
    pub method: String,
    pub url: url::Url,
    /// Final header list in wire order (lower-case names as sent by HTTP/1.1 and HTTP/2),
    /// including the defaults we add (none for [`Client::prepare_exact`]) and
    /// `Content-Length`/`Content-Type` for bodies. The HTTP/1.1 `Host` header (HTTP/2
    /// `:authority`) is added when sending and not listed.
    pub headers: Vec<(String, String)>,
    /// Effective whole-request timeout (the request's own, else the run's default).
    pub timeout: Option<Duration>,
    pub follow_redirects: bool,
    /// Most redirects followed (the request's `max_redirects`, else the run's).
    pub max_redirects: usize,
    /// Sent with exactly `headers` (plus `Host`): see [`Client::prepare_exact`].
    pub exact: bool,
    /// For an exact request: the relayed head's bytes to write instead of hyper's.
    wire: Option<WireHead>,
    /// The `Cookie` header came from the jar (so each redirect hop gets the jar's own).
    jar_cookie: bool,
    /// The run's `--resolve`/`--connect-to`, then the request's.
    routes: crate::route::Routes,
    request: reqwest::Request,
}

/// The status line and headers of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    /// The reason phrase sent by an HTTP/1 server, else the standard one (`"Created"`).
    pub reason: String,
    /// `"HTTP/1.1"`, `"HTTP/2"`, ...
    pub version: String,
    /// Headers in received order, lower-case names (values lossy UTF-8). Note: when a body
    /// is decoded (gzip, deflate, br, zstd), `Content-Encoding` and `Content-Length` are removed.
    pub headers: Vec<(String, String)>,
    /// Final URL after redirects.
    pub url: url::Url,
    pub remote_addr: Option<SocketAddr>,
    /// Length of the (decoded) body when known in advance.
    pub content_length: Option<u64>,
}

impl ResponseHead {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::util::header(&self.headers, name)
    }
}

/// A response whose head has arrived; the body has not been read yet.
#[derive(Debug)]
pub struct Response {
    pub head: ResponseHead,
    /// The redirects followed to get here, in order.
    pub redirects: Vec<Redirect>,
    body: reqwest::Response,
    timings: TimingsHandle,
    ctx: ErrorContext,
}

impl Response {
    /// The timings so far (the body clock runs until the `BodyReader` hits end of file).
    pub fn timings(&self) -> TimingsHandle {
        self.timings.clone()
    }

    pub fn into_body(self) -> (BodyReader, TimingsHandle) {
        let (_, reader, timings) = self.into_parts();
        (reader, timings)
    }

    /// The head, the body reader and the timings, without copying the head.
    pub fn into_parts(self) -> (ResponseHead, BodyReader, TimingsHandle) {
        let timings = self.timings.clone();
        (
            self.head,
            BodyReader::new(self.body, self.timings, self.ctx),
            timings,
        )
    }
}

impl Client {
    pub fn new(opts: &ClientOptions) -> Result<Client, HttpError> {
        let tls = tls::client_config(opts.insecure, &opts.ca_certs)?;
        let proxies = proxy::from_env(|name| std::env::var(name).ok())
            .map_err(|reason| HttpError::Proxy { reason })?;
        let parts = Arc::new(BuildParts {
            tls,
            proxies,
            connect_timeout: opts.connect_timeout,
        });
        let jar = if opts.cookies {
            Some(Arc::new(Jar::new(opts.cookie_jar.as_deref())?))
        } else {
            None
        };
        Ok(Client {
            inner: parts.build(false)?,
            http1: Arc::new(std::sync::OnceLock::new()),
            secrets: Masker::default(),
            exact_tls: exact::tls_config(&parts.tls),
            timeout: opts.timeout,
            connect_timeout: opts.connect_timeout,
            max_redirects: opts.max_redirects,
            jar,
            routes: opts.routes.clone(),
            parts,
        })
    }

    /// The client for hops whose port a `--connect-to` entry changes: HTTP/1.1 only, direct
    /// (no proxy), built on first use (see `redirect.rs`).
    pub(crate) fn http1(&self) -> Result<reqwest::Client, HttpError> {
        if let Some(client) = self.http1.get() {
            return Ok(client.clone());
        }
        let client = self.parts.build(true)?;
        Ok(self.http1.get_or_init(|| client).clone())
    }

    /// Write the cookie jar back to its `--cookie-jar` file, if there is one.
    pub fn save_cookies(&self) -> Result<(), HttpError> {
        match &self.jar {
            Some(jar) => jar.save(),
            None => Ok(()),
        }
    }

    /// Watch these secrets on redirects: a header or query parameter holding one of them
    /// (in any form the masker knows) is dropped on a redirect to another origin.
    pub fn with_secrets(mut self, secrets: Masker) -> Client {
        if let Some(jar) = &self.jar {
            jar.register_all(&secrets);
        }
        self.secrets = secrets;
        self
    }

    /// Builds the request as it will be sent; opens body files (a missing one fails here).
    /// Adds `User-Agent`, `Accept` and `Accept-Encoding` when the request lacks them.
    pub fn prepare(&self, req: &ResolvedRequest) -> Result<Prepared, HttpError> {
        self.build_request(req, false)
    }

    /// As [`Client::prepare`], but the request goes out with exactly its own headers: nothing
    /// is added but `Host` and the body's `Content-Length` (or multipart `Content-Type`), by
    /// postie or by reqwest. For relaying a webhook as it came. It is sent over HTTP/1.1 on a
    /// new connection, direct (proxy variables are not used), never following redirects, and
    /// a compressed answer is not decoded.
    pub fn prepare_exact(&self, req: &ResolvedRequest) -> Result<Prepared, HttpError> {
        self.build_request(req, true)
    }

    /// [`Client::prepare_exact`] sending `wire`'s target and header lines as they are.
    pub fn prepare_wire(
        &self,
        req: &ResolvedRequest,
        wire: WireHead,
    ) -> Result<Prepared, HttpError> {
        let mut prepared = self.build_request(req, true)?;
        prepared.wire = Some(wire);
        Ok(prepared)
    }

    fn build_request(&self, req: &ResolvedRequest, exact: bool) -> Result<Prepared, HttpError> {
        let length = req.url.as_str().len();
        if length > crate::request::MAX_URL_LEN {
            return Err(HttpError::UrlTooLong {
                length,
                max: crate::request::MAX_URL_LEN,
            });
        }
        let scheme = req.url.scheme();
        if scheme != "http" && scheme != "https" {
            return Err(HttpError::UnsupportedScheme {
                scheme: scheme.to_owned(),
                url: req.url.to_string(),
            });
        }
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
            HttpError::InvalidMethod {
                method: req.method.clone(),
            }
        })?;
        let mut headers = HeaderMap::new();
        for (name, value) in &req.headers {
            let (name, value) = header_pair(name, value)?;
            headers.append(name, value);
        }
        if !exact {
            set_default(&mut headers, header::USER_AGENT, USER_AGENT);
            set_default(&mut headers, header::ACCEPT, "*/*");
            if !headers.contains_key(header::RANGE) {
                set_default(&mut headers, header::ACCEPT_ENCODING, ACCEPT_ENCODING);
            }
            for name in &req.without_headers {
                headers.remove(name.as_str());
            }
        }
        // The request's own `Cookie` header wins over the jar (as with reqwest's jar); without
        // one, every hop gets the jar's cookies for its URL.
        let jar = self.jar.as_ref().filter(|_| !exact);
        let jar_cookie = jar.is_some() && !headers.contains_key(header::COOKIE);
        if jar_cookie
            && let Some(value) = jar.and_then(|jar| jar.header_for(&req.url))
            && let Ok(value) = HeaderValue::from_str(&value)
        {
            headers.insert(header::COOKIE, value);
        }
        let timeout = req.timeout.or(self.timeout);

        let mut builder = self.inner.request(method, req.url.clone());
        match &req.body {
            Body::None => check_length(&headers, 0)?,
            Body::Bytes(bytes) => {
                check_length(&headers, bytes.len() as u64)?;
                set_default(
                    &mut headers,
                    header::CONTENT_LENGTH,
                    &bytes.len().to_string(),
                );
                builder = builder.body(bytes.clone());
            }
            Body::File(path) => {
                let file = body::open_file(path)?;
                // A pipe, FIFO or device has no length: it is sent chunked, as it comes.
                if let Some(len) = file.len {
                    check_length(&headers, len)?;
                    set_default(&mut headers, header::CONTENT_LENGTH, &len.to_string());
                }
                builder = builder.body(file.body);
            }
            Body::Multipart(parts) => {
                // The form's Content-Type (with boundary) and Content-Length are appended
                // by reqwest after the headers set here.
                headers.remove(header::CONTENT_TYPE);
                headers.remove(header::CONTENT_LENGTH);
                builder = builder.headers(std::mem::take(&mut headers));
                builder = builder.multipart(form(parts)?);
            }
        }
        builder = builder.headers(headers);
        if let Some(t) = timeout {
            builder = builder.timeout(t);
        }
        let request = builder.build().map_err(|e| HttpError::Other {
            message: innermost(&e),
        })?;
        let headers = request
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(Prepared {
            method: req.method.clone(),
            url: req.url.clone(),
            headers,
            timeout,
            follow_redirects: req.follow_redirects && !exact,
            max_redirects: req.max_redirects.unwrap_or(self.max_redirects),
            exact,
            wire: None,
            jar_cookie,
            routes: if req.routes.is_empty() {
                self.routes.clone()
            } else {
                self.routes.then(&req.routes)
            },
            request,
        })
    }

    /// Sends the request and waits for the response head. Requests may run concurrently on
    /// one client: each has its own timing recorder.
    pub async fn execute(&self, prepared: Prepared) -> Result<Response, HttpError> {
        let recorder = Arc::new(Recorder::default());
        Recorder::scope(
            Arc::clone(&recorder),
            self.execute_recorded(prepared, &recorder),
        )
        .await
    }

    async fn execute_recorded(
        &self,
        prepared: Prepared,
        recorder: &Recorder,
    ) -> Result<Response, HttpError> {
        let ctx = ErrorContext {
            url: prepared.url.clone(),
            timeout: prepared.timeout,
            connect_timeout: self.connect_timeout,
        };
        let start = Instant::now();
        let mut final_url = None;
        let (response, remote_addr, redirects) = if prepared.exact {
            let sent = exact::send(
                prepared.request,
                Arc::clone(&self.exact_tls),
                recorder,
                prepared.timeout,
                self.connect_timeout,
                prepared.wire,
            )
            .await
            .map_err(|f| {
                let stage = Stage::Request(recorder.snapshot());
                classify(&*f.error, f.is_connect, false, &ctx, stage)
            })?;
            (sent.response, Some(sent.remote_addr), Vec::new())
        } else {
            let deadline = prepared.timeout.map(|t| start + t);
            let hops = redirect::Hops {
                follow: prepared.follow_redirects,
                max: prepared.max_redirects,
                deadline,
                secrets: &self.secrets,
                jar: self.jar.as_deref(),
                jar_cookie: prepared.jar_cookie,
                routes: &prepared.routes,
                recorder,
                client: self,
            };
            let (response, redirects, url) = redirect::follow(&self.inner, prepared.request, &hops)
                .await
                .map_err(|failure| match failure {
                    redirect::Failure::Own(own) => own,
                    redirect::Failure::Send(e) => {
                        let stage = Stage::Request(recorder.snapshot());
                        classify(&e, e.is_connect(), false, &ctx, stage)
                    }
                })?;
            let remote_addr = response.remote_addr();
            final_url = Some(url);
            (response, remote_addr, redirects)
        };
        let head_at = Instant::now();
        let timings = TimingsHandle::new(start, head_at, recorder.snapshot());
        let mut head = head(&response);
        head.remote_addr = remote_addr;
        // The URL asked for, not the one a `--connect-to` port change sent to.
        if let Some(url) = final_url {
            head.url = url;
        }
        Ok(Response {
            head,
            redirects,
            body: response,
            timings,
            ctx,
        })
    }
}

fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), HttpError> {
    let header_name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| HttpError::InvalidHeaderName {
            name: name.to_owned(),
        })?;
    let header_value = HeaderValue::from_str(value).map_err(|_| HttpError::InvalidHeaderValue {
        name: name.to_owned(),
    })?;
    Ok((header_name, header_value))
}

/// A `Content-Length` the user set must be the body's length (`exact` relays included: a
/// wrong one truncates the body on the wire).
fn check_length(headers: &HeaderMap, actual: u64) -> Result<(), HttpError> {
    for value in headers.get_all(header::CONTENT_LENGTH) {
        let declared = String::from_utf8_lossy(value.as_bytes()).trim().to_owned();
        if declared.parse::<u64>().ok() != Some(actual) {
            return Err(HttpError::ContentLength { declared, actual });
        }
    }
    Ok(())
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if !headers.contains_key(&name)
        && let Ok(value) = HeaderValue::from_str(value)
    {
        headers.insert(name, value);
    }
}

fn form(parts: &[Part]) -> Result<reqwest::multipart::Form, HttpError> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let built = match &part.value {
            PartValue::Text(text) => reqwest::multipart::Part::text(text.clone()),
            PartValue::File {
                path,
                file_name,
                content_type,
            } => {
                let file = body::open_file(path)?;
                let name = file_name
                    .clone()
                    .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()));
                let mime = content_type.clone().unwrap_or_else(|| {
                    mime_guess::from_path(path)
                        .first_or_octet_stream()
                        .essence_str()
                        .to_owned()
                });
                let file_part = match file.len {
                    Some(len) => reqwest::multipart::Part::stream_with_length(file.body, len),
                    None => reqwest::multipart::Part::stream(file.body),
                };
                let mut file_part =
                    file_part
                        .mime_str(&mime)
                        .map_err(|_| HttpError::InvalidContentType {
                            part: part.name.clone(),
                            value: mime.clone(),
                        })?;
                if let Some(name) = name {
                    file_part = file_part.file_name(name);
                }
                file_part
            }
        };
        form = form.part(part.name.clone(), built);
    }
    Ok(form)
}

fn head(response: &reqwest::Response) -> ResponseHead {
    let status = response.status();
    let reason = response
        .extensions()
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| String::from_utf8_lossy(r.as_bytes()).into_owned())
        .or_else(|| status.canonical_reason().map(str::to_owned))
        .unwrap_or_default();
    let version = match response.version() {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_11 => "HTTP/1.1",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP",
    };
    ResponseHead {
        status: status.as_u16(),
        reason,
        version: version.to_owned(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        url: response.url().clone(),
        remote_addr: response.remote_addr(),
        content_length: response.content_length(),
    }
}
