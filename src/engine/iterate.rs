//! Iterations of a run: `--data FILE` (one per row), `--iterations N`, `--repeat N`. Each
//! iteration runs the whole selection with its own variables and its own captures (a fresh
//! resolver per collection and iteration), and names its requests `create-plan [row 3]` in
//! every record, so every report and the summary tell the iterations apart.

use serde_json::Value;

use crate::data::Row;
use crate::error::Failure;
use crate::record::CollectionRecord;

/// One pass over the selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Iteration {
    /// `row 3`, `iteration 2`, `row 3, repeat 2`; `None` for a run of one plain pass.
    pub label: Option<String>,
    /// Variables of this pass (a data row); they win over every other source but captures.
    pub vars: Vec<(String, Value)>,
}

/// The passes of a run: each data row (or `iterations` empty passes), all of it `repeat`
/// times. One plain pass when there is nothing to iterate.
pub fn plan(rows: Option<Vec<Row>>, iterations: u32, repeat: u32) -> Vec<Iteration> {
    let base: Vec<Iteration> = match rows {
        Some(rows) => rows
            .into_iter()
            .enumerate()
            .map(|(i, vars)| Iteration {
                label: Some(format!("row {}", i + 1)),
                vars,
            })
            .collect(),
        None if iterations > 1 => (1..=iterations)
            .map(|i| Iteration {
                label: Some(format!("iteration {i}")),
                vars: Vec::new(),
            })
            .collect(),
        None => vec![Iteration::default()],
    };
    if repeat <= 1 {
        return base;
    }
    (1..=repeat)
        .flat_map(|r| {
            base.iter().map(move |it| Iteration {
                label: Some(match &it.label {
                    Some(label) => format!("{label}, repeat {r}"),
                    None => format!("repeat {r}"),
                }),
                vars: it.vars.clone(),
            })
        })
        .collect()
}

/// A request's name in an iteration: `create-plan [row 3]`.
pub fn labelled(name: &str, label: Option<&str>) -> String {
    match label {
        Some(label) => format!("{name} [{label}]"),
        None => name.to_string(),
    }
}

/// The records of the units (collection `u % n` in iteration `u / n`), sorted by unit, as
/// one record per collection: its requests iteration after iteration; and the first collection
/// error, if any. A collection error ends the run, but what ran before it stays in the record,
/// so that the summary and the reports are still written (with the error).
pub fn merge(
    units: Vec<(usize, Result<CollectionRecord, Failure>)>,
    n: usize,
) -> (Vec<CollectionRecord>, Option<Failure>) {
    let mut merged: Vec<Option<CollectionRecord>> = (0..n).map(|_| None).collect();
    let mut error = None;
    for (unit, result) in units {
        let record = match result {
            Ok(record) => record,
            Err(failure) => {
                error.get_or_insert(failure);
                continue;
            }
        };
        match &mut merged[unit % n] {
            Some(into) => into.requests.extend(record.requests),
            slot => *slot = Some(record),
        }
    }
    (merged.into_iter().flatten().collect(), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(its: &[Iteration]) -> Vec<Option<&str>> {
        its.iter().map(|i| i.label.as_deref()).collect()
    }

    #[test]
    fn plans_label_rows_iterations_and_repeats() {
        assert_eq!(labels(&plan(None, 1, 1)), [None]);
        assert_eq!(
            labels(&plan(None, 2, 1)),
            [Some("iteration 1"), Some("iteration 2")]
        );
        assert_eq!(
            labels(&plan(None, 1, 2)),
            [Some("repeat 1"), Some("repeat 2")]
        );
        let rows = vec![vec![("a".to_string(), Value::from(1))], vec![]];
        let planned = plan(Some(rows), 1, 2);
        assert_eq!(
            labels(&planned),
            [
                Some("row 1, repeat 1"),
                Some("row 2, repeat 1"),
                Some("row 1, repeat 2"),
                Some("row 2, repeat 2")
            ]
        );
        assert_eq!(planned[2].vars, [("a".to_string(), Value::from(1))]);
    }
}
