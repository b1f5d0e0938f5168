//! A small, strict `multipart/form-data` parser (RFC 7578 / RFC 2046) for the echo.
//!
//! The whole body is in memory already (bounded by `MAX_BODY_BYTES`), so this works on a
//! slice and borrows nothing from the network layer.

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part {
    /// The `name` parameter of its `Content-Disposition`.
    pub name: String,
    /// The `filename` parameter, if any.
    pub filename: Option<String>,
    /// The part's own `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The part's content, exactly.
    pub body: Vec<u8>,
}

/// The body is not valid `multipart/form-data` for the given boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Split a body into its parts. Preamble and epilogue are ignored, as RFC 2046 says.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, Malformed> {
    if boundary.is_empty() {
        return Err(Malformed);
    }
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let next_delimiter = [b"\r\n", delimiter].concat();
    let mut pos = if body.starts_with(delimiter) {
        0
    } else {
        find(body, &next_delimiter).ok_or(Malformed)? + 2
    };
    let mut parts = Vec::new();
    loop {
        pos += delimiter.len();
        let rest = body.get(pos..).ok_or(Malformed)?;
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break ending the delimiter line.
        let padding = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if !rest[padding..].starts_with(b"\r\n") {
            return Err(Malformed);
        }
        pos += padding + 2;
        let rest = &body[pos..];
        let (head, content_start) = if rest.starts_with(b"\r\n") {
            (&rest[..0], pos + 2)
        } else {
            let end = find(rest, b"\r\n\r\n").ok_or(Malformed)?;
            (&rest[..end], pos + end + 4)
        };
        let content_len = find(&body[content_start..], &next_delimiter).ok_or(Malformed)?;
        let mut part = part_from_head(head)?;
        part.body = body[content_start..content_start + content_len].to_vec();
        parts.push(part);
        pos = content_start + content_len + 2;
    }
}

fn part_from_head(head: &[u8]) -> Result<Part, Malformed> {
    let head = String::from_utf8_lossy(head);
    let mut part = Part::default();
    let mut has_name = false;
    for line in head.split("\r\n") {
        let (name, value) = line.split_once(':').ok_or(Malformed)?;
        let value = value.trim();
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            let (kind, rest) = value.split_once(';').unwrap_or((value, ""));
            if !kind.trim().eq_ignore_ascii_case("form-data") {
                return Err(Malformed);
            }
            for (key, param) in params(rest) {
                match key.as_str() {
                    "name" => {
                        part.name = param;
                        has_name = true;
                    }
                    "filename" => part.filename = Some(param),
                    _ => {}
                }
            }
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            part.content_type = Some(value.to_owned());
        }
    }
    if has_name { Ok(part) } else { Err(Malformed) }
}

/// Parse header parameters (`; a=1; b="x \"y\""`) into lower-cased names and unquoted values.
pub fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
        if rest.is_empty() {
            return out;
        }
        let key_end = rest.find(['=', ';']).unwrap_or(rest.len());
        let key = rest[..key_end].trim().to_ascii_lowercase();
        rest = &rest[key_end..];
        let Some(value) = rest.strip_prefix('=') else {
            out.push((key, String::new()));
            continue;
        };
        let value = value.trim_start();
        let (value, remaining) = match value.strip_prefix('"') {
            Some(quoted) => unquote(quoted),
            None => {
                let end = value.find(';').unwrap_or(value.len());
                (value[..end].trim().to_owned(), &value[end..])
            }
        };
        out.push((key, value));
        rest = remaining;
    }
}

/// Read a quoted string whose opening quote is already consumed; returns it and what follows.
fn unquote(s: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (value, &s[i + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            _ => value.push(c),
        }
    }
    (value, "")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut start = 0;
    while let Some(offset) = haystack.get(start..)?.iter().position(|&b| b == first) {
        let at = start + offset;
        if haystack.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_handle_quotes_escapes_and_bare_names() {
        let got = params(r#" Name="a \"q\"; b" ; FILENAME=x.txt;flag; empty="""#);
        let want = [
            ("name", "a \"q\"; b"),
            ("filename", "x.txt"),
            ("flag", ""),
            ("empty", ""),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn parses_preamble_empty_parts_and_padding() {
        let body = b"preamble\r\n--b  \r\n\
Content-Disposition: form-data; name=\"a\"\r\n\r\n\
\r\n\
--b\r\n\
content-disposition: form-data; name=f; filename=\"f.txt\"\r\n\
content-type: text/plain\r\n\r\n\
line1\r\nline2 --b not a delimiter\r\n\
--b--\r\nepilogue";
        let parts = parse(body, "b");
        let want = vec![
            Part {
                name: "a".into(),
                ..Part::default()
            },
            Part {
                name: "f".into(),
                filename: Some("f.txt".into()),
                content_type: Some("text/plain".into()),
                body: b"line1\r\nline2 --b not a delimiter".to_vec(),
            },
        ];
        assert_eq!(parts, Ok(want));
    }

    #[test]
    fn rejects_malformed_bodies() {
        let no_name = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--";
        assert_eq!(parse(no_name, "b"), Err(Malformed));
        assert_eq!(parse(b"--b\r\n\r\nx", "b"), Err(Malformed));
        assert_eq!(parse(b"nothing here", "b"), Err(Malformed));
        assert_eq!(parse(b"--bX", "b"), Err(Malformed));
        assert_eq!(parse(b"--b--", ""), Err(Malformed));
        let attachment = b"--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--";
        assert_eq!(parse(attachment, "b"), Err(Malformed));
    }

    #[test]
    fn find_locates_needles() {
        assert_eq!(find(b"aab", b"ab"), Some(1));
        assert_eq!(find(b"aa", b"ab"), None);
        assert_eq!(find(b"", b"a"), None);
        assert_eq!(find(b"a", b""), None);
    }
}
