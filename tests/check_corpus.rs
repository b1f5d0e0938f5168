//! `postie check` on every collection of `tests/check_corpus/`: each line marked `#! MESSAGE`
//! must be flagged with that message, nothing else may be, and the exit code says whether
//! anything was (see `tests/check_corpus/README.md`).

mod support;

use std::collections::BTreeSet;
use std::error::Error;

use support::sandbox::std_command_in;

/// The (line, message) findings marked in a corpus file.
fn marked(source: &str) -> BTreeSet<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (_, message) = line.split_once("#! ")?;
            Some((i + 1, message.trim().to_string()))
        })
        .collect()
}

/// The (line, message) findings `postie check` printed: `postie: warning: MESSAGE` then
/// ` --> FILE:LINE:COL`.
fn reported(stderr: &str) -> Result<BTreeSet<(usize, String)>, Box<dyn Error>> {
    let mut found = BTreeSet::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        let Some(message) = line.strip_prefix("postie: warning: ") else {
            continue;
        };
        let at = lines.next().unwrap_or_default();
        let position = at.rsplit(".toml:").next().unwrap_or_default();
        let line_no: usize = position.split(':').next().unwrap_or_default().parse()?;
        found.insert((line_no, message.to_string()));
    }
    Ok(found)
}

#[test]
fn check_flags_exactly_the_marked_credentials() -> Result<(), Box<dyn Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check_corpus");
    let sandbox = tempfile::tempdir()?;
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let (mut positive, mut negative) = (0, 0);
    let mut wrong = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file)?;
        let expected = marked(&source);
        if expected.is_empty() {
            negative += 1;
        } else {
            positive += 1;
        }
        let out = std_command_in(sandbox.path())
            .arg("check")
            .arg(file)
            .output()?;
        let stderr = String::from_utf8(out.stderr)?;
        let found = reported(&stderr)?;
        let code = out.status.code();
        let want_code = if expected.is_empty() { 0 } else { 1 };
        if found != expected || code != Some(want_code) {
            wrong.push(format!(
                "{}: exit {code:?} (want {want_code})\n  missed: {:?}\n  extra: {:?}\n{stderr}",
                file.display(),
                expected.difference(&found).collect::<Vec<_>>(),
                found.difference(&expected).collect::<Vec<_>>(),
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        files.len(),
        wrong.join("\n")
    );
    assert!(
        positive >= 30 && negative >= 25,
        "{positive} positive, {negative} negative cases"
    );
    Ok(())
}
