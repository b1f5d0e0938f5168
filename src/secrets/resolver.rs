//! Resolving `{{secret:NAME}}`: the `POSTIE_SECRET_<NAME>` environment variable, then the
//! keyring (opened on first need), then a hidden prompt (terminal only), else an error that
//! names the variable to set. Values are cached for the run.

use std::sync::{Mutex, MutexGuard, OnceLock};

use super::{
    DialoguerPrompter, KeyringStore, Prompter, Secret, SecretError, SecretStore, Source,
    env_var_name, validate_name,
};
use super::{SecretSource, SecretUnavailable};

/// Opens the store on first need.
pub type StoreOpener = Box<dyn Fn() -> Result<Box<dyn SecretStore>, SecretError> + Send + Sync>;

/// Reads an environment variable (injectable so tests need not change the real environment).
pub type EnvGetter = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Looks secrets up in order and remembers what it found.
pub struct SecretResolver {
    open: StoreOpener,
    store: OnceLock<Result<Box<dyn SecretStore>, SecretError>>,
    prompter: Option<Box<dyn Prompter>>,
    env: EnvGetter,
    /// Held for a whole lookup, so two lookups never prompt at once.
    resolving: Mutex<()>,
    cache: Mutex<Vec<(String, Secret, Source)>>,
}

impl std::fmt::Debug for SecretResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = lock(&self.cache).iter().map(|c| c.0.clone()).collect();
        f.debug_struct("SecretResolver")
            .field("interactive", &self.prompter.is_some())
            .field("resolved", &names)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl SecretResolver {
    /// `store` is called at most once, when a secret is first needed from the keyring.
    /// `prompter` is `Some` only when prompting is allowed (a terminal, not CI).
    pub fn new(store: StoreOpener, prompter: Option<Box<dyn Prompter>>) -> SecretResolver {
        SecretResolver {
            open: store,
            store: OnceLock::new(),
            prompter,
            env: Box::new(|var| std::env::var(var).ok()),
            resolving: Mutex::new(()),
            cache: Mutex::new(Vec::new()),
        }
    }

    /// The real thing: the process environment, the OS keyring, and hidden prompts on the
    /// terminal when `interactive` (see `Context::interactive`).
    pub fn system(interactive: bool) -> SecretResolver {
        let prompter: Option<Box<dyn Prompter>> = if interactive {
            Some(Box::new(DialoguerPrompter))
        } else {
            None
        };
        SecretResolver::new(
            Box::new(|| KeyringStore::open().map(|s| Box::new(s) as Box<dyn SecretStore>)),
            prompter,
        )
    }

    /// Reads environment variables through `env` instead of the process environment.
    pub fn with_env(mut self, env: EnvGetter) -> SecretResolver {
        self.env = env;
        self
    }

    /// Resolve `name` (cached per run). A secret found nowhere gives
    /// [`SecretError::Missing`], naming the secret and the variable to set.
    pub fn resolve(&self, name: &str) -> Result<(Secret, Source), SecretError> {
        validate_name(name)?;
        let _one_at_a_time = lock(&self.resolving);
        if let Some((_, secret, source)) = lock(&self.cache).iter().find(|c| c.0 == name) {
            return Ok((secret.clone(), source.clone()));
        }
        let (secret, source) = self.lookup(name)?;
        lock(&self.cache).push((name.to_string(), secret.clone(), source.clone()));
        Ok((secret, source))
    }

    /// Every (name, value) resolved so far, in the order they were first resolved.
    pub fn resolved(&self) -> Vec<(String, Secret)> {
        lock(&self.cache)
            .iter()
            .map(|(name, secret, _)| (name.clone(), secret.clone()))
            .collect()
    }

    /// The keyring, opened on first use (an error to open it is remembered too).
    fn store(&self) -> Result<&dyn SecretStore, SecretError> {
        match self.store.get_or_init(|| (self.open)()) {
            Ok(store) => Ok(store.as_ref()),
            Err(e) => Err(e.clone()),
        }
    }

    fn lookup(&self, name: &str) -> Result<(Secret, Source), SecretError> {
        let env_var = env_var_name(name);
        // An empty variable counts as unset: CI systems expand a missing secret to "".
        if let Some(value) = (self.env)(&env_var).filter(|v| !v.is_empty()) {
            return Ok((Secret::new(value), Source::Env(env_var)));
        }
        let keyring_error = match self.store().and_then(|store| store.get(name)) {
            Ok(Some(secret)) => return Ok((secret, Source::Keyring)),
            Ok(None) => None,
            Err(e) => Some(e),
        };
        if let Some(prompter) = &self.prompter {
            let secret = prompter.password(&format!("value for secret `{name}`"), false)?;
            if secret.expose().is_empty() {
                return Err(SecretError::Empty { name: name.into() });
            }
            if keyring_error.is_none()
                && prompter.confirm(&format!("save `{name}` to the keyring?"))?
            {
                self.store()?.set(name, &secret)?;
            }
            return Ok((secret, Source::Prompt));
        }
        Err(SecretError::Missing {
            name: name.into(),
            env_var,
            keyring_error: keyring_error.map(|e| e.to_string()),
        })
    }
}

