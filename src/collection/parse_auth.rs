//! `auth = …` (every kind, `"none"` and `oauth2` included) and the table form of a capture
//! (`{ json = "$.access_token", secret = true }`).

use toml::de::DeValue;

use super::{Parser, Result, Value, empty_template};
use crate::collection::model::{AuthSpec, OAuth2Spec, TemplateStr};
use crate::request::{ClientAuth, OAuth2Grant, TokenFormat};

const KINDS: &[&str] = &["basic", "bearer", "api_key", "oauth2"];
pub(super) const OAUTH2_KEYS: &[&str] = &[
    "grant",
    "token_url",
    "client_id",
    "client_secret",
    "scope",
    "username",
    "password",
    "auth_url",
    "device_url",
    "params",
    "client_auth",
    "format",
    "allow_http",
    "name",
];
pub(super) const CAPTURE_KEYS: &[&str] = &["json", "header", "regex", "status", "secret"];

impl Parser<'_> {
    pub(super) fn auth(&mut self, v: &Value<'_>, ctx: &str) -> Result<AuthSpec> {
        if let DeValue::String(s) = v.get_ref() {
            if s.as_ref() == "none" {
                return Ok(AuthSpec::None);
            }
            return Err(self.error(
                self.at(v.span()),
                format!("unknown auth `{s}`{ctx}"),
                Some(
                    "write `auth = \"none\"` (no auth, not even the `[defaults]` one) or a table \
                     such as `auth = { bearer = \"…\" }`"
                        .into(),
                ),
            ));
        }
        let table = self.table(v, "auth", ctx)?;
        self.check_keys(table, KINDS, &[], &format!(" in `auth`{ctx}"))?;
        let mut entries = table.iter();
        let (Some((key, value)), None) = (entries.next(), entries.next()) else {
            return Err(self.error(
                self.at(v.span()),
                format!("`auth` needs exactly one of `basic`, `bearer`, `api_key`, `oauth2`{ctx}"),
                None,
            ));
        };
        match key.get_ref().as_ref() {
            "bearer" => Ok(AuthSpec::Bearer(self.template(
                value,
                "auth.bearer",
                ctx,
            )?)),
            "basic" => {
                let t = self.table(value, "auth.basic", ctx)?;
                let inner = format!(" in `auth.basic`{ctx}");
                self.check_keys(t, &["username", "password"], &[], &inner)?;
                let user = self.required(t, self.at(value.span()), "username", &inner)?;
                let username = self.template(user, "auth.basic.username", ctx)?;
                let password = match t.get("password") {
                    Some(pw) => self.template(pw, "auth.basic.password", ctx)?,
                    None => empty_template(self.at(value.span())),
                };
                Ok(AuthSpec::Basic { username, password })
            }
            "oauth2" => Ok(AuthSpec::OAuth2(Box::new(self.oauth2(value, ctx)?))),
            _ => self.api_key(value, ctx),
        }
    }

    fn oauth2(&mut self, v: &Value<'_>, ctx: &str) -> Result<OAuth2Spec> {
        let t = self.table(v, "auth.oauth2", ctx)?;
        let inner = format!(" in `auth.oauth2`{ctx}");
        self.check_keys(t, OAUTH2_KEYS, &[], &inner)?;
        let span = self.at(v.span());
        let grant_v = self.required(t, span.clone(), "grant", &inner)?;
        let grant_name = self.string(grant_v, "grant", &inner)?;
        let Some(grant) = OAuth2Grant::from_name(&grant_name) else {
            return Err(self.error(
                self.at(grant_v.span()),
                format!("unknown grant `{grant_name}`{inner}"),
                Some(format!("grants: {}", OAuth2Grant::NAMES.join(", "))),
            ));
        };
        let token_url = self.required(t, span.clone(), "token_url", &inner)?;
        let token_url = self.template(token_url, "token_url", &inner)?;
        let client_id = self.required(t, span.clone(), "client_id", &inner)?;
        let client_id = self.template(client_id, "client_id", &inner)?;
        let mut opt = |key: &str| -> Result<Option<TemplateStr>> {
            t.get(key)
                .map(|value| self.template(value, key, &inner))
                .transpose()
        };
        let client_secret = opt("client_secret")?;
        let scope = opt("scope")?;
        let username = opt("username")?;
        let password = opt("password")?;
        let auth_url = opt("auth_url")?;
        let device_url = opt("device_url")?;
        let needs = |what: &str, present: bool| (!present).then(|| what.to_string());
        let missing = match grant {
            OAuth2Grant::Password => needs("username", username.is_some()),
            OAuth2Grant::AuthorizationCode => needs("auth_url", auth_url.is_some()),
            OAuth2Grant::DeviceCode => needs("device_url", device_url.is_some()),
            OAuth2Grant::ClientCredentials => needs("client_secret", client_secret.is_some()),
        };
        if let Some(key) = missing {
            return Err(self.error(
                span,
                format!("grant `{grant_name}` needs `{key}`{inner}"),
                None,
            ));
        }
        let format = match t.get("format") {
            None => TokenFormat::Form,
            Some(f) => match self.string(f, "format", &inner)?.as_str() {
                "form" => TokenFormat::Form,
                "json" => TokenFormat::Json,
                other => {
                    return Err(self.error(
                        self.at(f.span()),
                        format!("unknown format `{other}`{inner}"),
                        Some(
                            "write `format = \"form\"` (RFC 6749, the default) or `\"json\"`"
                                .into(),
                        ),
                    ));
                }
            },
        };
        let client_auth = match t.get("client_auth") {
            // JSON token requests carry the credentials in the body (Auth0, mParticle).
            None if format == TokenFormat::Json => ClientAuth::Body,
            None => ClientAuth::Basic,
            Some(c) => match self.string(c, "client_auth", &inner)?.as_str() {
                "basic" => ClientAuth::Basic,
                "body" => ClientAuth::Body,
                other => {
                    return Err(self.error(
                        self.at(c.span()),
                        format!("unknown client_auth `{other}`{inner}"),
                        Some("write `client_auth = \"basic\"` or `\"body\"`".into()),
                    ));
                }
            },
        };
        let mut params = Vec::new();
        if let Some(p) = t.get("params") {
            for (key, value) in self.table(p, "params", &inner)?.iter() {
                let name = key.get_ref().to_string();
                let value = self.scalar_template(value, &format!("params.{name}"), &inner)?;
                params.push((name, value));
            }
        }
        let allow_http = match t.get("allow_http") {
            Some(b) => self.boolean(b, "allow_http", &inner)?,
            None => false,
        };
        let profile = t
            .get("name")
            .map(|n| self.string(n, "name", &inner))
            .transpose()?;
        Ok(OAuth2Spec {
            grant,
            token_url,
            client_id,
            client_secret,
            scope,
            username,
            password,
            auth_url,
            device_url,
            params,
            client_auth,
            format,
            allow_http,
            profile,
            span,
        })
    }

    /// A capture's source as text (`json:$.id`), whether it is secret, and the value to point
    /// at in errors: a string, or a table `{ json = "$.id", secret = true }` (also `header`,
    /// `regex`, `status = true`).
    pub(super) fn capture_form<'v, 'i>(
        &self,
        value: &'v Value<'i>,
        name: &str,
        ctx: &str,
    ) -> Result<(String, bool, &'v Value<'i>)> {
        let DeValue::Table(t) = value.get_ref() else {
            return Ok((self.string(value, name, ctx)?, false, value));
        };
        self.check_keys(t, CAPTURE_KEYS, &[], ctx)?;
        let secret = match t.get("secret") {
            Some(b) => self.boolean(b, "secret", ctx)?,
            None => false,
        };
        let sources: Vec<_> = ["json", "header", "regex", "status"]
            .into_iter()
            .filter_map(|k| t.get(k).map(|v| (k, v)))
            .collect();
        let [(kind, source)] = sources.as_slice() else {
            return Err(self.error(
                self.at(value.span()),
                format!("a capture needs exactly one of `json`, `header`, `regex`, `status`{ctx}"),
                Some("e.g. `token = { json = \"$.access_token\", secret = true }`".into()),
            ));
        };
        let text = if *kind == "status" {
            if !self.boolean(source, "status", ctx)? {
                return Err(self.error(
                    self.at(source.span()),
                    format!("`status = false` captures nothing{ctx}"),
                    Some("write `status = true`".into()),
                ));
            }
            "status".to_string()
        } else {
            format!("{kind}:{}", self.string(source, kind, ctx)?)
        };
        Ok((text, secret, source))
    }
}
