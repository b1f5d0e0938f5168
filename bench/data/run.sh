#!/usr/bin/env bash
# The data-driven run benchmark (issue 13): ROWS rows (10) x REQUESTS checked GETs (100) of
# small.json from nginx on loopback, in ONE hyperfine run (-N, WARMUP=1, RUNS=10):
#   newman run run.postman.json -d rows.csv          (Postman's runner, same requests and checks)
#   postie run run.toml --data rows.csv -q           (sequential)
#   postie run run.toml --data rows.csv --jobs 4 -q  (4 rows at a time)
# Target: postie sequential median <= 0.1x newman's.
#
# newman (NEWMAN_VERSION, default 6.2.2) is installed by npm into $BENCH_DIR/newman (a folder of
# this benchmark's own, never the test tools); set NEWMAN to use another binary.
#
# Settings (environment): BENCH_DIR (/tmp/postie-databench: nginx prefix, inputs, newman,
# results), PORT (18580), POSTIE, ROWS, REQUESTS, RUNS, WARMUP, RESULTS ($BENCH_DIR/results).
# Output of every command goes to /dev/null (hyperfine's default). Talks only to 127.0.0.1.
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-/tmp/postie-databench}
PORT=${PORT:-18580}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROWS=${ROWS:-10}
REQUESTS=${REQUESTS:-100}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}
NEWMAN_VERSION=${NEWMAN_VERSION:-6.2.2}
RESULTS=${RESULTS:-$BENCH_DIR/results}
need hyperfine curl python3 nginx npm "$POSTIE"
mkdir -p "$RESULTS" "$BENCH_DIR/www"

if [[ -z ${NEWMAN:-} ]]; then
    NEWMAN=$BENCH_DIR/newman/node_modules/.bin/newman
    if [[ ! -x $NEWMAN ]]; then
        echo "installing newman@$NEWMAN_VERSION into $BENCH_DIR/newman" >&2
        npm install --silent --no-audit --no-fund --prefix "$BENCH_DIR/newman" "newman@$NEWMAN_VERSION" >&2
    fi
fi
need "$NEWMAN"

# Only small.json is fetched: one-line stand-ins keep bench/nginx.sh from writing 1.2 GB.
for f in big.json 1g.bin; do
    [[ -s $BENCH_DIR/www/$f ]] || echo "stand-in written by bench/data/run.sh (not used here)" > "$BENCH_DIR/www/$f"
done
with_server

work=$BENCH_DIR/data
python3 "$BENCH_HERE/data/gen.py" "$work" --base-url "$BASE_URL" --rows "$ROWS" --requests "$REQUESTS"
cd "$work"

# Sanity: every command passes, sends ROWS x REQUESTS requests, and a broken check fails both.
newman_cmd="$NEWMAN run run.postman.json -d rows.csv --reporters cli --disable-unicode"
"$NEWMAN" run run.postman.json -d rows.csv --reporters cli --disable-unicode > "$RESULTS/newman.out" ||
    die "newman failed (see $RESULTS/newman.out)"
grep -Eq "requests +│? *$((ROWS * REQUESTS)) " "$RESULTS/newman.out" ||
    grep -q "$((ROWS * REQUESTS))" "$RESULTS/newman.out" ||
    die "newman did not send $((ROWS * REQUESTS)) requests (see $RESULTS/newman.out)"
! "$NEWMAN" run broken.postman.json -d rows.csv --reporters cli > /dev/null 2>&1 ||
    die "newman passed the broken collection"
"$POSTIE" run run.toml --data rows.csv 2> "$RESULTS/postie.stderr" > /dev/null ||
    die "postie failed (see $RESULTS/postie.stderr)"
grep -q "summary: $((ROWS * REQUESTS)) passed, 0 failed" "$RESULTS/postie.stderr" ||
    die "postie did not pass $((ROWS * REQUESTS)) requests (see $RESULTS/postie.stderr)"
! "$POSTIE" run broken.toml --data rows.csv -q > /dev/null 2>&1 ||
    die "postie passed the broken collection"

hyperfine -N --warmup "$WARMUP" --runs "$RUNS" \
    --export-json "$RESULTS/hyperfine.json" --export-markdown "$RESULTS/hyperfine.md" \
    -n "newman run -d (sequential)" "$newman_cmd" \
    -n "postie run --data (sequential)" "$POSTIE run run.toml --data rows.csv -q" \
    -n "postie run --data --jobs 4" "$POSTIE run run.toml --data rows.csv --jobs 4 -q"

python3 - "$RESULTS/hyperfine.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
newman = r["newman run -d (sequential)"]["median"]
for name, x in r.items():
    print(f"{name:34} median {x['median']*1000:8.1f} ms  ({x['median']/newman:.3f}x newman)")
seq = r["postie run --data (sequential)"]["median"] / newman
print(f"target: postie sequential <= 0.1x newman: {'met' if seq <= 0.1 else 'NOT met'} ({seq:.3f}x)")
PY
