//! Command-line arguments (clap types only, no I/O). Parsed input; `app` turns it into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    all requests passed
  1    a request failed its expectations
  2    usage or collection error
  3    network or TLS failure
  4    secret unavailable
  130  interrupted";

#[derive(Debug, Parser)]
#[command(
    name = "postie",
    version,
    about = "Postman for the terminal: run API request collections written in TOML",
    after_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, global = true, value_name = "WHEN")]
    pub color: ColorArg,
    /// Show the request as sent (headers and body) and the response headers
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only failures (and bodies written with -o stay silent)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print secret values instead of masking them (•••••• by default, everywhere)
    #[arg(long, global = true)]
    pub show_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run collections, or single requests of them
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Send one ad-hoc request with HTTPie/xh-style items
    #[command(after_help = SEND_HELP)]
    Send(SendArgs),
    /// List the requests of collections as a tree, with method and URL
    List(ListArgs),
    /// Show a fully resolved request without sending it
    Show(ShowArgs),
    /// Find literal credentials in collections before they are committed
    Check(CheckArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Manage secrets in the OS keyring: set, get, list, rm, doctor
    #[command(after_help = SECRET_HELP)]
    Secret(SecretArgs),
    /// OAuth2 tokens cached in the OS keyring: list, logout, token
    #[command(after_help = AUTH_HELP)]
    Auth(AuthArgs),
    /// Receive webhooks: show each request in real time and keep it in the inbox
    #[command(after_help = LISTEN_HELP)]
    Listen(ListenArgs),
    /// Browse, replay and clear the requests `postie listen` received
    Inbox(InboxArgs),
    /// Turn requests from other tools into collection TOML, reporting what did not carry over
    Import(ImportArgs),
}

/// `postie import SOURCE …`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A curl command (as typed or copied from a browser, bash or cmd quoting) as one request
    #[command(after_help = IMPORT_CURL_HELP)]
    Curl(ImportCurlArgs),
    /// A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json
    #[command(after_help = IMPORT_HTTP_HELP)]
    Http(ImportHttpArgs),
    /// A Postman collection (v2.0, v2.1) with its environment and globals exports
    #[command(after_help = IMPORT_POSTMAN_HELP)]
    Postman(ImportPostmanArgs),
    /// An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation
    #[command(after_help = IMPORT_OPENAPI_HELP)]
    Openapi(ImportOpenapiArgs),
}

const IMPORT_OPENAPI_HELP: &str = "\
The first server is `base_url` (its variables in [vars] with their defaults), other servers
environments; security schemes become auth with {{secret:…}} references.

Exit codes: 0 everything carried over, 1 something was dropped (listed on stderr),
2 the file could not be read or written.";

#[derive(Debug, Args)]
pub struct ImportOpenapiArgs {
    /// The description (.yaml, .yml or .json)
    #[arg(value_name = "SPEC")]
    pub file: PathBuf,
    /// Write a new collection file (refused if it exists, unless --force); default: stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the requests (and the [vars] and environments the file lacks) to this existing
    /// collection, keeping its comments and layout
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub append: Option<PathBuf>,
    /// Overwrite the -o file if it exists; with --append, replace requests of the same name
    #[arg(long)]
    pub force: bool,
}

const IMPORT_POSTMAN_HELP: &str = "\
Folders become tags (select one with `postie run FILE --tag FOLDER`), collection variables
[vars], each --env an [env.NAME] (globals go to [vars]); secret values and literal
credentials become {{secret:…}} references, never written.

Exit codes: 0 everything carried over, 1 something was dropped (listed on stderr),
2 the file could not be read or written.";

#[derive(Debug, Args)]
pub struct ImportPostmanArgs {
    /// The collection export (JSON)
    #[arg(value_name = "COLLECTION")]
    pub file: PathBuf,
    /// An environment or globals export (repeatable)
    #[arg(long, value_name = "FILE")]
    pub env: Vec<PathBuf>,
    /// Write a new collection file (refused if it exists, unless --force); default: stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the requests (and the [vars] and environments the file lacks) to this existing
    /// collection, keeping its comments and layout
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub append: Option<PathBuf>,
    /// Overwrite the -o file if it exists; with --append, replace requests of the same name
    #[arg(long)]
    pub force: bool,
}

