//! Dispatch: parse the command line, build the settings once (`crate::settings`), run the
//! command, and turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::commands;
use crate::context::Context;
use crate::error::{Code, Failure};
use crate::settings::Settings;

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
        Command::Auth(args) => block_on(commands::auth::run(args, settings)),
        Command::Listen(args) => block_on(commands::listen::run(args, settings)),
        Command::Inbox(args) => block_on(commands::inbox::run(args, settings)),
        Command::Import(args) => commands::import::run(&args, settings),
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
            // The command first: one that handles Ctrl-C itself (`run` writes its reports)
            // finishes in the same poll that sees the signal.
            biased;
            result = future => result,
            _ = tokio::signal::ctrl_c() => Ok(Code::Interrupted),
        }
    });
    // Don't wait for a blocking task (a body being printed) that an interrupt left behind.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}
