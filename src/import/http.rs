//! A `.http` file (JetBrains HTTP Client, VS Code REST Client) as collection requests: `###`
//! separators (a `### Name` names the request, as JetBrains), `# @name`, `@var = value`,
//! `{{var}}`, headers, bodies, `< ./file` bodies, multi-line queries; `http-client.env.json`
//! environments, `http-client.private.env.json` values as secrets.

use super::{Body, Imported, Note, SecretRef, curl, dynamic};
use crate::collection::credentials;

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// What a `.http` file (and its environment files) became.
#[derive(Debug, Default)]
pub struct HttpFile {
    /// `@name = value` lines, as `[vars]`.
    pub vars: Vec<(String, String)>,
    /// Environments, as `[env.NAME]`.
    pub envs: Vec<(String, Vec<(String, String)>)>,
    pub requests: Vec<Imported>,
    /// Notes about the file, not one request (environments).
    pub notes: Vec<Note>,
    pub secrets: Vec<SecretRef>,
}

/// The file could not be read as a `.http` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// An environment file is not valid JSON (or not an object of objects).
    #[error("{file}:{line}:{column}: {message}")]
    Env {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// No request at all.
    #[error("no request found (a request starts with a line like `GET https://…`)")]
    Empty,
}

/// `text` of a `.http` file; secrets are named after `collection`.
pub fn import(text: &str, collection: &str) -> Result<HttpFile, HttpError> {
    let mut file = HttpFile::default();
    let mut names: Vec<String> = Vec::new();
    for (title, block) in blocks(text) {
        let Some(mut request) = request(&block, &mut file.vars, collection) else {
            continue;
        };
        if request.name.is_empty() {
            request.name = title
                .filter(|t| !t.is_empty())
                .map(|t| slug(&t))
                .unwrap_or_else(|| curl::request_name(&request.method, &request.url));
        }
        request.name = unique(&request.name, &names);
        names.push(request.name.clone());
        file.requests.push(request);
    }
    if file.requests.is_empty() {
        return Err(HttpError::Empty);
    }
    Ok(file)
}

/// The blocks between `###` lines, each with the text after its `###`.
fn blocks(text: &str) -> Vec<(Option<String>, Vec<&str>)> {
    let mut out = vec![(None, Vec::new())];
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("###") {
            out.push((Some(rest.trim().to_owned()), Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            lines.push(line);
        }
    }
    out
}

/// A comment line: `#` or `//`.
fn comment(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix('#').or_else(|| t.strip_prefix("//"))
}

/// `@name = value`.
fn file_var(line: &str) -> Option<(String, String)> {
    let (name, value) = line.trim().strip_prefix('@')?.split_once('=')?;
    let name = name.trim();
    (!name.is_empty() && !name.contains(' ')).then(|| (name.to_owned(), value.trim().to_owned()))
}

fn request(lines: &[&str], vars: &mut Vec<(String, String)>, collection: &str) -> Option<Imported> {
    let mut out = Imported {
        follow_redirects: true,
        ..Imported::default()
    };
    let mut i = 0;
    // Before the request line: comments (`# @name X`), `@var = value`, blank lines.
    while i < lines.len() {
        let line = lines[i];
        if let Some(c) = comment(line) {
            if let Some(name) = c.trim().strip_prefix("@name") {
                out.name = slug(name.trim().trim_start_matches('=').trim());
            } else if c.trim() == "@no-redirect" {
                out.follow_redirects = false;
            }
        } else if let Some(var) = file_var(line) {
            let (name, value) = var;
            let value = secret_var(&name, &value, collection, &mut out);
            vars.retain(|(n, _)| *n != name);
            vars.push((name, value));
        } else if !line.trim().is_empty() {
            break;
        }
        i += 1;
    }
    let line = lines.get(i)?;
    let (method, url) = request_line(line);
    out.method = method;
    let mut url = url;
    i += 1;
    while let Some(next) = lines.get(i).map(|l| l.trim_start()) {
        if !(next.starts_with('?') || next.starts_with('&')) {
            break;
        }
        url.push_str(next.trim_end());
        i += 1;
    }
    out.url = dynamic(&url, &mut out.notes);
    let mut headers = Vec::new();
    while let Some(line) = lines.get(i) {
        i += 1;
        if line.trim().is_empty() {
            break;
        }
        if comment(line).is_some() {
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) => headers.push((
                name.trim().to_owned(),
                dynamic(value.trim(), &mut out.notes),
            )),
            None => out
                .notes
                .push(Note::Dropped(format!("`{}`: not a header", line.trim()))),
        }
    }
    let content_type = headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|p| headers.remove(p).1);
    out.body = body(
        &lines[i.min(lines.len())..],
        content_type.clone(),
        &mut out.notes,
    );
    if let (Body::None, Some(ct)) = (&out.body, content_type) {
        headers.push(("Content-Type".into(), ct));
    }
    out.headers = curl::secret_headers(headers, collection, &mut out, true);
    Some(out)
}

