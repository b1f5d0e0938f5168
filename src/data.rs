//! Data files for data-driven runs (`postie run --data rows.csv`): each row is a set of
//! variables for one iteration of the selection.
//!
//! - `.csv`: RFC 4180 (the `csv` crate): the header row names the variables, every value is a
//!   string; every row has as many fields as the header.
//! - `.json`: an array of objects, one per row; values keep their JSON type (numbers, booleans,
//!   arrays, objects, null).
//!
//! Errors point at `file:line:column`. A data file is read whole (at most [`MAX_BYTES`]).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::Failure;

/// The largest data file read, in bytes.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// One row: variable names and values, in the file's order.
pub type Row = Vec<(String, Value)>;

/// A data file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("could not read the data file `{}`: {why}", path.display())]
    Read { path: PathBuf, why: String },
    /// The file is neither `.csv` nor `.json`.
    #[error("the data file `{}` is neither .csv nor .json", path.display())]
    Kind { path: PathBuf },
    /// A problem at a place in the file.
    #[error("{}:{line}:{column}: {message}", path.display())]
    At {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    /// The file holds no rows.
    #[error("the data file `{}` has no rows", path.display())]
    Empty { path: PathBuf },
}

impl From<DataError> for Failure {
    fn from(err: DataError) -> Failure {
        let hint = match &err {
            DataError::Kind { .. } => Some(
                "name a `.csv` file (header row = variable names) or a `.json` array of objects",
            ),
            DataError::Empty { .. } => Some("add a row, or run without `--data`"),
            _ => None,
        };
        let failure = Failure::usage(err.to_string());
        match hint {
            Some(hint) => failure.with_hint(hint),
            None => failure,
        }
    }
}

/// Read the rows of a `.csv` or `.json` data file.
pub fn load(path: &Path) -> Result<Vec<Row>, DataError> {
    let kind = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let parse = match kind.as_deref() {
        Some("csv") => csv_rows,
        Some("json") => json_rows,
        _ => {
            return Err(DataError::Kind {
                path: path.to_path_buf(),
            });
        }
    };
    let bytes = read(path)?;
    let rows = parse(path, &bytes)?;
    if rows.is_empty() {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(rows)
}

fn read(path: &Path) -> Result<Vec<u8>, DataError> {
    let failed = |why: String| DataError::Read {
        path: path.to_path_buf(),
        why,
    };
    let file = std::fs::File::open(path).map_err(|e| failed(io_why(&e)))?;
    let mut bytes = Vec::new();
    use std::io::Read as _;
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| failed(io_why(&e)))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(failed(format!(
            "it is larger than {} MiB",
            MAX_BYTES / 1024 / 1024
        )));
    }
    Ok(bytes)
}

fn io_why(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        kind => kind.to_string(),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(bytes: &[u8], offset: u64) -> (u64, u64) {
    let offset = (offset as usize).min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() as u64 + 1;
    (line, column)
}

fn csv_rows(path: &Path, bytes: &[u8]) -> Result<Vec<Row>, DataError> {
    let at = |offset: u64, message: String| {
        let (line, column) = line_column(bytes, offset);
        DataError::At {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| csv_error(&e, &at, "the header row"))?
        .clone();
    let header_at = header.position().map_or(0, |p| p.byte());
    let mut names: Vec<String> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        // Field ranges leave out the separators (exact for unquoted names).
        let offset = header_at + header.range(i).map_or(0, |r| (r.start + i) as u64);
        let name = name.trim();
        if name.is_empty() {
            return Err(at(offset, format!("column {} has no name", i + 1)));
        }
        if names.iter().any(|n| n == name) {
            return Err(at(offset, format!("column `{name}` is named twice")));
        }
        names.push(name.to_string());
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(&e, &at, &format!("row {}", n + 1)))?;
        let row = names
            .iter()
            .zip(record.iter())
            .map(|(name, value)| (name.clone(), Value::String(value.to_string())))
            .collect();
        rows.push(row);
    }
    Ok(rows)
}

