//! Request items for `postie send METHOD URL [ITEM]...`, in the HTTPie/xh syntax.
//!
//! | item | meaning |
//! |---|---|
//! | `Header:value` | a header (repeat the item to send the header twice) |
//! | `Header:` | no such header: removes it, a default (`User-Agent`, `Accept`, ...) included |
//! | `Header;` | the header with an empty value |
//! | `name==value` | a query parameter |
//! | `field=value` | a JSON string field |
//! | `field:=json` | a raw JSON field: `n:=42`, `tags:='["a"]'`, `ok:=true` |
//! | `field=@path` | a JSON string field holding the file's text |
//! | `field:=@path` | a JSON field holding the file's parsed JSON |
//! | `@path` | the request body, streamed from the file |
//!
//! JSON field names may be paths, as in HTTPie 3 and xh: `user[name]=x` gives
//! `{"user":{"name":"x"}}`, `tags[]=a tags[]=b` gives `{"tags":["a","b"]}`, `a[1][b]=c`
//! gives `{"a":[null,{"b":"c"}]}`, and `[]=x` makes the body a top-level array.
//!
//! The first separator in an item wins (`a=b:c` is the field `a` with the value `b:c`). In
//! the name, a backslash makes the next `:`, `=`, `@` or `\` literal, as in xh: `a\:b=c` is
//! the field `a:b`. Values are taken verbatim.

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::request::{Body, Expect, ResolvedRequest};

/// What `send` items asked for, in the order they were given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Items {
    /// `Header:value` and `Header;` items, names as the user spelled them, values trimmed.
    pub headers: Vec<(String, String)>,
    /// `Header:` items: headers not to send at all (lower-case names), defaults included.
    pub removed: Vec<String>,
    /// `name==value` items, not yet percent-encoded.
    pub query: Vec<(String, String)>,
    /// JSON body fields, in order (a repeated field keeps its first position, last value).
    pub json: Map<String, Value>,
    /// The body when JSON paths start with `[` (`[]=a`): a top-level array.
    pub json_array: Option<Vec<Value>>,
    /// `@path`: the body file, as given.
    pub body_file: Option<PathBuf>,
    /// The body piped on standard input (`send` reads it unless `--ignore-stdin`); JSON
    /// fields and `@path` take precedence over it.
    pub stdin: Option<Vec<u8>>,
}

/// A problem with the method, URL or items of `postie send`.
#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    /// The argument matches none of the item forms.
    #[error(
        "invalid item `{item}`: expected `Header:value`, `name==value`, `field=value`, \
         `field:=json`, `field=@file`, `field:=@file` or `@file`"
    )]
    Invalid { item: String },
    /// The header name is not an HTTP token.
    #[error("invalid header name `{name}` in item `{item}`")]
    HeaderName { name: String, item: String },
    /// The header value holds a line break or another control character.
    #[error(
        "invalid value for header `{name}` in item `{item}`: control characters are not allowed"
    )]
    HeaderValue { name: String, item: String },
    /// `Header;value`: `;` is only for empty headers.
    #[error("invalid item `{item}`: to send an empty header, use `{name};` with nothing after it")]
    EmptyHeader { name: String, item: String },
    /// A JSON path (`a[b][0]`) that does not parse or fits the fields given before.
    #[error("invalid JSON path in item `{item}`: {why}")]
    JsonPath { item: String, why: String },
    /// The JSON of a `:=` item does not parse.
    #[error("invalid JSON in item `{item}`")]
    Json {
        item: String,
        #[source]
        source: serde_json::Error,
    },
    /// A file named by an item cannot be read.
    #[error("could not read `{}` for item `{item}`", path.display())]
    ReadFile {
        item: String,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// `field=@path` names a file that is not UTF-8 text.
    #[error("`{}` in item `{item}` is not UTF-8 text; send it as the body with `@{}`", path.display(), path.display())]
    NotText { item: String, path: PathBuf },
    /// More than one `@path` body file.
    #[error("only one body file can be sent, got `@{}` and `@{}`", first.display(), second.display())]
    TwoBodyFiles { first: PathBuf, second: PathBuf },
    /// JSON fields and an `@path` body file in the same request.
    #[error("cannot send both JSON fields and the body file `@{}`", path.display())]
    BodyConflict { path: PathBuf },
    /// The method is not an HTTP token.
    #[error("invalid method `{method}`")]
    Method { method: String },
    /// The URL does not parse, even after shorthand expansion.
    #[error("invalid URL `{url}`")]
    Url {
        url: String,
        #[source]
        source: url::ParseError,
    },
    /// The URL's scheme is not `http` or `https`.
    #[error("unsupported scheme `{scheme}` in URL `{url}`: use `http` or `https`")]
    Scheme { scheme: String, url: String },
}

