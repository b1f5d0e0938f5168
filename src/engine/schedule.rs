//! The order of a run: collections one after another (or `--jobs` at once), requests in file
//! order with skips, dependencies and captures, `parallel = true` groups at once, retries.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::collection::{Collection, RequestSpec};
use crate::error::{Code, Failure};
use crate::output::sink::BodyMode;
use crate::record::{
    CollectionRecord, Event, Key, NotRunReason, Observer, RequestRecord, RetryCause, RetryNote,
    RunRecord, SkipReason, Verdict, mask,
};
use crate::resolve::{ResolveError, Resolver};

use super::attempt::{self, Cx, Outcome};
use super::backoff::Policy;
use super::{Engine, NETWORK_RETRY_WAIT, RunOptions, Selected};

/// What every collection of the run shares.
struct Run<'a> {
    engine: &'a Engine,
    options: &'a RunOptions,
    observer: &'a dyn Observer,
    /// Set by `--fail-fast` after a failure: the rest is not run.
    stop: Cell<bool>,
    /// A request has been sent: the next one waits `--delay` first.
    sent: Cell<bool>,
}

/// Where a collection's requests run: one at a time with the run's body mode, or alongside
/// others (concurrent jobs) with bodies discarded.
#[derive(Clone, Copy)]
struct Lane<'a> {
    concurrent: bool,
    /// The requests that run only as setup for others (bodies not printed).
    setup: &'a std::collections::BTreeSet<String>,
    /// The iteration's label (`row 3`), added to every request's name.
    label: Option<&'a str>,
}

impl Lane<'_> {
    fn name(&self, request: &str) -> String {
        super::iterate::labelled(request, self.label)
    }
}

/// Run the selection and return its record; `observer` sees every event as it happens. A
/// collection error (e.g. an environment it lacks) ends the run with that error.
pub async fn run(
    engine: &Engine,
    selection: &[Selected],
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<RunRecord, Failure> {
    let run = Run {
        engine,
        options,
        observer,
        stop: Cell::new(false),
        sent: Cell::new(false),
    };
    let started = SystemTime::now();
    let clock = Instant::now();
    let none = std::collections::BTreeSet::new();
    // A unit is one collection in one iteration: iteration after iteration, each the whole
    // selection in order (unit `u` is collection `u % n` of iteration `u / n`).
    let plain = [super::Iteration::default()];
    let iterations = match options.iterations.as_slice() {
        [] => &plain[..],
        some => some,
    };
    let n = selection.len();
    let units: Vec<(&Selected, &super::Iteration)> = iterations
        .iter()
        .flat_map(|it| selection.iter().map(move |s| (s, it)))
        .collect();
    let jobs = options.jobs.min(units.len()).max(1);
    // Round-robin groups, each run in order; the groups run concurrently on this thread and
    // share the client. Records keep the order of the selection.
    let groups = (0..jobs).map(|g| {
        let run = &run;
        let units = &units;
        let none = &none;
        async move {
            let mut done = Vec::new();
            for (i, (s, it)) in units.iter().enumerate().filter(|(i, _)| i % jobs == g) {
                let lane = Lane {
                    concurrent: jobs > 1,
                    setup: none,
                    label: it.label.as_deref(),
                };
                let result = run_collection(run, i, s, &it.vars, lane).await;
                // One at a time, a collection error ends the run there.
                let stop = jobs == 1 && result.is_err();
                done.push((i, result));
                if stop {
                    break;
                }
            }
            done
        }
    });
    let mut results: Vec<(usize, Result<CollectionRecord, Failure>)> =
        futures_util::future::join_all(groups)
            .await
            .into_iter()
            .flatten()
            .collect();
    results.sort_by_key(|(i, _)| *i);
    let (collections, mut error) = super::iterate::merge(results, n);
    if let Some(failure) = &mut error {
        mask::error(failure, &engine.masker);
    }
    Ok(RunRecord {
        started,
        duration: clock.elapsed(),
        collections,
        error,
    })
}

/// Run one collection's requests in order: skips, dependencies, retries, captures. With
/// `--jobs N`, consecutive requests marked `parallel = true` are sent N at a time.
async fn run_collection(
    run: &Run<'_>,
    index: usize,
    selected: &Selected,
    row: &[(String, Value)],
    lane: Lane<'_>,
) -> Result<CollectionRecord, Failure> {
    let lane = Lane {
        setup: &selected.setup,
        ..lane
    };
    let collection = &selected.collection;
    let options = run.options;
    let mut resolver = run
        .engine
        .resolver(collection, options.env.as_deref(), &options.vars)?;
    for (name, value) in row {
        resolver.set(name, value.clone());
    }
    let mut record = CollectionRecord {
        name: collection.name.clone(),
        path: collection.path.clone(),
        requests: Vec::new(),
    };
    // Variables that failed requests should have captured, and who should have.
    let mut missing: Vec<(String, String)> = Vec::new();
    let names = &selected.requests;
    let mut next = 0;
    while next < names.len() {
        let group = next_group(collection, names, next, options.jobs)?;
        let first = next;
        next += group.len();
        let reasons: Vec<Option<Verdict>> = group
            .iter()
            .map(|spec| {
                skip_reason(run, collection, spec, &resolver, (&record.requests, lane))
                    .or_else(|| needs_missing_capture(collection, spec, &resolver, &missing))
            })
            .collect();
        let keys: Vec<Key> = (first..next)
            .map(|request| Key {
                collection: index,
                request,
            })
            .collect();
        let results = send_group(run, collection, &group, reasons, keys, &resolver, lane).await;
        for ((done, captured), spec) in results.into_iter().zip(&group) {
            for (var, value) in captured {
                resolver.set(&var, value);
            }
            if matches!(done.verdict, Verdict::Failed | Verdict::Errored { .. }) {
                if options.fail_fast {
                    run.stop.set(true);
                }
                let webhook = spec.expect_webhook.iter().flat_map(|w| &w.captures);
                for capture in spec.captures.iter().chain(webhook) {
                    missing.push((capture.name.clone(), spec.name.clone()));
                }
            }
            record.requests.push(done);
        }
    }
    Ok(record)
}

/// The request at `next`, or with `--jobs N` the run of `parallel = true` requests there.
fn next_group<'c>(
    collection: &'c Collection,
    names: &[String],
    next: usize,
    jobs: usize,
) -> Result<Vec<&'c RequestSpec>, Failure> {
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
    Ok(group)
}

