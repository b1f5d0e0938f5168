//! Streaming pretty-printing of JSON bodies, with optional colour.
//!
//! A small hand-written tokenizer reads the body through a buffer and writes each token as
//! soon as it is complete, re-indented by two spaces. Strings, numbers and literals are copied
//! byte for byte, so number text (`1.0`, `1e400`, `12345678901234567890123`), escapes
//! (`\u00e9`, `\/`) and key order come out exactly as received, and memory stays bounded
//! (about 1.3 MiB of buffers when streaming) whatever the body's size.
//!
//! Why not `serde_json` + `serde_transcode`: serde_json reads a `Read` one byte at a time
//! through `io::Bytes` and copies every string into a scratch buffer: pretty-printing a 127 MB
//! array took 1.8 s of CPU that way, 0.65 s with this module (release build). It also turns
//! numbers into `f64` (`1E5` prints as `100000.0`, big integers lose digits, `1e400` fails)
//! and decodes escapes, and `arbitrary_precision` cannot fix the numbers because
//! serde_transcode would then print them as `{"$serde_json::private::Number": …}` objects.
//!
//! What happens to a body that is not JSON:
//! - Bodies up to [`SMALL_LIMIT`] are read whole first and pretty-printed into memory; if they
//!   are not valid JSON they are written exactly as received ([`PrettyOutcome::NotJson`]).
//! - Larger bodies are streamed. If nothing but whitespace came before the error, the body is
//!   written as received ([`PrettyOutcome::NotJson`]). If it breaks midway, what was printed
//!   stays pretty and the rest is written as received from the first byte not yet shown, so no
//!   byte is lost and no note is mixed into the body ([`PrettyOutcome::BrokenJson`] says
//!   where, for a message on stderr). When colouring, a reset code precedes the raw part.
//!   Only a run of whitespace longer than 64 KiB between two tokens may come out shorter.
//!
//! Validation follows RFC 8259: one value, UTF-8, no control characters in strings, the
//! escapes and number grammar of the RFC (lone `\uD800` surrogate escapes are accepted, as
//! the grammar does). Containers nested deeper than [`MAX_DEPTH`] count as not JSON.

use std::io::{self, BufWriter, Read, Write};

/// Bodies up to this size are validated in memory before anything is written.
pub const SMALL_LIMIT: usize = 1 << 20;
/// Deepest nesting printed (indentation grows with depth; serde_json stops at 128).
pub const MAX_DEPTH: usize = 512;
/// Read buffer size (the first chunk's buffer is reused when larger).
const READ_BUF: usize = 256 << 10;
/// Write buffer size.
const WRITE_BUF: usize = 256 << 10;
/// A run of whitespace longer than this, between tokens, is not kept for a raw tail.
const MAX_GAP: usize = 64 << 10;

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
        /// Offset of the byte where the body stopped being JSON (its length if it ended early).
        error_at: u64,
        /// Offset from which the body was written as received.
        raw_from: u64,
        /// What was wrong, such as "expected `,` or `]`".
        message: &'static str,
    },
}

/// Pretty-print JSON read from `reader` into `writer`, coloured if `color`, streaming: at most
/// the first [`SMALL_LIMIT`] bytes and one read buffer are held in memory. Input that is not
/// JSON loses no bytes: see the module documentation.
///
/// Errors are the I/O errors of the reader or the writer, unchanged (a closed pipe is
/// `BrokenPipe`).
pub fn pretty_print<R: Read, W: Write>(
    mut reader: R,
    writer: W,
    color: bool,
) -> Result<PrettyOutcome, io::Error> {
    let mut head = Vec::new();
    (&mut reader)
        .take(SMALL_LIMIT as u64 + 1)
        .read_to_end(&mut head)?;
    let mut out = BufWriter::with_capacity(WRITE_BUF, writer);
    let outcome = if head.len() <= SMALL_LIMIT {
        pretty_small(&head, &mut out, color)?
    } else {
        pretty_stream(head, reader, &mut out, color)?
    };
    out.flush()?;
    Ok(outcome)
}

/// A whole body in memory: pretty-print it into a buffer, or write it raw if it is not JSON.
fn pretty_small<W: Write>(body: &[u8], out: &mut W, color: bool) -> io::Result<PrettyOutcome> {
    let mut pretty = Vec::with_capacity(body.len() * 2 + 16);
    let outcome = pretty_bytes(body, &mut pretty, color);
    out.write_all(&pretty)?;
    Ok(outcome)
}

