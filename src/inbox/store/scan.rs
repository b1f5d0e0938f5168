//! Reading the log: [`Scanner`], which checks every record, skips damaged ones and
//! resynchronises at the next intact record (format 2), reporting each damaged byte range as a
//! [`Damage`].

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::{
    Delivery, EventRecord, KIND_DELIVERY, KIND_EVENT, KIND_FLOOR, LOG, MAGIC_V1, MAGIC_V2, MARK,
    Record, StoreError, V2_HEADER, quick_id,
};

/// The read buffer: large enough that small records cost no system call each.
const READ_BUFFER: usize = 256 * 1024;
/// Damaged ranges kept for the report; further ones are only counted.
const MAX_DAMAGE: usize = 10_000;
/// No record is larger than this (bodies are capped at 2 GB, metas are small): a longer
/// length is damage, never a reason to read gigabytes.
const MAX_PAYLOAD: u64 = (1 << 31) + (64 << 20);

/// A damaged byte range of the log: not intact records, skipped by readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// First damaged byte.
    pub start: u64,
    /// One past the last damaged byte.
    pub end: u64,
    /// The id of the last intact event before it.
    pub after: Option<u64>,
    /// The id of the first intact event after it; `None` when no intact event follows (a
    /// damaged tail, e.g. a write cut off by a crash).
    pub before: Option<u64>,
}

impl Damage {
    /// The event ids lost in it, as text: `10`, `10–12`, `none`, or `any after 41`.
    pub fn lost_ids(&self) -> String {
        let first = self.after.map_or(1, |a| a + 1);
        match self.before {
            Some(next) if next <= first => "none (a delivery record)".to_owned(),
            Some(next) if next == first + 1 => format!("{first}"),
            Some(next) => format!("{first}–{}", next - 1),
            None => match self.after {
                Some(a) => format!("any after {a}"),
                None => "any".to_owned(),
            },
        }
    }

    /// One line for people: `bytes 1200..1534 (334 bytes) damaged: event ids 10 lost`.
    pub fn describe(&self) -> String {
        let lost = self.lost_ids();
        let what = if lost.starts_with("none") {
            format!("no event lost: {}", &lost[5..].trim_matches(['(', ')']))
        } else {
            format!("event ids {lost} lost")
        };
        format!(
            "bytes {}..{} ({} bytes) damaged: {what}",
            self.start,
            self.end,
            self.end - self.start
        )
    }
}

/// What a whole scan found besides the records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Damaged ranges, in file order (at most [`MAX_DAMAGE`]).
    pub damage: Vec<Damage>,
    /// Damaged ranges found beyond those kept.
    pub more_damage: usize,
    /// The log's format (1 or 2; 0 for a missing or empty log).
    pub version: u8,
}

impl Health {
    /// No damage at all.
    pub fn is_intact(&self) -> bool {
        self.damage.is_empty() && self.more_damage == 0
    }
}

/// Reads the log front to back through a buffer, one record at a time, checking each CRC and
/// keeping nothing but the current record. A damaged record is skipped: in format 2 every
/// record starts with a marker and a checksummed header, so the scan resumes at the next
/// intact record and reports the range in between ([`Self::health`]); in format 1 (no
/// marker) the rest of the file is reported as one damaged range. Zeros after the last
/// record are the writer's preallocated space, not damage. Event metas are only checked
/// (without allocating) and their id read; [`EventRecord`] parses one in full on demand.
#[derive(Debug)]
pub struct Scanner<R> {
    path: PathBuf,
    version: u8,
    /// Where the next record may start.
    pos: u64,
    /// Records must end at or before this offset (the file's length, or [`Self::stop_at`]).
    limit: u64,
    /// `None` once the scan has ended.
    reader: Option<BufReader<R>>,
    /// The current record's payload.
    buf: Vec<u8>,
    /// Check every event's meta (see `EventCheck`); off only for a second pass over records
    /// an earlier one checked, whose caller parses each meta it uses in full anyway.
    pub(super) check_metas: bool,
    /// Where the last intact record ends.
    valid_end: u64,
    last_id: Option<u64>,
    max_id: Option<u64>,
    /// The largest id floor record seen (ids below it were given out before a repair).
    floor: u64,
    health: Health,
    /// Where the bytes after the last intact record stop being zero (a damaged tail).
    tail_end: Option<u64>,
    /// Ids found in damaged frames and a damaged tail (`{"id":N`), the largest.
    tail_id: Option<u64>,
    /// The header and start of the last intact frame read (for the index, `index.rs`).
    last_head: [u8; V2_HEADER as usize],
    last_start: u64,
    /// The header of the frame being read.
    cur_head: [u8; V2_HEADER as usize],
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

/// What one step of the scan found at `pos`.
enum Step {
    /// An intact frame; the payload (this long) is in `buf`.
    Frame(usize),
    /// A frame whose header is intact and payload is not: skip to this offset.
    BadFrame(u64),
    /// No frame starts here.
    NoFrame,
    /// The end of the data.
    End,
}

/// A checked payload, as offsets into it (so the scanner can update itself before lending it).
pub(super) enum Parsed {
    Event { id: u64, meta: (usize, usize) },
    Delivery(Delivery),
    Floor(u64),
}

impl<R: Read + Seek> Scanner<R> {
    /// Scan `len` bytes of log read from `reader`, which must be at the start of the log;
    /// `path` is for errors. Checks the magic (an empty log has no records).
    pub fn new(reader: R, len: u64, path: PathBuf) -> Result<Self, StoreError> {
        if len == 0 {
            return Ok(Scanner::finished(path));
        }
        let mut reader = BufReader::with_capacity(READ_BUFFER, reader);
        let mut magic = [0u8; MAGIC_V2.len()];
        let version = match reader.read_exact(&mut magic) {
            Ok(()) if &magic == MAGIC_V2 => 2,
            Ok(()) if &magic == MAGIC_V1 => 1,
            Ok(()) => return Err(StoreError::NotAnInbox(path)),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(StoreError::NotAnInbox(path));
            }
            Err(source) => return Err(StoreError::Open { path, source }),
        };
        let mut scanner = Scanner::finished(path);
        scanner.reader = Some(reader);
        scanner.version = version;
        scanner.health.version = version;
        scanner.pos = MAGIC_V2.len() as u64;
        scanner.valid_end = scanner.pos;
        scanner.limit = len;
        Ok(scanner)
    }

