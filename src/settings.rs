//! Settings resolved once from the flags and the environment, handed to every command: the
//! context, the masker, the printer, and where secrets come from.

use crate::cli::{Cli, ColorArg};
use crate::context::Context;
use crate::output::color::{ColorChoice, Palette, use_color};
use crate::output::printer::{Printer, Verbosity};
use crate::util::mask::Masker;

/// Settings resolved once from the flags and the environment.
pub struct Settings {
    pub ctx: Context,
    /// Secrets resolved during the run, masked in every output.
    pub masker: Masker,
    secrets: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<crate::secrets::SecretResolver>>>,
    pub printer: Printer,
    /// Colour JSON bodies on stdout.
    pub stdout_color: bool,
}

impl Settings {
    pub(crate) fn new(cli: &Cli, ctx: Context) -> Settings {
        let choice = match cli.global.color {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        };
        // CI logs get no colour unless asked for (`--color always`).
        let color = |tty: bool| {
            use_color(
                choice,
                tty && !ctx.ci,
                ctx.no_color.as_deref(),
                ctx.term.as_deref(),
            )
        };
        let verbosity = if cli.global.quiet {
            Verbosity::Quiet
        } else if cli.global.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        let masker = Masker::new(cli.global.show_secrets);
        let printer = Printer::new(Palette::new(color(ctx.stderr_tty)), verbosity)
            .with_masker(masker.clone())
            .with_terminal(ctx.stderr_tty);
        Settings {
            masker,
            secrets: std::sync::Arc::default(),
            stdout_color: color(ctx.stdout_tty),
            printer,
            ctx,
        }
    }
}

impl Settings {
    /// Where `{{secret:NAME}}` comes from for a collection, in order: `POSTIE_SECRET_<NAME>`,
    /// the collection's `[secrets]` command, the OS keyring, a hidden prompt (terminal only).
    /// Every value found is masked from then on.
    pub fn secret_source(
        &self,
        collection: &crate::collection::Collection,
    ) -> std::sync::Arc<dyn crate::secrets::SecretSource + Send + Sync> {
        (self.secret_sources())(collection)
    }

    /// [`Settings::secret_source`] for any collection of the run; the keyring-backed resolver
    /// is opened on first use and shared by every collection.
    pub fn secret_sources(&self) -> crate::engine::SecretSources {
        use crate::resolve::secrets::{COMMAND_TIMEOUT, MaskingSource, run_command_within};
        use crate::secrets::env_var_name;
        let masker = self.masker.clone();
        let cell = std::sync::Arc::clone(&self.secrets);
        let interactive = self.ctx.interactive();
        std::sync::Arc::new(move |collection: &crate::collection::Collection| {
            let commands: Vec<(String, Vec<String>, std::time::Duration)> = collection
                .secrets
                .iter()
                .map(|s| {
                    let timeout = s.timeout.unwrap_or(COMMAND_TIMEOUT);
                    (s.name.clone(), s.command.clone(), timeout)
                })
                .collect();
            let cell = std::sync::Arc::clone(&cell);
            let source = MaskingSource::new(masker.clone(), move |name| {
                if let Ok(value) = std::env::var(env_var_name(name))
                    && !value.is_empty()
                {
                    return Ok(value);
                }
                if let Some((_, argv, timeout)) = commands.iter().find(|(n, _, _)| n == name) {
                    return run_command_within(name, argv, *timeout);
                }
                let store = cell.get_or_init(|| {
                    std::sync::Arc::new(crate::secrets::SecretResolver::system(interactive))
                });
                store
                    .resolve(name)
                    .map(|(secret, _)| secret.expose().to_string())
                    .map_err(|e| crate::secrets::unavailable(&e))
            });
            std::sync::Arc::new(source)
                as std::sync::Arc<dyn crate::secrets::SecretSource + Send + Sync>
        })
    }
}
