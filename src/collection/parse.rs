//! Validation of the TOML tree into the collection model.
//!
//! The file is parsed into `toml::de::DeTable` (every key and value keeps its span) and walked
//! by hand, so unknown keys, wrong types and missing keys all point at the exact spot.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::diagnostic::SourceDiagnostic;
use super::model::*;
use super::{Collection, CollectionError};
use crate::request::{
    Capture, CaptureSource, Check, Expect, JsonPathExpr, Pattern, Predicate, StatusMatcher,
    Subject, WebhookExpect,
};
use crate::template::{PlaceholderKind, Template, is_name};
use crate::util::suggest::suggestion;
use crate::util::units::MAX_DURATION;

#[path = "parse_auth.rs"]
mod auth;
#[path = "parse_graphql.rs"]
mod graphql;

type Result<T> = std::result::Result<T, CollectionError>;
type Value<'i> = Spanned<DeValue<'i>>;

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "vars",
    "env",
    "defaults",
    "secrets",
    "requests",
];
const DEFAULTS_KEYS: &[&str] = &[
    "headers",
    "query",
    "auth",
    "timeout",
    "resolve",
    "connect_to",
];
const BODY_KEYS: &[&str] = &["json", "form", "text", "file", "multipart", "graphql"];
const REQUEST_KEYS: &[&str] = &[
    "name",
    "method",
    "url",
    "query",
    "headers",
    "json",
    "form",
    "text",
    "file",
    "multipart",
    "graphql",
    "content_type",
    "auth",
    "timeout",
    "follow_redirects",
    "max_redirects",
    "expect",
    "capture",
    "tags",
    "skip",
    "skip_if",
    "depends_on",
    "retry",
    "sign",
    "expect_webhook",
    "parallel",
];
/// Keys from the design that a later issue implements: a clearer error than "unknown".
const REQUEST_LATER: &[&str] = &[];

/// Every key the format knows, at any level (for tools that generate or mutate collections).
pub(super) fn known_keys() -> impl Iterator<Item = &'static str> {
    [
        TOP_KEYS,
        DEFAULTS_KEYS,
        REQUEST_KEYS,
        EXPECT_KEYS,
        PREDICATE_KEYS,
        auth::OAUTH2_KEYS,
        auth::CAPTURE_KEYS,
        graphql::GRAPHQL_KEYS,
    ]
    .into_iter()
    .flatten()
    .copied()
}
const EXPECT_KEYS: &[&str] = &["status", "headers", "json", "body", "duration", "cookies"];
const PREDICATE_KEYS: &[&str] = &[
    "equals", "exists", "contains", "matches", "length", "type", "gt", "gte", "lt", "lte",
];
const JSON_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "null", "array", "object",
];

/// Files at least this big are parsed in chunks of about this size (see [`parse_in_chunks`]).
const CHUNK: usize = 64 * 1024;

pub(super) fn parse(path: &Path, source: &str) -> Result<Collection> {
    if source.len() >= CHUNK
        && let Some(collection) = parse_in_chunks(path, source, CHUNK)
    {
        return Ok(collection);
    }
    parse_whole(path, source)
}

/// The whole file as one TOML document: the reference behaviour, and every error.
pub(super) fn parse_whole(path: &Path, source: &str) -> Result<Collection> {
    let root = DeTable::parse(source).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = e.message().to_string();
        if message == "duplicate key"
            && let Some(key) = source.get(span.clone())
        {
            message = format!("duplicate key `{key}`");
        }
        SourceDiagnostic::new(
            path,
            source,
            span,
            format!("invalid TOML in `{}`: {message}", path.display()),
            None,
        )
    })?;
    let mut p = Parser::new(path, source);
    let root = root.get_ref();
    let mut collection = p.top_level(root)?;
    if let Some(v) = root.get("requests") {
        let DeValue::Array(items) = v.get_ref() else {
            return Err(p.error(
                p.at(v.span()),
                format!(
                    "expected an array of tables for `requests`, found {}",
                    article_type(v.get_ref())
                ),
                Some("start each request with `[[requests]]`".to_string()),
            ));
        };
        collection.requests.reserve(items.len());
        for item in items.iter() {
            p.add_request(&mut collection, item)?;
        }
    }
    Ok(p.finish(collection))
}

/// The same collection as [`parse_whole`], built piece by piece, or `None` to say "use
/// [`parse_whole`]" (on any error, so that errors are always the whole file's).
///
/// Why: `toml::de::DeTable::parse` lexes the whole input into one token vector and builds the
/// whole tree before we see any of it: for a 25 MB file, ~10 times its size in short-lived
/// memory on top of the collection itself, and the page faults and copies of growing those
/// vectors cost more than the parsing. Parsed in chunks of about `chunk` bytes ([`CHUNK`]),
/// the transient memory stays small and is reused.
///
/// The file is cut at lines that start a `[[requests]]` table. The part before the first
/// such line (the head) holds everything but `requests`; every later chunk must hold only
/// `[[requests]]` tables (with their subtables): a chunk with any other top-level key, a head
/// that mentions `requests`, or any error gives `None`. A cut inside a multi-line string,
/// array or inline table leaves the chunk before it unterminated, which is an error, so a
/// chunk parsed without error is the same TOML as that part of the whole file; the chunks'
/// `requests` arrays, in order, are the whole file's `requests`. Spans are shifted by the
/// chunk's offset ([`Parser::at`]).
pub(super) fn parse_in_chunks(path: &Path, source: &str, chunk: usize) -> Option<Collection> {
    let (cuts, headers) = chunk_starts(source, chunk);
    let first = *cuts.first()?;
    let head = DeTable::parse(&source[..first]).ok()?;
    let head = head.get_ref();
    if head.contains_key("requests") {
        return None;
    }
    let mut p = Parser::new(path, source);
    let mut collection = p.top_level(head).ok()?;
    collection.requests.reserve(headers);
    collection.index.reserve(headers);
    let mut ranges: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    ranges.push((*cuts.last()?, source.len()));
    for (requests, mentioned) in parse_groups(path, source, &p.newlines, &ranges)? {
        p.mentioned.extend(mentioned);
        for request in requests {
            p.append(&mut collection, request).ok()?;
        }
    }
    Some(p.finish(collection))
}

