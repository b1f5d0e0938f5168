//! `postie run TARGET...`: select requests (targets, globs, tags, shards, dependencies), run
//! each collection in order — several at once with `--jobs` — with retries, show every cycle,
//! and report: the summary table, NDJSON, JUnit and JSON files, CI annotations.

use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::cli::{ReportKind, RunArgs};
use crate::collection::{self, Collection};
use crate::commands::exchange::{self, Log, Outcome, Plan};
use crate::error::{Code, Failure};
use crate::report::{CollectionReport, RequestReport, RunReport, Verdict};
use crate::settings::Settings;

/// One collection and the requests of it to run, in file order.
struct Selected {
    collection: Collection,
    requests: Vec<String>,
}

/// What every collection of the run needs to know.
struct RunContext<'a> {
    args: &'a RunArgs,
    settings: &'a Settings,
    vars: Vec<(String, String)>,
    /// Set by `--fail-fast` after a failure: the rest is not run.
    stop: Cell<bool>,
    /// Print each request's output as one block (concurrent jobs).
    hold: bool,
}

pub async fn run(args: RunArgs, settings: &Settings) -> Result<Code, Failure> {
    let targets = if args.targets.is_empty() {
        pick_target(settings)?
    } else {
        args.targets.clone()
    };
    let mut selected = select(&targets, settings)?;
    if let Some((k, n)) = args.shard {
        shard(&mut selected, k, n);
    }
    let total_requests: usize = selected.iter().map(|s| s.requests.len()).sum();
    if args.send.output.is_some() && total_requests > 1 {
        return Err(Failure::usage(format!(
            "`-o/--output` takes one request, but {total_requests} are selected"
        ))
        .with_hint("name one request, e.g. `postie run shop/create-plan -o body.json`"));
    }
    let mut vars = Vec::new();
    for file in &args.var_file {
        vars.extend(read_var_file(file)?);
    }
    vars.extend(args.vars.vars.iter().cloned());
    if !settings.printer.quiet() {
        for s in &selected {
            for warning in crate::commands::check::warnings(&s.collection) {
                settings.printer.err(&settings.printer.warning(&warning));
            }
        }
    }

    let needs_inbox = selected.iter().any(|s| s.collection.uses_variable("inbox"));
    let mut plan = Plan::new(&args.send, settings, needs_inbox && !args.send.dry_run).await?;
    if args.json {
        plan.discard_bodies();
    }
    if args.json || !args.reports.is_empty() {
        plan.record_exchanges();
    }
    let jobs = usize::from(args.jobs).min(selected.len()).max(1);
    let cx = RunContext {
        args: &args,
        settings,
        vars,
        stop: Cell::new(false),
        hold: jobs > 1,
    };
    let started = SystemTime::now();
    let clock = Instant::now();
    let collections = if jobs == 1 {
        let mut reports = Vec::new();
        for s in &selected {
            reports.push(run_collection(&cx, &plan, s).await?);
        }
        reports
    } else {
        // Round-robin groups, each run in order by its own worker (client); the groups run
        // concurrently on this thread. Reports keep the order of the selection.
        let mut workers = Vec::new();
        for _ in 0..jobs {
            workers.push(plan.worker()?);
        }
        let groups = workers.iter().enumerate().map(|(g, worker)| {
            let cx = &cx;
            let selected = &selected;
            async move {
                let mut done = Vec::new();
                for (i, s) in selected.iter().enumerate().filter(|(i, _)| i % jobs == g) {
                    done.push((i, run_collection(cx, worker, s).await));
                }
                done
            }
        });
        let mut results: Vec<(usize, Result<CollectionReport, Failure>)> =
            futures_util::future::join_all(groups)
                .await
                .into_iter()
                .flatten()
                .collect();
        results.sort_by_key(|(i, _)| *i);
        let mut reports = Vec::new();
        for (_, result) in results {
            reports.push(result?);
        }
        for worker in workers {
            worker.shutdown().await;
        }
        reports
    };
    plan.shutdown().await;
    let report = RunReport {
        started,
        duration: clock.elapsed(),
        collections,
    };
    finish(&cx, &report)
}

