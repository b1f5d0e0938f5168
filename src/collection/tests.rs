use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::request::StatusMatcher;

const PATH: &str = "collections/shop.toml";

fn ok(source: &str) -> Collection {
    let collection = match parse(Path::new(PATH), source) {
        Ok(c) => c,
        Err(e) => panic!("unexpected error:\n{e}"),
    };
    // Both ways of loading agree: the whole file at once, and cut before every request.
    let whole = super::parse::parse_whole(Path::new(PATH), source).ok();
    assert_eq!(whole.as_ref(), Some(&collection), "whole-file load differs");
    if let Some(chunked) = super::parse::parse_in_chunks(Path::new(PATH), source, 1) {
        assert_eq!(chunked, collection, "chunked load differs");
    }
    collection
}

fn err(source: &str) -> String {
    // A chunked load never succeeds where the whole file fails.
    assert!(
        super::parse::parse_in_chunks(Path::new(PATH), source, 1).is_none(),
        "chunked load accepted:\n{source}"
    );
    match parse(Path::new(PATH), source) {
        Ok(_) => panic!("expected an error for:\n{source}"),
        Err(e) => e.to_string(),
    }
}

/// A collection of `n` requests of varied shapes (over 64 KiB from about 400 requests).
fn big_collection(n: usize) -> String {
    let mut out = String::from(
        "name = \"big\"\n[vars]\nbase = \"http://127.0.0.1:1\"\nuser = \"ada\"\n\n\
         [env.ci]\nbase = \"http://127.0.0.1:2\"\n\n[defaults]\nheaders = { Accept = \"*/*\" }\n",
    );
    for i in 1..=n {
        out.push_str(&match i % 5 {
            0 => format!(
                "\n[[requests]]\nname = \"r{i}\"\nmethod = \"POST\"\nurl = \"{{{{base}}}}/p/{i}\"\n\
                 json = {{ id = {i}, tags = [\"a\", \"{{{{user}}}}\"], o = {{ x = 1.5 }} }}\n\
                 depends_on = [\"r{}\"]\n\n[requests.expect]\nstatus = 201\n\
                 json = {{ \"$.id\" = {{ gte = 1 }} }}\n\n[requests.capture]\nid_{i} = \"json:$.id\"\n",
                i - 1
            ),
            1 => format!(
                "\n  [[requests]]   # indented, with a comment\nname = \"r{i}\"\nurl = \"{{{{base}}}}/g\"\n\
                 query = {{ q = \"é {i}\", page = [1, 2] }}\ntags = [\"smoke\"]\n\
                 [requests.expect]\nstatus = \"2xx\"\n"
            ),
            2 => format!(
                "\r\n[[requests]]\r\nname = \"r{i}\"\r\nmethod = \"PUT\"\r\nurl = '{{{{base}}}}/t'\r\n\
                 text = \"\"\"\nline one\nsee [[requests]]\nstill text {i}\"\"\"\r\n\
                 [requests.expect]\r\nstatus = [200, 204]\r\n"
            ),
            3 => format!(
                "\n[[requests]]\nname = \"r{i}\"\nurl = \"{{{{base}}}}/a\"\nauth = {{ bearer = \"{{{{user}}}}\" }}\n\
                 headers = {{ \"X-N\" = {i}, \"X-Esc\" = \"a\\tb\" }}\n[requests.expect]\nstatus = 200\n\
                 headers = {{ \"X-N\" = {{ matches = \"^[0-9]+$\" }} }}\n"
            ),
            _ => format!(
                "\n[[requests]]\nname = \"r{i}\"\nurl = \"{{{{base}}}}/f\"\nform = {{ a = \"{i}\" }}\n\
                 [requests.expect]\nstatus = 200\nbody = {{ contains = \"ok\" }}\n"
            ),
        });
    }
    out
}

