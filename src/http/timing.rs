//! Timing instrumentation: reqwest exposes no timings, so we hook in at three places.
//!
//! - DNS: a [`reqwest::dns::Resolve`] wrapping `tokio::net::lookup_host` ([`TimedResolver`]).
//! - Connect + TLS: a tower layer around reqwest's connector ([`ConnectTimingLayer`]); it is
//!   only called when a new connection is made, so "not called" means the connection was reused.
//! - The TCP/TLS split: rustls asks the client session store for a resumption ticket while it
//!   builds the ClientHello (`ClientHelloInput::new` -> `ClientSessionValue::retrieve` ->
//!   `take_tls13_ticket`), which is right after the TCP connection is established
//!   (hyper-rustls awaits TCP, then calls `TlsConnector::connect`). [`HelloHookStore`] records
//!   that instant and delegates everything to rustls' in-memory store.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rustls::client::{ClientSessionMemoryCache, ClientSessionStore};
use rustls::pki_types::ServerName;

/// The connection-level instants of the current request.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ConnEvents {
    pub(crate) connector_start: Option<Instant>,
    pub(crate) dns_start: Option<Instant>,
    pub(crate) dns_end: Option<Instant>,
    pub(crate) client_hello: Option<Instant>,
    pub(crate) connector_end: Option<Instant>,
}

impl ConnEvents {
    /// A new connection was being made and has not finished.
    pub(crate) fn connecting(&self) -> bool {
        self.connector_start.is_some() && self.connector_end.is_none()
    }
}

/// Per-request recorder of connection events.
///
/// One client (one connection pool) serves a whole run, concurrent requests included, so the
/// hooks cannot hold a recorder of their own: `Client::execute` makes one per request and runs
/// the request inside [`Recorder::scope`]; the hooks find it as a task-local. The connector
/// keeps the recorder it was called with for the whole connection attempt (and re-enters the
/// scope around it), so DNS and the ClientHello are recorded even if hyper finishes the
/// connection in a background task.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    events: Mutex<ConnEvents>,
    /// `--resolve`/`--connect-to` for the current hop: the URL's host and where a
    /// connection to it goes (the resolver sees only the name, not the port).
    route: Mutex<Option<(String, crate::route::Route)>>,
}

tokio::task_local! {
    static CURRENT: Arc<Recorder>;
}

impl Recorder {
    /// Run `future` with `recorder` as the current request's recorder.
    pub(crate) async fn scope<F: Future>(recorder: Arc<Recorder>, future: F) -> F::Output {
        CURRENT.scope(recorder, future).await
    }

    /// The recorder of the request being polled, if any.
    pub(crate) fn current() -> Option<Arc<Recorder>> {
        CURRENT.try_with(Arc::clone).ok()
    }

    /// Record into the current request's recorder (nothing outside a request).
    pub(crate) fn with_current(f: impl FnOnce(&mut ConnEvents)) {
        if let Some(recorder) = Recorder::current() {
            recorder.update(f);
        }
    }

    fn lock(&self) -> MutexGuard<'_, ConnEvents> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn snapshot(&self) -> ConnEvents {
        *self.lock()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut ConnEvents)) {
        f(&mut self.lock());
    }

    /// Where connections for `host` go during the current hop (`None`: DNS decides).
    pub(crate) fn set_route(&self, route: Option<(String, crate::route::Route)>) {
        *self.route.lock().unwrap_or_else(|p| p.into_inner()) = route;
    }

    fn route_for(&self, host: &str) -> Option<crate::route::Route> {
        let route = self.route.lock().unwrap_or_else(|p| p.into_inner());
        route
            .as_ref()
            .filter(|(name, _)| name.eq_ignore_ascii_case(host))
            .map(|(_, route)| route.clone())
    }
}

/// A DNS error from [`TimedResolver`], found again in reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("could not resolve host `{host}`")]
pub(crate) struct DnsFailure {
    pub(crate) host: String,
    #[source]
    pub(crate) source: io::Error,
}

/// Resolves with the system resolver and records how long it took.
#[derive(Debug, Clone)]
pub(crate) struct TimedResolver;

