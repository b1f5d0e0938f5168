//! OAuth2 settings of other tools as postie's `auth = { oauth2 = { … } }`: Postman's `oauth2`
//! auth (grant, token URL, client, scope, client authentication, `tokenRequestParams`) and
//! OpenAPI's `oauth2` security schemes (a flow's `tokenUrl`, `authorizationUrl`, scopes). The
//! client secret is always a `{{secret:…}}`; a saved access token is never written.

use serde_json::Value;
use toml_edit::InlineTable;

use super::{Imported, Note, SecretRef, dynamic};
use crate::collection::credentials;

/// `auth = { oauth2 = { … } }` as imported; strings are template text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OAuth2 {
    /// postie's grant name (`client_credentials`, `password`, `authorization_code`).
    pub grant: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub auth_url: Option<String>,
    /// `basic` or `body` (absent: postie's default).
    pub client_auth: Option<String>,
    /// Extra token request parameters (`audience`, …), in input order.
    pub params: Vec<(String, String)>,
}

impl OAuth2 {
    /// The inline table under `auth.oauth2`.
    pub fn inline(&self) -> InlineTable {
        let mut t = InlineTable::new();
        t.insert("grant", self.grant.as_str().into());
        t.insert("token_url", self.token_url.as_str().into());
        t.insert("client_id", self.client_id.as_str().into());
        let optional = [
            ("client_secret", &self.client_secret),
            ("scope", &self.scope),
            ("username", &self.username),
            ("password", &self.password),
            ("auth_url", &self.auth_url),
            ("client_auth", &self.client_auth),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                t.insert(key, v.as_str().into());
            }
        }
        if !self.params.is_empty() {
            let mut params = InlineTable::new();
            for (k, v) in &self.params {
                params.insert(k, v.as_str().into());
            }
            t.insert("params", toml_edit::Value::InlineTable(params));
        }
        t
    }
}

/// A `{{secret:NAME}}` for `value` (a literal or a `{{variable}}`), recorded in `secrets`
/// once; `NAME` comes from the variable's name, else from `what`.
pub fn secret_ref(
    value: &str,
    collection: &str,
    what: &str,
    from: &str,
    secrets: &mut Vec<SecretRef>,
) -> String {
    let trimmed = value.trim();
    if trimmed.starts_with("{{secret:") {
        return trimmed.to_owned();
    }
    let var = trimmed
        .strip_prefix("{{")
        .and_then(|s| s.strip_suffix("}}"))
        .filter(|s| !s.contains(['{', '}']))
        .map(str::trim);
    let name = match var {
        Some(v) if v.starts_with("vault:") => v["vault:".len()..].to_owned(),
        Some(v) => credentials::secret_name(collection, v),
        None => credentials::secret_name(collection, what),
    };
    if !secrets.iter().any(|s| s.name == name) {
        secrets.push(SecretRef {
            name: name.clone(),
            from: from.to_owned(),
        });
    }
    format!("{{{{secret:{name}}}}}")
}

/// One setting of a Postman auth: `[{ key, value }]` (v2.1) or `{ key: value }` (v2.0).
fn setting<'a>(auth: &'a Value, key: &str) -> Option<&'a Value> {
    match auth.get("oauth2")? {
        Value::Array(a) => a
            .iter()
            .find(|e| e.get("key").and_then(Value::as_str) == Some(key))
            .and_then(|e| e.get("value")),
        Value::Object(o) => o.get(key),
        _ => None,
    }
}