/// Pretty-print a body already in memory, appending to `out`; a body that is not JSON is
/// appended as it is. No I/O and no buffer besides `out` (the inbox shows thousands of
/// events a second this way).
pub fn pretty_bytes(body: &[u8], out: &mut Vec<u8>, color: bool) -> PrettyOutcome {
    let start = out.len();
    let mut input = Input::whole(body);
    match Printer::new(&mut *out, color).document(&mut input) {
        Ok(()) => PrettyOutcome::Pretty,
        // Writing to a `Vec` cannot fail, so this is a syntax error: show the bytes as sent.
        Err(_) => {
            out.truncate(start);
            out.extend_from_slice(body);
            PrettyOutcome::NotJson
        }
    }
}

/// A large body: stream it; if it breaks, write the rest as received.
fn pretty_stream<R: Read, W: Write>(
    head: Vec<u8>,
    reader: R,
    out: &mut W,
    color: bool,
) -> io::Result<PrettyOutcome> {
    let mut input = Input::new(reader, head);
    let mut printer = Printer::new(&mut *out, color);
    let (error_at, message) = match printer.document(&mut input) {
        Ok(()) => return Ok(PrettyOutcome::Pretty),
        Err(Stop::Io(e)) => return Err(e),
        Err(Stop::Syntax { at, message }) => (at, message),
    };
    if printer.color_open {
        out.write_all(RESET)?;
    }
    let raw_from = input.base + input.keep as u64;
    input.write_rest(out)?;
    if raw_from == 0 {
        Ok(PrettyOutcome::NotJson)
    } else {
        Ok(PrettyOutcome::BrokenJson {
            error_at,
            raw_from,
            message,
        })
    }
}

/// Why printing stopped.
#[derive(Debug)]
enum Stop {
    /// The reader or the writer failed.
    Io(io::Error),
    /// The body is not JSON at byte `at`.
    Syntax { at: u64, message: &'static str },
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// The read buffer. `buf[keep..pos]` was read but is not yet shown in the output (whitespace
/// between tokens, or a number or literal still being read); it is kept for a raw tail.
struct Input<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    keep: usize,
    /// Offset in the body of `buf[0]`.
    base: u64,
    eof: bool,
}

impl Input<io::Empty> {
    /// A body that is all in memory: nothing more to read (and no read buffer to allocate).
    fn whole(body: &[u8]) -> Self {
        Input {
            inner: io::empty(),
            buf: body.to_vec(),
            pos: 0,
            filled: body.len(),
            keep: 0,
            base: 0,
            eof: true,
        }
    }
}

impl<R: Read> Input<R> {
    fn new(inner: R, head: Vec<u8>) -> Self {
        let filled = head.len();
        Input {
            inner,
            buf: head,
            pos: 0,
            filled,
            keep: 0,
            base: 0,
            eof: false,
        }
    }

    /// Offset in the body of the next byte.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Everything read so far is shown in the output.
    #[inline]
    fn shown(&mut self) {
        self.keep = self.pos;
    }

    fn syntax(&self, message: &'static str) -> Stop {
        Stop::Syntax {
            at: self.offset(),
            message,
        }
    }

