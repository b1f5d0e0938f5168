//! A real Secret Service for tests: a private `dbus-daemon --session` and an unlocked
//! `gnome-keyring-daemon --components=secrets` in a temp `XDG_RUNTIME_DIR`/`XDG_DATA_HOME`,
//! stopped on drop. `scripts/test` installs the `dbus` and `gnome-keyring` packages (as root);
//! when they are missing the tests fail with the fix, unless `POSTIE_SKIP_KEYRING_TESTS=1` on a
//! local run without them (refused when `CI` is set: CI never skips).

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Keyring {
    dir: tempfile::TempDir,
    dbus_pid: String,
    keyring_pid: Option<String>,
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `CI` is set (and not `false`/`0`), as CI services and `.ci/run` do.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

impl Keyring {
    /// Starts the daemons, or returns `None` when they are missing and skipping is allowed.
    pub fn start() -> Option<Keyring> {
        let missing: Vec<&str> = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"]
            .into_iter()
            .filter(|p| !installed(p))
            .collect();
        if !missing.is_empty() {
            const FIX: &str = "run the tests with `scripts/test` (as root it installs them), \
                               or: `sudo apt-get install -y gnome-keyring dbus`";
            let skip = std::env::var("POSTIE_SKIP_KEYRING_TESTS").as_deref() == Ok("1");
            if skip && in_ci() {
                panic!(
                    "{missing:?} not installed, and POSTIE_SKIP_KEYRING_TESTS is refused in CI \
                     (CI is set): {FIX}"
                );
            }
            if skip {
                eprintln!("skipping a keyring test: {missing:?} not installed");
                return None;
            }
            panic!(
                "{missing:?} not installed: {FIX} \
                 (or set POSTIE_SKIP_KEYRING_TESTS=1 to skip the keyring tests locally)"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let address = format!("unix:path={}", dir.path().join("bus").display());
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--nopidfile", "--print-pid"])
            .arg(format!("--address={address}"))
            .env("XDG_RUNTIME_DIR", dir.path())
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "dbus-daemon failed: {out:?}");
        let dbus_pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let mut keyring = Keyring {
            dir,
            dbus_pid,
            keyring_pid: None,
        };
        // `--unlock` reads the login keyring's password on stdin: a fresh XDG_DATA_HOME means
        // it creates that keyring with this password and leaves it unlocked.
        let mut child = keyring
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"postie-test-password")
            .unwrap();
        assert!(
            child.wait().unwrap().success(),
            "gnome-keyring-daemon failed"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !keyring.bus_query("NameHasOwner").contains("boolean true") {
            assert!(
                Instant::now() < deadline,
                "the Secret Service never appeared on the test bus"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        keyring.keyring_pid = keyring
            .bus_query("GetConnectionUnixProcessID")
            .split_whitespace()
            .skip_while(|w| *w != "uint32")
            .nth(1)
            .map(str::to_string);
        Some(keyring)
    }

    /// A command that sees this Secret Service (and nothing of the real user's session).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for (key, value) in self.env() {
            cmd.env(key, value);
        }
        cmd
    }

    /// The variables a child process needs to reach this Secret Service.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address().into()),
            ("XDG_RUNTIME_DIR", self.dir.path().to_path_buf().into()),
            ("XDG_DATA_HOME", self.dir.path().join("data").into()),
        ]
    }

    pub fn address(&self) -> String {
        format!("unix:path={}", self.dir.path().join("bus").display())
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `org.freedesktop.DBus.<method>("org.freedesktop.secrets")` on the test bus.
    fn bus_query(&self, method: &str) -> String {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address()))
            .args([
                "--dest=org.freedesktop.DBus",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/DBus",
            ])
            .arg(format!("org.freedesktop.DBus.{method}"))
            .arg("string:org.freedesktop.secrets")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for pid in std::iter::once(&self.dbus_pid).chain(self.keyring_pid.as_ref()) {
            let _ = Command::new("kill").arg(pid).status();
        }
    }
}
