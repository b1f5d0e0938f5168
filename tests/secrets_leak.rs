//! A secret never reaches any output: every output mode, with a server that echoes the
//! credentials back in its body and headers, checked byte for byte. `--show-secrets` is the
//! one way out, and `-o FILE` writes the body's exact bytes.

mod support;

use std::path::Path;

use assert_cmd::Command;
use base64::Engine as _;

const SECRET: &str = "zq-LEAK-7f3a9c!x";
const PASSWORD: &str = "pw-Leak-42";

fn postie(dir: &Path) -> Command {
    let mut cmd = Command::from_std(support::sandbox::std_command_in(dir));
    cmd.env("POSTIE_SECRET_API_TOKEN", SECRET)
        .env("POSTIE_SECRET_DB_PASSWORD", PASSWORD);
    cmd
}

/// Every form in which the secrets could leak.
fn forbidden() -> Vec<Vec<u8>> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ada:{PASSWORD}"));
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    vec![SECRET.into(), PASSWORD.into(), basic.into(), encoded.into()]
}

fn assert_clean(what: &str, bytes: &[u8]) {
    for needle in forbidden() {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
            "{what} leaks `{}`:\n{}",
            String::from_utf8_lossy(&needle),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// An echo server: the request's head and body come back in the body and in a header.
fn echo_server() -> support::TestServer {
    support::http_server(|r| {
        let mut text = format!("{} {}\n", r.method, r.uri);
        for (name, value) in &r.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&String::from_utf8_lossy(&r.body));
        let auth = r.header("authorization").unwrap_or("").to_string();
        (
            200,
            vec![
                ("x-echo-auth".into(), auth),
                ("content-type".into(), "text/plain".into()),
            ],
            text.into_bytes(),
        )
    })
}

fn collection(dir: &Path, base: &str) {
    std::fs::create_dir_all(dir.join("collections")).unwrap();
    std::fs::write(
        dir.join("collections/api.toml"),
        format!(
            r#"
[vars]
base = "{base}"
token = "{{{{secret:api_token}}}}"

[[requests]]
name = "bearer"
url = "{{{{base}}}}/items?key={{{{secret:api_token}}}}"
headers = {{ X-Trace = "trace-{{{{token}}}}-end" }}
auth = {{ bearer = "{{{{secret:api_token}}}}" }}
json = {{ token = "{{{{secret:api_token}}}}", copy = "{{{{token}}}}" }}
[requests.expect]
status = 201

[[requests]]
name = "basic"
url = "{{{{base}}}}/login"
auth = {{ basic = {{ username = "ada", password = "{{{{secret:db_password}}}}" }} }}
form = {{ password = "{{{{secret:db_password}}}}" }}
"#
        ),
    )
    .unwrap();
}

#[test]
fn no_output_mode_shows_a_secret() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    type Run<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let runs: Vec<Run> = vec![
        ("run", vec!["run", "api"], vec![]),
        ("run -v", vec!["run", "api", "-v"], vec![]),
        ("run -q", vec!["run", "api", "-q"], vec![]),
        (
            "run --pretty on a terminal",
            vec!["run", "api", "-v", "--pretty", "--color", "always"],
            vec![("POSTIE_TEST_TTY", "stdout,stderr")],
        ),
        ("dry run", vec!["run", "api", "--dry-run", "-v"], vec![]),
        ("show", vec!["show", "api"], vec![]),
        ("show --curl", vec!["show", "api", "--curl"], vec![]),
        ("show one", vec!["show", "api/basic", "--curl"], vec![]),
    ];
    for (what, args, env) in runs {
        let mut cmd = postie(dir.path());
        cmd.args(&args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clean(&format!("{what} stdout"), &out.stdout);
        assert_clean(&format!("{what} stderr"), &out.stderr);
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let all = String::from_utf8_lossy(&all);
        assert!(
            all.contains("••••••") || all.contains("${POSTIE_SECRET_"),
            "{what}: nothing was masked?"
        );
    }
    assert!(
        server.hits() >= 8,
        "the server must really have seen the secrets"
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("authorization") == Some(&format!("Bearer {SECRET}")))
    );
}