/// Plugs into `Resolver::with_secrets`. The message names the secret (`resolve` adds where in
/// the collection it was needed), the hint what to do.
impl SecretSource for SecretResolver {
    fn secret(&self, name: &str) -> Result<String, SecretUnavailable> {
        self.resolve(name)
            .map(|(secret, _)| secret.expose().to_string())
            .map_err(|e| unavailable(&e))
    }
}

/// A `SecretError` as the collection resolver reports it.
pub fn unavailable(err: &SecretError) -> SecretUnavailable {
    match err {
        SecretError::Missing {
            name,
            env_var,
            keyring_error,
        } => SecretUnavailable {
            message: format!("secret `{name}` is not set"),
            hint: Some(match keyring_error {
                None => format!(
                    "set the environment variable `{env_var}`, or store it with `postie secret set {name}`"
                ),
                Some(why) => format!(
                    "set the environment variable `{env_var}` (the keyring is unavailable: {why}; `postie secret doctor` says more)"
                ),
            }),
            usage: false,
        },
        other => SecretUnavailable {
            message: other.to_string(),
            hint: other.hint(),
            usage: matches!(other, SecretError::InvalidName { .. }),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::secrets::MemoryStore;

    /// A store shared with the test, so the test can look inside after the resolver used it.
    struct Shared(Arc<MemoryStore>);

    impl SecretStore for Shared {
        fn name(&self) -> &str {
            self.0.name()
        }
        fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
            self.0.get(name)
        }
        fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
            self.0.set(name, value)
        }
        fn delete(&self, name: &str) -> Result<bool, SecretError> {
            self.0.delete(name)
        }
        fn list(&self) -> Result<Vec<String>, SecretError> {
            self.0.list()
        }
    }

    /// Answers prompts from a script and counts them.
    struct FakePrompter {
        value: &'static str,
        save: bool,
        asked: Arc<Mutex<Vec<String>>>,
    }

    impl Prompter for FakePrompter {
        fn password(&self, prompt: &str, _confirm: bool) -> Result<Secret, SecretError> {
            lock(&self.asked).push(prompt.to_string());
            Ok(Secret::new(self.value.into()))
        }
        fn confirm(&self, prompt: &str) -> Result<bool, SecretError> {
            lock(&self.asked).push(prompt.to_string());
            Ok(self.save)
        }
    }

    struct Setup {
        store: Arc<MemoryStore>,
        opened: Arc<AtomicUsize>,
        asked: Arc<Mutex<Vec<String>>>,
    }

    fn resolver(
        keyring: &[(&str, &str)],
        env: &[(&'static str, &'static str)],
        prompt: Option<(&'static str, bool)>,
    ) -> (SecretResolver, Setup) {
        let store = Arc::new(MemoryStore::with(keyring));
        let opened = Arc::new(AtomicUsize::new(0));
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (s, o) = (store.clone(), opened.clone());
        let opener: StoreOpener = Box::new(move || {
            o.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(Shared(s.clone())) as Box<dyn SecretStore>)
        });
        let prompter = prompt.map(|(value, save)| {
            Box::new(FakePrompter {
                value,
                save,
                asked: asked.clone(),
            }) as Box<dyn Prompter>
        });
        let vars: HashMap<&'static str, &'static str> = env.iter().copied().collect();
        let resolver = SecretResolver::new(opener, prompter)
            .with_env(Box::new(move |var| vars.get(var).map(|v| v.to_string())));
        (
            resolver,
            Setup {
                store,
                opened,
                asked,
            },
        )
    }

    fn found(r: Result<(Secret, Source), SecretError>) -> (String, Source) {
        match r {
            Ok((secret, source)) => (secret.expose().to_string(), source),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_environment_comes_first_and_the_keyring_stays_closed() {
        let (r, setup) = resolver(
            &[("api_token", "from-keyring")],
            &[("POSTIE_SECRET_API_TOKEN", "from-env")],
            Some(("typed", true)),
        );
        assert_eq!(
            found(r.resolve("api_token")),
            (
                "from-env".into(),
                Source::Env("POSTIE_SECRET_API_TOKEN".into())
            )
        );
        assert_eq!(setup.opened.load(Ordering::SeqCst), 0);
        assert!(lock(&setup.asked).is_empty());
    }

    #[test]
    fn the_keyring_comes_second() {
        let (r, setup) = resolver(
            &[("api_token", "from-keyring")],
            &[("POSTIE_SECRET_API_TOKEN", "")],
            Some(("typed", true)),
        );
        assert_eq!(
            found(r.resolve("api_token")),
            ("from-keyring".into(), Source::Keyring)
        );
        assert_eq!(setup.opened.load(Ordering::SeqCst), 1);
        assert!(lock(&setup.asked).is_empty());
    }

    #[test]
    fn the_prompt_comes_last_and_saves_on_yes() -> Result<(), SecretError> {
        let (r, setup) = resolver(&[], &[], Some(("typed-value", true)));
        assert_eq!(
            found(r.resolve("new_token")),
            ("typed-value".into(), Source::Prompt)
        );
        assert_eq!(
            *lock(&setup.asked),
            vec![
                "value for secret `new_token`".to_string(),
                "save `new_token` to the keyring?".to_string()
            ]
        );
        assert_eq!(
            setup.store.get("new_token")?.as_ref().map(Secret::expose),
            Some("typed-value")
        );
        Ok(())
    }

    #[test]
    fn the_prompt_does_not_save_on_no() -> Result<(), SecretError> {
        let (r, setup) = resolver(&[], &[], Some(("typed-value", false)));
        assert_eq!(
            found(r.resolve("new_token")),
            ("typed-value".into(), Source::Prompt)
        );
        assert_eq!(setup.store.get("new_token")?, None);
        Ok(())
    }

    #[test]
    fn without_a_prompter_a_missing_secret_names_the_variable() {
        let (r, _) = resolver(&[("other", "x")], &[], None);
        assert_eq!(
            r.resolve("sofa.token").map(|_| ()),
            Err(SecretError::Missing {
                name: "sofa.token".into(),
                env_var: "POSTIE_SECRET_SOFA_TOKEN".into(),
                keyring_error: None,
            })
        );
        assert_eq!(
            r.secret("sofa.token"),
            Err(SecretUnavailable {
                message: "secret `sofa.token` is not set".into(),
                hint: Some(
                    "set the environment variable `POSTIE_SECRET_SOFA_TOKEN`, or store it with \
                     `postie secret set sofa.token`"
                        .into()
                ),
                usage: false,
            })
        );
    }

    #[test]
    fn an_unusable_keyring_is_opened_once_and_reported_in_the_error() {
        let opened = Arc::new(AtomicUsize::new(0));
        let o = opened.clone();
        let r = SecretResolver::new(
            Box::new(move || {
                o.fetch_add(1, Ordering::SeqCst);
                Err(SecretError::NoSessionBus {
                    detail: "gone".into(),
                })
            }),
            None,
        )
        .with_env(Box::new(|var| {
            (var == "POSTIE_SECRET_PRESENT").then(|| "env-value".to_string())
        }));
        let missing = r.resolve("absent").map(|_| ());
        assert_eq!(
            missing,
            Err(SecretError::Missing {
                name: "absent".into(),
                env_var: "POSTIE_SECRET_ABSENT".into(),
                keyring_error: Some(
                    "no Secret Service on this machine (no D-Bus session bus)".into()
                ),
            })
        );
        assert!(r.resolve("other").is_err());
        assert_eq!(opened.load(Ordering::SeqCst), 1);
        assert_eq!(
            found(r.resolve("present")),
            (
                "env-value".into(),
                Source::Env("POSTIE_SECRET_PRESENT".into())
            )
        );
    }

    #[test]
    fn values_are_cached_and_listed_for_the_masker() {
        let (r, setup) = resolver(&[("a_key", "v1")], &[("POSTIE_SECRET_B", "v2")], None);
        assert_eq!(found(r.resolve("a_key")).0, "v1");
        assert_eq!(found(r.resolve("b")).0, "v2");
        // A later change in the store does not change this run's value.
        let _ = setup.store.set("a_key", &Secret::new("changed".into()));
        assert_eq!(found(r.resolve("a_key")), ("v1".into(), Source::Keyring));
        let resolved: Vec<(String, String)> = r
            .resolved()
            .into_iter()
            .map(|(n, s)| (n, s.expose().to_string()))
            .collect();
        assert_eq!(
            resolved,
            vec![("a_key".into(), "v1".into()), ("b".into(), "v2".into())]
        );
        assert_eq!(setup.opened.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn bad_names_are_refused_before_any_lookup() {
        let (r, setup) = resolver(&[], &[], Some(("typed", true)));
        assert!(matches!(
            r.resolve("no spaces"),
            Err(SecretError::InvalidName { .. })
        ));
        assert_eq!(setup.opened.load(Ordering::SeqCst), 0);
        assert!(lock(&setup.asked).is_empty());
    }

    #[test]
    fn plugs_into_the_collection_resolver() {
        use crate::error::{Code, Failure};
        use crate::resolve::{ResolveError, Resolver};
        let source = "[[requests]]\nname = \"r\"\nurl = \"http://127.0.0.1:1/\"\n\
                      auth = { bearer = \"{{secret:api_token}}\" }\n";
        let collection = match crate::collection::parse(std::path::Path::new("c.toml"), source) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let resolve = |env: &'static [(&'static str, &'static str)]| {
            let (secrets, _) = resolver(&[], env, None);
            let secrets = Arc::new(secrets);
            let r = match Resolver::new(&collection, None, &[], &[]) {
                Ok(r) => r.with_secrets(secrets.clone()),
                Err(e) => panic!("{e}"),
            };
            (r.resolve(&collection, &collection.requests[0]), secrets)
        };
        let (found, secrets) = resolve(&[("POSTIE_SECRET_API_TOKEN", "tok-123")]);
        assert_eq!(
            found
                .ok()
                .and_then(|r| r.header("authorization").map(str::to_string))
                .as_deref(),
            Some("Bearer tok-123")
        );
        assert_eq!(secrets.resolved().len(), 1);
        let (missing, _) = resolve(&[]);
        let err = match missing {
            Err(e @ ResolveError::Secret(_)) => e,
            other => panic!("{other:?}"),
        };
        let failure = Failure::from(err);
        assert_eq!(failure.code, Code::Secret);
        assert_eq!(
            failure.message,
            "secret `api_token` is not set in request `r`"
        );
        assert!(
            failure.detail.as_deref().is_some_and(|d| d.ends_with(
                "= hint: set the environment variable `POSTIE_SECRET_API_TOKEN`, or store it \
                 with `postie secret set api_token`"
            )),
            "{:?}",
            failure.detail
        );
    }
}
