//! Secrets, timestamps and signatures read exactly as the official Python libraries read them
//! (`stripe`, `standardwebhooks` and `svix`, which wraps it), so that postie accepts and rejects
//! the same headers they do. `tests/signatures.rs` compares postie with them case by case.

/// `base64.b64decode(s)` as CPython does it by default (`validate=False`): characters outside
/// the standard alphabet are skipped, the padding that completes a quad ends the input (the
/// rest is ignored, and so are left-over bits), and an unfinished last quad is an error.
/// `None` also for non-ASCII input (Python raises `ValueError`).
pub(super) fn b64decode(s: &str) -> Option<Vec<u8>> {
    if !s.is_ascii() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let (mut quad, mut left, mut pads) = (0u32, 0u32, 0u32);
    for c in s.bytes() {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let Some(v) = b64_value(c) else {
            continue;
        };
        pads = 0;
        // Each arm emits at most 8 bits: the casts keep exactly those.
        match quad {
            0 => (left, quad) = (v, 1),
            1 => {
                out.push(((left << 2) | (v >> 4)) as u8);
                (left, quad) = (v & 0x0f, 2);
            }
            2 => {
                out.push(((left << 4) | (v >> 2)) as u8);
                (left, quad) = (v & 0x03, 3);
            }
            _ => {
                out.push(((left << 6) | v) as u8);
                (left, quad) = (0, 0);
            }
        }
    }
    (quad == 0).then_some(out)
}

fn b64_value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// A decimal integer as Python's `int(s)` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PyInt {
    /// How `"%d" % n` writes it (what stripe-python signs): no `+`, no leading zeros.
    pub text: String,
    /// Its value, saturated to the range of `i128`.
    pub value: i128,
}

/// `int(s)`: surrounding whitespace, an optional sign, ASCII digits with single underscores
/// between them (Python also takes other scripts' digits; a header never carries them).
pub(super) fn int(s: &str) -> Option<PyInt> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = digit_part(digits)?;
    let digits = digits.trim_start_matches('0');
    let (text, value) = if digits.is_empty() {
        ("0".to_owned(), 0)
    } else {
        let magnitude = digits.parse::<i128>().unwrap_or(i128::MAX);
        if negative {
            (format!("-{digits}"), -magnitude)
        } else {
            (digits.to_owned(), magnitude)
        }
    };
    Some(PyInt { text, value })
}

/// PEP 515 digits (`1_000`): non-empty, `_` only between two digits. The digits without `_`.
fn digit_part(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b.iter().enumerate().all(|(i, &c)| {
            c.is_ascii_digit()
                || (c == b'_' && i > 0 && i + 1 < b.len() && b[i - 1] != b'_' && b[i + 1] != b'_')
        })
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit();
    ok.then(|| s.replace('_', ""))
}

/// A `webhook-timestamp` as standardwebhooks reads it: `float(s)`, then
/// `datetime.fromtimestamp`, which rounds to microseconds (half to even). Returns the whole
/// seconds it signs (`floor` of that) and the microseconds since the epoch it compares with
/// the clock. `None` where Python fails: not a number, infinite, NaN, out of range.
pub(super) fn timestamp(s: &str) -> Option<(i64, i128)> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => ("-", &s[1..]),
        Some(b'+') => ("", &s[1..]),
        _ => ("", s),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let part = |p: &str| {
        if p.is_empty() {
            Some(String::new())
        } else {
            digit_part(p)
        }
    };
    let whole = part(whole)?;
    let fraction = match fraction {
        Some(f) => Some(part(f)?),
        None => None,
    };
    if whole.is_empty() && fraction.as_deref().is_none_or(str::is_empty) {
        return None; // no digit before or after the point
    }
    let exponent = match exponent {
        None => String::new(),
        Some(e) => {
            let (esign, edigits) = match e.as_bytes().first() {
                Some(b'-') => ("-", &e[1..]),
                Some(b'+') => ("", &e[1..]),
                _ => ("", e),
            };
            format!("e{esign}{}", digit_part(edigits)?)
        }
    };
    let text = format!(
        "{sign}{}.{}{exponent}",
        if whole.is_empty() { "0" } else { &whole },
        fraction.as_deref().filter(|f| !f.is_empty()).unwrap_or("0"),
    );
    let v: f64 = text.parse().ok()?;
    // datetime's range is years 1 to 9999; far outside the tolerance either way.
    if !v.is_finite() || v.abs() > 2.5e11 {
        return None;
    }
    let mut secs = v.trunc();
    let mut micros = ((v - secs) * 1e6).round_ties_even();
    if micros >= 1e6 {
        micros -= 1e6;
        secs += 1.0;
    } else if micros < 0.0 {
        micros += 1e6;
        secs -= 1.0;
    }
    // Both are whole numbers in range (checked above), so the casts are exact.
    let secs = secs as i64;
    Some((secs, i128::from(secs) * 1_000_000 + micros as i128))
}
