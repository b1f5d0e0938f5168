use super::writer::{PREALLOCATE, encode_event};
use super::*;
use std::sync::{Arc, Mutex};

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
        wire: None,
        marks: Default::default(),
    }
}

#[tokio::test]
async fn events_survive_reopen_and_a_torn_tail_is_kept() {
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
    torn.extend_from_slice(&event_record(3, "/c", b"cut")[..30]);
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
    assert_eq!(reopened.next_id, 4);
    assert_eq!(std::fs::read(&path).unwrap_or_default(), torn);
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
    let expected: Vec<(u64, String)> = ids.iter().map(|(id, n)| (*id, format!("/{n}"))).collect();
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
    let Ok(mut scanner) = Scanner::new(
        std::io::Cursor::new(bytes),
        bytes.len() as u64,
        PathBuf::from("t"),
    ) else {
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
    let mut bytes = MAGIC_V2.to_vec();
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
    F(u64),
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
            Record::Floor(n) => Seen::F(n),
        });
    }
    (seen, scanner.end())
}

#[test]
fn a_torn_tail_is_skipped_and_kept() {
    let one = event_record(1, "/a", b"{\"a\":1}");
    // Strings with escapes are checked as well as plain ones.
    let two = event_record(2, "/b\"q\\\u{e9}\n", b"");
    let d = delivery_record(&delivery(1, 204));
    // The start of a record cut off by a crash: its header, then nothing.
    let three = event_record(3, "/c", b"cut off");
    let torn = &three[..40];
    let (dir, bytes) = inbox_with(&[&one, &two, &d, torn]);
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
    let health = verify(dir.path()).map(|v| v.health).unwrap_or_default();
    assert_eq!(
        health.damage,
        vec![Damage {
            start: end,
            end: bytes.len() as u64,
            after: Some(2),
            before: None
        }]
    );

    // The writer keeps the torn bytes (for a repair) and appends after them, with an id
    // above the one it can read in them.
    let Ok(log) = Log::open(dir.path()) else {
        panic!("open")
    };
    assert_eq!((log.next_id, log.end), (4, bytes.len() as u64));
    drop(log);
    let on_disk = std::fs::read(dir.path().join(LOG)).unwrap_or_default();
    assert_eq!(on_disk, bytes);
}

#[test]
fn a_corrupt_record_is_skipped_and_named_and_the_scan_goes_on() {
    let one = event_record(1, "/a", b"first");
    let mut two = event_record(2, "/b", b"second");
    let three = event_record(3, "/c", b"third");
    let last = two.len() - 1;
    two[last] ^= 0x01; // "secone": the CRC no longer matches
    let (dir, bytes) = inbox_with(&[&one, &two, &three]);
    let (seen, end) = scan_dir(dir.path());
    assert_eq!(
        seen,
        vec![Seen::E(1, b"first".to_vec()), Seen::E(3, b"third".to_vec())]
    );
    assert_eq!(end as usize, bytes.len());
    let damage = Damage {
        start: 8 + one.len() as u64,
        end: (8 + one.len() + two.len()) as u64,
        after: Some(1),
        before: Some(3),
    };
    let found = verify(dir.path()).unwrap_or_default();
    assert_eq!(
        (found.events, found.health.damage),
        (2, vec![damage.clone()])
    );
    assert_eq!(damage.lost_ids(), "2");
    assert_eq!(read_all(dir.path()).map(|v| v.len()).ok(), Some(2));
    let Ok(log) = Log::open(dir.path()) else {
        panic!("open")
    };
    assert_eq!((log.next_id, log.end), (4, end));
    drop(log);

    // A damaged header: the scan finds the next record by its marker.
    let mut two = event_record(2, "/b", b"second");
    two[5] ^= 0x40;
    let (dir, _) = inbox_with(&[&one, &two, &three]);
    assert_eq!(scan_dir(dir.path()).0.len(), 2);

    // A record with a valid CRC but a kind no version writes is skipped too.
    let mut odd = Vec::new();
    encode(9, b"{}", b"", &mut odd);
    let (dir, _) = inbox_with(&[&one, &odd, &three]);
    assert_eq!(
        scan_dir(dir.path()).0,
        vec![Seen::E(1, b"first".to_vec()), Seen::E(3, b"third".to_vec())]
    );
    let found = verify(dir.path()).unwrap_or_default();
    assert_eq!(found.health.damage[0].lost_ids(), "2");
}

#[test]
fn repair_keeps_every_intact_record_and_a_backup_and_ids_are_never_given_again() {
    let one = event_record(1, "/a", b"first");
    let mut two = event_record(2, "/b", b"second");
    two[30] ^= 0x08;
    let d = delivery_record(&delivery(1, 204));
    let four = event_record(4, "/d", b"fourth");
    let five = event_record(5, "/e", b"fifth");
    let (dir, bytes) = inbox_with(&[&one, &two, &d, &four, &five[..40]]);
    let repaired = repair(dir.path()).unwrap_or_default();
    assert_eq!((repaired.events, repaired.deliveries), (2, 1));
    assert_eq!(repaired.health.damage.len(), 2);
    let Some(backup) = repaired.backup else {
        panic!("no backup")
    };
    assert_eq!(std::fs::read(&backup).unwrap_or_default(), bytes);
    let again = verify(dir.path()).unwrap_or_default();
    assert!(again.health.is_intact());
    assert_eq!((again.events, again.next_id), (2, 6));
    assert_eq!(
        scan_dir(dir.path()).0,
        vec![
            Seen::E(1, b"first".to_vec()),
            Seen::D(1, Some(204)),
            Seen::E(4, b"fourth".to_vec()),
            Seen::F(6),
        ]
    );
    let Ok(log) = Log::open(dir.path()) else {
        panic!("open")
    };
    assert_eq!(log.next_id, 6);
    drop(log);
    // An intact inbox is left alone.
    let repaired = repair(dir.path()).unwrap_or_default();
    assert_eq!(repaired.backup, None);
    // Clearing keeps the floor: ids go on from where they were.
    assert_eq!(clear(dir.path()).ok(), Some(2));
    let Ok(log) = Log::open(dir.path()) else {
        panic!("open")
    };
    assert_eq!(log.next_id, 6);
}

