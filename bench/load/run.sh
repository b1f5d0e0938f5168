#!/usr/bin/env bash
# Loading big collections: `postie list FILE`, `postie show FILE/LAST` and
# `postie run FILE/LAST --dry-run` on generated collections of 1k, 10k and 100k requests, in
# one hyperfine run (-N, medians), then the ratios between sizes and the peak RSS of `list`.
#
#   bench/load/run.sh                     # sizes 1000 10000 100000
#   SIZES="1000 10000" bench/load/run.sh  # others (each a multiple of 6 plus 4: see gen.py)
#
# Settings (environment): SIZES, LOAD_DIR (default $BENCH_DIR/load: the generated files, made
# once and regenerated when gen.py changes), WARMUP (3), MIN_RUNS (10: hyperfine also runs each
# command for at least 3 s), RESULTS (default $BENCH_DIR/results), POSTIE (see bench/lib.sh).
# Nothing is sent: `--dry-run` resolves the request and stops. Needs hyperfine, python3 and
# GNU /usr/bin/time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SIZES=${SIZES:-"1000 10000 100000"}
LOAD_DIR=${LOAD_DIR:-$BENCH_DIR/load}
RESULTS=${RESULTS:-$BENCH_DIR/results}
WARMUP=${WARMUP:-3}
MIN_RUNS=${MIN_RUNS:-10}
GEN=$BENCH_HERE/load/gen.py

need hyperfine python3 /usr/bin/time "$POSTIE"
mkdir -p "$LOAD_DIR" "$RESULTS"

for n in $SIZES; do
    file=$LOAD_DIR/load-$n.toml
    if [[ ! -s $file || $GEN -nt $file ]]; then
        echo "generating $file" >&2
        python3 "$GEN" "$file" --requests "$n" > /dev/null
    fi
done

# The three commands must work (and do what we think) before we time them.
for n in $SIZES; do
    file=$LOAD_DIR/load-$n.toml
    lines=$("$POSTIE" list "$file" | wc -l)
    [[ $lines -eq $((n + 1)) ]] || die "postie list $file printed $lines lines, expected $((n + 1))"
    "$POSTIE" show "$file/req-$n" | grep -q "/ req-$n\$" ||
        die "postie show $file/req-$n does not show req-$n"
    out=$("$POSTIE" run "$file/req-$n" --dry-run 2>&1) || die "postie run $file/req-$n --dry-run failed: $out"
    grep -q "^summary: 1 request resolved, nothing sent (dry run)" <<< "$out" ||
        die "postie run $file/req-$n --dry-run: unexpected summary: $out"
done

echo "# $(date -u '+%F %T') UTC; $(uptime)"
echo "# $("$POSTIE" --version); $(hyperfine --version)"
echo "# files: $(for n in $SIZES; do printf '%s=%s bytes ' "$n" "$(stat -c %s "$LOAD_DIR/load-$n.toml")"; done)"

json=$RESULTS/load.json
list=${SIZES// /,}
hyperfine -N --warmup "$WARMUP" --min-runs "$MIN_RUNS" --export-json "$json" \
    -L n "$list" \
    "$POSTIE list $LOAD_DIR/load-{n}.toml" \
    "$POSTIE show $LOAD_DIR/load-{n}.toml/req-{n}" \
    "$POSTIE run $LOAD_DIR/load-{n}.toml/req-{n} --dry-run" \
    > "$RESULTS/load.txt"

# Peak RSS of `list` at each size (one run each).
rss=()
for n in $SIZES; do
    time_v "$RESULTS/load-time-$n.txt" "$POSTIE" list "$LOAD_DIR/load-$n.toml"
    read -r _ kb _ < <(time_field "$RESULTS/load-time-$n.txt")
    rss+=("$n=$kb")
done

python3 - "$json" "$SIZES" "${rss[@]}" << 'PY'
import json, sys

results = json.load(open(sys.argv[1]))["results"]
sizes = [int(s) for s in sys.argv[2].split()]
rss = dict(item.split("=") for item in sys.argv[3:])
by = {}
for r in results:
    # The command's second word is the subcommand (the binary's path has no spaces).
    by[f'{r["command"].split()[1]} {r["parameters"]["n"]}'] = r
print("| command | " + " | ".join(f"{n:,} requests" for n in sizes) + " | ratios |")
print("|---|" + "---|" * len(sizes) + "---|")
for what in ["list", "show", "run"]:
    cells, medians = [], []
    for n in sizes:
        r = by[f"{what} {n}"]
        m = r["median"] * 1000
        cpu = (r["user"] + r["system"]) * 1000
        medians.append(m)
        cells.append(f"{m:.1f} ms (cpu {cpu:.1f})")
    ratios = ", ".join(
        f"{b // 1000}k/{a // 1000}k {mb / ma:.1f}"
        for (a, ma), (b, mb) in zip(zip(sizes, medians), zip(sizes[1:], medians[1:]))
    )
    label = {"list": "`list FILE`", "show": "`show FILE/LAST`", "run": "`run FILE/LAST --dry-run`"}[what]
    print(f"| {label} | " + " | ".join(cells) + f" | {ratios} |")
print("| `list` max RSS | " + " | ".join(f"{int(rss[str(n)]) / 1024:.1f} MiB" for n in sizes) + " | |")
print()
# Targets of issue 9 (point 7), for the sizes that have one.
verdicts = []
for what in ["list", "show", "run"]:
    med = {n: by[f"{what} {n}"]["median"] * 1000 for n in sizes}
    if 10000 in med:
        verdicts.append(f"{what} 10k {med[10000]:.1f} ms (<= 60: {'met' if med[10000] <= 60 else 'MISSED'})")
    if 100000 in med:
        verdicts.append(f"{what} 100k {med[100000]:.1f} ms (<= 600: {'met' if med[100000] <= 600 else 'MISSED'})")
    if 10000 in med and 100000 in med:
        ratio = med[100000] / med[10000]
        verdicts.append(f"{what} 100k/10k {ratio:.1f} (<= 11: {'met' if ratio <= 11 else 'MISSED'})")
print("\n".join(verdicts))
PY
echo "# hyperfine output: $RESULTS/load.txt, JSON: $json"
