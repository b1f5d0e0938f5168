//! `postie send … --save COLLECTION/NAME`: each ad-hoc request and, saved, the same request run
//! from the collection (`postie run shop/NAME`) hit one recording server on loopback; what
//! arrived must be the same: method, path and query, every header (both are postie, so even
//! `user-agent` and `accept-encoding` must match; compared sorted by name, repeats in order),
//! body bytes. Literal credentials are saved as `{{secret:…}}` (the run gets their values
//! from `POSTIE_SECRET_…`), never written; `postie check` and `postie list` pass on the result.

mod support;

use std::error::Error;

use support::Recorded;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

struct Case {
    name: &'static str,
    /// `send`'s arguments; `{U}` is the server's base URL.
    args: &'static [&'static str],
    stdin: Option<&'static str>,
    /// Secrets the save refers to, and the value the ad-hoc request sent.
    secrets: &'static [(&'static str, &'static str)],
}

const GHP: &str = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

const CASES: &[Case] = &[
    Case {
        name: "headers",
        args: &[
            "GET",
            "{U}/h",
            "X-A:1",
            "X-A:2",
            "X-Empty;",
            "X-Name:Ada Lovelace",
        ],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "query",
        args: &["GET", "{U}/q?x=0", "q==1", "q==a b", "u==ü&=?"],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "json-fields",
        args: &[
            "POST",
            "{U}/j",
            "name=Ada",
            "n:=42",
            "ok:=true",
            "f:=1.5",
            r#"tags:=["a","b"]"#,
            "user[name]=x",
            "user[langs][]=en",
            "Accept:application/json",
        ],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "raw-json-with-null",
        args: &[
            "PUT",
            "{U}/raw",
            r#"data:={"nested":{"k":[1,2]},"nil":null}"#,
        ],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "top-level-array",
        args: &["POST", "{U}/arr", "[]=a", "[]=b"],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "fields-from-files",
        args: &["POST", "{U}/files", "note=@note.txt", "data:=@data.json"],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "body-file",
        args: &["POST", "{U}/upload", "@body.json"],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "body-file-typed",
        args: &["PUT", "{U}/rows", "Content-Type:text/csv", "@rows.csv"],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "stdin",
        args: &["POST", "{U}/stdin", "Content-Type:text/plain"],
        stdin: Some("hello\n{{not a variable}}\n"),
        secrets: &[],
    },
    Case {
        name: "bearer",
        args: &[
            "GET",
            "{U}/me",
            "Authorization:Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        ],
        stdin: None,
        secrets: &[("shop_authorization", GHP)],
    },
    Case {
        name: "basic",
        args: &["GET", "{U}/basic", "Authorization:Basic YWRhOnB3"],
        stdin: None,
        secrets: &[("shop_authorization", "YWRhOnB3")],
    },
    Case {
        name: "api-keys",
        args: &[
            "GET",
            "{U}/k?api_key=abc123",
            "X-Api-Key:k-123456",
            "token==t0k3n",
            "page==2",
        ],
        stdin: None,
        secrets: &[
            ("shop_api_key", "abc123"),
            ("shop_x_api_key", "k-123456"),
            ("shop_token", "t0k3n"),
        ],
    },
    Case {
        name: "auth-basic",
        args: &["-a", "ada:pw-123", "GET", "{U}/a"],
        stdin: None,
        secrets: &[("shop_password", "pw-123")],
    },
    Case {
        name: "auth-basic-secret",
        args: &[
            "-a",
            "{{who}}:{{secret:shop_pw}}",
            "-c",
            "shop",
            "GET",
            "{U}/a2",
        ],
        stdin: None,
        secrets: &[("shop_pw", "from-the-keyring")],
    },
    Case {
        name: "auth-bearer",
        args: &["--bearer", "tok-123", "GET", "{U}/b"],
        stdin: None,
        secrets: &[("shop_token", "tok-123")],
    },
    Case {
        name: "login",
        args: &["POST", "{U}/login", "username=ada", "password=hunter2"],
        stdin: None,
        secrets: &[("shop_password", "hunter2")],
    },
    Case {
        name: "templates",
        args: &[
            "-c",
            "shop",
            "GET",
            "{{base_url}}/t",
            "X-W:{{who}}",
            "w=={{who}}",
        ],
        stdin: None,
        secrets: &[],
    },
    Case {
        name: "flags",
        args: &["--timeout", "5s", "--no-follow", "DELETE", "{U}/d"],
        stdin: None,
        secrets: &[],
    },
];

/// A request as both must send it.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn seen(r: &Recorded) -> Seen {
    let mut headers = r.headers.clone();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    Seen {
        method: r.method.clone(),
        uri: r.uri.clone(),
        headers,
        body: r.body.clone(),
    }
}

