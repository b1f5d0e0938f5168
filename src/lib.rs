//! postie: Postman for the terminal. The library holds all logic; `main.rs` is thin.

pub mod app;
pub mod check;
pub mod cli;
pub mod collection;
pub mod commands;
pub mod context;
pub mod engine;
pub mod error;
pub mod glob;
pub mod http;
pub mod import;
pub mod inbox;
pub mod items;
pub mod output;
pub mod record;
pub mod report;
pub mod request;
pub mod resolve;
pub mod route;
pub mod secrets;
pub mod settings;
pub mod signing;
pub mod template;
pub mod util;
pub mod webhook;
