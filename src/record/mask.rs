//! Masking of records: every string and every body byte that came from a request or a
//! response, with the secrets known when it is called. The engine masks each record once,
//! before any sink sees it.

use crate::error::Failure;
use crate::request::{Body, PartValue};
use crate::util::mask::Masker;

use super::{Exchange, ReceivedResponse, RequestRecord, SentRequest, Verdict};

/// Mask a whole request record (its URL, its reasons, every exchange).
pub fn request(record: &mut RequestRecord, masker: &Masker) {
    if !masker.is_active() {
        // Cookie headers are masked even when no secret is known.
        if !masker.reveals() {
            for exchange in &mut record.exchanges {
                self::exchange(exchange, masker);
            }
        }
        return;
    }
    text(&mut record.name, masker);
    text(&mut record.url, masker);
    match &mut record.verdict {
        Verdict::Skipped(super::SkipReason::Marked(reason)) => text(reason, masker),
        Verdict::Skipped(super::SkipReason::SkipIf { template, value }) => {
            text(template, masker);
            text(value, masker);
        }
        _ => {}
    }
    for exchange in &mut record.exchanges {
        self::exchange(exchange, masker);
    }
}

/// Mask one exchange in place.
pub fn exchange(exchange: &mut Exchange, masker: &Masker) {
    if masker.reveals() {
        return;
    }
    for side in &mut exchange.side {
        self::exchange(&mut side.exchange, masker);
        text(&mut side.purpose, masker);
    }
    if let Some(request) = &mut exchange.request {
        sent(request, masker);
    }
    if let Some(response) = &mut exchange.response {
        received(response, masker);
    }
    if !masker.is_active() {
        return;
    }
    let checks = exchange.checks.iter_mut().map(|c| &mut c.check);
    for failure in exchange.failures.iter_mut().chain(checks) {
        text(&mut failure.what, masker);
        text(&mut failure.expected, masker);
        text(&mut failure.actual, masker);
    }
    for (_, value) in &mut exchange.captures {
        json(value, masker);
    }
    for hop in &mut exchange.redirects {
        text(&mut hop.from, masker);
        text(&mut hop.to, masker);
    }
    if let Some(error) = &mut exchange.error {
        self::error(error, masker);
    }
}

/// Mask a request as sent.
pub fn sent(request: &mut SentRequest, masker: &Masker) {
    cookies(&mut request.headers, masker);
    if !masker.is_active() {
        return;
    }
    text(&mut request.url, masker);
    headers(&mut request.headers, masker);
    match &mut request.body {
        Body::None | Body::File(_) => {}
        Body::Bytes(b) => bytes(b, masker),
        Body::Multipart(parts) => {
            for part in parts {
                if let PartValue::Text(value) = &mut part.value {
                    text(value, masker);
                }
            }
        }
    }
}

/// Mask a response (status line, headers, kept body).
pub fn received(response: &mut ReceivedResponse, masker: &Masker) {
    cookies(&mut response.headers, masker);
    if !masker.is_active() {
        return;
    }
    text(&mut response.reason, masker);
    headers(&mut response.headers, masker);
    let complete = response.body.complete;
    match &mut response.body.kept {
        Ok(b) if complete => bytes(b, masker),
        Ok(b) => cut_bytes(b, masker),
        Err(why) => text(why, masker),
    }
}

/// Mask an error's message, detail and hint.
pub fn error(error: &mut Failure, masker: &Masker) {
    text(&mut error.message, masker);
    if let Some(detail) = &mut error.detail {
        text(detail, masker);
    }
    if let Some(hint) = &mut error.hint {
        text(hint, masker);
    }
}

/// Cookie values in `Cookie` and `Set-Cookie` headers, whatever their length (unless
/// `--show-secrets`).
fn cookies(headers: &mut [(String, String)], masker: &Masker) {
    if masker.reveals() {
        return;
    }
    for (name, value) in headers {
        if let Some(masked) = crate::util::mask::cookie_header(name, value) {
            *value = masked;
        }
    }
}

fn headers(headers: &mut [(String, String)], masker: &Masker) {
    for (name, value) in headers {
        text(name, masker);
        text(value, masker);
    }
}

fn text(value: &mut String, masker: &Masker) {
    if let std::borrow::Cow::Owned(masked) = masker.masked(value) {
        *value = masked;
    }
}

fn bytes(value: &mut Vec<u8>, masker: &Masker) {
    if let Some(masked) = masker.masked_bytes(value) {
        *value = masked;
    }
}

/// Bytes cut short (the start of a longer body): the tail that may be the start of a secret
/// cut in two is left out (at most the longest form of a secret, less one byte).
fn cut_bytes(value: &mut Vec<u8>, masker: &Masker) {
    let mut stream = masker.stream();
    let mut out = Vec::with_capacity(value.len());
    stream.push(value, &mut out);
    *value = out;
}

fn json(value: &mut serde_json::Value, masker: &Masker) {
    match value {
        serde_json::Value::String(s) => text(s, masker),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| json(v, masker)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| json(v, masker)),
        _ => {}
    }
}
