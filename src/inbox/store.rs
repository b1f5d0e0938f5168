//! The durable inbox: an append-only log file with group commit.
//!
//! `DIR/events.log` starts with an 8-byte magic and holds records
//! `[u32 LE length][u32 LE crc32][payload]`, payload = `[u8 kind][u32 LE meta length][JSON
//! meta][body bytes]`. Kind 1 is an event (the body is its exact bytes), kind 2 the outcome
//! of a forwarded delivery (no body).
//!
//! Group commit: an append encodes its record into a shared buffer (on the caller's thread,
//! under a short lock) and waits. A flusher thread takes everything buffered as one batch,
//! writes it and calls `fdatasync` once for all of it; only then are the appends in it
//! answered, so an acknowledged event survives `kill -9` (and a power cut) and one sync covers
//! every event that arrived during the previous one. Syncs overlap only when the disk is slow
//! to flush ([`SPACING`]). Waking the appenders costs one cross-thread wake-up per sync: a
//! relay task on the runtime wakes them there.
//!
//! Reading is a sequential scan ([`Scanner`]): records are read one at a time through a
//! buffer, each CRC checked, and handed over without keeping earlier ones; an event's meta is
//! parsed in full and its body copied only by a caller that keeps it. So `inbox show ID`
//! ([`find`]) holds one event and `inbox list` ([`for_each_event`]) one event at a time,
//! whatever the size of the inbox. A torn or corrupt tail, left by a crash mid-write, ends the
//! valid data: readers ignore it, and on open (one scan, nothing kept) the writer cuts it off
//! and carries on after the last id. The writer holds an exclusive lock on the file, so two
//! listeners cannot interleave.

use std::collections::{HashMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};

use super::Event;

const MAGIC: &[u8; 8] = b"PSTINBX1";
const LOG: &str = "events.log";
const KIND_EVENT: u8 = 1;
const KIND_DELIVERY: u8 = 2;

/// Why the inbox could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory or log file could not be created, opened or read.
    #[error("could not open the inbox `{path}`: {source}")]
    Open { path: PathBuf, source: io::Error },
    /// Another process (a running `postie listen`) holds the inbox.
    #[error("the inbox `{0}` is in use by another `postie listen`")]
    Locked(PathBuf),
    /// The file exists but is not a postie inbox.
    #[error("`{0}` is not a postie inbox log")]
    NotAnInbox(PathBuf),
    /// Appending or syncing failed; the event was not stored.
    #[error("could not write to the inbox: {0}")]
    Write(String),
}

/// The outcome of forwarding an event (`listen --forward-to`, `inbox replay`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The event delivered.
    pub event: u64,
    /// When the last attempt ended (milliseconds since the Unix epoch).
    pub at_ms: u64,
    /// The URL it was sent to.
    pub to: String,
    /// Attempts made (1 when the first one succeeded).
    pub attempts: u32,
    /// The final response status, if one arrived.
    pub status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
    /// `replay` or `forward`.
    pub via: String,
}

/// An event as stored, with what happened to it since.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub event: Event,
    /// Why the body is incomplete, etc. (`body over the 10485760-byte limit: answered 413`).
    pub note: Option<String>,
    pub deliveries: Vec<Delivery>,
}

/// [`EventMeta`] borrowed from an [`Event`], for writing (same fields, same names).
#[derive(Serialize)]
struct EventMetaRef<'a> {
    id: u64,
    received_at_ns: u128,
    remote: SocketAddr,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    version: &'a str,
    authority: Option<&'a str>,
    headers: &'a [(String, String)],
    body_truncated: bool,
    note: Option<&'a str>,
}

#[derive(Deserialize)]
struct EventMeta {
    id: u64,
    received_at_ns: u128,
    remote: String,
    method: String,
    path: String,
    query: Option<String>,
    version: String,
    authority: Option<String>,
    headers: Vec<(String, String)>,
    body_truncated: bool,
    note: Option<String>,
}

/// The default inbox directory: `$XDG_DATA_HOME/postie/inbox`, else
/// `$HOME/.local/share/postie/inbox`.
pub fn default_dir() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let home = std::env::var_os("HOME").filter(|v| !v.is_empty())?;
            Some(PathBuf::from(home).join(".local").join("share"))
        })?;
    Some(data.join("postie").join("inbox"))
}

/// Every event in the inbox at `dir`, in id order, with its deliveries, bodies included (the
/// whole inbox in memory: for small inboxes and tests; commands stream with [`Scanner`]). A
/// missing inbox is empty; a torn tail (a write in progress or cut by a crash) is ignored.
pub fn read_all(dir: &Path) -> Result<Vec<Stored>, StoreError> {
    let mut scanner = Scanner::open(dir)?;
    let mut events: Vec<Stored> = Vec::new();
    while let Some(record) = scanner.next()? {
        match record {
            Record::Event(event) => match event.to_stored() {
                Some(stored) => events.push(stored),
                None => break,
            },
            Record::Delivery(d) => {
                if let Some(s) = events.iter_mut().rev().find(|s| s.event.id == d.event) {
                    s.deliveries.push(d);
                }
            }
        }
    }
    Ok(events)
}

