//! `postie show TARGET [--curl]`: the fully resolved request(s), or a runnable curl command.
//! Nothing is sent.

use crate::cli::ShowArgs;
use crate::collection;
use crate::error::{Code, Failure};
use crate::http::{Client, ClientOptions};
use crate::output::color::Palette;
use crate::output::printer::{Printer, Verbosity};
use crate::request::{Body, Part, PartValue, ResolvedRequest};
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
    let mut resolver = Resolver::new(
        &collection,
        args.vars.env.as_deref(),
        &super::cli_vars(&args.vars.vars),
        &builtins,
    )?
    .with_secrets(settings.secret_source(&collection));
    let printer = Printer::new(Palette::new(settings.stdout_color), Verbosity::Verbose);
    let routes = crate::route::Routes::parse(&args.routes.resolve, &args.routes.connect_to)
        .map_err(Failure::usage)?;
    let mut out = String::new();
    // Captured values are not known without sending: they show where they would come from
    // (those of the requests above the first one shown, then of each one shown).
    if let Some(first) = specs.first() {
        for (var, placeholder) in collection.captured_above(&first.name) {
            resolver.set(&var, serde_json::Value::String(placeholder));
        }
    }
    for (i, spec) in specs.iter().enumerate() {
        let mut resolved = resolver.resolve(&collection, spec)?;
        // The command line's entries first, as `postie run` applies them.
        resolved.routes = routes.then(&resolved.routes);
        let webhook = spec.expect_webhook.iter().flat_map(|w| &w.captures);
        for capture in spec.captures.iter().chain(webhook) {
            let placeholder = collection::capture_placeholder(&spec.name, capture);
            resolver.set(&capture.name, serde_json::Value::String(placeholder));
        }
        let auth = spec.auth.as_ref().or(collection.defaults.auth.as_ref());
        if matches!(auth, Some(collection::AuthSpec::OAuth2(_))) {
            oauth2_placeholder(&mut resolved, settings, args.curl);
        }
        settings.masker.add_derived(&resolved.headers);
        if args.curl {
            // Secrets become `${POSTIE_SECRET_…}` references (unless --show-secrets).
            let secrets = if settings.masker.is_active() {
                settings.masker.secrets()
            } else {
                Vec::new()
            };
            out.push_str(&curl(&resolved, &secrets, &settings.ctx.cwd)?);
            out.push('\n');
        } else {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&printer.heading(&collection.name, &spec.name));
            out.push_str(&printer.request(
                &resolved.method,
                &crate::util::readable_placeholders(resolved.url.as_str()),
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

/// Stands for the OAuth2 access token `run` would fetch (nothing is sent here): masked in
/// `show`, `${POSTIE_SECRET_OAUTH2_TOKEN}` in `show --curl`.
const OAUTH2_PLACEHOLDER: &str = "postie-oauth2-access-token";

fn oauth2_placeholder(resolved: &mut ResolvedRequest, settings: &Settings, curl: bool) {
    if resolved.header("authorization").is_some() {
        return;
    }
    settings.masker.add("oauth2_token", OAUTH2_PLACEHOLDER);
    resolved.headers.push((
        "Authorization".to_string(),
        format!("Bearer {OAUTH2_PLACEHOLDER}"),
    ));
    if curl {
        settings.printer.err(
            "hint: the OAuth2 token is `${POSTIE_SECRET_OAUTH2_TOKEN}`: set it with \
             `POSTIE_SECRET_OAUTH2_TOKEN=$(postie auth token TARGET)`\n",
        );
    }
}

/// The curl command that sends what `postie run` sends: signed like `run` signs, with the
/// header list of postie's client (its defaults included). A request the client cannot
/// build (a bad header, say) is exported with its own headers.
/// Body files are given by absolute path, so the command works from any directory.
pub fn curl(
    resolved: &ResolvedRequest,
    secrets: &[(String, String)],
    cwd: &std::path::Path,
) -> Result<String, Failure> {
    let mut request = match &resolved.sign {
        Some(signing) => crate::engine::sign(resolved, signing)?,
        None => resolved.clone(),
    };
    match &mut request.body {
        Body::File(path) => *path = cwd.join(&*path),
        Body::Multipart(parts) => {
            for part in parts {
                if let PartValue::File { path, .. } = &mut part.value {
                    *path = cwd.join(&*path);
                }
            }
        }
        _ => {}
    }
    let request = &request;
    // The headers only: files are not opened (curl reads them when the command runs).
    let mut headers_only = request.clone();
    headers_only.body = match &request.body {
        Body::File(_) => Body::Bytes(Vec::new()),
        Body::Multipart(parts) => Body::Multipart(
            parts
                .iter()
                .map(|part| Part {
                    name: part.name.clone(),
                    value: PartValue::Text(String::new()),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    let sent =
        Client::new(&ClientOptions::default()).and_then(|client| client.prepare(&headers_only));
    Ok(match sent {
        Ok(prepared) => crate::output::curl::to_curl_as_sent(request, &prepared.headers, secrets),
        Err(_) => crate::output::curl::to_curl_with_secrets(request, secrets),
    })
}
