//! `postie send … --save COLLECTION/NAME`: the ad-hoc request as a `[[requests]]` table that
//! sends the same thing when the collection runs. Values stay template text as typed
//! (`{{base_url}}` stays a variable); what `send` read from files (`field=@note.txt`,
//! `field:=@data.json`, a body on stdin) is written inline with `{{` escaped; a literal
//! credential (a credential header, a token in the query, a JSON field named like a password,
//! any well-known token shape) becomes `{{secret:<collection>_<name>}}`, as the curl importer
//! does, and is never written.

use serde_json::Value as Json;
use toml_edit::{Array, InlineTable, Table, Value, value};

use super::{Note, SecretRef, escape};
use crate::collection::credentials;
use crate::items::{self, ItemError, Items};

/// The part of `send`'s arguments that makes the request.
pub struct SendRequest<'a> {
    pub name: &'a str,
    pub method: &'a str,
    /// As typed (template text, `:8080/x` shorthands allowed).
    pub url: &'a str,
    /// As typed.
    pub items: &'a [String],
    /// The body read from stdin, when `send` sends one.
    pub stdin: Option<&'a [u8]>,
    pub timeout: Option<std::time::Duration>,
    pub follow_redirects: bool,
    /// `-a USER:PASSWORD`, as typed.
    pub basic: Option<&'a str>,
    /// `--bearer TOKEN`, as typed.
    pub bearer: Option<&'a str>,
    /// Secrets are named `<collection>_<what>`.
    pub collection: &'a str,
    /// `@file` paths (relative to the working directory) are rewritten relative to this
    /// directory (the collection file's, relative to the working directory, or absolute).
    pub dir: &'a std::path::Path,
}

/// The request table, the secrets it refers to, and what differs from the ad-hoc request.
#[derive(Debug)]
pub struct Saved {
    pub table: Table,
    pub secrets: Vec<SecretRef>,
    pub notes: Vec<Note>,
}

/// Why the request cannot be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// An item could not be read (the same errors as `send`'s).
    #[error(transparent)]
    Item(#[from] ItemError),
    /// `field:={{x}}`: JSON only once `{{…}}` is filled in.
    #[error(
        "cannot save `{0}`: its value is JSON only once `{{{{…}}}}` is filled in, and a collection's `json` holds JSON as written"
    )]
    TemplatedJson(String),
    /// A binary body on stdin.
    #[error("cannot save the body from standard input: it is not UTF-8 text")]
    BinaryStdin,
    /// A `{{…}}` in a file path (`@{{dir}}/x`): the rendered path is given instead.
    #[error("could not render `{0}`: {1}")]
    Render(String, String),
}

