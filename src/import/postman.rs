//! Postman collections (v2.0, v2.1), environments and globals as one collection: folders as
//! tags (order kept, one file: `--tag FOLDER` selects a folder), collection variables as
//! `[vars]`, environments as `[env.NAME]`, auth inherited down folders (`noauth` stops it),
//! simple test scripts as `expect.status` and captures; everything else reported.

use serde_json::Value;

use super::http::{slug, unique};
use super::{Body, Imported, Note, Part, PartValue, SecretRef, dynamic};
use crate::collection::credentials;

/// What a Postman export became.
#[derive(Debug, Default)]
pub struct PostmanImport {
    pub vars: Vec<(String, String)>,
    pub envs: Vec<(String, Vec<(String, String)>)>,
    pub requests: Vec<Imported>,
    /// Notes about the collection, not one request.
    pub notes: Vec<Note>,
    pub secrets: Vec<SecretRef>,
}

/// The file is not a Postman v2 collection or environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostmanError {
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Format(String),
}

/// Context handed down the folder tree.
#[derive(Clone)]
struct Scope {
    tags: Vec<String>,
    auth: Option<Value>,
}

fn parse(file: &str, text: &str) -> Result<Value, PostmanError> {
    serde_json::from_str(text).map_err(|e| PostmanError::Json {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// A collection export (`file` names it in errors); secrets are named after `collection`.
pub fn import(file: &str, text: &str, collection: &str) -> Result<PostmanImport, PostmanError> {
    let json = parse(file, text)?;
    let schema = json
        .pointer("/info/schema")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if json.get("requests").is_some() && json.get("order").is_some() {
        return Err(PostmanError::Format(format!(
            "{file} is a Postman collection v1, which is not supported: export it again from Postman as v2.1"
        )));
    }
    if !(schema.contains("/v2.0") || schema.contains("/v2.1")) || json.get("item").is_none() {
        return Err(PostmanError::Format(format!(
            "{file} is not a Postman collection v2.0 or v2.1 (no `info.schema` naming one, or no `item`): supported are v2.0/v2.1 collections (`postie import postman FILE`) and environment or globals exports (`--env FILE`)"
        )));
    }
    let mut out = PostmanImport::default();
    variables(
        json.get("variable"),
        collection,
        "collection variable",
        &mut out,
    );
    let follow = json
        .pointer("/protocolProfileBehavior/followRedirects")
        .and_then(Value::as_bool);
    let scope = Scope {
        tags: Vec::new(),
        auth: json.get("auth").cloned(),
    };
    let mut names = Vec::new();
    walk(
        json.get("item"),
        &scope,
        follow,
        collection,
        &mut names,
        &mut out,
    );
    for event in json
        .get("event")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !script_lines(event).is_empty() {
            out.notes.push(Note::Dropped(format!(
                "a collection-level `{}` script is not run",
                event.get("listen").and_then(Value::as_str).unwrap_or("?")
            )));
        }
    }
    if out.requests.is_empty() {
        return Err(PostmanError::Format(format!("{file} has no requests")));
    }
    let by_hand = out
        .requests
        .iter()
        .filter_map(super::oauth2::token_request_note);
    out.notes.extend(by_hand.collect::<Vec<_>>());
    Ok(out)
}

/// `variable` / `values` entries into `[vars]` (or an environment): literal credentials and
/// `type: secret` values as secrets, disabled ones left out.
fn var_list(
    list: Option<&Value>,
    collection: &str,
    place: &str,
    out: &mut PostmanImport,
) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for v in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(key) = v.get("key").and_then(Value::as_str) else {
            continue;
        };
        if v.get("enabled").and_then(Value::as_bool) == Some(false)
            || v.get("disabled").and_then(Value::as_bool) == Some(true)
        {
            out.notes
                .push(Note::Ignored(format!("the disabled {place} `{key}`")));
            continue;
        }
        let text = match v.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let secret_type = v.get("type").and_then(Value::as_str) == Some("secret");
        let literal = !text.contains("{{") && !text.is_empty();
        let credential = literal
            && (credentials::sensitive_header(key) || credentials::token_shape(&text).is_some());
        if secret_type || credential || text.starts_with("{{vault:") {
            let name = credentials::secret_name(collection, key);
            out.secrets.push(SecretRef {
                name: name.clone(),
                from: format!("the {place} `{key}`"),
            });
            vars.push((key.to_owned(), format!("{{{{secret:{name}}}}}")));
        } else {
            vars.push((key.to_owned(), dynamic(&text, &mut out.notes)));
        }
    }
    vars
}

