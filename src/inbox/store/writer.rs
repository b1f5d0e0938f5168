//! The writer side of the inbox: group commit (see the parent module's documentation).

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tokio::sync::{Notify, watch};

use super::{
    Delivery, Event, EventMetaRef, KIND_DELIVERY, KIND_EVENT, Log, StoreError, WireMeta, encode,
};

impl Log {
    /// Start the flusher threads and return the handle to append through. `durable` is
    /// called on the current tokio runtime (which this must be called in), in id order, with
    /// each event once it is on disk, before the append that wrote it returns.
    pub fn spawn(self, durable: impl FnMut(Event) + Send + 'static) -> Result<Writer, StoreError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| StoreError::Open {
            path: self.dir.clone(),
            source: io::Error::other(e),
        })?;
        let allocated = self.file.metadata().map_or(self.end, |m| m.len());
        let shared = Arc::new(Shared {
            file: self.file,
            state: Mutex::new(State {
                next_id: self.next_id,
                buf: Vec::new(),
                spare: Vec::new(),
                appended: self.end,
                taken: self.end,
                next_ticket: 0,
                durable: self.end,
                announce: VecDeque::new(),
                in_flight: 0,
                idle: 0,
                wake_pending: false,
                last_start: Instant::now(),
                failed: None,
                closed: false,
                flushers: 0,
            }),
            work: Condvar::new(),
            turn: Mutex::new(Turn {
                next: 0,
                allocated,
                broken: false,
            }),
            turn_changed: Condvar::new(),
            synced: Notify::new(),
        });
        for _ in 0..FLUSHERS {
            let for_thread = Arc::clone(&shared);
            let started = std::thread::Builder::new()
                .name("inbox-flush".into())
                .spawn(move || flusher(&for_thread));
            if let Err(source) = started {
                shared.close();
                return Err(StoreError::Open {
                    path: self.dir,
                    source,
                });
            }
            shared.state().flushers += 1;
        }
        let (progress, watch) = watch::channel(Progress {
            durable: self.end,
            failed: None,
        });
        runtime.spawn(relay(Arc::clone(&shared), progress, Box::new(durable)));
        Ok(Writer {
            inner: Arc::new(WriterInner { shared, watch }),
        })
    }
}

/// The largest batch buffer kept for reuse.
const KEEP_BUFFER: usize = 4 * 1024 * 1024;

/// Threads that write and `fdatasync` batches. More than one lets syncs overlap when the
/// disk is slow to flush (see [`SPACING`]).
const FLUSHERS: usize = 8;

/// A second sync starts while one is still running only when the running one started at least
/// this long ago (checked as events are appended). On a disk that flushes in a fraction of a
/// millisecond one sync at a time covers everything (large batches, few system calls and
/// thread switches); on one that takes milliseconds, syncs overlap every `SPACING` so an event
/// waits little more than one flush.
const SPACING: Duration = Duration::from_micros(300);

/// What appenders, flushers and the relay task share.
struct Shared {
    file: File,
    state: Mutex<State>,
    /// Flushers wait here for appended bytes.
    work: Condvar,
    /// Batches are written in the order they were taken (a sync then covers every batch
    /// taken before its own).
    turn: Mutex<Turn>,
    turn_changed: Condvar,
    /// A flusher finished a sync (or failed, or stopped): wakes the relay task.
    synced: Notify,
}

struct State {
    next_id: u64,
    /// Records appended and not yet taken by a flusher.
    buf: Vec<u8>,
    /// A written batch's buffer, kept for the next `buf` (no allocation per batch).
    spare: Vec<u8>,
    /// File offset where appended records end (`buf` ends here).
    appended: u64,
    /// File offset where taken batches end (`buf` starts here).
    taken: u64,
    next_ticket: u64,
    /// Every record below this offset is on disk.
    durable: u64,
    /// Events not yet announced, in id order, with the offset where each record ends.
    announce: VecDeque<(u64, Event)>,
    /// Batches being written and synced.
    in_flight: usize,
    /// Flushers waiting for work.
    idle: usize,
    /// An idle flusher has been woken and has not looked at the state yet.
    wake_pending: bool,
    last_start: Instant,
    /// After a failed write or sync the file's state is unknown (and Linux may have dropped
    /// the dirty pages): everything is refused from then on.
    failed: Option<String>,
    /// Every [`Writer`] is gone: flushers finish what was appended and stop.
    closed: bool,
    /// Flusher threads still running.
    flushers: usize,
}

struct Turn {
    /// The ticket of the batch that may write next.
    next: u64,
    /// How far the file is allocated (zero-filled) ahead of the records.
    allocated: u64,
    /// A batch failed to write: every later one fails too, unwritten (a hole or a batch
    /// after one that is not on disk must never be acknowledged).
    broken: bool,
}

/// What the relay task publishes to waiting appenders.
#[derive(Debug, Clone)]
struct Progress {
    durable: u64,
    failed: Option<String>,
}