/// The table for `req`; `render` fills in `{{…}}` of the file paths it reads now.
pub fn table(
    req: &SendRequest<'_>,
    render: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Saved, SaveError> {
    let mut out = Saved {
        table: Table::new(),
        secrets: Vec::new(),
        notes: Vec::new(),
    };
    let items = parse(req.items, render)?;
    let t = &mut out.table;
    t.insert("name", value(req.name));
    t.insert("method", value(req.method.to_ascii_uppercase()));
    let url = secret_url(&expand(req.url), req.collection, &mut out.secrets);
    out.table.insert("url", value(url));
    query(&items, req.collection, &mut out);
    let json = json_body(&items);
    headers(&items, json.is_some(), req.collection, &mut out);
    auth(req, &mut out);
    body(req, &items, json, &mut out)?;
    if let Some(timeout) = req.timeout {
        let text = humantime::format_duration(timeout).to_string();
        out.table.insert("timeout", value(text));
    }
    if !req.follow_redirects {
        out.table.insert("follow_redirects", value(false));
    }
    Ok(out)
}

/// The items as `send` reads them, but with the values as typed: file items are read now
/// (their paths rendered) and turned into `field:=JSON` with `{{` escaped.
fn parse(
    raw: &[String],
    render: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Items, SaveError> {
    let mut rewritten = Vec::with_capacity(raw.len());
    for item in raw {
        let mut path = |p: &str| render(p).map_err(|e| SaveError::Render(item.clone(), e));
        if let Some(p) = item.strip_prefix('@') {
            rewritten.push(format!("@{}", path(p)?));
            continue;
        }
        let Some((_, separator, v)) = items::split_item(item) else {
            rewritten.push(item.clone());
            continue;
        };
        let head = &item[..item.len() - v.len() - separator.len()];
        let from_file = match separator {
            "=@" => Json::String(read_text(item, &path(v)?)?),
            ":=@" => {
                let file = path(v)?;
                let bytes = std::fs::read(&file).map_err(|source| ItemError::ReadFile {
                    item: item.clone(),
                    path: file.into(),
                    source,
                })?;
                serde_json::from_slice(&bytes).map_err(|source| ItemError::Json {
                    item: item.clone(),
                    source,
                })?
            }
            ":=" if v.contains("{{") && serde_json::from_str::<Json>(v).is_err() => {
                return Err(SaveError::TemplatedJson(item.clone()));
            }
            _ => {
                rewritten.push(item.clone());
                continue;
            }
        };
        rewritten.push(format!("{head}:={}", escaped(from_file)));
    }
    Ok(items::parse_items(&rewritten)?)
}

fn read_text(item: &str, path: &str) -> Result<String, ItemError> {
    std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::InvalidData => ItemError::NotText {
            item: item.to_owned(),
            path: path.into(),
        },
        _ => ItemError::ReadFile {
            item: item.to_owned(),
            path: path.into(),
            source,
        },
    })
}

/// Every string of `v` with `{{` escaped: read from a file, it was sent literally.
fn escaped(v: Json) -> Json {
    match v {
        Json::String(s) => Json::String(escape(&s)),
        Json::Array(a) => Json::Array(a.into_iter().map(escaped).collect()),
        Json::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, escaped(v))).collect()),
        other => other,
    }
}

/// `send`'s URL shorthands on template text: `:8080/x`, no scheme (a URL starting with a
/// placeholder brings its own).
fn expand(url: &str) -> String {
    if let Some(rest) = url.strip_prefix(':') {
        return match rest.starts_with('/') || rest.is_empty() {
            true => format!("http://localhost{rest}"),
            false => format!("http://localhost:{rest}"),
        };
    }
    let scheme = url
        .split_once("://")
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '{']));
    if scheme || url.starts_with("{{") {
        url.to_owned()
    } else {
        format!("http://{url}")
    }
}

