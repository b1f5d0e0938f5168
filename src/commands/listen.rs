//! `postie listen`: receive webhooks, keep each one in the durable inbox before answering,
//! show it in real time, optionally verify its signature and forward it to a local app.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;

use serde_json::json;
use tokio::sync::mpsc;

use crate::cli::ListenArgs;
use crate::commands::listen_forward::{self as forward, Target};
use crate::error::{Code, Failure};
use crate::inbox::durable::{self, StoreNotice};
use crate::inbox::limits::{self, Limits};
use crate::inbox::store::{self, Delivery, Log, StoreError};
use crate::inbox::{Event, InboxServer, Options, Responder};
use crate::output::color::Palette;
use crate::output::event::{self as view, Look};
use crate::output::term::{self, shown};
use crate::receive::{Gate, Rules, Verifier};
use crate::settings::Settings;
use crate::webhook;
use crate::webhook::relay::Answer;

/// What the printing thread is handed, in order (in batches: one hand-over per batch of
/// events made durable together, not one per event).
enum Shown {
    Event(Event),
    Delivered(Delivery, Option<Answer>),
}

/// Bytes of events waiting to be printed, at most: beyond it (a slow or blocked stdout)
/// events are not shown, only counted (they are stored all the same).
const DISPLAY_BYTES: usize = 16 * 1024 * 1024;
/// Events waiting to be printed, at most.
const DISPLAY_EVENTS: usize = 4096;

/// What an item costs the display budget.
fn display_cost(item: &Shown) -> usize {
    match item {
        Shown::Event(event) => event.body.len() + 512,
        Shown::Delivered(_, answer) => answer.as_ref().map_or(0, |a| a.body.len()) + 256,
    }
}

/// The hand-over to the printing thread, bounded: it never waits, it drops (and counts).
struct Display {
    out: std_mpsc::Sender<Vec<Shown>>,
    /// Bytes and items handed over and not yet printed.
    bytes: Arc<AtomicUsize>,
    items: Arc<AtomicUsize>,
    /// Events dropped since the printer last said so.
    dropped: Arc<AtomicUsize>,
}

impl Display {
    /// Hand `items` over, keeping within the budget; `false` once the printer is gone.
    fn offer(&self, items: Vec<Shown>) -> bool {
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            let cost = display_cost(&item);
            let bytes = self.bytes.load(Ordering::Relaxed);
            let count = self.items.load(Ordering::Relaxed);
            if count > 0 && (bytes + cost > DISPLAY_BYTES || count >= DISPLAY_EVENTS) {
                if let Shown::Event(_) = item {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
                continue;
            }
            self.bytes.fetch_add(cost, Ordering::Relaxed);
            self.items.fetch_add(1, Ordering::Relaxed);
            kept.push(item);
        }
        kept.is_empty() || self.out.send(kept).is_ok()
    }
}

/// Settled once: how to show events.
struct View {
    json: bool,
    /// `--compact`: one line per event.
    compact: bool,
    /// `-q`: show only failed deliveries (events are still stored).
    quiet: bool,
    forwarding: bool,
    /// How many `--forward-to` targets (deliveries per event).
    targets: usize,
    /// Colours, and whether stdout is a terminal (received data is then shown escaped).
    look: Look,
    /// What is printed passes through it (it knows the signing secret).
    masker: crate::util::mask::Masker,
}

