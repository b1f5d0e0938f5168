//! From `run`/`send` options and the settings to the engine: the client options, where
//! bodies go, the masker, where secrets come from.

use std::time::Duration;

use crate::cli::SendOptions;
use crate::engine::{Engine, EngineOptions};
use crate::error::Failure;
use crate::http::ClientOptions;
use crate::output::sink::BodyMode;
use crate::settings::Settings;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An engine for `run` or `send`; `start_inbox`: a collection uses `{{inbox}}`; `stdout_free`:
/// bodies may go to stdout (not with `--json`, which owns it).
pub async fn engine(
    opts: &SendOptions,
    settings: &Settings,
    start_inbox: bool,
    stdout_free: bool,
) -> Result<Engine, Failure> {
    let printer = &settings.printer;
    if opts.insecure && !opts.dry_run {
        printer.err(&printer.warning("`--insecure`: TLS certificates are not verified; anyone on the path can read and change this traffic"));
    }
    let ctx = &settings.ctx;
    let body_mode = match &opts.output {
        Some(path) => BodyMode::File {
            path: path.clone(),
            progress: ctx.progress(),
        },
        None if printer.quiet() || !stdout_free => BodyMode::Discard,
        None => BodyMode::Stdout {
            masker: settings.masker.clone(),
            pretty: ctx.stdout_tty || opts.pretty,
            color: settings.stdout_color,
            terminal: ctx.stdout_tty,
        },
    };
    let secrets = settings.secret_sources();
    Engine::new(EngineOptions {
        client: ClientOptions {
            insecure: opts.insecure,
            ca_certs: opts.cacert.clone(),
            timeout: Some(opts.timeout.unwrap_or(DEFAULT_TIMEOUT)),
            connect_timeout: Duration::from_secs(10),
            max_redirects: usize::from(opts.max_redirects),
            cookies: !opts.no_cookies,
            cookie_jar: opts.cookie_jar.clone(),
            routes: crate::route::Routes::parse(&opts.routes.resolve, &opts.routes.connect_to)
                .map_err(Failure::usage)?,
        },
        dry_run: opts.dry_run,
        start_inbox: start_inbox && !opts.dry_run,
        body_mode,
        masker: settings.masker.clone(),
        secrets,
        oauth: oauth_options(settings, opts.dry_run, opts.no_browser),
    })
    .await
}

/// Interactive OAuth2 grants only on a terminal; prompts and URLs go to stderr.
pub fn oauth_options(
    settings: &Settings,
    dry_run: bool,
    no_browser: bool,
) -> crate::oauth::OAuthOptions {
    let printer = settings
        .printer
        .verbose_copy()
        .with_masker(settings.masker.clone());
    crate::oauth::OAuthOptions {
        interactive: settings.ctx.interactive(),
        no_browser,
        keyring: !dry_run,
        notify: std::sync::Arc::new(move |text: &str| printer.err(text)),
    }
}
