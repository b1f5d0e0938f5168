//! Resolution: a [`RequestSpec`] plus variables becomes a [`ResolvedRequest`] ready to send.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use serde_json::Value;

use crate::collection::{
    AuthSpec, BodySpec, Collection, GraphqlSpec, PartSpecValue, RequestSpec, SourceDiagnostic,
    TValue, TemplateStr, hint_line,
};
use crate::error::{Code, Failure};
use crate::request::{Body, Part, PartValue, ResolvedRequest};
use crate::request::{Check, Expect, Predicate, Signing, WebhookExpect};
use crate::secrets::{NoSecrets, SecretSource};
use crate::template::{Placeholder, PlaceholderKind, builtin};
use crate::util::suggest::{list_names, suggestion};

/// The `Accept` of a `graphql` body when the request sets none: what the GraphQL-over-HTTP
/// spec recommends to a client that does not know whether the server has the new media type.
pub const GRAPHQL_ACCEPT: &str = "application/graphql-response+json, application/json;q=0.9";

/// Errors while filling in a request.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// `-e NAME` names an environment the collection does not define.
    #[error(
        "unknown environment `{name}` in collection `{collection}` (environments: {available}){}",
        hint_line(hint)
    )]
    UnknownEnv {
        name: String,
        collection: String,
        available: String,
        hint: String,
    },
    /// A problem at a spot in the collection (unknown variable, invalid URL, cycle, unset
    /// environment variable).
    #[error("{0}")]
    Invalid(Box<SourceDiagnostic>),
    /// A `{{NAME}}` that no variable, environment, `--var` or capture defines.
    #[error("{diagnostic}")]
    UnknownVariable {
        name: String,
        diagnostic: Box<SourceDiagnostic>,
    },
    /// A `{{secret:NAME}}` could not be resolved.
    #[error("{0}")]
    Secret(Box<SourceDiagnostic>),
    /// `--var NAME=VALUE` for a variable the collection defines as a number, boolean, array
    /// or table, with a value that is not one.
    #[error(
        "`--var {name}={value}`: `{name}` is {kind} in collection `{collection}`, and `{value}` is not {kind}{}",
        hint_line(&format!("give a JSON value to change its type: `--var {name}:='{}'`", Value::String(value.clone())))
    )]
    VarType {
        name: String,
        value: String,
        kind: &'static str,
        collection: String,
    },
}

/// A value given on the command line (`--var`, `--var-file`).
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    /// `NAME=VALUE`: text, read as the type of the value it overrides (a number stays a
    /// number, a boolean a boolean), else a string.
    Text(String),
    /// `NAME:=JSON`: exactly this JSON value.
    Json(Value),
}

impl From<String> for VarValue {
    fn from(text: String) -> VarValue {
        VarValue::Text(text)
    }
}

#[derive(Debug, Clone)]
enum VarSource {
    /// A value given as is (`--var`, builtins, captures): not a template.
    Literal(Value),
    /// A `[vars]`/`[env.NAME]` definition, rendered lazily.
    Defined(TValue),
}

/// `--var NAME=TEXT` as the type of what it overrides: a number or boolean must parse as one;
/// an array or table can't be given as text; anything else (or nothing) takes the text.
fn typed_like(
    over: Option<&VarSource>,
    name: &str,
    text: &str,
    collection: &Collection,
) -> Result<Value, ResolveError> {
    let kind = match over {
        Some(VarSource::Defined(TValue::Number(_))) => "a number",
        Some(VarSource::Defined(TValue::Bool(_))) => "a boolean",
        Some(VarSource::Defined(TValue::Array(_))) => "an array",
        Some(VarSource::Defined(TValue::Table(_))) => "a table",
        _ => return Ok(Value::String(text.to_string())),
    };
    let parsed = serde_json::from_str::<Value>(text.trim()).ok();
    match (kind, parsed) {
        ("a number", Some(n @ Value::Number(_))) | ("a boolean", Some(n @ Value::Bool(_))) => Ok(n),
        _ => Err(ResolveError::VarType {
            name: name.to_string(),
            value: text.to_string(),
            kind,
            collection: collection.name.clone(),
        }),
    }
}

