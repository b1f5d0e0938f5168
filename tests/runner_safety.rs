//! A CI runner that cannot go green by accident (issue 13, points 1–3 and 5): selection pulls
//! in what it needs and runs it as setup; selectors that match nothing, empty shards and
//! environments a collection lacks are errors before anything is sent; NOT RUN fails the run;
//! reports and the summary are written whatever else fails; `json` strings, typed `--var`s,
//! capture placeholders; `send` with variables, secrets, `--check-status` and `--curl`. The
//! real binary against servers on 127.0.0.1 started by each test; exact messages and exit
//! codes. (`postie check` has its own corpus: `tests/check_corpus.rs`.)

mod support;

use std::error::Error;

use support::sandbox::{Sandbox, normalise};
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

fn json(status: u16, body: &str) -> Reply {
    (
        status,
        vec![("content-type".to_owned(), "application/json".to_owned())],
        body.as_bytes().to_vec(),
    )
}

/// `/login` and `/cart` answer with ids, `/checkout/…` with a receipt; `/fail` is a 500.
fn shop_server() -> support::TestServer {
    support::http_server(|r: &Recorded| match r.path().as_str() {
        "/login" => json(200, r#"{"session": "s-1"}"#),
        "/cart" => json(201, r#"{"cart": 42}"#),
        "/fail" => json(500, r#"{"error": "down"}"#),
        p if p.starts_with("/checkout/") => json(200, r#"{"receipt": "r-9"}"#),
        _ => json(404, "{}"),
    })
}

/// `checkout` (tagged smoke) depends on `login` and reads `{{cart}}`, captured by `cart`;
/// `browse` is unrelated and untagged.
fn shop(base: &str, login_path: &str) -> String {
    format!(
        r#"
[vars]
base = "{base}"
checkout_path = "/checkout/{{{{cart}}}}"

[[requests]]
name = "login"
url = "{{{{base}}}}{login_path}"
[requests.expect]
status = 200

[[requests]]
name = "cart"
method = "POST"
url = "{{{{base}}}}/cart"
[requests.capture]
cart = "json:$.cart"

[[requests]]
name = "browse"
url = "{{{{base}}}}/browse"

[[requests]]
name = "checkout"
method = "POST"
url = "{{{{base}}}}{{{{checkout_path}}}}"
depends_on = ["login"]
tags = ["smoke"]
[requests.expect]
status = 200
"#
    )
}

fn paths(server: &support::TestServer) -> Vec<String> {
    server.requests().iter().map(Recorded::path).collect()
}

/// The summary table's rows with timings made stable.
fn table(stderr: &[u8]) -> Result<Vec<String>, Box<dyn Error>> {
    let text = normalise(stderr, &[])?;
    let Some((_, rows)) = text.split_once("REQUEST  STATUS  TIME  RESULT\n") else {
        return Err(format!("no summary table in:\n{text}").into());
    };
    Ok(rows.lines().map(str::to_string).collect())
}

// ---------------------------------------------------------------------------------------------
// 1. Selection pulls in what it needs
// ---------------------------------------------------------------------------------------------

#[test]
fn a_tag_brings_the_requests_its_requests_need_as_setup() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--tag", "smoke"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(paths(&server), ["/login", "/cart", "/checkout/42"]);
    // Only the tagged request's body is the output.
    assert_eq!(
        String::from_utf8(out.stdout.clone())?,
        r#"{"receipt": "r-9"}"#
    );
    assert_eq!(
        table(&out.stderr)?,
        [
            "shop / login  200  T  PASS (setup)",
            "shop / cart  201  T  PASS (setup)",
            "shop / browse  -  -  SKIP not tagged `smoke`",
            "shop / checkout  200  T  PASS",
            "summary: 3 passed, 0 failed, 0 errored, 1 skipped in T",
        ]
    );
    Ok(())
}

#[test]
fn a_glob_brings_what_its_requests_need_and_o_takes_the_target() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop/check*", "-o", "receipt.json"])
        .assert()
        .code(0);
    let out = assert.get_output();
    assert_eq!(paths(&server), ["/login", "/cart", "/checkout/42"]);
    assert_eq!(out.stdout, b"");
    assert_eq!(
        std::fs::read_to_string(sandbox.path().join("receipt.json"))?,
        r#"{"receipt": "r-9"}"#
    );
    assert_eq!(
        table(&out.stderr)?,
        [
            "shop / login  200  T  PASS (setup)",
            "shop / cart  201  T  PASS (setup)",
            "shop / checkout  200  T  PASS",
            "summary: 3 passed, 0 failed, 0 errored in T",
        ]
    );
    // The JSON report marks the setup requests.
    sandbox
        .postie()?
        .args(["run", "shop/checkout", "-q", "--report", "json=run.json"])
        .assert()
        .code(0);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("run.json"))?)?;
    let setup: Vec<(String, bool)> = report["collections"][0]["requests"]
        .as_array()
        .ok_or("no requests")?
        .iter()
        .map(|r| {
            let name = r["name"].as_str().unwrap_or_default().to_string();
            (name, r["setup"] == true)
        })
        .collect();
    assert_eq!(
        setup,
        [
            ("login".to_string(), true),
            ("cart".to_string(), true),
            ("checkout".to_string(), false)
        ]
    );
    // NDJSON too.
    let assert = sandbox
        .postie()?
        .args(["run", "shop/checkout", "--json"])
        .assert()
        .code(0);
    let lines: Vec<(String, serde_json::Value)> =
        String::from_utf8(assert.get_output().stdout.clone())?
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l)
                    .map(|v| (v["request"].to_string(), v["setup"].clone()))
            })
            .collect::<Result<_, _>>()?;
    assert_eq!(
        lines,
        [
            ("\"login\"".to_string(), serde_json::json!(true)),
            ("\"cart\"".to_string(), serde_json::json!(true)),
            ("\"checkout\"".to_string(), serde_json::Value::Null)
        ]
    );
    Ok(())
}

