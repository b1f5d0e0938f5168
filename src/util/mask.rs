//! Masking: every output postie makes passes through here, so a secret's value never reaches a
//! terminal, a log, a report or a file postie writes (`-o FILE` alone writes exact bytes).
//!
//! Secrets are registered as they are resolved; each value is masked in the forms a server or a
//! display may show it in: as is, JSON-escaped, and percent-encoded (query and form). Every
//! occurrence of every form is found (overlapping ones too) and their union is masked, so a
//! secret inside a longer header value is masked too (aho-corasick's packed SIMD searcher for up
//! to 64 forms, its automaton beyond). `--show-secrets` turns masking off.

use std::io::Write;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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

/// The automata over the registered patterns. Each covers a run of consecutive patterns,
/// oldest (largest) first: a new secret adds a small one, merged with the one before while it
/// is as large (a binary counter). Registering n secrets one at a time (a server rotating its
/// session cookie on every response) so builds O(n log n) pattern bytes instead of O(n²), and
/// a search runs O(log n) automata.
struct Matcher {
    levels: Vec<Level>,
    longest: usize,
    /// No secret fits in a text shorter than this (most header values and status reasons):
    /// such texts are not searched at all.
    shortest: usize,
    /// Searches handed this matcher (see [`Masker::matcher`]): one with several levels that
    /// is used as often as it has patterns, with no secret added meanwhile, is rebuilt as one
    /// automaton, so a run whose secrets stopped changing (an OAuth2 token and its client
    /// secret, added at different times) searches once per text, not once per level.
    uses: std::sync::atomic::AtomicUsize,
}

#[derive(Clone)]
struct Level {
    search: Search,
    /// The run of `Inner::patterns` it matches.
    start: usize,
    len: usize,
}

/// How a level finds its patterns. Up to [`PACKED_UP_TO`] patterns: aho-corasick's packed
/// SIMD searcher (Teddy; Rabin-Karp on texts shorter than its window), one pass over the text
/// whatever the number of patterns (an OAuth2 run's 8 patterns: 1 KB body and ten header
/// values in ~95 and ~85 ns, against ~255 and ~280 ns for one memmem finder per pattern, and
/// 5x faster than the automaton's shared rare-byte prefilter). Teddy serves leftmost-first
/// semantics only: with the patterns longest first, the match it reports at a start is the
/// longest there, as leftmost-longest would give. Where the CPU has no SSSE3: one memmem
/// finder per pattern. More patterns: one automaton.
#[derive(Clone)]
enum Search {
    Packed(aho_corasick::packed::Searcher),
    Finders(Vec<memchr::memmem::Finder<'static>>),
    Automaton(AhoCorasick),
}

/// Levels of at most this many patterns use [`Search::Packed`] (Teddy's own limit is 64).
const PACKED_UP_TO: usize = 64;

impl Search {
    fn new(patterns: &[String]) -> Option<Search> {
        if patterns.len() <= PACKED_UP_TO {
            return Some(Search::packed(patterns).unwrap_or_else(|| Search::finders(patterns)));
        }
        Search::automaton(patterns)
    }

    /// Teddy over `patterns` longest first; `None` where it cannot run (no SSSE3).
    fn packed(patterns: &[String]) -> Option<Search> {
        use aho_corasick::packed::{Config, MatchKind};
        let mut longest_first: Vec<&String> = patterns.iter().collect();
        longest_first.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            // Its heuristics refuse more than 16 patterns when one is a single byte (slower
            // verification, still correct, and still one pass).
            .heuristic_pattern_limits(false)
            .builder()
            .extend(longest_first)
            .build()
            .map(Search::Packed)
    }

    fn finders(patterns: &[String]) -> Search {
        let finders = patterns
            .iter()
            .map(|p| memchr::memmem::Finder::new(p.as_bytes()).into_owned())
            .collect();
        Search::Finders(finders)
    }

    /// A contiguous NFA, not a DFA: a DFA over a long secret (a 64 KiB `[secrets]` command
    /// output, a PEM key) takes seconds to minutes to build. Leftmost-longest: the packed
    /// SIMD prefilter (Teddy) only serves leftmost-first semantics. Overlaps: see
    /// `occurrences`.
    fn automaton(patterns: &[String]) -> Option<Search> {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()
            .map(Search::Automaton)
    }

