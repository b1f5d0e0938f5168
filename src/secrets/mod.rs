//! Secrets: a value type whose Debug and Display are masked, the store trait (OS keyring or
//! memory), and the resolver that looks a `{{secret:NAME}}` up in order: the
//! `POSTIE_SECRET_<NAME>` environment variable, the keyring (service `postie`), a hidden
//! prompt on a terminal, else an error naming the variable to set.

mod keyring;
mod memory;
mod prompt;
mod resolver;
mod source;

pub use keyring::KeyringStore;
pub use memory::MemoryStore;
pub use prompt::{DialoguerPrompter, Prompter};
pub use resolver::{EnvGetter, SecretResolver, StoreOpener, unavailable};
pub use source::{NoSecrets, SecretSource, SecretUnavailable};

use crate::error::{Code, Failure};

/// What every masked secret value prints as (the masker's mask).
pub use crate::util::mask::MASK;

/// The keyring service under which postie stores its secrets.
pub const SERVICE: &str = "postie";

/// Prefix of the environment variables that provide secrets (`POSTIE_SECRET_<NAME>`).
pub const ENV_PREFIX: &str = "POSTIE_SECRET_";

/// A secret value: Debug and Display print [`MASK`]; [`Secret::expose`] gives the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The secret's text. Call it only where the value must really be used or shown.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MASK)
    }
}

/// `POSTIE_SECRET_<NAME>`: NAME upper-cased, every non-alphanumeric as `_`.
pub fn env_var_name(name: &str) -> String {
    let mut var = String::from(ENV_PREFIX);
    var.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    var
}

/// Names: 1–64 chars of `[A-Za-z0-9_.-]`, starting with a letter.
pub fn validate_name(name: &str) -> Result<(), SecretError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.chars().count() > 64 {
        Some("it is longer than 64 characters")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with a letter")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        Some("only letters, digits, `_`, `.` and `-` are allowed")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(SecretError::InvalidName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Where a secret's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An environment variable (its name).
    Env(String),
    /// The OS keyring.
    Keyring,
    /// Typed at a hidden prompt.
    Prompt,
    /// A command of the collection's `[secrets]` table.
    Command,
}

/// A store of named secrets under service `postie`. Implementations may block; the keyring
/// store bounds every call by a timeout.
pub trait SecretStore: Send + Sync {
    /// A name for people: "Secret Service (D-Bus)", "macOS Keychain", "memory".
    fn name(&self) -> &str;
    /// The secret, or `None` if the store has none by that name.
    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError>;
    /// Store (or replace) a secret.
    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError>;
    /// Remove a secret; `false` if there was none.
    fn delete(&self, name: &str) -> Result<bool, SecretError>;
    /// The names stored under service `postie`, sorted.
    fn list(&self) -> Result<Vec<String>, SecretError>;
}

/// Why a secret could not be read, stored or found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// A secret name outside `[A-Za-z0-9_.-]{1,64}` or not starting with a letter.
    #[error("invalid secret name `{name}`: {reason}")]
    InvalidName { name: String, reason: &'static str },
    /// The secret is in no environment variable, not in the keyring, and could not be asked for.
    #[error("{}", missing_message(name, env_var, keyring_error.as_deref()))]
    Missing {
        name: String,
        env_var: String,
        keyring_error: Option<String>,
    },
    /// There is no D-Bus session bus, so no Secret Service to talk to.
    #[error("no Secret Service on this machine (no D-Bus session bus)")]
    NoSessionBus { detail: String },
    /// A D-Bus session bus, but no keyring daemon providing the Secret Service on it.
    #[error("no Secret Service on the D-Bus session bus (no keyring daemon is running)")]
    NoService { detail: String },
    /// The keyring refused access: it is locked, or its unlock prompt was dismissed.
    #[error("the keyring ({store}) is locked or refused access: {detail}")]
    Locked { store: String, detail: String },
    /// The keyring did not answer within the timeout.
    #[error("the keyring ({store}) did not answer within {millis} ms ({operation})")]
    Timeout {
        store: String,
        operation: String,
        millis: u128,
    },
    /// Any other failure of the keyring.
    #[error("the keyring ({store}) failed: {detail}")]
    Store { store: String, detail: String },
    /// A stored value that is not UTF-8 text.
    #[error("the keyring value of `{name}` is not text")]
    NotText { name: String },
    /// An empty value was given.
    #[error("the value for secret `{name}` is empty")]
    Empty { name: String },
    /// The two values typed at the prompt differ.
    #[error("the values typed for secret `{name}` do not match")]
    Mismatch { name: String },
    /// Reading a value from the terminal or stdin failed.
    #[error("could not read the value: {0}")]
    Input(String),
}

