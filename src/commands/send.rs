//! `postie send METHOD URL [ITEM]...`: one ad-hoc request, HTTPie/xh style.
//! Start-up stays lean: no collection scan, no inbox unless asked.

use crate::cli::SendArgs;
use crate::engine::Outcome;
use crate::error::{Code, Failure};
use crate::items;
use crate::settings::Settings;

pub async fn run(args: SendArgs, settings: &Settings) -> Result<Code, Failure> {
    let parsed = items::parse_items(&args.items).map_err(Failure::from)?;
    let mut request =
        items::build_request(&args.method, &args.url, parsed).map_err(Failure::from)?;
    if let Some(timeout) = args.send.timeout {
        request.timeout = Some(timeout);
    }
    request.follow_redirects = !args.no_follow;
    let engine = crate::commands::plan::engine(&args.send, settings, false, true).await?;
    let live = crate::output::live::Live::new(&settings.printer);
    let outcome = engine.send_one(&request, &live).await;
    engine.shutdown().await;
    Ok(match outcome {
        Outcome::Passed | Outcome::DryRun | Outcome::BrokenPipe => Code::Ok,
        Outcome::Failed => Code::Failed,
        Outcome::Errored(code) => code,
    })
}
