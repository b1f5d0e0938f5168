//! Resolution: a [`RequestSpec`] plus variables becomes a [`ResolvedRequest`] ready to send.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use serde_json::Value;

use crate::collection::diagnostic::{list_names, suggestion};
use crate::collection::{
    AuthSpec, BodySpec, Collection, PartSpecValue, RequestSpec, SourceDiagnostic, TValue,
    TemplateStr, hint_line,
};
use crate::request::{Body, Part, PartValue, ResolvedRequest};
use crate::template::{NoSecrets, Placeholder, PlaceholderKind, SecretSource, builtin};

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
    /// A `{{secret:NAME}}` could not be resolved.
    #[error("{0}")]
    Secret(Box<SourceDiagnostic>),
}

#[derive(Debug, Clone)]
enum VarSource {
    /// A value given as is (`--var`, builtins, captures): not a template.
    Literal(Value),
    /// A `[vars]`/`[env.NAME]` definition, rendered lazily.
    Defined(TValue),
}

/// Holds the variables of a run and resolves requests.
///
/// Precedence, highest first: values from [`Resolver::set`] (captures) > `--var` > the
/// `[env.NAME]` table > `[vars]` > builtins. `--var` values are literal strings (no `{{…}}`).
pub struct Resolver {
    vars: BTreeMap<String, VarSource>,
    secrets: Arc<dyn SecretSource + Send + Sync>,
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
        cli_vars: &[(String, String)],
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
            vars.insert(
                name.clone(),
                VarSource::Literal(Value::String(value.clone())),
            );
        }
        Ok(Resolver {
            vars,
            secrets: Arc::new(NoSecrets),
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

    /// Fills in `request` (a request of `collection`). Variables are rendered once per call:
    /// a `{{$uuid}}` inside a variable has one value throughout one request.
    pub fn resolve(
        &self,
        collection: &Collection,
        request: &RequestSpec,
    ) -> Result<ResolvedRequest, ResolveError> {
        let mut cx = Cx {
            resolver: self,
            collection,
            request: &request.name,
            memo: HashMap::new(),
            stack: Vec::new(),
        };
        let mut url = cx.url(&request.url_template)?;
        let defaults = &collection.defaults;
        let auth = request.auth.as_ref().or(defaults.auth.as_ref());

        let mut query = Vec::new();
        for param in merge(&defaults.query, &request.query, |p| &p.name, str::eq) {
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

        let mut headers = Vec::new();
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        for header in merge(&defaults.headers, &request.headers, |h| &h.name, same) {
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

        Ok(ResolvedRequest {
            name: request.name.clone(),
            method: request.method.clone(),
            url,
            headers,
            body,
            timeout: request.timeout.or(defaults.timeout),
            follow_redirects: request.follow_redirects,
            expect: request.expect.clone(),
        })
    }
}

/// `base` with `over` merged in: an item of `over` replaces the `base` item of the same name
/// in place, other items of `over` are appended.
fn merge<'a, T>(
    base: &'a [T],
    over: &'a [T],
    name: impl Fn(&T) -> &String,
    same: impl Fn(&str, &str) -> bool,
) -> Vec<&'a T> {
    let mut merged: Vec<&T> = base.iter().collect();
    for item in over {
        match merged.iter().position(|m| same(name(m), name(item))) {
            Some(i) => merged[i] = item,
            None => merged.push(item),
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

    fn text(&mut self, at: &TemplateStr) -> Result<String, ResolveError> {
        at.template.render(|p| self.lookup(p, at))
    }

    fn value(&mut self, value: &TValue) -> Result<Value, ResolveError> {
        Ok(match value {
            TValue::String(at) => at.template.render_value(|p| self.lookup(p, at))?,
            TValue::Number(n) => Value::Number(n.clone()),
            TValue::Bool(b) => Value::Bool(*b),
            TValue::Datetime(d) => Value::String(d.clone()),
            TValue::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.value(item))
                    .collect::<Result<_, _>>()?,
            ),
            TValue::Table(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, item)| Ok((k.clone(), self.value(item)?)))
                    .collect::<Result<_, ResolveError>>()?,
            ),
        })
    }

    fn lookup(&mut self, p: &Placeholder, at: &TemplateStr) -> Result<Value, ResolveError> {
        if let Some(value) = builtin(&p.kind) {
            return Ok(value);
        }
        let span = self.located(at, p.span.clone());
        match &p.kind {
            PlaceholderKind::Var(name) => self.var(name, span),
            PlaceholderKind::Env(name) => std::env::var(name).map(Value::String).map_err(|_| {
                let message = format!("environment variable `{name}` is not set{}", self.context());
                self.invalid(span, message, None)
            }),
            PlaceholderKind::Secret(name) => match self.resolver.secrets.secret(name) {
                Ok(secret) => Ok(Value::String(secret)),
                Err(message) => Err(ResolveError::Secret(Box::new(
                    self.collection.diagnostic(span, message, None),
                ))),
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
                return Err(self.invalid(span, message, Some(hint)));
            }
            Some(VarSource::Literal(value)) => value.clone(),
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
            Some(AuthSpec::ApiKeyQuery { .. }) | None => None,
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

    /// A body file path, relative to the collection file's directory unless absolute.
    fn path(&mut self, at: &TemplateStr) -> Result<PathBuf, ResolveError> {
        let text = self.text(at)?;
        Ok(self.collection.dir().join(text))
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::collection::parse;

    fn collection(source: &str) -> Collection {
        match parse(Path::new("collections/shop.toml"), source) {
            Ok(c) => c,
            Err(e) => panic!("unexpected collection error:\n{e}"),
        }
    }

    /// Resolves request `name` with the given environment and `--var`s.
    fn resolve_with(
        source: &str,
        name: &str,
        env: Option<&str>,
        cli: &[(&str, &str)],
    ) -> Result<ResolvedRequest, String> {
        let c = collection(source);
        let cli: Vec<(String, String)> = cli
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let builtins = [("inbox".to_string(), json!("http://127.0.0.1:9999"))];
        let resolver = Resolver::new(&c, env, &cli, &builtins).map_err(|e| e.to_string())?;
        let request = c.request(name).map_err(|e| e.to_string())?;
        resolver.resolve(&c, request).map_err(|e| e.to_string())
    }

    fn resolve(source: &str) -> ResolvedRequest {
        match resolve_with(source, "r", None, &[]) {
            Ok(r) => r,
            Err(e) => panic!("unexpected resolve error:\n{e}"),
        }
    }

    fn resolve_err(source: &str) -> String {
        match resolve_with(source, "r", None, &[]) {
            Ok(r) => panic!("expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    fn body_text(r: &ResolvedRequest) -> String {
        match &r.body {
            Body::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            other => panic!("expected bytes, got {other:?}"),
        }
    }

    const LAYERS: &str = r#"
[vars]
a = "vars"
b = "vars"
c = "vars"
d = "vars"
inbox2 = "{{inbox}}"
[env.local]
b = "env"
c = "env"
d = "env"
[[requests]]
name = "r"
url = "http://x/{{a}}/{{b}}/{{c}}/{{d}}/{{inbox2}}"
"#;

    #[test]
    fn precedence_is_captures_then_cli_then_env_then_vars_then_builtins() {
        let c = collection(LAYERS);
        let cli = [
            ("c".to_string(), "cli".to_string()),
            ("d".to_string(), "cli".to_string()),
        ];
        let builtins = [
            ("inbox".to_string(), json!("http://127.0.0.1:9")),
            ("a".to_string(), json!("builtin")),
        ];
        let Ok(mut resolver) = Resolver::new(&c, Some("local"), &cli, &builtins) else {
            panic!("resolver");
        };
        let request = &c.requests[0];
        let url = resolver.resolve(&c, request).map(|r| r.url.to_string());
        assert_eq!(
            url.ok().as_deref(),
            Some("http://x/vars/env/cli/cli/http://127.0.0.1:9")
        );
        resolver.set("d", json!(7));
        let url = resolver.resolve(&c, request).map(|r| r.url.to_string());
        assert_eq!(
            url.ok().as_deref(),
            Some("http://x/vars/env/cli/7/http://127.0.0.1:9")
        );
        let no_env = resolve_with(LAYERS, "r", None, &[]).map(|r| r.url.to_string());
        assert_eq!(
            no_env.ok().as_deref(),
            Some("http://x/vars/vars/vars/vars/http://127.0.0.1:9999")
        );
    }

    #[test]
    fn unknown_environment_lists_what_exists() {
        assert_eq!(
            resolve_with(LAYERS, "r", Some("locl"), &[])
                .map(|_| ())
                .unwrap_err(),
            "unknown environment `locl` in collection `shop` (environments: `local`)\n  \
             hint: did you mean `local`?"
        );
        assert_eq!(
            resolve_with("", "r", Some("prod"), &[])
                .map(|_| ())
                .unwrap_err(),
            "unknown environment `prod` in collection `shop` (environments: none)"
        );
    }

    #[test]
    fn vars_reference_vars_lazily_and_cycles_are_errors() {
        let r = resolve(
            "[vars]\nbase = \"{{host}}/v1\"\nhost = \"http://h\"\n[[requests]]\nname = \"r\"\nurl = \"{{base}}/x\"\n",
        );
        assert_eq!(r.url.as_str(), "http://h/v1/x");
        assert_eq!(
            resolve_err(
                "[vars]\na = \"{{b}}\"\nb = \"x{{a}}\"\n[[requests]]\nname = \"r\"\nurl = \"{{a}}\"\n"
            ),
            "variable `a` refers to itself (`a` -> `b` -> `a`) in request `r`\n \
             --> collections/shop.toml:3:7\n  |\n3 | b = \"x{{a}}\"\n  |       ^^^^^"
        );
    }

    #[test]
    fn unknown_variables_point_at_the_placeholder() {
        let source = "[vars]\nbase_url = \"http://x\"\n[[requests]]\nname = \"r\"\nurl = \"{{ bse_url }}/plans\"\n";
        assert_eq!(
            resolve_err(source),
            "unknown variable `bse_url` in request `r`\n --> collections/shop.toml:5:8\n  |\n\
             5 | url = \"{{ bse_url }}/plans\"\n  |        ^^^^^^^^^^^^^\n  = hint: did you mean `base_url`?"
        );
        let source = "[vars]\nbase = \"http://{{hots}}\"\nhost = \"h\"\n[[requests]]\nname = \"r\"\nurl = \"{{base}}\"\n";
        assert_eq!(
            resolve_err(source),
            "unknown variable `hots` in variable `base`, used by request `r`\n \
             --> collections/shop.toml:2:16\n  |\n2 | base = \"http://{{hots}}\"\n  |                ^^^^^^^^\n  \
             = hint: did you mean `host`?"
        );
        assert_eq!(
            resolve_err("[[requests]]\nname = \"r\"\nurl = \"http://x\"\ntext = \"{{zzz}}\"\n"),
            "unknown variable `zzz` in request `r`\n --> collections/shop.toml:4:9\n  |\n\
             4 | text = \"{{zzz}}\"\n  |         ^^^^^^^\n  = hint: define it in `[vars]` or pass `--var zzz=…`"
        );
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert_eq!(
            resolve_err("[vars]\np = \"/plans\"\n[[requests]]\nname = \"r\"\nurl = \"{{p}}\"\n"),
            "invalid URL `/plans` in request `r`: relative URL without a base\n \
             --> collections/shop.toml:5:7\n  |\n5 | url = \"{{p}}\"\n  |       ^^^^^^^"
        );
        assert_eq!(
            resolve_err("[[requests]]\nname = \"r\"\nurl = \"ftp://x\"\n"),
            "invalid URL `ftp://x` in request `r`: unsupported scheme `ftp`, use `http` or `https`\n \
             --> collections/shop.toml:3:7\n  |\n3 | url = \"ftp://x\"\n  |       ^^^^^^^^^"
        );
    }

    #[test]
    fn lone_placeholders_in_json_keep_their_type() {
        let r = resolve(
            r#"
[vars]
n = 5
f = true
l = [1, "a"]
o = { k = 1.5 }
s = "text"
[[requests]]
name = "r"
method = "post"
url = "http://x"
json = { n = "{{n}}", f = "{{ f }}", l = "{{l}}", o = "{{o}}", s = "{{s}}", mixed = "id-{{n}}-{{f}}", lit = '\{{n}}', when = 1979-05-27 }
"#,
        );
        assert_eq!(r.method, "POST");
        assert_eq!(
            body_text(&r),
            r#"{"n":5,"f":true,"l":[1,"a"],"o":{"k":1.5},"s":"text","mixed":"id-5-true","lit":"{{n}}","when":"1979-05-27"}"#
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
    }

    #[test]
    fn escape_and_builtins_in_text() {
        let r = resolve(
            "[[requests]]\nname = \"r\"\nurl = \"{{inbox}}/hook\"\ntext = '\\{{raw}} {{$random_int}} {{$timestamp}} {{$uuid}}'\n",
        );
        assert_eq!(r.url.as_str(), "http://127.0.0.1:9999/hook");
        let text = body_text(&r);
        let words: Vec<&str> = text.split(' ').collect();
        assert_eq!(words.len(), 4);
        assert_eq!(words[0], "{{raw}}");
        assert!(words[1].parse::<u32>().is_ok_and(|n| n <= 1000));
        assert!(words[2].parse::<u64>().is_ok_and(|t| t > 1_700_000_000));
        assert_eq!(
            uuid::Uuid::parse_str(words[3]).map(|u| u.get_version_num()),
            Ok(4)
        );
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }

    #[test]
    fn a_uuid_variable_is_stable_within_one_request() {
        let r = resolve(
            "[vars]\nid = \"{{$uuid}}\"\n[[requests]]\nname = \"r\"\nurl = \"http://x/{{id}}\"\ntext = \"{{id}}\"\n",
        );
        assert_eq!(r.url.path(), format!("/{}", body_text(&r)));
    }

    #[test]
    fn process_environment_lookups() {
        // cargo sets CARGO_PKG_NAME for test processes; setting variables needs `unsafe`.
        let r = resolve("[[requests]]\nname = \"r\"\nurl = \"http://x/{{env:CARGO_PKG_NAME}}\"\n");
        assert_eq!(r.url.as_str(), "http://x/postie");
        assert_eq!(
            resolve_err(
                "[[requests]]\nname = \"r\"\nurl = \"http://x/{{ env:POSTIE_TEST_UNSET_8F3A1 }}\"\n"
            ),
            "environment variable `POSTIE_TEST_UNSET_8F3A1` is not set in request `r`\n \
             --> collections/shop.toml:3:17\n  |\n3 | url = \"http://x/{{ env:POSTIE_TEST_UNSET_8F3A1 }}\"\n  \
             |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
        );
    }

    #[test]
    fn secrets_are_not_supported_yet_unless_a_source_is_given() {
        let source = "[[requests]]\nname = \"r\"\nurl = \"http://x\"\nauth = { bearer = \"{{secret:tok}}\" }\n";
        let c = collection(source);
        let Ok(resolver) = Resolver::new(&c, None, &[], &[]) else {
            panic!("resolver");
        };
        let e = resolver
            .resolve(&c, &c.requests[0])
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(e, ResolveError::Secret(_)));
        assert_eq!(
            e.to_string(),
            "secrets are not supported yet (`{{secret:tok}}`)\n --> collections/shop.toml:4:20\n  |\n\
             4 | auth = { bearer = \"{{secret:tok}}\" }\n  |                    ^^^^^^^^^^^^^^"
        );
        struct Fixed;
        impl SecretSource for Fixed {
            fn secret(&self, name: &str) -> Result<String, String> {
                Ok(format!("s3cret-{name}"))
            }
        }
        let resolver = resolver.with_secrets(Arc::new(Fixed));
        let r = resolver.resolve(&c, &c.requests[0]);
        assert_eq!(
            r.ok()
                .and_then(|r| r.header("authorization").map(str::to_string))
                .as_deref(),
            Some("Bearer s3cret-tok")
        );
    }

    #[test]
    fn defaults_merge_under_the_request() {
        let r = resolve(
            r#"
[defaults]
headers = { Accept = "application/json", X-Team = "core" }
query = { v = "1", lang = "en" }
auth = { bearer = "default-token" }
timeout = "30s"
[[requests]]
name = "r"
url = "http://x/p?keep=1"
headers = { accept = "text/html", X-Req = "yes" }
query = { lang = "fr" }
auth = { basic = { username = "ann", password = "pw" } }
"#,
        );
        assert_eq!(
            r.headers,
            vec![
                ("accept".to_string(), "text/html".to_string()),
                ("X-Team".to_string(), "core".to_string()),
                ("X-Req".to_string(), "yes".to_string()),
                ("Authorization".to_string(), "Basic YW5uOnB3".to_string()),
            ]
        );
        assert_eq!(r.url.as_str(), "http://x/p?keep=1&v=1&lang=fr");
        assert_eq!(r.timeout, Some(Duration::from_secs(30)));
        assert!(r.follow_redirects);
        assert_eq!(r.body, Body::None);
        let plain = resolve(
            "[defaults]\nauth = { bearer = \"t\" }\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\n",
        );
        assert_eq!(plain.header("Authorization"), Some("Bearer t"));
        assert_eq!(plain.timeout, None);
    }

    #[test]
    fn query_values_are_percent_encoded_and_repeated() {
        let r = resolve(
            "[vars]\nq = \"a b&c=d\"\n[[requests]]\nname = \"r\"\nurl = \"http://x/s?x=1\"\nquery = { q = \"{{q}}\", tag = [\"é\", 2, true] }\n",
        );
        assert_eq!(
            r.url.as_str(),
            "http://x/s?x=1&q=a+b%26c%3Dd&tag=%C3%A9&tag=2&tag=true"
        );
        assert_eq!(r.url.query_pairs().count(), 5);
    }

    #[test]
    fn each_auth_kind() {
        let request = "[[requests]]\nname = \"r\"\nurl = \"http://x/\"\n";
        let with = |auth: &str| resolve(&format!("[vars]\nk = \"key1\"\n{request}auth = {auth}\n"));
        let basic = with("{ basic = { username = \"Aladdin\", password = \"open sesame\" } }");
        assert_eq!(
            basic.header("authorization"),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        let bearer = with("{ bearer = \"{{k}}\" }");
        assert_eq!(
            bearer.headers,
            vec![("Authorization".to_string(), "Bearer key1".to_string())]
        );
        let header = with("{ api_key = { header = \"X-Api-Key\", value = \"{{k}}\" } }");
        assert_eq!(
            header.headers,
            vec![("X-Api-Key".to_string(), "key1".to_string())]
        );
        assert_eq!(header.url.as_str(), "http://x/");
        let query = with("{ api_key = { query = \"api_key\", value = \"{{k}}\" } }");
        assert!(query.headers.is_empty());
        assert_eq!(query.url.as_str(), "http://x/?api_key=key1");
    }

    #[test]
    fn form_text_and_file_bodies() {
        let request = "[vars]\nwho = \"a&b\"\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\n";
        let form = resolve(&format!(
            "{request}form = {{ name = \"{{{{who}}}}\", n = [1, 2] }}\n"
        ));
        assert_eq!(body_text(&form), "name=a%26b&n=1&n=2");
        assert_eq!(
            form.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let text = resolve(&format!(
            "{request}text = \"<p/>\"\ncontent_type = \"text/html\"\n"
        ));
        assert_eq!(
            (body_text(&text).as_str(), text.header("content-type")),
            ("<p/>", Some("text/html"))
        );
        let file = resolve(&format!("{request}file = \"data/plan.json\"\n"));
        assert_eq!(
            file.body,
            Body::File(PathBuf::from("collections/data/plan.json"))
        );
        assert_eq!(file.header("content-type"), Some("application/json"));
        let typed = resolve(&format!(
            "{request}file = \"/abs/x.bin\"\ncontent_type = \"a/b\"\nheaders = {{ content-type = \"c/d\" }}\n"
        ));
        assert_eq!(typed.body, Body::File(PathBuf::from("/abs/x.bin")));
        assert_eq!(
            typed.headers,
            vec![("content-type".to_string(), "c/d".to_string())]
        );
    }

    #[test]
    fn multipart_parts_resolve_files_beside_the_collection() {
        let r = resolve(
            r#"
[vars]
who = "ann"
[[requests]]
name = "r"
method = "POST"
url = "http://x"
multipart = { note = "by {{who}}", photo = { file = "img/{{who}}.png" }, doc = { file = "d.bin", filename = "report.pdf", content_type = "application/pdf" } }
"#,
        );
        assert_eq!(
            r.body,
            Body::Multipart(vec![
                Part {
                    name: "note".into(),
                    value: PartValue::Text("by ann".into())
                },
                Part {
                    name: "photo".into(),
                    value: PartValue::File {
                        path: PathBuf::from("collections/img/ann.png"),
                        file_name: None,
                        content_type: None,
                    },
                },
                Part {
                    name: "doc".into(),
                    value: PartValue::File {
                        path: PathBuf::from("collections/d.bin"),
                        file_name: Some("report.pdf".into()),
                        content_type: Some("application/pdf".into()),
                    },
                },
            ])
        );
        assert_eq!(r.header("content-type"), None);
    }

    #[test]
    fn header_values_with_line_breaks_are_rejected() {
        assert_eq!(
            resolve_err(
                "[vars]\nv = \"a\\nb\"\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\nheaders = { X = \"{{v}}\" }\n"
            ),
            "invalid value for header `X` in request `r`: it contains a line break or NUL\n \
             --> collections/shop.toml:6:17\n  |\n6 | headers = { X = \"{{v}}\" }\n  |                 ^^^^^^^"
        );
    }
}
