//! OpenAPI 3.0/3.1 descriptions (YAML or JSON) as one collection: the first server as
//! `base_url` (its variables as `[vars]` with their defaults, other servers as environments),
//! one request per operation named by `operationId`, tagged by the spec's tags, parameters as
//! variables, bodies from examples or a skeleton of the schema, `securitySchemes` as auth
//! with secrets, `expect.status` from the first 2xx response.

use serde_json::{Map, Value};

use super::http::{slug, unique};
use super::{Body, Imported, Note, SecretRef};
use crate::collection::credentials;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
/// How deep a schema skeleton goes (cycles through `$ref` are cut before).
const MAX_DEPTH: usize = 12;

#[derive(Debug, Default)]
pub struct OpenApiImport {
    pub vars: Vec<(String, String)>,
    pub envs: Vec<(String, Vec<(String, String)>)>,
    pub requests: Vec<Imported>,
    pub notes: Vec<Note>,
    pub secrets: Vec<SecretRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenApiError {
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{0}")]
    Format(String),
}

/// `text` of the description named `file` (JSON when it starts with `{`, else YAML).
pub fn import(file: &str, text: &str, collection: &str) -> Result<OpenApiImport, OpenApiError> {
    import_in(file, text, collection, None)
}

/// [`import`] of a description in `dir`, whose `$ref`s to other files are read from there
/// (without a `dir` they are reported).
pub fn import_in(
    file: &str,
    text: &str,
    collection: &str,
    dir: Option<&std::path::Path>,
) -> Result<OpenApiImport, OpenApiError> {
    let mut spec = parse(file, text)?;
    let parse_other = |name: &str, text: &str| parse(name, text).map_err(|e| e.to_string());
    let ref_notes = super::refs::inline_external(&mut spec, dir, &parse_other);
    let swagger = spec.get("swagger").map(self::text);
    let spec = match swagger.as_deref() {
        Some("2.0") => super::swagger::to_openapi3(&spec),
        Some(other) => {
            return Err(OpenApiError::Format(format!(
                "{file} is Swagger {other}, which is not supported: postie reads Swagger 2.0 and OpenAPI 3.0/3.1"
            )));
        }
        None => spec,
    };
    let version = spec
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.") {
        return Err(OpenApiError::Format(format!(
            "{file} is not an OpenAPI 3.0 or 3.1 description (no `openapi: 3.x`)"
        )));
    }
    let mut out = OpenApiImport {
        notes: ref_notes,
        ..OpenApiImport::default()
    };
    if swagger.is_some() {
        out.notes.push(Note::Changed(
            "Swagger 2.0, read as the OpenAPI 3.0 it stands for (`host`/`basePath`/`schemes` as servers, `definitions` as schemas, body and formData parameters as request bodies)".into(),
        ));
    }
    servers(&spec, &mut out);
    let root_security = spec.get("security").cloned();
    let mut names = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item = resolve(&spec, item);
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let ctx = Op {
                spec: &spec,
                path,
                item: &item,
                op,
                method,
                collection,
            };
            let mut request = operation(&ctx, root_security.as_ref(), &mut out);
            request.name = unique(&request.name, &names);
            names.push(request.name.clone());
            out.requests.push(request);
        }
    }
    if out.requests.is_empty() {
        return Err(OpenApiError::Format(format!(
            "{file} has no operations under `paths`"
        )));
    }
    Ok(out)
}

fn parse(file: &str, text: &str) -> Result<Value, OpenApiError> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| OpenApiError::Syntax {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        });
    }
    serde_norway::from_str::<Value>(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        OpenApiError::Syntax {
            file: file.to_owned(),
            line,
            column,
            message: e.to_string(),
        }
    })
}

/// `{ $ref: "#/components/…" }` followed (local references only), once.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> std::borrow::Cow<'a, Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            Some(target) => std::borrow::Cow::Borrowed(target),
            None => std::borrow::Cow::Owned(Value::Null),
        },
        None => std::borrow::Cow::Borrowed(v),
    }
}

