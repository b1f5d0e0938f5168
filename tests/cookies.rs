//! The cookie jar, against oracles nobody here wrote: httpbin's cookie endpoints (the Python
//! package, run on 127.0.0.1 with werkzeug's server) and curl's own jar files (`curl -b FILE
//! -c FILE`), plus a test server for what httpbin cannot send (HttpOnly, a cookie set on a
//! redirect hop, attributes). Loopback only.

mod support;

use std::error::Error;
use std::path::Path;
use std::process::{Command, Stdio};

use support::child::PortChild;
use support::sandbox::Sandbox;
use support::{Recorded, Reply};

type TestResult = Result<(), Box<dyn Error>>;

/// httpbin on 127.0.0.1, a free port; killed on drop.
struct Httpbin(PortChild);

impl Httpbin {
    fn start() -> Result<Httpbin, Box<dyn Error>> {
        const SCRIPT: &str = "\
import logging
from werkzeug.serving import make_server
from httpbin import app
logging.getLogger('werkzeug').setLevel(logging.ERROR)
server = make_server('127.0.0.1', 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
";
        let mut command = Command::new(support::tools::python());
        command.args(["-c", SCRIPT]).stderr(Stdio::null());
        Ok(Httpbin(PortChild::spawn(command, "httpbin")?))
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.0.port)
    }
}

const SESSION: &str = "s3ss10n-abcdef";

/// Set two cookies through httpbin's redirect, read them back, delete one.
fn httpbin_collection() -> String {
    format!(
        r#"
[[requests]]
name = "set"
url = "{{{{base}}}}/cookies/set?session={SESSION}&theme=dark"
[requests.expect]
status = 200
json = {{ "$.cookies.session" = "{SESSION}", "$.cookies.theme" = "dark" }}

[[requests]]
name = "again"
url = "{{{{base}}}}/cookies"
[requests.expect]
json = {{ "$.cookies.session" = "{SESSION}", "$.cookies.theme" = "dark" }}

[[requests]]
name = "delete"
url = "{{{{base}}}}/cookies/delete?theme"
[requests.expect]
json = {{ "$.cookies.theme" = {{ exists = false }}, "$.cookies.session" = "{SESSION}" }}
"#
    )
}

#[test]
fn httpbin_cookies_are_kept_across_redirects_and_requests() -> TestResult {
    let httpbin = Httpbin::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("jar", &httpbin_collection())?;
    let report = sandbox.path().join("report.json");
    let out = sandbox
        .postie()?
        .args(["run", "jar", "-v", "--var"])
        .arg(format!("base={}", httpbin.base()))
        .arg("--report")
        .arg(format!("json={}", report.display()))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    let report = std::fs::read_to_string(&report)?;
    // Cookie values are masked in -v and in the report: in the headers whatever their
    // length, and a long one everywhere (here in httpbin's JSON echo). The URL the
    // collection wrote shows on the `→ GET` line, as written, before any cookie was set.
    assert_eq!(stderr.matches(SESSION).count(), 1, "{stderr}");
    assert!(stderr.contains(&format!(
        "→ GET {}/cookies/set?session={SESSION}",
        httpbin.base()
    )));
    for line in stderr.lines().filter(|l| l.contains("cookie:")) {
        assert!(!line.contains("dark"), "{line}");
    }
    assert!(!report.contains("\"theme=dark"), "{report}");
    assert!(
        stderr.contains("cookie: session=••••••; theme=••••••")
            || stderr.contains("cookie: theme=••••••; session=••••••"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout)?;
    assert!(stdout.contains("\"session\": \"••••••\""), "{stdout}");
    assert!(stdout.contains("\"theme\": \"dark\""), "{stdout}");
    assert!(!report.contains(&format!("session={SESSION}")), "{report}");
    assert!(
        report.contains("session=••••••; theme=••••••")
            || report.contains("theme=••••••; session=••••••"),
        "{report}"
    );
    Ok(())
}

#[test]
fn show_secrets_reveals_cookie_values() -> TestResult {
    let httpbin = Httpbin::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("jar", &httpbin_collection())?;
    let out = sandbox
        .postie()?
        .args(["run", "jar/set", "-v", "--show-secrets", "--var"])
        .arg(format!("base={}", httpbin.base()))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains(&format!("session={SESSION}")), "{stderr}");
    Ok(())
}

