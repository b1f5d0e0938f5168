//! A server run as a child process that prints the port it listens on (on 127.0.0.1) as its
//! first line of stdout; killed when dropped.

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct PortChild {
    child: Child,
    pub port: u16,
}

impl PortChild {
    /// Start `command` (stdin closed, stdout read for the port); `what` names it in the error
    /// when the first line is not a port.
    pub fn spawn(mut command: Command, what: &str) -> Result<PortChild, Box<dyn Error>> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("{what} did not start: {line:?}"))?;
        Ok(PortChild { child, port })
    }
}

impl Drop for PortChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