/// `https://{region}.x/{v}` → `https://{{region}}.x/{{v}}`.
fn braces(url: &str) -> String {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\{([A-Za-z_][\w.-]*)\}").expect("a valid regex")
    });
    RE.replace_all(url, "{{$1}}").into_owned()
}

fn servers(spec: &Value, out: &mut OpenApiImport) {
    let list = spec
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.is_empty() {
        out.vars
            .push(("base_url".into(), "http://localhost".into()));
        out.notes.push(Note::Changed(
            "no `servers`: `base_url` is `http://localhost`; set it with `--var base_url=…`".into(),
        ));
        return;
    }
    for (i, server) in list.iter().enumerate() {
        let url = braces(
            server
                .get("url")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let mut vars = vec![("base_url".to_owned(), url.trim_end_matches('/').to_owned())];
        for (name, var) in server
            .get("variables")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let default = var.get("default").map(text).unwrap_or_default();
            vars.push((name.clone(), default));
        }
        if i == 0 {
            out.vars.extend(vars);
        } else {
            let name = server
                .get("description")
                .and_then(Value::as_str)
                .map(slug)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("server-{}", i + 1));
            out.envs.push((name, vars));
        }
    }
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

struct Op<'a> {
    spec: &'a Value,
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
    method: &'a str,
    collection: &'a str,
}