const IMPORT_HTTP_HELP: &str = "\
http-client.env.json and http-client.private.env.json next to FILE become [env.NAME]
tables (private values as {{secret:…}} references, never written).

Exit codes: 0 everything carried over, 1 something was dropped (listed on stderr),
2 the file could not be read or written.";

#[derive(Debug, Args)]
pub struct ImportHttpArgs {
    /// The .http (or .rest) file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write a new collection file (refused if it exists, unless --force); default: stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the requests (and the [vars] and environments the file lacks) to this existing
    /// collection, keeping its comments and layout
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub append: Option<PathBuf>,
    /// Overwrite the -o file if it exists; with --append, replace requests of the same name
    #[arg(long)]
    pub force: bool,
}

const IMPORT_CURL_HELP: &str = "\
Exit codes: 0 everything carried over, 1 something was dropped (listed on stderr),
2 the command could not be read or the file not written.

Without -o or --append the TOML goes to standard output.";

#[derive(Debug, Args)]
pub struct ImportCurlArgs {
    /// The curl command as one argument; `-` or none reads it from standard input
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write a new collection file (refused if it exists, unless --force)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the request to this existing collection, keeping its comments and layout
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub append: Option<PathBuf>,
    /// Overwrite the -o file if it exists; with --append, replace a request of the same name
    #[arg(long)]
    pub force: bool,
    /// The request's name (default: method and the URL's last path segment)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

const RUN_HELP: &str = "\
Targets:
  collections/shop.toml           a collection file
  shop                            collections/shop.toml under the current directory
  shop/create-plan                one request of a collection
  collections/shop.toml/create-plan

With no target on a terminal, a fuzzy picker over all requests opens.";

const SEND_HELP: &str = "\
Items:
  Header:value     request header        (X-Api-Key:abc)
  Header:          do not send Header    (User-Agent:)
  Header;          send Header empty     (X-Empty;)
  name==value      query parameter       (q==sofa)
  field=value      JSON string field     (name=Ada, user[name]=Ada, tags[]=a)
  field:=json      raw JSON field        (age:=36, tags:='[\"a\"]')
  field=@path      JSON string from a file, field:=@path JSON from a file
  @path            body read from a file (@payload.json)

A body piped on standard input is sent when no item gives one (see --ignore-stdin).

{{name}}, {{secret:NAME}}, {{env:NAME}} and {{$uuid}} work in the URL and the items' values,
as in collections: --var, --var-file, and with -c COLLECTION its [vars] and -e's [env.NAME].

URL shorthand: `:8080/x` is http://localhost:8080/x, a missing scheme means http://.";

/// Options shared by commands that send requests.
#[derive(Debug, Args, Clone)]
pub struct SendOptions {
    /// Timeout for each whole request, e.g. 500ms, 10s (default 30s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Accept invalid TLS certificates (dangerous: prints a warning)
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Trust this PEM CA certificate in addition to the system's
    #[arg(long, value_name = "FILE")]
    pub cacert: Vec<PathBuf>,
    /// Write the response body to FILE (streamed, exact bytes)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Pretty-print JSON bodies even when stdout is not a terminal
    #[arg(long)]
    pub pretty: bool,
    /// Resolve and show the requests, send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Follow at most N redirects (default 10; a request's `max_redirects` wins)
    #[arg(long, value_name = "N", default_value_t = crate_max_redirects(), value_parser = clap::value_parser!(u16).range(0..=50))]
    pub max_redirects: u16,
    /// Load cookies from FILE and save the run's cookies to it (Netscape format, as curl's -b/-c)
    #[arg(long, value_name = "FILE", conflicts_with = "no_cookies")]
    pub cookie_jar: Option<PathBuf>,
    /// Keep no cookies: a Set-Cookie is not stored and nothing is sent back
    #[arg(long)]
    pub no_cookies: bool,
    /// OAuth2 authorization code grant: print the sign-in URL, don't open a browser
    #[arg(long)]
    pub no_browser: bool,
    #[command(flatten)]
    pub routes: RouteArgs,
}

/// `--resolve` and `--connect-to` (as curl has them), kept as written; parsed by `route`.
#[derive(Debug, Args, Clone, Default)]
pub struct RouteArgs {
    /// Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = check_resolve)]
    pub resolve: Vec<String>,
    /// Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)
    #[arg(long, value_name = "HOST:PORT:HOST2:PORT2", value_parser = check_connect_to)]
    pub connect_to: Vec<String>,
}

fn check_resolve(s: &str) -> Result<String, String> {
    crate::route::parse_resolve(s).map(|_| s.to_owned())
}

fn check_connect_to(s: &str) -> Result<String, String> {
    crate::route::parse_connect_to(s).map(|_| s.to_owned())
}

/// The default of `--max-redirects` (the HTTP layer's).
const fn crate_max_redirects() -> u16 {
    10
}

#[derive(Debug, Args)]
pub struct VarArgs {
    /// Environment of the collection to use ([env.NAME])
    #[arg(short, long = "env", value_name = "NAME")]
    pub env: Option<String>,
    /// Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps
    /// the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<CliVar>,
}

/// One `--var`.
#[derive(Debug, Clone, PartialEq)]
pub enum CliVar {
    /// `NAME=VALUE`
    Text(String, String),
    /// `NAME:=JSON`
    Json(String, serde_json::Value),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Collections or requests to run (see below)
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub send: SendOptions,
    /// Stop at the first request that fails
    #[arg(long)]
    pub fail_fast: bool,
    /// Read variables from a dotenv file (KEY=VALUE lines); --var wins over it
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<std::path::PathBuf>,
    /// Run only requests with this tag (repeatable: any of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Skip requests with this tag (repeatable)
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Run up to N collections at once (each keeps its order and chain); bodies aren't printed
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Run shard K of N: a deterministic, balanced part of the requests (chains kept whole)
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Retry a request up to N more times after a network error
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry: u32,
    /// Also retry a response with one of these statuses, e.g. 429,503 (up to --retry more
    /// times, 2 without it; Retry-After honoured, else exponential backoff)
    #[arg(long, value_name = "STATUSES", value_delimiter = ',', value_parser = clap::value_parser!(u16).range(100..=599))]
    pub retry_status: Vec<u16>,
    /// Run the selection once per row of a .csv (header row = variable names) or .json
    /// (array of objects) file, with the row's values as variables
    #[arg(long, value_name = "FILE", conflicts_with = "iterations")]
    pub data: Option<std::path::PathBuf>,
    /// Run the selection N times (without --data)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub iterations: u32,
    /// Run everything (every row or iteration) N times
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub repeat: u32,
    /// Wait this long between requests, e.g. 200ms
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub delay: Option<std::time::Duration>,
    /// Write a report: junit=PATH, json=PATH, har=PATH, html=PATH or tap=PATH (repeatable)
    #[arg(long = "report", value_name = "KIND=PATH", value_parser = parse_report)]
    pub reports: Vec<(ReportKind, std::path::PathBuf)>,
    /// Print one JSON object per request on stdout as it finishes (NDJSON); bodies aren't printed
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Junit,
    Json,
    /// HAR 1.2: every exchange, for a browser's network panel or any HAR viewer.
    Har,
    /// One self-contained HTML page (no scripts, nothing loaded from anywhere).
    Html,
    /// TAP version 13.
    Tap,
}

fn parse_report(s: &str) -> Result<(ReportKind, std::path::PathBuf), String> {
    let (kind, path) = s.split_once('=').ok_or_else(|| {
        format!(
            "expected KIND=PATH (junit=report.xml, json=run.json, har=run.har, html=run.html, tap=run.tap), got `{s}`"
        )
    })?;
    let kind = match kind {
        "junit" => ReportKind::Junit,
        "json" => ReportKind::Json,
        "har" => ReportKind::Har,
        "html" => ReportKind::Html,
        "tap" => ReportKind::Tap,
        other => {
            return Err(format!(
                "unknown report kind `{other}`: use junit, json, har, html or tap"
            ));
        }
    };
    if path.is_empty() {
        return Err("the report needs a path".to_string());
    }
    Ok((kind, std::path::PathBuf::from(path)))
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("expected K/N with 1 <= K <= N, e.g. 2/4, got `{s}`");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let k: u32 = k.trim().parse().map_err(|_| bad())?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// HTTP method (GET, POST, …)
    pub method: String,
    /// URL (`:8080/x` and scheme-less forms are accepted)
    pub url: String,
    /// Request items: Header:value, name==value, field=value, field:=json, @file
    #[arg(value_name = "ITEM")]
    pub items: Vec<String>,
    #[command(flatten)]
    pub send: SendOptions,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Read variables from a dotenv file (KEY=VALUE lines); --var wins over it
    #[arg(long, value_name = "FILE")]
    pub var_file: Vec<std::path::PathBuf>,
    /// A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use
    #[arg(short = 'c', long, value_name = "COLLECTION")]
    pub collection: Option<String>,
    /// Exit 1 when the response status is 4xx or 5xx (off by default, as in xh and HTTPie)
    #[arg(long)]
    pub check_status: bool,
    /// Print the request as a curl command instead of sending it
    #[arg(long)]
    pub curl: bool,
    /// Do not follow redirects
    #[arg(long)]
    pub no_follow: bool,
    /// Do not read a request body from standard input (it is read when it is not a terminal
    /// and no `field=value` or `@file` item gives a body)
    #[arg(long)]
    pub ignore_stdin: bool,
    /// HTTP Basic auth, USER:PASSWORD (as xh's and HTTPie's -a); {{secret:NAME}} works in it.
    /// An `Authorization:` item wins over it
    #[arg(
        short = 'a',
        long,
        value_name = "USER:PASSWORD",
        conflicts_with = "bearer"
    )]
    pub auth: Option<String>,
    /// Bearer token auth, `Authorization: Bearer TOKEN` (as xh's --bearer)
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Also save the request in a collection, before sending it: `collection/name`
    /// (collections/collection.toml, created if missing) or `path/to/file.toml/name`;
    /// literal credentials are saved as {{secret:…}} references
    #[arg(long, value_name = "COLLECTION/NAME")]
    pub save: Option<String>,
    /// With --save: replace a request of that name instead of refusing
    #[arg(long, requires = "save")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// A collection (file or name); default: every collection under ./collections
    pub collection: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Collections (files or names); default: every collection under ./collections
    #[arg(value_name = "COLLECTION")]
    pub collections: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A request (`shop/create-plan`) or a whole collection
    pub target: String,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Print a runnable curl command instead
    #[arg(long)]
    pub curl: bool,
    #[command(flatten)]
    pub routes: RouteArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    pub shell: clap_complete::Shell,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::util::units::parse_duration(s)
        .map_err(|e| format!("expected a duration such as 500ms or 10s, at most 24h ({e})"))
}

