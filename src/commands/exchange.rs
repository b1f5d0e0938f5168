//! One request-response cycle, shared by `run` and `send`: prepare, show what is sent, send,
//! show the response, stream the body, show timings, check expectations, and record the
//! attempt for reports.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::check::{self, ResponseView};
use crate::cli::SendOptions;
use crate::collection::{Collection, RequestSpec};
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::inbox::{InboxServer, Responder};
use crate::output::color::Palette;
use crate::output::printer::{Printer, Verbosity};
use crate::output::sink::{self, BodyMode, BodyWritten, Keep, SinkError};
use crate::report::Attempt;
use crate::request::{CaptureSource, ResolvedRequest};
use crate::resolve::Resolver;
use crate::settings::Settings;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Bodies up to this size are kept in memory for checks and captures.
const KEEP_FOR_CHECKS: usize = 64 * 1024 * 1024;
/// Otherwise this much is kept, to show when a request fails.
const EXCERPT: usize = 64 * 1024;

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// An expectation failed.
    Failed,
    /// It could not be resolved or sent (exit code of the cause).
    Errored(Code),
    /// `--dry-run`: shown, not sent.
    DryRun,
    /// stdout was closed (`| head`): stop quietly.
    BrokenPipe,
}

/// What one attempt gave: how it ended, the variables it captured, its record.
pub struct Sent {
    pub outcome: Outcome,
    /// The URL as sent, once the request got that far.
    pub url: Option<String>,
    pub captured: Vec<(String, serde_json::Value)>,
    pub attempt: Attempt,
}

/// What a run shares between its requests: the client (connections are reused), the embedded
/// inbox if a collection uses `{{inbox}}`, and where bodies go.
pub struct Plan {
    options: ClientOptions,
    client: Client,
    dry_run: bool,
    inbox: Option<Arc<InboxServer>>,
    body_mode: BodyMode,
    /// Keep the response text of passing requests too (for reports and NDJSON).
    record: bool,
}

impl Plan {
    pub async fn new(
        opts: &SendOptions,
        settings: &Settings,
        start_inbox: bool,
    ) -> Result<Plan, Failure> {
        let printer = &settings.printer;
        if opts.insecure && !opts.dry_run {
            printer.err(&printer.warning("`--insecure`: TLS certificates are not verified; anyone on the path can read and change this traffic"));
        }
        let options = ClientOptions {
            insecure: opts.insecure,
            ca_certs: opts.cacert.clone(),
            timeout: Some(opts.timeout.unwrap_or(DEFAULT_TIMEOUT)),
            connect_timeout: Duration::from_secs(10),
        };
        let client = Client::new(&options).map_err(Failure::from)?;
        let inbox = if start_inbox {
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = InboxServer::start(bind, Responder::Echo)
                .await
                .map_err(|e| {
                    Failure::usage(format!(
                        "could not start the embedded inbox on 127.0.0.1: {e}"
                    ))
                })?;
            Some(Arc::new(server))
        } else {
            None
        };
        let ctx = &settings.ctx;
        let body_mode = match &opts.output {
            Some(path) => BodyMode::File {
                path: path.clone(),
                progress: ctx.progress(),
            },
            None if printer.quiet() => BodyMode::Discard,
            None => BodyMode::Stdout {
                masker: settings.masker.clone(),
                pretty: ctx.stdout_tty || opts.pretty,
                color: settings.stdout_color,
                terminal: ctx.stdout_tty,
            },
        };
        Ok(Plan {
            options,
            client,
            dry_run: opts.dry_run,
            inbox,
            body_mode,
            record: false,
        })
    }

    /// Another plan for a concurrent job: its own client (timings are per client), the same
    /// inbox, bodies not printed (they would interleave; reports and failure details keep
    /// them).
    pub fn worker(&self) -> Result<Plan, Failure> {
        Ok(Plan {
            options: self.options.clone(),
            client: Client::new(&self.options).map_err(Failure::from)?,
            dry_run: self.dry_run,
            inbox: self.inbox.clone(),
            body_mode: BodyMode::Discard,
            record: self.record,
        })
    }

