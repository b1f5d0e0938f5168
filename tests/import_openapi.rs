//! `postie import openapi` on mParticle's two published descriptions (copied from the shared
//! test data into tests/data/openapi): every operation present (counted from the YAML with
//! serde_norway, not from the import), the right server and auth, `postie check` and `list`
//! pass, and the collection runs against a stand-in on loopback (`--var base_url=…`): each
//! operation arrives with its method, path and credential. Bad input names file:line:col.

mod support;

use std::error::Error;
use std::path::Path;

use serde_json::Value;
use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn spec(name: &str) -> Result<(String, Value), Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openapi")
        .join(name);
    let text = std::fs::read_to_string(path)?;
    let value: Value = serde_norway::from_str(&text)?;
    Ok((text, value))
}

/// (METHOD, path with each `{param}` as `P`) of every operation, in file order.
fn operations(spec: &Value) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"\{[^}]+\}").expect("regex");
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            if item.get(*m).is_some() {
                out.push((
                    m.to_ascii_uppercase(),
                    re.replace_all(path, "P").into_owned(),
                ));
            }
        }
    }
    out
}

fn check_spec(file: &str, prefix: &str, secret: &str, auth_header: &str) -> TestResult {
    let (text, json) = spec(file)?;
    let ops = operations(&json);
    assert!(ops.len() >= 2, "{ops:?}");
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.path().join("api.yml"), text)?;
    let import = sandbox
        .command()
        .args(["import", "openapi", "api.yml", "-o", "collections/api.toml"])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr).into_owned();
    assert!(import.status.code() == Some(0), "{report}");
    let written = std::fs::read_to_string(sandbox.path().join("collections/api.toml"))?;
    let server = json["servers"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .replace('{', "{{")
        .replace('}', "}}");
    assert!(
        written.contains(&format!("base_url = \"{server}\"")),
        "{written}"
    );
    assert!(
        report.contains(&format!("postie secret set {secret}")),
        "{report}"
    );
    sandbox.command().args(["check", "api"]).assert().success();
    let list = sandbox.command().args(["list", "api"]).output()?;
    let listed = String::from_utf8_lossy(&list.stdout);
    assert_eq!(
        listed
            .lines()
            .filter(|l| l.contains("{{base_url}}"))
            .count(),
        ops.len(),
        "{listed}"
    );

    let stand_in = support::http_server(|_: &Recorded| (200, vec![], b"{}".to_vec()));
    let base = format!("{}{prefix}", stand_in.url("").trim_end_matches('/'));
    let mut run = sandbox.command();
    run.args(["run", "api", "--var", &format!("base_url={base}")]);
    for var in ["plan_id", "plan_version", "basic_username"] {
        run.args(["--var", &format!("{var}=P")]);
    }
    run.env(
        format!("POSTIE_SECRET_{}", secret.to_ascii_uppercase()),
        "s3cret-value",
    );
    let out = run.output()?;
    // The stand-in answers 200 to everything: operations whose first 2xx is another code fail
    // their expectation, which is fine here; what arrived is the point.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let arrived: Vec<(String, String)> = stand_in
        .requests()
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.path().strip_prefix(prefix).unwrap_or("?").to_owned(),
            )
        })
        .map(|(m, p)| (m, if p.is_empty() { "/".to_owned() } else { p }))
        .collect();
    assert_eq!(arrived, ops);
    for r in stand_in.requests() {
        let auth = r.header("authorization").unwrap_or_default();
        assert!(auth.starts_with(auth_header), "{auth}");
    }
    Ok(())
}

#[test]
fn mparticle_data_planning_imports_every_operation_with_its_server_and_bearer_auth() -> TestResult {
    check_spec(
        "mparticle-dataplanning-openapi-original.yml",
        "/platform/v2/workspaces/0/plans",
        "api_bearerauth_token",
        "Bearer s3cret-value",
    )
}

#[test]
fn mparticle_events_imports_every_operation_with_basic_auth() -> TestResult {
    // Its `security: [basic: []]` names a scheme it never defines: taken by its name.
    check_spec(
        "mparticle-events-openapi-original.yml",
        "/v2",
        "api_basic_password",
        "Basic ",
    )
}

