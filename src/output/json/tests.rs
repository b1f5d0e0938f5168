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

fn pretty_chunked(input: &[u8], chunk: usize, color: bool) -> (Vec<u8>, PrettyOutcome) {
    let mut out = Vec::new();
    let reader = Chunked { data: input, chunk };
    match pretty_print(reader, &mut out, color) {
        Ok(outcome) => (out, outcome),
        Err(e) => panic!("pretty_print failed: {e}"),
    }
}

/// Equality of large outputs without printing megabytes on failure.
fn assert_same(got: &[u8], want: &[u8]) {
    if got != want {
        let at = got.iter().zip(want).take_while(|(a, b)| a == b).count();
        let show = |s: &[u8]| {
            String::from_utf8_lossy(&s[at.saturating_sub(40)..(at + 40).min(s.len())]).into_owned()
        };
        panic!(
            "outputs differ at byte {at} (lengths {} and {}): got {:?}, want {:?}",
            got.len(),
            want.len(),
            show(got),
            show(want)
        );
    }
}

const DOC: &[u8] =
    br#"{"name":"postie","tags":["a",1,true,null],"empty":{},"none":[ ],"n":{"x":-2.5}}"#;

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
    let (out, _) = pretty(br#"{"z":1,"a":2,"m":{"b":3,"a":4},"a":5}"#, false);
    assert_eq!(
        out,
        "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": {\n    \"b\": 3,\n    \"a\": 4\n  },\n  \"a\": 5\n}\n"
    );
}

#[test]
fn unicode_and_escapes_are_copied_verbatim() {
    let input = r#"["café 😀 日本", "\u00e9\ud83d\ude00\uD800", "q\"b\\s\/n\nt\tc\u001f\b\f\r"]"#;
    let (out, outcome) = pretty(input.as_bytes(), false);
    assert_eq!(outcome, PrettyOutcome::Pretty);
    assert_eq!(
        out,
        "[\n  \"café 😀 日本\",\n  \"\\u00e9\\ud83d\\ude00\\uD800\",\n  \
         \"q\\\"b\\\\s\\/n\\nt\\tc\\u001f\\b\\f\\r\"\n]\n"
    );
}

#[test]
fn numbers_are_copied_verbatim() {
    let input =
        b"[0, 1.0, 0.10, -0, 1E5, 1.5e-7, 2E+3, 18446744073709551615, -9223372036854775808, \
                  12345678901234567890123, 1e400]";
    let (out, outcome) = pretty(input, false);
    assert_eq!(outcome, PrettyOutcome::Pretty);
    assert_eq!(
        out,
        "[\n  0,\n  1.0,\n  0.10,\n  -0,\n  1E5,\n  1.5e-7,\n  2E+3,\n  18446744073709551615,\n  \
         -9223372036854775808,\n  12345678901234567890123,\n  1e400\n]\n"
    );
}

#[test]
fn scalar_documents() {
    assert_eq!(
        pretty(b"  42 ", false),
        ("42\n".into(), PrettyOutcome::Pretty)
    );
    assert_eq!(pretty(b"\"hi\"", true).0, "\x1b[32m\"hi\"\x1b[0m\n");
    assert_eq!(pretty(b"null", true).0, "\x1b[1;90mnull\x1b[0m\n");
    assert_eq!(pretty(b"false\r\n", false).0, "false\n");
}

#[test]
fn invalid_small_bodies_are_written_as_received() {
    for input in [
        &b"<html>nope</html>"[..],
        b"{\"a\": 1,}",
        b"[1,]",
        b"{\"a\" 1}",
        b"{1: 2}",
        b"{\"a\": 1} trailing",
        b"{\"a\":1}\n{\"a\":2}\n",
        b"[1, 2",
        b"[01]",
        b"[1.]",
        b"[-]",
        b"[1e]",
        b"[.5]",
        b"[+1]",
        b"[tru]",
        b"[nul",
        b"[\"tab\there\"]",
        b"[\"bad \\x escape\"]",
        b"[\"bad \\u12G4\"]",
        b"[\"cut \\u12",
        b"[\"unterminated",
        b"[\"caf\xc3\"]",
        b"[\"\xff\"]",
        b"\xef\xbb\xbf{}",
        b"   \n",
        b"'single'",
    ] {
        let mut out = Vec::new();
        let outcome = pretty_print(input, &mut out, true).ok();
        let shown = String::from_utf8_lossy(input);
        assert_eq!(outcome, Some(PrettyOutcome::NotJson), "{shown}");
        assert_eq!(out, input, "{shown}");
    }
}

#[test]
fn empty_body_writes_nothing() {
    assert_eq!(pretty(b"", true), (String::new(), PrettyOutcome::NotJson));
}

#[test]
fn nesting_limit() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let (out, outcome) = pretty(deep(MAX_DEPTH).as_bytes(), false);
    assert_eq!(outcome, PrettyOutcome::Pretty);
    let innermost = format!(
        "\n{}[]\n{}]\n",
        " ".repeat(2 * (MAX_DEPTH - 1)),
        " ".repeat(2 * (MAX_DEPTH - 2))
    );
    assert!(out.contains(&innermost));
    assert!(out.ends_with("  ]\n]\n"));
    let too_deep = deep(MAX_DEPTH + 1);
    assert_eq!(
        pretty(too_deep.as_bytes(), false),
        (too_deep, PrettyOutcome::NotJson)
    );
}

