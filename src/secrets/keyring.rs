//! The OS keyring (Secret Service over D-Bus on Linux, the macOS Keychain, the Windows
//! Credential Manager) through `keyring-core`. Its API blocks, and a locked or absent Secret
//! Service could make it wait, so every call runs on its own thread and is abandoned after a
//! short timeout (3 s; `POSTIE_KEYRING_TIMEOUT_MS` overrides it).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use super::{SERVICE, Secret, SecretError, SecretStore};

/// How long one keyring call may take unless `POSTIE_KEYRING_TIMEOUT_MS` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

#[cfg(target_os = "linux")]
const STORE_NAME: &str = "Secret Service (D-Bus)";
#[cfg(target_os = "macos")]
const STORE_NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
const STORE_NAME: &str = "Windows Credential Manager";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const STORE_NAME: &str = "none";

/// The OS keyring, every call bounded by a timeout.
pub struct KeyringStore {
    native: Arc<dyn SecretStore>,
    timeout: Duration,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("store", &self.native.name())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl KeyringStore {
    /// Connects to the OS keyring. Call it only when a secret is needed from it: on Linux this
    /// talks to the D-Bus session bus.
    pub fn open() -> Result<KeyringStore, SecretError> {
        let timeout = timeout_from(std::env::var("POSTIE_KEYRING_TIMEOUT_MS").ok().as_deref());
        #[cfg(target_os = "linux")]
        if let Some(detail) = missing_session_bus(
            std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().as_deref(),
            runtime_dir().as_deref(),
        ) {
            return Err(SecretError::NoSessionBus { detail });
        }
        let native = bounded("connect", timeout, NativeStore::connect)?;
        Ok(KeyringStore::with_store(Arc::new(native), timeout))
    }

    /// There is certainly no OS keyring to reach (Linux without a session bus socket, as in
    /// most CI), told with a stat or two: no thread, no connection attempt.
    pub fn unreachable() -> bool {
        #[cfg(target_os = "linux")]
        return missing_session_bus(
            std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().as_deref(),
            runtime_dir().as_deref(),
        )
        .is_some();
        #[cfg(not(target_os = "linux"))]
        false
    }

    /// Bounds the calls of any blocking store by `timeout`.
    pub(crate) fn with_store(native: Arc<dyn SecretStore>, timeout: Duration) -> KeyringStore {
        KeyringStore { native, timeout }
    }

    /// The name of the OS keyring of this platform, without connecting to it.
    pub fn platform_name() -> &'static str {
        STORE_NAME
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

impl SecretStore for KeyringStore {
    fn name(&self) -> &str {
        self.native.name()
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        let (native, name) = (self.native.clone(), name.to_string());
        bounded("get", self.timeout, move || native.get(&name))
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        let (native, name, value) = (self.native.clone(), name.to_string(), value.clone());
        bounded("set", self.timeout, move || native.set(&name, &value))
    }

    fn delete(&self, name: &str) -> Result<bool, SecretError> {
        let (native, name) = (self.native.clone(), name.to_string());
        bounded("delete", self.timeout, move || native.delete(&name))
    }

    fn list(&self) -> Result<Vec<String>, SecretError> {
        let native = self.native.clone();
        bounded("list", self.timeout, move || native.list())
    }
}

/// Runs `call` on its own thread and waits at most `timeout` for it. A call that overruns is
/// left behind (it ends with the process) and reported as [`SecretError::Timeout`].
fn bounded<T: Send + 'static>(
    operation: &str,
    timeout: Duration,
    call: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(format!("postie-keyring-{operation}"))
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| SecretError::Store {
            store: STORE_NAME.into(),
            detail: format!("could not start a thread: {e}"),
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(SecretError::Timeout {
            store: STORE_NAME.into(),
            operation: operation.into(),
            millis: timeout.as_millis(),
        }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(SecretError::Store {
            store: STORE_NAME.into(),
            detail: format!("the {operation} call ended without an answer"),
        }),
    }
}

/// `POSTIE_KEYRING_TIMEOUT_MS` as a duration (at least 1 ms), else [`DEFAULT_TIMEOUT`].
fn timeout_from(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|ms| Duration::from_millis(ms.max(1)))
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Where the session bus socket lives when `DBUS_SESSION_BUS_ADDRESS` is unset, as zbus and
/// libdbus look for it: `$XDG_RUNTIME_DIR`, else `/run/user/<uid>`.
#[cfg(target_os = "linux")]
fn runtime_dir() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    std::env::var("XDG_RUNTIME_DIR").ok().or_else(|| {
        let uid = std::fs::metadata("/proc/self").ok()?.uid();
        Some(format!("/run/user/{uid}"))
    })
}

/// Why there is certainly no session bus to connect to, if that can be told without trying:
/// every `unix:path=` address names a socket file that does not exist.
#[cfg(any(target_os = "linux", test))]
fn missing_session_bus(address: Option<&str>, runtime_dir: Option<&str>) -> Option<String> {
    let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
        return match runtime_dir {
            None => Some("`DBUS_SESSION_BUS_ADDRESS` and `XDG_RUNTIME_DIR` are not set".into()),
            Some(dir) => {
                let path = std::path::Path::new(dir).join("bus");
                (!path.exists()).then(|| {
                    format!(
                        "`DBUS_SESSION_BUS_ADDRESS` is not set and `{}` does not exist",
                        path.display()
                    )
                })
            }
        };
    };
    let mut missing = Vec::new();
    for one in address.split(';').filter(|a| !a.is_empty()) {
        let path = one.strip_prefix("unix:").and_then(|params| {
            params
                .split(',')
                .find_map(|kv| kv.strip_prefix("path="))
                .map(str::to_string)
        });
        match path {
            Some(path) if !std::path::Path::new(&path).exists() => missing.push(path),
            // Another kind of address (abstract socket, TCP) or a socket that exists: try it.
            _ => return None,
        }
    }
    Some(format!(
        "the session bus socket `{}` does not exist",
        missing.join("`, `")
    ))
}

