//! `postie inbox list|show|replay|clear`: what `postie listen` stored.

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::cli::{
    InboxArgs, InboxCommand, InboxExportArgs, InboxListArgs, InboxReplayArgs, InboxSaveArgs,
    InboxShowArgs,
};
use crate::commands::inbox_health;
use crate::commands::listen::{delivery, inbox_dir, store_failure};
use crate::commands::replay;
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::inbox::VerifyResult;
use crate::inbox::filter::{self, Filter};
use crate::inbox::query;
use crate::inbox::save::{self, SavedBody};
use crate::inbox::store::{self, Log, Scanner, StoreError, Stored};
use crate::output::color::Palette;
use crate::output::event::{self as view, Look};
use crate::output::term::{self, shown};
use crate::settings::Settings;
use crate::signing::Scheme;
use crate::webhook;
use crate::webhook::relay;

pub async fn run(args: InboxArgs, settings: &Settings) -> Result<Code, Failure> {
    let dir = inbox_dir(args.inbox.as_deref())?;
    match args.command {
        InboxCommand::List(list) => {
            let mut out = term::Stdout::new(settings.ctx.stdout_tty);
            let (written, health) = list_events(&list, &dir, SystemTime::now(), &mut out)?;
            let code = out.finish(written)?;
            settings
                .printer
                .err(&inbox_health::damage_report(&health, &dir, settings));
            Ok(if list.strict && !health.is_intact() {
                Code::Failed
            } else {
                code
            })
        }
        InboxCommand::Verify => inbox_health::verify(&dir, settings),
        InboxCommand::Repair => inbox_health::repair(&dir, settings),
        InboxCommand::Show(show) => {
            let stored = find(&dir, &show.id)?;
            let mut out = term::Stdout::new(settings.ctx.stdout_tty);
            let written = write_show(&show, &stored, settings, &mut out);
            out.finish(written)
        }
        InboxCommand::Replay(replay) => replay_events(&replay, &dir, settings).await,
        InboxCommand::Save(args) => {
            let stored = find(&dir, &args.id)?;
            save_event(&args, &stored, settings)
        }
        InboxCommand::Export(export) => export_har(&export, &dir, settings),
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

/// The event `id` (`3` or `#3`) with its deliveries; only its body is read into memory.
fn find(dir: &Path, id: &str) -> Result<Stored, Failure> {
    // Open first: an inbox that cannot be read is reported before a malformed id.
    let scanner = Scanner::open(dir).map_err(store_failure)?;
    let wanted: u64 = id.trim_start_matches('#').parse().map_err(|_| {
        Failure::usage(format!("`{id}` is not a request id (a number such as `3`)"))
    })?;
    let lookup = store::find(scanner, wanted).map_err(store_failure)?;
    lookup.stored.ok_or_else(|| {
        let failure = Failure::usage(format!("no request `{wanted}` in the inbox"));
        match lookup.last_id {
            Some(last) => {
                failure.with_hint(format!("ids go up to {last}: see `postie inbox list`"))
            }
            None => failure.with_hint("the inbox is empty"),
        }
    })
}

/// `--since 10m` (a duration before `now`) or `--since 2026-11-27T01:00:00Z`; `--until` alike.
fn parse_when(flag: &str, when: &str, now: SystemTime) -> Result<SystemTime, Failure> {
    if let Ok(ago) = humantime::parse_duration(when) {
        return Ok(now.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH));
    }
    humantime::parse_rfc3339_weak(when).map_err(|_| {
        Failure::usage(format!(
            "invalid `{flag}` value `{when}`: expected a duration such as 10m or an RFC 3339 time"
        ))
    })
}

/// `inbox list`: each event is printed as soon as it is read (with `--json` its body is copied
/// for that moment only), so memory does not grow with the inbox. Returns the outcome of the
/// writes (the caller flushes).
fn list_events(
    args: &InboxListArgs,
    dir: &Path,
    now: SystemTime,
    out: &mut term::Stdout,
) -> Result<(std::io::Result<()>, store::Health), Failure> {
    let filter = list_filter(args, now)?;
    let terminal = out.terminal();
    let mut written = Ok(());
    let mut line = String::new();
    let health = query::for_each_match(dir, &filter, |record, mut s| {
        let deliveries = std::mem::take(&mut s.deliveries);
        line.clear();
        if args.json {
            s.event.body = Bytes::copy_from_slice(record.body());
            let value = view::event_json(&s.event, s.note.as_deref(), &deliveries);
            let _ = writeln!(line, "{}", json_line(&value, terminal));
        } else {
            let size = record.body().len() as u64;
            line.push_str(&view::render_line(
                &s.event,
                size,
                s.note.as_deref(),
                &deliveries,
                terminal,
            ));
        }
        written = out.text(&line);
        if written.is_ok() {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    })
    .map_err(store_failure)?;
    Ok((written, health))
}

/// `inbox list`'s options as one [`Filter`].
fn list_filter(args: &InboxListArgs, now: SystemTime) -> Result<Filter, Failure> {
    let when = |flag: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|s| parse_when(flag, s, now))
            .transpose()
    };
    let json = args
        .jsonpath
        .iter()
        .map(|text| {
            filter::parse_json_test(text).map_err(|e| {
                Failure::usage(format!("invalid `--jsonpath` `{text}`: {e}")).with_hint(
                    "give `PATH` or `PATH=VALUE`, e.g. `--jsonpath '$.type=invoice.paid'`",
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let verification = args
        .verification
        .iter()
        .map(|name| {
            VerifyResult::parse(name).ok_or_else(|| {
                Failure::usage(format!("unknown verification result `{name}`"))
                    .with_hint(format!("one of {}", VerifyResult::NAMES.join(", ")))
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Filter {
        method: args.method.clone(),
        path: args.path.clone(),
        headers: args.headers.clone(),
        json,
        since: when("--since", &args.since)?,
        until: when("--until", &args.until)?,
        verification,
    })
}

/// `inbox export --har`: every selected event, one at a time, to stdout or `-o FILE` (written
/// to a temporary file beside it and renamed, so a failed export leaves no half file).
fn export_har(args: &InboxExportArgs, dir: &Path, settings: &Settings) -> Result<Code, Failure> {
    let ids = args.ids.as_deref().map(replay::parse_ids).transpose()?;
    let show = settings.masker.reveals();
    let written = match &args.output {
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write_har(dir, ids.as_deref(), show, &mut out)?
        }
        Some(path) => {
            let fail = |e: &dyn std::fmt::Display| {
                Failure::usage(format!("could not write `{}`: {e}", path.display()))
            };
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            let parent = parent.unwrap_or(Path::new("."));
            let mut file = tempfile::NamedTempFile::new_in(parent).map_err(|e| fail(&e))?;
            let mut out = std::io::BufWriter::new(file.as_file_mut());
            write_har(dir, ids.as_deref(), show, &mut out)?.map_err(|e| fail(&e))?;
            drop(out);
            file.persist(path).map_err(|e| fail(&e))?;
            Ok(())
        }
    };
    match written {
        Err(e) if !crate::error::is_broken_pipe(&e) => {
            Err(Failure::usage(format!("could not write the HAR: {e}")))
        }
        _ => Ok(Code::Ok),
    }
}

fn write_har(
    dir: &Path,
    ids: Option<&[std::ops::RangeInclusive<u64>]>,
    show_secrets: bool,
    out: &mut impl std::io::Write,
) -> Result<std::io::Result<()>, Failure> {
    use crate::report::inbox_har;
    let mut first = true;
    let mut result = inbox_har::start(out);
    store::for_each_event(dir, |record, deliveries| {
        if result.is_err() {
            return ControlFlow::Break(());
        }
        if ids.is_some_and(|ids| !ids.iter().any(|r| r.contains(&record.id()))) {
            return ControlFlow::Continue(());
        }
        let Some(mut stored) = record.to_stored() else {
            return ControlFlow::Break(());
        };
        stored.deliveries = deliveries;
        result = inbox_har::write_entry(out, &stored, first, show_secrets);
        first = false;
        ControlFlow::Continue(())
    })
    .map_err(store_failure)?;
    Ok(result
        .and_then(|()| inbox_har::finish(out))
        .and_then(|()| out.flush()))
}

/// A `--json` line's text: on a terminal, JSON escapes for the characters JSON leaves raw.
fn json_line(value: &serde_json::Value, terminal: bool) -> String {
    let line = value.to_string();
    if terminal {
        term::escape_json_text(&line).into_owned()
    } else {
        line
    }
}

/// `inbox show`: `--raw` writes the body as received (escaped on a terminal, exact piped).
fn write_show(
    args: &InboxShowArgs,
    stored: &Stored,
    settings: &Settings,
    out: &mut term::Stdout,
) -> std::io::Result<()> {
    if args.raw {
        return out.data(&stored.event.body);
    }
    if args.json {
        let value = view::event_json(&stored.event, stored.note.as_deref(), &stored.deliveries);
        return out.text(&format!("{}\n", json_line(&value, out.terminal())));
    }
    let look = Look {
        palette: Palette::new(settings.stdout_color),
        terminal: out.terminal(),
    };
    let mut text = view::render_event(&stored.event, stored.note.as_deref(), &look);
    text.push_str(&view::render_verification(&stored.event, &look));
    for d in &stored.deliveries {
        text.push_str(&view::render_delivery(d, &look));
    }
    out.text(&text)
}

/// `replay IDS` / `--failed`: each selected event in id order, to `--to` or where it was
/// forwarded; the worst outcome decides the exit code.
async fn replay_events(
    args: &InboxReplayArgs,
    dir: &Path,
    settings: &Settings,
) -> Result<Code, Failure> {
    let ids = match &args.ids {
        Some(text) => replay::parse_ids(text)?,
        None => Vec::new(),
    };
    let chosen = replay::select(dir, &ids, args.failed)?;
    if chosen.is_empty() {
        let what = if args.failed && ids.is_empty() {
            "no request in the inbox has a failed delivery".to_owned()
        } else {
            format!(
                "no request {} in the inbox",
                args.ids.as_deref().unwrap_or_default()
            )
        };
        return Err(Failure::usage(what).with_hint("see `postie inbox list`"));
    }
    // Every target first: nothing is sent when one is missing or invalid.
    let mut targets = Vec::with_capacity(chosen.len());
    for stored in &chosen {
        let to = match (&args.to, replay::recorded_target(stored)) {
            (Some(to), _) => to.as_str(),
            (None, Some(to)) => to,
            (None, None) => {
                return Err(Failure::usage(format!(
                    "request #{} was never forwarded, so it has no target",
                    stored.event.id
                ))
                .with_hint("give one with `--to URL`"));
            }
        };
        let url = url::Url::parse(to)
            .map_err(|e| Failure::usage(format!("invalid `--to` URL `{to}`: {e}")))?;
        targets.push(url);
    }
    let mut code = Code::Ok;
    let mut first_failure = None;
    for (stored, url) in chosen.iter().zip(targets) {
        match replay_event(args, stored, url, dir, settings).await {
            Ok(Code::Ok) => {}
            Ok(other) => code = other,
            Err(failure) => {
                if chosen.len() > 1 {
                    let line = format!("  ↳ #{}: {}\n", stored.event.id, failure.message);
                    settings.printer.err(&line);
                }
                first_failure.get_or_insert(failure);
            }
        }
    }
    match first_failure {
        // One event: its error as before; several: the first error's code, after them all.
        Some(failure) if chosen.len() == 1 => Err(failure),
        Some(failure) => Ok(failure.code),
        None => Ok(code),
    }
}

async fn replay_event(
    args: &InboxReplayArgs,
    stored: &Stored,
    url: url::Url,
    dir: &std::path::Path,
    settings: &Settings,
) -> Result<Code, Failure> {
    let (replace, extra) = match &args.sign {
        None => (Vec::new(), Vec::new()),
        Some(scheme) => {
            let scheme: Scheme = scheme.parse().map_err(|e| Failure::usage(format!("{e}")))?;
            let name = args.secret_name.as_deref().unwrap_or_default();
            let secret = webhook::signing_secret(name)?;
            // The app replayed to may show it back: what is printed masks it.
            settings.masker.add(name, &secret);
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
    // To `--to` itself: the event's header lines as they came, the URL's target.
    let mut relayed = relay::relayed_for(&stored.event, url, None, &replace, extra);
    relayed.request.timeout = Some(args.timeout);
    let request = &relayed.request;
    let client = Client::new(&ClientOptions::default()).map_err(Failure::from)?;
    let result = relay::send(&client, &relayed).await;
    let code = match &result {
        Ok(answer) if (200..300).contains(&answer.head.status) => Code::Ok,
        Ok(_) => Code::Failed,
        Err(e) => Code::from_u8(e.exit_code()),
    };
    let failure = result.as_ref().err().map(|e| Failure::from(e.clone()));
    let (delivery, answer) = delivery(&stored.event, request.url.as_str(), "replay", 1, result);
    // Shown on stderr.
    let look = Look {
        palette: settings.printer.palette,
        terminal: settings.ctx.stderr_tty,
    };
    let mut text = view::render_delivery(&delivery, &look);
    if let Some(answer) = &answer {
        for line in String::from_utf8_lossy(&answer.body).lines().take(20) {
            text.push_str(&format!("    {}\n", shown(line, look.terminal)));
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

/// `shop/name` → `collections/shop.toml` under the working directory; `a/b.toml/name` → that
/// file. Returns the file and the request name.
pub(super) fn save_target(target: &str, cwd: &Path) -> Result<(PathBuf, String), Failure> {
    let invalid = || {
        Failure::usage(format!("invalid target `{target}`"))
            .with_hint("give `collection/name` or `path/to/file.toml/name`")
    };
    let (file, name) = match target.find(".toml/") {
        Some(i) => (PathBuf::from(&target[..i + 5]), &target[i + 6..]),
        None => {
            let (collection, name) = target.rsplit_once('/').ok_or_else(invalid)?;
            if collection.is_empty() || collection.contains('/') {
                return Err(invalid());
            }
            let file = Path::new("collections").join(format!("{collection}.toml"));
            (file, name)
        }
    };
    if name.is_empty() || name.contains('/') {
        return Err(invalid());
    }
    Ok((cwd.join(file), name.to_owned()))
}

fn save_event(args: &InboxSaveArgs, stored: &Stored, settings: &Settings) -> Result<Code, Failure> {
    let (file, name) = save_target(&args.target, &settings.ctx.cwd)?;
    let io_failure = |what: &str, path: &Path, e: std::io::Error| {
        Failure::usage(format!("could not {what} `{}`: {e}", path.display()))
    };
    let source = match std::fs::read_to_string(&file) {
        Ok(source) => source,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_failure("read", &file, e)),
    };
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let body_file = format!("{name}.body");
    let body = if save::is_text(&stored.event.body) {
        SavedBody::Text
    } else {
        SavedBody::File(&body_file)
    };
    let collection = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let saved = save::append_request(
        &source,
        &collection,
        &name,
        &stored.event,
        &args.base,
        &body,
    )
    .map_err(|e| Failure::usage(format!("could not save to `{}`: {e}", file.display())))?;
    let text = saved.text;
    std::fs::create_dir_all(&dir).map_err(|e| io_failure("create", &dir, e))?;
    if let SavedBody::File(body_file) = body {
        let path = dir.join(body_file);
        std::fs::write(&path, &stored.event.body).map_err(|e| io_failure("write", &path, e))?;
    }
    std::fs::write(&file, text).map_err(|e| io_failure("write", &file, e))?;
    settings.printer.err(&format!(
        "saved request #{} as `{name}` in {}\n",
        stored.event.id,
        file.display()
    ));
    for secret in &saved.secrets {
        settings.printer.err(&format!(
            "  `{}` was saved as `{{{{secret:{}}}}}`, not its value: set it with `postie secret set {}` (or the variable {})\n",
            secret.header,
            secret.name,
            secret.name,
            crate::secrets::env_var_name(&secret.name)
        ));
    }
    Ok(Code::Ok)
}