#[test]
fn bad_descriptions_say_where_and_what() -> TestResult {
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path();
    std::fs::write(dir.join("bad.yml"), "openapi: 3.0.0\npaths:\n  /a: [\n")?;
    std::fs::write(
        dir.join("bad.json"),
        "{\n \"openapi\": \"3.0.0\",\n \"paths\": {,}\n}",
    )?;
    std::fs::write(dir.join("swagger.yml"), "swagger: '1.2'\npaths: {}\n")?;
    std::fs::write(dir.join("other.yml"), "name: x\n")?;
    for (file, says) in [
        ("bad.yml", "bad.yml:"),
        ("bad.json", "bad.json:3:"),
        ("swagger.yml", "Swagger 1.2, which is not supported"),
        ("other.yml", "not an OpenAPI 3.0 or 3.1"),
    ] {
        let out = sandbox
            .command()
            .args(["import", "openapi", file, "-o", "collections/x.toml"])
            .output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(says), "{file}: {err}");
        assert!(!dir.join("collections/x.toml").exists());
    }
    Ok(())
}

/// A `$ref` cycle is cut, and a skeleton is built from the schema when there is no example.
#[test]
fn schema_skeletons_cut_cycles() -> TestResult {
    let sandbox = Sandbox::new()?;
    let spec = r##"{"openapi": "3.1.0", "servers": [{"url": "http://127.0.0.1:9/{v}", "variables": {"v": {"default": "v1"}}}],
      "paths": {"/nodes": {"post": {"operationId": "addNode", "tags": ["Tree"],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
        "responses": {"201": {"description": "made"}}}}},
      "components": {"schemas": {"Node": {"type": "object", "properties": {
        "name": {"type": "string", "example": "root"}, "size": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}}"##;
    std::fs::write(sandbox.path().join("s.json"), spec)?;
    let out = sandbox
        .command()
        .args(["import", "openapi", "s.json"])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = String::from_utf8(out.stdout)?;
    assert!(
        toml.contains("base_url = \"http://127.0.0.1:9/{{v}}\"") && toml.contains("v = \"v1\""),
        "{toml}"
    );
    assert!(
        toml.contains("name = \"addnode\"")
            && toml.contains("status = 201")
            && toml.contains("tags = [\"tree\"]"),
        "{toml}"
    );
    assert!(
        toml.contains("\"name\": \"root\"") && toml.contains("\"children\": [\n    null\n  ]"),
        "{toml}"
    );
    Ok(())
}

/// An OAuth2 client-credentials scheme becomes the OAuth2 auth kind: the import passes
/// `postie check`, and the run gets one token from a loopback token endpoint (client id and
/// secret as HTTP Basic, the requirement's scope) and sends it on every secured operation.
#[test]
fn an_oauth2_client_credentials_scheme_runs_against_a_token_endpoint() -> TestResult {
    let server = support::http_server(|r: &Recorded| {
        let body: &[u8] = if r.path() == "/oauth/token" {
            br#"{"access_token":"tok-openapi","token_type":"Bearer","expires_in":600}"#
        } else {
            b"{}"
        };
        let json = ("content-type".to_owned(), "application/json".to_owned());
        (200, vec![json], body.to_vec())
    });
    let base = server.url("").trim_end_matches('/').to_owned();
    let spec = format!(
        r#"openapi: 3.0.3
info: {{title: Plans, version: "1"}}
servers: [{{url: "{base}/api"}}]
security: [{{cc: ["plans:read"]}}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: {base}/oauth/token
          scopes: {{"plans:read": read, "plans:write": write}}
    oidc:
      type: openIdConnect
      openIdConnectUrl: {base}/.well-known/openid-configuration
paths:
  /plans:
    get:
      operationId: listPlans
      responses: {{"200": {{description: ok}}}}
    post:
      operationId: createPlan
      security: [{{cc: ["plans:write"]}}]
      requestBody:
        content:
          application/json:
            example: {{name: spring}}
      responses: {{"200": {{description: ok}}}}
  /health:
    get:
      operationId: health
      security: []
      responses: {{"200": {{description: ok}}}}
"#
    );
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.path().join("api.yml"), spec)?;
    let import = sandbox
        .command()
        .args(["import", "openapi", "api.yml", "-o", "collections/api.toml"])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr).into_owned();
    assert_eq!(import.status.code(), Some(0), "{report}");
    let written = std::fs::read_to_string(sandbox.path().join("collections/api.toml"))?;
    assert!(
        written.contains("oauth2 = { grant = \"client_credentials\""),
        "{written}"
    );
    assert!(
        report.contains("postie secret set api_cc_client_secret"),
        "{report}"
    );
    sandbox.command().args(["check", "api"]).assert().success();
    let out = sandbox
        .command()
        .args(["run", "api", "--var", "cc_client_id=cid"])
        .env("POSTIE_SECRET_API_CC_CLIENT_SECRET", "csec")
        .output()?;
    assert!(
        out.status.success(),
        "{}\n{written}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = server.requests();
    let paths = server.paths();
    // One token per scope: plans:read for listPlans, plans:write for createPlan.
    assert_eq!(
        paths,
        [
            "POST /oauth/token",
            "GET /api/plans",
            "POST /oauth/token",
            "POST /api/plans",
            "GET /api/health"
        ],
        "{written}"
    );
    use base64::Engine as _;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("cid:csec")
    );
    for (token, scope) in [(&seen[0], "plans:read"), (&seen[2], "plans:write")] {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&token.body)
            .into_owned()
            .collect();
        assert_eq!(
            form,
            [
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                ("scope".to_owned(), scope.to_owned())
            ]
        );
        assert_eq!(token.header("authorization"), Some(basic.as_str()));
    }
    for call in [&seen[1], &seen[3]] {
        assert_eq!(call.header("authorization"), Some("Bearer tok-openapi"));
    }
    let created: Value = serde_json::from_slice(&seen[3].body)?;
    assert_eq!(created, serde_json::json!({"name": "spring"}));
    assert_eq!(seen[4].header("authorization"), None);
    assert!(!written.contains("csec"));
    Ok(())
}

