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