    fn finished(path: PathBuf) -> Self {
        Scanner {
            reader: None,
            path,
            version: 0,
            pos: 0,
            limit: 0,
            buf: Vec::new(),
            check_metas: true,
            valid_end: 0,
            last_id: None,
            max_id: None,
            floor: 0,
            health: Health::default(),
            tail_end: None,
            tail_id: None,
            last_head: [0; V2_HEADER as usize],
            last_start: 0,
            cur_head: [0; V2_HEADER as usize],
        }
    }

    /// Go on from `at`, the end of an intact record an earlier scan read (format 2 only), as
    /// if that scan had continued: `last_id` is the last event id it saw (for [`Damage`]).
    pub(super) fn resume(mut self, at: u64, last_id: Option<u64>) -> io::Result<Self> {
        if self.version == 2 && at >= self.pos {
            self.pos = at;
            self.valid_end = at;
            self.last_id = last_id;
            self.max_id = last_id;
            self.seek(at)?;
        }
        Ok(self)
    }

    /// The last intact frame returned: where it starts and its 16-byte header (format 2).
    pub(super) fn last_frame(&self) -> (u64, [u8; V2_HEADER as usize]) {
        (self.last_start, self.last_head)
    }

    /// Read no record that ends after `offset` (e.g. where an earlier pass stopped).
    pub fn stop_at(mut self, offset: u64) -> Self {
        self.limit = self.limit.min(offset);
        self
    }

    /// Where the intact records read so far end (`0` for an empty log): once [`Self::next`]
    /// has returned `None`, the end of the valid data.
    pub fn end(&self) -> u64 {
        self.valid_end
    }

    /// The log's format version (1 or 2; 0 for an empty or missing log).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The damage found so far (all of it once [`Self::next`] has returned `None`).
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The id the next event must get so that no id is ever given twice: above every intact
    /// event, every id found in a damaged tail and every floor record.
    pub fn next_id(&self) -> u64 {
        let seen = self.max_id.max(self.tail_id).map_or(1, |id| id + 1);
        seen.max(self.floor).max(1)
    }

    /// Where a writer may append without overwriting anything but zeros: after the last intact
    /// record, or after a damaged tail (kept for `inbox repair`).
    pub fn append_at(&self) -> u64 {
        let damaged = self.health.damage.last().map_or(0, |d| d.end);
        self.tail_end.unwrap_or(0).max(damaged).max(self.valid_end)
    }

    /// The next intact record, or `None` at the end of the data. Damaged records are skipped
    /// (and noted in [`Self::health`]). Errors only when the file cannot be read.
    #[allow(clippy::should_implement_trait)] // a lending iterator: the record borrows `self`
    pub fn next(&mut self) -> Result<Option<Record<'_>>, StoreError> {
        match self.next_parsed() {
            Ok(Some((parsed, len))) => Ok(Some(self.lend(parsed, len))),
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

    fn lend(&self, parsed: Parsed, len: usize) -> Record<'_> {
        match parsed {
            Parsed::Event { id, meta: (a, b) } => Record::Event(EventRecord {
                id,
                meta: &self.buf[a..b],
                body: &self.buf[b..len],
            }),
            Parsed::Delivery(d) => Record::Delivery(d),
            Parsed::Floor(next) => Record::Floor(next),
        }
    }

