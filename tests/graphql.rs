//! `graphql` bodies against a real GraphQL server: graphql-core (GraphQL's reference
//! implementation in Python, from tests/tools/requirements.txt) behind
//! tests/tools/graphql_server.py on 127.0.0.1. The server executes the query with its
//! variables and operationName (a document with two operations fails without the right
//! operationName; a missing or mistyped variable fails validation), and echoes the request's
//! Content-Type and Accept in `extensions.request`.

mod support;

use std::error::Error;

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use support::child::PortChild;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

/// The GraphQL server on a free loopback port; killed on drop.
struct Server(PortChild);

impl Server {
    fn start() -> Result<Server, Box<dyn Error>> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/graphql_server.py");
        let mut command = Command::new(support::tools::python());
        command.arg(script).stderr(Stdio::inherit());
        Ok(Server(PortChild::spawn(command, "the GraphQL server")?))
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/graphql", self.0.port)
    }
}

/// Two operations: only `operation_name` picks one.
const QUERY: &str = r#"query Plan($id: ID!, $first: Int) { plan(id: $id) { id name tags(first: $first) } }
mutation Create($name: String!, $tags: [String!]) { createPlan(name: $name, tags: $tags) { id name tags } }"#;

fn collection(url: &str) -> String {
    format!(
        r#"
[vars]
url = "{url}"
plan = "p-7"
first = 2

[[requests]]
name = "plan"
url = "{{{{url}}}}"
[requests.graphql]
query = '''{QUERY}'''
operation_name = "Plan"
variables = {{ id = "{{{{plan}}}}", first = "{{{{first}}}}" }}
[requests.expect]
status = 200
headers = {{ "content-type" = "application/graphql-response+json" }}
json = {{ "$.data.plan.name" = "Plan p-7", "$.data.plan.tags" = ["mobile", "web"], "$.extensions.request.content_type" = "application/json", "$.extensions.request.accept" = "application/graphql-response+json, application/json;q=0.9" }}

[[requests]]
name = "create"
url = "{{{{url}}}}"
headers = {{ Accept = "application/json" }}
[requests.graphql]
query = '''{QUERY}'''
operation_name = "Create"
variables = {{ name = "Spring {{{{plan}}}}", tags = ["a", "b"] }}
[requests.expect]
headers = {{ "content-type" = "application/json" }}
json = {{ "$.data.createPlan.id" = "new-1", "$.data.createPlan.name" = "Spring p-7", "$.data.createPlan.tags" = ["a", "b"], "$.extensions.request.accept" = "application/json" }}
"#
    )
}

#[test]
fn a_graphql_body_runs_against_graphql_core() -> TestResult {
    let server = Server::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("gql", &collection(&server.url()))?;
    let out = sandbox.command().args(["run", "gql"]).output()?;
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The oracle can fail: without operationName the two-operation document is refused, and
    // the check on the answer says so.
    let no_name = collection(&server.url()).replacen("operation_name = \"Plan\"\n", "", 1);
    sandbox.collection("gql", &no_name)?;
    let out = sandbox.command().args(["run", "gql/plan"]).output()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Must provide operation name"), "{text}");
    Ok(())
}

/// `show --curl` of a `graphql` request makes curl send the same body: graphql-core gives both
/// the same answer.
#[test]
fn show_curl_of_a_graphql_request_gets_the_same_answer() -> TestResult {
    let server = Server::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("gql", &collection(&server.url()))?;
    let out = sandbox
        .command()
        .args(["show", "gql/plan", "--curl"])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let command = String::from_utf8(out.stdout)?;
    let by_curl = Command::new("bash")
        .args(["-c", &format!("{} -s", command.trim())])
        .output()?;
    assert!(by_curl.status.success());
    let by_curl: Value = serde_json::from_slice(&by_curl.stdout)?;
    let out = sandbox.command().args(["run", "gql/plan"]).output()?;
    assert!(out.status.success());
    let by_postie: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(by_curl, by_postie);
    assert_eq!(by_postie["data"]["plan"]["id"], json!("p-7"));
    Ok(())
}

#[test]
fn bad_graphql_bodies_are_errors_at_their_place() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (body, says) in [
        ("graphql = { variables = { a = 1 } }", "`query`"),
        (
            "graphql = { query = \"{ a }\", variables = [1] }",
            "expected a table",
        ),
        ("graphql = { query = \"{ a }\", vars = {} }", "vars"),
        (
            "graphql = { query = \"{ a }\" }\njson = { a = 1 }",
            "more than one body",
        ),
    ] {
        sandbox.collection(
            "bad",
            &format!("[[requests]]\nname = \"q\"\nurl = \"http://127.0.0.1:9/\"\n{body}\n"),
        )?;
        let out = sandbox.command().args(["check", "bad"]).output()?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {err}");
        assert!(
            err.contains(says) && err.contains("bad.toml:"),
            "{body}: {err}"
        );
    }
    sandbox.collection(
        "bad",
        "[vars]\nv = \"text\"\n[[requests]]\nname = \"q\"\nurl = \"http://127.0.0.1:9/\"\ngraphql = { query = \"{ a }\", variables = \"{{v}}\" }\n",
    )?;
    let out = sandbox
        .command()
        .args(["run", "bad", "--dry-run"])
        .output()?;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not a table once filled in") && err.contains("bad.toml:6:"),
        "{err}"
    );
    Ok(())
}

/// A Postman `graphql` body, imported, runs against the GraphQL server: its query, its
/// variables (a `{{variable}}` inside them filled in) and its operationName arrive and execute.
#[test]
fn a_postman_graphql_body_imports_and_executes() -> TestResult {
    let server = Server::start()?;
    let sandbox = Sandbox::new()?;
    let collection = json!({
        "info": {"name": "G", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "url", "value": server.url()}, {"key": "plan", "value": "p-9"}],
        "item": [{"name": "Plan", "request": {"method": "POST", "url": "{{url}}",
            "body": {"mode": "graphql", "graphql": {
                "query": QUERY,
                "operationName": "Plan",
                "variables": "{\n  \"id\": \"{{plan}}\",\n  \"first\": 1\n}"}}}}]
    });
    std::fs::write(sandbox.path().join("g.json"), collection.to_string())?;
    let import = sandbox
        .command()
        .args(["import", "postman", "g.json", "-o", "collections/g.toml"])
        .output()?;
    let report = String::from_utf8_lossy(&import.stderr).into_owned();
    assert_eq!(import.status.code(), Some(0), "{report}");
    let written = std::fs::read_to_string(sandbox.path().join("collections/g.toml"))?;
    assert!(written.contains("[requests.graphql]"), "{written}");
    let out = sandbox.command().args(["run", "g"]).output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(
        answer["data"],
        json!({"plan": {"id": "p-9", "name": "Plan p-9", "tags": ["mobile"]}}),
        "{answer}\n{written}"
    );
    Ok(())
}
