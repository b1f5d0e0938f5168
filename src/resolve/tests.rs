use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::collection::parse;

fn collection(source: &str) -> Collection {
    match parse(Path::new("collections/shop.toml"), source) {
        Ok(c) => c,
        Err(e) => panic!("unexpected collection error:\n{e}"),
    }
}

/// Resolves request `name` with the given environment and `--var`s.
fn resolve_with(
    source: &str,
    name: &str,
    env: Option<&str>,
    cli: &[(&str, &str)],
) -> Result<ResolvedRequest, String> {
    let c = collection(source);
    let cli: Vec<(String, VarValue)> = cli
        .iter()
        .map(|(k, v)| (k.to_string(), VarValue::Text(v.to_string())))
        .collect();
    let builtins = [("inbox".to_string(), json!("http://127.0.0.1:9999"))];
    let resolver = Resolver::new(&c, env, &cli, &builtins).map_err(|e| e.to_string())?;
    let request = c.request(name).map_err(|e| e.to_string())?;
    resolver.resolve(&c, request).map_err(|e| e.to_string())
}

fn resolve(source: &str) -> ResolvedRequest {
    match resolve_with(source, "r", None, &[]) {
        Ok(r) => r,
        Err(e) => panic!("unexpected resolve error:\n{e}"),
    }
}

fn resolve_err(source: &str) -> String {
    match resolve_with(source, "r", None, &[]) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e,
    }
}

fn body_text(r: &ResolvedRequest) -> String {
    match &r.body {
        Body::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("expected bytes, got {other:?}"),
    }
}

const LAYERS: &str = r#"
[vars]
a = "vars"
b = "vars"
c = "vars"
d = "vars"
inbox2 = "{{inbox}}"
[env.local]
b = "env"
c = "env"
d = "env"
[[requests]]
name = "r"
url = "http://x/{{a}}/{{b}}/{{c}}/{{d}}/{{inbox2}}"
"#;

#[test]
fn precedence_is_captures_then_cli_then_env_then_vars_then_builtins() {
    let c = collection(LAYERS);
    let cli = [
        ("c".to_string(), VarValue::Text("cli".to_string())),
        ("d".to_string(), VarValue::Text("cli".to_string())),
    ];
    let builtins = [
        ("inbox".to_string(), json!("http://127.0.0.1:9")),
        ("a".to_string(), json!("builtin")),
    ];
    let Ok(mut resolver) = Resolver::new(&c, Some("local"), &cli, &builtins) else {
        panic!("resolver");
    };
    let request = &c.requests[0];
    let url = resolver.resolve(&c, request).map(|r| r.url.to_string());
    assert_eq!(
        url.ok().as_deref(),
        Some("http://x/vars/env/cli/cli/http://127.0.0.1:9")
    );
    resolver.set("d", json!(7));
    let url = resolver.resolve(&c, request).map(|r| r.url.to_string());
    assert_eq!(
        url.ok().as_deref(),
        Some("http://x/vars/env/cli/7/http://127.0.0.1:9")
    );
    let no_env = resolve_with(LAYERS, "r", None, &[]).map(|r| r.url.to_string());
    assert_eq!(
        no_env.ok().as_deref(),
        Some("http://x/vars/vars/vars/vars/http://127.0.0.1:9999")
    );
}

#[test]
fn unknown_environment_lists_what_exists() {
    assert_eq!(
        resolve_with(LAYERS, "r", Some("locl"), &[])
            .map(|_| ())
            .unwrap_err(),
        "unknown environment `locl` in collection `shop` (environments: `local`)\n  \
         hint: did you mean `local`?"
    );
    assert_eq!(
        resolve_with("", "r", Some("prod"), &[])
            .map(|_| ())
            .unwrap_err(),
        "unknown environment `prod` in collection `shop` (environments: none)"
    );
}

