//! `DIR/events.idx`: a rebuildable index of the log for `inbox list`'s filters, so that they
//! look at fixed-size rows instead of parsing every record's JSON meta.
//!
//! One row per intact event (its frame's offset and length, id, arrival time, method and path
//! interned, verification result) and one per other intact record (deliveries with the event
//! they belong to, id floors), plus the damage found in the part of the log it covers. It is
//! written by readers (`inbox list`), never by `postie listen`, so intake pays nothing for it
//! and a crash of the listener cannot leave it pointing at data that was not written.
//!
//! The log stays the source of truth: the index is used only when its checksum holds, the log
//! is the same file (inode), at least as long as what the index covers, and the last record it
//! covers has the same 16-byte header (length and both CRCs) at the same offset. Anything else
//! and it is rebuilt from a full scan. On each read the index is extended from where it
//! stopped (a [`Scanner`] resumed there), and written again (to a temporary file renamed over
//! it) when it grew; an inbox that cannot be written is still read, the index kept in memory.
//! A reader also checks each record's CRC as it reads it (see `inbox::query`), so damage that
//! appears after indexing is found as it would be without the index.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::scan::{self, Parsed};
use super::{
    Damage, Delivery, EventRecord, Health, LOG, MAGIC_V2, Record, Scanner, StoreError, V2_HEADER,
};
use crate::inbox::VerifyResult;

/// The index file, beside the log.
pub const INDEX: &str = "events.idx";
const MAGIC: &[u8; 8] = b"PSTIDX01";
/// A row's method, path or verification that could not be read from its meta: such a row is
/// a candidate for every filter (the full evaluation decides).
pub const UNKNOWN_METHOD: u16 = u16::MAX;
pub const UNKNOWN_PATH: u32 = u32::MAX;
pub const UNKNOWN_VERIFICATION: u8 = u8::MAX;
/// An other-record row that belongs to no event (an id floor, or a delivery of no earlier id).
const NO_EVENT: u64 = u64::MAX;
const ROW_BYTES: usize = 36;
const OTHER_BYTES: usize = 20;
/// Damaged ranges kept (as the scanner keeps them).
const MAX_DAMAGE: usize = 10_000;

/// One intact event of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Where its frame starts in the log, and its length (header included).
    pub offset: u64,
    pub frame_len: u32,
    pub id: u64,
    /// Nanoseconds since the Unix epoch (saturated at `u64::MAX`, which matches every range).
    pub time_ns: u64,
    /// Index into [`Index::methods`], or [`UNKNOWN_METHOD`].
    pub method: u16,
    /// Index into [`Index::paths`], or [`UNKNOWN_PATH`].
    pub path: u32,
    /// 0 for none, else 1 + the position in [`VerifyResult::NAMES`]; or [`UNKNOWN_VERIFICATION`].
    pub verification: u8,
}

/// Another intact record: a delivery (and the event it belongs to) or an id floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Other {
    pub offset: u64,
    pub frame_len: u32,
    /// The event a delivery belongs to, else [`NO_EVENT`].
    event: u64,
}

/// The index of one log, as loaded or built, extended to the log's end.
#[derive(Debug, Default)]
pub struct Index {
    ino: u64,
    /// Where the intact records it covers end (the end of its last record).
    covered: u64,
    last: Option<(u64, [u8; V2_HEADER as usize])>,
    last_id: Option<u64>,
    pub methods: Vec<String>,
    pub paths: Vec<String>,
    pub rows: Vec<Row>,
    pub others: Vec<Other>,
    damage: Vec<Damage>,
    /// The CRC of each damaged range's bytes (a range that changed since is not trusted).
    damage_crc: Vec<u32>,
    more_damage: usize,
}

/// The small part of the file, as JSON.
#[derive(Serialize, Deserialize)]
struct Head {
    ino: u64,
    covered: u64,
    last: Option<(u64, Vec<u8>)>,
    last_id: Option<u64>,
    methods: Vec<String>,
    damage: Vec<DamageRow>,
    more_damage: usize,
    rows: usize,
    others: usize,
    paths: usize,
}

/// A damaged range as stored: start, end, the ids around it, the CRC of its bytes.
type DamageRow = (u64, u64, Option<u64>, Option<u64>, u32);

/// The fields of an event meta a row keeps.
#[derive(Deserialize)]
struct RowMeta<'a> {
    #[serde(borrow)]
    method: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    path: std::borrow::Cow<'a, str>,
    received_at_ns: u128,
    #[serde(default)]
    marks: RowMarks,
}

