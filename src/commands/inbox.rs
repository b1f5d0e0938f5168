//! `postie inbox list|show|replay|clear`: what `postie listen` stored.

use std::io::Write;
use std::time::{Duration, SystemTime};

use crate::app::Settings;
use crate::cli::{InboxArgs, InboxCommand, InboxListArgs, InboxReplayArgs, InboxShowArgs};
use crate::commands::listen::{delivery, inbox_dir, store_failure};
use crate::error::{Code, Failure, is_broken_pipe};
use crate::http::{Client, ClientOptions};
use crate::inbox::store::{self, Log, StoreError, Stored};
use crate::inbox::view;
use crate::output::color::Palette;
use crate::webhook::relay;
use crate::webhook::{self, Scheme};

pub async fn run(args: InboxArgs, settings: &Settings) -> Result<Code, Failure> {
    let dir = inbox_dir(args.inbox.as_deref())?;
    match args.command {
        InboxCommand::List(list) => {
            let events = store::read_all(&dir).map_err(store_failure)?;
            write_out(&render_list(&list, events, SystemTime::now())?)
        }
        InboxCommand::Show(show) => {
            let events = store::read_all(&dir).map_err(store_failure)?;
            let stored = find(events, &show.id)?;
            write_out(&render_show(&show, &stored, settings))
        }
        InboxCommand::Replay(replay) => {
            let events = store::read_all(&dir).map_err(store_failure)?;
            let stored = find(events, &replay.id)?;
            replay_event(&replay, &stored, &dir, settings).await
        }
        InboxCommand::Clear => {
            let count = store::clear(&dir).map_err(store_failure)?;
            let plural = if count == 1 { "" } else { "s" };
            settings.printer.err(&format!(
                "cleared {count} request{plural} from {}\n",
                dir.display()
            ));
            Ok(Code::Ok)
        }
    }
}

fn write_out(bytes: &[u8]) -> Result<Code, Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(Code::Ok),
        Err(e) if is_broken_pipe(&e) => Ok(Code::Ok),
        Err(e) => Err(Failure::usage(format!("could not write to stdout: {e}"))),
    }
}

fn find(events: Vec<Stored>, id: &str) -> Result<Stored, Failure> {
    let wanted: u64 = id.trim_start_matches('#').parse().map_err(|_| {
        Failure::usage(format!("`{id}` is not a request id (a number such as `3`)"))
    })?;
    let last = events.last().map(|s| s.event.id);
    events
        .into_iter()
        .find(|s| s.event.id == wanted)
        .ok_or_else(|| {
            let failure = Failure::usage(format!("no request `{wanted}` in the inbox"));
            match last {
                Some(last) => {
                    failure.with_hint(format!("ids go up to {last}: see `postie inbox list`"))
                }
                None => failure.with_hint("the inbox is empty"),
            }
        })
}

/// `--since 10m` (a duration before `now`) or `--since 2026-11-27T01:00:00Z`.
fn parse_since(since: &str, now: SystemTime) -> Result<SystemTime, Failure> {
    if let Ok(ago) = humantime::parse_duration(since) {
        return Ok(now.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH));
    }
    humantime::parse_rfc3339_weak(since).map_err(|_| {
        Failure::usage(format!(
            "invalid `--since` value `{since}`: expected a duration such as 10m or an RFC 3339 time"
        ))
    })
}

fn render_list(
    args: &InboxListArgs,
    events: Vec<Stored>,
    now: SystemTime,
) -> Result<Vec<u8>, Failure> {
    let since = args
        .since
        .as_deref()
        .map(|s| parse_since(s, now))
        .transpose()?;
    let mut out = Vec::new();
    for s in events {
        if since.is_some_and(|t| s.event.received_at < t) {
            continue;
        }
        if let Some(glob) = &args.path
            && !view::glob_match(glob, &s.event.path)
        {
            continue;
        }
        let line = if args.json {
            format!(
                "{}\n",
                view::event_json(&s.event, s.note.as_deref(), &s.deliveries)
            )
        } else {
            view::render_line(&s.event, s.note.as_deref(), &s.deliveries)
        };
        out.extend_from_slice(line.as_bytes());
    }
    Ok(out)
}

