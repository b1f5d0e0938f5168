//! The bytes of HTTP/1 request heads as they came, beside hyper's parse.
//!
//! hyper hands the handler a `Uri` (fragment cut off) and a `HeaderMap` (names lower-cased,
//! repeated names grouped together), so the exact target, the header order and the header
//! name case are not in its `Request`. [`Tee`] watches the bytes hyper reads from the
//! connection and cuts them with the same parser hyper uses (`httparse`): each request head
//! becomes a [`Wire`], queued for the handler in arrival order (hyper serves one request of a
//! connection at a time), and the body that follows it (`content-length` or chunked) is
//! skipped, without keeping it. An HTTP/2 connection, or bytes the scanner cannot follow, stop
//! the capture for that connection: its events get `wire: None` and are relayed from hyper's
//! parse as before.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::Wire;

/// A head longer than this is not captured (hyper's own read buffer is about 400 KB).
const MAX_HEAD: usize = 1024 * 1024;
/// hyper's default header count limit.
const MAX_HEADERS: usize = 100;

/// The capture state of one connection, shared by its [`Tee`] and its handler.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Bytes not yet cut: a partial head, or a partial chunk-size line.
    buf: Vec<u8>,
    state: State,
    heads: VecDeque<Wire>,
    /// How far `buf` has been searched for the blank line that ends a head (so a head that
    /// trickles in is parsed once, when it is complete, not on every read).
    searched: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Head,
    /// This many body bytes to skip.
    Body(u64),
    ChunkSize,
    /// Chunk data plus its CRLF to skip.
    ChunkData(u64),
    Trailers,
    /// HTTP/2, or something the scanner does not follow: nothing more is captured.
    Off,
}

impl Scan {
    /// The next request head, in arrival order.
    pub(super) fn next_head(&mut self) -> Option<Wire> {
        self.heads.pop_front()
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match self.state {
                State::Off => return,
                State::Body(n) => {
                    let skip = usize::try_from(n).unwrap_or(usize::MAX).min(bytes.len());
                    bytes = &bytes[skip..];
                    let left = n - skip as u64;
                    self.state = if left == 0 {
                        State::Head
                    } else {
                        State::Body(left)
                    };
                }
                State::ChunkData(n) => {
                    let skip = usize::try_from(n).unwrap_or(usize::MAX).min(bytes.len());
                    bytes = &bytes[skip..];
                    let left = n - skip as u64;
                    self.state = if left == 0 {
                        State::ChunkSize
                    } else {
                        State::ChunkData(left)
                    };
                }
                State::Head | State::ChunkSize | State::Trailers => {
                    // Line-based states: buffer, then cut what is complete.
                    self.buf.extend_from_slice(bytes);
                    bytes = &[];
                    let rest = self.cut();
                    if !rest.is_empty() {
                        self.feed(&rest);
                    }
                }
            }
        }
    }

    /// Cut complete heads or lines from `buf`; returns the bytes past them when the state
    /// moved to skipping a body.
    fn cut(&mut self) -> Vec<u8> {
        loop {
            match self.state {
                State::Head => {
                    if self.buf.starts_with(b"PRI * HTTP/2.0") {
                        return self.off();
                    }
                    // Leading empty lines are skipped by the parser, not a head's end.
                    let lead = self
                        .buf
                        .iter()
                        .position(|&b| b != b'\r' && b != b'\n')
                        .unwrap_or(self.buf.len());
                    let from = self.searched.saturating_sub(2).max(lead);
                    let ends = |w: &[u8]| w.starts_with(b"\n\n") || w == b"\n\r\n";
                    let complete = self
                        .buf
                        .get(from..)
                        .is_some_and(|rest| rest.windows(3).any(ends) || rest.ends_with(b"\n\n"));
                    if !complete {
                        self.searched = self.buf.len();
                        if self.buf.len() > MAX_HEAD {
                            return self.off();
                        }
                        return Vec::new();
                    }
                    self.searched = 0;
                    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
                    let mut req = httparse::Request::new(&mut headers);
                    let len = match req.parse(&self.buf) {
                        Ok(httparse::Status::Complete(len)) => len,
                        Ok(httparse::Status::Partial) if self.buf.len() <= MAX_HEAD => {
                            return Vec::new();
                        }
                        _ => return self.off(),
                    };
                    let Some((wire, framing)) = head(&self.buf[..len], &req) else {
                        return self.off();
                    };
                    self.heads.push_back(wire);
                    self.state = framing;
                    let rest = self.buf.split_off(len);
                    self.buf.clear();
                    if self.state != State::Head {
                        return rest;
                    }
                    self.buf = rest;
                    if self.buf.is_empty() {
                        return Vec::new();
                    }
                }
                State::ChunkSize | State::Trailers => {
                    let Some(end) = self.buf.iter().position(|&b| b == b'\n') else {
                        if self.buf.len() > 4096 {
                            return self.off();
                        }
                        return Vec::new();
                    };
                    let line: Vec<u8> = self.buf.drain(..=end).collect();
                    let line = line.strip_suffix(b"\n").unwrap_or(&line);
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if self.state == State::Trailers {
                        if line.is_empty() {
                            self.state = State::Head;
                        }
                        continue;
                    }
                    let digits = line.split(|&b| b == b';').next().unwrap_or_default();
                    let size = std::str::from_utf8(digits)
                        .ok()
                        .and_then(|d| u64::from_str_radix(d.trim(), 16).ok());
                    match size {
                        None => return self.off(),
                        Some(0) => self.state = State::Trailers,
                        Some(n) => {
                            self.state = State::ChunkData(n.saturating_add(2));
                            return std::mem::take(&mut self.buf);
                        }
                    }
                }
                _ => return Vec::new(),
            }
        }
    }

    fn off(&mut self) -> Vec<u8> {
        self.state = State::Off;
        self.buf = Vec::new();
        Vec::new()
    }
}

