#!/usr/bin/env bash
# Pretty-printing a 127 MB minified JSON array: `postie send GET URL/big.json --pretty` with
# `--color always` (coloured) and `--color never`, stdout to /dev/null, under /usr/bin/time -v
# (wall, Max RSS); RUNS runs each, median wall and largest RSS reported.
#
#   bench/json-pretty.sh        (settings: see bench/lib.sh; RUNS=3;
#                                PEERS=1 also times `jq . big.json` and xh coloured/uncoloured
#                                once each: slow, ~1 min and >1 GB;
#                                CHECK=1 also reports whether postie's output parses to the
#                                same value as big.json: ~30 s, ~3 GB)
#
# Targets: <= 1.5 s and < 64 MB RSS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need curl python3 nginx /usr/bin/time "$POSTIE"
RUNS=${RUNS:-3}
PEERS=${PEERS:-0}
CHECK=${CHECK:-0}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS"
if [[ $PEERS == 1 ]]; then need jq "$XH"; fi
with_server

url=$BASE_URL/big.json
src=$BENCH_DIR/www/big.json
rows=$RESULTS/json-pretty.rows
: > "$rows"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME CMD...: RUNS runs under time -v; appends
# "NAME|RUNS|MEDIAN_WALL|MAX_RSS_KB|MEDIAN_CPU".
measure() {
    local name=$1 i walls=() cpus=() rss=0 w kb c
    shift
    for ((i = 1; i <= RUNS; i++)); do
        time_v "$RESULTS/json-pretty.${name// /_}.$i.time" "$@"
        read -r w kb c < <(time_field "$RESULTS/json-pretty.${name// /_}.$i.time")
        walls+=("$w")
        cpus+=("$c")
        if ((kb > rss)); then rss=$kb; fi
    done
    echo "$name|$RUNS|$(printf '%s\n' "${walls[@]}" | median)|$rss|$(printf '%s\n' "${cpus[@]}" | median)" >> "$rows"
}

if [[ $CHECK == 1 ]]; then
    pretty=$RESULTS/big.pretty.json
    on_exit 'rm -f "$pretty"'
    "$POSTIE" send GET "$url" --pretty --color never 2> /dev/null > "$pretty"
    # Compares values, not spelling; reports (does not fail on) differences such as floats
    # that do not survive the round trip.
    python3 - "$src" "$pretty" <<'PY' | tee "$RESULTS/json-pretty.check"
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
n, shown, kinds = 0, [], {}

def diff(x, y, path):
    global n
    if isinstance(x, dict) and isinstance(y, dict) and list(x) == list(y):
        for k in x:
            diff(x[k], y[k], path + "." + k)
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (p, q) in enumerate(zip(x, y)):
            diff(p, q, f"{path}[{i}]")
    elif type(x) is not type(y) or x != y:
        n += 1
        kinds[type(x).__name__] = kinds.get(type(x).__name__, 0) + 1
        if len(shown) < 3:
            shown.append(f"{path}: {x!r} became {y!r}")

diff(a, b, "$")
if n == 0:
    print("check: postie --pretty output parses to the same value as big.json")
else:
    print(f"check: {n} values differ from big.json ({kinds}), e.g.")
    for s in shown:
        print("  " + s)
PY
fi

measure "postie colour" "$POSTIE" send GET "$url" --pretty --color always
measure "postie no-colour" "$POSTIE" send GET "$url" --pretty --color never
if [[ $PEERS == 1 ]]; then
    RUNS=1 measure "xh colour" "$XH" -I --pretty=all "$url"
    RUNS=1 measure "xh no-colour" "$XH" -I --pretty=format "$url"
    RUNS=1 measure "jq . (file)" jq . "$src"
fi

python3 - "$rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
# cpu = user + system (median): much less disturbed by other load than wall time.
print(f"{'command':<18} {'runs':>4} {'median wall':>12} {'cpu':>7} {'max RSS':>10}")
for name, runs, wall, kb, cpu in rows:
    print(f"{name:<18} {runs:>4} {float(wall):11.2f}s {float(cpu):6.2f}s {int(kb)/1024:7.1f}MiB")
for name, runs, wall, kb, cpu in rows:
    if name.startswith("postie"):
        w, m = float(wall), int(kb) / 1024
        print(f"target {name} <= 1.5 s: {'met' if w <= 1.5 else 'MISSED'} ({w:.2f} s); "
              f"< 64 MiB: {'met' if m < 64 else 'MISSED'} ({m:.1f} MiB)")
PY
echo "(time -v reports: $RESULTS/json-pretty.*.time)"
