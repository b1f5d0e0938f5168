//! Streaming pretty-printing of JSON bodies, with optional colour.
//!
//! The body is transcoded token by token (`serde_json::Deserializer` over the reader, then
//! `serde_transcode`, then a `serde_json::Serializer` with [`Painter`], our formatter), so a
//! body of any size is printed in bounded memory.
//!
//! What happens to a body that is not JSON:
//! - Bodies up to [`SMALL_LIMIT`] are read whole first and pretty-printed into memory; if that
//!   fails they are written exactly as received ([`PrettyOutcome::NotJson`]).
//! - Larger bodies are streamed. If the parser gives up before anything was printed, the body
//!   is written as received ([`PrettyOutcome::NotJson`]). If it gives up midway, what was
//!   already printed stays pretty and everything from the end of the last complete token on is
//!   written as received, so no byte of the body is lost and no note is mixed into it
//!   ([`PrettyOutcome::BrokenJson`] says where, for a message on stderr).
//!
//! Fidelity: key order, unicode and escapes survive with serde_json's meaning, not its
//! spelling: `"\u00e9"` prints as `"é"`, `"\/"` as `"/"`, control characters as `\n`, `\t` or
//! `\u001f`. Numbers go through `u64`/`i64`/`f64` because serde_json's `arbitrary_precision`
//! is not enabled: `1.0` stays `1.0` and integers within 64 bits are exact, but `1E5` becomes
//! `100000.0`, `-0` becomes `-0.0`, `12345678901234567890123` becomes `1.2345678901234568e22`
//! and `1e400` is out of range (so the body counts as not JSON).

use std::cell::Cell;
use std::io::{self, BufWriter, Read, Write};

use serde_json::ser::{CompactFormatter, Formatter};

/// Bodies up to this size are validated in memory before anything is written.
pub const SMALL_LIMIT: usize = 1 << 20;
/// Read buffer for streamed bodies (the first chunk's buffer is reused when larger).
const READ_BUF: usize = 256 << 10;
/// Write buffer.
const WRITE_BUF: usize = 256 << 10;

/// What [`pretty_print`] did with the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrettyOutcome {
    /// The body was one JSON document and was pretty-printed, ending with a newline.
    Pretty,
    /// The body was not JSON and was written exactly as received (nothing for an empty body).
    NotJson,
    /// The body stopped being JSON after part of it had been pretty-printed. The rest, from
    /// byte `raw_from` on, was written exactly as received.
    BrokenJson {
        /// Offset of the byte where the parser gave up (the last byte if the body ended early).
        error_at: u64,
        /// Offset from which the body was written as received.
        raw_from: u64,
        /// The parser's message, such as "expected `,` or `]` at line 3 column 5".
        message: String,
    },
}

/// Pretty-print JSON read from `reader` into `writer`, coloured if `color`, by transcoding
/// tokens, never holding more than the first [`SMALL_LIMIT`] bytes (plus the longest single
/// string) in memory. Input that is not JSON loses no bytes: see the module documentation.
///
/// Errors are I/O errors of the reader or the writer, with their original kind (a closed pipe
/// is `BrokenPipe`).
pub fn pretty_print<R: Read, W: Write>(
    mut reader: R,
    writer: W,
    color: bool,
) -> Result<PrettyOutcome, io::Error> {
    let mut head = Vec::new();
    (&mut reader)
        .take(SMALL_LIMIT as u64 + 1)
        .read_to_end(&mut head)?;
    let mut out = Out {
        inner: BufWriter::with_capacity(WRITE_BUF, writer),
        error: None,
    };
    let outcome = if head.len() <= SMALL_LIMIT {
        pretty_small(&head, &mut out, color)?
    } else {
        pretty_stream(head, reader, &mut out, color)?
    };
    out.inner.flush()?;
    Ok(outcome)
}