fn operation(ctx: &Op<'_>, root_security: Option<&Value>, out: &mut OpenApiImport) -> Imported {
    let mut request = Imported {
        method: ctx.method.to_ascii_uppercase(),
        follow_redirects: true,
        ..Imported::default()
    };
    request.name = match ctx.op.get("operationId").and_then(Value::as_str) {
        Some(id) => slug(id),
        None => slug(&format!("{} {}", ctx.method, ctx.path)),
    };
    request.tags = ctx
        .op
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(slug)
        .collect();
    request.comment = ctx
        .op
        .get("summary")
        .or_else(|| ctx.op.get("description"))
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let path = if ctx.path == "/" { "" } else { ctx.path };
    let mut url = format!("{{{{base_url}}}}{}", braces(path));
    let mut query = Vec::new();
    let params = ctx
        .item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            ctx.op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    for p in params {
        let p = resolve(ctx.spec, p);
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let example = param_example(ctx.spec, &p);
        match p.get("in").and_then(Value::as_str) {
            Some("path") => define(out, &name, example.unwrap_or_default()),
            Some("query") => {
                if let Some(v) = example {
                    query.push(format!("{name}={v}"));
                } else if p.get("required").and_then(Value::as_bool) == Some(true) {
                    define(out, &name, String::new());
                    query.push(format!("{name}={{{{{name}}}}}"));
                }
            }
            Some("header") => {
                if let Some(v) = example.or_else(|| {
                    (p.get("required").and_then(Value::as_bool) == Some(true)).then(String::new)
                }) {
                    request.headers.push((name, v));
                }
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    request.url = url;
    if let Some(body) = ctx.op.get("requestBody") {
        request.body = body_of(ctx.spec, &resolve(ctx.spec, body), &mut request.notes);
    }
    request.expect_status = ctx
        .op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| {
            r.keys()
                .find(|k| k.starts_with('2'))
                .and_then(|k| k.parse().ok())
        });
    let security = ctx.op.get("security").or(root_security);
    security_of(ctx, security, &mut request, out);
    request
}

fn define(out: &mut OpenApiImport, name: &str, value: String) {
    if !out.vars.iter().any(|(n, _)| n == name) {
        out.vars.push((name.to_owned(), value));
    }
}

fn param_example(spec: &Value, p: &Value) -> Option<String> {
    if let Some(v) = p.get("example") {
        return Some(text(v));
    }
    if let Some(v) = p
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
    {
        return resolve(spec, v).get("value").map(text);
    }
    let schema = resolve(spec, p.get("schema")?);
    schema
        .get("example")
        .or_else(|| schema.get("default"))
        .map(text)
}

fn body_of(spec: &Value, body: &Value, notes: &mut Vec<Note>) -> Body {
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return Body::None;
    };
    let Some((media, entry)) = content
        .iter()
        .find(|(m, _)| m.contains("json"))
        .or_else(|| content.iter().next())
    else {
        return Body::None;
    };
    let example = entry.get("example").cloned().or_else(|| {
        let first = entry
            .get("examples")
            .and_then(Value::as_object)?
            .values()
            .next()?;
        resolve(spec, first).get("value").cloned()
    });
    let value = match example {
        Some(v) => v,
        None => match entry.get("schema") {
            Some(schema) => {
                notes.push(Note::Changed(
                    "the body is a skeleton generated from the schema (no example)".into(),
                ));
                skeleton(spec, schema, &mut Vec::new(), 0)
            }
            None => Value::Null,
        },
    };
    if let Some(body) = form_of(media, &value, entry.get("schema"), notes) {
        return body;
    }
    let text = match (&value, media.contains("json")) {
        (Value::String(s), false) => s.clone(),
        (v, _) => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    Body::Text {
        text: super::escape(&text),
        content_type: Some(media.clone()),
    }
}

/// A urlencoded or multipart body (an object value) as `form` / `multipart` fields: postie
/// encodes them (a JSON text under a form type would send the wrong bytes). A binary
/// property (a file part) has no file to send: left out and reported.
fn form_of(
    media: &str,
    value: &Value,
    schema: Option<&Value>,
    notes: &mut Vec<Note>,
) -> Option<Body> {
    let multipart = media.starts_with("multipart/form-data");
    if !(multipart || media.starts_with("application/x-www-form-urlencoded")) {
        return None;
    }
    let fields = value.as_object()?;
    let mut pairs = Vec::new();
    for (k, v) in fields {
        let binary = schema
            .and_then(|s| {
                s.pointer(&format!(
                    "/properties/{}",
                    k.replace('~', "~0").replace('/', "~1")
                ))
            })
            .and_then(|p| p.get("format"))
            .and_then(Value::as_str)
            == Some("binary");
        if binary {
            notes.push(Note::Dropped(format!(
                "the file part `{k}`: add it as `{k} = {{ file = \"…\" }}` under `multipart`"
            )));
            continue;
        }
        let v = match v {
            Value::Null => String::new(),
            other => text(other),
        };
        pairs.push((k.clone(), super::escape(&v)));
    }
    Some(if multipart {
        let parts = pairs
            .into_iter()
            .map(|(name, v)| super::Part {
                name,
                value: super::PartValue::Text(v),
            })
            .collect();
        Body::Multipart(parts)
    } else {
        Body::Form(pairs)
    })
}

/// A value shaped like `schema`: examples and defaults where given, else placeholders by
/// type; `$ref` cycles cut (`null`), at most [`MAX_DEPTH`] deep.
fn skeleton(spec: &Value, schema: &Value, seen: &mut Vec<String>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|s| s == r) {
            return Value::Null;
        }
        seen.push(r.to_owned());
        let target = r
            .strip_prefix('#')
            .and_then(|p| spec.pointer(p))
            .cloned()
            .unwrap_or(Value::Null);
        let v = skeleton(spec, &target, seen, depth + 1);
        seen.pop();
        return v;
    }
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return v.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            let mut merged = Map::new();
            for s in list
                .iter()
                .take(if key == "allOf" { usize::MAX } else { 1 })
            {
                match skeleton(spec, s, seen, depth + 1) {
                    Value::Object(o) => merged.extend(o),
                    other if key != "allOf" => return other,
                    _ => {}
                }
            }
            return Value::Object(merged);
        }
    }
    let kind = match schema.get("type") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        Some(t) => t.as_str().unwrap_or_default().to_owned(),
        None if schema.get("properties").is_some() => "object".into(),
        None => String::new(),
    };
    match kind.as_str() {
        "object" => {
            let mut o = Map::new();
            for (k, v) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                o.insert(k.clone(), skeleton(spec, v, seen, depth + 1));
            }
            Value::Object(o)
        }
        "array" => match schema.get("items") {
            Some(items) => Value::Array(vec![skeleton(spec, items, seen, depth + 1)]),
            None => Value::Array(Vec::new()),
        },
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}

