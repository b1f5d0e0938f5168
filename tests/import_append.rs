//! `postie import postman|openapi|http|curl … --append FILE`: the imported requests, and the
//! `[vars]` and environments the file lacks, are added to a hand-written collection whose
//! comments, order and odd layout must survive byte for byte; `postie check` and `postie list`
//! pass on the result. Clashing names are refused (nothing written) unless `--force`, which
//! replaces them in place.

mod support;

use std::error::Error;
use std::path::Path;

use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

/// Comments everywhere, literal and basic strings, odd spacing, indented keys, a table after
/// the requests, no final newline.
const HAND_WRITTEN: &str = r#"# Shop API — written by hand, reviewed in PRs.
name   =   "shop"     # spaced out on purpose

[vars]
base_url = 'http://127.0.0.1:9'   # a literal string, kept as it is
workspace="sofa"

# the local environment
[env.local]
base_url = "http://localhost:9"

[defaults]
headers = {Accept="application/json"}

# ---- requests ----
[[requests]]
name = "health"
url = "{{base_url}}/health"
  [requests.expect]
  status = 200

[[requests]]   # a comment on the header
    name = "indented"
    method = "POST"
    url = "{{base_url}}/x"
    json = { a = 1, "quoted key" = [1,2 ,3] }

# a table after the requests
[env.prod]
base_url = "https://shop.invalid"   # never sent to: the test only loads the file
# the end, without a final newline"#;

fn data(kind: &str, name: &str) -> Result<String, Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(kind)
        .join(name);
    Ok(std::fs::read_to_string(path)?)
}

/// The lines of `original` all appear in `now`, unchanged and in order (what was added sits
/// between them); returns the added lines.
fn added_lines<'a>(original: &str, now: &'a str) -> Vec<&'a str> {
    let mut left = original.lines().peekable();
    let mut added = Vec::new();
    for line in now.lines() {
        if left.peek() == Some(&line) {
            left.next();
        } else {
            added.push(line);
        }
    }
    let missing: Vec<&str> = left.collect();
    assert!(
        missing.is_empty(),
        "lines of the file were changed or lost: {missing:?}\n--- now:\n{now}"
    );
    added
}

/// `postie check` and `postie list` pass; the names `list` shows.
fn check_and_list(sandbox: &Sandbox) -> Result<String, Box<dyn Error>> {
    sandbox.command().args(["check", "shop"]).assert().success();
    let list = sandbox.command().args(["list", "shop"]).output()?;
    assert_eq!(list.status.code(), Some(0));
    Ok(String::from_utf8_lossy(&list.stdout).into_owned())
}

fn import(sandbox: &Sandbox, args: &[&str]) -> Result<(i32, String), Box<dyn Error>> {
    let out = sandbox.command().arg("import").args(args).output()?;
    let code = out.status.code().unwrap_or(-1);
    Ok((code, String::from_utf8_lossy(&out.stderr).into_owned()))
}

#[test]
fn every_importer_appends_keeping_the_file_byte_for_byte() -> TestResult {
    let sandbox = Sandbox::new()?;
    let file = sandbox.path().join("collections/shop.toml");
    std::fs::write(&file, HAND_WRITTEN)?;
    let mode = |p: &Path| -> std::io::Result<u32> {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
    };
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o640))?;
    check_and_list(&sandbox)?;
    let root = sandbox.path();
    std::fs::write(
        root.join("dp.json"),
        data("postman", "mparticle-dataplanning.postman_collection.json")?,
    )?;
    std::fs::write(
        root.join("events.yml"),
        data("openapi", "mparticle-events-openapi-original.yml")?,
    )?;
    std::fs::write(
        root.join("api.http"),
        "@who = ada\n\n### ping\nGET {{base_url}}/ping?who={{who}}\n\n### hello\nPOST {{base_url}}/hello\nContent-Type: application/json\n\n{\"hi\": \"{{who}}\"}\n",
    )?;
    std::fs::write(
        root.join("http-client.env.json"),
        r#"{"local": {"base_url": "http://localhost:7", "extra": "1"}, "dev": {"base_url": "http://127.0.0.1:8"}}"#,
    )?;

    let mut before = HAND_WRITTEN.to_owned();
    let mut names = vec!["health".to_owned(), "indented".to_owned()];
    for (args, expect) in [
        (vec!["postman", "dp.json"], "generate-jwt-token POST"),
        (vec!["openapi", "events.yml"], "`base_url` of [vars]"),
        (vec!["http", "api.http"], "`base_url` of [env.local]"),
        (
            vec!["curl", "curl -H 'X-Api-Key: k-123456' http://127.0.0.1:9/z"],
            "postie secret set shop_x_api_key",
        ),
    ] {
        let mut all = args.clone();
        all.extend(["--append", "collections/shop.toml"]);
        let (code, report) = import(&sandbox, &all)?;
        assert!(matches!(code, 0 | 1), "{args:?}: {report}");
        assert!(report.contains(expect), "{args:?}: {report}");
        assert!(
            report.contains("request(s) to collections/shop.toml"),
            "{report}"
        );
        let now = std::fs::read_to_string(&file)?;
        let added = added_lines(&before, &now);
        // What was added: new requests, and only the vars and envs the file lacked.
        let new_names: Vec<String> = added
            .iter()
            .filter_map(|l| l.strip_prefix("name = \""))
            .map(|n| n.trim_end_matches('"').to_owned())
            .collect();
        assert!(!new_names.is_empty(), "{args:?}: {added:?}");
        names.extend(new_names);
        let listed = check_and_list(&sandbox)?;
        for name in &names {
            assert!(
                listed.contains(name.as_str()),
                "`{name}` not listed:\n{listed}"
            );
        }
        before = now;
    }
    let end = std::fs::read_to_string(&file)?;
    assert_eq!(mode(&file)?, 0o640, "the file keeps its mode");
    if std::env::var_os("SHOW_APPENDED").is_some() {
        eprintln!("{end}");
    }
    // The .http environments: `local` (the file has it) got only its missing key; `dev` is new.
    assert!(
        end.contains("[env.local]\nbase_url = \"http://localhost:9\"\nextra = \"1\"\n"),
        "{end}"
    );
    assert!(
        end.contains("[env.dev]\nbase_url = \"http://127.0.0.1:8\"\n"),
        "{end}"
    );
    // The openapi and http variables went into the existing [vars], after its own keys.
    assert!(
        end.contains("workspace=\"sofa\"\nbasic_username = \"\"\nwho = \"ada\"\n"),
        "{end}"
    );
    // The credential is a reference, never the value.
    assert!(!end.contains("k-123456"), "{end}");
    Ok(())
}

