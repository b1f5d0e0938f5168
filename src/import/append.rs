//! Requests (and the `[vars]` and `[env.NAME]` they need) added to an existing collection
//! file with toml_edit, so that every byte of the file that is not added to stays as it was:
//! its comments, order, blank lines and quoting.
//!
//! Conflicts, decided as a user of a team's collection expects (the file is the reviewed one,
//! the import is the newcomer):
//! - a request name the file has: refused, naming every clash, unless `replace` (`--force`):
//!   then the request is replaced where it stands, the comment above it kept. Never a silent
//!   `-2` suffix: names are what `postie run shop/NAME`, `depends_on` and CI reports refer to,
//!   and a re-import that doubled every request would look like it worked.
//! - a `[vars]` key the file has with another value, and a key of an `[env.NAME]` the file has:
//!   the file's value is kept and the difference reported (`changed:`); a missing key is
//!   added; an environment the file does not have is added whole.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, TableLike, value};

use super::Note;
use super::write::Vars;

/// Why the requests could not be added (nothing is written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppendError {
    /// The collection file is not valid TOML.
    #[error("the collection is not valid TOML: {0}")]
    Toml(String),
    /// `requests` exists but is not an array of tables.
    #[error("`requests` in the collection is not a list of `[[requests]]` tables")]
    NotRequests,
    /// `vars`, `env` or `env.NAME` exists but is not a table.
    #[error("`{0}` in the collection is not a table")]
    NotTable(String),
    /// Requests with these names are already in the collection.
    #[error("the collection already has {}", names(.0))]
    Exists(Vec<String>),
}

fn names(list: &[String]) -> String {
    let quoted: Vec<String> = list.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        1 => format!("a request {}", quoted[0]),
        _ => format!("requests {}", quoted.join(", ")),
    }
}

/// What to add: request tables (each with its `name`), variables, environments.
#[derive(Debug, Default)]
pub struct Addition<'a> {
    pub requests: Vec<Table>,
    pub vars: &'a Vars,
    pub envs: &'a [(String, Vec<(String, String)>)],
    /// Replace a request of the same name in place instead of refusing (`--force`).
    pub replace: bool,
}

/// The new file text and what the merge changed (kept values, replaced requests).
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    pub text: String,
    pub notes: Vec<Note>,
}

/// `source` with `add` merged in (see the module's conflict rules).
pub fn append(source: &str, add: Addition<'_>) -> Result<Appended, AppendError> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|e: toml_edit::TomlError| AppendError::Toml(e.message().trim().to_owned()))?;
    let mut notes = Vec::new();
    let before_requests = first_request_position(&doc)?;
    if !add.vars.is_empty() {
        let vars = table_at(&mut doc, "vars", before_requests)?;
        merge(vars, add.vars, "[vars]", &mut notes);
    }
    for (env, vars) in add.envs {
        let place = format!("[env.{env}]");
        let envs = table_at(&mut doc, "env", before_requests)?;
        match envs.get_mut(env) {
            Some(item) => {
                let table = item
                    .as_table_like_mut()
                    .ok_or_else(|| AppendError::NotTable(format!("env.{env}")))?;
                merge(table, vars, &place, &mut notes);
            }
            None => {
                let mut table = Table::new();
                table.set_position(before_requests);
                for (k, v) in vars {
                    table.insert(k, value(v));
                }
                envs.insert(env, Item::Table(table));
            }
        }
    }
    add_requests(&mut doc, add.requests, add.replace, &mut notes)?;
    Ok(Appended {
        text: doc.to_string(),
        notes,
    })
}

/// Where a new `[vars]` or `[env.NAME]` goes: just before the first `[[requests]]`.
fn first_request_position(doc: &DocumentMut) -> Result<Option<isize>, AppendError> {
    Ok(match doc.get("requests") {
        None => None,
        Some(item) => item
            .as_array_of_tables()
            .ok_or(AppendError::NotRequests)?
            .iter()
            .next()
            .and_then(Table::position)
            .map(|p| p - 1),
    })
}

/// The table `key` of the document, made (implicit, placed at `position`) when missing.
fn table_at<'d>(
    doc: &'d mut DocumentMut,
    key: &str,
    position: Option<isize>,
) -> Result<&'d mut dyn TableLike, AppendError> {
    if !doc.contains_key(key) {
        let mut table = Table::new();
        table.set_position(position);
        // `env` itself has no header: only its `[env.NAME]` tables have.
        table.set_implicit(key == "env");
        doc.insert(key, Item::Table(table));
    }
    doc.get_mut(key)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| AppendError::NotTable(key.to_owned()))
}