fn text(auth: &Value, key: &str) -> Option<String> {
    match setting(auth, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Postman's `oauth2` auth (`auth` is the whole `{ type, oauth2 }` object) on `out`.
pub fn postman(auth: &Value, collection: &str, out: &mut Imported) {
    let grant_type = text(auth, "grant_type").unwrap_or_else(|| "authorization_code".into());
    let grant = match grant_type.as_str() {
        "client_credentials" => "client_credentials",
        "password_credentials" => "password",
        "authorization_code" | "authorization_code_with_pkce" => "authorization_code",
        other => {
            out.notes.push(Note::Dropped(format!(
                "OAuth2 with the `{other}` grant is not carried (postie has client_credentials, password, authorization_code with PKCE and device_code)"
            )));
            return;
        }
    };
    let mut notes = Vec::new();
    let mut get = |key: &str| text(auth, key).map(|t| dynamic(&t, &mut notes));
    let mut o = OAuth2 {
        grant: grant.to_owned(),
        token_url: get("accessTokenUrl").unwrap_or_default(),
        client_id: get("clientId").unwrap_or_default(),
        scope: get("scope"),
        auth_url: get("authUrl"),
        username: get("username"),
        ..OAuth2::default()
    };
    // A client credentials grant needs a secret: one is named even when Postman has none yet.
    let client_secret = text(auth, "clientSecret");
    if client_secret.is_some() || grant == "client_credentials" {
        o.client_secret = Some(secret_ref(
            client_secret.as_deref().unwrap_or_default(),
            collection,
            "client_secret",
            "the OAuth2 auth's `clientSecret`",
            &mut out.secrets,
        ));
    }
    required_parts(&mut o, &mut out.notes);
    if grant == "password"
        && let Some(pw) = text(auth, "password")
    {
        let from = "the OAuth2 auth's `password`";
        o.password = Some(secret_ref(
            &pw,
            collection,
            "password",
            from,
            &mut out.secrets,
        ));
    }
    o.client_auth = Some(match text(auth, "client_authentication").as_deref() {
        Some("body") => "body".into(),
        _ => "basic".into(),
    });
    out.notes.append(&mut notes);
    postman_params(auth, &mut o, &mut out.notes);
    postman_differences(auth, &grant_type, &o, &mut out.notes);
    out.oauth2 = Some(Box::new(o));
}

/// A plain `http://` token URL off loopback: postie refuses it unless the user adds
/// `allow_http = true`, which the import does not write for them.
fn plain_http(o: &OAuth2, notes: &mut Vec<Note>) {
    let Some(rest) = o.token_url.strip_prefix("http://") else {
        return;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let loopback = host == "localhost" || host == "[::1]" || host.starts_with("127.");
    if !loopback && !host.contains("{{") {
        notes.push(Note::Changed(format!(
            "the OAuth2 token URL is plain http (`{}`): postie refuses it unless you add `allow_http = true` (the import does not)",
            o.token_url
        )));
    }
}

/// What postie's grant needs and the input lacks: written empty (the collection still loads)
/// and reported, so the user fills it in.
fn required_parts(o: &mut OAuth2, notes: &mut Vec<Note>) {
    plain_http(o, notes);
    let (key, slot) = match o.grant.as_str() {
        "password" => ("username", &mut o.username),
        "authorization_code" => ("auth_url", &mut o.auth_url),
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(String::new());
        notes.push(Note::Dropped(format!(
            "the OAuth2 `{}` grant has no `{key}`: written empty, fill it in",
            o.grant
        )));
    }
}

/// `tokenRequestParams` sent in the body become `params`; the rest is reported.
fn postman_params(auth: &Value, o: &mut OAuth2, notes: &mut Vec<Note>) {
    let Some(Value::Array(list)) = setting(auth, "tokenRequestParams") else {
        return;
    };
    for p in list {
        let key = p.get("key").and_then(Value::as_str).unwrap_or_default();
        let value = p.get("value").and_then(Value::as_str).unwrap_or_default();
        if key.is_empty() {
            continue;
        }
        if p.get("enabled").and_then(Value::as_bool) == Some(false) {
            notes.push(Note::Ignored(format!(
                "the disabled OAuth2 token request parameter `{key}`"
            )));
            continue;
        }
        match p.get("send_as").and_then(Value::as_str) {
            None | Some("request_body") => {
                let value = dynamic(value, notes);
                o.params.push((key.to_owned(), value));
            }
            Some(other) => notes.push(Note::Dropped(format!(
                "the OAuth2 token request parameter `{key}` sent as `{other}` (postie sends `params` in the token request body)"
            ))),
        }
    }
}

fn postman_differences(auth: &Value, grant_type: &str, o: &OAuth2, notes: &mut Vec<Note>) {
    if text(auth, "accessToken").is_some() {
        notes.push(Note::Ignored(
            "the OAuth2 access token saved in the collection: postie fetches (and caches) its own from `token_url`".into(),
        ));
    }
    if text(auth, "addTokenTo").as_deref() == Some("queryParams") {
        notes.push(Note::Dropped(
            "OAuth2 `addTokenTo: queryParams`: postie sends the token in `Authorization: Bearer …`"
                .into(),
        ));
    }
    if let Some(prefix) = text(auth, "headerPrefix").filter(|p| !p.eq_ignore_ascii_case("bearer")) {
        notes.push(Note::Dropped(format!(
            "the OAuth2 header prefix `{prefix}`: postie sends `Bearer`"
        )));
    }
    if grant_type == "authorization_code" {
        notes.push(Note::Changed(
            "OAuth2 authorization code: postie always uses PKCE (S256), which providers accept for confidential clients too".into(),
        ));
    }
    if o.grant == "authorization_code" && text(auth, "redirect_uri").is_some() {
        notes.push(Note::Changed(
            "the OAuth2 callback URL: postie listens on `http://127.0.0.1:PORT/callback` (register that redirect with the provider)".into(),
        ));
    }
    if o.token_url.is_empty() {
        notes.push(Note::Dropped(
            "the OAuth2 auth has no `accessTokenUrl`: set `token_url`".into(),
        ));
    }
    for key in ["authRequestParams", "refreshRequestParams"] {
        if matches!(setting(auth, key), Some(Value::Array(a)) if !a.is_empty()) {
            notes.push(Note::Dropped(format!("the OAuth2 `{key}`")));
        }
    }
}

/// A Postman request that fetches an OAuth2 token by hand (a body with `grant_type`), as
/// mParticle's collection does: carried as a plain request, with a note that points at the
/// OAuth2 auth kind.
pub fn token_request_note(request: &Imported) -> Option<Note> {
    let fields: Vec<(String, String)> = match &request.body {
        super::Body::Form(f) => f.clone(),
        super::Body::Text { text, .. } => serde_json::from_str::<Value>(text)
            .ok()?
            .as_object()?
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
        _ => return None,
    };
    let grant = fields.iter().find(|(k, _)| k == "grant_type")?.1.clone();
    let extra: Vec<String> = fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "grant_type" | "client_id" | "client_secret"))
        .map(|(k, v)| format!("{k} = \"{v}\""))
        .collect();
    let json = matches!(&request.body, super::Body::Text { .. });
    Some(Note::Changed(format!(
        "request `{}` is an OAuth2 token request (`grant_type` {grant}), carried as a plain request; the token it returns is copied by hand into the requests that use it. postie can fetch and cache it: `auth = {{ oauth2 = {{ grant = \"{grant}\", token_url = \"{}\", client_id = …, client_secret = \"{{{{secret:…}}}}\"{}{} }} }}` in `[defaults]` (README: OAuth2)",
        request.name,
        request.url,
        if json { ", format = \"json\"" } else { "" },
        if extra.is_empty() {
            String::new()
        } else {
            format!(", params = {{ {} }}", extra.join(", "))
        },
    )))
}

/// An OpenAPI `oauth2` security scheme as the OAuth2 auth kind: the first flow postie has
/// (client credentials, password, authorization code), its token URL and scopes (those the
/// requirement names, else all). The client id is a variable, the secret a `{{secret:…}}`.
pub fn openapi(
    name: &str,
    scheme: &Value,
    wanted: &[String],
    collection: &str,
    secrets: &mut Vec<SecretRef>,
    notes: &mut Vec<Note>,
) -> Option<(OAuth2, String)> {
    let flows = scheme.get("flows");
    let pick = [
        ("clientCredentials", "client_credentials"),
        ("password", "password"),
        ("authorizationCode", "authorization_code"),
    ]
    .into_iter()
    .find_map(|(key, grant)| Some((flows?.get(key)?, grant, key)));
    let Some((flow, grant, key)) = pick else {
        let has: Vec<&String> = flows
            .and_then(Value::as_object)
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        notes.push(Note::Dropped(format!(
            "the `{name}` OAuth2 scheme has no flow postie runs (it has {:?}; postie: clientCredentials, password, authorizationCode)",
            has
        )));
        return None;
    };
    let url = |k: &str| flow.get(k).and_then(Value::as_str).map(super::escape);
    let scopes: Vec<String> = if wanted.is_empty() {
        flow.get("scopes")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    } else {
        wanted.to_vec()
    };
    let id_var = format!("{name}_client_id");
    let from = format!("the `{name}` security scheme");
    let o = OAuth2 {
        grant: grant.to_owned(),
        token_url: url("tokenUrl").unwrap_or_default(),
        client_id: format!("{{{{{id_var}}}}}"),
        // An authorization code client may be public (PKCE, no secret): none is asked for.
        client_secret: (grant != "authorization_code").then(|| {
            secret_ref(
                "",
                collection,
                &format!("{name}_client_secret"),
                &from,
                secrets,
            )
        }),
        scope: (!scopes.is_empty()).then(|| scopes.join(" ")),
        auth_url: url("authorizationUrl"),
        username: (grant == "password").then(|| format!("{{{{{name}_username}}}}")),
        password: (grant == "password")
            .then(|| secret_ref("", collection, &format!("{name}_password"), &from, secrets)),
        ..OAuth2::default()
    };
    if o.token_url.is_empty() {
        notes.push(Note::Dropped(format!(
            "the `{name}` OAuth2 `{key}` flow has no `tokenUrl`"
        )));
    }
    if grant == "authorization_code" {
        notes.push(Note::Changed(format!(
            "the `{name}` authorization code flow is imported for a public client (PKCE, no secret): add `client_secret = \"{{{{secret:…}}}}\"` if the client is confidential"
        )));
    }
    let mut o = o;
    required_parts(&mut o, notes);
    Some((o, id_var))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Imported, Note};

    fn import(settings: serde_json::Value) -> Imported {
        let mut out = Imported::default();
        super::postman(
            &json!({"type": "oauth2", "oauth2": settings}),
            "c",
            &mut out,
        );
        out
    }

    #[test]
    fn literal_credentials_become_secrets_and_the_saved_token_is_never_kept() {
        let out = import(json!([
            {"key": "grant_type", "value": "password_credentials"},
            {"key": "accessTokenUrl", "value": "https://id.example.com/token"},
            {"key": "clientId", "value": "cid"},
            {"key": "clientSecret", "value": "literal-secret"},
            {"key": "username", "value": "ada"},
            {"key": "password", "value": "pw-literal"},
            {"key": "accessToken", "value": "saved-token"},
            {"key": "tokenRequestParams", "value": [
                {"key": "audience", "value": "a", "send_as": "request_body"},
                {"key": "x-h", "value": "h", "send_as": "request_header"},
                {"key": "off", "value": "o", "enabled": false}]}
        ]));
        let o = out.oauth2.as_ref().expect("oauth2");
        assert_eq!(o.grant, "password");
        assert_eq!(
            o.client_secret.as_deref(),
            Some("{{secret:c_client_secret}}")
        );
        assert_eq!(o.password.as_deref(), Some("{{secret:c_password}}"));
        assert_eq!(o.params, [("audience".to_owned(), "a".to_owned())]);
        let names: Vec<&str> = out.secrets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c_client_secret", "c_password"]);
        let written = format!("{}", o.inline());
        assert!(
            !written.contains("literal") && !written.contains("saved-token"),
            "{written}"
        );
        let dropped = |what: &str| {
            out.notes
                .iter()
                .any(|n| matches!(n, Note::Dropped(t) if t.contains(what)))
        };
        assert!(dropped("x-h") && !dropped("audience"));
        assert!(
            !out.notes
                .iter()
                .any(|n| matches!(n, Note::Changed(t) if t.contains("plain http")))
        );
        assert!(
            out.notes
                .iter()
                .any(|n| matches!(n, Note::Ignored(t) if t.contains("access token")))
        );
    }

    #[test]
    fn implicit_is_not_carried_and_missing_parts_are_reported() {
        let out = import(json!({"grant_type": "implicit", "authUrl": "https://id.example.com/a"}));
        assert!(out.oauth2.is_none());
        assert!(out.dropped_any());
        // v2.0's object form; no grant means Postman's default, authorization code.
        let out = import(json!({"accessTokenUrl": "http://id.example.com:80/t", "clientId": "x"}));
        let o = out.oauth2.as_ref().expect("oauth2");
        assert_eq!(
            (o.grant.as_str(), o.auth_url.as_deref()),
            ("authorization_code", Some(""))
        );
        assert!(o.client_secret.is_none());
        assert!(out.dropped_any());
        assert!(
            out.notes
                .iter()
                .any(|n| matches!(n, Note::Changed(t) if t.contains("allow_http = true")))
        );
    }
}
