//! Proxies from the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, either
//! case), as curl and reqwest read them, with one addition: loopback hosts (`localhost`,
//! 127.0.0.0/8, `::1`) always go direct, as Go's `net/http` does. A corporate proxy can't reach
//! the user's own machine, and the embedded inbox (`{{inbox}}`) lives there.

/// Always direct, whatever `NO_PROXY` says.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

/// The proxies to install, read through `var` (the process environment in production).
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Vec<reqwest::Proxy>, String> {
    let get = |name: &str| {
        var(&name.to_ascii_lowercase())
            .or_else(|| var(name))
            .filter(|v| !v.trim().is_empty())
    };
    let no_proxy = match get("NO_PROXY") {
        Some(list) => format!("{list},{LOOPBACK}"),
        None => LOOPBACK.to_string(),
    };
    let mut proxies = Vec::new();
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        if let Some(url) = get(name) {
            let proxy = match name {
                "HTTP_PROXY" => reqwest::Proxy::http(url.as_str()),
                "HTTPS_PROXY" => reqwest::Proxy::https(url.as_str()),
                _ => reqwest::Proxy::all(url.as_str()),
            }
            .map_err(|e| format!("invalid `{name}` proxy URL `{url}`: {e}"))?;
            proxies.push(proxy.no_proxy(reqwest::NoProxy::from_string(&no_proxy)));
        }
    }
    Ok(proxies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn no_variables_no_proxies() {
        assert_eq!(from_env(env(&[])).map(|p| p.len()), Ok(0));
    }

    #[test]
    fn each_scheme_variable_makes_a_proxy_lower_case_first() {
        let proxies = from_env(env(&[
            ("http_proxy", "http://proxy.test:3128"),
            ("HTTP_PROXY", "http://ignored.test:1"),
            ("HTTPS_PROXY", "http://proxy.test:3129"),
        ]))
        .unwrap();
        assert_eq!(proxies.len(), 2);
        let shown = format!("{:?}", proxies[0]);
        assert!(
            shown.contains("proxy.test") && shown.contains("3128"),
            "{shown}"
        );
        assert!(shown.contains("127.0.0.0/8"), "{shown}");
    }

    #[test]
    fn a_bad_proxy_url_is_named() {
        let err = from_env(env(&[("HTTPS_PROXY", "http://[oops")])).unwrap_err();
        assert!(
            err.starts_with("invalid `HTTPS_PROXY` proxy URL `http://[oops`"),
            "{err}"
        );
    }
}