/// A whole body in memory: pretty-print into a buffer, or write the body raw if it fails.
fn pretty_small<W: Write>(body: &[u8], out: &mut Out<W>, color: bool) -> io::Result<PrettyOutcome> {
    let mark = Cell::new(Mark::None);
    let mut pretty = Vec::with_capacity(body.len() * 2 + 1);
    let result = {
        let mut de = serde_json::Deserializer::from_slice(body);
        let mut ser =
            serde_json::Serializer::with_formatter(&mut pretty, Painter::new(color, &mark));
        serde_transcode::transcode(&mut de, &mut ser).and_then(|()| de.end())
    };
    if result.is_ok() {
        pretty.push(b'\n');
        out.write_all(&pretty)?;
        Ok(PrettyOutcome::Pretty)
    } else {
        out.write_all(body)?;
        Ok(PrettyOutcome::NotJson)
    }
}

/// A large body: stream it; on a syntax error, write the rest as received.
fn pretty_stream<R: Read, W: Write>(
    head: Vec<u8>,
    reader: R,
    out: &mut Out<W>,
    color: bool,
) -> io::Result<PrettyOutcome> {
    let mark = Cell::new(Mark::None);
    let mut tap = Tap::new(reader, head, &mark);
    let result = {
        let mut de = serde_json::Deserializer::from_reader(&mut tap);
        let mut ser = serde_json::Serializer::with_formatter(&mut *out, Painter::new(color, &mark));
        serde_transcode::transcode(&mut de, &mut ser).and_then(|()| de.end())
    };
    // serde_transcode turns every error into a message, so I/O errors are kept aside by the
    // reader and the writer and take precedence over the parser's report.
    if let Some(e) = tap.error.take() {
        return Err(e);
    }
    out.take_error()?;
    match result {
        Ok(()) => {
            out.write_all(b"\n")?;
            Ok(PrettyOutcome::Pretty)
        }
        Err(e) => {
            tap.apply_mark();
            let error_at = tap
                .offset_of(e.line(), e.column())
                .unwrap_or_else(|| tap.position().saturating_sub(1));
            let raw_from = tap.checkpoint;
            tap.write_rest(out)?;
            if raw_from == 0 {
                Ok(PrettyOutcome::NotJson)
            } else {
                Ok(PrettyOutcome::BrokenJson {
                    error_at,
                    raw_from,
                    message: e.to_string(),
                })
            }
        }
    }
}

/// The buffered writer, keeping the first I/O error aside (serde_transcode would flatten it
/// into a message).
struct Out<W: Write> {
    inner: BufWriter<W>,
    error: Option<io::Error>,
}

impl<W: Write> Out<W> {
    fn take_error(&mut self) -> io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn keep(&mut self, e: io::Error) -> io::Error {
        let placeholder = io::Error::new(e.kind(), "write failed");
        self.error.get_or_insert(e);
        placeholder
    }
}

impl<W: Write> Write for Out<W> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.keep(e))
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.keep(e))
    }
}

/// A checkpoint requested by the formatter after it wrote a complete token: the input up to
/// there is represented in the output. The reader resolves it on its next read, when it knows
/// whether serde_json has peeked one byte past the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// No new checkpoint.
    None,
    /// Everything read so far is represented.
    Here,
    /// Everything read so far except the last byte, which serde_json peeked (after a number,
    /// and before the value or key that follows a separator).
    BeforePeek,
}

/// The buffered reader under serde_json: counts bytes and keeps those read since the last
/// checkpoint, so that the rest of a broken body can be written as received.
struct Tap<'a, R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    /// Offset in the body of `buf[0]`.
    base: u64,
    eof: bool,
    mark: &'a Cell<Mark>,
    /// Offset up to which the output represents the input.
    checkpoint: u64,
    /// Bytes from `spill_start` up to `base`, kept when a token spans buffer refills.
    spill: Vec<u8>,
    spill_start: u64,
    /// Newlines in the body before `base`, and the offset of the last of them.
    newlines_before: u64,
    last_newline: Option<u64>,
    /// The reader's I/O error, kept aside from serde's flattened error.
    error: Option<io::Error>,
}

