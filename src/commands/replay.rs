//! `postie inbox replay IDS|--failed [--to URL]`: which events, and where each one goes.

use std::ops::{ControlFlow, RangeInclusive};
use std::path::Path;

use bytes::Bytes;

use crate::error::Failure;
use crate::inbox::store::{self, Stored};

/// Most body bytes one `replay` holds at once (the selected events are read in one pass).
pub const MAX_REPLAY_BYTES: usize = 256 * 1024 * 1024;

/// `3`, `#3`, `3-7,12`: the ids and ranges asked for.
pub fn parse_ids(text: &str) -> Result<Vec<RangeInclusive<u64>>, Failure> {
    let bad = |part: &str| {
        Failure::usage(format!("`{part}` is not a request id or a range of them"))
            .with_hint("give ids and ranges such as `3`, `3-7` or `3-7,12`")
    };
    let id = |s: &str| s.trim().trim_start_matches('#').parse::<u64>().ok();
    text.split(',')
        .map(|part| {
            let (start, end) = match part.split_once('-') {
                Some((a, b)) => (id(a), id(b)),
                None => (id(part), id(part)),
            };
            match (start, end) {
                (Some(a), Some(b)) if a <= b => Ok(a..=b),
                _ => Err(bad(part)),
            }
        })
        .collect()
}

/// Whether an event was forwarded or replayed and never got a 2xx.
pub fn failed(stored: &Stored) -> bool {
    !stored.deliveries.is_empty()
        && !stored
            .deliveries
            .iter()
            .any(|d| d.status.is_some_and(|s| (200..300).contains(&s)))
}

/// Where `listen --forward-to` sent the event (its last forward), for a replay without `--to`.
pub fn recorded_target(stored: &Stored) -> Option<&str> {
    stored
        .deliveries
        .iter()
        .rev()
        .find(|d| d.via == "forward")
        .map(|d| d.to.as_str())
}

/// The events in `ids` (and with `failed`, those whose deliveries all failed), in id order,
/// with their bodies and deliveries; one pass over the inbox.
pub fn select(
    dir: &Path,
    ids: &[RangeInclusive<u64>],
    with_failed: bool,
) -> Result<Vec<Stored>, Failure> {
    let mut chosen = Vec::new();
    let mut bytes = 0usize;
    let mut over = false;
    store::for_each_event(dir, |record, deliveries| {
        let id = record.id();
        let asked = ids.iter().any(|r| r.contains(&id));
        let Some(mut stored) = record.head() else {
            return ControlFlow::Break(());
        };
        stored.deliveries = deliveries;
        if !(asked || (with_failed && failed(&stored))) {
            return ControlFlow::Continue(());
        }
        bytes = bytes.saturating_add(record.body().len());
        if bytes > MAX_REPLAY_BYTES {
            over = true;
            return ControlFlow::Break(());
        }
        stored.event.body = Bytes::copy_from_slice(record.body());
        chosen.push(stored);
        ControlFlow::Continue(())
    })
    .map_err(super::listen::store_failure)?;
    if over {
        return Err(Failure::usage(format!(
            "the requests selected hold over {} MiB of bodies",
            MAX_REPLAY_BYTES >> 20
        ))
        .with_hint("replay fewer at a time: give a smaller range"));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_ranges() {
        let ids = parse_ids("3-7,12,#20").unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(ids, vec![3..=7, 12..=12, 20..=20]);
        for bad in ["", "7-3", "a", "1-", "1,,2", "-3"] {
            assert!(parse_ids(bad).is_err(), "{bad}");
        }
    }
}