#[test]
fn vars_reference_vars_lazily_and_cycles_are_errors() {
    let r = resolve(
        "[vars]\nbase = \"{{host}}/v1\"\nhost = \"http://h\"\n[[requests]]\nname = \"r\"\nurl = \"{{base}}/x\"\n",
    );
    assert_eq!(r.url.as_str(), "http://h/v1/x");
    assert_eq!(
        resolve_err(
            "[vars]\na = \"{{b}}\"\nb = \"x{{a}}\"\n[[requests]]\nname = \"r\"\nurl = \"{{a}}\"\n"
        ),
        "variable `a` refers to itself (`a` -> `b` -> `a`) in request `r`\n \
         --> collections/shop.toml:3:7\n  |\n3 | b = \"x{{a}}\"\n  |       ^^^^^"
    );
}

#[test]
fn unknown_variables_point_at_the_placeholder() {
    let source = "[vars]\nbase_url = \"http://x\"\n[[requests]]\nname = \"r\"\nurl = \"{{ bse_url }}/plans\"\n";
    assert_eq!(
        resolve_err(source),
        "unknown variable `bse_url` in request `r`\n --> collections/shop.toml:5:8\n  |\n\
         5 | url = \"{{ bse_url }}/plans\"\n  |        ^^^^^^^^^^^^^\n  = hint: did you mean `base_url`?"
    );
    let source = "[vars]\nbase = \"http://{{hots}}\"\nhost = \"h\"\n[[requests]]\nname = \"r\"\nurl = \"{{base}}\"\n";
    assert_eq!(
        resolve_err(source),
        "unknown variable `hots` in variable `base`, used by request `r`\n \
         --> collections/shop.toml:2:16\n  |\n2 | base = \"http://{{hots}}\"\n  |                ^^^^^^^^\n  \
         = hint: did you mean `host`?"
    );
    assert_eq!(
        resolve_err("[[requests]]\nname = \"r\"\nurl = \"http://x\"\ntext = \"{{zzz}}\"\n"),
        "unknown variable `zzz` in request `r`\n --> collections/shop.toml:4:9\n  |\n\
         4 | text = \"{{zzz}}\"\n  |         ^^^^^^^\n  = hint: define it in `[vars]` or pass `--var zzz=…`"
    );
}

#[test]
fn urls_must_be_absolute_http() {
    assert_eq!(
        resolve_err("[vars]\np = \"/plans\"\n[[requests]]\nname = \"r\"\nurl = \"{{p}}\"\n"),
        "invalid URL `/plans` in request `r`: relative URL without a base\n \
         --> collections/shop.toml:5:7\n  |\n5 | url = \"{{p}}\"\n  |       ^^^^^^^"
    );
    assert_eq!(
        resolve_err("[[requests]]\nname = \"r\"\nurl = \"ftp://x\"\n"),
        "invalid URL `ftp://x` in request `r`: unsupported scheme `ftp`, use `http` or `https`\n \
         --> collections/shop.toml:3:7\n  |\n3 | url = \"ftp://x\"\n  |       ^^^^^^^^^"
    );
}

