//! Where a connection goes instead of where DNS says: `--resolve HOST:PORT:ADDR[,ADDR…]` and
//! `--connect-to HOST:PORT:HOST2:PORT2`, written as curl writes them (also in a collection's
//! `[defaults]`). The request itself is unchanged (URL, `Host`, TLS server name and the
//! certificate check all keep the original host); only the TCP connection goes elsewhere.
//!
//! - `--resolve api.example.com:443:127.0.0.1` connects to 127.0.0.1 for `api.example.com`
//!   on port 443 (other ports resolve as usual); `*` as the host matches any host; several
//!   addresses (`127.0.0.1,::1`) are tried in order.
//! - `--connect-to api.example.com:443:127.0.0.1:8443` connects to 127.0.0.1 port 8443 for
//!   `api.example.com:443`. Each field may be empty: an empty HOST or PORT matches any, an
//!   empty HOST2 or PORT2 keeps the request's (`::127.0.0.1:` sends everything to 127.0.0.1
//!   on the request's port). HOST2 is itself looked up in the `--resolve` entries (as curl
//!   does), else resolved by DNS. IPv6 addresses go in brackets: `[::1]`.
//!
//! The first entry that matches wins; the command line's come before a collection's.
//!
//! An entry that changes a port the URL names is applied by sending to that port with `Host`
//! kept as the URL's authority, over HTTP/1.1 (hyper's connector always connects to a port the
//! URL names; see `http::redirect`).

use std::net::IpAddr;

/// One `--resolve` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    /// Lower-case host name as written (`*`: any host; an IPv6 literal keeps its brackets).
    host: String,
    port: u16,
    addrs: Vec<IpAddr>,
    /// As written, for `show --curl`.
    pub text: String,
}

/// One `--connect-to` entry; `None` fields are empty (match any / keep the request's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    host: Option<String>,
    port: Option<u16>,
    to_host: Option<String>,
    to_port: Option<u16>,
    /// As written, for `show --curl`.
    pub text: String,
}

/// A run's or a collection's overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub resolve: Vec<ResolveEntry>,
    pub connect_to: Vec<ConnectTo>,
}

/// Where one connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The host connected to (brackets of an IPv6 literal removed).
    pub host: String,
    pub port: u16,
    /// Addresses given by `--resolve`; empty: resolve `host` (or use it, if it is an IP).
    pub addrs: Vec<IpAddr>,
}

impl Routes {
    /// From the command line's entries (each already checked by the parser).
    pub fn parse(resolve: &[String], connect_to: &[String]) -> Result<Routes, String> {
        Ok(Routes {
            resolve: resolve
                .iter()
                .map(|r| parse_resolve(r))
                .collect::<Result<_, _>>()?,
            connect_to: connect_to
                .iter()
                .map(|c| parse_connect_to(c))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.resolve.is_empty() && self.connect_to.is_empty()
    }

    /// These entries first, then `later`'s.
    pub fn then(&self, later: &Routes) -> Routes {
        let mut routes = self.clone();
        routes.resolve.extend(later.resolve.iter().cloned());
        routes.connect_to.extend(later.connect_to.iter().cloned());
        routes
    }

    /// Where a connection for `host:port` goes, if an entry says so (`host` as the URL has
    /// it: lower case, IPv6 in brackets).
    pub fn route(&self, host: &str, port: u16) -> Option<Route> {
        let moved = self
            .connect_to
            .iter()
            .find(|c| {
                c.host.as_deref().is_none_or(|h| h == host) && c.port.is_none_or(|p| p == port)
            })
            .map(|c| {
                (
                    c.to_host.clone().unwrap_or_else(|| host.to_owned()),
                    c.to_port.unwrap_or(port),
                )
            });
        let (to_host, to_port) = moved.clone().unwrap_or_else(|| (host.to_owned(), port));
        let addrs = self
            .resolve
            .iter()
            .find(|r| (r.host == "*" || r.host == to_host) && r.port == to_port)
            .map(|r| r.addrs.clone());
        if moved.is_none() && addrs.is_none() {
            return None;
        }
        Some(Route {
            host: unbracket(&to_host).to_owned(),
            port: to_port,
            addrs: addrs.unwrap_or_default(),
        })
    }

    /// The route for a URL's host and port (the scheme's default port if it names none).
    pub fn route_for(&self, url: &url::Url) -> Option<Route> {
        if self.is_empty() {
            return None;
        }
        self.route(url.host_str()?, url.port_or_known_default()?)
    }
}

fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Parse `HOST:PORT:ADDR[,ADDR…]` (curl's `--resolve`).
pub fn parse_resolve(text: &str) -> Result<ResolveEntry, String> {
    let hint = "expected HOST:PORT:ADDRESS[,ADDRESS…], e.g. `api.example.com:443:127.0.0.1`";
    if text.starts_with(['+', '-']) {
        return Err(format!(
            "`{text}`: the `+` and `-` prefixes of curl's --resolve are not supported ({hint})"
        ));
    }
    let fields = split_fields(text, 3).ok_or_else(|| format!("`{text}`: {hint}"))?;
    let host = host_field(&fields[0]).ok_or_else(|| format!("`{text}`: no host ({hint})"))?;
    let port =
        port_field(&fields[1], text)?.ok_or_else(|| format!("`{text}`: no port ({hint})"))?;
    let mut addrs = Vec::new();
    for addr in fields[2].split(',') {
        let addr = addr.trim();
        let ip: IpAddr = unbracket(addr)
            .parse()
            .map_err(|_| format!("`{text}`: `{addr}` is not an IP address ({hint})"))?;
        addrs.push(ip);
    }
    Ok(ResolveEntry {
        host,
        port,
        addrs,
        text: text.to_owned(),
    })
}

/// Parse `HOST:PORT:HOST2:PORT2` (curl's `--connect-to`; any field may be empty).
pub fn parse_connect_to(text: &str) -> Result<ConnectTo, String> {
    let hint = "expected HOST:PORT:HOST2:PORT2 (any may be empty), e.g. `api.example.com:443:127.0.0.1:8443`";
    let fields = split_fields(text, 4).ok_or_else(|| format!("`{text}`: {hint}"))?;
    Ok(ConnectTo {
        host: host_field(&fields[0]),
        port: port_field(&fields[1], text)?,
        to_host: host_field(&fields[2]),
        to_port: port_field(&fields[3], text)?,
        text: text.to_owned(),
    })
}

/// `text` split on `:` outside `[…]`, into exactly `n` fields (the last takes the rest).
fn split_fields(text: &str, n: usize) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut in_brackets = false;
    for c in text.chars() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets && fields.len() < n => {
                fields.push(String::new());
                continue;
            }
            _ => {}
        }
        fields.last_mut()?.push(c);
    }
    (fields.len() == n).then_some(fields)
}

