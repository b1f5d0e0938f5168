#!/bin/bash
# 2,000 idle connections held open to `postie listen` (a Python helper opens them and sends
# nothing), then 50 normal requests, one at a time, each timed by curl: every one must be
# answered within 50 ms. Raises the open-file limit for itself (ulimit -n). Not a test: run it
# by hand. Release build as for run.sh (or POSTIE_BIN=path).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ulimit -n 8192
. "$here/lib.sh"
idle=${IDLE:-2000}
start_listener --idle-timeout 120s
python3 - "$url" "$idle" "$work/held" <<'PY' &
import socket, sys, time, os
url, n, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = url.split("//")[1].split(":")
socks = []
for _ in range(n):
    s = socket.create_connection((host, int(port)))
    socks.append(s)
open(flag, "w").write(str(len(socks)))
time.sleep(600)
PY
helper=$!
trap 'kill $helper 2>/dev/null; cleanup' EXIT
while [ ! -s "$work/held" ]; do sleep 0.1; done
sleep 1
open=$(ls "/proc/$pid/fd" | wc -l)
echo "idle connections held: $(cat "$work/held"); listener has $open file descriptors open"
for i in $(seq 50); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -d '{"n":1}' "$url/normal/$i"
done >"$work/times"
codes=$(cut -d' ' -f1 "$work/times" | sort | uniq -c | tr '\n' ' ')
sort -k2 -n "$work/times" | awk '{ t[NR] = $2 } END {
  printf "normal requests: %d; median %.1f ms, p90 %.1f ms, max %.1f ms\n", NR, 1000 * t[int(NR / 2)], 1000 * t[int(NR * 0.9)], 1000 * t[NR] }'
echo "status codes: $codes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
still=$(ls "/proc/$pid/fd" | wc -l)
echo "listener descriptors after: $still"
max=$(sort -k2 -n "$work/times" | tail -1 | cut -d' ' -f2)
awk -v m="$max" 'BEGIN { exit !(m < 0.050) }' || { echo "FAIL: a request took over 50 ms"; exit 1; }
grep -qv '^200 ' "$work/times" && { echo "FAIL: a request was not answered 200"; exit 1; }
echo ok
