//! `postie import curl …`: a request from another tool as collection TOML, and the fidelity
//! report on stderr (exit 0 all carried, 1 something dropped, 2 unreadable input).

use std::io::Read;
use std::path::Path;

use crate::cli::{
    ImportArgs, ImportCurlArgs, ImportHttpArgs, ImportOpenapiArgs, ImportPostmanArgs, ImportSource,
};
use crate::error::{Code, Failure};
use crate::import::{self, Imported, Note, SecretRef};
use crate::settings::Settings;

pub fn run(args: &ImportArgs, settings: &Settings) -> Result<Code, Failure> {
    match &args.source {
        ImportSource::Curl(curl) => run_curl(curl, settings),
        ImportSource::Http(http) => run_http(http, settings),
        ImportSource::Postman(postman) => run_postman(postman, settings),
        ImportSource::Openapi(openapi) => run_openapi(openapi, settings),
    }
}

fn run_openapi(args: &ImportOpenapiArgs, settings: &Settings) -> Result<Code, Failure> {
    let path = settings.ctx.cwd.join(&args.file);
    let text = std::fs::read_to_string(&path).map_err(|e| io_failure("read", &path, &e))?;
    let target = Target::new(args.output.as_deref(), args.append.as_deref(), args.force);
    let collection = target.stem(&args.file, "openapi");
    let shown = args.file.display().to_string();
    let mut file = import::openapi::import_in(&shown, &text, &collection, path.parent())
        .map_err(|e| Failure::usage(format!("could not import: {e}")))?;
    let merged = target.emit(&file.requests, &file.vars, &file.envs, "openapi", settings)?;
    file.notes.extend(merged);
    let mut dropped = false;
    for request in &file.requests {
        dropped |= report(request, settings);
    }
    dropped |= report_notes("collection", &file.notes, &file.secrets, settings);
    Ok(if dropped { Code::Failed } else { Code::Ok })
}

fn run_postman(args: &ImportPostmanArgs, settings: &Settings) -> Result<Code, Failure> {
    let read = |file: &Path| {
        let path = settings.ctx.cwd.join(file);
        std::fs::read_to_string(&path).map_err(|e| io_failure("read", &path, &e))
    };
    let target = Target::new(args.output.as_deref(), args.append.as_deref(), args.force);
    let collection = target.stem(&args.file, "postman");
    let collection = collection
        .trim_end_matches(".postman_collection")
        .to_owned();
    let failure =
        |e: import::postman::PostmanError| Failure::usage(format!("could not import: {e}"));
    let shown = args.file.display().to_string();
    let mut file =
        import::postman::import(&shown, &read(&args.file)?, &collection).map_err(failure)?;
    for env in &args.env {
        let shown = env.display().to_string();
        import::postman::add_env(&mut file, &shown, &read(env)?, &collection).map_err(failure)?;
    }
    // Postman's file paths are relative to where it runs (as newman's): rebase them.
    if let Some(dir) = target.dir() {
        for request in &mut file.requests {
            request.rebase_files(dir);
        }
    }
    let merged = target.emit(&file.requests, &file.vars, &file.envs, "postman", settings)?;
    file.notes.extend(merged);
    let mut dropped = false;
    for request in &file.requests {
        dropped |= report(request, settings);
    }
    dropped |= report_notes("collection", &file.notes, &file.secrets, settings);
    Ok(if dropped { Code::Failed } else { Code::Ok })
}

/// Where an import goes: stdout, a new file (`-o`), or added to a collection (`--append`).
struct Target<'a> {
    output: Option<&'a Path>,
    append: Option<&'a Path>,
    force: bool,
}

impl<'a> Target<'a> {
    fn new(output: Option<&'a Path>, append: Option<&'a Path>, force: bool) -> Self {
        Target {
            output,
            append,
            force,
        }
    }

