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
/// so the command runs where the secret is set and shows nothing. A Basic `Authorization`
/// header whose credentials hold a secret becomes `-u "user:${POSTIE_SECRET_PW}"`.
pub fn to_curl_with_secrets(req: &ResolvedRequest, secrets: &[(String, String)]) -> String {
    let quote = |word: &str| quote_with(word, secrets);
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
    let _ = write!(first, " {}", quote(req.url.as_str()));

    let mut lines = vec![first];
    if req.follow_redirects {
        lines.push("-L".to_owned());
    }
    if let Some(timeout) = req.timeout {
        lines.push(format!("--max-time {}", seconds(timeout)));
    }
    let multipart = matches!(req.body, Body::Multipart(_));
    for (name, value) in &req.headers {
        let is_content_type = name.eq_ignore_ascii_case("content-type");
        if multipart && is_content_type && value.to_ascii_lowercase().starts_with("multipart/") {
            continue; // curl writes it with its own boundary
        }
        if let Some(credentials) = basic_with_secret(name, value, secrets) {
            lines.push(format!("-u {}", quote(&credentials)));
            continue;
        }
        let header = match value.is_empty() {
            true => format!("{name};"),
            false => format!("{name}: {value}"),
        };
        lines.push(format!("-H {}", quote(&header)));
    }
    if matches!(req.body, Body::Bytes(_) | Body::File(_)) && req.header("content-type").is_none() {
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
        Body::Multipart(parts) => lines.extend(parts.iter().map(|p| form_arg(p, &quote))),
    }
    lines.join(" \\\n  ")
}

/// `user:password` of a Basic `Authorization` header, if a secret is part of it.
fn basic_with_secret(name: &str, value: &str, secrets: &[(String, String)]) -> Option<String> {
    let (_, credentials) = crate::util::mask::basic_credentials(name, value)?;
    secrets
        .iter()
        .any(|(_, v)| !v.is_empty() && credentials.contains(v.as_str()))
        .then_some(credentials)
}

fn form_arg(part: &Part, quote: &dyn Fn(&str) -> String) -> String {
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
            if let Some(content_type) = content_type {
                let _ = write!(spec, ";type={content_type}");
            }
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

/// Quote one shell word; secret values inside it become `${POSTIE_SECRET_…}` references in a
/// double-quoted word.
fn quote_with(word: &str, secrets: &[(String, String)]) -> String {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (name, value) in secrets {
        if value.is_empty() {
            continue;
        }
        for (start, _) in word.match_indices(value.as_str()) {
            let end = start + value.len();
            if !found.iter().any(|(s, e, _)| start < *e && *s < end) {
                found.push((start, end, crate::secrets::env_var_name(name)));
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
    for (start, end, var) in found {
        out.push_str(&escape(&word[pos..start]));
        let _ = write!(out, "${{{var}}}");
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
            expect: Expect::default(),
            captures: Vec::new(),
            sign: None,
            expect_webhook: None,
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
             -H \"X-Note: it's \\\"${POSTIE_SECRET_TOKEN}\\\"\" \\\n  -u \"ada:${POSTIE_SECRET_PW}\""
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
  -F 'raw=@/tmp/x.bin'"#;
        assert_eq!(to_curl(&req), want);
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
