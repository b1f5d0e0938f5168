//! A curl command (as typed, or "Copy as cURL" from a browser, bash or cmd) as one request.
//! Flags that only change curl's own output are ignored with a note; flags a collection cannot
//! say are reported as dropped; a literal credential becomes a `{{secret:…}}` reference.

use super::{Body, Imported, Note, Part, PartValue, SecretRef, escape, words};
use crate::collection::credentials;

/// The command could not be read as a curl command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurlError {
    /// Broken quoting.
    #[error("could not split the command into words: {0}")]
    Split(#[from] words::SplitError),
    /// The first word is not `curl`.
    #[error("this is not a curl command: it starts with `{0}`")]
    NotCurl(String),
    /// A flag needs a value and none followed.
    #[error("`{0}` needs a value")]
    MissingValue(String),
    /// No URL anywhere.
    #[error("the command has no URL")]
    NoUrl,
}

/// Flags that only change what curl prints or where it writes: ignored.
const OUTPUT_ONLY: &[&str] = &[
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-v",
    "--verbose",
    "-i",
    "--include",
    "-#",
    "--progress-bar",
    "--no-progress-meter",
    "-f",
    "--fail",
    "--fail-with-body",
    "-N",
    "--no-buffer",
    "-O",
    "--remote-name",
    "-J",
    "--remote-header-name",
];
/// Of those, the ones that take a value.
const OUTPUT_ONLY_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-w",
    "--write-out",
    "--stderr",
    "--trace",
    "--trace-ascii",
];
/// Flags without a value that postie cannot carry into the file.
const DROPPED: &[(&str, &str)] = &[
    (
        "-k",
        "run with `postie run -k` (a collection cannot turn off certificate checks)",
    ),
    (
        "--insecure",
        "run with `postie run -k` (a collection cannot turn off certificate checks)",
    ),
    ("--http1.1", "postie picks the HTTP version itself"),
    ("--http2", "postie picks the HTTP version itself"),
    (
        "--http2-prior-knowledge",
        "postie picks the HTTP version itself",
    ),
    ("-g", "URL globbing is not a postie feature"),
    ("--globoff", "URL globbing is not a postie feature"),
];
/// Flags with a value that postie cannot carry into the file, and what to do instead.
const DROPPED_VALUE: &[(&str, &str)] = &[
    (
        "--resolve",
        "run with `postie run --resolve …` or put it in `[defaults] resolve`",
    ),
    (
        "--connect-to",
        "run with `postie run --connect-to …` or put it in `[defaults] connect_to`",
    ),
    ("--cacert", "run with `postie run --cacert FILE`"),
    ("-c", "run with `postie run --cookie-jar FILE`"),
    ("--cookie-jar", "run with `postie run --cookie-jar FILE`"),
    ("-x", "set HTTPS_PROXY/HTTP_PROXY for postie"),
    ("--proxy", "set HTTPS_PROXY/HTTP_PROXY for postie"),
    (
        "--retry",
        "use `retry = { times = N, interval = \"1s\" }` or `postie run --retry N`",
    ),
    (
        "--connect-timeout",
        "postie has one whole-request `timeout`",
    ),
    ("-E", "client certificates are not supported yet"),
    ("--cert", "client certificates are not supported yet"),
    (
        "-T",
        "upload a file with `file = \"PATH\"` and `method = \"PUT\"`",
    ),
    (
        "--upload-file",
        "upload a file with `file = \"PATH\"` and `method = \"PUT\"`",
    ),
    ("-r", "add a `Range` header instead"),
    ("--range", "add a `Range` header instead"),
    ("-K", "a curl config file is not read"),
    ("--config", "a curl config file is not read"),
];
/// Short flags that take a value (for `-XPOST` and `-sX POST`).
const SHORT_WITH_VALUE: &str = "XHdFubAeowcmxErTK";

/// One `-d`-style piece of data, as curl joins them with `&`.
#[derive(Debug)]
enum Data {
    /// `-d`, `--data-ascii` (`@file`: curl strips CR and LF).
    Ascii(String),
    /// `--data-raw`.
    Raw(String),
    /// `--data-binary` (`@file` exact).
    Binary(String),
    /// `--data-urlencode`.
    Urlencode(String),
    /// `--json`.
    Json(String),
}

/// What the flags said, before the request is put together.
#[derive(Debug, Default)]
struct Flags {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<(String, String)>,
    data: Vec<Data>,
    form: Vec<(String, String, bool)>,
    user: Option<String>,
    bearer: Option<String>,
    get: bool,
    head: bool,
    location: bool,
    max_redirs: Option<u32>,
    timeout: Option<String>,
    notes: Vec<Note>,
}

