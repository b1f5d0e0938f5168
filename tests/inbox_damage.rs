//! Damage containment, end to end: a real `postie listen` child writes an inbox; the test then
//! flips bytes, truncates and zeroes ranges at many offsets of its log and checks that
//! `postie inbox list` still shows every intact event and names what is lost, that `--strict`
//! and `inbox verify` fail, that a new `postie listen` neither truncates nor reuses an id, and
//! that `inbox repair` keeps every intact event and a backup.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::listener::{self, inbox, listen, post};

/// What every format 2 record starts with (see `src/inbox/store/mod.rs`): the test uses it only
/// to know where each event's record lies, to say which events must survive a damage.
const MARK: &[u8] = b"\xA7PR\x1E";

struct Fixture {
    _dir: tempfile::TempDir,
    inbox: PathBuf,
    /// The log as the listener left it.
    log: Vec<u8>,
    /// `inbox list --json` of the intact log.
    events: Vec<Value>,
    /// Each record's `(start, end)` in the log, in order; events are the records with an id.
    records: Vec<(usize, usize)>,
    /// Where the records end (zeros follow: the preallocated space).
    data_end: usize,
}

/// A real listener receives `n` events of varied sizes and is killed with SIGKILL.
fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox_dir = dir.path().join("inbox");
    let mut child = listen(&inbox_dir, &[], true);
    for i in 0..n {
        let body = format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat((i * 37) % 700));
        let answer = post(&child.addr, &format!("/hooks/{i}"), body.as_bytes());
        assert_eq!(answer.status, 200, "{}", answer.head);
    }
    child.kill();
    let log = std::fs::read(inbox_dir.join("events.log")).expect("read log");
    let events = list_json(&inbox_dir);
    assert_eq!(events.len(), n);
    let starts: Vec<usize> = log
        .windows(MARK.len())
        .enumerate()
        .filter(|(_, w)| *w == MARK)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(starts.len(), n, "one marker per record, none in the bodies");
    let data_end = log.iter().rposition(|&b| b != 0).expect("data") + 1;
    // The listener preallocates megabytes of zeros after the records; keep a few kilobytes of
    // them (still the same case for readers), so that the hundreds of runs below stay quick.
    assert!(log.len() >= data_end + 4096);
    let log = log[..data_end + 4096].to_vec();
    std::fs::write(inbox_dir.join("events.log"), &log).expect("write log");
    let mut records: Vec<(usize, usize)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    records.push((starts[n - 1], data_end));
    Fixture {
        _dir: dir,
        inbox: inbox_dir,
        log,
        events,
        records,
        data_end,
    }
}

