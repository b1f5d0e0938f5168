#!/usr/bin/env bash
# `-o FILE` of a 1 GiB body: wall time (hyperfine, one invocation for all three tools) and
# peak RSS (/usr/bin/time -v, one run each) of curl, xh's download mode and postie.
#
#   bench/output-1g.sh          (settings: see bench/lib.sh; RUNS=3 WARMUP=1;
#                                OUT_DIR=dir of the written file: default /dev/shm (tmpfs, so
#                                disk writeback of one run doesn't land in the next one's
#                                time), else $BENCH_DIR/out; OUT_DIR=$BENCH_DIR/out for disk)
#
# Targets: postie peak RSS < 20 MB, wall <= 1.1x curl.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine curl python3 nginx cmp /usr/bin/time "$XH" "$POSTIE"
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
RESULTS=${RESULTS:-$BENCH_DIR/results}
if [[ -z ${OUT_DIR:-} ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then OUT_DIR=/dev/shm; else OUT_DIR=$BENCH_DIR/out; fi
fi
mkdir -p "$RESULTS" "$OUT_DIR"
with_server

url=$BASE_URL/1g.bin
src=$BENCH_DIR/www/1g.bin
f=$OUT_DIR/postie-bench-1g.out
on_exit 'rm -f "$f"'

# Sanity: postie writes exactly the served bytes.
"$POSTIE" -q send GET "$url" -o "$f" 2> /dev/null || die "postie send -o failed"
cmp -s "$f" "$src" || die "postie's -o file differs from the served 1g.bin"

json=$RESULTS/output-1g.json
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
    -n curl "curl -s -o $f $url" \
    -n xh "$XH -I -d -o $f $url" \
    -n postie "$POSTIE send GET $url -o $f" > "$RESULTS/output-1g.txt"

rss=$RESULTS/output-1g.rss
: > "$rss"
for tool in curl xh postie; do
    case $tool in
    curl) cmd=(curl -s -o "$f" "$url") ;;
    xh) cmd=("$XH" -I -d -o "$f" "$url") ;;
    postie) cmd=("$POSTIE" send GET "$url" -o "$f") ;;
    esac
    rm -f "$f"
    time_v "$RESULTS/output-1g.$tool.time" "${cmd[@]}"
    [[ $(stat -c %s "$f") == $(stat -c %s "$src") ]] || die "$tool wrote a file of the wrong size"
    echo "$tool $(time_field "$RESULTS/output-1g.$tool.time")" >> "$rss"
done

python3 - "$json" "$rss" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
rss = {}
for line in open(sys.argv[2]):
    name, wall, kb, _cpu = line.split()
    rss[name] = (float(wall), int(kb))
curl = res["curl"]["median"]
# cpu = mean user + system time (hyperfine); maxRSS and its wall from one /usr/bin/time -v run.
print(f"{'command':<8} {'median':>8} {'min':>8} {'max':>8} {'/curl':>6} {'cpu':>7} {'maxRSS':>9} {'wall(time -v)':>14}")
for name, r in res.items():
    w, kb = rss[name]
    print(f"{name:<8} {r['median']:7.3f}s {r['min']:7.3f}s {r['max']:7.3f}s {r['median']/curl:6.2f} "
          f"{r['user'] + r['system']:6.2f}s {kb/1024:6.1f}MiB {w:13.2f}s")
p = res["postie"]["median"]
prss = rss["postie"][1] / 1024
print(f"target postie wall <= 1.1x curl: {'met' if p <= 1.1 * curl else 'MISSED'} ({p/curl:.2f}x)")
print(f"target postie max RSS < 20 MiB:  {'met' if prss < 20 else 'MISSED'} ({prss:.1f} MiB)")
PY
echo "(hyperfine output: $RESULTS/output-1g.txt, JSON: $json, time -v: $RESULTS/output-1g.*.time)"
