//! A real `postie listen --port 0` child process for the inbox robustness tests, and raw
//! HTTP/1.1 requests to it over loopback sockets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_postie");

/// A running `postie listen`; killed (SIGKILL) when dropped. Its stdout and stderr after the
/// first line are collected as they come.
pub struct Listener {
    pub child: Child,
    pub addr: String,
    pub url: String,
    pub stdout: Arc<Mutex<Vec<u8>>>,
    pub stderr: Arc<Mutex<String>>,
    /// Stdout when nobody reads it yet (`read_stdout` false).
    pub held: Option<ChildStdout>,
}

pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1")
        .env_remove("POSTIE_TEST_TTY")
        .env_remove("CI");
    cmd
}

/// Start `postie listen --port 0 --inbox INBOX ARGS…`; stdout is read by a thread unless
/// `read_stdout` is false (then nobody reads it: a blocked terminal).
pub fn listen(inbox: &Path, args: &[&str], read_stdout: bool) -> Listener {
    let home = inbox.parent().expect("inbox has a parent");
    let mut child = command(home)
        .args(["listen", "--port", "0", "--inbox"])
        .arg(inbox)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn postie listen");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("first stderr line");
    let url = first
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    let addr = url.trim_start_matches("http://").to_owned();
    let err_text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&err_text);
    std::thread::spawn(move || {
        let mut line = String::new();
        while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
            sink.lock().expect("lock").push_str(&line);
            line.clear();
        }
    });
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let out = child.stdout.take().expect("stdout");
    let mut listener = Listener {
        child,
        addr,
        url,
        stdout,
        stderr: err_text,
        held: Some(out),
    };
    if read_stdout {
        listener.read_stdout();
    }
    listener
}

impl Listener {
    /// Start reading stdout (held open and unread until then: the pipe fills up).
    pub fn read_stdout(&mut self) {
        let Some(mut out) = self.held.take() else {
            return;
        };
        let sink = Arc::clone(&self.stdout);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        });
    }

    /// Stdout as text once `done` holds for it (or after `within`).
    pub fn stdout_when(&self, within: Duration, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = String::from_utf8_lossy(&self.stdout.lock().expect("lock")).into_owned();
            if done(&text) || start.elapsed() > within {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The child's resident memory (`VmRSS`), in KiB (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stderr once `done` holds for it (or after `within`, for the assertion to show).
    pub fn stderr_when(&self, within: Duration, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.stderr.lock().expect("lock").clone();
            if done(&text) || start.elapsed() > within {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A response as read off the socket.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

/// Send `request` on a new connection and read the answer until the server closes it.
pub fn send_raw(addr: &str, request: &[u8], timeout: Duration) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream.write_all(request).expect("write");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse_answer(&response)
}

pub fn parse_answer(response: &[u8]) -> Answer {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer { status, head, body }
}

/// `POST target` with this body and `Connection: close`.
pub fn post_request(target: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "POST {target} HTTP/1.1\r\nHost: hooks.test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

pub fn post(addr: &str, target: &str, body: &[u8]) -> Answer {
    send_raw(addr, &post_request(target, body), Duration::from_secs(20))
}

/// `postie inbox ARGS… --inbox INBOX`.
pub fn inbox(inbox: &Path, args: &[&str]) -> Output {
    command(inbox.parent().expect("parent"))
        .arg("inbox")
        .args(args)
        .arg("--inbox")
        .arg(inbox)
        .output()
        .expect("run postie inbox")
}