/// A literal credential in the URL's query (`?api_key=…`) or its password as a reference.
fn secret_url(url: &str, collection: &str, secrets: &mut Vec<SecretRef>) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let mut base = base.to_owned();
    if let Some((scheme, rest)) = base.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, password)) = userinfo.split_once(':')
        && !password.is_empty()
        && !password.contains("{{")
        && !host.contains('@')
    {
        let name = add_secret(secrets, collection, "password", "the URL's password");
        base = format!("{scheme}://{user}:{{{{secret:{name}}}}}@{host}");
    }
    let Some(query) = query else { return base };
    let parts: Vec<String> = query
        .split('&')
        .map(|part| {
            let (key, v) = part.split_once('=').unwrap_or((part, ""));
            if is_credential(v, credentials::sensitive_header(key)) {
                let name = add_secret(
                    secrets,
                    collection,
                    key,
                    &format!("query parameter `{key}`"),
                );
                format!("{key}={{{{secret:{name}}}}}")
            } else {
                part.to_owned()
            }
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

/// A literal (not a template) in a credential's place, or shaped like a well-known token.
fn is_credential(v: &str, by_name: bool) -> bool {
    !v.is_empty() && !v.contains("{{") && (by_name || credentials::token_shape(v).is_some())
}

/// The secret's name (one per name, however often it is used); the reference is recorded.
fn add_secret(secrets: &mut Vec<SecretRef>, collection: &str, what: &str, from: &str) -> String {
    let name = credentials::secret_name(collection, what);
    if !secrets.iter().any(|s| s.name == name) {
        secrets.push(SecretRef {
            name: name.clone(),
            from: from.to_owned(),
        });
    }
    name
}

/// `name==value` items as `query = { name = value | [values] }` (postie encodes them as send
/// does, after the URL's own query).
fn query(items: &Items, collection: &str, out: &mut Saved) {
    let mut table = InlineTable::new();
    let mut interleaved = false;
    let mut last: Option<&str> = None;
    for (k, v) in &items.query {
        let v = if is_credential(v, credentials::sensitive_header(k)) {
            let name = add_secret(
                &mut out.secrets,
                collection,
                k,
                &format!("query parameter `{k}`"),
            );
            format!("{{{{secret:{name}}}}}")
        } else {
            v.clone()
        };
        interleaved |= last != Some(k.as_str()) && table.contains_key(k);
        last = Some(k);
        push(&mut table, k, v);
    }
    if interleaved {
        out.notes.push(Note::Changed(
            "a query parameter repeated after another one: the collection sends its values together (`a=1&a=3&b=2` for `a==1 b==2 a==3`)".into(),
        ));
    }
    if !table.is_empty() {
        out.table.insert("query", value(table));
    }
}

/// `key = v`, or `key = [.., v]` when `key` is there already.
fn push(table: &mut InlineTable, key: &str, v: String) {
    match table.get_mut(key) {
        None => {
            table.insert(key, v.into());
        }
        Some(Value::Array(list)) => list.push(v),
        Some(before) => {
            let mut list = Array::new();
            list.push(before.clone());
            list.push(v);
            *before = Value::Array(list);
        }
    }
}

/// The headers as `send` sends them: repeated ones as arrays (one line each), credentials as
/// references (the scheme kept: `Bearer {{secret:…}}`), the JSON `Accept` that `send` adds.
fn headers(items: &Items, json: bool, collection: &str, out: &mut Saved) {
    let mut table = InlineTable::new();
    let has = |name: &str| {
        items.removed.iter().any(|r| r.eq_ignore_ascii_case(name))
            || items
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if json && !has("accept") {
        table.insert("Accept", items::JSON_ACCEPT.into());
    }
    for (name, v) in &items.headers {
        let v = if is_credential(v, credentials::sensitive_header(name)) {
            let secret = add_secret(
                &mut out.secrets,
                collection,
                name,
                &format!("header `{name}`"),
            );
            let reference = format!("{{{{secret:{secret}}}}}");
            match v.split_once(' ') {
                Some((scheme, rest)) if is_scheme(scheme) && !rest.trim().is_empty() => {
                    format!("{scheme} {reference}")
                }
                _ => reference,
            }
        } else {
            v.clone()
        };
        let key = table
            .iter()
            .map(|(k, _)| k.to_owned())
            .find(|k| k.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| name.clone());
        push(&mut table, &key, v);
    }
    for removed in &items.removed {
        if ["user-agent", "accept", "accept-encoding"].contains(&removed.as_str()) {
            out.notes.push(Note::Dropped(format!(
                "`{removed}:` (send no `{removed}`): a collection cannot remove a header postie adds"
            )));
        }
    }
    if !table.is_empty() {
        out.table.insert("headers", value(table));
    }
}

fn is_scheme(word: &str) -> bool {
    ["bearer", "basic", "token", "digest", "apikey", "hmac"]
        .contains(&word.to_ascii_lowercase().as_str())
}

/// `-a` and `--bearer` as `auth` (an `Authorization` item wins over it there too, as in send).
fn auth(req: &SendRequest<'_>, out: &mut Saved) {
    let mut secret = |v: &str, what: &str, from: &str| {
        if is_credential(v, true) {
            let name = add_secret(&mut out.secrets, req.collection, what, from);
            format!("{{{{secret:{name}}}}}")
        } else {
            v.to_owned()
        }
    };
    let mut auth = InlineTable::new();
    if let Some((user, password)) = req.basic.and_then(|b| b.split_once(':')) {
        let password = secret(password, "password", "the password of `-a`");
        let mut basic = InlineTable::new();
        basic.insert("username", user.into());
        basic.insert("password", password.into());
        auth.insert("basic", Value::InlineTable(basic));
    } else if let Some(token) = req.bearer {
        auth.insert(
            "bearer",
            secret(token, "token", "the `--bearer` token").into(),
        );
    } else {
        return;
    }
    out.table.insert("auth", value(auth));
}

/// The JSON body the fields make, if any.
fn json_body(items: &Items) -> Option<Json> {
    match &items.json_array {
        Some(array) => Some(Json::Array(array.clone())),
        None if items.json.is_empty() => None,
        None => Some(Json::Object(items.json.clone())),
    }
}

fn body(
    req: &SendRequest<'_>,
    items: &Items,
    json: Option<Json>,
    out: &mut Saved,
) -> Result<(), SaveError> {
    let user_type = items
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if let Some(json) = json {
        let json = secret_fields(json, req.collection, &mut out.secrets);
        match toml_of(&json) {
            Some(v) => {
                out.table.insert("json", value(v));
            }
            // TOML has no null (and no integer over i64): the exact JSON text instead.
            None => {
                out.table.insert("text", value(json.to_string()));
                if !user_type {
                    out.table.insert("content_type", value("application/json"));
                }
            }
        }
        return Ok(());
    }
    if let Some(path) = &items.body_file {
        let text = path.to_string_lossy();
        let file = if path.is_absolute() || req.dir.is_absolute() {
            std::path::absolute(path).map_or_else(
                |_| text.clone().into_owned(),
                |p| p.to_string_lossy().into_owned(),
            )
        } else {
            super::rebase(&text, req.dir)
        };
        out.table.insert("file", value(escape(&file)));
        if !user_type && mime_guess::from_path(path).first().is_none() {
            out.notes.push(Note::Changed(format!(
                "`@{text}` has no known type: the collection sends it as `application/octet-stream` (send sent no `Content-Type`)"
            )));
        }
        return Ok(());
    }
    if let Some(bytes) = req.stdin {
        let text = std::str::from_utf8(bytes).map_err(|_| SaveError::BinaryStdin)?;
        out.table.insert("text", value(escape(text)));
        if !user_type {
            out.notes.push(Note::Changed(
                "the body from standard input is saved as `text`: the collection sends it with `Content-Type: text/plain; charset=utf-8` (send sent none; add a `Content-Type:` item to choose)".into(),
            ));
        }
    }
    Ok(())
}

/// JSON fields named like credentials (`password`, `client_secret`, …) and token-shaped
/// strings anywhere, as references.
fn secret_fields(v: Json, collection: &str, secrets: &mut Vec<SecretRef>) -> Json {
    match v {
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Json::String(s) if is_credential(&s, credentials::credential_field(&k)) => {
                            let name =
                                add_secret(secrets, collection, &k, &format!("JSON field `{k}`"));
                            Json::String(format!("{{{{secret:{name}}}}}"))
                        }
                        other => secret_fields(other, collection, secrets),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Json::Array(list) => Json::Array(
            list.into_iter()
                .map(|v| secret_fields(v, collection, secrets))
                .collect(),
        ),
        Json::String(s) if is_credential(&s, false) => {
            let name = add_secret(secrets, collection, "token", "a token in the JSON body");
            Json::String(format!("{{{{secret:{name}}}}}"))
        }
        other => other,
    }
}

/// JSON as a TOML value; `None` when TOML cannot hold it (a null, an integer over i64).
fn toml_of(v: &Json) -> Option<Value> {
    Some(match v {
        Json::Null => return None,
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            None if n.is_f64() => Value::from(n.as_f64()?),
            None => return None,
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(list) => {
            let mut array = Array::new();
            for item in list {
                array.push(toml_of(item)?);
            }
            Value::Array(array)
        }
        Json::Object(map) => {
            let mut table = InlineTable::new();
            for (k, item) in map {
                table.insert(k, toml_of(item)?);
            }
            Value::InlineTable(table)
        }
    })
}

/// The table as it is written, for tests.
#[cfg(test)]
fn shown(t: &Table) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    let mut array = toml_edit::ArrayOfTables::new();
    array.push(t.clone());
    doc.insert("requests", toml_edit::Item::ArrayOfTables(array));
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(url: &str, items: &[&str]) -> Saved {
        let items: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
        let req = SendRequest {
            name: "x",
            method: "post",
            url,
            items: &items,
            stdin: None,
            timeout: None,
            follow_redirects: true,
            basic: None,
            bearer: None,
            collection: "shop",
            dir: std::path::Path::new("collections"),
        };
        table(&req, &mut |s: &str| Ok(s.to_owned())).unwrap()
    }

    #[test]
    fn items_become_keys_and_credentials_references() {
        let saved = save(
            ":8080/p?api_key=abc123&page=2",
            &[
                "X-A:1",
                "X-A:2",
                "Authorization:Bearer abc.def",
                "q==a b",
                "token==t0k",
                "name={{who}}",
                "n:=3",
                "password=hunter2",
                "user[tags][]=a",
            ],
        );
        let text = shown(&saved.table);
        assert!(
            text.contains(
                "url = \"http://localhost:8080/p?api_key={{secret:shop_api_key}}&page=2\""
            ),
            "{text}"
        );
        assert!(text.contains("X-A = [\"1\", \"2\"]"), "{text}");
        assert!(
            text.contains("Authorization = \"Bearer {{secret:shop_authorization}}\""),
            "{text}"
        );
        assert!(
            text.contains("query = { q = \"a b\", token = \"{{secret:shop_token}}\" }"),
            "{text}"
        );
        assert!(text.contains("json = { name = \"{{who}}\", n = 3, password = \"{{secret:shop_password}}\", user = { tags = [\"a\"] } }"), "{text}");
        assert!(
            text.contains("Accept = \"application/json, */*;q=0.5\""),
            "{text}"
        );
        let names: Vec<&str> = saved.secrets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "shop_api_key",
                "shop_token",
                "shop_authorization",
                "shop_password"
            ]
        );
        assert!(!text.contains("hunter2") && !text.contains("abc123") && !text.contains("abc.def"));
    }

    #[test]
    fn null_falls_back_to_exact_json_text_and_templated_raw_json_is_refused() {
        let saved = save("http://h/", &["a:=null", "b=x"]);
        let text = shown(&saved.table);
        assert!(text.contains("text = '{\"a\":null,\"b\":\"x\"}'"), "{text}");
        assert!(
            text.contains("content_type = \"application/json\""),
            "{text}"
        );
        let items = vec!["n:={{count}}".to_owned()];
        let req = SendRequest {
            name: "x",
            method: "GET",
            url: "{{base}}/x",
            items: &items,
            stdin: None,
            timeout: None,
            follow_redirects: false,
            basic: None,
            bearer: None,
            collection: "shop",
            dir: std::path::Path::new(""),
        };
        let err = table(&req, &mut |s: &str| Ok(s.to_owned())).unwrap_err();
        assert!(matches!(err, SaveError::TemplatedJson(_)), "{err}");
        assert_eq!(expand("{{base}}/x"), "{{base}}/x");
        assert_eq!(
            expand("example.com/x?u=http://a"),
            "http://example.com/x?u=http://a"
        );
        assert_eq!(expand(":/x"), "http://localhost/x");
    }
}