fn variables(list: Option<&Value>, collection: &str, place: &str, out: &mut PostmanImport) {
    let vars = var_list(list, collection, place, out);
    for (k, v) in vars {
        out.vars.retain(|(n, _)| *n != k);
        out.vars.push((k, v));
    }
}

/// An environment or globals export, as `[env.NAME]` (globals: `[vars]`).
pub fn add_env(
    out: &mut PostmanImport,
    file: &str,
    text: &str,
    collection: &str,
) -> Result<(), PostmanError> {
    let json = parse(file, text)?;
    let Some(values) = json.get("values") else {
        return Err(PostmanError::Format(format!(
            "{file} is not a Postman environment or globals export (no `values`)"
        )));
    };
    let scope = json
        .get("_postman_variable_scope")
        .and_then(Value::as_str)
        .unwrap_or("environment");
    if scope == "globals" {
        let vars = var_list(Some(values), collection, "global", out);
        for (k, v) in vars {
            if !out.vars.iter().any(|(n, _)| *n == k) {
                out.vars.push((k, v));
            }
        }
        return Ok(());
    }
    let name = json
        .get("name")
        .and_then(Value::as_str)
        .map_or_else(|| "imported".to_owned(), slug);
    let vars = var_list(
        Some(values),
        collection,
        &format!("variable of environment {name}"),
        out,
    );
    out.envs.push((name, vars));
    Ok(())
}

fn walk(
    items: Option<&Value>,
    scope: &Scope,
    follow: Option<bool>,
    collection: &str,
    names: &mut Vec<String>,
    out: &mut PostmanImport,
) {
    for item in items.and_then(Value::as_array).into_iter().flatten() {
        let name = item
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("request");
        if let Some(children) = item.get("item") {
            let mut inner = scope.clone();
            inner.tags.push(slug(name));
            if let Some(auth) = item.get("auth").filter(|a| {
                !a.is_null() && a.get("type").and_then(Value::as_str) != Some("inherit")
            }) {
                inner.auth = Some(auth.clone());
            }
            variables(
                item.get("variable"),
                collection,
                &format!("variable of folder `{name}`"),
                out,
            );
            walk(Some(children), &inner, follow, collection, names, out);
            continue;
        }
        let mut request = request(item, scope, follow, collection);
        request.name = unique(&slug(name), names);
        names.push(request.name.clone());
        out.requests.push(request);
    }
}