/// What [`find`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The event asked for, with its deliveries, if the inbox has it.
    pub stored: Option<Stored>,
    /// The id of the last event in the inbox (`None` when it is empty).
    pub last_id: Option<u64>,
}

/// The event `id` with its deliveries, read through `scanner` to the end of the valid data;
/// only that event's body is copied.
pub fn find<R: Read>(mut scanner: Scanner<R>, id: u64) -> Result<Lookup, StoreError> {
    let mut lookup = Lookup {
        stored: None,
        last_id: None,
    };
    while let Some(record) = scanner.next()? {
        match record {
            Record::Event(event) if event.id() == id && lookup.stored.is_none() => {
                // A meta that does not parse ends the valid data, as for [`read_all`].
                let Some(stored) = event.to_stored() else {
                    break;
                };
                lookup.stored = Some(stored);
                lookup.last_id = Some(id);
            }
            Record::Event(event) => lookup.last_id = Some(event.id()),
            Record::Delivery(d) => {
                if let Some(stored) = lookup.stored.as_mut().filter(|s| s.event.id == d.event) {
                    stored.deliveries.push(d);
                }
            }
        }
    }
    Ok(lookup)
}

/// Hand every event of the inbox at `dir` to `each`, in id order, with its deliveries, keeping
/// none of them: a first pass collects the deliveries per event id (and finds where the valid
/// data ends), a second pass reads the events up to there. `each` returns
/// [`ControlFlow::Break`] to stop early.
pub fn for_each_event(
    dir: &Path,
    mut each: impl FnMut(EventRecord<'_>, Vec<Delivery>) -> ControlFlow<()>,
) -> Result<(), StoreError> {
    let mut first = Scanner::open(dir)?;
    let mut deliveries: HashMap<u64, Vec<Delivery>> = HashMap::new();
    let mut last_id = None;
    while let Some(record) = first.next()? {
        match record {
            Record::Event(event) => last_id = Some(event.id()),
            // Ids only grow along the log: a delivery belongs to an event before it.
            Record::Delivery(d) => {
                if last_id.is_some_and(|last| d.event <= last) {
                    deliveries.entry(d.event).or_default().push(d);
                }
            }
        }
    }
    let mut second = Scanner::open(dir)?.stop_at(first.end());
    // The first pass checked these metas, and `each` parses those it shows.
    second.check_metas = false;
    while let Some(record) = second.next()? {
        if let Record::Event(event) = record {
            let own = deliveries.remove(&event.id()).unwrap_or_default();
            if each(event, own).is_break() {
                break;
            }
        }
    }
    Ok(())
}

/// Remove every event (the log is emptied). Fails while a listener holds the inbox.
pub fn clear(dir: &Path) -> Result<usize, StoreError> {
    let path = dir.join(LOG);
    let mut count = 0;
    let mut scanner = Scanner::open(dir)?;
    while let Some(record) = scanner.next()? {
        if let Record::Event(_) = record {
            count += 1;
        }
    }
    let file = match OpenOptions::new().write(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(source) => return Err(StoreError::Open { path, source }),
    };
    lock(&file, &path)?;
    let open_err = |source| StoreError::Open {
        path: path.clone(),
        source,
    };
    file.set_len(0).map_err(open_err)?;
    file.sync_all().map_err(open_err)?;
    Ok(count)
}

/// One valid record of the log, borrowed from the [`Scanner`] until its next call.
#[derive(Debug)]
pub enum Record<'a> {
    /// An event, its meta not yet parsed (beyond its id) and its body not copied.
    Event(EventRecord<'a>),
    /// The outcome of a delivery of an earlier event.
    Delivery(Delivery),
}

/// An event record as read: parse its meta or copy its body only if it is kept.
#[derive(Debug, Clone, Copy)]
pub struct EventRecord<'a> {
    id: u64,
    meta: &'a [u8],
    body: &'a [u8],
}

/// What the scanner checks every event's meta against: the fields and types of [`EventMeta`]
/// (so it stops exactly where a full parse would fail), read without allocating; only the id
/// is kept.
#[derive(Deserialize)]
#[allow(dead_code)] // the other fields are checked, not read
struct EventCheck {
    id: u64,
    received_at_ns: u128,
    remote: AnyStr,
    method: AnyStr,
    path: AnyStr,
    query: Option<AnyStr>,
    version: AnyStr,
    authority: Option<AnyStr>,
    headers: Vec<(AnyStr, AnyStr)>,
    body_truncated: bool,
    note: Option<AnyStr>,
}

/// Any JSON string, checked and dropped (a `Vec` of these allocates nothing).
struct AnyStr;

