//! The stream of events a run produces, in order, for sinks that show a run as it happens
//! (the terminal printer, NDJSON). Everything an event carries is already masked.

use std::time::Duration;

use crate::error::Failure;
use crate::http::Timings;

use super::{Exchange, ReceivedResponse, RequestRecord, SentRequest, SideRequest};

/// Which request an event belongs to: the collection's place in the run, the request's place
/// in the collection's selection. Concurrent requests interleave their events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub collection: usize,
    pub request: usize,
}

/// Something that happened in a run.
#[derive(Debug)]
pub enum Event<'a> {
    /// A request is about to be resolved and sent (first attempt). `concurrent`: its events
    /// may interleave with other requests' (concurrent jobs, parallel groups).
    Started {
        collection: &'a str,
        request: &'a str,
        concurrent: bool,
    },
    /// It could not be resolved, signed, prepared or sent. `retrying`: a network error that
    /// `--retry` will retry.
    Error {
        failure: &'a Failure,
        retrying: bool,
    },
    /// postie made a request of its own for this one (an OAuth2 token request), before it.
    Side { side: &'a SideRequest },
    /// A 401 answered a cached OAuth2 token: the token was renewed and the request goes out
    /// once more.
    TokenRenewed,
    /// The request goes out now; `dry_run`: it is only shown.
    Sending {
        request: &'a SentRequest,
        dry_run: bool,
    },
    /// A redirect was followed (before the head of the response it led to). `dropped`: the
    /// headers and query parameters (`?name`) not sent on to another origin.
    Redirected {
        status: u16,
        from: &'a str,
        to: &'a str,
        dropped: &'a [String],
    },
    /// The response head arrived (the body is not in it yet).
    Head { response: &'a ReceivedResponse },
    /// A line about where the body went (saved, withheld, not valid JSON).
    BodyNote { note: &'a str },
    /// The body has been read: the timing breakdown and the bytes received.
    Timings {
        timings: &'a Timings,
        received: Option<u64>,
    },
    /// An awaited webhook arrived.
    Webhook {
        method: &'a str,
        path: &'a str,
        waited: Duration,
    },
    /// The last attempt failed its checks: the exchange holds the failures.
    ChecksFailed { exchange: &'a Exchange },
    /// An attempt failed its checks and another one follows (`retry`).
    Retrying {
        attempt: u32,
        of: u32,
        first: Option<&'a crate::check::Failure>,
        wait: Duration,
    },
    /// The response's status is one to retry on: the request is sent again after `wait`
    /// (`retry_after`: the wait is what the response's `Retry-After` asked, capped).
    StatusRetry {
        status: u16,
        attempt: u32,
        of: u32,
        wait: Duration,
        retry_after: bool,
    },
    /// A network error: the request is sent again after `wait`.
    NetworkRetry { wait: Duration, left: u32 },
    /// The request is done (sent, skipped or not run): its whole record.
    Finished {
        collection: &'a str,
        path: &'a std::path::Path,
        record: &'a RequestRecord,
    },
}

/// A sink that follows a run as it happens. Called on the run's thread, in order; concurrent
/// requests' events interleave (tell them apart by [`Key`]).
pub trait Observer {
    fn event(&self, key: Key, event: &Event<'_>);
}

/// Several observers, each given every event in turn.
pub struct Fanout<'a>(pub Vec<&'a dyn Observer>);

impl Observer for Fanout<'_> {
    fn event(&self, key: Key, event: &Event<'_>) {
        for observer in &self.0 {
            observer.event(key, event);
        }
    }
}
