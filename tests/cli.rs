//! The `postie` binary: collections, targets, error messages, list/show, the shipped examples.
//! Exact expected text for user-facing messages; every exit code asserted.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use support::http_server;

/// A `postie` command in `dir`, with a clean, deterministic environment.
fn postie(dir: &Path) -> Command {
    Command::from_std(support::sandbox::std_command_in(dir))
}

/// A temp dir with `collections/NAME.toml` files.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("collections")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("collections").join(name), text).unwrap();
    }
    dir
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Replace timings, sizes and ports with placeholders so whole outputs can be compared.
fn normalise(text: &str) -> String {
    let durations = regex::Regex::new(r"\d+(\.\d+)? (µs|ms|s)\b").unwrap();
    let sizes = regex::Regex::new(r"\d+(\.\d+)? (B|KB|MB|GB|kB|KiB|MiB)\b").unwrap();
    let ports = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let text = durations.replace_all(text, "<t>");
    let text = sizes.replace_all(&text, "<size>");
    ports.replace_all(&text, "127.0.0.1:<port>").into_owned()
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SHOP: &str = r#"name = "shop"
[vars]
base_url = "http://127.0.0.1:1"

[[requests]]
name = "create-plan"
method = "POST"
url = "{{bse_url}}/plans"
"#;

#[test]
fn unknown_key_points_at_the_key_with_a_suggestion() {
    let text = SHOP.replace(
        "method = \"POST\"",
        "method = \"POST\"\nheders = { Accept = \"x\" }",
    );
    let dir = workspace(&[("shop.toml", &text)]);
    let out = postie(dir.path()).args(["run", "shop"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        stderr_of(&out),
        "postie: error: unknown key `heders` in request `create-plan`\n \
--> collections/shop.toml:8:1\n  |\n8 | heders = { Accept = \"x\" }\n  | ^^^^^^\n  = hint: did you mean `headers`?\n"
    );
}

#[test]
fn unknown_variable_names_itself_the_request_and_the_place() {
    let dir = workspace(&[("shop.toml", SHOP)]);
    let out = postie(dir.path()).args(["run", "shop"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        normalise(&stderr_of(&out)),
        "shop / create-plan\npostie: error: unknown variable `bse_url` in request `create-plan`\n \
--> collections/shop.toml:8:8\n  |\n8 | url = \"{{bse_url}}/plans\"\n  |        ^^^^^^^^^^^\n  = hint: did you mean `base_url`?\n\
summary: 0 passed, 0 failed, 1 errored in <t>\n"
    );
}

#[test]
fn malformed_toml_shows_file_line_column_and_caret() {
    let dir = workspace(&[(
        "bad.toml",
        "name = \"x\"\n[[requests]]\nname = \"a\"\nurl = \"http://x\" y\n",
    )]);
    let out = postie(dir.path()).args(["run", "bad"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: invalid TOML in `collections/bad.toml`: unexpected key or value, expected newline, `#`\n \
--> collections/bad.toml:4:18\n  |\n4 | url = \"http://x\" y\n  |                  ^\n"
    );
}

#[test]
fn unknown_targets_suggest_what_exists() {
    let fixed = SHOP.replace("bse_url", "base_url");
    let dir = workspace(&[("shop.toml", &fixed)]);
    let out = postie(dir.path())
        .args(["run", "shop/create-pln"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: unknown request `create-pln` in collection `shop`\n  hint: did you mean `create-plan`?\n"
    );
    let out = postie(dir.path()).args(["run", "shp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: unknown collection `shp`\n  hint: did you mean `shop`?\n"
    );
    let out = postie(dir.path())
        .args(["run", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: could not read collection `missing.toml`: No such file or directory\n"
    );
}

#[test]
fn no_target_without_a_terminal_lists_the_collections() {
    let fixed = SHOP.replace("bse_url", "base_url");
    let dir = workspace(&[
        ("shop.toml", &fixed),
        ("users.toml", &fixed.replace("\"shop\"", "\"users\"")),
    ]);
    let out = postie(dir.path()).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: no target given\n  collections found under `collections/`: shop, users\n  \
hint: `postie run shop` runs one; add `/REQUEST` for a single request\n"
    );
    let empty = tempfile::tempdir().unwrap();
    let out = postie(empty.path()).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: no target given\n  hint: name a collection file, e.g. `postie run path/to/api.toml` (no `collections/` directory here)\n"
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = postie(dir.path())
        .args(["run", "--timeout", "soon", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("expected a duration such as 500ms or 10s"),
        "{}",
        stderr_of(&out)
    );
    let out = postie(dir.path())
        .args(["run", "x", "--var", "novalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("expected NAME=VALUE or NAME:=JSON, got `novalue`"));
    let out = postie(dir.path()).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains(
            "Exit codes:\n  0    all requests passed\n  1    a request failed its expectations"
        ),
        "{help}"
    );
}

#[test]
fn unknown_environment_lists_the_ones_that_exist() {
    let text = SHOP.replace("bse_url", "base_url")
        + "\n[env.staging]\nbase_url = \"http://127.0.0.1:2\"\n";
    let dir = workspace(&[("shop.toml", &text)]);
    let out = postie(dir.path())
        .args(["run", "shop", "-e", "stagin", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.starts_with("postie: error: unknown environment `stagin`"),
        "{err}"
    );
    assert!(err.contains("did you mean `staging`?"), "{err}");
}

#[test]
fn list_shows_a_tree_with_methods_and_urls() {
    let dir = workspace(&[(
        "shop.toml",
        "name = \"shop\"\ndescription = \"Sofa shop\"\n[[requests]]\nname = \"latest\"\nurl = \"{{base}}/latest\"\n\
[[requests]]\nname = \"create-plan\"\nmethod = \"post\"\nurl = \"{{base}}/plans\"\n",
    )]);
    let out = postie(dir.path()).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shop (collections/shop.toml): Sofa shop\n├── GET   latest       {{base}}/latest\n└── POST  create-plan  {{base}}/plans\n"
    );
    let out = postie(dir.path())
        .args(["list", "shop/latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

const SHOW: &str = r#"name = "shop"
[vars]
base = "http://127.0.0.1:9/v1"
who = "Ada"
n = 3

[defaults]
headers = { Accept = "application/json" }

[[requests]]
name = "create"
method = "POST"
url = "{{base}}/plans"
query = { page = "{{n}}" }
json = { name = "{{who}}", count = "{{n}}", note = "it's \\{{literal}}" }
"#;

#[test]
fn show_prints_the_resolved_request() {
    let dir = workspace(&[("shop.toml", SHOW)]);
    let out = postie(dir.path())
        .args(["show", "shop/create", "--var", "who=Grace"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shop / create\n→ POST http://127.0.0.1:9/v1/plans?page=3\n  Accept: application/json\n  Content-Type: application/json\n\n  \
{\n    \"name\": \"Grace\",\n    \"count\": 3,\n    \"note\": \"it's {{literal}}\"\n  }\n\n"
    );
}

#[test]
fn show_curl_is_a_command_that_really_works() {
    let server = http_server(|_| (201, vec![], b"made".to_vec()));
    let text = SHOW.replace("http://127.0.0.1:9/v1", &server.url("/v1"));
    let dir = workspace(&[("shop.toml", &text)]);
    let out = postie(dir.path())
        .args(["show", "shop/create", "--curl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let curl = String::from_utf8(out.stdout).unwrap();
    assert!(curl.starts_with("curl "), "{curl}");
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} -s", curl.trim_end()))
        .output()
        .unwrap();
    assert_eq!(
        ran.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    assert_eq!(ran.stdout, b"made");
    let got = &server.requests()[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.uri, "/v1/plans?page=3");
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(
        got.body,
        br#"{"name":"Ada","count":3,"note":"it's {{literal}}"}"#
    );
}

#[test]
fn dry_run_sends_nothing() {
    let server = http_server(|_| (200, vec![], vec![]));
    let text = SHOW.replace("http://127.0.0.1:9/v1", &server.url("/v1"));
    let dir = workspace(&[("shop.toml", &text)]);
    let out = postie(dir.path())
        .args(["run", "shop", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.hits(), 0);
    assert_eq!(
        normalise(&stderr_of(&out)),
        "shop / create\n→ POST http://127.0.0.1:<port>/v1/plans?page=3\n  accept: application/json\n  content-type: application/json\n  \
user-agent: postie/0.1.0\n  accept-encoding: gzip, deflate, br, zstd\n  content-length: 50\n\n  \
{\n    \"name\": \"Ada\",\n    \"count\": 3,\n    \"note\": \"it's {{literal}}\"\n  }\n\n  (dry run: not sent)\nsummary: 1 request resolved, nothing sent (dry run)\n"
    );
}

#[test]
fn variables_precedence_cli_over_env_over_vars() {
    let server = http_server(|r| (200, vec![], r.uri.clone().into_bytes()));
    let text = format!(
        "[vars]\nbase = \"{}\"\nwho = \"vars\"\n[env.prod]\nwho = \"env\"\n[[requests]]\nname = \"r\"\nurl = \"{{{{base}}}}/{{{{who}}}}\"\n",
        server.url("")
    );
    let dir = workspace(&[("p.toml", &text)]);
    for (args, expected) in [
        (vec!["run", "p"], "/vars"),
        (vec!["run", "p", "-e", "prod"], "/env"),
        (vec!["run", "p", "-e", "prod", "--var", "who=cli"], "/cli"),
    ] {
        let out = postie(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    }
}

/// The shipped quickstart runs offline against the embedded echo server, and the environment
/// changes what is sent.
#[test]
fn quickstart_runs_offline_against_the_embedded_inbox() {
    let out = postie(&repo_root())
        .args(["run", "collections/quickstart.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = normalise(&stderr_of(&out));
    assert!(err.contains("quickstart / search-sofas\n→ GET http://127.0.0.1:<port>/shops/sofa-store/sofas?colour=teal&max_price=500&page=1\n← 200 OK  HTTP/1.1  <size>\n"), "{err}");
    assert!(
        err.ends_with("summary: 3 passed, 0 failed, 0 errored in <t>\n"),
        "{err}"
    );
    // Piped stdout: three echo documents, byte-exact as served.
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0]["args"]["colour"], "teal");
    assert_eq!(docs[0]["headers"]["x-client"], "postie-quickstart");
    assert_eq!(docs[1]["json"]["max_price"], 500);
    assert_eq!(docs[1]["json"]["name"], "Spring sale");
    assert_eq!(docs[2]["form"]["shop"], "sofa-store");
    assert_eq!(
        docs[2]["headers"]["authorization"],
        "Basic YWRhOmxvdmVsYWNl"
    );

    let out = postie(&repo_root())
        .args(["run", "quickstart/create-plan", "-e", "staging"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["json"]["name"], "Staging spring sale");
    assert_eq!(doc["path"], "/shops/sofa-store-staging/plans");
}

/// Every file in `collections/` loads, and runs: against the embedded inbox if it uses
/// `{{inbox}}`, else with `base_url` pointed at a loopback server (never the internet).
#[test]
fn every_shipped_collection_runs() {
    let server = http_server(|_| {
        (
            200,
            vec![("content-type".into(), "application/json".into())],
            b"{\"ok\":true}".to_vec(),
        )
    });
    let mut ran = 0;
    for entry in std::fs::read_dir(repo_root().join("collections")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        // Its token URL is on another host than `base_url`: tests/dataplan.rs runs it
        // against a stand-in for both.
        if path.file_stem().is_some_and(|s| s == "dataplan") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut cmd = postie(&repo_root());
        cmd.arg("run")
            .arg(&path)
            .env("POSTIE_SECRET_HTTPBIN_TOKEN", "example-token");
        if !text.contains("{{inbox}}") {
            assert!(
                text.contains("base_url"),
                "{} must use {{{{inbox}}}} or {{{{base_url}}}}",
                path.display()
            );
            cmd.args(["--var", &format!("base_url={}", server.url(""))]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stderr_of(&out)
        );
        assert!(
            stderr_of(&out).contains(" passed, 0 failed, 0 errored"),
            "{}",
            stderr_of(&out)
        );
        ran += 1;
    }
    assert!(ran >= 2);
    let out = postie(&repo_root()).arg("check").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the examples must pass `postie check`: {}",
        stderr_of(&out)
    );
    assert!(
        server.hits() >= 4,
        "the httpbin example should have hit the local server"
    );
}

#[test]
fn ctrl_c_ends_a_stalled_request_with_130() {
    let server = support::stalling_server();
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("postie"))
        .current_dir(dir.path())
        .args(["send", "GET", &server.url("/slow")])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while server.hits() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(server.hits(), 1, "the request never arrived");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
}

#[test]
fn proxies_from_the_environment_are_used_but_never_for_loopback() {
    // The "proxy" is a loopback test server: it gets the absolute URL of a host that is never
    // resolved or contacted.
    let proxy = http_server(|r| (200, vec![], format!("via proxy: {}", r.uri).into_bytes()));
    let dir = tempfile::tempdir().unwrap();
    let out = postie(dir.path())
        .env("HTTP_PROXY", proxy.url(""))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("http_proxy")
        .args(["send", "GET", "http://api.example.test/plans"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "via proxy: http://api.example.test/plans"
    );

    // A loopback target goes direct even though the proxy variable points at a dead port.
    let target = http_server(|_| (200, vec![], b"direct".to_vec()));
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = postie(dir.path())
        .env("HTTP_PROXY", format!("http://{dead}"))
        .env_remove("http_proxy")
        .args(["send", "GET", &target.url("/x")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(out.stdout, b"direct");

    let out = postie(dir.path())
        .env("HTTPS_PROXY", "http://[oops")
        .args(["send", "GET", &target.url("/x")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr_of(&out),
        "postie: error: invalid `HTTPS_PROXY` proxy URL `http://[oops`: builder error\n  hint: fix or unset the variable (`http://host:port`); loopback hosts never use a proxy\n"
    );
}

#[test]
fn check_finds_literal_credentials_and_run_warns() {
    let server = http_server(|_| (200, vec![], vec![]));
    let text = format!(
        "[[requests]]\nname = \"r\"\nurl = \"{}\"\nheaders = {{ Authorization = \"Bearer abcdef123456\" }}\n",
        server.url("/")
    );
    let dir = workspace(&[("lit.toml", &text)]);
    let out = postie(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr_of(&out),
        "postie: warning: literal credential in the `Authorization` header of request `r`\n \
--> collections/lit.toml:4:29\n  |\n4 | headers = { Authorization = \"Bearer abcdef123456\" }\n  |                             ^^^^^^^^^^^^^^^^^^^^^\n  \
= hint: store it with `postie secret set lit_authorization` and write `{{secret:lit_authorization}}` instead (in CI: `POSTIE_SECRET_LIT_AUTHORIZATION`)\n\
1 literal credential in 1 collection\n"
    );
    let out = postie(dir.path()).args(["run", "lit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr_of(&out).starts_with(
        "postie: warning: collections/lit.toml:4:29: literal credential in the `Authorization` header of request `r` (see `postie check`)\n"
    ));
    let fixed = text.replace("Bearer abcdef123456", "Bearer {{secret:lit_token}}");
    std::fs::write(dir.path().join("collections/lit.toml"), fixed).unwrap();
    let out = postie(dir.path()).args(["check", "lit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr_of(&out), "no literal credentials in 1 collection\n");
}
