//! `--resolve` and `--connect-to` against real curl with the same flags, on a TLS server whose
//! certificate (made in the test) names `api.example.com` only: a request to
//! `api.example.com` reaches the stand-in on 127.0.0.1 with its name, `Host` and the
//! certificate check unchanged, and a wrong name fails as it does with curl. Nothing is
//! resolved or connected to but loopback: every URL naming another host is routed.

mod support;

use std::error::Error;
use std::process::{Command, Stdio};

use support::sandbox::Sandbox;
use support::{CertKind, Recorded, Reply, TlsSetup};

type TestResult = Result<(), Box<dyn Error>>;

fn ok(_: &Recorded) -> Reply {
    (200, vec![], b"stand-in".to_vec())
}

fn stand_in() -> (support::TestServer, support::TlsFixture) {
    let setup = TlsSetup {
        cert: CertKind::ApiExample,
        http2: true,
    };
    support::https_server_with_cert(setup, ok)
}

/// The host (and port) a request was sent for: HTTP/2's `:authority` (in the URI) or the
/// HTTP/1.1 `Host` header.
fn authority(r: &Recorded) -> String {
    match r
        .uri
        .parse::<hyper::Uri>()
        .ok()
        .and_then(|u| u.authority().cloned())
    {
        Some(authority) => authority.to_string(),
        None => r.header("host").unwrap_or_default().to_owned(),
    }
}

fn curl(args: &[String]) -> Result<std::process::Output, Box<dyn Error>> {
    Ok(Command::new("curl")
        .args(["-q", "-s", "-S", "--noproxy", "*"])
        .args(args)
        .stdin(Stdio::null())
        .output()?)
}

/// postie and curl with the same flags, URL and CA: both get the stand-in's answer, for the
/// same authority.
#[test]
fn resolve_and_connect_to_reach_the_stand_in_as_with_curl() -> TestResult {
    let (server, tls) = stand_in();
    let port = server.addr.port();
    let ca = tls.ca_pem_path.display().to_string();
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            format!("https://api.example.com:{port}/plans"),
            vec![
                "--resolve".to_owned(),
                format!("api.example.com:{port}:127.0.0.1"),
            ],
        ),
        (
            "https://api.example.com/plans".to_owned(),
            vec![
                "--connect-to".to_owned(),
                format!("api.example.com:443:127.0.0.1:{port}"),
            ],
        ),
        (
            "https://api.example.com/plans".to_owned(),
            vec!["--connect-to".to_owned(), format!("::127.0.0.1:{port}")],
        ),
        (
            "https://api.example.com/plans".to_owned(),
            vec![
                "--connect-to".to_owned(),
                format!("api.example.com:443:stand-in.test:{port}"),
                "--resolve".to_owned(),
                format!("stand-in.test:{port}:127.0.0.1"),
            ],
        ),
    ];
    let sandbox = Sandbox::new()?;
    for (url, flags) in &cases {
        let before = server.requests().len();
        let out = sandbox
            .postie()?
            .args(["send", "GET", url, "--cacert", &ca])
            .args(flags)
            .assert()
            .code(0)
            .get_output()
            .clone();
        assert_eq!(out.stdout, b"stand-in", "{url} {flags:?}");
        let mut args = flags.clone();
        args.extend(["--cacert".to_owned(), ca.clone(), url.clone()]);
        let by_curl = curl(&args)?;
        assert!(by_curl.status.success(), "curl {args:?}: {:?}", by_curl);
        assert_eq!(by_curl.stdout, b"stand-in");
        let seen = server.requests();
        assert_eq!(seen.len(), before + 2, "{url} {flags:?}");
        let (postie_saw, curl_saw) = (authority(&seen[before]), authority(&seen[before + 1]));
        assert_eq!(postie_saw, curl_saw, "{url} {flags:?}");
        assert!(postie_saw.starts_with("api.example.com"), "{postie_saw}");
    }
    Ok(())
}

#[test]
fn a_name_the_certificate_does_not_have_fails_as_with_curl() -> TestResult {
    let (server, tls) = stand_in();
    let port = server.addr.port();
    let ca = tls.ca_pem_path.display().to_string();
    let route = format!("www.example.com:443:127.0.0.1:{port}");
    let url = "https://www.example.com/plans";
    let sandbox = Sandbox::new()?;
    let out = sandbox
        .postie()?
        .args(["send", "GET", url, "--cacert", &ca, "--connect-to", &route])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("TLS handshake with `www.example.com` failed: certificate is for another host (name mismatch)"),
        "{stderr}"
    );
    let by_curl = curl(&[
        "--connect-to".into(),
        route,
        "--cacert".into(),
        ca,
        url.into(),
    ])?;
    // curl: 60, "SSL peer certificate or SSH remote key was not OK".
    assert_eq!(by_curl.status.code(), Some(60), "{by_curl:?}");
    assert_eq!(server.hits(), 0);
    Ok(())
}

