//! Literal credentials in a collection, caught before they are committed (`postie check`, and a
//! warning from `postie run`).
//!
//! Three kinds of finding:
//! - a literal in a place meant for a credential, by the key's role
//!   (`credential_names::credential_name`): `auth` (bearer, basic password, api_key value),
//!   the `sign` secret, headers such as `Authorization` or `X-Api-Key`, query parameters,
//!   `form`, `json` and `multipart` fields and variables named like credentials (`api_key`,
//!   `client_secret`, `password`; not `token_url`, `auth_url` or `secret_name`);
//! - a URL anywhere with a literal password (`https://user:pass@host`) or a credential query
//!   parameter written into it (`?api_key=…`);
//! - a string anywhere shaped like a well-known token (GitHub `ghp_…`, Stripe `sk_live_…`,
//!   Slack `xox…-`, AWS access key ids `AKIA…`, Google `AIza…`, JWTs, private keys).
//!
//! A value made only of placeholders (`{{secret:x}}`, `{{env:X}}`, `{{var}}`) is fine, and so
//! is a number, a boolean or a plain URL in a credential's place. A line that ends with the
//! comment `# postie:allow-literal` is skipped (for deliberate demo values).

use super::credential_names::{credential_name, plain_value, url_credential};
use super::model::{AuthSpec, BodySpec, Header, Param, PartSpecValue, TValue, TemplateStr};
use super::{Collection, SourceDiagnostic};
use crate::template::{PlaceholderKind, Segment};

/// One literal credential found in a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub diagnostic: SourceDiagnostic,
}

const ALLOW: &str = "postie:allow-literal";

const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
];

const SENSITIVE_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "api-key",
    "auth",
    "credential",
    "private_key",
    "access_key",
    "session",
];

/// A capture named like a credential (`*token*`, `*secret*`, `*password*`, `*key*`) that is not
/// marked `secret = true`: its value would be shown in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmarkedCapture {
    pub request: String,
    pub name: String,
    /// 1-based line of the capture in the file.
    pub line: usize,
}

/// The captures of `collection` that look like credentials and are not marked secret.
pub fn unmarked_captures(collection: &Collection) -> Vec<UnmarkedCapture> {
    const WORDS: &[&str] = &["token", "secret", "password", "key"];
    let mut found = Vec::new();
    for request in &collection.requests {
        for capture in request.captures.iter().filter(|c| !c.secret) {
            let lower = capture.name.to_ascii_lowercase();
            if WORDS.iter().any(|w| lower.contains(w)) {
                found.push(UnmarkedCapture {
                    request: request.name.clone(),
                    name: capture.name.clone(),
                    line: capture.line,
                });
            }
        }
    }
    found
}

/// Scan the collection for literal credentials.
pub fn find(collection: &Collection) -> Vec<Finding> {
    let mut scan = Scan {
        collection,
        findings: Vec::new(),
    };
    scan.run();
    scan.findings
        .sort_by_key(|f| (f.diagnostic.line, f.diagnostic.col));
    scan.findings.dedup_by(|a, b| {
        a.diagnostic.line == b.diagnostic.line && a.diagnostic.col == b.diagnostic.col
    });
    scan.findings
}

struct Scan<'c> {
    collection: &'c Collection,
    findings: Vec<Finding>,
}