type Durable = Box<dyn FnMut(Event) + Send>;

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock with the state half-changed; a poisoned
        // lock is still consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Append an event's record (giving it the next id); returns the id and where the
    /// record ends.
    fn append_event(&self, mut event: Event, note: Option<&str>) -> Result<(u64, u64), StoreError> {
        let mut st = self.state();
        if let Some(why) = &st.failed {
            return Err(StoreError::Write(why.clone()));
        }
        let id = st.next_id;
        st.next_id += 1;
        let before = st.buf.len();
        encode_event(&event, id, note, &mut st.buf);
        st.appended += (st.buf.len() - before) as u64;
        let end = st.appended;
        event.id = id;
        st.announce.push_back((end, event));
        self.wake_flusher(&mut st);
        Ok((id, end))
    }

    /// Append a delivery's record; returns where it ends.
    fn append_delivery(&self, meta: &[u8]) -> Result<u64, StoreError> {
        let mut st = self.state();
        if let Some(why) = &st.failed {
            return Err(StoreError::Write(why.clone()));
        }
        let before = st.buf.len();
        encode(KIND_DELIVERY, meta, &[], &mut st.buf);
        st.appended += (st.buf.len() - before) as u64;
        self.wake_flusher(&mut st);
        Ok(st.appended)
    }

    /// After an append: wake an idle flusher if a sync may start now (see [`may_start`]).
    /// Most appends wake nobody: the running sync's flusher takes them along when it is done.
    fn wake_flusher(&self, st: &mut State) {
        if st.idle > 0 && !st.wake_pending && may_start(st, Instant::now()) {
            st.wake_pending = true;
            self.work.notify_one();
        }
    }

    fn close(&self) {
        self.state().closed = true;
        self.work.notify_all();
        self.synced.notify_one();
    }
}

/// The handle the server and the forwarder append through (cheap to clone). When the last
/// clone is dropped, the flushers write what is left and stop, releasing the log.
#[derive(Clone)]
pub struct Writer {
    inner: Arc<WriterInner>,
}

struct WriterInner {
    shared: Arc<Shared>,
    watch: watch::Receiver<Progress>,
}

impl Drop for WriterInner {
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl Writer {
    /// Append `event` (its `id` is assigned here) and wait until it is on disk; returns the id.
    pub async fn append(&self, event: Event, note: Option<String>) -> Result<u64, StoreError> {
        let (id, end) = self.inner.shared.append_event(event, note.as_deref())?;
        self.wait(end).await.map(|()| id)
    }

    /// Append the outcome of a delivery and wait until it is on disk.
    pub async fn record_delivery(&self, delivery: Delivery) -> Result<(), StoreError> {
        let meta = serde_json::to_vec(&delivery).unwrap_or_default();
        let end = self.inner.shared.append_delivery(&meta)?;
        self.wait(end).await
    }

    async fn wait(&self, end: u64) -> Result<(), StoreError> {
        let mut watch = self.inner.watch.clone();
        let progress = watch
            .wait_for(|p| p.durable >= end || p.failed.is_some())
            .await
            .map_err(|_| StoreError::Write("the inbox writer has stopped".into()))?;
        match &progress.failed {
            _ if progress.durable >= end => Ok(()),
            Some(why) => Err(StoreError::Write(why.clone())),
            None => Err(StoreError::Write("the inbox writer has stopped".into())),
        }
    }
}

/// A flusher thread: take what has been appended, write it in turn, `fdatasync`, publish.
fn flusher(shared: &Shared) {
    let mut st = shared.state();
    loop {
        let now = Instant::now();
        if st.failed.is_none() && !st.buf.is_empty() && may_start(&st, now) {
            let spare = std::mem::take(&mut st.spare);
            let mut batch = std::mem::replace(&mut st.buf, spare);
            let at = st.taken;
            st.taken += batch.len() as u64;
            let end = st.taken;
            let ticket = st.next_ticket;
            st.next_ticket += 1;
            st.in_flight += 1;
            st.last_start = now;
            drop(st);
            let result = write_in_turn(shared, ticket, at, &batch)
                .and_then(|()| shared.file.sync_data())
                .map_err(|e| format!("could not write to the inbox: {e}"));
            batch.clear();
            st = shared.state();
            st.in_flight -= 1;
            // Keep the larger buffer for the next batch, unless a burst of large bodies made
            // it big: that memory goes back.
            if batch.capacity() > st.spare.capacity() && batch.capacity() <= KEEP_BUFFER {
                st.spare = batch;
            }
            match result {
                // This sync began after every earlier batch was written (turn order).
                Ok(()) => st.durable = st.durable.max(end),
                Err(why) => {
                    st.failed.get_or_insert(why);
                }
            }
            shared.synced.notify_one();
            continue;
        }
        if st.closed && (st.buf.is_empty() || st.failed.is_some()) {
            break;
        }
        st.idle += 1;
        st = shared.work.wait(st).unwrap_or_else(|e| e.into_inner());
        st.idle -= 1;
        st.wake_pending = false;
    }
    st.flushers -= 1;
    drop(st);
    shared.synced.notify_one();
}

/// A sync may start when none is running, or when the latest one started `SPACING` ago and
/// fewer than [`FLUSHERS`] are running (a slow flush: overlap it).
fn may_start(st: &State, now: Instant) -> bool {
    st.in_flight == 0 || (st.in_flight < FLUSHERS && now >= st.last_start + SPACING)
}

/// Write `batch` at `at` once every batch taken before it has been written.
fn write_in_turn(shared: &Shared, ticket: u64, at: u64, batch: &[u8]) -> io::Result<()> {
    let mut turn = shared.turn.lock().unwrap_or_else(|e| e.into_inner());
    while turn.next != ticket {
        turn = shared
            .turn_changed
            .wait(turn)
            .unwrap_or_else(|e| e.into_inner());
    }
    let end = at + batch.len() as u64;
    let result = if turn.broken {
        Err(io::Error::other("an earlier write failed"))
    } else {
        preallocate(&shared.file, &mut turn.allocated, end)
            .and_then(|()| write_at(&shared.file, batch, at))
    };
    turn.broken |= result.is_err();
    turn.next += 1;
    shared.turn_changed.notify_all();
    result
}

/// On the runtime: after each sync, announce the events now on disk (in id order) and wake
/// the appenders waiting for them. One wake-up crosses threads per sync, not one per event.
async fn relay(shared: Arc<Shared>, progress: watch::Sender<Progress>, mut durable: Durable) {
    loop {
        shared.synced.notified().await;
        let (ready, now, done) = {
            let mut st = shared.state();
            let mut ready = Vec::new();
            while st
                .announce
                .front()
                .is_some_and(|(end, _)| *end <= st.durable)
            {
                if let Some((_, event)) = st.announce.pop_front() {
                    ready.push(event);
                }
            }
            if st.failed.is_some() {
                st.announce.clear();
            }
            let now = Progress {
                durable: st.durable,
                failed: st.failed.clone(),
            };
            (ready, now, st.closed && st.flushers == 0)
        };
        for event in ready {
            durable(event);
        }
        progress.send_replace(now);
        if done {
            return;
        }
    }
}

#[cfg(unix)]
pub(super) fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, at)
}

