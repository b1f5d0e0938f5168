#!/bin/sh
# 150 parallel 10 MiB uploads (curl) to `postie listen`: the listener's peak RSS (VmHWM from
# /proc, plus VmRSS polled every 50 ms) must stay under 256 MB, and every upload must end
# with 200 (stored whole) or 503 (told to retry), none lost or cut. Not a test: run it by hand.
# Release build as for run.sh (or POSTIE_BIN=path).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
uploads=${UPLOADS:-150}
size_mib=${SIZE_MIB:-10}
# Just under the 10 MiB body limit would also do; exactly 10 MiB is the limit itself.
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/body"
start_listener
peak=0
( while kill -0 "$pid" 2>/dev/null; do
    awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null
    sleep 0.05
  done ) >"$work/rss" &
poller=$!
start=$(date +%s.%N)
for i in $(seq "$uploads"); do
  curl -s -o /dev/null -w '%{http_code}\n' --data-binary @"$work/body" \
    -H 'Content-Type: application/octet-stream' "$url/upload/$i" >>"$work/codes" &
done
wait_for=$uploads
while [ "$(wc -l <"$work/codes" 2>/dev/null || echo 0)" -lt "$wait_for" ]; do sleep 0.1; done
end=$(date +%s.%N)
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
kill "$poller" 2>/dev/null || true
peak=$(sort -n "$work/rss" | tail -1)
ok=$(grep -c '^200$' "$work/codes" || true)
busy=$(grep -c '^503$' "$work/codes" || true)
other=$((uploads - ok - busy))
stored=$("$bin" inbox list --json --inbox "$work/inbox" 2>/dev/null | wc -l || true)
echo "uploads: $uploads x $size_mib MiB in $(echo "$end - $start" | bc) s: $ok answered 200, $busy answered 503, $other other"
echo "listener peak RSS: VmHWM $((hwm / 1024)) MiB (polled VmRSS max $((peak / 1024)) MiB); limit 256 MB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$other" -eq 0 ] || { echo "FAIL: answers other than 200/503"; sort "$work/codes" | uniq -c; exit 1; }
[ $((hwm * 1024)) -lt 256000000 ] || { echo "FAIL: peak RSS over 256 MB"; exit 1; }
echo "ok (the inbox holds $stored events)"