/// The `Accept` header sent with JSON bodies when the user sets none (as xh does).
pub const JSON_ACCEPT: &str = "application/json, */*;q=0.5";

/// Separators, longest first so that `:=@` wins over `:=` and `:`.
const SEPARATORS: [&str; 7] = [":=@", "==", "=@", ":=", "=", ":", ";"];

/// Parse `send` items. Files named by `field=@path` and `field:=@path` are read here; an
/// `@path` body file is only checked to exist (it is streamed when sent).
pub fn parse_items(items: &[String]) -> Result<Items, ItemError> {
    parse_items_with(items, &mut |text: &str| {
        Ok::<_, ItemError>(text.to_string())
    })
}

/// [`parse_items`] with each item's value (after its separator) and `@path` passed through
/// `render` first (`{{…}}` in `postie send`). The item is split before: a rendered value can't
/// change what kind of item it is.
pub fn parse_items_with<E: From<ItemError>>(
    items: &[String],
    render: &mut dyn FnMut(&str) -> Result<String, E>,
) -> Result<Items, E> {
    let mut parsed = Items::default();
    for raw in items {
        add_item(&mut parsed, raw, render)?;
    }
    Ok(parsed)
}

fn add_item<E: From<ItemError>>(
    items: &mut Items,
    raw: &str,
    render: &mut dyn FnMut(&str) -> Result<String, E>,
) -> Result<(), E> {
    if let Some(path) = raw.strip_prefix('@') {
        if path.is_empty() {
            return Err(invalid(raw).into());
        }
        let path = PathBuf::from(render(path)?);
        check_file(raw, &path)?;
        if let Some(first) = items.body_file.take() {
            return Err(ItemError::TwoBodyFiles {
                first,
                second: path,
            }
            .into());
        }
        items.body_file = Some(path);
        return Ok(());
    }
    let (name, separator, value) = split_item(raw).ok_or_else(|| invalid(raw))?;
    if name.is_empty() {
        return Err(invalid(raw).into());
    }
    let value = render(value)?;
    Ok(add_parts(items, raw, name, separator, &value)?)
}

fn add_parts(
    items: &mut Items,
    raw: &str,
    name: String,
    separator: &str,
    value: &str,
) -> Result<(), ItemError> {
    match separator {
        ":" if value.trim().is_empty() => {
            check_header(raw, &name, "")?;
            items
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            items.removed.push(name.to_ascii_lowercase());
        }
        ":" | ";" => {
            if separator == ";" && !value.is_empty() {
                return Err(ItemError::EmptyHeader {
                    name,
                    item: raw.to_owned(),
                });
            }
            let value = value.trim();
            check_header(raw, &name, value)?;
            let lower = name.to_ascii_lowercase();
            items.removed.retain(|n| *n != lower);
            items.headers.push((name, value.to_owned()));
        }
        "==" => items.query.push((name, value.to_owned())),
        "=" => set_json(items, raw, &name, Value::String(value.to_owned()))?,
        ":=" => set_json(items, raw, &name, parse_json(raw, value.as_bytes())?)?,
        "=@" => {
            let path = Path::new(value);
            let text = match std::fs::read_to_string(path) {
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    return Err(ItemError::NotText {
                        item: raw.to_owned(),
                        path: path.to_owned(),
                    });
                }
                other => other.map_err(|e| read_error(raw, path, e))?,
            };
            set_json(items, raw, &name, Value::String(text))?;
        }
        // ":=@", the only separator left.
        _ => {
            let path = Path::new(value);
            let bytes = std::fs::read(path).map_err(|e| read_error(raw, path, e))?;
            set_json(items, raw, &name, parse_json(raw, &bytes)?)?;
        }
    }
    Ok(())
}

