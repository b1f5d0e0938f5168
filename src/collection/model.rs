//! The parts of a collection, as written (strings are unrendered templates).

use std::ops::Range;
use std::time::Duration;

use crate::request::{Capture, Expect, WebhookExpect};
use crate::template::Template;

/// A byte range in the collection's source text.
pub type Span = Range<usize>;

/// A string from the file, parsed as a template, with where it sits in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateStr {
    /// The decoded TOML string (the template text).
    pub raw: String,
    pub template: Template,
    /// The whole TOML value, quotes included.
    pub span: Span,
    /// Where the decoded text starts in the source, when it is a verbatim copy of it
    /// (no escapes), so offsets map exactly.
    pub(crate) content_start: Option<usize>,
}

impl TemplateStr {
    /// Maps `inner`, a byte range of [`TemplateStr::raw`], to a span of `source`: exact for
    /// strings without escapes, else the first verbatim occurrence of that text in the value,
    /// else the whole value.
    pub fn source_span(&self, source: &str, inner: Range<usize>) -> Span {
        if let Some(start) = self.content_start {
            return start + inner.start..start + inner.end;
        }
        let text = self.raw.get(inner).unwrap_or_default();
        source
            .get(self.span.clone())
            .and_then(|value| value.find(text).filter(|_| !text.is_empty()))
            .map_or(self.span.clone(), |i| {
                let start = self.span.start + i;
                start..start + text.len()
            })
    }
}

/// A TOML value whose strings are templates (`[vars]`, `json` bodies).
#[derive(Debug, Clone, PartialEq)]
pub enum TValue {
    String(TemplateStr),
    Number(serde_json::Number),
    Bool(bool),
    /// A TOML date-time, kept as its TOML text.
    Datetime(String),
    Array(Vec<TValue>),
    Table(Vec<(String, TValue)>),
}

/// A variable definition in `[vars]` or `[env.NAME]`.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDef {
    pub name: String,
    pub name_span: Span,
    pub value: TValue,
}

/// An `[env.NAME]` table.
/// `[secrets] NAME = { command = [...] }`: a program whose stdout is the secret's value.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretCommand {
    pub name: String,
    /// Program and arguments, run without a shell.
    pub command: Vec<String>,
    /// `timeout = "5s"`: how long the command may run (default 30s).
    pub timeout: Option<std::time::Duration>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Env {
    pub name: String,
    pub name_span: Span,
    pub vars: Vec<VarDef>,
}

/// `[defaults]`: merged into every request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Defaults {
    pub headers: Vec<Header>,
    pub query: Vec<Param>,
    pub auth: Option<AuthSpec>,
    pub timeout: Option<Duration>,
    /// `resolve = ["HOST:PORT:ADDR"]`, `connect_to = ["HOST:PORT:HOST2:PORT2"]` (as curl).
    pub routes: crate::route::Routes,
}

/// A header as written; numbers and bools are kept as literal templates.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub value: TemplateStr,
}

/// A query or form parameter; an array in the file gives several values (repeated key).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub values: Vec<TemplateStr>,
}

/// `auth = { … }`.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthSpec {
    /// `{ basic = { username, password } }`
    Basic {
        username: TemplateStr,
        password: TemplateStr,
    },
    /// `{ bearer = "…" }`
    Bearer(TemplateStr),
    /// `{ api_key = { header = "X-Api-Key", value = "…" } }`
    ApiKeyHeader { header: String, value: TemplateStr },
    /// `{ api_key = { query = "api_key", value = "…" } }`
    ApiKeyQuery { param: String, value: TemplateStr },
    /// `auth = "none"`: no auth, not even the `[defaults]` one.
    None,
    /// `{ oauth2 = { grant, token_url, client_id, … } }`: a bearer token fetched (and cached)
    /// by postie.
    OAuth2(Box<OAuth2Spec>),
}

/// `auth = { oauth2 = { … } }` as written.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Spec {
    pub grant: crate::request::OAuth2Grant,
    pub token_url: TemplateStr,
    pub client_id: TemplateStr,
    pub client_secret: Option<TemplateStr>,
    pub scope: Option<TemplateStr>,
    /// Password grant.
    pub username: Option<TemplateStr>,
    pub password: Option<TemplateStr>,
    /// Authorization code grant: where the browser goes.
    pub auth_url: Option<TemplateStr>,
    /// Device code grant: where the device code is asked for.
    pub device_url: Option<TemplateStr>,
    /// Extra token request parameters (`audience`, `resource`, …), in file order.
    pub params: Vec<(String, TemplateStr)>,
    pub client_auth: crate::request::ClientAuth,
    pub format: crate::request::TokenFormat,
    /// Allow a plain `http://` token URL on a host other than loopback.
    pub allow_http: bool,
    /// `name = "…"`: the profile name for `postie auth list/logout/token`.
    pub profile: Option<String>,
    /// Where the `oauth2` table is (for error messages).
    pub span: Span,
}

