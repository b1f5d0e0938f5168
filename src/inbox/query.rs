//! `inbox list`'s filters over the log through its index ([`store::index`]): the method, path,
//! time and verification tests are answered by the index's rows; header and JSONPath tests by
//! the records that pass those, after a cheap byte search (a literal part of the header glob
//! in the meta, the value of `--jsonpath PATH=VALUE` in the body) skips most records before
//! any JSON is parsed. The records are read in large sequential reads by 2 threads (or as many
//! as there are cores, up to 4), which also check every record's CRC: a record damaged since
//! it was indexed makes the whole read fall back to a plain scan (which reports the damage),
//! and the index is rebuilt. Every record the fast path keeps is then evaluated in full by
//! the same code as the plain scan ([`accept`]), so both give the same events.

use std::fs::File;
use std::io;
use std::ops::{ControlFlow, Range};
use std::path::Path;
use std::time::UNIX_EPOCH;

use memchr::memmem::Finder;

use super::filter::{Filter, JsonTest};
use super::store::index::{
    self, Frames, Index, Row, UNKNOWN_METHOD, UNKNOWN_PATH, UNKNOWN_VERIFICATION,
};
use super::store::{self, EventRecord, Health, StoreError, Stored};

/// Hand every event of the inbox at `dir` that `filter` matches to `each`, in id order, with
/// its deliveries (as [`store::for_each_event`] would, keeping those that match). Returns the
/// damage found in the log.
pub fn for_each_match(
    dir: &Path,
    filter: &Filter,
    mut each: impl FnMut(EventRecord<'_>, Stored) -> ControlFlow<()>,
) -> Result<Health, StoreError> {
    // The plain scan on request: the benchmark's peer (`bench/listen/filter.sh`).
    if std::env::var_os("POSTIE_INBOX_NO_INDEX").is_some() {
        return slow(dir, filter, &mut each, None);
    }
    let Some(opened) = Index::open(dir)? else {
        return slow(dir, filter, &mut each, None);
    };
    match fast(&opened, filter, &mut each) {
        Ok(Fast::Done) => Ok(opened.health),
        Ok(Fast::Damaged(shown)) => {
            index::discard(dir);
            slow(dir, filter, &mut each, shown)
        }
        Err(source) => Err(StoreError::Open {
            path: opened.path,
            source,
        }),
    }
}

/// The full evaluation of `filter` on one record, as the plain scan does it: the stored event
/// (without its body) when it matches.
pub fn accept(filter: &Filter, record: &EventRecord<'_>) -> Option<Stored> {
    // A quick look at the borrowed meta rejects most events before one is built.
    if filter.matches_meta(record.meta()) == Some(false) {
        return None;
    }
    accept_built(filter, record)
}

/// [`accept`] without the quick look (the fast path has had its own: the index's rows and
/// [`RowTest::record`]); `matches_meta` agrees with `matches_head` (tested in `filter`).
fn accept_built(filter: &Filter, record: &EventRecord<'_>) -> Option<Stored> {
    if !filter.matches_body(record.body()) {
        return None;
    }
    let stored = record.head()?;
    filter.matches_head(&stored.event).then_some(stored)
}

/// The plain scan: every record read and evaluated; events up to id `shown` skipped (already
/// handed over by a fast path that found damage).
fn slow(
    dir: &Path,
    filter: &Filter,
    each: &mut impl FnMut(EventRecord<'_>, Stored) -> ControlFlow<()>,
    shown: Option<u64>,
) -> Result<Health, StoreError> {
    store::for_each_event(dir, |record, deliveries| {
        if shown.is_some_and(|id| record.id() <= id) {
            return ControlFlow::Continue(());
        }
        match accept(filter, &record) {
            Some(mut stored) => {
                stored.deliveries = deliveries;
                each(record, stored)
            }
            None => ControlFlow::Continue(()),
        }
    })
}

enum Fast {
    Done,
    /// A record did not check: fall back to the plain scan, after the last id handed over.
    Damaged(Option<u64>),
}

fn fast(
    opened: &index::Opened,
    filter: &Filter,
    each: &mut impl FnMut(EventRecord<'_>, Stored) -> ControlFlow<()>,
) -> io::Result<Fast> {
    let index = &opened.index;
    let test = RowTest::new(filter, index);
    let Some(candidates) = check_all(&opened.file, index, &test)? else {
        return Ok(Fast::Damaged(None));
    };
    let by_event = index.deliveries_by_event();
    let mut frames = Frames::new(&opened.file);
    let mut delivery_frames = Frames::new(&opened.file);
    let mut shown = None;
    for i in candidates {
        let row = index.rows[i as usize];
        let payload = frames.payload(row.offset, row.frame_len)?;
        let Some(record) = payload.and_then(|p| index::event_record(p, row.id)) else {
            return Ok(Fast::Damaged(shown));
        };
        let Some(mut stored) = accept_built(filter, &record) else {
            continue;
        };
        for &d in index.deliveries_of(&by_event, row.id) {
            let other = index.others[d as usize];
            let payload = delivery_frames.payload(other.offset, other.frame_len)?;
            match payload.and_then(index::delivery) {
                Some(delivery) => stored.deliveries.push(delivery),
                None => return Ok(Fast::Damaged(shown)),
            }
        }
        shown = Some(row.id);
        if each(record, stored).is_break() {
            break;
        }
    }
    Ok(Fast::Done)
}

/// Check every indexed record's frame (header and CRC), in parallel over contiguous parts of
/// the log, and return the positions of the rows that may match (`None` if a frame does not
/// check).
fn check_all(file: &File, index: &Index, test: &RowTest<'_>) -> io::Result<Option<Vec<u32>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let parts = |len: usize| -> Vec<Range<usize>> {
        let step = len.div_ceil(threads).max(1);
        (0..threads)
            .map(|t| (t * step).min(len)..((t + 1) * step).min(len))
            .collect()
    };
    let (rows, others) = (parts(index.rows.len()), parts(index.others.len()));
    let results: Vec<io::Result<Option<Vec<u32>>>> = std::thread::scope(|s| {
        let handles: Vec<_> = rows
            .into_iter()
            .zip(others)
            .map(|(rows, others)| s.spawn(move || check_part(file, index, test, rows, others)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a reader failed")))
            })
            .collect()
    });
    let mut all = Vec::new();
    for part in results {
        match part? {
            Some(found) => all.extend(found),
            None => return Ok(None),
        }
    }
    Ok(Some(all))
}

fn check_part(
    file: &File,
    index: &Index,
    test: &RowTest<'_>,
    rows: Range<usize>,
    others: Range<usize>,
) -> io::Result<Option<Vec<u32>>> {
    let mut frames = Frames::new(file);
    let mut found = Vec::new();
    for i in rows {
        let row = &index.rows[i];
        let Some(payload) = frames.payload(row.offset, row.frame_len)? else {
            return Ok(None);
        };
        if !test.row(row) {
            continue;
        }
        if test.reads_records {
            let Some(record) = index::event_record(payload, row.id) else {
                return Ok(None);
            };
            if !test.record(&record) {
                continue;
            }
        }
        found.push(i as u32);
    }
    for other in &index.others[others] {
        if frames.payload(other.offset, other.frame_len)?.is_none() {
            return Ok(None);
        }
    }
    Ok(Some(found))
}

/// A [`Filter`] as tests on an index row, and on a record before its full evaluation.
struct RowTest<'f> {
    filter: &'f Filter,
    /// The method's position in the index (`Some(None)`: no event has it).
    method: Option<Option<u16>>,
    /// Per path of the index, whether the glob matches it.
    paths: Option<Vec<bool>>,
    since_ns: Option<u128>,
    until_ns: Option<u128>,
    verification: Option<Vec<u8>>,
    /// Header or JSON tests: the record must be read.
    reads_records: bool,
    /// A literal part of each header glob, which the meta must contain.
    header_needles: Vec<Finder<'static>>,
    /// Each `PATH=VALUE`'s value as the body must contain it; `true` when it is a string,
    /// which a body may also hold escaped (so a body with a `\` passes).
    json_needles: Vec<(Finder<'static>, bool)>,
}

impl<'f> RowTest<'f> {
    fn new(filter: &'f Filter, index: &Index) -> Self {
        let ns =
            |t: std::time::SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        RowTest {
            filter,
            method: filter.method.as_ref().map(|m| {
                let at = index.methods.iter().position(|known| known == m);
                at.and_then(|i| u16::try_from(i).ok())
            }),
            paths: filter.path.as_ref().map(|glob| {
                let each = |p: &String| crate::glob::matches(glob, p);
                index.paths.iter().map(each).collect()
            }),
            since_ns: filter.since.map(ns),
            until_ns: filter.until.map(ns),
            verification: (!filter.verification.is_empty()).then(|| {
                let code = |r: &super::VerifyResult| index::verification_code(Some(*r));
                filter.verification.iter().map(code).collect()
            }),
            reads_records: !filter.headers.is_empty() || !filter.json.is_empty(),
            header_needles: filter
                .headers
                .iter()
                .filter_map(|(_, glob)| glob_literal(glob))
                .map(|l| Finder::new(l.as_bytes()).into_owned())
                .collect(),
            json_needles: filter
                .json
                .iter()
                .filter_map(|(_, test)| match test {
                    JsonTest::Equals(value) => json_needle(value),
                    JsonTest::Exists(_) => None,
                })
                .map(|(text, string)| (Finder::new(text.as_bytes()).into_owned(), string))
                .collect(),
        }
    }

    /// Whether the row may match (method, path, time, verification); unknown fields may.
    fn row(&self, row: &Row) -> bool {
        if let Some(method) = self.method
            && row.method != UNKNOWN_METHOD
            && Some(row.method) != method
        {
            return false;
        }
        if let Some(paths) = &self.paths
            && row.path != UNKNOWN_PATH
            && !paths.get(row.path as usize).copied().unwrap_or(true)
        {
            return false;
        }
        // `u64::MAX` is a saturated time: left to the full evaluation.
        let t = u128::from(row.time_ns);
        if row.time_ns != u64::MAX
            && (self.since_ns.is_some_and(|s| t < s) || self.until_ns.is_some_and(|u| t >= u))
        {
            return false;
        }
        match &self.verification {
            Some(codes) if row.verification != UNKNOWN_VERIFICATION => {
                codes.contains(&row.verification)
            }
            _ => true,
        }
    }

    /// The header and JSON tests, after the byte searches.
    fn record(&self, record: &EventRecord<'_>) -> bool {
        let (meta, body) = (record.meta(), record.body());
        if !self.header_needles.iter().all(|f| f.find(meta).is_some()) {
            return false;
        }
        if !self.json_needles.is_empty() {
            let escaped = memchr::memchr(b'\\', body).is_some();
            let found =
                |(f, string): &(Finder<'_>, bool)| f.find(body).is_some() || (*string && escaped);
            if !self.json_needles.iter().all(found) {
                return false;
            }
        }
        self.filter.matches_meta(meta) != Some(false) && self.filter.matches_body(body)
    }
}

/// The longest literal part of a glob (`*` and `?` are its only wildcards), if it would be
/// stored in a JSON string as is (no `"`, `\` or control characters, which JSON escapes).
fn glob_literal(glob: &str) -> Option<&str> {
    glob.split(['*', '?'])
        .filter(|part| !part.is_empty() && as_is_in_json(part))
        .max_by_key(|part| part.len())
}

fn as_is_in_json(text: &str) -> bool {
    !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

/// The bytes every JSON text holding a value equal to `value` contains: an integer's digits
/// (serde_json reads `1.0` and `1e0` as floats, which are not equal to the integer `1`),
/// `true`, `false`, `null`, or a string's characters (unless it is written with escapes).
/// `None` for floats, objects and arrays, which can be written in many ways.
fn json_needle(value: &serde_json::Value) -> Option<(String, bool)> {
    use serde_json::Value;
    match value {
        Value::Null => Some(("null".into(), false)),
        Value::Bool(b) => Some((b.to_string(), false)),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some((n.to_string(), false)),
        Value::String(s) if !s.is_empty() && as_is_in_json(s) => Some((s.clone(), true)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
