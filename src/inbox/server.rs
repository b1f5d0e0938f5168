//! The accept loop, the per-connection tasks and the request handler.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::durable::{self, Durable, StoreNotice};
use super::limits::{self, Admission, BodyBudget, Limits, Registry, Tracked};
use super::store;
use super::wire::{Scan, Tee};
use super::{Event, MAX_BODY_BYTES, Responder, Script, Scripted, Wire, echo_json};

/// How long [`InboxServer::shutdown`] lets open connections finish before closing them.
const GRACE: Duration = Duration::from_secs(1);
/// After the body limit is hit, read and discard up to this many more bytes so the client
/// is able to read the `413` instead of seeing its upload cut off.
const DRAIN_BYTES: usize = 64 * 1024 * 1024;
/// Events a slow [`InboxServer::subscribe`] receiver may fall behind before it lags.
const CHANNEL_CAPACITY: usize = 1024;

/// A running inbox server. Dropping it stops accepting and closes connections within
/// about a second; [`InboxServer::shutdown`] does the same and waits for it.
#[derive(Debug)]
pub struct InboxServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    accept: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    responder: Prepared,
    /// In-memory events, when there is no durable log.
    store: Mutex<Store>,
    live: broadcast::Sender<Event>,
    /// The durable log (`postie listen`); `None` keeps events in memory.
    writer: Option<Durable>,
    tap: Option<mpsc::UnboundedSender<Event>>,
    max_body: usize,
    delay: Option<Duration>,
    script: Option<Arc<dyn Script>>,
    limits: Limits,
    budget: BodyBudget,
    registry: Arc<Registry>,
}

/// How an [`InboxServer`] answers and where it keeps events.
#[derive(Debug)]
pub struct Options {
    pub responder: Responder,
    /// Bodies up to this many bytes are kept whole; larger ones get `413`.
    pub max_body: usize,
    /// Wait this long before answering (not for `413`).
    pub delay: Option<Duration>,
    /// Append every event to this durable log before answering; `None` keeps them in memory
    /// (what `postie run` does: nothing is written to disk).
    pub log: Option<store::Log>,
    /// Also send every recorded event here, in id order and without loss (unlike
    /// [`InboxServer::subscribe`], which drops events for a receiver that lags).
    pub tap: Option<mpsc::UnboundedSender<Event>>,
    /// Looks at every request before it is stored: may mark it and choose its answer
    /// (`--rules`, `--reject-invalid`).
    pub script: Option<Arc<dyn Script>>,
    /// Timeouts, the connection limit and the body budget.
    pub limits: Limits,
    /// Where the durable log says it failed or recovered.
    pub notices: Option<mpsc::UnboundedSender<StoreNotice>>,
}

impl Options {
    /// In memory, [`MAX_BODY_BYTES`], no delay, no tap, default limits.
    pub fn new(responder: Responder) -> Options {
        Options {
            responder,
            max_body: MAX_BODY_BYTES,
            delay: None,
            log: None,
            tap: None,
            script: None,
            limits: Limits::default(),
            notices: None,
        }
    }
}

#[derive(Debug, Default)]
struct Store {
    next_id: u64,
    events: Vec<Event>,
}

/// A [`Responder`] checked once at start, so answering never fails.
#[derive(Debug)]
enum Prepared {
    Echo,
    Fixed {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
}

impl InboxServer {
    /// Bind (e.g. `127.0.0.1:0`), spawn the accept loop on the current tokio runtime and
    /// return at once. Fails if the address cannot be bound or a [`Responder::Fixed`] has an
    /// invalid status or header (`InvalidInput`). Must be called inside a tokio runtime.
    pub async fn start(bind: SocketAddr, responder: Responder) -> io::Result<InboxServer> {
        InboxServer::start_with(bind, Options::new(responder)).await
    }

