//! `postie show TARGET [--curl]`: the fully resolved request(s), or a runnable curl command.
//! Nothing is sent.

use crate::cli::ShowArgs;
use crate::collection;
use crate::error::{Code, Failure};
use crate::output::color::Palette;
use crate::output::printer::{Printer, Verbosity};
use crate::resolve::Resolver;
use crate::settings::Settings;

pub fn run(args: &ShowArgs, settings: &Settings) -> Result<Code, Failure> {
    let (path, request) = collection::resolve_target(&args.target, &settings.ctx.cwd)?;
    let collection = collection::load(&path)?;
    let specs = match &request {
        Some(name) => vec![collection.request(name)?],
        None => collection.requests.iter().collect(),
    };
    if collection.uses_variable("inbox") {
        settings.printer.err(&settings.printer.warning(
            "`{{inbox}}` exists only while `postie run` runs; it is shown as http://127.0.0.1:0",
        ));
    }
    let builtins = [(
        "inbox".to_string(),
        serde_json::Value::String("http://127.0.0.1:0".into()),
    )];
    let resolver = Resolver::new(
        &collection,
        args.vars.env.as_deref(),
        &args.vars.vars,
        &builtins,
    )?
    .with_secrets(settings.secret_source(&collection));
    let printer = Printer::new(Palette::new(settings.stdout_color), Verbosity::Verbose);
    let mut out = String::new();
    for (i, spec) in specs.iter().enumerate() {
        let resolved = resolver.resolve(&collection, spec)?;
        settings.masker.add_derived(&resolved.headers);
        if args.curl {
            // Secrets become `${POSTIE_SECRET_…}` references (unless --show-secrets).
            let secrets = if settings.masker.is_active() {
                settings.masker.secrets()
            } else {
                Vec::new()
            };
            out.push_str(&crate::output::curl::to_curl_with_secrets(
                &resolved, &secrets,
            ));
            out.push('\n');
        } else {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&printer.heading(&collection.name, &spec.name));
            out.push_str(&printer.request(
                &resolved.method,
                resolved.url.as_str(),
                &resolved.headers,
                &resolved.body,
            ));
        }
    }
    // Whatever a secret may still be part of (a binary body, say) is masked.
    let printed = crate::output::print_stdout(settings.masker.mask(&out).as_bytes());
    // As in `postie list`: not freeing a big collection request by request (the process
    // exits right after).
    drop((specs, resolver));
    std::mem::forget(collection);
    printed
}
