//! Bounded resources and failure handling of a real `postie listen` child: idle and slow
//! connections are closed after their timeouts, the connection limit answers 503 (after
//! closing idle connections to make room), a blocked stdout never holds events back from the
//! store, one slow forward target delays no other, impossible options are usage errors, and
//! a full disk (a small tmpfs, as root) is said on stderr, answered 503 with `Retry-After`
//! and recovered from by itself once space returns.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::listener::{self, inbox, listen, parse_answer, post, post_request};

fn temp_inbox() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    (dir, inbox)
}

/// How long until the server closes `stream` (reads until EOF or error), at most `max`.
fn closed_after(mut stream: TcpStream, max: Duration) -> Option<Duration> {
    let start = Instant::now();
    stream.set_read_timeout(Some(max)).expect("timeout");
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return None,
            Err(_) => return Some(start.elapsed()),
        }
    }
}

#[test]
fn idle_and_slow_connections_are_closed_after_their_timeouts() {
    let (_dir, inbox_dir) = temp_inbox();
    let child = listen(
        &inbox_dir,
        &["--idle-timeout", "1s", "--header-timeout", "1s"],
        true,
    );
    // Sends nothing at all.
    let silent = TcpStream::connect(&child.addr).expect("connect");
    // Starts a request head and stops.
    let mut slow = TcpStream::connect(&child.addr).expect("connect");
    slow.write_all(b"POST /hooks HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    // Kept alive after a request, then silent.
    let mut kept = TcpStream::connect(&child.addr).expect("connect");
    kept.write_all(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    let started = Instant::now();
    let silent_closed = closed_after(silent, Duration::from_secs(10));
    let slow_closed = closed_after(slow, Duration::from_secs(10));
    let kept_closed = closed_after(kept, Duration::from_secs(10));
    for (what, closed) in [
        ("silent", silent_closed),
        ("slow head", slow_closed),
        ("kept alive", kept_closed),
    ] {
        let Some(_) = closed else {
            panic!("the {what} connection was still open after 10 s")
        };
    }
    // Not before the timeout: the three were opened together, and closing takes ≥ 1 s.
    assert!(started.elapsed() >= Duration::from_secs(1));
    // A normal request still works, and the idle ones were not stored.
    assert_eq!(post(&child.addr, "/ok", b"{}").status, 200);
    let out = inbox(&inbox_dir, &["list", "--json"]);
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, 2, "the GET and the POST");
}

#[test]
fn a_head_sent_a_byte_at_a_time_is_cut_at_the_header_timeout() {
    let (_dir, inbox_dir) = temp_inbox();
    // The idle timeout is far away: only the header timeout can end this connection.
    let child = listen(
        &inbox_dir,
        &["--idle-timeout", "60s", "--header-timeout", "1s"],
        true,
    );
    let mut slow = TcpStream::connect(&child.addr).expect("connect");
    slow.set_write_timeout(Some(Duration::from_secs(1)))
        .expect("timeout");
    let started = Instant::now();
    let head = b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut = None;
    for byte in head.iter().cycle().take(200) {
        if slow.write_all(&[*byte]).is_err() {
            cut = Some(started.elapsed());
            break;
        }
        let mut probe = [0u8; 512];
        slow.set_nonblocking(true).expect("nonblocking");
        let read = slow.read(&mut probe);
        slow.set_nonblocking(false).expect("blocking");
        if read.is_ok() {
            // EOF or an error answer (408): the server ended it.
            cut = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let cut = cut.expect("a head trickling in for 20 s was never cut");
    assert!(
        cut >= Duration::from_millis(900) && cut < Duration::from_secs(5),
        "cut after {cut:?}"
    );
}

#[test]
fn at_the_connection_limit_idle_ones_make_room_and_busy_ones_get_a_503() {
    let (_dir, inbox_dir) = temp_inbox();
    let child = listen(
        &inbox_dir,
        &["--max-connections", "3", "--delay", "3s"],
        true,
    );
    // Three idle connections: a new request closes the longest idle one and is answered.
    let idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(&child.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let answer = post(&child.addr, "/room", b"{}");
    assert_eq!(answer.status, 200, "{}", answer.head);
    assert!(started.elapsed() >= Duration::from_secs(3), "the --delay");
    drop(idle);
    // Three connections busy with a request each (answered after the 3 s delay): the fourth
    // is told to come back.
    let busy: Vec<_> = (0..3)
        .map(|i| {
            let addr = child.addr.clone();
            std::thread::spawn(move || post(&addr, &format!("/busy/{i}"), b"{}"))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(800));
    let refused = post(&child.addr, "/fourth", b"{}");
    assert_eq!(refused.status, 503, "{}", refused.head);
    assert!(refused.head.to_ascii_lowercase().contains("retry-after: 1"));
    for handle in busy {
        assert_eq!(handle.join().expect("thread").status, 200);
    }
}

#[test]
fn a_blocked_stdout_holds_nothing_back_from_the_store() {
    let (_dir, inbox_dir) = temp_inbox();
    // Nobody reads stdout: the pipe fills after a few events.
    let mut child = listen(&inbox_dir, &[], false);
    let body = vec![b'x'; 256 * 1024];
    let started = Instant::now();
    for i in 0..200 {
        let answer = post(&child.addr, &format!("/e/{i}"), &body);
        assert_eq!(answer.status, 200, "event {i}: {}", answer.head);
    }
    // 50 MiB of events went by: the display keeps at most 16 MiB of them.
    let rss = child.rss_kib().expect("VmRSS");
    assert!(rss < 120 * 1024, "RSS {rss} KiB with stdout blocked");
    assert!(started.elapsed() < Duration::from_secs(60));
    let out = inbox(&inbox_dir, &["list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 200);
    // Once stdout is read again, what was dropped is said in one line.
    child.read_stdout();
    post(&child.addr, "/last", b"{}");
    let shown = child.stdout_when(Duration::from_secs(20), |s| s.contains("/last"));
    let re = regex::Regex::new(
        r"(\d+) events not shown \(stdout did not keep up\), see `postie inbox list`",
    )
    .expect("regex");
    let dropped: usize = re
        .captures(&shown)
        .map(|c| c[1].parse().expect("n"))
        .unwrap_or_else(|| panic!("no drop line in {} bytes", shown.len()));
    let printed = shown.matches("POST /e/").count();
    assert_eq!(printed + dropped, 200, "each event printed or counted");
    assert!(dropped > 0);
}

#[test]
fn a_silent_forward_target_delays_no_other_target() {
    let (_dir, inbox_dir) = temp_inbox();
    let silent = support::stalling_server();
    let app = support::http_server(|_| (204, vec![], vec![]));
    let child = listen(
        &inbox_dir,
        &[
            "--forward-to",
            &silent.url(""),
            "--forward-to",
            &app.url("/app"),
            "--forward-timeout",
            "1s",
        ],
        true,
    );
    let started = Instant::now();
    for i in 0..5 {
        assert_eq!(post(&child.addr, &format!("/e/{i}"), b"{}").status, 200);
    }
    // The working app gets all five at once, while the silent one holds the first.
    while app.requests().len() < 5 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(app.requests().len(), 5);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    let paths: Vec<String> = app.requests().iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        (0..5).map(|i| format!("/app/e/{i}")).collect::<Vec<_>>()
    );
    // The silent target's first delivery times out (1 s per attempt, with retries).
    let out = child.stdout_when(Duration::from_secs(30), |s| {
        s.contains("no answer") || s.contains("timed out") || s.contains("timeout")
    });
    assert!(
        out.contains("timed out") || out.contains("no answer") || out.contains("timeout"),
        "{out}"
    );
}

#[test]
fn impossible_options_are_usage_errors() {
    let (_dir, inbox_dir) = temp_inbox();
    let home = inbox_dir.parent().expect("parent");
    for (args, message) in [
        (vec!["--status", "101"], "informational (1xx) status"),
        (vec!["--status", "600"], "200 to 599"),
        (
            vec!["--forward-to", "ftp://127.0.0.1/x"],
            "`ftp:` URLs cannot receive webhooks",
        ),
        (vec!["--forward-to", "/just/a/path"], "is not a URL"),
    ] {
        let out = listener::command(home)
            .args(["listen", "--port", "0", "--inbox"])
            .arg(&inbox_dir)
            .args(&args)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// A small tmpfs, unmounted when dropped (also when the test fails).
struct Tmpfs(std::path::PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_full_disk_is_said_answered_503_and_recovered_from() {
    if !is_root() {
        println!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&mount)
        .status()
        .expect("mount");
    if !mounted.success() {
        println!("skipped: could not mount a tmpfs here");
        return;
    }
    let _guard = Tmpfs(mount.clone());
    let inbox_dir = mount.join("inbox");
    let child = listen(&inbox_dir, &[], true);
    assert_eq!(post(&child.addr, "/first", b"{}").status, 200);
    // The preallocation takes a small part of the 4 MiB (not 8 MiB of zeros).
    let log_len = std::fs::metadata(inbox_dir.join("events.log"))
        .expect("log")
        .len();
    assert!(log_len <= 128 * 1024, "log is {log_len} bytes");
    // Fill the disk with another file, then send until the store fails.
    let filler = mount.join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    while file.write_all(&[7u8; 65536]).is_ok() {}
    drop(file);
    let body = vec![b'y'; 200 * 1024];
    let mut failed = None;
    for i in 0..20 {
        let answer = post(&child.addr, &format!("/full/{i}"), &body);
        if answer.status != 200 {
            failed = Some(answer);
            break;
        }
    }
    let failed = failed.expect("a request failed on the full disk");
    assert_eq!(failed.status, 503, "{}", failed.head);
    assert!(failed.head.to_ascii_lowercase().contains("retry-after: 2"));
    let stderr = child.stderr_when(Duration::from_secs(5), |s| s.contains("answered 503"));
    assert!(stderr.contains("No space left on device"), "{stderr}");
    // While full: answered 503 at once.
    let started = Instant::now();
    assert_eq!(post(&child.addr, "/still", &body).status, 503);
    assert!(started.elapsed() < Duration::from_secs(1));
    // Space returns: the listener recovers by itself.
    std::fs::remove_file(&filler).expect("rm filler");
    let stderr = child.stderr_when(Duration::from_secs(10), |s| s.contains("writable again"));
    assert!(stderr.contains("writable again"), "{stderr}");
    let answer = post(&child.addr, "/after", b"{\"back\":true}");
    assert_eq!(answer.status, 200, "{}", answer.head);
    drop(child);
    let out = inbox(&inbox_dir, &["list", "--json", "--strict"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("\"/first\"") && stdout.contains("\"/after\""));
    let _ = (parse_answer, post_request);
}