/// Reports, annotations, the summary; the exit code.
fn finish(cx: &RunContext<'_>, report: &RunReport) -> Result<Code, Failure> {
    let settings = cx.settings;
    let printer = &settings.printer;
    let masker = &settings.masker;
    for (kind, path) in &cx.args.reports {
        let written = match kind {
            ReportKind::Junit => {
                crate::report::junit::write(path, report, masker).map_err(|e| e.to_string())
            }
            ReportKind::Json => {
                crate::report::json::write(path, report, masker).map_err(|e| e.to_string())
            }
        };
        written.map_err(|e| Failure::usage(format!("could not write the report: {e}")))?;
    }
    if settings.ctx.github_actions {
        let lines = crate::report::github::annotations(report, masker);
        if !lines.is_empty() {
            let mut text = lines.join("\n");
            text.push('\n');
            // A workflow command must start a line; a piped body may have ended mid-line.
            if !cx.args.json && crate::output::stdout_mid_line() {
                text.insert(0, '\n');
            }
            // Workflow commands are read from stdout; with --json, stdout is NDJSON only.
            if cx.args.json {
                printer.err(&text);
            } else {
                crate::output::print_stdout(text.as_bytes())?;
            }
        }
    }
    let code = exit_code(report);
    let (passed, failed, errored, skipped, not_run) = report.counts();
    let total = passed + failed + errored + skipped + not_run;
    if cx.args.send.dry_run {
        if !printer.quiet() {
            let s = if total == 1 { "" } else { "s" };
            let line = format!("{total} request{s} resolved, nothing sent (dry run)");
            printer.err(&format!("{} {line}\n", printer.palette.bold("summary:")));
        }
    } else if total > 1 && (code != Code::Ok || !printer.quiet()) {
        printer.err(&crate::report::table::render(
            report,
            &printer.palette,
            masker,
        ));
    } else if code != Code::Ok {
        printer.err(&crate::report::table::totals(report, &printer.palette));
    }
    Ok(code)
}

