//! Which requests run: targets (files, names, globs) with the requests they depend on, in
//! file order, and `--shard K/N`.

use crate::collection::{self, Collection};
use crate::error::Failure;

/// One collection and the requests of it to run, in file order.
pub struct Selected {
    pub collection: Collection,
    pub requests: Vec<String>,
}

/// Turn targets into collections and request names, loading each file once. A request name may
/// be a glob (`shop/create-*`); a picked request brings the requests it `depends_on`.
pub fn select(targets: &[String], cwd: &std::path::Path) -> Result<Vec<Selected>, Failure> {
    let mut selected: Vec<Selected> = Vec::new();
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
                });
                selected.len() - 1
            }
        };
        let entry = &mut selected[index];
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
                    return Err(Failure::usage(format!(
                        "no request of `{}` matches `{pattern}`",
                        entry.collection.name
                    ))
                    .with_hint("`postie list` shows the requests"));
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
        let mut chosen: std::collections::HashSet<String> =
            entry.requests.iter().cloned().collect();
        for name in names {
            add_with_dependencies(&entry.collection, &mut entry.requests, &mut chosen, &name);
        }
    }
    // Run requests of a collection in file order, whatever order they were named in.
    for entry in &mut selected {
        let collection = &entry.collection;
        entry.requests.sort_by_key(|name| collection.position(name));
    }
    Ok(selected)
}

fn add_with_dependencies(
    collection: &Collection,
    into: &mut Vec<String>,
    chosen: &mut std::collections::HashSet<String>,
    name: &str,
) {
    if !chosen.insert(name.to_string()) {
        return;
    }
    into.push(name.to_string());
    if let Ok(spec) = collection.request(name) {
        for dependency in &spec.depends_on {
            add_with_dependencies(collection, into, chosen, dependency);
        }
    }
}

/// Keep shard `k` of `n`. Units that must stay together — a whole collection when any of its
/// requests captures or depends on another, else single requests — are dealt out
/// deterministically: largest first, each to the least-loaded shard (ties to the lowest).
/// Every runner computes the same split, so N runners cover every request exactly once.
pub fn shard(selected: &mut [Selected], k: u32, n: u32) {
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
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
