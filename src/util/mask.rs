//! Masking: every output postie makes passes through here, so a secret's value never reaches a
//! terminal, a log, a report or a file postie writes (`-o FILE` alone writes exact bytes).
//!
//! Secrets are registered as they are resolved; each value is masked in the forms a server or a
//! display may show it in: as is, JSON-escaped, and percent-encoded (query and form). Matching is
//! leftmost-longest (aho-corasick), so a secret inside a longer header value is masked too.
//! `--show-secrets` turns masking off.

use std::io::Write;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

/// What a secret's value is replaced with.
pub const MASK: &str = "••••••";

/// Shared by everything that writes: cheap to clone, safe to use from any thread.
#[derive(Clone, Default)]
pub struct Masker {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Default)]
struct Inner {
    disabled: bool,
    /// (name, value) pairs, in the order they were resolved.
    secrets: Vec<(String, String)>,
    patterns: Vec<String>,
    matcher: Option<Arc<Matcher>>,
}

struct Matcher {
    ac: AhoCorasick,
    longest: usize,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.read(|inner| inner.secrets.len());
        write!(f, "Masker({count} secrets)")
    }
}

impl Masker {
    /// `show_secrets`: the user asked (`--show-secrets`) to see values unmasked.
    pub fn new(show_secrets: bool) -> Masker {
        let masker = Masker::default();
        masker.write(|inner| inner.disabled = show_secrets);
        masker
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        match self.inner.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.write() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Register a secret's value (empty values are ignored: there is nothing to hide).
    pub fn add(&self, name: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        self.write(|inner| {
            if inner.secrets.iter().any(|(_, v)| v == value) {
                return;
            }
            inner.secrets.push((name.to_string(), value.to_string()));
            for form in forms(value) {
                if !inner.patterns.contains(&form) {
                    inner.patterns.push(form);
                }
            }
            inner.matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&inner.patterns)
                .ok()
                .map(|ac| {
                    let longest = inner.patterns.iter().map(String::len).max().unwrap_or(0);
                    Arc::new(Matcher { ac, longest })
                });
        });
    }

    /// Register values derived from secrets in a request's headers: the base64 token of a
    /// Basic `Authorization` header whose `user:password` holds a secret.
    pub fn add_derived(&self, headers: &[(String, String)]) {
        let secrets = self.secrets();
        if secrets.is_empty() {
            return;
        }
        for (name, value) in headers {
            let Some((token, credentials)) = basic_credentials(name, value) else {
                continue;
            };
            if let Some((secret, _)) = secrets
                .iter()
                .find(|(_, v)| credentials.contains(v.as_str()))
            {
                self.add(secret, token);
            }
        }
    }

    /// The secrets registered so far, as (name, value): for `show --curl`, which refers to
    /// their environment variables instead of printing them.
    pub fn secrets(&self) -> Vec<(String, String)> {
        self.read(|inner| inner.secrets.clone())
    }

    pub fn is_active(&self) -> bool {
        self.read(|inner| !inner.disabled && inner.matcher.is_some())
    }

    /// `text` holds a registered secret, in any of its forms (also with `--show-secrets`:
    /// for what is sent, not what is shown).
    pub fn holds_secret(&self, text: &str) -> bool {
        self.read(|inner| inner.matcher.as_ref().is_some_and(|m| m.ac.is_match(text)))
    }

    fn matcher(&self) -> Option<Arc<Matcher>> {
        self.read(|inner| {
            if inner.disabled {
                None
            } else {
                inner.matcher.clone()
            }
        })
    }

    /// `text` with every secret replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        match self.matcher() {
            Some(m) => m.ac.replace_all(text, &vec![MASK; m.ac.patterns_len()]),
            None => text.to_string(),
        }
    }

    /// A masker for a stream of bytes (a response body), with the secrets known now.
    pub fn stream(&self) -> StreamMask {
        StreamMask {
            matcher: self.matcher(),
            carry: Vec::new(),
        }
    }

    /// Wrap a writer so that what goes through it is masked.
    pub fn writer<W: Write>(&self, inner: W) -> MaskWriter<W> {
        MaskWriter {
            inner,
            stream: self.stream(),
            out: Vec::new(),
        }
    }
}

/// A Basic `Authorization` header's token and its decoded `user:password`.
pub fn basic_credentials<'v>(name: &str, value: &'v str) -> Option<(&'v str, String)> {
    use base64::Engine as _;
    if !name.eq_ignore_ascii_case("authorization") {
        return None;
    }
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let token = token.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    Some((token, String::from_utf8(decoded).ok()?))
}

/// The forms a value may be shown in: as is, JSON-escaped, percent-encoded.
fn forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_string()];
    if let Ok(json) = serde_json::to_string(value) {
        forms.push(json[1..json.len() - 1].to_string());
    }
    forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    forms.push(
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    );
    forms.dedup();
    forms.retain(|f| !f.is_empty());
    forms
}

