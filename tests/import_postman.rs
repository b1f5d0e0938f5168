//! `postie import postman` measured against newman (Postman's own runner, from npm, installed
//! by `scripts/test` from tests/tools/package.json): a collection is run by `newman run` and,
//! imported, by `postie run` against one recording server on loopback; the requests must
//! match (method, path and query, headers, body bytes; multipart part by part). For mParticle's
//! two collections (tests/../shared testdata, copied into tests/data/postman) and for one
//! collection of our own that uses folders, auth inheritance, every body mode, disabled
//! entries, path variables, environments with secrets and a test script with a capture.
//!
//! Left out of the comparison, because each tool sets them itself: `host` (the URL is
//! compared), `user-agent`, `accept-encoding`, `connection`, `postman-token` and
//! `cache-control: no-cache` (newman adds both), `accept: */*`, and the `content-length`
//! and boundary of multipart bodies. A urlencoded body is compared as its decoded pairs (and
//! without its `content-length`): postie's `form` writes a space as `+`, newman as `%20`.

mod support;

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use serde_json::{Value, json};
use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

/// What newman sent, what postie sent, the written TOML and the import's report.
type Both = (Vec<Seen>, Vec<Seen>, String);

#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: Body,
}

#[derive(Debug, PartialEq)]
enum Body {
    Bytes(Vec<u8>),
    Parts(Vec<(BTreeMap<String, String>, Vec<u8>)>),
    Pairs(Vec<(String, String)>),
    Json(Value),
}

fn seen(r: &Recorded) -> Seen {
    let boundary = r
        .header("content-type")
        .and_then(|ct| ct.split_once("boundary="))
        .map(|(_, b)| b.trim_matches('"').to_owned());
    let mut headers = BTreeMap::new();
    for (name, value) in &r.headers {
        let own = [
            "host",
            "user-agent",
            "accept-encoding",
            "connection",
            "postman-token",
        ]
        .contains(&name.as_str())
            || (name == "cache-control" && value == "no-cache")
            || (name == "accept" && value == "*/*")
            || (boundary.is_some() && (name == "content-length" || name == "content-type"));
        if !own {
            headers.insert(name.clone(), value.clone());
        }
    }
    let form = r.header("content-type") == Some("application/x-www-form-urlencoded");
    if form {
        headers.remove("content-length");
    }
    let graphql = r.path() == "/graphql";
    if graphql {
        headers.remove("content-length");
        headers.remove("accept");
    }
    let body = match &boundary {
        Some(b) => Body::Parts(parts(&r.body, b)),
        None if form => Body::Pairs(url::form_urlencoded::parse(&r.body).into_owned().collect()),
        None if graphql => Body::Json(serde_json::from_slice(&r.body).unwrap_or(Value::Null)),
        None => Body::Bytes(r.body.clone()),
    };
    Seen {
        method: r.method.clone(),
        uri: r.uri.clone(),
        headers,
        body,
    }
}

fn parts(body: &[u8], boundary: &str) -> Vec<(BTreeMap<String, String>, Vec<u8>)> {
    let text = String::from_utf8_lossy(body);
    let mut out = Vec::new();
    for chunk in text.split(&format!("--{boundary}")).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
        let chunk = chunk.strip_suffix("\r\n").unwrap_or(chunk);
        let (head, data) = chunk.split_once("\r\n\r\n").unwrap_or((chunk, ""));
        let headers = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().replace("; ", ";")))
            .collect();
        out.push((headers, data.as_bytes().to_vec()));
    }
    out
}

fn reply(r: &Recorded) -> support::Reply {
    let body = if r.path() == "/login" {
        r#"{"session":{"id":"sess-42"}}"#
    } else if r.path().starts_with("/oauth") {
        r#"{"access_token":"tok-from-server","token_type":"Bearer","expires_in":3600}"#
    } else {
        r#"{"ok":true}"#
    };
    (
        200,
        vec![("content-type".into(), "application/json".into())],
        body.as_bytes().to_vec(),
    )
}

