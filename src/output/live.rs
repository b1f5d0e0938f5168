//! The terminal view of a run: renders the engine's events as they come, on stderr. Quiet
//! mode keeps a request's text and shows it only if the request fails; concurrent requests
//! keep theirs and show it as one block when they finish (never interleaved).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::output::printer::Printer;
use crate::record::{Event, Key, Observer, RequestRecord, Verdict};
use crate::util::units::fmt_duration;

/// The printer as an [`Observer`] of a run.
pub struct Live<'p> {
    printer: &'p Printer,
    logs: RefCell<HashMap<Key, Log>>,
}

/// What is kept of one request's text.
struct Log {
    /// `None`: printed at once.
    kept: Option<String>,
    /// Keep everything and print it as one block at the end.
    hold: bool,
    /// Something failed (a held log of a passing request is dropped in quiet mode).
    failed: bool,
}

impl<'p> Live<'p> {
    pub fn new(printer: &'p Printer) -> Live<'p> {
        Live {
            printer,
            logs: RefCell::new(HashMap::new()),
        }
    }

    fn with_log(&self, key: Key, f: impl FnOnce(&mut Log, &Printer)) {
        let mut logs = self.logs.borrow_mut();
        let log = logs.entry(key).or_insert_with(|| Log {
            kept: self.printer.quiet().then(String::new),
            hold: false,
            failed: false,
        });
        f(log, self.printer);
    }

    fn say(&self, key: Key, text: &str) {
        self.with_log(key, |log, printer| log.say(printer, text));
    }

    fn failed(&self, key: Key, text: &str) {
        self.with_log(key, |log, printer| log.failed(printer, text));
    }

    fn finished(&self, key: Key, collection: &str, record: &RequestRecord) {
        let log = self.logs.borrow_mut().remove(&key);
        let printer = self.printer;
        match (log, &record.verdict) {
            (Some(mut log), _) => {
                let held = log.take(printer);
                if !held.is_empty() {
                    printer.err(&held);
                }
            }
            (None, Verdict::Skipped(reason)) => skipped(printer, collection, record, reason),
            (None, Verdict::NotRun(reason)) => skipped(printer, collection, record, reason),
            (None, _) => {}
        }
    }
}

fn skipped(
    printer: &Printer,
    collection: &str,
    record: &RequestRecord,
    reason: &dyn std::fmt::Display,
) {
    if !printer.quiet() {
        printer.err(&format!(
            "{} {}\n",
            printer.heading(collection, &record.name).trim_end(),
            printer.palette.dim(&format!("(skipped: {reason})"))
        ));
    }
}

impl Log {
    fn say(&mut self, printer: &Printer, text: &str) {
        match &mut self.kept {
            Some(buf) => buf.push_str(text),
            None => printer.err(text),
        }
    }

    /// The request failed: now show what was kept (quiet mode).
    fn failed(&mut self, printer: &Printer, text: &str) {
        self.failed = true;
        if self.hold {
            self.say(printer, text);
            return;
        }
        if let Some(buf) = self.kept.take() {
            printer.err(&buf);
        }
        printer.err(text);
    }

