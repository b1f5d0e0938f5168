//! Test servers on 127.0.0.1 for integration tests.
//!
//! Each server runs on its own thread with its own (current-thread) tokio runtime, so it works
//! from both `#[test]` and `#[tokio::test]`. It stops when the `TestServer` is dropped.
//! Setup failures panic: this is test code.

#![allow(dead_code)] // each test crate uses a different subset

pub mod child;
pub mod listener;
pub mod sandbox;
pub mod tools;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A request as the server received it (body fully read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// Path and query (`/plans?x=1`); HTTP/2 requests carry the full URI.
    pub uri: String,
    /// `"HTTP/1.1"`, `"HTTP/2"`, ...
    pub version: String,
    /// Lower-case names, in received order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query (`/plans` for an HTTP/2 `https://localhost:1/plans?x=1`).
    pub fn path(&self) -> String {
        match self.uri.parse::<hyper::Uri>() {
            Ok(uri) => uri.path().to_owned(),
            Err(_) => self.uri.clone(),
        }
    }
}

/// What a handler returns: status, headers, body.
pub type Reply = (u16, Vec<(String, String)>, Vec<u8>);

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// A request exactly as it came over the wire ([`wire_server`]): names keep their case,
/// headers their order and repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The request line and header lines, without the final blank line.
    pub head: String,
    /// `Content-Length` bytes of body (empty without one).
    pub body: Vec<u8>,
}

impl WireRequest {
    /// `POST /hooks?x=1 HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.split("\r\n").next().unwrap_or_default()
    }

    /// The header lines (`name: value`) in wire order.
    pub fn header_lines(&self) -> Vec<&str> {
        self.head.split("\r\n").skip(1).collect()
    }
}

#[derive(Clone, Default)]
struct Log {
    hits: Arc<AtomicUsize>,
    /// TCP connections accepted ([`http_server`]).
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    wire: Arc<Mutex<Vec<WireRequest>>>,
}

impl Log {
    fn hit(&self) {
        self.hits.fetch_add(1, Ordering::SeqCst);
    }

    fn record(&self, rec: Recorded) {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rec);
    }

    fn record_wire(&self, rec: WireRequest) {
        self.wire
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rec);
    }
}

/// A running server. Stops (and closes every connection) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    base: String,
    log: Log,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// `http://127.0.0.1:PORT/path` (or `https://localhost:PORT/path` for TLS servers).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Requests (or, for the raw servers, connections) that arrived so far.
    pub fn hits(&self) -> usize {
        self.log.hits.load(Ordering::SeqCst)
    }

    /// TCP connections an [`http_server`] accepted so far.
    pub fn connections(&self) -> usize {
        self.log.connections.load(Ordering::SeqCst)
    }

    /// What arrived, in order (HTTP servers only).
    pub fn requests(&self) -> Vec<Recorded> {
        self.log
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `METHOD /path` of each request that arrived, in order (HTTP servers only).
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path()))
            .collect()
    }

    /// What arrived at a [`wire_server`], byte for byte, in order.
    pub fn wire_requests(&self) -> Vec<WireRequest> {
        self.log
            .wire
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds 127.0.0.1:0 and runs `accept_loop` on a new thread until the server is dropped.
fn spawn<F, Fut>(scheme_host: &str, accept_loop: F) -> TestServer
where
    F: FnOnce(TcpListener, Log) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    std_listener
        .set_nonblocking(true)
        .expect("set listener non-blocking");
    let addr = std_listener.local_addr().expect("listener address");
    let log = Log::default();
    let (tx, rx) = oneshot::channel::<()>();
    let thread_log = log.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test server runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(std_listener).expect("tokio listener");
            tokio::select! {
                _ = accept_loop(listener, thread_log) => {}
                _ = rx => {}
            }
        });
        // Dropping the runtime cancels every connection task and closes its socket.
    });
    TestServer {
        addr,
        base: format!("{scheme_host}:{}", addr.port()),
        log,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}

fn version_str(v: hyper::Version) -> &'static str {
    match v {
        hyper::Version::HTTP_09 => "HTTP/0.9",
        hyper::Version::HTTP_10 => "HTTP/1.0",
        hyper::Version::HTTP_11 => "HTTP/1.1",
        hyper::Version::HTTP_2 => "HTTP/2",
        hyper::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/?",
    }
}

async fn handle(
    req: hyper::Request<Incoming>,
    handler: Handler,
    log: Log,
) -> Result<hyper::Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes().to_vec();
    let rec = Recorded {
        method: parts.method.as_str().to_owned(),
        uri: parts.uri.to_string(),
        version: version_str(parts.version).to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let (status, headers, body) = handler(&rec);
    log.record(rec);
    log.hit();
    let mut builder = hyper::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    Ok(builder
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|e| {
            let mut resp = hyper::Response::new(Full::new(Bytes::from(format!(
                "test server: bad reply from handler: {e}"
            ))));
            *resp.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            resp
        }))
}

async fn serve<I>(io: I, handler: Handler, log: Log, http1_only: bool)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req| handle(req, handler.clone(), log.clone()));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    if http1_only {
        builder = builder.http1_only();
    }
    let _ = builder.serve_connection(TokioIo::new(io), service).await;
}

/// A plain HTTP/1.1 (and h2c prior-knowledge) server calling `handler` for each request.
pub fn http_server<F>(handler: F) -> TestServer
where
    F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
{
    let handler: Handler = Arc::new(handler);
    spawn("http://127.0.0.1", move |listener, log| async move {
        while let Ok((stream, _)) = listener.accept().await {
            log.connections.fetch_add(1, Ordering::SeqCst);
            tokio::task::spawn(serve(stream, handler.clone(), log.clone(), false));
        }
    })
}

