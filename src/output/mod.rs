pub mod body;
pub mod color;
pub mod curl;
pub mod json;
pub mod mask;
pub mod printer;
pub mod sink;

use crate::error::{Code, Failure};

/// Write a command's whole output to stdout; a closed pipe (`| head`) is a quiet success.
pub fn print_stdout(bytes: &[u8]) -> Result<Code, Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(Code::Ok),
        Err(e) if crate::error::is_broken_pipe(&e) => Ok(Code::Ok),
        Err(e) => Err(Failure::usage(format!("could not write to stdout: {e}"))),
    }
}
