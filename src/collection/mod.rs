//! The collection model: a TOML file of requests, loaded and validated with source spans.
//!
//! [`load`]/[`parse`] turn a file into a [`Collection`] of [`RequestSpec`]s (requests as
//! written, strings parsed as templates); `crate::resolve` turns those into
//! `ResolvedRequest`s. Every validation error is a [`SourceDiagnostic`] pointing into the file.

mod credential_names;
pub mod credentials;
pub mod diagnostic;
mod json_text;
mod model;
mod parse;
mod target;
mod uses;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use diagnostic::SourceDiagnostic;
pub use model::{
    AuthSpec, BodySpec, Defaults, Env, GraphqlSpec, Header, OAuth2Spec, Param, PartSpec,
    PartSpecValue, RequestSpec, Retry, SecretCommand, SignSpec, Span, TValue, TemplateStr, VarDef,
};
pub use target::{discover, resolve_target};
pub use uses::{Needs, capture_placeholder};

/// A loaded, validated collection file.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The file, as the user gave it (used in diagnostics).
    pub path: PathBuf,
    /// `name`, or the file stem.
    pub name: String,
    pub description: Option<String>,
    /// `[[requests]]`, in file order.
    pub requests: Vec<RequestSpec>,
    /// `[vars]`, in file order.
    pub vars: Vec<VarDef>,
    /// `[env.NAME]` tables, in file order.
    pub envs: Vec<Env>,
    /// `[defaults]`.
    pub defaults: Defaults,
    /// `[secrets]`: commands that produce secrets (password-manager CLIs).
    pub secrets: Vec<SecretCommand>,
    /// The file's text; spans index into it.
    pub source: String,
    /// Every `{{name}}` variable mentioned anywhere.
    mentioned: BTreeSet<String>,
    /// The `{{name}}` variables `[defaults]` mentions (they apply to every request).
    defaults_mentioned: BTreeSet<String>,
    /// Request name → position in `requests`.
    index: std::collections::HashMap<String, usize>,
    /// Byte offset of every `\n` in `source`: diagnostics find their line in O(log n).
    newlines: Vec<usize>,
}

/// Errors from loading a collection or finding one.
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    /// The file could not be read.
    #[error("could not read collection `{}`: {}", path.display(), io_message(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The path is a FIFO, device, socket or directory: not read (it could block forever).
    #[error(
        "could not read collection `{}`: it is {kind}, not a regular file\n  hint: a collection is a `.toml` file; save what you pipe to a file first",
        path.display()
    )]
    NotAFile { path: PathBuf, kind: &'static str },
    /// The file is malformed or invalid; points into the file.
    #[error("{0}")]
    Invalid(Box<SourceDiagnostic>),
    /// `Collection::request` was asked for a name the collection lacks.
    #[error(
        "unknown request `{name}` in collection `{collection}`{}",
        hint_line(hint)
    )]
    UnknownRequest {
        name: String,
        collection: String,
        hint: String,
    },
    /// A TARGET names no collection under `collections/`.
    #[error("unknown collection `{name}`{}", hint_line(hint))]
    UnknownCollection { name: String, hint: String },
}

impl From<SourceDiagnostic> for CollectionError {
    fn from(d: SourceDiagnostic) -> Self {
        CollectionError::Invalid(Box::new(d))
    }
}

/// An io::Error's message without the "(os error 2)" suffix.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

pub(crate) fn hint_line(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!("\n  hint: {hint}")
    }
}

/// Reads and validates the collection at `path`. Only a regular file is read: a FIFO or a
/// device (`/dev/zero`, `/dev/stdin`) would block or never end, so it is refused before
/// opening. Text that is not UTF-8 is an error at the first bad byte (`file:line:col`).
pub fn load(path: &Path) -> Result<Collection, CollectionError> {
    let io = |source| CollectionError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(CollectionError::NotAFile {
            path: path.to_path_buf(),
            kind: file_kind(&meta),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or_default();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Err(SourceDiagnostic::new(
                path,
                &text,
                at..at + 1,
                format!(
                    "`{}` is not UTF-8 text: byte 0x{byte:02X} here",
                    path.display()
                ),
                Some("save the collection as UTF-8".to_string()),
            )
            .into());
        }
    };
    parse(path, &source)
}

/// What a non-regular file is, for the error.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Validates `source`, the text of the collection at `path`.
pub fn parse(path: &Path, source: &str) -> Result<Collection, CollectionError> {
    parse::parse(path, source)
}

/// Every key the collection format knows, at any level, each once per list it is in (the
/// random test in `tests/fuzz.rs` mutates collections with them).
pub fn known_keys() -> impl Iterator<Item = &'static str> {
    parse::known_keys()
}

/// A collection that cannot be used is a usage error (exit code 2).
impl From<CollectionError> for crate::error::Failure {
    fn from(err: CollectionError) -> crate::error::Failure {
        crate::error::Failure::from_display(crate::error::Code::Usage, &err)
    }
}

impl Collection {
    /// The request called `name`; unknown names get a did-you-mean or the list of requests.
    pub fn request(&self, name: &str) -> Result<&RequestSpec, CollectionError> {
        if let Some(found) = self.position(name).and_then(|i| self.requests.get(i)) {
            return Ok(found);
        }
        let names = || self.requests.iter().map(|r| r.name.as_str());
        let hint = crate::util::suggest::suggestion(name, names()).unwrap_or_else(|| {
            format!(
                "the requests are {}",
                crate::util::suggest::list_names(names())
            )
        });
        Err(CollectionError::UnknownRequest {
            name: name.to_string(),
            collection: self.name.clone(),
            hint,
        })
    }

    /// Where the request named `name` is in the file (0-based), if it exists.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The `[env.NAME]` names, in file order.
    pub fn env_names(&self) -> Vec<&str> {
        self.envs.iter().map(|e| e.name.as_str()).collect()
    }

    /// Whether any template in the file mentions `{{name}}`.
    pub fn uses_variable(&self, name: &str) -> bool {
        self.mentioned.contains(name)
    }

    /// A diagnostic for `span` in this collection's file.
    pub fn diagnostic(
        &self,
        span: Span,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> SourceDiagnostic {
        SourceDiagnostic::indexed(
            &self.path,
            &self.source,
            &self.newlines,
            span,
            message,
            hint,
        )
    }

    /// The directory that relative body file paths are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

#[cfg(test)]
mod tests;