pub async fn run(args: ListenArgs, settings: &Settings) -> Result<Code, Failure> {
    let dir = inbox_dir(args.inbox.as_deref())?;
    let log = Log::open(&dir).map_err(store_failure)?;
    let gate = gate(&args, settings)?.map(std::sync::Arc::new);
    let relay = args
        .relay
        .as_deref()
        .map(|raw| {
            url::Url::parse(raw)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| {
                    Failure::usage(format!("invalid `--relay` URL `{raw}`"))
                        .with_hint("give the channel's http(s) URL, e.g. `https://smee.io/abc123`")
                })
        })
        .transpose()?;
    let mut targets = Vec::new();
    for raw in &args.forward_to {
        let url = url::Url::parse(raw)
            .map_err(|e| Failure::usage(format!("invalid `--forward-to` URL `{raw}`: {e}")))?;
        targets.push(url);
    }
    let responder = if args.echo {
        Responder::Echo
    } else {
        Responder::Fixed {
            status: args.status,
            headers: args.headers.clone(),
            body: bytes::Bytes::from(args.body.clone().unwrap_or_default()),
        }
    };
    let (tap, events) = mpsc::unbounded_channel();
    let (notices, notices_rx) = mpsc::unbounded_channel();
    let options = Options {
        responder,
        max_body: args.max_body,
        delay: args.delay,
        log: Some(log),
        tap: Some(tap),
        script: gate
            .clone()
            .map(|g| g as std::sync::Arc<dyn crate::inbox::Script>),
        limits: limits_from(&args, settings),
        notices: Some(notices),
    };
    let bind = SocketAddr::new(args.bind, args.port);
    let server = InboxServer::start_with(bind, options)
        .await
        .map_err(|e| bind_failure(bind, &e))?;
    settings.printer.err(&format!(
        "listening on {} — inbox: {}\n",
        server.url(),
        dir.display()
    ));
    let view = View {
        json: args.json,
        compact: args.compact,
        quiet: settings.printer.quiet() && !args.json,
        forwarding: !targets.is_empty(),
        targets: targets.len(),
        look: Look {
            palette: Palette::new(settings.stdout_color),
            terminal: settings.ctx.stdout_tty,
        },
        masker: settings.masker.clone(),
    };
    let (display, printer) = start_printer(view)?;
    let (reports, reported) = mpsc::unbounded_channel();
    let forwarders = targets
        .into_iter()
        .map(|url| Target::start(url, args.forward_timeout, server.writer(), reports.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    drop(reports);
    let (status, mut statuses) = mpsc::unbounded_channel::<String>();
    let relay_task = match (relay, server.writer()) {
        (Some(url), Some(writer)) => Some(tokio::spawn(crate::receive::relay::run(
            url,
            writer,
            gate.clone(),
            status,
        ))),
        _ => {
            drop(status);
            None
        }
    };
    let consumer = async {
        tokio::select! {
            () = consume(events, reported, &display, &forwarders) => {}
            () = show_notices(notices_rx, settings) => {}
        }
        if let Some(task) = &relay_task {
            task.abort(); // its status sender goes with it
        }
    };
    let shown = async {
        while let Some(line) = statuses.recv().await {
            settings.printer.err(&line);
        }
    };
    tokio::join!(consumer, shown);
    drop(forwarders);
    server.shutdown().await;
    let _ = printer.join();
    Ok(Code::Ok)
}

/// `--verify` (with its secret), `--reject-invalid` and `--rules`: what decides per request;
/// `None` when nothing does.
fn gate(args: &ListenArgs, settings: &Settings) -> Result<Option<Gate>, Failure> {
    let verifier = match &args.verify {
        None => None,
        Some(scheme) => {
            let name = args.secret_name.as_deref().unwrap_or_default();
            let secret = webhook::signing_secret(name)?;
            let verifier = Verifier::new(scheme, secret.clone())?;
            // A sender (or an echoing app behind `--forward-to`) may show it back.
            settings.masker.add(name, &secret);
            for derived in verifier.derived_secrets() {
                settings.masker.add(name, &derived);
            }
            Some(verifier)
        }
    };
    let rules = args.rules.as_deref().map(Rules::load).transpose()?;
    let gate = Gate {
        verifier,
        reject_invalid: args.reject_invalid,
        rules,
    };
    Ok(gate.is_active().then_some(gate))
}

/// Printing happens on its own thread so a slow terminal never slows down answering; the
/// hand-over to it is bounded ([`Display`]).
fn start_printer(view: View) -> Result<(Display, std::thread::JoinHandle<()>), Failure> {
    let (out, shown) = std_mpsc::channel();
    let display = Display {
        out,
        bytes: Arc::new(AtomicUsize::new(0)),
        items: Arc::new(AtomicUsize::new(0)),
        dropped: Arc::new(AtomicUsize::new(0)),
    };
    let budget = (
        Arc::clone(&display.bytes),
        Arc::clone(&display.items),
        Arc::clone(&display.dropped),
    );
    let printer = std::thread::Builder::new()
        .name("listen-printer".into())
        .spawn(move || print_loop(&shown, &view, &budget))
        .map_err(|e| Failure::usage(format!("could not start the printer: {e}")))?;
    Ok((display, printer))
}

/// `--inbox DIR`, else the default under the user's data directory.
pub fn inbox_dir(given: Option<&Path>) -> Result<PathBuf, Failure> {
    match given {
        Some(dir) => Ok(dir.to_owned()),
        None => store::default_dir().ok_or_else(|| {
            Failure::usage("no inbox directory: neither `XDG_DATA_HOME` nor `HOME` is set")
                .with_hint("pass `--inbox DIR`")
        }),
    }
}

pub fn store_failure(err: StoreError) -> Failure {
    let failure = Failure::usage(err.to_string());
    match err {
        StoreError::Locked(_) => failure
            .with_hint("stop the other listener, or use another directory with `--inbox DIR`"),
        _ => failure,
    }
}

fn bind_failure(bind: SocketAddr, err: &std::io::Error) -> Failure {
    let failure = Failure::usage(format!("could not listen on `{bind}`: {err}"));
    if err.kind() == std::io::ErrorKind::AddrInUse {
        failure.with_hint("another program uses this port: pick one with `--port`, or `--port 0` for any free one")
    } else {
        failure
    }
}

/// The server's bounds from the flags; the connection limit lowered to what the open-file
/// limit allows (said on stderr).
fn limits_from(args: &ListenArgs, settings: &Settings) -> Limits {
    let asked = args.max_connections as usize;
    let max_connections = match limits::connections_allowed_by_os() {
        Some(os) if os < asked => {
            if asked != limits::MAX_CONNECTIONS {
                settings.printer.err(&settings.printer.warning(&format!(
                    "`--max-connections {asked}` lowered to {os}: the open-file limit (`ulimit -n`) allows no more"
                )));
            }
            os.max(1)
        }
        _ => asked,
    };
    Limits {
        header_timeout: args.header_timeout,
        idle_timeout: args.idle_timeout,
        max_connections,
        body_budget: args.body_budget.max(args.max_body),
    }
}

/// Say on stderr, as it happens, that the inbox cannot be written (and when it can again).
async fn show_notices(mut notices: mpsc::UnboundedReceiver<StoreNotice>, settings: &Settings) {
    while let Some(notice) = notices.recv().await {
        let secs = durable::RETRY_AFTER.as_secs();
        let text = match notice {
            StoreNotice::Failed(why) => settings.printer.warning(&format!(
                "{why}: requests are answered 503 (Retry-After: {secs}) and not stored; retrying every {secs} s"
            )),
            StoreNotice::Recovered => settings
                .printer
                .warning("the inbox is writable again: requests are stored and answered"),
        };
        settings.printer.err(&text);
    }
    std::future::pending::<()>().await;
}

/// Hand events to the printer and to each forward target's queue, and the targets' reports to
/// the printer; nothing here waits on either. Ends when the printer has gone (stdout closed).
async fn consume(
    mut events: mpsc::UnboundedReceiver<Event>,
    mut reported: mpsc::UnboundedReceiver<forward::Report>,
    display: &Display,
    targets: &[Target],
) {
    let mut arrived = Vec::new();
    let mut reports = Vec::new();
    loop {
        tokio::select! {
            n = events.recv_many(&mut arrived, BATCH) => {
                if n == 0 {
                    return;
                }
                for event in &arrived {
                    for target in targets {
                        target.offer(event);
                    }
                }
                if !display.offer(arrived.drain(..).map(Shown::Event).collect()) {
                    return;
                }
            }
            n = reported.recv_many(&mut reports, BATCH), if !targets.is_empty() => {
                let shown = reports.drain(..).map(|(d, a)| Shown::Delivered(d, a)).collect();
                if n > 0 && !display.offer(shown) {
                    return;
                }
            }
        }
    }
}

/// The [`Delivery`] record for an attempt's outcome.
pub fn delivery(
    event: &Event,
    to: &str,
    via: &str,
    attempts: u32,
    result: Result<Answer, crate::http::HttpError>,
) -> (Delivery, Option<Answer>) {
    let (status, error, answer) = match result {
        Ok(answer) => (Some(answer.head.status), None, Some(answer)),
        Err(e) => (None, Some(e.to_string()), None),
    };
    let delivery = Delivery {
        event: event.id,
        at_ms: store::now_ms(),
        to: to.to_owned(),
        attempts,
        status,
        error,
        via: via.to_owned(),
    };
    (delivery, answer)
}

/// Most events handed to the printer at once.
const BATCH: usize = 1024;

type Budget = (Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicUsize>);

fn print_loop(shown: &std_mpsc::Receiver<Vec<Shown>>, view: &View, budget: &Budget) {
    // With --json and forwarding, an event is printed once its deliveries are known (one per
    // target), so each line is one whole event.
    let mut waiting: HashMap<u64, (Event, Vec<Delivery>)> = HashMap::new();
    let mut text = String::new();
    let mut stdout = term::Stdout::new(view.look.terminal);
    let (bytes, items, dropped) = budget;
    while let Ok(first) = shown.recv() {
        // Under load, write whatever has queued up with one system call.
        let mut next = Some(first);
        let (mut cost, mut count) = (0, 0);
        while let Some(batch) = next.take() {
            for item in batch {
                cost += display_cost(&item);
                count += 1;
                render_item(item, view, &mut waiting, &mut text);
            }
            if text.len() < 1 << 20 {
                next = shown.try_recv().ok();
            }
        }
        let missed = dropped.swap(0, Ordering::Relaxed);
        if missed > 0 {
            text.push_str(&format!(
                "{missed} events not shown (stdout did not keep up), see `postie inbox list`\n\n"
            ));
        }
        let masked = view.masker.mask(&text);
        if stdout.text(&masked).and_then(|()| stdout.flush()).is_err() {
            return; // stdout closed: stop showing (the caller then stops the listener)
        }
        bytes.fetch_sub(cost, Ordering::Relaxed);
        items.fetch_sub(count, Ordering::Relaxed);
        text.clear();
    }
}

fn render_item(
    item: Shown,
    view: &View,
    waiting: &mut HashMap<u64, (Event, Vec<Delivery>)>,
    text: &mut String,
) {
    match item {
        Shown::Event(event) if (view.json || view.compact) && view.forwarding => {
            waiting.insert(event.id, (event, Vec::new()));
        }
        Shown::Event(_) if view.quiet => {}
        Shown::Event(event) => text.push_str(&render(&event, &[], view)),
        Shown::Delivered(delivery, _) if view.quiet && delivery.error.is_none() => {}
        Shown::Delivered(delivery, _) if view.json || view.compact => {
            // An event not shown (dropped for a slow stdout) has its deliveries dropped too.
            let Some((_, deliveries)) = waiting.get_mut(&delivery.event) else {
                return;
            };
            let id = delivery.event;
            deliveries.push(delivery);
            if deliveries.len() >= view.targets
                && let Some((event, deliveries)) = waiting.remove(&id)
            {
                text.push_str(&render(&event, &deliveries, view));
            }
        }
        Shown::Delivered(delivery, answer) => {
            text.push_str(&render_answer(&delivery, answer.as_ref(), view));
        }
    }
}

fn render(event: &Event, deliveries: &[Delivery], view: &View) -> String {
    let note = event
        .body_truncated
        .then(|| "body over the size limit: answered 413, kept its beginning".to_owned());
    if view.json {
        let mut value = view::event_json(event, note.as_deref(), deliveries);
        if let (Some(v), Some(map)) = (&event.marks.verification, value.as_object_mut()) {
            // Also under its earlier name, `signature`, for scripts written against it.
            map.insert("signature".into(), json!(v));
        }
        let line = value.to_string();
        return if view.look.terminal {
            format!("{}\n", term::escape_json_text(&line))
        } else {
            format!("{line}\n")
        };
    }
    if view.compact {
        let size = event.body.len() as u64;
        return view::render_compact(event, size, note.as_deref(), deliveries, &view.look);
    }
    let mut text = view::render_event(event, note.as_deref(), &view.look);
    text.push_str(&view::render_verification(event, &view.look));
    text.push('\n');
    text
}

fn render_answer(delivery: &Delivery, answer: Option<&Answer>, view: &View) -> String {
    let mut text = view::render_delivery(delivery, &view.look);
    if let Some(answer) = answer {
        let body = String::from_utf8_lossy(&answer.body);
        for line in body.lines().take(20) {
            text.push_str(&format!("    {}\n", shown(line, view.look.terminal)));
        }
    }
    text.push('\n');
    text
}