/// One step of a JSON path: `name`, `[name]`, `[3]` or `[]`.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Append,
}

/// `user[name]`, `tags[]`, `a[1][b]`, `[]`: the steps, or `None` for a plain name (no `[`,
/// or a name that is not a path, taken literally as before).
fn json_path(name: &str) -> Result<Option<Vec<Step>>, String> {
    let Some(open) = name.find('[') else {
        return Ok(None);
    };
    let mut steps = Vec::new();
    if open > 0 {
        steps.push(Step::Key(name[..open].to_owned()));
    }
    let mut rest = &name[open..];
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(format!("expected `[` at `{rest}`"));
        };
        let Some(close) = inner.find(']') else {
            return Err("a `[` is not closed by `]`".to_owned());
        };
        let key = &inner[..close];
        steps.push(if key.is_empty() {
            Step::Append
        } else if key.bytes().all(|b| b.is_ascii_digit()) {
            let index: usize = key
                .parse()
                .map_err(|_| format!("index `{key}` is too large"))?;
            if index > MAX_INDEX {
                return Err(format!("index {index} is over {MAX_INDEX}"));
            }
            Step::Index(index)
        } else if key.starts_with('-') && key[1..].bytes().all(|b| b.is_ascii_digit()) {
            return Err("negative indexes are not supported".to_owned());
        } else {
            Step::Key(key.to_owned())
        });
        rest = &inner[close + 1..];
    }
    Ok(Some(steps))
}

/// The largest array index a path may name (a typo like `a[99999999]` must not allocate).
const MAX_INDEX: usize = 10_000;

fn set_json(items: &mut Items, raw: &str, name: &str, value: Value) -> Result<(), ItemError> {
    let path_error = |why: String| ItemError::JsonPath {
        item: raw.to_owned(),
        why,
    };
    let Some(steps) = json_path(name).map_err(path_error)? else {
        if items.json_array.is_some() {
            return Err(path_error(format!(
                "`{name}` is an object field, but the body is a top-level array"
            )));
        }
        items.json.insert(name.to_owned(), value);
        return Ok(());
    };
    let mut root = match (&items.json_array, &steps[0]) {
        (Some(array), _) => Value::Array(array.clone()),
        (None, Step::Key(_)) => Value::Object(std::mem::take(&mut items.json)),
        (None, _) if items.json.is_empty() => Value::Array(Vec::new()),
        (None, _) => {
            return Err(path_error(
                "a top-level array cannot be mixed with object fields".to_owned(),
            ));
        }
    };
    let result = place(&mut root, &steps, value);
    match root {
        Value::Array(array) => items.json_array = Some(array),
        Value::Object(map) => items.json = map,
        _ => {}
    }
    result.map_err(path_error)
}

/// Put `value` at `steps` under `node`, creating objects and arrays on the way.
fn place(node: &mut Value, steps: &[Step], value: Value) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        *node = value;
        return Ok(());
    };
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let child = match step {
        Step::Key(key) => {
            if node.is_null() {
                *node = Value::Object(Map::new());
            }
            let found = kind(node);
            let Value::Object(map) = node else {
                return Err(format!("`{key}` is a key, but the value there is {found}"));
            };
            map.entry(key.clone()).or_insert(Value::Null)
        }
        Step::Index(_) | Step::Append => {
            if node.is_null() {
                *node = Value::Array(Vec::new());
            }
            let found = kind(node);
            let Value::Array(array) = node else {
                return Err(format!(
                    "`[]` needs an array, but the value there is {found}"
                ));
            };
            let index = match step {
                Step::Index(i) => *i,
                _ => array.len(),
            };
            if array.len() <= index {
                array.resize(index + 1, Value::Null);
            }
            &mut array[index]
        }
    };
    place(child, rest, value)
}