    /// Keep every exchange's text for the reports (otherwise only failures keep it).
    pub fn record_exchanges(&mut self) {
        self.record = true;
    }

    /// Bodies are not printed (`--json` owns stdout, or concurrent jobs).
    pub fn discard_bodies(&mut self) {
        if matches!(self.body_mode, BodyMode::Stdout { .. }) {
            self.body_mode = BodyMode::Discard;
        }
    }

    /// A resolver for a collection, with the builtins this run provides (`{{inbox}}`).
    pub fn resolver(
        &self,
        settings: &Settings,
        collection: &Collection,
        env: Option<&str>,
        vars: &[(String, String)],
    ) -> Result<Resolver, Failure> {
        // Without a running inbox (e.g. `--dry-run`), `{{inbox}}` shows where it would listen.
        let inbox = match &self.inbox {
            Some(server) => server.url(),
            None => "http://127.0.0.1:0".to_string(),
        };
        let builtins = [("inbox".to_string(), serde_json::Value::String(inbox))];
        Resolver::new(collection, env, vars, &builtins)
            .map(|r| r.with_secrets(settings.secret_source(collection)))
            .map_err(Failure::from)
    }

    pub async fn shutdown(self) {
        if let Some(inbox) = self.inbox
            && let Ok(inbox) = Arc::try_unwrap(inbox)
        {
            inbox.shutdown().await;
        }
    }
}

/// Text for stderr: printed at once normally; kept (quiet mode, concurrent jobs) and printed
/// whole later — only on failure in quiet mode.
pub struct Log<'a> {
    settings: &'a Settings,
    kept: Option<String>,
    /// Keep everything and let the caller print it (concurrent jobs: never interleaved).
    hold: bool,
    /// Something failed (a held log of a passing request is dropped in quiet mode).
    failed: bool,
    /// Another attempt follows a network error (`--retry`): say it in one line.
    pub network_retry: bool,
}