impl<'de> Deserialize<'de> for AnyStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AnyStr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl<'a> EventRecord<'a> {
    /// The event's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The body bytes, exactly as received.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The event without its body (`event.body` is empty; its size is `body().len()`), with
    /// no deliveries. `None` when the meta does not parse, which the scanner has already ruled
    /// out (it checks every event's meta against the same fields and types).
    pub fn head(&self) -> Option<Stored> {
        let meta = serde_json::from_slice::<EventMeta>(self.meta).ok()?;
        Some(from_meta(meta, Bytes::new()))
    }

    /// The event with a copy of its body, with no deliveries; `None` as for [`Self::head`].
    pub fn to_stored(&self) -> Option<Stored> {
        let mut stored = self.head()?;
        stored.event.body = Bytes::copy_from_slice(self.body);
        Some(stored)
    }
}

/// Reads the log front to back through a buffer, one record at a time, checking each CRC and
/// keeping nothing but the current record. It stops for good at the end of the file, at a
/// torn, corrupt or zero record, at a record of unknown kind or whose meta does not parse
/// (the same place as reading it all into memory would), or at the offset given to
/// [`Self::stop_at`]. Event metas are only checked (without allocating) and their id read;
/// [`EventRecord`] parses one in full on demand.
#[derive(Debug)]
pub struct Scanner<R> {
    path: PathBuf,
    /// Where the next record starts (after the last valid one).
    pos: u64,
    /// Records must end at or before this offset (the file's length, or [`Self::stop_at`]).
    limit: u64,
    /// `None` once the scan has ended.
    reader: Option<io::BufReader<R>>,
    /// The current record's payload.
    buf: Vec<u8>,
    /// Check every event's meta ([`EventCheck`]); off only for a second pass over records an
    /// earlier one checked, whose caller parses each meta it uses in full anyway.
    check_metas: bool,
}

impl Scanner<File> {
    /// Open the log of the inbox at `dir`; a missing or empty log has no records.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(LOG);
        let opened = File::open(&path).and_then(|file| Ok((file.metadata()?.len(), file)));
        match opened {
            Ok((len, file)) => Scanner::new(file, len, path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Scanner::finished(path)),
            Err(source) => Err(StoreError::Open { path, source }),
        }
    }
}

impl<R: Read> Scanner<R> {
    /// Scan `len` bytes of log read from `reader`, which must be at the start of the log;
    /// `path` is for errors. Checks the magic (an empty log has no records).
    pub fn new(reader: R, len: u64, path: PathBuf) -> Result<Self, StoreError> {
        if len == 0 {
            return Ok(Scanner::finished(path));
        }
        let mut reader = io::BufReader::with_capacity(READ_BUFFER, reader);
        let mut magic = [0u8; MAGIC.len()];
        match reader.read_exact(&mut magic) {
            Ok(()) if &magic == MAGIC => {}
            Ok(()) => return Err(StoreError::NotAnInbox(path)),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(StoreError::NotAnInbox(path));
            }
            Err(source) => return Err(StoreError::Open { path, source }),
        }
        Ok(Scanner {
            reader: Some(reader),
            path,
            pos: MAGIC.len() as u64,
            limit: len,
            buf: Vec::new(),
            check_metas: true,
        })
    }

    fn finished(path: PathBuf) -> Self {
        Scanner {
            reader: None,
            path,
            pos: 0,
            limit: 0,
            buf: Vec::new(),
            check_metas: true,
        }
    }

    /// Read no record that ends after `offset` (e.g. where an earlier pass stopped).
    pub fn stop_at(mut self, offset: u64) -> Self {
        self.limit = self.limit.min(offset);
        self
    }

    /// Where the valid records read so far end (`0` for an empty log): once [`Self::next`]
    /// has returned `None`, the end of the valid data.
    pub fn end(&self) -> u64 {
        self.pos
    }

    /// The next valid record, or `None` at the end of the valid data. Errors only when the
    /// file cannot be read.
    #[allow(clippy::should_implement_trait)] // a lending iterator: the record borrows `self`
    pub fn next(&mut self) -> Result<Option<Record<'_>>, StoreError> {
        match self.advance() {
            Ok(Some(len)) => match parse(&self.buf[..len], self.check_metas) {
                Some(record) => {
                    self.pos += 8 + len as u64;
                    Ok(Some(record))
                }
                None => {
                    self.reader = None;
                    Ok(None)
                }
            },
            Ok(None) => {
                self.reader = None;
                Ok(None)
            }
            Err(source) => {
                self.reader = None;
                Err(StoreError::Open {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    /// Read the next record's payload into `buf` and check its CRC; returns its length, or
    /// `None` when there is no whole, intact record.
    fn advance(&mut self) -> io::Result<Option<usize>> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        if self.pos + 8 > self.limit {
            return Ok(None);
        }
        let mut head = [0u8; 8];
        match reader.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let [l0, l1, l2, l3, c0, c1, c2, c3] = head;
        let len = u32::from_le_bytes([l0, l1, l2, l3]);
        let crc = u32::from_le_bytes([c0, c1, c2, c3]);
        // The length of a torn record may be anything: never read past the limit.
        if self.pos + 8 + u64::from(len) > self.limit {
            return Ok(None);
        }
        let Ok(len) = usize::try_from(len) else {
            return Ok(None);
        };
        self.buf.clear();
        self.buf.reserve(len);
        let read = reader
            .by_ref()
            .take(len as u64)
            .read_to_end(&mut self.buf)?;
        if read < len || crc32fast::hash(&self.buf) != crc {
            return Ok(None);
        }
        Ok(Some(len))
    }
}

/// The read buffer: large enough that small records cost no system call each.
const READ_BUFFER: usize = 256 * 1024;

/// A payload whose CRC matched: `[kind][u32 meta length][meta][body]`.
fn parse(payload: &[u8], check_metas: bool) -> Option<Record<'_>> {
    let (&kind, rest) = payload.split_first()?;
    let meta_len = usize::try_from(u32::from_le_bytes(rest.get(..4)?.try_into().ok()?)).ok()?;
    let meta = rest.get(4..4usize.checked_add(meta_len)?)?;
    let body = rest.get(4 + meta_len..)?;
    match kind {
        KIND_EVENT => {
            let id = if check_metas {
                serde_json::from_slice::<EventCheck>(meta).ok()?.id
            } else {
                quick_id(meta)?
            };
            Some(Record::Event(EventRecord { id, meta, body }))
        }
        KIND_DELIVERY => serde_json::from_slice::<Delivery>(meta)
            .ok()
            .map(Record::Delivery),
        _ => None,
    }
}

/// The id of an event meta as the writer serialises it (`{"id":12,…`), else as any JSON.
fn quick_id(meta: &[u8]) -> Option<u64> {
    let digits = meta.strip_prefix(b"{\"id\":".as_slice()).map(|rest| {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        &rest[..n]
    });
    let parsed = digits
        .filter(|d| !d.is_empty())
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| d.parse().ok());
    match parsed {
        Some(id) => Some(id),
        None => serde_json::from_slice::<EventId>(meta).ok().map(|m| m.id),
    }
}