/// Runs `collection` (and `env`) with newman and, imported, with postie; returns both lists.
fn both(
    server: &support::TestServer,
    sandbox: &Sandbox,
    collection: &Value,
    env: Option<&Value>,
    vars: &[(&str, &str)],
    secrets: &[(&str, &str)],
) -> Result<Both, Box<dyn Error>> {
    let dir = sandbox.path();
    std::fs::write(
        dir.join("c.json"),
        serde_json::to_string_pretty(collection)?,
    )?;
    let mut newman = support::tools::node();
    newman.arg(support::tools::node_modules().join("newman/bin/newman.js"));
    newman.args(["run", "c.json", "--reporters", "cli", "--disable-unicode"]);
    if let Some(env) = env {
        std::fs::write(dir.join("env.json"), serde_json::to_string_pretty(env)?)?;
        newman.args(["-e", "env.json"]);
    }
    for (k, v) in vars {
        newman.args(["--env-var", &format!("{k}={v}")]);
    }
    let before = server.requests().len();
    let out = newman
        .current_dir(dir)
        .env("HOME", dir.join("home"))
        .output()?;
    assert!(
        out.status.success(),
        "newman: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let by_newman: Vec<Seen> = server
        .requests()
        .split_off(before)
        .iter()
        .map(seen)
        .collect();

    let mut import = sandbox.command();
    import.args(["import", "postman", "c.json", "-o", "collections/c.toml"]);
    if env.is_some() {
        import.args(["--env", "env.json"]);
    }
    let out = import.output()?;
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{report}"
    );
    let written = std::fs::read_to_string(dir.join("collections/c.toml"))?;
    sandbox.command().args(["check", "c"]).assert().success();
    sandbox.command().args(["list", "c"]).assert().success();
    let mut run = sandbox.command();
    run.args(["run", "c"]);
    if env.is_some() {
        run.args(["-e", "test"]);
    }
    for (k, v) in vars {
        run.args(["--var", &format!("{k}={v}")]);
    }
    for (k, v) in secrets {
        run.env(format!("POSTIE_SECRET_{}", k.to_ascii_uppercase()), v);
    }
    let before = server.requests().len();
    let out = run.output()?;
    assert!(
        out.status.success(),
        "postie run: {}\n{written}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_postie: Vec<Seen> = server
        .requests()
        .split_off(before)
        .iter()
        .map(seen)
        .collect();
    Ok((by_newman, by_postie, format!("{written}\n{report}")))
}

/// mParticle's URLs point at the recording server (never at the real hosts): each request's
/// URL becomes its `raw` text with the host replaced.
fn to_loopback(collection: &mut Value, base: &str) {
    if let Some(items) = collection.get_mut("item").and_then(Value::as_array_mut) {
        for item in items {
            to_loopback(item, base);
            if let Some(url) = item.pointer_mut("/request/url") {
                let raw = match &*url {
                    Value::String(s) => s.clone(),
                    u => u
                        .get("raw")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .unwrap_or_else(|| {
                            let path = u["path"]
                                .as_array()
                                .map(|p| {
                                    p.iter()
                                        .filter_map(Value::as_str)
                                        .collect::<Vec<_>>()
                                        .join("/")
                                })
                                .unwrap_or_default();
                            format!("{{{{baseUrl}}}}/{path}")
                        }),
                };
                let raw = raw
                    .replace("https://api.mparticle.com", base)
                    .replace("https://sso.auth.mparticle.com", base);
                *url = Value::String(raw);
            }
        }
    }
}

fn mparticle(name: &str, base: &str) -> Result<Value, Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/postman")
        .join(name);
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    to_loopback(&mut json, base);
    Ok(json)
}

#[test]
fn mparticle_collections_send_what_newman_sends() -> TestResult {
    let server = support::http_server(reply);
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let sandbox = Sandbox::new()?;
    let planning = mparticle("mparticle-dataplanning.postman_collection.json", base)?;
    let vars = [
        ("workspace_id", "ws1"),
        ("plan_id", "plan7"),
        ("jwt_token", "jwt.x.y"),
        ("client_id", "cid"),
        ("client_secret", "csec"),
    ];
    let (a, b, written) = both(&server, &sandbox, &planning, None, &vars, &[])?;
    assert_eq!(a.len(), 8);
    assert_eq!(a, b, "\n{written}");
    // Its hand-made token request is carried as it is, and the report points at the OAuth2
    // auth kind (JSON token request, its `audience`).
    assert!(
        written.contains("request `generate-jwt-token` is an OAuth2 token request")
            && written.contains("format = \"json\"")
            && written.contains("params = { audience = \"https://api.mparticle.com\" }"),
        "{written}"
    );

    let sandbox = Sandbox::new()?;
    let events = mparticle("mparticle-events-api.postman_collection.json", base)?;
    let vars = [
        ("baseUrl", base),
        ("basicAuthUsername", "key1"),
        ("basicAuthPassword", "secret1"),
    ];
    let (a, b, written) = both(&server, &sandbox, &events, None, &vars, &[])?;
    assert!(!a.is_empty());
    assert_eq!(a, b, "\n{written}");
    Ok(())
}