#[test]
fn no_cookies_sends_nothing_back() -> TestResult {
    let httpbin = Httpbin::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection("jar", &httpbin_collection())?;
    let out = sandbox
        .postie()?
        .args(["run", "jar/set", "--no-cookies", "--var"])
        .arg(format!("base={}", httpbin.base()))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("nothing (absent)"), "{stderr}");
    Ok(())
}

#[test]
fn one_jar_is_shared_by_collections_running_at_once() -> TestResult {
    let httpbin = Httpbin::start()?;
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "reader",
        r#"
[[requests]]
name = "wait-for-cookie"
url = "{{base}}/cookies"
retry = { times = 50, interval = "100ms" }
[requests.expect]
json = { "$.cookies.shared" = "from-the-writer" }
"#,
    )?;
    sandbox.collection(
        "writer",
        r#"
[[requests]]
name = "set"
url = "{{base}}/cookies/set/shared/from-the-writer"
"#,
    )?;
    sandbox
        .postie()?
        .args(["run", "reader", "writer", "--jobs", "2", "--var"])
        .arg(format!("base={}", httpbin.base()))
        .assert()
        .code(0);
    Ok(())
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// `/login` sets cookies on a 302 to `/home`, which needs them; `/other-origin` redirects to
/// `localhost` (another origin of the same server).
fn login_server() -> support::TestServer {
    support::http_server(|req: &Recorded| -> Reply {
        let cookie = req.header("cookie").unwrap_or_default().to_owned();
        match req.path().as_str() {
            "/login" => (
                302,
                vec![
                    h("location", "/home"),
                    h(
                        "set-cookie",
                        "sid=0123456789abcdef; Path=/; HttpOnly; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
                    ),
                    h("set-cookie", "sess=1; Path=/"),
                    h("set-cookie", "admin=yes; Path=/admin"),
                ],
                Vec::new(),
            ),
            "/home" if cookie.contains("sid=0123456789abcdef") && cookie.contains("sess=1") => {
                (200, vec![], cookie.into_bytes())
            }
            _ => (401, vec![], cookie.into_bytes()),
        }
    })
}

#[test]
fn a_cookie_set_on_a_redirect_hop_is_sent_on_the_next_hop_and_checked() -> TestResult {
    let server = login_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "login",
        &format!(
            r#"
[[requests]]
name = "login"
url = "{}"
follow_redirects = false
[requests.expect]
status = 302
[requests.expect.cookies]
sid = {{ exists = true }}
"sid[HttpOnly]" = true
"sid[Secure]" = false
"sid[Path]" = "/"
"sid[Expires]" = "Fri, 01 Jan 2100 00:00:00 GMT"
"sid[Max-Age]" = {{ exists = false }}
"admin[Path]" = "/admin"
[requests.capture]
sid = "cookie:sid"
sid_path = "cookie:sid[Path]"

[[requests]]
name = "home"
url = "{}"
[requests.expect]
status = 200
body = {{ contains = "{{{{sid}}}}" }}
"#,
            server.url("/login"),
            server.url("/home")
        ),
    )?;
    sandbox.postie()?.args(["run", "login"]).assert().code(0);
    // The jar sends `admin` only under its path.
    let home = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/home")
        .ok_or("no /home request")?;
    assert!(!home.header("cookie").unwrap_or_default().contains("admin"));
    Ok(())
}

#[test]
fn a_failed_cookie_value_check_masks_the_value() -> TestResult {
    let server = login_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "login",
        &format!(
            "[[requests]]\nname = \"login\"\nurl = \"{}\"\nfollow_redirects = false\n[requests.expect.cookies]\nsid = \"other\"\n",
            server.url("/login")
        ),
    )?;
    let out = sandbox
        .postie()?
        .args(["run", "login"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("cookie `sid`"), "{stderr}");
    assert!(!stderr.contains("0123456789abcdef"), "{stderr}");
    assert!(stderr.contains("\"••••••\""), "{stderr}");
    Ok(())
}

#[test]
fn redirects_follow_the_login_with_its_cookies() -> TestResult {
    let server = login_server();
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "login",
        &format!(
            "[[requests]]\nname = \"login\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\n",
            server.url("/login")
        ),
    )?;
    sandbox.postie()?.args(["run", "login"]).assert().code(0);
    Ok(())
}

/// The cookie lines of a Netscape file (comments and blank lines left out), sorted.
fn cookie_lines(path: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && (!l.starts_with('#') || l.starts_with("#HttpOnly_")))
        .map(str::to_owned)
        .collect();
    lines.sort();
    Ok(lines)
}

