//! Export a request as a curl command (`postie show --curl`).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::request::{Body, Part, PartValue, ResolvedRequest};

/// A runnable, copy-pasteable curl command for the request, quoted for POSIX shells with
/// `shlex`, one option per line with ` \` continuations:
///
/// ```text
/// curl -X PUT 'http://api.test/plans?x=1' \
///   -L \
///   --max-time 2.5 \
///   -H 'Content-Type: application/json' \
///   --data-raw '{"name":"Spring"}'
/// ```
///
/// - `-X` is left out where curl infers the method: `GET` without a body and `POST` with
///   one. This also keeps `-L` faithful: with `-X POST` curl would re-send `POST` after a
///   301/302/303, where postie (like browsers) switches to `GET`. `HEAD` is `--head`.
/// - Text bodies are `--data-raw '…'`. Bodies that are not UTF-8 or hold NUL bytes, which no
///   shell argument can carry, are piped in: `printf '\377\000' | curl … --data-binary @-`.
/// - File bodies are `--data-binary @path`, multipart parts `--form-string 'name=value'`
///   and `-F 'name=@"path";filename="…";type=…'`.
/// - When a body has no `Content-Type`, `-H 'Content-Type:'` stops curl from adding
///   `application/x-www-form-urlencoded`. A header with an empty value is written
///   `-H 'Name;'`, curl's spelling for it (`Name:` would remove the header).
/// - NUL characters in the URL, header values or form fields cannot be passed to a
///   program at all and are dropped.
pub fn to_curl(req: &ResolvedRequest) -> String {
    to_curl_with_secrets(req, &[])
}

/// Like [`to_curl`], but every secret value (given as `(name, value)`) is written as a
/// reference to its environment variable, `"Authorization: Bearer ${POSTIE_SECRET_TOKEN}"`,
/// so the command runs where the secret is set and shows nothing (see [`to_curl_as_sent`]).
pub fn to_curl_with_secrets(req: &ResolvedRequest, secrets: &[(String, String)]) -> String {
    export(req, &req.headers, secrets)
}

/// The command that makes curl send what postie sends: `sent` is the header list of the
/// request as postie's client puts it on the wire (`http::Prepared::headers`: the request's
/// headers, grouped by name as the client sends them, with the client's `user-agent`,
/// `accept` and `accept-encoding`, the signature headers), written with the same spelling
/// and in the same order. Only what curl computes from the body itself is left to curl: the
/// `Content-Length` (unless the request sets one) and a multipart `Content-Type` with its
/// boundary; curl's own `Host` comes first (postie's client sends it last). `Expect:` stops
/// curl's `Expect: 100-continue`, `--compressed` makes curl decode what `accept-encoding`
/// asks for, as postie does.
///
/// Secrets are referred to as in [`to_curl_with_secrets`], also where postie encodes them
/// (JSON strings, percent-encoded query, path and form values): the command then carries a
/// small shell function that encodes the variable's value the same way when it runs.
pub fn to_curl_as_sent(
    req: &ResolvedRequest,
    sent: &[(String, String)],
    secrets: &[(String, String)],
) -> String {
    let own_length = req.header("content-length").is_some();
    let multipart = matches!(req.body, Body::Multipart(_));
    let headers: Vec<(String, String)> = sent
        .iter()
        .filter(|(name, _)| {
            let length = name.eq_ignore_ascii_case("content-length");
            let content_type = name.eq_ignore_ascii_case("content-type");
            !(name.eq_ignore_ascii_case("host")
                || length && !own_length
                || multipart && content_type)
        })
        .cloned()
        .collect();
    let mut command = export(req, &headers, secrets);
    let has_body = !matches!(req.body, Body::None);
    if has_body
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("expect"))
    {
        command.push_str(" \\\n  -H 'Expect:'");
    }
    // curl adds its own `User-Agent` and `Accept` when the request has none (a removed
    // `User-Agent:` item): `-H 'Name:'` stops it.
    for (name, flag) in [("user-agent", "User-Agent:"), ("accept", "Accept:")] {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            let _ = write!(command, " \\\n  -H '{flag}'");
        }
    }
    command
}

