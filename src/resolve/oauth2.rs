//! `auth = { oauth2 = { … } }` of a request (or `[defaults]`), filled in: what the token cache
//! needs to get a token.

use super::{Cx, ResolveError, Resolver};
use crate::collection::{AuthSpec, Collection, OAuth2Spec, RequestSpec, TemplateStr};
use crate::request::OAuth2;

impl Resolver {
    /// The OAuth2 settings `request` uses (its own `auth`, else `[defaults]`), if any.
    pub fn oauth2(
        &self,
        collection: &Collection,
        request: &RequestSpec,
    ) -> Result<Option<OAuth2>, ResolveError> {
        let auth = request.auth.as_ref().or(collection.defaults.auth.as_ref());
        let Some(AuthSpec::OAuth2(spec)) = auth else {
            return Ok(None);
        };
        let mut cx = self.cx(collection, request);
        cx.oauth2(spec).map(Some)
    }
}

impl Cx<'_> {
    fn oauth2(&mut self, spec: &OAuth2Spec) -> Result<OAuth2, ResolveError> {
        let token_url = self.oauth2_url(&spec.token_url, "token_url", spec.allow_http)?;
        let mut opt = |t: &Option<TemplateStr>| t.as_ref().map(|t| self.text(t)).transpose();
        let client_secret = opt(&spec.client_secret)?;
        let scope = opt(&spec.scope)?.filter(|s| !s.is_empty());
        let username = opt(&spec.username)?;
        let password = opt(&spec.password)?;
        let auth_url = match &spec.auth_url {
            Some(t) => Some(self.oauth2_url(t, "auth_url", true)?),
            None => None,
        };
        let device_url = match &spec.device_url {
            Some(t) => Some(self.oauth2_url(t, "device_url", spec.allow_http)?),
            None => None,
        };
        let mut params = Vec::new();
        for (name, value) in &spec.params {
            params.push((name.clone(), self.text(value)?));
        }
        let profile = spec
            .profile
            .clone()
            .or_else(|| token_url.host_str().map(str::to_string))
            .unwrap_or_default();
        Ok(OAuth2 {
            grant: spec.grant,
            client_id: self.text(&spec.client_id)?,
            token_url,
            client_secret,
            scope,
            username,
            password,
            auth_url,
            device_url,
            params,
            client_auth: spec.client_auth,
            format: spec.format,
            profile,
        })
    }

    /// An https URL, or http on a loopback host (or anywhere with `allow_http = true`).
    fn oauth2_url(
        &mut self,
        at: &TemplateStr,
        key: &str,
        allow_http: bool,
    ) -> Result<url::Url, ResolveError> {
        let url = self.memo_url(at)?;
        if url.scheme() == "http" && !allow_http && !is_loopback(&url) {
            let message = format!(
                "`{key}` `{url}` of `auth.oauth2`{} is not https: the client secret and the \
                 token would cross the network in clear",
                self.context()
            );
            let hint = "use the provider's https URL, or add `allow_http = true` to `auth.oauth2` \
                        if this network is trusted";
            return Err(self.invalid(at.span.clone(), message, Some(hint.to_string())));
        }
        Ok(url)
    }
}

impl Cx<'_> {
    /// [`Cx::url`], parsed once per text for the resolver's life.
    fn memo_url(&mut self, at: &TemplateStr) -> Result<url::Url, ResolveError> {
        /// A run whose endpoints vary more (one per data row) parses the others every time.
        const UP_TO: usize = 8;
        let text = self.text(at)?;
        let lock = || {
            self.resolver
                .oauth2_urls
                .lock()
                .unwrap_or_else(|p| p.into_inner())
        };
        if let Some((_, url)) = lock().iter().find(|(seen, _)| *seen == text) {
            return Ok(url.clone());
        }
        let url = self.parse_url(text.clone(), at)?;
        let mut memo = lock();
        if memo.len() < UP_TO {
            memo.push((text, url.clone()));
        }
        Ok(url)
    }
}

/// `localhost`, `127.0.0.0/8`, `::1`.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
