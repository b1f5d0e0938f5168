use super::*;
use crate::inbox::filter::parse_json_test;
use crate::inbox::store::{Delivery, Log, Writer};
use crate::inbox::{Event, Marks, Verification, VerifyResult};
use std::time::{Duration, SystemTime};

const BASE_MS: u64 = 1_700_000_000_000;

fn event(i: u64) -> Event {
    let methods = ["POST", "POST", "PUT", "GET", "DELETE", "MKCOL"];
    let shop = match i % 4 {
        0 => "shop-0".to_owned(),
        1 => "shop-1".to_owned(),
        2 => "sh\"op-2".to_owned(),
        _ => format!("shop-{i}"),
    };
    let body = match i % 9 {
        // A string written with an escape: equal to "invoice.paid" once parsed.
        0 => r#"{"type":"inv\u006fice.paid","order":{"id":42}}"#.to_owned(),
        1 => "not json".to_owned(),
        // A float: not equal to the integer 5.
        2 => r#"{"order":{"id":5.0}}"#.to_owned(),
        3 => format!(r#"{{"type":"invoice.paid","order":{{"id":{i}}}}}"#),
        4 => r#"{"list":[1,true,null,"x"]}"#.to_owned(),
        _ => format!(
            r#"{{"type":"order.paid","order":{{"id":{}}},"ok":false}}"#,
            i % 50
        ),
    };
    let mut marks = Marks::default();
    if i.is_multiple_of(5) {
        marks.verification = Some(Verification {
            scheme: "github".into(),
            result: [VerifyResult::Verified, VerifyResult::Invalid][(i % 2) as usize],
            reason: None,
        });
    }
    Event {
        id: 0,
        received_at: SystemTime::UNIX_EPOCH + Duration::from_millis(BASE_MS + i),
        remote: ([127, 0, 0, 1], 4000).into(),
        method: methods[(i % 6) as usize].into(),
        path: format!("/hooks/{}/{}", ["a", "b", "c"][(i % 3) as usize], i % 7),
        query: None,
        version: "HTTP/1.1".into(),
        authority: None,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-shop".into(), shop),
        ],
        body: bytes::Bytes::from(body.into_bytes()),
        body_truncated: false,
        wire: None,
        marks,
    }
}

fn delivery(event: u64, status: u16) -> Delivery {
    Delivery {
        event,
        at_ms: BASE_MS,
        to: "http://127.0.0.1:9/x".into(),
        attempts: 1,
        status: Some(status),
        error: None,
        via: "forward".into(),
    }
}