fn csv_error(err: &csv::Error, at: &dyn Fn(u64, String) -> DataError, what: &str) -> DataError {
    let offset = err.position().map_or(0, |p| p.byte());
    let message = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{what} has {len} fields, but the header row has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} of {what} is not valid UTF-8", err.field() + 1)
        }
        _ => format!("{what}: {err}"),
    };
    at(offset, message)
}

fn json_rows(path: &Path, bytes: &[u8]) -> Result<Vec<Row>, DataError> {
    let rows: Vec<Map<String, Value>> = serde_json::from_slice(bytes).map_err(|e| {
        let text = e.to_string();
        // serde_json ends its message with " at line L column C": we say that first.
        let text = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(head, _)| head);
        let message = text
            .replace(
                "expected a sequence",
                "expected an array of objects (one per row)",
            )
            .replace("expected a map", "expected an object (one row)");
        DataError::At {
            path: path.to_path_buf(),
            line: e.line() as u64,
            column: (e.column() as u64).max(1),
            message,
        }
    })?;
    Ok(rows.into_iter().map(|m| m.into_iter().collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(name: &str, text: &str) -> Result<Vec<Row>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load(&path).map_err(|e| {
            e.to_string()
                .replace(&dir.path().display().to_string(), "DIR")
        })
    }

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    #[test]
    fn csv_is_rfc_4180_with_a_header_row() {
        let rows = load_text(
            "rows.csv",
            "id,note\r\n1,\"a, \"\"quoted\"\" note\"\r\n2,\"two\nlines\"\r\n",
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![
                    ("id".to_string(), s("1")),
                    ("note".to_string(), s("a, \"quoted\" note"))
                ],
                vec![
                    ("id".to_string(), s("2")),
                    ("note".to_string(), s("two\nlines"))
                ],
            ]
        );
    }

    #[test]
    fn csv_errors_name_the_line_and_column() {
        assert_eq!(
            load_text("rows.csv", "id,name\n1,a\n2,b,c\n").unwrap_err(),
            "DIR/rows.csv:3:1: row 2 has 3 fields, but the header row has 2"
        );
        assert_eq!(
            load_text("rows.csv", "id,id\n1,2\n").unwrap_err(),
            "DIR/rows.csv:1:4: column `id` is named twice"
        );
        assert_eq!(
            load_text("rows.csv", "id,,x\n1,2,3\n").unwrap_err(),
            "DIR/rows.csv:1:4: column 2 has no name"
        );
        assert_eq!(
            load_text("rows.csv", "id\n").unwrap_err(),
            "the data file `DIR/rows.csv` has no rows"
        );
    }

    #[test]
    fn json_rows_keep_their_types() {
        let rows = load_text(
            "rows.json",
            r#"[{"n": 5, "ok": true, "tags": ["a"], "name": "x"}]"#,
        )
        .unwrap();
        assert_eq!(
            rows[0],
            vec![
                ("n".to_string(), serde_json::json!(5)),
                ("ok".to_string(), serde_json::json!(true)),
                ("tags".to_string(), serde_json::json!(["a"])),
                ("name".to_string(), s("x")),
            ]
        );
    }

    #[test]
    fn json_errors_name_the_line_and_column() {
        assert_eq!(
            load_text("rows.json", "[\n  {\"a\": 1},\n  3\n]").unwrap_err(),
            "DIR/rows.json:3:3: invalid type: integer `3`, expected an object (one row)"
        );
        assert_eq!(
            load_text("rows.json", "{\"a\": 1}").unwrap_err(),
            "DIR/rows.json:1:1: invalid type: map, expected an array of objects (one per row)"
        );
        assert_eq!(
            load_text("rows.json", "[{\"a\": 1,}]").unwrap_err(),
            "DIR/rows.json:1:10: trailing comma"
        );
        assert_eq!(
            load_text("rows.json", "[]").unwrap_err(),
            "the data file `DIR/rows.json` has no rows"
        );
        assert_eq!(
            load_text("rows.yaml", "a: 1").unwrap_err(),
            "the data file `DIR/rows.yaml` is neither .csv nor .json"
        );
    }
}
