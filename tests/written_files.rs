//! Files postie writes (`-o PATH`, `--report KIND=PATH`): a regular file or a new path is
//! written atomically (temp + rename), anything else is never replaced: a symlink is followed
//! (its target truncated and written, as `curl -o` does), a FIFO or device is written through,
//! and a full device is a clear error (exit 2, "no space left on device", naming the path).
//! The reference is curl: the same URL fetched by `curl -o` onto the same kind of path leaves
//! the same file system state.

mod support;

use std::error::Error;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use support::TestServer;
use support::sandbox::Sandbox;

type TestResult = Result<(), Box<dyn Error>>;

const BODY: &[u8] = b"{\"written\": \"through\"}\n";

fn server() -> TestServer {
    support::http_server(|_| {
        (
            200,
            vec![("content-type".to_owned(), "application/json".to_owned())],
            BODY.to_vec(),
        )
    })
}

fn shop(sandbox: &Sandbox, server: &TestServer) -> std::io::Result<()> {
    sandbox.collection(
        "shop",
        &format!(
            "[[requests]]\nname = \"get\"\nurl = \"{}\"\n",
            server.url("/body")
        ),
    )
}

/// `curl -sS -o PATH URL`: the reference for what `-o` does to the path.
fn curl_to(path: &Path, url: &str) -> Result<std::process::Output, Box<dyn Error>> {
    // curl comes from scripts/test's Debian packages; away from any proxy or `.curlrc`.
    let home = tempfile::tempdir()?;
    Ok(std::process::Command::new("curl")
        .env("HOME", home.path())
        .env("CURL_HOME", home.path())
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .args(["-sS", "-o"])
        .arg(path)
        .arg(url)
        .output()?)
}

fn mkfifo(path: &Path) -> TestResult {
    let status = std::process::Command::new("mkfifo").arg(path).status()?;
    assert!(status.success(), "mkfifo {}", path.display());
    Ok(())
}

/// Reads a FIFO to its end on a thread of its own.
fn read_fifo(path: &Path) -> std::thread::JoinHandle<Vec<u8>> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .expect("reading the fifo");
        bytes
    })
}

#[test]
fn output_to_a_new_or_regular_file_is_atomic_and_keeps_no_temporary_file() -> TestResult {
    let server = server();
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server)?;
    let out = sandbox.path().join("out.json");
    std::fs::write(&out, b"an older, longer body that must go entirely")?;
    sandbox
        .command()
        .args(["run", "shop", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    assert_eq!(std::fs::read(&out)?, BODY);
    let leftovers: Vec<_> = std::fs::read_dir(sandbox.path())?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".postie-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Same result as curl onto a regular file.
    let reference = sandbox.path().join("curl.json");
    std::fs::write(&reference, b"an older, longer body that must go entirely")?;
    assert!(curl_to(&reference, &server.url("/body"))?.status.success());
    assert_eq!(std::fs::read(&reference)?, std::fs::read(&out)?);
    Ok(())
}

#[test]
fn output_and_report_through_a_symlink_write_its_target_like_curl() -> TestResult {
    let server = server();
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server)?;
    let dir = sandbox.path();
    for (who, name) in [("postie", "p"), ("curl", "c")] {
        let target = dir.join(format!("{name}-target"));
        std::fs::write(
            &target,
            b"old contents, longer than the body ......................",
        )?;
        std::os::unix::fs::symlink(&target, dir.join(format!("{name}-link")))?;
        let link = dir.join(format!("{name}-link"));
        if who == "postie" {
            sandbox
                .command()
                .args(["run", "shop", "-q", "-o"])
                .arg(&link)
                .assert()
                .code(0);
        } else {
            assert!(curl_to(&link, &server.url("/body"))?.status.success());
        }
        assert!(
            std::fs::symlink_metadata(&link)?.file_type().is_symlink(),
            "{who}: the link stays a link"
        );
        assert_eq!(
            std::fs::read(&target)?,
            BODY,
            "{who}: the target holds the body"
        );
    }
    // A report through a symlink: the link stays, the target gets the report.
    let target = dir.join("report-target.xml");
    std::fs::write(&target, b"old")?;
    let link = dir.join("report-link.xml");
    std::os::unix::fs::symlink(&target, &link)?;
    sandbox
        .command()
        .args(["run", "shop", "-q", "--report"])
        .arg(format!("junit={}", link.display()))
        .assert()
        .code(0);
    assert!(std::fs::symlink_metadata(&link)?.file_type().is_symlink());
    let report = std::fs::read_to_string(&target)?;
    assert!(report.starts_with("<?xml"), "{report}");
    Ok(())
}

