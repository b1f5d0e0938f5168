//! Data-driven runs (issue 13, points 6 and 7): `--data rows.csv|rows.json`, `--iterations`,
//! `--repeat`, `--delay` — the real binary against a server on 127.0.0.1 started by each test.

mod support;

use std::error::Error;
use std::time::{Duration, Instant};

use support::sandbox::{Sandbox, normalise};
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

fn json(status: u16, body: &str) -> Reply {
    (
        status,
        vec![("content-type".to_string(), "application/json".to_string())],
        body.as_bytes().to_vec(),
    )
}

/// POST /items `{"name": N, …}` → 201 `{"id": "N-id"}` (no id for the name `nocap`);
/// GET /items/ID → 200 `{"id": ID}`.
fn items_server() -> support::TestServer {
    support::http_server(|r: &Recorded| {
        let path = r.path();
        if r.method == "POST" && path == "/items" {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let name = body["name"].as_str().unwrap_or_default().to_string();
            if name == "nocap" {
                return json(201, r#"{"other": 1}"#);
            }
            return json(
                201,
                &serde_json::json!({ "id": format!("{name}-id") }).to_string(),
            );
        }
        if let Some(id) = path.strip_prefix("/items/") {
            return json(200, &serde_json::json!({ "id": id }).to_string());
        }
        json(404, "{}")
    })
}

fn shop(base: &str) -> String {
    format!(
        r#"
[vars]
base = "{base}"
price = 1

[[requests]]
name = "create"
method = "POST"
url = "{{{{base}}}}/items"
json = {{ name = "{{{{name}}}}", price = "{{{{price}}}}" }}
[requests.expect]
status = 201
[requests.capture]
id = "json:$.id"

[[requests]]
name = "get"
url = "{{{{base}}}}/items/{{{{id}}}}"
[requests.expect]
status = 200
"#
    )
}

/// The summary table's rows, durations as `T`, columns folded to two spaces.
fn rows(stderr: &[u8], port: u16) -> Result<Vec<String>, Box<dyn Error>> {
    let text = normalise(stderr, &[port])?;
    let Some((_, table)) = text.split_once("REQUEST  STATUS  TIME  RESULT\n") else {
        return Err(format!("no summary table in:\n{text}").into());
    };
    Ok(table.lines().map(str::to_string).collect())
}

fn bodies(server: &support::TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path(),
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect()
}

#[test]
fn csv_rows_run_the_selection_once_each_and_captures_stay_in_their_row() -> TestResult {
    let server = items_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url("")))?;
    std::fs::write(
        sandbox.path().join("rows.csv"),
        "name,price\r\nsofa,\"1,5\"\r\nnocap,2\r\nlamp,3\r\n",
    )?;
    let out = sandbox
        .command()
        .args([
            "run",
            "shop",
            "--data",
            "rows.csv",
            "--report",
            "junit=out/junit.xml",
        ])
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        bodies(&server),
        [
            r#"POST /items {"name":"sofa","price":"1,5"}"#,
            "GET /items/sofa-id ",
            r#"POST /items {"name":"nocap","price":"2"}"#,
            r#"POST /items {"name":"lamp","price":"3"}"#,
            "GET /items/lamp-id ",
        ]
    );
    let port = server.addr.port();
    assert_eq!(
        rows(&out.stderr, port)?,
        [
            "shop / create [row 1]  201  T  PASS",
            "shop / get [row 1]  200  T  PASS",
            "shop / create [row 2]  201  T  FAIL capture `id`: expected a value, got `$.id` matches nothing …",
            "shop / get [row 2]  -  -  NOT RUN needs `id`, which `create` did not capture",
            "shop / create [row 3]  201  T  PASS",
            "shop / get [row 3]  200  T  PASS",
            "summary: 4 passed, 1 failed, 0 errored, 1 not run in T",
        ]
    );
    let junit = std::fs::read_to_string(sandbox.path().join("out/junit.xml"))?;
    for name in ["create [row 1]", "get [row 2]", "get [row 3]"] {
        assert!(
            junit.contains(&format!("name=\"{name}\"")),
            "{name} in {junit}"
        );
    }
    Ok(())
}

