pub mod curl;