fn list_json(inbox_dir: &Path) -> Vec<Value> {
    let out = inbox(inbox_dir, &["list", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an NDJSON line"))
        .collect()
}

fn write_log(f: &Fixture, bytes: &[u8]) {
    std::fs::write(f.inbox.join("events.log"), bytes).expect("write log");
}

/// The ids of the events whose records do not overlap `[a, b)`.
fn ids_outside(f: &Fixture, a: usize, b: usize) -> Vec<u64> {
    f.records
        .iter()
        .zip(&f.events)
        .filter(|((s, e), _)| *e <= a || *s >= b)
        .map(|(_, ev)| ev["id"].as_u64().expect("id"))
        .collect()
}

fn ids_outside_events(f: &Fixture, cut: usize) -> Vec<Value> {
    let ids = ids_outside(f, cut, usize::MAX);
    f.events[..ids.len()].to_vec()
}

/// After damage to `[a, b)`: every event outside it is listed exactly as before, and only
/// those; stderr names a damaged range that covers the damage; `--strict` and `verify` exit 1.
fn check_contained(f: &Fixture, a: usize, b: usize, len: usize, what: &str) {
    let out = inbox(&f.inbox, &["list", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    let shown: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("an NDJSON line"))
        .collect();
    let expected = ids_outside(f, a, b);
    let shown_ids: Vec<u64> = shown
        .iter()
        .map(|e| e["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(shown_ids, expected, "{what}: {stderr}");
    for event in &shown {
        let id = event["id"].as_u64().expect("id") as usize;
        assert_eq!(event, &f.events[id - 1], "{what}: event {id} changed");
    }
    let lost = f.events.len() - expected.len();
    if lost == 0 {
        return; // damage inside a record's unused bytes cannot happen; nothing to name
    }
    let ranges = damaged_ranges(&stderr);
    assert!(
        ranges
            .iter()
            .any(|&(s, e)| s <= a.min(len - 1) as u64 && e >= b.min(f.data_end).min(len) as u64),
        "{what}: no damaged range covers {a}..{b} in {stderr}"
    );
    let first_lost = (1..=f.events.len() as u64)
        .find(|id| !expected.contains(id))
        .expect("a lost id");
    assert!(
        stderr.contains(&format!("event ids {first_lost}")) || stderr.contains("any after"),
        "{what}: lost id {first_lost} not named in {stderr}"
    );
    let strict = inbox(&f.inbox, &["list", "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{what}: --strict");
    let verify = inbox(&f.inbox, &["verify"]);
    assert_eq!(verify.status.code(), Some(1), "{what}: verify");
}

/// `bytes A..B` of every damage warning on stderr.
fn damaged_ranges(stderr: &str) -> Vec<(u64, u64)> {
    let re = regex::Regex::new(r"bytes (\d+)\.\.(\d+) ").expect("regex");
    re.captures_iter(stderr)
        .map(|c| (c[1].parse().expect("n"), c[2].parse().expect("n")))
        .collect()
}

#[test]
fn a_flipped_byte_anywhere_loses_only_its_own_event() {
    let f = fixture(40);
    let mut rng = fastrand::Rng::with_seed(14);
    // Offsets spread over the data, and the first and last byte of every fifth record.
    let mut offsets: Vec<usize> = (0..60).map(|_| rng.usize(8..f.data_end)).collect();
    for (s, e) in f.records.iter().step_by(5) {
        offsets.extend([*s, e - 1]);
    }
    for at in offsets {
        let mut bytes = f.log.clone();
        bytes[at] ^= 1 << rng.u8(0..8);
        write_log(&f, &bytes);
        check_contained(&f, at, at + 1, bytes.len(), &format!("bit flipped at {at}"));
    }
}

#[test]
fn zeroed_ranges_lose_only_the_events_they_touch() {
    let f = fixture(40);
    let mut rng = fastrand::Rng::with_seed(1414);
    for _ in 0..40 {
        let a = rng.usize(8..f.data_end - 1);
        let len = rng.usize(1..3000).min(f.data_end - a - 1);
        let mut bytes = f.log.clone();
        bytes[a..a + len].fill(0);
        write_log(&f, &bytes);
        check_contained(
            &f,
            a,
            a + len,
            bytes.len(),
            &format!("zeroed {a}..{}", a + len),
        );
    }
}

#[test]
fn a_truncated_log_keeps_every_whole_record_before_the_cut() {
    let f = fixture(30);
    let mut rng = fastrand::Rng::with_seed(7);
    let mut cuts: Vec<usize> = (0..30).map(|_| rng.usize(9..f.data_end)).collect();
    // A cut exactly between two records leaves a shorter, intact log: nothing to name.
    let (boundary, _) = f.records[12];
    cuts.push(boundary);
    for cut in cuts {
        write_log(&f, &f.log[..cut]);
        if f.records.iter().any(|(s, _)| *s == cut) {
            let out = inbox(&f.inbox, &["list", "--strict"]);
            assert_eq!(out.status.code(), Some(0));
            assert_eq!(String::from_utf8_lossy(&out.stderr), "");
            assert_eq!(list_json(&f.inbox), ids_outside_events(&f, cut));
            continue;
        }
        check_contained(&f, cut, usize::MAX, cut, &format!("cut at {cut}"));
    }
}

#[test]
fn listen_after_damage_truncates_nothing_reuses_no_id_and_repair_keeps_a_backup() {
    let f = fixture(25);
    // Damage in the middle (record 10), and a torn last record (the last 10 of its bytes gone).
    let mut bytes = f.log.clone();
    let (s10, e10) = f.records[9];
    bytes[(s10 + e10) / 2] ^= 0x20;
    let (_, last_end) = f.records[24];
    bytes[last_end - 10..last_end].fill(0);
    write_log(&f, &bytes);
    let before = list_json(&f.inbox);
    assert_eq!(before.len(), 23);

    let mut child = listen(&f.inbox, &[], true);
    let answer = post(&child.addr, "/after", b"{\"new\":true}");
    assert_eq!(answer.status, 200);
    child.kill();
    let after_log = std::fs::read(f.inbox.join("events.log")).expect("log");
    // Nothing but zeros was overwritten.
    for (i, &b) in bytes.iter().enumerate() {
        assert!(b == 0 || after_log[i] == b, "byte {i} was overwritten");
    }
    let after = list_json(&f.inbox);
    assert_eq!(&after[..23], &before[..]);
    assert_eq!(after.len(), 24);
    // Event 25 was acknowledged before its record was damaged: its id is not given again.
    assert_eq!(after[23]["id"], 26);
    assert_eq!(after[23]["path"], "/after");

    let repair = inbox(&f.inbox, &["repair"]);
    let stderr = String::from_utf8_lossy(&repair.stderr);
    assert_eq!(repair.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("kept 24 events"), "{stderr}");
    let backup = std::fs::read_dir(&f.inbox)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("events.log.damaged-"))
        .expect("a backup");
    assert_eq!(std::fs::read(&backup).expect("backup"), after_log);
    assert_eq!(inbox(&f.inbox, &["verify"]).status.code(), Some(0));
    assert_eq!(list_json(&f.inbox), after);
    // And after the repair, ids still go on from 27.
    let mut child = listen(&f.inbox, &[], true);
    post(&child.addr, "/later", b"{}");
    child.kill();
    let last = list_json(&f.inbox);
    assert_eq!(last.last().map(|e| e["id"].clone()), Some(Value::from(27)));
    let _ = listener::BIN;
}