fn request(item: &Value, scope: &Scope, follow: Option<bool>, collection: &str) -> Imported {
    let empty = Value::Null;
    let req = item.get("request").unwrap_or(&empty);
    let mut out = Imported {
        tags: scope.tags.clone(),
        follow_redirects: true,
        ..Imported::default()
    };
    // A request given as a bare URL string is a GET.
    if let Value::String(url) = req {
        out.method = "GET".into();
        out.url = dynamic(url, &mut out.notes);
        return out;
    }
    out.method = req
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET")
        .to_ascii_uppercase();
    out.comment = description(req.get("description"));
    out.url = url(req.get("url"), &mut out.notes);
    let mut headers = Vec::new();
    for h in req
        .get("header")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = h.get("key").and_then(Value::as_str).unwrap_or_default();
        if h.get("disabled").and_then(Value::as_bool) == Some(true) {
            out.notes.push(Note::Ignored(format!(
                "the disabled header `{key}` (Postman does not send it either)"
            )));
            continue;
        }
        let value = h.get("value").and_then(Value::as_str).unwrap_or_default();
        headers.push((key.to_owned(), dynamic(value, &mut out.notes)));
    }
    let content_type = headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|i| headers.remove(i).1);
    out.body = body(req.get("body"), content_type.clone(), &mut out.notes);
    match (&out.body, content_type) {
        (Body::None, Some(ct)) => headers.push(("Content-Type".into(), ct)),
        (Body::Form(_) | Body::Multipart(_), Some(ct)) => out.notes.push(Note::Changed(format!(
            "the `Content-Type: {ct}` header: postie sets the type of form bodies itself"
        ))),
        _ => {}
    }
    out.headers = super::curl::secret_headers(headers, collection, &mut out, true);
    // `auth: null` or none inherits, as `type: inherit` does.
    let own = req
        .get("auth")
        .filter(|a| !a.is_null() && a.get("type").and_then(Value::as_str) != Some("inherit"));
    let effective = own.cloned().or_else(|| scope.auth.clone());
    auth(effective.as_ref(), collection, &mut out);
    let item_follow = item
        .pointer("/protocolProfileBehavior/followRedirects")
        .and_then(Value::as_bool);
    if let Some(false) = item_follow.or(follow) {
        out.follow_redirects = false;
    }
    scripts(item, &mut out);
    out
}

fn description(d: Option<&Value>) -> Option<String> {
    let text = match d? {
        Value::String(s) => s.clone(),
        other => other.get("content")?.as_str()?.to_owned(),
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The URL: `raw` (its query rebuilt when some entries are disabled), else the parts;
/// `:name` path variables replaced by their values.
fn url(url: Option<&Value>, notes: &mut Vec<Note>) -> String {
    let text = match url {
        Some(Value::String(s)) => s.clone(),
        Some(u) => from_parts(u, notes),
        None => String::new(),
    };
    dynamic(&text, notes)
}

fn from_parts(u: &Value, notes: &mut Vec<Note>) -> String {
    let raw = u.get("raw").and_then(Value::as_str).map(str::to_owned);
    let query = u.get("query").and_then(Value::as_array);
    let disabled = query.is_some_and(|q| {
        q.iter()
            .any(|e| e.get("disabled").and_then(Value::as_bool) == Some(true))
    });
    let mut base = match (&raw, disabled) {
        (Some(raw), false) => raw.clone(),
        (Some(raw), true) => raw.split('?').next().unwrap_or_default().to_owned(),
        (None, _) => assemble(u),
    };
    if raw.is_none() || disabled {
        let mut pairs = Vec::new();
        for e in query.into_iter().flatten() {
            let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
            if e.get("disabled").and_then(Value::as_bool) == Some(true) {
                notes.push(Note::Ignored(format!(
                    "the disabled query parameter `{key}` (Postman does not send it either)"
                )));
                continue;
            }
            match e.get("value").and_then(Value::as_str) {
                Some(v) => pairs.push(format!("{key}={v}")),
                None => pairs.push(key.to_owned()),
            }
        }
        if !pairs.is_empty() {
            base = format!("{base}?{}", pairs.join("&"));
        }
    }
    for v in u
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(key), Some(value)) = (
            v.get("key").and_then(Value::as_str),
            v.get("value").and_then(Value::as_str),
        ) else {
            continue;
        };
        base = replace_path_var(&base, key, value);
    }
    base
}

/// `protocol://host.parts:port/path/parts`.
fn assemble(u: &Value) -> String {
    let join = |v: Option<&Value>, sep: &str| match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(sep),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    // Without a protocol the host is kept as written (`{{baseUrl}}/events`), as Postman does.
    let protocol = u
        .get("protocol")
        .and_then(Value::as_str)
        .map(|p| format!("{p}://"))
        .unwrap_or_default();
    let host = join(u.get("host"), ".");
    let port = u
        .get("port")
        .and_then(Value::as_str)
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = join(u.get("path"), "/");
    format!("{protocol}{host}{port}/{path}")
}

