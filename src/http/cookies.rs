//! The run's cookie jar: every `Set-Cookie` a response (a redirect hop included) carries is
//! stored, and sent back on the later requests of the run it matches (domain, path, `Secure`,
//! expiry), as browsers, curl, Hurl and Newman do. Storage and matching are RFC 6265 as the
//! `cookie_store` crate implements it; postie only reads and writes the Netscape cookie file
//! (`--cookie-jar FILE`), the format curl's `-b FILE` reads and `-c FILE` writes:
//!
//! ```text
//! (fields separated by tabs)
//! # Netscape HTTP Cookie File
//! #HttpOnly_.example.com  TRUE  /  TRUE  1767225600  session  abc123
//! 127.0.0.1  FALSE  /  FALSE  0  theme  dark
//! ```
//!
//! One line per cookie, seven fields separated by tabs: the domain (`#HttpOnly_` before it
//! for an `HttpOnly` cookie, a leading `.` for a domain cookie), `TRUE` when subdomains match
//! too (a `Domain` attribute), the path, `TRUE` for `Secure`, the expiry in Unix seconds (`0`
//! for a session cookie, which curl keeps in the file too), the name and the value.
//!
//! Cookie values are credentials: each one at least [`MASKED_FROM`] bytes long is registered
//! with the run's masker when it enters the jar (so it is masked wherever it shows; a shorter
//! one as `name=value`), and the file is written with mode 0600, atomically (a temporary file
//! renamed over the path).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use cookie_store::{CookieDomain, CookieExpiration, CookieStore};
use reqwest::header::{self, HeaderMap};

use crate::util::mask::Masker;

use super::HttpError;

/// Cookie values this long or longer are masked wherever they appear (bodies, URLs, captures),
/// not only in `Cookie` and `Set-Cookie` headers: masking every `1` or `dark` in every output
/// would hide more than it protects.
pub const MASKED_FROM: usize = 8;

/// Most cookie file size read (curl's own jar files are far smaller).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// A run's cookies, shared by every request of the run (clones of the client share it).
#[derive(Debug)]
pub struct Jar {
    store: Mutex<CookieStore>,
    /// `--cookie-jar FILE`: loaded when the run starts, written back at its end.
    file: Option<PathBuf>,
}

impl Jar {
    /// An empty jar, or the cookies of `file` (a file that does not exist yet is an empty jar,
    /// as with `curl -b FILE -c FILE`).
    pub fn new(file: Option<&Path>) -> Result<Jar, HttpError> {
        let mut store = CookieStore::new();
        if let Some(path) = file
            && let Some(text) = read_file(path)?
        {
            load_netscape(&mut store, &text)
                .map_err(|(line, reason)| jar_error(path, Some(line), reason))?;
        }
        Ok(Jar {
            store: Mutex::new(store),
            file: file.map(Path::to_path_buf),
        })
    }

    fn lock(&self) -> MutexGuard<'_, CookieStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The `Cookie` header value for a request to `url`, if any cookie matches: `a=1; b=2`,
    /// longer paths first (RFC 6265 §5.4).
    pub fn header_for(&self, url: &url::Url) -> Option<String> {
        let store = self.lock();
        let mut cookies = store.matches(url);
        if cookies.is_empty() {
            return None;
        }
        cookies.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let pairs: Vec<String> = cookies
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect();
        Some(pairs.join("; "))
    }

    /// Store the `Set-Cookie` headers of a response from `url`; register their values with
    /// `masker`. A header that does not parse, or that RFC 6265 says to ignore (a `Domain`
    /// the host is not in), is ignored, as browsers and curl do.
    pub fn store_from(&self, headers: &HeaderMap, url: &url::Url, masker: &Masker) {
        let mut store = None;
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Ok(cookie) = cookie::Cookie::parse(text.to_owned()) else {
                continue;
            };
            register(masker, cookie.name(), cookie.value());
            let store = store.get_or_insert_with(|| self.lock());
            let _ = store.insert_raw(&cookie, url);
        }
    }

    /// Register every value in the jar with `masker` (a loaded file's cookies).
    pub fn register_all(&self, masker: &Masker) {
        for cookie in self.lock().iter_unexpired() {
            register(masker, cookie.name(), cookie.value());
        }
    }

    /// Write the jar to its file (if it has one): the unexpired cookies, session ones
    /// included, in the Netscape format, mode 0600, atomically.
    pub fn save(&self) -> Result<(), HttpError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let text = to_netscape(&self.lock());
        write_atomic(path, text.as_bytes()).map_err(|e| jar_error(path, None, write_reason(&e)))
    }
}