    fn next_parsed(&mut self) -> io::Result<Option<(Parsed, usize)>> {
        let header = if self.version == 2 { V2_HEADER } else { 8 };
        loop {
            let at = self.pos;
            match self.step()? {
                Step::End => return Ok(None),
                Step::Frame(len) => {
                    let end = at + header + len as u64;
                    self.pos = end;
                    match parse(&self.buf[..len], self.check_metas) {
                        Some(parsed) => {
                            self.last_start = at;
                            self.last_head = self.cur_head;
                            self.intact(&parsed, end);
                            return Ok(Some((parsed, len)));
                        }
                        // A frame whose checksum matches but whose content is not a record
                        // this version knows: skip exactly that frame.
                        None => self.damaged(at, end),
                    }
                }
                Step::BadFrame(end) => {
                    // Its header is intact: the ids in it may have been given out.
                    self.tail_id = self.tail_id.max(ids_in(&self.buf));
                    self.damaged(at, end);
                    self.pos = end;
                    self.seek(end)?;
                }
                Step::NoFrame => match self.resync(at + 1)? {
                    Some(next) => {
                        self.damaged(at, next);
                        self.pos = next;
                        self.seek(next)?;
                    }
                    None => {
                        self.tail(at)?;
                        return Ok(None);
                    }
                },
            }
        }
    }

    fn seek(&mut self, to: u64) -> io::Result<()> {
        if let Some(reader) = self.reader.as_mut() {
            reader.seek(SeekFrom::Start(to))?;
        }
        Ok(())
    }

    /// An intact record ends at `end`: note its id, and close any damage before it.
    fn intact(&mut self, parsed: &Parsed, end: u64) {
        self.valid_end = end;
        match parsed {
            Parsed::Event { id, .. } => {
                let id = *id;
                for d in self.health.damage.iter_mut().rev() {
                    if d.before.is_some() {
                        break;
                    }
                    d.before = Some(id);
                }
                self.last_id = Some(id);
                self.max_id = self.max_id.max(Some(id));
            }
            Parsed::Floor(next) => self.floor = self.floor.max(*next),
            Parsed::Delivery(_) => {}
        }
    }

    /// `[start, end)` is damaged: note it (merged with the previous range if adjacent).
    fn damaged(&mut self, start: u64, end: u64) {
        let damage = &mut self.health.damage;
        if let Some(last) = damage.last_mut()
            && last.end == start
            && last.before.is_none()
        {
            last.end = end;
            return;
        }
        if damage.len() >= MAX_DAMAGE {
            self.health.more_damage += 1;
            return;
        }
        damage.push(Damage {
            start,
            end,
            after: self.last_id,
            before: None,
        });
    }

    /// One frame at `self.pos`, the reader being there.
    fn step(&mut self) -> io::Result<Step> {
        let pos = self.pos;
        if self.reader.is_none() || pos >= self.limit {
            return Ok(Step::End);
        }
        let header = if self.version == 2 { V2_HEADER } else { 8 };
        if pos + header > self.limit {
            return Ok(Step::NoFrame);
        }
        let mut head = [0u8; V2_HEADER as usize];
        let head = &mut head[..header as usize];
        if let Some(reader) = self.reader.as_mut() {
            reader.read_exact(head)?;
        }
        let (len, crc) = if self.version == 2 {
            match check_v2_header(head) {
                Some(lc) => lc,
                None => return Ok(Step::NoFrame),
            }
        } else {
            (le32(&head[0..4]), le32(&head[4..8]))
        };
        let end = pos + header + u64::from(len);
        if end > self.limit || u64::from(len) > MAX_PAYLOAD || len < 5 {
            return Ok(Step::NoFrame);
        }
        self.buf.clear();
        self.buf.reserve(len as usize);
        let read = match self.reader.as_mut() {
            Some(reader) => reader
                .by_ref()
                .take(u64::from(len))
                .read_to_end(&mut self.buf)?,
            None => 0,
        };
        if self.version == 2 {
            self.cur_head.copy_from_slice(head);
        }
        if read < len as usize || crc32fast::hash(&self.buf) != crc {
            // Format 2: the header is checked on its own, so the frame's extent is known.
            return Ok(if self.version == 2 {
                Step::BadFrame(end)
            } else {
                Step::NoFrame
            });
        }
        Ok(Step::Frame(len as usize))
    }

