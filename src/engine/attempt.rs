//! One attempt of one request: resolve, sign, prepare, send, read the body where it goes,
//! check, capture, wait for a webhook; record it all in an [`Exchange`] and tell the observer
//! as it happens.

use std::time::{Instant, SystemTime};

use serde_json::Value;

use crate::check::{self, ResponseView};
use crate::collection::{Collection, RequestSpec};
use crate::error::{Code, Failure};
use crate::http::Response;
use crate::output::sink::{self, BodyMode, BodyWritten, Keep, SinkError};
use crate::record::{
    BodyPlace, Event, Exchange, Key, Observer, ReceivedResponse, ResponseBody, SentRequest, mask,
};
use crate::request::{CaptureSource, ResolvedRequest};
use crate::resolve::Resolver;

use super::Engine;

/// Bodies up to this size are kept in memory for checks and captures.
const KEEP_FOR_CHECKS: usize = 64 * 1024 * 1024;
/// Otherwise this much is kept, to show when a request fails and for reports.
const EXCERPT: usize = 64 * 1024;

/// How an attempt ended.
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

/// What one attempt gave: how it ended, its record (masked), the values it captured (not
/// masked: later requests use them).
pub struct Attempted {
    pub outcome: Outcome,
    pub exchange: Exchange,
    pub captured: Vec<(String, Value)>,
    /// Attempts made before this one by the attempt itself (the 401 to a cached OAuth2
    /// token before it was renewed), in order.
    pub earlier: Vec<Exchange>,
}

/// What an attempt needs from its run.
pub struct Cx<'a> {
    pub engine: &'a Engine,
    pub observer: &'a dyn Observer,
    pub key: Key,
    /// Where this request's body goes (discarded for concurrent requests).
    pub body_mode: &'a BodyMode,
    /// A network error will be retried (`--retry`).
    pub network_retry: bool,
    /// Record the passed checks too (a report will read them).
    pub with_passed: bool,
    /// A response with one of these statuses will be sent again: its body is not printed
    /// and its failed checks are not shown.
    pub retry_on: Vec<u16>,
}

impl Cx<'_> {
    fn emit(&self, event: Event<'_>) {
        self.observer.event(self.key, &event);
    }

    /// The attempt stopped on an error: record it (masked) and say it.
    fn errored(&self, mut exchange: Exchange, mut failure: Failure, clock: Instant) -> Attempted {
        mask::error(&mut failure, &self.engine.masker);
        let code = failure.code;
        self.emit(Event::Error {
            failure: &failure,
            retrying: code == Code::Network && self.network_retry,
        });
        exchange.duration = clock.elapsed();
        exchange.error = Some(failure);
        Attempted {
            outcome: Outcome::Errored(code),
            exchange,
            captured: Vec::new(),
            earlier: Vec::new(),
        }
    }
}

/// Resolve and send one request of a collection; `last`: no retry follows, so a failure is
/// shown in full.
pub async fn attempt(
    cx: &Cx<'_>,
    collection: &Collection,
    spec: &RequestSpec,
    resolver: &Resolver,
    last: bool,
) -> Attempted {
    let resolved = resolver
        .resolve_to_send(collection, spec)
        .and_then(|r| Ok((r, resolver.oauth2(collection, spec)?)));
    match resolved {
        Ok((request, None)) => {
            cx.engine.masker.add_derived(&request.headers);
            send(cx, &request, last).await
        }
        Ok((request, Some(oauth))) => {
            cx.engine.masker.add_derived(&request.headers);
            with_oauth2(cx, request, &oauth, last).await
        }
        Err(err) => cx.errored(
            Exchange::new(SystemTime::now()),
            Failure::from(err),
            Instant::now(),
        ),
    }
}

