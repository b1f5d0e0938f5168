//! Sending a request with exactly its own headers, for webhook relays (`listen --forward-to`,
//! `inbox replay`).
//!
//! reqwest adds `accept: */*` to every request that lacks one (a `ClientBuilder` default that
//! no option removes) and its decompression layer adds `accept-encoding`. A relayed webhook
//! must arrive with its sender's header set, so [`send`] speaks HTTP/1.1 with hyper over a
//! connection of its own: the wire carries `host` (first, unless the request has one), the
//! request's headers in order and the body framing hyper needs (the `content-length` the
//! request already lists), nothing else.
//!
//! Each request opens a new connection (no pool), goes direct (proxy environment variables
//! are not used) and offers only `http/1.1` in the TLS ALPN. DNS, connect and TLS are timed
//! like reqwest's connections.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use reqwest::ResponseBuilderExt;
use reqwest::header::{self, HeaderMap, HeaderValue};
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::{Host, Position, Url};

use super::timing::{DnsFailure, Recorder};

type BoxError = Box<dyn StdError + Send + Sync>;

/// Why an exact send failed: the error chain to classify, and whether the connection was
/// being made (so that a time-out is the connect limit's).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: BoxError,
    pub(crate) is_connect: bool,
}

impl Failure {
    fn connect(error: impl Into<BoxError>) -> Failure {
        Failure {
            error: error.into(),
            is_connect: true,
        }
    }

    fn request(error: impl Into<BoxError>) -> Failure {
        Failure {
            error: error.into(),
            is_connect: false,
        }
    }
}

/// A relayed request's head as its sender wrote it: [`send`] writes these bytes instead of
/// hyper's head (hyper groups repeated names, lower-cases them and only takes a `Uri`), so
/// the target, header order, name case and value bytes reach the app as they came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireHead {
    /// The request target; `None`: the URL's path and query.
    pub target: Option<Vec<u8>>,
    /// Every header line but `host` and `content-length`, in order (the request's framing
    /// `content-length` is written last, `host` first).
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The response head has arrived.
#[derive(Debug)]
pub(crate) struct Sent {
    pub(crate) response: reqwest::Response,
    pub(crate) remote_addr: SocketAddr,
}

