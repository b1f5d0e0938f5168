//! Dispatch: parse the command line, build settings once, run the command, and turn the
//! outcome into an exit code. The one place that wires printer, client and context together.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ColorArg, Command};
use crate::commands;
use crate::context::Context;
use crate::error::{Code, Failure};
use crate::output::color::{ColorChoice, Palette, use_color};
use crate::output::mask::Masker;
use crate::output::printer::{Printer, Verbosity};

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
    fn new(cli: &Cli, ctx: Context) -> Settings {
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
            .with_masker(masker.clone());
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
    ) -> std::sync::Arc<dyn crate::template::SecretSource + Send + Sync> {
        (self.secret_sources())(collection)
    }

    /// [`Settings::secret_source`] for any collection of the run; the keyring-backed resolver
    /// is opened on first use and shared by every collection.
    pub fn secret_sources(&self) -> crate::engine::SecretSources {
        use crate::resolve::secrets::{MaskingSource, run_command};
        use crate::secrets::env_var_name;
        let masker = self.masker.clone();
        let cell = std::sync::Arc::clone(&self.secrets);
        let interactive = self.ctx.interactive();
        std::sync::Arc::new(move |collection: &crate::collection::Collection| {
            let commands: Vec<(String, Vec<String>)> = collection
                .secrets
                .iter()
                .map(|s| (s.name.clone(), s.command.clone()))
                .collect();
            let cell = std::sync::Arc::clone(&cell);
            let source = MaskingSource::new(masker.clone(), move |name| {
                if let Ok(value) = std::env::var(env_var_name(name))
                    && !value.is_empty()
                {
                    return Ok(value);
                }
                if let Some((_, argv)) = commands.iter().find(|(n, _)| n == name) {
                    return run_command(name, argv);
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
                as std::sync::Arc<dyn crate::template::SecretSource + Send + Sync>
        })
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout and errors to stderr; usage errors exit 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                Code::Usage as u8
            } else {
                0
            });
        }
    };
    let settings = Settings::new(&cli, Context::capture());
    let code = match dispatch(cli.command, &settings) {
        Ok(code) => code,
        Err(failure) => {
            let printer = &settings.printer;
            printer.err(&failure.render(&printer.palette));
            failure.code
        }
    };
    ExitCode::from(code as u8)
}

fn dispatch(command: Command, settings: &Settings) -> Result<Code, Failure> {
    match command {
        Command::Completions(args) => commands::completions::run(&args),
        Command::List(args) => commands::list::run(&args, settings),
        Command::Show(args) => commands::show::run(&args, settings),
        Command::Check(args) => commands::check::run(&args, settings),
        Command::Run(args) => block_on(commands::run::run(args, settings)),
        Command::Send(args) => block_on(commands::send::run(args, settings)),
        Command::Secret(args) => commands::secret::run(&args, settings),
        Command::Listen(args) => block_on(commands::listen::run(args, settings)),
        Command::Inbox(args) => block_on(commands::inbox::run(args, settings)),
    }
}

/// A current-thread runtime: start-up stays cheap; blocking work (pretty-printing a body,
/// prompts) goes to the blocking pool. Ctrl-C ends the run with exit code 130.
fn block_on<F: std::future::Future<Output = Result<Code, Failure>>>(
    future: F,
) -> Result<Code, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                Code::Usage,
                format!("could not start the async runtime: {e}"),
            )
        })?;
    let result = runtime.block_on(async {
        tokio::select! {
            result = future => result,
            _ = tokio::signal::ctrl_c() => Ok(Code::Interrupted),
        }
    });
    // Don't wait for a blocking task (a body being printed) that an interrupt left behind.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}
