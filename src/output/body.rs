//! What a response body is (JSON, text or binary), and body sizes for people.

/// How a body should be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON document: pretty-print it.
    Json,
    /// Text: print it as received.
    Text,
    /// Bytes a terminal should not receive: summarise instead of printing.
    Binary,
}

/// How many leading bytes [`classify`] looks at.
pub const SNIFF_LEN: usize = 1024;

/// Classify a body from its `Content-Type` and its first bytes.
///
/// The sniff (at most [`SNIFF_LEN`] bytes of `first_bytes`) wins when it finds binary data: a
/// NUL byte, or bytes that are not UTF-8 other than a multi-byte character cut off at the end
/// of the window. Otherwise the content type decides: `application/json`, `text/json` and
/// `*/*+json` are JSON; everything else is shown as text. With no content type, a body whose
/// first non-whitespace byte is `{` or `[` is JSON. An empty body is text.
pub fn classify(content_type: Option<&str>, first_bytes: &[u8]) -> BodyKind {
    let window = &first_bytes[..first_bytes.len().min(SNIFF_LEN)];
    if looks_binary(window) {
        return BodyKind::Binary;
    }
    match content_type.map(essence) {
        Some(mime) if is_json_mime(&mime) => BodyKind::Json,
        Some(_) => BodyKind::Text,
        None => match window.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[') => BodyKind::Json,
            _ => BodyKind::Text,
        },
    }
}

/// The media type without parameters, trimmed and lower-cased (`Application/JSON; charset=x`
/// gives `application/json`).
fn essence(content_type: &str) -> String {
    let mime = content_type.split(';').next().unwrap_or_default();
    mime.trim().to_ascii_lowercase()
}

fn is_json_mime(mime: &str) -> bool {
    match mime.split_once('/') {
        Some((_, subtype)) => {
            mime == "application/json" || mime == "text/json" || subtype.ends_with("+json")
        }
        None => false,
    }
}

fn looks_binary(window: &[u8]) -> bool {
    if window.contains(&0) {
        return true;
    }
    match std::str::from_utf8(window) {
        Ok(_) => false,
        // `error_len() == None`: the window ends inside a character, which the cut made.
        Err(e) => e.error_len().is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for ct in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "text/json",
            "application/problem+json",
            "application/vnd.api+json;version=1",
        ] {
            assert_eq!(classify(Some(ct), b"{}"), BodyKind::Json, "{ct}");
        }
    }

    #[test]
    fn text_content_types() {
        for ct in [
            "text/plain",
            "text/html; charset=utf-8",
            "application/xml",
            "image/svg+xml",
            "application/javascript",
            "application/x-www-form-urlencoded",
            "application/x-ndjson",
            "application/jsonp",
        ] {
            assert_eq!(classify(Some(ct), b"{\"a\":1}"), BodyKind::Text, "{ct}");
        }
    }

    #[test]
    fn sniffing_without_content_type() {
        assert_eq!(classify(None, b"  \n\t{\"a\": 1}"), BodyKind::Json);
        assert_eq!(classify(None, b"[1, 2]"), BodyKind::Json);
        assert_eq!(classify(None, b"hello"), BodyKind::Text);
        assert_eq!(classify(None, b"\"just a string\""), BodyKind::Text);
        assert_eq!(classify(None, b""), BodyKind::Text);
        assert_eq!(classify(Some("application/json"), b""), BodyKind::Json);
    }

    #[test]
    fn binary_detection() {
        assert_eq!(classify(None, b"abc\0def"), BodyKind::Binary);
        assert_eq!(
            classify(Some("application/json"), b"{\"a\":\0}"),
            BodyKind::Binary
        );
        // PNG signature: 0x89 is not UTF-8.
        assert_eq!(
            classify(Some("image/png"), b"\x89PNG\r\n\x1a\n"),
            BodyKind::Binary
        );
        // Invalid UTF-8 in the middle.
        assert_eq!(
            classify(Some("text/plain"), b"caf\xc3 au lait"),
            BodyKind::Binary
        );
    }

    #[test]
    fn cut_off_character_at_the_end_is_not_binary() {
        // "é" is C3 A9: the first bytes may end between the two.
        assert_eq!(classify(Some("text/plain"), b"caf\xc3"), BodyKind::Text);
        // The same cut exactly at the sniff window boundary, with more bytes after it.
        let mut body = vec![b'a'; SNIFF_LEN - 1];
        body.extend_from_slice("é and more".as_bytes());
        assert_eq!(classify(Some("text/plain"), &body), BodyKind::Text);
        // A NUL after the window is not seen.
        let mut body = vec![b'a'; SNIFF_LEN];
        body.push(0);
        assert_eq!(classify(None, &body), BodyKind::Text);
    }
}