#[test]
fn a_shard_keeps_a_chain_whole_and_an_empty_shard_is_an_error() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--tag", "smoke", "--shard", "1/2"])
        .assert()
        .code(0);
    assert_eq!(paths(&server), ["/login", "/cart", "/checkout/42"]);
    assert_eq!(
        table(&assert.get_output().stderr)?
            .last()
            .map(String::as_str),
        Some("summary: 3 passed, 0 failed, 0 errored, 1 skipped in T")
    );
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--shard", "2/2"])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8(assert.get_output().stderr.clone())?,
        "postie: error: shard 2/2 has no requests: the selection splits into 1 unit (a collection whose requests capture or depend on each other is one)\n  hint: with this selection, use at most 1 shard (`--shard K/1`)\n"
    );
    assert_eq!(server.hits(), 3, "nothing more was sent");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. No accidental green
// ---------------------------------------------------------------------------------------------

#[test]
fn a_selector_that_matches_nothing_is_an_error_with_close_matches() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    let cases: [(&[&str], &str); 3] = [
        (
            &["shop", "--tag", "smok"],
            "postie: error: `--tag smok` matches no selected request of `shop`\n  tags there: `smoke`\n  hint: did you mean `smoke`?\n",
        ),
        (
            &["shop/chekout*"],
            "postie: error: no request of `shop` matches `chekout*`\n  hint: did you mean `checkout`?\n",
        ),
        (
            &["shop/browse", "--tag", "smoke"],
            "postie: error: `--tag smoke` matches no selected request of `shop`\n  tags there: `smoke`\n  hint: the requests tagged `smoke` are not among the targets; name the collection to run them\n",
        ),
    ];
    for (args, expected) in cases {
        let assert = sandbox.postie()?.arg("run").args(args).assert().code(2);
        assert_eq!(
            String::from_utf8(assert.get_output().stderr.clone())?,
            expected,
            "{args:?}"
        );
    }
    assert_eq!(server.hits(), 0);
    Ok(())
}

