//! `postie run TARGET...`: wire the arguments to the run engine (selection, shards, options),
//! hand its events to the sinks (the terminal printer, NDJSON), then write the reports,
//! annotations and the summary from its record.

use std::path::PathBuf;

use crate::cli::{ReportKind, RunArgs};
use crate::collection;
use crate::engine::{self, RunOptions, select};
use crate::error::{Code, Failure};
use crate::output::live::Live;
use crate::output::progress::Progress;
use crate::record::{Fanout, NotRunReason, RunRecord, Verdict};
use crate::report::ndjson::Ndjson;
use crate::resolve::VarValue;
use crate::settings::Settings;

pub async fn run(args: RunArgs, settings: &Settings) -> Result<Code, Failure> {
    let targets = if args.targets.is_empty() {
        pick_target(settings)?
    } else {
        args.targets.clone()
    };
    let mut selected = select::select(&targets, &settings.ctx.cwd)?;
    select::by_tags(&mut selected, &args.tags)?;
    if let Some((k, n)) = args.shard {
        let units = select::shard(&mut selected, k, n);
        if selected.iter().all(|s| s.requests.is_empty()) {
            return Err(empty_shard(k, n, units));
        }
    }
    // Setup requests (what the selected ones need) don't count: `-o` is for the target.
    let targeted: usize = selected
        .iter()
        .map(|s| s.requests.len() - s.setup.len())
        .sum();
    if args.send.output.is_some() && targeted > 1 {
        return Err(Failure::usage(format!(
            "`-o/--output` takes one request, but {targeted} are selected"
        ))
        .with_hint("name one request, e.g. `postie run shop/create-plan -o body.json`"));
    }
    let options = run_options(&args)?;
    // Every collection must have the environment before anything is sent.
    for s in &selected {
        crate::resolve::Resolver::new(&s.collection, options.env.as_deref(), &options.vars, &[])?;
    }
    if !settings.printer.quiet() {
        for s in &selected {
            for warning in crate::commands::check::warnings(&s.collection) {
                settings.printer.err(&settings.printer.warning(&warning));
            }
        }
    }
    let needs_inbox = selected.iter().any(|s| s.collection.uses_variable("inbox"));
    let engine =
        crate::commands::plan::engine(&args.send, settings, needs_inbox, !args.json).await?;
    let live = Live::new(&settings.printer);
    let total_requests: usize = selected.iter().map(|s| s.requests.len()).sum();
    let passes = options.iterations.len().max(1);
    let progress = Progress::new(&live, total_requests * passes);
    let ndjson = Ndjson::default();
    let shown: &dyn crate::record::Observer =
        if Progress::wanted(&settings.ctx, total_requests * passes) && !args.send.dry_run {
            &progress
        } else {
            &live
        };
    let kept = Kept::new(options.keep_exchanges);
    let mut sinks: Vec<&dyn crate::record::Observer> = vec![shown, &kept];
    if args.json {
        sinks.push(&ndjson);
    }
    let fanout = Fanout(sinks);
    let started = std::time::SystemTime::now();
    let clock = std::time::Instant::now();
    let record = tokio::select! {
        record = engine::run(&engine, &selected, &options, &fanout) => record,
        // Ctrl-C: the reports and the summary still say what had finished (the requests in
        // flight are dropped); everything here is synchronous, so it is done before the
        // runtime's own Ctrl-C handler (`app::block_on`, which polls this future first) ends it.
        _ = tokio::signal::ctrl_c() => {
            progress.finish();
            let record = kept.record(started, clock.elapsed());
            let _ = finish(&args, settings, &record);
            let _ = engine.save_cookies();
            return Ok(Code::Interrupted);
        }
    };
    progress.finish();
    // The jar is written even when the run failed (as curl writes `-c FILE`); reports too.
    let saved = engine.save_cookies();
    engine.shutdown().await;
    let record = record?;
    // The reports and the summary first: they say what was sent, whatever went wrong since.
    let code = finish(&args, settings, &record);
    ndjson.result()?;
    saved?;
    match &record.error {
        Some(failure) => Err(failure.clone()),
        None => code,
    }
}