    /// [`InboxServer::start`] with every option: body limit, delay, a durable log, a tap.
    pub async fn start_with(bind: SocketAddr, options: Options) -> io::Result<InboxServer> {
        let responder = prepare(options.responder)?;
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (live, _) = broadcast::channel(CHANNEL_CAPACITY);
        let writer = match options.log {
            None => None,
            Some(log) => {
                let (live, tap) = (live.clone(), options.tap.clone());
                let announce = move |event: Event| {
                    if live.receiver_count() > 0 {
                        let _ = live.send(event.clone());
                    }
                    if let Some(tap) = &tap {
                        let _ = tap.send(event);
                    }
                };
                let durable = Durable::start(log, Arc::new(announce), options.notices);
                Some(durable.map_err(io::Error::other)?)
            }
        };
        let budget = BodyBudget::new(options.limits.body_budget);
        let shared = Arc::new(Shared {
            responder,
            store: Mutex::new(Store::default()),
            live,
            writer,
            tap: options.tap,
            max_body: options.max_body,
            delay: options.delay,
            script: options.script,
            limits: options.limits,
            budget,
            registry: Registry::new(),
        });
        let (stop, stop_rx) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stop_rx));
        Ok(InboxServer {
            addr,
            shared,
            stop,
            accept,
        })
    }

    /// The address the server is bound to (with the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The durable log, when the server was started with one (to record deliveries next to
    /// the events).
    pub fn writer(&self) -> Option<Durable> {
        self.shared.writer.clone()
    }

    /// A snapshot of every event so far, in arrival order (servers without a durable log;
    /// with one, read it with [`super::store::read_all`]).
    pub fn events(&self) -> Vec<Event> {
        self.shared.lock().events.clone()
    }

    /// Events recorded from now on, in real time. A receiver that falls more than 1024
    /// events behind gets `RecvError::Lagged` and continues with newer ones.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.shared.live.subscribe()
    }

    /// Stop accepting, let open connections finish their current request for up to a
    /// second, then close them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut accept = self.accept;
        // The accept loop bounds itself by `GRACE`; the margin only guards against a stall.
        if tokio::time::timeout(GRACE * 2, &mut accept).await.is_err() {
            accept.abort();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-written (a push), so a
        // poisoned lock is still usable.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Give the event its id, store it (durably, when there is a log) and announce it;
    /// returns the id.
    async fn record(
        &self,
        mut event: Event,
        note: Option<String>,
    ) -> Result<u64, store::StoreError> {
        if let Some(writer) = &self.writer {
            return writer.append(event, note).await;
        }
        let mut store = self.lock();
        store.next_id += 1;
        event.id = store.next_id;
        // Sent under the lock so subscribers see events in id order. No receiver is fine.
        let _ = self.live.send(event.clone());
        if let Some(tap) = &self.tap {
            let _ = tap.send(event.clone());
        }
        store.events.push(event);
        Ok(store.next_id)
    }
}