/// Send with an OAuth2 bearer token; a 401 to a cached token renews it once and sends once
/// more (never a loop), both attempts kept. The token requests are recorded with the attempt
/// they were made for. `--dry-run` fetches nothing: the header shows a mask.
async fn with_oauth2(
    cx: &Cx<'_>,
    request: ResolvedRequest,
    oauth: &crate::request::OAuth2,
    last: bool,
) -> Attempted {
    let mut request = request;
    if cx.engine.dry_run {
        bearer(&mut request, crate::util::mask::MASK);
        return send(cx, &request, last).await;
    }
    let tokens = &cx.engine.tokens;
    let mut side = Vec::new();
    let got = tokens.token(oauth, &mut side).await;
    let got = match got {
        Ok(got) => got,
        Err(failure) => return token_failed(cx, failure, side),
    };
    show_side(cx, &side);
    bearer(&mut request, &got.access_token);
    // A 401 to a cached token is sent again: its body and failed checks wait for that.
    let mut retry_on = cx.retry_on.clone();
    if got.cached {
        retry_on.push(401);
    }
    let first_cx = Cx { retry_on, ..*cx };
    let mut attempted = send(&first_cx, &request, last).await;
    attempted.exchange.side = side;
    if !(got.cached && attempted.exchange.status() == Some(401)) {
        return attempted;
    }
    let mut first = attempted.exchange;
    first.retry = Some(crate::record::RetryNote {
        cause: crate::record::RetryCause::Unauthorized,
        wait: std::time::Duration::ZERO,
        retry_after: false,
    });
    cx.emit(Event::TokenRenewed);
    let mut side = Vec::new();
    let mut second = match tokens.renew(oauth, &got.access_token, &mut side).await {
        Ok(renewed) => {
            show_side(cx, &side);
            let old = format!("Bearer {}", got.access_token);
            for (name, value) in &mut request.headers {
                if name.eq_ignore_ascii_case("authorization") && *value == old {
                    *value = format!("Bearer {}", renewed.access_token);
                }
            }
            let mut second = send(cx, &request, last).await;
            second.exchange.side = side;
            second
        }
        Err(failure) => token_failed(cx, failure, side),
    };
    second.earlier.insert(0, first);
    second
}

/// `-v` shows the token requests (masked) before the request they were made for.
fn show_side(cx: &Cx<'_>, side: &[crate::record::SideRequest]) {
    for one in side {
        cx.emit(Event::Side { side: one });
    }
}

/// No token: the attempt ends with the token request's failure, the token requests kept.
fn token_failed(cx: &Cx<'_>, failure: Failure, side: Vec<crate::record::SideRequest>) -> Attempted {
    show_side(cx, &side);
    let mut attempted = cx.errored(Exchange::new(SystemTime::now()), failure, Instant::now());
    attempted.exchange.side = side;
    attempted
}

/// `Authorization: Bearer TOKEN`, unless the request sets its own `Authorization`.
fn bearer(request: &mut ResolvedRequest, token: &str) {
    if request.header("authorization").is_none() {
        request
            .headers
            .push(("Authorization".to_string(), format!("Bearer {token}")));
    }
}

/// Send a resolved request and take in its response.
pub async fn send(cx: &Cx<'_>, request: &ResolvedRequest, last: bool) -> Attempted {
    let mut exchange = Exchange::new(SystemTime::now());
    let clock = Instant::now();
    let signed;
    let request = match &request.sign {
        Some(signing) => match sign(request, signing) {
            Ok(with_signature) => {
                signed = with_signature;
                &signed
            }
            Err(failure) => return cx.errored(exchange, failure, clock),
        },
        None => request,
    };
    // Listen before sending: the webhook may arrive before the response does.
    let webhooks = match (&request.expect_webhook, &cx.engine.inbox) {
        (Some(_), Some(inbox)) => Some(inbox.subscribe()),
        _ => None,
    };
    let client = &cx.engine.client;
    let prepared = match client.prepare(request) {
        Ok(prepared) => prepared,
        Err(err) => return cx.errored(exchange, Failure::from(err), clock),
    };
    let mut sent = SentRequest {
        method: prepared.method.clone(),
        url: prepared.url.to_string(),
        headers: prepared.headers.clone(),
        body: request.body.clone(),
    };
    mask::sent(&mut sent, &cx.engine.masker);
    let dry_run = cx.engine.dry_run;
    cx.emit(Event::Sending {
        request: &sent,
        dry_run,
    });
    exchange.request = Some(sent);
    if dry_run {
        exchange.dry_run = true;
        return Attempted {
            outcome: Outcome::DryRun,
            exchange,
            captured: Vec::new(),
            earlier: Vec::new(),
        };
    }
    match client.execute(prepared).await {
        Ok(response) => {
            let taken = Taken {
                exchange,
                clock,
                webhooks,
            };
            receive(cx, request, response, taken, last).await
        }
        Err(err) => cx.errored(exchange, Failure::from(err), clock),
    }
}