/// A copy of each finished request's record (already masked): what an interrupted run's
/// summary and reports are written from. `full` is the run's `keep_exchanges` (a report will
/// read the exchanges); otherwise the copy is slimmed as the engine slims its own.
struct Kept {
    full: bool,
    done: std::sync::Mutex<Vec<(usize, String, PathBuf, crate::record::RequestRecord)>>,
}

impl Kept {
    fn new(full: bool) -> Kept {
        Kept {
            full,
            done: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The run so far: the finished requests by collection, in the order they finished, and
    /// the interruption as the run's error.
    fn record(&self, started: std::time::SystemTime, duration: std::time::Duration) -> RunRecord {
        let mut done = std::mem::take(&mut *self.done.lock().unwrap_or_else(|p| p.into_inner()));
        done.sort_by_key(|(collection, ..)| *collection);
        let mut collections: Vec<(usize, crate::record::CollectionRecord)> = Vec::new();
        for (index, name, path, request) in done {
            match collections.last_mut() {
                Some((last, into)) if *last == index => into.requests.push(request),
                _ => collections.push((
                    index,
                    crate::record::CollectionRecord {
                        name,
                        path,
                        requests: vec![request],
                    },
                )),
            }
        }
        let finished: usize = collections.iter().map(|(_, c)| c.requests.len()).sum();
        let s = if finished == 1 { "" } else { "s" };
        RunRecord {
            started,
            duration,
            collections: collections.into_iter().map(|(_, c)| c).collect(),
            error: Some(Failure::new(
                Code::Interrupted,
                format!(
                    "interrupted (Ctrl-C): the {finished} request{s} that had finished are reported, the rest were not run"
                ),
            )),
        }
    }
}

impl crate::record::Observer for Kept {
    fn event(&self, key: crate::record::Key, event: &crate::record::Event<'_>) {
        if let crate::record::Event::Finished {
            collection,
            path,
            record,
        } = event
        {
            let record = if self.full {
                (*record).clone()
            } else {
                record.slimmed()
            };
            let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
            done.push((
                key.collection,
                collection.to_string(),
                path.to_path_buf(),
                record,
            ));
        }
    }
}

/// `--shard K/N` left this runner nothing.
fn empty_shard(k: u32, n: u32, units: usize) -> Failure {
    let s = if units == 1 { "" } else { "s" };
    Failure::usage(format!(
        "shard {k}/{n} has no requests: the selection splits into {units} unit{s} (a collection whose requests capture or depend on each other is one)"
    ))
    .with_hint(format!(
        "with this selection, use at most {units} shard{s} (`--shard K/{units}`)"
    ))
}

fn run_options(args: &RunArgs) -> Result<RunOptions, Failure> {
    let mut vars = Vec::new();
    for file in &args.var_file {
        let read = read_var_file(file)?;
        vars.extend(read.into_iter().map(|(k, v)| (k, VarValue::Text(v))));
    }
    vars.extend(super::cli_vars(&args.vars.vars));
    Ok(RunOptions {
        jobs: usize::from(args.jobs).max(1),
        fail_fast: args.fail_fast,
        tags: args.tags.clone(),
        skip_tags: args.skip_tags.clone(),
        retry: args.retry,
        env: args.vars.env.clone(),
        vars,
        keep_exchanges: !args.reports.is_empty(),
        iterations: iterations(args)?,
        delay: args.delay,
        retry_status: args.retry_status.clone(),
    })
}

/// The passes of the run: `--data` rows or `--iterations`, times `--repeat`.
fn iterations(args: &RunArgs) -> Result<Vec<engine::Iteration>, Failure> {
    let rows = match &args.data {
        Some(path) => Some(crate::data::load(path)?),
        None => None,
    };
    Ok(engine::plan_iterations(rows, args.iterations, args.repeat))
}

/// Reports, annotations, the summary; the exit code.
fn finish(args: &RunArgs, settings: &Settings, report: &RunRecord) -> Result<Code, Failure> {
    let printer = &settings.printer;
    // Every report is attempted, and the summary printed, even when one cannot be written.
    let mut unwritten = None;
    for (kind, path) in &args.reports {
        let written = match kind {
            ReportKind::Junit => {
                crate::report::junit::write(path, report).map_err(|e| e.to_string())
            }
            ReportKind::Json => crate::report::json::write(path, report).map_err(|e| e.to_string()),
            ReportKind::Har => crate::report::har::write(path, report).map_err(|e| e.to_string()),
            ReportKind::Html => crate::report::html::write(path, report).map_err(|e| e.to_string()),
            ReportKind::Tap => crate::report::tap::write(path, report).map_err(|e| e.to_string()),
        };
        if let Err(e) = written {
            let failure = Failure::usage(format!("could not write the report: {e}"));
            match unwritten {
                None => unwritten = Some(failure),
                Some(_) => printer.err(&printer.warning(&failure.message)),
            }
        }
    }
    let code = summarise(args, settings, report)?;
    match unwritten {
        Some(failure) => Err(failure),
        None => Ok(code),
    }
}

/// Annotations and the summary; the exit code.
fn summarise(args: &RunArgs, settings: &Settings, report: &RunRecord) -> Result<Code, Failure> {
    let printer = &settings.printer;
    if settings.ctx.github_actions {
        annotate(args, settings, report)?;
    }
    if !args.send.dry_run {
        job_summary(settings, report)?;
    }
    let code = exit_code(report);
    let (passed, failed, errored, skipped, not_run) = report.counts();
    let total = passed + failed + errored + skipped + not_run;
    if args.send.dry_run {
        if !printer.quiet() {
            let s = if total == 1 { "" } else { "s" };
            let line = format!("{total} request{s} resolved, nothing sent (dry run)");
            printer.err(&format!("{} {line}\n", printer.palette.bold("summary:")));
        }
    } else if total > 1 && (code != Code::Ok || !printer.quiet()) {
        printer.err(&crate::report::table::render(report, &printer.palette));
    } else if code != Code::Ok {
        printer.err(&crate::report::table::totals(report, &printer.palette));
    }
    Ok(code)
}

/// On GitHub Actions, the Markdown job summary appended to `$GITHUB_STEP_SUMMARY`.
fn job_summary(settings: &Settings, report: &RunRecord) -> Result<(), Failure> {
    use crate::report::step_summary;
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let repo = step_summary::Repo::from_env(&settings.ctx.cwd);
    step_summary::append(&path, report, &repo).map_err(|e| {
        Failure::usage(format!(
            "could not append the job summary to `{}` (GITHUB_STEP_SUMMARY): {}",
            path.display(),
            e.kind()
        ))
    })
}

/// GitHub Actions workflow commands for failures (stdout, or stderr with `--json`).
fn annotate(args: &RunArgs, settings: &Settings, report: &RunRecord) -> Result<(), Failure> {
    let lines = crate::report::github::annotations(report);
    if lines.is_empty() {
        return Ok(());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    // A workflow command must start a line; a piped body may have ended mid-line.
    if !args.json && crate::output::stdout_mid_line() {
        text.insert(0, '\n');
    }
    // Workflow commands are read from stdout; with --json, stdout is NDJSON only.
    if args.json {
        settings.printer.err(&text);
    } else {
        crate::output::print_stdout(text.as_bytes())?;
    }
    Ok(())
}

/// The most serious failure decides: a collection/usage error, then a missing secret, then the
/// network, then failed expectations.
fn exit_code(report: &RunRecord) -> Code {
    let mut worst = report.error.as_ref().map_or(Code::Ok, |e| e.code);
    for r in report.collections.iter().flat_map(|c| &c.requests) {
        let code = match r.verdict {
            // Not run because something it needs failed: nothing was tested, not a pass.
            Verdict::Failed | Verdict::NotRun(NotRunReason::Dependency(_)) => Code::Failed,
            Verdict::NotRun(NotRunReason::MissingCapture { .. }) => Code::Failed,
            Verdict::Errored { code } => code,
            _ => continue,
        };
        if severity(code) > severity(worst) {
            worst = code;
        }
    }
    worst
}

fn severity(code: Code) -> u8 {
    match code {
        Code::Ok => 0,
        Code::Failed => 1,
        Code::Network => 2,
        Code::Secret => 3,
        Code::Usage => 4,
        Code::Interrupted => 5,
    }
}

/// `KEY=VALUE` lines (dotenv): `#` comments, blank lines, an optional `export `, values
/// optionally in single or double quotes.
pub fn read_var_file(path: &PathBuf) -> Result<Vec<(String, String)>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "could not read the variable file `{}`: {}",
            path.display(),
            e.kind()
        ))
    })?;
    let mut vars = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(Failure::usage(format!(
                "{}:{}: expected KEY=VALUE, got `{line}`",
                path.display(),
                i + 1
            )));
        };
        let value = value.trim();
        let value = if value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')))
        {
            &value[1..value.len() - 1]
        } else {
            value
        };
        vars.push((key.trim().to_string(), value.to_string()));
    }
    Ok(vars)
}