#[test]
fn a_clash_writes_nothing_and_force_replaces_in_place() -> TestResult {
    let sandbox = Sandbox::new()?;
    let file = sandbox.path().join("collections/shop.toml");
    std::fs::write(&file, HAND_WRITTEN)?;
    std::fs::write(
        sandbox.path().join("api.http"),
        "### health\nGET {{base_url}}/v2/health\n\n### indented\nDELETE {{base_url}}/x\n\n### fresh\nGET {{base_url}}/fresh\n",
    )?;
    let args = ["http", "api.http", "--append", "collections/shop.toml"];
    let (code, report) = import(&sandbox, &args)?;
    assert_eq!(code, 2, "{report}");
    assert!(
        report.contains("the collection already has requests `health`, `indented`"),
        "{report}"
    );
    assert!(report.contains("--force"), "{report}");
    assert_eq!(std::fs::read_to_string(&file)?, HAND_WRITTEN);

    let (code, report) = import(&sandbox, &[&args[..], &["--force"]].concat())?;
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("the request `health` replaced"), "{report}");
    let now = std::fs::read_to_string(&file)?;
    // Replaced where they stood: the comments above them and the table after them stay.
    assert!(
        now.contains("# ---- requests ----\n[[requests]]\nname = \"health\"\nmethod = \"GET\"\nurl = \"{{base_url}}/v2/health\"\n"),
        "{now}"
    );
    assert!(
        now.contains(
            "[[requests]]   # a comment on the header\nname = \"indented\"\nmethod = \"DELETE\""
        ),
        "{now}"
    );
    assert!(now.starts_with(&HAND_WRITTEN[..HAND_WRITTEN.find("[[requests]]").unwrap_or(0)]));
    assert!(
        now.contains("# a table after the requests\n[env.prod]\n"),
        "{now}"
    );
    assert_eq!(now.matches("name = \"health\"").count(), 1, "{now}");
    let listed = check_and_list(&sandbox)?;
    assert!(listed.contains("fresh"), "{listed}");
    Ok(())
}

#[test]
fn append_needs_an_existing_collection_and_refuses_a_broken_one() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "broken",
        "[[requests]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/\"\nbogus_key = 1\n",
    )?;
    std::fs::write(
        sandbox.path().join("api.http"),
        "GET http://127.0.0.1:9/b\n",
    )?;
    let (code, report) = import(
        &sandbox,
        &["http", "api.http", "--append", "collections/missing.toml"],
    )?;
    assert_eq!(code, 2, "{report}");
    assert!(report.contains("could not read `"), "{report}");
    assert!(!sandbox.path().join("collections/missing.toml").exists());
    let broken = sandbox.path().join("collections/broken.toml");
    let before = std::fs::read_to_string(&broken)?;
    let (code, report) = import(
        &sandbox,
        &["http", "api.http", "--append", "collections/broken.toml"],
    )?;
    assert_eq!(code, 2, "{report}");
    assert!(report.contains("bogus_key"), "{report}");
    assert!(report.contains("nothing was written"), "{report}");
    assert_eq!(std::fs::read_to_string(&broken)?, before);
    Ok(())
}