/// The body as written (at most one per request).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BodySpec {
    #[default]
    None,
    /// `json = …` (any TOML value).
    Json(TValue),
    /// `form = { … }`
    Form(Vec<Param>),
    /// `text = "…"`, `content_type` defaults to `text/plain; charset=utf-8`.
    Text {
        text: TemplateStr,
        content_type: Option<String>,
    },
    /// `file = "path"` relative to the collection file; `content_type` defaults to a guess.
    File {
        path: TemplateStr,
        content_type: Option<String>,
    },
    /// `multipart = { field = "text", upload = { file = "…" } }`
    Multipart(Vec<PartSpec>),
    /// `graphql = { query = "…", variables = { … }, operation_name = "…" }`: a JSON POST of
    /// `query`, `operationName` and `variables` (GraphQL over HTTP).
    Graphql(GraphqlSpec),
}

/// A `graphql` body as written.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphqlSpec {
    pub query: TemplateStr,
    /// A table (TOML values, strings as templates), sent as the JSON `variables` object.
    pub variables: Option<TValue>,
    pub operation_name: Option<TemplateStr>,
}

/// One `multipart` field.
#[derive(Debug, Clone, PartialEq)]
pub struct PartSpec {
    pub name: String,
    pub value: PartSpecValue,
}

/// A `multipart` field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum PartSpecValue {
    Text(TemplateStr),
    File {
        path: TemplateStr,
        file_name: Option<TemplateStr>,
        content_type: Option<String>,
    },
}

/// A `[[requests]]` entry as written.
/// `sign = { scheme = "standard", secret = "{{secret:hook_secret}}" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SignSpec {
    pub scheme: crate::signing::Scheme,
    pub secret: TemplateStr,
}

/// `retry = { times = 10, interval = "500ms" }`: at most `times` attempts in all. Without
/// `on`, a request is re-sent while its checks fail (polling); with `on = [429, 503]`, while
/// its status is one of those, waiting as `Retry-After` says (at most `max_wait`) or else
/// backing off exponentially from `interval`, with jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    pub times: u32,
    pub interval: Duration,
    pub on: Vec<u16>,
    pub max_wait: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestSpec {
    pub name: String,
    /// Upper-cased method token (default `GET`).
    pub method: String,
    /// The raw `url` template text.
    pub url: String,
    pub url_template: TemplateStr,
    pub query: Vec<Param>,
    pub headers: Vec<Header>,
    pub body: BodySpec,
    /// Replaces `[defaults]` auth when present.
    pub auth: Option<AuthSpec>,
    pub timeout: Option<Duration>,
    pub follow_redirects: bool,
    /// `max_redirects = N`: at most N hops (else the run's `--max-redirects`, default 10).
    pub max_redirects: Option<usize>,
    pub expect: Expect<TValue>,
    /// `[requests.capture]`: variables taken from the response.
    pub captures: Vec<Capture>,
    /// `tags = ["smoke"]`, for `--tag` / `--skip-tag`.
    pub tags: Vec<String>,
    /// `skip = true` or `skip = "reason"`: never run, the reason shown.
    pub skip: Option<String>,
    /// `skip_if = "{{var}}"`: skipped when the rendered text is truthy (not empty, `false`, `0`).
    pub skip_if: Option<TemplateStr>,
    /// Requests of the same collection that must run first (run too when this one is picked).
    pub depends_on: Vec<String>,
    /// Re-send until the checks pass (polling an async job).
    pub retry: Option<Retry>,
    /// 1-based line of the `[[requests]]` header.
    pub line: usize,
    /// `sign = { scheme, secret }`: sign the body when sending.
    pub sign: Option<SignSpec>,
    /// `[requests.expect_webhook]`.
    pub expect_webhook: Option<WebhookExpect<TValue>>,
    /// `parallel = true`: independent of its neighbours; with `--jobs N`, a run of such
    /// requests is sent N at a time (their captures apply after the run).
    pub parallel: bool,
    /// Every `{{name}}` variable this request's own templates name (not `[defaults]`'s, not
    /// those inside the variables it uses: see `Collection::variables_used`).
    pub mentions: std::collections::BTreeSet<String>,
    /// The `[[requests]]` table (its header line for a standard table).
    pub span: Span,
    pub name_span: Span,
}
