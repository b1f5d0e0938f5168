#!/usr/bin/env bash
# One small GET (~1 KB JSON) on loopback, whole process: curl, xh, `postie run` of a
# one-request collection and `postie send`, in ONE hyperfine invocation (same noise for all).
# Every command fetches the body and discards it (hyperfine sends stdout to /dev/null).
# xh gets -I (--ignore-stdin): with a non-terminal stdin it would otherwise send a POST.
#
#   bench/run-one.sh            (settings: see bench/lib.sh; RUNS=50 WARMUP=5)
#
# Targets: postie run median <= 1.1x curl and <= xh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine curl python3 nginx "$XH" "$POSTIE"
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-5}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS"
with_server

url=$BASE_URL/small.json
work=$(mktemp -d "${TMPDIR:-/tmp}/postie-run-one.XXXXXX")
on_exit 'rm -rf "$work"'
cat > "$work/one.toml" <<TOML
name = "one"

[[requests]]
name = "small"
url = "$url"
TOML

# Sanity: every tool gets the same bytes.
want=$(curl -s "$url" | cksum)
[[ $("$XH" -I "$url" | cksum) == "$want" ]] || die "xh body differs from curl's"
[[ $("$POSTIE" run "$work/one.toml" 2> /dev/null | cksum) == "$want" ]] || die "postie run body differs from curl's"
[[ $("$POSTIE" send GET "$url" 2> /dev/null | cksum) == "$want" ]] || die "postie send body differs from curl's"

json=$RESULTS/run-one.json
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
    -n curl "curl -s $url -o /dev/null" \
    -n xh "$XH -I $url" \
    -n "postie run" "$POSTIE run $work/one.toml" \
    -n "postie send" "$POSTIE send GET $url" > "$RESULTS/run-one.txt"

python3 - "$json" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = lambda s: s * 1000
# cpu = mean user + system time: much less disturbed by other load than wall time.
print(f"{'command':<12} {'median':>9} {'mean±σ':>16} {'min':>8} {'/curl':>6} {'/xh':>6} {'cpu':>8}")
curl, xh = res["curl"]["median"], res["xh"]["median"]
for name, r in res.items():
    print(f"{name:<12} {ms(r['median']):7.2f}ms {ms(r['mean']):7.2f}±{ms(r['stddev']):5.2f}ms "
          f"{ms(r['min']):6.2f}ms {r['median']/curl:6.2f} {r['median']/xh:6.2f} "
          f"{ms(r['user'] + r['system']):6.2f}ms")
run = res["postie run"]["median"]
ok1, ok2 = run <= 1.1 * curl, run <= xh
print(f"target postie run <= 1.1x curl: {'met' if ok1 else 'MISSED'} ({run/curl:.2f}x)")
print(f"target postie run <= xh:        {'met' if ok2 else 'MISSED'} ({run/xh:.2f}x)")
PY
echo "(hyperfine output: $RESULTS/run-one.txt, JSON: $json)"
