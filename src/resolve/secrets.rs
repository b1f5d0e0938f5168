//! The secret source a run uses: looks a secret up and registers its value with the masker
//! before anyone can print it.

use crate::output::mask::Masker;
use crate::template::{SecretSource, SecretUnavailable};

type Lookup = dyn Fn(&str) -> Result<String, SecretUnavailable> + Send + Sync;

/// Wraps a lookup (environment, keyring, prompt) so every value it returns is masked.
pub struct MaskingSource {
    lookup: Box<Lookup>,
    masker: Masker,
}

impl MaskingSource {
    pub fn new(
        masker: Masker,
        lookup: impl Fn(&str) -> Result<String, SecretUnavailable> + Send + Sync + 'static,
    ) -> MaskingSource {
        MaskingSource {
            lookup: Box::new(lookup),
            masker,
        }
    }
}

impl SecretSource for MaskingSource {
    fn secret(&self, name: &str) -> Result<String, SecretUnavailable> {
        let value = (self.lookup)(name)?;
        self.masker.add(name, &value);
        Ok(value)
    }
}

/// `POSTIE_SECRET_<NAME>`: NAME upper-cased, every other character than A-Z and 0-9 as `_`.
pub fn env_var_name(name: &str) -> String {
    let mut var = String::from("POSTIE_SECRET_");
    var.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    var
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
                })
            }
        });
        assert_eq!(masker.mask("a v4lue"), "a v4lue");
        assert_eq!(source.secret("tok").as_deref(), Ok("v4lue"));
        assert_eq!(masker.mask("a v4lue"), "a ••••••");
        assert!(source.secret("other").is_err());
    }

    #[test]
    fn env_var_names() {
        assert_eq!(
            env_var_name("stripe.whsec-test"),
            "POSTIE_SECRET_STRIPE_WHSEC_TEST"
        );
    }
}
