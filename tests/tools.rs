//! The test tools that `scripts/test` sets up (`support/tools.rs`): they are there, and the
//! helpers around them tell right from wrong.

mod support;

use std::ffi::OsString;
use std::path::Path;

use support::tools;

/// A minimal but complete HAR 1.2 document: one GET with its response.
const VALID_HAR: &str = r#"{
  "log": {
    "version": "1.2",
    "creator": { "name": "postie", "version": "0.1.0" },
    "entries": [
      {
        "startedDateTime": "2026-11-27T01:27:29.871Z",
        "time": 12.5,
        "request": {
          "method": "GET",
          "url": "http://127.0.0.1:8080/plans?x=1",
          "httpVersion": "HTTP/1.1",
          "cookies": [],
          "headers": [{ "name": "accept", "value": "application/json" }],
          "queryString": [{ "name": "x", "value": "1" }],
          "headersSize": -1,
          "bodySize": 0
        },
        "response": {
          "status": 200,
          "statusText": "OK",
          "httpVersion": "HTTP/1.1",
          "cookies": [],
          "headers": [{ "name": "content-type", "value": "application/json" }],
          "content": { "size": 9, "mimeType": "application/json", "text": "{\"id\":1}" },
          "redirectURL": "",
          "headersSize": -1,
          "bodySize": 9
        },
        "cache": {},
        "timings": { "send": 0.1, "wait": 11.9, "receive": 0.5 }
      }
    ]
  }
}"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn har_validator_accepts_a_valid_har_1_2_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ok.har", VALID_HAR);
    assert_eq!(tools::har_validate(&path), Ok(()));
}

#[test]
fn har_validator_rejects_a_broken_one_and_says_why() {
    let mut har: serde_json::Value = serde_json::from_str(VALID_HAR).unwrap();
    har["log"]["creator"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    har["log"]["entries"][0]["response"]["status"] = "200".into();
    har["log"]["entries"][0]
        .as_object_mut()
        .unwrap()
        .remove("timings");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "broken.har", &har.to_string());
    assert_eq!(
        tools::har_validate(&path),
        Err(vec![
            ".log.creator: should have required property 'name'".to_owned(),
            ".log.entries[0].response.status: should be integer".to_owned(),
            ".log.entries[0]: should have required property 'timings'".to_owned(),
        ])
    );
}

#[test]
fn har_validator_rejects_what_is_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cut.har", &VALID_HAR[..100]);
    let errors = tools::har_validate(&path).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("not JSON: "), "{errors:?}");
}

#[test]
fn the_venv_python_has_the_pinned_libraries() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "junit.xml",
        r#"<testsuites><testsuite name="shop" tests="2" failures="1">
<testcase classname="shop" name="ok"/>
<testcase classname="shop" name="broken"><failure message="expected 200"/></testcase>
</testsuite></testsuites>"#,
    );
    let output = std::process::Command::new(tools::python())
        .arg("-c")
        .arg(
            r#"
import sys
from junitparser import JUnitXml
assert sys.prefix != sys.base_prefix, "not a venv: " + sys.prefix
print(sys.prefix)
for suite in JUnitXml.fromfile(sys.argv[1]):
    print(suite.name, suite.tests, suite.failures, [c.name for c in suite])
"#,
        )
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (prefix, rest) = stdout.split_once('\n').unwrap();
    assert_eq!(Path::new(prefix), tools::tools_dir().join("venv"));
    assert_eq!(rest, "shop 2 1 ['ok', 'broken']\n");
}

#[test]
fn a_missing_tool_fails_with_the_command_that_fixes_it() {
    let unset = tools::path_from("POSTIE_TEST_PYTHON", None, "python3 -m venv …").unwrap_err();
    assert!(
        unset.starts_with("POSTIE_TEST_PYTHON is not set: run the tests with `scripts/test`"),
        "{unset}"
    );
    assert!(unset.ends_with("or by hand: python3 -m venv …"), "{unset}");
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone");
    let stale = tools::path_from(
        "POSTIE_TEST_NODE_MODULES",
        Some(OsString::from(&gone)),
        "npm ci",
    )
    .unwrap_err();
    assert!(
        stale.starts_with(&format!(
            "POSTIE_TEST_NODE_MODULES={} does not exist: run the tests with `scripts/test`",
            gone.display()
        )),
        "{stale}"
    );
    assert_eq!(
        tools::path_from("X", Some(dir.path().into()), "").unwrap(),
        dir.path()
    );
}