#[derive(Deserialize, Default)]
struct RowMarks {
    #[serde(default)]
    verification: Option<RowVerification>,
}

#[derive(Deserialize)]
struct RowVerification {
    result: VerifyResult,
}

/// A verification result as a row stores it.
pub fn verification_code(result: Option<VerifyResult>) -> u8 {
    match result {
        None => 0,
        Some(r) => VerifyResult::NAMES
            .iter()
            .position(|n| *n == r.name())
            .map_or(UNKNOWN_VERIFICATION, |i| i as u8 + 1),
    }
}

/// An index ready to use, with the log it indexes.
#[derive(Debug)]
pub struct Opened {
    pub index: Index,
    /// The damage of the whole log (as a plain scan reports it).
    pub health: Health,
    pub file: File,
    pub path: PathBuf,
}

impl Index {
    /// The index of the inbox at `dir`, loaded (if still valid) or built, and extended to the
    /// end of the log; with the damage of the whole log. `None` when there is no format 2 log
    /// (missing, empty, or format 1: read those by a plain scan).
    pub fn open(dir: &Path) -> Result<Option<Opened>, StoreError> {
        let path = dir.join(LOG);
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(open_err(source)),
        };
        let meta = file.metadata().map_err(open_err)?;
        let mut magic = [0u8; 8];
        if read_at(&file, &mut magic, 0).map_err(open_err)? < 8 || &magic != MAGIC_V2 {
            return Ok(None);
        }
        let ino = inode(&meta);
        let mut index = load(&dir.join(INDEX))
            .filter(|i| i.matches_log(&file, ino, meta.len()) && i.tiles() && i.damage_holds(&file))
            .unwrap_or_else(|| Index {
                ino,
                covered: MAGIC_V2.len() as u64,
                ..Index::default()
            });
        let before = (index.covered, index.rows.len(), index.others.len());
        let health = index.extend(&file, meta.len(), path.clone())?;
        if before != (index.covered, index.rows.len(), index.others.len()) {
            // Best effort: a read-only inbox is read without saving its index.
            let _ = index.save(dir);
        }
        Ok(Some(Opened {
            index,
            health,
            file,
            path,
        }))
    }

    /// Whether the log is still the one indexed, with the records indexed (see the module doc).
    fn matches_log(&self, file: &File, ino: u64, len: u64) -> bool {
        if self.ino != ino || self.covered > len || self.covered < MAGIC_V2.len() as u64 {
            return false;
        }
        let Some((start, head)) = self.last else {
            return self.covered == MAGIC_V2.len() as u64;
        };
        let mut now = [0u8; V2_HEADER as usize];
        let read = read_at(file, &mut now, start).unwrap_or(0);
        let Some((payload_len, _)) = scan::check_v2_header(&head) else {
            return false;
        };
        read == now.len()
            && now == head
            && start + V2_HEADER + u64::from(payload_len) == self.covered
    }

    /// Scan from where the index stops to the end of the log, adding rows; the damage of the
    /// whole log for this read (the index keeps only damage before its last intact record).
    fn extend(&mut self, file: &File, len: u64, path: PathBuf) -> Result<Health, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        // A clone shares the file position (and `read_at` moves it on Windows): rewind.
        let mut scan_file = file.try_clone().map_err(open_err)?;
        scan_file.seek(io::SeekFrom::Start(0)).map_err(open_err)?;
        let mut scanner = Scanner::new(scan_file, len, path.clone())?
            .resume(self.covered, self.last_id)
            .map_err(open_err)?;
        let mut methods: HashMap<String, u16> = self.methods.iter().cloned().zip(0..).collect();
        let mut paths: Option<HashMap<String, u32>> = None;
        let mut first_new_event = None;
        while let Some(record) = scanner.next()? {
            // Owned, so that the scanner can be asked where the record lies.
            let pending = match record {
                Record::Event(event) => {
                    first_new_event.get_or_insert(event.id());
                    let meta = serde_json::from_slice::<RowMeta<'_>>(event.meta()).ok();
                    let paths =
                        paths.get_or_insert_with(|| self.paths.iter().cloned().zip(0..).collect());
                    Ok(self.row(event.id(), meta, &mut methods, paths))
                }
                // Ids only grow along the log: a delivery belongs to an event before it.
                Record::Delivery(d) => Err(match self.last_id {
                    Some(last) if d.event <= last => d.event,
                    _ => NO_EVENT,
                }),
                Record::Floor(_) => Err(NO_EVENT),
            };
            let (offset, head) = scanner.last_frame();
            let frame_len = u32::try_from(scanner.end() - offset).unwrap_or(u32::MAX);
            match pending {
                Ok(row) => {
                    self.last_id = Some(row.id);
                    self.rows.push(Row {
                        offset,
                        frame_len,
                        ..row
                    });
                }
                Err(event) => self.others.push(Other {
                    offset,
                    frame_len,
                    event,
                }),
            }
            self.last = Some((offset, head));
            self.covered = scanner.end();
        }
        let health = self.merge(scanner.health(), first_new_event);
        while self.damage_crc.len() < self.damage.len() {
            let d = &self.damage[self.damage_crc.len()];
            let crc = match range_crc(file, d.start, d.end) {
                Ok(Some(crc)) => crc,
                // Unreadable now: a value no range has, so the index is rebuilt next time.
                _ => 0,
            };
            self.damage_crc.push(crc);
        }
        Ok(health)
    }

    /// Whether the intact records and damaged ranges indexed cover the log from its magic to
    /// `covered` with no gap or overlap (as a scan finds them).
    fn tiles(&self) -> bool {
        let rows = self
            .rows
            .iter()
            .map(|r| (r.offset, r.offset + u64::from(r.frame_len)));
        let others = self
            .others
            .iter()
            .map(|o| (o.offset, o.offset + u64::from(o.frame_len)));
        let damage = self.damage.iter().map(|d| (d.start, d.end));
        let mut spans: Vec<(u64, u64)> = rows.chain(others).chain(damage).collect();
        spans.sort_unstable();
        let mut at = MAGIC_V2.len() as u64;
        for (start, end) in spans {
            if start != at || end <= start {
                return false;
            }
            at = end;
        }
        at == self.covered && self.damage_crc.len() == self.damage.len() && self.more_damage == 0
    }

    /// Whether every damaged range indexed still holds the same bytes.
    fn damage_holds(&self, file: &File) -> bool {
        self.damage
            .iter()
            .zip(&self.damage_crc)
            .all(|(d, crc)| matches!(range_crc(file, d.start, d.end), Ok(Some(c)) if c == *crc))
    }

    fn row(
        &mut self,
        id: u64,
        meta: Option<RowMeta<'_>>,
        methods: &mut HashMap<String, u16>,
        paths: &mut HashMap<String, u32>,
    ) -> Row {
        let mut row = Row {
            offset: 0,
            frame_len: 0,
            id,
            time_ns: u64::MAX,
            method: UNKNOWN_METHOD,
            path: UNKNOWN_PATH,
            verification: UNKNOWN_VERIFICATION,
        };
        let Some(meta) = meta else {
            return row;
        };
        row.time_ns = u64::try_from(meta.received_at_ns).unwrap_or(u64::MAX);
        row.verification = verification_code(meta.marks.verification.map(|v| v.result));
        row.method = intern(&mut self.methods, methods, &meta.method, UNKNOWN_METHOD);
        row.path = intern(&mut self.paths, paths, &meta.path, UNKNOWN_PATH);
        row
    }

    /// The index's damage plus what this scan found; keeps what lies before `covered`.
    fn merge(&mut self, found: &Health, first_new_event: Option<u64>) -> Health {
        if let Some(id) = first_new_event {
            for d in self.damage.iter_mut().rev() {
                if d.before.is_some() {
                    break;
                }
                d.before = Some(id);
            }
        }
        let mut health = Health {
            damage: self.damage.clone(),
            more_damage: self.more_damage,
            version: 2,
        };
        for d in &found.damage {
            if health.damage.len() >= MAX_DAMAGE {
                health.more_damage += 1;
            } else {
                health.damage.push(d.clone());
            }
            if d.end <= self.covered {
                if self.damage.len() >= MAX_DAMAGE {
                    self.more_damage += 1;
                } else {
                    self.damage.push(d.clone());
                }
            }
        }
        health.more_damage += found.more_damage;
        health
    }

    /// Write the index to a temporary file beside the log and rename it over the old one.
    fn save(&self, dir: &Path) -> io::Result<()> {
        let mut out = Vec::with_capacity(self.rows.len() * ROW_BYTES + 4096);
        let head = Head {
            ino: self.ino,
            covered: self.covered,
            last: self.last.map(|(s, h)| (s, h.to_vec())),
            last_id: self.last_id,
            methods: self.methods.clone(),
            damage: self
                .damage
                .iter()
                .zip(&self.damage_crc)
                .map(|(d, crc)| (d.start, d.end, d.after, d.before, *crc))
                .collect(),
            more_damage: self.more_damage,
            rows: self.rows.len(),
            others: self.others.len(),
            paths: self.paths.len(),
        };
        let head = serde_json::to_vec(&head).map_err(io::Error::other)?;
        out.extend_from_slice(&(head.len() as u32).to_le_bytes());
        out.extend_from_slice(&head);
        for r in &self.rows {
            out.extend_from_slice(&r.offset.to_le_bytes());
            out.extend_from_slice(&r.id.to_le_bytes());
            out.extend_from_slice(&r.time_ns.to_le_bytes());
            out.extend_from_slice(&r.frame_len.to_le_bytes());
            out.extend_from_slice(&r.path.to_le_bytes());
            out.extend_from_slice(&r.method.to_le_bytes());
            out.extend_from_slice(&[r.verification, 0]);
        }
        for o in &self.others {
            out.extend_from_slice(&o.offset.to_le_bytes());
            out.extend_from_slice(&o.frame_len.to_le_bytes());
            out.extend_from_slice(&o.event.to_le_bytes());
        }
        for p in &self.paths {
            out.extend_from_slice(&(p.len() as u32).to_le_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(MAGIC)?;
        tmp.write_all(&crc32fast::hash(&out).to_le_bytes())?;
        tmp.write_all(&out)?;
        tmp.persist(dir.join(INDEX)).map_err(|e| e.error)?;
        Ok(())
    }

    /// The deliveries of event `id`, as positions in [`Self::others`], in log order: `sorted`
    /// is [`Self::deliveries_by_event`].
    pub fn deliveries_of<'s>(&self, sorted: &'s [u32], id: u64) -> &'s [u32] {
        let from = sorted.partition_point(|&i| self.others[i as usize].event < id);
        let to = sorted.partition_point(|&i| self.others[i as usize].event <= id);
        &sorted[from..to]
    }

    /// Positions of the delivery rows, ordered by event id (then log order).
    pub fn deliveries_by_event(&self) -> Vec<u32> {
        let mut sorted: Vec<u32> = (0..self.others.len() as u32)
            .filter(|&i| self.others[i as usize].event != NO_EVENT)
            .collect();
        sorted.sort_by_key(|&i| self.others[i as usize].event);
        sorted
    }
}