fn parse_var(s: &str) -> Result<CliVar, String> {
    let bad = || format!("expected NAME=VALUE or NAME:=JSON, got `{s}`");
    let (key, value) = s.split_once('=').ok_or_else(bad)?;
    if let Some(name) = key.strip_suffix(':') {
        let name = name.trim();
        if name.is_empty() {
            return Err(bad());
        }
        return serde_json::from_str(value)
            .map(|json| CliVar::Json(name.to_string(), json))
            .map_err(|e| {
                format!("`{name}:=` takes a JSON value (600, true, '\"text\"', '[1]'): {e}")
            });
    }
    match key.trim() {
        "" => Err(bad()),
        name => Ok(CliVar::Text(name.to_string(), value.to_string())),
    }
}

const SECRET_HELP: &str = "\
A collection uses a secret as {{secret:NAME}}. It resolves, in order, from:
  POSTIE_SECRET_<NAME>   environment variable (NAME upper-cased, other characters as _)
  the OS keyring         service `postie` (Secret Service, macOS Keychain, Windows)
  a hidden prompt        on a terminal only, never with CI set
Names: 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter.";

#[derive(Debug, Args)]
pub struct SecretArgs {
    #[command(subcommand)]
    pub command: SecretCommand,
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)
    Set(SecretNameArgs),
    /// Print a secret's value (when piped; on a terminal only with --reveal)
    Get(SecretGetArgs),
    /// List secret names and where each resolves from (never values)
    List,
    /// Remove a secret from the keyring
    Rm(SecretNameArgs),
    /// Check the keyring: which store, whether it answers, how long it took
    Doctor,
}

