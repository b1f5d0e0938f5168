//! `ResolvedRequest`: a request with every variable filled in, ready to send.
//!
//! This is the hand-off point between the front half (collection, template,
//! resolve) and the back half (http, output). Nothing here does I/O.

use std::path::PathBuf;
use std::time::Duration;

/// A request ready to be sent: every `{{…}}` has been substituted.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRequest {
    /// The request's name in its collection (`create-plan`), or `""` for an ad-hoc `send`.
    pub name: String,
    /// Upper-case HTTP method (`GET`, `POST`, any token is allowed).
    pub method: String,
    /// Absolute URL with the query string already appended (collection `query` entries
    /// and `api_key` query auth included, percent-encoded).
    pub url: url::Url,
    /// Headers in the order they will be sent, including those derived from auth
    /// (`Authorization`) and the body (`Content-Type`). Names keep the user's spelling.
    pub headers: Vec<(String, String)>,
    /// Lower-case names of headers not to send at all, not even as a default postie adds
    /// (`User-Agent`, `Accept`, `Accept-Encoding`): `send`'s `Header:` items.
    pub without_headers: Vec<String>,
    pub body: Body,
    /// Whole-request timeout (connect to end of body); `None` means the run's default.
    pub timeout: Option<Duration>,
    /// Follow 3xx redirects (default true, at most 10 hops).
    pub follow_redirects: bool,
    /// At most this many hops; `None`: the run's `--max-redirects` (default 10).
    pub max_redirects: Option<usize>,
    /// The expectations to check once the response has arrived.
    pub expect: Expect,
    /// Values to take from the response into variables.
    pub captures: Vec<Capture>,
    /// Sign the body as a webhook sender would (to test a receiver).
    pub sign: Option<Signing>,
    /// A webhook that must reach the embedded inbox after this request.
    pub expect_webhook: Option<WebhookExpect>,
    /// `resolve`/`connect_to` of the collection's `[defaults]` (the run's own come first).
    pub routes: crate::route::Routes,
}

/// The longest URL (with its query) a request may have: 64 KB, about what HTTP libraries take
/// (hyper's limit is 65,534 bytes) and far more than servers do.
pub const MAX_URL_LEN: usize = 64_000;

/// A request body. Files are streamed from disk when sent, never read whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    /// Bytes built in memory (JSON, form, text). The `Content-Type` header is in `headers`.
    Bytes(Vec<u8>),
    /// A file streamed from disk (path already made absolute / relative to the collection).
    File(PathBuf),
    /// `multipart/form-data`; the boundary and its `Content-Type` are chosen when sending.
    Multipart(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub value: PartValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartValue {
    Text(String),
    File {
        path: PathBuf,
        /// File name sent in the part; defaults to the path's file name.
        file_name: Option<String>,
        /// Defaults to a guess from the extension.
        content_type: Option<String>,
    },
}

/// Expectations on the response (`[requests.expect]`). `V` is the type of expected values:
/// templates as written in the collection, JSON values once resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect<V = serde_json::Value> {
    /// Accepted statuses; empty means "anything".
    pub status: Vec<StatusMatcher>,
    /// Checks on response headers; the subject is the header name.
    pub headers: Vec<Check<V>>,
    /// Checks on the JSON body; the subject is a JSONPath (RFC 9535).
    pub json: Vec<Check<V>>,
    /// Checks on the body as text.
    pub body: Vec<Predicate<V>>,
    /// Checks on the cookies the response sets (`Set-Cookie`); the subject is a
    /// `Subject::Header` holding `NAME` or `NAME[Attribute]` (see [`cookie_subject`]).
    pub cookies: Vec<Check<V>>,
    /// The whole exchange must take less than this.
    pub duration_below: Option<Duration>,
    /// Where `status`, `body` and `duration` are written (header and JSON checks carry their
    /// own line).
    pub lines: ExpectLines,
}

/// 1-based lines in the collection file of an `expect` table's single checks, when known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpectLines {
    pub status: Option<usize>,
    pub body: Option<usize>,
    pub duration: Option<usize>,
}