/// What an attempt carries from sending to the response.
struct Taken {
    exchange: Exchange,
    clock: Instant,
    webhooks: Option<tokio::sync::broadcast::Receiver<crate::inbox::Event>>,
}

/// The response head is here: read the body, check, capture, record.
async fn receive(
    cx: &Cx<'_>,
    request: &ResolvedRequest,
    response: Response,
    taken: Taken,
    last: bool,
) -> Attempted {
    let Taken {
        mut exchange,
        clock,
        webhooks,
    } = taken;
    record_redirects(cx, &response, &mut exchange);
    let (head, reader, timings) = response.into_parts();
    let shown = shown_head(cx, request, &head);
    let last = last && !cx.retry_on.contains(&head.status);
    let needs_body = request.expect.needs_body()
        || request
            .captures
            .iter()
            .any(|c| matches!(c.source, CaptureSource::Json(_) | CaptureSource::Regex(_)));
    // An attempt that may be retried doesn't print its body: the last one does (from memory).
    // Nor does one with a secret capture: the value is masked in the body once it is known.
    let secret_capture = request.captures.iter().any(|c| c.secret);
    let deferred = (!last || secret_capture) && matches!(cx.body_mode, BodyMode::Stdout { .. });
    let body = match read_body(cx, &head, (reader, timings), needs_body, deferred).await {
        Ok(body) => body,
        Err(Stop::BrokenPipe) => {
            exchange.duration = clock.elapsed();
            exchange.error = Some(Failure::usage("stdout was closed"));
            return Attempted {
                outcome: Outcome::BrokenPipe,
                exchange,
                captured: Vec::new(),
                earlier: Vec::new(),
            };
        }
        Err(Stop::Failed(failure)) => return cx.errored(exchange, failure, clock),
    };
    let (checks, captured) = judge(cx, request, &head, &body, needs_body, webhooks).await;
    register_secret_captures(cx, request, &captured);
    exchange.timings = Some(body.timings);
    exchange.duration = clock.elapsed();
    exchange.failures = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.check.clone())
        .collect();
    exchange.checks = checks;
    exchange.captures = captured.clone();
    exchange.response = Some(ReceivedResponse {
        body: body.record,
        ..shown
    });
    mask::exchange(&mut exchange, &cx.engine.masker);
    let outcome = conclude(cx, &mut exchange, body.deferred, last, &head).await;
    Attempted {
        outcome,
        exchange,
        captured,
        earlier: Vec::new(),
    }
}

/// Each redirect followed, masked, shown and kept in the exchange.
fn record_redirects(cx: &Cx<'_>, response: &Response, exchange: &mut Exchange) {
    let masker = &cx.engine.masker;
    for redirect in &response.redirects {
        let hop = crate::record::Hop {
            status: redirect.status,
            from: masker.mask(redirect.from.as_str()),
            to: masker.mask(redirect.to.as_str()),
            dropped: redirect.dropped.iter().map(|d| masker.mask(d)).collect(),
        };
        cx.emit(Event::Redirected {
            status: hop.status,
            from: &hop.from,
            to: &hop.to,
            dropped: &hop.dropped,
        });
        exchange.redirects.push(hop);
    }
}