fn own_collection(base: &str) -> Value {
    let kv = |k: &str, v: &str| json!({"key": k, "value": v});
    json!({
        "info": {"name": "Own", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [kv("base", base), kv("user", "ada")],
        "auth": {"type": "bearer", "bearer": [kv("token", "{{api_token}}")]},
        "item": [
            {"name": "Login", "request": {"method": "POST", "url": "{{base}}/login",
                "header": [kv("Content-Type", "application/json")],
                "body": {"mode": "raw", "raw": "{\"user\": \"{{user}}\"}", "options": {"raw": {"language": "json"}}}},
             "event": [{"listen": "test", "script": {"exec": [
                "pm.test(\"ok\", function () {", "    pm.response.to.have.status(200);", "});",
                "pm.environment.set(\"session_id\", pm.response.json().session.id);"]}}]},
            {"name": "Plans", "auth": {"type": "basic", "basic": [kv("username", "{{user}}"), kv("password", "{{password}}")]},
             "item": [
                {"name": "Get plan", "request": {"method": "GET",
                    "url": {"raw": "{{base}}/plans/:id?page=2&debug=1", "host": ["{{base}}"], "path": ["plans", ":id"],
                        "query": [kv("page", "2"), {"key": "debug", "value": "1", "disabled": true}],
                        "variable": [kv("id", "p-7")]},
                    "header": [kv("X-Session", "{{session_id}}"), {"key": "X-Off", "value": "1", "disabled": true}]}},
                {"name": "Form", "request": {"method": "POST", "url": "{{base}}/form",
                    "body": {"mode": "urlencoded", "urlencoded": [kv("a", "1"), kv("b", "two words"), {"key": "c", "value": "x", "disabled": true}]}}},
                {"name": "Upload", "request": {"method": "POST", "url": "{{base}}/upload", "auth": {"type": "noauth"},
                    "body": {"mode": "formdata", "formdata": [{"key": "note", "value": "hi", "type": "text"}, {"key": "doc", "type": "file", "src": "up.txt"}]}}}
             ]},
            {"name": "Key in query", "request": {"method": "GET", "url": "{{base}}/k",
                "auth": {"type": "apikey", "apikey": [kv("key", "api_key"), kv("value", "{{qkey}}"), kv("in", "query")]}}},
            {"name": "Key in header", "request": {"method": "DELETE", "url": "{{base}}/k/1",
                "auth": {"type": "apikey", "apikey": [kv("key", "X-Api-Key"), kv("value", "{{hkey}}")]}}},
            {"name": "Text", "request": {"method": "PUT", "url": "{{base}}/text",
                "body": {"mode": "raw", "raw": "plain {{user}} text"}}},
            {"name": "GraphQL", "request": {"method": "POST", "url": "{{base}}/graphql",
                "body": {"mode": "graphql", "graphql": {"query": "query Q($id: ID!) { plan(id: $id) { name } }", "variables": "{\"id\": \"p-7\"}"}}}}
        ]
    })
}

#[test]
fn an_own_collection_with_every_feature_sends_what_newman_sends() -> TestResult {
    let server = support::http_server(reply);
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.path().join("up.txt"), "uploaded\n")?;
    let env = json!({"name": "test", "_postman_variable_scope": "environment", "values": [
        {"key": "api_token", "value": "tok-1", "type": "secret", "enabled": true},
        {"key": "password", "value": "pw-2", "type": "secret", "enabled": true},
        {"key": "qkey", "value": "q-3", "type": "default", "enabled": true},
        {"key": "hkey", "value": "h-4", "type": "default", "enabled": true},
        {"key": "unused", "value": "x", "enabled": false}
    ]});
    let secrets = [("c_api_token", "tok-1"), ("c_password", "pw-2")];
    let collection = own_collection(base);
    let (a, b, written) = both(&server, &sandbox, &collection, Some(&env), &[], &secrets)?;
    assert_eq!(a.len(), 8, "{a:?}");
    assert_eq!(a, b, "\n{written}");
    assert!(
        !written.contains("tok-1") && !written.contains("pw-2"),
        "{written}"
    );
    assert!(
        written.contains("postie secret set c_api_token"),
        "{written}"
    );
    assert!(
        written.contains("status = 200") && written.contains("session_id = \"json:$.session.id\""),
        "{written}"
    );
    assert!(written.contains("tags = [\"plans\"]"), "{written}");
    Ok(())
}

