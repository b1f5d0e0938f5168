//! One module per subcommand: short orchestration only.

pub mod check;
pub mod completions;
pub mod exchange;
pub mod inbox;
pub mod list;
pub mod listen;
pub mod run;
pub mod secret;
pub mod send;
pub mod show;
