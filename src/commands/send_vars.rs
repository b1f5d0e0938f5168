//! `{{…}}` for `postie send`: a resolver over `--var`, `--var-file` and, with `-c`, a
//! collection's `[vars]`, `[env.NAME]` and `[secrets]`. Secrets resolve as in `run` (the
//! environment, the keyring, a prompt) and are masked.

use crate::cli::SendArgs;
use crate::collection::{self, Collection};
use crate::error::Failure;
use crate::resolve::{Resolver, VarValue};
use crate::settings::Settings;

/// The collection and resolver `send`'s arguments render with.
pub struct SendVars {
    collection: Collection,
    resolver: Resolver,
}

impl SendVars {
    pub fn new(args: &SendArgs, settings: &Settings) -> Result<SendVars, Failure> {
        let collection = match &args.collection {
            Some(target) => {
                let (path, request) = collection::resolve_target(target, &settings.ctx.cwd)?;
                if let Some(request) = request {
                    return Err(Failure::usage(format!(
                        "`--collection {target}` names a request (`{request}`); give the collection"
                    )));
                }
                collection::load(&path)?
            }
            None => {
                if let Some(env) = &args.vars.env {
                    return Err(Failure::usage(format!(
                        "`-e {env}` needs a collection to take `[env.{env}]` from"
                    ))
                    .with_hint(format!(
                        "add `-c COLLECTION`, e.g. `postie send -c shop -e {env} …`"
                    )));
                }
                collection::parse(std::path::Path::new("send"), "")?
            }
        };
        let mut vars = Vec::new();
        for file in &args.var_file {
            let read = super::run::read_var_file(file)?;
            vars.extend(read.into_iter().map(|(k, v)| (k, VarValue::Text(v))));
        }
        vars.extend(super::cli_vars(&args.vars.vars));
        let resolver = Resolver::new(&collection, args.vars.env.as_deref(), &vars, &[])?
            .with_secrets(settings.secret_source(&collection));
        Ok(SendVars {
            collection,
            resolver,
        })
    }

    /// `text` with its `{{…}}` filled in (text without `{{` as it is).
    pub fn render(&self, text: &str) -> Result<String, Failure> {
        if !text.contains("{{") {
            return Ok(text.to_string());
        }
        self.resolver.render_arg(&self.collection, text)
    }
}