    #[inline]
    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos < self.filled || self.fill_more()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    /// Make at least `n` unread bytes available; false if the body ends first.
    fn ensure(&mut self, n: usize) -> io::Result<bool> {
        while self.filled - self.pos < n {
            if !self.fill_more()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Skip whitespace and return the next byte, if any.
    #[inline]
    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        loop {
            while let Some(&b) = self.buf[..self.filled].get(self.pos) {
                if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if self.pos - self.keep > MAX_GAP && self.base + self.keep as u64 > 0 {
                // Between tokens only whitespace is unshown: stop keeping a long run of it
                // (but keep leading whitespace, so that a body that is not JSON stays whole).
                self.keep = self.pos;
            }
            if !self.fill_more()? {
                return Ok(None);
            }
        }
    }

    /// Read more bytes after the unread ones, first dropping what is already shown. False at
    /// the end of the body.
    #[cold]
    fn fill_more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.keep > 0 {
            self.buf.copy_within(self.keep..self.filled, 0);
            self.base += self.keep as u64;
            self.pos -= self.keep;
            self.filled -= self.keep;
            self.keep = 0;
        }
        if self.filled == self.buf.len() {
            let len = (self.buf.len() * 2).max(READ_BUF);
            self.buf.resize(len, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Write the body from the first byte not shown to its end, as received.
    fn write_rest<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(&self.buf[self.keep..self.filled])?;
        self.pos = self.filled;
        self.keep = self.filled;
        while self.fill_more()? {
            out.write_all(&self.buf[self.pos..self.filled])?;
            self.pos = self.filled;
            self.keep = self.filled;
        }
        Ok(())
    }
}

const RESET: &[u8] = b"\x1b[0m";
/// Brackets and braces: bold.
const PUNCT: &[u8] = b"\x1b[1m";
/// Object keys: bold blue (as jq).
const KEY: &[u8] = b"\x1b[1;34m";
/// String values: green (as jq).
const STRING: &[u8] = b"\x1b[32m";
/// `null`: bold grey (as jq).
const NULL: &[u8] = b"\x1b[1;90m";

/// A newline and the deepest indentation, two spaces per level.
static NEWLINE_INDENT: [u8; 1 + 2 * MAX_DEPTH] = {
    let mut a = [b' '; 1 + 2 * MAX_DEPTH];
    a[0] = b'\n';
    a
};

/// Bytes that end a plain run inside a string: `"`, `\` and control characters.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// What the tokenizer expects next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Any value (top level, after `:`, after `,` in an array).
    Value,
    /// A value or `]`, right after `[`.
    FirstValueOrEnd,
    /// A key or `}`, right after `{`.
    FirstKeyOrEnd,
    /// A key, after `,` in an object.
    Key,
    /// `:` after a key.
    Colon,
    /// `,` or the end of the innermost container.
    CommaOrEnd,
    /// Nothing but whitespace: the document is complete.
    End,
}

/// Writes tokens re-indented, and coloured like jq if asked: bold brackets, bold blue keys,
/// green strings, grey `null`, plain numbers and booleans.
struct Printer<W> {
    out: W,
    color: bool,
    /// Open containers, `[` or `{`.
    stack: Vec<u8>,
    /// A colour escape was written and not yet reset (inside a string).
    color_open: bool,
}

impl<W: Write> Printer<W> {
    fn new(out: W, color: bool) -> Self {
        Printer {
            out,
            color,
            stack: Vec::new(),
            color_open: false,
        }
    }

    fn document<R: Read>(&mut self, input: &mut Input<R>) -> Result<(), Stop> {
        let mut expect = Expect::Value;
        loop {
            let next = input.skip_whitespace()?;
            expect = match (expect, next) {
                (Expect::End, None) => {
                    self.out.write_all(b"\n")?;
                    return Ok(());
                }
                (Expect::End, Some(_)) => {
                    return Err(input.syntax("unexpected data after the JSON document"));
                }
                (_, None) => return Err(input.syntax("unexpected end of the body")),
                (Expect::FirstValueOrEnd, Some(b']')) | (Expect::FirstKeyOrEnd, Some(b'}')) => {
                    self.close(input, false)?
                }
                (Expect::Value, Some(b)) => self.value(input, b)?,
                (Expect::FirstValueOrEnd, Some(b)) => {
                    self.newline_indent(false)?;
                    self.value(input, b)?
                }
                (Expect::FirstKeyOrEnd, Some(b'"')) => {
                    self.newline_indent(false)?;
                    self.string(input, KEY)?;
                    Expect::Colon
                }
                (Expect::Key, Some(b'"')) => {
                    self.string(input, KEY)?;
                    Expect::Colon
                }
                (Expect::FirstKeyOrEnd, Some(_)) => {
                    return Err(input.syntax("expected a string key or `}`"));
                }
                (Expect::Key, Some(_)) => return Err(input.syntax("expected a string key")),
                (Expect::Colon, Some(b':')) => {
                    input.pos += 1;
                    self.out.write_all(b": ")?;
                    input.shown();
                    Expect::Value
                }
                (Expect::Colon, Some(_)) => return Err(input.syntax("expected `:`")),
                (Expect::CommaOrEnd, Some(b)) => self.comma_or_end(input, b)?,
            };
        }
    }

    fn comma_or_end<R: Read>(&mut self, input: &mut Input<R>, b: u8) -> Result<Expect, Stop> {
        let in_array = self.stack.last() == Some(&b'[');
        match b {
            b',' => {
                input.pos += 1;
                self.newline_indent(true)?;
                input.shown();
                Ok(if in_array { Expect::Value } else { Expect::Key })
            }
            b']' if in_array => self.close(input, true),
            b'}' if !in_array => self.close(input, true),
            _ if in_array => Err(input.syntax("expected `,` or `]`")),
            _ => Err(input.syntax("expected `,` or `}`")),
        }
    }

    /// Start the value whose first byte is `b`; what to expect after it.
    fn value<R: Read>(&mut self, input: &mut Input<R>, b: u8) -> Result<Expect, Stop> {
        match b {
            b'[' | b'{' => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(input.syntax("JSON nested too deeply"));
                }
                input.pos += 1;
                self.paint(PUNCT, if b == b'[' { b"[" } else { b"{" })?;
                input.shown();
                self.stack.push(b);
                return Ok(if b == b'[' {
                    Expect::FirstValueOrEnd
                } else {
                    Expect::FirstKeyOrEnd
                });
            }
            b'"' => self.string(input, STRING)?,
            b'-' | b'0'..=b'9' => self.number(input)?,
            b't' => self.literal(input, b"true", None)?,
            b'f' => self.literal(input, b"false", None)?,
            b'n' => self.literal(input, b"null", Some(NULL))?,
            _ => return Err(input.syntax("expected a JSON value")),
        }
        Ok(self.after_value())
    }