fn missing_message(name: &str, env_var: &str, keyring_error: Option<&str>) -> String {
    let mut text = format!(
        "secret `{name}` is not set: set the environment variable `{env_var}` \
         or store it with `postie secret set {name}`"
    );
    if let Some(error) = keyring_error {
        text.push_str(&format!(" (keyring: {error})"));
    }
    text
}

impl SecretError {
    /// The process exit code: 2 for bad input (name or value), 4 when a secret or the keyring
    /// is unavailable.
    pub fn code(&self) -> Code {
        match self {
            SecretError::InvalidName { .. }
            | SecretError::Empty { .. }
            | SecretError::Mismatch { .. }
            | SecretError::Input(_) => Code::Usage,
            _ => Code::Secret,
        }
    }

    /// What to do about it, if there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            SecretError::InvalidName { .. } => {
                Some("use 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter".into())
            }
            SecretError::Missing { keyring_error, .. } => keyring_error
                .as_ref()
                .map(|_| "`postie secret doctor` checks the keyring".into()),
            SecretError::NoSessionBus { .. } | SecretError::NoService { .. } => {
                Some("use `POSTIE_SECRET_<NAME>` variables, or start a keyring daemon".into())
            }
            SecretError::Locked { .. } => Some(
                "unlock the keyring (log in to the desktop session, or run \
                 `gnome-keyring-daemon --unlock`), or use `POSTIE_SECRET_<NAME>` variables"
                    .into(),
            ),
            SecretError::Timeout { .. } => Some(
                "the keyring daemon may be waiting for an unlock prompt: unlock the keyring, \
                 or use `POSTIE_SECRET_<NAME>` variables"
                    .into(),
            ),
            SecretError::Store { .. } => Some("`postie secret doctor` checks the keyring".into()),
            _ => None,
        }
    }
}

impl From<SecretError> for Failure {
    fn from(err: SecretError) -> Failure {
        let mut failure = Failure::new(err.code(), err.to_string());
        if let Some(hint) = err.hint() {
            failure = failure.with_hint(hint);
        }
        failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_prints_as_a_mask() {
        let secret = Secret::new("hunter2".into());
        assert_eq!(format!("{secret}"), "••••••");
        assert_eq!(format!("{secret:?}"), "Secret(••••••)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(••••••))");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(MASK, "••••••");
    }

    #[test]
    fn env_var_names() {
        assert_eq!(env_var_name("token"), "POSTIE_SECRET_TOKEN");
        assert_eq!(env_var_name("sofa_token"), "POSTIE_SECRET_SOFA_TOKEN");
        assert_eq!(env_var_name("gh.api-key2"), "POSTIE_SECRET_GH_API_KEY2");
        assert_eq!(env_var_name("Mixed"), "POSTIE_SECRET_MIXED");
    }

    #[test]
    fn valid_names() {
        for name in ["a", "token", "Sofa_token", "gh.api-key2", &"a".repeat(64)] {
            assert_eq!(validate_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn invalid_names_say_why() {
        let reason = |name: &str| match validate_name(name) {
            Err(SecretError::InvalidName { reason, .. }) => reason,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(reason(""), "it is empty");
        assert_eq!(reason(&"a".repeat(65)), "it is longer than 64 characters");
        assert_eq!(reason("1token"), "it must start with a letter");
        assert_eq!(reason("_token"), "it must start with a letter");
        assert_eq!(
            reason("my token"),
            "only letters, digits, `_`, `.` and `-` are allowed"
        );
        assert_eq!(
            reason("tökén"),
            "only letters, digits, `_`, `.` and `-` are allowed"
        );
        assert_eq!(
            validate_name("a/b").map_err(|e| e.to_string()),
            Err(
                "invalid secret name `a/b`: only letters, digits, `_`, `.` and `-` are allowed"
                    .into()
            )
        );
    }

    #[test]
    fn missing_names_the_variable() {
        let err = SecretError::Missing {
            name: "sofa_token".into(),
            env_var: "POSTIE_SECRET_SOFA_TOKEN".into(),
            keyring_error: None,
        };
        assert_eq!(
            err.to_string(),
            "secret `sofa_token` is not set: set the environment variable \
             `POSTIE_SECRET_SOFA_TOKEN` or store it with `postie secret set sofa_token`"
        );
        assert_eq!(err.code(), Code::Secret);
        assert_eq!(err.hint(), None);
    }

    #[test]
    fn failures_carry_code_and_hint() {
        let failure = Failure::from(SecretError::NoSessionBus { detail: "x".into() });
        assert_eq!(failure.code, Code::Secret);
        assert_eq!(
            failure.message,
            "no Secret Service on this machine (no D-Bus session bus)"
        );
        assert!(
            failure
                .hint
                .as_deref()
                .is_some_and(|h| h.starts_with("use `POSTIE_SECRET_<NAME>` variables"))
        );
        let usage = Failure::from(validate_name("9").unwrap_err());
        assert_eq!(usage.code, Code::Usage);
    }
}