const SHOP: &str = "# Shop, written by hand.\n[vars]\nbase_url = \"{U}\"   # the recording server\nwho = \"ada\"\n\n[[requests]]\nname = \"existing\"\nurl = \"{{base_url}}/existing\"\n";

fn sandbox_with_files(base: &str) -> Result<Sandbox, Box<dyn Error>> {
    let sandbox = Sandbox::new()?;
    let root = sandbox.path();
    std::fs::write(root.join("note.txt"), "a {{literal}} note\n")?;
    std::fs::write(
        root.join("data.json"),
        r#"{"k": [1, {"t": "{{x}}"}], "ok": false}"#,
    )?;
    std::fs::write(root.join("body.json"), "{\"from\": \"file\"}\n")?;
    std::fs::write(root.join("rows.csv"), "a,b\n1,2\n")?;
    sandbox.collection("shop", &SHOP.replace("{U}", base))?;
    Ok(sandbox)
}

/// `postie send --dry-run ARGS` in `sandbox`: its exit code and stderr.
fn dry_send(sandbox: &Sandbox, args: &[&str]) -> Result<(Option<i32>, String), Box<dyn Error>> {
    let out = sandbox
        .command()
        .args(["send", "--dry-run"])
        .args(args)
        .output()?;
    Ok((
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn a_saved_request_sends_what_the_ad_hoc_one_sent() -> TestResult {
    let server = support::http_server(|_: &Recorded| (200, vec![], b"{}".to_vec()));
    let base = server.url("").trim_end_matches('/').to_owned();
    let sandbox = sandbox_with_files(&base)?;
    let file = sandbox.path().join("collections/shop.toml");
    let original = std::fs::read_to_string(&file)?;
    for case in CASES {
        let target = format!("shop/{}", case.name);
        let args: Vec<String> = case.args.iter().map(|a| a.replace("{U}", &base)).collect();
        let mut send = sandbox.command();
        send.arg("send").args(&args).args(["--save", &target]);
        // Only a `{{secret:…}}` typed in the command needs it; a literal ignores it.
        for (secret, value) in case.secrets {
            send.env(
                format!("POSTIE_SECRET_{}", secret.to_ascii_uppercase()),
                value,
            );
        }
        if let Some(stdin) = case.stdin {
            send.write_stdin(stdin);
        }
        let out = send.output()?;
        let report = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{}: {report}", case.name);
        assert!(
            report.contains(&format!("saved `{}` to collections/shop.toml", case.name)),
            "{report}"
        );
        for (secret, _) in case.secrets.iter().filter(|(s, _)| *s != "shop_pw") {
            assert!(
                report.contains(&format!("postie secret set {secret}")),
                "{}: {report}",
                case.name
            );
        }
        let mut run = sandbox.command();
        run.args(["run", &target]);
        for (secret, value) in case.secrets {
            run.env(
                format!("POSTIE_SECRET_{}", secret.to_ascii_uppercase()),
                value,
            );
        }
        let ran = run.output()?;
        assert_eq!(
            ran.status.code(),
            Some(0),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&ran.stderr)
        );
        let requests = server.requests();
        let [.., ad_hoc, saved] = requests.as_slice() else {
            panic!(
                "{}: two requests expected, got {}",
                case.name,
                requests.len()
            );
        };
        assert_eq!(seen(ad_hoc), seen(saved), "{}", case.name);
    }
    assert_eq!(server.requests().len(), 2 * CASES.len());
    let written = std::fs::read_to_string(&file)?;
    // The hand-written part is untouched; no credential value is in the file.
    assert!(written.starts_with(&original), "{written}");
    assert!(
        written.contains(
            "auth = { basic = { username = \"{{who}}\", password = \"{{secret:shop_pw}}\" } }"
        ),
        "{written}"
    );
    for case in CASES {
        for (_, value) in case.secrets {
            assert!(!written.contains(value), "`{value}` written:\n{written}");
        }
    }
    assert!(written.contains("url = \"{{base_url}}/t\""), "{written}");
    assert!(
        written.contains("timeout = \"5s\"\nfollow_redirects = false"),
        "{written}"
    );
    sandbox.command().args(["check", "shop"]).assert().success();
    let list = sandbox.command().args(["list", "shop"]).output()?;
    let listed = String::from_utf8_lossy(&list.stdout);
    for case in CASES {
        assert!(listed.contains(case.name), "{listed}");
    }
    Ok(())
}

#[test]
fn an_existing_name_is_refused_before_sending_unless_force() -> TestResult {
    let server = support::http_server(|_: &Recorded| (200, vec![], Vec::new()));
    let base = server.url("").trim_end_matches('/').to_owned();
    let sandbox = sandbox_with_files(&base)?;
    let file = sandbox.path().join("collections/shop.toml");
    let before = std::fs::read_to_string(&file)?;
    let url = format!("{base}/again");
    let out = sandbox
        .command()
        .args(["send", "GET", &url, "--save", "shop/existing"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the collection already has a request `existing`")
            && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(server.hits(), 0, "nothing is sent when the save is refused");
    assert_eq!(std::fs::read_to_string(&file)?, before);

    sandbox
        .command()
        .args(["send", "GET", &url, "--save", "shop/existing", "--force"])
        .assert()
        .success();
    let now = std::fs::read_to_string(&file)?;
    assert!(
        now.contains(&format!(
            "name = \"existing\"\nmethod = \"GET\"\nurl = \"{url}\""
        )),
        "{now}"
    );
    assert_eq!(now.matches("name = \"existing\"").count(), 1, "{now}");
    assert!(now.starts_with("# Shop, written by hand.\n"), "{now}");
    Ok(())
}

#[test]
fn a_missing_collection_is_created_with_a_header_and_bad_targets_are_refused() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox
        .command()
        .args([
            "send",
            "--dry-run",
            "POST",
            "http://127.0.0.1:9/x",
            "a=1",
            "--save",
            "fresh/new",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(sandbox.path().join("collections/fresh.toml"))?;
    assert!(
        text.starts_with(
            "# Requests saved by `postie send --save`.\n\n[[requests]]\nname = \"new\"\n"
        ),
        "{text}"
    );
    sandbox
        .command()
        .args(["check", "fresh"])
        .assert()
        .success();
    sandbox.collection(
        "withdefaults",
        "[defaults]\nheaders = { X-Team = \"a\" }\ntimeout = \"2s\"\n",
    )?;
    let (code, stderr) = dry_send(
        &sandbox,
        &[
            "GET",
            "http://127.0.0.1:9/{{id}}",
            "--var",
            "id=7",
            "--save",
            "fresh/uses-id",
        ],
    )?;
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("`{{id}}` is not defined in the collection: run it with `--var id=…`"),
        "{stderr}"
    );
    let (code, stderr) = dry_send(
        &sandbox,
        &["GET", "http://127.0.0.1:9/", "--save", "withdefaults/x"],
    )?;
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("the collection's [defaults] (headers, timeout) also apply to it"),
        "{stderr}"
    );
    for bad in ["noslash", "a/b/c", "shop/"] {
        let (code, stderr) = dry_send(&sandbox, &["GET", "http://127.0.0.1:9/", "--save", bad])?;
        assert_eq!(code, Some(2), "{bad}");
        assert!(stderr.contains("invalid target"), "{bad}");
    }
    let (code, stderr) = dry_send(
        &sandbox,
        &[
            "GET",
            "http://127.0.0.1:9/",
            "n:={{count}}",
            "--var",
            "count=1",
            "--save",
            "fresh/t",
        ],
    )?;
    assert_eq!(code, Some(2));
    assert!(stderr.contains("n={{count}}"), "{stderr}");
    Ok(())
}