#[test]
fn big_collections_load_in_chunks_to_the_same_collection() {
    let source = big_collection(2_000);
    assert!(source.len() > 4 * 64 * 1024);
    let path = Path::new(PATH);
    let whole = super::parse::parse_whole(path, &source).expect("loads");
    for chunk in [1, 1_000, 64 * 1024] {
        let chunked = super::parse::parse_in_chunks(path, &source, chunk)
            .unwrap_or_else(|| panic!("chunks of {chunk} fell back to the whole file"));
        assert_eq!(chunked, whole, "chunks of {chunk}");
    }
    let collection = ok(&source);
    assert_eq!(collection.requests.len(), 2_000);
    let last = collection.request("r2000").unwrap();
    assert_eq!(collection.position("r2000"), Some(1_999));
    assert_eq!(
        &source[last.name_span.clone()],
        "\"r2000\"",
        "spans point into the whole file"
    );
    assert_eq!(
        source[..last.span.start].matches('\n').count() + 1,
        last.line
    );
}

#[test]
fn checks_across_the_threads_of_a_big_load_are_the_whole_files() {
    // The chunks are parsed on several threads (when the machine has more than one core); the
    // checks that need earlier requests run afterwards, in order, over all of them.
    let path = Path::new(PATH);
    let base = big_collection(2_000);
    let whole_error = |source: &str| match super::parse::parse_whole(path, source) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    };
    // The second `r5` is far past the first: in another thread's part of the file.
    let duplicate = format!("{base}\n[[requests]]\nname = \"r5\"\nurl = \"u\"\n");
    let message = err(&duplicate);
    assert!(
        message.starts_with("duplicate request name `r5`"),
        "{message}"
    );
    assert_eq!(message, whole_error(&duplicate));
    // `depends_on` a request further down, in another thread's part.
    let forward = base.replacen(
        "name = \"r1\"\n",
        "name = \"r1\"\ndepends_on = [\"r1999\"]\n",
        1,
    );
    assert_ne!(forward, base);
    let message = err(&forward);
    assert!(
        message.contains("depends on `r1999`, which is not a request above it"),
        "{message}"
    );
    assert_eq!(message, whole_error(&forward));
    for chunk in [1, 1_000, 64 * 1024] {
        assert!(super::parse::parse_in_chunks(path, &duplicate, chunk).is_none());
        assert!(super::parse::parse_in_chunks(path, &forward, chunk).is_none());
    }
}

#[test]
fn chunks_that_are_not_only_requests_leave_it_to_the_whole_file() {
    let path = Path::new(PATH);
    let request = |name: &str| format!("\n[[requests]]\nname = \"{name}\"\nurl = \"http://x\"\n");
    // A top-level table after the requests.
    let late_vars = format!("{}{}\n[vars]\nx = \"1\"\n", request("a"), request("b"));
    assert!(super::parse::parse_in_chunks(path, &late_vars, 1).is_none());
    assert_eq!(ok(&late_vars).vars.len(), 1);
    // A cut inside a multi-line string: the text is one request's body.
    let in_string = format!(
        "{}text = \"\"\"\n[[requests]]\nname = \"b\"\n\"\"\"\n{}",
        request("a"),
        request("c")
    );
    assert!(super::parse::parse_in_chunks(path, &in_string, 1).is_none());
    let c = ok(&in_string);
    assert_eq!(c.requests.len(), 2);
    // A multi-line array holding such a line.
    let in_array = format!(
        "{}tags = [\n\"x\",\n[[requests]]\n]\n{}",
        request("a"),
        request("c")
    );
    assert!(super::parse::parse_in_chunks(path, &in_array, 1).is_none());
    assert!(parse(path, &in_array).is_err());
}