/// The head's target and header lines, and how its body is framed (RFC 9112 §6.3: chunked
/// wins over a length).
fn head(bytes: &[u8], req: &httparse::Request<'_, '_>) -> Option<(Wire, State)> {
    // The request line's target, taken from the bytes (httparse skips leading empty lines).
    let start = bytes.iter().position(|&b| b != b'\r' && b != b'\n')?;
    let line_end = bytes[start..].iter().position(|&b| b == b'\n')? + start;
    let line = &bytes[start..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let method_end = line.iter().position(|&b| b == b' ')?;
    let after = &line[method_end + 1..];
    let target_end = after.iter().rposition(|&b| b == b' ')?;
    let target = after[..target_end].to_vec();
    let mut chunked = false;
    let mut length: Option<u64> = None;
    let mut headers = Vec::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            let last = h.value.rsplit(|&b| b == b',').next().unwrap_or_default();
            chunked = String::from_utf8_lossy(last)
                .trim()
                .eq_ignore_ascii_case("chunked");
        } else if h.name.eq_ignore_ascii_case("content-length") {
            length = std::str::from_utf8(h.value).ok()?.trim().parse().ok();
        }
        headers.push((h.name.as_bytes().to_vec(), h.value.to_vec()));
    }
    let framing = match (chunked, length) {
        (true, _) => State::ChunkSize,
        (false, Some(n)) if n > 0 => State::Body(n),
        _ => State::Head,
    };
    Some((Wire { target, headers }, framing))
}

/// A connection whose read bytes also go through a [`Scan`].
pub(super) struct Tee<T> {
    inner: T,
    scan: Arc<Mutex<Scan>>,
}

impl<T> Tee<T> {
    pub(super) fn new(inner: T) -> (Tee<T>, Arc<Mutex<Scan>>) {
        let scan = Arc::new(Mutex::new(Scan::default()));
        (
            Tee {
                inner,
                scan: Arc::clone(&scan),
            },
            scan,
        )
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tee<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            let new = &buf.filled()[before..];
            if !new.is_empty() {
                let mut scan = this.scan.lock().unwrap_or_else(|e| e.into_inner());
                scan.feed(new);
            }
        }
        poll
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tee<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(chunks: &[&[u8]]) -> Vec<Wire> {
        let mut scan = Scan::default();
        for c in chunks {
            scan.feed(c);
        }
        std::iter::from_fn(|| scan.next_head()).collect()
    }

    #[test]
    fn heads_are_cut_across_bodies_and_chunked_bodies_in_any_pieces() {
        let wire = b"\r\nPOST /a/./b HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-b: \xe9\r\nX-A: 2\r\nContent-Length: 5\r\n\r\nhelloPUT /c?d='e' HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\nGET \\x HTTP/1.1\r\n\r\n";
        let whole = scan(&[wire]);
        let bytewise: Vec<&[u8]> = wire.chunks(1).collect();
        assert_eq!(scan(&bytewise), whole);
        let targets: Vec<&[u8]> = whole.iter().map(|w| &w.target[..]).collect();
        assert_eq!(targets, [&b"/a/./b"[..], b"/c?d='e'", b"\\x"]);
        assert_eq!(
            whole[0].headers,
            [
                (b"Host".to_vec(), b"x".to_vec()),
                (b"X-A".to_vec(), b"1".to_vec()),
                (b"x-b".to_vec(), b"\xe9".to_vec()),
                (b"X-A".to_vec(), b"2".to_vec()),
                (b"Content-Length".to_vec(), b"5".to_vec()),
            ]
        );
    }

    #[test]
    fn http2_and_garbage_stop_the_capture() {
        assert!(scan(&[b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]).is_empty());
        assert!(scan(&[b"GET / HTTP/1.1\r\nbad header\r\n\r\n"]).is_empty());
    }
}
