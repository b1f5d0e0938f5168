//! `postie import http` measured against httpyac (a `.http` runner from npm, installed by
//! `scripts/test` from tests/tools/package.json): the same `.http` file and environment files
//! are run by `httpyac send --all -e dev` and, imported, by `postie run -e dev` against one
//! recording server on loopback; the requests must match (method, path and query, headers,
//! body bytes).
//!
//! Left out of the comparison, because each tool sets them itself: `host` (the URL is
//! compared), `user-agent`, `accept-encoding`, `connection`, and `accept` when it is the tool's
//! default (`*/*`; httpyac may send none).

mod support;

use std::collections::BTreeMap;
use std::error::Error;

use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

const HTTP_FILE: &str = r#"@user = ada
@plan = spring

### List plans
GET {{host}}/plans
    ?page=2
    &q=sofa
Accept: application/json

###
# @name create-plan
POST {{host}}/plans HTTP/1.1
Content-Type: application/json
Authorization: Bearer {{token}}

{
  "name": "{{user}}",
  "plan": "{{plan}}"
}

###
// a comment before the request
PUT {{host}}/plans/{{plan}}/file
Content-Type: application/json

< ./body.json

###
POST {{host}}/form
Content-Type: application/x-www-form-urlencoded

a=1&b={{user}}

### delete it
DELETE {{host}}/plans/{{plan}}?force=true
X-Reason: cleanup
"#;

/// A request reduced to what httpyac and postie must agree on.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn seen(r: &Recorded) -> Seen {
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &r.headers {
        let own = ["host", "user-agent", "accept-encoding", "connection"].contains(&name.as_str())
            || (name == "accept" && value == "*/*");
        if !own {
            headers.insert(name.clone(), value.clone());
        }
    }
    Seen {
        method: r.method.clone(),
        uri: r.uri.clone(),
        headers,
        body: r.body.clone(),
    }
}

fn write_files(sandbox: &Sandbox, base: &str) -> TestResult {
    let dir = sandbox.path().join("api");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("api.http"), HTTP_FILE)?;
    std::fs::write(dir.join("body.json"), "{\"from\": \"file\"}\n")?;
    let env =
        serde_json::json!({ "dev": { "host": base }, "prod": { "host": "http://127.0.0.1:9" } });
    std::fs::write(dir.join("http-client.env.json"), env.to_string())?;
    let private = serde_json::json!({ "dev": { "token": "dev-token-1" } });
    std::fs::write(
        dir.join("http-client.private.env.json"),
        private.to_string(),
    )?;
    Ok(())
}

#[test]
fn imported_http_files_send_what_httpyac_sends() -> TestResult {
    let server = support::http_server(|_: &Recorded| (200, vec![], b"ok".to_vec()));
    let base = server.url("");
    let base = base.trim_end_matches('/').to_owned();
    let sandbox = Sandbox::new()?;
    write_files(&sandbox, &base)?;

    let httpyac = support::tools::node_modules().join("httpyac/bin/httpyac.js");
    let out = support::tools::node()
        .arg(httpyac)
        .args(["send", "api.http", "--all", "-e", "dev"])
        .current_dir(sandbox.path().join("api"))
        .env("HOME", sandbox.path().join("home"))
        .output()?;
    assert!(
        out.status.success(),
        "httpyac: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_httpyac: Vec<Seen> = server.requests().iter().map(seen).collect();
    let before = server.requests().len();

    let import = sandbox
        .command()
        .args([
            "import",
            "http",
            "api/api.http",
            "-o",
            "collections/api.toml",
        ])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{report}");
    assert!(
        report.contains("postie secret set api_dev_token"),
        "{report}"
    );
    let written = std::fs::read_to_string(sandbox.path().join("collections/api.toml"))?;
    assert!(!written.contains("dev-token-1"), "{written}");
    sandbox.command().args(["check", "api"]).assert().success();
    sandbox.command().args(["list", "api"]).assert().success();
    sandbox
        .command()
        .args(["run", "api", "-e", "dev"])
        .env("POSTIE_SECRET_API_DEV_TOKEN", "dev-token-1")
        .assert()
        .success();
    let by_postie: Vec<Seen> = server
        .requests()
        .split_off(before)
        .iter()
        .map(seen)
        .collect();
    assert_eq!(by_httpyac.len(), 5, "{by_httpyac:?}");
    assert_eq!(by_httpyac, by_postie, "\n{written}");
    Ok(())
}

#[test]
fn what_does_not_carry_is_reported_and_bad_env_files_name_the_place() -> TestResult {
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path().join("api");
    std::fs::create_dir_all(&dir)?;
    let text = "GET http://127.0.0.1:9/x\nX-Id: {{$guid}}\nX-Odd: {{$randomLoremWord}}\n\n> {%\n  client.log(1);\n%}\n";
    std::fs::write(dir.join("a.http"), text)?;
    let out = sandbox
        .command()
        .args(["import", "http", "api/a.http"])
        .output()?;
    let report = String::from_utf8_lossy(&out.stderr);
    let toml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("response handler script"), "{report}");
    assert!(report.contains("$randomLoremWord"), "{report}");
    assert!(
        toml.contains("{{$uuid}}") && toml.contains("\\{{$randomLoremWord}}"),
        "{toml}"
    );

    std::fs::write(
        dir.join("http-client.env.json"),
        "{\n  \"dev\": {\"host\": }\n}",
    )?;
    let out = sandbox
        .command()
        .args(["import", "http", "api/a.http", "-o", "collections/a.toml"])
        .output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("http-client.env.json:2:"), "{err}");
    assert!(!sandbox.path().join("collections/a.toml").exists());

    std::fs::write(dir.join("empty.http"), "# nothing here\n")?;
    let out = sandbox
        .command()
        .args(["import", "http", "api/empty.http"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no request found"));
    Ok(())
}