fn render_show(args: &InboxShowArgs, stored: &Stored, settings: &Settings) -> Vec<u8> {
    if args.raw {
        return stored.event.body.to_vec();
    }
    if args.json {
        let value = view::event_json(&stored.event, stored.note.as_deref(), &stored.deliveries);
        return format!("{value}\n").into_bytes();
    }
    let palette = Palette::new(settings.stdout_color);
    let mut text = view::render_event(
        &stored.event,
        stored.note.as_deref(),
        &palette,
        settings.stdout_color,
    );
    for d in &stored.deliveries {
        text.push_str(&view::render_delivery(d, &palette));
    }
    text.into_bytes()
}

async fn replay_event(
    args: &InboxReplayArgs,
    stored: &Stored,
    dir: &std::path::Path,
    settings: &Settings,
) -> Result<Code, Failure> {
    let url = url::Url::parse(&args.to)
        .map_err(|e| Failure::usage(format!("invalid `--to` URL `{}`: {e}", args.to)))?;
    let (replace, extra) = match &args.sign {
        None => (Vec::new(), Vec::new()),
        Some(scheme) => {
            let scheme: Scheme = scheme.parse().map_err(|e| Failure::usage(format!("{e}")))?;
            let secret = webhook::signing_secret(args.secret_name.as_deref().unwrap_or_default())?;
            let id = stored
                .event
                .header("webhook-id")
                .map_or_else(|| format!("msg_postie_{}", stored.event.id), str::to_owned);
            let headers =
                webhook::sign(&scheme, &secret, &id, &stored.event.body, SystemTime::now())
                    .map_err(|e| Failure::new(Code::Secret, e.to_string()))?;
            (webhook::signature_headers(&scheme), headers)
        }
    };
    let request = relay::request_for(&stored.event, url, &replace, extra);
    let client = Client::new(&ClientOptions::default()).map_err(Failure::from)?;
    let result = relay::send(&client, &request).await;
    let code = match &result {
        Ok(answer) if (200..300).contains(&answer.head.status) => Code::Ok,
        Ok(_) => Code::Failed,
        Err(e) => Code::from_u8(e.exit_code()),
    };
    let failure = result.as_ref().err().map(|e| Failure::from(e.clone()));
    let (delivery, answer) = delivery(&stored.event, request.url.as_str(), "replay", 1, result);
    let palette = &settings.printer.palette;
    let mut text = view::render_delivery(&delivery, palette);
    if let Some(answer) = &answer {
        for line in String::from_utf8_lossy(&answer.body).lines().take(20) {
            text.push_str(&format!("    {line}\n"));
        }
    }
    settings.printer.err(&text);
    record(dir, delivery, settings).await;
    match failure {
        Some(failure) => Err(failure),
        None => Ok(code),
    }
}

/// Note the replay in the inbox; a running listener holds it, then it is only shown.
async fn record(dir: &std::path::Path, delivery: store::Delivery, settings: &Settings) {
    let written = async {
        let writer = Log::open(dir)?.spawn(|_| {})?;
        writer.record_delivery(delivery).await
    };
    match tokio::time::timeout(Duration::from_secs(5), written).await {
        Ok(Ok(())) => {}
        Ok(Err(StoreError::Locked(_))) => settings.printer.err(
            &settings
                .printer
                .warning("the replay was not recorded: a running `postie listen` holds the inbox"),
        ),
        Ok(Err(e)) => settings.printer.err(
            &settings
                .printer
                .warning(&format!("the replay was not recorded: {e}")),
        ),
        Err(_) => {}
    }
}