#[test]
fn lone_placeholders_in_json_keep_their_type() {
    let r = resolve(
        r#"
[vars]
n = 5
f = true
l = [1, "a"]
o = { k = 1.5 }
s = "text"
[[requests]]
name = "r"
method = "post"
url = "http://x"
json = { n = "{{n}}", f = "{{ f }}", l = "{{l}}", o = "{{o}}", s = "{{s}}", mixed = "id-{{n}}-{{f}}", lit = '\{{n}}', when = 1979-05-27 }
"#,
    );
    assert_eq!(r.method, "POST");
    assert_eq!(
        body_text(&r),
        r#"{"n":5,"f":true,"l":[1,"a"],"o":{"k":1.5},"s":"text","mixed":"id-5-true","lit":"{{n}}","when":"1979-05-27"}"#
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn escape_and_builtins_in_text() {
    let r = resolve(
        "[[requests]]\nname = \"r\"\nurl = \"{{inbox}}/hook\"\ntext = '\\{{raw}} {{$random_int}} {{$timestamp}} {{$uuid}}'\n",
    );
    assert_eq!(r.url.as_str(), "http://127.0.0.1:9999/hook");
    let text = body_text(&r);
    let words: Vec<&str> = text.split(' ').collect();
    assert_eq!(words.len(), 4);
    assert_eq!(words[0], "{{raw}}");
    assert!(words[1].parse::<u32>().is_ok_and(|n| n <= 1000));
    assert!(words[2].parse::<u64>().is_ok_and(|t| t > 1_700_000_000));
    assert_eq!(
        uuid::Uuid::parse_str(words[3]).map(|u| u.get_version_num()),
        Ok(4)
    );
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
}

#[test]
fn a_uuid_variable_is_stable_within_one_request() {
    let r = resolve(
        "[vars]\nid = \"{{$uuid}}\"\n[[requests]]\nname = \"r\"\nurl = \"http://x/{{id}}\"\ntext = \"{{id}}\"\n",
    );
    assert_eq!(r.url.path(), format!("/{}", body_text(&r)));
}

#[test]
fn process_environment_lookups() {
    // cargo sets CARGO_PKG_NAME for test processes; setting variables needs `unsafe`.
    let r = resolve("[[requests]]\nname = \"r\"\nurl = \"http://x/{{env:CARGO_PKG_NAME}}\"\n");
    assert_eq!(r.url.as_str(), "http://x/postie");
    assert_eq!(
        resolve_err(
            "[[requests]]\nname = \"r\"\nurl = \"http://x/{{ env:POSTIE_TEST_UNSET_8F3A1 }}\"\n"
        ),
        "environment variable `POSTIE_TEST_UNSET_8F3A1` is not set in request `r`\n \
         --> collections/shop.toml:3:17\n  |\n3 | url = \"http://x/{{ env:POSTIE_TEST_UNSET_8F3A1 }}\"\n  \
         |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn secrets_need_a_source_and_errors_say_where() {
    let source =
        "[[requests]]\nname = \"r\"\nurl = \"http://x\"\nauth = { bearer = \"{{secret:tok}}\" }\n";
    let c = collection(source);
    let Ok(resolver) = Resolver::new(&c, None, &[], &[]) else {
        panic!("resolver");
    };
    let e = resolver
        .resolve(&c, &c.requests[0])
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(e, ResolveError::Secret(_)));
    assert_eq!(
        e.to_string(),
        "secret `tok` is not available in request `r`\n --> collections/shop.toml:4:20\n  |\n\
         4 | auth = { bearer = \"{{secret:tok}}\" }\n  |                    ^^^^^^^^^^^^^^"
    );
    struct Fixed;
    impl SecretSource for Fixed {
        fn secret(&self, name: &str) -> Result<String, crate::secrets::SecretUnavailable> {
            Ok(format!("s3cret-{name}"))
        }
    }
    let resolver = resolver.with_secrets(Arc::new(Fixed));
    let r = resolver.resolve(&c, &c.requests[0]);
    assert_eq!(
        r.ok()
            .and_then(|r| r.header("authorization").map(str::to_string))
            .as_deref(),
        Some("Bearer s3cret-tok")
    );
}

#[test]
fn defaults_merge_under_the_request() {
    let r = resolve(
        r#"
[defaults]
headers = { Accept = "application/json", X-Team = "core" }
query = { v = "1", lang = "en" }
auth = { bearer = "default-token" }
timeout = "30s"
[[requests]]
name = "r"
url = "http://x/p?keep=1"
headers = { accept = "text/html", X-Req = "yes" }
query = { lang = "fr" }
auth = { basic = { username = "ann", password = "pw" } }
"#,
    );
    assert_eq!(
        r.headers,
        vec![
            ("accept".to_string(), "text/html".to_string()),
            ("X-Team".to_string(), "core".to_string()),
            ("X-Req".to_string(), "yes".to_string()),
            ("Authorization".to_string(), "Basic YW5uOnB3".to_string()),
        ]
    );
    assert_eq!(r.url.as_str(), "http://x/p?keep=1&v=1&lang=fr");
    assert_eq!(r.timeout, Some(Duration::from_secs(30)));
    assert!(r.follow_redirects);
    assert_eq!(r.body, Body::None);
    let plain = resolve(
        "[defaults]\nauth = { bearer = \"t\" }\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\n",
    );
    assert_eq!(plain.header("Authorization"), Some("Bearer t"));
    assert_eq!(plain.timeout, None);
}

#[test]
fn query_values_are_percent_encoded_and_repeated() {
    let r = resolve(
        "[vars]\nq = \"a b&c=d\"\n[[requests]]\nname = \"r\"\nurl = \"http://x/s?x=1\"\nquery = { q = \"{{q}}\", tag = [\"é\", 2, true] }\n",
    );
    assert_eq!(
        r.url.as_str(),
        "http://x/s?x=1&q=a+b%26c%3Dd&tag=%C3%A9&tag=2&tag=true"
    );
    assert_eq!(r.url.query_pairs().count(), 5);
}

#[test]
fn each_auth_kind() {
    let request = "[[requests]]\nname = \"r\"\nurl = \"http://x/\"\n";
    let with = |auth: &str| resolve(&format!("[vars]\nk = \"key1\"\n{request}auth = {auth}\n"));
    let basic = with("{ basic = { username = \"Aladdin\", password = \"open sesame\" } }");
    assert_eq!(
        basic.header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    let bearer = with("{ bearer = \"{{k}}\" }");
    assert_eq!(
        bearer.headers,
        vec![("Authorization".to_string(), "Bearer key1".to_string())]
    );
    let header = with("{ api_key = { header = \"X-Api-Key\", value = \"{{k}}\" } }");
    assert_eq!(
        header.headers,
        vec![("X-Api-Key".to_string(), "key1".to_string())]
    );
    assert_eq!(header.url.as_str(), "http://x/");
    let query = with("{ api_key = { query = \"api_key\", value = \"{{k}}\" } }");
    assert!(query.headers.is_empty());
    assert_eq!(query.url.as_str(), "http://x/?api_key=key1");
}

#[test]
fn form_text_and_file_bodies() {
    let request = "[vars]\nwho = \"a&b\"\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\n";
    let form = resolve(&format!(
        "{request}form = {{ name = \"{{{{who}}}}\", n = [1, 2] }}\n"
    ));
    assert_eq!(body_text(&form), "name=a%26b&n=1&n=2");
    assert_eq!(
        form.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let text = resolve(&format!(
        "{request}text = \"<p/>\"\ncontent_type = \"text/html\"\n"
    ));
    assert_eq!(
        (body_text(&text).as_str(), text.header("content-type")),
        ("<p/>", Some("text/html"))
    );
    let file = resolve(&format!("{request}file = \"data/plan.json\"\n"));
    assert_eq!(
        file.body,
        Body::File(PathBuf::from("collections/data/plan.json"))
    );
    assert_eq!(file.header("content-type"), Some("application/json"));
    let typed = resolve(&format!(
        "{request}file = \"/abs/x.bin\"\ncontent_type = \"a/b\"\nheaders = {{ content-type = \"c/d\" }}\n"
    ));
    assert_eq!(typed.body, Body::File(PathBuf::from("/abs/x.bin")));
    assert_eq!(
        typed.headers,
        vec![("content-type".to_string(), "c/d".to_string())]
    );
}

#[test]
fn multipart_parts_resolve_files_beside_the_collection() {
    let r = resolve(
        r#"
[vars]
who = "ann"
[[requests]]
name = "r"
method = "POST"
url = "http://x"
multipart = { note = "by {{who}}", photo = { file = "img/{{who}}.png" }, doc = { file = "d.bin", filename = "report.pdf", content_type = "application/pdf" } }
"#,
    );
    assert_eq!(
        r.body,
        Body::Multipart(vec![
            Part {
                name: "note".into(),
                value: PartValue::Text("by ann".into())
            },
            Part {
                name: "photo".into(),
                value: PartValue::File {
                    path: PathBuf::from("collections/img/ann.png"),
                    file_name: None,
                    content_type: None,
                },
            },
            Part {
                name: "doc".into(),
                value: PartValue::File {
                    path: PathBuf::from("collections/d.bin"),
                    file_name: Some("report.pdf".into()),
                    content_type: Some("application/pdf".into()),
                },
            },
        ])
    );
    assert_eq!(r.header("content-type"), None);
}

#[test]
fn header_values_with_line_breaks_are_rejected() {
    assert_eq!(
        resolve_err(
            "[vars]\nv = \"a\\nb\"\n[[requests]]\nname = \"r\"\nurl = \"http://x\"\nheaders = { X = \"{{v}}\" }\n"
        ),
        "invalid value for header `X` in request `r`: it contains a line break or NUL\n \
         --> collections/shop.toml:6:17\n  |\n6 | headers = { X = \"{{v}}\" }\n  |                 ^^^^^^^"
    );
}

#[test]
fn the_example_collection_loads_and_resolves() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/collections/shop.toml");
    let c = match crate::collection::load(&path) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(c.name, "Sofa shop data plans");
    let names: Vec<_> = c.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["latest-plan", "create-plan", "upload-logo"]);
    let cli = [("workspace".to_string(), VarValue::Text("lab".to_string()))];
    let resolver = Resolver::new(&c, Some("local"), &cli, &[]);
    let Ok(resolver) = resolver else {
        panic!("resolver");
    };
    let resolved: Vec<_> = c
        .requests
        .iter()
        .map(|r| resolver.resolve(&c, r).map_err(|e| e.to_string()))
        .collect();
    let Ok(latest) = &resolved[0] else {
        panic!("{:?}", resolved[0]);
    };
    assert_eq!(
        latest.url.as_str(),
        "http://127.0.0.1:8080/v1/workspaces/lab/plans/latest?fields=name&fields=version"
    );
    assert_eq!(latest.header("x-api-key"), Some("postie"));
    let Ok(create) = &resolved[1] else {
        panic!("{:?}", resolved[1]);
    };
    assert_eq!(
        create.body,
        crate::request::Body::Bytes(
            br#"{"name":"Spring sale","version":3,"events":["add_to_cart","purchase"]}"#.to_vec()
        )
    );
    let Ok(upload) = &resolved[2] else {
        panic!("{:?}", resolved[2]);
    };
    let crate::request::Body::Multipart(parts) = &upload.body else {
        panic!("expected multipart");
    };
    assert_eq!(
        parts[1].value,
        crate::request::PartValue::File {
            path: path.with_file_name("logo.png"),
            file_name: None,
            content_type: None,
        }
    );
    assert_eq!(upload.timeout, Some(std::time::Duration::from_secs(2)));
}

#[test]
fn oauth2_endpoints_follow_their_variables_across_requests() {
    // The resolver keeps the URLs it parsed by their text: a variable that changes between
    // requests (a capture) must give the new URL, and the https rule holds for every one.
    let c = collection(
        r#"
[vars]
host = "127.0.0.1:1"
[defaults]
auth = { oauth2 = { grant = "client_credentials", token_url = "http://{{host}}/token", client_id = "c", client_secret = "s" } }
[[requests]]
name = "r"
url = "http://127.0.0.1:9/"
"#,
    );
    let mut resolver = Resolver::new(&c, None, &[], &[]).unwrap();
    let request = c.request("r").unwrap();
    let url = |resolver: &Resolver| {
        resolver
            .oauth2(&c, request)
            .map(|o| o.map(|o| o.token_url.to_string()))
            .map_err(|e| e.to_string())
    };
    for _ in 0..3 {
        assert_eq!(url(&resolver), Ok(Some("http://127.0.0.1:1/token".into())));
    }
    resolver.set("host", json!("[::1]:2"));
    assert_eq!(url(&resolver), Ok(Some("http://[::1]:2/token".into())));
    resolver.set("host", json!("127.0.0.1:1"));
    assert_eq!(url(&resolver), Ok(Some("http://127.0.0.1:1/token".into())));
    // Not loopback: refused, whether or not that text was seen before.
    for _ in 0..2 {
        resolver.set("host", json!("auth.example.com"));
        let err = url(&resolver).unwrap_err();
        assert!(err.contains("is not https"), "{err}");
    }
    // More texts than the memo keeps: each still parsed right.
    for port in 10..30 {
        resolver.set("host", json!(format!("localhost:{port}")));
        assert_eq!(
            url(&resolver),
            Ok(Some(format!("http://localhost:{port}/token")))
        );
    }
}