#[test]
fn without_the_ca_the_stand_in_is_not_trusted() -> TestResult {
    let (server, _tls) = stand_in();
    let port = server.addr.port();
    let route = format!("api.example.com:443:127.0.0.1:{port}");
    let url = "https://api.example.com/plans";
    let sandbox = Sandbox::new()?;
    sandbox
        .postie()?
        .args(["send", "GET", url, "--connect-to", &route])
        .assert()
        .code(3);
    let by_curl = curl(&["--connect-to".into(), route, url.into()])?;
    assert_eq!(by_curl.status.code(), Some(60), "{by_curl:?}");
    Ok(())
}

/// A collection naming `api.example.com` runs unchanged: `[defaults]` routes it, a redirect
/// from a plain loopback server to `https://api.example.com/…` is routed on its hop, and
/// `show --curl` exports the same flags (curl then gets the same answer).
#[test]
fn defaults_route_a_collection_and_its_redirect_hops_and_show_curl_exports_them() -> TestResult {
    let (server, tls) = stand_in();
    let port = server.addr.port();
    let ca = tls.ca_pem_path.display().to_string();
    let redirector = support::http_server(|_| {
        (
            302,
            vec![("location".into(), "https://api.example.com/landing".into())],
            Vec::new(),
        )
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "api",
        &format!(
            r#"
[defaults]
connect_to = "api.example.com:443:127.0.0.1:{port}"

[[requests]]
name = "plans"
url = "https://api.example.com/plans"
[requests.expect]
status = 200
body = "stand-in"

[[requests]]
name = "hop"
url = "{}"
[requests.expect]
status = 200
body = "stand-in"
"#,
            redirector.url("/go")
        ),
    )?;
    sandbox
        .postie()?
        .args(["run", "api", "--cacert", &ca])
        .assert()
        .code(0);
    let paths: Vec<String> = server.requests().iter().map(Recorded::path).collect();
    assert_eq!(paths, ["/plans", "/landing"]);

    let out = sandbox
        .postie()?
        .args(["show", "api/hop", "--curl"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let command = String::from_utf8(out.stdout)?;
    let flag = format!("--connect-to api.example.com:443:127.0.0.1:{port}");
    assert!(command.contains(&flag), "{command}");
    let run = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} --cacert '{ca}' -q -s --noproxy '*'",
            command.trim_end()
        ))
        .stdin(Stdio::null())
        .output()?;
    assert_eq!(run.stdout, b"stand-in", "{run:?}");
    assert_eq!(server.requests().len(), 3);
    Ok(())
}

/// The path and query a request asked for (HTTP/2 requests carry the full URI).
fn target(r: &Recorded) -> String {
    match r.uri.parse::<hyper::Uri>() {
        Ok(uri) => uri
            .path_and_query()
            .map_or_else(|| r.uri.clone(), |p| p.to_string()),
        Err(_) => r.uri.clone(),
    }
}

