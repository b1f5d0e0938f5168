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
//! to flush (`writer::SPACING`). Waking the appenders costs one cross-thread wake-up per sync: a
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

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{Event, Marks, Wire};

mod writer;

pub use writer::Writer;

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
    /// Absent in events written before it existed, and for HTTP/2 events.
    #[serde(skip_serializing_if = "Option::is_none")]
    wire: Option<WireMeta>,
    /// Absent when empty (and in events written before it existed).
    #[serde(skip_serializing_if = "Marks::is_empty")]
    marks: &'a Marks,
}

/// [`Wire`] in the meta: the target and each header name and value base64-encoded (any
/// bytes), headers in wire order.
#[derive(Serialize, Deserialize)]
struct WireMeta {
    target: String,
    headers: Vec<(String, String)>,
}

impl WireMeta {
    fn from_wire(wire: &Wire) -> WireMeta {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        WireMeta {
            target: b64(&wire.target),
            headers: wire.headers.iter().map(|(n, v)| (b64(n), b64(v))).collect(),
        }
    }

    /// `None` when a field is not base64 (a damaged record keeps its other fields).
    fn to_wire(&self) -> Option<Wire> {
        use base64::Engine;
        let unb64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).ok();
        Some(Wire {
            target: unb64(&self.target)?,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| Some((unb64(n)?, unb64(v)?)))
                .collect::<Option<_>>()?,
        })
    }
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
    #[serde(default)]
    wire: Option<WireMeta>,
    #[serde(default)]
    marks: Marks,
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

    /// The meta as stored (JSON), for a reader that looks at a few fields without building
    /// the event (`inbox list`'s filters).
    pub fn meta(&self) -> &'a [u8] {
        self.meta
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
            wire: meta.wire.as_ref().and_then(WireMeta::to_wire),
            marks: meta.marks,
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
}

/// Now, for callers building a [`Delivery`].
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests;