/// The most serious failure decides: a collection/usage error, then a missing secret, then the
/// network, then failed expectations.
fn exit_code(report: &RunReport) -> Code {
    let mut worst = Code::Ok;
    for r in report.collections.iter().flat_map(|c| &c.requests) {
        let code = match r.verdict {
            Verdict::Failed => Code::Failed,
            Verdict::Errored { code } => Code::from_u8(code),
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

/// Run one collection's requests in order: skips, dependencies, retries, captures. With
/// `--jobs N`, consecutive requests marked `parallel = true` are sent N at a time.
async fn run_collection(
    cx: &RunContext<'_>,
    plan: &Plan,
    selected: &Selected,
) -> Result<CollectionReport, Failure> {
    let settings = cx.settings;
    let collection = &selected.collection;
    let mut resolver =
        plan.resolver(settings, collection, cx.args.vars.env.as_deref(), &cx.vars)?;
    let mut requests: Vec<RequestReport> = Vec::new();
    // Variables that failed requests should have captured, and who should have.
    let mut missing: Vec<(String, String)> = Vec::new();
    let names = &selected.requests;
    let jobs = usize::from(cx.args.jobs);
    let mut next = 0;
    while next < names.len() {
        let mut group = vec![collection.request(&names[next])?];
        if jobs > 1 && group[0].parallel {
            while let Some(name) = names.get(next + group.len()) {
                let spec = collection.request(name)?;
                if !spec.parallel {
                    break;
                }
                group.push(spec);
            }
        }
        next += group.len();
        let reasons: Vec<Option<String>> = group
            .iter()
            .map(|spec| {
                skip_reason(cx, collection, spec, &resolver, &requests)
                    .or_else(|| needs_missing_capture(collection, spec, &resolver, &missing))
            })
            .collect();
        let results = if group.len() == 1 {
            vec![
                one_request(
                    cx,
                    plan,
                    collection,
                    group[0],
                    &resolver,
                    reasons[0].clone(),
                    cx.hold,
                )
                .await,
            ]
        } else {
            // Independent requests at once, each on its own client (timings stay per request),
            // each printed as one block.
            let mut workers = Vec::new();
            for _ in 0..jobs.min(group.len()) {
                workers.push(plan.worker()?);
            }
            let mut results = Vec::new();
            for (chunk_specs, chunk_reasons) in group
                .chunks(workers.len())
                .zip(reasons.chunks(workers.len()))
            {
                let runs = chunk_specs.iter().zip(chunk_reasons).zip(&workers).map(
                    |((spec, reason), worker)| {
                        one_request(
                            cx,
                            worker,
                            collection,
                            spec,
                            &resolver,
                            reason.clone(),
                            true,
                        )
                    },
                );
                results.extend(futures_util::future::join_all(runs).await);
            }
            for worker in workers {
                worker.shutdown().await;
            }
            results
        };
        for ((record, captured, held), spec) in results.into_iter().zip(&group) {
            for (var, value) in captured {
                resolver.set(&var, value);
            }
            if !held.is_empty() {
                settings.printer.err(&held);
            }
            if cx.args.json {
                let mut line = crate::report::ndjson::line(
                    &collection.name,
                    &collection.path,
                    &record,
                    &settings.masker,
                );
                line.push('\n');
                crate::output::print_stdout(line.as_bytes())?;
            }
            if matches!(record.verdict, Verdict::Failed | Verdict::Errored { .. }) {
                if cx.args.fail_fast {
                    cx.stop.set(true);
                }
                let webhook = spec.expect_webhook.iter().flat_map(|w| &w.captures);
                for capture in spec.captures.iter().chain(webhook) {
                    missing.push((capture.name.clone(), spec.name.clone()));
                }
            }
            requests.push(record);
        }
    }
    Ok(CollectionReport {
        name: collection.name.clone(),
        path: collection.path.clone(),
        requests,
    })
}

/// One request: skipped with its reason, or sent (with retries). Returns its record, the
/// values it captured, and its output if it was held (`hold`: printed later as one block).
async fn one_request(
    cx: &RunContext<'_>,
    plan: &Plan,
    collection: &Collection,
    spec: &collection::RequestSpec,
    resolver: &crate::resolve::Resolver,
    skip: Option<String>,
    hold: bool,
) -> (RequestReport, Vec<(String, serde_json::Value)>, String) {
    let settings = cx.settings;
    let printer = &settings.printer;
    let mut record = RequestReport {
        name: spec.name.clone(),
        line: spec.line,
        method: spec.method.clone(),
        url: spec.url.clone(),
        verdict: Verdict::Passed,
        attempts: Vec::new(),
    };
    let mut captured = Vec::new();
    let mut log = if hold {
        Log::held(settings)
    } else {
        Log::new(settings)
    };
    if let Some(reason) = skip {
        let not_run = reason.starts_with("--fail-fast")
            || reason.starts_with("depends on")
            || reason.starts_with("needs `");
        if !printer.quiet() {
            log.say(&format!(
                "{} {}\n",
                printer.heading(&collection.name, &spec.name).trim_end(),
                printer.palette.dim(&format!("(skipped: {reason})"))
            ));
        }
        record.verdict = if not_run {
            Verdict::NotRun { reason }
        } else {
            Verdict::Skipped { reason }
        };
        return (record, captured, log.take());
    }
    log.say(&printer.heading(&collection.name, &spec.name));
    let times = spec.retry.map_or(1, |r| r.times.max(1));
    let interval = spec.retry.map_or(Duration::from_secs(1), |r| r.interval);
    let mut network_retries = cx.args.retry;
    let mut attempt_no = 1;
    loop {
        let last_by_count = attempt_no >= times;
        log.network_retry = network_retries > 0;
        let sent = exchange::attempt(
            plan,
            settings,
            collection,
            spec,
            resolver,
            &mut log,
            last_by_count,
        )
        .await;
        let failures = sent.attempt.failures.clone();
        if let Some(url) = sent.url {
            record.url = url;
        }
        record.attempts.push(sent.attempt);
        match sent.outcome {
            Outcome::Passed | Outcome::DryRun => {
                record.verdict = Verdict::Passed;
                captured = sent.captured;
                break;
            }
            Outcome::BrokenPipe => {
                record.verdict = Verdict::Passed;
                cx.stop.set(true);
                break;
            }
            Outcome::Failed if !last_by_count => {
                let first = failures.first().map_or(String::new(), |f| {
                    format!(" ({}: expected {}, got {})", f.what, f.expected, f.actual)
                });
                log.say(&format!(
                    "  {} attempt {attempt_no} of {times} failed{first}; again in {}\n",
                    printer.palette.warn("↻"),
                    crate::util::units::fmt_duration(interval)
                ));
                tokio::time::sleep(interval).await;
                attempt_no += 1;
            }
            Outcome::Failed => {
                record.verdict = Verdict::Failed;
                captured = sent.captured;
                break;
            }
            Outcome::Errored(Code::Network) if network_retries > 0 => {
                network_retries -= 1;
                let wait = Duration::from_millis(500);
                let left = match network_retries {
                    1 => "1 retry left".to_string(),
                    n => format!("{n} retries left"),
                };
                log.say(&format!(
                    "  {} network error; retrying in {} ({left})\n",
                    printer.palette.warn("↻"),
                    crate::util::units::fmt_duration(wait)
                ));
                tokio::time::sleep(wait).await;
            }
            Outcome::Errored(code) => {
                record.verdict = Verdict::Errored { code: code as u8 };
                break;
            }
        }
    }
    (record, captured, log.take())
}

/// Why a request is not sent, if it isn't.
fn skip_reason(
    cx: &RunContext<'_>,
    collection: &Collection,
    spec: &collection::RequestSpec,
    resolver: &crate::resolve::Resolver,
    done: &[RequestReport],
) -> Option<String> {
    if cx.stop.get() {
        return Some("--fail-fast: an earlier request failed".to_string());
    }
    if let Some(reason) = &spec.skip {
        return Some(reason.clone());
    }
    if let Some(tag) = cx.args.skip_tags.iter().find(|t| spec.tags.contains(t)) {
        return Some(format!("tagged `{tag}` (--skip-tag)"));
    }
    if !cx.args.tags.is_empty() && !cx.args.tags.iter().any(|t| spec.tags.contains(t)) {
        return Some(format!("not tagged {}", tag_list(&cx.args.tags)));
    }
    for dependency in &spec.depends_on {
        if let Some(d) = done.iter().find(|d| &d.name == dependency)
            && d.verdict != Verdict::Passed
        {
            return Some(format!("depends on `{dependency}`, which did not pass"));
        }
    }
    if let Some(template) = &spec.skip_if {
        match resolver.render(collection, spec, template) {
            Ok(value) if truthy(&value) => {
                return Some(format!("skip_if = \"{}\" is `{value}`", template.raw));
            }
            _ => {}
        }
    }
    None
}

/// A request that can't be resolved because a failed request didn't capture what it needs is
/// not run (rather than reported as a collection error).
fn needs_missing_capture(
    collection: &Collection,
    spec: &collection::RequestSpec,
    resolver: &crate::resolve::Resolver,
    missing: &[(String, String)],
) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let Err(crate::resolve::ResolveError::UnknownVariable { name, .. }) =
        resolver.resolve(collection, spec)
    else {
        return None;
    };
    missing
        .iter()
        .find(|(var, _)| *var == name)
        .map(|(var, by)| format!("needs `{var}`, which `{by}` did not capture"))
}

fn truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "off" | "null"
    )
}