#[test]
fn errors_in_big_collections_are_the_whole_files() {
    let mut source = big_collection(1_000);
    let line = source.matches('\n').count() + 4;
    source.push_str("\n[[requests]]\nname = \"late\"\nheders = 1\nurl = \"u\"\n");
    let message = err(&source);
    assert!(
        message.starts_with(&format!(
            "unknown key `heders` in request `late`\n{}--> collections/shop.toml:{line}:1\n",
            " ".repeat(line.to_string().len())
        )),
        "{message}"
    );
    let mut duplicate = big_collection(1_000);
    duplicate.push_str("\n[[requests]]\nname = \"r7\"\nurl = \"u\"\n");
    let message = err(&duplicate);
    let first = duplicate.find("name = \"r7\"").unwrap();
    let first_line = duplicate[..first].matches('\n').count() + 1;
    assert!(
        message.contains(&format!("hint: the first `r7` is on line {first_line}")),
        "{message}"
    );
    let mut broken = big_collection(1_000);
    broken.push_str("\n[[requests]]\nname = \"x\"\nurl = https://x\n");
    assert!(err(&broken).starts_with("invalid TOML in `collections/shop.toml`"));
}

#[test]
fn malformed_toml_points_at_the_parser_error() {
    assert_eq!(
        err("name = \"shop\"\nurl = https://x\n"),
        "invalid TOML in `collections/shop.toml`: string values must be quoted, expected literal string\n \
         --> collections/shop.toml:2:7\n  |\n2 | url = https://x\n  |       ^^^^^^^^^"
    );
}

#[test]
fn duplicate_toml_keys_name_the_key() {
    assert_eq!(
        err("[[requests]]\nname = \"a\"\nname = \"b\"\n"),
        "invalid TOML in `collections/shop.toml`: duplicate key `name`\n \
         --> collections/shop.toml:3:1\n  |\n3 | name = \"b\"\n  | ^^^^"
    );
}

#[test]
fn unknown_request_key_suggests_the_closest() {
    let source = format!(
        "{}[[requests]]\nname = \"create-plan\"\nurl = \"http://x\"\nheders = {{ Accept = \"application/json\" }}\n",
        "\n".repeat(10)
    );
    assert_eq!(
        err(&source),
        "unknown key `heders` in request `create-plan`\n  --> collections/shop.toml:14:1\n   |\n\
         14 | heders = { Accept = \"application/json\" }\n   | ^^^^^^\n   = hint: did you mean `headers`?"
    );
}

#[test]
fn unknown_keys_are_caught_at_every_level() {
    let request = "[[requests]]\nname = \"r\"\nurl = \"http://x\"\n";
    assert_eq!(
        err("nme = \"x\"\n"),
        "unknown key `nme` at the top level\n --> collections/shop.toml:1:1\n  |\n1 | nme = \"x\"\n  | ^^^\n  \
         = hint: did you mean `name`?"
    );
    assert_eq!(
        err("[defaults]\ntimout = \"1s\"\n"),
        "unknown key `timout` in `[defaults]`\n --> collections/shop.toml:2:1\n  |\n2 | timout = \"1s\"\n  | ^^^^^^\n  \
         = hint: did you mean `timeout`?"
    );
    assert_eq!(
        err(&format!(
            "{request}auth = {{ basic = {{ usrname = \"u\" }} }}\n"
        )),
        "unknown key `usrname` in `auth.basic` in request `r`\n --> collections/shop.toml:4:20\n  |\n\
         4 | auth = { basic = { usrname = \"u\" } }\n  |                    ^^^^^^^\n  \
         = hint: did you mean `username`?"
    );
    assert_eq!(
        err(&format!("{request}[requests.expect]\nstatuss = 200\n")),
        "unknown key `statuss` in `expect` in request `r`\n --> collections/shop.toml:5:1\n  |\n\
         5 | statuss = 200\n  | ^^^^^^^\n  = hint: did you mean `status`?"
    );
    assert_eq!(
        err(&format!(
            "{request}multipart = {{ up = {{ fil = \"a\" }} }}\n"
        )),
        "unknown key `fil` in `multipart.up` in request `r`\n --> collections/shop.toml:4:22\n  |\n\
         4 | multipart = { up = { fil = \"a\" } }\n  |                      ^^^\n  = hint: did you mean `file`?"
    );
    assert_eq!(
        err(&format!("{request}bdy = 1\n")),
        "unknown key `bdy` in request `r`\n --> collections/shop.toml:4:1\n  |\n4 | bdy = 1\n  | ^^^"
    );
}