/// Holds the variables of a run and resolves requests.
///
/// Precedence, highest first: values from [`Resolver::set`] (captures) > `--var` > the
/// `[env.NAME]` table > `[vars]` > builtins. `--var` values are literal strings (no `{{…}}`).
pub struct Resolver {
    vars: BTreeMap<String, VarSource>,
    secrets: Arc<dyn SecretSource + Send + Sync>,
    /// OAuth2 endpoint URLs as parsed, by their text: a run asks for them with every request
    /// (see `oauth2.rs`), and parsing one costs more than the rest of the lookup.
    oauth2_urls: std::sync::Mutex<Vec<(String, url::Url)>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Resolver {
    /// Precedence: cli vars > env table > `[vars]` > builtins (e.g. `inbox` = URL of the
    /// embedded server, supplied by the caller). Unknown `env` name: error listing the envs.
    pub fn new(
        collection: &Collection,
        env: Option<&str>,
        cli_vars: &[(String, VarValue)],
        builtins: &[(String, Value)],
    ) -> Result<Resolver, ResolveError> {
        let mut vars = BTreeMap::new();
        for (name, value) in builtins {
            vars.insert(name.clone(), VarSource::Literal(value.clone()));
        }
        for def in &collection.vars {
            vars.insert(def.name.clone(), VarSource::Defined(def.value.clone()));
        }
        if let Some(env_name) = env {
            let Some(table) = collection.envs.iter().find(|e| e.name == env_name) else {
                let names = collection.env_names();
                return Err(ResolveError::UnknownEnv {
                    name: env_name.to_string(),
                    collection: collection.name.clone(),
                    available: list_names(names.iter().copied()),
                    hint: suggestion(env_name, names.iter().copied()).unwrap_or_default(),
                });
            };
            for def in &table.vars {
                vars.insert(def.name.clone(), VarSource::Defined(def.value.clone()));
            }
        }
        for (name, value) in cli_vars {
            let value = match value {
                VarValue::Json(value) => value.clone(),
                VarValue::Text(text) => typed_like(vars.get(name), name, text, collection)?,
            };
            vars.insert(name.clone(), VarSource::Literal(value));
        }
        Ok(Resolver {
            vars,
            secrets: Arc::new(NoSecrets),
            oauth2_urls: Default::default(),
        })
    }

    /// Uses `secrets` for `{{secret:NAME}}` (the default fails every lookup).
    pub fn with_secrets(mut self, secrets: Arc<dyn SecretSource + Send + Sync>) -> Resolver {
        self.secrets = secrets;
        self
    }

    /// Sets a variable (captures); it overrides every other source.
    pub fn set(&mut self, name: &str, value: Value) {
        self.vars
            .insert(name.to_string(), VarSource::Literal(value));
    }

    /// Renders one template of `request` (e.g. its `skip_if`) as text.
    pub fn render(
        &self,
        collection: &Collection,
        request: &RequestSpec,
        template: &TemplateStr,
    ) -> Result<String, ResolveError> {
        self.cx(collection, request).text(template)
    }

    fn cx<'a>(&'a self, collection: &'a Collection, request: &'a RequestSpec) -> Cx<'a> {
        Cx {
            resolver: self,
            collection,
            request: &request.name,
            memo: HashMap::new(),
            stack: Vec::new(),
            expanded: 0,
        }
    }

    /// [`Resolver::resolve`] for sending: also checks that its body files exist, so a missing
    /// one is an error at its `file:line:col` (exit 2) before anything is sent.
    pub fn resolve_to_send(
        &self,
        collection: &Collection,
        request: &RequestSpec,
    ) -> Result<ResolvedRequest, ResolveError> {
        let resolved = self.resolve(collection, request)?;
        let mut cx = self.cx(collection, request);
        match &request.body {
            BodySpec::File { path, .. } => {
                cx.existing_path(path)?;
            }
            BodySpec::Multipart(parts) => {
                for part in parts {
                    if let PartSpecValue::File { path, .. } = &part.value {
                        cx.existing_path(path)?;
                    }
                }
            }
            _ => {}
        }
        Ok(resolved)
    }

    /// Fills in `request` (a request of `collection`). Variables are rendered once per call:
    /// a `{{$uuid}}` inside a variable has one value throughout one request.
    pub fn resolve(
        &self,
        collection: &Collection,
        request: &RequestSpec,
    ) -> Result<ResolvedRequest, ResolveError> {
        let mut cx = self.cx(collection, request);
        let mut url = cx.url(&request.url_template)?;
        let defaults = &collection.defaults;
        let auth = request.auth.as_ref().or(defaults.auth.as_ref());

        let mut query = Vec::new();
        for param in merge(&defaults.query, &request.query, |p| &p.name) {
            for value in &param.values {
                query.push((param.name.clone(), cx.text(value)?));
            }
        }
        if let Some(AuthSpec::ApiKeyQuery { param, value }) = auth {
            query.push((param.clone(), cx.text(value)?));
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        if url.as_str().len() > MAX_URL_LEN {
            let message = format!(
                "the URL of request `{}` is {} bytes long, over the limit of 64 KB ({MAX_URL_LEN} bytes)",
                request.name,
                url.as_str().len()
            );
            let hint = "servers refuse URLs this long (most stop at 8 KB); send the data in a body";
            return Err(cx.invalid(
                request.url_template.span.clone(),
                message,
                Some(hint.to_string()),
            ));
        }

        let mut headers = Vec::new();
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        for header in merge_repeated(&defaults.headers, &request.headers, |h| &h.name, same) {
            let value = cx.text(&header.value)?;
            cx.check_header_value(&header.name, &value, &header.value)?;
            headers.push((header.name.clone(), value));
        }
        let has = |headers: &[(String, String)], name: &str| {
            headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        if let Some((name, value, at)) = cx.auth_header(auth)? {
            cx.check_header_value(&name, &value, at)?;
            if !has(&headers, &name) {
                headers.push((name, value));
            }
        }
        let (body, content_type) = cx.body(&request.body)?;
        if let Some(content_type) = content_type
            && !has(&headers, "content-type")
        {
            headers.push(("Content-Type".to_string(), content_type));
        }
        if matches!(request.body, BodySpec::Graphql(_)) && !has(&headers, "accept") {
            headers.push(("Accept".to_string(), GRAPHQL_ACCEPT.to_string()));
        }

        let expect = cx.expect(&request.expect)?;
        let sign = match &request.sign {
            Some(spec) => Some(Signing {
                scheme: spec.scheme.clone(),
                secret: cx.text(&spec.secret)?,
            }),
            None => None,
        };
        // `skip_if` is evaluated before sending (schedule); here only its errors count, so a
        // variable it names that nothing defines is an error rather than "not skipped".
        if let Some(skip_if) = &request.skip_if {
            cx.text(skip_if)?;
        }
        let expect_webhook = match &request.expect_webhook {
            Some(w) => Some(WebhookExpect {
                path: w.path.clone(),
                method: w.method.clone(),
                expect: cx.expect(&w.expect)?,
                within: w.within,
                captures: w.captures.clone(),
                line: w.line,
            }),
            None => None,
        };
        Ok(ResolvedRequest {
            name: request.name.clone(),
            method: request.method.clone(),
            url,
            headers,
            without_headers: Vec::new(),
            body,
            timeout: request.timeout.or(defaults.timeout),
            follow_redirects: request.follow_redirects,
            max_redirects: request.max_redirects,
            expect,
            captures: request.captures.clone(),
            sign,
            expect_webhook,
            routes: defaults.routes.clone(),
        })
    }
}

/// `` `a` -> `b` -> `c` -> … -> `y` -> `z` ``: the first and last few variables of a chain.
fn chain_excerpt(stack: &[String], next: &str) -> String {
    let names: Vec<&str> = stack
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(next))
        .collect();
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" -> ")
    };
    if names.len() <= 6 {
        return quoted(&names);
    }
    format!(
        "{} -> … -> {}",
        quoted(&names[..3]),
        quoted(&names[names.len() - 3..])
    )
}