#[cfg(windows)]
pub(super) fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

/// Zero-filled space ahead of the records, in steps of at most this size.
pub(super) const PREALLOCATE: u64 = 8 * 1024 * 1024;
/// The smallest step (a full filesystem gets records written as they come).
const MIN_PREALLOCATE: u64 = 64 * 1024;
/// A step takes at most this fraction of the filesystem's free space.
const FREE_SHARE: u64 = 64;

/// How far ahead to zero-fill: [`PREALLOCATE`], but never more than 1/[`FREE_SHARE`] of the
/// space free on the file's filesystem (so an 8 MiB step never fills a small one), and not
/// below [`MIN_PREALLOCATE`].
pub(super) fn preallocate_step(file: &File) -> u64 {
    match free_bytes(file) {
        Some(free) => (free / FREE_SHARE).clamp(MIN_PREALLOCATE, PREALLOCATE),
        None => PREALLOCATE,
    }
}

/// Bytes available to this user on the file's filesystem (`statvfs`).
#[cfg(unix)]
fn free_bytes(file: &File) -> Option<u64> {
    let stat = rustix::fs::fstatvfs(file).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_file: &File) -> Option<u64> {
    None
}

/// Make sure the file is allocated and zero-filled up to `needed`, so that the batches written
/// into it change no file size or extent: `fdatasync` then flushes data only, not the
/// journal (measured on this machine's disk: about half the latency per sync). Readers treat
/// zeros after the last record as free space, and `open` appends into them. A full disk fails
/// here, before anything of the batch is written.
pub(super) fn preallocate(file: &File, allocated: &mut u64, needed: u64) -> io::Result<()> {
    if needed <= *allocated {
        return Ok(());
    }
    let step = preallocate_step(file);
    let target = needed.div_ceil(step) * step;
    let zeros = vec![0u8; 1024 * 1024];
    let mut at = *allocated;
    while at < target {
        let n = (target - at).min(zeros.len() as u64) as usize;
        write_at(file, &zeros[..n], at)?;
        at += n as u64;
    }
    file.sync_all()?;
    *allocated = target;
    Ok(())
}

/// Append the record for an event with its id and note.
pub(super) fn encode_event(event: &Event, id: u64, note: Option<&str>, out: &mut Vec<u8>) {
    let received_at_ns = event
        .received_at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let meta = EventMetaRef {
        id,
        received_at_ns,
        remote: event.remote,
        method: &event.method,
        path: &event.path,
        query: event.query.as_deref(),
        version: &event.version,
        authority: event.authority.as_deref(),
        headers: &event.headers,
        body_truncated: event.body_truncated,
        note,
        wire: event.wire.as_ref().map(WireMeta::from_wire),
        marks: &event.marks,
    };
    // Serialising plain strings and numbers cannot fail.
    let meta = serde_json::to_vec(&meta).unwrap_or_default();
    encode(KIND_EVENT, &meta, &event.body, out);
}
