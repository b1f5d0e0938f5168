//! `postie listen`: receive webhooks, keep each one in the durable inbox before answering,
//! show it in real time, optionally verify its signature and forward it to a local app.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;

use serde_json::json;
use tokio::sync::mpsc;

use crate::cli::ListenArgs;
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::inbox::store::{self, Delivery, Log, StoreError, Writer};
use crate::inbox::{Event, InboxServer, Options, Responder};
use crate::output::color::Palette;
use crate::output::event::{self as view, Look};
use crate::output::term::{self, shown};
use crate::receive::{Gate, Rules, Verifier};
use crate::settings::Settings;
use crate::webhook;
use crate::webhook::relay::{self, Answer};

/// What the printing thread is handed, in order (in batches: one hand-over per batch of
/// events made durable together, not one per event).
enum Shown {
    Event(Event),
    Delivered(Delivery, Option<Answer>),
}

/// Settled once: how to show events.
struct View {
    json: bool,
    /// `--compact`: one line per event.
    compact: bool,
    /// `-q`: show only failed deliveries (events are still stored).
    quiet: bool,
    forwarding: bool,
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
    let forward = match &args.forward_to {
        None => None,
        Some(raw) => {
            let url = url::Url::parse(raw)
                .map_err(|e| Failure::usage(format!("invalid `--forward-to` URL `{raw}`: {e}")))?;
            Some((
                url,
                Client::new(&ClientOptions::default()).map_err(Failure::from)?,
            ))
        }
    };
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
    let options = Options {
        responder,
        max_body: args.max_body,
        delay: args.delay,
        log: Some(log),
        tap: Some(tap),
        script: gate
            .clone()
            .map(|g| g as std::sync::Arc<dyn crate::inbox::Script>),
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
        forwarding: forward.is_some(),
        look: Look {
            palette: Palette::new(settings.stdout_color),
            terminal: settings.ctx.stdout_tty,
        },
        masker: settings.masker.clone(),
    };
    let (out, shown) = std_mpsc::channel();
    // Printing happens on its own thread so a slow terminal never slows down answering.
    let printer = std::thread::Builder::new()
        .name("listen-printer".into())
        .spawn(move || print_loop(&shown, &view))
        .map_err(|e| Failure::usage(format!("could not start the printer: {e}")))?;
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
        consume(events, out, forward, server.writer()).await;
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

/// Hand events to the printer, and when forwarding, deliver them one at a time in arrival
/// order (retrying with backoff) and record each outcome in the inbox. Ends when the printer
/// has gone (stdout closed).
async fn consume(
    mut events: mpsc::UnboundedReceiver<Event>,
    out: std_mpsc::Sender<Vec<Shown>>,
    forward: Option<(url::Url, Client)>,
    writer: Option<Writer>,
) {
    let mut arrived = Vec::new();
    let Some((base, client)) = forward else {
        while events.recv_many(&mut arrived, BATCH).await > 0 {
            let shown = arrived.drain(..).map(Shown::Event).collect();
            if out.send(shown).is_err() {
                return;
            }
        }
        return;
    };
    let (queue, mut queued) = mpsc::unbounded_channel::<Event>();
    let router_out = out.clone();
    let router = async move {
        while events.recv_many(&mut arrived, BATCH).await > 0 {
            let shown = arrived.iter().cloned().map(Shown::Event).collect();
            if router_out.send(shown).is_err() {
                return;
            }
            for event in arrived.drain(..) {
                if queue.send(event).is_err() {
                    return;
                }
            }
        }
    };
    let forwarder = async move {
        while let Some(event) = queued.recv().await {
            let url = relay::forward_url(&base, &event);
            let target = relay::forward_target(&base, &event);
            // Shown and recorded with the target as sent, not as the URL parser would write it.
            let to = match &target {
                Some(t) => format!(
                    "{}{}",
                    &url[..url::Position::BeforePath],
                    String::from_utf8_lossy(t)
                ),
                None => url.to_string(),
            };
            let relayed = relay::relayed_for(&event, url, target, &[], vec![]);
            let (attempts, result) =
                relay::send_with_retries(&client, &relayed, &relay::BACKOFF).await;
            let (delivery, answer) = delivery(&event, &to, "forward", attempts, result);
            if let Some(writer) = &writer {
                // A delivery that cannot be recorded is still shown.
                let _ = writer.record_delivery(delivery.clone()).await;
            }
            if out.send(vec![Shown::Delivered(delivery, answer)]).is_err() {
                return;
            }
        }
    };
    tokio::join!(router, forwarder);
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

fn print_loop(shown: &std_mpsc::Receiver<Vec<Shown>>, view: &View) {
    // With --json and forwarding, an event is printed once its delivery is known, so each
    // line is one whole event.
    let mut waiting: HashMap<u64, Event> = HashMap::new();
    let mut text = String::new();
    let mut stdout = term::Stdout::new(view.look.terminal);
    while let Ok(first) = shown.recv() {
        // Under load, write whatever has queued up with one system call.
        let mut next = Some(first);
        while let Some(batch) = next.take() {
            for item in batch {
                match item {
                    Shown::Event(event) if (view.json || view.compact) && view.forwarding => {
                        waiting.insert(event.id, event);
                    }
                    Shown::Event(_) if view.quiet => {}
                    Shown::Event(event) => text.push_str(&render(&event, None, view)),
                    Shown::Delivered(delivery, _) if view.quiet && delivery.error.is_none() => {}
                    Shown::Delivered(delivery, answer) => match waiting.remove(&delivery.event) {
                        Some(event) => text.push_str(&render(&event, Some(&delivery), view)),
                        None if view.compact => {}
                        None => text.push_str(&render_answer(&delivery, answer.as_ref(), view)),
                    },
                }
            }
            if text.len() < 1 << 20 {
                next = shown.try_recv().ok();
            }
        }
        let masked = view.masker.mask(&text);
        if stdout.text(&masked).and_then(|()| stdout.flush()).is_err() {
            return; // stdout closed: stop showing (the caller then stops the listener)
        }
        text.clear();
    }
}

fn render(event: &Event, delivery: Option<&Delivery>, view: &View) -> String {
    let note = event
        .body_truncated
        .then(|| "body over the size limit: answered 413, kept its beginning".to_owned());
    let deliveries: Vec<Delivery> = delivery.into_iter().cloned().collect();
    if view.json {
        let mut value = view::event_json(event, note.as_deref(), &deliveries);
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
        return view::render_compact(event, size, note.as_deref(), &deliveries, &view.look);
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
