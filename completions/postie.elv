
use builtin;
use str;

set edit:completion:arg-completer[postie] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'postie'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'postie'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Run collections, or single requests of them'
            cand send 'Send one ad-hoc request with HTTPie/xh-style items'
            cand list 'List the requests of collections as a tree, with method and URL'
            cand show 'Show a fully resolved request without sending it'
            cand check 'Find literal credentials in collections before they are committed'
            cand completions 'Print a shell completion script'
            cand secret 'Manage secrets in the OS keyring: set, get, list, rm, doctor'
            cand auth 'OAuth2 tokens cached in the OS keyring: list, logout, token'
            cand listen 'Receive webhooks: show each request in real time and keep it in the inbox'
            cand inbox 'Browse, replay and clear the requests `postie listen` received'
            cand import 'Turn requests from other tools into collection TOML, reporting what did not carry over'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;run'= {
            cand -e 'Environment of the collection to use ([env.NAME])'
            cand --env 'Environment of the collection to use ([env.NAME])'
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value'
            cand --timeout 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)'
            cand --cacert 'Trust this PEM CA certificate in addition to the system''s'
            cand -o 'Write the response body to FILE (streamed, exact bytes)'
            cand --output 'Write the response body to FILE (streamed, exact bytes)'
            cand --max-redirects 'Follow at most N redirects (default 10; a request''s `max_redirects` wins)'
            cand --cookie-jar 'Load cookies from FILE and save the run''s cookies to it (Netscape format, as curl''s -b/-c)'
            cand --resolve 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)'
            cand --connect-to 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)'
            cand --var-file 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it'
            cand --tag 'Run only requests with this tag (repeatable: any of them)'
            cand --skip-tag 'Skip requests with this tag (repeatable)'
            cand -j 'Run up to N collections at once (each keeps its order and chain); bodies aren''t printed'
            cand --jobs 'Run up to N collections at once (each keeps its order and chain); bodies aren''t printed'
            cand --shard 'Run shard K of N: a deterministic, balanced part of the requests (chains kept whole)'
            cand --retry 'Retry a request up to N more times after a network error'
            cand --retry-status 'Also retry a response with one of these statuses, e.g. 429,503 (up to --retry more times, 2 without it; Retry-After honoured, else exponential backoff)'
            cand --data 'Run the selection once per row of a .csv (header row = variable names) or .json (array of objects) file, with the row''s values as variables'
            cand --iterations 'Run the selection N times (without --data)'
            cand --repeat 'Run everything (every row or iteration) N times'
            cand --delay 'Wait this long between requests, e.g. 200ms'
            cand --report 'Write a report: junit=PATH, json=PATH, har=PATH, html=PATH or tap=PATH (repeatable)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -k 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --insecure 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --pretty 'Pretty-print JSON bodies even when stdout is not a terminal'
            cand --dry-run 'Resolve and show the requests, send nothing'
            cand --no-cookies 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back'
            cand --no-browser 'OAuth2 authorization code grant: print the sign-in URL, don''t open a browser'
            cand --fail-fast 'Stop at the first request that fails'
            cand --json 'Print one JSON object per request on stdout as it finishes (NDJSON); bodies aren''t printed'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;send'= {
            cand --timeout 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)'
            cand --cacert 'Trust this PEM CA certificate in addition to the system''s'
            cand -o 'Write the response body to FILE (streamed, exact bytes)'
            cand --output 'Write the response body to FILE (streamed, exact bytes)'
            cand --max-redirects 'Follow at most N redirects (default 10; a request''s `max_redirects` wins)'
            cand --cookie-jar 'Load cookies from FILE and save the run''s cookies to it (Netscape format, as curl''s -b/-c)'
            cand --resolve 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)'
            cand --connect-to 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)'
            cand -e 'Environment of the collection to use ([env.NAME])'
            cand --env 'Environment of the collection to use ([env.NAME])'
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value'
            cand --var-file 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it'
            cand -c 'A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use'
            cand --collection 'A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use'
            cand -a 'HTTP Basic auth, USER:PASSWORD (as xh''s and HTTPie''s -a); {{secret:NAME}} works in it. An `Authorization:` item wins over it'
            cand --auth 'HTTP Basic auth, USER:PASSWORD (as xh''s and HTTPie''s -a); {{secret:NAME}} works in it. An `Authorization:` item wins over it'
            cand --bearer 'Bearer token auth, `Authorization: Bearer TOKEN` (as xh''s --bearer)'
            cand --save 'Also save the request in a collection, before sending it: `collection/name` (collections/collection.toml, created if missing) or `path/to/file.toml/name`; literal credentials are saved as {{secret:…}} references'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -k 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --insecure 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --pretty 'Pretty-print JSON bodies even when stdout is not a terminal'
            cand --dry-run 'Resolve and show the requests, send nothing'
            cand --no-cookies 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back'
            cand --no-browser 'OAuth2 authorization code grant: print the sign-in URL, don''t open a browser'
            cand --check-status 'Exit 1 when the response status is 4xx or 5xx (off by default, as in xh and HTTPie)'
            cand --curl 'Print the request as a curl command instead of sending it'
            cand --no-follow 'Do not follow redirects'
            cand --ignore-stdin 'Do not read a request body from standard input (it is read when it is not a terminal and no `field=value` or `@file` item gives a body)'
            cand --force 'With --save: replace a request of that name instead of refusing'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;list'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;show'= {
            cand -e 'Environment of the collection to use ([env.NAME])'
            cand --env 'Environment of the collection to use ([env.NAME])'
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value'
            cand --resolve 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)'
            cand --connect-to 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --curl 'Print a runnable curl command instead'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;check'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;completions'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
            cand get 'Print a secret''s value (when piped; on a terminal only with --reveal)'
            cand list 'List secret names and where each resolves from (never values)'
            cand rm 'Remove a secret from the keyring'
            cand doctor 'Check the keyring: which store, whether it answers, how long it took'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;secret;set'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret;get'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --reveal 'Print the value even on a terminal'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret;list'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret;rm'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret;doctor'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;secret;help'= {
            cand set 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
            cand get 'Print a secret''s value (when piped; on a terminal only with --reveal)'
            cand list 'List secret names and where each resolves from (never values)'
            cand rm 'Remove a secret from the keyring'
            cand doctor 'Check the keyring: which store, whether it answers, how long it took'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;secret;help;set'= {
        }
        &'postie;secret;help;get'= {
        }
        &'postie;secret;help;list'= {
        }
        &'postie;secret;help;rm'= {
        }
        &'postie;secret;help;doctor'= {
        }
        &'postie;secret;help;help'= {
        }
        &'postie;auth'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List cached tokens: profile, client, scope, expiry (never the value)'
            cand logout 'Remove cached tokens from the keyring: those of PROFILE, or all'
            cand token 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;auth;list'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;auth;logout'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;auth;token'= {
            cand -e 'Environment of the collection to use ([env.NAME])'
            cand --env 'Environment of the collection to use ([env.NAME])'
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --reveal 'Print the token even on a terminal'
            cand --no-browser 'Authorization code grant: print the sign-in URL, don''t open a browser'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;auth;help'= {
            cand list 'List cached tokens: profile, client, scope, expiry (never the value)'
            cand logout 'Remove cached tokens from the keyring: those of PROFILE, or all'
            cand token 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;auth;help;list'= {
        }
        &'postie;auth;help;logout'= {
        }
        &'postie;auth;help;token'= {
        }
        &'postie;auth;help;help'= {
        }
        &'postie;listen'= {
            cand --port 'Port to listen on (0 picks a free one)'
            cand --bind 'Address to bind (use 0.0.0.0 to accept requests from other machines)'
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --status 'Status to answer with (200-599)'
            cand --body 'Body to answer with'
            cand --header 'Header to answer with (repeatable)'
            cand --delay 'Wait this long before answering, e.g. 200ms'
            cand --max-body 'Largest body kept whole, e.g. 10MB, 512KB; larger ones are answered 413'
            cand --forward-to 'Relay each request to this http(s) URL (its path is appended), byte for byte; repeatable: each target has its own queue, so a slow one delays no other'
            cand --forward-timeout 'Give up a forwarded delivery attempt after this long'
            cand --header-timeout 'Close a connection that takes longer than this to send a request head'
            cand --idle-timeout 'Close a connection silent this long with no request in progress'
            cand --max-connections 'Most connections open at once (then the longest idle is closed, or a 503 sent); lowered to fit the open-file limit'
            cand --body-budget 'Most request-body bytes held in memory at once, over all connections'
            cand --verify 'Check each request: a signature (github, stripe, standard (svix), hmac:HEADER) or a fixed Authorization header (basic: the secret is user:password; bearer: the token)'
            cand --secret-name 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)'
            cand --rules 'Answer by the rules in this TOML file: the first `[[rule]]` that matches, else `[default]`, else --status/--body'
            cand --relay 'Also receive what a smee.io or gosmee channel relays (its URL), as if it came here'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --json 'Print one JSON object per request on stdout (NDJSON)'
            cand --echo 'Answer with a JSON echo of the request instead'
            cand --reject-invalid 'Answer 401 to requests that fail --verify (invalid or without credentials); they are still stored, marked'
            cand --compact 'One line per request: time, method, path, size, verification, forward result'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox'= {
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List received requests, oldest first'
            cand show 'Show one request (headers and pretty body), or its exact body bytes with --raw'
            cand replay 'Send a received request again: same method, headers and body bytes'
            cand save 'Add a received request to a collection as a new request (comments and layout kept)'
            cand export 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
            cand clear 'Delete every request in the inbox'
            cand verify 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
            cand repair 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;inbox;list'= {
            cand --since 'Only requests received since then: a duration (10m, 2h) or an RFC 3339 time'
            cand --until 'Only requests received before then: a duration ago (10m) or an RFC 3339 time'
            cand --path 'Only requests whose path matches this glob (`*` matches across `/`)'
            cand --method 'Only requests with this method (POST)'
            cand --header 'Only requests with a header of this name whose value matches the glob (repeatable)'
            cand --jsonpath 'Only requests whose JSON body matches: `PATH` (it selects something) or `PATH=VALUE` (a node equals VALUE, read as JSON, else as a string); repeatable'
            cand --verification 'Only requests whose `listen --verify` result is one of these (comma-separated): verified, invalid, unsigned, not_verified'
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --json 'One JSON object per request (NDJSON)'
            cand --strict 'Exit 1 if the inbox has damaged records (they are skipped and named either way)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;show'= {
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --raw 'Write the exact body bytes to stdout, nothing else'
            cand --json 'The request as one JSON object'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;replay'= {
            cand --to 'Where to send them (used as is); default: where `listen --forward-to` sent each one'
            cand --sign 'Re-sign the body with this scheme before sending'
            cand --secret-name 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)'
            cand --timeout 'Give up each delivery after this long (connecting, sending and the whole answer), e.g. 5s, 500ms, 2m'
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --failed 'Also every request whose deliveries never got a 2xx answer'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;save'= {
            cand --base 'What the saved URL starts with, before the received path and query'
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;export'= {
            cand -o 'Write to this file instead of stdout'
            cand --output 'Write to this file instead of stdout'
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --har 'HAR 1.2 (the only format so far)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;clear'= {
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;verify'= {
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;repair'= {
            cand --inbox 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;inbox;help'= {
            cand list 'List received requests, oldest first'
            cand show 'Show one request (headers and pretty body), or its exact body bytes with --raw'
            cand replay 'Send a received request again: same method, headers and body bytes'
            cand save 'Add a received request to a collection as a new request (comments and layout kept)'
            cand export 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
            cand clear 'Delete every request in the inbox'
            cand verify 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
            cand repair 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;inbox;help;list'= {
        }
        &'postie;inbox;help;show'= {
        }
        &'postie;inbox;help;replay'= {
        }
        &'postie;inbox;help;save'= {
        }
        &'postie;inbox;help;export'= {
        }
        &'postie;inbox;help;clear'= {
        }
        &'postie;inbox;help;verify'= {
        }
        &'postie;inbox;help;repair'= {
        }
        &'postie;inbox;help;help'= {
        }
        &'postie;import'= {
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand curl 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
            cand http 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
            cand postman 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
            cand openapi 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;import;curl'= {
            cand -o 'Write a new collection file (refused if it exists, unless --force)'
            cand --output 'Write a new collection file (refused if it exists, unless --force)'
            cand --append 'Add the request to this existing collection, keeping its comments and layout'
            cand --name 'The request''s name (default: method and the URL''s last path segment)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --force 'Overwrite the -o file if it exists; with --append, replace a request of the same name'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;import;http'= {
            cand -o 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --output 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --append 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --force 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;import;postman'= {
            cand --env 'An environment or globals export (repeatable)'
            cand -o 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --output 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --append 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --force 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;import;openapi'= {
            cand -o 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --output 'Write a new collection file (refused if it exists, unless --force); default: stdout'
            cand --append 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand --force 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
            cand -v 'Show the request as sent (headers and body) and the response headers'
            cand --verbose 'Show the request as sent (headers and body) and the response headers'
            cand -q 'Print only failures (and bodies written with -o stay silent)'
            cand --quiet 'Print only failures (and bodies written with -o stay silent)'
            cand --show-secrets 'Print secret values instead of masking them (•••••• by default, everywhere)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'postie;import;help'= {
            cand curl 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
            cand http 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
            cand postman 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
            cand openapi 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;import;help;curl'= {
        }
        &'postie;import;help;http'= {
        }
        &'postie;import;help;postman'= {
        }
        &'postie;import;help;openapi'= {
        }
        &'postie;import;help;help'= {
        }
        &'postie;help'= {
            cand run 'Run collections, or single requests of them'
            cand send 'Send one ad-hoc request with HTTPie/xh-style items'
            cand list 'List the requests of collections as a tree, with method and URL'
            cand show 'Show a fully resolved request without sending it'
            cand check 'Find literal credentials in collections before they are committed'
            cand completions 'Print a shell completion script'
            cand secret 'Manage secrets in the OS keyring: set, get, list, rm, doctor'
            cand auth 'OAuth2 tokens cached in the OS keyring: list, logout, token'
            cand listen 'Receive webhooks: show each request in real time and keep it in the inbox'
            cand inbox 'Browse, replay and clear the requests `postie listen` received'
            cand import 'Turn requests from other tools into collection TOML, reporting what did not carry over'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;help;run'= {
        }
        &'postie;help;send'= {
        }
        &'postie;help;list'= {
        }
        &'postie;help;show'= {
        }
        &'postie;help;check'= {
        }
        &'postie;help;completions'= {
        }
        &'postie;help;secret'= {
            cand set 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
            cand get 'Print a secret''s value (when piped; on a terminal only with --reveal)'
            cand list 'List secret names and where each resolves from (never values)'
            cand rm 'Remove a secret from the keyring'
            cand doctor 'Check the keyring: which store, whether it answers, how long it took'
        }
        &'postie;help;secret;set'= {
        }
        &'postie;help;secret;get'= {
        }
        &'postie;help;secret;list'= {
        }
        &'postie;help;secret;rm'= {
        }
        &'postie;help;secret;doctor'= {
        }
        &'postie;help;auth'= {
            cand list 'List cached tokens: profile, client, scope, expiry (never the value)'
            cand logout 'Remove cached tokens from the keyring: those of PROFILE, or all'
            cand token 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)'
        }
        &'postie;help;auth;list'= {
        }
        &'postie;help;auth;logout'= {
        }
        &'postie;help;auth;token'= {
        }
        &'postie;help;listen'= {
        }
        &'postie;help;inbox'= {
            cand list 'List received requests, oldest first'
            cand show 'Show one request (headers and pretty body), or its exact body bytes with --raw'
            cand replay 'Send a received request again: same method, headers and body bytes'
            cand save 'Add a received request to a collection as a new request (comments and layout kept)'
            cand export 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
            cand clear 'Delete every request in the inbox'
            cand verify 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
            cand repair 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
        }
        &'postie;help;inbox;list'= {
        }
        &'postie;help;inbox;show'= {
        }
        &'postie;help;inbox;replay'= {
        }
        &'postie;help;inbox;save'= {
        }
        &'postie;help;inbox;export'= {
        }
        &'postie;help;inbox;clear'= {
        }
        &'postie;help;inbox;verify'= {
        }
        &'postie;help;inbox;repair'= {
        }
        &'postie;help;import'= {
            cand curl 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
            cand http 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
            cand postman 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
            cand openapi 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
        }
        &'postie;help;import;curl'= {
        }
        &'postie;help;import;http'= {
        }
        &'postie;help;import;postman'= {
        }
        &'postie;help;import;openapi'= {
        }
        &'postie;help;help'= {
        }
    ]
    $completions[$command]
}