    fn after_value(&self) -> Expect {
        if self.stack.is_empty() {
            Expect::End
        } else {
            Expect::CommaOrEnd
        }
    }

    /// Close the innermost container at `]` or `}`; `had_values` puts it on its own line.
    fn close<R: Read>(&mut self, input: &mut Input<R>, had_values: bool) -> Result<Expect, Stop> {
        let open = self.stack.pop();
        input.pos += 1;
        if had_values {
            self.newline_indent(false)?;
        }
        self.paint(PUNCT, if open == Some(b'[') { b"]" } else { b"}" })?;
        input.shown();
        Ok(self.after_value())
    }

    /// A newline (after a comma if `comma`) and the indentation of the current depth.
    fn newline_indent(&mut self, comma: bool) -> io::Result<()> {
        if comma {
            self.out.write_all(b",")?;
        }
        let width = 2 * self.stack.len().min(MAX_DEPTH);
        self.out.write_all(&NEWLINE_INDENT[..1 + width])
    }

    fn paint(&mut self, style: &[u8], text: &[u8]) -> io::Result<()> {
        if self.color {
            self.out.write_all(style)?;
            self.out.write_all(text)?;
            self.out.write_all(RESET)
        } else {
            self.out.write_all(text)
        }
    }

    /// Copy a string, validating it, from its opening quote.
    fn string<R: Read>(&mut self, input: &mut Input<R>, style: &[u8]) -> Result<(), Stop> {
        if self.color {
            self.out.write_all(style)?;
            self.color_open = true;
        }
        input.pos += 1;
        self.out.write_all(b"\"")?;
        input.shown();
        loop {
            if input.pos == input.filled && !input.fill_more()? {
                return Err(input.syntax("unexpected end of the body inside a string"));
            }
            let unread = &input.buf[input.pos..input.filled];
            let mut run = 0;
            let mut high_bits = 0;
            for &b in unread {
                if STRING_STOP[usize::from(b)] {
                    break;
                }
                high_bits |= b;
                run += 1;
            }
            let at_buffer_end = run == unread.len();
            // Plain ASCII needs no UTF-8 check.
            let checked = if high_bits < 0x80 {
                Ok(())
            } else {
                std::str::from_utf8(&unread[..run]).map(|_| ())
            };
            let (valid, broken) = match checked {
                Ok(()) => (run, None),
                Err(e) => (
                    e.valid_up_to(),
                    Some(e.error_len().is_none() && at_buffer_end),
                ),
            };
            self.out.write_all(&unread[..valid])?;
            input.pos += valid;
            input.shown();
            match broken {
                None => {}
                // A character cut by the end of the buffer: read on.
                Some(true) => {
                    if !input.fill_more()? {
                        return Err(input.syntax("unexpected end of the body inside a string"));
                    }
                    continue;
                }
                Some(false) => return Err(input.syntax("invalid UTF-8 in a string")),
            }
            if at_buffer_end {
                continue;
            }
            match input.buf[input.pos] {
                b'"' => {
                    input.pos += 1;
                    self.out.write_all(b"\"")?;
                    if self.color {
                        self.out.write_all(RESET)?;
                        self.color_open = false;
                    }
                    input.shown();
                    return Ok(());
                }
                b'\\' => self.escape(input)?,
                _ => return Err(input.syntax("control character in a string")),
            }
        }
    }