/// Append events `from..to` (and a delivery for every 4th, and a replay of event 1) to the
/// inbox at `dir`.
async fn fill(dir: &Path, from: u64, to: u64) {
    let Ok(log) = Log::open(dir) else {
        panic!("open")
    };
    let Ok(writer): Result<Writer, _> = log.spawn(|_| {}) else {
        panic!("spawn")
    };
    for i in from..to {
        let id = writer.append(event(i), None).await;
        let Ok(id) = id else { panic!("append") };
        if i.is_multiple_of(4) {
            assert!(writer.record_delivery(delivery(id, 500)).await.is_ok());
        }
    }
    assert!(writer.record_delivery(delivery(1, 204)).await.is_ok());
    drop(writer);
    // Let the writer thread see the closed channel and drop its lock.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

fn filters() -> Vec<Filter> {
    let at = |ms: u64| SystemTime::UNIX_EPOCH + Duration::from_millis(BASE_MS + ms);
    let json = |t: &str| match parse_json_test(t) {
        Ok(test) => vec![test],
        Err(e) => panic!("{e}"),
    };
    let header = |n: &str, g: &str| vec![(n.to_owned(), g.to_owned())];
    let f = Filter::default;
    vec![
        f(),
        Filter {
            method: Some("PUT".into()),
            ..f()
        },
        Filter {
            method: Some("MKCOL".into()),
            ..f()
        },
        Filter {
            method: Some("PATCH".into()),
            ..f()
        },
        Filter {
            method: Some("post".into()),
            ..f()
        },
        Filter {
            path: Some("/hooks/a/*".into()),
            ..f()
        },
        Filter {
            path: Some("*/3".into()),
            method: Some("GET".into()),
            ..f()
        },
        Filter {
            path: Some("/nope".into()),
            ..f()
        },
        Filter {
            since: Some(at(50)),
            until: Some(at(60)),
            ..f()
        },
        Filter {
            until: Some(at(0)),
            ..f()
        },
        Filter {
            since: Some(at(10_000)),
            ..f()
        },
        Filter {
            verification: vec![VerifyResult::Invalid],
            ..f()
        },
        Filter {
            verification: vec![VerifyResult::Verified, VerifyResult::Unsigned],
            ..f()
        },
        Filter {
            headers: header("x-shop", "shop-1"),
            ..f()
        },
        Filter {
            headers: header("X-SHOP", "*-2"),
            ..f()
        },
        Filter {
            headers: header("x-shop", "sh\"op*"),
            ..f()
        },
        Filter {
            headers: header("x-shop", "shop-1?"),
            ..f()
        },
        Filter {
            headers: header("x-shop", "*"),
            ..f()
        },
        Filter {
            headers: header("x-none", "*"),
            ..f()
        },
        Filter {
            headers: header("x-shop", "shop-1"),
            method: Some("DELETE".into()),
            ..f()
        },
        Filter {
            json: json("$.type=invoice.paid"),
            ..f()
        },
        Filter {
            json: json("$.order.id=42"),
            ..f()
        },
        Filter {
            json: json("$.order.id=5"),
            ..f()
        },
        Filter {
            json: json("$.order.id=5.0"),
            ..f()
        },
        Filter {
            json: json("$.list[*]=true"),
            ..f()
        },
        Filter {
            json: json("$.list[*]=null"),
            ..f()
        },
        Filter {
            json: json("$.ok=false"),
            ..f()
        },
        Filter {
            json: json("$.list[*]=x"),
            ..f()
        },
        Filter {
            json: json("$.order"),
            ..f()
        },
        Filter {
            json: json("$.order={\"id\":42}"),
            ..f()
        },
        Filter {
            json: json("$[?@.id==3]"),
            ..f()
        },
        Filter {
            json: json("$.type=order.paid"),
            headers: header("x-shop", "shop-0"),
            path: Some("/hooks/b/*".into()),
            ..f()
        },
    ]
}

type Seen = Vec<(u64, Stored, Vec<u8>)>;

fn through_index(dir: &Path, filter: &Filter) -> (Seen, Health) {
    let mut seen = Vec::new();
    let health = for_each_match(dir, filter, |record, stored| {
        seen.push((record.id(), stored, record.body().to_vec()));
        ControlFlow::Continue(())
    });
    let Ok(health) = health else { panic!("read") };
    (seen, health)
}

fn plain(dir: &Path, filter: &Filter) -> (Seen, Health) {
    let mut seen = Vec::new();
    let health = slow(
        dir,
        filter,
        &mut |record: EventRecord<'_>, stored| {
            seen.push((record.id(), stored, record.body().to_vec()));
            ControlFlow::Continue(())
        },
        None,
    );
    let Ok(health) = health else { panic!("read") };
    (seen, health)
}

/// The index and the plain scan give the same events (with deliveries) and damage for every
/// filter; some filters match something and some nothing, so the comparison means something.
fn assert_agree(dir: &Path) -> usize {
    assert_agree_on(dir, 1)
}

/// [`assert_agree`] on every `step`th filter (the log is 8 MiB of preallocated space: each
/// plain scan reads it all, slow in a debug build).
fn assert_agree_on(dir: &Path, step: usize) -> usize {
    let mut matched = 0;
    for filter in filters().into_iter().step_by(step) {
        let fast = through_index(dir, &filter);
        let slow = plain(dir, &filter);
        assert_eq!(fast, slow, "{filter:?}");
        matched += usize::from(!fast.0.is_empty());
    }
    matched
}

