//! Which requests run: targets (files, names, globs) and `--tag`, each with the requests it
//! needs (`depends_on`, and those whose captures it reads) run first as setup, in file order;
//! and `--shard K/N`. A selector that matches nothing is an error.

use std::collections::{BTreeSet, HashSet};

use crate::collection::{self, Collection};
use crate::error::Failure;
use crate::util::suggest::{did_you_mean, list_names};

/// One collection and the requests of it to run, in file order.
pub struct Selected {
    pub collection: Collection,
    pub requests: Vec<String>,
    /// Those of `requests` that run only because a selected request needs them: their bodies
    /// are not printed, `-o` is not theirs, the summary marks them.
    pub setup: BTreeSet<String>,
}

/// Turn targets into collections and request names, loading each file once. A request name may
/// be a glob (`shop/create-*`); a picked request brings the requests it `depends_on`.
pub fn select(targets: &[String], cwd: &std::path::Path) -> Result<Vec<Selected>, Failure> {
    let mut selected: Vec<Selected> = Vec::new();
    // Per collection, the requests a target named (the rest of `requests` is setup).
    let mut explicit: Vec<HashSet<String>> = Vec::new();
    for target in targets {
        let (path, request) = collection::resolve_target(target, cwd)?;
        let index = match selected
            .iter()
            .position(|s| same_file(&s.collection.path, &path))
        {
            Some(i) => i,
            None => {
                let collection = collection::load(&path)?;
                if collection.requests.is_empty() {
                    return Err(Failure::usage(format!(
                        "collection `{}` has no requests",
                        path.display()
                    ))
                    .with_hint("add one: `[[requests]]` with a `name` and a `url`"));
                }
                selected.push(Selected {
                    collection,
                    requests: Vec::new(),
                    setup: BTreeSet::new(),
                });
                explicit.push(HashSet::new());
                selected.len() - 1
            }
        };
        let entry = &mut selected[index];
        let whole = request.is_none();
        let names: Vec<String> = match request {
            Some(pattern) if pattern.contains(['*', '?']) => {
                let found: Vec<String> = entry
                    .collection
                    .requests
                    .iter()
                    .filter(|r| crate::glob::matches(&pattern, &r.name))
                    .map(|r| r.name.clone())
                    .collect();
                if found.is_empty() {
                    return Err(no_match_glob(&entry.collection, &pattern));
                }
                found
            }
            Some(name) => vec![entry.collection.request(&name)?.name.clone()],
            None => entry
                .collection
                .requests
                .iter()
                .map(|r| r.name.clone())
                .collect(),
        };
        // A whole collection has every request already: nothing to look up.
        let needs = (!whole).then(|| collection::Needs::new(&entry.collection));
        let mut chosen: HashSet<String> = entry.requests.iter().cloned().collect();
        for name in names {
            match &needs {
                Some(needs) => {
                    add_with_prerequisites(needs, &mut entry.requests, &mut chosen, &name)
                }
                None => {
                    if chosen.insert(name.clone()) {
                        entry.requests.push(name.clone());
                    }
                }
            }
            explicit[index].insert(name);
        }
    }
    for (entry, named) in selected.iter_mut().zip(&explicit) {
        // Run requests of a collection in file order, whatever order they were named in.
        let collection = &entry.collection;
        entry.requests.sort_by_key(|name| collection.position(name));
        entry.setup = entry
            .requests
            .iter()
            .filter(|r| !named.contains(*r))
            .cloned()
            .collect();
    }
    Ok(selected)
}

/// `name` and, before it in `into`'s eventual file order, everything it needs, transitively.
fn add_with_prerequisites(
    needs: &collection::Needs<'_>,
    into: &mut Vec<String>,
    chosen: &mut HashSet<String>,
    name: &str,
) {
    let mut todo = vec![name.to_string()];
    while let Some(next) = todo.pop() {
        if chosen.insert(next.clone()) {
            todo.extend(needs.prerequisites(&next));
            into.push(next);
        }
    }
}

fn no_match_glob(collection: &Collection, pattern: &str) -> Failure {
    let names = collection.requests.iter().map(|r| r.name.as_str());
    let close = close_matches(pattern, names);
    let failure = Failure::usage(format!(
        "no request of `{}` matches `{pattern}`",
        collection.name
    ));
    with_close_matches(failure, &close, "`postie list` shows the requests")
}

/// The names closest to `wanted` (a name or a glob; a glob is compared without its `*`/`?`).
fn close_matches<'a>(wanted: &str, names: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
    let bare: String = wanted.chars().filter(|c| !matches!(c, '*' | '?')).collect();
    let mut close: Vec<String> = names
        .clone()
        .filter(|n| {
            let lower = n.to_lowercase();
            (!bare.is_empty() && lower.contains(&bare.to_lowercase()))
                || did_you_mean(&bare, [*n]).is_some()
        })
        .map(str::to_string)
        .collect();
    if close.is_empty()
        && let Some(best) = did_you_mean(&bare, names)
    {
        close.push(best.to_string());
    }
    close.sort();
    close.dedup();
    close.truncate(5);
    close
}

