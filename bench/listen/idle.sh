#!/bin/bash
# 50 normal requests to `postie listen`, one at a time, each timed by curl (the baseline, in
# the same run), then 2,000 idle connections held open (a Python helper opens them and sends
# nothing) and 50 more: every one of those must be answered within 50 ms. Raises the open-file
# limit (soft) for the listener to NOFILE (default 8192; NOFILE=1024 shows the connection
# limit at work: the listener keeps 960 and closes the longest idle to make room). Not a test: run it by
# hand. Release build as for run.sh (or POSTIE_BIN=path).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# The listener gets NOFILE descriptors; the helper raises its own limit to hold them all.
ulimit -Sn "${NOFILE:-8192}"
. "$here/lib.sh"
idle=${IDLE:-2000}
# Idle connections are closed after 30 s by default: keep them for the run. (LISTEN_ARGS=""
# for a build without the flag.)
# shellcheck disable=SC2086
start_listener ${LISTEN_ARGS---idle-timeout 120s}
timed() {
  for i in $(seq 50); do
    curl -s --max-time 5 -o /dev/null -w '%{http_code} %{time_total}\n' -d '{"n":1}' "$url/$1/$i"
  done
}
summary() {
  sort -k2 -n "$1" | awk -v what="$2" '{ t[NR] = $2 } END {
    printf "%s: %d requests; median %.1f ms, p90 %.1f ms, max %.1f ms\n", what, NR, 1000 * t[int(NR / 2)], 1000 * t[int(NR * 0.9)], 1000 * t[NR] }'
}
timed baseline >"$work/base"
summary "$work/base" "no idle connections (baseline)"
python3 - "$url" "$idle" "$work/held" <<'PY' &
import socket, sys, time, os, resource
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
url, n, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = url.split("//")[1].split(":")
socks = []
out = open(flag + ".tmp", "w")  # opened first: the sockets may use every descriptor left
for _ in range(n):
    try:
        socks.append(socket.create_connection((host, int(port))))
    except OSError as e:
        print("helper:", e, file=sys.stderr)
        break
out.write(str(len(socks)))
out.close()
os.rename(flag + ".tmp", flag)
time.sleep(600)
PY
helper=$!
trap 'kill $helper 2>/dev/null; cleanup' EXIT
for _ in $(seq 600); do [ -s "$work/held" ] && break; kill -0 $helper 2>/dev/null || break; sleep 0.1; done
[ -s "$work/held" ] || { echo "FAIL: the helper could not open its connections"; exit 1; }
sleep 1
open=$(ls "/proc/$pid/fd" | wc -l)
echo "idle connections held: $(cat "$work/held"); listener has $open file descriptors open"
timed normal >"$work/times"
codes=$(cut -d' ' -f1 "$work/times" | sort | uniq -c | tr '\n' ' ')
summary "$work/times" "beside the idle connections"
echo "status codes: $codes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
still=$(ls "/proc/$pid/fd" | wc -l)
echo "listener descriptors after: $still"
max=$(sort -k2 -n "$work/times" | tail -1 | cut -d' ' -f2)
awk -v m="$max" 'BEGIN { exit !(m < 0.050) }' || { echo "FAIL: a request took over 50 ms"; exit 1; }
grep -qv '^200 ' "$work/times" && { echo "FAIL: a request was not answered 200"; exit 1; }
echo ok
