//! `--json`: one compact JSON object per request, printed on stdout as each request finishes.
//! Records come masked; serde_json escapes line breaks, so an object is always one line.

use std::cell::RefCell;
use std::path::Path;

use serde_json::json;

use super::text;
use crate::error::Failure;
use crate::record::{Event, Key, Observer, RequestRecord};

/// The NDJSON line of a finished request, without the trailing newline: `collection`,
/// `request`, `file`, `line`, `method`, `url`, `status` (of the deciding attempt), `verdict`,
/// `reason`, `duration_ms` (all attempts), `attempts` (how many), `failures` (of the deciding
/// attempt); `setup: true` on a request that ran as setup for a selected one.
pub fn line(collection: &str, path: &Path, request: &RequestRecord) -> String {
    let last = request.last();
    let mut line = json!({
        "collection": collection,
        "request": request.name,
        "file": path.to_string_lossy(),
        "line": request.line,
        "method": request.method,
        "url": request.url,
        "status": last.and_then(|a| a.status()),
        "verdict": text::verdict_key(&request.verdict),
        "reason": text::reason(request),
        "duration_ms": text::millis(request.duration()),
        "attempts": request.exchanges.len(),
        "failures": super::json::failures(last.map(|a| a.failures.as_slice()).unwrap_or_default()),
    });
    if request.setup {
        line["setup"] = serde_json::Value::Bool(true);
    }
    line.to_string()
}

/// The NDJSON sink: a line on stdout as each request finishes. A failed write (other than a
/// closed pipe) is kept and given back by [`Ndjson::result`].
#[derive(Default)]
pub struct Ndjson {
    error: RefCell<Option<Failure>>,
}

impl Ndjson {
    /// The first write error, if any.
    pub fn result(&self) -> Result<(), Failure> {
        match self.error.borrow_mut().take() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

impl Observer for Ndjson {
    fn event(&self, _key: Key, event: &Event<'_>) {
        let Event::Finished {
            collection,
            path,
            record,
        } = event
        else {
            return;
        };
        let mut line = line(collection, path, record);
        line.push('\n');
        if let Err(failure) = crate::output::print_stdout(line.as_bytes())
            && self.error.borrow().is_none()
        {
            *self.error.borrow_mut() = Some(failure);
        }
    }
}