#[derive(Debug, Args)]
pub struct SecretNameArgs {
    /// The secret's name, as in {{secret:NAME}}
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SecretGetArgs {
    /// The secret's name, as in {{secret:NAME}}
    pub name: String,
    /// Print the value even on a terminal
    #[arg(long)]
    pub reveal: bool,
}

const AUTH_HELP: &str = "\
A request with `auth = { oauth2 = { ... } }` gets its token from the token endpoint once, then
reuses it (from memory for the run, from the OS keyring across runs, service `postie`) until
shortly before it expires; then it is refreshed (with the refresh token if any).
Without a keyring (CI) tokens live in memory: one token request per run.";

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// List cached tokens: profile, client, scope, expiry (never the value)
    List,
    /// Remove cached tokens from the keyring: those of PROFILE, or all
    Logout(AuthLogoutArgs),
    /// Print an access token for a request's oauth2 auth (when piped; on a terminal only with --reveal)
    Token(AuthTokenArgs),
}

#[derive(Debug, Args)]
pub struct AuthLogoutArgs {
    /// The profile (`name` of `auth.oauth2`, else the token URL's host); all when left out
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct AuthTokenArgs {
    /// A collection (its `[defaults]` auth, else its first oauth2 request) or one request
    pub target: String,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Print the token even on a terminal
    #[arg(long)]
    pub reveal: bool,
    /// Authorization code grant: print the sign-in URL, don't open a browser
    #[arg(long)]
    pub no_browser: bool,
}

const LISTEN_HELP: &str = "\
Every request is written to the inbox (and synced to disk) before it is answered, so an
acknowledged webhook survives a crash. Browse it with `postie inbox list`.

Signature schemes (--verify, inbox replay --sign):
  github          X-Hub-Signature-256: sha256=<hex>
  stripe          Stripe-Signature: t=<unix>,v1=<hex> (t at most 300 s old: the stripe library's default)
  standard, svix  webhook-id, webhook-timestamp, webhook-signature (whsec_ secrets)
  hmac:HEADER     hex HMAC-SHA256 of the body in HEADER
Fixed credentials (--verify only):
  basic           Authorization: Basic <base64 of the secret, user:password>
  bearer          Authorization: Bearer <the secret>
The secret NAME is read from the environment variable POSTIE_SECRET_<NAME>.";

/// `postie listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8750)]
    pub port: u16,
    /// Address to bind (use 0.0.0.0 to accept requests from other machines)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Inbox directory (default: $XDG_DATA_HOME/postie/inbox)
    #[arg(long, value_name = "DIR")]
    pub inbox: Option<PathBuf>,
    /// Print one JSON object per request on stdout (NDJSON)
    #[arg(long)]
    pub json: bool,
    /// Status to answer with (200-599)
    #[arg(long, default_value_t = 200, value_parser = parse_status)]
    pub status: u16,
    /// Body to answer with
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// Header to answer with (repeatable)
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Wait this long before answering, e.g. 200ms
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub delay: Option<std::time::Duration>,
    /// Answer with a JSON echo of the request instead
    #[arg(long, conflicts_with_all = ["status", "body", "headers"])]
    pub echo: bool,
    /// Largest body kept whole, e.g. 10MB, 512KB; larger ones are answered 413
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_body: usize,
    /// Relay each request to this http(s) URL (its path is appended), byte for byte;
    /// repeatable: each target has its own queue, so a slow one delays no other
    #[arg(long, value_name = "URL", value_parser = parse_forward_url)]
    pub forward_to: Vec<String>,
    /// Give up a forwarded delivery attempt after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub forward_timeout: std::time::Duration,
    /// Close a connection that takes longer than this to send a request head
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: std::time::Duration,
    /// Close a connection silent this long with no request in progress
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub idle_timeout: std::time::Duration,
    /// Most connections open at once (then the longest idle is closed, or a 503 sent);
    /// lowered to fit the open-file limit
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Most request-body bytes held in memory at once, over all connections
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    pub body_budget: usize,
    /// Check each request: a signature (github, stripe, standard (svix), hmac:HEADER) or a
    /// fixed Authorization header (basic: the secret is user:password; bearer: the token)
    #[arg(long, value_name = "SCHEME", requires = "secret_name")]
    pub verify: Option<String>,
    /// Name of the signing secret (read from POSTIE_SECRET_<NAME>)
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// Answer 401 to requests that fail --verify (invalid or without credentials); they are
    /// still stored, marked
    #[arg(long, requires = "verify")]
    pub reject_invalid: bool,
    /// Answer by the rules in this TOML file: the first `[[rule]]` that matches, else
    /// `[default]`, else --status/--body
    #[arg(long, value_name = "FILE", conflicts_with = "echo")]
    pub rules: Option<PathBuf>,
    /// One line per request: time, method, path, size, verification, forward result
    #[arg(long, conflicts_with = "json")]
    pub compact: bool,
    /// Also receive what a smee.io or gosmee channel relays (its URL), as if it came here
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
}

/// `postie inbox`.
#[derive(Debug, Args)]
pub struct InboxArgs {
    /// Inbox directory (default: $XDG_DATA_HOME/postie/inbox)
    #[arg(long, value_name = "DIR", global = true)]
    pub inbox: Option<PathBuf>,
    #[command(subcommand)]
    pub command: InboxCommand,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// List received requests, oldest first
    List(InboxListArgs),
    /// Show one request (headers and pretty body), or its exact body bytes with --raw
    Show(InboxShowArgs),
    /// Send a received request again: same method, headers and body bytes
    Replay(InboxReplayArgs),
    /// Add a received request to a collection as a new request (comments and layout kept)
    Save(InboxSaveArgs),
    /// Write received requests as HAR 1.2 (credential headers masked), to share or view
    Export(InboxExportArgs),
    /// Delete every request in the inbox
    Clear,
    /// Check every record of the inbox: exit 1 naming each damaged byte range and lost id
    Verify,
    /// Rewrite the inbox without its damaged parts (the original is kept as a backup)
    Repair,
}

#[derive(Debug, Args)]
pub struct InboxExportArgs {
    /// HAR 1.2 (the only format so far)
    #[arg(long, required = true)]
    pub har: bool,
    /// The request ids: `3-7,12` (default: all)
    #[arg(value_name = "IDS")]
    pub ids: Option<String>,
    /// Write to this file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InboxSaveArgs {
    /// The request id
    pub id: String,
    /// Where to save it: `collection/name` (collections/collection.toml, created if missing)
    /// or `path/to/file.toml/name`
    #[arg(value_name = "COLLECTION/NAME")]
    pub target: String,
    /// What the saved URL starts with, before the received path and query
    #[arg(long, value_name = "URL", default_value = "{{base_url}}")]
    pub base: String,
}

#[derive(Debug, Args)]
pub struct InboxListArgs {
    /// Only requests received since then: a duration (10m, 2h) or an RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only requests received before then: a duration ago (10m) or an RFC 3339 time
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only requests whose path matches this glob (`*` matches across `/`)
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,
    /// Only requests with this method (POST)
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// Only requests with a header of this name whose value matches the glob (repeatable)
    #[arg(long = "header", value_name = "NAME:GLOB", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Only requests whose JSON body matches: `PATH` (it selects something) or `PATH=VALUE`
    /// (a node equals VALUE, read as JSON, else as a string); repeatable
    #[arg(long = "jsonpath", value_name = "PATH[=VALUE]")]
    pub jsonpath: Vec<String>,
    /// Only requests whose `listen --verify` result is one of these (comma-separated):
    /// verified, invalid, unsigned, not_verified
    #[arg(long, value_name = "RESULT", value_delimiter = ',')]
    pub verification: Vec<String>,
    /// One JSON object per request (NDJSON)
    #[arg(long)]
    pub json: bool,
    /// Exit 1 if the inbox has damaged records (they are skipped and named either way)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct InboxShowArgs {
    /// The request id (as in `inbox list`, with or without `#`)
    pub id: String,
    /// Write the exact body bytes to stdout, nothing else
    #[arg(long)]
    pub raw: bool,
    /// The request as one JSON object
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InboxReplayArgs {
    /// The request ids: `3`, `3-7,12` (ranges, comma-separated)
    #[arg(value_name = "IDS", required_unless_present = "failed")]
    pub ids: Option<String>,
    /// Also every request whose deliveries never got a 2xx answer
    #[arg(long)]
    pub failed: bool,
    /// Where to send them (used as is); default: where `listen --forward-to` sent each one
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Re-sign the body with this scheme before sending
    #[arg(long, value_name = "SCHEME", requires = "secret_name")]
    pub sign: Option<String>,
    /// Name of the signing secret (read from POSTIE_SECRET_<NAME>)
    #[arg(long, value_name = "NAME")]
    pub secret_name: Option<String>,
    /// Give up each delivery after this long (connecting, sending and the whole answer),
    /// e.g. 5s, 500ms, 2m
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// A final status: 1xx cannot end an exchange (hyper would answer 500 each time).
fn parse_status(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(n) if (200..=599).contains(&n) => Ok(n),
        Ok(n) if (100..200).contains(&n) => Err(format!(
            "`{n}` is an informational (1xx) status, which cannot be a final answer: use 200-599"
        )),
        _ => Err(format!("expected a status from 200 to 599, got `{s}`")),
    }
}

/// `--forward-to`: an absolute http or https URL.
fn parse_forward_url(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URL ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(s.to_owned()),
        "http" | "https" => Err(format!("`{s}` has no host")),
        other => Err(format!(
            "`{other}:` URLs cannot receive webhooks: give an http:// or https:// URL"
        )),
    }
}

fn parse_header(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected NAME:VALUE, got `{s}`")),
    }
}