    /// The collection file, if the import goes to one.
    fn file(&self) -> Option<&'a Path> {
        self.append.or(self.output)
    }

    /// The directory of the collection file (file paths are made relative to it).
    fn dir(&self) -> Option<&'a Path> {
        self.file().and_then(Path::parent)
    }

    /// The collection's name (secrets are named after it): the target's stem, else the input's.
    fn stem(&self, input: &Path, fallback: &str) -> String {
        self.file()
            .unwrap_or(input)
            .file_stem()
            .map_or_else(|| fallback.to_owned(), |s| s.to_string_lossy().into_owned())
    }

    /// Writes the requests; returns what merging into an `--append` file changed.
    fn emit(
        &self,
        requests: &[Imported],
        vars: &import::write::Vars,
        envs: &[(String, Vec<(String, String)>)],
        origin: &str,
        settings: &Settings,
    ) -> Result<Vec<Note>, Failure> {
        let count = requests.len();
        if let Some(file) = self.append {
            let tables = requests.iter().map(import::write::table).collect();
            let notes = append_to(file, tables, vars, envs, self.force, settings)?;
            settings
                .printer
                .err(&format!("added {count} request(s) to {}\n", file.display()));
            return Ok(notes);
        }
        let toml = import::write::render_with(requests, vars, envs, origin);
        match self.output {
            Some(out) => {
                write_new(&settings.ctx.cwd.join(out), &toml, self.force)?;
                settings
                    .printer
                    .err(&format!("wrote {count} request(s) to {}\n", out.display()));
            }
            None => {
                crate::output::print_stdout(toml.as_bytes())?;
            }
        }
        Ok(Vec::new())
    }
}

/// `tables` (and the vars and environments the file lacks) added to the collection `file`,
/// which must exist and load afterwards; replaced atomically, nothing written on error.
pub(crate) fn append_to(
    file: &Path,
    tables: Vec<toml_edit::Table>,
    vars: &import::write::Vars,
    envs: &[(String, Vec<(String, String)>)],
    replace: bool,
    settings: &Settings,
) -> Result<Vec<Note>, Failure> {
    let path = settings.ctx.cwd.join(file);
    let source = std::fs::read_to_string(&path).map_err(|e| io_failure("read", &path, &e))?;
    let addition = import::append::Addition {
        requests: tables,
        vars,
        envs,
        replace,
    };
    let appended = import::append::append(&source, addition).map_err(|e| {
        let failure = Failure::usage(format!("could not add to `{}`: {e}", file.display()));
        match e {
            import::append::AppendError::Exists(_) => failure.with_hint(
                "rename them in the collection, add `--force` to replace them, or import into a new file with `-o`",
            ),
            _ => failure,
        }
    })?;
    // What is written must load: a clash the TOML layer cannot see fails here, not at `run`.
    crate::collection::parse(&path, &appended.text).map_err(|e| {
        Failure::from(e).with_hint(format!(
            "nothing was written: `{}` would not load with the import added",
            file.display()
        ))
    })?;
    replace_file(&path, &appended.text)?;
    Ok(appended.notes)
}

fn run_http(args: &ImportHttpArgs, settings: &Settings) -> Result<Code, Failure> {
    let path = settings.ctx.cwd.join(&args.file);
    let text = std::fs::read_to_string(&path).map_err(|e| io_failure("read", &path, &e))?;
    let target = Target::new(args.output.as_deref(), args.append.as_deref(), args.force);
    let collection = target.stem(&args.file, "http");
    let failure = |e: import::http::HttpError| {
        Failure::usage(format!("could not import `{}`: {e}", args.file.display()))
    };
    let mut file = import::http::import(&text, &collection).map_err(failure)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    for (name, private) in [
        ("http-client.env.json", false),
        ("http-client.private.env.json", true),
    ] {
        let env_path = dir.join(name);
        if let Ok(env) = std::fs::read_to_string(&env_path) {
            let shown = args.file.with_file_name(name).display().to_string();
            import::http::add_env(&mut file, &shown, &env, private, &collection)
                .map_err(failure)?;
        }
    }
    // Paths in the .http file are relative to it; in the collection, to the collection.
    let file_dir = args.file.parent().unwrap_or(Path::new(""));
    for request in &mut file.requests {
        request.rebase_files_between(file_dir, target.dir().unwrap_or(Path::new("")));
    }
    let merged = target.emit(&file.requests, &file.vars, &file.envs, "http", settings)?;
    file.notes.extend(merged);
    let mut dropped = false;
    for request in &file.requests {
        dropped |= report(request, settings);
    }
    dropped |= report_notes("environments", &file.notes, &file.secrets, settings);
    Ok(if dropped { Code::Failed } else { Code::Ok })
}