#[tokio::test]
async fn the_index_agrees_with_the_plain_scan_as_the_log_grows_and_breaks() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let dir = dir.path();
    fill(dir, 0, 400).await;
    let matched = assert_agree(dir);
    assert!(matched > 20, "only {matched} filters matched anything");
    assert!(dir.join(index::INDEX).exists());
    let (all, _) = through_index(dir, &Filter::default());
    assert_eq!(all.len(), 400);
    assert_eq!(
        all[0].1.deliveries.len(),
        2,
        "event 1: its forward and a later replay"
    );

    // More events: the index is extended from where it stopped.
    let before = std::fs::metadata(dir.join(index::INDEX))
        .map(|m| m.len())
        .ok();
    fill(dir, 400, 500).await;
    assert_agree_on(dir, 2);
    let after = std::fs::metadata(dir.join(index::INDEX))
        .map(|m| m.len())
        .ok();
    assert!(after > before, "{before:?} -> {after:?}");

    // A damaged index file is not trusted: rebuilt.
    let Ok(mut bytes) = std::fs::read(dir.join(index::INDEX)) else {
        panic!("read index")
    };
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    assert!(std::fs::write(dir.join(index::INDEX), &bytes).is_ok());
    assert_agree_on(dir, 3);

    // A record damaged after it was indexed: the plain scan's answer, damage reported.
    let log = dir.join("events.log");
    let Ok(mut bytes) = std::fs::read(&log) else {
        panic!("read log")
    };
    // The 250th event's meta (the log is followed by preallocated zeros).
    let metas: Vec<usize> = memchr::memmem::find_iter(&bytes, b"\"method\"").collect();
    let at = metas[249];
    let original = bytes.clone();
    bytes[at + 3] ^= 0x01;
    assert!(std::fs::write(&log, &bytes).is_ok());
    let (seen, health) = through_index(dir, &Filter::default());
    assert_eq!(health.damage.len(), 1, "{health:?}");
    assert_eq!(seen.len(), 499);
    assert_agree(dir);

    // The intact log copied back over it (same file): the damage indexed is gone too.
    assert!(std::fs::write(&log, &original).is_ok());
    let (seen, health) = through_index(dir, &Filter::default());
    assert!(health.is_intact(), "{health:?}");
    assert_eq!(seen.len(), 500);
}

#[tokio::test]
async fn a_log_replaced_or_cleared_is_indexed_again() {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("tempdir")
    };
    let dir = dir.path();
    fill(dir, 0, 50).await;
    assert_agree(dir);
    assert!(store::clear(dir).is_ok());
    let (seen, _) = through_index(dir, &Filter::default());
    assert!(seen.is_empty());
    fill(dir, 0, 30).await;
    assert_agree(dir);
    let (seen, _) = through_index(dir, &Filter::default());
    assert_eq!(
        seen.first().map(|s| s.0),
        Some(51),
        "ids go on after the cleared ones"
    );
    // `inbox repair` writes a new file in its place.
    let Ok(copy) = std::fs::read(dir.join("events.log")) else {
        panic!("read")
    };
    assert!(std::fs::remove_file(dir.join("events.log")).is_ok());
    let mut shorter = copy.clone();
    shorter.truncate(copy.len() / 2);
    assert!(std::fs::write(dir.join("events.log"), &shorter).is_ok());
    assert_agree(dir);
}

#[test]
fn needles_are_what_every_matching_text_contains() {
    assert_eq!(glob_literal("shop-*-x?longer"), Some("longer"));
    assert_eq!(glob_literal("sh\"op*ab"), Some("ab"));
    assert_eq!(glob_literal("*"), None);
    assert_eq!(
        json_needle(&serde_json::json!(42)),
        Some(("42".into(), false))
    );
    assert_eq!(
        json_needle(&serde_json::json!(-7)),
        Some(("-7".into(), false))
    );
    assert_eq!(json_needle(&serde_json::json!(4.5)), None);
    assert_eq!(json_needle(&serde_json::json!("a\"b")), None);
    assert_eq!(
        json_needle(&serde_json::json!("paid")),
        Some(("paid".into(), true))
    );
    assert_eq!(json_needle(&serde_json::json!({"a": 1})), None);
}