    fn is_match(&self, haystack: &[u8]) -> bool {
        match self {
            Search::Packed(teddy) => teddy.find(haystack).is_some(),
            Search::Finders(finders) => finders.iter().any(|f| f.find(haystack).is_some()),
            Search::Automaton(ac) => ac.is_match(haystack),
        }
    }

    /// Every (start, end) where a pattern occurs, overlapping ones too (for the packed
    /// searcher and the automaton: each start with the longest pattern there, which covers
    /// the shorter ones).
    fn occurrences(&self, haystack: &[u8], out: &mut Vec<(usize, usize)>) {
        match self {
            Search::Packed(teddy) => {
                let mut from = 0;
                while from < haystack.len() {
                    let span = aho_corasick::Span::from(from..haystack.len());
                    let Some(m) = teddy.find_in(haystack, span) else {
                        break;
                    };
                    out.push((m.start(), m.end()));
                    from = m.start() + 1;
                }
            }
            Search::Finders(finders) => {
                for f in finders {
                    let len = f.needle().len();
                    let mut from = 0;
                    while let Some(i) = f.find(&haystack[from..]) {
                        out.push((from + i, from + i + len));
                        from += i + 1;
                    }
                }
            }
            Search::Automaton(ac) => {
                let mut from = 0;
                while from < haystack.len() {
                    let input = aho_corasick::Input::new(haystack).span(from..haystack.len());
                    let Some(m) = ac.find(input) else {
                        break;
                    };
                    out.push((m.start(), m.end()));
                    from = m.start() + 1;
                }
            }
        }
    }
}

/// The fewest searches before a matcher of several levels is rebuilt as one.
const COMPACT_AFTER_USES: usize = 16;

impl Matcher {
    /// `old` with the patterns from `added` on; `None` if an automaton could not be built.
    fn grow(old: Option<&Matcher>, patterns: &[String], added: usize) -> Option<Matcher> {
        let mut levels = old.map(|m| m.levels.clone()).unwrap_or_default();
        let level = |start: usize, len: usize| {
            Search::new(&patterns[start..start + len]).map(|search| Level { search, start, len })
        };
        if added < patterns.len() {
            levels.push(level(added, patterns.len() - added)?);
        }
        while let [.., a, b] = levels.as_slice()
            && b.len >= a.len
        {
            let (start, len) = (a.start, a.len + b.len);
            levels.truncate(levels.len() - 2);
            levels.push(level(start, len)?);
        }
        let longest = patterns.iter().map(String::len).max().unwrap_or(0);
        let shortest = patterns.iter().map(String::len).min().unwrap_or(0);
        (!levels.is_empty()).then_some(Matcher {
            levels,
            longest,
            shortest,
            uses: Default::default(),
        })
    }

    /// Every pattern in one automaton; `None` if it could not be built.
    fn single(patterns: &[String]) -> Option<Matcher> {
        Matcher::grow(None, patterns, 0).filter(|m| m.levels.len() == 1)
    }

    /// Counts a use; true when this is the use after which it should become one automaton.
    fn due_for_compaction(&self, patterns: usize) -> bool {
        if self.levels.len() < 2 {
            return false;
        }
        let uses = self.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        uses == patterns.max(COMPACT_AFTER_USES)
    }

    fn is_match(&self, haystack: &[u8]) -> bool {
        haystack.len() >= self.shortest && self.levels.iter().any(|l| l.search.is_match(haystack))
    }

    /// Where secrets are in `haystack`, in order: every occurrence of every pattern, those
    /// that overlap merged into one span, so the result does not depend on how the patterns
    /// are split into automata.
    fn spans(&self, haystack: &[u8]) -> Vec<(usize, usize)> {
        let mut all: Vec<(usize, usize)> = Vec::new();
        if haystack.len() < self.shortest {
            return all;
        }
        for level in &self.levels {
            level.search.occurrences(haystack, &mut all);
        }
        all.sort_unstable();
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(all.len());
        for (start, end) in all {
            match spans.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => spans.push((start, end)),
            }
        }
        spans
    }

