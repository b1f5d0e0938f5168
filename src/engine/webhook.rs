//! `expect_webhook`: wait for a matching event in the embedded inbox and capture from it.

use std::time::{Duration, Instant};

use crate::check::{self, ResponseView};
use crate::record::Event;

use super::attempt::Cx;

/// The webhook `expected` must arrive (on `rx`, subscribed before the request was sent); its
/// captures are returned. Without a running inbox it cannot arrive.
pub(super) async fn wait(
    cx: &Cx<'_>,
    rx: Option<tokio::sync::broadcast::Receiver<crate::inbox::Event>>,
    expected: &crate::request::WebhookExpect,
) -> Result<Vec<(String, serde_json::Value)>, check::Failure> {
    let Some(mut rx) = rx else {
        return Err(check::Failure {
            what: "webhook".to_string(),
            expected: "the embedded inbox to receive it".to_string(),
            actual: "no inbox is running (use `{{inbox}}` as the callback URL)".to_string(),
            line: Some(expected.line),
        });
    };
    let (event, values, waited) = wait_for(&mut rx, expected, &cx.engine.masker).await?;
    cx.observer.event(
        cx.key,
        &Event::Webhook {
            method: &event.method,
            path: &event.path,
            waited,
        },
    );
    Ok(values)
}

/// Wait for an event matching `expected` (path glob, method, checks); its captures come from
/// it. On timeout, say what did arrive.
async fn wait_for(
    rx: &mut tokio::sync::broadcast::Receiver<crate::inbox::Event>,
    expected: &crate::request::WebhookExpect,
    masker: &crate::util::mask::Masker,
) -> Result<
    (
        crate::inbox::Event,
        Vec<(String, serde_json::Value)>,
        Duration,
    ),
    check::Failure,
> {
    let clock = Instant::now();
    let deadline = tokio::time::Instant::now() + expected.within;
    let mut seen: Vec<String> = Vec::new();
    let want = format!(
        "{} {} within {}",
        expected.method.as_deref().unwrap_or("a request to"),
        expected.path,
        humantime::format_duration(expected.within)
    );
    loop {
        let event = match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(event)) => event,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => continue,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) | Err(_) => {
                let actual = if seen.is_empty() {
                    "nothing arrived".to_string()
                } else {
                    format!("{} arrived: {}", seen.len(), seen.join("; "))
                };
                return Err(check::Failure {
                    what: "webhook".to_string(),
                    expected: want,
                    actual,
                    line: Some(expected.line),
                });
            }
        };
        let label = format!("{} {}", event.method, event.path);
        if !crate::glob::matches(&expected.path, &event.path) {
            seen.push(format!("{label} (other path)"));
            continue;
        }
        if expected.method.as_ref().is_some_and(|m| m != &event.method) {
            seen.push(format!("{label} (other method)"));
            continue;
        }
        let view = ResponseView {
            status: 0,
            headers: &event.headers,
            body: Ok(&event.body),
            duration: Duration::ZERO,
            masker,
        };
        let failures = check::evaluate(&expected.expect, &view);
        if let Some(first) = failures.first() {
            seen.push(format!(
                "{label} ({}: expected {}, got {})",
                first.what, first.expected, first.actual
            ));
            continue;
        }
        return match check::capture(&expected.captures, &view) {
            Ok(values) => Ok((event, values, clock.elapsed())),
            Err(err) => Err(check::Failure {
                what: format!("webhook capture `{}`", err.name),
                expected: "a value".to_string(),
                actual: err.why,
                line: Some(err.line),
            }),
        };
    }
}