#[test]
fn not_run_because_a_prerequisite_failed_fails_the_run() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/fail"))?;
    let assert = sandbox
        .postie()?
        .args([
            "run",
            "shop",
            "--tag",
            "smoke",
            "--report",
            "junit=junit.xml",
        ])
        .assert()
        .code(1);
    assert_eq!(paths(&server), ["/fail", "/cart"]);
    assert_eq!(
        table(&assert.get_output().stderr)?,
        [
            "shop / login  500  T  FAIL status: expected 200, got 500 (setup)",
            "shop / cart  201  T  PASS (setup)",
            "shop / browse  -  -  SKIP not tagged `smoke`",
            "shop / checkout  -  -  NOT RUN depends on `login`, which did not pass",
            "summary: 1 passed, 1 failed, 0 errored, 1 skipped, 1 not run in T",
        ]
    );
    // JUnit says so too: a failure, not a skip.
    let junit = std::fs::read_to_string(sandbox.path().join("junit.xml"))?;
    assert!(
        junit.contains(
            r#"<failure message="not run: depends on `login`, which did not pass" type="not_run"/>"#
        ),
        "{junit}"
    );
    Ok(())
}

#[test]
fn an_empty_collection_is_an_error() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection("empty", "name = \"empty\"\n")?;
    let assert = sandbox.postie()?.args(["run", "empty"]).assert().code(2);
    assert_eq!(
        String::from_utf8(assert.get_output().stderr.clone())?,
        "postie: error: collection `collections/empty.toml` has no requests\n  hint: add one: `[[requests]]` with a `name` and a `url`\n"
    );
    Ok(())
}

#[test]
fn an_environment_is_checked_in_every_collection_before_anything_is_sent() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    let with_env = |env: &str| {
        format!(
            "[env.{env}]\nbase = \"{}\"\n[[requests]]\nname = \"login\"\nurl = \"{{{{base}}}}/login\"\n",
            server.url("")
        )
    };
    sandbox.collection("first", &with_env("prod"))?;
    sandbox.collection("second", &with_env("staging"))?;
    let assert = sandbox
        .postie()?
        .args([
            "run",
            "first",
            "second",
            "-e",
            "prod",
            "--report",
            "json=run.json",
        ])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8(assert.get_output().stderr.clone())?,
        "postie: error: unknown environment `prod` in collection `second` (environments: `staging`)\n"
    );
    assert_eq!(server.hits(), 0, "nothing was sent");
    assert!(!sandbox.path().join("run.json").exists());
    Ok(())
}

#[test]
fn every_report_and_the_summary_are_written_when_one_report_cannot_be() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    std::fs::create_dir(sandbox.path().join("taken"))?;
    let assert = sandbox
        .postie()?
        .args([
            "run",
            "shop",
            "--report",
            "junit=taken",
            "--report",
            "json=run.json",
        ])
        .assert()
        .code(2);
    let stderr = normalise(&assert.get_output().stderr, &[])?;
    assert!(
        stderr.contains("summary: 4 passed, 0 failed, 0 errored in T\npostie: error: could not write the report: "),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sandbox.path().join("run.json"))?)?;
    assert_eq!(report["counts"]["passed"], 4);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. No silent wrong requests
// ---------------------------------------------------------------------------------------------

#[test]
fn a_json_body_written_as_a_string_of_json_is_an_error_with_the_fix() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "plans",
        &format!(
            "[[requests]]\nname = \"create\"\nmethod = \"POST\"\nurl = \"{}\"\njson = '{{\"a\": 1, \"tags\": [\"x\"]}}'\n",
            server.url("/cart")
        ),
    )?;
    for command in [
        &["run", "plans"][..],
        &["show", "plans/create"],
        &["check", "plans"],
    ] {
        let assert = sandbox.postie()?.args(command).assert().code(2);
        assert_eq!(
            String::from_utf8(assert.get_output().stderr.clone())?,
            r#"postie: error: `json` is a string holding JSON in request `create`: it would be sent as one JSON string, double-encoded
 --> collections/plans.toml:5:8
  |
5 | json = '{"a": 1, "tags": ["x"]}'
  |        ^^^^^^^^^^^^^^^^^^^^^^^^^
  = hint: write the value in TOML: `json = { a = 1, tags = ["x"] }`; or send the text as it is: `text = '…'` with `content_type = "application/json"`
"#,
            "{command:?}"
        );
    }
    assert_eq!(server.hits(), 0);
    Ok(())
}

fn typed_collection(base: &str) -> String {
    format!(
        r#"
[vars]
base = "{base}"
max_price = 500
gift = false
label = "sofa"

[[requests]]
name = "search"
method = "POST"
url = "{{{{base}}}}/cart"
json = {{ max_price = "{{{{max_price}}}}", gift = "{{{{gift}}}}", label = "{{{{label}}}}", extra = "{{{{extra}}}}" }}
"#
    )
}

