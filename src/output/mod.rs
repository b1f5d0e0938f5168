pub mod body;
pub mod color;
pub mod curl;
pub mod json;
pub mod printer;
pub mod sink;
