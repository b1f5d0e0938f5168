
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
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'postie;run'= {
            cand -e 'Environment of the collection to use ([env.NAME])'
            cand --env 'Environment of the collection to use ([env.NAME])'
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable)'
            cand --timeout 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)'
            cand --cacert 'Trust this PEM CA certificate in addition to the system''s'
            cand -o 'Write the response body to FILE (streamed, exact bytes)'
            cand --output 'Write the response body to FILE (streamed, exact bytes)'
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -k 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --insecure 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --pretty 'Pretty-print JSON bodies even when stdout is not a terminal'
            cand --dry-run 'Resolve and show the requests, send nothing'
            cand --fail-fast 'Stop at the first request that fails'
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
            cand --color 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)'
            cand -k 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --insecure 'Accept invalid TLS certificates (dangerous: prints a warning)'
            cand --pretty 'Pretty-print JSON bodies even when stdout is not a terminal'
            cand --dry-run 'Resolve and show the requests, send nothing'
            cand --no-follow 'Do not follow redirects'
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
            cand --var 'Set a variable, overriding the environment and [vars] (repeatable)'
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
        &'postie;help'= {
            cand run 'Run collections, or single requests of them'
            cand send 'Send one ad-hoc request with HTTPie/xh-style items'
            cand list 'List the requests of collections as a tree, with method and URL'
            cand show 'Show a fully resolved request without sending it'
            cand check 'Find literal credentials in collections before they are committed'
            cand completions 'Print a shell completion script'
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
        &'postie;help;help'= {
        }
    ]
    $completions[$command]
}
