//! The secret source a run uses: looks a secret up and registers its value with the masker
//! before anyone can print it.

use crate::secrets::env_var_name;
use crate::secrets::{SecretSource, SecretUnavailable};
use crate::util::mask::Masker;

type Lookup = dyn Fn(&str) -> Result<String, SecretUnavailable> + Send + Sync;

/// Wraps a lookup (environment, command, keyring, prompt) so every value it returns is masked,
/// and each secret is looked up once per run (a password manager is asked once, not per request).
pub struct MaskingSource {
    lookup: Box<Lookup>,
    masker: Masker,
    cache: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl MaskingSource {
    pub fn new(
        masker: Masker,
        lookup: impl Fn(&str) -> Result<String, SecretUnavailable> + Send + Sync + 'static,
    ) -> MaskingSource {
        MaskingSource {
            lookup: Box::new(lookup),
            masker,
            cache: Default::default(),
        }
    }
}

impl SecretSource for MaskingSource {
    fn secret(&self, name: &str) -> Result<String, SecretUnavailable> {
        let mut cache = match self.cache.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(value) = cache.get(name) {
            return Ok(value.clone());
        }
        let value = (self.lookup)(name)?;
        self.masker.add(name, &value);
        cache.insert(name.to_string(), value.clone());
        Ok(value)
    }

    fn register(&self, name: &str, value: &str) {
        self.masker.add(name, value);
    }
}

/// How long a `[secrets]` command may run unless its entry sets `timeout`.
pub const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The most a `[secrets]` command may print: a secret is a line, not a stream.
pub const COMMAND_OUTPUT_CAP: usize = 64 * 1024;

/// [`run_command_within`] with the default timeout, [`COMMAND_TIMEOUT`].
pub fn run_command(name: &str, argv: &[String]) -> Result<String, SecretUnavailable> {
    run_command_within(name, argv, COMMAND_TIMEOUT)
}

/// Run a `[secrets]` command (no shell) and take its stdout, less one trailing newline, as the
/// secret. Its stdin and stderr stay the terminal's, so a password manager can ask to unlock.
/// A command that runs longer than `timeout` or prints more than [`COMMAND_OUTPUT_CAP`] is
/// killed and the secret is unavailable.
pub fn run_command_within(
    name: &str,
    argv: &[String],
    timeout: std::time::Duration,
) -> Result<String, SecretUnavailable> {
    use std::io::Read as _;
    use std::time::Instant;

    let shown = argv.join(" ");
    let var = env_var_name(name);
    let fail = |message: String| SecretUnavailable {
        message,
        hint: Some(format!("run `{shown}` yourself to see why, or set `{var}`")),
        usage: false,
    };
    let Some((program, args)) = argv.split_first() else {
        return Err(fail(format!("secret `{name}` has an empty command")));
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::inherit())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("secret `{name}`: could not run `{program}`: {e}")))?;
    let deadline = Instant::now() + timeout;
    let too_slow = || SecretUnavailable {
        message: format!(
            "secret `{name}`: `{shown}` did not finish within {}",
            humantime::format_duration(timeout)
        ),
        hint: Some(format!(
            "set a longer `timeout` in its `[secrets]` entry (e.g. `timeout = \"2m\"`), or set `{var}`"
        )),
        usage: false,
    };
    // Read stdout on a thread, so a command that never closes it cannot block the run.
    let mut stdout = child.stdout.take();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = match stdout.as_mut() {
            Some(out) => out
                .take(COMMAND_OUTPUT_CAP as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes),
            None => Ok(bytes),
        };
        let _ = tx.send(result);
    });
    let stop = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let remaining = || deadline.saturating_duration_since(Instant::now());
    let stdout = match rx.recv_timeout(remaining()) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            stop(&mut child);
            return Err(fail(format!(
                "secret `{name}`: could not read what `{shown}` printed: {e}"
            )));
        }
        Err(_) => {
            stop(&mut child);
            return Err(too_slow());
        }
    };
    if stdout.len() > COMMAND_OUTPUT_CAP {
        stop(&mut child);
        return Err(fail(format!(
            "secret `{name}`: `{shown}` printed more than 64 KiB, too much for a secret"
        )));
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if remaining().is_zero() => {
                stop(&mut child);
                return Err(too_slow());
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => {
                stop(&mut child);
                return Err(fail(format!("secret `{name}`: waiting for `{shown}`: {e}")));
            }
        }
    };
    if !status.success() {
        let status = match status.code() {
            Some(code) => format!("exit code {code}"),
            None => "killed by a signal".to_string(),
        };
        return Err(fail(format!(
            "secret `{name}`: `{shown}` failed ({status})"
        )));
    }
    let mut value = String::from_utf8(stdout).map_err(|_| {
        fail(format!(
            "secret `{name}`: `{shown}` printed something that is not UTF-8 text"
        ))
    })?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    if value.is_empty() {
        return Err(fail(format!("secret `{name}`: `{shown}` printed nothing")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_values_are_masked_from_then_on() {
        let masker = Masker::new(false);
        let source = MaskingSource::new(masker.clone(), |name| {
            if name == "tok" {
                Ok("v4lue".to_string())
            } else {
                Err(SecretUnavailable {
                    message: format!("secret `{name}` is not set"),
                    hint: None,
                    usage: false,
                })
            }
        });
        assert_eq!(masker.mask("a v4lue"), "a v4lue");
        assert_eq!(source.secret("tok").as_deref(), Ok("v4lue"));
        assert_eq!(masker.mask("a v4lue"), "a ••••••");
        assert!(source.secret("other").is_err());
    }

    #[test]
    fn each_secret_is_looked_up_once() {
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = calls.clone();
        let source = MaskingSource::new(Masker::new(false), move |_| {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok("v".to_string())
        });
        for _ in 0..3 {
            assert_eq!(source.secret("a").as_deref(), Ok("v"));
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn commands_give_their_stdout_less_the_newline() {
        let argv = |args: &[&str]| args.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            run_command("pw", &argv(&["printf", "s3cret\\n"])).as_deref(),
            Ok("s3cret")
        );
        let failed = run_command("pw", &argv(&["false"])).unwrap_err();
        assert_eq!(failed.message, "secret `pw`: `false` failed (exit code 1)");
        assert_eq!(
            failed.hint.as_deref(),
            Some("run `false` yourself to see why, or set `POSTIE_SECRET_PW`")
        );
        let missing = run_command("pw", &argv(&["no-such-program-postie"])).unwrap_err();
        assert!(
            missing
                .message
                .starts_with("secret `pw`: could not run `no-such-program-postie`"),
            "{}",
            missing.message
        );
        assert_eq!(
            run_command("pw", &argv(&["true"])).unwrap_err().message,
            "secret `pw`: `true` printed nothing"
        );
    }

    #[test]
    fn env_var_names() {
        assert_eq!(
            env_var_name("stripe.whsec-test"),
            "POSTIE_SECRET_STRIPE_WHSEC_TEST"
        );
    }
}
