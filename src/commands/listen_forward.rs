//! `listen --forward-to`: each target gets its own bounded queue and task, deliveries keep the
//! order events arrived in, and each attempt has a timeout, so a slow or silent app delays
//! nothing but its own queue. When a queue is full the event is not forwarded there, and that
//! is recorded as a failed delivery (the event itself is stored, and can be replayed).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::http::{Client, ClientOptions};
use crate::inbox::Event;
use crate::inbox::durable::Durable;
use crate::inbox::store::{self, Delivery};
use crate::webhook::relay::{self, Answer};

/// Events waiting per target, at most.
pub const QUEUE_EVENTS: usize = 1024;
/// Body bytes waiting per target, at most.
pub const QUEUE_BYTES: usize = 64 * 1024 * 1024;

/// What a forwarder reports for display.
pub type Report = (Delivery, Option<Answer>);

/// One `--forward-to` target: its queue and the task that empties it.
pub struct Target {
    url: url::Url,
    queue: mpsc::Sender<Event>,
    bytes: Arc<AtomicUsize>,
    writer: Option<Durable>,
    reports: mpsc::UnboundedSender<Report>,
}

impl Target {
    /// Start delivering to `url`, each attempt given up after `timeout`.
    pub fn start(
        url: url::Url,
        timeout: Duration,
        writer: Option<Durable>,
        reports: mpsc::UnboundedSender<Report>,
    ) -> Result<Target, crate::error::Failure> {
        let options = ClientOptions {
            timeout: Some(timeout),
            ..ClientOptions::default()
        };
        let client = Client::new(&options).map_err(crate::error::Failure::from)?;
        let (queue, queued) = mpsc::channel(QUEUE_EVENTS);
        let bytes = Arc::new(AtomicUsize::new(0));
        let worker = Worker {
            base: url.clone(),
            client,
            timeout,
            bytes: Arc::clone(&bytes),
            writer: writer.clone(),
            reports: reports.clone(),
        };
        tokio::spawn(worker.run(queued));
        Ok(Target {
            url,
            queue,
            bytes,
            writer,
            reports,
        })
    }

    /// Queue `event` for this target without waiting; a full queue records a failed delivery.
    pub fn offer(&self, event: &Event) {
        let size = event.body.len();
        let waiting = self.bytes.fetch_add(size, Ordering::Relaxed);
        let room = waiting == 0 || waiting + size <= QUEUE_BYTES;
        if room && self.queue.try_send(event.clone()).is_ok() {
            return;
        }
        self.bytes.fetch_sub(size, Ordering::Relaxed);
        let why = format!(
            "not forwarded: {} is not keeping up ({QUEUE_EVENTS} events or {} MiB already waiting); replay it with `postie inbox replay {}`",
            self.url,
            QUEUE_BYTES >> 20,
            event.id
        );
        let delivery = Delivery {
            event: event.id,
            at_ms: store::now_ms(),
            to: relay::forward_url(&self.url, event).to_string(),
            attempts: 0,
            status: None,
            error: Some(why),
            via: "forward".into(),
        };
        let (writer, reports) = (self.writer.clone(), self.reports.clone());
        tokio::spawn(async move {
            if let Some(writer) = writer {
                let _ = writer.record_delivery(delivery.clone()).await;
            }
            let _ = reports.send((delivery, None));
        });
    }
}

struct Worker {
    base: url::Url,
    client: Client,
    timeout: Duration,
    bytes: Arc<AtomicUsize>,
    writer: Option<Durable>,
    reports: mpsc::UnboundedSender<Report>,
}

impl Worker {
    async fn run(self, mut queued: mpsc::Receiver<Event>) {
        while let Some(event) = queued.recv().await {
            let report = self.deliver(&event).await;
            self.bytes.fetch_sub(event.body.len(), Ordering::Relaxed);
            drop(event);
            if let Some(writer) = &self.writer {
                // A delivery that cannot be recorded is still shown.
                let _ = writer.record_delivery(report.0.clone()).await;
            }
            if self.reports.send(report).is_err() {
                return;
            }
        }
    }

    async fn deliver(&self, event: &Event) -> Report {
        let url = relay::forward_url(&self.base, event);
        let target = relay::forward_target(&self.base, event);
        // Shown and recorded with the target as sent, not as the URL parser would write it.
        let to = match &target {
            Some(t) => format!(
                "{}{}",
                &url[..url::Position::BeforePath],
                String::from_utf8_lossy(t)
            ),
            None => url.to_string(),
        };
        let mut relayed = relay::relayed_for(event, url, target, &[], vec![]);
        relayed.request.timeout = Some(self.timeout);
        // Each attempt has its own timeout (the client's); this bounds all of them together.
        let attempts = relay::BACKOFF.len() as u32 + 1;
        let whole = self.timeout * attempts
            + relay::BACKOFF.iter().sum::<Duration>()
            + Duration::from_secs(1);
        let sent = relay::send_with_retries(&self.client, &relayed, &relay::BACKOFF);
        let (attempts, result) = match tokio::time::timeout(whole, sent).await {
            Ok(done) => done,
            Err(_) => {
                let why = format!("no answer within {}", humantime::format_duration(whole));
                let delivery = Delivery {
                    event: event.id,
                    at_ms: store::now_ms(),
                    to,
                    attempts,
                    status: None,
                    error: Some(why),
                    via: "forward".into(),
                };
                return (delivery, None);
            }
        };
        super::listen::delivery(event, &to, "forward", attempts, result)
    }
}