#[derive(Deserialize)]
struct EventId {
    id: u64,
}

fn from_meta(meta: EventMeta, body: Bytes) -> Stored {
    let secs = u64::try_from(meta.received_at_ns / 1_000_000_000).unwrap_or(u64::MAX);
    let nanos = u32::try_from(meta.received_at_ns % 1_000_000_000).unwrap_or(0);
    let received_at = UNIX_EPOCH + Duration::new(secs, nanos);
    Stored {
        event: Event {
            id: meta.id,
            received_at,
            remote: meta
                .remote
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0))),
            method: meta.method,
            path: meta.path,
            query: meta.query,
            version: meta.version,
            authority: meta.authority,
            headers: meta.headers,
            body,
            body_truncated: meta.body_truncated,
        },
        note: meta.note,
        deliveries: Vec::new(),
    }
}

fn encode(kind: u8, meta: &[u8], body: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let payload_len = 1 + 4 + meta.len() + body.len();
    out.reserve(8 + payload_len);
    out.extend_from_slice(&len32(payload_len).to_le_bytes());
    out.extend_from_slice(&[0; 4]); // the CRC, filled in below
    out.push(kind);
    out.extend_from_slice(&len32(meta.len()).to_le_bytes());
    out.extend_from_slice(meta);
    out.extend_from_slice(body);
    let crc = crc32fast::hash(&out[start + 8..]);
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// Bodies are capped far below 4 GiB (`--max-body`), so lengths fit; saturate anyway.
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn lock(file: &File, path: &Path) -> Result<(), StoreError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(path.to_owned())),
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Open {
            path: path.to_owned(),
            source,
        }),
    }
}

/// An opened, locked inbox log, recovered and ready to append to; [`Log::spawn`] starts its
/// flusher threads.
#[derive(Debug)]
pub struct Log {
    dir: PathBuf,
    file: File,
    next_id: u64,
    /// Where valid records end (the next record goes here).
    end: u64,
}

impl Log {
    /// Create `dir` if needed, lock its log, cut a torn tail and find the next id.
    pub fn open(dir: &Path) -> Result<Log, StoreError> {
        let path = dir.join(LOG);
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(open_err)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(open_err)?;
        lock(&file, &path)?;
        let len = file.metadata().map_err(open_err)?.len();
        // One pass that keeps nothing: where the valid records end, and the last id.
        let mut last_id = None;
        let end = if len == 0 {
            file.write_all(MAGIC).map_err(open_err)?;
            MAGIC.len() as u64
        } else {
            let mut scanner = Scanner::new(&file, len, path.clone())?;
            while let Some(record) = scanner.next()? {
                if let Record::Event(event) = record {
                    last_id = Some(event.id());
                }
            }
            scanner.end()
        };
        if end < len {
            file.set_len(end).map_err(open_err)?;
        }
        file.sync_all().map_err(open_err)?;
        let next_id = last_id.map_or(1, |id| id + 1);
        Ok(Log {
            dir: dir.to_owned(),
            file,
            next_id,
            end,
        })
    }

