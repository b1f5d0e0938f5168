//! Units for people: byte counts and durations, as every output shows them.

use std::time::Duration;

/// A byte count for people, in decimal (SI) units as curl's and xh's progress output read
/// best: `512 B`, `1.2 KB` (1 KB = 1000 B), `3.4 MB`, up to `EB`; one decimal, rounded half up.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut scale: u128 = 1;
    for unit in UNITS {
        scale *= 1000;
        // Tenths of the unit, rounded half up.
        let tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
        if tenths < 10_000 || unit == "EB" {
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
    }
    format!("{bytes} B")
}

/// The longest duration postie accepts for a timeout or a wait (`timeout`, `within`,
/// `interval`, `--timeout`, `--delay`, a `[secrets]` command's `timeout`): 24 hours. Anything
/// longer is a mistake (and `300000000000y` would overflow a clock).
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A duration as people write it (`500ms`, `30s`, `1m 30s`), at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if duration > MAX_DURATION {
        return Err("longer than 24h, the longest timeout or wait postie accepts".to_string());
    }
    Ok(duration)
}

/// `850 µs`, `12.3 ms`, `1.24 s`.
pub fn fmt_duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        let cases = [
            (0, "0 B"),
            (512, "512 B"),
            (999, "999 B"),
            (1000, "1.0 KB"),
            (1234, "1.2 KB"),
            (1250, "1.3 KB"),
            (999_949, "999.9 KB"),
            (999_950, "1.0 MB"),
            (3_400_000, "3.4 MB"),
            (127_000_000, "127.0 MB"),
            (5_500_000_000, "5.5 GB"),
            (u64::MAX, "18.4 EB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human_size(bytes), want, "{bytes}");
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(fmt_duration(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(fmt_duration(Duration::from_millis(1_240)), "1.24 s");
    }
}