fn tag_list(tags: &[String]) -> String {
    tags.iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Turn targets into collections and request names, loading each file once. A request name may
/// be a glob (`shop/create-*`); a picked request brings the requests it `depends_on`.
fn select(targets: &[String], settings: &Settings) -> Result<Vec<Selected>, Failure> {
    let mut selected: Vec<Selected> = Vec::new();
    for target in targets {
        let (path, request) = collection::resolve_target(target, &settings.ctx.cwd)?;
        let index = match selected
            .iter()
            .position(|s| same_file(&s.collection.path, &path))
        {
            Some(i) => i,
            None => {
                let collection = collection::load(&path)?;
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
fn shard(selected: &mut [Selected], k: u32, n: u32) {
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
    let mut load = vec![0usize; n as usize];
    let mut keep: std::collections::HashSet<(usize, String)> = std::collections::HashSet::new();
    for (ci, requests, _) in units {
        let target = (0..load.len()).min_by_key(|&i| (load[i], i)).unwrap_or(0);
        load[target] += requests.len();
        if target == (k - 1) as usize {
            keep.extend(requests.into_iter().map(|r| (ci, r)));
        }
    }
    for (ci, s) in selected.iter_mut().enumerate() {
        s.requests
            .retain(|r| keep.iter().any(|(c, name)| *c == ci && name == r));
    }
}

/// `KEY=VALUE` lines (dotenv): `#` comments, blank lines, an optional `export `, values
/// optionally in single or double quotes.
fn read_var_file(path: &PathBuf) -> Result<Vec<(String, String)>, Failure> {
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

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
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
    fn truthy_values() {
        for yes in ["1", "true", "yes", "x"] {
            assert!(truthy(yes), "{yes}");
        }
        for no in ["", "false", "0", "FALSE", " no "] {
            assert!(!truthy(no), "{no}");
        }
    }

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