fn with_close_matches(failure: Failure, close: &[String], otherwise: &str) -> Failure {
    if close.is_empty() {
        failure.with_hint(otherwise)
    } else {
        failure.with_hint(format!(
            "did you mean {}?",
            list_names(close.iter().map(String::as_str)).replace(", ", " or ")
        ))
    }
}

/// `--tag`: keep, in each collection, the selected requests with any of `tags` and what they
/// need (as setup); the others stay in the selection and are skipped as not tagged. A tag
/// that no selected request carries is an error naming it, with the tags there are.
pub fn by_tags(selected: &mut [Selected], tags: &[String]) -> Result<(), Failure> {
    if tags.is_empty() {
        return Ok(());
    }
    let has_tag = |s: &Selected, tag: &String| {
        s.requests.iter().any(|name| {
            s.collection
                .request(name)
                .is_ok_and(|spec| spec.tags.contains(tag))
        })
    };
    for tag in tags {
        if !selected.iter().any(|s| has_tag(s, tag)) {
            return Err(no_match_tag(selected, tag));
        }
    }
    for s in selected.iter_mut() {
        let collection = &s.collection;
        let tagged: HashSet<String> = s
            .requests
            .iter()
            .filter(|name| !s.setup.contains(*name))
            .filter(|name| {
                collection
                    .request(name)
                    .is_ok_and(|spec| spec.tags.iter().any(|t| tags.contains(t)))
            })
            .cloned()
            .collect();
        let mut wanted = Vec::new();
        let mut chosen = HashSet::new();
        let needs = collection::Needs::new(collection);
        for name in s.requests.iter().filter(|r| tagged.contains(*r)) {
            add_with_prerequisites(&needs, &mut wanted, &mut chosen, name);
        }
        let setup = &s.setup;
        s.requests
            .retain(|r| chosen.contains(r) || !setup.contains(r));
        let present: HashSet<String> = s.requests.iter().cloned().collect();
        s.requests
            .extend(wanted.into_iter().filter(|name| !present.contains(name)));
        s.requests.sort_by_key(|name| collection.position(name));
        s.setup = chosen.into_iter().filter(|r| !tagged.contains(r)).collect();
    }
    Ok(())
}

fn no_match_tag(selected: &[Selected], tag: &str) -> Failure {
    let known: BTreeSet<&str> = selected
        .iter()
        .flat_map(|s| &s.collection.requests)
        .flat_map(|r| r.tags.iter().map(String::as_str))
        .collect();
    let names: Vec<&str> = selected
        .iter()
        .map(|s| s.collection.name.as_str())
        .collect();
    let failure = Failure::usage(format!(
        "`--tag {tag}` matches no selected request of {}",
        list_names(names.iter().copied())
    ))
    .with_detail(format!(
        "  tags there: {}",
        list_names(known.iter().copied())
    ));
    if known.contains(tag) {
        return failure.with_hint(format!(
            "the requests tagged `{tag}` are not among the targets; name the collection to run them"
        ));
    }
    let close = close_matches(tag, known.iter().copied());
    with_close_matches(failure, &close, "`postie list` shows each request's tags")
}

/// Keep shard `k` of `n`. Units that must stay together — a whole collection when any of its
/// requests captures or depends on another, else single requests — are dealt out
/// deterministically: largest first, each to the least-loaded shard (ties to the lowest).
/// Every runner computes the same split, so N runners cover every request exactly once.
/// Returns how many units there were.
pub fn shard(selected: &mut [Selected], k: u32, n: u32) -> usize {
    let mut units: Vec<(usize, Vec<String>, String)> = Vec::new();
    for (ci, s) in selected.iter().enumerate() {
        let chained = s
            .collection
            .requests
            .iter()
            .any(|r| !r.captures.is_empty() || !r.depends_on.is_empty());
        let key = s.collection.path.to_string_lossy().into_owned();
        if chained {
            units.push((ci, s.requests.clone(), key));
        } else {
            for r in &s.requests {
                units.push((ci, vec![r.clone()], format!("{key}\u{0}{r}")));
            }
        }
    }
    units.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.2.cmp(&b.2)));
    let count = units.len();
    // With more shards than units, only the first `units.len()` shards get any (each unit goes
    // to the lowest empty one), so those are all that need counting: `--shard 1/4000000000`
    // allocates nothing big.
    let shards = usize::try_from(n).unwrap_or(usize::MAX).min(units.len());
    let mut load = vec![0usize; shards];
    let mut keep: std::collections::HashSet<(usize, String)> = std::collections::HashSet::new();
    for (ci, requests, _) in units {
        let target = (0..load.len()).min_by_key(|&i| (load[i], i)).unwrap_or(0);
        load[target] += requests.len();
        if target == (k - 1) as usize {
            keep.extend(requests.into_iter().map(|r| (ci, r)));
        }
    }
    for (ci, s) in selected.iter_mut().enumerate() {
        s.requests.retain(|r| keep.contains(&(ci, r.clone())));
        if !s.setup.is_empty() {
            let requests: HashSet<&String> = s.requests.iter().collect();
            s.setup.retain(|r| requests.contains(r));
        }
    }
    count
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
