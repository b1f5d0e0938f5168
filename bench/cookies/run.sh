#!/usr/bin/env bash
# Rotating cookies: a 1,000-request collection against a loopback nginx whose every response
# sets a NEW session cookie (`sid=$request_id`, 32 hex characters), vs the same collection
# against one that always sets the SAME cookie, and vs `--no-cookies` (no jar: the peer with
# no masking work at all), in ONE hyperfine invocation. Each new cookie value is registered
# with the run's masker (cookie values are secrets), so this shows what that costs per value.
#
#   bench/cookies/run.sh   (settings: see bench/lib.sh; RUNS=10 WARMUP=1 COOKIE_PORT=18091
#                           REQUESTS=1000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
need hyperfine curl nginx "$POSTIE"
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}
COOKIE_PORT=${COOKIE_PORT:-18091}
REQUESTS=${REQUESTS:-1000}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS"

work=$(mktemp -d "${TMPDIR:-/tmp}/postie-cookies.XXXXXX")
on_exit 'rm -rf "$work"'
side_nginx "$work/nginx" "
    access_log off;
    server {
        listen 127.0.0.1:$COOKIE_PORT;
        default_type application/json;
        location = /rotating {
            add_header Set-Cookie \"sid=\$request_id; Path=/; HttpOnly\";
            return 200 '{\"ok\":true}';
        }
        location = /same {
            add_header Set-Cookie \"sid=0123456789abcdef0123456789abcdef; Path=/; HttpOnly\";
            return 200 '{\"ok\":true}';
        }
    }"
for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$COOKIE_PORT/same" && break
    sleep 0.1
done

collection() {
    for i in $(seq 1 "$REQUESTS"); do
        printf '[[requests]]\nname = "r%d"\nurl = "http://127.0.0.1:%s/%s"\n[requests.expect]\nstatus = 200\n\n' \
            "$i" "$COOKIE_PORT" "$1"
    done
}
collection rotating > "$work/rotating.toml"
collection same > "$work/same.toml"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$RESULTS/cookies.json" \
    -n "same cookie" "$POSTIE run -q $work/same.toml" \
    -n "rotating cookie" "$POSTIE run -q $work/rotating.toml" \
    -n "rotating, --no-cookies" "$POSTIE run -q --no-cookies $work/rotating.toml"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
