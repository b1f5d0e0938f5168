#!/usr/bin/env bash
# A/B of two postie builds (issue 9: no regression from the run-engine redesign): A (before)
# and B (after) share each hyperfine run, so they share the machine's noise.
#
#   POSTIE_A=/tmp/postie-before POSTIE_B=/tmp/postie-after bench/ab.sh
#
# P1. One GET of small.json: `postie run one.toml` (as bench/run-one.sh), -N, WARMUP1=5,
#     ROUNDS1 x RUNS1 runs per binary (default 6 x 10 = 60).
# P2. The CI collection (bench/ci/gen.py: 1,000 checked GETs of small.json) against nginx:
#     `postie run big.toml -q` and `postie run part1..4.toml --jobs 4 -q`, -N, WARMUP2=1,
#     ROUNDS2 x RUNS2 runs per binary and command (default 5 x 2 = 10).
#     Then peak RSS: RSS_RUNS (3) `/usr/bin/time -v` runs of each binary, alternating.
#
# Alternating: one hyperfine run lists the commands ROUNDS times, A B in odd rounds and B A in
# even ones (hyperfine runs all runs of one command before the next, so a load change during
# the run would otherwise land on one binary only). The medians pool the runs of all rounds;
# `cpu` is the mean user + system time (run-weighted over the rounds). Each section prints the
# load and the CPU time stolen by the host during it (/proc/stat).
# Verdict: B's median <= 1.1x A's (RATIO_MAX) for each benchmark.
#
# Settings (environment): POSTIE_A (required), POSTIE_B (default: POSTIE, see bench/lib.sh),
# LABEL_A / LABEL_B (shown in the output, e.g. a commit), BENCH_DIR (default
# /tmp/postie-abbench: nginx prefix, generated collections, results), PORT (18580), REQUESTS
# (1000), the run counts above, RESULTS (default $BENCH_DIR/results: hyperfine text and JSON,
# time -v reports). Talks only to 127.0.0.1; installs nothing.
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-/tmp/postie-abbench}
PORT=${PORT:-18580}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -n ${POSTIE_A:-} ]] || die "set POSTIE_A (the before binary) and POSTIE_B (the after binary)"
POSTIE_B=${POSTIE_B:-$POSTIE}
need hyperfine curl python3 nginx /usr/bin/time "$POSTIE_A" "$POSTIE_B"
LABEL_A=${LABEL_A:-$POSTIE_A}
LABEL_B=${LABEL_B:-$POSTIE_B}
REQUESTS=${REQUESTS:-1000}
WARMUP1=${WARMUP1:-5}
RUNS1=${RUNS1:-10}
ROUNDS1=${ROUNDS1:-6}
WARMUP2=${WARMUP2:-1}
RUNS2=${RUNS2:-2}
ROUNDS2=${ROUNDS2:-5}
RSS_RUNS=${RSS_RUNS:-3}
RATIO_MAX=${RATIO_MAX:-1.1}
RESULTS=${RESULTS:-$BENCH_DIR/results}
mkdir -p "$RESULTS" "$BENCH_DIR/www"

# Only small.json is fetched: one-line stand-ins keep bench/nginx.sh from writing the 1.2 GB
# of big.json and 1g.bin (as bench/ci/run.sh does).
for f in big.json 1g.bin; do
    [[ -s $BENCH_DIR/www/$f ]] || echo "stand-in written by bench/ab.sh (not used here)" > "$BENCH_DIR/www/$f"
done
with_server

url=$BASE_URL/small.json
work=$BENCH_DIR/ab
mkdir -p "$work"
cat > "$work/one.toml" <<TOML
name = "one"

[[requests]]
name = "small"
url = "$url"
TOML
python3 "$BENCH_HERE/ci/gen.py" "$work" --requests "$REQUESTS" --parts 4 --base-url "$BASE_URL"
parts="$work/part1.toml $work/part2.toml $work/part3.toml $work/part4.toml"

# Sanity, for both binaries: the one-request run prints small.json, the collections pass, and
# a failing check fails (a 404: exit 1), so the checks really run.
want=$(curl -s "$url" | cksum)
for bin in "$POSTIE_A" "$POSTIE_B"; do
    [[ $("$bin" run "$work/one.toml" 2> /dev/null | cksum) == "$want" ]] ||
        die "$bin: postie run one.toml body differs from curl's"
    "$bin" run "$work/big.toml" -q > /dev/null 2> "$RESULTS/sanity.stderr" ||
        die "$bin: postie run big.toml failed (see $RESULTS/sanity.stderr)"
    # shellcheck disable=SC2086 # $parts: four paths without spaces
    "$bin" run $parts --jobs 4 -q > /dev/null 2> "$RESULTS/sanity.stderr" ||
        die "$bin: postie run --jobs 4 failed (see $RESULTS/sanity.stderr)"
    set +e
    "$bin" run "$work/big.toml/get-0001" -q --var base_url="$BASE_URL/missing" > /dev/null 2>&1
    code=$?
    set -e
    ((code == 1)) || die "$bin: postie run of a 404 exited $code, not 1"
done

echo "A: $LABEL_A ($("$POSTIE_A" --version))"
echo "B: $LABEL_B ($("$POSTIE_B" --version))"
echo "machine: $(nproc) cores, $(uname -sr); hyperfine $(hyperfine --version | cut -d' ' -f2); $(nginx -v 2>&1)"

