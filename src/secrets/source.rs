//! The interface between interpolation and the secret stores: what `{{secret:NAME}}` asks
//! for, and why it may not get it.

/// Why a secret could not be had: a message (the resolver adds where it was needed) and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUnavailable {
    pub message: String,
    pub hint: Option<String>,
    /// The collection is at fault (e.g. an invalid secret name): a usage error, not exit 4.
    pub usage: bool,
}

/// Where `{{secret:NAME}}` values come from (environment, OS keyring, prompt).
pub trait SecretSource {
    /// The secret's value, or why it is unavailable.
    fn secret(&self, name: &str) -> Result<String, SecretUnavailable>;

    /// A secret's value that came another way (`{{env:POSTIE_SECRET_X}}` reads the variable
    /// directly): a source that masks what it hands out masks this too.
    fn register(&self, _name: &str, _value: &str) {}
}

/// The secret source used until the keyring exists: every lookup fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, name: &str) -> Result<String, SecretUnavailable> {
        Err(SecretUnavailable {
            message: format!("secret `{name}` is not available"),
            hint: None,
            usage: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_secrets_explains_itself() {
        assert_eq!(
            NoSecrets.secret("tok"),
            Err(SecretUnavailable {
                message: "secret `tok` is not available".to_string(),
                hint: None,
                usage: false
            })
        );
    }
}