#[test]
fn one_byte_reads_give_the_same_output() {
    let (whole, _) = pretty(DOC, true);
    let (out, outcome) = pretty_chunked(DOC, 1, true);
    assert_eq!(outcome, PrettyOutcome::Pretty);
    assert_eq!(String::from_utf8_lossy(&out), whole);
}

/// `count` copies of `{"id":N,"s":"\u00fcü\n"}` in an array, and the pretty output.
fn big_array(count: usize) -> (Vec<u8>, String) {
    let mut input = b"[".to_vec();
    let mut want = String::from("[");
    for i in 0..count {
        if i > 0 {
            input.extend_from_slice(b", ");
            want.push(',');
        }
        input.extend_from_slice(format!("{{\"id\":{i},\"s\":\"\\u00fcü\\n\"}}").as_bytes());
        want.push_str(&format!(
            "\n  {{\n    \"id\": {i},\n    \"s\": \"\\u00fcü\\n\"\n  }}"
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
    for chunk in [1 << 20, 4093, 1] {
        let (out, outcome) = pretty_chunked(&input, chunk, false);
        assert_eq!(outcome, PrettyOutcome::Pretty);
        assert_same(&out, want.as_bytes());
    }
}

/// Check that a broken stream's output ends with the input from `raw_from` on, and return
/// the part before it.
fn check_broken(input: &[u8], chunk: usize, raw_from: usize, error_at: usize) -> Vec<u8> {
    let (out, outcome) = pretty_chunked(input, chunk, false);
    match outcome {
        PrettyOutcome::BrokenJson {
            error_at: at,
            raw_from: from,
            message,
        } => assert_eq!((at, from), (error_at as u64, raw_from as u64), "{message}"),
        other => panic!("expected BrokenJson, got {other:?}"),
    }
    let tail = &input[raw_from..];
    assert!(
        out.ends_with(tail),
        "the output does not end with the raw tail"
    );
    out[..out.len() - tail.len()].to_vec()
}

fn without_end(want: &str) -> &str {
    want.strip_suffix("\n]\n").unwrap_or_default()
}

#[test]
fn broken_after_a_value_keeps_the_rest_raw() {
    let (mut input, want) = big_array(60_000);
    input.pop();
    input.extend_from_slice(b", oops]");
    let oops = input.len() - 5;
    for chunk in [1 << 16, 7] {
        let prefix = check_broken(&input, chunk, oops - 1, oops);
        assert_same(&prefix, format!("{},\n  ", without_end(&want)).as_bytes());
    }
}

#[test]
fn broken_right_after_a_number_loses_no_byte() {
    let mut input = b"[".to_vec();
    for _ in 0..400_000 {
        input.extend_from_slice(b"12,");
    }
    input.extend_from_slice(b"3x, 4]");
    let x = input.len() - 5;
    let prefix = check_broken(&input, 1 << 16, x, x);
    assert!(prefix.ends_with(b",\n  12,\n  3"));
}

#[test]
fn broken_inside_a_long_string_across_reads() {
    let (mut input, want) = big_array(55_000);
    input.pop();
    input.extend_from_slice(b", \"");
    input.extend(std::iter::repeat_n(b'a', 3_000_000));
    input.extend_from_slice(b"\\q\", 1]");
    let backslash = input.len() - 7;
    for chunk in [1 << 16, 1001] {
        let prefix = check_broken(&input, chunk, backslash, backslash + 1);
        let mut expected = format!("{},\n  \"", without_end(&want)).into_bytes();
        expected.extend(std::iter::repeat_n(b'a', 3_000_000));
        assert_same(&prefix, &expected);
    }
}

#[test]
fn broken_string_in_colour_resets_before_the_raw_tail() {
    let (mut input, _) = big_array(60_000);
    input.pop();
    input.extend_from_slice(b",\"ok\xff\"]");
    let (out, outcome) = pretty_chunked(&input, 1 << 16, true);
    let bad = input.len() - 3;
    match outcome {
        PrettyOutcome::BrokenJson {
            error_at, raw_from, ..
        } => assert_eq!((error_at, raw_from), (bad as u64, bad as u64)),
        other => panic!("expected BrokenJson, got {other:?}"),
    }
    assert!(out.ends_with(b",\n  \x1b[32m\"ok\x1b[0m\xff\"]"));
}

#[test]
fn broken_on_a_later_line() {
    let mut input = b"[\n".to_vec();
    for _ in 0..200_000 {
        input.extend_from_slice(b"  \"abc\",\n");
    }
    let after_comma = input.len() - 1;
    input.extend_from_slice(b"  tru\n\n]\n");
    let prefix = check_broken(&input, 13, after_comma, after_comma + 6);
    assert!(prefix.ends_with(b"  \"abc\",\n  "));
}

#[test]
fn long_whitespace_before_an_error_is_not_all_kept() {
    let (mut input, _) = big_array(60_000);
    input.pop();
    input.push(b',');
    input.extend(std::iter::repeat_n(b' ', 3 * MAX_GAP));
    input.extend_from_slice(b"x]");
    let (out, outcome) = pretty_chunked(&input, 1 << 16, false);
    match outcome {
        PrettyOutcome::BrokenJson {
            error_at, raw_from, ..
        } => {
            assert_eq!(error_at, input.len() as u64 - 2);
            let kept = (error_at - raw_from) as usize;
            // At most the gap limit plus one read is kept, not all 3 × MAX_GAP spaces.
            assert!(
                (1..=MAX_GAP + (1 << 16)).contains(&kept),
                "{kept} spaces kept"
            );
            assert!(out.ends_with(&input[raw_from as usize..]));
        }
        other => panic!("expected BrokenJson, got {other:?}"),
    }
}

#[test]
fn long_leading_whitespace_of_a_non_json_body_is_kept() {
    let mut input = vec![b' '; 4 * MAX_GAP + SMALL_LIMIT];
    input.extend_from_slice(b"hello");
    let (out, outcome) = pretty_chunked(&input, 1 << 16, false);
    assert_eq!(outcome, PrettyOutcome::NotJson);
    assert_same(&out, &input);
}

#[test]
fn large_body_cut_short() {
    let (mut input, _) = big_array(60_000);
    input.truncate(input.len() - 3);
    let (out, outcome) = pretty_chunked(&input, 1 << 16, false);
    match outcome {
        PrettyOutcome::BrokenJson {
            error_at, raw_from, ..
        } => assert_eq!(
            (error_at, raw_from),
            (input.len() as u64, input.len() as u64)
        ),
        other => panic!("expected BrokenJson, got {other:?}"),
    }
    assert!(out.ends_with("\"s\": \"\\u00fcü\\n".as_bytes()));
}

#[test]
fn large_document_with_trailing_text() {
    let (mut input, want) = big_array(60_000);
    let end = input.len();
    input.extend_from_slice(b"\n{\"next\": 1}\n");
    let prefix = check_broken(&input, 1 << 16, end, end + 1);
    assert_same(&prefix, want.trim_end().as_bytes());
}

#[test]
fn large_non_json_body_is_written_as_received() {
    let input: Vec<u8> = b"line of text\n".repeat(100_000);
    let (out, outcome) = pretty_chunked(&input, 1 << 16, true);
    assert_eq!(outcome, PrettyOutcome::NotJson);
    assert_same(&out, &input);
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
