#!/usr/bin/env bash
# The CI-runner benchmark (issue 4): 1,000 checked GETs of small.json on loopback.
#
#   bench/ci/run.sh          (settings: see bench/lib.sh and below)
#
# 1. Against nginx (fast), in ONE hyperfine run (-N, WARMUP=2, RUNS=10):
#      hurl --test big.hurl                          (one file: Hurl runs it sequentially)
#      postie run big.toml -q                        (sequential)
#      postie run part1..4.toml --jobs 4 -q          (4 collections of 250 at once)
#      postie run part1..4.toml -q                   (sequential, 4 files: for the analysis,
#                                                     see README.md "Where the time goes")
#    Target: postie sequential median <= 0.8x Hurl's.
# 2. Against `postie listen --delay 5ms` (a server that adds 5 ms per request; its inbox on
#    /dev/shm, since it fsyncs every event), in ONE hyperfine run (-N, WARMUP2=1, RUNS2=5):
#      postie run part1..4.toml -q                   (sequential)
#      postie run part1..4.toml --jobs 4 -q
#    Target: --jobs 4 at least 2.5x faster than sequential.
#
# Settings (environment): BENCH_DIR (default /tmp/postie-cibench: nginx prefix, the generated
# collections, results), PORT (nginx, 18480), SLOW_PORT (postie listen, 18481), POSTIE, HURL
# (`hurl` on PATH, else /opt/peers/bin/hurl), REQUESTS (1000), RUNS, WARMUP, RUNS2, WARMUP2,
# DELAY (5ms), RESULTS (default $BENCH_DIR/results). Output of every command goes to
# /dev/null (hyperfine's default). Talks only to 127.0.0.1.
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-/tmp/postie-cibench}
PORT=${PORT:-18480}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HURL=${HURL:-$(command -v hurl || echo /opt/peers/bin/hurl)}
need hyperfine curl python3 nginx "$HURL" "$POSTIE"
SLOW_PORT=${SLOW_PORT:-18481}
REQUESTS=${REQUESTS:-1000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
RUNS2=${RUNS2:-5}
WARMUP2=${WARMUP2:-1}
DELAY=${DELAY:-5ms}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS" "$BENCH_DIR/www"

# Only small.json is fetched here. bench/nginx.sh makes big.json and 1g.bin (1.2 GB) when they
# are missing: give it one-line stand-ins so this benchmark does not write 1.2 GB it never
# reads. (A BENCH_DIR that already holds the real files keeps them.)
for f in big.json 1g.bin; do
    [[ -s $BENCH_DIR/www/$f ]] || echo "stand-in written by bench/ci/run.sh (not used here)" > "$BENCH_DIR/www/$f"
done
with_server

work=$BENCH_DIR/ci
python3 "$BENCH_HERE/ci/gen.py" "$work" --requests "$REQUESTS" --parts 4 --base-url "$BASE_URL"
parts=("$work"/part1.toml "$work"/part2.toml "$work"/part3.toml "$work"/part4.toml)

# Sanity: every command passes (exit 0), and a broken check makes postie and Hurl fail, so the
# checks really run.
"$HURL" --test "$work/big.hurl" > /dev/null 2> "$RESULTS/sanity.stderr" ||
    die "hurl --test failed on big.hurl (see $RESULTS/sanity.stderr)"
"$POSTIE" run "$work/big.toml" -q > /dev/null 2> "$RESULTS/sanity.stderr" ||
    die "postie run big.toml failed (see $RESULTS/sanity.stderr)"
"$POSTIE" run "${parts[@]}" --jobs 4 -q > /dev/null 2> "$RESULTS/sanity.stderr" ||
    die "postie run --jobs 4 failed (see $RESULTS/sanity.stderr)"
head -n 4 "$work/big.hurl" | sed 's/== 42$/== 43/' > "$work/broken.hurl"
if "$HURL" --test "$work/broken.hurl" > /dev/null 2>&1; then die "hurl passed a broken check"; fi
set +e
"$POSTIE" run "$work/big.toml/get-0001" -q --var base_url="$BASE_URL/missing" > /dev/null 2>&1
code=$?
set -e
((code == 1)) || die "postie run of a 404 exited $code, not 1"

echo "== 1. $REQUESTS GETs against nginx on $BASE_URL (load: $(cut -d' ' -f1-3 /proc/loadavg))"
fast=$RESULTS/ci-fast.json
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$fast" \
    -n "hurl --test" "$HURL --test $work/big.hurl" \
    -n "postie sequential" "$POSTIE run $work/big.toml -q" \
    -n "postie sequential, 4 files" "$POSTIE run ${parts[*]} -q" \
    -n "postie --jobs 4" "$POSTIE run ${parts[*]} --jobs 4 -q" > "$RESULTS/ci-fast.txt"

# The slow server: postie listen answering small.json after DELAY.
inbox=/dev/shm/postie-cibench-inbox.$$
slow_url=http://127.0.0.1:$SLOW_PORT
"$POSTIE" listen --port "$SLOW_PORT" --delay "$DELAY" --inbox "$inbox" \
    --body "$(cat "$BENCH_DIR/www/small.json")" --header "content-type:application/json" \
    > /dev/null 2> "$RESULTS/listen.stderr" &
listen_pid=$!
on_exit "kill $listen_pid 2> /dev/null; wait $listen_pid 2> /dev/null; rm -rf '$inbox'"
for _ in $(seq 50); do
    curl -sf -o /dev/null "$slow_url/small.json" && break
    sleep 0.1
done
curl -sf -o /dev/null "$slow_url/small.json" ||
    die "postie listen did not answer on $slow_url (see $RESULTS/listen.stderr)"
"$POSTIE" run "${parts[@]}" --jobs 4 -q --var base_url="$slow_url" > /dev/null 2> "$RESULTS/sanity.stderr" ||
    die "postie run against postie listen failed (see $RESULTS/sanity.stderr)"

echo "== 2. the same 4 collections against postie listen --delay $DELAY on $slow_url (load: $(cut -d' ' -f1-3 /proc/loadavg))"
slow=$RESULTS/ci-slow.json
hyperfine -N --warmup "$WARMUP2" --runs "$RUNS2" --export-json "$slow" \
    -n "postie sequential (+${DELAY})" "$POSTIE run ${parts[*]} -q --var base_url=$slow_url" \
    -n "postie --jobs 4 (+${DELAY})" "$POSTIE run ${parts[*]} --jobs 4 -q --var base_url=$slow_url" \
    > "$RESULTS/ci-slow.txt"
rm -rf "$inbox"

python3 - "$fast" "$slow" <<'PY'
import json, sys

def load(path):
    return [(r["command"], r) for r in json.load(open(path))["results"]]

def table(rows, base_name):
    base = dict(rows)[base_name]["median"]
    # cpu = mean user + system: much less disturbed by other load than wall time.
    print(f"  {'command':<28} {'median':>10} {'mean±σ':>18} {'min':>10} {'cpu':>10} {'/' + base_name:>8}")
    for name, r in rows:
        print(f"  {name:<28} {r['median']*1e3:8.1f}ms {r['mean']*1e3:8.1f}±{r['stddev']*1e3:6.1f}ms "
              f"{r['min']*1e3:8.1f}ms {(r['user'] + r['system'])*1e3:8.1f}ms {r['median']/base:8.2f}")

fast, slow = load(sys.argv[1]), load(sys.argv[2])
print("1. against nginx")
table(fast, "hurl --test")
f = dict(fast)
hurl, seq = f["hurl --test"], f["postie sequential"]
ratio = seq["median"] / hurl["median"]
cpu_ratio = (seq["user"] + seq["system"]) / (hurl["user"] + hurl["system"])
print(f"  target postie sequential <= 0.8x Hurl: {'met' if ratio <= 0.8 else 'MISSED'} "
      f"(wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x)")
print("2. against a server adding a delay per request")
table(slow, slow[0][0])
s_seq, s_par = slow[0][1], slow[1][1]
speedup = s_seq["median"] / s_par["median"]
print(f"  target --jobs 4 >= 2.5x faster than sequential: {'met' if speedup >= 2.5 else 'MISSED'} "
      f"({speedup:.2f}x)")
PY
echo "(hyperfine output: $RESULTS/ci-fast.txt, $RESULTS/ci-slow.txt; JSON beside them)"