#[test]
fn output_and_report_into_a_fifo_are_written_through() -> TestResult {
    let server = server();
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server)?;
    // -o into a FIFO: postie and curl deliver the same bytes, the FIFO stays a FIFO.
    for who in ["postie", "curl"] {
        let fifo = sandbox.path().join(format!("{who}.fifo"));
        mkfifo(&fifo)?;
        let reader = read_fifo(&fifo);
        if who == "postie" {
            sandbox
                .command()
                .args(["run", "shop", "-q", "-o"])
                .arg(&fifo)
                .timeout(std::time::Duration::from_secs(20))
                .assert()
                .code(0);
        } else {
            assert!(curl_to(&fifo, &server.url("/body"))?.status.success());
        }
        let got = reader.join().map_err(|_| "fifo reader panicked")?;
        assert_eq!(got, BODY, "{who}");
        assert!(std::fs::symlink_metadata(&fifo)?.file_type().is_fifo());
    }
    // A JSON report into a FIFO.
    let fifo = sandbox.path().join("report.fifo");
    mkfifo(&fifo)?;
    let reader = read_fifo(&fifo);
    sandbox
        .command()
        .args(["run", "shop", "-q", "--report"])
        .arg(format!("json={}", fifo.display()))
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(0);
    let got = String::from_utf8(reader.join().map_err(|_| "fifo reader panicked")?)?;
    assert!(got.trim_start().starts_with('{'), "{got}");
    assert!(got.contains("\"get\""), "{got}");
    assert!(std::fs::symlink_metadata(&fifo)?.file_type().is_fifo());
    Ok(())
}

#[cfg(target_os = "linux")]
#[test]
fn dev_null_stays_a_device_and_dev_full_is_a_clear_error() -> TestResult {
    let server = server();
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server)?;
    for kind in ["junit", "json", "har"] {
        sandbox
            .command()
            .args(["run", "shop", "-q", "--report"])
            .arg(format!("{kind}=/dev/null"))
            .assert()
            .code(0);
        assert!(std::fs::metadata("/dev/null")?.file_type().is_char_device());
        let out = sandbox
            .command()
            .args(["run", "shop", "-q", "--report"])
            .arg(format!("{kind}=/dev/full"))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("`/dev/full`: no space left on device"),
            "{kind}: {stderr}"
        );
        assert!(std::fs::metadata("/dev/full")?.file_type().is_char_device());
    }
    sandbox
        .command()
        .args(["run", "shop", "-q", "-o", "/dev/null"])
        .assert()
        .code(0);
    assert!(std::fs::metadata("/dev/null")?.file_type().is_char_device());
    let out = sandbox
        .command()
        .args(["run", "shop", "-q", "-o", "/dev/full"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("could not write `/dev/full`: no space left on device"),
        "{stderr}"
    );
    assert!(std::fs::metadata("/dev/full")?.file_type().is_char_device());
    // curl fails too (exit 23, a write error) and leaves the device alone.
    let curl = curl_to(Path::new("/dev/full"), &server.url("/body"))?;
    assert_eq!(curl.status.code(), Some(23));
    assert!(std::fs::metadata("/dev/full")?.file_type().is_char_device());
    Ok(())
}

#[test]
fn output_to_dev_stdout_goes_to_stdout_like_curl() -> TestResult {
    let server = server();
    let sandbox = Sandbox::new()?;
    shop(&sandbox, &server)?;
    let out = sandbox
        .command()
        .args(["run", "shop", "-q", "-o", "/dev/stdout"])
        .assert()
        .code(0);
    let curl = curl_to(Path::new("/dev/stdout"), &server.url("/body"))?;
    assert_eq!(out.get_output().stdout, curl.stdout);
    assert_eq!(out.get_output().stdout, BODY);
    Ok(())
}