/// A format 1 record: `[u32 length][u32 crc][payload]`.
fn v1_record(v2: &[u8]) -> Vec<u8> {
    let payload = &v2[16..];
    let mut out = (payload.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

#[test]
fn a_format_1_log_is_read_and_rewritten_in_format_2_when_a_listener_opens_it() {
    let one = v1_record(&event_record(1, "/a", b"first"));
    let d = v1_record(&delivery_record(&delivery(1, 204)));
    let two = v1_record(&event_record(2, "/b", b"second"));
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let mut bytes = MAGIC_V1.to_vec();
    for r in [&one, &d, &two] {
        bytes.extend_from_slice(r);
    }
    bytes.extend_from_slice(&[0; 100]);
    assert!(std::fs::write(dir.path().join(LOG), &bytes).is_ok());
    let expected = vec![
        Seen::E(1, b"first".to_vec()),
        Seen::D(1, Some(204)),
        Seen::E(2, b"second".to_vec()),
    ];
    assert_eq!(scan_dir(dir.path()).0, expected);
    assert!(verify(dir.path()).is_ok_and(|v| v.health.is_intact()));
    let log = Log::open(dir.path());
    let Ok(log) = log else {
        panic!("open: {log:?}")
    };
    assert_eq!(log.next_id, 3);
    drop(log);
    assert_eq!(
        std::fs::read(dir.path().join(V1_BACKUP)).unwrap_or_default(),
        bytes
    );
    let (mut seen, _) = scan_dir(dir.path());
    assert_eq!(seen.pop(), Some(Seen::F(3)));
    assert_eq!(seen, expected);
    assert!(verify(dir.path()).is_ok_and(|v| v.health.version == 2));
}

#[test]
fn an_event_meta_that_does_not_parse_is_skipped() {
    let one = event_record(1, "/a", b"first");
    let three = event_record(3, "/c", b"");
    let mut not_json = Vec::new();
    encode(KIND_EVENT, b"{\"id\":2,", b"", &mut not_json);
    let (dir, _) = inbox_with(&[&one, &not_json, &three]);
    let expected = vec![Seen::E(1, b"first".to_vec()), Seen::E(3, Vec::new())];
    assert_eq!(scan_dir(dir.path()).0, expected);

    // Valid JSON with an id but not an event.
    let mut only_id = Vec::new();
    encode(KIND_EVENT, b"{\"id\":2}", b"", &mut only_id);
    let (dir, _) = inbox_with(&[&one, &only_id, &three]);
    assert_eq!(scan_dir(dir.path()).0, expected);
    // A field of the wrong type as well.
    let good = String::from_utf8(event_record(2, "/b", b"")[21..].to_vec()).unwrap_or_default();
    let bad = good.replace("\"body_truncated\":false", "\"body_truncated\":0");
    assert_ne!(good, bad);
    assert!(serde_json::from_slice::<EventCheck>(good.as_bytes()).is_ok());
    let mut wrong_type = Vec::new();
    encode(KIND_EVENT, bad.as_bytes(), b"", &mut wrong_type);
    let (dir2, _) = inbox_with(&[&one, &wrong_type, &three]);
    assert_eq!(scan_dir(dir2.path()).0, expected);
    assert_eq!(read_all(dir.path()).map(|v| v.len()).ok(), Some(2));
    let lookup = Scanner::open(dir.path()).and_then(|s| find(s, 2));
    assert_eq!(
        lookup.ok(),
        Some(Lookup {
            stored: None,
            last_id: Some(3)
        })
    );
    // `clear` counts what readers see.
    assert_eq!(clear(dir.path()).ok(), Some(2));
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
    assert_eq!(quick_id(&record[21..]), Some(123));
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

#[test]
fn wire_heads_round_trip_and_records_without_one_still_read() {
    let mut with_wire = event("/a", b"{}");
    with_wire.wire = Some(Wire {
        target: b"/a/./b\\c?q='\xc3\xa9'#f".to_vec(),
        headers: vec![
            (b"X-A".to_vec(), b"1".to_vec()),
            (b"x-b".to_vec(), b"Jos\xe9 \xff".to_vec()),
            (b"X-A".to_vec(), b"".to_vec()),
        ],
    });
    let mut new = Vec::new();
    encode_event(&with_wire, 1, None, &mut new);
    // A record as written before `wire` existed: the same meta without the key.
    let old = event_record(2, "/old", b"x");
    assert!(!String::from_utf8_lossy(&old).contains("\"wire\""));
    let (dir, _) = inbox_with(&[&new, &old]);
    let events = read_all(dir.path()).unwrap_or_default();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event.wire, with_wire.wire);
    assert_eq!(events[1].event.wire, None);
    assert_eq!(events[1].event.path, "/old");
}
