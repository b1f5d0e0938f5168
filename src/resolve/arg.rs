//! `{{…}}` in the arguments of `postie send`: the same variables, environments, `--var`s,
//! secrets (masked) and built-ins as a collection's requests, with errors that name the
//! argument instead of a place in a file.

use std::collections::HashMap;

use crate::collection::{Collection, TemplateStr};
use crate::error::{Code, Failure};
use crate::template::Template;

use super::{Cx, ResolveError, Resolver};

/// Stands for the request's name in messages, then replaced by the argument.
const WHERE: &str = "\u{1}send-argument\u{1}";

impl Resolver {
    /// Renders one argument of `postie send` (the URL, an item's value, an `@path`) as text.
    pub fn render_arg(&self, collection: &Collection, arg: &str) -> Result<String, Failure> {
        let template = Template::parse(arg).map_err(|e| {
            let failure = Failure::usage(format!("{} in `{arg}`", e.message));
            match e.hint {
                Some(hint) => failure.with_hint(hint),
                None => failure,
            }
        })?;
        let at = TemplateStr {
            raw: arg.to_string(),
            template,
            span: 0..0,
            content_start: None,
        };
        let mut cx = Cx {
            resolver: self,
            collection,
            request: WHERE,
            memo: HashMap::new(),
            stack: Vec::new(),
            expanded: 0,
        };
        cx.text(&at).map_err(|err| {
            let (code, diagnostic) = match err {
                ResolveError::Secret(d) => (Code::Secret, d),
                ResolveError::Invalid(d) | ResolveError::UnknownVariable { diagnostic: d, .. } => {
                    (Code::Usage, d)
                }
                other => return Failure::from(other),
            };
            let message = diagnostic
                .message
                .replace(&format!(" in request `{WHERE}`"), &format!(" in `{arg}`"))
                .replace(&format!("request `{WHERE}`"), &format!("`{arg}`"));
            let failure = Failure::new(code, message);
            match diagnostic.hint.clone() {
                Some(hint) => failure.with_hint(hint),
                None => failure,
            }
        })
    }
}
