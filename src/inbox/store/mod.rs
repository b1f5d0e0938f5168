//! The durable inbox: an append-only log file with group commit.
//!
//! `DIR/events.log` starts with an 8-byte magic naming its format. Format 2 (`PSTINBX2`,
//! written since damage containment) holds records `[4-byte marker][u32 LE length][u32 LE
//! crc32 of the payload][u32 LE crc32 of the 12 bytes before it][payload]`; format 1
//! (`PSTINBX1`) had `[u32 LE length][u32 LE crc32][payload]` only. The payload is `[u8
//! kind][u32 LE meta length][JSON meta][body bytes]`. Kind 1 is an event (the body is its exact
//! bytes), kind 2 the outcome of a forwarded delivery (no body), kind 3 an id floor (`{"next_id":
//! N}`: ids below N were given out; written by `inbox repair` and `inbox clear`).
//!
//! Damage is contained: the marker and the header's own checksum let a reader skip a damaged
//! record (its length is known when its header is intact) or find the next intact record
//! after damaged bytes, and report the damaged range with the event ids lost in it
//! ([`Damage`]). The writer never truncates or overwrites anything but zeros: it appends after
//! the last intact record, or after a damaged tail, and gives ids above every id it can find,
//! so no id is given twice. A format 1 log is rewritten in format 2 when a listener opens it
//! (the original kept as `events.log.v1`); `inbox repair` rewrites a log without its damaged
//! parts (the original kept as a backup).
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
//! whatever the size of the inbox. The writer holds an exclusive lock on the file, so two
//! listeners cannot interleave.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::{Event, Marks, Wire};

pub mod index;
mod repair;
mod scan;
mod writer;

pub use repair::{Repaired, repair, verify};
pub use scan::{Damage, Health, Scanner};
pub use writer::Writer;

/// The magic of format 1 logs (no record marker; read, and rewritten when a listener opens one).
const MAGIC_V1: &[u8; 8] = b"PSTINBX1";
/// The magic of format 2 logs, the one written.
const MAGIC_V2: &[u8; 8] = b"PSTINBX2";
/// What every format 2 record starts with.
const MARK: &[u8; 4] = b"\xA7PR\x1E";
/// A format 2 record's header: marker, length, payload CRC, header CRC.
const V2_HEADER: u64 = 16;
const LOG: &str = "events.log";
/// Where a format 1 log is kept when a listener rewrites it in format 2.
const V1_BACKUP: &str = "events.log.v1";
const KIND_EVENT: u8 = 1;
const KIND_DELIVERY: u8 = 2;
const KIND_FLOOR: u8 = 3;