/// The id of `value` in `list` (added if new), or `unknown` when the ids run out.
fn intern<T: Copy + PartialEq + TryFrom<usize>>(
    list: &mut Vec<String>,
    ids: &mut HashMap<String, T>,
    value: &str,
    unknown: T,
) -> T {
    if let Some(&id) = ids.get(value) {
        return id;
    }
    match T::try_from(list.len()) {
        Ok(id) if id != unknown => {
            list.push(value.to_owned());
            ids.insert(value.to_owned(), id);
            id
        }
        _ => unknown,
    }
}

/// The index at `path`, if its checksum holds and it parses.
fn load(path: &Path) -> Option<Index> {
    let mut bytes = Vec::new();
    File::open(path).ok()?.read_to_end(&mut bytes).ok()?;
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (crc, body) = rest.split_at_checked(4)?;
    if crc32fast::hash(body) != u32::from_le_bytes(crc.try_into().ok()?) {
        return None;
    }
    let (head_len, body) = body.split_at_checked(4)?;
    let (head, mut body) =
        body.split_at_checked(u32::from_le_bytes(head_len.try_into().ok()?) as usize)?;
    let head: Head = serde_json::from_slice(head).ok()?;
    let (rows, rest) = body.split_at_checked(head.rows.checked_mul(ROW_BYTES)?)?;
    let (others, rest) = rest.split_at_checked(head.others.checked_mul(OTHER_BYTES)?)?;
    body = rest;
    let mut paths = Vec::with_capacity(head.paths.min(body.len() / 4));
    for _ in 0..head.paths {
        let (len, rest) = body.split_at_checked(4)?;
        let (p, rest) = rest.split_at_checked(u32::from_le_bytes(len.try_into().ok()?) as usize)?;
        paths.push(String::from_utf8(p.to_vec()).ok()?);
        body = rest;
    }
    let last = match head.last {
        Some((start, h)) => Some((start, <[u8; V2_HEADER as usize]>::try_from(h).ok()?)),
        None => None,
    };
    Some(Index {
        ino: head.ino,
        covered: head.covered,
        last,
        last_id: head.last_id,
        methods: head.methods,
        paths,
        rows: rows.chunks_exact(ROW_BYTES).map(read_row).collect(),
        others: others
            .chunks_exact(OTHER_BYTES)
            .map(|o| Other {
                offset: u64::from_le_bytes(o[0..8].try_into().unwrap_or_default()),
                frame_len: u32::from_le_bytes(o[8..12].try_into().unwrap_or_default()),
                event: u64::from_le_bytes(o[12..20].try_into().unwrap_or_default()),
            })
            .collect(),
        damage_crc: head.damage.iter().map(|d| d.4).collect(),
        damage: head
            .damage
            .into_iter()
            .map(|(start, end, after, before, _)| Damage {
                start,
                end,
                after,
                before,
            })
            .collect(),
        more_damage: head.more_damage,
    })
}