/// An `@name = value` line's value: a literal credential (by name or shape) as a secret.
fn secret_var(name: &str, value: &str, collection: &str, out: &mut Imported) -> String {
    let literal = !value.contains("{{");
    if literal && (credentials::sensitive_header(name) || credentials::token_shape(value).is_some())
    {
        let secret = credentials::secret_name(collection, name);
        out.secrets.push(SecretRef {
            name: secret.clone(),
            from: format!("`@{name}`"),
        });
        return format!("{{{{secret:{secret}}}}}");
    }
    dynamic(value, &mut out.notes)
}

/// `POST {{host}}/x HTTP/1.1` → (`POST`, `{{host}}/x`); a line with no method is a GET.
fn request_line(line: &str) -> (String, String) {
    let line = line.trim();
    let line = match line.rsplit_once(' ') {
        Some((rest, version)) if version.starts_with("HTTP/") => rest.trim_end(),
        _ => line,
    };
    match line.split_once(char::is_whitespace) {
        Some((m, url)) if METHODS.contains(&m.to_ascii_uppercase().as_str()) => {
            (m.to_ascii_uppercase(), url.trim().to_owned())
        }
        _ => ("GET".into(), line.to_owned()),
    }
}

/// The body lines: `< ./file` is a file body; `> {% … %}` and `> ./handler.js` response
/// handlers and `>>` output redirections are not run (reported); trailing blank lines go.
fn body(lines: &[&str], content_type: Option<String>, notes: &mut Vec<Note>) -> Body {
    let mut kept: Vec<&str> = Vec::new();
    let mut handler = false;
    for line in lines {
        let t = line.trim();
        if handler {
            handler = !t.ends_with("%}");
            continue;
        }
        if t.starts_with("> {%") || t.starts_with(">{%") {
            handler = !t.ends_with("%}");
            notes.push(Note::Dropped(
                "a response handler script (`> {% … %}`) is not run".into(),
            ));
        } else if t.starts_with('>') || t.starts_with("<>") {
            notes.push(Note::Dropped(format!(
                "`{t}`: response handlers and output files are not carried"
            )));
        } else {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    if let [one] = kept.as_slice()
        && let Some(path) = one.trim().strip_prefix("< ")
    {
        return Body::File {
            path: path.trim().to_owned(),
            content_type,
        };
    }
    if kept.is_empty() {
        return Body::None;
    }
    let text = dynamic(&kept.join("\n"), notes);
    Body::Text { text, content_type }
}

pub(super) fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut s = s.trim_matches('-').to_owned();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s
}

pub(super) fn unique(name: &str, taken: &[String]) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    candidate
}

/// `http-client.env.json` (public values) or `http-client.private.env.json` (`private`: each
/// value a `{{secret:…}}`), merged into `file`'s environments; `$shared` goes to `[vars]`.
pub fn add_env(
    file: &mut HttpFile,
    name: &str,
    text: &str,
    private: bool,
    collection: &str,
) -> Result<(), HttpError> {
    let error = |line, column, message: String| HttpError::Env {
        file: name.to_owned(),
        line,
        column,
        message,
    };
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| error(e.line(), e.column(), e.to_string()))?;
    let Some(envs) = json.as_object() else {
        return Err(error(1, 1, "expected an object of environments".into()));
    };
    for (env, values) in envs {
        let Some(values) = values.as_object() else {
            return Err(error(1, 1, format!("environment `{env}` is not an object")));
        };
        let mut vars = Vec::new();
        for (var, value) in values {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => value.to_string(),
                _ => {
                    file.notes.push(Note::Dropped(format!(
                        "`{var}` of `{env}` in {name}: not a string, number or bool"
                    )));
                    continue;
                }
            };
            let literal_credential =
                credentials::sensitive_header(var) || credentials::token_shape(&text).is_some();
            let text = if private || literal_credential {
                let secret = credentials::secret_name(collection, &format!("{env}_{var}"));
                file.secrets.push(SecretRef {
                    name: secret.clone(),
                    from: format!("`{var}` of `{env}` in {name}"),
                });
                format!("{{{{secret:{secret}}}}}")
            } else {
                super::escape(&text)
            };
            vars.push((var.clone(), text));
        }
        merge_env(file, env, vars);
    }
    Ok(())
}

fn merge_env(file: &mut HttpFile, env: &str, vars: Vec<(String, String)>) {
    if env == "$shared" {
        for (k, v) in vars {
            if !file.vars.iter().any(|(n, _)| *n == k) {
                file.vars.push((k, v));
            }
        }
        return;
    }
    match file.envs.iter_mut().find(|(n, _)| n == env) {
        Some((_, existing)) => {
            for (k, v) in vars {
                existing.retain(|(n, _)| *n != k);
                existing.push((k, v));
            }
        }
        None => file.envs.push((env.to_owned(), vars)),
    }
}