/// The platform store, called directly (blocking, no timeout).
struct NativeStore {
    store: Arc<CredentialStore>,
}

impl NativeStore {
    fn connect() -> Result<NativeStore, SecretError> {
        #[cfg(target_os = "linux")]
        let store: Arc<CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(store_error)?;
        #[cfg(target_os = "macos")]
        let store: Arc<CredentialStore> =
            apple_native_keyring_store::keychain::Store::new().map_err(store_error)?;
        #[cfg(target_os = "windows")]
        let store: Arc<CredentialStore> =
            windows_native_keyring_store::Store::new().map_err(store_error)?;
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        return Err(SecretError::Store {
            store: STORE_NAME.into(),
            detail: "postie has no keyring support on this platform".into(),
        });
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
        Ok(NativeStore { store })
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        Entry::new_in_store(&self.store, SERVICE, name).map_err(store_error)
    }
}

impl SecretStore for NativeStore {
    fn name(&self) -> &str {
        STORE_NAME
    }

    fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(KeyringError::BadEncoding(_)) => Err(SecretError::NotText { name: name.into() }),
            Err(e) => Err(store_error(e)),
        }
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        self.entry(name)?
            .set_password(value.expose())
            .map_err(store_error)
    }

    fn delete(&self, name: &str) -> Result<bool, SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KeyringError::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    fn list(&self) -> Result<Vec<String>, SecretError> {
        let mut spec = HashMap::new();
        if !cfg!(target_os = "windows") {
            spec.insert("service", SERVICE);
        }
        let entries = self.store.search(&spec).map_err(store_error)?;
        let mut names: Vec<String> = entries
            .iter()
            .filter_map(Entry::get_specifiers)
            .filter(|(service, _)| service == SERVICE)
            .map(|(_, user)| user)
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
}

