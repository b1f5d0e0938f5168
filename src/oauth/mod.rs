//! OAuth2 tokens for `auth = { oauth2 = { … } }`: got from the token endpoint once, then reused
//! from memory for the rest of the run and from the OS keyring across runs, until shortly
//! before they expire; then renewed with the refresh token if there is one, else a new grant.
//!
//! One [`TokenCache`] serves a whole run: requests that use the same provider, client, scope
//! and parameters share one slot, and the first of them to arrive fetches while the others
//! (concurrent ones of `--jobs` and parallel groups included) wait for its token: one token
//! request per run, however many requests use it. Every token is registered with the run's
//! masker before anything can show it.
//!
//! Written by hand rather than with the `oauth2` crate: that crate only writes form-encoded
//! token requests (Auth0-style providers document JSON ones), brings its own HTTP client
//! (postie's has the run's TLS settings, proxies and masking), and the protocol pieces needed
//! here are small: a form or JSON POST, reading a JSON answer, PKCE S256 (sha2 + base64url).

mod interactive;
pub mod store;
pub mod token;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Code, Failure};
use crate::http::Client;
use crate::record::SideRequest;
use crate::request::OAuth2;
use crate::secrets::KeyringStore;
use crate::util::mask::Masker;

pub use token::Tokens;

/// Where a person is told what to do for an interactive grant (stderr).
pub type Notify = Arc<dyn Fn(&str) + Send + Sync>;

/// How tokens may be got in this run.
#[derive(Clone)]
pub struct OAuthOptions {
    /// On a terminal, outside CI: interactive grants may run.
    pub interactive: bool,
    /// `--no-browser`: print the authorization URL instead of opening a browser.
    pub no_browser: bool,
    /// Use the OS keyring (off for `--dry-run`, which sends nothing and stores nothing).
    pub keyring: bool,
    pub notify: Notify,
}

impl Default for OAuthOptions {
    fn default() -> Self {
        OAuthOptions {
            interactive: false,
            no_browser: true,
            keyring: true,
            notify: Arc::new(|_| {}),
        }
    }
}

/// A token for one request, and whether it came from a cache (a 401 then renews it once).
#[derive(Debug, Clone)]
pub struct Got {
    pub access_token: String,
    pub cached: bool,
}

/// One provider + client + scope + parameters: its tokens, or why they could not be got (so a
/// refused token request is not repeated by every request of the run).
#[derive(Default)]
struct State {
    tokens: Option<Tokens>,
    failed: Option<Failure>,
}

type Slot = Arc<tokio::sync::Mutex<State>>;

/// The run's tokens.
pub struct TokenCache {
    client: Client,
    masker: Masker,
    options: OAuthOptions,
    keyring: tokio::sync::OnceCell<Option<Arc<KeyringStore>>>,
    slots: Mutex<HashMap<String, Slot>>,
    /// The configurations seen, with their keyring entry name and slot: the lookup a run makes
    /// for every request (hashing a configuration costs more than the rest of a cached
    /// token's lookup).
    known: Mutex<Vec<Known>>,
}

struct Known {
    cfg: OAuth2,
    name: Arc<str>,
    slot: Slot,
}

/// A run with more configurations than this (one per data row) looks the others up by name.
const KNOWN_UP_TO: usize = 64;

impl TokenCache {
    pub fn new(client: Client, masker: Masker, options: OAuthOptions) -> TokenCache {
        TokenCache {
            client,
            masker,
            options,
            keyring: tokio::sync::OnceCell::new(),
            slots: Mutex::new(HashMap::new()),
            known: Mutex::new(Vec::new()),
        }
    }

