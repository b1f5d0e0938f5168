//! Which names hold credentials, by their role, and which literal values are shaped like one
//! in a URL: for `postie check`.
//!
//! A name is split into words (`_`, `-`, `.`, spaces and camelCase): `X-Api-Key` is
//! `x api key`, `clientSecret` is `client secret`. It names a credential when its last word is
//! a credential noun (`token`, `secret`, `password`, `apikey`, `cookie`, …), or is `key` after
//! `api`, `secret`, `private`, `access`, …; `session_id`/`sid` too. A name that merely
//! mentions one (`token_url`, `auth_url`, `secret_name`, `token_type`, `password_policy`)
//! describes something else and is not one.

/// Last words that make a name a credential.
const NOUNS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "apikey",
    "credential",
    "credentials",
    "cookie",
    "authorization",
    "auth",
    "jwt",
    "sessionid",
    "sid",
];

/// Words before a final `key` that make it a credential (`api_key`, `private-key`).
const KEY_KINDS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "signing",
    "client",
    "master",
    "auth",
    "encryption",
    "subscription",
    "license",
    "app",
];

/// The words of a name, lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a header, parameter, field or variable named `name` holds a credential.
pub fn credential_name(name: &str) -> bool {
    let words = words(name);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    let before = words.len().checked_sub(2).map(|i| words[i].as_str());
    if NOUNS.contains(&last) {
        return true;
    }
    match (before, last) {
        (None, "key") => true,
        (Some(kind), "key") => KEY_KINDS.contains(&kind) || kind == "session",
        (Some("session"), "id") => true,
        _ => false,
    }
}

/// A URL with a literal password (`https://user:pass@host`) or a credential query parameter
/// with a literal value (`?api_key=abc`): what it holds, for the message. `{{…}}` parts are
/// placeholders, not literals.
pub fn url_credential(text: &str) -> Option<String> {
    let text = text.trim();
    if text.contains(char::is_whitespace) {
        return None;
    }
    if let Some((scheme, rest)) = text.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && literal(password)
        {
            return Some("a password in the URL (`user:password@`)".to_string());
        }
    }
    // Also `{{base}}/x?api_key=…`: a query after any URL-like text.
    let query = text.split_once('?')?.1;
    let query = &query[..query.find('#').unwrap_or(query.len())];
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if credential_name(name) && literal(value) {
            return Some(format!("the `{name}` query parameter in the URL"));
        }
    }
    None
}

/// Text that is not empty and not only placeholders, numbers or a boolean.
fn literal(value: &str) -> bool {
    let mut rest = value.to_string();
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        rest.replace_range(start..start + len + 2, "");
    }
    let rest = rest.trim();
    !rest.is_empty() && !plain_value(rest)
}

/// A number, a boolean or a URL (without credentials): values no one mistakes for a secret.
pub fn plain_value(text: &str) -> bool {
    let text = text.trim();
    text.parse::<f64>().is_ok()
        || matches!(text, "true" | "false")
        || ((text.starts_with("http://") || text.starts_with("https://"))
            && url_credential(text).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_role() {
        for yes in [
            "token",
            "access_token",
            "X-Api-Key",
            "apiKey",
            "api-key",
            "client_secret",
            "clientSecret",
            "password",
            "db.password",
            "Authorization",
            "X-Auth-Token",
            "session_id",
            "key",
            "private_key",
            "Cookie",
        ] {
            assert!(credential_name(yes), "{yes}");
        }
        for no in [
            "token_url",
            "tokenUrl",
            "auth_url",
            "secret_name",
            "token_type",
            "password_policy",
            "max_tokens",
            "author",
            "monkey",
            "key_id",
            "primary_key",
            "",
        ] {
            assert!(!credential_name(no), "{no}");
        }
    }

    #[test]
    fn urls_with_credentials() {
        assert_eq!(
            url_credential("https://ada:hunter2@example.com/x").as_deref(),
            Some("a password in the URL (`user:password@`)")
        );
        assert_eq!(
            url_credential("https://example.com/x?page=2&api_key=abc123").as_deref(),
            Some("the `api_key` query parameter in the URL")
        );
        assert_eq!(
            url_credential("{{base}}/x?access_token=abc").as_deref(),
            Some("the `access_token` query parameter in the URL")
        );
        for fine in [
            "https://ada:{{secret:pw}}@example.com/",
            "https://ada@example.com/",
            "https://example.com/x?api_key={{secret:k}}",
            "https://example.com/x?token_url=https://a/b",
            "https://example.com/x?limit=5&token=",
            "{{base}}/x?page=2",
            "not a url?token=x",
        ] {
            assert_eq!(url_credential(fine), None, "{fine}");
        }
    }
}
