//! curl export (stub)