/// The requests of `ranges` (chunks of `source`, in order), in order, with the variables they
/// mention, in one or more runs of consecutive chunks; `None` on any error.
///
/// Big files are split into one run per core (at most [`MAX_THREADS`]) parsed on scoped
/// threads: parsing and validating a chunk needs nothing from the chunks before it (the checks
/// that do, duplicate names and `depends_on`, are made afterwards in order by
/// [`Parser::append`]), so a 25 MB collection loads in about half the wall time on 2 cores.
fn parse_groups(
    path: &Path,
    source: &str,
    newlines: &[usize],
    ranges: &[(usize, usize)],
) -> Option<Vec<(Vec<RequestSpec>, BTreeSet<String>)>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS)
        .min(ranges.len() / MIN_CHUNKS_PER_THREAD)
        .max(1);
    if threads == 1 {
        return Some(vec![parse_chunks(path, source, newlines, ranges)?]);
    }
    // Consecutive runs of about equal size in bytes.
    let total = source.len() - ranges[0].0;
    let mut groups: Vec<&[(usize, usize)]> = Vec::with_capacity(threads);
    let mut start = 0;
    for t in 1..=threads {
        let limit = ranges[0].0 + total * t / threads;
        let mut end = start;
        while end < ranges.len() && (t == threads || ranges[end].1 <= limit) {
            end += 1;
        }
        groups.push(&ranges[start..end]);
        start = end;
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| scope.spawn(move || parse_chunks(path, source, newlines, group)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// Threads for [`parse_groups`], and the chunks each must have at least to be worth one.
const MAX_THREADS: usize = 4;
const MIN_CHUNKS_PER_THREAD: usize = 4;

/// The requests of consecutive chunks, each chunk holding only `[[requests]]` tables.
fn parse_chunks(
    path: &Path,
    source: &str,
    newlines: &[usize],
    ranges: &[(usize, usize)],
) -> Option<(Vec<RequestSpec>, BTreeSet<String>)> {
    let mut p = Parser::borrowing(path, source, newlines);
    let mut requests = Vec::new();
    for &(start, end) in ranges {
        let chunk = DeTable::parse(&source[start..end]).ok()?;
        let chunk = chunk.get_ref();
        let (Some(items), 1) = (chunk.get("requests"), chunk.len()) else {
            return None;
        };
        let DeValue::Array(items) = items.get_ref() else {
            return None;
        };
        p.base = start;
        requests.reserve(items.len());
        for item in items.iter() {
            // The number only names an unnamed request in an error, and any error here means
            // the whole file is parsed again by `parse_whole`, which numbers them right.
            requests.push(p.request(item, requests.len() + 1).ok()?);
        }
    }
    Some((requests, p.mentioned))
}

/// Where to cut the file for [`parse_in_chunks`]: the start of the first line that opens a
/// `[[requests]]` table, then the first such line at least `chunk` bytes after the last cut;
/// and how many times `[[requests]]` occurs (about the number of requests).
fn chunk_starts(source: &str, chunk: usize) -> (Vec<usize>, usize) {
    const HEADER: &str = "[[requests]]";
    let mut cuts: Vec<usize> = Vec::new();
    let mut headers = 0;
    for at in memchr::memmem::find_iter(source.as_bytes(), HEADER) {
        headers += 1;
        if cuts.last().is_some_and(|&last| at < last + chunk) {
            continue;
        }
        // Only blanks before it on its line, only blanks or a comment after it.
        let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
        if !source[line_start..at]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
        {
            continue;
        }
        let rest = &source[at + HEADER.len()..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let line = line.trim_start_matches([' ', '\t']);
        if line.is_empty() || line == "\r" || line.starts_with('#') {
            cuts.push(line_start);
        }
    }
    (cuts, headers)
}

struct Parser<'s> {
    path: &'s Path,
    source: &'s str,
    mentioned: BTreeSet<String>,
    /// Byte offsets of every `\n`, to turn spans into line numbers in O(log n); borrowed by
    /// the threads of [`parse_groups`].
    newlines: Cow<'s, [usize]>,
    /// Where the TOML text being walked starts in `source` (its spans are relative to it).
    base: usize,
}

fn article_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Whether `s` is an HTTP token (method names, header names).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl<'s> Parser<'s> {
    fn new(path: &'s Path, source: &'s str) -> Parser<'s> {
        Parser {
            path,
            source,
            mentioned: BTreeSet::new(),
            newlines: Cow::Owned(super::diagnostic::newline_index(source)),
            base: 0,
        }
    }

    /// A parser for a part of `source` that shares the newline index of the main one.
    fn borrowing(path: &'s Path, source: &'s str, newlines: &'s [usize]) -> Parser<'s> {
        Parser {
            path,
            source,
            mentioned: BTreeSet::new(),
            newlines: Cow::Borrowed(newlines),
            base: 0,
        }
    }

    /// A span of the TOML text being walked, as a span of the file.
    fn at(&self, span: Span) -> Span {
        span.start + self.base..span.end + self.base
    }

    /// Everything at the top level but `requests`: a collection without requests yet.
    fn top_level(&mut self, root: &DeTable<'_>) -> Result<Collection> {
        let path = self.path;
        self.check_keys(root, TOP_KEYS, &[], " at the top level")?;
        let name = match root.get("name") {
            Some(v) => self.string(v, "name", "")?,
            None => path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        };
        let description = root
            .get("description")
            .map(|v| self.string(v, "description", ""))
            .transpose()?;
        let vars = match root.get("vars") {
            Some(v) => self.vars(self.table(v, "vars", "")?, " in `[vars]`")?,
            None => Vec::new(),
        };
        let envs = match root.get("env") {
            Some(v) => self.envs(self.table(v, "env", "")?)?,
            None => Vec::new(),
        };
        let outer = std::mem::take(&mut self.mentioned);
        let defaults = match root.get("defaults") {
            Some(v) => self.defaults(self.table(v, "defaults", "")?)?,
            None => Defaults::default(),
        };
        let defaults_mentioned = std::mem::replace(&mut self.mentioned, outer);
        self.mentioned.extend(defaults_mentioned.iter().cloned());
        let secrets = match root.get("secrets") {
            Some(v) => self.secrets(self.table(v, "secrets", "")?)?,
            None => Vec::new(),
        };
        Ok(Collection {
            path: path.to_path_buf(),
            name,
            description,
            requests: Vec::new(),
            vars,
            envs,
            defaults,
            secrets,
            source: self.source.to_string(),
            mentioned: BTreeSet::new(),
            defaults_mentioned,
            index: HashMap::new(),
            newlines: Vec::new(),
        })
    }

    /// The collection with what the walk gathered: mentioned variables, the newline index.
    fn finish(self, mut collection: Collection) -> Collection {
        collection.mentioned = self.mentioned;
        collection.newlines = self.newlines.into_owned();
        collection
    }

    fn error(&self, span: Span, message: String, hint: Option<String>) -> CollectionError {
        SourceDiagnostic::indexed(self.path, self.source, &self.newlines, span, message, hint)
            .into()
    }

    /// Every key of `table` must be in `allowed`; `later` keys get "not supported yet".
    fn check_keys(
        &self,
        table: &DeTable<'_>,
        allowed: &[&str],
        later: &[&str],
        ctx: &str,
    ) -> Result<()> {
        for key in table.keys() {
            let name = key.get_ref().as_ref();
            if allowed.contains(&name) {
                continue;
            }
            let (message, hint) = if later.contains(&name) {
                (format!("`{name}` is not supported yet{ctx}"), None)
            } else {
                (
                    format!("unknown key `{name}`{ctx}"),
                    suggestion(name, allowed.iter().copied()),
                )
            };
            return Err(self.error(self.at(key.span()), message, hint));
        }
        Ok(())
    }

    fn type_error(&self, v: &Value<'_>, expected: &str, key: &str, ctx: &str) -> CollectionError {
        self.error(
            self.at(v.span()),
            format!(
                "expected {expected} for `{key}`{ctx}, found {}",
                article_type(v.get_ref())
            ),
            None,
        )
    }

    fn table<'v, 'i>(&self, v: &'v Value<'i>, key: &str, ctx: &str) -> Result<&'v DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.type_error(v, "a table", key, ctx)),
        }
    }

    fn string(&self, v: &Value<'_>, key: &str, ctx: &str) -> Result<String> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err(self.type_error(v, "a string", key, ctx)),
        }
    }

    fn boolean(&self, v: &Value<'_>, key: &str, ctx: &str) -> Result<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            _ => Err(self.type_error(v, "a boolean", key, ctx)),
        }
    }

    fn required<'v, 'i>(
        &self,
        table: &'v DeTable<'i>,
        span: Span,
        key: &str,
        ctx: &str,
    ) -> Result<&'v Value<'i>> {
        table
            .get(key)
            .ok_or_else(|| self.error(span, format!("missing key `{key}`{ctx}"), None))
    }

    /// A string value parsed as a template.
    fn template(&mut self, v: &Value<'_>, key: &str, ctx: &str) -> Result<TemplateStr> {
        match v.get_ref() {
            DeValue::String(s) => self.template_of(s, self.at(v.span()), ctx),
            _ => Err(self.type_error(v, "a string", key, ctx)),
        }
    }

    /// A string, number or boolean as a template (numbers and booleans are literal).
    fn scalar_template(&mut self, v: &Value<'_>, key: &str, ctx: &str) -> Result<TemplateStr> {
        let text = match v.get_ref() {
            DeValue::String(s) => return self.template_of(s, self.at(v.span()), ctx),
            DeValue::Integer(i) => self.integer(i, self.at(v.span()))?.to_string(),
            DeValue::Float(f) => self.float(f.as_str(), self.at(v.span()))?.to_string(),
            DeValue::Boolean(b) => b.to_string(),
            _ => return Err(self.type_error(v, "a string, number or boolean", key, ctx)),
        };
        Ok(TemplateStr {
            template: Template::literal(&text),
            raw: text,
            span: self.at(v.span()),
            content_start: None,
        })
    }

    fn template_of(&mut self, s: &DeString<'_>, span: Span, ctx: &str) -> Result<TemplateStr> {
        let content_start = content_start(self.source, &span, s);
        let mut located = TemplateStr {
            raw: s.to_string(),
            template: Template::default(),
            span,
            content_start,
        };
        match Template::parse(s) {
            Ok(template) => {
                for p in template.placeholders() {
                    if let PlaceholderKind::Var(name) = &p.kind {
                        self.mentioned.insert(name.clone());
                    }
                }
                located.template = template;
                Ok(located)
            }
            Err(e) => {
                let span = located.source_span(self.source, e.span.clone());
                Err(self.error(span, format!("{}{ctx}", e.message), e.hint))
            }
        }
    }

    fn integer(&self, i: &toml::de::DeInteger<'_>, span: Span) -> Result<i64> {
        i64::from_str_radix(i.as_str(), i.radix())
            .map_err(|_| self.error(span, "integer out of range".to_string(), None))
    }

    fn float(&self, text: &str, span: Span) -> Result<serde_json::Number> {
        text.replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .ok_or_else(|| {
                self.error(
                    span,
                    format!("`{text}` cannot be used: JSON has no infinity or NaN"),
                    None,
                )
            })
    }

    fn tvalue(&mut self, v: &Value<'_>, ctx: &str) -> Result<TValue> {
        Ok(match v.get_ref() {
            DeValue::String(s) => TValue::String(self.template_of(s, self.at(v.span()), ctx)?),
            DeValue::Integer(i) => TValue::Number(self.integer(i, self.at(v.span()))?.into()),
            DeValue::Float(f) => TValue::Number(self.float(f.as_str(), self.at(v.span()))?),
            DeValue::Boolean(b) => TValue::Bool(*b),
            DeValue::Datetime(d) => TValue::Datetime(d.to_string()),
            DeValue::Array(items) => TValue::Array(
                items
                    .iter()
                    .map(|item| self.tvalue(item, ctx))
                    .collect::<Result<_>>()?,
            ),
            DeValue::Table(t) => TValue::Table(
                t.iter()
                    .map(|(k, item)| Ok((k.get_ref().to_string(), self.tvalue(item, ctx)?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    fn vars(&mut self, table: &DeTable<'_>, ctx: &str) -> Result<Vec<VarDef>> {
        let mut vars = Vec::new();
        for (key, v) in table.iter() {
            let name = key.get_ref().to_string();
            if !is_name(&name) {
                return Err(self.error(
                    self.at(key.span()),
                    format!("invalid variable name `{name}`{ctx}"),
                    Some("names use letters, digits, `_`, `-` and `.`".to_string()),
                ));
            }
            let value = self.tvalue(v, &format!(" in variable `{name}`"))?;
            vars.push(VarDef {
                name,
                name_span: self.at(key.span()),
                value,
            });
        }
        Ok(vars)
    }

    /// `[secrets] NAME = { command = ["op", "read", "op://…"] }`: where a secret comes from
    /// when no `POSTIE_SECRET_NAME` variable is set (a password manager's CLI).
    fn secrets(&mut self, table: &DeTable<'_>) -> Result<Vec<SecretCommand>> {
        let mut secrets = Vec::new();
        for (key, v) in table.iter() {
            let name = key.get_ref().to_string();
            let ctx = format!(" in secret `{name}`");
            if !is_name(&name) {
                return Err(self.error(
                    self.at(key.span()),
                    format!("invalid secret name `{name}` in `[secrets]`"),
                    Some("names use letters, digits, `_`, `-` and `.`".to_string()),
                ));
            }
            let entry = self.table(v, &name, " in `[secrets]`")?;
            self.check_keys(entry, &["command", "timeout"], &[], &ctx)?;
            let command = self.required(entry, self.at(v.span()), "command", &ctx)?;
            let DeValue::Array(items) = command.get_ref() else {
                return Err(self.type_error(command, "an array of strings", "command", &ctx));
            };
            let mut argv = Vec::new();
            for item in items.iter() {
                argv.push(self.string(item, "command", &ctx)?);
            }
            if argv.is_empty() || argv[0].is_empty() {
                return Err(self.error(
                    self.at(command.span()),
                    format!("empty `command`{ctx}"),
                    Some("name a program and its arguments, e.g. `[\"op\", \"read\", \"op://vault/item/field\"]`".to_string()),
                ));
            }
            let timeout = entry
                .get("timeout")
                .map(|t| self.duration(t, "timeout", &ctx))
                .transpose()?;
            secrets.push(SecretCommand {
                name,
                command: argv,
                timeout,
                span: self.at(v.span()),
            });
        }
        Ok(secrets)
    }

    fn envs(&mut self, table: &DeTable<'_>) -> Result<Vec<Env>> {
        let mut envs = Vec::new();
        for (key, v) in table.iter() {
            let name = key.get_ref().to_string();
            let vars_table = self.table(v, &format!("env.{name}"), "")?;
            let vars = self.vars(vars_table, &format!(" in `[env.{name}]`"))?;
            envs.push(Env {
                name,
                name_span: self.at(key.span()),
                vars,
            });
        }
        Ok(envs)
    }

    fn defaults(&mut self, table: &DeTable<'_>) -> Result<Defaults> {
        let ctx = " in `[defaults]`";
        self.check_keys(table, DEFAULTS_KEYS, &[], ctx)?;
        let mut d = Defaults::default();
        if let Some(v) = table.get("headers") {
            d.headers = self.headers(v, ctx)?;
        }
        if let Some(v) = table.get("query") {
            d.query = self.params(v, "query", ctx)?;
        }
        if let Some(v) = table.get("auth") {
            d.auth = Some(self.auth(v, ctx)?);
        }
        if let Some(v) = table.get("timeout") {
            d.timeout = Some(self.duration(v, "timeout", ctx)?);
        }
        d.routes = self.routes(table, ctx)?;
        Ok(d)
    }

    /// `resolve = ["api.example.com:443:127.0.0.1"]`, `connect_to = ["…:…:…:…"]`: curl's
    /// `--resolve` and `--connect-to` entries (a string or an array of them).
    fn routes(&self, table: &DeTable<'_>, ctx: &str) -> Result<crate::route::Routes> {
        let mut routes = crate::route::Routes::default();
        for key in ["resolve", "connect_to"] {
            let Some(v) = table.get(key) else { continue };
            let items: Vec<&Value<'_>> = match v.get_ref() {
                DeValue::Array(items) => items.iter().collect(),
                _ => vec![v],
            };
            for item in items {
                let text = self.string(item, key, ctx)?;
                let bad = |reason: String| {
                    self.error(
                        self.at(item.span()),
                        format!("invalid `{key}` entry {reason}{ctx}"),
                        None,
                    )
                };
                if key == "resolve" {
                    routes
                        .resolve
                        .push(crate::route::parse_resolve(&text).map_err(bad)?);
                } else {
                    routes
                        .connect_to
                        .push(crate::route::parse_connect_to(&text).map_err(bad)?);
                }
            }
        }
        Ok(routes)
    }

    fn headers(&mut self, v: &Value<'_>, ctx: &str) -> Result<Vec<Header>> {
        let mut headers = Vec::new();
        for (key, value) in self.table(v, "headers", ctx)?.iter() {
            let name = key.get_ref().to_string();
            if !is_token(&name) {
                return Err(self.error(
                    self.at(key.span()),
                    format!("invalid header name `{name}`{ctx}"),
                    None,
                ));
            }
            let key = format!("headers.{name}");
            // An array repeats the header: `Accept = ["a", "b"]` sends two lines.
            if let DeValue::Array(values) = value.get_ref() {
                for value in values.iter() {
                    let value = self.scalar_template(value, &key, ctx)?;
                    headers.push(Header {
                        name: name.clone(),
                        value,
                    });
                }
                continue;
            }
            let value = self.scalar_template(value, &key, ctx)?;
            headers.push(Header { name, value });
        }
        Ok(headers)
    }

    /// `query`/`form`: values are scalars or arrays of scalars (repeated keys).
    fn params(&mut self, v: &Value<'_>, what: &str, ctx: &str) -> Result<Vec<Param>> {
        let mut params = Vec::new();
        for (key, value) in self.table(v, what, ctx)?.iter() {
            let name = key.get_ref().to_string();
            let path = format!("{what}.{name}");
            let values = match value.get_ref() {
                DeValue::Array(items) => items
                    .iter()
                    .map(|item| self.scalar_template(item, &path, ctx))
                    .collect::<Result<_>>()?,
                _ => vec![self.scalar_template(value, &path, ctx)?],
            };
            params.push(Param { name, values });
        }
        Ok(params)
    }

    fn duration(&self, v: &Value<'_>, key: &str, ctx: &str) -> Result<Duration> {
        let text = self.string(v, key, ctx)?;
        let duration = humantime::parse_duration(&text).map_err(|e| {
            self.error(
                self.at(v.span()),
                format!("invalid duration `{text}` for `{key}`{ctx}: {e}"),
                Some("write durations like \"30s\", \"500ms\" or \"1m 30s\"".to_string()),
            )
        })?;
        if duration > MAX_DURATION {
            return Err(self.error(
                self.at(v.span()),
                format!("duration `{text}` for `{key}`{ctx} is longer than 24h"),
                Some("postie waits at most 24h for anything; write e.g. \"30s\" or \"2h\"".into()),
            ));
        }
        Ok(duration)
    }

    fn api_key(&mut self, v: &Value<'_>, ctx: &str) -> Result<AuthSpec> {
        let t = self.table(v, "auth.api_key", ctx)?;
        let inner = format!(" in `auth.api_key`{ctx}");
        self.check_keys(t, &["header", "query", "value"], &[], &inner)?;
        let value = self.required(t, self.at(v.span()), "value", &inner)?;
        let value = self.template(value, "auth.api_key.value", ctx)?;
        match (t.get("header"), t.get("query")) {
            (Some(h), None) => {
                let header = self.string(h, "auth.api_key.header", ctx)?;
                if !is_token(&header) {
                    let msg = format!("invalid header name `{header}`{inner}");
                    return Err(self.error(self.at(h.span()), msg, None));
                }
                Ok(AuthSpec::ApiKeyHeader { header, value })
            }
            (None, Some(q)) => Ok(AuthSpec::ApiKeyQuery {
                param: self.string(q, "auth.api_key.query", ctx)?,
                value,
            }),
            _ => Err(self.error(
                self.at(v.span()),
                format!("`api_key` needs exactly one of `header` and `query`{ctx}"),
                None,
            )),
        }
    }

    /// Validates one `[[requests]]` table and appends it to `collection`, checking its name
    /// and its `depends_on` against the requests above it in the name index (so loading stays
    /// linear in the number of requests).
    fn add_request(&mut self, collection: &mut Collection, item: &Value<'_>) -> Result<()> {
        let request = self.request(item, collection.requests.len() + 1)?;
        self.append(collection, request)
    }

    /// Appends a validated request to `collection` after the checks that need the requests
    /// above it: a unique name, and `depends_on` naming earlier requests.
    fn append(&self, collection: &mut Collection, request: RequestSpec) -> Result<()> {
        let requests = &collection.requests;
        if let Some(&first) = collection.index.get(&request.name) {
            let line = self.line(&requests[first].name_span);
            return Err(self.error(
                request.name_span,
                format!("duplicate request name `{}`", request.name),
                Some(format!("the first `{}` is on line {line}", request.name)),
            ));
        }
        for dependency in &request.depends_on {
            if !collection.index.contains_key(dependency) {
                let hint = suggestion(dependency, requests.iter().map(|r| r.name.as_str()))
                    .or_else(|| Some("`depends_on` names requests above this one".to_string()));
                return Err(self.error(
                    request.span.clone(),
                    format!(
                        "request `{}` depends on `{dependency}`, which is not a request above it",
                        request.name
                    ),
                    hint,
                ));
            }
        }
        collection
            .index
            .insert(request.name.clone(), collection.requests.len());
        collection.requests.push(request);
        Ok(())
    }

    /// A request, with the variables its own templates name (`RequestSpec::mentions`).
    fn request(&mut self, v: &Value<'_>, number: usize) -> Result<RequestSpec> {
        let outer = std::mem::take(&mut self.mentioned);
        let mut request = self.request_fields(v, number)?;
        let mentions = std::mem::replace(&mut self.mentioned, outer);
        self.mentioned.extend(mentions.iter().cloned());
        request.mentions = mentions;
        Ok(request)
    }

    fn request_fields(&mut self, v: &Value<'_>, number: usize) -> Result<RequestSpec> {
        let table = self.table(v, "requests", "")?;
        let span = self.at(v.span());
        let unnamed = format!(" in request #{number}");
        let name_value = self.required(table, span.clone(), "name", &unnamed)?;
        let name = self.string(name_value, "name", &unnamed)?;
        if name.is_empty() {
            let msg = format!("empty request name{unnamed}");
            return Err(self.error(self.at(name_value.span()), msg, None));
        }
        let ctx = format!(" in request `{name}`");
        self.check_keys(table, REQUEST_KEYS, REQUEST_LATER, &ctx)?;
        let method = match table.get("method") {
            Some(m) => {
                let method = self.string(m, "method", &ctx)?;
                if !is_token(&method) {
                    let msg = format!("invalid method `{method}`{ctx}");
                    return Err(self.error(self.at(m.span()), msg, None));
                }
                method.to_ascii_uppercase()
            }
            // GraphQL over HTTP: a `graphql` body is POSTed.
            None if table.contains_key("graphql") => "POST".to_string(),
            None => "GET".to_string(),
        };
        let url_value = self.required(table, span.clone(), "url", &ctx)?;
        let url_template = self.template(url_value, "url", &ctx)?;
        let query = match table.get("query") {
            Some(q) => self.params(q, "query", &ctx)?,
            None => Vec::new(),
        };
        let headers = match table.get("headers") {
            Some(h) => self.headers(h, &ctx)?,
            None => Vec::new(),
        };
        let body = self.body(table, &ctx)?;
        let auth = table.get("auth").map(|a| self.auth(a, &ctx)).transpose()?;
        let timeout = table
            .get("timeout")
            .map(|t| self.duration(t, "timeout", &ctx))
            .transpose()?;
        let follow_redirects = match table.get("follow_redirects") {
            Some(f) => self.boolean(f, "follow_redirects", &ctx)?,
            None => true,
        };
        let max_redirects = table
            .get("max_redirects")
            .map(|m| self.max_redirects(m, &ctx))
            .transpose()?;
        let tags = match table.get("tags") {
            Some(t) => self.string_list(t, "tags", &ctx)?,
            None => Vec::new(),
        };
        let depends_on = match table.get("depends_on") {
            Some(d) => self.string_list(d, "depends_on", &ctx)?,
            None => Vec::new(),
        };
        let skip = match table.get("skip") {
            Some(v) => match v.get_ref() {
                DeValue::Boolean(true) => Some("skip = true".to_string()),
                DeValue::Boolean(false) => None,
                DeValue::String(reason) => Some(reason.to_string()),
                _ => return Err(self.type_error(v, "a boolean or a reason", "skip", &ctx)),
            },
            None => None,
        };
        let skip_if = table
            .get("skip_if")
            .map(|v| self.template(v, "skip_if", &ctx))
            .transpose()?;
        let retry = match table.get("retry") {
            Some(r) => Some(self.retry(r, &ctx)?),
            None => None,
        };
        let parallel = match table.get("parallel") {
            Some(p) => self.boolean(p, "parallel", &ctx)?,
            None => false,
        };
        let sign = match table.get("sign") {
            Some(v) => Some(self.sign(v, &ctx)?),
            None => None,
        };
        let expect_webhook = match table.get("expect_webhook") {
            Some(v) => Some(self.expect_webhook(v, &ctx)?),
            None => None,
        };
        let expect = match table.get("expect") {
            Some(e) => self.expect(e, &ctx)?,
            None => Expect::default(),
        };
        let captures = match table.get("capture") {
            Some(c) => self.captures(c, &ctx)?,
            None => Vec::new(),
        };
        Ok(RequestSpec {
            name,
            method,
            url: url_template.raw.clone(),
            url_template,
            query,
            headers,
            body,
            auth,
            timeout,
            follow_redirects,
            max_redirects,
            expect,
            captures,
            tags,
            skip,
            skip_if,
            depends_on,
            retry,
            sign,
            expect_webhook,
            parallel,
            mentions: BTreeSet::new(),
            line: self.line(&span),
            span,
            name_span: self.at(name_value.span()),
        })
    }

    fn body(&mut self, table: &DeTable<'_>, ctx: &str) -> Result<BodySpec> {
        let mut found: Option<&str> = None;
        for key in table.keys() {
            let name = key.get_ref().as_ref();
            if !BODY_KEYS.contains(&name) {
                continue;
            }
            if let Some(first) = found {
                return Err(self.error(
                    self.at(key.span()),
                    format!("more than one body{ctx}: `{first}` and `{name}`"),
                    Some("a request takes at most one of `json`, `form`, `text`, `file`, `multipart`, `graphql`".to_string()),
                ));
            }
            found = Some(name);
        }
        let content_type = match table.get_key_value("content_type") {
            Some((key, v)) => {
                if !matches!(found, Some("text" | "file")) {
                    return Err(self.error(
                        self.at(key.span()),
                        format!("`content_type` needs a `text` or `file` body{ctx}"),
                        None,
                    ));
                }
                Some(self.string(v, "content_type", ctx)?)
            }
            None => None,
        };
        let Some(kind) = found else {
            return Ok(BodySpec::None);
        };
        let Some(v) = table.get(kind) else {
            return Ok(BodySpec::None);
        };
        Ok(match kind {
            "json" => {
                self.json_not_text(v, ctx)?;
                BodySpec::Json(self.tvalue(v, ctx)?)
            }
            "form" => BodySpec::Form(self.params(v, "form", ctx)?),
            "text" => BodySpec::Text {
                text: self.template(v, "text", ctx)?,
                content_type,
            },
            "file" => BodySpec::File {
                path: self.template(v, "file", ctx)?,
                content_type,
            },
            "graphql" => BodySpec::Graphql(self.graphql(v, ctx)?),
            _ => BodySpec::Multipart(self.multipart(v, ctx)?),
        })
    }

    /// `json = '{"a": 1}'` would be sent double-encoded: an error with the fix.
    fn json_not_text(&self, v: &Value<'_>, ctx: &str) -> Result<()> {
        let DeValue::String(text) = v.get_ref() else {
            return Ok(());
        };
        let Some(parsed) = super::json_text::holds_json(text) else {
            return Ok(());
        };
        let table = super::json_text::as_inline_toml(&parsed)
            .map_or("json = { a = 1 }".to_string(), |t| format!("json = {t}"));
        Err(self.error(
            self.at(v.span()),
            format!("`json` is a string holding JSON{ctx}: it would be sent as one JSON string, double-encoded"),
            Some(format!(
                "write the value in TOML: `{table}`; or send the text as it is: `text = '…'` with `content_type = \"application/json\"`"
            )),
        ))
    }

    fn multipart(&mut self, v: &Value<'_>, ctx: &str) -> Result<Vec<PartSpec>> {
        let mut parts = Vec::new();
        for (key, value) in self.table(v, "multipart", ctx)?.iter() {
            let name = key.get_ref().to_string();
            let path = format!("multipart.{name}");
            let value = match value.get_ref() {
                DeValue::String(_) => PartSpecValue::Text(self.template(value, &path, ctx)?),
                DeValue::Table(t) => {
                    let inner = format!(" in `{path}`{ctx}");
                    self.check_keys(t, &["file", "filename", "content_type"], &[], &inner)?;
                    let file = self.required(t, self.at(value.span()), "file", &inner)?;
                    PartSpecValue::File {
                        path: self.template(file, &format!("{path}.file"), ctx)?,
                        file_name: t
                            .get("filename")
                            .map(|f| self.template(f, &format!("{path}.filename"), ctx))
                            .transpose()?,
                        content_type: t
                            .get("content_type")
                            .map(|c| self.string(c, &format!("{path}.content_type"), ctx))
                            .transpose()?,
                    }
                }
                _ => {
                    let expected = "a string or a table `{ file = \"…\" }`";
                    return Err(self.type_error(value, expected, &path, ctx));
                }
            };
            parts.push(PartSpec { name, value });
        }
        Ok(parts)
    }

    fn expect(&mut self, v: &Value<'_>, ctx: &str) -> Result<Expect<TValue>> {
        let table = self.table(v, "expect", ctx)?;
        let inner = format!(" in `expect`{ctx}");
        self.check_keys(table, EXPECT_KEYS, &[], &inner)?;
        self.checks(table, ctx)
    }

    /// `sign = { scheme = "standard", secret = "{{secret:hook_secret}}" }`
    fn sign(&mut self, v: &Value<'_>, ctx: &str) -> Result<SignSpec> {
        let table = self.table(v, "sign", ctx)?;
        let inner = format!(" in `sign`{ctx}");
        self.check_keys(table, &["scheme", "secret", "header"], &[], &inner)?;
        let scheme_value = self.required(table, self.at(v.span()), "scheme", &inner)?;
        let mut scheme_text = self.string(scheme_value, "scheme", &inner)?;
        if let Some(header) = table.get("header") {
            scheme_text = format!("hmac:{}", self.string(header, "header", &inner)?);
        }
        let scheme = scheme_text.parse::<crate::signing::Scheme>().map_err(|e| {
            self.error(
                self.at(scheme_value.span()),
                format!("{e}{inner}"),
                Some("use github, stripe, standard (or svix), or hmac with `header`".to_string()),
            )
        })?;
        let secret_value = self.required(table, self.at(v.span()), "secret", &inner)?;
        let secret = self.template(secret_value, "secret", &inner)?;
        Ok(SignSpec { scheme, secret })
    }

    /// `[requests.expect_webhook]`: path glob, method, header/JSON/body checks, `within`,
    /// and captures from the webhook's body.
    fn expect_webhook(&mut self, v: &Value<'_>, ctx: &str) -> Result<WebhookExpect<TValue>> {
        let table = self.table(v, "expect_webhook", ctx)?;
        let inner = format!(" in `expect_webhook`{ctx}");
        self.check_keys(
            table,
            &[
                "path", "method", "headers", "json", "body", "within", "capture",
            ],
            &[],
            &inner,
        )?;
        let path = match table.get("path") {
            Some(p) => self.string(p, "path", &inner)?,
            None => "*".to_string(),
        };
        let method = table
            .get("method")
            .map(|m| {
                self.string(m, "method", &inner)
                    .map(|m| m.to_ascii_uppercase())
            })
            .transpose()?;
        let within = match table.get("within") {
            Some(w) => self.duration(w, "within", &inner)?,
            None => Duration::from_secs(10),
        };
        let captures = match table.get("capture") {
            Some(c) => self.captures(c, &inner)?,
            None => Vec::new(),
        };
        Ok(WebhookExpect {
            path,
            method,
            expect: self.checks(table, &inner)?,
            within,
            captures,
            line: self.line(&self.at(v.span())),
        })
    }

    /// The check keys of an `expect`-like table (`status`, `headers`, `json`, `body`,
    /// `duration`), whichever are present.
    fn checks(&mut self, table: &DeTable<'_>, ctx: &str) -> Result<Expect<TValue>> {
        let mut expect = Expect::default();
        if let Some(status) = table.get("status") {
            if let DeValue::Array(items) = status.get_ref()
                && items.is_empty()
            {
                return Err(self.error(
                    self.at(status.span()),
                    format!("`status = []` matches no status{ctx}"),
                    Some("list at least one, e.g. `status = [200, 201]` or `status = \"2xx\"`, or remove `status`".into()),
                ));
            }
            expect.status = match status.get_ref() {
                DeValue::Array(items) => items
                    .iter()
                    .map(|item| self.status(item, ctx))
                    .collect::<Result<_>>()?,
                _ => vec![self.status(status, ctx)?],
            };
            expect.lines.status = Some(self.line(&self.at(status.span())));
        }
        if let Some(headers) = table.get("headers") {
            for (key, value) in self.table(headers, "expect.headers", ctx)?.iter() {
                let name = key.get_ref().to_string();
                let what = format!(" in header check `{name}`{ctx}");
                expect.headers.push(Check {
                    predicates: self.predicates(value, &what)?,
                    subject: Subject::Header(name),
                    line: self.line(&self.at(key.span())),
                });
            }
        }
        if let Some(json) = table.get("json") {
            for (key, value) in self.table(json, "expect.json", ctx)?.iter() {
                let text = key.get_ref().to_string();
                let path = JsonPathExpr::parse(&text).map_err(|e| {
                    self.error(
                        self.at(key.span()),
                        format!("invalid JSONPath `{text}`{ctx}: {e}"),
                        Some("JSONPath (RFC 9535) starts with `$`, e.g. `$.items[0].id`".into()),
                    )
                })?;
                let what = format!(" in JSON check `{text}`{ctx}");
                expect.json.push(Check {
                    predicates: self.predicates(value, &what)?,
                    subject: Subject::Json(path),
                    line: self.line(&self.at(key.span())),
                });
            }
        }
        if let Some(cookies) = table.get("cookies") {
            for (key, value) in self.table(cookies, "expect.cookies", ctx)?.iter() {
                let text = key.get_ref().to_string();
                crate::request::cookie_subject(&text).map_err(|e| {
                    self.error(
                        self.at(key.span()),
                        format!("invalid cookie check{ctx}: {e}"),
                        Some("write `NAME` or `\"NAME[Attribute]\"`, e.g. `\"sid[HttpOnly]\" = true`".into()),
                    )
                })?;
                let what = format!(" in cookie check `{text}`{ctx}");
                expect.cookies.push(Check {
                    predicates: self.predicates(value, &what)?,
                    subject: Subject::Header(text),
                    line: self.line(&self.at(key.span())),
                });
            }
        }
        if let Some(body) = table.get("body") {
            expect.body = self.predicates(body, &format!(" in `expect.body`{ctx}"))?;
            expect.lines.body = Some(self.line(&self.at(body.span())));
        }
        if let Some(duration) = table.get("duration") {
            let limits = self.table(duration, "expect.duration", ctx)?;
            let inner = format!(" in `expect.duration`{ctx}");
            self.check_keys(limits, &["below"], &[], &inner)?;
            let below = self.required(limits, self.at(duration.span()), "below", &inner)?;
            expect.duration_below = Some(self.duration(below, "below", &inner)?);
            expect.lines.duration = Some(self.line(&self.at(below.span())));
        }
        Ok(expect)
    }

    /// An array of strings (a single string is taken as a one-item list).
    fn string_list(&self, v: &Value<'_>, key: &str, ctx: &str) -> Result<Vec<String>> {
        match v.get_ref() {
            DeValue::String(s) => Ok(vec![s.to_string()]),
            DeValue::Array(items) => items.iter().map(|i| self.string(i, key, ctx)).collect(),
            _ => Err(self.type_error(v, "an array of strings", key, ctx)),
        }
    }

    /// `max_redirects = 3`: 0 to 50 hops.
    fn max_redirects(&self, v: &Value<'_>, ctx: &str) -> Result<usize> {
        match v.get_ref() {
            DeValue::Integer(i) => match usize::try_from(self.integer(i, self.at(v.span()))?) {
                Ok(n @ 0..=50) => Ok(n),
                _ => Err(self.error(
                    self.at(v.span()),
                    format!("`max_redirects` must be between 0 and 50{ctx}"),
                    None,
                )),
            },
            _ => Err(self.type_error(v, "an integer", "max_redirects", ctx)),
        }
    }

    /// `retry = { times = 10, interval = "500ms" }`, `retry = { on = [429, 503], times = 3,
    /// max_wait = "30s" }`
    fn retry(&self, v: &Value<'_>, ctx: &str) -> Result<Retry> {
        let table = self.table(v, "retry", ctx)?;
        let inner = format!(" in `retry`{ctx}");
        self.check_keys(table, &["times", "interval", "on", "max_wait"], &[], &inner)?;
        let times_value = self.required(table, self.at(v.span()), "times", &inner)?;
        let times = match times_value.get_ref() {
            DeValue::Integer(i) => {
                match u32::try_from(self.integer(i, self.at(times_value.span()))?) {
                    Ok(n @ 1..=10_000) => n,
                    _ => {
                        return Err(self.error(
                            self.at(times_value.span()),
                            format!("`times` must be between 1 and 10000{inner}"),
                            None,
                        ));
                    }
                }
            }
            _ => return Err(self.type_error(times_value, "an integer", "times", &inner)),
        };
        let interval = match table.get("interval") {
            Some(i) => self.duration(i, "interval", &inner)?,
            None => Duration::from_secs(1),
        };
        let on = match table.get("on") {
            Some(on) => self.statuses(on, &inner)?,
            None => Vec::new(),
        };
        let max_wait = match table.get("max_wait") {
            Some(m) => Some(self.duration(m, "max_wait", &inner)?),
            None => None,
        };
        Ok(Retry {
            times,
            interval,
            on,
            max_wait,
        })
    }

    /// `on = [429, 503]`: HTTP status codes (100 to 599).
    fn statuses(&self, v: &Value<'_>, ctx: &str) -> Result<Vec<u16>> {
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.type_error(v, "an array of status codes", "on", ctx));
        };
        let mut statuses = Vec::new();
        for item in items {
            let DeValue::Integer(i) = item.get_ref() else {
                return Err(self.type_error(item, "a status code (integer)", "on", ctx));
            };
            match u16::try_from(self.integer(i, self.at(item.span()))?) {
                Ok(status @ 100..=599) => statuses.push(status),
                _ => {
                    return Err(self.error(
                        self.at(item.span()),
                        format!("a status in `on` must be between 100 and 599{ctx}"),
                        None,
                    ));
                }
            }
        }
        Ok(statuses)
    }

    /// 1-based line of a span's start.
    fn line(&self, span: &Span) -> usize {
        self.newlines.partition_point(|&offset| offset < span.start) + 1
    }

    /// `{ contains = "x", length = 3 }`, or a plain value meaning `equals`.
    fn predicates(&mut self, v: &Value<'_>, ctx: &str) -> Result<Vec<Predicate<TValue>>> {
        let DeValue::Table(table) = v.get_ref() else {
            return Ok(vec![Predicate::Equals(self.tvalue(v, ctx)?)]);
        };
        self.check_keys(table, PREDICATE_KEYS, &[], ctx)?;
        let mut predicates = Vec::new();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            let number = |p: &Self| -> Result<f64> {
                match value.get_ref() {
                    DeValue::Integer(i) => Ok(p.integer(i, p.at(value.span()))? as f64),
                    DeValue::Float(f) => Ok(p
                        .float(f.as_str(), p.at(value.span()))?
                        .as_f64()
                        .unwrap_or(f64::NAN)),
                    _ => Err(p.type_error(value, "a number", name, ctx)),
                }
            };
            predicates.push(match name {
                "equals" => Predicate::Equals(self.tvalue(value, ctx)?),
                "contains" => Predicate::Contains(self.tvalue(value, ctx)?),
                "exists" => Predicate::Exists(self.boolean(value, name, ctx)?),
                "matches" => {
                    let text = self.string(value, name, ctx)?;
                    let regex = regex::Regex::new(&text).map_err(|e| {
                        let first = e
                            .to_string()
                            .lines()
                            .last()
                            .unwrap_or("")
                            .trim()
                            .to_string();
                        self.error(
                            self.at(value.span()),
                            format!("invalid regular expression{ctx}: {first}"),
                            None,
                        )
                    })?;
                    Predicate::Matches(Pattern(regex))
                }
                "length" => match value.get_ref() {
                    DeValue::Integer(i) => {
                        match u64::try_from(self.integer(i, self.at(value.span()))?) {
                            Ok(n) => Predicate::Length(n),
                            Err(_) => {
                                return Err(self.error(
                                    self.at(value.span()),
                                    format!("a length can't be negative{ctx}"),
                                    None,
                                ));
                            }
                        }
                    }
                    _ => return Err(self.type_error(value, "an integer", name, ctx)),
                },
                "type" => {
                    let t = self.string(value, name, ctx)?;
                    if !JSON_TYPES.contains(&t.as_str()) {
                        return Err(self.error(
                            self.at(value.span()),
                            format!("unknown type `{t}`{ctx}"),
                            suggestion(&t, JSON_TYPES.iter().copied())
                                .or_else(|| Some(format!("one of: {}", JSON_TYPES.join(", ")))),
                        ));
                    }
                    Predicate::Type(t)
                }
                "gt" => Predicate::Gt(number(self)?),
                "gte" => Predicate::Gte(number(self)?),
                "lt" => Predicate::Lt(number(self)?),
                _ => Predicate::Lte(number(self)?),
            });
        }
        if predicates.is_empty() {
            return Err(self.error(
                self.at(v.span()),
                format!("empty check{ctx}"),
                Some(format!("use one of: {}", PREDICATE_KEYS.join(", "))),
            ));
        }
        Ok(predicates)
    }

    /// `[requests.capture] name = "json:$.id" | "header:Location" | "regex:id=(\\d+)" | "status"`
    fn captures(&mut self, v: &Value<'_>, ctx: &str) -> Result<Vec<Capture>> {
        let mut captures = Vec::new();
        let hint = || {
            Some(
                "write `json:$.path`, `header:Name`, `cookie:Name`, `regex:pattern` or `status`"
                    .to_string(),
            )
        };
        for (key, value) in self.table(v, "capture", ctx)?.iter() {
            let name = key.get_ref().to_string();
            if !is_name(&name) {
                return Err(self.error(
                    self.at(key.span()),
                    format!("invalid variable name `{name}` in `capture`{ctx}"),
                    Some("names use letters, digits, `_`, `-` and `.`".to_string()),
                ));
            }
            let inner = format!(" in capture `{name}`{ctx}");
            let (text, secret, value) = self.capture_form(value, &name, &inner)?;
            let source = if text == "status" {
                CaptureSource::Status
            } else if let Some(path) = text.strip_prefix("json:") {
                CaptureSource::Json(JsonPathExpr::parse(path.trim()).map_err(|e| {
                    self.error(
                        self.at(value.span()),
                        format!("invalid JSONPath `{}`{inner}: {e}", path.trim()),
                        None,
                    )
                })?)
            } else if let Some(header) = text.strip_prefix("header:") {
                CaptureSource::Header(header.trim().to_string())
            } else if let Some(cookie) = text.strip_prefix("cookie:") {
                let (name, attr) = crate::request::cookie_subject(cookie).map_err(|e| {
                    self.error(
                        self.at(value.span()),
                        format!("invalid capture{inner}: {e}"),
                        hint(),
                    )
                })?;
                CaptureSource::Cookie(name, attr)
            } else if let Some(pattern) = text.strip_prefix("regex:") {
                CaptureSource::Regex(Pattern(regex::Regex::new(pattern).map_err(|e| {
                    let first = e
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    self.error(
                        self.at(value.span()),
                        format!("invalid regular expression{inner}: {first}"),
                        None,
                    )
                })?))
            } else {
                return Err(self.error(
                    self.at(value.span()),
                    format!("unknown capture `{text}`{inner}"),
                    hint(),
                ));
            };
            captures.push(Capture {
                name,
                source,
                line: self.line(&self.at(key.span())),
                secret,
            });
        }
        Ok(captures)
    }

    fn status(&self, v: &Value<'_>, ctx: &str) -> Result<StatusMatcher> {
        let hint = || Some("write a code (201), a list ([200, 204]) or a class (\"2xx\")".into());
        match v.get_ref() {
            DeValue::Integer(i) => {
                let code = self.integer(i, self.at(v.span()))?;
                match u16::try_from(code) {
                    Ok(code @ 100..=999) => Ok(StatusMatcher::Code(code)),
                    _ => Err(self.error(
                        self.at(v.span()),
                        format!("invalid status `{code}`{ctx}"),
                        hint(),
                    )),
                }
            }
            DeValue::String(s) => match s.as_bytes() {
                [d @ b'1'..=b'5', b'x' | b'X', b'x' | b'X'] => Ok(StatusMatcher::Class(d - b'0')),
                _ => Err(self.error(
                    self.at(v.span()),
                    format!("invalid status `{s}`{ctx}"),
                    hint(),
                )),
            },
            _ => Err(self.type_error(v, "a status code or class", "expect.status", ctx)),
        }
    }
}

fn empty_template(span: Span) -> TemplateStr {
    TemplateStr {
        raw: String::new(),
        template: Template::default(),
        span,
        content_start: None,
    }
}

/// Where the decoded string starts in `source` if the TOML string has no escapes.
fn content_start(source: &str, span: &Span, decoded: &str) -> Option<usize> {
    let raw = source.get(span.clone())?;
    let delimiter = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else if raw.starts_with('"') || raw.starts_with('\'') {
        1
    } else {
        return None;
    };
    let mut body = raw.get(delimiter..raw.len().checked_sub(delimiter)?)?;
    let mut start = span.start + delimiter;
    if delimiter == 3 {
        for newline in ["\r\n", "\n"] {
            if let Some(rest) = body.strip_prefix(newline) {
                body = rest;
                start += newline.len();
                break;
            }
        }
    }
    (body == decoded).then_some(start)
}