/// `text` (a whole curl command) as a request named `name` (else one from the method and
/// path); secrets are named after `collection`.
pub fn import(text: &str, name: Option<&str>, collection: &str) -> Result<Imported, CurlError> {
    let words = words::split(text)?;
    let mut words = words.into_iter();
    match words.next() {
        Some(first) if is_curl(&first) => {}
        Some(first) => return Err(CurlError::NotCurl(first)),
        None => return Err(CurlError::NoUrl),
    }
    let flags = parse_flags(&mut words)?;
    build(flags, name, collection)
}

fn is_curl(word: &str) -> bool {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    base.eq_ignore_ascii_case("curl") || base.eq_ignore_ascii_case("curl.exe")
}

fn parse_flags(words: &mut impl Iterator<Item = String>) -> Result<Flags, CurlError> {
    let mut flags = Flags::default();
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        if word == "--" {
            flags.urls.extend(words.by_ref());
            break;
        }
        if !word.starts_with('-') || word == "-" {
            flags.urls.push(word);
            continue;
        }
        for (flag, attached) in expand_short(&word) {
            let mut value = || -> Result<String, CurlError> {
                match &attached {
                    Some(v) => Ok(v.clone()),
                    None => words
                        .next()
                        .ok_or_else(|| CurlError::MissingValue(flag.clone())),
                }
            };
            apply(&mut flags, &flag, &mut value)?;
        }
    }
    Ok(flags)
}

/// `-sSL` → `-s`, `-S`, `-L`; `-XPOST` → `-X` with `POST`; long flags as they are.
fn expand_short(word: &str) -> Vec<(String, Option<String>)> {
    if word.starts_with("--") {
        return vec![(word.to_owned(), None)];
    }
    let letters: Vec<char> = word.chars().skip(1).collect();
    let mut out = Vec::new();
    for (i, c) in letters.iter().enumerate() {
        let flag = format!("-{c}");
        if SHORT_WITH_VALUE.contains(*c) {
            let rest: String = letters[i + 1..].iter().collect();
            out.push((flag, (!rest.is_empty()).then_some(rest)));
            return out;
        }
        out.push((flag, None));
    }
    out
}

fn apply(
    flags: &mut Flags,
    flag: &str,
    value: &mut dyn FnMut() -> Result<String, CurlError>,
) -> Result<(), CurlError> {
    match flag {
        "-X" | "--request" => flags.method = Some(value()?),
        "--url" => flags.urls.push(value()?),
        "-H" | "--header" => header(flags, &value()?),
        "-A" | "--user-agent" => flags.headers.push(("User-Agent".into(), value()?)),
        "-e" | "--referer" => flags.headers.push(("Referer".into(), value()?)),
        "-b" | "--cookie" => cookie(flags, value()?),
        "-u" | "--user" => flags.user = Some(value()?),
        "--oauth2-bearer" => flags.bearer = Some(value()?),
        "-d" | "--data" | "--data-ascii" => flags.data.push(Data::Ascii(value()?)),
        "--data-raw" => flags.data.push(Data::Raw(value()?)),
        "--data-binary" => flags.data.push(Data::Binary(value()?)),
        "--data-urlencode" => flags.data.push(Data::Urlencode(value()?)),
        "--json" => flags.data.push(Data::Json(value()?)),
        "-F" | "--form" => flags.form.push(split_form(&value()?, false)),
        "--form-string" => flags.form.push(split_form(&value()?, true)),
        "-G" | "--get" => flags.get = true,
        "-I" | "--head" => flags.head = true,
        "-L" | "--location" => flags.location = true,
        "--compressed" => flags.notes.push(Note::Changed(
            "`--compressed`: postie always asks for gzip, deflate, br and zstd and decodes them"
                .into(),
        )),
        "--max-redirs" => flags.max_redirs = value()?.parse().ok(),
        "-m" | "--max-time" => flags.timeout = Some(duration(&value()?)),
        _ => other(flags, flag, value)?,
    }
    Ok(())
}