/// The response head as shown (masked; a secret header capture is registered first, so it is
/// masked from the first display on), emitted; its body is filled in later.
fn shown_head(
    cx: &Cx<'_>,
    request: &ResolvedRequest,
    head: &crate::http::ResponseHead,
) -> ReceivedResponse {
    let not_kept = ResponseBody {
        kept: Err("the body was not kept".to_string()),
        received: None,
        went: BodyPlace::Discarded,
        complete: false,
    };
    let mut shown = ReceivedResponse::new(head, not_kept);
    for capture in request.captures.iter().filter(|c| c.secret) {
        if let CaptureSource::Header(name) = &capture.source
            && let Some(value) = head.header(name)
        {
            cx.engine.masker.add(&capture.name, value);
        }
    }
    mask::received(&mut shown, &cx.engine.masker);
    cx.emit(Event::Head { response: &shown });
    shown
}

/// Values of captures marked `secret = true` are secrets from now on: masked in every output
/// (the live display, the body on stdout, every report).
fn register_secret_captures(cx: &Cx<'_>, request: &ResolvedRequest, captured: &[(String, Value)]) {
    for capture in request.captures.iter().filter(|c| c.secret) {
        for (name, value) in captured.iter().filter(|(n, _)| *n == capture.name) {
            match value {
                Value::String(text) => cx.engine.masker.add(name, text),
                Value::Null | Value::Bool(_) => {}
                other => cx.engine.masker.add(name, &other.to_string()),
            }
        }
    }
}

/// Passed, or failed (shown in full when no retry follows); a body held back while retries
/// were possible is printed now.
async fn conclude(
    cx: &Cx<'_>,
    exchange: &mut Exchange,
    deferred: Option<Vec<u8>>,
    last: bool,
    head: &crate::http::ResponseHead,
) -> Outcome {
    if exchange.failures.is_empty() {
        if let Some(bytes) = deferred.filter(|_| !cx.retry_on.contains(&head.status)) {
            let content_type = head.header("content-type");
            let _ = sink::write_kept(bytes, content_type, &cx.engine.body_mode).await;
            if let Some(response) = &mut exchange.response {
                response.body.went = BodyPlace::Stdout;
            }
        }
        return Outcome::Passed;
    }
    if last {
        cx.emit(Event::ChecksFailed { exchange });
    }
    Outcome::Failed
}

/// Why reading a body stopped the attempt.
enum Stop {
    BrokenPipe,
    Failed(Failure),
}

/// A body read: its record (kept bytes unmasked until the exchange is masked), the timings,
/// and the body held back for a later print.
struct ReadBody {
    record: ResponseBody,
    timings: crate::http::Timings,
    deferred: Option<Vec<u8>>,
}

async fn read_body(
    cx: &Cx<'_>,
    head: &crate::http::ResponseHead,
    (reader, timings): (crate::http::BodyReader, crate::http::TimingsHandle),
    needs_body: bool,
    deferred: bool,
) -> Result<ReadBody, Stop> {
    let content_type = head.header("content-type");
    // Keep the body for checks and captures; otherwise a small excerpt to show on failure.
    let keep = Keep {
        limit: if needs_body || deferred {
            KEEP_FOR_CHECKS
        } else {
            EXCERPT
        },
        complete: needs_body || deferred,
    };
    let mode = if deferred {
        &BodyMode::Discard
    } else {
        cx.body_mode
    };
    let written =
        sink::write_body(reader, content_type, head.content_length, mode, Some(keep)).await;
    let (written, kept) = match written {
        Ok((BodyWritten::BrokenPipe, _)) => return Err(Stop::BrokenPipe),
        Ok(written) => written,
        Err(SinkError::Http(err)) => return Err(Stop::Failed(Failure::from(err))),
        Err(err) => return Err(Stop::Failed(Failure::usage(err.to_string()))),
    };
    if let Some(note) = sink::describe(&written) {
        cx.emit(Event::BodyNote { note: &note });
    }
    // A withheld body wasn't downloaded: its size is in the `←` line, if the server gave one.
    let received = (!matches!(written, BodyWritten::Withheld { .. })).then(|| timings.bytes());
    let timing = timings.get();
    cx.emit(Event::Timings {
        timings: &timing,
        received,
    });
    let kept = kept.unwrap_or_else(|| Err("the body was not kept".to_string()));
    let held = match (&kept, deferred) {
        (Ok(bytes), true) => Some(bytes.clone()),
        _ => None,
    };
    let complete = matches!((&kept, received), (Ok(b), Some(n)) if b.len() as u64 == n);
    Ok(ReadBody {
        record: ResponseBody {
            kept,
            received,
            went: place(&written),
            complete,
        },
        timings: timing,
        deferred: held,
    })
}