fn read_row(r: &[u8]) -> Row {
    let u64_at = |i: usize| u64::from_le_bytes(r[i..i + 8].try_into().unwrap_or_default());
    let u32_at = |i: usize| u32::from_le_bytes(r[i..i + 4].try_into().unwrap_or_default());
    Row {
        offset: u64_at(0),
        id: u64_at(8),
        time_ns: u64_at(16),
        frame_len: u32_at(24),
        path: u32_at(28),
        method: u16::from_le_bytes([r[32], r[33]]),
        verification: r[34],
    }
}

/// The CRC of the log's bytes `start..end` (`None` if the file is shorter).
fn range_crc(file: &File, start: u64, end: u64) -> io::Result<Option<u32>> {
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; WINDOW.min((end - start) as usize)];
    let mut at = start;
    while at < end {
        let want = ((end - at) as usize).min(buf.len());
        if read_at(file, &mut buf[..want], at)? < want {
            return Ok(None);
        }
        hasher.update(&buf[..want]);
        at += want as u64;
    }
    Ok(Some(hasher.finalize()))
}

/// Remove the index (it is rebuilt by the next read).
pub fn discard(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(INDEX));
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.ino()
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

/// Read into `buf` at `at` until it is full or the file ends; how many bytes were read.
pub fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read_some_at(file, &mut buf[done..], at + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn read_some_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    file.read_at(buf, at)
}