    /// Copy an escape sequence, from its backslash.
    fn escape<R: Read>(&mut self, input: &mut Input<R>) -> Result<(), Stop> {
        if !input.ensure(2)? {
            return Err(input.syntax("unexpected end of the body inside a string"));
        }
        let len = match input.buf[input.pos + 1] {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
            b'u' => {
                if !input.ensure(6)? {
                    return Err(input.syntax("unexpected end of the body inside a string"));
                }
                if let Some(bad) = input.buf[input.pos + 2..input.pos + 6]
                    .iter()
                    .position(|b| !b.is_ascii_hexdigit())
                {
                    let at = input.offset() + 2 + bad as u64;
                    return Err(Stop::Syntax {
                        at,
                        message: "invalid `\\u` escape",
                    });
                }
                6
            }
            _ => {
                return Err(Stop::Syntax {
                    at: input.offset() + 1,
                    message: "invalid escape",
                });
            }
        };
        self.out.write_all(&input.buf[input.pos..input.pos + len])?;
        input.pos += len;
        input.shown();
        Ok(())
    }

    /// Copy a number (RFC 8259 grammar), written once complete.
    fn number<R: Read>(&mut self, input: &mut Input<R>) -> Result<(), Stop> {
        #[derive(Clone, Copy)]
        enum N {
            Start,
            Minus,
            Zero,
            Int,
            Dot,
            Frac,
            Exp,
            ExpSign,
            ExpInt,
        }
        let start = input.offset();
        let mut state = N::Start;
        loop {
            let next = match (state, input.peek()?) {
                (N::Start, Some(b'-')) => N::Minus,
                (N::Start | N::Minus, Some(b'0')) => N::Zero,
                (N::Start | N::Minus, Some(b'1'..=b'9')) => N::Int,
                (N::Int, Some(b'0'..=b'9')) => N::Int,
                (N::Zero | N::Int, Some(b'.')) => N::Dot,
                (N::Dot | N::Frac, Some(b'0'..=b'9')) => N::Frac,
                (N::Zero | N::Int | N::Frac, Some(b'e' | b'E')) => N::Exp,
                (N::Exp, Some(b'+' | b'-')) => N::ExpSign,
                (N::Exp | N::ExpSign | N::ExpInt, Some(b'0'..=b'9')) => N::ExpInt,
                (N::Zero | N::Int | N::Frac | N::ExpInt, _) => break,
                (_, None) => return Err(input.syntax("unexpected end of the body in a number")),
                (_, Some(_)) => return Err(input.syntax("invalid number")),
            };
            state = next;
            input.pos += 1;
        }
        // The number may have been moved to the front of the buffer while reading.
        let from = usize::try_from(start - input.base).unwrap_or(input.pos);
        self.out.write_all(&input.buf[from..input.pos])?;
        input.shown();
        Ok(())
    }

    /// Copy `true`, `false` or `null`, written once complete.
    fn literal<R: Read>(
        &mut self,
        input: &mut Input<R>,
        word: &'static [u8],
        style: Option<&[u8]>,
    ) -> Result<(), Stop> {
        for &want in word {
            match input.peek()? {
                Some(b) if b == want => input.pos += 1,
                Some(_) => return Err(input.syntax("invalid literal")),
                None => return Err(input.syntax("unexpected end of the body in a literal")),
            }
        }
        match style {
            Some(style) => self.paint(style, word)?,
            None => self.out.write_all(word)?,
        }
        input.shown();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