/// Send a group: one request alone, or up to `--jobs` independent ones at a time (their
/// output held and shown as one block each). Each request's `Finished` event comes in order.
async fn send_group(
    run: &Run<'_>,
    collection: &Collection,
    group: &[&RequestSpec],
    reasons: Vec<Option<Verdict>>,
    keys: Vec<Key>,
    resolver: &Resolver,
    lane: Lane<'_>,
) -> Vec<(RequestRecord, Vec<(String, Value)>)> {
    let lane = Lane {
        concurrent: lane.concurrent || group.len() > 1,
        ..lane
    };
    let width = run.options.jobs.clamp(1, group.len().max(1));
    let mut results = Vec::new();
    let items: Vec<_> = group.iter().zip(reasons).zip(&keys).collect();
    for chunk in items.chunks(width) {
        if let [((spec, reason), key)] = chunk {
            // One at a time: awaited in place (join_all would move the whole future twice).
            let one = one_request(run, **key, collection, spec, resolver, reason.clone(), lane);
            results.push(one.await);
            continue;
        }
        let runs = chunk.iter().map(|((spec, reason), key)| {
            Box::pin(one_request(
                run,
                **key,
                collection,
                spec,
                resolver,
                reason.clone(),
                lane,
            ))
        });
        results.extend(futures_util::future::join_all(runs).await);
    }
    for ((record, _), key) in results.iter_mut().zip(&keys) {
        run.observer.event(
            *key,
            &Event::Finished {
                collection: &collection.name,
                path: &collection.path,
                record,
            },
        );
        if !run.options.keep_exchanges {
            record
                .exchanges
                .iter_mut()
                .for_each(crate::record::Exchange::slim);
        }
    }
    results
}

