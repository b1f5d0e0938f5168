//! "Did you mean": the closest known name to a mistyped one, and a list of the names known.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = name.to_lowercase();
    let length = wanted.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: a 100 KB key is compared with
        // nothing (the distance itself is quadratic in the lengths).
        .map(|c| (c.to_lowercase(), c))
        .filter(|(lower, _)| lower.chars().count().abs_diff(length) <= limit)
        .map(|(lower, c)| (strsim::damerau_levenshtein(&wanted, &lower), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `a`, `b`, `c` (or "none").
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let list: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_and_case_insensitive() {
        let keys = ["headers", "query", "url"];
        assert_eq!(did_you_mean("heders", keys), Some("headers"));
        assert_eq!(did_you_mean("URL", keys), Some("url"));
        assert_eq!(did_you_mean("body", keys), None);
        // Far longer or shorter names are never close.
        assert_eq!(did_you_mean(&"k".repeat(100_000), keys), None);
        assert_eq!(did_you_mean("u", keys), None);
        assert_eq!(did_you_mean("querys", keys), Some("query"));
        assert_eq!(list_names(["a", "b"]), "`a`, `b`");
        assert_eq!(list_names([]), "none");
    }
}
