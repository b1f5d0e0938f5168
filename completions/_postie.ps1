
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'postie' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'postie'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'postie' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run collections, or single requests of them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send one ad-hoc request with HTTPie/xh-style items')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the requests of collections as a tree, with method and URL')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a fully resolved request without sending it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find literal credentials in collections before they are committed')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Manage secrets in the OS keyring: set, get, list, rm, doctor')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'OAuth2 tokens cached in the OS keyring: list, logout, token')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: show each request in real time and keep it in the inbox')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Browse, replay and clear the requests `postie listen` received')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn requests from other tools into collection TOML, reporting what did not carry over')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;run' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate in addition to the system''s')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Follow at most N redirects (default 10; a request''s `max_redirects` wins)')
            [CompletionResult]::new('--cookie-jar', '--cookie-jar', [CompletionResultType]::ParameterName, 'Load cookies from FILE and save the run''s cookies to it (Netscape format, as curl''s -b/-c)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)')
            [CompletionResult]::new('--var-file', '--var-file', [CompletionResultType]::ParameterName, 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Run only requests with this tag (repeatable: any of them)')
            [CompletionResult]::new('--skip-tag', '--skip-tag', [CompletionResultType]::ParameterName, 'Skip requests with this tag (repeatable)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Run up to N collections at once (each keeps its order and chain); bodies aren''t printed')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Run up to N collections at once (each keeps its order and chain); bodies aren''t printed')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run shard K of N: a deterministic, balanced part of the requests (chains kept whole)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a request up to N more times after a network error')
            [CompletionResult]::new('--retry-status', '--retry-status', [CompletionResultType]::ParameterName, 'Also retry a response with one of these statuses, e.g. 429,503 (up to --retry more times, 2 without it; Retry-After honoured, else exponential backoff)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Run the selection once per row of a .csv (header row = variable names) or .json (array of objects) file, with the row''s values as variables')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'Run the selection N times (without --data)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Run everything (every row or iteration) N times')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long between requests, e.g. 200ms')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a report: junit=PATH, json=PATH, har=PATH, html=PATH or tap=PATH (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--no-cookies', '--no-cookies', [CompletionResultType]::ParameterName, 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'OAuth2 authorization code grant: print the sign-in URL, don''t open a browser')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first request that fails')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per request on stdout as it finishes (NDJSON); bodies aren''t printed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;send' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate in addition to the system''s')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Follow at most N redirects (default 10; a request''s `max_redirects` wins)')
            [CompletionResult]::new('--cookie-jar', '--cookie-jar', [CompletionResultType]::ParameterName, 'Load cookies from FILE and save the run''s cookies to it (Netscape format, as curl''s -b/-c)')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value')
            [CompletionResult]::new('--var-file', '--var-file', [CompletionResultType]::ParameterName, 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use')
            [CompletionResult]::new('--collection', '--collection', [CompletionResultType]::ParameterName, 'A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'HTTP Basic auth, USER:PASSWORD (as xh''s and HTTPie''s -a); {{secret:NAME}} works in it. An `Authorization:` item wins over it')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'HTTP Basic auth, USER:PASSWORD (as xh''s and HTTPie''s -a); {{secret:NAME}} works in it. An `Authorization:` item wins over it')
            [CompletionResult]::new('--bearer', '--bearer', [CompletionResultType]::ParameterName, 'Bearer token auth, `Authorization: Bearer TOKEN` (as xh''s --bearer)')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Also save the request in a collection, before sending it: `collection/name` (collections/collection.toml, created if missing) or `path/to/file.toml/name`; literal credentials are saved as {{secret:…}} references')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--no-cookies', '--no-cookies', [CompletionResultType]::ParameterName, 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'OAuth2 authorization code grant: print the sign-in URL, don''t open a browser')
            [CompletionResult]::new('--check-status', '--check-status', [CompletionResultType]::ParameterName, 'Exit 1 when the response status is 4xx or 5xx (off by default, as in xh and HTTPie)')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print the request as a curl command instead of sending it')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Do not follow redirects')
            [CompletionResult]::new('--ignore-stdin', '--ignore-stdin', [CompletionResultType]::ParameterName, 'Do not read a request body from standard input (it is read when it is not a terminal and no `field=value` or `@file` item gives a body)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --save: replace a request of that name instead of refusing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;show' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a runnable curl command instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;check' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a secret''s value (when piped; on a terminal only with --reveal)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List secret names and where each resolves from (never values)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret from the keyring')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the keyring: which store, whether it answers, how long it took')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;secret;set' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret;get' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the value even on a terminal')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret;rm' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret;doctor' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;secret;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a secret''s value (when piped; on a terminal only with --reveal)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List secret names and where each resolves from (never values)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret from the keyring')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the keyring: which store, whether it answers, how long it took')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;secret;help;set' {
            break
        }
        'postie;secret;help;get' {
            break
        }
        'postie;secret;help;list' {
            break
        }
        'postie;secret;help;rm' {
            break
        }
        'postie;secret;help;doctor' {
            break
        }
        'postie;secret;help;help' {
            break
        }
        'postie;auth' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached tokens: profile, client, scope, expiry (never the value)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove cached tokens from the keyring: those of PROFILE, or all')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;auth;list' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;auth;logout' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;auth;token' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Print the token even on a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Authorization code grant: print the sign-in URL, don''t open a browser')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;auth;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached tokens: profile, client, scope, expiry (never the value)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove cached tokens from the keyring: those of PROFILE, or all')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;auth;help;list' {
            break
        }
        'postie;auth;help;logout' {
            break
        }
        'postie;auth;help;token' {
            break
        }
        'postie;auth;help;help' {
            break
        }
        'postie;listen' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (use 0.0.0.0 to accept requests from other machines)')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status to answer with (200-599)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Body to answer with')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Header to answer with (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering, e.g. 200ms')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body kept whole, e.g. 10MB, 512KB; larger ones are answered 413')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each request to this http(s) URL (its path is appended), byte for byte; repeatable: each target has its own queue, so a slow one delays no other')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'Give up a forwarded delivery attempt after this long')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Close a connection that takes longer than this to send a request head')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a connection silent this long with no request in progress')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once (then the longest idle is closed, or a 503 sent); lowered to fit the open-file limit')
            [CompletionResult]::new('--body-budget', '--body-budget', [CompletionResultType]::ParameterName, 'Most request-body bytes held in memory at once, over all connections')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check each request: a signature (github, stripe, standard (svix), hmac:HEADER) or a fixed Authorization header (basic: the secret is user:password; bearer: the token)')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Answer by the rules in this TOML file: the first `[[rule]]` that matches, else `[default]`, else --status/--body')
            [CompletionResult]::new('--relay', '--relay', [CompletionResultType]::ParameterName, 'Also receive what a smee.io or gosmee channel relays (its URL), as if it came here')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per request on stdout (NDJSON)')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Answer with a JSON echo of the request instead')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'Answer 401 to requests that fail --verify (invalid or without credentials); they are still stored, marked')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'One line per request: time, method, path, size, verification, forward result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox' {
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List received requests, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one request (headers and pretty body), or its exact body bytes with --raw')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send a received request again: same method, headers and body bytes')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Add a received request to a collection as a new request (comments and layout kept)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write received requests as HAR 1.2 (credential headers masked), to share or view')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rewrite the inbox without its damaged parts (the original is kept as a backup)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;inbox;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only requests received since then: a duration (10m, 2h) or an RFC 3339 time')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only requests received before then: a duration ago (10m) or an RFC 3339 time')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only requests whose path matches this glob (`*` matches across `/`)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only requests with this method (POST)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Only requests with a header of this name whose value matches the glob (repeatable)')
            [CompletionResult]::new('--jsonpath', '--jsonpath', [CompletionResultType]::ParameterName, 'Only requests whose JSON body matches: `PATH` (it selects something) or `PATH=VALUE` (a node equals VALUE, read as JSON, else as a string); repeatable')
            [CompletionResult]::new('--verification', '--verification', [CompletionResultType]::ParameterName, 'Only requests whose `listen --verify` result is one of these (comma-separated): verified, invalid, unsigned, not_verified')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request (NDJSON)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 1 if the inbox has damaged records (they are skipped and named either way)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;show' {
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Write the exact body bytes to stdout, nothing else')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The request as one JSON object')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;replay' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send them (used as is); default: where `listen --forward-to` sent each one')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Re-sign the body with this scheme before sending')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up each delivery after this long (connecting, sending and the whole answer), e.g. 5s, 500ms, 2m')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Also every request whose deliveries never got a 2xx answer')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;save' {
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'What the saved URL starts with, before the received path and query')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;export' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--har', '--har', [CompletionResultType]::ParameterName, 'HAR 1.2 (the only format so far)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;clear' {
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;verify' {
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;repair' {
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;inbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List received requests, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one request (headers and pretty body), or its exact body bytes with --raw')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send a received request again: same method, headers and body bytes')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Add a received request to a collection as a new request (comments and layout kept)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write received requests as HAR 1.2 (credential headers masked), to share or view')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rewrite the inbox without its damaged parts (the original is kept as a backup)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;inbox;help;list' {
            break
        }
        'postie;inbox;help;show' {
            break
        }
        'postie;inbox;help;replay' {
            break
        }
        'postie;inbox;help;save' {
            break
        }
        'postie;inbox;help;export' {
            break
        }
        'postie;inbox;help;clear' {
            break
        }
        'postie;inbox;help;verify' {
            break
        }
        'postie;inbox;help;repair' {
            break
        }
        'postie;inbox;help;help' {
            break
        }
        'postie;import' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('curl', 'curl', [CompletionResultType]::ParameterValue, 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request')
            [CompletionResult]::new('http', 'http', [CompletionResultType]::ParameterValue, 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json')
            [CompletionResult]::new('postman', 'postman', [CompletionResultType]::ParameterValue, 'A Postman collection (v2.0, v2.1) with its environment and globals exports')
            [CompletionResult]::new('openapi', 'openapi', [CompletionResultType]::ParameterValue, 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;import;curl' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force)')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add the request to this existing collection, keeping its comments and layout')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The request''s name (default: method and the URL''s last path segment)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists; with --append, replace a request of the same name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;import;http' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists; with --append, replace requests of the same name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;import;postman' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment or globals export (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists; with --append, replace requests of the same name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;import;openapi' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write a new collection file (refused if it exists, unless --force); default: stdout')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists; with --append, replace requests of the same name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show the request as sent (headers and body) and the response headers')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only failures (and bodies written with -o stay silent)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secret values instead of masking them (•••••• by default, everywhere)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'postie;import;help' {
            [CompletionResult]::new('curl', 'curl', [CompletionResultType]::ParameterValue, 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request')
            [CompletionResult]::new('http', 'http', [CompletionResultType]::ParameterValue, 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json')
            [CompletionResult]::new('postman', 'postman', [CompletionResultType]::ParameterValue, 'A Postman collection (v2.0, v2.1) with its environment and globals exports')
            [CompletionResult]::new('openapi', 'openapi', [CompletionResultType]::ParameterValue, 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;import;help;curl' {
            break
        }
        'postie;import;help;http' {
            break
        }
        'postie;import;help;postman' {
            break
        }
        'postie;import;help;openapi' {
            break
        }
        'postie;import;help;help' {
            break
        }
        'postie;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run collections, or single requests of them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send one ad-hoc request with HTTPie/xh-style items')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the requests of collections as a tree, with method and URL')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a fully resolved request without sending it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find literal credentials in collections before they are committed')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Manage secrets in the OS keyring: set, get, list, rm, doctor')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'OAuth2 tokens cached in the OS keyring: list, logout, token')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: show each request in real time and keep it in the inbox')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Browse, replay and clear the requests `postie listen` received')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Turn requests from other tools into collection TOML, reporting what did not carry over')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;help;run' {
            break
        }
        'postie;help;send' {
            break
        }
        'postie;help;list' {
            break
        }
        'postie;help;show' {
            break
        }
        'postie;help;check' {
            break
        }
        'postie;help;completions' {
            break
        }
        'postie;help;secret' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a secret''s value (when piped; on a terminal only with --reveal)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List secret names and where each resolves from (never values)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a secret from the keyring')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the keyring: which store, whether it answers, how long it took')
            break
        }
        'postie;help;secret;set' {
            break
        }
        'postie;help;secret;get' {
            break
        }
        'postie;help;secret;list' {
            break
        }
        'postie;help;secret;rm' {
            break
        }
        'postie;help;secret;doctor' {
            break
        }
        'postie;help;auth' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached tokens: profile, client, scope, expiry (never the value)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove cached tokens from the keyring: those of PROFILE, or all')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an access token for a request''s oauth2 auth (when piped; on a terminal only with --reveal)')
            break
        }
        'postie;help;auth;list' {
            break
        }
        'postie;help;auth;logout' {
            break
        }
        'postie;help;auth;token' {
            break
        }
        'postie;help;listen' {
            break
        }
        'postie;help;inbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List received requests, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one request (headers and pretty body), or its exact body bytes with --raw')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send a received request again: same method, headers and body bytes')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Add a received request to a collection as a new request (comments and layout kept)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write received requests as HAR 1.2 (credential headers masked), to share or view')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rewrite the inbox without its damaged parts (the original is kept as a backup)')
            break
        }
        'postie;help;inbox;list' {
            break
        }
        'postie;help;inbox;show' {
            break
        }
        'postie;help;inbox;replay' {
            break
        }
        'postie;help;inbox;save' {
            break
        }
        'postie;help;inbox;export' {
            break
        }
        'postie;help;inbox;clear' {
            break
        }
        'postie;help;inbox;verify' {
            break
        }
        'postie;help;inbox;repair' {
            break
        }
        'postie;help;import' {
            [CompletionResult]::new('curl', 'curl', [CompletionResultType]::ParameterValue, 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request')
            [CompletionResult]::new('http', 'http', [CompletionResultType]::ParameterValue, 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json')
            [CompletionResult]::new('postman', 'postman', [CompletionResultType]::ParameterValue, 'A Postman collection (v2.0, v2.1) with its environment and globals exports')
            [CompletionResult]::new('openapi', 'openapi', [CompletionResultType]::ParameterValue, 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation')
            break
        }
        'postie;help;import;curl' {
            break
        }
        'postie;help;import;http' {
            break
        }
        'postie;help;import;postman' {
            break
        }
        'postie;help;import;openapi' {
            break
        }
        'postie;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