impl<V> Default for Expect<V> {
    fn default() -> Self {
        Expect {
            status: Vec::new(),
            headers: Vec::new(),
            json: Vec::new(),
            body: Vec::new(),
            cookies: Vec::new(),
            duration_below: None,
            lines: ExpectLines::default(),
        }
    }
}

impl<V> Expect<V> {
    /// Whether any check needs the response body.
    pub fn needs_body(&self) -> bool {
        !self.json.is_empty() || !self.body.is_empty()
    }
}

/// Predicates on one subject (a header, a JSONPath), with the line it is written on.
#[derive(Debug, Clone, PartialEq)]
pub struct Check<V = serde_json::Value> {
    pub subject: Subject,
    pub predicates: Vec<Predicate<V>>,
    /// 1-based line in the collection file (for reports and CI annotations).
    pub line: usize,
}

/// What a check looks at: a header name, or a JSONPath compiled once.
#[derive(Debug, Clone)]
pub enum Subject {
    Header(String),
    Json(JsonPathExpr),
}

impl PartialEq for Subject {
    fn eq(&self, other: &Subject) -> bool {
        match (self, other) {
            (Subject::Header(a), Subject::Header(b)) => a.eq_ignore_ascii_case(b),
            (Subject::Json(a), Subject::Json(b)) => a.text == b.text,
            _ => false,
        }
    }
}

/// A JSONPath as written and compiled.
#[derive(Debug, Clone)]
pub struct JsonPathExpr {
    pub text: String,
    pub path: std::sync::Arc<serde_json_path::JsonPath>,
}

/// How deep a JSONPath may nest brackets and parentheses together, and brackets alone: the
/// parser recurses per level (thousands of `(` overflow the stack) and backtracks through
/// nested filters (time doubles with each `[?…[?…]]` level).
pub const JSONPATH_MAX_DEPTH: usize = 32;
pub const JSONPATH_MAX_BRACKET_DEPTH: usize = 8;

/// Refuses a JSONPath that nests deeper than the parser can take (see [`JSONPATH_MAX_DEPTH`]);
/// brackets and parentheses inside string literals do not count.
fn check_jsonpath_depth(text: &str) -> Result<(), String> {
    let (mut depth, mut brackets) = (0usize, 0usize);
    let mut open: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' => {
                open.push(c);
                depth = depth.max(open.len());
                brackets = brackets.max(open.iter().filter(|&&o| o == '[').count());
            }
            ')' | ']' => {
                open.pop();
            }
            _ => {}
        }
        if depth > JSONPATH_MAX_DEPTH {
            return Err(format!(
                "it nests brackets and parentheses more than {JSONPATH_MAX_DEPTH} levels deep"
            ));
        }
        if brackets > JSONPATH_MAX_BRACKET_DEPTH {
            return Err(format!(
                "it nests brackets more than {JSONPATH_MAX_BRACKET_DEPTH} levels deep"
            ));
        }
    }
    Ok(())
}

impl JsonPathExpr {
    pub fn parse(text: &str) -> Result<JsonPathExpr, String> {
        check_jsonpath_depth(text)?;
        serde_json_path::JsonPath::parse(text)
            .map(|path| JsonPathExpr {
                text: text.to_string(),
                path: std::sync::Arc::new(path),
            })
            .map_err(|e| e.to_string())
    }
}

/// One test on a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate<V = serde_json::Value> {
    /// Equal, typed (2 is not "2").
    Equals(V),
    /// Present (true) or absent (false).
    Exists(bool),
    /// A string containing a substring, an array containing an element, an object a key.
    Contains(V),
    /// A string matching a regular expression.
    Matches(Pattern),
    /// The length of a string, array or object.
    Length(u64),
    /// The JSON type: string, number, integer, boolean, null, array, object.
    Type(String),
    Gt(f64),
    Gte(f64),
    Lt(f64),
    Lte(f64),
}

