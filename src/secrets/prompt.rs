//! Asking a person for a secret: a trait, so tests can answer without a terminal.

use super::{Secret, SecretError};

/// Hidden-input prompts on the terminal.
pub trait Prompter: Send + Sync {
    /// Reads a value without echoing it; with `confirm`, asks a second time and compares.
    fn password(&self, prompt: &str, confirm: bool) -> Result<Secret, SecretError>;
    /// A yes/no question (default no).
    fn confirm(&self, prompt: &str) -> Result<bool, SecretError>;
}

/// Prompts on stderr with hidden input (the terminal's echo is turned off while typing).
#[derive(Debug, Clone, Copy, Default)]
pub struct DialoguerPrompter;

impl DialoguerPrompter {
    fn read_hidden(term: &dialoguer::console::Term, prompt: &str) -> Result<String, SecretError> {
        term.write_str(&format!("{prompt}: "))
            .and_then(|()| term.read_secure_line())
            .map_err(|e| SecretError::Input(e.to_string()))
    }
}

impl Prompter for DialoguerPrompter {
    fn password(&self, prompt: &str, confirm: bool) -> Result<Secret, SecretError> {
        let term = dialoguer::console::Term::stderr();
        let value = DialoguerPrompter::read_hidden(&term, prompt)?;
        if confirm {
            let again = DialoguerPrompter::read_hidden(&term, "again")?;
            if again != value {
                return Err(SecretError::Mismatch {
                    name: prompt_name(prompt),
                });
            }
        }
        Ok(Secret::new(value))
    }

    fn confirm(&self, prompt: &str) -> Result<bool, SecretError> {
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact_on(&dialoguer::console::Term::stderr())
            .map_err(|e| SecretError::Input(e.to_string()))
    }
}

/// The name in backticks in a prompt such as "value for `token`", else the whole prompt.
fn prompt_name(prompt: &str) -> String {
    prompt
        .split('`')
        .nth(1)
        .map_or_else(|| prompt.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_names() {
        assert_eq!(prompt_name("value for secret `token`"), "token");
        assert_eq!(prompt_name("value"), "value");
    }
}
