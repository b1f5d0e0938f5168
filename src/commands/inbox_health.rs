//! `postie inbox verify|repair`, and how `inbox list` reports damage it skipped.

use std::path::Path;

use crate::commands::listen::store_failure;
use crate::error::{Code, Failure};
use crate::inbox::store::{self, Health};
use crate::settings::Settings;

/// Damaged records shown at most (the rest are counted).
const SHOWN: usize = 20;

/// The damage lines for stderr (empty for an intact inbox): one warning per damaged range,
/// then what to run.
pub fn damage_report(health: &Health, dir: &Path, settings: &Settings) -> String {
    if health.is_intact() {
        return String::new();
    }
    let log = dir.join("events.log");
    let mut text = String::new();
    for damage in health.damage.iter().take(SHOWN) {
        text.push_str(&settings.printer.warning(&format!(
            "`{}`: {}, skipped",
            log.display(),
            damage.describe()
        )));
    }
    let more = health.damage.len().saturating_sub(SHOWN) + health.more_damage;
    if more > 0 {
        text.push_str(
            &settings
                .printer
                .warning(&format!("{more} more damaged ranges")),
        );
    }
    text.push_str("  hint: every intact record is shown; `postie inbox repair` rewrites the inbox without the damaged parts (keeping a backup)\n");
    text
}

/// `inbox verify`: exit 0 when every record is intact, else 1 with each damaged range.
pub fn verify(dir: &Path, settings: &Settings) -> Result<Code, Failure> {
    let found = store::verify(dir).map_err(store_failure)?;
    let mut text = damage_report(&found.health, dir, settings);
    text.push_str(&format!(
        "{} events, {} delivery records, next id {} (format {}): {}\n",
        found.events,
        found.deliveries,
        found.next_id,
        found.health.version,
        if found.health.is_intact() {
            "intact"
        } else {
            "DAMAGED"
        }
    ));
    settings.printer.err(&text);
    Ok(if found.health.is_intact() {
        Code::Ok
    } else {
        Code::Failed
    })
}

/// `inbox repair`: rewrite without the damaged parts; the original is kept as a backup.
pub fn repair(dir: &Path, settings: &Settings) -> Result<Code, Failure> {
    let repaired = store::repair(dir).map_err(store_failure)?;
    let Some(backup) = &repaired.backup else {
        settings.printer.err(&format!(
            "nothing to repair: {} events, every record intact\n",
            repaired.events
        ));
        return Ok(Code::Ok);
    };
    let mut text = String::new();
    for damage in repaired.health.damage.iter().take(SHOWN) {
        text.push_str(&format!("  removed {}\n", damage.describe()));
    }
    text.push_str(&format!(
        "repaired: kept {} events and {} delivery records (ids unchanged; the next is {}); the original is at {}\n",
        repaired.events,
        repaired.deliveries,
        repaired.next_id,
        backup.display()
    ));
    settings.printer.err(&text);
    Ok(Code::Ok)
}