/// Missing keys added at the end of `table`; a key with another value kept, and reported.
fn merge(table: &mut dyn TableLike, vars: &Vars, place: &str, notes: &mut Vec<Note>) {
    for (k, v) in vars {
        match table.get(k) {
            None => {
                table.insert(k, value(v));
            }
            Some(existing) if existing.as_str() == Some(v.as_str()) => {}
            // The values are not shown: either may be a credential someone left in clear.
            Some(_) => notes.push(Note::Changed(format!(
                "`{k}` of {place}: the collection already has it with another value; its value is kept, the import's is not written"
            ))),
        }
    }
}

fn add_requests(
    doc: &mut DocumentMut,
    tables: Vec<Table>,
    replace: bool,
    notes: &mut Vec<Note>,
) -> Result<(), AppendError> {
    if !doc.contains_key("requests") {
        doc.insert("requests", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let requests = doc
        .get_mut("requests")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or(AppendError::NotRequests)?;
    let name_of = |t: &Table| t.get("name").and_then(Item::as_str).map(str::to_owned);
    let existing: Vec<Option<String>> = requests.iter().map(name_of).collect();
    let clashes: Vec<String> = tables
        .iter()
        .filter_map(name_of)
        .filter(|n| existing.iter().flatten().any(|e| e == n))
        .collect();
    if !clashes.is_empty() && !replace {
        return Err(AppendError::Exists(clashes));
    }
    for mut table in tables {
        let name = name_of(&table).unwrap_or_default();
        let at = existing.iter().position(|e| e.as_deref() == Some(&name));
        match at.and_then(|i| requests.get_mut(i)) {
            Some(old) => {
                // In place: the old one's comments above it and its position kept.
                *table.decor_mut() = old.decor().clone();
                table.set_position(old.position());
                *old = table;
                notes.push(Note::Changed(format!(
                    "the request `{name}` replaced the one of that name (--force)"
                )));
            }
            None => requests.push(table),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: &str) -> Table {
        let mut t = Table::new();
        t.insert("name", value(name));
        t.insert("url", value("http://127.0.0.1/x"));
        t
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    const SOURCE: &str = "# my shop\nname = 'shop'   # odd spacing\n\n[vars]\nbase_url = \"http://a\"  # local\n\n# the requests\n[[requests]]\nname = \"one\"\nurl = '{{base_url}}/1'\n\n[env.prod]\nbase_url = \"https://b\"\n";

    #[test]
    fn missing_vars_and_envs_are_added_and_the_rest_kept_as_it_was() {
        let vars = pairs(&[("base_url", "http://other"), ("token", "{{secret:t}}")]);
        let envs = vec![
            (
                "prod".to_owned(),
                pairs(&[("base_url", "https://b"), ("k", "1")]),
            ),
            ("dev".to_owned(), pairs(&[("base_url", "http://dev")])),
        ];
        let out = append(
            SOURCE,
            Addition {
                requests: vec![request("two")],
                vars: &vars,
                envs: &envs,
                replace: false,
            },
        )
        .unwrap();
        let expected = "# my shop\nname = 'shop'   # odd spacing\n\n[vars]\nbase_url = \"http://a\"  # local\ntoken = \"{{secret:t}}\"\n\n[env.dev]\nbase_url = \"http://dev\"\n\n# the requests\n[[requests]]\nname = \"one\"\nurl = '{{base_url}}/1'\n\n[[requests]]\nname = \"two\"\nurl = \"http://127.0.0.1/x\"\n\n[env.prod]\nbase_url = \"https://b\"\nk = \"1\"\n";
        assert_eq!(out.text, expected);
        assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
        assert!(matches!(&out.notes[0], Note::Changed(t) if t.contains("`base_url` of [vars]")));
    }

    #[test]
    fn a_name_the_file_has_is_refused_or_replaced_in_place() {
        let add = |replace| Addition {
            requests: vec![request("one"), request("two")],
            replace,
            ..Addition::default()
        };
        assert_eq!(
            append(SOURCE, add(false)),
            Err(AppendError::Exists(vec!["one".into()]))
        );
        let out = append(SOURCE, add(true)).unwrap();
        assert!(
            out.text.contains(
                "# the requests\n[[requests]]\nname = \"one\"\nurl = \"http://127.0.0.1/x\"\n"
            ),
            "{}",
            out.text
        );
        assert_eq!(out.text.matches("name = \"one\"").count(), 1);
    }

    #[test]
    fn a_file_that_is_not_a_collection_shape_is_an_error() {
        let add = || Addition {
            requests: vec![request("x")],
            ..Addition::default()
        };
        assert_eq!(
            append("requests = 1\n", add()),
            Err(AppendError::NotRequests)
        );
        assert!(matches!(append("a = ", add()), Err(AppendError::Toml(_))));
        let vars = pairs(&[("a", "1")]);
        let err = append(
            "vars = 3\n",
            Addition {
                vars: &vars,
                ..Addition::default()
            },
        );
        assert_eq!(err, Err(AppendError::NotTable("vars".into())));
    }
}
