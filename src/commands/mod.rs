//! One module per subcommand: short orchestration only.

pub mod auth;
pub mod check;
pub mod completions;
pub mod import;
pub mod inbox;
pub mod inbox_health;
pub mod list;
pub mod listen;
pub mod listen_forward;
pub mod plan;
pub mod replay;
pub mod run;
pub mod secret;
pub mod send;
mod send_save;
mod send_vars;
pub mod show;

use std::path::PathBuf;

use crate::error::Failure;
use crate::settings::Settings;

/// The collections under `collections/`, as paths the user would type (relative to the working
/// directory); none is a usage error telling how to name one (`postie COMMAND path/to/api.toml`).
pub fn discovered_collections(settings: &Settings, command: &str) -> Result<Vec<PathBuf>, Failure> {
    let found = crate::collection::discover(&settings.ctx.cwd);
    if found.is_empty() {
        return Err(
            Failure::usage("no collections found under `collections/`").with_hint(format!(
                "name a collection file: `postie {command} path/to/api.toml`"
            )),
        );
    }
    Ok(found
        .into_iter()
        .map(|p| {
            p.strip_prefix(&settings.ctx.cwd)
                .map(|r| r.to_path_buf())
                .unwrap_or(p)
        })
        .collect())
}

/// `--var`s as the resolver takes them.
pub fn cli_vars(vars: &[crate::cli::CliVar]) -> Vec<(String, crate::resolve::VarValue)> {
    use crate::cli::CliVar;
    use crate::resolve::VarValue;
    vars.iter()
        .map(|v| match v {
            CliVar::Text(name, text) => (name.clone(), VarValue::Text(text.clone())),
            CliVar::Json(name, json) => (name.clone(), VarValue::Json(json.clone())),
        })
        .collect()
}
