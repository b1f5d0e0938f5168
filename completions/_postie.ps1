
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
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a report: junit=PATH, json=PATH or har=PATH (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--no-cookies', '--no-cookies', [CompletionResultType]::ParameterName, 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--no-cookies', '--no-cookies', [CompletionResultType]::ParameterName, 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back')
            [CompletionResult]::new('--check-status', '--check-status', [CompletionResultType]::ParameterName, 'Exit 1 when the response status is 4xx or 5xx (off by default, as in xh and HTTPie)')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print the request as a curl command instead of sending it')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Do not follow redirects')
            [CompletionResult]::new('--ignore-stdin', '--ignore-stdin', [CompletionResultType]::ParameterName, 'Do not read a request body from standard input (it is read when it is not a terminal and no `field=value` or `@file` item gives a body)')
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
        'postie;listen' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (use 0.0.0.0 to accept requests from other machines)')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status to answer with')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Body to answer with')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Header to answer with (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering, e.g. 200ms')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body kept whole, e.g. 10MB, 512KB; larger ones are answered 413')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each request to this URL (its path is appended), byte for byte')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check each request''s signature: github, stripe, standard (svix), hmac:HEADER')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object per request on stdout (NDJSON)')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Answer with a JSON echo of the request instead')
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
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;inbox;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only requests received since then: a duration (10m, 2h) or an RFC 3339 time')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only requests whose path matches this glob (`*` matches across `/`)')
            [CompletionResult]::new('--inbox', '--inbox', [CompletionResultType]::ParameterName, 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request (NDJSON)')
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
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send it (used as is)')
            [CompletionResult]::new('--sign', '--sign', [CompletionResultType]::ParameterName, 'Re-sign the body with this scheme before sending')
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)')
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
        'postie;inbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List received requests, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one request (headers and pretty body), or its exact body bytes with --raw')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send a received request again: same method, headers and body bytes')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Add a received request to a collection as a new request (comments and layout kept)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
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
        'postie;inbox;help;clear' {
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
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite the -o file if it exists')
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
        'postie;help;listen' {
            break
        }
        'postie;help;inbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List received requests, oldest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one request (headers and pretty body), or its exact body bytes with --raw')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send a received request again: same method, headers and body bytes')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Add a received request to a collection as a new request (comments and layout kept)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every request in the inbox')
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
        'postie;help;inbox;clear' {
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
