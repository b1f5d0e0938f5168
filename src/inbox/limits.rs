//! What bounds the server under abuse: per-connection timeouts, a connection limit and a
//! budget for request bodies held in memory at once.
//!
//! - A connection gets [`Limits::header_timeout`] to send a request head once it has started
//!   one (hyper's timer), and is closed after [`Limits::idle_timeout`] without a byte received
//!   while no request of it is being handled (connections that send nothing).
//! - At [`Limits::max_connections`] open connections, a new one closes the connection idle the
//!   longest (no request in progress); when none is idle, the new one is answered `503` with
//!   `Retry-After` and closed. Intake never stops because connections are held.
//! - A body is read only once its size (its `Content-Length`, else the body limit) is
//!   reserved from [`Limits::body_budget`]; a request that cannot reserve within
//!   [`BUDGET_WAIT`] is answered `503`. Bodies kept in memory never exceed the budget.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// The default time to send a request head once begun.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time a connection may stay silent with no request in progress.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connection limit (lowered to fit the open-file limit).
pub const MAX_CONNECTIONS: usize = 4096;
/// The default budget for request bodies in memory at once.
pub const BODY_BUDGET: usize = 64 * 1024 * 1024;
/// How long a request waits for its share of the body budget before a `503`.
pub const BUDGET_WAIT: Duration = Duration::from_secs(30);
/// Descriptors kept free for the inbox, the forwarder and the terminal.
const SPARE_DESCRIPTORS: u64 = 64;

/// The server's bounds (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub body_budget: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            body_budget: BODY_BUDGET,
        }
    }
}

/// The most connections the open-file limit allows, keeping some descriptors spare
/// (`None` when it cannot be read).
pub fn connections_allowed_by_os() -> Option<usize> {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        let soft = limit.current?;
        usize::try_from(soft.saturating_sub(SPARE_DESCRIPTORS)).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// One connection's state, shared by its task, its I/O and the registry.
#[derive(Debug, Default)]
pub struct ConnState {
    /// Milliseconds since the registry's start when a byte last arrived.
    last_read_ms: AtomicU64,
    /// Requests of this connection being handled.
    in_flight: AtomicUsize,
    /// Asks the connection's task to close it.
    pub close: Notify,
}

impl ConnState {
    /// A request of this connection is being handled until the guard is dropped.
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        Busy(Arc::clone(self))
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) == 0
    }
}

/// See [`ConnState::busy`].
pub struct Busy(Arc<ConnState>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The open connections.
#[derive(Debug)]
pub struct Registry {
    start: Instant,
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<ConnState>>>,
}

/// What to do with a newly accepted connection.
pub enum Admission {
    /// Serve it (registered; unregistered when the guard drops).
    Serve(Registered),
    /// Every connection is busy: answer 503 and close it.
    Refuse,
}

/// A registered connection; dropping it unregisters it.
pub struct Registered {
    registry: Arc<Registry>,
    id: u64,
    pub state: Arc<ConnState>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    pub fn new() -> Arc<Registry> {
        Arc::new(Registry {
            start: Instant::now(),
            next: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<ConnState>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Admit a new connection within `max` open ones: at the limit, the connection idle the
    /// longest is asked to close to make room; with none idle, refuse.
    pub fn admit(self: &Arc<Self>, max: usize) -> Admission {
        let mut open = self.lock();
        if open.len() >= max {
            let oldest = open
                .iter()
                .filter(|(_, c)| c.idle())
                .min_by_key(|(_, c)| c.last_read_ms.load(Ordering::Relaxed))
                .map(|(id, _)| *id);
            match oldest {
                // Removed now so that it is not chosen twice; its task closes it.
                Some(id) => {
                    if let Some(conn) = open.remove(&id) {
                        conn.close.notify_one();
                    }
                }
                None => return Admission::Refuse,
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState::default());
        state.last_read_ms.store(self.now_ms(), Ordering::Relaxed);
        open.insert(id, Arc::clone(&state));
        Admission::Serve(Registered {
            registry: Arc::clone(self),
            id,
            state,
        })
    }

    /// How long `conn` has been silent.
    pub fn silent_for(&self, conn: &ConnState) -> Duration {
        let last = conn.last_read_ms.load(Ordering::Relaxed);
        Duration::from_millis(self.now_ms().saturating_sub(last))
    }
}

/// Closes `conn` once it has been silent for `idle` with no request in progress; returns
/// when it should be closed (or when asked to close).
pub async fn idle_watch(registry: Arc<Registry>, conn: Arc<ConnState>, idle: Duration) {
    let tick = (idle / 4).max(Duration::from_millis(50));
    loop {
        tokio::select! {
            _ = conn.close.notified() => return,
            _ = tokio::time::sleep(tick) => {}
        }
        if conn.idle() && registry.silent_for(&conn) >= idle {
            return;
        }
    }
}

/// A stream that notes when bytes arrive, for [`idle_watch`].
pub struct Tracked<T> {
    inner: T,
    registry: Arc<Registry>,
    conn: Arc<ConnState>,
}

impl<T> Tracked<T> {
    pub fn new(inner: T, registry: Arc<Registry>, conn: Arc<ConnState>) -> Self {
        Tracked {
            inner,
            registry,
            conn,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let now = self.registry.now_ms();
            self.conn.last_read_ms.store(now, Ordering::Relaxed);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The budget for bodies in memory, in KiB permits.
#[derive(Debug)]
pub struct BodyBudget {
    permits: Arc<Semaphore>,
    /// The whole budget, in KiB (no reservation is larger).
    total: u32,
}

impl BodyBudget {
    pub fn new(bytes: usize) -> BodyBudget {
        let total = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX >> 4)
            .max(1);
        BodyBudget {
            permits: Arc::new(Semaphore::new(total as usize)),
            total,
        }
    }

    /// Reserve room for a body of `bytes` (capped at the whole budget), waiting up to
    /// [`BUDGET_WAIT`]; `None` when the wait ran out.
    pub async fn reserve(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.total);
        // Most of the time there is room: no timer to arm.
        if let Ok(permit) = Arc::clone(&self.permits).try_acquire_many_owned(kib) {
            return Some(permit);
        }
        let wait = Arc::clone(&self.permits).acquire_many_owned(kib);
        tokio::time::timeout(BUDGET_WAIT, wait).await.ok()?.ok()
    }
}
