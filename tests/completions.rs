//! The committed scripts under `completions/` must match what the binary generates.
//! `UPDATE_COMPLETIONS=1 cargo test --test completions` rewrites them.

use std::path::PathBuf;

use clap_complete::Shell;
use postie::commands::completions::{file_name, generate};

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

#[test]
fn committed_completions_are_in_sync() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for shell in SHELLS {
        let path = dir.join(file_name(shell));
        let fresh = generate(shell);
        assert!(fresh.len() > 500, "{shell} script looks empty");
        if update {
            std::fs::write(&path, &fresh).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&fresh[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions (run `UPDATE_COMPLETIONS=1 cargo test --test completions`): {stale:?}"
    );
}

#[test]
fn completions_command_prints_the_same_script() {
    let out = assert_cmd::Command::cargo_bin("postie")
        .unwrap()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, generate(Shell::Bash));
    assert!(String::from_utf8_lossy(&out.stdout).contains("postie__subcmd__run"));
}
