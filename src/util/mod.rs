//! Small shared pieces every layer may use: masking secrets in output, "did you mean"
//! suggestions, units for people, header lookup. Nothing here depends on another module of
//! the crate.

pub mod mask;
pub mod suggest;
pub mod units;

/// The first header of `headers` with this name (case-insensitive), as every header list of
/// the crate (requests, responses, webhook events) is looked up.
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A URL for people to read, with the capture placeholders `show` and `--dry-run` put in it
/// (`<from create-plan json:$.id>`) decoded back from their percent-encoded form.
pub fn readable_placeholders(url: &str) -> String {
    const OPEN: &str = "%3Cfrom";
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find(OPEN) {
        let Some(len) = rest[start..].find("%3E") else {
            break;
        };
        out.push_str(&rest[..start]);
        let encoded = rest[start..start + len + 3].replace('+', " ");
        out.push_str(&percent_encoding::percent_decode_str(&encoded).decode_utf8_lossy());
        rest = &rest[start + len + 3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_in_urls_are_readable() {
        assert_eq!(
            super::readable_placeholders(
                "http://h/p/%3Cfrom%20a%20json:$.id%3E?q=%3Cfrom+a+header%3ALocation%3E&x=%3C1+2"
            ),
            "http://h/p/<from a json:$.id>?q=<from a header:Location>&x=%3C1+2"
        );
    }
}