fn curl() -> Command {
    let mut cmd = Command::new("curl");
    cmd.args(["-q", "-s", "--noproxy", "*"])
        .stdin(Stdio::null());
    cmd
}

#[test]
fn postie_writes_the_jar_curl_writes_and_curl_reads_it() -> TestResult {
    let server = login_server();
    let sandbox = Sandbox::new()?;
    let dir = sandbox.path();
    // curl's jar for the same answers.
    let curl_jar = dir.join("curl.txt");
    let status = curl()
        .arg("-c")
        .arg(&curl_jar)
        .arg(server.url("/login"))
        .status()?;
    assert!(status.success());
    let postie_jar = dir.join("postie.txt");
    sandbox.collection(
        "login",
        &format!(
            "[[requests]]\nname = \"login\"\nurl = \"{}\"\nfollow_redirects = false\n",
            server.url("/login")
        ),
    )?;
    sandbox
        .postie()?
        .args(["run", "login", "--cookie-jar"])
        .arg(&postie_jar)
        .assert()
        .code(0);
    let postie_lines = cookie_lines(&postie_jar)?;
    assert_eq!(postie_lines, cookie_lines(&curl_jar)?);
    assert!(
        postie_lines.contains(
            &"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tsid\t0123456789abcdef".to_owned()
        ),
        "{postie_lines:?}"
    );
    assert!(
        postie_lines.contains(&"127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\t1".to_owned()),
        "{postie_lines:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&postie_jar)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // curl reads postie's jar (session cookies included) and passes /home.
    let out = curl()
        .args(["-o", "/dev/null", "-w", "%{http_code}", "-b"])
        .arg(&postie_jar)
        .arg(server.url("/home"))
        .output()?;
    assert_eq!(String::from_utf8(out.stdout)?, "200");
    Ok(())
}

#[test]
fn postie_reads_a_jar_curl_wrote_and_curl_reads_it_back() -> TestResult {
    let httpbin = Httpbin::start()?;
    let sandbox = Sandbox::new()?;
    let jar = sandbox.path().join("jar.txt");
    let status = curl()
        .args(["-o", "/dev/null", "-c"])
        .arg(&jar)
        .arg(format!(
            "{}/cookies/set?from_curl={SESSION}",
            httpbin.base()
        ))
        .status()?;
    assert!(status.success());
    sandbox.collection(
        "jar",
        r#"
[[requests]]
name = "read"
url = "{{base}}/cookies"
[requests.expect]
json = { "$.cookies.from_curl" = { exists = true } }

[[requests]]
name = "add"
url = "{{base}}/cookies/set/from_postie/yes"
"#,
    )?;
    sandbox
        .postie()?
        .args(["run", "jar", "--cookie-jar"])
        .arg(&jar)
        .arg("--var")
        .arg(format!("base={}", httpbin.base()))
        .assert()
        .code(0);
    // curl reads the jar postie wrote back and writes it again: both cookies survive.
    let out = curl()
        .arg("-b")
        .arg(&jar)
        .arg("-c")
        .arg(&jar)
        .arg(format!("{}/cookies", httpbin.base()))
        .output()?;
    let body: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(
        body["cookies"],
        serde_json::json!({ "from_curl": SESSION, "from_postie": "yes" })
    );
    assert_eq!(cookie_lines(&jar)?.len(), 2);
    Ok(())
}

#[test]
fn a_bad_jar_file_names_the_line() -> TestResult {
    let sandbox = Sandbox::new()?;
    let jar = sandbox.path().join("jar.txt");
    std::fs::write(&jar, "# Netscape HTTP Cookie File\n\n127.0.0.1\tFALSE\t/\n")?;
    let out = sandbox
        .postie()?
        .args(["send", "GET", "http://127.0.0.1:9/", "--cookie-jar"])
        .arg(&jar)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(
        stderr,
        format!(
            "postie: error: cookie jar `{}`, line 3: expected 7 fields separated by tabs (domain, subdomains, path, secure, expiry, name, value), found 3\n  hint: `--cookie-jar` takes a Netscape cookie file, as `curl -c FILE` writes it (a missing file starts an empty jar)\n",
            jar.display()
        )
    );
    Ok(())
}

/// A short cookie value (masked only in the cookie headers) and a long one (masked
/// everywhere) never show in any output or report of a run that fails a check after
/// sending them: -v, failure blocks, NDJSON, the JSON, JUnit and HAR reports.
#[test]
fn cookie_values_show_in_no_output_or_report() -> TestResult {
    let server = support::http_server(|req: &Recorded| -> Reply {
        match req.path().as_str() {
            "/login" => (
                200,
                vec![
                    h("set-cookie", "sid=0123456789abcdef; Path=/; HttpOnly"),
                    h("set-cookie", "t=zq; Path=/"),
                ],
                Vec::new(),
            ),
            // Echoes the cookies it got, as many APIs' debug endpoints do.
            _ => (
                500,
                vec![],
                req.header("cookie").unwrap_or_default().as_bytes().to_vec(),
            ),
        }
    });
    let sandbox = Sandbox::new()?;
    sandbox.collection(
        "leak",
        &format!(
            "[[requests]]\nname = \"login\"\nurl = \"{}\"\n\n[[requests]]\nname = \"echo\"\nurl = \"{}\"\n[requests.expect]\nstatus = 200\nheaders = {{ \"x-none\" = {{ exists = true }} }}\n",
            server.url("/login"),
            server.url("/echo")
        ),
    )?;
    let dir = sandbox.path();
    for json in [false, true] {
        let mut cmd = sandbox.postie()?;
        cmd.args(["run", "leak", "-v"]);
        if json {
            cmd.arg("--json");
        }
        for kind in ["json", "junit", "har"] {
            cmd.arg("--report").arg(format!(
                "{kind}={}",
                dir.join(format!("r-{json}.{kind}")).display()
            ));
        }
        let out = cmd.assert().code(1).get_output().clone();
        let mut texts = vec![
            String::from_utf8(out.stdout)?,
            String::from_utf8(out.stderr)?,
        ];
        for kind in ["json", "junit", "har"] {
            texts.push(std::fs::read_to_string(
                dir.join(format!("r-{json}.{kind}")),
            )?);
        }
        for text in &texts {
            assert!(!text.contains("0123456789abcdef"), "{text}");
            assert!(!text.contains("t=zq"), "{text}");
            assert!(!text.contains("sid=0123"), "{text}");
        }
        assert!(texts.iter().any(|t| t.contains("t=••••••")), "{texts:?}");
    }
    // The echo really carried the values (the test can fail).
    let echo = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/echo")
        .ok_or("no /echo request")?;
    assert!(echo.header("cookie").unwrap_or_default().contains("t=zq"));
    Ok(())
}

/// A cookie of 127.0.0.1 is not sent to `localhost` (another host) on a redirect, nor on a
/// later request; `--dry-run` leaves the jar file alone.
#[test]
fn cookies_stay_with_their_host_and_dry_runs_write_no_jar() -> TestResult {
    let server = support::http_server(|req: &Recorded| -> Reply {
        match req.path().as_str() {
            "/login" => {
                let port = req
                    .header("host")
                    .and_then(|h| h.rsplit(':').next())
                    .unwrap_or_default()
                    .to_owned();
                (
                    302,
                    vec![
                        h("set-cookie", "sid=0123456789abcdef; Path=/"),
                        h("location", &format!("http://localhost:{port}/elsewhere")),
                    ],
                    Vec::new(),
                )
            }
            _ => (200, vec![], Vec::new()),
        }
    });
    let sandbox = Sandbox::new()?;
    let base = server.url("");
    let port = server.addr.port();
    sandbox.collection(
        "hosts",
        &format!(
            "[[requests]]\nname = \"login\"\nurl = \"{base}/login\"\n\n[[requests]]\nname = \"other-host\"\nurl = \"http://localhost:{port}/later\"\n\n[[requests]]\nname = \"same-host\"\nurl = \"{base}/same\"\n"
        ),
    )?;
    sandbox.postie()?.args(["run", "hosts"]).assert().code(0);
    let cookie_of = |path: &str| {
        server
            .requests()
            .into_iter()
            .find(|r| r.path() == path)
            .map(|r| r.header("cookie").map(str::to_owned))
    };
    assert_eq!(cookie_of("/elsewhere"), Some(None));
    assert_eq!(cookie_of("/later"), Some(None));
    assert_eq!(
        cookie_of("/same"),
        Some(Some("sid=0123456789abcdef".to_owned()))
    );

    let jar = sandbox.path().join("jar.txt");
    sandbox
        .postie()?
        .args(["run", "hosts", "--dry-run", "--cookie-jar"])
        .arg(&jar)
        .assert()
        .code(0);
    assert!(!jar.exists());
    Ok(())
}