    /// The inbox directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

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
            turn: Mutex::new(Turn { next: 0, allocated }),
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
            if batch.capacity() > st.spare.capacity() {
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
    let result = preallocate(&shared.file, &mut turn.allocated, end)
        .and_then(|()| write_at(&shared.file, batch, at));
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
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
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

/// Zero-filled space ahead of the records, in steps of this size.
const PREALLOCATE: u64 = 8 * 1024 * 1024;

/// Make sure the file is allocated and zero-filled up to `needed`, so that the batches written
/// into it change no file size or extent: `fdatasync` then flushes data only, not the
/// journal (measured on this machine's disk: about half the latency per sync). Readers stop at
/// the zeros (a zero record is never valid), and `open` cuts them before appending.
fn preallocate(file: &File, allocated: &mut u64, needed: u64) -> io::Result<()> {
    if needed <= *allocated {
        return Ok(());
    }
    let target = needed.div_ceil(PREALLOCATE) * PREALLOCATE;
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
fn encode_event(event: &Event, id: u64, note: Option<&str>, out: &mut Vec<u8>) {
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
    };
    // Serialising plain strings and numbers cannot fail.
    let meta = serde_json::to_vec(&meta).unwrap_or_default();
    encode(KIND_EVENT, &meta, &event.body, out);
}

/// Now, for callers building a [`Delivery`].
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(path: &str, body: &[u8]) -> Event {
        Event {
            id: 0,
            received_at: UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789),
            remote: ([127, 0, 0, 1], 4000).into(),
            method: "POST".into(),
            path: path.into(),
            query: Some("x=1".into()),
            version: "HTTP/1.1".into(),
            authority: Some("127.0.0.1:1".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-a".into(), "1".into()),
                ("x-a".into(), "2".into()),
            ],
            body: Bytes::copy_from_slice(body),
            body_truncated: false,
        }
    }

