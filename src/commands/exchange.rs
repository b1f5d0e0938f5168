//! One request-response cycle, shared by `run` and `send`: prepare, show what is sent, send,
//! show the response, stream the body, show timings, check expectations.

use crate::app::Settings;
use crate::cli::SendOptions;
use crate::collection::{Collection, RequestSpec};
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::inbox::{InboxServer, Responder};
use crate::output::printer::{Printer, Verbosity};
use crate::output::sink::{self, BodyMode, BodyWritten, SinkError};
use crate::request::ResolvedRequest;
use crate::resolve::Resolver;

const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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

/// What a run shares between its requests: the client (connections are reused), the embedded
/// inbox if a collection uses `{{inbox}}`, and where bodies go.
pub struct Plan {
    client: Client,
    dry_run: bool,
    inbox: Option<InboxServer>,
    body_mode: BodyMode,
}

impl Plan {
    pub async fn new(
        opts: &SendOptions,
        settings: &Settings,
        start_inbox: bool,
    ) -> Result<Plan, Failure> {
        let printer = &settings.printer;
        let client = {
            if opts.insecure && !opts.dry_run {
                printer.err(&printer.warning("`--insecure`: TLS certificates are not verified; anyone on the path can read and change this traffic"));
            }
            let options = ClientOptions {
                insecure: opts.insecure,
                ca_certs: opts.cacert.clone(),
                timeout: Some(opts.timeout.unwrap_or(DEFAULT_TIMEOUT)),
                connect_timeout: std::time::Duration::from_secs(10),
            };
            Client::new(&options).map_err(Failure::from)?
        };
        let inbox = if start_inbox {
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = InboxServer::start(bind, Responder::Echo)
                .await
                .map_err(|e| {
                    Failure::usage(format!(
                        "could not start the embedded inbox on 127.0.0.1: {e}"
                    ))
                })?;
            Some(server)
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
            client,
            dry_run: opts.dry_run,
            inbox,
            body_mode,
        })
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
        if let Some(inbox) = self.inbox {
            inbox.shutdown().await;
        }
    }
}

/// Text for stderr: printed at once normally; in quiet mode kept, and printed only on failure.
struct Log<'a> {
    settings: &'a Settings,
    kept: Option<String>,
}

impl<'a> Log<'a> {
    fn new(settings: &'a Settings) -> Log<'a> {
        let kept = settings.printer.quiet().then(String::new);
        Log { settings, kept }
    }

    fn say(&mut self, text: &str) {
        match &mut self.kept {
            Some(buf) => buf.push_str(text),
            None => self.settings.printer.err(text),
        }
    }

    /// The request failed: in quiet mode, now show what was kept.
    fn failed(&mut self, text: &str) {
        if let Some(buf) = self.kept.take() {
            self.settings.printer.err(&buf);
        }
        self.settings.printer.err(text);
    }
}

/// Resolve and send one request of a collection.
pub async fn one(
    plan: &Plan,
    settings: &Settings,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &mut Resolver,
) -> Outcome {
    let mut log = Log::new(settings);
    log.say(&settings.printer.heading(&collection.name, &spec.name));
    match resolver.resolve(collection, spec) {
        Ok(request) => {
            settings.masker.add_derived(&request.headers);
            send(plan, settings, &request, log).await
        }
        Err(err) => {
            let failure = Failure::from(err);
            log.failed(&failure.render(&settings.printer.palette));
            Outcome::Errored(failure.code)
        }
    }
}

/// Send an ad-hoc request (`postie send`).
pub async fn send_one(plan: &Plan, settings: &Settings, request: &ResolvedRequest) -> Outcome {
    send(plan, settings, request, Log::new(settings)).await
}

async fn send(
    plan: &Plan,
    settings: &Settings,
    request: &ResolvedRequest,
    mut log: Log<'_>,
) -> Outcome {
    let printer = &settings.printer;
    let client = &plan.client;
    let fail = |log: &mut Log, failure: Failure| {
        log.failed(&failure.render(&printer.palette));
        Outcome::Errored(failure.code)
    };
    let prepared = match client.prepare(request) {
        Ok(prepared) => prepared,
        Err(err) => return fail(&mut log, Failure::from(err)),
    };
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
        return Outcome::DryRun;
    }
    log.say(&printer.request(
        &prepared.method,
        prepared.url.as_str(),
        &prepared.headers,
        &request.body,
    ));
    let response = match client.execute(prepared).await {
        Ok(response) => response,
        Err(err) => return fail(&mut log, Failure::from(err)),
    };
    let head = response.head.clone();
    log.say(&printer.response(&head));
    let content_type = head
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    let (reader, timings) = response.into_body();
    let written = match sink::write_body(
        reader,
        content_type.as_deref(),
        head.content_length,
        &plan.body_mode,
    )
    .await
    {
        Ok(BodyWritten::BrokenPipe) => return Outcome::BrokenPipe,
        Ok(written) => written,
        Err(SinkError::Http(err)) => return fail(&mut log, Failure::from(err)),
        Err(err) => return fail(&mut log, Failure::usage(err.to_string())),
    };
    if let Some(note) = sink::describe(&written) {
        log.say(&format!("  {}\n", printer.palette.dim(&note)));
    }
    // A withheld body wasn't downloaded: its size is in the `←` line, if the server gave one.
    let received = (!matches!(written, BodyWritten::Withheld { .. })).then(|| timings.bytes());
    log.say(&printer.timings(&timings.get(), received));
    let failures: Vec<String> = request
        .expect
        .status
        .is_empty()
        .then(Vec::new)
        .unwrap_or_else(|| {
            if request.expect.status.iter().any(|m| m.matches(head.status)) {
                Vec::new()
            } else {
                let expected: Vec<String> = request
                    .expect
                    .status
                    .iter()
                    .map(|m| m.to_string())
                    .collect();
                vec![printer.check_failed(
                    "status",
                    &expected.join(" or "),
                    &head.status.to_string(),
                )]
            }
        });
    if failures.is_empty() {
        Outcome::Passed
    } else {
        log.failed(&failures.concat());
        Outcome::Failed
    }
}