#[test]
fn unsupported_inputs_say_what_they_are() -> TestResult {
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path();
    std::fs::write(
        dir.join("v1.json"),
        r#"{"id": "x", "name": "old", "order": [], "requests": []}"#,
    )?;
    std::fs::write(dir.join("other.json"), r#"{"openapi": "3.0.0"}"#)?;
    std::fs::write(dir.join("broken.json"), "{\n  \"info\": {,\n}")?;
    for (file, says) in [
        ("v1.json", "collection v1"),
        ("other.json", "not a Postman collection v2.0 or v2.1"),
        ("broken.json", "broken.json:2:"),
    ] {
        let out = sandbox
            .command()
            .args(["import", "postman", file, "-o", "collections/x.toml"])
            .output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(says), "{file}: {err}");
        assert!(!dir.join("collections/x.toml").exists());
    }
    // Scripts beyond the simple patterns and unsupported auth are reported: exit 1.
    let c = json!({"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [
        {"name": "a", "request": {"method": "GET", "url": "http://127.0.0.1:9/a", "auth": {"type": "digest"}},
         "event": [{"listen": "prerequest", "script": {"exec": ["console.log(1)"]}}]}]});
    std::fs::write(dir.join("c.json"), c.to_string())?;
    let out = sandbox
        .command()
        .args(["import", "postman", "c.json"])
        .output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`digest` auth") && err.contains("console.log(1)"),
        "{err}"
    );
    Ok(())
}

/// The same input gives the same bytes (no generated ids, order kept).
#[test]
fn output_is_deterministic() -> TestResult {
    let sandbox = Sandbox::new()?;
    std::fs::write(
        sandbox.path().join("c.json"),
        serde_json::to_string(&own_collection("http://127.0.0.1:9"))?,
    )?;
    let run = || -> Result<Vec<u8>, Box<dyn Error>> {
        Ok(sandbox
            .command()
            .args(["import", "postman", "c.json"])
            .output()?
            .stdout)
    };
    let (first, second) = (run()?, run()?);
    assert!(!first.is_empty());
    assert_eq!(first, second);
    let text = String::from_utf8(first)?;
    let names: Vec<&str> = text.lines().filter(|l| l.starts_with("name = ")).collect();
    assert_eq!(names.first(), Some(&"name = \"login\""), "{text}");
    assert_eq!(names.last(), Some(&"name = \"graphql\""), "{text}");
    Ok(())
}

