//! Swagger 2.0 as the OpenAPI 3.0 it stands for, so `openapi` imports both: `schemes` +
//! `host` + `basePath` → `servers`; `definitions`, `parameters`, `responses` and
//! `securityDefinitions` → `components` (every `$ref` rewritten); `in: body` and `formData`
//! parameters → `requestBody` (with `consumes`); other parameters' `type`/`default`/`enum` →
//! their `schema`; oauth2 `flow`s (`application`, `password`, `accessCode`, `implicit`) →
//! `flows`.

use serde_json::{Map, Value, json};

/// The 3.0 document for a Swagger 2.0 `spec`.
pub fn to_openapi3(spec: &Value) -> Value {
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for key in ["info", "tags", "security"] {
        if let Some(v) = spec.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert("servers".into(), Value::Array(servers(spec)));
    let mut components = Map::new();
    for (from, to) in [
        ("definitions", "schemas"),
        ("parameters", "parameters"),
        ("responses", "responses"),
    ] {
        if let Some(v) = spec.get(from) {
            components.insert(to.into(), v.clone());
        }
    }
    if let Some(defs) = spec.get("securityDefinitions").and_then(Value::as_object) {
        let schemes = defs
            .iter()
            .map(|(name, s)| (name.clone(), security_scheme(s)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if let Some(Value::Object(params)) = components.get_mut("parameters") {
        for p in params.values_mut() {
            *p = parameter(p);
        }
    }
    out.insert("components".into(), Value::Object(components));
    let consumes = media(spec.get("consumes"));
    let mut paths = Map::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        paths.insert(path.clone(), path_item(item, &consumes, spec));
    }
    out.insert("paths".into(), Value::Object(paths));
    let mut doc = Value::Object(out);
    refs(&mut doc);
    doc
}

/// `schemes` × `host` + `basePath` (no host: none, so the import says to set `base_url`).
fn servers(spec: &Value) -> Vec<Value> {
    let Some(host) = spec.get("host").and_then(Value::as_str) else {
        return Vec::new();
    };
    let base = spec
        .get("basePath")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim_end_matches('/');
    let schemes: Vec<&str> = spec
        .get("schemes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .filter(|s: &Vec<&str>| !s.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    schemes
        .iter()
        .map(|s| json!({"url": format!("{s}://{host}{base}"), "description": s}))
        .collect()
}

fn media(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn security_scheme(s: &Value) -> Value {
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("oauth2") => {
            let flow = match s.get("flow").and_then(Value::as_str) {
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                Some("password") => "password",
                _ => "implicit",
            };
            let mut f = Map::new();
            for key in ["tokenUrl", "authorizationUrl", "scopes"] {
                if let Some(v) = s.get(key) {
                    f.insert(key.into(), v.clone());
                }
            }
            json!({"type": "oauth2", "flows": {flow: f}})
        }
        _ => s.clone(),
    }
}

/// A non-body parameter with its type as a `schema` (and `x-example` as its example).
fn parameter(p: &Value) -> Value {
    let Some(o) = p.as_object() else {
        return p.clone();
    };
    if o.contains_key("$ref") || o.contains_key("schema") {
        return p.clone();
    }
    let mut param = Map::new();
    let mut schema = Map::new();
    for (k, v) in o {
        match k.as_str() {
            "type" | "format" | "default" | "enum" | "items" | "minimum" | "maximum" => {
                schema.insert(k.clone(), v.clone());
            }
            "x-example" => {
                param.insert("example".into(), v.clone());
            }
            _ => {
                param.insert(k.clone(), v.clone());
            }
        }
    }
    param.insert("schema".into(), Value::Object(schema));
    Value::Object(param)
}

fn path_item(item: &Value, consumes: &[String], spec: &Value) -> Value {
    let Some(o) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    let shared: Vec<Value> = o
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (k, v) in o {
        match k.as_str() {
            "parameters" => {}
            method => {
                out.insert(method.into(), operation(v, &shared, consumes, spec));
            }
        }
    }
    Value::Object(out)
}

/// Parameters split into `parameters` and one `requestBody` (from `in: body`, else from the
/// `formData` ones as a urlencoded or multipart example).
fn operation(op: &Value, shared: &[Value], consumes: &[String], spec: &Value) -> Value {
    let Some(o) = op.as_object() else {
        return op.clone();
    };
    let mut out = o.clone();
    out.remove("consumes");
    out.remove("produces");
    let own = media(o.get("consumes"));
    let consumes = if own.is_empty() { consumes } else { &own };
    let all = shared.iter().chain(
        o.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    let (mut params, mut body, mut form) = (Vec::new(), None, Vec::new());
    for p in all {
        let target = p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|r| spec.pointer(r))
            .unwrap_or(p);
        match target.get("in").and_then(Value::as_str) {
            Some("body") => body = Some(target.clone()),
            Some("formData") => form.push(target.clone()),
            _ => params.push(parameter(p)),
        }
    }
    out.insert("parameters".into(), Value::Array(params));
    if let Some(b) = body {
        let media = consumes
            .iter()
            .find(|m| m.contains("json"))
            .or(consumes.first())
            .cloned()
            .unwrap_or_else(|| "application/json".into());
        let schema = b.get("schema").cloned().unwrap_or(Value::Null);
        out.insert(
            "requestBody".into(),
            json!({"content": {media: {"schema": schema}}}),
        );
    } else if !form.is_empty() {
        out.insert("requestBody".into(), form_body(&form, consumes));
    }
    Value::Object(out)
}

/// `formData` parameters as the OpenAPI 3 form body: an object schema, one property each
/// (`type: file` is a binary string).
fn form_body(form: &[Value], consumes: &[String]) -> Value {
    let multipart = consumes.iter().any(|m| m.starts_with("multipart/"))
        || form
            .iter()
            .any(|p| p.get("type").and_then(Value::as_str) == Some("file"));
    let mut properties = Map::new();
    for p in form {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut schema = parameter(p)
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if p.get("type").and_then(Value::as_str) == Some("file") {
            schema = json!({"type": "string", "format": "binary"});
        }
        if let (Some(example), Value::Object(o)) = (p.get("x-example"), &mut schema) {
            o.insert("example".into(), example.clone());
        }
        properties.insert(name.to_owned(), schema);
    }
    let media = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    json!({"content": {media: {"schema": {"type": "object", "properties": properties}}}})
}

/// `#/definitions/X` → `#/components/schemas/X` (and parameters, responses), everywhere.
fn refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, item) in o.iter_mut() {
                match (k.as_str(), &*item) {
                    ("$ref", Value::String(r)) => {
                        let fixed = [
                            ("#/definitions/", "#/components/schemas/"),
                            ("#/parameters/", "#/components/parameters/"),
                            ("#/responses/", "#/components/responses/"),
                        ]
                        .iter()
                        .find_map(|(from, to)| {
                            r.strip_prefix(from).map(|rest| format!("{to}{rest}"))
                        });
                        if let Some(fixed) = fixed {
                            *item = Value::String(fixed);
                        }
                    }
                    _ => refs(item),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(refs),
        _ => {}
    }
}