impl<'a> Log<'a> {
    pub fn new(settings: &'a Settings) -> Log<'a> {
        let kept = settings.printer.quiet().then(String::new);
        Log {
            settings,
            kept,
            hold: false,
            failed: false,
            network_retry: false,
        }
    }

    /// A log that keeps everything for the caller to print as one block.
    pub fn held(settings: &'a Settings) -> Log<'a> {
        Log {
            settings,
            kept: Some(String::new()),
            hold: true,
            failed: false,
            network_retry: false,
        }
    }

    pub fn say(&mut self, text: &str) {
        match &mut self.kept {
            Some(buf) => buf.push_str(text),
            None => self.settings.printer.err(text),
        }
    }

    /// The request failed: now show what was kept (quiet mode).
    pub fn failed(&mut self, text: &str) {
        self.failed = true;
        if self.hold {
            self.say(text);
            return;
        }
        if let Some(buf) = self.kept.take() {
            self.settings.printer.err(&buf);
        }
        self.settings.printer.err(text);
    }

    /// What is held for the caller (held logs; quiet logs of passing requests are dropped).
    pub fn take(&mut self) -> String {
        if self.hold && (self.failed || !self.settings.printer.quiet()) {
            self.kept.take().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// Resolve and send one request of a collection; `last`: no retry follows, so a failure is
/// shown in full.
pub async fn attempt(
    plan: &Plan,
    settings: &Settings,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    log: &mut Log<'_>,
    last: bool,
) -> Sent {
    let started = SystemTime::now();
    match resolver.resolve(collection, spec) {
        Ok(request) => {
            settings.masker.add_derived(&request.headers);
            send(plan, settings, &request, log, last).await
        }
        Err(err) => {
            let failure = Failure::from(err);
            log.failed(&failure.render(&settings.printer.palette));
            Sent {
                url: None,
                outcome: Outcome::Errored(failure.code),
                captured: Vec::new(),
                attempt: errored_attempt(started, Duration::ZERO, String::new(), &failure),
            }
        }
    }
}

/// Send an ad-hoc request (`postie send`).
pub async fn send_one(plan: &Plan, settings: &Settings, request: &ResolvedRequest) -> Outcome {
    send(plan, settings, request, &mut Log::new(settings), true)
        .await
        .outcome
}

fn errored_attempt(
    started: SystemTime,
    duration: Duration,
    request_text: String,
    failure: &Failure,
) -> Attempt {
    let plain = failure.render(&Palette::new(false));
    let error = plain
        .strip_prefix("postie: error: ")
        .unwrap_or(&plain)
        .trim_end()
        .to_string();
    Attempt {
        started,
        duration,
        status: None,
        failures: Vec::new(),
        error: Some(error),
        request_text,
        response_text: String::new(),
    }
}

async fn send(
    plan: &Plan,
    settings: &Settings,
    request: &ResolvedRequest,
    log: &mut Log<'_>,
    last: bool,
) -> Sent {
    let printer = &settings.printer;
    let plain = Printer::new(Palette::new(false), Verbosity::Verbose);
    let started = SystemTime::now();
    let clock = Instant::now();
    let client = &plan.client;
    let signed;
    let request = match &request.sign {
        Some(signing) => match sign(request, signing) {
            Ok(with_signature) => {
                signed = with_signature;
                &signed
            }
            Err(failure) => {
                log.failed(&failure.render(&printer.palette));
                return Sent {
                    url: None,
                    outcome: Outcome::Errored(failure.code),
                    captured: Vec::new(),
                    attempt: errored_attempt(started, Duration::ZERO, String::new(), &failure),
                };
            }
        },
        None => request,
    };
    // Listen before sending: the webhook may arrive before the response does.
    let mut webhooks = match (&request.expect_webhook, &plan.inbox) {
        (Some(_), Some(inbox)) => Some(inbox.subscribe()),
        _ => None,
    };
    let errored = |log: &mut Log, failure: Failure, request_text: String, url: Option<String>| {
        if failure.code == Code::Network && log.network_retry {
            // Not the end: the run retries and says so on the next line.
            log.say(&format!(
                "  {} {}\n",
                printer.palette.warn("✗"),
                failure.message
            ));
        } else {
            log.failed(&failure.render(&printer.palette));
        }
        Sent {
            url,
            outcome: Outcome::Errored(failure.code),
            captured: Vec::new(),
            attempt: errored_attempt(started, clock.elapsed(), request_text, &failure),
        }
    };
    let prepared = match client.prepare(request) {
        Ok(prepared) => prepared,
        Err(err) => return errored(log, Failure::from(err), String::new(), None),
    };
    let sent_url = prepared.url.to_string();
    let request_text = plain.request(
        &prepared.method,
        prepared.url.as_str(),
        &prepared.headers,
        &request.body,
    );
    if plan.dry_run {
        // The request exactly as it would be sent (client headers included), never sent.
        let shown = Printer::new(printer.palette, Verbosity::Verbose);
        log.say(&shown.request(
            &prepared.method,
            prepared.url.as_str(),
            &prepared.headers,
            &request.body,
        ));
        log.say(&format!(
            "  {}\n",
            printer.palette.dim("(dry run: not sent)")
        ));
        return Sent {
            url: Some(sent_url.clone()),
            outcome: Outcome::DryRun,
            captured: Vec::new(),
            attempt: Attempt {
                started,
                duration: Duration::ZERO,
                status: None,
                failures: Vec::new(),
                error: None,
                request_text,
                response_text: String::new(),
            },
        };
    }
    log.say(&printer.request(
        &prepared.method,
        prepared.url.as_str(),
        &prepared.headers,
        &request.body,
    ));
    let sent_view = (
        prepared.method.clone(),
        prepared.url.to_string(),
        prepared.headers.clone(),
    );
    let response = match client.execute(prepared).await {
        Ok(response) => response,
        Err(err) => return errored(log, Failure::from(err), request_text, Some(sent_url)),
    };
    let head = response.head.clone();
    log.say(&printer.response(&head));
    let content_type = head
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    let (reader, timings) = response.into_body();
    // Keep the body for checks and captures; otherwise a small excerpt to show on failure.
    let needs_body = request.expect.needs_body()
        || request
            .captures
            .iter()
            .any(|c| matches!(c.source, CaptureSource::Json(_) | CaptureSource::Regex(_)));
    // An attempt that may be retried doesn't print its body: the last one does (from memory).
    let deferred = !last && matches!(plan.body_mode, BodyMode::Stdout { .. });
    let keep = Keep {
        limit: if needs_body || deferred {
            KEEP_FOR_CHECKS
        } else {
            EXCERPT
        },
        complete: needs_body || deferred,
    };
    let mode = if deferred {
        &BodyMode::Discard
    } else {
        &plan.body_mode
    };
    let (written, kept) = match sink::write_body(
        reader,
        content_type.as_deref(),
        head.content_length,
        mode,
        Some(keep),
    )
    .await
    {
        Ok((BodyWritten::BrokenPipe, _)) => {
            return Sent {
                url: Some(sent_url.clone()),
                outcome: Outcome::BrokenPipe,
                captured: Vec::new(),
                attempt: errored_attempt(
                    started,
                    clock.elapsed(),
                    request_text,
                    &Failure::usage("stdout was closed"),
                ),
            };
        }
        Ok(written) => written,
        Err(SinkError::Http(err)) => {
            return errored(log, Failure::from(err), request_text, Some(sent_url));
        }
        Err(err) => {
            return errored(
                log,
                Failure::usage(err.to_string()),
                request_text,
                Some(sent_url),
            );
        }
    };
    if let Some(note) = sink::describe(&written) {
        log.say(&format!("  {}\n", printer.palette.dim(&note)));
    }
    // A withheld body wasn't downloaded: its size is in the `←` line, if the server gave one.
    let received = (!matches!(written, BodyWritten::Withheld { .. })).then(|| timings.bytes());
    let timing = timings.get();
    log.say(&printer.timings(&timing, received));

    let kept = kept.unwrap_or_else(|| Err("the body was not kept".to_string()));
    let view = ResponseView {
        status: head.status,
        headers: &head.headers,
        body: match &kept {
            Ok(bytes) if needs_body => Ok(bytes.as_slice()),
            Ok(_) => Err("the body was not kept".to_string()),
            Err(why) => Err(why.clone()),
        },
        duration: timing.total,
    };
    let mut failures = check::evaluate(&request.expect, &view);
    let mut captured = match check::capture(&request.captures, &view) {
        Ok(values) => values,
        Err(err) => {
            failures.push(check::Failure {
                what: format!("capture `{}`", err.name),
                expected: "a value".to_string(),
                actual: err.why.clone(),
                line: Some(err.line),
            });
            Vec::new()
        }
    };
    if let Some(expected) = &request.expect_webhook
        && failures.is_empty()
    {
        match webhooks.as_mut() {
            Some(rx) => match wait_for_webhook(rx, expected).await {
                Ok((event, values, waited)) => {
                    log.say(&format!(
                        "  {} webhook {} {} arrived after {}\n",
                        printer.palette.status(200, "⇠"),
                        event.method,
                        event.path,
                        crate::util::units::fmt_duration(waited)
                    ));
                    captured.extend(values);
                }
                Err(failure) => failures.push(failure),
            },
            None => failures.push(check::Failure {
                what: "webhook".to_string(),
                expected: "the embedded inbox to receive it".to_string(),
                actual: "no inbox is running (use `{{inbox}}` as the callback URL)".to_string(),
                line: Some(expected.line),
            }),
        }
    }
    // Building the text costs more than the rest of a passing request: only when needed.
    let response_text = if plan.record || !failures.is_empty() {
        plain.exchange_detail(request, &sent_view, &head, &kept, received)
    } else {
        String::new()
    };
    let attempt = Attempt {
        started,
        duration: clock.elapsed(),
        status: Some(head.status),
        failures: failures.clone(),
        error: None,
        request_text,
        response_text: response_text
            .split_once("  response:\n")
            .map_or(String::new(), |(_, r)| r.to_string()),
    };
    if failures.is_empty() {
        if deferred && let Ok(bytes) = kept {
            // The body held back while retries were possible.
            let _ = sink::write_kept(bytes, content_type.as_deref(), &plan.body_mode).await;
        }
        return Sent {
            url: Some(sent_url.clone()),
            outcome: Outcome::Passed,
            captured,
            attempt,
        };
    }
    if last {
        let mut lines: Vec<String> = failures
            .iter()
            .map(|f| printer.check_failed(&f.what, &f.expected, &f.actual))
            .collect();
        if !printer.verbose() {
            // A failing request shows its whole exchange, even without -v (as CI logs need).
            lines.push(printer.exchange_detail(request, &sent_view, &head, &kept, received));
        }
        log.failed(&lines.concat());
    }
    Sent {
        url: Some(sent_url.clone()),
        outcome: Outcome::Failed,
        captured,
        attempt,
    }
}

/// Add the signature headers of `signing` to a copy of `request` (signed over its body bytes).
fn sign(
    request: &ResolvedRequest,
    signing: &crate::request::Signing,
) -> Result<ResolvedRequest, Failure> {
    let body: &[u8] = match &request.body {
        crate::request::Body::None => &[],
        crate::request::Body::Bytes(bytes) => bytes,
        _ => {
            return Err(Failure::usage(format!(
                "`sign` in request `{}` needs a body built in memory (json, form or text)",
                request.name
            )));
        }
    };
    let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let headers = crate::webhook::sign(
        &signing.scheme,
        &signing.secret,
        &id,
        body,
        SystemTime::now(),
    )
    .map_err(|e| Failure::usage(format!("could not sign request `{}`: {e}", request.name)))?;
    let mut signed = request.clone();
    for (name, value) in headers {
        signed
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        signed.headers.push((name, value));
    }
    Ok(signed)
}

/// Wait for an event matching `expected` (path glob, method, checks); its captures come from
/// it. On timeout, say what did arrive.
async fn wait_for_webhook(
    rx: &mut tokio::sync::broadcast::Receiver<crate::inbox::Event>,
    expected: &crate::request::WebhookExpect,
) -> Result<
    (
        crate::inbox::Event,
        Vec<(String, serde_json::Value)>,
        Duration,
    ),
    check::Failure,
> {
    let clock = Instant::now();
    let deadline = tokio::time::Instant::now() + expected.within;
    let mut seen: Vec<String> = Vec::new();
    let want = format!(
        "{} {} within {}",
        expected.method.as_deref().unwrap_or("a request to"),
        expected.path,
        humantime::format_duration(expected.within)
    );
    loop {
        let event = match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(event)) => event,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => continue,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) | Err(_) => {
                let actual = if seen.is_empty() {
                    "nothing arrived".to_string()
                } else {
                    format!("{} arrived: {}", seen.len(), seen.join("; "))
                };
                return Err(check::Failure {
                    what: "webhook".to_string(),
                    expected: want,
                    actual,
                    line: Some(expected.line),
                });
            }
        };
        let label = format!("{} {}", event.method, event.path);
        if !crate::glob::matches(&expected.path, &event.path) {
            seen.push(format!("{label} (other path)"));
            continue;
        }
        if expected.method.as_ref().is_some_and(|m| m != &event.method) {
            seen.push(format!("{label} (other method)"));
            continue;
        }
        let view = ResponseView {
            status: 0,
            headers: &event.headers,
            body: Ok(&event.body),
            duration: Duration::ZERO,
        };
        let failures = check::evaluate(&expected.expect, &view);
        if let Some(first) = failures.first() {
            seen.push(format!(
                "{label} ({}: expected {}, got {})",
                first.what, first.expected, first.actual
            ));
            continue;
        }
        return match check::capture(&expected.captures, &view) {
            Ok(values) => Ok((event, values, clock.elapsed())),
            Err(err) => Err(check::Failure {
                what: format!("webhook capture `{}`", err.name),
                expected: "a value".to_string(),
                actual: err.why,
                line: Some(err.line),
            }),
        };
    }
}
