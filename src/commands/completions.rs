//! `postie completions SHELL`: print a completion script generated from the clap definition.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::{Code, Failure};

/// The script for one shell, as bytes (also used by the test that keeps `completions/` in sync).
pub fn generate(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "postie", &mut out);
    out
}

/// File name of the committed script for a shell under `completions/`.
pub fn file_name(shell: clap_complete::Shell) -> &'static str {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => "postie.bash",
        Shell::Zsh => "_postie",
        Shell::Fish => "postie.fish",
        Shell::Elvish => "postie.elv",
        Shell::PowerShell => "_postie.ps1",
        _ => "postie.unknown",
    }
}

pub fn run(args: &CompletionsArgs) -> Result<Code, Failure> {
    crate::output::print_stdout(&generate(args.shell))
}