/// Split at the first separator outside a backslash escape: `(unescaped name, separator, value)`.
pub fn split_item(raw: &str) -> Option<(String, &'static str, &str)> {
    let mut name = String::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let escaped = chars
            .peek()
            .filter(|(_, n)| c == '\\' && matches!(n, ':' | '=' | '@' | '\\'));
        if let Some(&(_, next)) = escaped {
            name.push(next);
            chars.next();
            continue;
        }
        if let Some(sep) = SEPARATORS.iter().find(|s| raw[i..].starts_with(**s)) {
            return Some((name, sep, &raw[i + sep.len()..]));
        }
        name.push(c);
    }
    None
}

fn invalid(raw: &str) -> ItemError {
    ItemError::Invalid {
        item: raw.to_owned(),
    }
}

fn read_error(raw: &str, path: &Path, source: io::Error) -> ItemError {
    ItemError::ReadFile {
        item: raw.to_owned(),
        path: path.to_owned(),
        source,
    }
}

fn parse_json(raw: &str, bytes: &[u8]) -> Result<Value, ItemError> {
    serde_json::from_slice(bytes).map_err(|source| ItemError::Json {
        item: raw.to_owned(),
        source,
    })
}

fn check_file(raw: &str, path: &Path) -> Result<(), ItemError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(raw, path, e))?;
    if meta.is_dir() {
        let source = io::Error::new(io::ErrorKind::InvalidInput, "it is a directory");
        return Err(read_error(raw, path, source));
    }
    Ok(())
}

/// An RFC 9110 token: the characters allowed in header names and methods.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn check_header(raw: &str, name: &str, value: &str) -> Result<(), ItemError> {
    if !is_token(name) {
        return Err(ItemError::HeaderName {
            name: name.to_owned(),
            item: raw.to_owned(),
        });
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(ItemError::HeaderValue {
            name: name.to_owned(),
            item: raw.to_owned(),
        });
    }
    Ok(())
}

/// Build the request for `postie send`: the method upper-cased, the URL expanded
/// (`:8080/p` → `http://localhost:8080/p`, `example.com` → `http://example.com`) with the
/// query items appended, a compact JSON body with `Content-Type: application/json` and
/// `Accept: application/json, */*;q=0.5` (unless given) when there are fields, or the
/// `@path` file (made absolute, `Content-Type` guessed from its extension unless given).
/// User headers follow those defaults, in their order. Redirects are followed.
pub fn build_request(method: &str, url: &str, items: Items) -> Result<ResolvedRequest, ItemError> {
    if !is_token(method) {
        return Err(ItemError::Method {
            method: method.to_owned(),
        });
    }
    let mut url = parse_url(url)?;
    if !items.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&items.query);
    }
    let user_has = |name: &str| {
        let name = name.to_ascii_lowercase();
        items.removed.contains(&name)
            || items
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(&name))
    };
    let mut headers = Vec::new();
    let json = match items.json_array {
        Some(array) => Some(Value::Array(array)),
        None if items.json.is_empty() => None,
        None => Some(Value::Object(items.json)),
    };
    let body = match (json, items.body_file, items.stdin) {
        (Some(_), Some(path), _) => return Err(ItemError::BodyConflict { path }),
        (Some(json), None, _) => {
            if !user_has("content-type") {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
            }
            if !user_has("accept") {
                headers.push(("Accept".to_owned(), JSON_ACCEPT.to_owned()));
            }
            Body::Bytes(json.to_string().into_bytes())
        }
        (None, Some(path), _) => {
            let guess = mime_guess::from_path(&path).first();
            if let (false, Some(mime)) = (user_has("content-type"), guess) {
                headers.push(("Content-Type".to_owned(), mime.essence_str().to_owned()));
            }
            let raw = format!("@{}", path.display());
            let absolute = std::path::absolute(&path).map_err(|e| read_error(&raw, &path, e))?;
            Body::File(absolute)
        }
        (None, None, Some(bytes)) => Body::Bytes(bytes),
        (None, None, None) => Body::None,
    };
    headers.extend(items.headers);
    Ok(ResolvedRequest {
        name: String::new(),
        method: method.to_ascii_uppercase(),
        url,
        headers,
        without_headers: items.removed,
        body,
        timeout: None,
        follow_redirects: true,
        max_redirects: None,
        expect: Expect::default(),
        captures: Vec::new(),
        sign: None,
        expect_webhook: None,
        routes: crate::route::Routes::default(),
    })
}