/// OpenID Connect discovery is reported (exit 1), not guessed.
#[test]
fn an_openid_connect_scheme_is_reported() -> TestResult {
    let spec = r#"{"openapi": "3.1.0", "info": {"title": "x", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "components": {"securitySchemes": {"oidc": {"type": "openIdConnect", "openIdConnectUrl": "http://127.0.0.1:9/.well-known/openid-configuration"}}},
        "security": [{"oidc": []}],
        "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}}}"#;
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.path().join("api.json"), spec)?;
    let out = sandbox
        .command()
        .args(["import", "openapi", "api.json"])
        .output()?;
    let report = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("OpenID Connect") && report.contains("token_endpoint"),
        "{report}"
    );
    Ok(())
}

/// Swagger 2.0 is read as the OpenAPI 3.0 it stands for: the server from `schemes`, `host`
/// and `basePath`, `definitions` behind `$ref`s, body and formData parameters, parameter
/// defaults, and `securityDefinitions` (apiKey, and an oauth2 `application` flow run against a
/// loopback token endpoint). Checked on what arrives at the stand-in.
#[test]
fn swagger_2_imports_and_runs() -> TestResult {
    let server = support::http_server(|r: &Recorded| {
        let body: &[u8] = if r.path() == "/oauth/token" {
            br#"{"access_token":"tok-swagger","token_type":"Bearer","expires_in":600}"#
        } else {
            b"{}"
        };
        let json = ("content-type".to_owned(), "application/json".to_owned());
        (200, vec![json], body.to_vec())
    });
    let host = server
        .url("")
        .trim_end_matches('/')
        .trim_start_matches("http://")
        .to_owned();
    let spec = format!(
        r##"{{"swagger": "2.0", "info": {{"title": "Pets", "version": "1"}},
  "host": "{host}", "basePath": "/v2", "schemes": ["http"],
  "consumes": ["application/json"],
  "securityDefinitions": {{
    "key": {{"type": "apiKey", "name": "X-Api-Key", "in": "header"}},
    "cc": {{"type": "oauth2", "flow": "application", "tokenUrl": "http://{host}/oauth/token", "scopes": {{"pets:write": "w"}}}}
  }},
  "security": [{{"key": []}}],
  "definitions": {{
    "Pet": {{"type": "object", "properties": {{"name": {{"type": "string", "example": "Rex"}}, "tag": {{"$ref": "#/definitions/Tag"}}}}}},
    "Tag": {{"type": "object", "properties": {{"id": {{"type": "integer", "default": 7}}}}}}
  }},
  "parameters": {{"limit": {{"name": "limit", "in": "query", "type": "integer", "default": 20}}}},
  "paths": {{
    "/pets": {{
      "get": {{"operationId": "listPets", "parameters": [{{"$ref": "#/parameters/limit"}}], "responses": {{"200": {{"description": "ok"}}}}}},
      "post": {{"operationId": "addPet", "security": [{{"cc": ["pets:write"]}}],
        "parameters": [{{"in": "body", "name": "pet", "schema": {{"$ref": "#/definitions/Pet"}}}}],
        "responses": {{"201": {{"description": "made"}}}}}}
    }},
    "/pets/{{petId}}": {{
      "parameters": [{{"name": "petId", "in": "path", "required": true, "type": "string", "x-example": "p-1"}}],
      "post": {{"operationId": "renamePet", "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [{{"name": "name", "in": "formData", "type": "string", "default": "Max Power"}}],
        "responses": {{"200": {{"description": "ok"}}}}}}
    }}
  }}
}}"##
    );
    let sandbox = Sandbox::new()?;
    std::fs::write(sandbox.path().join("pets.json"), spec)?;
    let import = sandbox
        .command()
        .args([
            "import",
            "openapi",
            "pets.json",
            "-o",
            "collections/pets.toml",
        ])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr).into_owned();
    assert_eq!(import.status.code(), Some(0), "{report}");
    assert!(report.contains("Swagger 2.0"), "{report}");
    let written = std::fs::read_to_string(sandbox.path().join("collections/pets.toml"))?;
    assert!(
        written.contains(&format!("base_url = \"http://{host}/v2\"")),
        "{written}"
    );
    sandbox.command().args(["check", "pets"]).assert().success();
    let out = sandbox
        .command()
        .args(["run", "pets", "--var", "cc_client_id=cid"])
        .env("POSTIE_SECRET_PETS_KEY_KEY", "k-1")
        .env("POSTIE_SECRET_PETS_CC_CLIENT_SECRET", "csec")
        .output()?;
    // The stand-in answers 200 where addPet expects 201: what arrived is the point.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}\n{written}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = server.requests();
    let arrived: Vec<String> = seen
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert_eq!(
        arrived,
        [
            "GET /v2/pets?limit=20",
            "POST /oauth/token",
            "POST /v2/pets",
            "POST /v2/pets/p-1"
        ],
        "{written}"
    );
    assert_eq!(seen[0].header("x-api-key"), Some("k-1"));
    assert_eq!(seen[2].header("authorization"), Some("Bearer tok-swagger"));
    let pet: Value = serde_json::from_slice(&seen[2].body)?;
    assert_eq!(pet, serde_json::json!({"name": "Rex", "tag": {"id": 7}}));
    assert_eq!(
        seen[3].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&seen[3].body)
        .into_owned()
        .collect();
    assert_eq!(form, [("name".to_owned(), "Max Power".to_owned())]);
    assert_eq!(seen[3].header("x-api-key"), Some("k-1"));
    Ok(())
}

