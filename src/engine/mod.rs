//! The run engine: takes a selection of requests and runs them — order, `depends_on`, retries
//! and polling, skips, tags, `--jobs`, parallel groups, `expect_webhook` waits, captures — and
//! yields a stream of [`Event`](crate::record::Event)s and a [`RunRecord`] (see `record`).
//! It never prints: sinks render what it records. One HTTP client (one connection pool)
//! serves the whole run, concurrent requests included.

mod attempt;
mod backoff;
mod iterate;
mod schedule;
pub mod select;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use crate::collection::Collection;
use crate::error::Failure;
use crate::http::{Client, ClientOptions};
use crate::inbox::{InboxServer, Responder};
use crate::output::sink::BodyMode;
use crate::resolve::Resolver;
use crate::secrets::SecretSource;
use crate::util::mask::Masker;

pub use attempt::Outcome;
pub use attempt::sign;
pub use iterate::{Iteration, plan as plan_iterations};
pub use schedule::run;
pub use select::Selected;

/// Where `{{secret:NAME}}` comes from, per collection (its `[secrets]` commands differ).
pub type SecretSources =
    Arc<dyn Fn(&Collection) -> Arc<dyn SecretSource + Send + Sync> + Send + Sync>;

/// What a run is set up with.
pub struct EngineOptions {
    pub client: ClientOptions,
    pub dry_run: bool,
    /// Start the embedded inbox (`{{inbox}}`).
    pub start_inbox: bool,
    /// Where response bodies go when one request runs at a time.
    pub body_mode: BodyMode,
    /// Secrets found while resolving are registered here; records are masked with it.
    pub masker: Masker,
    pub secrets: SecretSources,
    /// How OAuth2 tokens may be got (interactive grants, the keyring).
    pub oauth: crate::oauth::OAuthOptions,
}

/// What the requests of a run share: the client (connections are reused), the embedded inbox
/// if a collection uses `{{inbox}}`, where bodies go, the masker.
pub struct Engine {
    client: Client,
    dry_run: bool,
    inbox: Option<Arc<InboxServer>>,
    body_mode: BodyMode,
    masker: Masker,
    secrets: SecretSources,
    /// The run's OAuth2 tokens (one token request per provider and client per run).
    tokens: crate::oauth::TokenCache,
}

/// How the requests are run (from the command line).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Collections at once, and requests of a `parallel = true` group at once.
    pub jobs: usize,
    pub fail_fast: bool,
    pub tags: Vec<String>,
    pub skip_tags: Vec<String>,
    /// Retries after a network error.
    pub retry: u32,
    pub env: Option<String>,
    pub vars: Vec<(String, crate::resolve::VarValue)>,
    /// Keep every exchange whole in the run's record (reports read them); otherwise each is
    /// slimmed once its request has finished (see `record::Exchange::slim`).
    pub keep_exchanges: bool,
    /// The passes over the selection (`--data`, `--iterations`, `--repeat`); empty: one.
    pub iterations: Vec<Iteration>,
    /// `--delay`: the wait before each request after the first one sent.
    pub delay: Option<Duration>,
    /// `--retry-status`: statuses re-sent for requests without their own `retry.on`.
    pub retry_status: Vec<u16>,
}

/// The wait before a network retry.
const NETWORK_RETRY_WAIT: Duration = Duration::from_millis(500);

impl Engine {
    pub async fn new(options: EngineOptions) -> Result<Engine, Failure> {
        let client = Client::new(&options.client)
            .map_err(Failure::from)?
            .with_secrets(options.masker.clone());
        let inbox = if options.start_inbox {
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = InboxServer::start(bind, Responder::Echo)
                .await
                .map_err(|e| {
                    Failure::usage(format!(
                        "could not start the embedded inbox on 127.0.0.1: {e}"
                    ))
                })?;
            Some(Arc::new(server))
        } else {
            None
        };
        let tokens =
            crate::oauth::TokenCache::new(client.clone(), options.masker.clone(), options.oauth);
        Ok(Engine {
            tokens,
            client,
            dry_run: options.dry_run,
            inbox,
            body_mode: options.body_mode,
            masker: options.masker,
            secrets: options.secrets,
        })
    }

    /// A resolver for a collection, with the builtins this run provides (`{{inbox}}`).
    pub fn resolver(
        &self,
        collection: &Collection,
        env: Option<&str>,
        vars: &[(String, crate::resolve::VarValue)],
    ) -> Result<Resolver, Failure> {
        // Without a running inbox (e.g. `--dry-run`), `{{inbox}}` shows where it would listen.
        let inbox = match &self.inbox {
            Some(server) => server.url(),
            None => "http://127.0.0.1:0".to_string(),
        };
        let builtins = [("inbox".to_string(), serde_json::Value::String(inbox))];
        Resolver::new(collection, env, vars, &builtins)
            .map(|r| r.with_secrets((self.secrets)(collection)))
            .map_err(Failure::from)
    }

    /// Send one ad-hoc request (`postie send`) and report it to `observer`.
    pub async fn send_one(
        &self,
        request: &crate::request::ResolvedRequest,
        observer: &dyn crate::record::Observer,
    ) -> Outcome {
        let key = crate::record::Key {
            collection: 0,
            request: 0,
        };
        let cx = attempt::Cx {
            engine: self,
            observer,
            key,
            body_mode: &self.body_mode,
            network_retry: false,
            with_passed: false,
            retry_on: Vec::new(),
        };
        attempt::send(&cx, request, true).await.outcome
    }

    /// Write the cookie jar back to its `--cookie-jar` file (not after `--dry-run`).
    pub fn save_cookies(&self) -> Result<(), Failure> {
        if self.dry_run {
            return Ok(());
        }
        self.client.save_cookies().map_err(Failure::from)
    }

    pub async fn shutdown(self) {
        if let Some(inbox) = self.inbox
            && let Ok(inbox) = Arc::try_unwrap(inbox)
        {
            inbox.shutdown().await;
        }
    }
}
