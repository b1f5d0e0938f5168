//! Small shared pieces every layer may use: masking secrets in output, "did you mean"
//! suggestions, units for people. Nothing here depends on another module of the crate.

pub mod mask;
pub mod suggest;
pub mod units;
