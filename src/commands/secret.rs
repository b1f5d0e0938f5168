//! `postie secret set|get|list|rm|doctor`: manage secrets in the OS keyring. Values never go
//! to stdout except from `get` (piped, or with `--reveal`).

use std::io::Read;
use std::time::Instant;

use crate::cli::{SecretArgs, SecretCommand, SecretGetArgs};
use crate::error::{Code, Failure};
use crate::output::print_stdout;
use crate::secrets::{
    DialoguerPrompter, ENV_PREFIX, KeyringStore, Prompter, Secret, SecretError, SecretResolver,
    SecretStore, env_var_name, validate_name,
};
use crate::settings::Settings;
use crate::util::units::fmt_duration;

/// The name `doctor` looks up to see whether the keyring answers.
const PROBE: &str = "postie-doctor-probe";

pub fn run(args: &SecretArgs, settings: &Settings) -> Result<Code, Failure> {
    match &args.command {
        SecretCommand::Set(a) => set(&a.name, settings),
        SecretCommand::Get(a) => get(a, settings),
        SecretCommand::List => list(settings),
        SecretCommand::Rm(a) => rm(&a.name, settings),
        SecretCommand::Doctor => doctor(),
    }
}

fn set(name: &str, settings: &Settings) -> Result<Code, Failure> {
    validate_name(name)?;
    let ctx = &settings.ctx;
    let value = if ctx.interactive() {
        DialoguerPrompter.password(&format!("value for secret `{name}`"), true)?
    } else if ctx.stdin_tty {
        return Err(Failure::usage(format!(
            "no value for secret `{name}`: prompts are off in CI"
        ))
        .with_hint(format!(
            "pipe the value in: `printf '%s' \"$VALUE\" | postie secret set {name}`"
        )));
    } else {
        read_value(&mut std::io::stdin().lock())
            .map_err(|e| SecretError::Input(format!("stdin: {e}")))?
    };
    if value.expose().is_empty() {
        return Err(SecretError::Empty { name: name.into() }.into());
    }
    let store = KeyringStore::open()?;
    store.set(name, &value)?;
    let printer = &settings.printer;
    printer.err(&format!(
        "saved `{name}` to the keyring ({})\n",
        store.name()
    ));
    let var = env_var_name(name);
    if std::env::var_os(&var).is_some_and(|v| !v.is_empty()) {
        printer.err(&printer.warning(&format!(
            "`{var}` is set here and takes precedence over the keyring"
        )));
    }
    Ok(Code::Ok)
}

/// One value from a pipe: everything up to the end, less one trailing newline.
fn read_value(input: &mut dyn Read) -> Result<Secret, String> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    let mut text = String::from_utf8(bytes).map_err(|_| "the value is not UTF-8 text")?;
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    Ok(Secret::new(text))
}

fn get(args: &SecretGetArgs, settings: &Settings) -> Result<Code, Failure> {
    let name = &args.name;
    validate_name(name)?;
    if settings.ctx.stdout_tty && !args.reveal {
        return Err(
            Failure::usage(format!("refusing to print secret `{name}` to a terminal")).with_hint(
                format!("add `--reveal` to show it, or pipe it: `postie secret get {name} | …`"),
            ),
        );
    }
    // Resolves as a collection would (environment, then keyring), without prompting.
    let (secret, _) = SecretResolver::system(false).resolve(name)?;
    print_stdout(format!("{}\n", secret.expose()).as_bytes())
}

fn list(settings: &Settings) -> Result<Code, Failure> {
    let env_vars: Vec<String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v)))
        .filter(|(k, v)| k.starts_with(ENV_PREFIX) && k.len() > ENV_PREFIX.len() && !v.is_empty())
        .map(|(k, _)| k)
        .collect();
    let keyring = KeyringStore::open().and_then(|store| store.list());
    // Cached OAuth2 tokens share the keyring service: `postie auth list` shows those.
    let names: Vec<String> = keyring
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|name| !name.starts_with(crate::oauth::store::PREFIX))
        .cloned()
        .collect();
    let rows = list_rows(&names, &env_vars);
    if !rows.is_empty() {
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let text: String = rows
            .iter()
            .map(|(name, from)| format!("{name:width$}  {from}\n"))
            .collect();
        print_stdout(text.as_bytes())?;
    }
    match keyring {
        Err(err) => Err(Failure::from(err.clone()).with_detail(format!(
            "  only `{ENV_PREFIX}*` variables are listed{}",
            cause(&err).map_or_else(String::new, |c| format!("\n  cause: {c}"))
        ))),
        Ok(_) if rows.is_empty() => {
            settings.printer.err(
                "no secrets: store one with `postie secret set NAME`, \
                 or set `POSTIE_SECRET_<NAME>`\n",
            );
            Ok(Code::Ok)
        }
        Ok(_) => Ok(Code::Ok),
    }
}