    /// The keyring entry name of `cfg` ([`store::entry_name`]) and its slot.
    fn slot_of(&self, cfg: &OAuth2) -> (Arc<str>, Slot) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = known.iter().find(|k| k.cfg == *cfg) {
            return (Arc::clone(&k.name), Arc::clone(&k.slot));
        }
        let name: Arc<str> = store::entry_name(cfg).into();
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(slots.entry(name.to_string()).or_default())
        };
        if known.len() < KNOWN_UP_TO {
            known.push(Known {
                cfg: cfg.clone(),
                name: Arc::clone(&name),
                slot: Arc::clone(&slot),
            });
        }
        (name, slot)
    }

    /// The OS keyring, opened once; `None` when there is none (CI): tokens then live in memory.
    async fn keyring(&self) -> Option<Arc<KeyringStore>> {
        if !self.options.keyring {
            return None;
        }
        self.keyring
            .get_or_init(|| async {
                // No session bus (CI): known without starting a blocking thread, which costs
                // more than the token request itself (its stack, the allocator's new heap).
                if KeyringStore::unreachable() {
                    return None;
                }
                tokio::task::spawn_blocking(|| store::open().ok())
                    .await
                    .ok()
                    .flatten()
            })
            .await
            .clone()
    }

    /// A token for `cfg`: the run's, else the keyring's while fresh, else a new one. A failure
    /// is remembered for the run: the token endpoint is asked once.
    /// The token requests it makes go to `side`.
    pub async fn token(&self, cfg: &OAuth2, side: &mut Vec<SideRequest>) -> Result<Got, Failure> {
        let (name, slot) = self.slot_of(cfg);
        let mut held = slot.lock().await;
        if let Some(failure) = &held.failed {
            return Err(failure.clone());
        }
        if held.tokens.is_none() {
            held.tokens = self.load(&name).await;
        }
        if let Some(tokens) = held.tokens.as_ref()
            && tokens.fresh(token::now_ms())
        {
            return Ok(Got {
                access_token: tokens.access_token.clone(),
                cached: true,
            });
        }
        let refresh = held.tokens.as_ref().and_then(|t| t.refresh_token.clone());
        let tokens = match self.obtain(cfg, refresh, side).await {
            Ok(tokens) => tokens,
            Err(failure) => {
                held.failed = Some(failure.clone());
                return Err(failure);
            }
        };
        self.save(&name, cfg, &tokens).await;
        let got = Got {
            access_token: tokens.access_token.clone(),
            cached: false,
        };
        held.tokens = Some(tokens);
        Ok(got)
    }

    /// The keyring's tokens for `name`, registered with the masker.
    async fn load(&self, name: &str) -> Option<Tokens> {
        let keyring = self.keyring().await?;
        let key = name.to_string();
        let entry = tokio::task::spawn_blocking(move || store::load(&keyring, &key))
            .await
            .ok()
            .flatten()?;
        entry.tokens.mask_with(&self.masker);
        Some(entry.tokens)
    }

    /// A request with `stale` got a 401: a new token, unless another request renewed it
    /// meanwhile.
    pub async fn renew(
        &self,
        cfg: &OAuth2,
        stale: &str,
        side: &mut Vec<SideRequest>,
    ) -> Result<Got, Failure> {
        {
            let (_, slot) = self.slot_of(cfg);
            let mut held = slot.lock().await;
            if let Some(tokens) = held.tokens.as_mut()
                && tokens.access_token == stale
            {
                tokens.expires_ms = Some(0);
            }
        }
        self.token(cfg, side).await
    }

    /// New tokens: with the refresh token if there is one (a refused one falls back to the
    /// grant), else the grant itself.
    async fn obtain(
        &self,
        cfg: &OAuth2,
        refresh: Option<String>,
        side: &mut Vec<SideRequest>,
    ) -> Result<Tokens, Failure> {
        if let Some(refresh) = refresh {
            let params = token::grant_params(cfg, Some(&refresh));
            match token::request(&self.client, &self.masker, cfg, params, side).await {
                Ok(mut tokens) => {
                    // RFC 6749 6: the server may keep the old refresh token.
                    tokens.refresh_token.get_or_insert(refresh);
                    return Ok(tokens);
                }
                Err(failure) if failure.code == Code::Secret => {}
                Err(failure) => return Err(failure),
            }
        }
        if cfg.grant.interactive() {
            if !self.options.interactive {
                return Err(not_interactive(cfg));
            }
            return interactive::obtain(&self.client, &self.masker, &self.options, cfg, side).await;
        }
        let params = token::grant_params(cfg, None);
        token::request(&self.client, &self.masker, cfg, params, side).await
    }

    async fn save(&self, name: &str, cfg: &OAuth2, tokens: &Tokens) {
        let Some(keyring) = self.keyring().await else {
            return;
        };
        let (name, entry) = (name.to_string(), store::Entry::new(cfg, tokens));
        // A keyring that refuses leaves the token in memory for this run: not an error.
        let _ = tokio::task::spawn_blocking(move || store::save(&keyring, &name, &entry)).await;
    }
}

/// An interactive grant without a terminal (CI) and no usable cached token.
fn not_interactive(cfg: &OAuth2) -> Failure {
    Failure::new(
        Code::Secret,
        format!(
            "OAuth2 grant `{}` of `{}` needs a person (a browser or a code to type), and this \
             is not a terminal",
            cfg.grant.name(),
            cfg.profile
        ),
    )
    .with_hint(
        "run it once on a terminal to cache a token with its refresh token (reused until it \
         expires), or use a non-interactive grant in CI (`client_credentials`, `password`)",
    )
}