fn prepare(responder: Responder) -> io::Result<Prepared> {
    let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
    match responder {
        Responder::Echo => Ok(Prepared::Echo),
        Responder::Fixed {
            status,
            headers,
            body,
        } => {
            let status = StatusCode::from_u16(status)
                .map_err(|_| invalid(format!("invalid response status `{status}`")))?;
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                let header_name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| invalid(format!("invalid response header name `{name}`")))?;
                let header_value = HeaderValue::from_str(&value)
                    .map_err(|_| invalid(format!("invalid value for response header `{name}`")))?;
                map.append(header_name, header_value);
            }
            Ok(Prepared::Fixed {
                status,
                headers: map,
                body,
            })
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut builder = Builder::new(TokioExecutor::new());
    // A client gets this long to send a request head once begun (slowloris guard); hyper
    // needs a timer for it.
    let header_timeout = shared.limits.header_timeout;
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder.http2().timer(TokioTimer::new());
    let mut connections = JoinSet::new();
    // Keeps a timer due sooner than any new header-read timeout, so that arming one for each
    // request does not wake the runtime's driver each time (tokio wakes it when a new timer is
    // due before every existing one: with none pending, that is every request).
    let mut keep_armed = tokio::time::interval(header_timeout / 3);
    loop {
        tokio::select! {
            // A send or the server being dropped both end the loop.
            _ = stop.changed() => break,
            _ = keep_armed.tick() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => match shared.registry.admit(shared.limits.max_connections) {
                    Admission::Serve(registered) => {
                        let shared = Arc::clone(&shared);
                        let conn = serve(&builder, stream, remote, shared, registered, stop.clone());
                        connections.spawn(conn);
                    }
                    Admission::Refuse => {
                        connections.spawn(refuse(stream));
                    }
                },
                // Out of file descriptors or a connection reset before accept: keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drain).await;
    connections.abort_all();
}

/// Every connection is busy: say so and close (the sender may retry).
async fn refuse(mut stream: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = "{\"error\":\"too many connections: every one is busy\"}\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let write = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}

fn serve(
    builder: &Builder<TokioExecutor>,
    stream: TcpStream,
    remote: SocketAddr,
    shared: Arc<Shared>,
    registered: limits::Registered,
    mut stop: watch::Receiver<bool>,
) -> impl Future<Output = ()> + Send + 'static {
    let state = Arc::clone(&registered.state);
    let registry = Arc::clone(&shared.registry);
    let idle = shared.limits.idle_timeout;
    let tracked = Tracked::new(stream, Arc::clone(&registry), Arc::clone(&state));
    let (stream, scan) = Tee::new(tracked);
    let conn_state = Arc::clone(&state);
    let service = service_fn(move |req| {
        let wire = wire_head(&req, &scan);
        let busy = conn_state.busy();
        let shared = Arc::clone(&shared);
        async move {
            let answer = handle(req, wire, remote, shared).await;
            drop(busy);
            answer
        }
    });
    let conn = builder
        .serve_connection(TokioIo::new(stream), service)
        .into_owned();
    async move {
        let _registered = registered;
        tokio::pin!(conn);
        tokio::select! {
            // Protocol errors (malformed requests, resets) end only this connection; hyper
            // has already answered what deserves an answer (400, 431, ...).
            _ = conn.as_mut() => return,
            _ = stop.changed() => {}
            // Silent too long with nothing in progress, or making room for a new connection.
            () = limits::idle_watch(registry, state, idle) => {}
        }
        conn.as_mut().graceful_shutdown();
        let _ = tokio::time::timeout(GRACE, conn).await;
    }
}

fn retry_later(mut response: Response<Full<Bytes>>, after: Duration) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(after.as_secs().max(1)));
    response
}

/// This request's head as it came (HTTP/1), checked against hyper's parse of it.
fn wire_head(req: &Request<Incoming>, scan: &Mutex<Scan>) -> Option<Wire> {
    if req.version() == hyper::Version::HTTP_2 {
        return None;
    }
    let wire = scan.lock().unwrap_or_else(|e| e.into_inner()).next_head()?;
    let target = wire.target.split(|&b| b == b'#').next().unwrap_or_default();
    let same = match req.uri().path_and_query() {
        // An absolute-form or authority-form target: hyper keeps the parts.
        _ if !target.starts_with(b"/") => true,
        Some(pq) => pq.as_str().as_bytes() == target,
        None => false,
    };
    same.then_some(wire)
}

async fn handle(
    req: Request<Incoming>,
    wire: Option<Wire>,
    remote: SocketAddr,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let received_at = SystemTime::now();
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = match &wire {
        Some(wire) => wire
            .headers
            .iter()
            .map(|(n, v)| {
                let name = String::from_utf8_lossy(n).to_ascii_lowercase();
                (name, String::from_utf8_lossy(v).into_owned())
            })
            .collect(),
        None => parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_owned(), value)
            })
            .collect(),
    };
    let authority = parts.uri.authority().map(|a| a.to_string()).or_else(|| {
        let host = parts.headers.get(HOST)?;
        Some(String::from_utf8_lossy(host.as_bytes()).into_owned())
    });
    let max_body = shared.max_body;
    let (read, _room) = match read_within_budget(&shared, &parts.headers, body).await {
        Ok(read) => read,
        Err(answer) => return Ok(answer),
    };
    let mut event = Event {
        id: 0,
        received_at,
        remote,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        version: format!("{:?}", parts.version),
        authority,
        headers,
        body: read.kept,
        body_truncated: read.truncated,
        wire,
        marks: Default::default(),
    };
    let note = read.truncated.then(|| {
        format!("body larger than the {max_body}-byte limit: answered 413, kept its first {max_body} bytes")
    });
    let scripted = shared.script.as_ref().and_then(|s| s.inspect(&mut event));
    // Only the echo needs the event after it is handed over.
    let echo = matches!(shared.responder, Prepared::Echo).then(|| event.clone());
    let id = match shared.record(event, note).await {
        Ok(id) => id,
        Err(e) => {
            let error = serde_json::json!({ "error": e.to_string() });
            let failed = json_response(StatusCode::SERVICE_UNAVAILABLE, &error);
            return Ok(retry_later(failed, durable::RETRY_AFTER));
        }
    };
    if read.truncated {
        let error = serde_json::json!({
            "error": format!("request body is larger than {max_body} bytes"),
            "limit": max_body,
            "id": id,
        });
        let mut response = json_response(StatusCode::PAYLOAD_TOO_LARGE, &error);
        if !read.complete {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        return Ok(response);
    }
    if let Some(delay) = scripted
        .as_ref()
        .map_or(shared.delay, |s| s.delay.or(shared.delay))
    {
        tokio::time::sleep(delay).await;
    }
    if let Some(scripted) = scripted {
        return Ok(scripted_response(scripted));
    }
    Ok(match &shared.responder {
        Prepared::Echo => match echo {
            Some(event) => json_response(StatusCode::OK, &echo_json(&Event { id, ..event })),
            None => json_response(StatusCode::OK, &serde_json::json!({ "id": id })),
        },
        Prepared::Fixed {
            status,
            headers,
            body,
        } => {
            let mut response = Response::new(Full::new(body.clone()));
            *response.status_mut() = *status;
            *response.headers_mut() = headers.clone();
            response
        }
    })
}