fn place(written: &BodyWritten) -> BodyPlace {
    match written {
        BodyWritten::Withheld { .. } => BodyPlace::Withheld,
        BodyWritten::Saved { path, .. } => BodyPlace::File(path.clone()),
        BodyWritten::Discarded | BodyWritten::BrokenPipe => BodyPlace::Discarded,
        BodyWritten::Printed
        | BodyWritten::Empty
        | BodyWritten::NotJson
        | BodyWritten::BrokenJson { .. } => BodyPlace::Stdout,
    }
}

/// Run the checks and captures, then wait for the expected webhook (only if all passed).
/// Every check comes back, passed or failed; a capture that found nothing and a webhook that
/// did not come are failed checks too.
async fn judge(
    cx: &Cx<'_>,
    request: &ResolvedRequest,
    head: &crate::http::ResponseHead,
    body: &ReadBody,
    needs_body: bool,
    webhooks: Option<tokio::sync::broadcast::Receiver<crate::inbox::Event>>,
) -> (Vec<check::Checked>, Vec<(String, Value)>) {
    let view = ResponseView {
        status: head.status,
        headers: &head.headers,
        body: match &body.record.kept {
            Ok(bytes) if needs_body => Ok(bytes.as_slice()),
            Ok(_) => Err("the body was not kept".to_string()),
            Err(why) => Err(why.clone()),
        },
        duration: body.timings.total,
        masker: &cx.engine.masker,
    };
    let failed = |check| check::Checked {
        check,
        passed: false,
    };
    let mut checks = check::evaluate_all(&request.expect, &view, cx.with_passed);
    let mut captured = match check::capture(&request.captures, &view) {
        Ok(values) => values,
        Err(err) => {
            checks.push(failed(check::Failure {
                what: format!("capture `{}`", err.name),
                expected: "a value".to_string(),
                actual: err.why.clone(),
                line: Some(err.line),
            }));
            Vec::new()
        }
    };
    if let Some(expected) = &request.expect_webhook
        && checks.iter().all(|c| c.passed)
    {
        match super::webhook::wait(cx, webhooks, expected).await {
            Ok(values) => captured.extend(values),
            Err(failure) => checks.push(failed(failure)),
        }
    }
    (checks, captured)
}

/// Add the signature headers of `signing` to a copy of `request` (signed over its body bytes).
/// Also `show --curl`, so that the exported command carries them.
pub fn sign(
    request: &ResolvedRequest,
    signing: &crate::request::Signing,
) -> Result<ResolvedRequest, Failure> {
    let body: &[u8] = match &request.body {
        crate::request::Body::None => &[],
        crate::request::Body::Bytes(bytes) => bytes,
        _ => {
            return Err(Failure::usage(format!(
                "`sign` in request `{}` needs a body built in memory (json, form or text)",
                request.name
            )));
        }
    };
    let id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let headers = crate::webhook::sign(
        &signing.scheme,
        &signing.secret,
        &id,
        body,
        SystemTime::now(),
    )
    .map_err(|e| Failure::usage(format!("could not sign request `{}`: {e}", request.name)))?;
    let mut signed = request.clone();
    for (name, value) in headers {
        signed
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        signed.headers.push((name, value));
    }
    Ok(signed)
}