impl reqwest::dns::Resolve for TimedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let recorder = Recorder::current().unwrap_or_default();
        let host = name.as_str().to_owned();
        let route = recorder.route_for(&host);
        Box::pin(async move {
            recorder.update(|e| e.dns_start = Some(Instant::now()));
            let result = match &route {
                // `--resolve` addresses, or `--connect-to`'s host (the port is the route's:
                // the connector keeps a resolved port when the URL names none).
                Some(route) if !route.addrs.is_empty() => Ok(route
                    .addrs
                    .iter()
                    .map(|ip| std::net::SocketAddr::new(*ip, route.port))
                    .collect()),
                Some(route) => match route.host.parse::<std::net::IpAddr>() {
                    Ok(ip) => Ok(vec![std::net::SocketAddr::new(ip, route.port)]),
                    Err(_) => tokio::net::lookup_host((route.host.as_str(), route.port))
                        .await
                        .map(|addrs| addrs.collect::<Vec<_>>()),
                },
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map(|addrs| addrs.collect::<Vec<_>>()),
            };
            let host = route.map_or(host, |route| route.host);
            recorder.update(|e| e.dns_end = Some(Instant::now()));
            let addrs = match result {
                Ok(addrs) => addrs,
                Err(source) => return Err(Box::new(DnsFailure { host, source }) as _),
            };
            if addrs.is_empty() {
                let source = io::Error::new(io::ErrorKind::NotFound, "no addresses found");
                return Err(Box::new(DnsFailure { host, source }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Tower layer around reqwest's connector: times DNS + TCP + TLS of new connections.
#[derive(Debug, Clone)]
pub(crate) struct ConnectTimingLayer;

impl<S> tower_layer::Layer<S> for ConnectTimingLayer {
    type Service = ConnectTiming<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ConnectTiming { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ConnectTiming<S> {
    inner: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, R> tower_service::Service<R> for ConnectTiming<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
    S::Response: 'static,
    S::Error: 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let recorder = Recorder::current().unwrap_or_default();
        recorder.update(|e| e.connector_start = Some(Instant::now()));
        let fut = CURRENT.sync_scope(Arc::clone(&recorder), || self.inner.call(req));
        Box::pin(async move {
            let result = CURRENT.scope(Arc::clone(&recorder), fut).await;
            if result.is_ok() {
                recorder.update(|e| e.connector_end = Some(Instant::now()));
            }
            result
        })
    }
}

/// rustls session store that notes when the ClientHello is built (see the module doc).
#[derive(Debug)]
pub(crate) struct HelloHookStore {
    inner: ClientSessionMemoryCache,
}

impl HelloHookStore {
    pub(crate) fn new() -> Self {
        HelloHookStore {
            inner: ClientSessionMemoryCache::new(256),
        }
    }
}

impl ClientSessionStore for HelloHookStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: rustls::NamedGroup) {
        self.inner.set_kx_hint(server_name, group);
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<rustls::NamedGroup> {
        self.inner.kx_hint(server_name)
    }

    fn set_tls12_session(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls12ClientSessionValue,
    ) {
        self.inner.set_tls12_session(server_name, value);
    }

    fn tls12_session(
        &self,
        server_name: &ServerName<'_>,
    ) -> Option<rustls::client::Tls12ClientSessionValue> {
        self.inner.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name);
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls13ClientSessionValue,
    ) {
        self.inner.insert_tls13_ticket(server_name, value);
    }

    /// Called first while building the ClientHello: the TCP connection is up, TLS starts.
    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        Recorder::with_current(|e| {
            if e.client_hello.is_none() {
                e.client_hello = Some(Instant::now());
            }
        });
        self.inner.take_tls13_ticket(server_name)
    }
}

/// Timing breakdown of one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Name resolution; `None` for IP-literal URLs and reused connections.
    pub dns: Option<Duration>,
    /// TCP connect (after DNS); `None` for reused connections.
    pub connect: Option<Duration>,
    /// TLS handshake; `None` for plain HTTP and reused connections.
    pub tls: Option<Duration>,
    /// Request start to response head received.
    pub ttfb: Duration,
    /// Response head to body end of file; `None` until the body has been read to the end.
    pub download: Option<Duration>,
    /// Request start to body end of file (or to now while the body is still being read).
    pub total: Duration,
    /// No DNS/connect/TLS happened for this request: a pooled connection was used.
    pub reused_connection: bool,
}

#[derive(Debug)]
struct TimingState {
    start: Instant,
    head: Instant,
    conn: ConnEvents,
    eof: Mutex<Option<Instant>>,
    bytes: AtomicU64,
}

/// Shared view of an exchange's timings, updated while the body is read.
#[derive(Debug, Clone)]
pub struct TimingsHandle {
    state: Arc<TimingState>,
}

impl TimingsHandle {
    pub(crate) fn new(start: Instant, head: Instant, conn: ConnEvents) -> Self {
        TimingsHandle {
            state: Arc::new(TimingState {
                start,
                head,
                conn,
                eof: Mutex::new(None),
                bytes: AtomicU64::new(0),
            }),
        }
    }

    fn eof_at(&self) -> Option<Instant> {
        *self
            .state
            .eof
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn mark_eof(&self) {
        let mut eof = self
            .state
            .eof
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if eof.is_none() {
            *eof = Some(Instant::now());
        }
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.state.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Body bytes (decoded) read so far.
    pub fn bytes(&self) -> u64 {
        self.state.bytes.load(Ordering::Relaxed)
    }

    /// The timings as of now.
    pub fn get(&self) -> Timings {
        let s = &self.state;
        let eof = self.eof_at();
        compute(s.start, s.head, &s.conn, eof, Instant::now())
    }
}

fn span(from: Option<Instant>, to: Option<Instant>) -> Option<Duration> {
    Some(to?.saturating_duration_since(from?))
}

fn compute(
    start: Instant,
    head: Instant,
    conn: &ConnEvents,
    eof: Option<Instant>,
    now: Instant,
) -> Timings {
    let reused = conn.connector_start.is_none();
    let dns = span(conn.dns_start, conn.dns_end);
    let tcp_start = conn.dns_end.or(conn.connector_start);
    let tcp_end = conn.client_hello.or(conn.connector_end);
    let connect = span(tcp_start, tcp_end);
    let tls = conn
        .client_hello
        .and_then(|hello| span(Some(hello), conn.connector_end));
    Timings {
        dns,
        connect,
        tls,
        ttfb: head.saturating_duration_since(start),
        download: eof.map(|e| e.saturating_duration_since(head)),
        total: eof.unwrap_or(now).saturating_duration_since(start),
        reused_connection: reused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn new_tls_connection_splits_dns_connect_and_tls() {
        let t0 = Instant::now();
        let conn = ConnEvents {
            connector_start: Some(t0),
            dns_start: Some(t0 + ms(1)),
            dns_end: Some(t0 + ms(5)),
            client_hello: Some(t0 + ms(15)),
            connector_end: Some(t0 + ms(45)),
        };
        let t = compute(t0, t0 + ms(60), &conn, Some(t0 + ms(100)), t0 + ms(500));
        assert_eq!(t.dns, Some(ms(4)));
        assert_eq!(t.connect, Some(ms(10)));
        assert_eq!(t.tls, Some(ms(30)));
        assert_eq!(t.ttfb, ms(60));
        assert_eq!(t.download, Some(ms(40)));
        assert_eq!(t.total, ms(100));
        assert!(!t.reused_connection);
    }

    #[test]
    fn ip_literal_plain_http_has_no_dns_and_no_tls() {
        let t0 = Instant::now();
        let conn = ConnEvents {
            connector_start: Some(t0),
            connector_end: Some(t0 + ms(3)),
            ..ConnEvents::default()
        };
        let t = compute(t0, t0 + ms(10), &conn, None, t0 + ms(25));
        assert_eq!(t.dns, None);
        assert_eq!(t.connect, Some(ms(3)));
        assert_eq!(t.tls, None);
        assert_eq!(t.download, None);
        assert_eq!(t.total, ms(25));
    }

    #[test]
    fn no_connector_call_means_reused() {
        let t0 = Instant::now();
        let t = compute(t0, t0 + ms(2), &ConnEvents::default(), None, t0 + ms(2));
        assert!(t.reused_connection);
        assert_eq!((t.dns, t.connect, t.tls), (None, None, None));
    }

    #[test]
    fn handle_counts_bytes_and_keeps_first_eof() {
        let t0 = Instant::now();
        let handle = TimingsHandle::new(t0, t0, ConnEvents::default());
        handle.add_bytes(3);
        handle.add_bytes(4);
        assert_eq!(handle.bytes(), 7);
        assert_eq!(handle.get().download, None);
        handle.mark_eof();
        let first = handle.get().download;
        assert!(first.is_some());
        std::thread::sleep(ms(5));
        handle.mark_eof();
        assert_eq!(handle.get().download, first);
    }
}