impl Scan<'_> {
    fn run(&mut self) {
        let c = self.collection;
        let defaults = "`[defaults]`".to_string();
        for header in &c.defaults.headers {
            self.header(header, &defaults);
        }
        for param in &c.defaults.query {
            self.param(param, &defaults);
        }
        if let Some(auth) = &c.defaults.auth {
            self.auth(auth, &defaults);
        }
        for request in &c.requests {
            let place = format!("request `{}`", request.name);
            for header in &request.headers {
                self.header(header, &place);
            }
            for param in &request.query {
                self.param(param, &place);
            }
            if let Some(auth) = &request.auth {
                self.auth(auth, &place);
            }
            if let Some(sign) = &request.sign {
                let what = format!("the `sign` secret of {place}");
                self.literal(&sign.secret, &what, "signing_secret");
            }
            self.shapes(&request.url_template, &place);
            self.body(&request.body, &place);
        }
        for var in &c.vars {
            self.var(&var.name, &var.value, "`[vars]`");
        }
        for env in &c.envs {
            for var in &env.vars {
                self.var(&var.name, &var.value, &format!("`[env.{}]`", env.name));
            }
        }
    }

    fn body(&mut self, body: &BodySpec, place: &str) {
        match body {
            BodySpec::Json(value) => self.json(value, place),
            BodySpec::Form(fields) => {
                for field in fields {
                    self.field(&field.name, &field.values, "form field", place);
                }
            }
            BodySpec::Multipart(parts) => {
                for part in parts {
                    if let PartSpecValue::Text(text) = &part.value {
                        let values = std::slice::from_ref(text);
                        self.field(&part.name, values, "multipart field", place);
                    }
                }
            }
            BodySpec::Text { text, .. } => self.shapes(text, place),
            BodySpec::Graphql(g) => {
                self.shapes(&g.query, place);
                if let Some(vars) = &g.variables {
                    self.json(vars, place);
                }
            }
            BodySpec::None | BodySpec::File { .. } => {}
        }
    }

    /// A field named like a credential holds no literal; any field, no token shape.
    fn field(&mut self, name: &str, values: &[TemplateStr], kind: &str, place: &str) {
        for value in values {
            if credential_name(name) {
                self.literal(value, &format!("the `{name}` {kind} of {place}"), name);
            } else {
                self.shapes(value, place);
            }
        }
    }

    /// JSON bodies: fields named like credentials, at any depth.
    fn json(&mut self, value: &TValue, place: &str) {
        match value {
            TValue::Table(entries) => {
                for (key, v) in entries {
                    match v {
                        TValue::String(text) if credential_name(key) => {
                            let what = format!("the `{key}` JSON field of {place}");
                            self.literal(text, &what, key);
                        }
                        other => self.json(other, place),
                    }
                }
            }
            TValue::Array(items) => items.iter().for_each(|v| self.json(v, place)),
            other => self.value_shapes(other, place),
        }
    }

    fn header(&mut self, header: &Header, place: &str) {
        let name = header.name.to_ascii_lowercase();
        if SENSITIVE_HEADERS.contains(&name.as_str()) || credential_name(&name) {
            self.literal(
                &header.value,
                &format!("the `{}` header of {place}", header.name),
                &header.name,
            );
        } else {
            self.shapes(&header.value, place);
        }
    }

    fn param(&mut self, param: &Param, place: &str) {
        for value in &param.values {
            if credential_name(&param.name) {
                self.literal(
                    value,
                    &format!("the `{}` query parameter of {place}", param.name),
                    &param.name,
                );
            } else {
                self.shapes(value, place);
            }
        }
    }

    fn auth(&mut self, auth: &AuthSpec, place: &str) {
        match auth {
            AuthSpec::Bearer(token) => {
                self.literal(token, &format!("the bearer token of {place}"), "token")
            }
            AuthSpec::Basic { password, .. } => self.literal(
                password,
                &format!("the basic auth password of {place}"),
                "password",
            ),
            AuthSpec::ApiKeyHeader { value, .. } | AuthSpec::ApiKeyQuery { value, .. } => {
                self.literal(value, &format!("the api_key value of {place}"), "api_key")
            }
            AuthSpec::OAuth2(spec) => {
                if let Some(secret) = &spec.client_secret {
                    let what = format!("the oauth2 client_secret of {place}");
                    self.literal(secret, &what, "client_secret");
                }
                if let Some(password) = &spec.password {
                    let what = format!("the oauth2 password of {place}");
                    self.literal(password, &what, "password");
                }
            }
            AuthSpec::None => {}
        }
    }

    fn var(&mut self, name: &str, value: &TValue, place: &str) {
        match value {
            TValue::String(text) if credential_name(name) => {
                self.literal(text, &format!("variable `{name}` in {place}"), name)
            }
            other => self.value_shapes(other, place),
        }
    }

    fn value_shapes(&mut self, value: &TValue, place: &str) {
        match value {
            TValue::String(text) => self.shapes(text, place),
            TValue::Array(items) => items.iter().for_each(|v| self.value_shapes(v, place)),
            TValue::Table(entries) => entries
                .iter()
                .for_each(|(_, v)| self.value_shapes(v, place)),
            _ => {}
        }
    }

    /// A credential place holding literal text (beyond an auth scheme word).
    fn literal(&mut self, text: &TemplateStr, what: &str, suggested: &str) {
        let literal: String = text
            .template
            .segments()
            .iter()
            .filter_map(|s| match s {
                Segment::Literal(l) => Some(l.as_str()),
                Segment::Placeholder(_) => None,
            })
            .collect();
        let words: Vec<&str> = literal
            .split_whitespace()
            .filter(|w| {
                !matches!(
                    w.to_ascii_lowercase().as_str(),
                    "bearer" | "basic" | "token" | "digest"
                )
            })
            .collect();
        // A secret or an environment variable supplies the credential: text around it (a
        // scheme, a prefix) is fine.
        let from_secret = text
            .template
            .placeholders()
            .any(|p| matches!(p.kind, PlaceholderKind::Secret(_) | PlaceholderKind::Env(_)));
        let uses_var = text
            .template
            .placeholders()
            .any(|p| matches!(p.kind, PlaceholderKind::Var(_)));
        if from_secret
            || words.is_empty()
            || (uses_var && words.concat().chars().count() < 4)
            || (!uses_var && plain_value(&literal))
        {
            // A plain URL or number in a credential's place: still look inside it.
            self.url_credential(text, what);
            return;
        }
        let name = secret_name(&self.collection.name, suggested);
        self.report(
            text.span.clone(),
            format!("literal credential in {what}"),
            format!(
                "store it with `postie secret set {name}` and write `{{{{secret:{name}}}}}` instead (in CI: `POSTIE_SECRET_{}`)",
                crate::secrets::env_var_name(&name).trim_start_matches("POSTIE_SECRET_")
            ),
        );
    }

    /// A URL with a literal password or credential query parameter.
    fn url_credential(&mut self, text: &TemplateStr, place: &str) {
        if let Some(what) = url_credential(&text.raw) {
            self.report(
                text.span.clone(),
                format!("literal credential in {place}: {what}"),
                "write `{{secret:NAME}}` in its place (`postie secret set NAME` stores it); for a query parameter, `query = { … }` or `auth = { api_key = … }`".to_string(),
            );
        }
    }

    /// Well-known token shapes anywhere in a string, and URLs holding credentials.
    fn shapes(&mut self, text: &TemplateStr, place: &str) {
        self.url_credential(text, place);
        for segment in text.template.segments() {
            let Segment::Literal(literal) = segment else {
                continue;
            };
            if let Some(kind) = token_shape(literal) {
                self.report(
                    text.span.clone(),
                    format!("{kind} in {place}"),
                    "move it to the keyring (`postie secret set NAME`) and write `{{secret:NAME}}`; revoke it if it was ever committed".to_string(),
                );
            }
        }
    }

    fn report(&mut self, span: super::model::Span, message: String, hint: String) {
        let diagnostic = self.collection.diagnostic(span, message, Some(hint));
        if diagnostic.line_text.contains(ALLOW) {
            return;
        }
        self.findings.push(Finding { diagnostic });
    }
}