/// A [`Scripted`] answer as a response; one hyper refuses becomes a `500` saying why.
fn scripted_response(scripted: Scripted) -> Response<Full<Bytes>> {
    let mut headers = HeaderMap::new();
    for (name, value) in &scripted.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => {
                let error = format!("invalid answer header `{name}`");
                return json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &serde_json::json!({ "error": error }),
                );
            }
        }
    }
    let Ok(status) = StatusCode::from_u16(scripted.status) else {
        let error = format!("invalid answer status `{}`", scripted.status);
        return json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({ "error": error }),
        );
    };
    let mut response = Response::new(Full::new(scripted.body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Reserve room for the body in the budget, then read it; the answer to send instead when
/// there is no room in time (503) or the body cannot be read (400). The permit is held
/// until the event is stored.
async fn read_within_budget(
    shared: &Shared,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<(ReadBody, tokio::sync::OwnedSemaphorePermit), Response<Full<Bytes>>> {
    let max_body = shared.max_body;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let expected = declared.unwrap_or(max_body).min(max_body);
    let Some(room) = shared.budget.reserve(expected).await else {
        let error = serde_json::json!({ "error": "too many request bodies in flight: try again" });
        let busy = json_response(StatusCode::SERVICE_UNAVAILABLE, &error);
        return Err(retry_later(busy, Duration::from_secs(1)));
    };
    match read_body(body, max_body, declared.map_or(0, |_| expected)).await {
        Ok(read) => Ok((read, room)),
        Err(_) => Err(json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "error": "could not read the request body" }),
        )),
    }
}

struct ReadBody {
    /// At most `max_body` bytes.
    kept: Bytes,
    /// The body was longer than what is kept.
    truncated: bool,
    /// The body was read to its end (false when the drain budget ran out).
    complete: bool,
}

/// Read at most `max_body` bytes of `body` (room for `expected` reserved at once, so a body of
/// a declared length is never over-allocated by doubling).
async fn read_body(
    mut body: Incoming,
    max_body: usize,
    expected: usize,
) -> Result<ReadBody, hyper::Error> {
    let mut kept = BytesMut::with_capacity(expected);
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        let room = max_body.saturating_sub(kept.len());
        kept.extend_from_slice(&data[..data.len().min(room)]);
        if seen > max_body.saturating_add(DRAIN_BYTES) {
            return Ok(ReadBody {
                kept: kept.freeze(),
                truncated: true,
                complete: false,
            });
        }
    }
    Ok(ReadBody {
        kept: kept.freeze(),
        truncated: seen > max_body,
        complete: true,
    })
}

fn json_response(status: StatusCode, value: &serde_json::Value) -> Response<Full<Bytes>> {
    // Serialising a `Value` cannot fail (its map keys are strings); fall back to `{}` anyway.
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_else(|_| b"{}".to_vec());
    body.push(b'\n');
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