/// A connection, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The TLS setup for exact sends: the client's, offering only `http/1.1`.
pub(crate) fn tls_config(base: &ClientConfig) -> Arc<ClientConfig> {
    let mut config = base.clone();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Sends `request` on a new connection and waits for the response head. `timeout` limits the
/// whole exchange (the body too), `connect_timeout` DNS + TCP + TLS.
pub(crate) async fn send(
    mut request: reqwest::Request,
    tls: Arc<ClientConfig>,
    recorder: &Recorder,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    wire: Option<WireHead>,
) -> Result<Sent, Failure> {
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let url = request.url().clone();
    let head = async {
        let (io, remote_addr) =
            match tokio::time::timeout(connect_timeout, connect(&url, tls, recorder)).await {
                Ok(connected) => connected.map_err(Failure::connect)?,
                Err(elapsed) => return Err(Failure::connect(elapsed)),
            };
        let io: Box<dyn Io> = match &wire {
            Some(wire) => {
                let head = wire_head(&request, &url, wire).map_err(Failure::request)?;
                Box::new(HeadSwap::new(io, head))
            }
            None => io,
        };
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
            .await
            .map_err(Failure::request)?;
        tokio::spawn(async move {
            // Errors reach the caller through the response future or the body.
            let _ = connection.await;
        });
        let wire = to_wire(&mut request, &url).map_err(Failure::request)?;
        let response = sender.send_request(wire).await.map_err(Failure::request)?;
        Ok((response, remote_addr))
    };
    let (response, remote_addr) = match deadline {
        Some(at) => tokio::time::timeout_at(at, head)
            .await
            .map_err(Failure::request)??,
        None => head.await?,
    };
    Ok(Sent {
        response: to_reqwest(response, url, deadline).map_err(Failure::request)?,
        remote_addr,
    })
}

async fn connect(
    url: &Url,
    tls: Arc<ClientConfig>,
    recorder: &Recorder,
) -> Result<(Box<dyn Io>, SocketAddr), BoxError> {
    recorder.update(|e| e.connector_start = Some(Instant::now()));
    let host = url.host().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    let addrs = match &host {
        Host::Ipv4(ip) => vec![SocketAddr::from((*ip, port))],
        Host::Ipv6(ip) => vec![SocketAddr::from((*ip, port))],
        Host::Domain(name) => resolve(name, port, recorder).await?,
    };
    let (tcp, addr) = connect_any(&addrs).await?;
    // Small writes (the head, then the body) go out at once.
    tcp.set_nodelay(true)?;
    let io: Box<dyn Io> = if url.scheme() == "https" {
        let name = match host {
            Host::Domain(name) => ServerName::try_from(name.to_owned())?,
            Host::Ipv4(ip) => ServerName::IpAddress(IpAddr::V4(ip).into()),
            Host::Ipv6(ip) => ServerName::IpAddress(IpAddr::V6(ip).into()),
        };
        Box::new(TlsConnector::from(tls).connect(name, tcp).await?)
    } else {
        Box::new(tcp)
    };
    recorder.update(|e| e.connector_end = Some(Instant::now()));
    Ok((io, addr))
}

async fn resolve(name: &str, port: u16, recorder: &Recorder) -> Result<Vec<SocketAddr>, BoxError> {
    recorder.update(|e| e.dns_start = Some(Instant::now()));
    let result = tokio::net::lookup_host((name, port))
        .await
        .map(|addrs| addrs.collect::<Vec<_>>());
    recorder.update(|e| e.dns_end = Some(Instant::now()));
    let host = name.to_owned();
    match result {
        Ok(addrs) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(Box::new(DnsFailure {
            host,
            source: io::Error::new(io::ErrorKind::NotFound, "no addresses found"),
        })),
        Err(source) => Err(Box::new(DnsFailure { host, source })),
    }
}

/// The first address that accepts, else the last address's error.
async fn connect_any(addrs: &[SocketAddr]) -> Result<(TcpStream, SocketAddr), io::Error> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no addresses to connect to");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(tcp) => return Ok((tcp, *addr)),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The request as hyper writes it: origin-form target, `host` first, then its own headers.
fn to_wire(
    request: &mut reqwest::Request,
    url: &Url,
) -> Result<hyper::Request<reqwest::Body>, BoxError> {
    let mut headers = HeaderMap::with_capacity(request.headers().len() + 1);
    if !request.headers().contains_key(header::HOST) {
        headers.insert(header::HOST, host_value(url)?);
    }
    for (name, value) in request.headers() {
        headers.append(name.clone(), value.clone());
    }
    let body = request
        .body_mut()
        .take()
        .unwrap_or_else(|| reqwest::Body::from(Bytes::new()));
    let mut wire = hyper::Request::builder()
        .method(request.method().clone())
        .uri(&url[Position::BeforePath..Position::AfterQuery])
        .version(hyper::Version::HTTP_11)
        .body(body)?;
    *wire.headers_mut() = headers;
    Ok(wire)
}

/// The head [`HeadSwap`] writes: request line with the wire target, `host`, the wire
/// headers, then the `content-length` hyper frames the body with.
fn wire_head(request: &reqwest::Request, url: &Url, wire: &WireHead) -> Result<Vec<u8>, BoxError> {
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(request.method().as_str().as_bytes());
    head.push(b' ');
    match &wire.target {
        Some(target) => head.extend_from_slice(target),
        None => head.extend_from_slice(url[Position::BeforePath..Position::AfterQuery].as_bytes()),
    }
    head.extend_from_slice(b" HTTP/1.1\r\n");
    let line = |head: &mut Vec<u8>, name: &[u8], value: &[u8]| {
        head.extend_from_slice(name);
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    };
    if !wire
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case(b"host"))
    {
        line(&mut head, b"host", host_value(url)?.as_bytes());
    }
    for (name, value) in &wire.headers {
        if name.is_empty()
            || [name, value]
                .iter()
                .any(|b| b.contains(&b'\r') || b.contains(&b'\n'))
        {
            return Err("a relayed header line holds CR or LF".into());
        }
        line(&mut head, name, value);
    }
    if let Some(length) = request.headers().get(header::CONTENT_LENGTH) {
        line(&mut head, b"content-length", length.as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    Ok(head)
}

/// A connection that replaces the first request head hyper writes with `head` (hyper still
/// frames the body and reads the response).
struct HeadSwap<T> {
    inner: T,
    /// hyper's head so far; `None` once it has been replaced.
    swallowed: Option<Vec<u8>>,
    /// Bytes to write to `inner` before anything else.
    pending: Vec<u8>,
    head: Vec<u8>,
}

impl<T> HeadSwap<T> {
    fn new(inner: T, head: Vec<u8>) -> HeadSwap<T> {
        HeadSwap {
            inner,
            swallowed: Some(Vec::new()),
            pending: Vec::new(),
            head,
        }
    }
}

impl<T: AsyncWrite + Unpin> HeadSwap<T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.pending.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for HeadSwap<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HeadSwap<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        let Some(swallowed) = &mut this.swallowed else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        swallowed.extend_from_slice(buf);
        if let Some(end) = swallowed.windows(4).position(|w| w == b"\r\n\r\n") {
            let mut out = std::mem::take(&mut this.head);
            out.extend_from_slice(&swallowed[end + 4..]);
            this.pending = out;
            this.swallowed = None;
            // Written as far as the connection takes now; the rest on the next write or flush.
            let _ = this.poll_pending(cx)?;
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// `host[:port]`, the port only when it is not the scheme's default (as browsers and curl).
fn host_value(url: &Url) -> Result<HeaderValue, BoxError> {
    let host = url.host_str().ok_or("the URL has no host")?;
    let value = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    Ok(HeaderValue::from_str(&value)?)
}

fn to_reqwest(
    response: hyper::Response<Incoming>,
    url: Url,
    deadline: Option<tokio::time::Instant>,
) -> Result<reqwest::Response, BoxError> {
    let (parts, body) = response.into_parts();
    let body = reqwest::Body::wrap(Deadline {
        inner: body,
        sleep: deadline.map(|at| Box::pin(tokio::time::sleep_until(at))),
    });
    let mut response = hyper::Response::builder()
        .status(parts.status)
        .version(parts.version)
        .url(url)
        .body(body)?;
    *response.headers_mut() = parts.headers;
    response.extensions_mut().extend(parts.extensions);
    Ok(reqwest::Response::from(response))
}

/// A response body that fails with a time-out once the exchange's deadline has passed.
struct Deadline {
    inner: Incoming,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Some(sleep) = &mut this.sleep
            && sleep.as_mut().poll(cx).is_ready()
        {
            let elapsed = io::Error::new(io::ErrorKind::TimedOut, "the response body timed out");
            return Poll::Ready(Some(Err(Box::new(elapsed))));
        }
        Pin::new(&mut this.inner)
            .poll_frame(cx)
            .map_err(|e| Box::new(e) as BoxError)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Client, ClientOptions, HttpError, Prepared, TimeoutPhase};
    use crate::request::{Body, Expect, ResolvedRequest};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;

    fn request(url: &str, headers: &[(&str, &str)], body: Body) -> ResolvedRequest {
        ResolvedRequest {
            name: "#1".into(),
            method: "POST".into(),
            url: url::Url::parse(url).unwrap_or_else(|_| panic!("test URL {url}")),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            without_headers: Vec::new(),
            body,
            timeout: Some(Duration::from_secs(5)),
            follow_redirects: false,
            max_redirects: None,
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
            routes: Default::default(),
        }
    }

    fn listed(prepared: &Prepared) -> Vec<(&str, &str)> {
        prepared
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// Answers one request with `answer` (if any), keeps the connection open for 5 s, and
    /// returns everything the client wrote up to the end of its `content-length` body.
    async fn one_request(answer: Option<&'static [u8]>) -> (String, JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let task = tokio::spawn(async move {
            let Ok((mut stream, _)) = listener.accept().await else {
                return Vec::new();
            };
            let mut got = Vec::new();
            let mut chunk = [0u8; 1024];
            while !complete(&got) {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
            if let Some(answer) = answer {
                let _ = stream.write_all(answer).await;
            }
            // Then silence, with the connection open.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                drop(stream);
            });
            got
        });
        (format!("http://{addr}"), task)
    }

    fn complete(got: &[u8]) -> bool {
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
            return false;
        };
        let head = String::from_utf8_lossy(&got[..end]);
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        got.len() >= end + 4 + length
    }

    fn client() -> Client {
        Client::new(&ClientOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn prepare_adds_the_defaults_and_prepare_exact_adds_only_the_length() {
        let client = client();
        let req = request(
            "http://127.0.0.1:1/hook",
            &[("Content-Type", "text/plain"), ("X-Sig", "abc")],
            Body::Bytes(b"hello".to_vec()),
        );
        let exact = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        assert!(exact.exact);
        assert_eq!(
            listed(&exact),
            [
                ("content-type", "text/plain"),
                ("x-sig", "abc"),
                ("content-length", "5")
            ]
        );
        let normal = client.prepare(&req).unwrap_or_else(|e| panic!("{e}"));
        assert!(!normal.exact);
        assert_eq!(
            listed(&normal),
            [
                ("content-type", "text/plain"),
                ("x-sig", "abc"),
                ("user-agent", super::super::USER_AGENT),
                ("accept", "*/*"),
                ("accept-encoding", "gzip, deflate, br, zstd"),
                ("content-length", "5")
            ]
        );
    }

    #[tokio::test]
    async fn an_exact_request_goes_out_with_its_headers_host_and_length_only() {
        let (base, server) = one_request(Some(
            b"HTTP/1.1 201 Made\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
        ))
        .await;
        let client = client();
        let req = request(
            &format!("{base}/hooks/gh?x=1"),
            &[("Content-Type", "text/plain"), ("X-Sig", "abc")],
            Body::Bytes(b"hello".to_vec()),
        );
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let response = client
            .execute(prepared)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.head.status, 201);
        assert_eq!(response.head.reason, "Made");
        assert_eq!(response.head.url.as_str(), format!("{base}/hooks/gh?x=1"));
        let authority = base.trim_start_matches("http://");
        assert_eq!(
            response.head.remote_addr.map(|a| a.to_string()).as_deref(),
            Some(authority)
        );
        let (mut reader, _) = response.into_body();
        let mut body = String::new();
        reader
            .read_to_string(&mut body)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(body, "ok");
        let wire = server.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            String::from_utf8_lossy(&wire),
            format!(
                "POST /hooks/gh?x=1 HTTP/1.1\r\nhost: {authority}\r\ncontent-type: text/plain\r\n\
                 x-sig: abc\r\ncontent-length: 5\r\n\r\nhello"
            )
        );
    }

    #[tokio::test]
    async fn an_exact_request_without_a_body_has_no_length() {
        let (base, server) = one_request(Some(
            b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n",
        ))
        .await;
        let client = client();
        let mut req = request(&format!("{base}/"), &[("X-A", "1")], Body::None);
        req.method = "DELETE".into();
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let response = client
            .execute(prepared)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.head.status, 204);
        let wire = server.await.unwrap_or_else(|e| panic!("{e}"));
        let authority = base.trim_start_matches("http://");
        assert_eq!(
            String::from_utf8_lossy(&wire),
            format!("DELETE / HTTP/1.1\r\nhost: {authority}\r\nx-a: 1\r\n\r\n")
        );
    }

    #[tokio::test]
    async fn exact_failures_are_classified_like_the_normal_ones() {
        let client = client();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        drop(listener);
        let req = request(&format!("http://{addr}/"), &[], Body::None);
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let refused = client.execute(prepared).await.map(|r| r.head.status);
        assert_eq!(
            refused,
            Err(HttpError::Refused {
                addr: addr.to_string()
            })
        );

        let (base, _server) = one_request(None).await;
        let mut req = request(&format!("{base}/"), &[], Body::None);
        req.timeout = Some(Duration::from_millis(200));
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let silent = client.execute(prepared).await.map(|r| r.head.status);
        assert_eq!(
            silent,
            Err(HttpError::Timeout {
                phase: TimeoutPhase::WaitingForResponse,
                limit: Duration::from_millis(200)
            })
        );
    }

    #[tokio::test]
    async fn the_timeout_covers_an_exact_response_body_too() {
        // Promises 10 bytes, sends 2, then stalls.
        let (base, _server) =
            one_request(Some(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok")).await;
        let client = client();
        let mut req = request(&format!("{base}/"), &[], Body::None);
        req.timeout = Some(Duration::from_millis(300));
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let response = client
            .execute(prepared)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (mut reader, _) = response.into_body();
        let mut body = Vec::new();
        let err = reader
            .read_to_end(&mut body)
            .await
            .map_err(|e| HttpError::from_io(&e).cloned());
        assert_eq!(body, b"ok");
        assert_eq!(
            err,
            Err(Some(HttpError::Timeout {
                phase: TimeoutPhase::ReadingBody,
                limit: Duration::from_millis(300)
            }))
        );
    }

    /// A CA file and a TLS acceptor (offering h2 and http/1.1) for `localhost`.
    fn tls_fixture(dir: &std::path::Path) -> (std::path::PathBuf, tokio_rustls::TlsAcceptor) {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
        let fail = |e: &dyn std::fmt::Display| -> ! { panic!("test TLS setup: {e}") };
        let ca_key = KeyPair::generate().unwrap_or_else(|e| fail(&e));
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| fail(&e));
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap_or_else(|e| fail(&e));
        let issuer = Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().unwrap_or_else(|e| fail(&e));
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .and_then(|p| p.signed_by(&leaf_key, &issuer))
            .unwrap_or_else(|e| fail(&e));
        let ca_path = dir.join("ca.pem");
        std::fs::write(&ca_path, ca_cert.pem()).unwrap_or_else(|e| fail(&e));
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|e| fail(&e))
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap_or_else(|e| fail(&e));
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        (
            ca_path,
            tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)),
        )
    }

    #[tokio::test]
    async fn an_exact_request_over_tls_speaks_http1_with_the_same_headers() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (ca_path, acceptor) = tls_fixture(dir.path());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let server = tokio::spawn(async move {
            let Ok((tcp, _)) = listener.accept().await else {
                return (None, Vec::new());
            };
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return (None, Vec::new());
            };
            let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
            let mut got = Vec::new();
            let mut chunk = [0u8; 1024];
            while !complete(&got) {
                match tls.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
            let _ = tls
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
            let _ = tls.shutdown().await;
            (alpn, got)
        });
        let options = ClientOptions {
            ca_certs: vec![ca_path],
            ..ClientOptions::default()
        };
        let client = Client::new(&options).unwrap_or_else(|e| panic!("{e}"));
        let req = request(
            &format!("https://localhost:{port}/h"),
            &[("X-Sig", "abc")],
            Body::Bytes(b"hi".to_vec()),
        );
        let prepared = client.prepare_exact(&req).unwrap_or_else(|e| panic!("{e}"));
        let response = client
            .execute(prepared)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.head.status, 200);
        assert_eq!(response.head.version, "HTTP/1.1");
        let (alpn, wire) = server.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]));
        assert_eq!(
            String::from_utf8_lossy(&wire),
            format!(
                "POST /h HTTP/1.1\r\nhost: localhost:{port}\r\nx-sig: abc\r\ncontent-length: 2\r\n\r\nhi"
            )
        );
    }
}
