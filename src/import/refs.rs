//! `$ref`s to other files of an OpenAPI description (`schemas/pet.yaml`,
//! `common.json#/components/schemas/Error`): read from disk relative to the file that names
//! them and put in place, so the import sees one document. Nothing is fetched: an `http(s)://`
//! reference, a file that cannot be read or a pointer that names nothing is reported by name.
//! A cycle across files is cut (`null`). Bounded: at most [`MAX_FILES`] files and
//! [`MAX_INLINED`] references put in place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Note;

/// At most this many other files are read.
pub const MAX_FILES: usize = 100;
/// At most this many external references are put in place (each may be large).
pub const MAX_INLINED: usize = 10_000;

/// Parses a file's text (YAML or JSON) with its name for errors.
pub type Parse<'a> = &'a dyn Fn(&str, &str) -> Result<Value, String>;

struct Inliner<'a> {
    parse: Parse<'a>,
    files: HashMap<PathBuf, Result<Value, String>>,
    stack: Vec<String>,
    inlined: usize,
    notes: Vec<Note>,
    /// Without a directory, other files are not read: their references are reported.
    read: bool,
}

/// Puts every external `$ref` of `spec` (a document in `dir`) in place; notes say what could
/// not be.
pub fn inline_external(spec: &mut Value, dir: Option<&Path>, parse: Parse<'_>) -> Vec<Note> {
    let mut inliner = Inliner {
        parse,
        files: HashMap::new(),
        stack: Vec::new(),
        inlined: 0,
        notes: Vec::new(),
        read: dir.is_some(),
    };
    inliner.walk(spec, dir.unwrap_or(Path::new("")), None);
    inliner.notes
}

impl Inliner<'_> {
    /// `v` belongs to the document `file` in `dir` (`None`: the description itself, whose
    /// local references stay local).
    fn walk(&mut self, v: &mut Value, dir: &Path, file: Option<&Path>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    let r = r.clone();
                    if let Some(replacement) = self.reference(&r, dir, file) {
                        *v = replacement;
                    }
                    return;
                }
                for item in o.values_mut() {
                    self.walk(item, dir, file);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|i| self.walk(i, dir, file)),
            _ => {}
        }
    }

    /// What replaces `{ $ref: r }`: `None` keeps it (a local reference of the description).
    fn reference(&mut self, r: &str, dir: &Path, file: Option<&Path>) -> Option<Value> {
        let (target, pointer) = r.split_once('#').unwrap_or((r, ""));
        let path = match (target, file) {
            ("", None) => return None,
            ("", Some(f)) => f.to_path_buf(),
            (t, _) if t.starts_with("http://") || t.starts_with("https://") => {
                self.note(format!("the remote `$ref` `{r}` is not fetched"));
                return Some(Value::Null);
            }
            _ if !self.read => {
                self.note(format!("the `$ref` `{r}` to another file is not read"));
                return Some(Value::Null);
            }
            (t, _) => dir.join(t),
        };
        let key = format!("{}#{pointer}", path.display());
        if self.stack.contains(&key) {
            self.notes.push(Note::Changed(format!(
                "the `$ref` `{r}` refers back to itself across files: cut (`null`)"
            )));
            return Some(Value::Null);
        }
        if self.inlined >= MAX_INLINED {
            self.note(format!(
                "the `$ref` `{r}`: more than {MAX_INLINED} references to other files"
            ));
            return Some(Value::Null);
        }
        self.inlined += 1;
        if let Err(e) = self.load(&path) {
            self.note(format!("the `$ref` `{r}`: {e}"));
            return Some(Value::Null);
        }
        let found = match self.files.get(&path) {
            Some(Ok(doc)) => doc.pointer(pointer).cloned(),
            _ => None,
        };
        let Some(mut found) = found else {
            self.note(format!(
                "the `$ref` `{r}`: `{pointer}` names nothing in {}",
                path.display()
            ));
            return Some(Value::Null);
        };
        self.stack.push(key);
        let inner_dir = path.parent().unwrap_or(dir).to_path_buf();
        self.walk(&mut found, &inner_dir, Some(&path));
        self.stack.pop();
        Some(found)
    }

    fn note(&mut self, text: String) {
        self.notes.push(Note::Dropped(text));
    }

    /// Reads and parses `path` once (errors are kept too).
    fn load(&mut self, path: &Path) -> Result<(), String> {
        if !self.files.contains_key(path) {
            let loaded = if self.files.len() >= MAX_FILES {
                Err(format!("more than {MAX_FILES} files are referenced"))
            } else {
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
                    .and_then(|text| (self.parse)(&path.display().to_string(), &text))
            };
            self.files.insert(path.to_path_buf(), loaded);
        }
        match self.files.get(path) {
            Some(Err(e)) => Err(e.clone()),
            _ => Ok(()),
        }
    }
}
