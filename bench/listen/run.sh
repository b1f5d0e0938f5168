#!/bin/sh
# Load `postie listen` with wrk (2 threads, 64 connections, 10 s, small JSON POST) on loopback,
# then kill -9 the listener and count what its inbox holds. Not a test: run it by hand.
# Needs wrk (`apt-get install -y wrk`). Builds the release binary once.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
duration=${DURATION:-10s}

(cd "$root" && CARGO_TARGET_DIR=$target cargo build --release --bin postie)
bin=$target/release/postie
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

wrk -t2 -c64 -d"$duration" -s "$here/post.lua" "$url/hooks/stripe" | tee "$work/wrk.txt"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=

acked=$(sed -n 's/^acknowledged \([0-9]*\).*/\1/p' "$work/wrk.txt")
stored=$("$bin" inbox list --json --inbox "$work/inbox" | wc -l)
echo "acknowledged (2xx): $acked"
echo "in the inbox after kill -9: $stored"
if [ "$stored" -lt "$acked" ]; then
  echo "LOST $((acked - stored)) acknowledged events"
  exit 1
fi
echo "every acknowledged event is in the inbox (surplus $((stored - acked)): requests stored but still in flight when wrk stopped)"