fn other(
    flags: &mut Flags,
    flag: &str,
    value: &mut dyn FnMut() -> Result<String, CurlError>,
) -> Result<(), CurlError> {
    if OUTPUT_ONLY.contains(&flag) {
        flags.notes.push(ignored(flag));
    } else if OUTPUT_ONLY_VALUE.contains(&flag) {
        value()?;
        flags.notes.push(ignored(flag));
    } else if let Some((_, why)) = DROPPED.iter().find(|(f, _)| *f == flag) {
        flags.notes.push(Note::Dropped(format!("`{flag}`: {why}")));
    } else if let Some((_, why)) = DROPPED_VALUE.iter().find(|(f, _)| *f == flag) {
        let v = value()?;
        flags
            .notes
            .push(Note::Dropped(format!("`{flag} {v}`: {why}")));
    } else {
        flags.notes.push(Note::Dropped(format!(
            "`{flag}`: not a curl option postie knows (if it takes a value, that value was read as a URL)"
        )));
    }
    Ok(())
}

fn ignored(flag: &str) -> Note {
    Note::Ignored(format!("`{flag}`: changes only curl's own output"))
}

/// `-m 2.5` → `2500ms`.
fn duration(seconds: &str) -> String {
    match seconds.parse::<f64>() {
        Ok(s) if s.fract() == 0.0 => format!("{s}s"),
        Ok(s) => format!("{}ms", (s * 1000.0).round()),
        Err(_) => seconds.to_owned(),
    }
}

/// `-H 'Name: value'`; `Name;` sends an empty header; `Name:` (curl: remove it) is dropped.
fn header(flags: &mut Flags, text: &str) {
    if let Some((name, value)) = text.split_once(':') {
        let value = value.trim_start();
        if value.is_empty() {
            flags.notes.push(Note::Dropped(format!(
                "`-H '{name}:'` (curl does not send its own `{name}`): a collection cannot remove a header postie adds"
            )));
        } else {
            flags
                .headers
                .push((name.trim().to_owned(), value.to_owned()));
        }
    } else if let Some(name) = text.strip_suffix(';') {
        flags.headers.push((name.trim().to_owned(), String::new()));
    } else {
        flags
            .notes
            .push(Note::Dropped(format!("`-H '{text}'`: not a header")));
    }
}

/// `-b 'a=1; b=2'` is a `Cookie` header; `-b FILE` reads a jar, which is not carried.
fn cookie(flags: &mut Flags, value: String) {
    if value.contains('=') {
        flags.headers.push(("Cookie".into(), value));
    } else {
        flags.notes.push(Note::Dropped(format!(
            "`-b {value}` (a cookie file): run with `postie run --cookie-jar {value}`"
        )));
    }
}

/// `name=value` of `-F` (or `--form-string` when `literal`).
fn split_form(text: &str, literal: bool) -> (String, String, bool) {
    let (name, value) = text.split_once('=').unwrap_or((text, ""));
    (name.to_owned(), value.to_owned(), literal)
}

fn build(mut flags: Flags, name: Option<&str>, collection: &str) -> Result<Imported, CurlError> {
    if flags.urls.is_empty() {
        return Err(CurlError::NoUrl);
    }
    let raw_url = flags.urls.remove(0);
    for extra in &flags.urls {
        flags.notes.push(Note::Dropped(format!(
            "the URL `{extra}`: one request is imported per command, the first URL"
        )));
    }
    let mut out = Imported {
        follow_redirects: flags.location,
        max_redirects: flags.max_redirs.filter(|_| flags.location),
        timeout: flags.timeout.take(),
        notes: std::mem::take(&mut flags.notes),
        ..Imported::default()
    };
    let mut url = with_scheme(&raw_url);
    let data = join_data(&flags.data, &mut out.notes);
    let content_type = take_header(&mut flags.headers, "content-type");
    out.method = method(&flags, data.is_some());
    match data {
        Some(DataBody::Text(text)) if flags.get => {
            let sep = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{sep}{text}");
        }
        Some(body) => out.body = data_body(body, &flags, content_type.clone()),
        None if !flags.form.is_empty() => out.body = multipart(&flags.form, &mut out.notes),
        None => {}
    }
    if matches!(out.body, Body::None)
        && let Some(ct) = content_type
    {
        flags.headers.push(("Content-Type".into(), ct));
    }
    if flags.data.iter().any(|d| matches!(d, Data::Json(_))) {
        json_accept(&mut flags.headers);
    }
    out.url = secret_query(&url, collection, &mut out);
    out.headers = secret_headers(
        std::mem::take(&mut flags.headers),
        collection,
        &mut out,
        false,
    );
    auth(&flags, collection, &mut out);
    out.name = name.map_or_else(|| request_name(&out.method, &url), str::to_owned);
    Ok(out)
}

fn with_scheme(url: &str) -> String {
    if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    }
}

