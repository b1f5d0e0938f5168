//! Tokens kept in the OS keyring between runs: one entry per provider, client, scope and extra
//! parameters (service `postie`, name `oauth2.<hash>`), its value a JSON object with what
//! `postie auth list` shows and the tokens.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::token::Tokens;
use crate::request::OAuth2;
use crate::secrets::{KeyringStore, Secret, SecretError, SecretStore};

/// Keyring names of cached tokens start with this (`postie secret list` leaves them out).
pub const PREFIX: &str = "oauth2.";

/// What one keyring entry holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub profile: String,
    pub grant: String,
    pub token_url: String,
    pub client_id: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub params: Vec<(String, String)>,
    pub tokens: Tokens,
}

impl Entry {
    pub fn new(cfg: &OAuth2, tokens: &Tokens) -> Entry {
        Entry {
            profile: cfg.profile.clone(),
            grant: cfg.grant.name().to_string(),
            token_url: cfg.token_url.to_string(),
            client_id: cfg.client_id.clone(),
            scope: cfg.scope.clone(),
            params: cfg.params.clone(),
            tokens: tokens.clone(),
        }
    }
}

/// The keyring name of `cfg`'s tokens: a hash of the token URL, grant, client id, user name,
/// scope and extra parameters (so two audiences never share a token).
pub fn entry_name(cfg: &OAuth2) -> String {
    let mut params = cfg.params.clone();
    params.sort();
    let key = serde_json::json!([
        cfg.token_url.as_str(),
        cfg.grant.name(),
        cfg.client_id,
        cfg.username,
        cfg.scope,
        params,
    ]);
    let digest = Sha256::digest(key.to_string().as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{PREFIX}{hex}")
}

/// Opens the OS keyring (blocking: call from a blocking thread).
pub fn open() -> Result<Arc<KeyringStore>, SecretError> {
    KeyringStore::open().map(Arc::new)
}

pub fn load(store: &KeyringStore, name: &str) -> Option<Entry> {
    let secret = store.get(name).ok()??;
    serde_json::from_str(secret.expose()).ok()
}

pub fn save(store: &KeyringStore, name: &str, entry: &Entry) -> Result<(), SecretError> {
    let text = serde_json::to_string(entry).unwrap_or_default();
    store.set(name, &Secret::new(text))
}

/// Every cached token entry (unreadable ones left out), sorted by profile.
pub fn list(store: &KeyringStore) -> Result<Vec<(String, Entry)>, SecretError> {
    let mut entries: Vec<(String, Entry)> = store
        .list()?
        .into_iter()
        .filter(|name| name.starts_with(PREFIX))
        .filter_map(|name| load(store, &name).map(|e| (name, e)))
        .collect();
    entries.sort_by(|a, b| (&a.1.profile, &a.1.client_id).cmp(&(&b.1.profile, &b.1.client_id)));
    Ok(entries)
}