/// Sorts a keyring error into what the user can act on.
fn store_error(err: KeyringError) -> SecretError {
    let detail = err.to_string();
    match err {
        KeyringError::NoStorageAccess(_) => SecretError::Locked {
            store: STORE_NAME.into(),
            detail,
        },
        _ if detail.contains("org.freedesktop.secrets") || detail.contains("ServiceUnknown") => {
            SecretError::NoService { detail }
        }
        _ if detail.contains("No such file or directory")
            || detail.contains("Connection refused") =>
        {
            SecretError::NoSessionBus { detail }
        }
        _ => SecretError::Store {
            store: STORE_NAME.into(),
            detail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use std::time::Instant;

    /// A store whose every call takes `delay`.
    struct SlowStore {
        delay: Duration,
        inner: MemoryStore,
    }

    impl SecretStore for SlowStore {
        fn name(&self) -> &str {
            "slow"
        }
        fn get(&self, name: &str) -> Result<Option<Secret>, SecretError> {
            std::thread::sleep(self.delay);
            self.inner.get(name)
        }
        fn set(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
            std::thread::sleep(self.delay);
            self.inner.set(name, value)
        }
        fn delete(&self, name: &str) -> Result<bool, SecretError> {
            std::thread::sleep(self.delay);
            self.inner.delete(name)
        }
        fn list(&self) -> Result<Vec<String>, SecretError> {
            std::thread::sleep(self.delay);
            self.inner.list()
        }
    }

    fn slow(delay_ms: u64, timeout_ms: u64) -> KeyringStore {
        KeyringStore::with_store(
            Arc::new(SlowStore {
                delay: Duration::from_millis(delay_ms),
                inner: MemoryStore::with(&[("token", "abc")]),
            }),
            Duration::from_millis(timeout_ms),
        )
    }

    #[test]
    fn a_slow_store_times_out_within_the_bound() {
        let store = slow(5_000, 100);
        let started = Instant::now();
        let result = store.get("token");
        let elapsed = started.elapsed();
        assert_eq!(
            result,
            Err(SecretError::Timeout {
                store: STORE_NAME.into(),
                operation: "get".into(),
                millis: 100,
            })
        );
        assert!(elapsed < Duration::from_millis(1_000), "took {elapsed:?}");
        let started = Instant::now();
        assert!(matches!(
            store.list(),
            Err(SecretError::Timeout { millis: 100, .. })
        ));
        assert!(started.elapsed() < Duration::from_millis(1_000));
    }

    #[test]
    fn a_store_within_the_bound_answers() -> Result<(), SecretError> {
        let store = slow(10, 2_000);
        assert_eq!(
            store.get("token")?.as_ref().map(Secret::expose),
            Some("abc")
        );
        assert_eq!(store.get("other")?, None);
        store.set("other", &Secret::new("x".into()))?;
        assert_eq!(
            store.list()?,
            vec!["other".to_string(), "token".to_string()]
        );
        assert!(store.delete("other")?);
        assert_eq!(store.name(), "slow");
        Ok(())
    }

    #[test]
    fn timeout_setting() {
        assert_eq!(timeout_from(None), Duration::from_secs(3));
        assert_eq!(timeout_from(Some("250")), Duration::from_millis(250));
        assert_eq!(timeout_from(Some("0")), Duration::from_millis(1));
        assert_eq!(timeout_from(Some("soon")), Duration::from_secs(3));
    }

    #[test]
    fn a_missing_bus_socket_is_seen_without_connecting() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        assert_eq!(
            missing_session_bus(Some(&address), None),
            Some(format!(
                "the session bus socket `{}` does not exist",
                socket.display()
            ))
        );
        assert_eq!(
            missing_session_bus(None, None),
            Some("`DBUS_SESSION_BUS_ADDRESS` and `XDG_RUNTIME_DIR` are not set".into())
        );
        let runtime = dir.path().display().to_string();
        assert_eq!(
            missing_session_bus(None, Some(&runtime)),
            Some(format!(
                "`DBUS_SESSION_BUS_ADDRESS` is not set and `{}` does not exist",
                socket.display()
            ))
        );
        std::fs::write(&socket, b"")?;
        assert_eq!(missing_session_bus(Some(&address), None), None);
        assert_eq!(missing_session_bus(None, Some(&runtime)), None);
        assert_eq!(
            missing_session_bus(Some("unix:abstract=/tmp/x"), None),
            None
        );
        Ok(())
    }
}