fn run_curl(args: &ImportCurlArgs, settings: &Settings) -> Result<Code, Failure> {
    let text = match args.command.as_deref() {
        None | Some("-") => read_stdin()?,
        Some(text) => text.to_owned(),
    };
    let target = Target::new(args.output.as_deref(), args.append.as_deref(), args.force);
    let collection = target
        .file()
        .and_then(|p| p.file_stem())
        .map_or_else(|| "curl".to_owned(), |s| s.to_string_lossy().into_owned());
    let mut request =
        import::curl::import(&text, args.name.as_deref(), &collection).map_err(|e| {
            Failure::usage(format!("could not import the curl command: {e}"))
                .with_hint("paste the whole command, quoted as one argument, or pipe it on stdin")
        })?;
    if let Some(dir) = target.dir() {
        request.rebase_files(dir);
    }
    let merged = target.emit(std::slice::from_ref(&request), &[], &[], "curl", settings)?;
    report(&request, settings);
    report_notes("collection", &merged, &[], settings);
    Ok(if request.dropped_any() {
        Code::Failed
    } else {
        Code::Ok
    })
}
fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .take(1 << 20)
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("could not read the command from stdin: {e}")))?;
    Ok(text)
}

/// The fidelity report of one request; true when something was dropped.
fn report(request: &Imported, settings: &Settings) -> bool {
    let head = format!("{} {} {}", request.name, request.method, request.url);
    report_notes(&head, &request.notes, &request.secrets, settings)
}

/// `  KIND: TEXT` and a line break; `dropped` is the word for what was not carried.
pub(super) fn note_line(note: &Note, dropped: &str) -> String {
    let (kind, text) = match note {
        Note::Changed(t) => ("changed", t),
        Note::Ignored(t) => ("ignored", t),
        Note::Dropped(t) => (dropped, t),
    };
    format!("  {kind}: {text}\n")
}

/// How to give secret `name` its value.
pub(super) fn set_secret(name: &str) -> String {
    format!(
        "run `postie secret set {name}` (or set {})",
        crate::secrets::env_var_name(name)
    )
}

/// What changed, was ignored or dropped under `head`, and the secrets to set.
fn report_notes(head: &str, notes: &[Note], secrets: &[SecretRef], settings: &Settings) -> bool {
    if notes.is_empty() && secrets.is_empty() && (head == "environments" || head == "collection") {
        return false;
    }
    let mut out = format!("{head}\n");
    for note in notes {
        out.push_str(&note_line(note, "dropped"));
    }
    for secret in secrets {
        out.push_str(&format!(
            "  changed: {} is `{{{{secret:{}}}}}`, not its value: {}\n",
            secret.from,
            secret.name,
            set_secret(&secret.name)
        ));
    }
    let dropped = notes
        .iter()
        .filter(|n| matches!(n, Note::Dropped(_)))
        .count();
    if dropped == 0 {
        out.push_str("  everything carried over\n");
    } else {
        out.push_str(&format!(
            "  {dropped} thing(s) did not carry over (exit 1)\n"
        ));
    }
    settings.printer.err(&out);
    dropped > 0
}

fn io_failure(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::usage(format!("could not {what} `{}`: {e}", path.display()))
}

/// A new file; an existing one only with `force` (then replaced atomically).
pub(super) fn write_new(path: &Path, text: &str, force: bool) -> Result<(), Failure> {
    if force {
        return replace_file(path, text);
    }
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            let failure = io_failure("create", path, &e);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                failure.with_hint("it exists: add `--force` to overwrite it, or `--append` to add the request to it")
            } else {
                failure
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| io_failure("write", path, &e))
}

/// Replaced atomically: a temporary file beside it, renamed over it.
pub(super) fn replace_file(path: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| io_failure("write", path, &e))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| io_failure("write", path, &e))?;
    // The temporary file is private (0600): the file it replaces keeps its own mode.
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| io_failure("write", path, &e))?;
    }
    tmp.persist(path)
        .map_err(|e| io_failure("write", path, &e.error))?;
    Ok(())
}