    /// `haystack` with every secret replaced by [`MASK`].
    /// `None` when it holds none (most texts: nothing is copied for them).
    fn replace(&self, haystack: &[u8]) -> Option<Vec<u8>> {
        let spans = self.spans(haystack);
        if spans.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(haystack.len());
        let mut pos = 0;
        for (start, end) in spans {
            out.extend_from_slice(&haystack[pos..start]);
            out.extend_from_slice(MASK.as_bytes());
            pos = end;
        }
        out.extend_from_slice(&haystack[pos..]);
        Some(out)
    }
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
            let added = inner.patterns.len();
            for form in forms(value) {
                if !inner.patterns.contains(&form) {
                    inner.patterns.push(form);
                }
            }
            let old = inner.matcher.as_deref();
            // Without an automaton yet (or after one failed to build), over every pattern.
            let from = if old.is_some() { added } else { 0 };
            if from < inner.patterns.len() {
                inner.matcher = Matcher::grow(old, &inner.patterns, from).map(Arc::new);
            }
        });
    }

    /// Register values derived from secrets in a request's headers: the base64 token of a
    /// Basic `Authorization` header whose `user:password` holds a secret.
    pub fn add_derived(&self, headers: &[(String, String)]) {
        let basic: Vec<(&str, String)> = headers
            .iter()
            .filter_map(|(name, value)| basic_credentials(name, value))
            .collect();
        // Most requests have none: the secrets (a thousand rotating cookies) are not copied.
        if basic.is_empty() {
            return;
        }
        let secrets = self.secrets();
        for (token, credentials) in basic {
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

    /// `--show-secrets`: nothing is masked.
    pub fn reveals(&self) -> bool {
        self.read(|inner| inner.disabled)
    }

    pub fn is_active(&self) -> bool {
        self.read(|inner| !inner.disabled && inner.matcher.is_some())
    }

    /// `text` holds a registered secret, in any of its forms (also with `--show-secrets`:
    /// for what is sent, not what is shown).
    pub fn holds_secret(&self, text: &str) -> bool {
        self.read(|inner| {
            inner
                .matcher
                .as_ref()
                .is_some_and(|m| m.is_match(text.as_bytes()))
        })
    }

    fn matcher(&self) -> Option<Arc<Matcher>> {
        let (m, patterns) = self.read(|inner| {
            if inner.disabled {
                None
            } else {
                inner.matcher.clone().map(|m| (m, inner.patterns.len()))
            }
        })?;
        if !m.due_for_compaction(patterns) {
            return Some(m);
        }
        self.write(|inner| {
            // Only if no secret was added since: then the patterns are the same.
            if inner
                .matcher
                .as_ref()
                .is_some_and(|now| Arc::ptr_eq(now, &m))
                && let Some(one) = Matcher::single(&inner.patterns)
            {
                inner.matcher = Some(Arc::new(one));
            }
            inner.matcher.clone()
        })
    }

    /// `text` with every secret replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        self.masked(text).into_owned()
    }

    /// [`Masker::mask`], borrowing `text` when it holds no secret.
    pub fn masked<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match self.matcher().and_then(|m| m.replace(text.as_bytes())) {
            // Matches of UTF-8 patterns in UTF-8 text start and end on character boundaries.
            Some(out) => String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
                .into(),
            None => text.into(),
        }
    }

    /// `bytes` with every secret replaced by [`MASK`]; `None` when they hold none.
    pub fn masked_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        self.matcher()?.replace(bytes)
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