/// `base` with `over` merged in: an item of `over` replaces the `base` item of the same name
/// in place, other items of `over` are appended.
fn merge<'a, T>(base: &'a [T], over: &'a [T], name: impl Fn(&T) -> &String) -> Vec<&'a T> {
    let mut merged: Vec<&T> = Vec::with_capacity(base.len() + over.len());
    // Name → place in `merged`: linear in the number of items, however many there are.
    let mut place: HashMap<&str, usize> = HashMap::new();
    for item in base {
        place.entry(name(item).as_str()).or_insert(merged.len());
        merged.push(item);
    }
    for item in over {
        match place.get(name(item).as_str()) {
            Some(&i) => merged[i] = item,
            None => {
                place.insert(name(item).as_str(), merged.len());
                merged.push(item);
            }
        }
    }
    merged
}

/// As [`merge`], for items a list may repeat (headers: `Accept = ["a", "b"]`): the items of
/// `over` with a name replace every `base` item of that name, at the first one's place.
fn merge_repeated<'a, T>(
    base: &'a [T],
    over: &'a [T],
    name: impl Fn(&T) -> &String,
    same: impl Fn(&str, &str) -> bool,
) -> Vec<&'a T> {
    let mut merged: Vec<&T> = Vec::new();
    let mut used = vec![false; over.len()];
    for item in base {
        if !over.iter().any(|o| same(name(o), name(item))) {
            merged.push(item);
            continue;
        }
        for (i, o) in over.iter().enumerate() {
            if !used[i] && same(name(o), name(item)) {
                used[i] = true;
                merged.push(o);
            }
        }
    }
    for (i, o) in over.iter().enumerate() {
        if !used[i] {
            merged.push(o);
        }
    }
    merged
}