    #[tokio::test]
    async fn events_survive_reopen_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("tempdir") };
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Log::open(dir.path());
        let Ok(log) = log else { panic!("open") };
        let seen2 = std::sync::Arc::clone(&seen);
        let writer = log.spawn(move |e: Event| {
            if let Ok(mut s) = seen2.lock() {
                s.push(e.id)
            }
        });
        let Ok(writer) = writer else { panic!("spawn") };
        let body = [0u8, 159, 146, 150, b'{'];
        let a = writer.append(event("/a", &body), None).await;
        let b = writer.append(event("/b", b"{}"), Some("n".into())).await;
        assert_eq!((a.ok(), b.ok()), (Some(1), Some(2)));
        let delivery = Delivery {
            event: 1,
            at_ms: 5,
            to: "http://127.0.0.1:9/x".into(),
            attempts: 2,
            status: Some(204),
            error: None,
            via: "forward".into(),
        };
        assert!(writer.record_delivery(delivery.clone()).await.is_ok());
        assert_eq!(seen.lock().map(|s| s.clone()).ok(), Some(vec![1, 2]));
        drop(writer);
        // Let the writer thread see the closed channel and drop its lock.
        tokio::time::sleep(Duration::from_millis(100)).await;

        // A crash mid-write leaves half a record.
        let path = dir.path().join(LOG);
        let file = std::fs::read(&path).unwrap_or_default();
        // The writer zero-fills ahead of itself; the records end before the zeros.
        let end = valid_end(&file);
        assert_eq!(file.len() as u64, PREALLOCATE);
        assert!(file[end..].iter().all(|&b| b == 0));
        assert_eq!(read_all(dir.path()).map(|v| v.len()).ok(), Some(2));
        let whole = file[..end].to_vec();
        let mut torn = whole.clone();
        torn.extend_from_slice(&[200, 0, 0, 0, 1, 2, 3]);
        assert!(std::fs::write(&path, &torn).is_ok());

        let events = read_all(dir.path()).unwrap_or_default();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].event.id, 1);
        assert_eq!(events[0].event.body.as_ref(), &body);
        assert_eq!(events[0].event.headers, event("/a", b"").headers);
        assert_eq!(events[0].event.received_at, event("/a", b"").received_at);
        assert_eq!(events[0].deliveries, vec![delivery]);
        assert_eq!(events[1].note.as_deref(), Some("n"));

        let reopened = Log::open(dir.path());
        let Ok(reopened) = reopened else {
            panic!("reopen")
        };
        assert_eq!(reopened.next_id, 3);
        assert_eq!(std::fs::read(&path).unwrap_or_default(), whole);
        assert!(matches!(Log::open(dir.path()), Err(StoreError::Locked(_))));
        drop(reopened);
        assert_eq!(clear(dir.path()).ok(), Some(2));
        assert_eq!(read_all(dir.path()).ok().map(|v| v.len()), Some(0));
    }

    #[tokio::test]
    async fn concurrent_appends_get_unique_ids_and_are_announced_in_order() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let Ok(log) = Log::open(dir.path()) else {
            panic!("open")
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = Arc::clone(&seen);
        let Ok(writer) = log.spawn(move |e: Event| {
            if let Ok(mut s) = seen2.lock() {
                s.push((e.id, e.path));
            }
        }) else {
            panic!("spawn")
        };
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..600 {
            let writer = writer.clone();
            // Bodies of very different sizes, so batches and writes vary.
            let body = vec![b'x'; (n * 37) % 5000];
            tasks.spawn(async move {
                let id = writer.append(event(&format!("/{n}"), &body), None).await;
                (n, id.ok())
            });
        }
        let mut ids = std::collections::BTreeMap::new();
        while let Some(joined) = tasks.join_next().await {
            let Ok((n, Some(id))) = joined else {
                panic!("an append failed")
            };
            ids.insert(id, n);
        }
        assert_eq!(
            ids.keys().copied().collect::<Vec<_>>(),
            (1..=600).collect::<Vec<u64>>()
        );
        // Announced in id order, each with its own event.
        let announced = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let expected: Vec<(u64, String)> =
            ids.iter().map(|(id, n)| (*id, format!("/{n}"))).collect();
        assert_eq!(announced, expected);
        drop(writer);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let stored = read_all(dir.path()).unwrap_or_default();
        assert_eq!(stored.len(), 600);
        for s in &stored {
            let n = ids[&s.event.id];
            assert_eq!(s.event.path, format!("/{n}"));
            assert_eq!(s.event.body.len(), (n * 37) % 5000);
        }
    }

    /// Where the valid records of a log's bytes end.
    fn valid_end(bytes: &[u8]) -> usize {
        let Ok(mut scanner) = Scanner::new(bytes, bytes.len() as u64, PathBuf::from("t")) else {
            panic!("not a log")
        };
        while let Ok(Some(_)) = scanner.next() {}
        usize::try_from(scanner.end()).unwrap_or(usize::MAX)
    }

    fn event_record(id: u64, path: &str, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_event(&event(path, body), id, None, &mut out);
        out
    }

    fn delivery(event: u64, status: u16) -> Delivery {
        Delivery {
            event,
            at_ms: 7,
            to: "http://127.0.0.1:9/x".into(),
            attempts: 1,
            status: Some(status),
            error: None,
            via: "replay".into(),
        }
    }

    fn delivery_record(d: &Delivery) -> Vec<u8> {
        let mut out = Vec::new();
        let meta = serde_json::to_vec(d).unwrap_or_default();
        encode(KIND_DELIVERY, &meta, &[], &mut out);
        out
    }

    /// A temporary inbox whose log is the magic and these records.
    fn inbox_with(records: &[&[u8]]) -> (tempfile::TempDir, Vec<u8>) {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let mut bytes = MAGIC.to_vec();
        for r in records {
            bytes.extend_from_slice(r);
        }
        assert!(std::fs::write(dir.path().join(LOG), &bytes).is_ok());
        (dir, bytes)
    }

    /// What a scan hands over: `(id, body)` for events, `(event, status)` for deliveries.
    #[derive(Debug, PartialEq)]
    enum Seen {
        E(u64, Vec<u8>),
        D(u64, Option<u16>),
    }

    fn scan_dir(dir: &Path) -> (Vec<Seen>, u64) {
        let Ok(mut scanner) = Scanner::open(dir) else {
            panic!("open")
        };
        let mut seen = Vec::new();
        while let Ok(Some(record)) = scanner.next() {
            seen.push(match record {
                Record::Event(e) => Seen::E(e.id(), e.body().to_vec()),
                Record::Delivery(d) => Seen::D(d.event, d.status),
            });
        }
        (seen, scanner.end())
    }

    #[test]
    fn scanner_stops_at_a_torn_tail() {
        let one = event_record(1, "/a", b"{\"a\":1}");
        // Strings with escapes are checked as well as plain ones.
        let two = event_record(2, "/b\"q\\\u{e9}\n", b"");
        let d = delivery_record(&delivery(1, 204));
        // The start of a record whose length runs past the end of the file.
        let torn = [200, 0, 0, 0, 1, 2, 3];
        let (dir, bytes) = inbox_with(&[&one, &two, &d, &torn]);
        let (seen, end) = scan_dir(dir.path());
        assert_eq!(
            seen,
            vec![
                Seen::E(1, b"{\"a\":1}".to_vec()),
                Seen::E(2, Vec::new()),
                Seen::D(1, Some(204)),
            ]
        );
        assert_eq!(end as usize, bytes.len() - torn.len());
        assert_eq!(end as usize, 8 + one.len() + two.len() + d.len());
        let all = read_all(dir.path()).unwrap_or_default();
        let paths: Vec<&str> = all.iter().map(|s| s.event.path.as_str()).collect();
        assert_eq!(paths, vec!["/a", "/b\"q\\\u{e9}\n"]);

        // The writer cuts the tail and carries on after the last id.
        let Ok(log) = Log::open(dir.path()) else {
            panic!("open")
        };
        assert_eq!((log.next_id, log.end), (3, end));
        drop(log);
        let on_disk = std::fs::read(dir.path().join(LOG)).unwrap_or_default();
        assert_eq!(on_disk, bytes[..end as usize]);
    }

    #[test]
    fn scanner_stops_at_a_corrupt_crc_and_at_an_unknown_kind() {
        let one = event_record(1, "/a", b"first");
        let mut two = event_record(2, "/b", b"second");
        let three = event_record(3, "/c", b"third");
        let last = two.len() - 1;
        two[last] ^= 0x01; // "secone": the CRC no longer matches
        let (dir, _) = inbox_with(&[&one, &two, &three]);
        let (seen, end) = scan_dir(dir.path());
        assert_eq!(seen, vec![Seen::E(1, b"first".to_vec())]);
        assert_eq!(end as usize, 8 + one.len());
        assert_eq!(read_all(dir.path()).map(|v| v.len()).ok(), Some(1));
        let Ok(log) = Log::open(dir.path()) else {
            panic!("open")
        };
        assert_eq!((log.next_id, log.end), (2, end));
        drop(log);

        // A record with a valid CRC but a kind no version writes ends the data too.
        let mut odd = Vec::new();
        encode(9, b"{}", b"", &mut odd);
        let (dir, _) = inbox_with(&[&one, &odd, &three]);
        assert_eq!(scan_dir(dir.path()).0, vec![Seen::E(1, b"first".to_vec())]);
    }

    #[test]
    fn an_event_meta_that_does_not_parse_ends_the_data() {
        let one = event_record(1, "/a", b"first");
        let mut not_json = Vec::new();
        encode(KIND_EVENT, b"{\"id\":2,", b"", &mut not_json);
        let (dir, _) = inbox_with(&[&one, &not_json, &event_record(3, "/c", b"")]);
        assert_eq!(scan_dir(dir.path()).0, vec![Seen::E(1, b"first".to_vec())]);

        // Valid JSON with an id but not an event: readers and the writer stop before it.
        let mut only_id = Vec::new();
        encode(KIND_EVENT, b"{\"id\":2}", b"", &mut only_id);
        let (dir, _) = inbox_with(&[&one, &only_id]);
        assert_eq!(scan_dir(dir.path()).0, vec![Seen::E(1, b"first".to_vec())]);
        // A field of the wrong type as well.
        let good = String::from_utf8(event_record(2, "/b", b"")[13..].to_vec()).unwrap_or_default();
        let bad = good.replace("\"body_truncated\":false", "\"body_truncated\":0");
        assert_ne!(good, bad);
        assert!(serde_json::from_slice::<EventCheck>(good.as_bytes()).is_ok());
        let mut wrong_type = Vec::new();
        encode(KIND_EVENT, bad.as_bytes(), b"", &mut wrong_type);
        let (dir2, _) = inbox_with(&[&one, &wrong_type]);
        assert_eq!(scan_dir(dir2.path()).0, vec![Seen::E(1, b"first".to_vec())]);
        assert_eq!(read_all(dir.path()).map(|v| v.len()).ok(), Some(1));
        let lookup = Scanner::open(dir.path()).and_then(|s| find(s, 2));
        assert_eq!(
            lookup.ok(),
            Some(Lookup {
                stored: None,
                last_id: Some(1)
            })
        );
        let Ok(log) = Log::open(dir.path()) else {
            panic!("open")
        };
        assert_eq!((log.next_id, log.end), (2, 8 + one.len() as u64));
        drop(log);
        // `clear` counts what readers see.
        let (dir, _) = inbox_with(&[&one, &only_id, &event_record(3, "/c", b"")]);
        assert_eq!(clear(dir.path()).ok(), Some(1));
        assert_eq!(
            std::fs::metadata(dir.path().join(LOG))
                .map(|m| m.len())
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn scanner_stops_at_the_zeros_ahead_of_the_records() {
        let one = event_record(1, "/a", b"x");
        let zeros = vec![0u8; 4096];
        let (dir, _) = inbox_with(&[&one, &zeros]);
        let (seen, end) = scan_dir(dir.path());
        assert_eq!(seen, vec![Seen::E(1, b"x".to_vec())]);
        assert_eq!(end as usize, 8 + one.len());
        // An inbox of only zeros after the magic has no events and ids start at 1.
        let (dir, _) = inbox_with(&[&zeros]);
        assert_eq!(scan_dir(dir.path()), (Vec::new(), 8));
        let Ok(log) = Log::open(dir.path()) else {
            panic!("open")
        };
        assert_eq!((log.next_id, log.end), (1, 8));
    }

    #[test]
    fn deliveries_are_attached_to_their_own_event() {
        let (d2a, d1, d2b, d9) = (
            delivery(2, 500),
            delivery(1, 200),
            delivery(2, 202),
            delivery(9, 201),
        );
        let (dir, _) = inbox_with(&[
            &event_record(1, "/a", b"one"),
            &event_record(2, "/b", b"two!"),
            &delivery_record(&d2a),
            &delivery_record(&d1),
            &event_record(3, "/c", b""),
            &delivery_record(&d2b),
            &delivery_record(&d9),
        ]);
        let found = |id| {
            let scanner = Scanner::open(dir.path());
            let Ok(lookup) = scanner.and_then(|s| find(s, id)) else {
                panic!("find")
            };
            lookup
        };
        let two = found(2);
        assert_eq!(two.last_id, Some(3));
        let Some(two) = two.stored else {
            panic!("event 2 not found")
        };
        assert_eq!(two.event.id, 2);
        assert_eq!(two.event.path, "/b");
        assert_eq!(two.event.body.as_ref(), b"two!");
        assert_eq!(two.deliveries, vec![d2a.clone(), d2b.clone()]);
        assert_eq!(
            found(1).stored.map(|s| s.deliveries),
            Some(vec![d1.clone()])
        );
        assert_eq!(found(3).stored.map(|s| s.deliveries), Some(Vec::new()));

        // The two-pass listing hands over the same as reading everything.
        let mut listed = Vec::new();
        let walked = for_each_event(dir.path(), |record, deliveries| {
            let head = record.head().map(|s| (s.event.path, s.event.body.len()));
            listed.push((record.id(), head, record.body().len(), deliveries));
            ControlFlow::Continue(())
        });
        assert!(walked.is_ok());
        assert_eq!(
            listed,
            vec![
                (1, Some(("/a".to_owned(), 0)), 3, vec![d1]),
                (2, Some(("/b".to_owned(), 0)), 4, vec![d2a, d2b]),
                (3, Some(("/c".to_owned(), 0)), 0, Vec::new()),
            ]
        );
        let all = read_all(dir.path()).unwrap_or_default();
        let from_all: Vec<(u64, usize, Vec<Delivery>)> = all
            .into_iter()
            .map(|s| (s.event.id, s.event.body.len(), s.deliveries))
            .collect();
        let from_list: Vec<(u64, usize, Vec<Delivery>)> = listed
            .into_iter()
            .map(|(id, _, len, d)| (id, len, d))
            .collect();
        assert_eq!(from_all, from_list);

        // Stopping early stops the walk.
        let mut calls = 0;
        let walked = for_each_event(dir.path(), |_, _| {
            calls += 1;
            ControlFlow::Break(())
        });
        assert!(walked.is_ok());
        assert_eq!(calls, 1);
    }

    #[test]
    fn an_id_that_does_not_exist_is_not_found() {
        let (dir, _) = inbox_with(&[&event_record(1, "/a", b""), &event_record(2, "/b", b"")]);
        let lookup = Scanner::open(dir.path()).and_then(|s| find(s, 5));
        assert_eq!(
            lookup.ok(),
            Some(Lookup {
                stored: None,
                last_id: Some(2)
            })
        );
        // A missing inbox is an empty one.
        let missing = dir.path().join("nowhere");
        let lookup = Scanner::open(&missing).and_then(|s| find(s, 1));
        assert_eq!(
            lookup.ok(),
            Some(Lookup {
                stored: None,
                last_id: None
            })
        );
        let mut calls = 0;
        let walked = for_each_event(&missing, |_, _| {
            calls += 1;
            ControlFlow::Continue(())
        });
        assert_eq!((walked.is_ok(), calls), (true, 0));
    }

    #[test]
    fn a_scan_can_stop_where_an_earlier_one_ended() {
        let one = event_record(1, "/a", b"1");
        let two = event_record(2, "/b", b"2");
        let (dir, _) = inbox_with(&[&one, &two]);
        let Ok(scanner) = Scanner::open(dir.path()) else {
            panic!("open")
        };
        let mut scanner = scanner.stop_at(8 + one.len() as u64);
        assert!(matches!(scanner.next(), Ok(Some(Record::Event(e))) if e.id() == 1));
        assert!(matches!(scanner.next(), Ok(None)));
        assert_eq!(scanner.end(), 8 + one.len() as u64);
    }

    #[test]
    fn quick_ids_read_the_writers_prefix_and_fall_back_to_json() {
        assert_eq!(quick_id(br#"{"id":42,"received_at_ns":1}"#), Some(42));
        assert_eq!(quick_id(br#"{ "method": "GET", "id": 7 }"#), Some(7));
        assert_eq!(quick_id(br#"{"id":"7"}"#), None);
        assert_eq!(quick_id(b"{}"), None);
        let record = event_record(123, "/a", b"");
        assert_eq!(quick_id(&record[13..]), Some(123));
    }

    #[test]
    fn not_an_inbox_is_refused() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        assert!(std::fs::write(dir.path().join(LOG), b"hello").is_ok());
        assert!(matches!(
            read_all(dir.path()),
            Err(StoreError::NotAnInbox(_))
        ));
        assert!(matches!(
            Log::open(dir.path()),
            Err(StoreError::NotAnInbox(_))
        ));
    }
}