impl<V> Predicate<V> {
    /// Turn the expected values into another type (templates into JSON values).
    pub fn try_map<W, E>(self, mut f: impl FnMut(V) -> Result<W, E>) -> Result<Predicate<W>, E> {
        Ok(match self {
            Predicate::Equals(v) => Predicate::Equals(f(v)?),
            Predicate::Contains(v) => Predicate::Contains(f(v)?),
            Predicate::Exists(b) => Predicate::Exists(b),
            Predicate::Matches(p) => Predicate::Matches(p),
            Predicate::Length(n) => Predicate::Length(n),
            Predicate::Type(t) => Predicate::Type(t),
            Predicate::Gt(n) => Predicate::Gt(n),
            Predicate::Gte(n) => Predicate::Gte(n),
            Predicate::Lt(n) => Predicate::Lt(n),
            Predicate::Lte(n) => Predicate::Lte(n),
        })
    }
}

/// A compiled regular expression, compared by its text.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// `sign = { scheme = "standard", secret = "…" }`: signature headers added when sending.
#[derive(Debug, Clone, PartialEq)]
pub struct Signing {
    pub scheme: crate::signing::Scheme,
    pub secret: String,
}

/// `[requests.expect_webhook]`: after the request, a matching event must arrive in the
/// embedded inbox (`{{inbox}}`) within `within`; its body feeds `captures`.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookExpect<V = serde_json::Value> {
    /// Glob on the event's path (`/hooks/*`).
    pub path: String,
    /// Upper-case method, if it matters.
    pub method: Option<String>,
    /// Checks on the event's headers, JSON body and body (its `status`/`duration` are unused).
    pub expect: Expect<V>,
    pub within: Duration,
    pub captures: Vec<Capture>,
    /// Line of `[requests.expect_webhook]` in the collection file.
    pub line: usize,
}

/// `[requests.capture]`: a value taken from the response into a variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub name: String,
    pub source: CaptureSource,
    pub line: usize,
    /// `{ json = "…", secret = true }`: the value is a secret, masked in every output.
    pub secret: bool,
}

/// An OAuth2 grant (`grant = "…"` of `auth.oauth2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuth2Grant {
    ClientCredentials,
    Password,
    AuthorizationCode,
    DeviceCode,
}

impl OAuth2Grant {
    pub const NAMES: &[&str] = &[
        "client_credentials",
        "password",
        "authorization_code",
        "device_code",
    ];

    pub fn from_name(name: &str) -> Option<OAuth2Grant> {
        Some(match name {
            "client_credentials" => OAuth2Grant::ClientCredentials,
            "password" => OAuth2Grant::Password,
            "authorization_code" => OAuth2Grant::AuthorizationCode,
            "device_code" => OAuth2Grant::DeviceCode,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            OAuth2Grant::ClientCredentials => "client_credentials",
            OAuth2Grant::Password => "password",
            OAuth2Grant::AuthorizationCode => "authorization_code",
            OAuth2Grant::DeviceCode => "device_code",
        }
    }

    /// Needs a person (a browser, a code typed on another device).
    pub fn interactive(self) -> bool {
        matches!(
            self,
            OAuth2Grant::AuthorizationCode | OAuth2Grant::DeviceCode
        )
    }
}

/// How the client authenticates to the token endpoint (`client_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic with `client_id:client_secret` (RFC 6749 2.3.1).
    Basic,
    /// `client_id` and `client_secret` in the request body.
    Body,
}

/// How the token request body is written (`format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    Form,
    /// `application/json` (Auth0-style providers).
    Json,
}

/// A resolved `auth.oauth2`: every template filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2 {
    pub grant: OAuth2Grant,
    pub token_url: url::Url,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub auth_url: Option<url::Url>,
    pub device_url: Option<url::Url>,
    pub params: Vec<(String, String)>,
    pub client_auth: ClientAuth,
    pub format: TokenFormat,
    /// The profile name shown by `postie auth list` (the `name`, else the token URL's host).
    pub profile: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaptureSource {
    /// `json:$.path`: the JSON value (keeps its type).
    Json(JsonPathExpr),
    /// `header:name`: the header's value.
    Header(String),
    /// `regex:…` on the body: the first group if there is one, else the whole match.
    Regex(Pattern),
    /// `status`: the status code (a number).
    Status,
    /// `cookie:NAME` or `cookie:NAME[Attribute]`: a cookie the response sets.
    Cookie(String, CookieAttr),
}