impl<'a, R: Read> Tap<'a, R> {
    fn new(inner: R, head: Vec<u8>, mark: &'a Cell<Mark>) -> Self {
        let filled = head.len();
        Tap {
            inner,
            buf: head,
            pos: 0,
            filled,
            base: 0,
            eof: false,
            mark,
            checkpoint: 0,
            spill: Vec::new(),
            spill_start: 0,
            newlines_before: 0,
            last_newline: None,
            error: None,
        }
    }

    fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The offset of the byte serde_json reported an error at (1-based `line`, 1-based byte
    /// `column`). serde_json may read a little further after an error (closing the arrays and
    /// objects around it), which is why the reader's own position is not used when the line is
    /// known.
    fn offset_of(&self, line: usize, column: usize) -> Option<u64> {
        let before = u64::try_from(line.checked_sub(1)?).ok()?;
        let line_start = if before == 0 {
            0
        } else if before == self.newlines_before {
            self.last_newline? + 1
        } else if before > self.newlines_before {
            let nth = usize::try_from(before - self.newlines_before).ok()?;
            let (i, _) = self.buf[..self.filled]
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .nth(nth - 1)?;
            self.base + i as u64 + 1
        } else {
            return None;
        };
        Some((line_start + column as u64).saturating_sub(1))
    }

    fn apply_mark(&mut self) {
        let position = self.position();
        let checkpoint = match self.mark.replace(Mark::None) {
            Mark::None => return,
            Mark::Here => position,
            // At the end of the body the peek found nothing, so there is no peeked byte.
            Mark::BeforePeek if self.eof => position,
            Mark::BeforePeek => position.saturating_sub(1),
        };
        self.checkpoint = self.checkpoint.max(checkpoint);
    }

    /// Before the buffer is overwritten, keep the bytes after the checkpoint.
    fn retain_since_checkpoint(&mut self) {
        let filled = &self.buf[..self.filled];
        if self.checkpoint >= self.base {
            self.spill.clear();
            self.spill_start = self.checkpoint;
            let from = usize::try_from(self.checkpoint - self.base).unwrap_or(filled.len());
            self.spill
                .extend_from_slice(filled.get(from..).unwrap_or_default());
        } else {
            let drop = usize::try_from(self.checkpoint - self.spill_start).unwrap_or(0);
            self.spill.drain(..drop.min(self.spill.len()));
            self.spill_start = self.checkpoint;
            self.spill.extend_from_slice(filled);
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.retain_since_checkpoint();
        let done = &self.buf[..self.filled];
        self.newlines_before += done.iter().filter(|&&b| b == b'\n').count() as u64;
        if let Some(i) = done.iter().rposition(|&b| b == b'\n') {
            self.last_newline = Some(self.base + i as u64);
        }
        self.base += self.filled as u64;
        self.pos = 0;
        self.filled = 0;
        if self.eof {
            return Ok(());
        }
        if self.buf.len() < READ_BUF {
            self.buf.resize(READ_BUF, 0);
        }
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let placeholder = io::Error::new(e.kind(), "read failed");
                    self.error = Some(e);
                    return Err(placeholder);
                }
            }
        }
    }

    /// Write the body from the checkpoint to its end, as received.
    fn write_rest<W: Write>(&mut self, out: &mut Out<W>) -> io::Result<()> {
        if self.checkpoint < self.base {
            let from = usize::try_from(self.checkpoint - self.spill_start).unwrap_or(0);
            out.write_all(self.spill.get(from..).unwrap_or_default())?;
            out.write_all(&self.buf[..self.filled])?;
        } else {
            let from = usize::try_from(self.checkpoint - self.base).unwrap_or(self.filled);
            out.write_all(self.buf.get(from..self.filled).unwrap_or_default())?;
        }
        out.take_error()?;
        loop {
            self.spill.clear();
            self.checkpoint = self.base + self.filled as u64;
            if let Err(e) = self.refill() {
                return Err(self.error.take().unwrap_or(e));
            }
            if self.filled == 0 {
                return Ok(());
            }
            out.write_all(&self.buf[..self.filled])?;
            out.take_error()?;
        }
    }
}