/// `/users/:id` with `id` = `7` → `/users/7` (only in the path).
fn replace_path_var(url: &str, key: &str, value: &str) -> String {
    let (before, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (url.to_owned(), String::new()),
    };
    let segments: Vec<String> = before
        .split('/')
        .map(|s| {
            if s == format!(":{key}") {
                value.to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect();
    format!("{}{query}", segments.join("/"))
}

fn body(body: Option<&Value>, content_type: Option<String>, notes: &mut Vec<Note>) -> Body {
    let Some(body) = body.filter(|b| !b.is_null()) else {
        return Body::None;
    };
    if body.get("disabled").and_then(Value::as_bool) == Some(true) {
        return Body::None;
    }
    match body.get("mode").and_then(Value::as_str).unwrap_or_default() {
        "raw" => {
            let text = body.get("raw").and_then(Value::as_str).unwrap_or_default();
            if text.is_empty() {
                return Body::None;
            }
            let language = body
                .pointer("/options/raw/language")
                .and_then(Value::as_str);
            let default = match language {
                Some("json") => "application/json",
                Some("xml") => "application/xml",
                Some("html") => "text/html",
                Some("javascript") => "application/javascript",
                _ => "text/plain",
            };
            Body::Text {
                text: dynamic(text, notes),
                content_type: Some(content_type.unwrap_or_else(|| default.into())),
            }
        }
        "urlencoded" => Body::Form(fields(body.get("urlencoded"), notes)),
        "formdata" => formdata(body.get("formdata"), notes),
        "file" => match body.pointer("/file/src").and_then(Value::as_str) {
            Some(src) => Body::File {
                path: src.to_owned(),
                content_type,
            },
            None => Body::None,
        },
        "graphql" => super::graphql::postman(body.get("graphql"), notes),
        other => {
            notes.push(Note::Dropped(format!("a `{other}` body")));
            Body::None
        }
    }
}

fn enabled(list: Option<&Value>, what: &str, notes: &mut Vec<Note>) -> Vec<Value> {
    let mut kept = Vec::new();
    for e in list.and_then(Value::as_array).into_iter().flatten() {
        if e.get("disabled").and_then(Value::as_bool) == Some(true) {
            let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
            notes.push(Note::Ignored(format!(
                "the disabled {what} `{key}` (Postman does not send it either)"
            )));
        } else {
            kept.push(e.clone());
        }
    }
    kept
}

fn fields(list: Option<&Value>, notes: &mut Vec<Note>) -> Vec<(String, String)> {
    enabled(list, "form field", notes)
        .iter()
        .map(|e| {
            let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
            let value = e.get("value").and_then(Value::as_str).unwrap_or_default();
            (key.to_owned(), dynamic(value, notes))
        })
        .collect()
}

fn formdata(list: Option<&Value>, notes: &mut Vec<Note>) -> Body {
    let mut parts = Vec::new();
    for e in enabled(list, "form field", notes) {
        let key = e
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let value = if e.get("type").and_then(Value::as_str) == Some("file") {
            let src = match e.get("src") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(a)) => a
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                _ => String::new(),
            };
            let content_type = e
                .get("contentType")
                .and_then(Value::as_str)
                .map(str::to_owned);
            PartValue::File {
                path: src,
                file_name: None,
                content_type,
            }
        } else {
            PartValue::Text(dynamic(
                e.get("value").and_then(Value::as_str).unwrap_or_default(),
                notes,
            ))
        };
        parts.push(Part { name: key, value });
    }
    Body::Multipart(parts)
}

/// Postman's `{ type, <type>: [{ key, value }] }` auth.
fn auth(auth: Option<&Value>, collection: &str, out: &mut Imported) {
    let Some(auth) = auth else { return };
    let kind = auth.get("type").and_then(Value::as_str).unwrap_or("noauth");
    let param = |name: &str| -> Option<String> {
        let list = auth.get(kind)?;
        match list {
            Value::Array(a) => a
                .iter()
                .find(|e| e.get("key").and_then(Value::as_str) == Some(name))
                .and_then(|e| e.get("value"))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
            Value::Object(o) => o.get(name).and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }
    };
    let mut secret = |value: Option<String>, what: &str| -> String {
        let value = value.unwrap_or_default();
        if value.contains("{{") || value.is_empty() {
            return value;
        }
        let name = credentials::secret_name(collection, what);
        if !out.secrets.iter().any(|s| s.name == name) {
            out.secrets.push(SecretRef {
                name: name.clone(),
                from: format!("the {kind} auth's `{what}`"),
            });
        }
        format!("{{{{secret:{name}}}}}")
    };
    match kind {
        "noauth" | "inherit" => {}
        "basic" => {
            let user = param("username").unwrap_or_default();
            let password = secret(param("password"), "password");
            out.basic = Some((user, password));
        }
        "bearer" => out.bearer = Some(secret(param("token"), "token")),
        "apikey" => {
            let key = param("key").unwrap_or_else(|| "X-Api-Key".into());
            let value = secret(param("value"), &key);
            if param("in").as_deref() == Some("query") {
                let sep = if out.url.contains('?') { '&' } else { '?' };
                out.url = format!("{}{sep}{key}={value}", out.url);
            } else {
                out.headers.push((key, value));
            }
        }
        "oauth2" => super::oauth2::postman(auth, collection, out),
        other => out.notes.push(Note::Dropped(format!(
            "`{other}` auth is not carried (postie has basic, bearer, API keys and OAuth2)"
        ))),
    }
}

fn script_lines(event: &Value) -> Vec<String> {
    let exec = event.pointer("/script/exec");
    let lines: Vec<String> = match exec {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s.lines().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    lines
        .into_iter()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with("//"))
        .collect()
}

/// Test scripts: `pm.response.to.have.status(N)`, `pm.expect(pm.response.code).to.eql(N)`
/// and `pm.environment.set("x", pm.response.json().a.b)` (or `pm.collectionVariables.set`)
/// become `expect.status` and captures; every other line is reported.
fn scripts(item: &Value, out: &mut Imported) {
    use std::sync::LazyLock;
    static STATUS: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
        regex::Regex::new(r"^pm\.(?:response\.to\.have\.status\((\d{3})\)|expect\(pm\.response\.code\)\.to\.(?:eql|equal)\((\d{3})\));?$").ok()
    });
    static CAPTURE: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
        regex::Regex::new(r#"^pm\.(?:environment|collectionVariables|globals|variables)\.set\(\s*["']([A-Za-z_][\w-]*)["']\s*,\s*pm\.response\.json\(\)((?:\.[A-Za-z_]\w*|\[\d+\])*)\s*\);?$"#).ok()
    });
    let (status, capture) = (&*STATUS, &*CAPTURE);
    for event in item
        .get("event")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let listen = event
            .get("listen")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for line in script_lines(event) {
            let t = line.trim();
            if listen == "test" {
                if let Some(c) = status.as_ref().and_then(|r| r.captures(t)) {
                    let n = c
                        .get(1)
                        .or_else(|| c.get(2))
                        .and_then(|m| m.as_str().parse().ok());
                    out.expect_status = n;
                    continue;
                }
                if let Some(c) = capture.as_ref().and_then(|r| r.captures(t)) {
                    out.captures
                        .push((c[1].to_owned(), format!("json:${}", &c[2])));
                    continue;
                }
                if t.starts_with("pm.test(") || t == "});" || t == "})" {
                    continue;
                }
            }
            out.notes.push(Note::Dropped(format!(
                "the {listen} script line `{t}` is not run"
            )));
        }
    }
}
