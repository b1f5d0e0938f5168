//! `postie run TARGET...`: load collections, resolve each request, send it, show the cycle,
//! check expectations, and end with a summary line.

use std::time::Instant;

use crate::app::Settings;
use crate::cli::RunArgs;
use crate::collection::{self, Collection};
use crate::commands::exchange::{self, Outcome, Plan};
use crate::error::{Code, Failure};

/// One collection and the requests of it to run, in file order.
struct Selected {
    collection: Collection,
    requests: Vec<String>,
}

pub async fn run(args: RunArgs, settings: &Settings) -> Result<Code, Failure> {
    let targets = if args.targets.is_empty() {
        pick_target(settings)?
    } else {
        args.targets.clone()
    };
    let selected = select(&targets, settings)?;
    let total_requests: usize = selected.iter().map(|s| s.requests.len()).sum();
    if args.send.output.is_some() && total_requests > 1 {
        return Err(Failure::usage(format!(
            "`-o/--output` takes one request, but {total_requests} are selected"
        ))
        .with_hint("name one request, e.g. `postie run shop/create-plan -o body.json`"));
    }

    if !settings.printer.quiet() {
        for s in &selected {
            for warning in crate::commands::check::warnings(&s.collection) {
                settings.printer.err(&settings.printer.warning(&warning));
            }
        }
    }
    let needs_inbox = selected.iter().any(|s| s.collection.uses_variable("inbox"));
    let plan = Plan::new(&args.send, settings, needs_inbox && !args.send.dry_run).await?;
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut stop = false;
    for Selected {
        collection,
        requests,
    } in &selected
    {
        let mut resolver = plan.resolver(
            settings,
            collection,
            args.vars.env.as_deref(),
            &args.vars.vars,
        )?;
        for name in requests {
            if stop {
                tally.not_run += 1;
                continue;
            }
            let spec = collection.request(name).map_err(Failure::from)?;
            let outcome = exchange::one(&plan, settings, collection, spec, &mut resolver).await;
            if matches!(outcome, Outcome::BrokenPipe) {
                plan.shutdown().await;
                return Ok(Code::Ok);
            }
            tally.add(&outcome);
            if args.fail_fast && !matches!(outcome, Outcome::Passed | Outcome::DryRun) {
                stop = true;
            }
        }
    }
    plan.shutdown().await;
    let printer = &settings.printer;
    let code = tally.code();
    if args.send.dry_run && code == Code::Ok {
        if !printer.quiet() {
            let s = if tally.dry_run == 1 { "" } else { "s" };
            let line = format!(
                "{} request{s} resolved, nothing sent (dry run)",
                tally.dry_run
            );
            printer.err(&format!("{} {line}\n", printer.palette.bold("summary:")));
        }
    } else if code != Code::Ok || (total_requests > 1 && !printer.quiet()) {
        printer.err(&printer.summary(
            tally.passed,
            tally.failed,
            tally.errored,
            tally.not_run,
            started.elapsed(),
        ));
    }
    Ok(tally.code())
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    errored: usize,
    not_run: usize,
    dry_run: usize,
    worst: Option<Code>,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        let code = match outcome {
            Outcome::Passed | Outcome::BrokenPipe => {
                self.passed += 1;
                return;
            }
            Outcome::DryRun => {
                self.dry_run += 1;
                return;
            }
            Outcome::Failed => {
                self.failed += 1;
                Code::Failed
            }
            Outcome::Errored(code) => {
                self.errored += 1;
                *code
            }
        };
        self.worst = Some(match self.worst {
            Some(w) if severity(w) >= severity(code) => w,
            _ => code,
        });
    }

    fn code(&self) -> Code {
        self.worst.unwrap_or(Code::Ok)
    }
}

/// When kinds of failure mix, the exit code is the most serious: a collection/usage error,
/// then a missing secret, then the network, then failed expectations.
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

/// Turn targets into collections and request names, loading each file once.
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
        match request {
            Some(name) => {
                let spec = entry.collection.request(&name)?;
                if !entry.requests.contains(&spec.name) {
                    entry.requests.push(spec.name.clone());
                }
            }
            None => {
                entry.requests = entry
                    .collection
                    .requests
                    .iter()
                    .map(|r| r.name.clone())
                    .collect()
            }
        }
    }
    // Run requests of a collection in file order, whatever order they were named in.
    for entry in &mut selected {
        let order = |name: &String| {
            entry
                .collection
                .requests
                .iter()
                .position(|r| &r.name == name)
        };
        entry.requests.sort_by_key(order);
    }
    Ok(selected)
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