fn export(
    req: &ResolvedRequest,
    headers: &[(String, String)],
    secrets: &[(String, String)],
) -> String {
    // A Basic token made from a secret is written from the secret itself, not referred to.
    let tokens: Vec<&str> = headers
        .iter()
        .filter_map(|(n, v)| crate::util::mask::basic_credentials(n, v).map(|(t, _)| t))
        .collect();
    let secrets: Vec<(String, String)> = secrets
        .iter()
        .filter(|(_, v)| !v.is_empty() && !tokens.contains(&v.as_str()))
        .cloned()
        .collect();
    let mut encoders = Vec::new();
    let mut quote = |word: &str| quote_with(word, &secrets, &mut encoders);
    let has_body = !matches!(req.body, Body::None);
    let mut first = String::new();
    let binary = match &req.body {
        Body::Bytes(bytes) if needs_pipe(bytes) => Some(bytes.as_slice()),
        _ => None,
    };
    if let Some(bytes) = binary {
        let _ = write!(first, "printf '{}' | ", printf_escape(bytes));
    }
    first.push_str("curl");
    match req.method.as_str() {
        "HEAD" if !has_body => first.push_str(" --head"),
        "GET" if !has_body => {}
        "POST" if has_body => {}
        method => {
            let _ = write!(first, " -X {}", quote(method));
        }
    }
    let url = req.url.as_str();
    if url.contains(['[', ']', '{', '}']) {
        first.push_str(" -g"); // no URL globbing: `[` and `{` are sent as they are
    }
    let _ = write!(first, " {}", quote(url));

    let mut lines = vec![first];
    if req.follow_redirects {
        lines.push("-L".to_owned());
        if let Some(max) = req.max_redirects {
            lines.push(format!("--max-redirs {max}"));
        }
    }
    if let Some(timeout) = req.timeout {
        lines.push(format!("--max-time {}", seconds(timeout)));
    }
    // curl's own flags, written as postie read them (the same syntax).
    for entry in &req.routes.connect_to {
        lines.push(format!("--connect-to {}", quote(&entry.text)));
    }
    for entry in &req.routes.resolve {
        lines.push(format!("--resolve {}", quote(&entry.text)));
    }
    if headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("accept-encoding"))
    {
        lines.push("--compressed".to_owned());
    }
    let multipart = matches!(req.body, Body::Multipart(_));
    for (name, value) in headers {
        let is_content_type = name.eq_ignore_ascii_case("content-type");
        if multipart && is_content_type && value.to_ascii_lowercase().starts_with("multipart/") {
            continue; // curl writes it with its own boundary
        }
        if let Some(word) = basic_with_secret(name, value, &secrets, &mut quote) {
            lines.push(format!("-H {word}"));
            continue;
        }
        let header = match value.is_empty() {
            true => format!("{name};"),
            false => format!("{name}: {value}"),
        };
        lines.push(format!("-H {}", quote(&header)));
    }
    if matches!(req.body, Body::Bytes(_) | Body::File(_))
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        lines.push("-H 'Content-Type:'".to_owned());
    }
    match &req.body {
        Body::None => {}
        Body::Bytes(_) if binary.is_some() => lines.push("--data-binary @-".to_owned()),
        Body::Bytes(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            lines.push(format!("--data-raw {}", quote(&text)));
        }
        Body::File(path) => {
            let arg = format!("@{}", path.display());
            lines.push(format!("--data-binary {}", quote(&arg)));
        }
        Body::Multipart(parts) => lines.extend(parts.iter().map(|p| form_arg(p, &mut quote))),
    }
    let command = lines.join(" \\\n  ");
    encoders.sort();
    encoders.dedup();
    let mut out = String::new();
    for encoding in encoders {
        out.push_str(&shell_function(encoding));
        out.push('\n');
    }
    out.push_str(&command);
    out
}

/// A Basic `Authorization` header whose `user:password` holds a secret, as a `-H` word that
/// builds the token when it runs: `"authorization: Basic $(printf %s "ada:${…}" | base64 |
/// tr -d '\n')"` (curl's `-u` would put the header in another place than postie does).
fn basic_with_secret(
    name: &str,
    value: &str,
    secrets: &[(String, String)],
    quote: &mut dyn FnMut(&str) -> String,
) -> Option<String> {
    let (token, credentials) = crate::util::mask::basic_credentials(name, value)?;
    if !secrets
        .iter()
        .any(|(_, v)| credentials.contains(v.as_str()))
    {
        return None;
    }
    let scheme = value.split_once(' ').map_or("Basic", |(scheme, _)| scheme);
    let prefix = quote(&format!("{name}: {scheme} "));
    let rest = &value[value.find(token).unwrap_or(value.len()) + token.len()..];
    Some(format!(
        "{prefix}\"$(printf %s {} | base64 | tr -d '\\n')\"{}",
        quote(&credentials),
        if rest.is_empty() {
            String::new()
        } else {
            quote(rest)
        }
    ))
}