#[test]
fn error_paths_do_not_show_secrets() {
    // A refused connection, and a timeout: the request line and the error are printed.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &format!("http://{dead}"));
    let out = postie(dir.path())
        .args(["run", "api", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_clean("refused stderr", &out.stderr);
    let stalled = support::stalling_server();
    collection(dir.path(), &stalled.url(""));
    let out = postie(dir.path())
        .args(["run", "api/bearer", "--timeout", "200ms", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_clean("timeout stderr", &out.stderr);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("key=••••••"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn show_secrets_and_output_files_are_the_explicit_ways_out() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    let out = postie(dir.path())
        .args(["show", "api/bearer", "--show-secrets"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(SECRET));
    let file = dir.path().join("body.txt");
    let out = postie(dir.path())
        .args(["run", "api/bearer", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expect 201, the echo answers 200"
    );
    assert_clean("-o stderr", &out.stderr);
    let saved = std::fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&saved).contains(&format!("authorization: Bearer {SECRET}")));
}

#[test]
fn show_curl_refers_to_the_environment_and_really_runs() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    let out = postie(dir.path())
        .args(["show", "api/basic", "--curl"])
        .output()
        .unwrap();
    let curl = String::from_utf8(out.stdout).unwrap();
    assert!(
        curl.contains("-u \"ada:${POSTIE_SECRET_DB_PASSWORD}\""),
        "{curl}"
    );
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} -s", curl.trim_end()))
        .env("POSTIE_SECRET_DB_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(0));
    let got = server.requests();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ada:{PASSWORD}"));
    assert_eq!(
        got[0].header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}

#[test]
fn a_missing_secret_names_itself_the_request_and_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), "http://127.0.0.1:9");
    let out = postie(dir.path())
        .env_remove("POSTIE_SECRET_DB_PASSWORD")
        .args(["run", "api/basic"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("postie: error: secret `db_password` is not set in request `basic`"),
        "{err}"
    );
    assert!(
        err.contains("hint: set the environment variable `POSTIE_SECRET_DB_PASSWORD`"),
        "{err}"
    );
}

#[test]
fn secrets_can_come_from_a_command_run_only_when_needed() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("collections")).unwrap();
    let marker = dir.path().join("ran");
    std::fs::write(
        dir.path().join("collections/pm.toml"),
        format!(
            "[secrets]\nvault_token = {{ command = [\"sh\", \"-c\", \"touch '{}'; printf 'from-Command-9x\\\\n'\"] }}\n\
             [[requests]]\nname = \"r\"\nurl = \"{}\"\nauth = {{ bearer = \"{{{{secret:vault_token}}}}\" }}\n\
             [[requests]]\nname = \"again\"\nurl = \"{}\"\nauth = {{ bearer = \"{{{{secret:vault_token}}}}\" }}\n",
            marker.display(),
            server.url("/a"),
            server.url("/b")
        ),
    )
    .unwrap();
    // The environment variable wins: the command is not run.
    let out = postie(dir.path())
        .env("POSTIE_SECRET_VAULT_TOKEN", "from-env-7y")
        .args(["run", "pm"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !marker.exists(),
        "the command ran although the variable was set"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer from-env-7y")
    );
    // Without it the command gives the value, once for both requests, and it is masked.
    let out = postie(dir.path()).args(["run", "pm"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(marker.exists());
    let got = server.requests();
    assert_eq!(
        got[2].header("authorization"),
        Some("Bearer from-Command-9x")
    );
    assert_eq!(
        got[3].header("authorization"),
        Some("Bearer from-Command-9x")
    );
    let all = [out.stdout, out.stderr].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!text.contains("from-Command-9x"), "{text}");
    assert!(text.contains("authorization: Bearer ••••••"), "{text}");
}

#[test]
fn reports_and_ndjson_do_not_show_secrets() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path(), &server.url(""));
    // Captures copy the secret back out of the echoed body into variables used later.
    let path = dir.path().join("collections/api.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[[requests]]\nname = \"capture\"\nurl = \"{{base}}/cap?k={{secret:api_token}}\"\n\
         [requests.capture]\nechoed = \"regex:k=([^ \\n]+)\"\n\
         [[requests]]\nname = \"reuse\"\nurl = \"{{base}}/again\"\nheaders = { X-Copy = \"{{echoed}}\" }\n\
         [requests.expect]\nstatus = 418\n",
    );
    std::fs::write(&path, text).unwrap();
    let out = postie(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .args([
            "run",
            "api",
            "--json",
            "-v",
            "--report",
            "junit=out/r.xml",
            "--report",
            "json=out/r.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean("--json stdout", &out.stdout);
    assert_clean("--json stderr", &out.stderr);
    for report in ["out/r.xml", "out/r.json"] {
        let bytes = std::fs::read(dir.path().join(report)).unwrap();
        assert_clean(report, &bytes);
        assert!(
            String::from_utf8_lossy(&bytes).contains("••••••"),
            "{report}: nothing masked?"
        );
    }
    // The captured copy really held the secret (so the check above could fail).
    let got = server.requests();
    assert!(
        got.iter().any(|r| r.header("x-copy") == Some(SECRET)),
        "{got:?}"
    );
}