#[test]
fn a_graphql_body_is_posted_with_its_parts() {
    let c = ok(
        "[[requests]]\nname = \"r\"\nurl = \"http://x\"\n[requests.graphql]\n\
        query = \"query Q($id: ID!) { a(id: $id) }\"\noperation_name = \"Q\"\n\
        variables = { id = \"{{id}}\" }\n",
    );
    let r = &c.requests[0];
    assert_eq!(r.method, "POST");
    let BodySpec::Graphql(g) = &r.body else {
        panic!("{:?}", r.body)
    };
    assert_eq!(g.query.raw, "query Q($id: ID!) { a(id: $id) }");
    assert_eq!(g.operation_name.as_ref().map(|n| n.raw.as_str()), Some("Q"));
    assert!(matches!(&g.variables, Some(TValue::Table(t)) if t[0].0 == "id"));
    assert!(c.uses_variable("id"));
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nurl = \"http://x\"\ngraphql = { query = 1 }\n"),
        "expected a string for `graphql.query` in request `r`, found an integer\n \
         --> collections/shop.toml:4:21\n  |\n4 | graphql = { query = 1 }\n  |                     ^"
    );
}

#[test]
fn wrong_types_name_the_key_and_both_types() {
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nmethod = 5\nurl = \"http://x\"\n"),
        "expected a string for `method` in request `r`, found an integer\n \
         --> collections/shop.toml:3:10\n  |\n3 | method = 5\n  |          ^"
    );
    assert_eq!(
        err("[requests]\nname = \"r\"\n"),
        "expected an array of tables for `requests`, found a table\n \
         --> collections/shop.toml:1:1\n  |\n1 | [requests]\n  | ^^^^^^^^^^\n  \
         = hint: start each request with `[[requests]]`"
    );
}

#[test]
fn missing_required_keys_point_at_the_request() {
    assert_eq!(
        err("[[requests]]\nname = \"r\"\n"),
        "missing key `url` in request `r`\n --> collections/shop.toml:1:1\n  |\n1 | [[requests]]\n  | ^^^^^^^^^^^^"
    );
    assert_eq!(
        err("[[requests]]\nname = \"a\"\nurl = \"http://x\"\n[[requests]]\nurl = \"http://x\"\n"),
        "missing key `name` in request #2\n --> collections/shop.toml:4:1\n  |\n4 | [[requests]]\n  | ^^^^^^^^^^^^"
    );
}

#[test]
fn two_bodies_are_rejected_at_the_second() {
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nurl = \"http://x\"\njson = {}\nform = {}\n"),
        "more than one body in request `r`: `json` and `form`\n --> collections/shop.toml:5:1\n  |\n\
         5 | form = {}\n  | ^^^^\n  \
         = hint: a request takes at most one of `json`, `form`, `text`, `file`, `multipart`, `graphql`"
    );
}

#[test]
fn content_type_needs_a_text_or_file_body() {
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nurl = \"http://x\"\njson = 1\ncontent_type = \"a/b\"\n"),
        "`content_type` needs a `text` or `file` body in request `r`\n --> collections/shop.toml:5:1\n  |\n\
         5 | content_type = \"a/b\"\n  | ^^^^^^^^^^^^"
    );
}

#[test]
fn duplicate_request_names_point_at_the_second() {
    assert_eq!(
        err(
            "[[requests]]\nname = \"a\"\nurl = \"http://x\"\n[[requests]]\nname = \"a\"\nurl = \"http://y\"\n"
        ),
        "duplicate request name `a`\n --> collections/shop.toml:5:8\n  |\n5 | name = \"a\"\n  |        ^^^\n  \
         = hint: the first `a` is on line 2"
    );
}