/// `(name, where it resolves from)` for each keyring name and each `POSTIE_SECRET_*` variable,
/// sorted by name. A variable that no keyring name maps to is shown under its lower-cased
/// suffix.
fn list_rows(keyring: &[String], env_vars: &[String]) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = keyring
        .iter()
        .map(|name| {
            let var = env_var_name(name);
            let from = if env_vars.contains(&var) {
                format!("env {var} (used first), keyring")
            } else {
                "keyring".to_string()
            };
            (name.clone(), from)
        })
        .collect();
    for var in env_vars {
        if !keyring.iter().any(|name| env_var_name(name) == *var) {
            let name = var[ENV_PREFIX.len()..].to_ascii_lowercase();
            rows.push((name, format!("env {var}")));
        }
    }
    rows.sort();
    rows
}

fn rm(name: &str, settings: &Settings) -> Result<Code, Failure> {
    validate_name(name)?;
    let store = KeyringStore::open()?;
    if store.delete(name)? {
        settings.printer.err(&format!(
            "removed `{name}` from the keyring ({})\n",
            store.name()
        ));
        return Ok(Code::Ok);
    }
    let var = env_var_name(name);
    let hint = if std::env::var_os(&var).is_some() {
        format!("`{var}` is set in the environment: unset it there")
    } else {
        "`postie secret list` shows the stored names".to_string()
    };
    Err(Failure::new(
        Code::Secret,
        format!("no secret `{name}` in the keyring ({})", store.name()),
    )
    .with_hint(hint))
}

fn doctor() -> Result<Code, Failure> {
    let started = Instant::now();
    let probe = KeyringStore::open().and_then(|store| store.get(PROBE).map(|_| store));
    let took = fmt_duration(started.elapsed());
    let mut out = format!("store    {}\n", KeyringStore::platform_name());
    if cfg!(target_os = "linux") {
        let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_else(|_| "not set".into());
        out.push_str(&format!("bus      {bus}\n"));
    }
    let result = match probe {
        Ok(store) => {
            out.push_str(&format!("status   ok (answered in {took})\n"));
            match store.list() {
                Ok(names) => out.push_str(&format!("secrets  {} stored\n", names.len())),
                Err(e) => out.push_str(&format!("secrets  could not list: {e}\n")),
            }
            Ok(Code::Ok)
        }
        Err(err) => {
            out.push_str(&format!("status   unusable (after {took})\n"));
            let mut failure = Failure::from(err.clone());
            if let Some(cause) = cause(&err) {
                failure = failure.with_detail(format!("  cause: {cause}"));
            }
            Err(failure)
        }
    };
    print_stdout(out.as_bytes())?;
    result
}

/// The low-level reason behind an error whose message is a summary.
fn cause(err: &SecretError) -> Option<&str> {
    match err {
        SecretError::NoSessionBus { detail } | SecretError::NoService { detail } => Some(detail),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(input: &str) -> Result<String, String> {
        read_value(&mut input.as_bytes()).map(|s| s.expose().to_string())
    }

    #[test]
    fn one_trailing_newline_is_stripped() {
        assert_eq!(value("abc\n"), Ok("abc".into()));
        assert_eq!(value("abc\r\n"), Ok("abc".into()));
        assert_eq!(value("abc\n\n"), Ok("abc\n".into()));
        assert_eq!(value("abc"), Ok("abc".into()));
        assert_eq!(value("\n"), Ok("".into()));
        assert_eq!(
            read_value(&mut &[0xff, 0xfe][..]).map(|s| s.expose().to_string()),
            Err("the value is not UTF-8 text".into())
        );
    }

    #[test]
    fn rows_show_where_each_secret_resolves_from() {
        let keyring = vec!["api_key".to_string(), "sofa.token".to_string()];
        let env = vec![
            "POSTIE_SECRET_SOFA_TOKEN".to_string(),
            "POSTIE_SECRET_GH_TOKEN".to_string(),
        ];
        assert_eq!(
            list_rows(&keyring, &env),
            vec![
                ("api_key".into(), "keyring".into()),
                ("gh_token".into(), "env POSTIE_SECRET_GH_TOKEN".into()),
                (
                    "sofa.token".into(),
                    "env POSTIE_SECRET_SOFA_TOKEN (used first), keyring".into()
                ),
            ]
        );
        assert!(list_rows(&[], &[]).is_empty());
    }
}