/// Masks a byte stream chunk by chunk; a secret split across two chunks is still masked
/// (the last `longest - 1` bytes are held back until more data or the end).
pub struct StreamMask {
    matcher: Option<Arc<Matcher>>,
    carry: Vec<u8>,
}

impl StreamMask {
    /// Mask `chunk`, appending what can be written now to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let Some(m) = self.matcher.clone() else {
            out.extend_from_slice(chunk);
            return;
        };
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        // A match starting before `safe` lies wholly inside `data`.
        let safe = data.len().saturating_sub(m.longest.saturating_sub(1));
        let mut pos = 0;
        for found in m.ac.find_iter(&data) {
            if found.start() >= safe {
                break;
            }
            out.extend_from_slice(&data[pos..found.start()]);
            out.extend_from_slice(MASK.as_bytes());
            pos = found.end();
        }
        let keep_from = pos.max(safe);
        out.extend_from_slice(&data[pos..keep_from]);
        self.carry = data[keep_from..].to_vec();
    }

    /// The end of the stream: mask and append what was held back.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let data = std::mem::take(&mut self.carry);
        match &self.matcher {
            Some(m) => out.extend_from_slice(
                &m.ac
                    .replace_all_bytes(&data, &vec![MASK.as_bytes(); m.ac.patterns_len()]),
            ),
            None => out.extend_from_slice(&data),
        }
    }
}

/// A `Write` that masks what passes through; `flush` writes what can be written, and dropping
/// it (or [`MaskWriter::finish`]) writes the held-back tail.
pub struct MaskWriter<W: Write> {
    inner: W,
    stream: StreamMask,
    out: Vec<u8>,
}

impl<W: Write> MaskWriter<W> {
    /// Write the held-back tail and return the inner writer.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.stream.finish(&mut self.out);
        self.inner.write_all(&self.out)?;
        self.out.clear();
        self.inner.flush()
    }
}

impl<W: Write> Write for MaskWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.push(buf, &mut self.out);
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form_inside_longer_text() {
        let m = Masker::new(false);
        m.add("token", "s3cr/t x");
        assert_eq!(
            m.mask("Authorization: Bearer s3cr/t x!"),
            "Authorization: Bearer ••••••!"
        );
        m.add("quoted", "p\"w\\d");
        assert_eq!(m.mask(r#"{"pw":"p\"w\\d"}"#), r#"{"pw":"••••••"}"#);
        assert_eq!(m.mask("?t=s3cr%2Ft+x&u=s3cr%2Ft%20x"), "?t=••••••&u=••••••");
        assert_eq!(m.mask("nothing here"), "nothing here");
    }

    #[test]
    fn basic_auth_tokens_built_from_secrets_are_masked() {
        let m = Masker::new(false);
        m.add("pw", "lovelace");
        // base64("ada:lovelace")
        let headers = vec![(
            "Authorization".to_string(),
            "Basic YWRhOmxvdmVsYWNl".to_string(),
        )];
        m.add_derived(&headers);
        assert_eq!(
            m.mask("authorization: Basic YWRhOmxvdmVsYWNl"),
            "authorization: Basic ••••••"
        );
        let other = vec![(
            "Authorization".to_string(),
            "Basic Ym9iOnNlY3JldA==".to_string(),
        )];
        m.add_derived(&other);
        assert_eq!(m.mask("Basic Ym9iOnNlY3JldA=="), "Basic Ym9iOnNlY3JldA==");
    }

    #[test]
    fn show_secrets_turns_masking_off() {
        let m = Masker::new(true);
        m.add("token", "abc123");
        assert_eq!(m.mask("x abc123"), "x abc123");
        assert!(!m.is_active());
    }

    #[test]
    fn empty_values_are_ignored() {
        let m = Masker::new(false);
        m.add("empty", "");
        assert!(!m.is_active());
        assert_eq!(m.mask("abc"), "abc");
    }

    #[test]
    fn streams_mask_secrets_split_across_chunks() {
        let m = Masker::new(false);
        m.add("a", "SECRET-VALUE");
        m.add("b", "other");
        let body = b"xx SECRET-VALUE yy SECRET-VALUEother SECRET-VALU".to_vec();
        for size in [1, 2, 3, 5, 7, 11, 100] {
            let mut stream = m.stream();
            let mut out = Vec::new();
            for chunk in body.chunks(size) {
                stream.push(chunk, &mut out);
            }
            stream.finish(&mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "xx •••••• yy •••••••••••• SECRET-VALU",
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn writer_masks_and_finishes() {
        let m = Masker::new(false);
        m.add("a", "hunter2");
        let mut buf = Vec::new();
        let mut w = m.writer(&mut buf);
        w.write_all(b"pass=hun").unwrap();
        w.write_all(b"ter2;").unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "pass=••••••;");
    }
}
