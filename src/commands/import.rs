//! `postie import curl …`: a request from another tool as collection TOML, and the fidelity
//! report on stderr (exit 0 all carried, 1 something dropped, 2 unreadable input).

use std::io::Read;
use std::path::Path;

use crate::cli::{ImportArgs, ImportCurlArgs, ImportSource};
use crate::error::{Code, Failure};
use crate::import::{self, Imported, Note};
use crate::settings::Settings;

pub fn run(args: &ImportArgs, settings: &Settings) -> Result<Code, Failure> {
    match &args.source {
        ImportSource::Curl(curl) => run_curl(curl, settings),
    }
}

fn run_curl(args: &ImportCurlArgs, settings: &Settings) -> Result<Code, Failure> {
    let text = match args.command.as_deref() {
        None | Some("-") => read_stdin()?,
        Some(text) => text.to_owned(),
    };
    let target = args.append.as_ref().or(args.output.as_ref());
    let collection = target
        .and_then(|p| p.file_stem())
        .map_or_else(|| "curl".to_owned(), |s| s.to_string_lossy().into_owned());
    let mut request =
        import::curl::import(&text, args.name.as_deref(), &collection).map_err(|e| {
            Failure::usage(format!("could not import the curl command: {e}"))
                .with_hint("paste the whole command, quoted as one argument, or pipe it on stdin")
        })?;
    let cwd = &settings.ctx.cwd;
    if let Some(dir) = target.and_then(|t| t.parent()) {
        request.rebase_files(dir);
    }
    if let Some(file) = &args.append {
        let path = cwd.join(file);
        let source = std::fs::read_to_string(&path).map_err(|e| io_failure("read", &path, &e))?;
        let text = import::write::append(&source, &request)
            .map_err(|e| Failure::usage(format!("could not add to `{}`: {e}", path.display())))?;
        replace_file(&path, &text)?;
        settings
            .printer
            .err(&format!("added `{}` to {}\n", request.name, file.display()));
    } else if let Some(file) = &args.output {
        let path = cwd.join(file);
        write_new(
            &path,
            &import::write::render(std::slice::from_ref(&request), "curl"),
            args.force,
        )?;
        settings
            .printer
            .err(&format!("wrote `{}` to {}\n", request.name, file.display()));
    } else {
        crate::output::print_stdout(
            import::write::render(std::slice::from_ref(&request), "curl").as_bytes(),
        )?;
    }
    report(&request, settings);
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

/// The fidelity report: what changed, what was ignored, what was dropped, and the secrets to set.
fn report(request: &Imported, settings: &Settings) {
    let printer = &settings.printer;
    let mut out = format!("{} {} {}\n", request.name, request.method, request.url);
    for note in &request.notes {
        let (kind, text) = match note {
            Note::Changed(t) => ("changed", t),
            Note::Ignored(t) => ("ignored", t),
            Note::Dropped(t) => ("dropped", t),
        };
        out.push_str(&format!("  {kind}: {text}\n"));
    }
    for secret in &request.secrets {
        out.push_str(&format!(
            "  changed: {} is `{{{{secret:{}}}}}`, not its value: run `postie secret set {}` (or set {})\n",
            secret.from,
            secret.name,
            secret.name,
            crate::secrets::env_var_name(&secret.name)
        ));
    }
    let dropped = request
        .notes
        .iter()
        .filter(|n| matches!(n, Note::Dropped(_)))
        .count();
    if dropped == 0 {
        out.push_str("everything carried over\n");
    } else {
        out.push_str(&format!("{dropped} thing(s) did not carry over (exit 1)\n"));
    }
    printer.err(&out);
}

fn io_failure(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::usage(format!("could not {what} `{}`: {e}", path.display()))
}

/// A new file; an existing one only with `force` (then replaced atomically).
fn write_new(path: &Path, text: &str, force: bool) -> Result<(), Failure> {
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
fn replace_file(path: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| io_failure("write", path, &e))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| io_failure("write", path, &e))?;
    tmp.persist(path)
        .map_err(|e| io_failure("write", path, &e.error))?;
    Ok(())
}
