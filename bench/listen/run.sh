#!/bin/sh
# Load `postie listen` with wrk (2 threads, 64 connections, 10 s, small JSON POST) on loopback,
# then kill -9 the listener and count what its inbox holds. Not a test: run it by hand.
# Needs wrk (`apt-get install -y wrk`). Builds the release binary once (or set POSTIE_BIN to
# a binary to measure, e.g. an older build for an A/B comparison).
# Also prints how the 2 CPUs spent the run (from /proc/stat): on a shared VM the time stolen
# by the host ("steal") moves the result a lot, so read the figure together with it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
duration=${DURATION:-10s}

if [ -n "${POSTIE_BIN:-}" ]; then
  bin=$POSTIE_BIN
else
  (cd "$root" && CARGO_TARGET_DIR=$target cargo build --release --bin postie)
  bin=$target/release/postie
fi
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin" listen --port 0 --inbox "$work/inbox" >/dev/null 2>"$work/stderr" &
pid=$!
for _ in $(seq 50); do
  grep -q '^listening on ' "$work/stderr" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/stderr")
echo "postie listen at $url, inbox $work/inbox"

before=$(head -1 /proc/stat)
wrk -t2 -c64 -d"$duration" -s "$here/post.lua" "$url/hooks/stripe" | tee "$work/wrk.txt"
after=$(head -1 /proc/stat)
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=

# cpu  user nice system idle iowait irq softirq steal ...
printf '%s\n%s\n' "$before" "$after" | awk '
  NR == 1 { for (i = 2; i <= 9; i++) a[i] = $i }
  NR == 2 { t = 0; for (i = 2; i <= 9; i++) { d[i] = $i - a[i]; t += d[i] }
            printf "CPU during the run: busy %.0f%%, idle+iowait %.0f%%, stolen by the host %.0f%%\n",
              100 * (d[2] + d[3] + d[4] + d[7] + d[8]) / t, 100 * (d[5] + d[6]) / t, 100 * d[9] / t }'

acked=$(sed -n 's/^acknowledged \([0-9]*\).*/\1/p' "$work/wrk.txt")
stored=$("$bin" inbox list --json --inbox "$work/inbox" | wc -l)
echo "acknowledged (2xx): $acked"
echo "in the inbox after kill -9: $stored"
if [ "$stored" -lt "$acked" ]; then
  echo "LOST $((acked - stored)) acknowledged events"
  exit 1
fi
echo "every acknowledged event is in the inbox (surplus $((stored - acked)): requests stored but still in flight when wrk stopped)"