    /// What is held for the end (held logs; quiet logs of passing requests are dropped).
    fn take(&mut self, printer: &Printer) -> String {
        if self.hold && (self.failed || !printer.quiet()) {
            self.kept.take().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

impl Observer for Live<'_> {
    fn event(&self, key: Key, event: &Event<'_>) {
        let printer = self.printer;
        let palette = &printer.palette;
        match event {
            Event::Started {
                collection,
                request,
                concurrent,
            } => {
                if *concurrent {
                    let held = Log {
                        kept: Some(String::new()),
                        hold: true,
                        failed: false,
                    };
                    self.logs.borrow_mut().insert(key, held);
                }
                self.say(key, &printer.heading(collection, request));
            }
            Event::Error { failure, retrying } if *retrying => {
                // Not the end: the run retries and says so on the next line.
                let line = format!("  {} {}\n", palette.warn("✗"), failure.message);
                self.say(key, &line);
            }
            Event::Error { failure, .. } => self.failed(key, &failure.render(palette)),
            Event::Side { side } => {
                if printer.verbose() {
                    self.side(key, side);
                }
            }
            Event::TokenRenewed => {
                let line = format!(
                    "  {} 401 to a cached token: renewed it, sending once more\n",
                    palette.warn("↻")
                );
                self.say(key, &line);
            }
            Event::Sending { request, dry_run } => self.sending(key, request, *dry_run),
            Event::Redirected {
                status,
                from: _,
                to,
                dropped,
            } => {
                if printer.verbose() {
                    self.redirected(key, *status, to, dropped);
                }
            }
            Event::Head { response } => self.say(key, &printer.response(response)),
            Event::BodyNote { note } => self.say(key, &format!("  {}\n", palette.dim(note))),
            Event::Timings { timings, received } => {
                self.say(key, &printer.timings(timings, *received));
            }
            Event::Webhook {
                method,
                path,
                waited,
            } => {
                let shown = |text| crate::output::term::shown(text, printer.terminal);
                let line = format!(
                    "  {} webhook {} {} arrived after {}\n",
                    palette.status(200, "⇠"),
                    shown(method),
                    shown(path),
                    fmt_duration(*waited)
                );
                self.say(key, &line);
            }
            Event::ChecksFailed { exchange } => self.checks_failed(key, exchange),
            Event::Retrying { .. } | Event::NetworkRetry { .. } | Event::StatusRetry { .. } => {
                self.retrying(key, event)
            }
            Event::Finished {
                collection, record, ..
            } => self.finished(key, collection, record),
        }
    }
}

impl Live<'_> {
    /// `-v`: a request postie made on its own (an OAuth2 token request), in full (masked).
    fn side(&self, key: Key, side: &crate::record::SideRequest) {
        let printer = self.printer;
        let shown = |text| crate::output::term::shown(text, printer.terminal);
        let ex = &side.exchange;
        let mut text = format!(
            "  {} {}\n",
            printer.palette.dim("⚿"),
            printer.palette.bold(&shown(&side.purpose))
        );
        if let (Some(request), Some(response)) = (&ex.request, &ex.response) {
            text.push_str(&printer.exchange_detail(request, response));
        }
        if let Some(error) = &ex.error {
            let line = format!("  {}\n", shown(&error.message));
            text.push_str(&line);
        }
        self.say(key, &text);
    }

    /// `-v`: `↪ 302 → URL`, and what was not sent on to another origin.
    fn redirected(&self, key: Key, status: u16, to: &str, dropped: &[String]) {
        let printer = self.printer;
        let palette = &printer.palette;
        let shown = |text| crate::output::term::shown(text, printer.terminal);
        let mut text = format!(
            "  {} {status} redirect to {}\n",
            palette.status(status, "↪"),
            shown(to)
        );
        if !dropped.is_empty() {
            let names: Vec<_> = dropped.iter().map(|d| shown(d).into_owned()).collect();
            text.push_str(&format!(
                "  {}\n",
                palette.dim(&format!(
                    "dropped {} on redirect to other origin",
                    names.join(", ")
                ))
            ));
        }
        self.say(key, &text);
    }

    /// `→ GET url` (with `-v` the headers and body); a dry run shows it all and says so.
    fn sending(&self, key: Key, request: &crate::record::SentRequest, dry_run: bool) {
        let printer = self.printer;
        // A dry run shows the request exactly as it would be sent (client headers included).
        let verbose;
        let shown = if dry_run {
            verbose = printer.verbose_copy();
            &verbose
        } else {
            printer
        };
        // Captured values a dry run could not know show as `<from REQUEST SOURCE>`.
        let url = if dry_run {
            crate::util::readable_placeholders(&request.url)
        } else {
            request.url.clone()
        };
        let text = shown.request(&request.method, &url, &request.headers, &request.body);
        self.say(key, &text);
        if dry_run {
            let note = format!("  {}\n", printer.palette.dim("(dry run: not sent)"));
            self.say(key, &note);
        }
    }

    /// The failed checks, then (without `-v`) the whole exchange, as CI logs need.
    fn checks_failed(&self, key: Key, exchange: &crate::record::Exchange) {
        let printer = self.printer;
        let mut lines: Vec<String> = exchange
            .failures
            .iter()
            .map(|f| printer.check_failed(&f.what, &f.expected, &f.actual))
            .collect();
        if !printer.verbose()
            && let (Some(request), Some(response)) = (&exchange.request, &exchange.response)
        {
            lines.push(printer.exchange_detail(request, response));
        }
        self.failed(key, &lines.concat());
    }

    /// `↻ attempt 1 of 3 failed (…); again in 1 s`, `↻ network error; retrying in …`.
    fn retrying(&self, key: Key, event: &Event<'_>) {
        let palette = &self.printer.palette;
        let line = match event {
            Event::Retrying {
                attempt,
                of,
                first,
                wait,
            } => {
                let first = first.map_or(String::new(), |f| {
                    format!(" ({}: expected {}, got {})", f.what, f.expected, f.actual)
                });
                format!(
                    "  {} attempt {attempt} of {of} failed{first}; again in {}\n",
                    palette.warn("↻"),
                    fmt_duration(*wait)
                )
            }
            Event::StatusRetry {
                status,
                attempt,
                of,
                wait,
                retry_after,
            } => {
                let why = if *retry_after { " (Retry-After)" } else { "" };
                format!(
                    "  {} {status} on attempt {attempt} of {of}; again in {}{why}\n",
                    palette.warn("↻"),
                    fmt_duration(*wait)
                )
            }
            Event::NetworkRetry { wait, left } => {
                let left = match left {
                    1 => "1 retry left".to_string(),
                    n => format!("{n} retries left"),
                };
                format!(
                    "  {} network error; retrying in {} ({left})\n",
                    palette.warn("↻"),
                    fmt_duration(*wait)
                )
            }
            _ => return,
        };
        self.say(key, &line);
    }
}