fn host_field(field: &str) -> Option<String> {
    let host = field.trim();
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn port_field(field: &str, text: &str) -> Result<Option<u16>, String> {
    let field = field.trim();
    if field.is_empty() {
        return Ok(None);
    }
    match field.parse::<u16>() {
        Ok(port) if port > 0 => Ok(Some(port)),
        _ => Err(format!("`{text}`: `{field}` is not a port (1 to 65535)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(resolve: &[&str], connect_to: &[&str]) -> Routes {
        Routes {
            resolve: resolve.iter().map(|r| parse_resolve(r).unwrap()).collect(),
            connect_to: connect_to
                .iter()
                .map(|c| parse_connect_to(c).unwrap())
                .collect(),
        }
    }

    fn route(host: &str, port: u16, addrs: &[&str]) -> Option<Route> {
        Some(Route {
            host: host.to_owned(),
            port,
            addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
        })
    }

    #[test]
    fn resolve_applies_to_its_host_and_port_only() {
        let r = routes(&["API.example.com:443:127.0.0.1,::1"], &[]);
        assert_eq!(
            r.route("api.example.com", 443),
            route("api.example.com", 443, &["127.0.0.1", "::1"])
        );
        assert_eq!(r.route("api.example.com", 80), None);
        assert_eq!(r.route("www.example.com", 443), None);
        let any = routes(&["*:8443:[::1]"], &[]);
        assert_eq!(any.route("x.test", 8443), route("x.test", 8443, &["::1"]));
    }

    #[test]
    fn connect_to_with_empty_fields() {
        let r = routes(&[], &["api.example.com:443:127.0.0.1:8443"]);
        assert_eq!(
            r.route("api.example.com", 443),
            route("127.0.0.1", 8443, &[])
        );
        assert_eq!(r.route("api.example.com", 80), None);
        let any = routes(&[], &["::127.0.0.1:"]);
        assert_eq!(any.route("a.test", 8080), route("127.0.0.1", 8080, &[]));
        let port_only = routes(&[], &["api.example.com:::9000"]);
        assert_eq!(
            port_only.route("api.example.com", 443),
            route("api.example.com", 9000, &[])
        );
        let v6 = routes(&[], &["[::1]:80:[::1]:8080"]);
        assert_eq!(v6.route("[::1]", 80), route("::1", 8080, &[]));
    }

    #[test]
    fn connect_to_target_is_looked_up_in_resolve_and_first_match_wins() {
        let r = routes(
            &["stand-in.test:8443:127.0.0.2"],
            &[
                "api.example.com:443:stand-in.test:8443",
                "api.example.com:443:other.test:1",
            ],
        );
        assert_eq!(
            r.route("api.example.com", 443),
            route("stand-in.test", 8443, &["127.0.0.2"])
        );
    }

    #[test]
    fn bad_entries_say_what_is_expected() {
        assert_eq!(
            parse_resolve("api.example.com:443").err().as_deref(),
            Some(
                "`api.example.com:443`: expected HOST:PORT:ADDRESS[,ADDRESS…], e.g. `api.example.com:443:127.0.0.1`"
            )
        );
        assert_eq!(
            parse_resolve("a.test:443:localhost").err().as_deref(),
            Some(
                "`a.test:443:localhost`: `localhost` is not an IP address (expected HOST:PORT:ADDRESS[,ADDRESS…], e.g. `api.example.com:443:127.0.0.1`)"
            )
        );
        assert_eq!(
            parse_connect_to("a.test:99999::").err().as_deref(),
            Some("`a.test:99999::`: `99999` is not a port (1 to 65535)")
        );
        assert!(parse_connect_to("a.test:443:b.test").is_err());
        assert!(parse_resolve("+a.test:443:127.0.0.1").is_err());
    }
}
