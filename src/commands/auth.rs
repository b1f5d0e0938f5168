//! `postie auth list|logout|token`: the OAuth2 tokens cached in the OS keyring. Token values
//! go to stdout only from `token` (piped, or with `--reveal`).

use std::sync::Arc;

use crate::cli::{AuthArgs, AuthCommand, AuthTokenArgs};
use crate::collection;
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::oauth::{TokenCache, store, token::now_ms};
use crate::output::print_stdout;
use crate::resolve::Resolver;
use crate::secrets::{KeyringStore, SecretStore};
use crate::settings::Settings;

pub async fn run(args: AuthArgs, settings: &Settings) -> Result<Code, Failure> {
    match args.command {
        AuthCommand::List => list(settings).await,
        AuthCommand::Logout(a) => logout(a.profile.as_deref(), settings).await,
        AuthCommand::Token(a) => token(&a, settings).await,
    }
}

async fn keyring() -> Result<Arc<KeyringStore>, Failure> {
    tokio::task::spawn_blocking(store::open)
        .await
        .map_err(|e| Failure::usage(format!("the keyring thread failed: {e}")))?
        .map_err(Failure::from)
}

async fn entries(keyring: Arc<KeyringStore>) -> Result<Vec<(String, store::Entry)>, Failure> {
    tokio::task::spawn_blocking(move || store::list(&keyring))
        .await
        .map_err(|e| Failure::usage(format!("the keyring thread failed: {e}")))?
        .map_err(Failure::from)
}

async fn list(settings: &Settings) -> Result<Code, Failure> {
    let entries = entries(keyring().await?).await?;
    if entries.is_empty() {
        settings
            .printer
            .err("no cached OAuth2 tokens (a run with `auth = { oauth2 = { … } }` caches one)\n");
        return Ok(Code::Ok);
    }
    let now = now_ms();
    let rows: Vec<[String; 5]> = entries
        .iter()
        .map(|(_, e)| {
            [
                e.profile.clone(),
                e.client_id.clone(),
                e.scope.clone().unwrap_or_else(|| "-".into()),
                params(&e.params),
                expiry(e.tokens.expires_ms, e.tokens.refresh_token.is_some(), now),
            ]
        })
        .collect();
    let header = ["PROFILE", "CLIENT", "SCOPE", "PARAMS", "EXPIRES"].map(String::from);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    print_stdout(text.as_bytes())
}

fn params(params: &[(String, String)]) -> String {
    if params.is_empty() {
        return "-".into();
    }
    let parts: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join(",")
}

/// `in 7h 59m`, `expired 3m ago`, `no expiry`; `(refreshable)` with a refresh token.
fn expiry(expires_ms: Option<u64>, refreshable: bool, now: u64) -> String {
    let round = |ms: u64| {
        std::time::Duration::from_secs(ms / 60_000 * 60)
            .max(std::time::Duration::from_secs(ms.min(59_999) / 1000))
    };
    let when = match expires_ms {
        None => "no expiry".to_string(),
        Some(at) if at > now => format!("in {}", humantime::format_duration(round(at - now))),
        Some(at) => format!(
            "expired {} ago",
            humantime::format_duration(round(now - at))
        ),
    };
    if refreshable {
        format!("{when} (refreshable)")
    } else {
        when
    }
}

async fn logout(profile: Option<&str>, settings: &Settings) -> Result<Code, Failure> {
    let keyring = keyring().await?;
    let entries = entries(Arc::clone(&keyring)).await?;
    let names: Vec<String> = entries
        .into_iter()
        .filter(|(_, e)| profile.is_none_or(|p| e.profile == p))
        .map(|(name, _)| name)
        .collect();
    if names.is_empty() {
        let failure = match profile {
            Some(p) => Failure::usage(format!("no cached OAuth2 token for profile `{p}`"))
                .with_hint("`postie auth list` shows the profiles"),
            None => {
                settings.printer.err("no cached OAuth2 tokens\n");
                return Ok(Code::Ok);
            }
        };
        return Err(failure);
    }
    let count = names.len();
    tokio::task::spawn_blocking(move || {
        names
            .iter()
            .try_for_each(|name| keyring.delete(name).map(|_| ()))
    })
    .await
    .map_err(|e| Failure::usage(format!("the keyring thread failed: {e}")))?
    .map_err(Failure::from)?;
    let s = if count == 1 { "" } else { "s" };
    settings.printer.err(&format!(
        "removed {count} cached OAuth2 token{s} from the keyring\n"
    ));
    Ok(Code::Ok)
}

async fn token(args: &AuthTokenArgs, settings: &Settings) -> Result<Code, Failure> {
    if settings.ctx.stdout_tty && !args.reveal {
        return Err(
            Failure::usage("refusing to print an OAuth2 token to a terminal").with_hint(format!(
                "add `--reveal` to show it, or pipe it: `postie auth token {} | …`",
                args.target
            )),
        );
    }
    let (path, request) = collection::resolve_target(&args.target, &settings.ctx.cwd)?;
    let collection = collection::load(&path)?;
    let vars = super::cli_vars(&args.vars.vars);
    let resolver = Resolver::new(&collection, args.vars.env.as_deref(), &vars, &[])?
        .with_secrets(settings.secret_source(&collection));
    let specs: Vec<_> = match &request {
        Some(name) => vec![collection.request(name)?],
        None => collection.requests.iter().collect(),
    };
    let mut cfg = None;
    for spec in specs {
        if let Some(found) = resolver.oauth2(&collection, spec)? {
            cfg = Some(found);
            break;
        }
    }
    let Some(cfg) = cfg else {
        return Err(Failure::usage(format!(
            "`{}` uses no `auth = {{ oauth2 = {{ … }} }}`",
            args.target
        )));
    };
    let client = Client::new(&ClientOptions::default())
        .map_err(Failure::from)?
        .with_secrets(settings.masker.clone());
    let options = crate::commands::plan::oauth_options(settings, false, args.no_browser);
    let cache = TokenCache::new(client, settings.masker.clone(), options);
    let got = cache.token(&cfg, &mut Vec::new()).await?;
    print_stdout(format!("{}\n", got.access_token).as_bytes())
}
