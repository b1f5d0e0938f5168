//! `postie list [COLLECTION]`: the requests as a tree, with method and URL.

use std::fmt::Write as _;

use crate::cli::ListArgs;
use crate::collection::{self, Collection};
use crate::error::{Code, Failure};
use crate::output::color::Palette;
use crate::settings::Settings;

pub fn run(args: &ListArgs, settings: &Settings) -> Result<Code, Failure> {
    let paths = match &args.collection {
        Some(target) => {
            let (path, request) = collection::resolve_target(target, &settings.ctx.cwd)?;
            if request.is_some() {
                return Err(Failure::usage(format!(
                    "`postie list` takes a collection, not a request (`{target}`)"
                ))
                .with_hint("use `postie show` for one request"));
            }
            vec![path]
        }
        None => super::discovered_collections(settings, "list")?,
    };
    let palette = Palette::new(settings.stdout_color);
    let mut out = String::new();
    for path in &paths {
        let collection = collection::load(path)?;
        out.push_str(&tree(&collection, &palette));
        // Freeing a big collection's requests one by one costs more than printing them
        // (~5% of `postie list` of 100k requests), and the process exits right after.
        std::mem::forget(collection);
    }
    crate::output::print_stdout(out.as_bytes())
}

/// ```text
/// quickstart (collections/quickstart.toml): An offline tour
/// ├── GET   search       {{inbox}}/search
/// └── POST  create-plan  {{inbox}}/plans
/// ```
pub fn tree(collection: &Collection, palette: &Palette) -> String {
    let mut out = format!(
        "{} ({})",
        palette.bold(&collection.name),
        collection.path.display()
    );
    if let Some(description) = &collection.description {
        let _ = write!(out, ": {description}");
    }
    out.push('\n');
    let method_width = collection
        .requests
        .iter()
        .map(|r| r.method.len())
        .max()
        .unwrap_or(0);
    let name_width = collection
        .requests
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0);
    for (i, request) in collection.requests.iter().enumerate() {
        let branch = if i + 1 == collection.requests.len() {
            "└──"
        } else {
            "├──"
        };
        let method = &request.method;
        let (name, url) = (&request.name, &request.url);
        if palette.enabled() {
            let method = format!("{method:<method_width$}");
            let _ = writeln!(
                out,
                "{branch} {}  {name:<name_width$}  {}",
                palette.key(&method),
                palette.dim(url)
            );
        } else {
            // Written in place, without the three strings per line that painting needs.
            let _ = writeln!(
                out,
                "{branch} {method:<method_width$}  {name:<name_width$}  {url}"
            );
        }
    }
    out
}