#[test]
fn json_rows_keep_their_types_and_win_over_vars() -> TestResult {
    let server = items_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url("")))?;
    std::fs::write(
        sandbox.path().join("rows.json"),
        r#"[{"name": "a", "price": 9.5}, {"name": "b", "price": {"eur": 3}}]"#,
    )?;
    sandbox
        .command()
        .args([
            "run",
            "shop/create",
            "--data",
            "rows.json",
            "--var",
            "price=7",
        ])
        .assert()
        .code(0);
    assert_eq!(
        bodies(&server),
        [
            r#"POST /items {"name":"a","price":9.5}"#,
            r#"POST /items {"name":"b","price":{"eur":3}}"#,
        ]
    );
    Ok(())
}

#[test]
fn iterations_jobs_and_repeat() -> TestResult {
    let server = items_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url("")))?;
    std::fs::write(
        sandbox.path().join("rows.csv"),
        "name\nr1\nr2\nr3\nr4\nr5\n",
    )?;
    // Rows in parallel: each row's `get` still uses its own row's capture.
    let out = sandbox
        .command()
        .args([
            "run", "shop", "--data", "rows.csv", "--jobs", "4", "--repeat", "2",
        ])
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut got = bodies(&server);
    got.sort();
    let mut want = Vec::new();
    for _ in 0..2 {
        for r in 1..=5 {
            want.push(format!("GET /items/r{r}-id "));
            want.push(format!(r#"POST /items {{"name":"r{r}","price":1}}"#));
        }
    }
    want.sort();
    assert_eq!(got, want);
    let table = rows(&out.stderr, server.addr.port())?;
    assert_eq!(table.len(), 21, "{table:?}");
    assert_eq!(table[0], "shop / create [row 1, repeat 1]  201  T  PASS");
    assert_eq!(table[19], "shop / get [row 5, repeat 2]  200  T  PASS");

    sandbox
        .command()
        .args(["run", "shop/create", "--iterations", "3", "--var", "name=x"])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("shop / create [iteration 3]"));
    assert_eq!(server.requests().len(), 23);
    Ok(())
}

#[test]
fn delay_waits_between_requests() -> TestResult {
    let server = items_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url("")))?;
    let started = Instant::now();
    sandbox
        .command()
        .args([
            "run",
            "shop",
            "--iterations",
            "2",
            "--var",
            "name=x",
            "--delay",
            "300ms",
        ])
        .assert()
        .code(0);
    // Four requests, three gaps.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 4);
    Ok(())
}

#[test]
fn bad_data_files_are_usage_errors_with_their_position() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop("http://127.0.0.1:9"))?;
    std::fs::write(sandbox.path().join("bad.csv"), "name,price\na,1\nb\n")?;
    std::fs::write(
        sandbox.path().join("bad.json"),
        "[{\"name\": \"a\"},\n \"b\"]",
    )?;
    std::fs::write(sandbox.path().join("rows.txt"), "x")?;
    let cases = [
        (
            "bad.csv",
            "postie: error: bad.csv:3:1: row 2 has 1 fields, but the header row has 2\n",
        ),
        (
            "bad.json",
            "postie: error: bad.json:2:4: invalid type: string \"b\", expected an object (one row)\n",
        ),
        (
            "rows.txt",
            "postie: error: the data file `rows.txt` is neither .csv nor .json\n  hint: name a `.csv` file (header row = variable names) or a `.json` array of objects\n",
        ),
        (
            "missing.csv",
            "postie: error: could not read the data file `missing.csv`: no such file\n",
        ),
    ];
    for (file, want) in cases {
        sandbox
            .command()
            .args(["run", "shop", "--data", file])
            .assert()
            .code(2)
            .stderr(want);
    }
    sandbox
        .command()
        .args(["run", "shop", "--data", "bad.csv", "--iterations", "2"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
    Ok(())
}
