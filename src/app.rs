//! Dispatch: parse the command line, run the command, map the outcome to an exit code.

pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