impl<R: Read> Read for Tap<'_, R> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.mark.get() != Mark::None {
            self.apply_mark();
        }
        if self.pos >= self.filled {
            self.refill()?;
            if self.filled == 0 {
                return Ok(0);
            }
        }
        // serde_json reads one byte at a time: keep that path free of a `memcpy` call.
        if let [byte] = out {
            *byte = self.buf[self.pos];
            self.pos += 1;
            return Ok(1);
        }
        let available = &self.buf[self.pos..self.filled];
        let n = out.len().min(available.len());
        out[..n].copy_from_slice(&available[..n]);
        self.pos += n;
        Ok(n)
    }
}

const INDENT: &[u8] = b"  ";
const SPACES: &[u8; 64] = b"                                                                ";

const RESET: &[u8] = b"\x1b[0m";
/// Brackets and braces: bold.
const PUNCT: &[u8] = b"\x1b[1m";
/// Object keys: bold blue (as jq).
const KEY: &[u8] = b"\x1b[1;34m";
/// String values: green (as jq).
const STRING: &[u8] = b"\x1b[32m";
/// `null`: bold grey (as jq).
const NULL: &[u8] = b"\x1b[1;90m";

/// A `serde_json` formatter that indents by two spaces and, if asked, colours like jq: bold
/// brackets, bold blue keys, green strings, grey `null`, plain numbers and booleans. Each
/// token gets one escape sequence and one reset (`colored_json` paints quotes and every string
/// fragment separately through a temporary `String`, which is several times slower). It also
/// tells the reader when a token is complete (see [`Mark`]).
struct Painter<'a> {
    depth: usize,
    has_value: bool,
    in_key: bool,
    color: bool,
    mark: &'a Cell<Mark>,
}

impl<'a> Painter<'a> {
    fn new(color: bool, mark: &'a Cell<Mark>) -> Self {
        Painter {
            depth: 0,
            has_value: false,
            in_key: false,
            color,
            mark,
        }
    }

    #[inline]
    fn painted<W: ?Sized + Write>(&self, w: &mut W, style: &[u8], text: &[u8]) -> io::Result<()> {
        if self.color {
            w.write_all(style)?;
            w.write_all(text)?;
            w.write_all(RESET)
        } else {
            w.write_all(text)
        }
    }

    #[inline]
    fn newline_indent<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w, self.depth)
    }

    #[inline]
    fn indent<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        let mut width = depth * INDENT.len();
        while width > 0 {
            let n = width.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            width -= n;
        }
        Ok(())
    }

    #[inline]
    fn end_container<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w, self.depth)?;
        }
        self.has_value = true;
        self.mark.set(Mark::Here);
        self.painted(w, PUNCT, close)
    }
}

