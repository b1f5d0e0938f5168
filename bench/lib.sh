# Shared helpers for the bench/ scripts. Sourced, not run.
#
# Settings (environment variables, all optional):
#   BENCH_DIR  where nginx's prefix and the test files live (default /tmp/postie-bench;
#              never inside the repository: it holds ~1.2 GB)
#   PORT       loopback port for nginx (default 18080)
#   POSTIE     the postie binary (default: target/release/postie of this checkout,
#              or $CARGO_TARGET_DIR/release/postie)
#   XH         the xh binary (default: `xh` on PATH, else /opt/peers/bin/xh)
#   GEN_PY     the JSON generator (default bench/json/gen.py beside these scripts)

BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_HERE/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/postie-bench}
PORT=${PORT:-18080}
GEN_PY=${GEN_PY:-$BENCH_HERE/json/gen.py}
BASE_URL="http://127.0.0.1:$PORT"

if [[ -z ${POSTIE:-} ]]; then
    if [[ -n ${CARGO_TARGET_DIR:-} && -x $CARGO_TARGET_DIR/release/postie ]]; then
        POSTIE=$CARGO_TARGET_DIR/release/postie
    else
        POSTIE=$REPO/target/release/postie
    fi
fi
if [[ -z ${XH:-} ]]; then
    XH=$(command -v xh || echo /opt/peers/bin/xh)
fi

die() {
    echo "bench: error: $*" >&2
    exit 1
}

# need TOOL...: exit 127 naming every tool (a command name or a path) that is missing.
need() {
    local missing=() t
    for t in "$@"; do
        if [[ $t == */* ]]; then
            [[ -x $t ]] || missing+=("$t")
        else
            command -v "$t" > /dev/null || missing+=("$t")
        fi
    done
    if ((${#missing[@]})); then
        echo "bench: error: missing tool(s): ${missing[*]}" >&2
        echo "hint: see bench/README.md (postie: cargo build --release; xh: cargo install xh --locked)" >&2
        exit 127
    fi
}

# on_exit CMD: run CMD (a string, eval'd) when the script exits; later ones run first.
BENCH_ON_EXIT=()
on_exit() {
    BENCH_ON_EXIT=("$1" "${BENCH_ON_EXIT[@]}")
    trap 'for c in "${BENCH_ON_EXIT[@]}"; do eval "$c" || true; done' EXIT
}

# side_nginx DIR HTTP: a second throwaway nginx (one worker, daemon, prefix DIR, stopped on
# exit) whose `http { }` block holds HTTP (server blocks, log formats; `\$` for nginx's own
# variables). Logs go to DIR/logs.
side_nginx() {
    local dir=$1 http=$2 user_line=""
    mkdir -p "$dir/logs" "$dir/tmp"
    if (($(id -u) == 0)); then user_line="user root;"; fi
    cat > "$dir/nginx.conf" << CONF
$user_line
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 64; }
http {
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
$http
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
    on_exit "kill \"\$(cat '$dir/nginx.pid')\""
}

# with_server: start nginx on $PORT unless it already serves our files there, and stop it on
# exit if we started it. Scripts call this so that each one also runs on its own.
with_server() {
    if curl -sf -o /dev/null "$BASE_URL/small.json"; then
        return
    fi
    "$BENCH_HERE/nginx.sh" start "$BENCH_DIR" "$PORT" >&2
    on_exit '"$BENCH_HERE/nginx.sh" stop "$BENCH_DIR" "$PORT" >&2'
}

# time_v OUTFILE CMD...: run CMD under /usr/bin/time -v (stdout to /dev/null unless CMD
# redirects itself), keep the report in OUTFILE, fail if CMD fails.
time_v() {
    local out=$1
    shift
    /usr/bin/time -v -o "$out" "$@" > /dev/null 2> "$out.stderr" ||
        die "command failed: $* (see $out.stderr)"
}

# time_field FILE: print "WALL_SECONDS MAX_RSS_KB CPU_SECONDS" (CPU = user + system) from a
# /usr/bin/time -v report.
time_field() {
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            wall = s
        }
        /Maximum resident set size/ { rss = $2 }
        /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
        END { printf "%.3f %d %.2f\n", wall, rss, cpu }
    ' "$1"
}
