//! `postie send … --save COLLECTION/NAME`: the ad-hoc request appended to a collection
//! (created if missing), keeping the file's comments and layout; credentials as references.

use std::path::Path;

use super::send_vars::SendVars;
use crate::cli::SendArgs;
use crate::error::Failure;
use crate::import::append::{Addition, AppendError};
use crate::import::send::{SaveError, SendRequest};
use crate::import::{self, Note};
use crate::settings::Settings;

/// The first line of a collection that `--save` creates.
const HEADER: &str = "# Requests saved by `postie send --save`.\n";

pub fn save(
    args: &SendArgs,
    target: &str,
    stdin: Option<&[u8]>,
    vars: &SendVars,
    settings: &Settings,
) -> Result<(), Failure> {
    let cwd = &settings.ctx.cwd;
    let (file, name) = super::inbox::save_target(target, cwd)?;
    let shown = file.strip_prefix(cwd).unwrap_or(&file).to_path_buf();
    let collection = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let request = SendRequest {
        name: &name,
        method: &args.method,
        url: &args.url,
        items: &args.items,
        stdin,
        timeout: args.send.timeout,
        follow_redirects: !args.no_follow,
        basic: args.auth.as_deref(),
        bearer: args.bearer.as_deref(),
        collection: &collection,
        dir: shown.parent().unwrap_or(Path::new("")),
    };
    let failure = |e: &dyn std::fmt::Display| {
        Failure::usage(format!(
            "could not save the request to `{}`: {e}",
            shown.display()
        ))
    };
    let mut render = |p: &str| vars.render(p).map_err(|e| e.to_string());
    let saved = import::send::table(&request, &mut render).map_err(|e| match e {
        SaveError::TemplatedJson(item) => failure(&SaveError::TemplatedJson(item.clone()))
            .with_hint(format!(
                "write it as a string field (`{}`), or fill it in first",
                item.replacen(":=", "=", 1)
            )),
        other => failure(&other),
    })?;
    no_literal_credential(&saved.table, &file).map_err(|e| failure(&e))?;
    let (created, merged) = write(&file, &shown, &name, saved.table, args.force)?;
    let mut out = format!(
        "saved `{name}` to {}{}\n",
        shown.display(),
        if created { " (created)" } else { "" }
    );
    for note in saved.notes.iter().chain(&merged) {
        out.push_str(&super::import::note_line(note, "not saved"));
    }
    for secret in &saved.secrets {
        out.push_str(&format!(
            "  {} is saved as `{{{{secret:{}}}}}`, not its value: {}\n",
            secret.from,
            secret.name,
            super::import::set_secret(&secret.name)
        ));
    }
    settings.printer.err(&out);
    Ok(())
}

/// `table` appended to `file` (created, with [`HEADER`], when missing; a request of its name
/// refused unless `replace`); the file must load afterwards. Whether it was created, and what
/// the merge noted.
fn write(
    file: &Path,
    shown: &Path,
    name: &str,
    table: toml_edit::Table,
    replace: bool,
) -> Result<(bool, Vec<Note>), Failure> {
    let failure = |e: &dyn std::fmt::Display| {
        Failure::usage(format!(
            "could not save the request to `{}`: {e}",
            shown.display()
        ))
    };
    let (source, created) = match std::fs::read_to_string(file) {
        Ok(source) => (source, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), true),
        Err(e) => return Err(failure(&e)),
    };
    let used = placeholders(&table.to_string());
    let addition = Addition {
        requests: vec![table],
        replace,
        ..Addition::default()
    };
    let mut appended = import::append::append(&source, addition).map_err(|e| match e {
        AppendError::Exists(_) => failure(&e).with_hint(format!(
            "give another name, or add `--force` to replace `{name}`"
        )),
        other => failure(&other),
    })?;
    if created {
        appended.text = format!("{HEADER}\n{}", appended.text);
    }
    let loaded = crate::collection::parse(file, &appended.text).map_err(|e| {
        Failure::from(e).with_hint(format!("nothing was written to `{}`", shown.display()))
    })?;
    if let Some(what) = defaults_that_apply(&loaded.defaults) {
        appended.notes.push(Note::Changed(format!(
            "the collection's [defaults] ({what}) also apply to it when it runs; `send` did not use them"
        )));
    }
    for var in used.iter().filter(|v| !defines(&loaded, v)) {
        appended.notes.push(Note::Changed(format!(
            "`{{{{{var}}}}}` is not defined in the collection: run it with `--var {var}=…` (or add it to [vars])"
        )));
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| failure(&e))?;
    }
    if created {
        // Made as any new file is (the umask's mode); refused if it appeared meanwhile.
        super::import::write_new(file, &appended.text, false)?;
    } else {
        super::import::replace_file(file, &appended.text)?;
    }
    Ok((created, appended.notes))
}

/// The saved request alone holds no literal credential (what `postie check` would flag): a
/// guard behind the references `import::send` writes.
fn no_literal_credential(table: &toml_edit::Table, file: &Path) -> Result<(), String> {
    let mut doc = toml_edit::DocumentMut::new();
    let mut requests = toml_edit::ArrayOfTables::new();
    requests.push(table.clone());
    doc.insert("requests", toml_edit::Item::ArrayOfTables(requests));
    let alone = crate::collection::parse(file, &doc.to_string()).map_err(|e| e.to_string())?;
    match crate::collection::credentials::find(&alone).first() {
        Some(found) => Err(format!(
            "it would hold a literal credential: {}",
            found.diagnostic.message
        )),
        None => Ok(()),
    }
}

/// What of a collection's `[defaults]` changes a request it runs: `headers`, `auth`, …
fn defaults_that_apply(d: &crate::collection::Defaults) -> Option<String> {
    let mut what = Vec::new();
    if !d.headers.is_empty() {
        what.push("headers");
    }
    if !d.query.is_empty() {
        what.push("query");
    }
    if d.auth.is_some() {
        what.push("auth");
    }
    if d.timeout.is_some() {
        what.push("timeout");
    }
    (!what.is_empty()).then(|| what.join(", "))
}

/// The `{{name}}` variables in `text` (TOML of a request): not `{{secret:…}}`, `{{env:…}}`,
/// `{{$…}}`, `{{inbox}}` or an escaped `\{{`.
fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let escaped = rest[..start].ends_with('\\');
        rest = &rest[start + 2..];
        let Some(end) = rest.find("}}") else { break };
        let name = rest[..end].trim();
        let plain = !name.is_empty() && !name.contains([':', '$', '{', '"']) && name != "inbox";
        if !escaped && plain && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
        rest = &rest[end + 2..];
    }
    found
}

/// Whether the collection gives `var` a value: `[vars]`, an environment, or a capture.
fn defines(c: &crate::collection::Collection, var: &str) -> bool {
    c.vars.iter().any(|v| v.name == var)
        || c.envs.iter().any(|e| e.vars.iter().any(|v| v.name == var))
        || c.requests
            .iter()
            .any(|r| r.captures.iter().any(|k| k.name == var))
}