/// `10MB`, `512KB`, `1MiB`, `2048` (bytes). Decimal units as elsewhere in postie.
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1000,
        "mb" | "m" => 1000 * 1000,
        "gb" | "g" => 1000 * 1000 * 1000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return Err(format!("expected a size such as 10MB or 512KB, got `{s}`")),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n <= u32::MAX as usize / 2)
        .ok_or_else(|| format!("expected a size such as 10MB or 512KB (at most 2GB), got `{s}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn var_needs_a_name() {
        assert_eq!(
            parse_var("a=b=c"),
            Ok(CliVar::Text("a".into(), "b=c".into()))
        );
        assert_eq!(
            parse_var("n:=600"),
            Ok(CliVar::Json("n".into(), serde_json::json!(600)))
        );
        assert_eq!(
            parse_var("s:=\"a=b\""),
            Ok(CliVar::Json("s".into(), serde_json::json!("a=b")))
        );
        assert!(parse_var("=x").is_err());
        assert!(parse_var(":=1").is_err());
        assert!(parse_var("n:=nope").is_err());
        assert!(parse_var("novalue").is_err());
    }

    #[test]
    fn sizes_and_headers_parse() {
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_size("2048"), Ok(2048));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("9GB").is_err());
        assert_eq!(parse_header("X-A: b:c"), Ok(("X-A".into(), "b:c".into())));
        assert!(parse_header("nocolon").is_err());
    }

    #[test]
    fn impossible_listen_options_are_refused() {
        assert_eq!(parse_status("204"), Ok(204));
        assert!(parse_status("101").is_err_and(|e| e.contains("informational")));
        assert!(parse_status("99").is_err());
        assert!(parse_status("600").is_err());
        assert!(parse_forward_url("https://127.0.0.1:3000/hooks").is_ok());
        assert!(parse_forward_url("ftp://127.0.0.1/x").is_err_and(|e| e.contains("`ftp:`")));
        assert!(parse_forward_url("http://").is_err());
        assert!(parse_forward_url("localhost:3000").is_err());
    }

    #[test]
    fn durations_parse() {
        assert_eq!(
            parse_duration("250ms"),
            Ok(std::time::Duration::from_millis(250))
        );
        assert!(parse_duration("soon").is_err());
    }
}