/// Postman OAuth2 client credentials with an `audience` token request parameter, at collection
/// level (client authentication in the body) and on one request (as an HTTP Basic header, its
/// own scope), with the token saved in the collection as Postman keeps it; plus a plain token
/// request, as mParticle's collection has, which newman does send.
fn oauth2_collection(base: &str) -> Value {
    let kv = |k: &str, v: &str| json!({"key": k, "value": v});
    let oauth2 = |auth: &str, scope: &str| {
        json!({"type": "oauth2", "oauth2": [
            kv("grant_type", "client_credentials"),
            kv("accessTokenUrl", "{{base}}/oauth2/token"),
            kv("clientId", "{{client_id}}"),
            kv("clientSecret", "{{client_secret}}"),
            kv("scope", scope),
            kv("client_authentication", auth),
            kv("accessToken", "tok-from-server"),
            kv("tokenName", "saved"),
            kv("addTokenTo", "header"),
            {"key": "tokenRequestParams", "value": [
                {"key": "audience", "value": "https://api.example.com", "enabled": true, "send_as": "request_body"}]}
        ]})
    };
    json!({
        "info": {"name": "OAuth", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [kv("base", base)],
        "auth": oauth2("body", "plans:read plans:write"),
        "item": [
            {"name": "Token by hand", "request": {"method": "POST", "url": "{{base}}/oauth/token", "auth": {"type": "noauth"},
                "body": {"mode": "urlencoded", "urlencoded": [
                    kv("grant_type", "client_credentials"), kv("client_id", "{{client_id}}"),
                    kv("client_secret", "{{client_secret}}"), kv("audience", "https://api.example.com"),
                    kv("scope", "plans:read plans:write")]}}},
            {"name": "Plans", "request": {"method": "GET", "url": "{{base}}/plans"}},
            {"name": "Create", "request": {"method": "POST", "url": "{{base}}/plans",
                "body": {"mode": "raw", "raw": "{\"name\": \"p\"}", "options": {"raw": {"language": "json"}}}}},
            {"name": "Reports", "request": {"method": "GET", "url": "{{base}}/reports", "auth": oauth2("header", "reports:read")}},
            {"name": "Public", "request": {"method": "GET", "url": "{{base}}/public", "auth": {"type": "noauth"}}}
        ]
    })
}

#[test]
fn postman_oauth2_sends_the_token_request_and_bearer_newman_would() -> TestResult {
    let server = support::http_server(reply);
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let sandbox = Sandbox::new()?;
    let vars = [("client_id", "cid"), ("client_secret", "csec")];
    let secrets = [("c_client_secret", "csec")];
    let before = server.requests().len();
    let collection = oauth2_collection(base);
    let (a, b, written) = both(&server, &sandbox, &collection, None, &vars, &secrets)?;
    let all = server.requests().split_off(before);
    // newman: the plain token request, then the API calls with the saved token.
    assert_eq!(a.len(), 5, "{a:?}");
    assert!(a[0].uri == "/oauth/token" && a.iter().all(|s| s.uri != "/oauth2/token"));
    for api in &a[1..4] {
        assert_eq!(
            api.headers.get("authorization").map(String::as_str),
            Some("Bearer tok-from-server"),
            "{api:?}"
        );
    }
    assert!(!a[4].headers.contains_key("authorization"));
    // postie: the same requests, once the token requests of its OAuth2 auth are left out
    // (one per client authentication and scope: two).
    let (tokens, calls): (Vec<Seen>, Vec<Seen>) =
        b.into_iter().partition(|s| s.uri == "/oauth2/token");
    assert_eq!(a, calls, "\n{written}");
    assert_eq!(tokens.len(), 2, "{tokens:?}\n{written}");
    let pairs = |s: &Seen| -> BTreeMap<String, String> {
        match &s.body {
            Body::Pairs(p) => p.iter().cloned().collect(),
            other => panic!("not a form body: {other:?}"),
        }
    };
    // In the body (`client_authentication: body`): every field newman's plain request has.
    assert_eq!(pairs(&tokens[0]), pairs(&a[0]), "{tokens:?}");
    assert!(!tokens[0].headers.contains_key("authorization"));
    // As a Basic header (`header`): the client's id and secret there, the rest in the body.
    let mut expected = pairs(&a[0]);
    expected.remove("client_id");
    expected.remove("client_secret");
    expected.insert("scope".into(), "reports:read".into());
    assert_eq!(pairs(&tokens[1]), expected);
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("cid:csec");
    assert_eq!(
        tokens[1].headers.get("authorization"),
        Some(&format!("Basic {basic}"))
    );
    // The order: postie's first token request comes right before the first call that needs it.
    let paths: Vec<String> = all.iter().map(support::Recorded::path).collect();
    let first_token = paths.iter().position(|p| p == "/oauth2/token");
    let first_call = paths
        .iter()
        .rposition(|p| p == "/oauth/token")
        .map(|i| i + 1);
    assert_eq!(first_token, first_call, "{paths:?}");
    // Never written: the saved token, the client secret; the secret's `set` line is printed.
    assert!(
        !written.contains("tok-from-server") && !written.contains("csec"),
        "{written}"
    );
    assert!(
        written.contains("postie secret set c_client_secret"),
        "{written}"
    );
    assert!(written.contains("is an OAuth2 token request"), "{written}");
    Ok(())
}