#[test]
fn var_keeps_the_type_it_overrides_and_a_typed_form_sets_new_ones() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("typed", &typed_collection(&server.url("")))?;
    std::fs::write(sandbox.path().join("vars.env"), "gift=true\n")?;
    sandbox
        .postie()?
        .args([
            "run",
            "typed",
            "-q",
            "--var",
            "max_price=600",
            "--var-file",
            "vars.env",
        ])
        .args(["--var", "label=700", "--var", "extra:=[1, \"a\"]"])
        .assert()
        .code(0);
    let bodies: Vec<serde_json::Value> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        bodies,
        [serde_json::json!({"max_price": 600, "gift": true, "label": "700", "extra": [1, "a"]})]
    );
    let assert = sandbox
        .postie()?
        .args([
            "run",
            "typed",
            "--var",
            "max_price=cheap",
            "--var",
            "extra=1",
        ])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8(assert.get_output().stderr.clone())?,
        "postie: error: `--var max_price=cheap`: `max_price` is a number in collection `typed`, and `cheap` is not a number\n  hint: give a JSON value to change its type: `--var max_price:='\"cheap\"'`\n"
    );
    let assert = sandbox
        .postie()?
        .args(["run", "typed", "--var", "extra:=nope"])
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8(assert.get_output().stderr.clone())?,
        "error: invalid value 'extra:=nope' for '--var <NAME=VALUE>': `extra:=` takes a JSON value (600, true, '\"text\"', '[1]'): expected ident at line 1 column 2\n\nFor more information, try '--help'.\n"
    );
    assert_eq!(server.hits(), 1);
    Ok(())
}

#[test]
fn show_and_dry_run_name_where_captured_values_come_from() -> TestResult {
    let server = shop_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection("shop", &shop(&server.url(""), "/login"))?;
    let assert = sandbox
        .postie()?
        .args(["show", "shop/checkout"])
        .assert()
        .code(0);
    assert_eq!(
        normalise(&assert.get_output().stdout, &[server.addr.port()])?,
        "shop / checkout\n→ POST http://127.0.0.1:PORT/checkout/<from cart json:$.cart>\n"
    );
    let assert = sandbox
        .postie()?
        .args(["show", "shop/checkout", "--curl"])
        .assert()
        .code(0);
    let curl = normalise(&assert.get_output().stdout, &[server.addr.port()])?;
    assert!(
        curl.starts_with(
            "curl -X POST 'http://127.0.0.1:PORT/checkout/%3Cfrom%20cart%20json:$.cart%3E'"
        ),
        "{curl}"
    );
    let assert = sandbox
        .postie()?
        .args(["run", "shop", "--dry-run"])
        .assert()
        .code(0);
    let shown: Vec<String> = normalise(&assert.get_output().stderr, &[server.addr.port()])?
        .lines()
        .filter(|l| l.starts_with('→') || l.starts_with("summary"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "→ GET http://127.0.0.1:PORT/login",
            "→ POST http://127.0.0.1:PORT/cart",
            "→ GET http://127.0.0.1:PORT/browse",
            "→ POST http://127.0.0.1:PORT/checkout/<from cart json:$.cart>",
            "summary: 4 requests resolved, nothing sent (dry run)",
        ]
    );
    assert_eq!(server.hits(), 0);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. `send` is a first-class citizen
// ---------------------------------------------------------------------------------------------

const TOKEN: &str = "tok-s3cr3t-9f2e";

/// `collections/api.toml`: `[vars]` and an `[env.local]` with the server's URL.
fn api_collection(sandbox: &Sandbox, base: &str) -> TestResult {
    sandbox.collection(
        "api",
        &format!(
            "[vars]\nbase = \"http://127.0.0.1:9\"\nworkspace = \"default\"\nlimit = 10\n\n[env.local]\nbase = \"{base}\"\n\n[[requests]]\nname = \"x\"\nurl = \"{{{{base}}}}\"\n"
        ),
    )?;
    Ok(())
}

#[test]
fn send_takes_env_vars_var_files_and_masked_secrets() -> TestResult {
    let server = support::wire_server(200, b"{}");
    let sandbox = Sandbox::new()?;
    api_collection(&sandbox, &server.url(""))?;
    std::fs::write(
        sandbox.path().join("vars.env"),
        "workspace=from-file\nplan=p-1\n",
    )?;
    let assert = sandbox
        .postie()?
        .env("POSTIE_SECRET_API_TOKEN", TOKEN)
        .args([
            "send",
            "-v",
            "POST",
            "{{base}}/w/{{workspace}}/plans",
            "-c",
            "api",
            "-e",
            "local",
        ])
        .args([
            "--var-file",
            "vars.env",
            "--var",
            "workspace=cli",
            "--var",
            "n:=3",
        ])
        .args([
            "Authorization:Bearer {{secret:api_token}}",
            "limit=={{limit}}",
        ])
        .args(["plan={{plan}}", "count:={{n}}", "note=literal \\{{ kept"])
        .assert()
        .code(0);
    let got = server.wire_requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].request_line(), "POST /w/cli/plans?limit=10 HTTP/1.1");
    assert!(
        got[0]
            .header_lines()
            .contains(&format!("authorization: Bearer {TOKEN}").as_str()),
        "{:?}",
        got[0].header_lines()
    );
    let body: serde_json::Value = serde_json::from_slice(&got[0].body)?;
    assert_eq!(
        body,
        serde_json::json!({"plan": "p-1", "count": 3, "note": "literal {{ kept"})
    );
    // The secret is masked on every output.
    let out = assert.get_output();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("authorization: Bearer ••••••"), "{shown}");
    Ok(())
}