    /// The offset of the next frame header at or after `from` whose own checksum holds
    /// (format 2 only: format 1 has nothing to find a record start by).
    fn resync(&mut self, from: u64) -> io::Result<Option<u64>> {
        if self.version != 2 {
            return Ok(None);
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        let finder = memchr::memmem::Finder::new(MARK);
        let mut window = vec![0u8; READ_BUFFER];
        let mut at = from;
        while at + V2_HEADER <= self.limit {
            let want = (self.limit - at).min(window.len() as u64) as usize;
            reader.seek(SeekFrom::Start(at))?;
            reader.read_exact(&mut window[..want])?;
            let chunk = &window[..want];
            for i in finder.find_iter(chunk) {
                let start = at + i as u64;
                let Some(head) = chunk.get(i..i + V2_HEADER as usize) else {
                    // The header crosses the window: look again from here.
                    return self.resync_from_window_edge(start);
                };
                if let Some((len, _)) = check_v2_header(head)
                    && start + V2_HEADER + u64::from(len) <= self.limit
                {
                    return Ok(Some(start));
                }
            }
            if want < V2_HEADER as usize {
                break;
            }
            // Overlap so a marker across the edge is seen.
            at += (want - (MARK.len() - 1)) as u64;
        }
        Ok(None)
    }

    fn resync_from_window_edge(&mut self, start: u64) -> io::Result<Option<u64>> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        let mut head = [0u8; V2_HEADER as usize];
        reader.seek(SeekFrom::Start(start))?;
        reader.read_exact(&mut head)?;
        match check_v2_header(&head) {
            Some((len, _)) if start + V2_HEADER + u64::from(len) <= self.limit => Ok(Some(start)),
            _ => self.resync(start + 1),
        }
    }

    /// No intact record follows `from`: zeros are preallocated space; anything else is a
    /// damaged tail, whose extent and any ids in it are kept for the writer.
    fn tail(&mut self, from: u64) -> io::Result<()> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        reader.seek(SeekFrom::Start(from))?;
        let mut window = vec![0u8; READ_BUFFER];
        let mut at = from;
        let mut last_nonzero = None;
        let mut tail_id = None;
        while at < self.limit {
            let want = (self.limit - at).min(window.len() as u64) as usize;
            reader.read_exact(&mut window[..want])?;
            let chunk = &window[..want];
            if let Some(i) = chunk.iter().rposition(|&b| b != 0) {
                last_nonzero = Some(at + i as u64 + 1);
                tail_id = tail_id.max(ids_in(chunk));
            }
            at += want as u64;
        }
        if let Some(end) = last_nonzero {
            self.damaged(from, end);
            self.tail_end = Some(end);
            self.tail_id = self.tail_id.max(tail_id);
        }
        Ok(())
    }
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// A format 2 header (`[MARK][u32 length][u32 payload crc][u32 crc of the first 12 bytes]`):
/// its length and payload CRC when the marker and its own checksum hold.
pub(super) fn check_v2_header(head: &[u8]) -> Option<(u32, u32)> {
    if head.len() < V2_HEADER as usize || &head[0..4] != MARK {
        return None;
    }
    if crc32fast::hash(&head[0..12]) != le32(&head[12..16]) {
        return None;
    }
    Some((le32(&head[4..8]), le32(&head[8..12])))
}

/// The largest `{"id":N` in damaged bytes (an event meta starts so): an id that may have been
/// given out, so the writer never gives it again.
fn ids_in(bytes: &[u8]) -> Option<u64> {
    let pattern = b"{\"id\":";
    memchr::memmem::find_iter(bytes, pattern)
        .filter_map(|i| {
            let rest = &bytes[i + pattern.len()..];
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            std::str::from_utf8(&rest[..n.min(19)]).ok()?.parse().ok()
        })
        .max()
}

/// A payload whose CRC matched: `[kind][u32 meta length][meta][body]`.
pub(super) fn parse(payload: &[u8], check_metas: bool) -> Option<Parsed> {
    let (&kind, rest) = payload.split_first()?;
    let meta_len = usize::try_from(le32(rest.get(..4)?)).ok()?;
    let meta = rest.get(4..4usize.checked_add(meta_len)?)?;
    let range = (5, 5 + meta_len);
    match kind {
        KIND_EVENT => {
            let id = if check_metas {
                serde_json::from_slice::<super::EventCheck>(meta).ok()?.id
            } else {
                quick_id(meta)?
            };
            Some(Parsed::Event { id, meta: range })
        }
        KIND_DELIVERY => serde_json::from_slice::<Delivery>(meta)
            .ok()
            .map(Parsed::Delivery),
        KIND_FLOOR => serde_json::from_slice::<super::Floor>(meta)
            .ok()
            .map(|f| Parsed::Floor(f.next_id)),
        _ => None,
    }
}
