//! An in-memory store behind the same trait as the keyring, for tests.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{Secret, SecretError, SecretStore};

/// Secrets held in memory for the life of the value.
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<BTreeMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding these `(name, value)` pairs.
    pub fn with(pairs: &[(&str, &str)]) -> MemoryStore {
        let store = MemoryStore::new();
        if let Ok(mut secrets) = store.secrets.lock() {
            for (name, value) in pairs {
                secrets.insert((*name).to_string(), Secret::new((*value).to_string()));
            }
        }
        store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Secret>> {
        // A panic while holding this lock leaves the map intact: keep using it.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        Ok(self.lock().get(name).cloned())
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        self.lock().insert(name.to_string(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<bool, SecretError> {
        Ok(self.lock().remove(name).is_some())
    }

    fn list(&self) -> Result<Vec<String>, SecretError> {
        Ok(self.lock().keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_list_delete() -> Result<(), SecretError> {
        let store = MemoryStore::with(&[("b", "2")]);
        store.set("a", &Secret::new("1".into()))?;
        assert_eq!(store.get("a")?.as_ref().map(Secret::expose), Some("1"));
        assert_eq!(store.list()?, vec!["a".to_string(), "b".to_string()]);
        assert!(store.delete("a")?);
        assert!(!store.delete("a")?);
        assert_eq!(store.get("a")?, None);
        Ok(())
    }
}