/// A long value is masked wherever it shows; a short one where it shows as `name=value` (an
/// echoed `Cookie` header), as the `Cookie`/`Set-Cookie` headers are masked anyway.
fn register(masker: &Masker, name: &str, value: &str) {
    if value.len() >= MASKED_FROM {
        masker.add(&format!("cookie {name}"), value);
    } else if !value.is_empty() {
        masker.add(&format!("cookie {name}"), &format!("{name}={value}"));
    }
}

fn jar_error(path: &Path, line: Option<usize>, reason: String) -> HttpError {
    HttpError::CookieJar {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

fn write_reason(e: &std::io::Error) -> String {
    format!("could not write it: {}", super::error::io_reason(e))
}

/// The file's text, `None` if it does not exist.
fn read_file(path: &Path) -> Result<Option<String>, HttpError> {
    use std::io::Read as _;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(jar_error(path, None, super::error::io_reason(&e))),
    };
    let meta = file
        .metadata()
        .map_err(|e| jar_error(path, None, super::error::io_reason(&e)))?;
    if meta.is_dir() {
        return Err(jar_error(path, None, "it is a directory".to_owned()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| jar_error(path, None, super::error::io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(jar_error(
            path,
            None,
            format!("it is larger than {} MiB", MAX_FILE / 1024 / 1024),
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| jar_error(path, None, format!("it is not UTF-8 text ({e})")))
}

/// Load a Netscape cookie file's cookies into `store`; an error names the 1-based line.
/// Comments (`#`, except the `#HttpOnly_` prefix) and blank lines are skipped; cookies that
/// have expired are not loaded.
fn load_netscape(store: &mut CookieStore, text: &str) -> Result<(), (usize, String)> {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let (http_only, line) = match line.strip_prefix("#HttpOnly_") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (cookie, url) = netscape_line(line, http_only).map_err(|reason| (i + 1, reason))?;
        let _ = store.insert_raw(&cookie, &url);
    }
    Ok(())
}

/// One cookie line (without its `#HttpOnly_` prefix): the cookie and the URL it is stored
/// as coming from.
fn netscape_line(
    line: &str,
    http_only: bool,
) -> Result<(cookie::Cookie<'static>, url::Url), String> {
    let fields: Vec<&str> = line.split('\t').collect();
    // curl writes 7 fields; an empty value may have lost its tab.
    let (domain, tail, path, secure, expires, name, value) = match fields[..] {
        [d, t, p, s, e, n, v] => (d, t, p, s, e, n, v),
        [d, t, p, s, e, n] => (d, t, p, s, e, n, ""),
        _ => {
            return Err(format!(
                "expected 7 fields separated by tabs (domain, subdomains, path, secure, expiry, name, value), found {}",
                fields.len()
            ));
        }
    };
    let flag = |field: &str, what: &str| match field {
        "TRUE" => Ok(true),
        "FALSE" => Ok(false),
        other => Err(format!(
            "expected TRUE or FALSE for {what}, found `{other}`"
        )),
    };
    let subdomains = flag(tail, "the subdomains field")?;
    let secure = flag(secure, "the secure field")?;
    let expires: i64 = expires
        .parse()
        .map_err(|_| format!("expected the expiry in Unix seconds, found `{expires}`"))?;
    let host = domain.trim_start_matches('.');
    if host.is_empty() || name.is_empty() {
        return Err("a cookie needs a domain and a name".to_owned());
    }
    let url = url::Url::parse(&format!("https://{host}/"))
        .map_err(|e| format!("`{domain}` is not a host name ({e})"))?;
    let mut cookie = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path(path.to_owned())
        .secure(secure)
        .http_only(http_only);
    if subdomains {
        cookie = cookie.domain(host.to_owned());
    }
    if expires != 0 {
        let at = time::OffsetDateTime::from_unix_timestamp(expires)
            .map_err(|_| format!("the expiry `{expires}` is out of range"))?;
        cookie = cookie.expires(at);
    }
    Ok((cookie.build(), url))
}

/// The jar as a Netscape cookie file (sorted, so the file is stable between runs).
fn to_netscape(store: &CookieStore) -> String {
    let mut lines = Vec::new();
    for cookie in store.iter_unexpired() {
        let (domain, subdomains) = match &cookie.domain {
            CookieDomain::HostOnly(d) => (d.clone(), "FALSE"),
            CookieDomain::Suffix(d) => (format!(".{d}"), "TRUE"),
            CookieDomain::NotPresent | CookieDomain::Empty => continue,
        };
        let prefix = if cookie.http_only().unwrap_or(false) {
            "#HttpOnly_"
        } else {
            ""
        };
        let secure = if cookie.secure().unwrap_or(false) {
            "TRUE"
        } else {
            "FALSE"
        };
        let expires = match &cookie.expires {
            CookieExpiration::AtUtc(at) => at.unix_timestamp().max(1),
            CookieExpiration::SessionEnd => 0,
        };
        lines.push(format!(
            "{prefix}{domain}\t{subdomains}\t{}\t{secure}\t{expires}\t{}\t{}",
            String::from(&cookie.path),
            cookie.name(),
            cookie.value()
        ));
    }
    lines.sort();
    let mut text = String::from(
        "# Netscape HTTP Cookie File\n# Written by postie (the format curl reads with -b and writes with -c).\n\n",
    );
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Write `bytes` to `path` with mode 0600: through a temporary file in the same directory,
/// renamed over the path (a symlink's target is replaced, the link kept); a device or FIFO
/// (`/dev/null`) is written through.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    if let Ok(meta) = std::fs::metadata(&target)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(&target)?
            .write_all(bytes);
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // tempfile creates its files with mode 0600, on Unix.
    let mut temp = tempfile::Builder::new()
        .prefix(".postie-cookies-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn headers(set_cookies: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in set_cookies {
            map.append(header::SET_COOKIE, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn matches_domain_path_and_secure() {
        let jar = Jar::new(None).unwrap();
        let masker = Masker::default();
        jar.store_from(
            &headers(&[
                "a=1; Path=/",
                "b=2; Path=/admin",
                "c=3; Secure",
                "d=4; Domain=example.com",
            ]),
            &url("http://api.example.com/login"),
            &masker,
        );
        let plain = jar.header_for(&url("http://api.example.com/")).unwrap();
        let mut names: Vec<&str> = plain.split("; ").collect();
        names.sort();
        assert_eq!(names, ["a=1", "d=4"]);
        let admin = jar
            .header_for(&url("http://api.example.com/admin/x"))
            .unwrap();
        assert!(admin.starts_with("b=2; "), "{admin}");
        let secure = jar.header_for(&url("https://api.example.com/")).unwrap();
        assert!(secure.contains("c=3"), "{secure}");
        assert_eq!(
            jar.header_for(&url("http://www.example.com/")).as_deref(),
            Some("d=4")
        );
        assert_eq!(jar.header_for(&url("http://other.test/")), None);
    }

    #[test]
    fn a_domain_the_host_is_not_in_is_ignored() {
        let jar = Jar::new(None).unwrap();
        jar.store_from(
            &headers(&["x=1; Domain=evil.test"]),
            &url("http://api.example.com/"),
            &Masker::default(),
        );
        assert_eq!(jar.header_for(&url("http://evil.test/")), None);
        assert_eq!(jar.header_for(&url("http://api.example.com/")), None);
    }

    #[test]
    fn netscape_round_trip() {
        let text = "# Netscape HTTP Cookie File\n\
                    #HttpOnly_.example.com\tTRUE\t/\tTRUE\t4102444800\tsession\tabc\n\
                    127.0.0.1\tFALSE\t/api\tFALSE\t0\ttheme\tdark\n\
                    127.0.0.1\tFALSE\t/\tFALSE\t1\told\tgone\n\
                    127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\n";
        let mut store = CookieStore::new();
        load_netscape(&mut store, text).unwrap();
        let written = to_netscape(&store);
        let lines: Vec<&str> = written.lines().filter(|l| !l.starts_with("# ")).collect();
        assert_eq!(
            lines,
            [
                "",
                "#HttpOnly_.example.com\tTRUE\t/\tTRUE\t4102444800\tsession\tabc",
                "127.0.0.1\tFALSE\t/\tFALSE\t0\tempty\t",
                "127.0.0.1\tFALSE\t/api\tFALSE\t0\ttheme\tdark",
            ]
        );
    }

    #[test]
    fn bad_lines_name_the_line() {
        let mut store = CookieStore::new();
        let err = load_netscape(&mut store, "# c\n\nexample.com\tMAYBE\t/\tFALSE\t0\ta\tb\n");
        assert_eq!(
            err,
            Err((
                3,
                "expected TRUE or FALSE for the subdomains field, found `MAYBE`".to_owned()
            ))
        );
        let err = load_netscape(&mut store, "a b c\n");
        assert_eq!(err.map_err(|(line, _)| line), Err(1));
    }

    #[test]
    fn long_values_are_registered_with_the_masker() {
        let jar = Jar::new(None).unwrap();
        let masker = Masker::new(false);
        jar.store_from(
            &headers(&["sid=s3cr3t-session-id; HttpOnly", "t=1"]),
            &url("http://127.0.0.1/"),
            &masker,
        );
        assert_eq!(
            masker.mask("id s3cr3t-session-id t=1 1"),
            "id •••••• •••••• 1"
        );
    }

    #[cfg(unix)]
    #[test]
    fn saved_file_has_mode_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jar.txt");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let jar = Jar::new(Some(&path)).unwrap();
        jar.store_from(
            &headers(&["a=1"]),
            &url("http://127.0.0.1/"),
            &Masker::default(),
        );
        jar.save().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1\n"),
            "{text}"
        );
    }
}