fn method(flags: &Flags, has_data: bool) -> String {
    if let Some(m) = &flags.method {
        return m.to_ascii_uppercase();
    }
    if flags.head {
        "HEAD".into()
    } else if flags.get {
        "GET".into()
    } else if has_data || !flags.form.is_empty() {
        "POST".into()
    } else {
        "GET".into()
    }
}

/// The first header named `name` (any case), taken out.
fn take_header(headers: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let i = headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))?;
    Some(headers.remove(i).1)
}

/// `--json` adds `Accept: application/json` unless one is given.
fn json_accept(headers: &mut Vec<(String, String)>) {
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
    {
        headers.push(("Accept".into(), "application/json".into()));
    }
}

/// The data pieces put together as curl does.
enum DataBody {
    Text(String),
    /// One `@file` piece: (path, exact bytes?).
    File(String, bool),
}

fn join_data(data: &[Data], notes: &mut Vec<Note>) -> Option<DataBody> {
    if data.is_empty() {
        return None;
    }
    if let [one] = data {
        match one {
            Data::Binary(v) | Data::Json(v) if v.starts_with('@') && v != "@-" => {
                return Some(DataBody::File(v[1..].to_owned(), true));
            }
            Data::Ascii(v) if v.starts_with('@') && v != "@-" => {
                notes.push(Note::Changed(format!(
                    "`-d {v}`: curl strips CR and LF from the file, postie sends it as it is (as `--data-binary`)"
                )));
                return Some(DataBody::File(v[1..].to_owned(), false));
            }
            _ => {}
        }
    }
    let mut parts = Vec::new();
    for piece in data {
        match piece {
            Data::Ascii(v) | Data::Binary(v) | Data::Json(v) if v.starts_with('@') => {
                notes.push(Note::Dropped(format!(
                    "the data `{v}`: a file's content among several data pieces is not carried; keep one `--data-binary @FILE`"
                )));
            }
            Data::Ascii(v) | Data::Raw(v) | Data::Binary(v) | Data::Json(v) => {
                parts.push(v.clone())
            }
            Data::Urlencode(v) => parts.push(urlencode(v, notes)),
        }
    }
    let sep = if data.iter().all(|d| matches!(d, Data::Json(_))) {
        ""
    } else {
        "&"
    };
    Some(DataBody::Text(parts.join(sep)))
}

/// `--data-urlencode`: `content`, `=content`, `name=content` (`@file` forms are reported).
fn urlencode(v: &str, notes: &mut Vec<Note>) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    // As curl: unreserved characters stay, a space is `+`, everything else `%XX`.
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, SET)
            .to_string()
            .replace("%20", "+")
    };
    if v.starts_with('@')
        || v.split_once('=').is_none_or(|(n, _)| n.contains('@')) && v.contains('@')
    {
        notes.push(Note::Dropped(format!(
            "`--data-urlencode {v}`: a file's content is not read at import"
        )));
        return String::new();
    }
    match v.split_once('=') {
        Some(("", content)) => enc(content),
        Some((name, content)) => format!("{name}={}", enc(content)),
        None => enc(v),
    }
}

