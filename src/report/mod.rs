//! The sinks that write a run out from its record (`crate::record`): JUnit XML, the JSON
//! record, HAR, HTML, TAP, NDJSON lines, CI annotations, the GitHub job summary, the summary
//! table. Records come masked: no sink
//! masks on its own, and none reads another's text.

pub mod file;
pub mod github;
pub mod har;
pub mod html;
pub mod inbox_har;
pub mod json;
pub mod junit;
pub mod ndjson;
pub mod step_summary;
pub mod table;
pub mod tap;
mod text;
