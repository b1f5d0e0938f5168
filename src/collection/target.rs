//! Finding collection files: `collections/*.toml` and the TARGET argument of `postie run`.

use std::path::{Path, PathBuf};

use super::CollectionError;
use crate::util::suggest::{list_names, suggestion};

/// The directory, under the working directory, where collections are looked up by name.
pub const COLLECTIONS_DIR: &str = "collections";

/// `collections/*.toml` under `dir`, sorted (paths are `dir` joined with `collections/NAME.toml`).
/// A missing or unreadable directory gives an empty list.
pub fn discover(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join(COLLECTIONS_DIR)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file())
        .collect();
    found.sort();
    found
}

/// Splits a TARGET into a collection file and an optional request name.
///
/// Forms: a path to a `.toml` file (`collections/shop.toml`, not checked here: loading reports
/// a missing file); a collection name found as `collections/NAME.toml` under `cwd` (`shop`);
/// either followed by `/REQUEST` (`shop/create-plan`, `collections/shop.toml/create-plan`).
///
/// The returned path is the one the user would write, relative to `cwd` (or absolute if the
/// target was): `shop` gives `collections/shop.toml`. Join it with `cwd` when `cwd` is not the
/// process's working directory. Whether the request exists is checked by
/// `Collection::request` once the file is loaded.
pub fn resolve_target(
    target: &str,
    cwd: &Path,
) -> Result<(PathBuf, Option<String>), CollectionError> {
    if target.ends_with(".toml") {
        return Ok((PathBuf::from(target), None));
    }
    // An explicit path (`/dev/stdin`, `./hooks`): a file, whatever its name; loading says
    // what is wrong with it.
    if (target.starts_with('/') || target.starts_with("./") || target.starts_with("../"))
        && !target.contains(".toml/")
        && cwd.join(target).exists()
    {
        return Ok((PathBuf::from(target), None));
    }
    if let Some(i) = target.find(".toml/") {
        let (file, request) = target.split_at(i + ".toml".len());
        return Ok((PathBuf::from(file), request_name(&request[1..])));
    }
    let (name, request) = match target.split_once('/') {
        Some((name, request)) => (name, request_name(request)),
        None => (target, None),
    };
    let relative = Path::new(COLLECTIONS_DIR).join(format!("{name}.toml"));
    if !name.is_empty() && cwd.join(&relative).is_file() {
        return Ok((relative, request));
    }
    let known = discover(cwd);
    let stems: Vec<String> = known
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let hint = suggestion(name, stems.iter().map(String::as_str)).unwrap_or_else(|| {
        if stems.is_empty() {
            format!("no `{COLLECTIONS_DIR}/*.toml` here; give the path to a `.toml` file")
        } else {
            format!(
                "the collections are {}",
                list_names(stems.iter().map(String::as_str))
            )
        }
    });
    Err(CollectionError::UnknownCollection {
        name: name.to_string(),
        hint,
    })
}

fn request_name(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}
