//! `postie send METHOD URL [ITEM]...`: one ad-hoc request, HTTPie/xh style.
//! Start-up stays lean: no collection scan, no inbox unless asked.

use crate::cli::SendArgs;
use crate::commands::exchange::{self, Outcome, Plan};
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
    let plan = Plan::new(&args.send, settings, false).await?;
    let outcome = exchange::send_one(&plan, settings, &request).await;
    plan.shutdown().await;
    Ok(match outcome {
        Outcome::Passed | Outcome::DryRun | Outcome::BrokenPipe => Code::Ok,
        Outcome::Failed => Code::Failed,
        Outcome::Errored(code) => code,
    })
}
