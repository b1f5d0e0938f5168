//! `postie import`: requests from other tools as collection TOML, with a report of what did
//! not carry over. curl commands (`curl`) and `.http` files (`http`); the TOML goes through `write`.

pub mod append;
pub mod curl;
pub mod graphql;
pub mod http;
pub mod oauth2;
pub mod openapi;
pub mod postman;
pub mod refs;
pub mod send;
pub mod swagger;
pub mod words;
pub mod write;

/// What happened to one piece of the input, for the fidelity report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Carried, in another form (a `{{secret:…}}` reference instead of a literal, …).
    Changed(String),
    /// Left out on purpose: it changes only the other tool's own output.
    Ignored(String),
    /// Not carried: the imported request differs from the input here.
    Dropped(String),
}

/// A literal credential that the import wrote as `{{secret:NAME}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub name: String,
    /// Where it was (`header Authorization`, `-u password`, …).
    pub from: String,
}

/// One imported request, ready for [`write`]. Strings are template text (`{{` escaped).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub name: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// `auth = { basic = { username, password } }`.
    pub basic: Option<(String, String)>,
    /// `auth = { bearer = … }`.
    pub bearer: Option<String>,
    /// `auth = { oauth2 = { … } }`.
    pub oauth2: Option<Box<oauth2::OAuth2>>,
    pub follow_redirects: bool,
    pub max_redirects: Option<u32>,
    /// Whole seconds or milliseconds as postie's duration text (`5s`, `500ms`).
    pub timeout: Option<String>,
    pub notes: Vec<Note>,
    pub secrets: Vec<SecretRef>,
    /// `tags = [...]` (Postman folders).
    pub tags: Vec<String>,
    /// A comment above the request (a Postman description).
    pub comment: Option<String>,
    /// `expect.status`.
    pub expect_status: Option<u16>,
    /// `[requests.capture]`: variable → source (`json:$.id`).
    pub captures: Vec<(String, String)>,
}

impl Imported {
    /// Something did not carry over (the import exits 1).
    pub fn dropped_any(&self) -> bool {
        self.notes.iter().any(|n| matches!(n, Note::Dropped(_)))
    }
}

/// A request body as imported.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Body {
    #[default]
    None,
    /// `text` + `content_type`: the exact bytes.
    Text {
        text: String,
        content_type: Option<String>,
    },
    /// `file` + `content_type`.
    File {
        path: String,
        content_type: Option<String>,
    },
    Multipart(Vec<Part>),
    /// `form = { … }` (postie encodes it).
    Form(Vec<(String, String)>),
    /// `graphql = { query, variables, operation_name }`.
    Graphql(graphql::Graphql),
}

/// A `multipart` field.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub value: PartValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartValue {
    Text(String),
    File {
        path: String,
        file_name: Option<String>,
        content_type: Option<String>,
    },
}

/// `{{` → `\{{`: literal text stays literal in a template.
pub fn escape(text: &str) -> String {
    text.replace("{{", "\\{{")
}

impl Imported {
    /// File paths were relative to the working directory; a collection's are relative to its
    /// own file: rewrite them for a collection in `dir` (relative to the working directory).
    pub fn rebase_files(&mut self, dir: &std::path::Path) {
        self.rebase_files_between(std::path::Path::new(""), dir);
    }

    /// File paths relative to `from` (both relative to the working directory) made relative
    /// to `to`.
    pub fn rebase_files_between(&mut self, from: &std::path::Path, to: &std::path::Path) {
        let fix = |path: &mut String| {
            let joined = if std::path::Path::new(path.as_str()).is_absolute() {
                path.clone()
            } else {
                from.join(path.trim_start_matches("./"))
                    .to_string_lossy()
                    .into_owned()
            };
            *path = rebase(&joined, to);
        };
        match &mut self.body {
            Body::File { path, .. } => fix(path),
            Body::Multipart(parts) => {
                for part in parts {
                    if let PartValue::File { path, .. } = &mut part.value {
                        fix(path);
                    }
                }
            }
            Body::None | Body::Text { .. } | Body::Form(_) | Body::Graphql(_) => {}
        }
    }
}

/// `path` (relative to the working directory) as seen from `dir`: `up.txt` from `collections`
/// is `../up.txt`. Absolute paths stay; a `dir` that climbs (`..`) gives an absolute path.
fn rebase(path: &str, dir: &std::path::Path) -> String {
    use std::path::Component;
    let p = std::path::Path::new(path);
    if p.is_absolute() || dir.as_os_str().is_empty() {
        return path.to_owned();
    }
    let mut ups = String::new();
    for c in dir.components() {
        match c {
            Component::Normal(_) => ups.push_str("../"),
            Component::CurDir => {}
            _ => {
                return std::env::current_dir()
                    .map(|cwd| cwd.join(p).to_string_lossy().into_owned())
                    .unwrap_or_else(|_| path.to_owned());
            }
        }
    }
    format!("{ups}{path}")
}

/// `{{ name }}` → `{{name}}`; the dynamic variables postie has under its own names
/// (`$guid`/`$uuid`/`$random.uuid`/`$randomUUID` → `$uuid`, `$timestamp`, `$randomInt` →
/// `$random_int`, `$processEnv NAME` → `env:NAME`); any other `$…` is escaped (sent
/// literally) and reported.
pub fn dynamic(text: &str, notes: &mut Vec<Note>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..start + len].trim();
        rest = &rest[start + len + 2..];
        let mapped = match inner.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["$guid" | "$uuid" | "$random.uuid" | "$randomUUID"] => Some("$uuid".to_owned()),
            ["$timestamp"] => Some("$timestamp".to_owned()),
            ["$randomInt"] => Some("$random_int".to_owned()),
            ["$processEnv", name] | ["$env", name] => Some(format!("env:{name}")),
            // A Postman vault reference: the value is in the keyring, never in the file.
            [name] if name.starts_with("vault:") => {
                let secret = &name["vault:".len()..];
                notes.push(Note::Changed(format!(
                    "`{{{{{name}}}}}` is `{{{{secret:{secret}}}}}`: run `postie secret set {secret}`"
                )));
                Some(format!("secret:{secret}"))
            }
            [name] if !name.starts_with('$') => Some((*name).to_owned()),
            _ => None,
        };
        match mapped {
            Some(m) => out.push_str(&format!("{{{{{m}}}}}")),
            None => {
                notes.push(Note::Dropped(format!(
                    "`{{{{{inner}}}}}`: postie has no such dynamic variable; it is sent as written"
                )));
                out.push_str(&format!("\\{{{{{inner}}}}}"));
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_are_relative_to_the_collection() {
        let dir = std::path::Path::new("collections/api");
        assert_eq!(super::rebase("up.txt", dir), "../../up.txt");
        assert_eq!(super::rebase("/abs/up.txt", dir), "/abs/up.txt");
        assert_eq!(super::rebase("up.txt", std::path::Path::new("")), "up.txt");
    }

    #[test]
    fn dynamic_variables_map_or_are_reported() {
        let mut notes = Vec::new();
        let out = super::dynamic(
            "{{ a }} {{$guid}} {{$randomInt}} {{vault:api-key}} {{$randomColor}}",
            &mut notes,
        );
        assert_eq!(
            out,
            "{{a}} {{$uuid}} {{$random_int}} {{secret:api-key}} \\{{$randomColor}}"
        );
        assert!(
            matches!(&notes[0], super::Note::Changed(t) if t.contains("postie secret set api-key"))
        );
        assert!(matches!(&notes[1], super::Note::Dropped(t) if t.contains("$randomColor")));
    }
}