#[test]
fn send_errors_name_the_argument() -> TestResult {
    let server = support::wire_server(200, b"{}");
    let sandbox = Sandbox::new()?;
    api_collection(&sandbox, &server.url(""))?;
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &["send", "GET", "{{bse}}/x", "-c", "api"],
            2,
            "postie: error: unknown variable `bse` in `{{bse}}/x`\n  hint: did you mean `base`?\n",
        ),
        (
            &["send", "GET", "http://127.0.0.1:9/x", "-e", "local"],
            2,
            "postie: error: `-e local` needs a collection to take `[env.local]` from\n  hint: add `-c COLLECTION`, e.g. `postie send -c shop -e local …`\n",
        ),
        (
            &["send", "GET", "{{base}}/x", "-c", "api", "-e", "prod"],
            2,
            "postie: error: unknown environment `prod` in collection `api` (environments: `local`)\n",
        ),
        (
            &[
                "send",
                "GET",
                "http://127.0.0.1:9/x",
                "X-Key:{{secret:nowhere}}",
            ],
            4,
            "postie: error: secret `nowhere` is not set in `{{secret:nowhere}}`\n",
        ),
    ];
    for (args, code, expected) in cases {
        let assert = sandbox.postie()?.args(args).assert().code(code);
        let stderr = String::from_utf8(assert.get_output().stderr.clone())?;
        assert!(stderr.starts_with(expected), "{args:?}:\n{stderr}");
    }
    assert_eq!(server.hits(), 0);
    Ok(())
}

#[test]
fn check_status_fails_on_4xx_and_5xx_only_when_asked() -> TestResult {
    let sandbox = Sandbox::new()?;
    for (status, plain, checked) in [(200, 0, 0), (302, 0, 0), (404, 0, 1), (503, 0, 1)] {
        let server = support::wire_server(status, b"body");
        let url = server.url("/x");
        sandbox
            .postie()?
            .args(["send", "GET", &url, "--no-follow"])
            .assert()
            .code(plain);
        let assert = sandbox
            .postie()?
            .args(["send", "GET", &url, "--no-follow", "--check-status"])
            .assert()
            .code(checked);
        let stderr = String::from_utf8(assert.get_output().stderr.clone())?;
        let failed = format!("✗ status: expected 1xx or 2xx or 3xx, got {status}");
        assert_eq!(
            stderr.contains(&failed),
            checked == 1,
            "{status}:\n{stderr}"
        );
        assert_eq!(server.hits(), 2);
    }
    Ok(())
}

