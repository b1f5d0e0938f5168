//! Received data on a terminal: shown escaped, never able to drive the terminal.
//!
//! Webhooks and responses are written by someone else. Written raw to a terminal, an `ESC`
//! sequence in a header, a path or a body could move the cursor, rewrite lines already shown,
//! set the window title, write to the clipboard (OSC 52) or make the terminal answer. So on a
//! terminal, control characters in received data are escaped: every C0 character
//! (U+0000–U+001F) except tab and newline, DEL (U+007F) and the C1 characters
//! (U+0080–U+009F, such as U+009B, a one-character `ESC [`). Piped (not a terminal), data is
//! written byte for byte.
//!
//! The notation, for reading rather than decoding (a backslash in the data is not doubled):
//! `\r` for CR; `\xNN` (two lower-case hex digits) for any other C0 character, for DEL and
//! for a byte that is not part of valid UTF-8; `\u{NN}` for a C1 character (`\u{9b}`).
//! JSON printed for programs (`--json` lines) keeps JSON's own notation instead: see
//! [`escape_json_text`].
//!
//! Our own colour codes are added after the data is escaped ([`escape_str`], [`shown`]). A
//! stream that already mixes both, such as coloured pretty JSON, goes through an
//! [`Escaper`] that keeps an exact list of our codes ([`JSON_COLORS`]) and escapes every other
//! `ESC`.
//!
//! [`Stdout`] is how `postie listen` and `postie inbox` write to stdout.

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use crate::error::{Code, Failure};

/// Whether `c` is shown escaped on a terminal: C0 but tab and newline, DEL, and C1.
pub fn is_escaped(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}')
}

/// `text` with its control characters escaped (see the module documentation).
pub fn escape_str(text: &str) -> Cow<'_, str> {
    escape_bytes(text.as_bytes())
}

/// `bytes` with control characters and bytes that are not UTF-8 escaped; borrowed when there
/// is nothing to escape.
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    escape_bytes_keeping(bytes, &[])
}

/// [`escape_bytes`] for text that also holds our own colour codes: these exact `ESC`
/// sequences are kept, every other one is escaped (see [`Escaper::keeping`]).
pub fn escape_bytes_keeping<'a>(bytes: &'a [u8], keep: &[&[u8]]) -> Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.chars().any(is_escaped)
    {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(bytes.len() + 16);
    escape_into(bytes, keep, true, &mut out);
    Cow::Owned(into_string(out))
}

/// Received text as it should be shown: escaped on a terminal, unchanged otherwise.
pub fn shown(text: &str, terminal: bool) -> Cow<'_, str> {
    if terminal {
        escape_str(text)
    } else {
        Cow::Borrowed(text)
    }
}

/// Received bytes as they should be written: escaped on a terminal, exact otherwise.
pub fn shown_bytes(bytes: &[u8], terminal: bool) -> Cow<'_, [u8]> {
    if terminal {
        match escape_bytes(bytes) {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        }
    } else {
        Cow::Borrowed(bytes)
    }
}

/// Serialised JSON for a terminal: the control characters that JSON leaves raw (DEL and C1;
/// serde_json already escapes C0 in strings) become JSON escapes (`\u007f`, `\u009b`), so the
/// text stays valid JSON with the same value. They can only occur inside strings.
pub fn escape_json_text(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The colour codes `output::json` paints pretty JSON with (reset, punctuation, keys, strings,
/// `null`): kept by [`Escaper::keeping`] for a coloured pretty-printed stream.
pub const JSON_COLORS: &[&[u8]] = &[
    b"\x1b[0m",
    b"\x1b[1m",
    b"\x1b[1;34m",
    b"\x1b[32m",
    b"\x1b[1;90m",
];

/// Streaming escaping: chunks may split a UTF-8 sequence or a kept colour code, so the
/// escaper holds back an unfinished one (at most a few bytes) until the next chunk or
/// [`Escaper::finish`].
#[derive(Debug, Default)]
pub struct Escaper {
    keep: &'static [&'static [u8]],
    pending: Vec<u8>,
}

impl Escaper {
    /// Escape everything escapable.
    pub fn new() -> Escaper {
        Escaper::default()
    }

    /// Keep these exact `ESC` sequences (our own colour codes) and escape every other.
    pub fn keeping(codes: &'static [&'static [u8]]) -> Escaper {
        Escaper {
            keep: codes,
            pending: Vec::new(),
        }
    }

    /// For pretty-printed JSON (`output::json`): its colour codes kept when `color`.
    pub fn for_pretty_json(color: bool) -> Escaper {
        if color {
            Escaper::keeping(JSON_COLORS)
        } else {
            Escaper::new()
        }
    }

    /// Escape `chunk`, appending to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.pending.is_empty() {
            let used = escape_into(chunk, self.keep, false, out);
            self.pending.extend_from_slice(&chunk[used..]);
        } else {
            let mut data = std::mem::take(&mut self.pending);
            data.extend_from_slice(chunk);
            let used = escape_into(&data, self.keep, false, out);
            self.pending.extend_from_slice(&data[used..]);
        }
    }

    /// The end of the data: what was held back is escaped as it is.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let data = std::mem::take(&mut self.pending);
        escape_into(&data, self.keep, true, out);
    }
}