/// The state of one `resolve` call.
struct Cx<'a> {
    resolver: &'a Resolver,
    collection: &'a Collection,
    request: &'a str,
    /// Variables rendered so far in this call.
    memo: HashMap<String, Value>,
    /// Variables being rendered (for cycle detection).
    stack: Vec<String>,
    /// Bytes of variable values inserted so far in this call (see [`MAX_EXPANDED`]).
    expanded: usize,
}

pub use crate::request::MAX_URL_LEN;

/// How many variables deep a definition may refer (`a` uses `b` uses `c` …): rendering
/// recurses per level.
pub const MAX_VAR_DEPTH: usize = 64;
/// The largest value one template or variable may expand to.
pub const MAX_VALUE_SIZE: usize = 16 * 1024 * 1024;
/// The most variable text one request may expand to in all (headers, URL, body together).
pub const MAX_EXPANDED: usize = 64 * 1024 * 1024;

/// About how many bytes `value` takes as text (JSON for non-strings), counting at most to
/// `limit` (so a huge value costs no more than `limit` to measure).
fn text_size(value: &Value, limit: usize) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Null => 0,
        Value::Bool(_) | Value::Number(_) => value.to_string().len(),
        Value::Array(items) => {
            let mut size: usize = 2;
            for item in items {
                size = size.saturating_add(text_size(item, limit) + 3);
                if size > limit {
                    break;
                }
            }
            size
        }
        Value::Object(entries) => {
            let mut size: usize = 2;
            for (key, item) in entries {
                size = size.saturating_add(key.len() + text_size(item, limit) + 6);
                if size > limit {
                    break;
                }
            }
            size
        }
    }
}

impl<'a> Cx<'a> {
    fn located(&self, at: &TemplateStr, inner: std::ops::Range<usize>) -> std::ops::Range<usize> {
        at.source_span(&self.collection.source, inner)
    }

