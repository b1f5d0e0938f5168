//! `postie send METHOD URL [ITEM]...`: one ad-hoc request, HTTPie/xh style.
//! Start-up stays lean: no collection scan, no inbox unless asked.

use crate::cli::SendArgs;
use crate::engine::Outcome;
use crate::error::{Code, Failure};
use crate::items;
use crate::request::{ResolvedRequest, StatusMatcher};
use crate::settings::Settings;
use std::io::{IsTerminal, Read};

/// The most a body piped on stdin may hold: it is read into memory (its length is sent);
/// `@/dev/stdin` streams a larger one.
const STDIN_LIMIT: u64 = 64 * 1024 * 1024;

/// The body piped on stdin; `None` when there is none (an empty pipe, `/dev/null`).
fn read_stdin() -> Result<Option<Vec<u8>>, Failure> {
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(STDIN_LIMIT + 1)
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        let why = format!("could not read the request body from standard input: {e}");
        return Err(Failure::from_display(Code::Usage, &why));
    }
    if bytes.len() as u64 > STDIN_LIMIT {
        let why = format!(
            "the body on standard input is over {} MiB: send it streamed with `@/dev/stdin`, \
             or pass --ignore-stdin",
            STDIN_LIMIT / (1024 * 1024)
        );
        return Err(Failure::from_display(Code::Usage, &why));
    }
    Ok((!bytes.is_empty()).then_some(bytes))
}

pub async fn run(args: SendArgs, settings: &Settings) -> Result<Code, Failure> {
    let vars = super::send_vars::SendVars::new(&args, settings)?;
    let mut render = |text: &str| vars.render(text);
    let mut parsed = items::parse_items_with(&args.items, &mut render)?;
    let has_body =
        !parsed.json.is_empty() || parsed.json_array.is_some() || parsed.body_file.is_some();
    if !args.ignore_stdin && !has_body && !args.curl && !std::io::stdin().is_terminal() {
        parsed.stdin = read_stdin()?;
    }
    let url = vars.render(&args.url)?;
    let stdin = args.save.as_ref().and(parsed.stdin.clone());
    let mut request = items::build_request(&args.method, &url, parsed).map_err(Failure::from)?;
    if let Some(timeout) = args.send.timeout {
        request.timeout = Some(timeout);
    }
    request.follow_redirects = !args.no_follow;
    if let Some(header) = auth_header(&args, &vars)?
        && !request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        request.headers.push(header);
    }
    if let Some(target) = &args.save {
        // Saved first: a refused name stops the command before anything is sent.
        super::send_save::save(&args, target, stdin.as_deref(), &vars, settings)?;
    }
    settings.masker.add_derived(&request.headers);
    if args.curl {
        return print_curl(&request, settings);
    }
    if args.check_status {
        // A failed status check is exit 1, shown like a collection's `expect.status`.
        request.expect.status = (1..=3).map(StatusMatcher::Class).collect();
    }
    let engine = crate::commands::plan::engine(&args.send, settings, false, true).await?;
    let live = crate::output::live::Live::new(&settings.printer);
    let outcome = engine.send_one(&request, &live).await;
    let saved = engine.save_cookies();
    engine.shutdown().await;
    saved?;
    Ok(match outcome {
        Outcome::Passed | Outcome::DryRun | Outcome::BrokenPipe => Code::Ok,
        Outcome::Failed => Code::Failed,
        Outcome::Errored(code) => code,
    })
}

/// `-a USER:PASSWORD` (Basic) or `--bearer TOKEN` as an `Authorization` header.
fn auth_header(
    args: &SendArgs,
    vars: &super::send_vars::SendVars,
) -> Result<Option<(String, String)>, Failure> {
    use base64::Engine;
    if let Some(auth) = &args.auth {
        let Some((user, password)) = auth.split_once(':') else {
            return Err(Failure::usage(format!("`-a {auth}` has no password"))
                .with_hint("give `-a USER:PASSWORD`; keep the password out of your shell history with `-a 'USER:{{secret:NAME}}'`"));
        };
        let pair = format!("{}:{}", vars.render(user)?, vars.render(password)?);
        let token = base64::engine::general_purpose::STANDARD.encode(pair);
        return Ok(Some(("Authorization".into(), format!("Basic {token}"))));
    }
    Ok(match &args.bearer {
        Some(token) => Some((
            "Authorization".into(),
            format!("Bearer {}", vars.render(token)?),
        )),
        None => None,
    })
}

/// `--curl`: the command that sends this request, secrets as `${POSTIE_SECRET_…}` references
/// (unless `--show-secrets`), as `show --curl` prints it.
fn print_curl(request: &ResolvedRequest, settings: &Settings) -> Result<Code, Failure> {
    let secrets = if settings.masker.is_active() {
        settings.masker.secrets()
    } else {
        Vec::new()
    };
    let mut command = super::show::curl(request, &secrets, &settings.ctx.cwd)?;
    command.push('\n');
    crate::output::print_stdout(settings.masker.mask(&command).as_bytes())
}
