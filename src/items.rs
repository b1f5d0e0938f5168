//! send items (stub)
