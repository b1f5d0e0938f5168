//! The progress line of a long run (indicatif): `⠋ 12/40 requests · 1 failed · shop /
//! create-plan [row 3]` on stderr. It wraps the live view: the line is cleared before the live
//! view prints and drawn again after, and stays away while a response body is written (from
//! the response head to its timings), so it never lands in the middle of other output. Only
//! on a terminal, outside CI, for runs of more than [`MIN_REQUESTS`] requests (the caller
//! decides with [`Progress::wanted`]).

use std::cell::RefCell;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::record::{Event, Key, Observer, Verdict};

/// Runs of at most this many requests show no progress line.
pub const MIN_REQUESTS: usize = 3;

struct State {
    bar: Option<ProgressBar>,
    done: u64,
    failed: u64,
    current: String,
    /// A body is being written: the line stays away.
    body: bool,
}

pub struct Progress<'a> {
    inner: &'a dyn Observer,
    total: u64,
    state: RefCell<State>,
}

impl<'a> Progress<'a> {
    /// Whether a run of `total` requests shows a progress line: stderr is a terminal, not CI.
    pub fn wanted(ctx: &crate::context::Context, total: usize) -> bool {
        ctx.progress() && total > MIN_REQUESTS
    }

    pub fn new(inner: &'a dyn Observer, total: usize) -> Progress<'a> {
        Progress {
            inner,
            total: total as u64,
            state: RefCell::new(State {
                bar: None,
                done: 0,
                failed: 0,
                current: String::new(),
                body: false,
            }),
        }
    }

    fn hide(state: &mut State) {
        if let Some(bar) = state.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn show(&self, state: &mut State) {
        if state.body || state.done >= self.total {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {pos}/{len} requests · {msg} · {elapsed}")
        {
            bar.set_style(style);
        }
        bar.set_position(state.done);
        let failed = match state.failed {
            0 => "no failures".to_string(),
            n => format!("{n} failed"),
        };
        bar.set_message(format!("{failed} · {}", state.current));
        bar.enable_steady_tick(Duration::from_millis(120));
        state.bar = Some(bar);
    }

    /// Clears the line (call before printing anything else on stderr after the run).
    pub fn finish(&self) {
        Self::hide(&mut self.state.borrow_mut());
    }
}

impl Observer for Progress<'_> {
    fn event(&self, key: Key, event: &Event<'_>) {
        let mut state = self.state.borrow_mut();
        Self::hide(&mut state);
        self.inner.event(key, event);
        match event {
            Event::Started {
                collection,
                request,
                ..
            } => state.current = format!("{collection} / {request}"),
            Event::Head { .. } => state.body = true,
            Event::Timings { .. } | Event::Error { .. } => state.body = false,
            Event::Finished { record, .. } => {
                state.body = false;
                state.done += 1;
                if matches!(
                    record.verdict,
                    Verdict::Failed | Verdict::Errored { .. } | Verdict::NotRun(_)
                ) {
                    state.failed += 1;
                }
            }
            _ => {}
        }
        self.show(&mut state);
    }
}