/// What a cookie check or capture looks at, as Hurl names them: `NAME` is `NAME[Value]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieAttr {
    /// The value (a string).
    Value,
    /// `Expires` as written (a string), absent when not set.
    Expires,
    /// `Max-Age` in seconds (an integer), absent when not set.
    MaxAge,
    /// `Domain`, absent when not set (a host-only cookie).
    Domain,
    /// `Path`, absent when not set.
    Path,
    /// `true` or `false`.
    Secure,
    /// `true` or `false`.
    HttpOnly,
    /// `Strict`, `Lax` or `None`, absent when not set.
    SameSite,
}

impl CookieAttr {
    pub const NAMES: [&'static str; 8] = [
        "Value", "Expires", "Max-Age", "Domain", "Path", "Secure", "HttpOnly", "SameSite",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `NAME` or `NAME[Attribute]` (attribute names are case-insensitive): the cookie's name and
/// what to look at; an error says which attributes exist.
pub fn cookie_subject(text: &str) -> Result<(String, CookieAttr), String> {
    use CookieAttr::*;
    let (name, attr) = match text.split_once('[') {
        Some((name, rest)) => {
            let attr = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("`{text}` lacks its closing `]`"))?;
            let all = [
                Value, Expires, MaxAge, Domain, Path, Secure, HttpOnly, SameSite,
            ];
            let found = all
                .into_iter()
                .find(|a| a.name().eq_ignore_ascii_case(attr.trim()));
            let attr = found.ok_or_else(|| {
                format!(
                    "unknown cookie attribute `{attr}`: use one of {}",
                    CookieAttr::NAMES.join(", ")
                )
            })?;
            (name, attr)
        }
        None => (text, Value),
    };
    let name = name.trim();
    if name.is_empty() || name.contains([';', '=', ' ', ',', ']']) {
        return Err(format!("`{name}` is not a cookie name"));
    }
    Ok((name.to_owned(), attr))
}

/// As written after the capture's name: `json:$.id`, `header:Location`, `regex:…`, `status`,
/// `cookie:sid`.
impl std::fmt::Display for CaptureSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaptureSource::Json(path) => write!(f, "json:{}", path.text),
            CaptureSource::Header(name) => write!(f, "header:{name}"),
            CaptureSource::Regex(pattern) => write!(f, "regex:{}", pattern.0.as_str()),
            CaptureSource::Status => f.write_str("status"),
            CaptureSource::Cookie(name, CookieAttr::Value) => write!(f, "cookie:{name}"),
            CaptureSource::Cookie(name, attr) => write!(f, "cookie:{name}[{}]", attr.name()),
        }
    }
}

impl PartialEq for JsonPathExpr {
    fn eq(&self, other: &JsonPathExpr) -> bool {
        self.text == other.text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatcher {
    /// An exact code, e.g. 201.
    Code(u16),
    /// A class such as `2xx`: the hundreds digit.
    Class(u8),
}

impl StatusMatcher {
    pub fn matches(self, code: u16) -> bool {
        match self {
            StatusMatcher::Code(c) => c == code,
            StatusMatcher::Class(c) => code / 100 == u16::from(c),
        }
    }
}

impl std::fmt::Display for StatusMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatcher::Code(c) => write!(f, "{c}"),
            StatusMatcher::Class(c) => write!(f, "{c}xx"),
        }
    }
}

impl ResolvedRequest {
    /// A plain request (no expectations, captures or signing), e.g. a token request.
    pub fn new(
        method: &str,
        url: url::Url,
        headers: Vec<(String, String)>,
        body: Body,
    ) -> ResolvedRequest {
        ResolvedRequest {
            name: String::new(),
            method: method.to_string(),
            url,
            headers,
            without_headers: Vec::new(),
            body,
            timeout: None,
            follow_redirects: false,
            max_redirects: None,
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
            routes: Default::default(),
        }
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::util::header(&self.headers, name)
    }
}