impl Formatter for Painter<'_> {
    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.mark.set(Mark::Here);
        self.painted(w, NULL, b"null")
    }

    fn write_bool<W: ?Sized + Write>(&mut self, w: &mut W, value: bool) -> io::Result<()> {
        self.mark.set(Mark::Here);
        w.write_all(if value { b"true" } else { b"false" })
    }

    fn write_i64<W: ?Sized + Write>(&mut self, w: &mut W, value: i64) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        CompactFormatter.write_i64(w, value)
    }

    fn write_u64<W: ?Sized + Write>(&mut self, w: &mut W, value: u64) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        CompactFormatter.write_u64(w, value)
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        CompactFormatter.write_f64(w, value)
    }

    fn write_number_str<W: ?Sized + Write>(&mut self, w: &mut W, value: &str) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        w.write_all(value.as_bytes())
    }

    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.color {
            w.write_all(if self.in_key { KEY } else { STRING })?;
        }
        w.write_all(b"\"")
    }

    fn end_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.mark.set(Mark::Here);
        w.write_all(b"\"")?;
        if self.color {
            w.write_all(RESET)?;
        }
        Ok(())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        self.mark.set(Mark::Here);
        self.painted(w, PUNCT, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end_container(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        self.newline_indent(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        self.mark.set(Mark::Here);
        self.painted(w, PUNCT, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end_container(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.mark.set(Mark::BeforePeek);
        self.in_key = true;
        self.newline_indent(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.mark.set(Mark::Here);
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(input: &[u8], color: bool) -> (String, PrettyOutcome) {
        let mut out = Vec::new();
        let outcome = match pretty_print(input, &mut out, color) {
            Ok(outcome) => outcome,
            Err(e) => panic!("pretty_print failed: {e}"),
        };
        (String::from_utf8_lossy(&out).into_owned(), outcome)
    }

    /// A reader that hands out at most `chunk` bytes per read.
    struct Chunked<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn pretty_chunked(input: &[u8], chunk: usize) -> (Vec<u8>, PrettyOutcome) {
        let mut out = Vec::new();
        let reader = Chunked { data: input, chunk };
        match pretty_print(reader, &mut out, false) {
            Ok(outcome) => (out, outcome),
            Err(e) => panic!("pretty_print failed: {e}"),
        }
    }

    const DOC: &[u8] =
        br#"{"name":"postie","tags":["a",1,true,null],"empty":{},"none":[],"n":{"x":-2.5}}"#;

    #[test]
    fn small_document_plain() {
        let (out, outcome) = pretty(DOC, false);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_eq!(
            out,
            "{\n  \"name\": \"postie\",\n  \"tags\": [\n    \"a\",\n    1,\n    true,\n    null\n  ],\n  \
             \"empty\": {},\n  \"none\": [],\n  \"n\": {\n    \"x\": -2.5\n  }\n}\n"
        );
    }

    #[test]
    fn small_document_coloured() {
        let (out, outcome) = pretty(DOC, true);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        let b = |s: &str| format!("\x1b[1m{s}\x1b[0m");
        let k = |s: &str| format!("\x1b[1;34m\"{s}\"\x1b[0m");
        let s = |s: &str| format!("\x1b[32m\"{s}\"\x1b[0m");
        let null = "\x1b[1;90mnull\x1b[0m";
        let want = format!(
            "{ob}\n  {name}: {postie},\n  {tags}: {oa}\n    {a},\n    1,\n    true,\n    {null}\n  {ca},\n  \
             {empty}: {ob}{cb},\n  {none}: {oa}{ca},\n  {n}: {ob}\n    {x}: -2.5\n  {cb}\n{cb}\n",
            ob = b("{"),
            cb = b("}"),
            oa = b("["),
            ca = b("]"),
            name = k("name"),
            postie = s("postie"),
            tags = k("tags"),
            a = s("a"),
            empty = k("empty"),
            none = k("none"),
            n = k("n"),
            x = k("x"),
        );
        assert_eq!(out, want);
    }

    #[test]
    fn key_order_is_kept() {
        let (out, _) = pretty(br#"{"z":1,"a":2,"m":{"b":3,"a":4}}"#, false);
        assert_eq!(
            out,
            "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": {\n    \"b\": 3,\n    \"a\": 4\n  }\n}\n"
        );
    }

    #[test]
    fn unicode_and_escapes() {
        let input = r#"["café 😀 日本", "\u00e9\ud83d\ude00", "q\"b\\s\/n\nt\tc\u001f"]"#;
        let (out, outcome) = pretty(input.as_bytes(), false);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_eq!(
            out,
            "[\n  \"café 😀 日本\",\n  \"é😀\",\n  \"q\\\"b\\\\s/n\\nt\\tc\\u001f\"\n]\n"
        );
    }

    #[test]
    fn numbers_as_serde_json_reads_them() {
        let input = b"[0, 1.0, 0.1, -0, 1E5, 1.5e-7, 18446744073709551615, -9223372036854775808, \
                      12345678901234567890123]";
        let (out, outcome) = pretty(input, false);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_eq!(
            out,
            "[\n  0,\n  1.0,\n  0.1,\n  -0.0,\n  100000.0,\n  1.5e-7,\n  18446744073709551615,\n  \
             -9223372036854775808,\n  1.2345678901234568e+22\n]\n"
        );
        // Out of f64 range: serde_json rejects it, so the body is shown as received.
        let (out, outcome) = pretty(b"[1e400]", false);
        assert_eq!(outcome, PrettyOutcome::NotJson);
        assert_eq!(out, "[1e400]");
    }

    #[test]
    fn scalar_documents() {
        assert_eq!(
            pretty(b"  42 ", false),
            ("42\n".into(), PrettyOutcome::Pretty)
        );
        assert_eq!(pretty(b"\"hi\"", true).0, "\x1b[32m\"hi\"\x1b[0m\n");
        assert_eq!(pretty(b"null", false).0, "null\n");
    }

    #[test]
    fn invalid_small_bodies_are_written_as_received() {
        for input in [
            &b"<html>nope</html>"[..],
            b"{\"a\": 1,}",
            b"{\"a\": 1} trailing",
            b"{\"a\":1}\n{\"a\":2}\n",
            b"[1, 2",
            b"\xff\xfe{}",
            b"   \n",
        ] {
            let mut out = Vec::new();
            let outcome = pretty_print(input, &mut out, true).ok();
            assert_eq!(outcome, Some(PrettyOutcome::NotJson));
            assert_eq!(out, input);
        }
    }

    #[test]
    fn empty_body_writes_nothing() {
        assert_eq!(pretty(b"", true), (String::new(), PrettyOutcome::NotJson));
    }

    #[test]
    fn one_byte_reads_give_the_same_output() {
        let (whole, _) = pretty(DOC, true);
        let mut out = Vec::new();
        let outcome = pretty_print(
            Chunked {
                data: DOC,
                chunk: 1,
            },
            &mut out,
            true,
        )
        .ok();
        assert_eq!(outcome, Some(PrettyOutcome::Pretty));
        assert_eq!(String::from_utf8_lossy(&out), whole);
    }

    /// `count` copies of `{"id":N,"s":"ü\n"}` in an array, and the expected pretty output.
    fn big_array(count: usize) -> (Vec<u8>, String) {
        let mut input = b"[".to_vec();
        let mut want = String::from("[");
        for i in 0..count {
            if i > 0 {
                input.extend_from_slice(b", ");
                want.push(',');
            }
            input.extend_from_slice(format!("{{\"id\":{i},\"s\":\"\\u00fc\\n\"}}").as_bytes());
            want.push_str(&format!(
                "\n  {{\n    \"id\": {i},\n    \"s\": \"ü\\n\"\n  }}"
            ));
        }
        input.push(b']');
        want.push_str("\n]\n");
        (input, want)
    }

    #[test]
    fn large_document_is_streamed() {
        let (input, want) = big_array(60_000);
        assert!(input.len() > SMALL_LIMIT);
        let (out, outcome) = pretty_chunked(&input, 4093);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_eq!(String::from_utf8_lossy(&out), want);
    }

    #[test]
    fn large_document_one_byte_at_a_time() {
        let (input, want) = big_array(40_000);
        assert!(input.len() > SMALL_LIMIT);
        let (out, outcome) = pretty_chunked(&input, 1);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_eq!(String::from_utf8_lossy(&out), want);
    }

    /// Splits the output of a broken stream into the pretty part and the raw tail, checking
    /// that the tail is the input from `raw_from` on.
    fn check_broken(input: &[u8], chunk: usize, raw_from: usize, error_at: u64) -> String {
        let (out, outcome) = pretty_chunked(input, chunk);
        match outcome {
            PrettyOutcome::BrokenJson {
                error_at: at,
                raw_from: from,
                message,
            } => {
                assert_eq!((at, from), (error_at, raw_from as u64), "{message}");
            }
            other => panic!("expected BrokenJson, got {other:?}"),
        }
        let tail = &input[raw_from..];
        assert!(out.ends_with(tail), "output does not end with the raw tail");
        String::from_utf8_lossy(&out[..out.len() - tail.len()]).into_owned()
    }

    #[test]
    fn broken_after_a_value_keeps_the_rest_raw() {
        let (mut input, want) = big_array(60_000);
        input.pop();
        input.extend_from_slice(b", oops]");
        let at = input.len() - 5;
        for chunk in [1 << 16, 7] {
            let prefix = check_broken(&input, chunk, at, at as u64);
            // The pretty part is the document up to and including the separator.
            let whole = want.strip_suffix("\n]\n").unwrap_or_default();
            assert_eq!(prefix, format!("{whole},\n  "));
        }
    }

    #[test]
    fn broken_right_after_a_number_loses_no_byte() {
        let mut input = b"[".to_vec();
        for _ in 0..400_000 {
            input.extend_from_slice(b"12,");
        }
        input.extend_from_slice(b"3x, 4]");
        let at = input.len() - 5;
        let prefix = check_broken(&input, 1 << 16, at, at as u64);
        assert!(
            prefix.ends_with(",\n  12,\n  3"),
            "{:?}",
            &prefix[prefix.len() - 20..]
        );
    }

    #[test]
    fn broken_inside_a_long_string_across_reads() {
        let (mut input, want) = big_array(55_000);
        input.pop();
        input.extend_from_slice(b", \"");
        let string_at = input.len() - 1;
        input.extend(std::iter::repeat_n(b'a', 3_000_000));
        input.extend_from_slice(b"\\q\", 1]");
        let bad_at = input.len() - 6;
        for chunk in [1 << 16, 1001] {
            let prefix = check_broken(&input, chunk, string_at, bad_at as u64);
            let whole = want.strip_suffix("\n]\n").unwrap_or_default();
            assert_eq!(prefix, format!("{whole},\n  "));
        }
    }

    #[test]
    fn broken_on_a_later_line_reports_the_exact_byte() {
        let mut input = b"[\n".to_vec();
        for _ in 0..200_000 {
            input.extend_from_slice(b"  \"abc\",\n");
        }
        let raw_from = input.len() + 2;
        input.extend_from_slice(b"  tru\n\n]\n");
        // serde_json stops at the newline after `tru`, then reads on to close the array.
        let error_at = raw_from as u64 + 3;
        for chunk in [1 << 16, 13] {
            let prefix = check_broken(&input, chunk, raw_from, error_at);
            assert!(
                prefix.ends_with("  \"abc\",\n  "),
                "{:?}",
                &prefix[prefix.len() - 20..]
            );
        }
    }

    #[test]
    fn large_body_cut_short() {
        let (mut input, _) = big_array(60_000);
        input.truncate(input.len() - 3);
        let (out, outcome) = pretty_chunked(&input, 1 << 16);
        match outcome {
            PrettyOutcome::BrokenJson { error_at, .. } => {
                assert_eq!(error_at, input.len() as u64 - 1)
            }
            other => panic!("expected BrokenJson, got {other:?}"),
        }
        assert!(out.ends_with(b"\"\\u00fc\\n"));
    }

    #[test]
    fn large_document_with_trailing_text() {
        let (mut input, want) = big_array(60_000);
        input.extend_from_slice(b"\n{\"next\": 1}\n");
        let at = input.len() - 13;
        let prefix = check_broken(&input, 1 << 16, at, at as u64 + 1);
        assert_eq!(prefix, want.trim_end());
    }

    #[test]
    fn large_non_json_body_is_written_as_received() {
        let input: Vec<u8> = b"line of text\n".repeat(100_000);
        let (out, outcome) = pretty_chunked(&input, 1 << 16);
        assert_eq!(outcome, PrettyOutcome::NotJson);
        assert_eq!(out, input);
    }

    struct FailingReader<'a> {
        data: &'a [u8],
    }

    impl Read for FailingReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "reset by peer",
                ));
            }
            let n = buf.len().min(self.data.len()).min(1 << 16);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reader_errors_keep_their_kind() {
        let (input, _) = big_array(60_000);
        for data in [&input[..100], &input[..input.len() - 10]] {
            let result = pretty_print(FailingReader { data }, io::sink(), false);
            let kind = result.err().map(|e| e.kind());
            assert_eq!(kind, Some(io::ErrorKind::ConnectionReset));
        }
    }

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writer_errors_keep_their_kind() {
        let (input, _) = big_array(60_000);
        for data in [DOC, &input[..], b"not json"] {
            let result = pretty_print(data, ClosedPipe, true);
            let kind = result.err().map(|e| e.kind());
            assert_eq!(kind, Some(io::ErrorKind::BrokenPipe));
        }
    }
}
