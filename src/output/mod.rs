//! Terminal output: colour decisions, body classification and JSON pretty-printing.

pub mod body;
pub mod color;
pub mod json;
