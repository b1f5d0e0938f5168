//! The durable log as the server uses it: when a write fails (a full disk), the failure is
//! announced at once, requests are answered `503` with `Retry-After` without waiting, and the
//! log is reopened every [`RETRY_AFTER`] until it takes writes again (space freed), all by
//! itself.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;

use super::Event;
use super::store::{Delivery, Log, StoreError, Writer};

/// How long a sender is told to wait (`Retry-After`), and how often the log is reopened.
pub const RETRY_AFTER: Duration = Duration::from_secs(2);

/// What the store tells the listener about itself (shown on stderr).
#[derive(Debug, Clone, PartialEq)]
pub enum StoreNotice {
    /// A write failed: requests are answered 503 until the store recovers.
    Failed(String),
    /// The store takes writes again.
    Recovered,
}

type Announce = Arc<dyn Fn(Event) + Send + Sync>;

/// A handle on the server's log that survives failures (cheap to clone).
#[derive(Clone)]
pub struct Durable {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    state: Mutex<State>,
    announce: Announce,
    notices: Option<mpsc::UnboundedSender<StoreNotice>>,
}

enum State {
    Up(Writer),
    /// Failed for this reason; a retry task is reopening the log.
    Down(String),
}

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Durable").finish_non_exhaustive()
    }
}

impl Durable {
    /// Start writing to `log`; `announce` gets each event once it is on disk.
    pub fn start(
        log: Log,
        announce: Announce,
        notices: Option<mpsc::UnboundedSender<StoreNotice>>,
    ) -> Result<Durable, StoreError> {
        let dir = log.dir().to_owned();
        let writer = spawn(log, &announce)?;
        Ok(Durable {
            inner: Arc::new(Inner {
                dir,
                state: Mutex::new(State::Up(writer)),
                announce,
                notices,
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn writer(&self) -> Result<Writer, StoreError> {
        match &*self.state() {
            State::Up(writer) => Ok(writer.clone()),
            State::Down(why) => Err(StoreError::Write(why.clone())),
        }
    }

    /// Append `event` and wait until it is on disk; returns its id. While the store is down,
    /// fails at once.
    pub async fn append(&self, event: Event, note: Option<String>) -> Result<u64, StoreError> {
        let writer = self.writer()?;
        let result = writer.append(event, note).await;
        drop(writer);
        if let Err(e) = &result {
            self.down(e.to_string());
        }
        result
    }

    /// Append the outcome of a delivery and wait until it is on disk.
    pub async fn record_delivery(&self, delivery: Delivery) -> Result<(), StoreError> {
        let writer = self.writer()?;
        let result = writer.record_delivery(delivery).await;
        drop(writer);
        if let Err(e) = &result {
            self.down(e.to_string());
        }
        result
    }

    /// The first failure takes the writer down (releasing the log) and starts the retries.
    fn down(&self, why: String) {
        {
            let mut state = self.state();
            if matches!(*state, State::Down(_)) {
                return;
            }
            *state = State::Down(why.clone());
        }
        self.notify(StoreNotice::Failed(why));
        let again = self.clone();
        tokio::spawn(async move { again.retry().await });
    }

    async fn retry(self) {
        loop {
            tokio::time::sleep(RETRY_AFTER).await;
            // The failed writer's threads release the log as they stop (a retry may find it
            // still locked: the next one will not).
            let reopened = Log::open(&self.inner.dir).and_then(|log| {
                log.check_space()?;
                spawn(log, &self.inner.announce)
            });
            match reopened {
                Ok(writer) => {
                    *self.state() = State::Up(writer);
                    self.notify(StoreNotice::Recovered);
                    return;
                }
                Err(e) => *self.state() = State::Down(e.to_string()),
            }
        }
    }

    fn notify(&self, notice: StoreNotice) {
        if let Some(notices) = &self.inner.notices {
            let _ = notices.send(notice);
        }
    }
}

fn spawn(log: Log, announce: &Announce) -> Result<Writer, StoreError> {
    let announce = Arc::clone(announce);
    log.spawn(move |event| announce(event))
}