/// A `Write` that escapes what passes through it (or, without an escaper, writes it through
/// unchanged). `flush` ends the data (what was held back is written, see
/// [`Escaper::finish`]): flush once, at the end of a body, as `output::json::pretty_print`
/// and `MaskWriter::finish` do.
pub struct EscapeWriter<W: Write> {
    inner: W,
    escaper: Option<Escaper>,
    out: Vec<u8>,
}

impl<W: Write> EscapeWriter<W> {
    /// `escaper`: `None` when not writing to a terminal.
    pub fn new(inner: W, escaper: Option<Escaper>) -> EscapeWriter<W> {
        EscapeWriter {
            inner,
            escaper,
            out: Vec::new(),
        }
    }

    /// Write what was held back and return the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EscapeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(escaper) = &mut self.escaper else {
            return self.inner.write(buf);
        };
        self.out.clear();
        escaper.push(buf, &mut self.out);
        self.inner.write_all(&self.out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(escaper) = &mut self.escaper {
            self.out.clear();
            escaper.finish(&mut self.out);
            self.inner.write_all(&self.out)?;
        }
        self.inner.flush()
    }
}

/// stdout for `postie listen` and `postie inbox`: buffered, escaping received data on a
/// terminal. Text these commands render has its data escaped already (with [`shown`]) and is
/// written with [`Stdout::text`]; received bytes on their own go through [`Stdout::data`].
pub struct Stdout {
    out: BufWriter<io::Stdout>,
    terminal: bool,
}

impl Stdout {
    /// `terminal`: stdout is a terminal (`Context::stdout_tty`).
    pub fn new(terminal: bool) -> Stdout {
        Stdout {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            terminal,
        }
    }

    /// Whether received data is to be escaped.
    pub fn terminal(&self) -> bool {
        self.terminal
    }

    /// Text rendered by postie, its received parts already escaped: written as it is.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())
    }

    /// Received bytes: escaped on a terminal, exact otherwise.
    pub fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(&shown_bytes(bytes, self.terminal))
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flush, and turn the outcome of the writes into the command's result.
    pub fn finish(mut self, written: io::Result<()>) -> Result<Code, Failure> {
        outcome(written.and_then(|()| self.out.flush()))
    }
}

/// A write to stdout's outcome; a closed pipe (`| head`) is a quiet success.
pub fn outcome(written: io::Result<()>) -> Result<Code, Failure> {
    match written {
        Ok(()) => Ok(Code::Ok),
        Err(e) if crate::error::is_broken_pipe(&e) => Ok(Code::Ok),
        Err(e) => Err(Failure::usage(format!("could not write to stdout: {e}"))),
    }
}

/// Escape `data` into `out`; returns how much was used. Unless `last`, an unfinished UTF-8
/// sequence or kept code at the end is left for the next call.
fn escape_into(data: &[u8], keep: &[&[u8]], last: bool, out: &mut Vec<u8>) -> usize {
    let mut i = 0;
    while i < data.len() {
        let (valid, bad) = match std::str::from_utf8(&data[i..]) {
            Ok(_) => (data.len() - i, None),
            Err(e) => (e.valid_up_to(), Some(e.error_len())),
        };
        let segment = &data[i..i + valid];
        // A kept code cannot continue past a byte that is not UTF-8.
        let used = escape_valid(segment, keep, last || bad.is_some(), out);
        if used < segment.len() {
            return i + used;
        }
        i += valid;
        let bad_len = match bad {
            None => break,
            Some(Some(n)) => n,
            Some(None) if last => data.len() - i,
            Some(None) => return i,
        };
        for &b in &data[i..i + bad_len] {
            push_hex(b, out);
        }
        i += bad_len;
    }
    data.len()
}