/// The first security requirement's first scheme as auth (secrets named after the scheme).
fn security_of(
    ctx: &Op<'_>,
    security: Option<&Value>,
    request: &mut Imported,
    out: &mut OpenApiImport,
) {
    let Some(name) = security
        .and_then(Value::as_array)
        .and_then(|s| s.first())
        .and_then(Value::as_object)
        .and_then(|o| o.keys().next())
    else {
        return;
    };
    let by_name = match name.to_ascii_lowercase().as_str() {
        "basic" | "basicauth" => Some(serde_json::json!({"type": "http", "scheme": "basic"})),
        "bearer" | "bearerauth" => Some(serde_json::json!({"type": "http", "scheme": "bearer"})),
        _ => None,
    };
    let scheme = match (
        ctx.spec
            .pointer(&format!("/components/securitySchemes/{name}")),
        by_name,
    ) {
        (Some(s), _) => s.clone(),
        (None, Some(s)) => {
            request.notes.push(Note::Changed(format!(
                "the security scheme `{name}` is not defined in `components.securitySchemes`: taken by its name"
            )));
            s
        }
        (None, None) => {
            request.notes.push(Note::Dropped(format!(
                "the security scheme `{name}` is not defined in `components.securitySchemes`"
            )));
            return;
        }
    };
    let mut secret = |what: &str| {
        let secret = credentials::secret_name(ctx.collection, &format!("{name}_{what}"));
        if !out.secrets.iter().any(|s| s.name == secret) {
            out.secrets.push(SecretRef {
                name: secret.clone(),
                from: format!("the `{name}` security scheme"),
            });
        }
        format!("{{{{secret:{secret}}}}}")
    };
    let kind = scheme
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let http = scheme
        .get("scheme")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    match (kind, http.as_str()) {
        ("http", "basic") => {
            let password = secret("password");
            let user = format!("{name}_username");
            define(out, &user, String::new());
            request.basic = Some((format!("{{{{{user}}}}}"), password));
        }
        ("http", "bearer") => request.bearer = Some(secret("token")),
        ("apiKey", _) => {
            let key = scheme.get("name").and_then(Value::as_str).unwrap_or("X-Api-Key").to_owned();
            let value = secret("key");
            match scheme.get("in").and_then(Value::as_str) {
                Some("query") => {
                    let sep = if request.url.contains('?') { '&' } else { '?' };
                    request.url = format!("{}{sep}{key}={value}", request.url);
                }
                Some("cookie") => request.headers.push(("Cookie".into(), format!("{key}={value}"))),
                _ => request.headers.push((key, value)),
            }
        }
        ("oauth2", _) => {
            let wanted: Vec<String> = security
                .and_then(|s| s.pointer(&format!("/0/{}", name.replace('~', "~0").replace('/', "~1"))))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            let (secrets, notes) = (&mut out.secrets, &mut request.notes);
            let mapped =
                super::oauth2::openapi(name, &scheme, &wanted, ctx.collection, secrets, notes);
            if let Some((oauth2, id_var)) = mapped {
                define(out, &id_var, String::new());
                if let Some(user) = oauth2.username.as_ref() {
                    let user = user.trim_matches(['{', '}']).to_owned();
                    define(out, &user, String::new());
                }
                request.oauth2 = Some(Box::new(oauth2));
            }
        }
        ("openIdConnect", _) => request.notes.push(Note::Dropped(format!(
            "the `{name}` security scheme is OpenID Connect discovery (`{}`): postie needs the token URL itself; write `auth = {{ oauth2 = {{ … }} }}` with the provider's `token_endpoint`",
            scheme.get("openIdConnectUrl").and_then(Value::as_str).unwrap_or("?")
        ))),
        _ => request.notes.push(Note::Dropped(format!(
            "the `{name}` security scheme (`{kind}` {http}) is not carried (postie has basic, bearer, API keys and OAuth2)"
        ))),
    }
}