#[test]
fn bad_durations_statuses_methods_and_templates() {
    let request = "[[requests]]\nname = \"r\"\nurl = \"http://x\"\n";
    assert_eq!(
        err(&format!("{request}timeout = \"3 parsecs\"\n")),
        "invalid duration `3 parsecs` for `timeout` in request `r`: unknown time unit \"parsecs\", supported units: \
         ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)\n \
         --> collections/shop.toml:4:11\n  |\n4 | timeout = \"3 parsecs\"\n  |           ^^^^^^^^^^^\n  \
         = hint: write durations like \"30s\", \"500ms\" or \"1m 30s\""
    );
    assert_eq!(
        err(&format!("{request}expect = {{ status = \"2xy\" }}\n")),
        "invalid status `2xy` in request `r`\n --> collections/shop.toml:4:21\n  |\n\
         4 | expect = { status = \"2xy\" }\n  |                     ^^^^^\n  \
         = hint: write a code (201), a list ([200, 204]) or a class (\"2xx\")"
    );
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nmethod = \"GE T\"\nurl = \"http://x\"\n"),
        "invalid method `GE T` in request `r`\n --> collections/shop.toml:3:10\n  |\n\
         3 | method = \"GE T\"\n  |          ^^^^^^"
    );
    assert_eq!(
        err("[[requests]]\nname = \"r\"\nurl = \"http://{{host/x\"\n"),
        "unclosed `{{` in request `r`\n --> collections/shop.toml:3:15\n  |\n\
         3 | url = \"http://{{host/x\"\n  |               ^^\n  = hint: write `\\{{` for a literal `{{`"
    );
}

#[test]
fn a_full_collection_loads_with_types_defaults_and_expectations() {
    let c = ok(r#"
description = "Plans"
[vars]
base = "https://api.example.com"
n = 3
[env.local]
base = "http://127.0.0.1:8080"
[env.ci]
[defaults]
headers = { Accept = "application/json", X-Count = 2 }
query = { v = [1, "two"] }
auth = { bearer = "{{token}}" }
timeout = "30s"
[[requests]]
name = "list"
url = "{{base}}/plans"
[[requests]]
name = "create"
method = "post"
url = "{{base}}/plans"
follow_redirects = false
timeout = "500ms"
text = "hi"
[requests.expect]
status = [201, "2xx"]
"#);
    assert_eq!(c.name, "shop");
    assert_eq!(c.description.as_deref(), Some("Plans"));
    assert_eq!(c.env_names(), vec!["local", "ci"]);
    let names: Vec<_> = c.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, vec!["base", "n"]);
    assert_eq!(c.vars[1].value, TValue::Number(3.into()));
    let headers: Vec<_> = c
        .defaults
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.raw.as_str()))
        .collect();
    assert_eq!(
        headers,
        vec![("Accept", "application/json"), ("X-Count", "2")]
    );
    let query: Vec<_> = c.defaults.query[0]
        .values
        .iter()
        .map(|v| v.raw.as_str())
        .collect();
    assert_eq!(query, vec!["1", "two"]);
    assert_eq!(c.defaults.timeout, Some(Duration::from_secs(30)));
    let list = &c.requests[0];
    assert_eq!(
        (list.method.as_str(), list.url.as_str()),
        ("GET", "{{base}}/plans")
    );
    assert!(list.follow_redirects && list.expect.status.is_empty());
    let create = &c.requests[1];
    assert_eq!(create.method, "POST");
    assert!(!create.follow_redirects);
    assert_eq!(create.timeout, Some(Duration::from_millis(500)));
    assert_eq!(
        create.expect.status,
        vec![StatusMatcher::Code(201), StatusMatcher::Class(2)]
    );
    assert!(
        matches!(&create.body, BodySpec::Text { text, content_type: None } if text.raw == "hi")
    );
    assert!(c.uses_variable("token") && c.uses_variable("base"));
    assert!(!c.uses_variable("inbox"));
    let explicit = ok("name = \"Sofa shop\"\n");
    assert_eq!(explicit.name, "Sofa shop");
}