#[cfg(windows)]
fn read_some_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    file.seek_read(buf, at)
}

/// Reads frames of the log at known offsets through a window of large reads (records are
/// asked for in log order), checking each frame's header and CRC.
pub struct Frames<'f> {
    file: &'f File,
    window: Vec<u8>,
    start: u64,
}

/// The window: one read covers many small records.
const WINDOW: usize = 1 << 20;

impl<'f> Frames<'f> {
    pub fn new(file: &'f File) -> Self {
        Frames {
            file,
            window: Vec::new(),
            start: 0,
        }
    }

    /// The payload of the frame at `offset`, `len` bytes long with its header, if its header
    /// and CRC hold (`None` when they do not, or the file ends before it).
    pub fn payload(&mut self, offset: u64, len: u32) -> io::Result<Option<&[u8]>> {
        let len = len as usize;
        let end = offset + len as u64;
        let in_window = offset >= self.start && end <= self.start + self.window.len() as u64;
        if !in_window {
            self.window.resize(len.max(WINDOW), 0);
            let read = read_at(self.file, &mut self.window, offset)?;
            self.window.truncate(read);
            self.start = offset;
            if read < len {
                return Ok(None);
            }
        }
        let at = (offset - self.start) as usize;
        let frame = &self.window[at..at + len];
        let Some((payload_len, crc)) = scan::check_v2_header(frame) else {
            return Ok(None);
        };
        let payload = &frame[V2_HEADER as usize..];
        if payload_len as usize != payload.len() || crc32fast::hash(payload) != crc {
            return Ok(None);
        }
        Ok(Some(payload))
    }
}

/// An event record from an intact frame's payload (its id must be `id`).
pub fn event_record(payload: &[u8], id: u64) -> Option<EventRecord<'_>> {
    match scan::parse(payload, false)? {
        Parsed::Event {
            id: found,
            meta: (a, b),
        } if found == id => Some(EventRecord {
            id,
            meta: &payload[a..b],
            body: &payload[b..],
        }),
        _ => None,
    }
}

/// A delivery from an intact frame's payload.
pub fn delivery(payload: &[u8]) -> Option<Delivery> {
    match scan::parse(payload, false)? {
        Parsed::Delivery(d) => Some(d),
        _ => None,
    }
}