/// One request: skipped with its reason, or sent (with retries). Returns its record (masked)
/// and the values it captured.
async fn one_request(
    run: &Run<'_>,
    key: Key,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    skip: Option<Verdict>,
    lane: Lane<'_>,
) -> (RequestRecord, Vec<(String, Value)>) {
    let setup = lane.setup.contains(&spec.name);
    let mut record = RequestRecord {
        name: lane.name(&spec.name),
        line: spec.line,
        method: spec.method.clone(),
        url: spec.url.clone(),
        verdict: Verdict::Passed,
        exchanges: Vec::new(),
        setup,
    };
    if let Some(verdict) = skip {
        record.verdict = verdict;
        mask::request(&mut record, &run.engine.masker);
        return (record, Vec::new());
    }
    if let Some(delay) = run.options.delay
        && run.sent.get()
    {
        tokio::time::sleep(delay).await;
    }
    run.sent.set(true);
    run.observer.event(
        key,
        &Event::Started {
            collection: &collection.name,
            request: &record.name,
            concurrent: lane.concurrent,
        },
    );
    let discard = BodyMode::Discard;
    // A setup request's body is not the output the user asked for (stdout or `-o`).
    let body_mode = if lane.concurrent || setup {
        &discard
    } else {
        &run.engine.body_mode
    };
    let mut cx = Cx {
        engine: run.engine,
        observer: run.observer,
        key,
        body_mode,
        network_retry: false,
        with_passed: run.options.keep_exchanges,
        retry_on: Vec::new(),
    };
    let captured = attempts(run, &mut cx, collection, spec, resolver, &mut record).await;
    mask::request(&mut record, &run.engine.masker);
    (record, captured)
}

/// Send until an attempt decides: retries of failed checks (`retry = {…}`), of statuses
/// (`retry.on`, `--retry-status`) and of network errors (`--retry`). Every attempt is kept,
/// each followed by another one noting why and after what wait.
async fn attempts(
    run: &Run<'_>,
    cx: &mut Cx<'_>,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    record: &mut RequestRecord,
) -> Vec<(String, Value)> {
    let policy = Policy::of(spec, run.options);
    let times = policy.times;
    let mut network_retries = run.options.retry;
    let mut attempt_no = 1;
    loop {
        let more = attempt_no < times;
        cx.network_retry = network_retries > 0;
        cx.retry_on = if more { policy.on.clone() } else { Vec::new() };
        let last_by_count = !(more && policy.polling);
        let sent = attempt::attempt(cx, collection, spec, resolver, last_by_count).await;
        let Kept {
            first,
            status,
            retry_after,
        } = keep(record, sent.exchange, sent.earlier);
        let settled = matches!(sent.outcome, Outcome::Passed | Outcome::Failed);
        if let Some(status) = status.filter(|s| settled && cx.retry_on.contains(s)) {
            let retry_after = retry_after.as_deref();
            status_retry(
                cx,
                record,
                &policy,
                (attempt_no, times),
                status,
                retry_after,
            )
            .await;
            attempt_no += 1;
            continue;
        }
        match sent.outcome {
            Outcome::Passed => {
                record.verdict = Verdict::Passed;
                return sent.captured;
            }
            // Nothing was captured: later requests show where their values would come from.
            Outcome::DryRun => {
                record.verdict = Verdict::Passed;
                return dry_run_captures(spec);
            }
            Outcome::BrokenPipe => {
                record.verdict = Verdict::Passed;
                run.stop.set(true);
                return Vec::new();
            }
            Outcome::Failed if !last_by_count => {
                checks_retry(cx, record, &policy, (attempt_no, times), first.as_ref()).await;
                attempt_no += 1;
            }
            Outcome::Failed => {
                record.verdict = Verdict::Failed;
                return sent.captured;
            }
            Outcome::Errored(Code::Network) if network_retries > 0 => {
                network_retries -= 1;
                network_retry(cx, record, network_retries).await;
            }
            Outcome::Errored(code) => {
                record.verdict = Verdict::Errored { code };
                return Vec::new();
            }
        }
    }
}

/// What the loop of [`attempts`] reads of an attempt once it is in the record.
struct Kept {
    first: Option<crate::check::Failure>,
    status: Option<u16>,
    retry_after: Option<String>,
}