/// Whether a field, parameter or variable named `name` holds a credential (the rule `find`
/// applies to JSON fields), for `send --save`, which writes a reference instead.
pub fn credential_field(name: &str) -> bool {
    credential_name(name)
}

/// A header meant for a credential (`Authorization`, `X-Api-Key`, a name with `token`,
/// `secret`, `auth`, ... in it): for `inbox save`, which writes a reference instead.
pub fn sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) || sensitive_name(name)
}

fn sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SENSITIVE_WORDS.iter().any(|w| lower.contains(w)) || lower == "key"
}

/// A secret name to suggest: `<collection>_<what>`, valid as a secret name.
pub fn secret_name(collection: &str, what: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .trim_matches('_')
            .to_string()
    };
    let name = format!("{}_{}", clean(collection), clean(what));
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("s_{name}")
    }
}

/// What kind of well-known token `text` contains, if any.
pub fn token_shape(text: &str) -> Option<&'static str> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let upper_digit = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let slack = |c: char| c.is_ascii_alphanumeric() || c == '-';
    type Class = fn(char) -> bool;
    let shapes: [(&str, Class, usize, &str); 14] = [
        ("ghp_", alnum, 30, "a GitHub personal access token"),
        ("gho_", alnum, 30, "a GitHub OAuth token"),
        ("ghs_", alnum, 30, "a GitHub app token"),
        ("ghu_", alnum, 30, "a GitHub user token"),
        ("github_pat_", base64url, 22, "a GitHub fine-grained token"),
        ("sk_live_", alnum, 16, "a Stripe live secret key"),
        ("rk_live_", alnum, 16, "a Stripe live restricted key"),
        ("xoxb-", slack, 10, "a Slack bot token"),
        ("xoxp-", slack, 10, "a Slack user token"),
        ("xoxa-", slack, 10, "a Slack app token"),
        ("AKIA", upper_digit, 16, "an AWS access key id"),
        ("ASIA", upper_digit, 16, "an AWS temporary access key id"),
        ("AIza", base64url, 35, "a Google API key"),
        ("sk-", base64url, 32, "an API secret key"),
    ];
    for (prefix, class, min, kind) in shapes {
        for (at, _) in text.match_indices(prefix) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let run = text[at + prefix.len()..]
                .chars()
                .take_while(|&c| class(c))
                .count();
            if run >= min {
                return Some(kind);
            }
        }
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    if is_jwt(text) {
        return Some("a JSON Web Token");
    }
    None
}