cpu_line() { head -n 1 /proc/stat; }
# steal BEFORE AFTER: the share of CPU time between two /proc/stat "cpu" lines stolen by the host.
steal() {
    printf '%s\n%s\n' "$1" "$2" | awk '
      NR == 1 { for (i = 2; i <= 9; i++) a[i] = $i }
      NR == 2 { t = 0; for (i = 2; i <= 9; i++) { d[i] = $i - a[i]; t += d[i] }
                printf "busy %.0f%%, idle %.0f%%, stolen by the host %.0f%%",
                  100 * (d[2] + d[3] + d[4] + d[7] + d[8]) / t, 100 * (d[5] + d[6]) / t, 100 * d[9] / t }'
}

# ab NAME ROUNDS RUNS WARMUP ARGS: one hyperfine run of `A ARGS` and `B ARGS`, ROUNDS times
# (A B, then B A, ...), results in $RESULTS/ab-NAME.{json,txt}.
ab() {
    local name=$1 rounds=$2 runs=$3 warmup=$4 args=$5 cmds=() r
    for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then
            cmds+=(-n "A #$r" "$POSTIE_A $args" -n "B #$r" "$POSTIE_B $args")
        else
            cmds+=(-n "B #$r" "$POSTIE_B $args" -n "A #$r" "$POSTIE_A $args")
        fi
    done
    local before after
    echo "== $name: postie $args (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    before=$(cpu_line)
    hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$RESULTS/ab-$name.json" \
        "${cmds[@]}" > "$RESULTS/ab-$name.txt"
    after=$(cpu_line)
    echo "   CPU during the run: $(steal "$before" "$after"); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    SUMMARY+=("$name" "$RESULTS/ab-$name.json")
}

SUMMARY=()
ab p1-one "$ROUNDS1" "$RUNS1" "$WARMUP1" "run $work/one.toml"
ab p2-seq "$ROUNDS2" "$RUNS2" "$WARMUP2" "run $work/big.toml -q"
ab p2-jobs4 "$ROUNDS2" "$RUNS2" "$WARMUP2" "run $parts --jobs 4 -q"

# Peak RSS of the 1,000-request run (sequential), alternating A and B.
echo "== peak RSS: postie run big.toml -q, $RSS_RUNS runs each under /usr/bin/time -v"
rss=$RESULTS/ab-rss.txt
: > "$rss"
for ((r = 1; r <= RSS_RUNS; r++)); do
    for side in A B; do
        bin=POSTIE_$side
        time_v "$RESULTS/ab-rss-$side-$r.time" "${!bin}" run "$work/big.toml" -q
        echo "$side $(time_field "$RESULTS/ab-rss-$side-$r.time")" >> "$rss"
    done
done

python3 - "$RATIO_MAX" "$rss" "${SUMMARY[@]}" <<'PY'
import json, statistics, sys

limit, rss_file, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
print()
print(f"{'benchmark':<10} {'side':<4} {'runs':>4} {'median':>10} {'mean±σ':>18} {'min':>10} "
      f"{'cpu':>9}   B/A (median, cpu, per-round medians)")
verdicts = []
for name, path in zip(args[::2], args[1::2]):
    results = json.load(open(path))["results"]
    side = {}
    rounds = {}
    for r in results:
        s, rnd = r["command"].split(" #")
        d = side.setdefault(s, {"times": [], "cpu": 0.0})
        d["times"] += r["times"]
        d["cpu"] += (r["user"] + r["system"]) * len(r["times"])
        rounds.setdefault(int(rnd), {})[s] = r["median"]
    med = {}
    for s in ("A", "B"):
        t = side[s]["times"]
        med[s] = statistics.median(t)
        cpu = side[s]["cpu"] / len(t)
        side[s]["cpu_mean"] = cpu
        print(f"{name:<10} {s:<4} {len(t):>4} {med[s]*1e3:8.2f}ms "
              f"{statistics.mean(t)*1e3:8.2f}±{statistics.stdev(t)*1e3:6.2f}ms "
              f"{min(t)*1e3:8.2f}ms {cpu*1e3:7.2f}ms", end="")
        if s == "B":
            ratio = med["B"] / med["A"]
            cpu_ratio = side["B"]["cpu_mean"] / side["A"]["cpu_mean"]
            per = " ".join(f"{rounds[k]['B'] / rounds[k]['A']:.2f}" for k in sorted(rounds))
            print(f"   {ratio:.3f}, cpu {cpu_ratio:.3f}, rounds [{per}]")
            verdicts.append((name, ratio, cpu_ratio))
        else:
            print()
for name, ratio, cpu_ratio in verdicts:
    ok = ratio <= limit
    # Under load the wall-time ratio swings more than the CPU one: read both.
    print(f"{name}: B median {ratio:.3f}x A's: {'met' if ok else 'MISSED'} (<= {limit}x); "
          f"cpu {cpu_ratio:.3f}x")

rows = [line.split() for line in open(rss_file)]
print("peak RSS of postie run big.toml -q (time -v, MiB):")
for s in ("A", "B"):
    kib = [int(r[2]) for r in rows if r[0] == s]
    wall = [float(r[1]) for r in rows if r[0] == s]
    print(f"  {s}: runs {', '.join(f'{k/1024:.1f}' for k in kib)}; max {max(kib)/1024:.1f} MiB "
          f"(wall of those runs: {', '.join(f'{w:.2f}s' for w in wall)})")
PY
echo "(hyperfine output: $RESULTS/ab-*.txt, JSON beside them; time -v reports: $RESULTS/ab-rss-*.time)"