/// Put an attempt (after the ones it made on the way, a 401 renewal's) into the record.
fn keep(
    record: &mut RequestRecord,
    exchange: crate::record::Exchange,
    earlier: Vec<crate::record::Exchange>,
) -> Kept {
    if let Some(request) = &exchange.request {
        record.url = request.url.clone();
    }
    let kept = Kept {
        first: exchange.failures.first().cloned(),
        status: exchange.status(),
        retry_after: exchange
            .response
            .as_ref()
            .and_then(|r| r.header("retry-after"))
            .map(str::to_string),
    };
    record.exchanges.extend(earlier);
    record.exchanges.push(exchange);
    kept
}

/// Checks failed and `retry` polls: note it, say so (with the first failure), wait.
async fn checks_retry(
    cx: &mut Cx<'_>,
    record: &mut RequestRecord,
    policy: &Policy,
    (attempt, of): (u32, u32),
    first: Option<&crate::check::Failure>,
) {
    note(record, RetryCause::Checks, policy.base, false);
    cx.observer.event(
        cx.key,
        &Event::Retrying {
            attempt,
            of,
            first,
            wait: policy.base,
        },
    );
    tokio::time::sleep(policy.base).await;
}

/// What a dry run's captures stand for: later requests show where their values would come
/// from.
fn dry_run_captures(spec: &RequestSpec) -> Vec<(String, Value)> {
    let webhook = spec.expect_webhook.iter().flat_map(|w| &w.captures);
    let placeholder = |c| crate::collection::capture_placeholder(&spec.name, c);
    spec.captures
        .iter()
        .chain(webhook)
        .map(|c| (c.name.clone(), Value::String(placeholder(c))))
        .collect()
}

/// A settled attempt got a status to retry on: note it, say so and wait (the response's
/// `Retry-After` if it asks, capped by the policy). `attempt` is (this attempt, of how many).
async fn status_retry(
    cx: &mut Cx<'_>,
    record: &mut RequestRecord,
    policy: &Policy,
    (attempt, of): (u32, u32),
    status: u16,
    retry_after: Option<&str>,
) {
    let (wait, from_header) = policy.wait(attempt, retry_after, SystemTime::now());
    note(record, RetryCause::Status(status), wait, from_header);
    cx.observer.event(
        cx.key,
        &Event::StatusRetry {
            status,
            attempt,
            of,
            wait,
            retry_after: from_header,
        },
    );
    tokio::time::sleep(wait).await;
}

/// A network error and `--retry` left: note it, say so, wait; `left` retries after this one.
async fn network_retry(cx: &mut Cx<'_>, record: &mut RequestRecord, left: u32) {
    note(record, RetryCause::Network, NETWORK_RETRY_WAIT, false);
    cx.observer.event(
        cx.key,
        &Event::NetworkRetry {
            wait: NETWORK_RETRY_WAIT,
            left,
        },
    );
    tokio::time::sleep(NETWORK_RETRY_WAIT).await;
}

/// The last attempt is followed by another: why, after what wait.
fn note(record: &mut RequestRecord, cause: RetryCause, wait: Duration, retry_after: bool) {
    if let Some(last) = record.exchanges.last_mut() {
        last.retry = Some(RetryNote {
            cause,
            wait,
            retry_after,
        });
    }
}

/// Why a request is not sent, if it isn't.
fn skip_reason(
    run: &Run<'_>,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    (done, lane): (&[RequestRecord], Lane<'_>),
) -> Option<Verdict> {
    let options = run.options;
    let setup = lane.setup.contains(&spec.name);
    if run.stop.get() {
        return Some(Verdict::NotRun(NotRunReason::FailFast));
    }
    if let Some(reason) = &spec.skip {
        return Some(Verdict::Skipped(SkipReason::Marked(reason.clone())));
    }
    if let Some(tag) = options.skip_tags.iter().find(|t| spec.tags.contains(t)) {
        return Some(Verdict::Skipped(SkipReason::SkipTag(tag.clone())));
    }
    // A setup request runs for a tagged one (see `select::by_tags`).
    if !setup && !options.tags.is_empty() && !options.tags.iter().any(|t| spec.tags.contains(t)) {
        return Some(Verdict::Skipped(SkipReason::NotTagged(
            options.tags.clone(),
        )));
    }
    for dependency in &spec.depends_on {
        if let Some(d) = done.iter().find(|d| d.name == lane.name(dependency))
            && d.verdict != Verdict::Passed
        {
            return Some(Verdict::NotRun(NotRunReason::Dependency(
                dependency.clone(),
            )));
        }
    }
    if let Some(template) = &spec.skip_if
        && let Ok(value) = resolver.render(collection, spec, template)
        && truthy(&value)
    {
        return Some(Verdict::Skipped(SkipReason::SkipIf {
            template: template.raw.clone(),
            value,
        }));
    }
    None
}