/// No target: a fuzzy picker on a terminal, else a usage error listing what exists.
fn pick_target(settings: &Settings) -> Result<Vec<String>, Failure> {
    let found = collection::discover(&settings.ctx.cwd);
    if !settings.ctx.interactive() {
        let names: Vec<String> = found.iter().filter_map(|p| stem(p)).collect();
        let mut failure = Failure::usage("no target given");
        failure = if names.is_empty() {
            failure.with_hint("name a collection file, e.g. `postie run path/to/api.toml` (no `collections/` directory here)")
        } else {
            failure
                .with_detail(format!(
                    "  collections found under `collections/`: {}",
                    names.join(", ")
                ))
                .with_hint(format!(
                    "`postie run {}` runs one; add `/REQUEST` for a single request",
                    names[0]
                ))
        };
        return Err(failure);
    }
    let mut choices = Vec::new();
    let mut labels = Vec::new();
    for path in &found {
        let Some(name) = stem(path) else { continue };
        let Ok(collection) = collection::load(path) else {
            continue;
        };
        choices.push(name.clone());
        labels.push(format!("{name}  (whole collection)"));
        for request in &collection.requests {
            choices.push(format!("{name}/{}", request.name));
            labels.push(format!(
                "{name} / {}  {} {}",
                request.name, request.method, request.url
            ));
        }
    }
    if choices.is_empty() {
        return Err(Failure::usage(
            "no target given and no collections found under `collections/`",
        )
        .with_hint("name a collection file: `postie run path/to/api.toml`"));
    }
    let picked = dialoguer::FuzzySelect::new()
        .with_prompt("request to run")
        .items(&labels)
        .default(0)
        .interact_opt()
        .map_err(|e| Failure::usage(format!("the picker failed: {e}")))?;
    match picked {
        Some(i) => Ok(vec![choices[i].clone()]),
        None => Err(Failure::new(Code::Interrupted, "nothing picked")),
    }
}

fn stem(path: &std::path::Path) -> Option<String> {
    path.file_stem().map(|s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_files_are_dotenv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "# comment\nA=1\nexport B=\"two words\"\nC='x=y'\n\nD=\n",
        )
        .unwrap();
        assert_eq!(
            read_var_file(&path).unwrap(),
            vec![
                ("A".to_string(), "1".to_string()),
                ("B".to_string(), "two words".to_string()),
                ("C".to_string(), "x=y".to_string()),
                ("D".to_string(), String::new()),
            ]
        );
        std::fs::write(&path, "oops\n").unwrap();
        let err = read_var_file(&path).unwrap_err();
        assert_eq!(
            err.message,
            format!("{}:1: expected KEY=VALUE, got `oops`", path.display())
        );
    }
}