/// Which server certificate a TLS test server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    /// Valid for `localhost` and `127.0.0.1`, signed by the fixture's CA.
    Valid,
    /// Signed by the CA but only valid for `other.example`.
    WrongName,
    /// Valid for `localhost` but expired in 2001.
    Expired,
    /// Signed by the CA, valid for `api.example.com` only (for `--resolve`/`--connect-to`).
    ApiExample,
}

/// How a TLS test server is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsSetup {
    pub cert: CertKind,
    /// Offer `h2` by ALPN (else HTTP/1.1 only).
    pub http2: bool,
}

impl Default for TlsSetup {
    fn default() -> Self {
        TlsSetup {
            cert: CertKind::Valid,
            http2: true,
        }
    }
}

/// The CA of a TLS test server, as a PEM file to pass to `--cacert`.
pub struct TlsFixture {
    pub ca_pem_path: PathBuf,
    /// The host name to use in URLs: `"localhost"`.
    pub host: String,
    _dir: tempfile::TempDir,
}

/// An HTTPS server (h2 + http/1.1 by ALPN) with a certificate for `localhost`.
pub fn https_server<F>(handler: F) -> (TestServer, TlsFixture)
where
    F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
{
    https_server_with_cert(TlsSetup::default(), handler)
}

/// An HTTPS server with a chosen certificate and ALPN offer (for TLS failure tests).
pub fn https_server_with_cert<F>(setup: TlsSetup, handler: F) -> (TestServer, TlsFixture)
where
    F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
{
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "postie test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
    let issuer = Issuer::new(ca_params, ca_key);

    let names: Vec<String> = match setup.cert {
        CertKind::WrongName => vec!["other.example".into()],
        CertKind::ApiExample => vec!["api.example.com".into()],
        CertKind::Valid | CertKind::Expired => vec!["localhost".into(), "127.0.0.1".into()],
    };
    let mut leaf_params = CertificateParams::new(names).expect("leaf params");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "postie test server");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if setup.cert == CertKind::Expired {
        leaf_params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        leaf_params.not_after = rcgen::date_time_ymd(2001, 1, 1);
    }
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("sign leaf");

    let dir = tempfile::tempdir().expect("temp dir");
    let ca_pem_path = dir.path().join("ca.pem");
    std::fs::write(&ca_pem_path, ca_cert.pem()).expect("write CA PEM");

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate");
    config.alpn_protocols = if setup.http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let http1_only = !setup.http2;

    let handler: Handler = Arc::new(handler);
    let server = spawn("https://localhost", move |listener, log| async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let handler = handler.clone();
            let log = log.clone();
            tokio::task::spawn(async move {
                // A failed handshake (the client rejected our certificate) just ends here.
                if let Ok(tls) = acceptor.accept(stream).await {
                    serve(tls, handler, log, http1_only).await;
                }
            });
        }
    });
    let fixture = TlsFixture {
        ca_pem_path,
        host: "localhost".to_owned(),
        _dir: dir,
    };
    (server, fixture)
}

/// Reads until the end of the request head (or EOF); returns the bytes read.
async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return buf,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    return buf;
                }
            }
        }
    }
}

/// Accepts, reads the request head, closes cleanly (FIN) without answering.
pub fn dropping_server() -> TestServer {
    spawn("http://127.0.0.1", |listener, log| async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            read_head(&mut stream).await;
            log.hit();
            let _ = stream.shutdown().await;
            drop(stream);
        }
    })
}

/// Accepts, waits for the request, closes without reading it: the kernel answers with a
/// TCP reset (unread data in the receive buffer).
pub fn resetting_server() -> TestServer {
    spawn("http://127.0.0.1", |listener, log| async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.readable().await;
            // Give the whole request time to land in the receive buffer.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            log.hit();
            drop(stream);
        }
    })
}

/// Accepts, reads the request head, never answers (until the server is dropped).
pub fn stalling_server() -> TestServer {
    raw_server(Vec::new())
}

/// Accepts, reads the request head, writes `response` verbatim and then keeps the
/// connection open without writing more (until the server is dropped). Handy for a response
/// whose body never completes.
pub fn raw_server(response: Vec<u8>) -> TestServer {
    spawn("http://127.0.0.1", move |listener, log| async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            let log = log.clone();
            tokio::task::spawn(async move {
                read_head(&mut stream).await;
                log.hit();
                if !response.is_empty() {
                    let _ = stream.write_all(&response).await;
                    let _ = stream.flush().await;
                }
                std::future::pending::<()>().await;
                drop(stream);
            });
        }
    })
}

/// An HTTP/1.1 server that records each request as it came over the wire (see
/// [`TestServer::wire_requests`]) and answers `status` with `body`, closing the connection.
/// For tests about exactly which header lines a client sends; no chunked request bodies.
pub fn wire_server(status: u16, body: &'static [u8]) -> TestServer {
    spawn("http://127.0.0.1", move |listener, log| async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::task::spawn(async move {
                let mut bytes = read_head(&mut stream).await;
                let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
                    return;
                };
                let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
                let length = head
                    .split("\r\n")
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                let mut chunk = [0u8; 4096];
                while bytes.len() < end + 4 + length {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                    }
                }
                let body_end = bytes.len().min(end + 4 + length);
                log.record_wire(WireRequest {
                    head,
                    body: bytes[end + 4..body_end].to_vec(),
                });
                log.hit();
                let answer = format!(
                    "HTTP/1.1 {status} Test\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.write_all(body).await;
                let _ = stream.shutdown().await;
            });
        }
    })
}