/// A request that can't be resolved because a failed request didn't capture what it needs is
/// not run (rather than reported as a collection error).
fn needs_missing_capture(
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    missing: &[(String, String)],
) -> Option<Verdict> {
    if missing.is_empty() {
        return None;
    }
    let Err(ResolveError::UnknownVariable { name, .. }) = resolver.resolve(collection, spec) else {
        return None;
    };
    missing
        .iter()
        .find(|(var, _)| *var == name)
        .map(|(var, by)| {
            Verdict::NotRun(NotRunReason::MissingCapture {
                variable: var.clone(),
                by: by.clone(),
            })
        })
}

fn truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "off" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quiet;
    impl Observer for Quiet {
        fn event(&self, _: Key, _: &Event<'_>) {}
    }

    /// A collection error after the first collection was sent (`run` checks environments
    /// first; the engine must not lose what ran either way): the record keeps the first
    /// collection and the error, and every sink renders both.
    #[tokio::test]
    async fn a_collection_error_mid_run_keeps_what_ran_and_records_the_error() {
        let engine = Engine::new(super::super::EngineOptions {
            client: crate::http::ClientOptions::default(),
            dry_run: false,
            start_inbox: true,
            body_mode: BodyMode::Discard,
            masker: crate::util::mask::Masker::new(false),
            secrets: std::sync::Arc::new(|_: &Collection| {
                std::sync::Arc::new(crate::secrets::NoSecrets) as _
            }),
            oauth: crate::oauth::OAuthOptions {
                keyring: false,
                ..Default::default()
            },
        })
        .await
        .unwrap();
        let load = |name: &str, source: &str| Selected {
            collection: crate::collection::parse(std::path::Path::new(name), source).unwrap(),
            requests: vec!["echo".to_string()],
            setup: Default::default(),
        };
        let request = "[[requests]]\nname = \"echo\"\nurl = \"{{inbox}}/x\"\n";
        let selection = [
            load("a.toml", &format!("[env.prod]\n{request}")),
            load("b.toml", request),
        ];
        let options = RunOptions {
            jobs: 1,
            env: Some("prod".to_string()),
            ..RunOptions::default()
        };
        let record = run(&engine, &selection, &options, &Quiet).await.unwrap();
        engine.shutdown().await;
        assert_eq!(record.collections.len(), 1);
        assert_eq!(record.collections[0].requests[0].verdict, Verdict::Passed);
        let error = record.error.as_ref().map(|e| (e.code, e.message.clone()));
        let message = "unknown environment `prod` in collection `b` (environments: none)";
        assert_eq!(error, Some((Code::Usage, message.to_string())));
        let json = crate::report::json::render(&record);
        assert_eq!(json["error"], message);
        let junit = crate::report::junit::render(&record).unwrap();
        let expected = format!(r#"<error message="{message}" type="collection_error"/>"#);
        assert!(junit.contains(&expected), "{junit}");
        let palette = crate::output::color::Palette::new(false);
        let table = crate::report::table::render(&record, &palette);
        assert!(
            table.ends_with("(stopped by a collection error)\n"),
            "{table}"
        );
    }

    #[test]
    fn truthy_values() {
        for yes in ["1", "true", "yes", "x"] {
            assert!(truthy(yes), "{yes}");
        }
        for no in ["", "false", "0", "FALSE", " no "] {
            assert!(!truthy(no), "{no}");
        }
    }
}