/// A `Cookie` or `Set-Cookie` header's value with the cookie values masked (their names and
/// the attributes stay): `a=••••••; b=••••••`, `sid=••••••; Path=/; HttpOnly`. `None` for any
/// other header. Cookie values are credentials whatever their length.
pub fn cookie_header(name: &str, value: &str) -> Option<String> {
    let pair = |pair: &str| match pair.split_once('=') {
        Some((name, value)) if !value.trim().is_empty() => format!("{name}={MASK}"),
        _ => pair.to_owned(),
    };
    if name.eq_ignore_ascii_case("cookie") {
        Some(value.split(';').map(pair).collect::<Vec<_>>().join(";"))
    } else if name.eq_ignore_ascii_case("set-cookie") {
        Some(match value.split_once(';') {
            Some((first, attributes)) => format!("{};{attributes}", pair(first)),
            None => pair(value),
        })
    } else {
        None
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

/// The forms a value may be shown in: as is; JSON-escaped (as serde_json writes it, and with
/// non-ASCII as `\u00fc` and `/` as `\/`, as Python and PHP servers echo it); percent-encoded
/// as form-urlencoding and the URL serialiser write it in each part of a URL (path, query,
/// fragment, user info; `\` turned into `/` in a path), with upper- and lower-case hex digits;
/// lower-cased and IDNA-encoded as in a host name.
fn forms(value: &str) -> Vec<String> {
    use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
    // The `url` crate's encode sets (url/src/parser.rs), as the WHATWG URL standard has them.
    const FRAGMENT: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');
    const PATH: &AsciiSet = &FRAGMENT.add(b'#').add(b'?').add(b'{').add(b'}');
    const USERINFO: &AsciiSet = &PATH
        .add(b'/')
        .add(b':')
        .add(b';')
        .add(b'=')
        .add(b'@')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'|');
    // `user:password` written as one value (`http://{{secret:creds}}@host`).
    const USER_AND_PASSWORD: &AsciiSet = &USERINFO.remove(b':');
    const PATH_SEGMENT: &AsciiSet = &PATH.add(b'/').add(b'%');
    const SPECIAL_PATH_SEGMENT: &AsciiSet = &PATH_SEGMENT.add(b'\\');
    const QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');
    const SPECIAL_QUERY: &AsciiSet = &QUERY.add(b'\'');

    let mut forms = vec![value.to_string()];
    if let Ok(json) = serde_json::to_string(value) {
        let json = json[1..json.len() - 1].to_string();
        let mut ascii = String::with_capacity(json.len());
        for c in json.chars() {
            if c.is_ascii() {
                ascii.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    ascii.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        forms.push(ascii.replace('/', "\\/"));
        forms.push(json.replace('/', "\\/"));
        forms.push(ascii);
        forms.push(json);
    }
    let mut encoded: Vec<String> = vec![
        url::form_urlencoded::byte_serialize(value.as_bytes()).collect(),
        utf8_percent_encode(value, NON_ALPHANUMERIC).to_string(),
    ];
    // The URL parser drops tabs and line breaks, and turns `\` into `/` in a path.
    let stripped = value.replace(['\t', '\n', '\r'], "");
    for source in [value, stripped.as_str()] {
        for set in [
            FRAGMENT,
            PATH,
            USERINFO,
            USER_AND_PASSWORD,
            PATH_SEGMENT,
            SPECIAL_PATH_SEGMENT,
            QUERY,
            SPECIAL_QUERY,
        ] {
            encoded.push(utf8_percent_encode(source, set).to_string());
        }
        encoded.push(utf8_percent_encode(&source.replace('\\', "/"), PATH).to_string());
    }
    let lower_hex: Vec<String> = encoded.iter().map(|e| lower_hex(e)).collect();
    forms.extend(encoded);
    forms.extend(lower_hex);
    let lower = value.to_lowercase();
    if let Ok(url::Host::Domain(host)) = url::Host::parse(&lower) {
        forms.push(host);
    }
    forms.push(lower);
    let mut unique = Vec::with_capacity(forms.len());
    for form in forms {
        if !form.is_empty() && !unique.contains(&form) {
            unique.push(form);
        }
    }
    unique
}

/// `%2F` → `%2f`: a percent-encoded text with lower-case hex digits.
fn lower_hex(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push('%');
            out.push(bytes[i + 1].to_ascii_lowercase() as char);
            out.push(bytes[i + 2].to_ascii_lowercase() as char);
            i += 3;
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
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
        for (start, end) in m.spans(&data) {
            if start >= safe {
                break;
            }
            out.extend_from_slice(&data[pos..start]);
            out.extend_from_slice(MASK.as_bytes());
            pos = end;
        }
        let keep_from = pos.max(safe);
        out.extend_from_slice(&data[pos..keep_from]);
        self.carry = data[keep_from..].to_vec();
    }

    /// The end of the stream: mask and append what was held back.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let data = std::mem::take(&mut self.carry);
        match &self.matcher {
            Some(m) => out.extend_from_slice(m.replace(&data).as_deref().unwrap_or(&data)),
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
    fn secrets_added_one_at_a_time_are_all_masked_with_few_automata() {
        let masker = Masker::default();
        let values: Vec<String> = (0..1000).map(|i| format!("sid-{i:04}-rotating")).collect();
        for (i, value) in values.iter().enumerate() {
            masker.add("sid", value);
            // The newest and the oldest are masked at every step.
            let text = format!("a {value} b {} c", values[0]);
            assert_eq!(
                masker.mask(&text),
                format!("a {MASK} b {MASK} c"),
                "step {i}"
            );
        }
        let levels = masker.read(|inner| inner.matcher.as_ref().map(|m| m.levels.len()));
        // A binary counter of 1000 patterns: one automaton per set bit.
        assert_eq!(levels, Some(1000_u32.count_ones() as usize));
        let all = values.join(" ");
        let masked = masker.mask(&all);
        assert_eq!(masked, vec![MASK; 1000].join(" "));
        let mut stream = masker.stream();
        let mut out = Vec::new();
        for chunk in all.as_bytes().chunks(7) {
            stream.push(chunk, &mut out);
        }
        stream.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), masked);
    }

    #[test]
    fn packed_finders_and_automaton_find_the_same_occurrences() {
        // A small alphabet makes overlaps and self-overlaps (`aba` in `ababa`) common.
        let mut seed = 0x2545_f491_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let word = |len: usize, next: &mut dyn FnMut(u64) -> usize| -> String {
            (0..len).map(|_| ['a', 'b', 'c', 'é'][next(4)]).collect()
        };
        for round in 0..800 {
            // Some rounds with many patterns and texts longer than Teddy's window (shorter
            // ones it searches with Rabin-Karp).
            let count = 1 + next(if round % 4 == 0 { 40 } else { 6 } as u64);
            let patterns: Vec<String> = (0..count).map(|_| word(1 + next(4), &mut next)).collect();
            let haystack = word(next(if round % 2 == 0 { 300 } else { 40 }), &mut next);
            let finders = Search::finders(&patterns);
            let automaton = Search::automaton(&patterns).unwrap();
            let packed = Search::packed(&patterns);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("ssse3") {
                assert!(matches!(Search::new(&patterns), Some(Search::Packed(_))));
            }
            let union = |search: &Search| {
                let mut all = Vec::new();
                search.occurrences(haystack.as_bytes(), &mut all);
                all.sort_unstable();
                let mut covered = vec![false; haystack.len()];
                for (start, end) in all {
                    covered[start..end].iter_mut().for_each(|c| *c = true);
                }
                covered
            };
            let covered = union(&automaton);
            assert_eq!(union(&finders), covered, "{patterns:?} in {haystack:?}");
            let hit = automaton.is_match(haystack.as_bytes());
            assert_eq!(finders.is_match(haystack.as_bytes()), hit);
            if let Some(packed) = &packed {
                assert_eq!(union(packed), covered, "{patterns:?} in {haystack:?}");
                assert_eq!(packed.is_match(haystack.as_bytes()), hit);
            }
        }
    }

    #[test]
    fn overlapping_secrets_of_different_automata_are_masked_as_one() {
        let masker = Masker::default();
        masker.add("a", "abcdef");
        masker.add("b", "zzzzzz");
        masker.add("c", "cdefgh");
        let levels = masker.read(|inner| inner.matcher.as_ref().map(|m| m.levels.len()));
        assert_eq!(levels, Some(2));
        // Leftmost-longest matching alone would mask `abcdef` and leave `gh` of `cdefgh` shown.
        assert_eq!(masker.mask("x abcdefgh y"), format!("x {MASK} y"));
        assert_eq!(masker.mask("abcdef cdefgh"), format!("{MASK} {MASK}"));
        assert!(masker.holds_secret("..cdefgh.."));
        // Used often enough with no new secret, the three become one automaton, which masks
        // the same.
        for _ in 0..COMPACT_AFTER_USES {
            assert_eq!(masker.mask("x abcdefgh y"), format!("x {MASK} y"));
        }
        let levels = masker.read(|inner| inner.matcher.as_ref().map(|m| m.levels.len()));
        assert_eq!(levels, Some(1));
        assert_eq!(masker.mask("x abcdefgh y"), format!("x {MASK} y"));
        assert_eq!(masker.mask("abcdef cdefgh"), format!("{MASK} {MASK}"));
        assert_eq!(masker.mask("zz zzzzzz%22"), format!("zz {MASK}%22"));
        // A secret added later starts a new level again, and is masked at once.
        masker.add("d", "qwerty");
        assert_eq!(masker.mask("qwerty abcdef"), format!("{MASK} {MASK}"));
    }

    #[test]
    fn cookie_headers_mask_values_and_keep_names_and_attributes() {
        assert_eq!(
            cookie_header("Cookie", "a=1; sid=xyz").as_deref(),
            Some(&*format!("a={MASK}; sid={MASK}"))
        );
        assert_eq!(
            cookie_header("set-cookie", "sid=xyz; Path=/; HttpOnly").as_deref(),
            Some(&*format!("sid={MASK}; Path=/; HttpOnly"))
        );
        assert_eq!(
            cookie_header("set-cookie", "gone=; Max-Age=0").as_deref(),
            Some("gone=; Max-Age=0")
        );
        assert_eq!(cookie_header("x-cookie", "a=1"), None);
    }

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

    /// The URL serialiser itself is the reference: a secret put in each part of a URL, as
    /// `url::Url` writes it, is masked whole.
    #[test]
    fn every_part_of_a_url_as_the_serialiser_writes_it_is_masked() {
        let values = [
            "pa ss/wo+rd",
            "Hq7Z a/b+c\"d\\e%41&f=Vx2K",
            "Jm4W \u{fc}/\u{df}+\u{20ac}\"\\%2F&k=Rp8T",
            "a'b`c{d}e|f^g[h]i;j:k@l=m",
            "tab\tand<angle>",
        ];
        let mut cases = 0;
        for value in values {
            let m = Masker::new(false);
            m.add("s", value);
            let mut urls = vec![
                format!("http://h/p/{value}/x"),
                format!("http://h/p?k={value}&z=1"),
                format!("http://h/p#{value}"),
                format!("http://u:{value}@h/p"),
                format!("http://{value}@h/p"),
            ];
            let mut built = url::Url::parse("http://h/").unwrap();
            built.query_pairs_mut().append_pair("k", value);
            urls.push(built.to_string());
            built.path_segments_mut().unwrap().push(value);
            urls.push(built.to_string());
            for text in urls {
                let Ok(url) = url::Url::parse(&text) else {
                    continue;
                };
                let shown = m.mask(url.as_str());
                assert!(shown.contains(MASK), "{value:?} in {url} → {shown}");
                for marker in ["pa", "ss", "Hq7Z", "Vx2K", "Jm4W", "Rp8T", "tab", "angle"] {
                    if value.contains(marker) {
                        assert!(!shown.contains(marker), "{value:?} in {url} → {shown}");
                    }
                }
                cases += 1;
            }
        }
        assert!(cases >= 29, "{cases}");
        // A host name: lower-cased (and IDNA-encoded) by the serialiser.
        let m = Masker::new(false);
        m.add("s", "Tenant-SECRET-42");
        m.add("t", "B\u{fc}ro-Key7");
        let url = url::Url::parse("http://Tenant-SECRET-42.B\u{fc}ro-Key7.example/").unwrap();
        assert_eq!(
            m.mask(url.as_str()),
            "http://••••••.••••••.example/",
            "{url}"
        );
    }

    #[test]
    fn json_escapes_of_other_servers_are_masked() {
        let m = Masker::new(false);
        m.add("s", "a/\u{fc}\"b\\c");
        // serde_json, Python's json.dumps (ensure_ascii), PHP's json_encode.
        for text in [
            r#""a/\u{fc}\"b\\c""#.replace("\\u{fc}", "\u{fc}"),
            r#""a/\u00fc\"b\\c""#.to_string(),
            r#""a\/\u00fc\"b\\c""#.to_string(),
        ] {
            assert_eq!(m.mask(&text), "\"••••••\"", "{text}");
        }
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
