#!/usr/bin/env bash
# A 100-request collection with OAuth2 client credentials vs the same collection with a static
# bearer token, whole process, in ONE hyperfine invocation. The API is the bench nginx
# (small.json), the token endpoint a second nginx on loopback (see below); no keyring (as in
# CI): the token lives in memory for the run, and each run must make exactly one token request
# (checked before timing, and counted over all timed runs).
#
#   bench/oauth/run.sh   (settings: see bench/lib.sh; RUNS=20 WARMUP=3 TOKEN_PORT=18090
#                         TOKEN_SERVER=nginx|python)
#
# Target: the OAuth2 run within 1.1x of the bearer run, exactly 1 token request per run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
need hyperfine curl python3 nginx "$POSTIE"
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
TOKEN_PORT=${TOKEN_PORT:-18090}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS"
with_server

work=$(mktemp -d "${TMPDIR:-/tmp}/postie-oauth.XXXXXX")
on_exit 'rm -rf "$work"'
# The token endpoint: a second throwaway nginx answering every POST /token with a fixed token
# (as fast as the API, so the figure is postie's own cost), its access log counting the token
# requests; TOKEN_SERVER=python uses bench/oauth/token_server.py instead (slower, ~1-6 ms).
TOKEN_SERVER=${TOKEN_SERVER:-nginx}
if [[ $TOKEN_SERVER == nginx ]]; then
    mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
    user_line=""
    if (($(id -u) == 0)); then user_line="user root;"; fi
    cat > "$work/nginx/nginx.conf" <<CONF
$user_line
daemon on;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
    log_format count "\$request_method \$uri";
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$TOKEN_PORT;
        location = /token {
            access_log $work/nginx/logs/token.log count;
            default_type application/json;
            return 200 '{"access_token":"bench-token-value","token_type":"Bearer","expires_in":3600}';
        }
    }
}
CONF
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log"
    on_exit 'kill "$(cat "$work/nginx/nginx.pid")"'
    count() { grep -c '^POST /token' "$work/nginx/logs/token.log" 2> /dev/null || echo 0; }
else
    python3 "$BENCH_HERE/oauth/token_server.py" "$TOKEN_PORT" "$work/count" &
    token_pid=$!
    on_exit "kill $token_pid"
    count() { cat "$work/count" 2> /dev/null || echo 0; }
fi
for _ in $(seq 50); do
    curl -s -o /dev/null -X POST "http://127.0.0.1:$TOKEN_PORT/token" && break
    sleep 0.1
done

requests() {
    for i in $(seq 1 100); do
        printf '[[requests]]\nname = "r%d"\nurl = "%s/small.json"\n[requests.expect]\nstatus = 200\n\n' "$i" "$BASE_URL"
    done
}
{
    printf '[defaults]\nauth = { oauth2 = { grant = "client_credentials", token_url = "http://127.0.0.1:%s/token", client_id = "bench", client_secret = "{{secret:bench_secret}}", params = { audience = "https://api.example" } } }\n\n' "$TOKEN_PORT"
    requests
} > "$work/oauth.toml"
{
    printf '[defaults]\nauth = { bearer = "{{secret:bench_secret}}" }\n\n'
    requests
} > "$work/bearer.toml"

# No keyring (CI): a bus address that does not exist.
export POSTIE_SECRET_BENCH_SECRET=bench-secret-value
export DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus
export CI=true

before=$(count)
"$POSTIE" run -q "$work/oauth.toml" || die "the OAuth2 collection failed"
made=$(($(count) - before))
[[ $made == 1 ]] || die "one run made $made token requests, not 1"
before=$(count)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
json=$RESULTS/oauth.json
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
    -n "bearer (static)" "$POSTIE run -q $work/bearer.toml" \
    -n "oauth2 (client credentials)" "$POSTIE run -q $work/oauth.toml"
runs=$((RUNS + WARMUP))
made=$(($(count) - before))
echo "token requests over $runs runs of the OAuth2 collection: $made"
[[ $made == "$runs" ]] || die "expected exactly $runs token requests (one per run)"
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
b, o = r["bearer (static)"], r["oauth2 (client credentials)"]
ratio = o["median"] / b["median"]
print(f"median: bearer {b['median']*1000:.1f} ms, oauth2 {o['median']*1000:.1f} ms, ratio {ratio:.3f} (target <= 1.1)")
# On a loaded machine the median mostly measures waiting for a core; the fastest run of each
# is the closer estimate of the work itself.
print(f"min: bearer {b['min']*1000:.1f} ms, oauth2 {o['min']*1000:.1f} ms, ratio {o['min'] / b['min']:.3f}")
cpu = lambda x: x["user"] + x["system"]
print(f"cpu (user+sys, mean): bearer {cpu(b)*1000:.1f} ms, oauth2 {cpu(o)*1000:.1f} ms")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
