# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_postie_global_optspecs
    string join \n color= v/verbose q/quiet show-secrets h/help V/version
end

function __fish_postie_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_postie_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_postie_using_subcommand
    set -l cmd (__fish_postie_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c postie -n "__fish_postie_needs_command" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_needs_command" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_needs_command" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_needs_command" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_needs_command" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_needs_command" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_needs_command" -f -a "run" -d 'Run collections, or single requests of them'
complete -c postie -n "__fish_postie_needs_command" -f -a "send" -d 'Send one ad-hoc request with HTTPie/xh-style items'
complete -c postie -n "__fish_postie_needs_command" -f -a "list" -d 'List the requests of collections as a tree, with method and URL'
complete -c postie -n "__fish_postie_needs_command" -f -a "show" -d 'Show a fully resolved request without sending it'
complete -c postie -n "__fish_postie_needs_command" -f -a "check" -d 'Find literal credentials in collections before they are committed'
complete -c postie -n "__fish_postie_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c postie -n "__fish_postie_needs_command" -f -a "secret" -d 'Manage secrets in the OS keyring: set, get, list, rm, doctor'
complete -c postie -n "__fish_postie_needs_command" -f -a "auth" -d 'OAuth2 tokens cached in the OS keyring: list, logout, token'
complete -c postie -n "__fish_postie_needs_command" -f -a "listen" -d 'Receive webhooks: show each request in real time and keep it in the inbox'
complete -c postie -n "__fish_postie_needs_command" -f -a "inbox" -d 'Browse, replay and clear the requests `postie listen` received'
complete -c postie -n "__fish_postie_needs_command" -f -a "import" -d 'Turn requests from other tools into collection TOML, reporting what did not carry over'
complete -c postie -n "__fish_postie_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand run" -s e -l env -d 'Environment of the collection to use ([env.NAME])' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l var -d 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l timeout -d 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l cacert -d 'Trust this PEM CA certificate in addition to the system\'s' -r -F
complete -c postie -n "__fish_postie_using_subcommand run" -s o -l output -d 'Write the response body to FILE (streamed, exact bytes)' -r -F
complete -c postie -n "__fish_postie_using_subcommand run" -l max-redirects -d 'Follow at most N redirects (default 10; a request\'s `max_redirects` wins)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l cookie-jar -d 'Load cookies from FILE and save the run\'s cookies to it (Netscape format, as curl\'s -b/-c)' -r -F
complete -c postie -n "__fish_postie_using_subcommand run" -l resolve -d 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l connect-to -d 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l var-file -d 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it' -r -F
complete -c postie -n "__fish_postie_using_subcommand run" -l tag -d 'Run only requests with this tag (repeatable: any of them)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l skip-tag -d 'Skip requests with this tag (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -s j -l jobs -d 'Run up to N collections at once (each keeps its order and chain); bodies aren\'t printed' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l shard -d 'Run shard K of N: a deterministic, balanced part of the requests (chains kept whole)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l retry -d 'Retry a request up to N more times after a network error' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l retry-status -d 'Also retry a response with one of these statuses, e.g. 429,503 (up to --retry more times, 2 without it; Retry-After honoured, else exponential backoff)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l data -d 'Run the selection once per row of a .csv (header row = variable names) or .json (array of objects) file, with the row\'s values as variables' -r -F
complete -c postie -n "__fish_postie_using_subcommand run" -l iterations -d 'Run the selection N times (without --data)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l repeat -d 'Run everything (every row or iteration) N times' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l delay -d 'Wait this long between requests, e.g. 200ms' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l report -d 'Write a report: junit=PATH, json=PATH, har=PATH, html=PATH or tap=PATH (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand run" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand run" -s k -l insecure -d 'Accept invalid TLS certificates (dangerous: prints a warning)'
complete -c postie -n "__fish_postie_using_subcommand run" -l pretty -d 'Pretty-print JSON bodies even when stdout is not a terminal'
complete -c postie -n "__fish_postie_using_subcommand run" -l dry-run -d 'Resolve and show the requests, send nothing'
complete -c postie -n "__fish_postie_using_subcommand run" -l no-cookies -d 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back'
complete -c postie -n "__fish_postie_using_subcommand run" -l no-browser -d 'OAuth2 authorization code grant: print the sign-in URL, don\'t open a browser'
complete -c postie -n "__fish_postie_using_subcommand run" -l fail-fast -d 'Stop at the first request that fails'
complete -c postie -n "__fish_postie_using_subcommand run" -l json -d 'Print one JSON object per request on stdout as it finishes (NDJSON); bodies aren\'t printed'
complete -c postie -n "__fish_postie_using_subcommand run" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand run" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand run" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand run" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand run" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand send" -l timeout -d 'Timeout for each whole request, e.g. 500ms, 10s (default 30s)' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l cacert -d 'Trust this PEM CA certificate in addition to the system\'s' -r -F
complete -c postie -n "__fish_postie_using_subcommand send" -s o -l output -d 'Write the response body to FILE (streamed, exact bytes)' -r -F
complete -c postie -n "__fish_postie_using_subcommand send" -l max-redirects -d 'Follow at most N redirects (default 10; a request\'s `max_redirects` wins)' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l cookie-jar -d 'Load cookies from FILE and save the run\'s cookies to it (Netscape format, as curl\'s -b/-c)' -r -F
complete -c postie -n "__fish_postie_using_subcommand send" -l resolve -d 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l connect-to -d 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand send" -s e -l env -d 'Environment of the collection to use ([env.NAME])' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l var -d 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l var-file -d 'Read variables from a dotenv file (KEY=VALUE lines); --var wins over it' -r -F
complete -c postie -n "__fish_postie_using_subcommand send" -s c -l collection -d 'A collection whose [vars], [env.NAME] (with -e) and [secrets] {{…}} may use' -r
complete -c postie -n "__fish_postie_using_subcommand send" -s a -l auth -d 'HTTP Basic auth, USER:PASSWORD (as xh\'s and HTTPie\'s -a); {{secret:NAME}} works in it. An `Authorization:` item wins over it' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l bearer -d 'Bearer token auth, `Authorization: Bearer TOKEN` (as xh\'s --bearer)' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l save -d 'Also save the request in a collection, before sending it: `collection/name` (collections/collection.toml, created if missing) or `path/to/file.toml/name`; literal credentials are saved as {{secret:…}} references' -r
complete -c postie -n "__fish_postie_using_subcommand send" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand send" -s k -l insecure -d 'Accept invalid TLS certificates (dangerous: prints a warning)'
complete -c postie -n "__fish_postie_using_subcommand send" -l pretty -d 'Pretty-print JSON bodies even when stdout is not a terminal'
complete -c postie -n "__fish_postie_using_subcommand send" -l dry-run -d 'Resolve and show the requests, send nothing'
complete -c postie -n "__fish_postie_using_subcommand send" -l no-cookies -d 'Keep no cookies: a Set-Cookie is not stored and nothing is sent back'
complete -c postie -n "__fish_postie_using_subcommand send" -l no-browser -d 'OAuth2 authorization code grant: print the sign-in URL, don\'t open a browser'
complete -c postie -n "__fish_postie_using_subcommand send" -l check-status -d 'Exit 1 when the response status is 4xx or 5xx (off by default, as in xh and HTTPie)'
complete -c postie -n "__fish_postie_using_subcommand send" -l curl -d 'Print the request as a curl command instead of sending it'
complete -c postie -n "__fish_postie_using_subcommand send" -l no-follow -d 'Do not follow redirects'
complete -c postie -n "__fish_postie_using_subcommand send" -l ignore-stdin -d 'Do not read a request body from standard input (it is read when it is not a terminal and no `field=value` or `@file` item gives a body)'
complete -c postie -n "__fish_postie_using_subcommand send" -l force -d 'With --save: replace a request of that name instead of refusing'
complete -c postie -n "__fish_postie_using_subcommand send" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand send" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand send" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand send" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand send" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand list" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand list" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand list" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand list" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand list" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand list" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand show" -s e -l env -d 'Environment of the collection to use ([env.NAME])' -r
complete -c postie -n "__fish_postie_using_subcommand show" -l var -d 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value' -r
complete -c postie -n "__fish_postie_using_subcommand show" -l resolve -d 'Connect to ADDR for HOST:PORT instead of resolving HOST, as curl (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand show" -l connect-to -d 'Connect to HOST2:PORT2 for requests to HOST:PORT, as curl; fields may be empty (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand show" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand show" -l curl -d 'Print a runnable curl command instead'
complete -c postie -n "__fish_postie_using_subcommand show" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand show" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand show" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand show" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand show" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand check" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand check" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand check" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand check" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand check" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand check" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand completions" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand completions" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand completions" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand completions" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand completions" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand completions" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "set" -d 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "get" -d 'Print a secret\'s value (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "list" -d 'List secret names and where each resolves from (never values)'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "rm" -d 'Remove a secret from the keyring'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "doctor" -d 'Check the keyring: which store, whether it answers, how long it took'
complete -c postie -n "__fish_postie_using_subcommand secret; and not __fish_seen_subcommand_from set get list rm doctor help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -l reveal -d 'Print the value even on a terminal'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from doctor" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a secret\'s value (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "list" -d 'List secret names and where each resolves from (never values)'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a secret from the keyring'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "doctor" -d 'Check the keyring: which store, whether it answers, how long it took'
complete -c postie -n "__fish_postie_using_subcommand secret; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -f -a "list" -d 'List cached tokens: profile, client, scope, expiry (never the value)'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -f -a "logout" -d 'Remove cached tokens from the keyring: those of PROFILE, or all'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -f -a "token" -d 'Print an access token for a request\'s oauth2 auth (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand auth; and not __fish_seen_subcommand_from list logout token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -s e -l env -d 'Environment of the collection to use ([env.NAME])' -r
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -l var -d 'Set a variable, overriding the environment and [vars] (repeatable); NAME=VALUE keeps the type of the value it overrides (number, boolean), NAME:=JSON gives a JSON value' -r
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -l reveal -d 'Print the token even on a terminal'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -l no-browser -d 'Authorization code grant: print the sign-in URL, don\'t open a browser'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "list" -d 'List cached tokens: profile, client, scope, expiry (never the value)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Remove cached tokens from the keyring: those of PROFILE, or all'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "token" -d 'Print an access token for a request\'s oauth2 auth (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand listen" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l bind -d 'Address to bind (use 0.0.0.0 to accept requests from other machines)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand listen" -l status -d 'Status to answer with (200-599)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l body -d 'Body to answer with' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l header -d 'Header to answer with (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l delay -d 'Wait this long before answering, e.g. 200ms' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l max-body -d 'Largest body kept whole, e.g. 10MB, 512KB; larger ones are answered 413' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l forward-to -d 'Relay each request to this http(s) URL (its path is appended), byte for byte; repeatable: each target has its own queue, so a slow one delays no other' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l forward-timeout -d 'Give up a forwarded delivery attempt after this long' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l header-timeout -d 'Close a connection that takes longer than this to send a request head' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l idle-timeout -d 'Close a connection silent this long with no request in progress' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l max-connections -d 'Most connections open at once (then the longest idle is closed, or a 503 sent); lowered to fit the open-file limit' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l body-budget -d 'Most request-body bytes held in memory at once, over all connections' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l verify -d 'Check each request: a signature (github, stripe, standard (svix), hmac:HEADER) or a fixed Authorization header (basic: the secret is user:password; bearer: the token)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l secret-name -d 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l rules -d 'Answer by the rules in this TOML file: the first `[[rule]]` that matches, else `[default]`, else --status/--body' -r -F
complete -c postie -n "__fish_postie_using_subcommand listen" -l relay -d 'Also receive what a smee.io or gosmee channel relays (its URL), as if it came here' -r
complete -c postie -n "__fish_postie_using_subcommand listen" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand listen" -l json -d 'Print one JSON object per request on stdout (NDJSON)'
complete -c postie -n "__fish_postie_using_subcommand listen" -l echo -d 'Answer with a JSON echo of the request instead'
complete -c postie -n "__fish_postie_using_subcommand listen" -l reject-invalid -d 'Answer 401 to requests that fail --verify (invalid or without credentials); they are still stored, marked'
complete -c postie -n "__fish_postie_using_subcommand listen" -l compact -d 'One line per request: time, method, path, size, verification, forward result'
complete -c postie -n "__fish_postie_using_subcommand listen" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand listen" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand listen" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand listen" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand listen" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "list" -d 'List received requests, oldest first'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "show" -d 'Show one request (headers and pretty body), or its exact body bytes with --raw'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "replay" -d 'Send a received request again: same method, headers and body bytes'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "save" -d 'Add a received request to a collection as a new request (comments and layout kept)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "export" -d 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "clear" -d 'Delete every request in the inbox'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "verify" -d 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "repair" -d 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and not __fish_seen_subcommand_from list show replay save export clear verify repair help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l since -d 'Only requests received since then: a duration (10m, 2h) or an RFC 3339 time' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l until -d 'Only requests received before then: a duration ago (10m) or an RFC 3339 time' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l path -d 'Only requests whose path matches this glob (`*` matches across `/`)' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l method -d 'Only requests with this method (POST)' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l header -d 'Only requests with a header of this name whose value matches the glob (repeatable)' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l jsonpath -d 'Only requests whose JSON body matches: `PATH` (it selects something) or `PATH=VALUE` (a node equals VALUE, read as JSON, else as a string); repeatable' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l verification -d 'Only requests whose `listen --verify` result is one of these (comma-separated): verified, invalid, unsigned, not_verified' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per request (NDJSON)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l strict -d 'Exit 1 if the inbox has damaged records (they are skipped and named either way)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -l raw -d 'Write the exact body bytes to stdout, nothing else'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -l json -d 'The request as one JSON object'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l to -d 'Where to send them (used as is); default: where `listen --forward-to` sent each one' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l sign -d 'Re-sign the body with this scheme before sending' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l secret-name -d 'Name of the signing secret (read from POSTIE_SECRET_<NAME>)' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l timeout -d 'Give up each delivery after this long (connecting, sending and the whole answer), e.g. 5s, 500ms, 2m' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l failed -d 'Also every request whose deliveries never got a 2xx answer'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -l base -d 'What the saved URL starts with, before the received path and query' -r
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -l har -d 'HAR 1.2 (the only format so far)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from clear" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -l inbox -d 'Inbox directory (default: $XDG_DATA_HOME/postie/inbox)' -r -F
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from repair" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List received requests, oldest first'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one request (headers and pretty body), or its exact body bytes with --raw'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Send a received request again: same method, headers and body bytes'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "save" -d 'Add a received request to a collection as a new request (comments and layout kept)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Delete every request in the inbox'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
complete -c postie -n "__fish_postie_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -f -a "curl" -d 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -f -a "http" -d 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -f -a "postman" -d 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -f -a "openapi" -d 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
complete -c postie -n "__fish_postie_using_subcommand import; and not __fish_seen_subcommand_from curl http postman openapi help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -s o -l output -d 'Write a new collection file (refused if it exists, unless --force)' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -l append -d 'Add the request to this existing collection, keeping its comments and layout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -l name -d 'The request\'s name (default: method and the URL\'s last path segment)' -r
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -l force -d 'Overwrite the -o file if it exists; with --append, replace a request of the same name'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from curl" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -s o -l output -d 'Write a new collection file (refused if it exists, unless --force); default: stdout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -l append -d 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -l force -d 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from http" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -l env -d 'An environment or globals export (repeatable)' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -s o -l output -d 'Write a new collection file (refused if it exists, unless --force); default: stdout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -l append -d 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -l force -d 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from postman" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -s o -l output -d 'Write a new collection file (refused if it exists, unless --force); default: stdout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -l append -d 'Add the requests (and the [vars] and environments the file lacks) to this existing collection, keeping its comments and layout' -r -F
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -l color -d 'When to use colours (also turned off by NO_COLOR or TERM=dumb in auto mode)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -l force -d 'Overwrite the -o file if it exists; with --append, replace requests of the same name'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -s v -l verbose -d 'Show the request as sent (headers and body) and the response headers'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -s q -l quiet -d 'Print only failures (and bodies written with -o stay silent)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -l show-secrets -d 'Print secret values instead of masking them (•••••• by default, everywhere)'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -s h -l help -d 'Print help'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from openapi" -s V -l version -d 'Print version'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "curl" -d 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "http" -d 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "postman" -d 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "openapi" -d 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
complete -c postie -n "__fish_postie_using_subcommand import; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "run" -d 'Run collections, or single requests of them'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "send" -d 'Send one ad-hoc request with HTTPie/xh-style items'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "list" -d 'List the requests of collections as a tree, with method and URL'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "show" -d 'Show a fully resolved request without sending it'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "check" -d 'Find literal credentials in collections before they are committed'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "completions" -d 'Print a shell completion script'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "secret" -d 'Manage secrets in the OS keyring: set, get, list, rm, doctor'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "auth" -d 'OAuth2 tokens cached in the OS keyring: list, logout, token'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "listen" -d 'Receive webhooks: show each request in real time and keep it in the inbox'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "inbox" -d 'Browse, replay and clear the requests `postie listen` received'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "import" -d 'Turn requests from other tools into collection TOML, reporting what did not carry over'
complete -c postie -n "__fish_postie_using_subcommand help; and not __fish_seen_subcommand_from run send list show check completions secret auth listen inbox import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "set" -d 'Store a secret in the keyring (hidden prompt on a terminal; one value from stdin when piped)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "get" -d 'Print a secret\'s value (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "list" -d 'List secret names and where each resolves from (never values)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "rm" -d 'Remove a secret from the keyring'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from secret" -f -a "doctor" -d 'Check the keyring: which store, whether it answers, how long it took'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "list" -d 'List cached tokens: profile, client, scope, expiry (never the value)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Remove cached tokens from the keyring: those of PROFILE, or all'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "token" -d 'Print an access token for a request\'s oauth2 auth (when piped; on a terminal only with --reveal)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "list" -d 'List received requests, oldest first'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "show" -d 'Show one request (headers and pretty body), or its exact body bytes with --raw'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "replay" -d 'Send a received request again: same method, headers and body bytes'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "save" -d 'Add a received request to a collection as a new request (comments and layout kept)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "export" -d 'Write received requests as HAR 1.2 (credential headers masked), to share or view'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "clear" -d 'Delete every request in the inbox'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "verify" -d 'Check every record of the inbox: exit 1 naming each damaged byte range and lost id'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "repair" -d 'Rewrite the inbox without its damaged parts (the original is kept as a backup)'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "curl" -d 'A curl command (as typed or copied from a browser, bash or cmd quoting) as one request'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "http" -d 'A .http file (JetBrains HTTP Client, VS Code REST Client) and its http-client.env.json'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "postman" -d 'A Postman collection (v2.0, v2.1) with its environment and globals exports'
complete -c postie -n "__fish_postie_using_subcommand help; and __fish_seen_subcommand_from import" -f -a "openapi" -d 'An OpenAPI 3.0/3.1 description (YAML or JSON): one request per operation'
