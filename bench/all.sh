#!/usr/bin/env bash
# Run every benchmark against one nginx: run-one, output-1g, json-pretty.
#
#   bench/all.sh                (settings: see bench/lib.sh and each script)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine curl python3 nginx cmp head /usr/bin/time "$XH" "$POSTIE"
with_server

echo "postie: $POSTIE ($("$POSTIE" --version)), git $(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo '?')"
echo "xh: $XH ($("$XH" --version | head -n1)); $(curl --version | head -n1 | cut -d' ' -f1-2); $(nginx -v 2>&1)"
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
for script in run-one output-1g json-pretty; do
    echo
    echo "== $script =="
    "$BENCH_HERE/$script.sh"
done