/// `$ref`s to other files are read relative to the file that names them (a file, a pointer
/// into one, a reference inside the other file, a cycle across files cut); a missing file is
/// reported by name (exit 1) and nothing is fetched.
#[test]
fn external_refs_are_read_from_files_beside_the_description() -> TestResult {
    let stand_in = support::http_server(|_: &Recorded| (200, vec![], b"{}".to_vec()));
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path().join("spec");
    std::fs::create_dir_all(dir.join("schemas"))?;
    std::fs::write(
        dir.join("api.yaml"),
        r##"openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "http://127.0.0.1:9"}]
paths:
  /pets:
    post:
      operationId: addPet
      parameters:
        - $ref: "common.yaml#/components/parameters/Limit"
      requestBody:
        content:
          application/json:
            schema: {$ref: "schemas/pet.yaml"}
      responses: {"200": {description: ok}}
  /lost:
    post:
      operationId: lost
      requestBody:
        content:
          application/json:
            schema: {$ref: "missing.yaml#/Thing"}
      responses: {"200": {description: ok}}
"##,
    )?;
    std::fs::write(
        dir.join("common.yaml"),
        "components:\n  parameters:\n    Limit: {name: limit, in: query, schema: {type: integer, default: 5}}\n",
    )?;
    std::fs::write(
        dir.join("schemas/pet.yaml"),
        "type: object\nproperties:\n  name: {type: string, example: Rex}\n  owner: {$ref: \"#/definitions/Owner\"}\n  tag: {$ref: \"tag.yaml\"}\ndefinitions:\n  Owner: {type: object, properties: {id: {type: integer, example: 3}}}\n",
    )?;
    std::fs::write(
        dir.join("schemas/tag.yaml"),
        "type: object\nproperties:\n  label: {type: string, default: t}\n  parent: {$ref: \"tag.yaml\"}\n",
    )?;
    let import = sandbox
        .command()
        .args([
            "import",
            "openapi",
            "spec/api.yaml",
            "-o",
            "collections/api.toml",
        ])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr).into_owned();
    assert_eq!(import.status.code(), Some(1), "{report}");
    assert!(
        report.contains("missing.yaml#/Thing") && report.contains("cannot read"),
        "{report}"
    );
    assert!(report.contains("refers back to itself"), "{report}");
    let base = stand_in.url("").trim_end_matches('/').to_owned();
    let out = sandbox
        .command()
        .args(["run", "api/addpet", "--var", &format!("base_url={base}")])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = stand_in.requests();
    assert_eq!(seen[0].uri, "/pets?limit=5");
    let body: Value = serde_json::from_slice(&seen[0].body)?;
    assert_eq!(
        body,
        serde_json::json!({"name": "Rex", "owner": {"id": 3}, "tag": {"label": "t", "parent": null}})
    );
    Ok(())
}