/// What a request looked like on the wire, for comparing two clients: the request line, the
/// header lines in order (names lower-cased) but `host` (curl sends it first, reqwest last;
/// the port differs per server), the body.
fn wire_view(request: &support::WireRequest) -> (String, Vec<String>, Vec<u8>) {
    let headers = request
        .header_lines()
        .iter()
        .filter(|l| !l.to_ascii_lowercase().starts_with("host:"))
        .map(|l| match l.split_once(':') {
            // Names are case-insensitive: curl writes its own `Content-Length`.
            Some((name, value)) => format!("{}:{value}", name.to_ascii_lowercase()),
            None => l.to_string(),
        })
        .collect();
    (
        request.request_line().to_string(),
        headers,
        request.body.clone(),
    )
}

#[test]
fn send_curl_prints_a_command_that_curl_sends_as_send_does() -> TestResult {
    let by_send = support::wire_server(200, b"ok");
    let by_curl = support::wire_server(200, b"ok");
    let sandbox = Sandbox::new()?;
    let items: [&[&str]; 4] = [
        &["GET", "/plans", "q==sofa bed", "X-Trace:abc"],
        &[
            "POST",
            "/plans",
            "name=Spring sale",
            "tags:=[\"a\",\"b\"]",
            "user[name]=Ada",
        ],
        &[
            "PUT",
            "/plans/7",
            "Authorization:Bearer {{secret:api_token}}",
            "n:={{n}}",
        ],
        &["DELETE", "/plans/7", "User-Agent:", "Accept:text/plain"],
    ];
    for args in items {
        let (method, path, rest) = (args[0], args[1], &args[2..]);
        let run = |base: &str, curl: bool| -> Result<Vec<u8>, Box<dyn Error>> {
            let mut cmd = sandbox.postie()?;
            cmd.env("POSTIE_SECRET_API_TOKEN", TOKEN)
                .args(["send", method, &format!("{base}{path}"), "--var", "n:=5"])
                .args(rest);
            if curl {
                cmd.arg("--curl");
            }
            Ok(cmd.assert().code(0).get_output().stdout.clone())
        };
        run(&by_send.url(""), false)?;
        let command = String::from_utf8(run(&by_curl.url(""), true)?)?;
        assert!(!command.contains(TOKEN), "{command}");
        let home = tempfile::tempdir()?;
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{} -sS -o /dev/null", command.trim_end()))
            .env("HOME", home.path())
            .env("CURL_HOME", home.path())
            .env("POSTIE_SECRET_API_TOKEN", TOKEN)
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("all_proxy")
            .env_remove("ALL_PROXY")
            .status()?;
        assert!(status.success(), "curl failed: {command}");
        let (sent, curled) = (by_send.wire_requests(), by_curl.wire_requests());
        assert_eq!(sent.len(), curled.len());
        let (sent, curled) = (&sent[sent.len() - 1], &curled[curled.len() - 1]);
        assert_eq!(wire_view(curled), wire_view(sent), "{command}");
    }
    Ok(())
}

/// Ctrl-C during a run: the requested reports and the summary still say what had finished,
/// the interruption is recorded, and the exit code is 130.
#[test]
fn an_interrupted_run_still_writes_its_reports() -> TestResult {
    let fast = shop_server();
    let stall = support::stalling_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "slow",
        &format!(
            "[[requests]]\nname = \"first\"\nurl = \"{}\"\n\n[[requests]]\nname = \"stalls\"\nurl = \"{}\"\n",
            fast.url("/login"),
            stall.url("/slow")
        ),
    )?;
    let report = sandbox.path().join("report.json");
    let junit = sandbox.path().join("junit.xml");
    let child = sandbox
        .std_command()
        .args(["run", "slow", "--report"])
        .arg(format!("json={}", report.display()))
        .arg("--report")
        .arg(format!("junit={}", junit.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while stall.hits() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(stall.hits(), 1, "the second request never arrived");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    assert!(killed.success());
    let out = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report)?)?;
    let names: Vec<&str> = json["collections"][0]["requests"]
        .as_array()
        .ok_or("no requests in the report")?
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["first"], "{json}");
    assert_eq!(
        json["collections"][0]["requests"][0]["verdict"], "passed",
        "{json}"
    );
    let error = json["error"].as_str().ok_or("no error in the report")?;
    assert!(error.contains("interrupted (Ctrl-C)"), "{error}");
    let xml = std::fs::read_to_string(&junit)?;
    assert!(xml.contains("name=\"first\""), "{xml}");
    assert!(!xml.contains("stalls"), "{xml}");
    Ok(())
}