fn is_jwt(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .any(|word| {
            let word = word.trim_start_matches("Bearer");
            let parts: Vec<&str> = word.split('.').collect();
            parts.len() == 3
                && parts[0].starts_with("eyJ")
                && parts.iter().all(|p| {
                    p.len() >= 10
                        && p.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(source: &str) -> Vec<String> {
        let c = crate::collection::parse(std::path::Path::new("collections/shop.toml"), source)
            .unwrap();
        find(&c)
            .into_iter()
            .map(|f| f.diagnostic.to_string())
            .collect()
    }

    #[test]
    fn token_shapes() {
        assert_eq!(
            token_shape("ghp_0123456789abcdefghijABCDEFGHIJ0123"),
            Some("a GitHub personal access token")
        );
        assert_eq!(
            token_shape("key sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            Some("a Stripe live secret key")
        );
        assert_eq!(
            token_shape("xoxb-123456789012-abcdefgh"),
            Some("a Slack bot token")
        );
        assert_eq!(
            token_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key id")
        );
        assert_eq!(
            token_shape(
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ),
            Some("a JSON Web Token")
        );
        assert_eq!(token_shape("ghp_short"), None);
        assert_eq!(token_shape("the task-list is long"), None);
        assert_eq!(token_shape("https://example.com/AKIA"), None);
    }

    #[test]
    fn literal_credentials_are_found_with_a_fix() {
        let found = findings(
            "[[requests]]\nname = \"create-plan\"\nurl = \"http://x\"\nauth = { bearer = \"abcd1234efgh\" }\n",
        );
        assert_eq!(
            found,
            vec![
                "literal credential in the bearer token of request `create-plan`\n --> collections/shop.toml:4:19\n  |\n\
                 4 | auth = { bearer = \"abcd1234efgh\" }\n  |                   ^^^^^^^^^^^^^^\n  = hint: store it with \
                 `postie secret set shop_token` and write `{{secret:shop_token}}` instead (in CI: `POSTIE_SECRET_SHOP_TOKEN`)"
                    .to_string()
            ]
        );
    }

    #[test]
    fn placeholders_and_scheme_words_are_fine() {
        let found = findings(
            "[vars]\ntoken = \"{{secret:t}}\"\n[defaults]\nheaders = { Authorization = \"Bearer {{token}}\", X-Api-Key = \"{{env:KEY}}\" }\n\
             [[requests]]\nname = \"a\"\nurl = \"http://x?q=1\"\nquery = { page = \"2\" }\nauth = { basic = { username = \"ada\", password = \"{{secret:pw}}\" } }\n",
        );
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn headers_query_vars_and_shapes_are_checked() {
        let found = findings(
            "[vars]\napi_token = \"plain-text-token\"\n[[requests]]\nname = \"a\"\nurl = \"http://x\"\n\
             query = { access_token = \"qwertyuiop\" }\nheaders = { X-Api-Key = \"k-123456\", X-Other = \"AKIAIOSFODNN7EXAMPLE\" }\n",
        );
        let first_lines: Vec<&str> = found
            .iter()
            .map(|f| f.lines().next().unwrap_or(""))
            .collect();
        assert_eq!(
            first_lines,
            vec![
                "literal credential in variable `api_token` in `[vars]`",
                "literal credential in the `access_token` query parameter of request `a`",
                "literal credential in the `X-Api-Key` header of request `a`",
                "an AWS access key id in request `a`",
            ]
        );
    }

    #[test]
    fn text_around_a_secret_is_fine() {
        let found = findings(
            "[[requests]]\nname = \"a\"\nurl = \"http://x\"\nheaders = { X-Token = \"pre-{{secret:t}}-post\", Authorization = \"Bearer {{tok}}\" }\n",
        );
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn allow_comment_skips_a_line() {
        let found = findings(
            "[[requests]]\nname = \"a\"\nurl = \"http://x\"\nauth = { bearer = \"demo-token\" } # postie:allow-literal\n",
        );
        assert_eq!(found, Vec::<String>::new());
    }
}