    fn invalid(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> ResolveError {
        ResolveError::Invalid(Box::new(self.collection.diagnostic(span, message, hint)))
    }

    /// " in request `x`" or " in variable `v`, used by request `x`".
    fn context(&self) -> String {
        match self.stack.last() {
            Some(var) => format!(" in variable `{var}`, used by request `{}`", self.request),
            None => format!(" in request `{}`", self.request),
        }
    }

    /// Expected values may use variables (`equals = "{{plan_id}}"`), typed like JSON bodies.
    fn expect(&mut self, expect: &Expect<TValue>) -> Result<Expect, ResolveError> {
        let mut predicates = |list: &[Predicate<TValue>]| -> Result<Vec<Predicate>, ResolveError> {
            list.iter()
                .cloned()
                .map(|p| p.try_map(|v| self.value(&v)))
                .collect()
        };
        let mut checks = |list: &[Check<TValue>]| -> Result<Vec<Check>, ResolveError> {
            list.iter()
                .map(|c| {
                    Ok(Check {
                        subject: c.subject.clone(),
                        predicates: predicates(&c.predicates)?,
                        line: c.line,
                    })
                })
                .collect()
        };
        let headers = checks(&expect.headers)?;
        let json = checks(&expect.json)?;
        let cookies = checks(&expect.cookies)?;
        let body = predicates(&expect.body)?;
        Ok(Expect {
            status: expect.status.clone(),
            headers,
            json,
            body,
            cookies,
            duration_below: expect.duration_below,
            lines: expect.lines,
        })
    }

    fn text(&mut self, at: &TemplateStr) -> Result<String, ResolveError> {
        let mut used = 0;
        at.template
            .render(|p| self.counted_lookup(p, at, &mut used))
    }

    fn value(&mut self, value: &TValue) -> Result<Value, ResolveError> {
        let mut used = 0;
        self.value_within(value, &mut used)
    }

    /// A value whose placeholders add their size to `used` (one value's budget).
    fn value_within(&mut self, value: &TValue, used: &mut usize) -> Result<Value, ResolveError> {
        Ok(match value {
            TValue::String(at) => at
                .template
                .render_value(|p| self.counted_lookup(p, at, used))?,
            TValue::Number(n) => Value::Number(n.clone()),
            TValue::Bool(b) => Value::Bool(*b),
            TValue::Datetime(d) => Value::String(d.clone()),
            TValue::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.value_within(item, used))
                    .collect::<Result<_, _>>()?,
            ),
            TValue::Table(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, item)| Ok((k.clone(), self.value_within(item, used)?)))
                    .collect::<Result<_, ResolveError>>()?,
            ),
        })
    }

    /// [`Cx::lookup`], refusing a value that would make the one being built larger than
    /// [`MAX_VALUE_SIZE`] or this request's expansions larger than [`MAX_EXPANDED`], before
    /// it is copied in (so doubling a variable 30 times fails fast instead of taking 16 GB).
    fn counted_lookup(
        &mut self,
        p: &Placeholder,
        at: &TemplateStr,
        used: &mut usize,
    ) -> Result<Value, ResolveError> {
        let value = self.lookup(p, at)?;
        let size = text_size(&value, MAX_VALUE_SIZE + 1);
        *used = used.saturating_add(size);
        self.expanded = self.expanded.saturating_add(size);
        let limit = if *used > MAX_VALUE_SIZE {
            "16 MiB"
        } else if self.expanded > MAX_EXPANDED {
            "64 MiB in all"
        } else {
            return Ok(value);
        };
        let span = self.located(at, p.span.clone());
        let what = match self.stack.last() {
            Some(var) => format!("variable `{var}`"),
            None => "a value".to_string(),
        };
        let message = format!(
            "{what} expands to more than {limit} (at `{}`) in request `{}`",
            p.kind, self.request
        );
        let hint = "each value may expand to at most 16 MiB and a request to 64 MiB in all; \
                    a variable that repeats another one doubles in size at each level";
        Err(self.invalid(span, message, Some(hint.to_string())))
    }

    fn lookup(&mut self, p: &Placeholder, at: &TemplateStr) -> Result<Value, ResolveError> {
        if let Some(value) = builtin(&p.kind) {
            return Ok(value);
        }
        let span = self.located(at, p.span.clone());
        match &p.kind {
            PlaceholderKind::Var(name) => self.var(name, span),
            PlaceholderKind::Env(name) => match std::env::var(name) {
                Ok(value) => {
                    // `POSTIE_SECRET_X` holds a secret however it is read: mask it.
                    if let Some(secret) = name.strip_prefix(crate::secrets::ENV_PREFIX) {
                        self.resolver
                            .secrets
                            .register(&secret.to_lowercase(), &value);
                    }
                    Ok(Value::String(value))
                }
                Err(_) => {
                    let message =
                        format!("environment variable `{name}` is not set{}", self.context());
                    Err(self.invalid(span, message, None))
                }
            },
            PlaceholderKind::Secret(name) => match self.resolver.secrets.secret(name) {
                Ok(secret) => Ok(Value::String(secret)),
                Err(unavailable) => {
                    let message = format!("{}{}", unavailable.message, self.context());
                    let diagnostic =
                        Box::new(self.collection.diagnostic(span, message, unavailable.hint));
                    Err(if unavailable.usage {
                        ResolveError::Invalid(diagnostic)
                    } else {
                        ResolveError::Secret(diagnostic)
                    })
                }
            },
            PlaceholderKind::Uuid | PlaceholderKind::Timestamp | PlaceholderKind::RandomInt => {
                Ok(Value::Null)
            }
        }
    }

    fn var(&mut self, name: &str, span: std::ops::Range<usize>) -> Result<Value, ResolveError> {
        if let Some(value) = self.memo.get(name) {
            return Ok(value.clone());
        }
        if let Some(start) = self.stack.iter().position(|v| v == name) {
            let mut chain: Vec<String> = self.stack[start..]
                .iter()
                .map(|v| format!("`{v}`"))
                .collect();
            chain.push(format!("`{name}`"));
            let message = format!(
                "variable `{name}` refers to itself ({}) in request `{}`",
                chain.join(" -> "),
                self.request
            );
            return Err(self.invalid(span, message, None));
        }
        let value = match self.resolver.vars.get(name) {
            None => {
                let message = format!("unknown variable `{name}`{}", self.context());
                let hint = suggestion(name, self.resolver.vars.keys().map(String::as_str))
                    .unwrap_or_else(|| format!("define it in `[vars]` or pass `--var {name}=…`"));
                return Err(ResolveError::UnknownVariable {
                    name: name.to_string(),
                    diagnostic: Box::new(self.collection.diagnostic(span, message, Some(hint))),
                });
            }
            Some(VarSource::Literal(value)) => value.clone(),
            Some(VarSource::Defined(_)) if self.stack.len() >= MAX_VAR_DEPTH => {
                let message = format!(
                    "variable `{}` refers through more than {MAX_VAR_DEPTH} variables ({}) in request `{}`",
                    self.stack[0],
                    chain_excerpt(&self.stack, name),
                    self.request
                );
                let hint = format!(
                    "a variable may use another one at most {MAX_VAR_DEPTH} levels deep; define `{name}` closer to its use"
                );
                return Err(self.invalid(span, message, Some(hint)));
            }
            Some(VarSource::Defined(definition)) => {
                self.stack.push(name.to_string());
                let value = self.value(definition);
                self.stack.pop();
                value?
            }
        };
        self.memo.insert(name.to_string(), value.clone());
        Ok(value)
    }

    fn url(&mut self, at: &TemplateStr) -> Result<url::Url, ResolveError> {
        let text = self.text(at)?;
        self.parse_url(text, at)
    }

    /// `text` (from `at`) as an http or https URL.
    fn parse_url(&self, text: String, at: &TemplateStr) -> Result<url::Url, ResolveError> {
        let reason = match url::Url::parse(&text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => return Ok(url),
            Ok(url) => format!(
                "unsupported scheme `{}`, use `http` or `https`",
                url.scheme()
            ),
            Err(e) => e.to_string(),
        };
        let message = format!(
            "invalid URL `{text}` in request `{}`: {reason}",
            self.request
        );
        Err(self.invalid(at.span.clone(), message, None))
    }

    fn check_header_value(
        &self,
        name: &str,
        value: &str,
        at: &TemplateStr,
    ) -> Result<(), ResolveError> {
        if value.contains(['\r', '\n', '\0']) {
            let message = format!(
                "invalid value for header `{name}` in request `{}`: it contains a line break or NUL",
                self.request
            );
            return Err(self.invalid(at.span.clone(), message, None));
        }
        Ok(())
    }

    fn auth_header(
        &mut self,
        auth: Option<&'a AuthSpec>,
    ) -> Result<Option<(String, String, &'a TemplateStr)>, ResolveError> {
        Ok(match auth {
            Some(AuthSpec::Basic { username, password }) => {
                let credentials = format!("{}:{}", self.text(username)?, self.text(password)?);
                let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
                Some(("Authorization".into(), format!("Basic {encoded}"), username))
            }
            Some(AuthSpec::Bearer(token)) => Some((
                "Authorization".into(),
                format!("Bearer {}", self.text(token)?),
                token,
            )),
            Some(AuthSpec::ApiKeyHeader { header, value }) => {
                Some((header.clone(), self.text(value)?, value))
            }
            Some(AuthSpec::ApiKeyQuery { .. } | AuthSpec::None | AuthSpec::OAuth2(_)) | None => {
                None
            }
        })
    }

    /// The body and the `Content-Type` it implies.
    fn body(&mut self, body: &BodySpec) -> Result<(Body, Option<String>), ResolveError> {
        Ok(match body {
            BodySpec::None => (Body::None, None),
            BodySpec::Json(value) => {
                let json = self.value(value)?.to_string();
                (
                    Body::Bytes(json.into_bytes()),
                    Some("application/json".into()),
                )
            }
            BodySpec::Form(params) => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for param in params {
                    for value in &param.values {
                        form.append_pair(&param.name, &self.text(value)?);
                    }
                }
                let content_type = "application/x-www-form-urlencoded".to_string();
                (Body::Bytes(form.finish().into_bytes()), Some(content_type))
            }
            BodySpec::Text { text, content_type } => {
                let content_type = content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain; charset=utf-8".into());
                (
                    Body::Bytes(self.text(text)?.into_bytes()),
                    Some(content_type),
                )
            }
            BodySpec::File { path, content_type } => {
                let path = self.path(path)?;
                let content_type = content_type.clone().unwrap_or_else(|| {
                    mime_guess::from_path(&path)
                        .first_or_octet_stream()
                        .to_string()
                });
                (Body::File(path), Some(content_type))
            }
            BodySpec::Graphql(g) => (
                Body::Bytes(self.graphql(g)?.into_bytes()),
                Some("application/json".into()),
            ),
            BodySpec::Multipart(parts) => {
                let mut resolved = Vec::new();
                for part in parts {
                    let value = match &part.value {
                        PartSpecValue::Text(text) => PartValue::Text(self.text(text)?),
                        PartSpecValue::File {
                            path,
                            file_name,
                            content_type,
                        } => PartValue::File {
                            path: self.path(path)?,
                            file_name: file_name.as_ref().map(|f| self.text(f)).transpose()?,
                            content_type: content_type.clone(),
                        },
                    };
                    resolved.push(Part {
                        name: part.name.clone(),
                        value,
                    });
                }
                (Body::Multipart(resolved), None)
            }
        })
    }

    /// A GraphQL-over-HTTP request body: `query`, `operationName`, `variables` (in the order
    /// Postman's runtime writes them).
    fn graphql(&mut self, g: &GraphqlSpec) -> Result<String, ResolveError> {
        let mut body = serde_json::Map::new();
        body.insert("query".into(), self.text(&g.query)?.into());
        if let Some(name) = &g.operation_name {
            body.insert("operationName".into(), self.text(name)?.into());
        }
        if let Some(vars) = &g.variables {
            let value = self.value(vars)?;
            if let (TValue::String(at), false) = (vars, value.is_object() || value.is_null()) {
                let message = format!(
                    "`graphql.variables` of request `{}` is not a table once filled in",
                    self.request
                );
                let hint = "GraphQL variables are a JSON object: write a table, or a variable that holds one";
                return Err(self.invalid(at.span.clone(), message, Some(hint.to_string())));
            }
            body.insert("variables".into(), value);
        }
        Ok(serde_json::Value::Object(body).to_string())
    }

    /// A body file path, relative to the collection file's directory unless absolute.
    fn path(&mut self, at: &TemplateStr) -> Result<PathBuf, ResolveError> {
        let text = self.text(at)?;
        Ok(self.collection.dir().join(text))
    }

    /// [`Cx::path`], which must exist (a FIFO or device is fine: it is read when sent) and not
    /// be a directory; else an error pointing at the path in the collection.
    fn existing_path(&mut self, at: &TemplateStr) -> Result<PathBuf, ResolveError> {
        let text = self.text(at)?;
        let path = self.collection.dir().join(&text);
        let problem = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => "is a directory",
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "not found",
            Err(_) => return Ok(path), // permission and the like: reported when opened
        };
        let message = format!(
            "body file `{text}` {problem}{}",
            if self.stack.is_empty() {
                format!(" in request `{}`", self.request)
            } else {
                self.context()
            }
        );
        let hint = format!(
            "relative paths are resolved from the collection's directory: this one is `{}`",
            std::path::absolute(&path).unwrap_or(path).display()
        );
        Err(self.invalid(at.span.clone(), message, Some(hint)))
    }
}

mod arg;
mod oauth2;
pub mod secrets;
/// An unavailable secret exits with 4, anything else that stops a request from resolving is a
/// usage error (2).
impl From<ResolveError> for Failure {
    fn from(err: ResolveError) -> Failure {
        let code = match err {
            ResolveError::Secret(_) => Code::Secret,
            _ => Code::Usage,
        };
        Failure::from_display(code, &err)
    }
}

#[cfg(test)]
mod tests;
