#!/bin/sh
# `postie inbox list` filters over a large inbox (default 1,000,000 events, ~390 MB), with
# hyperfine. Not a test: run it by hand. Needs python3 and hyperfine
# (`apt-get install -y hyperfine`). Builds the release binary once (or set POSTIE_BIN).
# The inbox is generated straight in the store format by gen_inbox.py (kept in $INBOX_DIR,
# default /tmp/postie-bench-1m, so that later runs reuse it). The page cache is warm after the
# first run: these are warm-cache figures. The first `inbox list` builds events.idx (timed
# apart, "cold"); the peer is the plain scan (POSTIE_INBOX_NO_INDEX=1) in the same run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
events=${EVENTS:-1000000}
dir=${INBOX_DIR:-/tmp/postie-bench-1m}
if [ -n "${POSTIE_BIN:-}" ]; then
  bin=$POSTIE_BIN
else
  (cd "$root" && cargo build --release --bin postie)
  bin=$root/target/release/postie
fi
# A log written by an older gen_inbox.py (format 1) is not indexed: write it again.
if [ -s "$dir/inbox/events.log" ] && [ "$(head -c 8 "$dir/inbox/events.log")" != PSTINBX2 ]; then
  rm -f "$dir/inbox/events.log" "$dir/inbox/events.idx"
fi
if [ ! -s "$dir/inbox/events.log" ]; then
  python3 "$here/gen_inbox.py" "$dir/inbox/events.log" "$events"
fi
ls -l "$dir/inbox/events.log"
list="$bin inbox --inbox $dir/inbox list"
filters() {
  hyperfine --warmup 1 --runs "${RUNS:-5}" "$@" \
    -n 'method+path (head only)' "$list --method PUT --path '/hooks/stripe/1*' >/dev/null" \
    -n 'header glob' "$list --header 'x-shop:shop-1' --method DELETE >/dev/null" \
    -n 'jsonpath on every body' "$list --jsonpath '\$.order.id=999999' >/dev/null" \
    -n 'verification' "$list --verification invalid --path '/hooks/github/7' >/dev/null" \
    -n 'time range' "$list --since 2025-11-24T16:10:00Z --until 2025-11-24T16:10:01Z >/dev/null" \
    -n 'no filter, count' "$list | wc -l >/dev/null"
}
echo "load: $(uptime)"
# Cold: the first read of an inbox builds events.idx beside the log (one full scan).
rm -f "$dir/inbox/events.idx"
/usr/bin/time -f 'cold (index build) + method+path: %e s wall, %U s user, %S s sys, %M KB max RSS' \
  sh -c "$list --method PUT --path '/hooks/stripe/1*' >/dev/null"
ls -l "$dir/inbox/events.idx"
/usr/bin/time -f 'warm method+path: %e s wall, %U s user, %S s sys, %M KB max RSS' \
  sh -c "$list --method PUT --path '/hooks/stripe/1*' >/dev/null"
echo "load: $(uptime)"
# Warm: the index is read, checked and used.
filters
echo "load: $(uptime)"
# The peer in the same run: the plain scan of the log (no index), as before the index.
if [ -z "${NO_PEER:-}" ]; then
  POSTIE_INBOX_NO_INDEX=1 RUNS=${PEER_RUNS:-2} filters
  echo "load: $(uptime)"
fi
