//! How a [`Failure`] looks on the terminal: the one path that reports an error to the user.

use std::fmt::Write as _;

use crate::error::Failure;
use crate::output::color::Palette;

impl Failure {
    /// `postie: error: …`, the detail block, then `hint: …`.
    pub fn render(&self, palette: &Palette) -> String {
        let mut out = format!("{} {}\n", palette.error("postie: error:"), self.message);
        if let Some(detail) = &self.detail {
            for line in detail.lines() {
                let _ = writeln!(out, "{line}");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  {} {hint}", palette.hint("hint:"));
        }
        out
    }
}