/// An id floor record's meta.
#[derive(Serialize, Deserialize)]
struct Floor {
    next_id: u64,
}

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
/// missing inbox is empty; damaged records (a torn tail, a write in progress) are skipped.
pub fn read_all(dir: &Path) -> Result<Vec<Stored>, StoreError> {
    let mut scanner = Scanner::open(dir)?;
    let mut events: Vec<Stored> = Vec::new();
    while let Some(record) = scanner.next()? {
        match record {
            Record::Event(event) => events.extend(event.to_stored()),
            Record::Delivery(d) => {
                if let Some(s) = events.iter_mut().rev().find(|s| s.event.id == d.event) {
                    s.deliveries.push(d);
                }
            }
            Record::Floor(_) => {}
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

/// The event `id` with its deliveries, read through `scanner` to the end of the log (damaged
/// records skipped); only that event's body is copied.
pub fn find<R: Read + Seek>(mut scanner: Scanner<R>, id: u64) -> Result<Lookup, StoreError> {
    let mut lookup = Lookup {
        stored: None,
        last_id: None,
    };
    while let Some(record) = scanner.next()? {
        match record {
            Record::Event(event) if event.id() == id && lookup.stored.is_none() => {
                lookup.stored = event.to_stored();
                lookup.last_id = Some(id);
            }
            Record::Event(event) => lookup.last_id = Some(event.id()),
            Record::Delivery(d) => {
                if let Some(stored) = lookup.stored.as_mut().filter(|s| s.event.id == d.event) {
                    stored.deliveries.push(d);
                }
            }
            Record::Floor(_) => {}
        }
    }
    Ok(lookup)
}

/// Hand every event of the inbox at `dir` to `each`, in id order, with its deliveries, keeping
/// none of them: a first pass collects the deliveries per event id (and finds where the valid
/// data ends and what is damaged), a second pass reads the events up to there. `each` returns
/// [`ControlFlow::Break`] to stop early. Returns the damage found (damaged records are
/// skipped; every intact one is handed over).
pub fn for_each_event(
    dir: &Path,
    mut each: impl FnMut(EventRecord<'_>, Vec<Delivery>) -> ControlFlow<()>,
) -> Result<Health, StoreError> {
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
            Record::Floor(_) => {}
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
    Ok(first.health().clone())
}

/// Remove every event (the log keeps only an id floor, so ids are not given again). Fails
/// while a listener holds the inbox.
pub fn clear(dir: &Path) -> Result<usize, StoreError> {
    let path = dir.join(LOG);
    let mut count = 0;
    let mut scanner = Scanner::open(dir)?;
    while let Some(record) = scanner.next()? {
        if let Record::Event(_) = record {
            count += 1;
        }
    }
    let next_id = scanner.next_id();
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
    let mut fresh = MAGIC_V2.to_vec();
    encode_floor(next_id, &mut fresh);
    file.set_len(0).map_err(open_err)?;
    writer::write_at(&file, &fresh, 0).map_err(open_err)?;
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
    /// Ids below this were given out (by a log this one was rewritten from).
    Floor(u64),
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

/// Append a format 2 record: marker, length, payload CRC, header CRC, payload.
fn encode(kind: u8, meta: &[u8], body: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let header = V2_HEADER as usize;
    let payload_len = 1 + 4 + meta.len() + body.len();
    out.reserve(header + payload_len);
    out.extend_from_slice(MARK);
    out.extend_from_slice(&len32(payload_len).to_le_bytes());
    out.extend_from_slice(&[0; 8]); // the CRCs, filled in below
    out.push(kind);
    out.extend_from_slice(&len32(meta.len()).to_le_bytes());
    out.extend_from_slice(meta);
    out.extend_from_slice(body);
    let crc = crc32fast::hash(&out[start + header..]);
    out[start + 8..start + 12].copy_from_slice(&crc.to_le_bytes());
    let head_crc = crc32fast::hash(&out[start..start + 12]);
    out[start + 12..start + 16].copy_from_slice(&head_crc.to_le_bytes());
}

/// Append an id floor record: ids below `next_id` were given out.
fn encode_floor(next_id: u64, out: &mut Vec<u8>) {
    let meta = serde_json::to_vec(&Floor { next_id }).unwrap_or_default();
    encode(KIND_FLOOR, &meta, &[], out);
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
    /// Create `dir` if needed, lock its log and find where to append and the next id. Nothing
    /// is truncated or overwritten but zeros: records go after the last intact record, or after
    /// a damaged tail, and the next id is above every id found. A format 1 log is first
    /// rewritten in format 2 (the original kept as `events.log.v1`).
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
        if len == 0 {
            file.write_all(MAGIC_V2).map_err(open_err)?;
            file.sync_all().map_err(open_err)?;
            return Ok(Log {
                dir: dir.to_owned(),
                file,
                next_id: 1,
                end: MAGIC_V2.len() as u64,
            });
        }
        // One pass that keeps nothing: where to append, and the next id.
        let mut scanner = Scanner::new(&file, len, path.clone())?;
        while scanner.next()?.is_some() {}
        if scanner.version() == 1 {
            drop(scanner);
            let (file, _) = repair::rewrite(dir, &file, len, &dir.join(V1_BACKUP))?;
            let len = file.metadata().map_err(open_err)?.len();
            (&file).seek(io::SeekFrom::Start(0)).map_err(open_err)?;
            let mut scanner = Scanner::new(&file, len, path.clone())?;
            while scanner.next()?.is_some() {}
            let (next_id, end) = (scanner.next_id(), scanner.append_at());
            drop(scanner);
            return Ok(Log {
                dir: dir.to_owned(),
                file,
                next_id,
                end,
            });
        }
        let (next_id, end) = (scanner.next_id(), scanner.append_at());
        drop(scanner);
        Ok(Log {
            dir: dir.to_owned(),
            file,
            next_id,
            end,
        })
    }

    /// Make sure a little space is allocated ahead of the records (what a full disk refuses):
    /// used to probe, after a failure, whether the inbox is writable again.
    pub fn check_space(&self) -> Result<(), StoreError> {
        let mut allocated = self.file.metadata().map_or(self.end, |m| m.len());
        writer::preallocate(&self.file, &mut allocated, self.end + V2_HEADER + 4096)
            .map_err(|e| StoreError::Write(format!("could not write to the inbox: {e}")))
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
