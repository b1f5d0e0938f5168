//! `inbox verify` (check every record of the log) and `inbox repair` (rewrite it without its
//! damaged parts, keeping the original as a backup); also the format 1 → 2 rewrite.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{
    Health, KIND_DELIVERY, KIND_EVENT, LOG, MAGIC_V2, Record, Scanner, StoreError, encode,
    encode_floor, lock,
};

/// What a whole scan of the log found (`inbox verify`), or what a repair kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repaired {
    /// Intact events.
    pub events: u64,
    /// Intact delivery records.
    pub deliveries: u64,
    /// The damage found (removed, for a repair).
    pub health: Health,
    /// The id the next event gets.
    pub next_id: u64,
    /// Where the original log was kept (a repair that rewrote it).
    pub backup: Option<PathBuf>,
}

/// Check every record of the inbox at `dir` (a missing inbox is intact and empty).
pub fn verify(dir: &Path) -> Result<Repaired, StoreError> {
    let mut scanner = Scanner::open(dir)?;
    let mut found = Repaired::default();
    while let Some(record) = scanner.next()? {
        match record {
            Record::Event(_) => found.events += 1,
            Record::Delivery(_) => found.deliveries += 1,
            Record::Floor(_) => {}
        }
    }
    found.health = scanner.health().clone();
    found.next_id = scanner.next_id();
    Ok(found)
}

/// Rewrite the inbox at `dir` with its intact records only (ids kept, and an id floor so no
/// id is given again), the original renamed to `events.log.damaged-<unix seconds>`. An
/// intact format 2 log is left as it is. Fails while a listener holds the inbox.
pub fn repair(dir: &Path) -> Result<Repaired, StoreError> {
    let path = dir.join(LOG);
    let open_err = |source| StoreError::Open {
        path: path.clone(),
        source,
    };
    let file = match OpenOptions::new().read(true).write(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return verify(dir),
        Err(source) => return Err(StoreError::Open { path, source }),
    };
    lock(&file, &path)?;
    let checked = verify(dir)?;
    if checked.health.is_intact() && checked.health.version != 1 {
        return Ok(checked);
    }
    let len = file.metadata().map_err(open_err)?.len();
    let backup = free_name(dir, &format!("{LOG}.damaged-{}", super::now_ms() / 1000));
    let (_, mut kept) = rewrite(dir, &file, len, &backup)?;
    kept.health = checked.health;
    kept.backup = Some(backup);
    Ok(kept)
}

/// `dir/name`, or `dir/name.2`, `.3`… if it exists.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut candidate = dir.join(name);
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{name}.{n}"));
        n += 1;
    }
    candidate
}

/// Write the intact records of `source` (the locked log of `dir`, `len` bytes) to a new format 2
/// log with an id floor, synced; then rename the original to `backup` and the new one into
/// place. Returns the new log, open and locked, and what it holds. On failure (a full disk)
/// the original is untouched.
pub(super) fn rewrite(
    dir: &Path,
    source: &File,
    len: u64,
    backup: &Path,
) -> Result<(File, Repaired), StoreError> {
    let path = dir.join(LOG);
    let tmp = dir.join(format!("{LOG}.new"));
    let tmp_err = |source| StoreError::Open {
        path: tmp.clone(),
        source,
    };
    let out = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&tmp)
        .map_err(tmp_err)?;
    lock(&out, &tmp)?;
    let written = copy_intact(source, len, &path, &out).and_then(|kept| {
        out.sync_all().map_err(tmp_err)?;
        Ok(kept)
    });
    let kept = match written {
        Ok(kept) => kept,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let renamed = std::fs::rename(&path, backup)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .and_then(|()| File::open(dir)?.sync_all());
    renamed.map_err(|source| StoreError::Open {
        path: path.clone(),
        source,
    })?;
    Ok((out, kept))
}

fn copy_intact(source: &File, len: u64, path: &Path, out: &File) -> Result<Repaired, StoreError> {
    let write_err = |e: io::Error| StoreError::Write(format!("could not write the new log: {e}"));
    let mut from = source;
    from.seek(SeekFrom::Start(0))
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
    let mut scanner = Scanner::new(from, len, path.to_owned())?;
    let mut writer = BufWriter::with_capacity(1 << 20, out);
    writer.write_all(MAGIC_V2).map_err(write_err)?;
    let mut kept = Repaired::default();
    let mut buf = Vec::new();
    while let Some(record) = scanner.next()? {
        buf.clear();
        match record {
            Record::Event(event) => {
                kept.events += 1;
                encode(KIND_EVENT, event.meta, event.body, &mut buf);
            }
            Record::Delivery(d) => {
                kept.deliveries += 1;
                let meta = serde_json::to_vec(&d).unwrap_or_default();
                encode(KIND_DELIVERY, &meta, &[], &mut buf);
            }
            Record::Floor(_) => continue,
        }
        writer.write_all(&buf).map_err(write_err)?;
    }
    kept.next_id = scanner.next_id();
    buf.clear();
    encode_floor(kept.next_id, &mut buf);
    writer.write_all(&buf).map_err(write_err)?;
    writer.flush().map_err(write_err)?;
    Ok(kept)
}
