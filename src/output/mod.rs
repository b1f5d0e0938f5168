pub mod body;
pub mod color;
pub mod curl;
pub mod event;
mod failure;
pub mod json;
pub mod live;
pub mod printer;
pub mod progress;
pub mod sink;
pub mod term;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Code, Failure};

/// A body written to stdout ended without a newline (piped bodies are written byte-exact).
static STDOUT_MID_LINE: AtomicBool = AtomicBool::new(false);

/// Record the last byte a body put on stdout (`None`: nothing was written).
pub fn note_stdout_end(last: Option<u8>) {
    if let Some(byte) = last {
        STDOUT_MID_LINE.store(byte != b'\n', Ordering::Relaxed);
    }
}

/// Whether stdout currently ends in the middle of a line (so a line-based record such as a
/// GitHub workflow command must start with a newline).
pub fn stdout_mid_line() -> bool {
    STDOUT_MID_LINE.load(Ordering::Relaxed)
}

/// Write a command's whole output to stdout; a closed pipe (`| head`) is a quiet success.
pub fn print_stdout(bytes: &[u8]) -> Result<Code, Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    term::outcome(stdout.write_all(bytes).and_then(|()| stdout.flush()))
}
