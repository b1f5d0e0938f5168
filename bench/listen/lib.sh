# Shared by the bench/listen scripts: build (or take POSTIE_BIN) and start `postie listen`.
# Sourced with $here set to bench/listen.
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
if [ -n "${POSTIE_BIN:-}" ]; then
  bin=$POSTIE_BIN
else
  (cd "$root" && CARGO_TARGET_DIR=$target cargo build --release --locked --bin postie)
  bin=$target/release/postie
fi
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# start_listener ARGS...: sets $pid and $url.
start_listener() {
  "$bin" listen --port 0 --inbox "$work/inbox" "$@" >/dev/null 2>"$work/stderr" &
  pid=$!
  for _ in $(seq 50); do
    grep -q '^listening on ' "$work/stderr" 2>/dev/null && break
    sleep 0.1
  done
  url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/stderr")
  echo "postie listen at $url (pid $pid), inbox $work/inbox"
}