/// Expand xh's URL shorthands and parse.
fn parse_url(raw: &str) -> Result<url::Url, ItemError> {
    let expanded = if let Some(rest) = raw.strip_prefix(':') {
        match rest.starts_with('/') || rest.is_empty() {
            true => format!("http://localhost{rest}"),
            false => format!("http://localhost:{rest}"),
        }
    } else if has_scheme(raw) {
        raw.to_owned()
    } else {
        format!("http://{raw}")
    };
    let url = url::Url::parse(&expanded).map_err(|source| ItemError::Url {
        url: raw.to_owned(),
        source,
    })?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        scheme => Err(ItemError::Scheme {
            scheme: scheme.to_owned(),
            url: raw.to_owned(),
        }),
    }
}

/// `scheme://…` with a syntactically valid scheme.
fn has_scheme(raw: &str) -> bool {
    raw.split_once("://").is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// A bad item is a usage error (exit code 2).
impl From<ItemError> for crate::error::Failure {
    fn from(err: ItemError) -> crate::error::Failure {
        crate::error::Failure::from_display(crate::error::Code::Usage, &err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn parse(items: &[&str]) -> Result<Items, ItemError> {
        parse_items(&strings(items))
    }

    fn error(items: &[&str]) -> String {
        match parse(items) {
            Ok(parsed) => panic!("expected an error, got {parsed:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn ok(items: &[&str]) -> Items {
        match parse(items) {
            Ok(parsed) => parsed,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn temp_file(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path.display().to_string()
    }

    #[test]
    fn headers_query_and_fields() {
        let parsed = ok(&[
            "X-Api-Key:abc",
            "X-Empty;",
            "Accept:  text/html ",
            "q==rust lang",
            "empty==",
            "name=Spring sale",
            "url=http://x.test/?a=b",
            "n:=42",
            r#"tags:=["a","b"]"#,
            r#"meta:={"k":null}"#,
            "ok:=true",
        ]);
        let want = Items {
            headers: pairs(&[
                ("X-Api-Key", "abc"),
                ("X-Empty", ""),
                ("Accept", "text/html"),
            ]),
            query: pairs(&[("q", "rust lang"), ("empty", "")]),
            json: json!({
                "name": "Spring sale",
                "url": "http://x.test/?a=b",
                "n": 42,
                "tags": ["a", "b"],
                "meta": {"k": null},
                "ok": true,
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
            ..Items::default()
        };
        assert_eq!(parsed, want);
    }

    #[test]
    fn json_fields_keep_order_and_last_value_wins() {
        let parsed = ok(&["z=1", "a=2", "z:=3"]);
        let keys: Vec<&String> = parsed.json.keys().collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(parsed.json["z"], json!(3));
    }

    #[test]
    fn json_paths_build_nested_values() {
        let parsed = ok(&[
            "user[name]=x",
            "user[age]:=3",
            "tags[]=a",
            "tags[]=b",
            "a[1][b]=c",
            "a[0]=x",
        ]);
        let want =
            json!({"user": {"name": "x", "age": 3}, "tags": ["a", "b"], "a": ["x", {"b": "c"}]});
        assert_eq!(Value::Object(parsed.json), want);
        let root = ok(&["[]:=1", "[2]=x"]);
        assert_eq!(
            root.json_array,
            Some(vec![json!(1), json!(null), json!("x")])
        );
        assert!(error(&["a=1", "a[b]=2"]).contains("`b` is a key, but the value there is string"));
        assert!(
            error(&["a:={}", "a[]=2"])
                .contains("`[]` needs an array, but the value there is object")
        );
        assert!(error(&["[]=1", "a=2"]).contains("top-level array"));
        assert!(error(&["a=2", "[]=1"]).contains("top-level array"));
        assert!(error(&["a[-1]=1"]).contains("negative indexes"));
        assert!(error(&["a[b=1"]).contains("not closed"));
    }

    #[test]
    fn empty_header_items_remove_or_send_empty() {
        let parsed = ok(&["X-A:1", "User-Agent:", "X-A:", "X-B;", "X-C:", "X-C:3"]);
        assert_eq!(parsed.headers, pairs(&[("X-B", ""), ("X-C", "3")]));
        assert_eq!(parsed.removed, ["user-agent", "x-a"]);
        assert!(error(&["X-B;v"]).contains("use `X-B;` with nothing after it"));
        let req =
            build("POST", "h.test", &["a=1", "Content-Type:", "User-Agent:"]).expect("request");
        assert_eq!(
            req.headers,
            pairs(&[("Accept", "application/json, */*;q=0.5")])
        );
        assert_eq!(req.without_headers, ["content-type", "user-agent"]);
    }

    #[test]
    fn backslash_escapes_separators_in_names() {
        let parsed = ok(&[
            r"a\:b=c",
            r"k\=v==1",
            r"x\@y:=1",
            r"back\\slash=2",
            r"keep\n=3",
        ]);
        assert_eq!(parsed.headers, vec![]);
        assert_eq!(parsed.query, pairs(&[("k=v", "1")]));
        let want = json!({"a:b": "c", "x@y": 1, r"back\slash": "2", r"keep\n": "3"});
        assert_eq!(Value::Object(parsed.json), want);
    }

    #[test]
    fn first_separator_wins_and_longest_at_a_position() {
        let parsed = ok(&["a=b:c", "h:v=w", "q==x=y", "j:=\"s\""]);
        assert_eq!(parsed.headers, pairs(&[("h", "v=w")]));
        assert_eq!(parsed.query, pairs(&[("q", "x=y")]));
        assert_eq!(Value::Object(parsed.json), json!({"a": "b:c", "j": "s"}));
    }

    #[test]
    fn file_items() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = temp_file(&dir, "note.txt", "line 1\nligne 2 é\n".as_bytes());
        let data = temp_file(&dir, "data.json", br#"{"list": [1, 2]}"#);
        let body = temp_file(&dir, "body.bin", b"\x00\x01");
        let parsed = ok(&[
            &format!("note=@{text}"),
            &format!("data:=@{data}"),
            &format!("@{body}"),
        ]);
        let want = json!({"note": "line 1\nligne 2 é\n", "data": {"list": [1, 2]}});
        assert_eq!(Value::Object(parsed.json), want);
        assert_eq!(parsed.body_file, Some(PathBuf::from(body)));
    }

    #[test]
    fn invalid_items_are_named() {
        let expected = "invalid item `foo`: expected `Header:value`, `name==value`, \
                        `field=value`, `field:=json`, `field=@file`, `field:=@file` or `@file`";
        assert_eq!(error(&["ok=1", "foo"]), expected);
        assert!(error(&["=x"]).starts_with("invalid item `=x`: expected"));
        assert!(error(&["@"]).starts_with("invalid item `@`: expected"));
        assert!(error(&[r"a\=b"]).starts_with(r"invalid item `a\=b`: expected"));
    }

    #[test]
    fn bad_headers_and_json_are_errors() {
        assert_eq!(
            error(&["Bad Name:v"]),
            "invalid header name `Bad Name` in item `Bad Name:v`"
        );
        assert_eq!(
            error(&["X-A:one\ntwo"]),
            "invalid value for header `X-A` in item `X-A:one\ntwo`: control characters are not allowed"
        );
        let err = parse(&["n:=4 2"]).expect_err("bad json");
        assert_eq!(err.to_string(), "invalid JSON in item `n:=4 2`");
        let cause = std::error::Error::source(&err).map(|c| c.to_string());
        assert_eq!(
            cause.as_deref(),
            Some("trailing characters at line 1 column 3")
        );
    }

    #[test]
    fn file_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.json").display().to_string();
        assert_eq!(
            error(&[&format!("@{missing}")]),
            format!("could not read `{missing}` for item `@{missing}`")
        );
        assert_eq!(
            error(&[&format!("f:=@{missing}")]),
            format!("could not read `{missing}` for item `f:=@{missing}`")
        );
        let binary = temp_file(&dir, "b.bin", b"\xff\xfe");
        assert_eq!(
            error(&[&format!("f=@{binary}")]),
            format!(
                "`{binary}` in item `f=@{binary}` is not UTF-8 text; send it as the body with `@{binary}`"
            )
        );
        let one = temp_file(&dir, "one", b"1");
        let two = temp_file(&dir, "two", b"2");
        assert_eq!(
            error(&[&format!("@{one}"), &format!("@{two}")]),
            format!("only one body file can be sent, got `@{one}` and `@{two}`")
        );
        let dir_item = format!("@{}", dir.path().display());
        assert_eq!(
            error(&[&dir_item]),
            format!(
                "could not read `{}` for item `{dir_item}`",
                dir.path().display()
            )
        );
    }

    fn build(method: &str, url: &str, items: &[&str]) -> Result<ResolvedRequest, ItemError> {
        build_request(method, url, parse(items)?)
    }

    #[test]
    fn url_shorthands() {
        let cases = [
            (":8080/path", "http://localhost:8080/path"),
            (":/path", "http://localhost/path"),
            (":", "http://localhost/"),
            (":3000", "http://localhost:3000/"),
            ("example.com/x", "http://example.com/x"),
            ("localhost:9000", "http://localhost:9000/"),
            ("https://api.test/v1", "https://api.test/v1"),
        ];
        for (given, want) in cases {
            let req = build("get", given, &[]).expect("valid url");
            assert_eq!(req.url.as_str(), want, "for `{given}`");
        }
    }

    #[test]
    fn json_request_has_body_and_default_headers() {
        let req = build(
            "post",
            ":8080/plans?x=1",
            &["name=Spring", "n:=2", "q==a b", "X-T:1"],
        )
        .expect("request");
        let want = ResolvedRequest {
            name: String::new(),
            method: "POST".into(),
            url: url::Url::parse("http://localhost:8080/plans?x=1&q=a+b").expect("url"),
            headers: pairs(&[
                ("Content-Type", "application/json"),
                ("Accept", "application/json, */*;q=0.5"),
                ("X-T", "1"),
            ]),
            without_headers: Vec::new(),
            body: Body::Bytes(br#"{"name":"Spring","n":2}"#.to_vec()),
            timeout: None,
            follow_redirects: true,
            max_redirects: None,
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
            routes: Default::default(),
        };
        assert_eq!(req, want);
    }

    #[test]
    fn user_headers_replace_json_defaults() {
        let req = build("PATCH", "h.test", &["a=1", "accept:text/plain"]).expect("request");
        assert_eq!(
            req.headers,
            pairs(&[
                ("Content-Type", "application/json"),
                ("accept", "text/plain")
            ])
        );
    }

    #[test]
    fn file_body_and_no_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = temp_file(&dir, "plan.json", b"{}");
        let req = build("PUT", "h.test", &[&format!("@{file}")]).expect("request");
        assert_eq!(req.body, Body::File(PathBuf::from(&file)));
        assert_eq!(req.headers, pairs(&[("Content-Type", "application/json")]));

        let req = build("get", "h.test", &["Accept:*/*"]).expect("request");
        assert_eq!((req.method.as_str(), req.body), ("GET", Body::None));
        assert_eq!(req.headers, pairs(&[("Accept", "*/*")]));
    }

    #[test]
    fn request_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = temp_file(&dir, "b.txt", b"x");
        let err = build("POST", "h.test", &["a=1", &format!("@{file}")]).expect_err("conflict");
        assert_eq!(
            err.to_string(),
            format!("cannot send both JSON fields and the body file `@{file}`")
        );
        let err = build("GE T", "h.test", &[]).expect_err("method");
        assert_eq!(err.to_string(), "invalid method `GE T`");
        let err = build("GET", "http://[::1", &[]).expect_err("url");
        assert_eq!(err.to_string(), "invalid URL `http://[::1`");
        let err = build("GET", "ftp://h.test/f", &[]).expect_err("scheme");
        assert_eq!(
            err.to_string(),
            "unsupported scheme `ftp` in URL `ftp://h.test/f`: use `http` or `https`"
        );
    }
}