#[test]
fn request_lookup_suggests_or_lists() {
    let c = ok(
        "[[requests]]\nname = \"create-plan\"\nurl = \"http://x\"\n[[requests]]\nname = \"list\"\nurl = \"http://x\"\n",
    );
    assert_eq!(
        c.request("list").map(|r| r.name.as_str()).ok(),
        Some("list")
    );
    assert_eq!(
        c.request("crate-plan").map(|_| ()).unwrap_err().to_string(),
        "unknown request `crate-plan` in collection `shop`\n  hint: did you mean `create-plan`?"
    );
    assert_eq!(
        c.request("zzz").map(|_| ()).unwrap_err().to_string(),
        "unknown request `zzz` in collection `shop`\n  hint: the requests are `create-plan`, `list`"
    );
}

#[test]
fn a_missing_file_is_an_io_error_without_the_os_code() {
    let e = load(Path::new("no-such-dir/x.toml"))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "could not read collection `no-such-dir/x.toml`: No such file or directory"
    );
}

#[test]
fn placeholder_offsets_map_to_the_source() {
    // Exact for plain strings, best effort for strings with escapes.
    let source = "[[requests]]\nname = \"r\"\nurl = \"http://{{host}}/a\"\ntext = \"\\t{{x}}\"\n";
    let c = ok(source);
    let r = &c.requests[0];
    let url_span = r.url_template.source_span(source, 7..15);
    assert_eq!(&source[url_span], "{{host}}");
    let BodySpec::Text { text, .. } = &r.body else {
        panic!("expected a text body");
    };
    let span = text.source_span(source, 1..6);
    assert_eq!(&source[span], "{{x}}");
}

#[test]
fn discover_and_resolve_target_find_collections_by_name_or_path() {
    let dir = tempfile::tempdir().map_err(|e| e.to_string());
    let Ok(dir) = dir else {
        panic!("no temp dir");
    };
    let collections = dir.path().join("collections");
    std::fs::create_dir(&collections).ok();
    for name in ["shop.toml", "admin.toml", "notes.txt"] {
        std::fs::write(collections.join(name), "").ok();
    }
    assert_eq!(
        discover(dir.path()),
        vec![
            collections.join("admin.toml"),
            collections.join("shop.toml")
        ]
    );
    let cwd = dir.path();
    let shop = PathBuf::from("collections/shop.toml");
    assert_eq!(resolve_target("shop", cwd).ok(), Some((shop.clone(), None)));
    assert_eq!(
        resolve_target("shop/create-plan", cwd).ok(),
        Some((shop.clone(), Some("create-plan".to_string())))
    );
    assert_eq!(
        resolve_target("collections/shop.toml/create-plan", cwd).ok(),
        Some((shop.clone(), Some("create-plan".to_string())))
    );
    assert_eq!(
        resolve_target("other/x.toml", cwd).ok(),
        Some((PathBuf::from("other/x.toml"), None))
    );
    assert_eq!(
        resolve_target("shp/list", cwd)
            .map(|_| ())
            .unwrap_err()
            .to_string(),
        "unknown collection `shp`\n  hint: did you mean `shop`?"
    );
    assert_eq!(
        resolve_target("zzz", cwd)
            .map(|_| ())
            .unwrap_err()
            .to_string(),
        "unknown collection `zzz`\n  hint: the collections are `admin`, `shop`"
    );
    assert_eq!(
        resolve_target("zzz", &cwd.join("collections"))
            .map(|_| ())
            .unwrap_err()
            .to_string(),
        "unknown collection `zzz`\n  hint: no `collections/*.toml` here; give the path to a `.toml` file"
    );
}