/// Escape valid UTF-8; returns how much was used (less than all only when not `last` and it
/// ends with the beginning of a kept code).
fn escape_valid(text: &[u8], keep: &[&[u8]], last: bool, out: &mut Vec<u8>) -> usize {
    let mut plain = 0;
    let mut i = 0;
    while i < text.len() {
        let len = match text[i] {
            b'\t' | b'\n' => 0,
            0x1b if !keep.is_empty() => {
                let rest = &text[i..];
                if let Some(code) = keep.iter().find(|code| rest.starts_with(code)) {
                    i += code.len();
                    continue;
                }
                if !last && keep.iter().any(|code| code.starts_with(rest)) {
                    out.extend_from_slice(&text[plain..i]);
                    return i;
                }
                1
            }
            0x00..=0x1f | 0x7f => 1,
            // In valid UTF-8, U+0080–U+009F are 0xC2 followed by 0x80–0x9F.
            0xc2 if matches!(text.get(i + 1), Some(0x80..=0x9f)) => 2,
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        out.extend_from_slice(&text[plain..i]);
        match (text[i], len) {
            (b'\r', _) => out.extend_from_slice(b"\\r"),
            (b, 1) => push_hex(b, out),
            (_, _) => {
                let code = text[i + 1]; // 0xC2 0x9B is U+009B
                out.extend_from_slice(format!("\\u{{{code:x}}}").as_bytes());
            }
        }
        i += len;
        plain = i;
    }
    out.extend_from_slice(&text[plain..]);
    text.len()
}

fn push_hex(b: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(&[
        b'\\',
        b'x',
        HEX[usize::from(b >> 4)],
        HEX[usize::from(b & 0xf)],
    ]);
}

/// The escaper writes only valid UTF-8.
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(bytes: &[u8]) -> String {
        escape_bytes(bytes).into_owned()
    }

    #[test]
    fn each_control_class_is_escaped() {
        assert_eq!(esc(b"a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(esc(b"line\r\n"), "line\\r\n");
        assert_eq!(esc(b"ding\x07"), "ding\\x07");
        assert_eq!(esc(b"\x00nul"), "\\x00nul");
        assert_eq!(esc(b"del\x7f"), "del\\x7f");
        assert_eq!(esc(b"\x08\x0b\x0c\x1f"), "\\x08\\x0b\\x0c\\x1f");
        assert_eq!(esc("csi\u{9b}31m".as_bytes()), "csi\\u{9b}31m");
        assert_eq!(
            esc("\u{80}\u{85}\u{9f}".as_bytes()),
            "\\u{80}\\u{85}\\u{9f}"
        );
        assert_eq!(escape_str("\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
    }

    #[test]
    fn tab_newline_and_plain_text_are_unchanged_and_borrowed() {
        for text in ["a\tb\nc\n", "", "plain ascii", "é ü 日本 \u{a0} \u{a9} 🦀"] {
            assert!(
                matches!(escape_str(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
        assert!(matches!(shown("\x1b", false), Cow::Borrowed("\x1b")));
        assert_eq!(shown("\x1b", true), "\\x1b");
        assert_eq!(&*shown_bytes(b"\x1b\xff", false), b"\x1b\xff");
        assert_eq!(&*shown_bytes(b"\x1b\xff", true), b"\\x1b\\xff");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_in_hex() {
        // A lone 0x9B is the 8-bit CSI of non-UTF-8 terminals.
        assert_eq!(esc(b"\x9b2J"), "\\x9b2J");
        assert_eq!(esc(b"caf\xe9 ok"), "caf\\xe9 ok");
        assert_eq!(esc(b"\xff\xfe"), "\\xff\\xfe");
        // A truncated sequence at the end, and one cut short by ASCII.
        assert_eq!(esc(b"ab\xe2\x82"), "ab\\xe2\\x82");
        assert_eq!(esc(b"\xe2\x82x\xe2\x82\xac"), "\\xe2\\x82x€");
        // What comes out is always UTF-8 without a control character.
        let all: Vec<u8> = (0..=255u8).collect();
        let out = esc(&all);
        assert!(!out.chars().any(is_escaped), "{out}");
        assert!(out.contains("\\x1b") && out.contains("\\x80") && out.contains("\t\n"));
    }

    #[test]
    fn json_text_keeps_json_notation() {
        assert_eq!(
            escape_json_text("{\"a\":\"x\u{9b}y\u{7f}\",\"b\":\"\\u001b\"}"),
            "{\"a\":\"x\\u009by\\u007f\",\"b\":\"\\u001b\"}"
        );
        assert!(matches!(escape_json_text("{\"é\":1}"), Cow::Borrowed(_)));
        let value: serde_json::Value =
            serde_json::from_str(&escape_json_text("[\"\u{9b}\u{7f}\"]")).expect("valid JSON");
        assert_eq!(value, serde_json::json!(["\u{9b}\u{7f}"]));
    }

    /// Feed `input` in chunks of `size` and return what came out.
    fn streamed(mut escaper: Escaper, input: &[u8], size: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in input.chunks(size) {
            escaper.push(chunk, &mut out);
        }
        escaper.finish(&mut out);
        out
    }

    #[test]
    fn streaming_gives_the_same_text_whatever_the_chunks() {
        let input = "é\u{9b}x\x1b[32m日\r\n\x7f🦀".as_bytes().iter().copied();
        let input: Vec<u8> = input.chain(*b"\xff\xe2\x82").collect();
        let whole = esc(&input);
        for size in 1..=input.len() {
            assert_eq!(
                String::from_utf8(streamed(Escaper::new(), &input, size)).ok(),
                Some(whole.clone()),
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn kept_codes_pass_and_every_other_escape_is_escaped() {
        let input =
            b"\x1b[1;34m\"k\"\x1b[0m: \x1b[32m\"\x1b[31m\"\x1b[0m\x1b[1;3\x1b]0;t\x07\x1b[1;90m";
        let expected =
            "\x1b[1;34m\"k\"\x1b[0m: \x1b[32m\"\\x1b[31m\"\x1b[0m\\x1b[1;3\\x1b]0;t\\x07\x1b[1;90m";
        for size in 1..=input.len() {
            let out = streamed(Escaper::keeping(JSON_COLORS), input, size);
            assert_eq!(String::from_utf8_lossy(&out), expected, "chunks of {size}");
        }
        // A kept code cut short by the end of the data is escaped.
        let out = streamed(Escaper::keeping(JSON_COLORS), b"a\x1b[1;3", 2);
        assert_eq!(out, b"a\\x1b[1;3");
    }

    #[test]
    fn coloured_pretty_json_passes_through_unchanged() {
        let body = br#"{"k":"v\u001b","n":null,"a":[1,true,{"x":-2.5e3}]}"#;
        let mut pretty = Vec::new();
        crate::output::json::pretty_bytes(body, &mut pretty, true);
        assert!(pretty.contains(&0x1b));
        let out = streamed(Escaper::keeping(JSON_COLORS), &pretty, 3);
        assert_eq!(out, pretty);
    }

    #[test]
    fn the_writer_escapes_and_flush_ends_the_data() {
        let mut w = EscapeWriter::new(Vec::new(), Some(Escaper::new()));
        w.write_all(b"a\x1b")
            .and_then(|()| w.write_all(b"b\xc2"))
            .expect("write");
        w.flush().expect("flush");
        assert_eq!(w.finish().expect("finish"), b"a\\x1bb\\xc2");
        let mut w = EscapeWriter::new(Vec::new(), None);
        w.write_all(b"a\x1b\xc2").expect("write");
        assert_eq!(w.finish().expect("finish"), b"a\x1b\xc2");
    }

    /// The chain `output::sink` can use for a pretty body on a terminal: the masker, then the
    /// escaper, then stdout (here a `Vec`).
    fn pretty_through_the_chain(body: &[u8], color: bool) -> String {
        let masker = crate::util::mask::Masker::new(false);
        masker.add("token", "s3cr3t");
        let mut out = Vec::new();
        let escaping = EscapeWriter::new(&mut out, Some(Escaper::for_pretty_json(color)));
        let mut masked = masker.writer(escaping);
        crate::output::json::pretty_print(body, &mut masked, color).expect("pretty");
        masked.finish().expect("finish");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn pretty_json_streams_escaped_with_our_colours_kept() {
        let shown = pretty_through_the_chain("{\"a\":\"\u{9b}s3cr3t\u{7f}\"}".as_bytes(), true);
        assert_eq!(
            shown,
            "\x1b[1m{\x1b[0m\n  \x1b[1;34m\"a\"\x1b[0m: \x1b[32m\"\\u{9b}••••••\\x7f\"\x1b[0m\n\x1b[1m}\x1b[0m\n"
        );
        // Not JSON: written as received, so escaped whole.
        let shown = pretty_through_the_chain(b"{\x1b]52;c;eA==\x07 s3cr3t", false);
        assert_eq!(shown, "{\\x1b]52;c;eA==\\x07 ••••••");
    }

    #[test]
    fn a_closed_pipe_is_a_quiet_success() {
        let closed = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(matches!(outcome(Err(closed)), Ok(Code::Ok)));
        assert!(outcome(Err(io::Error::other("disk full"))).is_err());
    }
}