/// A `--connect-to` that changes a port the URL names (`api.example.com:8443` to the
/// stand-in's port), over TLS and plain HTTP: postie and curl reach the stand-in with the same
/// authority (`Host`/`:authority` keep the URL's port) and the same path, and the TLS check is
/// for `api.example.com`.
#[test]
fn a_port_change_for_a_url_that_names_its_port_works_as_with_curl() -> TestResult {
    let (tls_server, tls) = stand_in();
    let plain = support::http_server(ok);
    let ca = tls.ca_pem_path.display().to_string();
    let cases = [
        (
            "https://api.example.com:8443/plans?page=2".to_owned(),
            format!("api.example.com:8443:127.0.0.1:{}", tls_server.addr.port()),
            &tls_server,
        ),
        (
            "http://api.example.com:8080/plans?page=2".to_owned(),
            format!("api.example.com:8080:127.0.0.1:{}", plain.addr.port()),
            &plain,
        ),
    ];
    let sandbox = Sandbox::new()?;
    for (url, entry, server) in &cases {
        let before = server.requests().len();
        let out = sandbox
            .postie()?
            .args(["send", "GET", url, "--cacert", &ca, "--connect-to", entry])
            .assert()
            .code(0)
            .get_output()
            .clone();
        assert_eq!(out.stdout, b"stand-in", "{url} {entry}");
        let args = ["--connect-to", entry, "--cacert", &ca, url].map(str::to_owned);
        let by_curl = curl(&args)?;
        assert!(by_curl.status.success(), "curl {args:?}: {by_curl:?}");
        assert_eq!(by_curl.stdout, b"stand-in");
        let seen = server.requests();
        assert_eq!(seen.len(), before + 2, "{url} {entry}");
        let (postie_saw, curl_saw) = (&seen[before], &seen[before + 1]);
        assert_eq!(authority(postie_saw), authority(curl_saw), "{url}");
        let port = if url.starts_with("https") { 8443 } else { 8080 };
        assert_eq!(authority(postie_saw), format!("api.example.com:{port}"));
        assert_eq!(target(postie_saw), target(curl_saw));
        assert_eq!(target(postie_saw), "/plans?page=2");
    }
    // A name the certificate does not have still fails the TLS check, as with curl.
    let wrong = format!("www.example.com:8443:127.0.0.1:{}", tls_server.addr.port());
    let url = "https://www.example.com:8443/plans";
    sandbox
        .postie()?
        .args(["send", "GET", url, "--cacert", &ca, "--connect-to", &wrong])
        .assert()
        .code(3);
    let by_curl = curl(&["--connect-to", &wrong, "--cacert", &ca, url].map(str::to_owned))?;
    assert_eq!(by_curl.status.code(), Some(60), "{by_curl:?}");
    Ok(())
}

/// Every hop that matches is routed, a relative redirect included; `-v` and the JSON report
/// show the URLs as asked for, never the port connected to.
#[test]
fn a_port_change_applies_to_every_hop_and_reports_show_the_original_url() -> TestResult {
    let server = support::http_server(|r: &Recorded| match r.path().as_str() {
        "/start" => (
            302,
            vec![("location".into(), "/landing".into())],
            Vec::new(),
        ),
        _ => ok(r),
    });
    let port = server.addr.port();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "api",
        r#"
[[requests]]
name = "start"
url = "http://api.example.com:8080/start"
[requests.expect]
status = 200
body = "stand-in"
"#,
    )?;
    let report = sandbox.path().join("run.json");
    let entry = format!("api.example.com:8080:127.0.0.1:{port}");
    let out = sandbox
        .postie()?
        .args(["run", "api", "-v", "--connect-to", &entry, "--report"])
        .arg(format!("json={}", report.display()))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let hosts: Vec<(String, String)> = server
        .requests()
        .iter()
        .map(|r| (r.path(), r.header("host").unwrap_or_default().to_owned()))
        .collect();
    let host = "api.example.com:8080".to_owned();
    assert_eq!(
        hosts,
        [
            ("/start".to_owned(), host.clone()),
            ("/landing".to_owned(), host)
        ]
    );
    let shown = String::from_utf8(out.stderr)?;
    assert!(
        shown.contains("→ GET http://api.example.com:8080/start"),
        "{shown}"
    );
    assert!(
        shown.contains("redirect to http://api.example.com:8080/landing"),
        "{shown}"
    );
    assert!(!shown.contains(&format!(":{port}/")), "{shown}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
    let attempt = &report["collections"][0]["requests"][0]["attempts"][0];
    assert_eq!(
        attempt["request"]["url"],
        "http://api.example.com:8080/start"
    );
    assert_eq!(
        attempt["redirects"][0]["to"],
        "http://api.example.com:8080/landing"
    );
    assert!(
        !report.to_string().contains(&format!(":{port}/")),
        "{report}"
    );
    Ok(())
}

#[test]
fn bad_entries_are_usage_errors() -> TestResult {
    let sandbox = Sandbox::new()?;
    let out = sandbox
        .postie()?
        .args([
            "send",
            "GET",
            "http://127.0.0.1:9/",
            "--resolve",
            "api.example.com:443",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(
            "expected HOST:PORT:ADDRESS[,ADDRESS…], e.g. `api.example.com:443:127.0.0.1`"
        ),
        "{stderr}"
    );
    sandbox.collection(
        "bad",
        "[defaults]\nresolve = [\"api.example.com:x:127.0.0.1\"]\n\n[[requests]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\n",
    )?;
    let out = sandbox
        .postie()?
        .args(["run", "bad"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("invalid `resolve` entry `api.example.com:x:127.0.0.1`: `x` is not a port (1 to 65535) in `[defaults]`"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.toml:2:"), "{stderr}");
    Ok(())
}
