
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
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'postie;run' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment of the collection to use ([env.NAME])')
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this PEM CA certificate in addition to the system''s')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the response body to FILE (streamed, exact bytes)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first request that fails')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept invalid TLS certificates (dangerous: prints a warning)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON bodies even when stdout is not a terminal')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Resolve and show the requests, send nothing')
            [CompletionResult]::new('--no-follow', '--no-follow', [CompletionResultType]::ParameterName, 'Do not follow redirects')
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
            [CompletionResult]::new('--var', '--var', [CompletionResultType]::ParameterName, 'Set a variable, overriding the environment and [vars] (repeatable)')
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
        'postie;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run collections, or single requests of them')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send one ad-hoc request with HTTPie/xh-style items')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the requests of collections as a tree, with method and URL')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a fully resolved request without sending it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find literal credentials in collections before they are committed')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Manage secrets in the OS keyring: set, get, list, rm, doctor')
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
        'postie;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