fn form_arg(part: &Part, quote: &mut dyn FnMut(&str) -> String) -> String {
    match &part.value {
        PartValue::Text(text) => {
            format!("--form-string {}", quote(&format!("{}={text}", part.name)))
        }
        PartValue::File {
            path,
            file_name,
            content_type,
        } => {
            let mut spec = format!("{}=@{}", part.name, form_value(&display(path)));
            if let Some(file_name) = file_name {
                let _ = write!(spec, ";filename={}", form_value(file_name));
            }
            // postie's type, guessed as postie guesses it (curl's own guesses differ).
            let content_type = content_type.clone().unwrap_or_else(|| {
                mime_guess::from_path(path)
                    .first_or_octet_stream()
                    .essence_str()
                    .to_owned()
            });
            let _ = write!(spec, ";type={content_type}");
            format!("-F {}", quote(&spec))
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// A value inside curl's `-F` syntax: double-quoted (with `\"` and `\\`) when it holds
/// characters that curl would otherwise read as separators.
fn form_value(value: &str) -> String {
    if !value.contains([';', ',', '"', '\\']) && value.trim() == value {
        return value.to_owned();
    }
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The ways postie writes a value into a request, besides as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Encoding {
    /// Inside a JSON string (serde_json's escaping).
    Json,
    /// `application/x-www-form-urlencoded` (form bodies, `query = {…}`, `api_key` query).
    Form,
    /// The query of a URL as written in `url` (the URL parser's query set).
    Query,
    /// A path segment of a URL as written in `url`.
    Path,
    /// The password (or user) of a URL.
    Userinfo,
}

const ENCODINGS: [Encoding; 5] = [
    Encoding::Json,
    Encoding::Form,
    Encoding::Query,
    Encoding::Path,
    Encoding::Userinfo,
];

impl Encoding {
    /// `value` encoded as postie encodes it (`None` where that cannot hold it).
    fn encode(self, value: &str) -> Option<String> {
        let parsed = |text: String| url::Url::parse(&text).ok();
        match self {
            Encoding::Json => {
                let json = serde_json::to_string(value).ok()?;
                Some(json[1..json.len() - 1].to_owned())
            }
            Encoding::Form => {
                Some(url::form_urlencoded::byte_serialize(value.as_bytes()).collect())
            }
            Encoding::Query => Some(parsed(format!("http://h/?{value}"))?.query()?.to_owned()),
            Encoding::Path => Some(parsed(format!("http://h/{value}"))?.path()[1..].to_owned()),
            Encoding::Userinfo => {
                let mut url = parsed("http://h/".to_owned())?;
                url.set_password(Some(value)).ok()?;
                Some(url.password()?.to_owned())
            }
        }
    }

    fn function(self) -> &'static str {
        match self {
            Encoding::Json => "postie_json",
            Encoding::Form => "postie_form",
            Encoding::Query => "postie_query",
            Encoding::Path => "postie_path",
            Encoding::Userinfo => "postie_userinfo",
        }
    }

    /// What each ASCII byte (1..=127) becomes, and whether bytes of other characters stay
    /// as they are (`true`) or become `%XX`.
    fn table(self) -> (Vec<Out>, bool) {
        let table = (1u8..=127)
            .map(|b| {
                // Between two letters: `.` alone is a path segment of its own.
                let c = char::from(b);
                let out = self.encode(&format!("a{c}a"));
                let inner = out
                    .as_deref()
                    .and_then(|o| o.strip_prefix('a')?.strip_suffix('a'));
                match inner {
                    Some(out) if out == c.to_string() => Out::Keep,
                    Some(out) if out == format!("%{b:02X}") => Out::Percent,
                    Some(out) => Out::Text(out.to_owned()),
                    None => Out::Text(String::new()),
                }
            })
            .collect();
        (table, self.encode("é").as_deref() == Some("é"))
    }

    /// What the shell function of this encoding prints for `value`: the encoding is used
    /// only where this equals [`Encoding::encode`], so the command sends the same bytes.
    fn simulate(self, value: &str) -> Option<String> {
        let (table, keep_other) = self.table();
        let mut out = Vec::new();
        for &b in value.as_bytes() {
            match b {
                0 => return None,
                1..=127 => match &table[usize::from(b) - 1] {
                    Out::Keep => out.push(b),
                    Out::Percent => out.extend(format!("%{b:02X}").bytes()),
                    Out::Text(text) => out.extend(text.bytes()),
                },
                _ if keep_other => out.push(b),
                _ => out.extend(format!("%{b:02X}").bytes()),
            }
        }
        String::from_utf8(out).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Keep,
    Percent,
    Text(String),
}

/// A POSIX shell function that prints its argument encoded as `encoding` does, byte by byte
/// (`od` splits it into bytes).
fn shell_function(encoding: Encoding) -> String {
    let (table, keep_other) = encoding.table();
    let hex = |b: usize| format!("{:02x}", b + 1);
    let list = |want: &Out| {
        let codes: Vec<String> = (0..table.len())
            .filter(|&i| &table[i] == want)
            .map(hex)
            .collect();
        codes.join("|")
    };
    let keep = "printf \"\\\\$(printf %03o \"0x$b\")\"";
    let percent = "printf '%%%02X' \"0x$b\"";
    let mut arms = vec!["'') ;;".to_owned()];
    for (want, action) in [(Out::Keep, keep), (Out::Percent, percent)] {
        let codes = list(&want);
        if !codes.is_empty() {
            arms.push(format!("{codes}) {action} ;;"));
        }
    }
    for (i, out) in table.iter().enumerate() {
        if let Out::Text(text) = out {
            arms.push(format!("{}) printf %s {} ;;", hex(i), quote(text)));
        }
    }
    arms.push(format!("*) {} ;;", if keep_other { keep } else { percent }));
    format!(
        "{}() {{ printf %s \"$1\" | od -An -v -tx1 | tr -s ' ' '\\n' | while read -r b; do case $b in {} esac; done; }}",
        encoding.function(),
        arms.join(" ")
    )
}

/// Quote one shell word; secret values inside it, as they are or encoded as postie encodes
/// them, become `${POSTIE_SECRET_…}` references (or `$(postie_json "${POSTIE_SECRET_…}")`,
/// noting the function in `encoders`) in a double-quoted word.
fn quote_with(word: &str, secrets: &[(String, String)], encoders: &mut Vec<Encoding>) -> String {
    let mut found: Vec<(usize, usize, String, Option<Encoding>)> = Vec::new();
    for (name, value) in secrets {
        if value.is_empty() {
            continue;
        }
        let var = crate::secrets::env_var_name(name);
        let mut forms = vec![(value.clone(), None)];
        for encoding in ENCODINGS {
            let Some(encoded) = encoding.encode(value) else {
                continue;
            };
            if encoded != *value
                && !encoded.is_empty()
                && encoding.simulate(value).as_ref() == Some(&encoded)
                && !forms.iter().any(|(f, _)| *f == encoded)
            {
                forms.push((encoded, Some(encoding)));
            }
        }
        // Longest first, so that a longer encoded form wins over the value inside it.
        forms.sort_by_key(|(form, _)| std::cmp::Reverse(form.len()));
        for (form, encoding) in forms {
            for (start, _) in word.match_indices(form.as_str()) {
                let end = start + form.len();
                if !found.iter().any(|(s, e, _, _)| start < *e && *s < end) {
                    found.push((start, end, var.clone(), encoding));
                }
            }
        }
    }
    if found.is_empty() {
        return quote(word);
    }
    found.sort();
    let escape = |text: &str| {
        text.replace('\0', "")
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('$', "\\$")
            .replace('`', "\\`")
    };
    let mut out = String::from("\"");
    let mut pos = 0;
    for (start, end, var, encoding) in found {
        out.push_str(&escape(&word[pos..start]));
        match encoding {
            None => {
                let _ = write!(out, "${{{var}}}");
            }
            Some(encoding) => {
                let _ = write!(out, "$({} \"${{{var}}}\")", encoding.function());
                encoders.push(encoding);
            }
        }
        pos = end;
    }
    out.push_str(&escape(&word[pos..]));
    out.push('"');
    out
}

/// Quote one shell word. NUL cannot be part of an argument, so it is dropped.
fn quote(word: &str) -> String {
    let without_nul;
    let word = if word.contains('\0') {
        without_nul = word.replace('\0', "");
        &without_nul
    } else {
        word
    };
    match shlex::try_quote(word) {
        Ok(quoted) => quoted.into_owned(),
        // Unreachable: NUL, the only refusal, is gone.
        Err(_) => "''".to_owned(),
    }
}

fn needs_pipe(bytes: &[u8]) -> bool {
    bytes.contains(&0) || std::str::from_utf8(bytes).is_err()
}

/// The body as a `printf` format inside single quotes: printable ASCII as itself (with `%`
/// and `\` doubled), every other byte as a three-digit octal escape.
fn printf_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\047"),
            b' '..=b'~' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out
}

/// `2`, `2.5`, `0.001`: curl accepts fractional seconds.
fn seconds(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        return duration.as_secs().to_string();
    }
    let text = format!("{:.3}", duration.as_secs_f64());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "0" => "0.001".to_owned(), // below curl's precision: round up, never "no limit"
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Expect;
    use std::path::PathBuf;

    fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Body) -> ResolvedRequest {
        ResolvedRequest {
            name: String::new(),
            method: method.to_owned(),
            url: url::Url::parse(url).unwrap_or_else(|e| panic!("bad test url {url}: {e}")),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            without_headers: Vec::new(),
            body,
            timeout: None,
            follow_redirects: false,
            max_redirects: None,
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
            routes: Default::default(),
        }
    }

    #[test]
    fn secrets_become_environment_variable_references() {
        let secrets = vec![
            ("token".to_string(), "t0k$n".to_string()),
            ("pw".to_string(), "lovelace".to_string()),
        ];
        let req = request(
            "GET",
            "http://api.test/x?key=t0k$n",
            &[
                ("X-Note", "it's \"t0k$n\""),
                ("Authorization", "Basic YWRhOmxvdmVsYWNl"),
            ],
            Body::None,
        );
        assert_eq!(
            to_curl_with_secrets(&req, &secrets),
            "curl \"http://api.test/x?key=${POSTIE_SECRET_TOKEN}\" \\\n  \
             -H \"X-Note: it's \\\"${POSTIE_SECRET_TOKEN}\\\"\" \\\n  \
             -H 'Authorization: Basic '\"$(printf %s \"ada:${POSTIE_SECRET_PW}\" | base64 | tr -d '\\n')\""
        );
    }

    #[test]
    fn get_has_no_method_flag() {
        let req = request(
            "GET",
            "http://api.test/plans",
            &[("Accept", "*/*")],
            Body::None,
        );
        assert_eq!(
            to_curl(&req),
            "curl http://api.test/plans \\\n  -H 'Accept: */*'"
        );
    }

    #[test]
    fn json_post_with_redirects_and_timeout() {
        let mut req = request(
            "POST",
            "http://api.test/plans?x=1&y=2",
            &[("Content-Type", "application/json")],
            Body::Bytes(br#"{"name":"Spring"}"#.to_vec()),
        );
        req.follow_redirects = true;
        req.timeout = Some(Duration::from_millis(2500));
        let want = "curl 'http://api.test/plans?x=1&y=2' \\\n  -L \\\n  --max-time 2.5 \\\n  \
                    -H 'Content-Type: application/json' \\\n  --data-raw '{\"name\":\"Spring\"}'";
        assert_eq!(to_curl(&req), want);
    }

    #[test]
    fn single_quotes_newlines_and_unicode_are_quoted() {
        let req = request(
            "PUT",
            "http://api.test/caf%C3%A9",
            &[("X-Note", "it's $HOME"), ("X-Empty", "")],
            Body::Bytes("line 1\nl'été `x` \\ $y\n".as_bytes().to_vec()),
        );
        let want = r#"curl -X PUT 'http://api.test/caf%C3%A9' \
  -H "X-Note: it's "'$HOME' \
  -H 'X-Empty;' \
  -H 'Content-Type:' \
  --data-raw "line 1
l'été "'`x` '"\\ "'$y
'"#;
        assert_eq!(to_curl(&req), want);
    }

    #[test]
    fn binary_body_is_piped_through_printf() {
        let req = request(
            "PUT",
            "http://api.test/b",
            &[("Content-Type", "application/octet-stream")],
            Body::Bytes(b"\x00\xff%\\'a\n".to_vec()),
        );
        let want = "printf '\\000\\377%%\\\\\\047a\\012' | curl -X PUT http://api.test/b \\\n  \
                    -H 'Content-Type: application/octet-stream' \\\n  --data-binary @-";
        assert_eq!(to_curl(&req), want);
    }

    #[test]
    fn file_body_and_head() {
        let body = Body::File(PathBuf::from("/tmp/my plan.json"));
        let req = request("POST", "http://api.test/", &[], body);
        let want = "curl http://api.test/ \\\n  -H 'Content-Type:' \\\n  \
                    --data-binary '@/tmp/my plan.json'";
        assert_eq!(to_curl(&req), want);
        let req = request("HEAD", "http://api.test/", &[], Body::None);
        assert_eq!(to_curl(&req), "curl --head http://api.test/");
    }

    #[test]
    fn multipart_parts() {
        let parts = vec![
            Part {
                name: "title".into(),
                value: PartValue::Text("@not-a-file; it's".into()),
            },
            Part {
                name: "doc".into(),
                value: PartValue::File {
                    path: PathBuf::from("/tmp/a;b.pdf"),
                    file_name: Some("report \"q1\".pdf".into()),
                    content_type: Some("application/pdf".into()),
                },
            },
            Part {
                name: "raw".into(),
                value: PartValue::File {
                    path: PathBuf::from("/tmp/x.bin"),
                    file_name: None,
                    content_type: None,
                },
            },
        ];
        let headers = [("Content-Type", "multipart/form-data"), ("X-A", "1")];
        let req = request(
            "POST",
            "http://api.test/up",
            &headers,
            Body::Multipart(parts),
        );
        let want = r#"curl http://api.test/up \
  -H 'X-A: 1' \
  --form-string "title=@not-a-file; it's" \
  -F "doc=@\"/tmp/a;b.pdf\";filename=\"report \\\"q1\\\".pdf\";type=application/pdf" \
  -F 'raw=@/tmp/x.bin;type=application/octet-stream'"#;
        assert_eq!(to_curl(&req), want);
    }

    #[test]
    fn the_shell_encoders_follow_postie_s_encoders() {
        let values = [
            "pa ss/wo+rd",
            "\"q\" \\ 100%",
            "é☀'$`",
            "a&b=c;d,e",
            "tab\tnl\n",
        ];
        for encoding in ENCODINGS {
            for value in values {
                let (Some(encoded), Some(simulated)) =
                    (encoding.encode(value), encoding.simulate(value))
                else {
                    panic!("{encoding:?} cannot encode {value:?}");
                };
                if !value.contains(['\t', '\n']) || encoding != Encoding::Query {
                    assert_eq!(simulated, encoded, "{encoding:?} {value:?}");
                }
            }
        }
        assert_eq!(Encoding::Form.encode("a b+c").as_deref(), Some("a+b%2Bc"));
        assert_eq!(
            Encoding::Query.encode("a b+c'").as_deref(),
            Some("a%20b+c%27")
        );
        assert_eq!(Encoding::Json.encode("\"\n").as_deref(), Some("\\\"\\n"));
    }

    #[test]
    fn encoded_secrets_are_referred_to_through_a_shell_function() {
        let secrets = vec![("tok".to_string(), "a b\"c".to_string())];
        let req = request(
            "POST",
            "http://api.test/x?k=a+b%22c",
            &[("Content-Type", "application/json")],
            Body::Bytes(br#"{"t":"a b\"c"}"#.to_vec()),
        );
        let curl = to_curl_with_secrets(&req, &secrets);
        assert!(curl.starts_with("postie_json() { "), "{curl}");
        assert!(curl.contains("\npostie_form() { "), "{curl}");
        assert!(
            curl.contains("\"http://api.test/x?k=$(postie_form \"${POSTIE_SECRET_TOK}\")\""),
            "{curl}"
        );
        assert!(
            curl.contains(
                "--data-raw \"{\\\"t\\\":\\\"$(postie_json \"${POSTIE_SECRET_TOK}\")\\\"}\""
            ),
            "{curl}"
        );
        assert!(!curl.contains("a b"), "{curl}");
    }

    #[test]
    fn nul_in_words_is_dropped() {
        assert_eq!(quote("a\0b c"), "'ab c'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn seconds_are_formatted_for_curl() {
        assert_eq!(seconds(Duration::from_secs(30)), "30");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5");
        assert_eq!(seconds(Duration::from_millis(10)), "0.01");
        assert_eq!(seconds(Duration::from_micros(10)), "0.001");
    }
}