fn data_body(body: DataBody, flags: &Flags, content_type: Option<String>) -> Body {
    let json = flags.data.iter().any(|d| matches!(d, Data::Json(_)));
    let default = if json {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let content_type = Some(content_type.unwrap_or_else(|| default.to_owned()));
    match body {
        DataBody::Text(text) => Body::Text {
            text: escape(&text),
            content_type,
        },
        DataBody::File(path, _exact) => Body::File {
            path: escape(&path),
            content_type,
        },
    }
}

fn multipart(form: &[(String, String, bool)], notes: &mut Vec<Note>) -> Body {
    let mut parts = Vec::new();
    for (name, value, literal) in form {
        if parts.iter().any(|p: &Part| &p.name == name) {
            notes.push(Note::Dropped(format!(
                "`-F {name}={value}`: a second part named `{name}` (a collection's `multipart` has one per name)"
            )));
            continue;
        }
        if *literal || !(value.starts_with('@') || value.starts_with('<')) {
            let text = if *literal {
                value.as_str()
            } else {
                value.split(';').next().unwrap_or_default()
            };
            if !*literal && text.len() != value.len() {
                notes.push(Note::Dropped(format!(
                    "`-F {name}={value}`: part attributes of a text field"
                )));
            }
            parts.push(Part {
                name: name.clone(),
                value: PartValue::Text(escape(text)),
            });
            continue;
        }
        if value.starts_with('<') {
            notes.push(Note::Dropped(format!(
                "`-F {name}={value}`: a text field read from a file is not carried"
            )));
            continue;
        }
        parts.push(Part {
            name: name.clone(),
            value: file_part(&value[1..]),
        });
    }
    Body::Multipart(parts)
}

/// `path;type=…;filename=…` of `-F name=@…`.
fn file_part(spec: &str) -> PartValue {
    let mut pieces = spec.split(';');
    let path = pieces.next().unwrap_or_default();
    let (mut file_name, mut content_type) = (None, None);
    for attr in pieces {
        match attr.split_once('=') {
            Some(("type", v)) => content_type = Some(v.to_owned()),
            Some(("filename", v)) => file_name = Some(escape(v.trim_matches('"'))),
            _ => {}
        }
    }
    PartValue::File {
        path: escape(path),
        file_name,
        content_type,
    }
}

/// A credential in the query (`api_key=…`, a token-shaped value) as a secret reference.
fn secret_query(url: &str, collection: &str, out: &mut Imported) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut text = escape(base);
    let Some(query) = query else { return text };
    let mut parts = Vec::new();
    for part in query.split('&') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        if !value.is_empty()
            && (credentials::sensitive_header(key) || credentials::token_shape(value).is_some())
        {
            let name = credentials::secret_name(collection, key);
            parts.push(format!("{}={{{{secret:{name}}}}}", escape(key)));
            out.secrets.push(SecretRef {
                name,
                from: format!("query parameter `{key}`"),
            });
        } else {
            parts.push(escape(part));
        }
    }
    text.push('?');
    text.push_str(&parts.join("&"));
    text
}

/// Headers with literal credentials as secret references (an `Authorization` scheme kept).
pub(super) fn secret_headers(
    headers: Vec<(String, String)>,
    collection: &str,
    out: &mut Imported,
    keep_templates: bool,
) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    for (name, value) in headers {
        let sensitive =
            credentials::sensitive_header(&name) || credentials::token_shape(&value).is_some();
        // A value that is already a template (`Bearer {{token}}`) names its source itself.
        let templated = value.contains("{{") && !value.contains("\\{{");
        if !sensitive || value.is_empty() || (templated && keep_templates) {
            let value = if keep_templates {
                value
            } else {
                escape(&value)
            };
            kept.push((name, value));
            continue;
        }
        let secret = credentials::secret_name(collection, &name);
        let reference = format!("{{{{secret:{secret}}}}}");
        let text = match value.split_once(' ') {
            Some((scheme, rest)) if is_scheme(scheme) && !rest.trim().is_empty() => {
                format!("{scheme} {reference}")
            }
            _ => reference,
        };
        if !out.secrets.iter().any(|s| s.name == secret) {
            out.secrets.push(SecretRef {
                name: secret,
                from: format!("header `{name}`"),
            });
        }
        kept.push((name, text));
    }
    kept
}

fn is_scheme(word: &str) -> bool {
    ["bearer", "basic", "token", "digest", "apikey", "hmac"]
        .contains(&word.to_ascii_lowercase().as_str())
}

/// `-u user:password` (the password a secret) and `--oauth2-bearer` (a secret).
fn auth(flags: &Flags, collection: &str, out: &mut Imported) {
    if let Some(user) = &flags.user {
        let (name, password) = user.split_once(':').unwrap_or((user, ""));
        if password.is_empty() {
            out.notes.push(Note::Dropped(
                "`-u` without a password: curl would prompt for it; the password is left empty"
                    .into(),
            ));
            out.basic = Some((escape(name), String::new()));
        } else {
            let secret = credentials::secret_name(collection, "password");
            out.basic = Some((escape(name), format!("{{{{secret:{secret}}}}}")));
            out.secrets.push(SecretRef {
                name: secret,
                from: "the password of `-u`".into(),
            });
        }
    }
    if flags.bearer.is_some() {
        let secret = credentials::secret_name(collection, "token");
        out.bearer = Some(format!("{{{{secret:{secret}}}}}"));
        out.secrets.push(SecretRef {
            name: secret,
            from: "`--oauth2-bearer`".into(),
        });
    }
}

/// `post-users` for `POST …/api/users?x=1`; `get` for `/`.
pub(super) fn request_name(method: &str, url: &str) -> String {
    let path = url.split("://").nth(1).unwrap_or(url);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let last = path
        .split('/')
        .skip(1)
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .last();
    let clean: String = last
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-');
    let method = method.to_ascii_lowercase();
    if clean.is_empty() {
        method
    } else {
        format!("{method}-{clean}")
    }
}
