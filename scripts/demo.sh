#!/usr/bin/env bash
# The README's main job (`make demo`, after scripts/setup.sh): build, start inferd on a temporary
# socket, classify the sample photos twice (cold, then warm) with the time of every step, show the
# models, and stop the daemon with SIGTERM, checking it exits 0. Everything is cleaned up on any exit.
#
#   scripts/demo.sh                 # debug build (like `make demo`)
#   INFERD_DEMO_CONFIG=release scripts/demo.sh
#   INFERD_DEMO_READY_TIMEOUT=300 scripts/demo.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

CONFIG="${INFERD_DEMO_CONFIG:-debug}"
READY_TIMEOUT="${INFERD_DEMO_READY_TIMEOUT:-120}"   # seconds to wait for the daemon to be ready
STOP_TIMEOUT="${INFERD_DEMO_STOP_TIMEOUT:-60}"      # seconds to wait for it to exit after SIGTERM
PHOTOS=(samples/chelsea.jpg samples/coffee.jpg samples/rocket.jpg)

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf 'demo: %s\n' "$*" >&2; exit 1; }

say "Building inferd and inferctl ($CONFIG)"
swift build -c "$CONFIG"
BIN="$(swift build -c "$CONFIG" --show-bin-path)"
INFERD="$BIN/inferd"
INFERCTL="$BIN/inferctl"
[[ -x "$INFERD" && -x "$INFERCTL" ]] || fail "build did not produce $INFERD and $INFERCTL"

for photo in "${PHOTOS[@]}"; do
  [[ -f "$photo" ]] || fail "missing $photo: run scripts/setup.sh first"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/inferd-demo.XXXXXX")"
SOCKET="$WORK/inferd.sock"
LOG="$WORK/inferd.log"
DAEMON_PID=""

cleanup() {
  local status=$?
  if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  if ((status != 0)) && [[ -s "$LOG" ]]; then
    printf '\ndemo: failed; the daemon said:\n' >&2
    tail -n 40 "$LOG" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Starting inferd on $SOCKET"
"$INFERD" --socket "$SOCKET" --models models 2>"$LOG" &
DAEMON_PID=$!
started=$(date +%s%N)
deadline=$(( $(date +%s) + READY_TIMEOUT ))
until curl --silent --fail --max-time 5 --unix-socket "$SOCKET" http://localhost/v2/health/ready >/dev/null 2>&1; do
  kill -0 "$DAEMON_PID" 2>/dev/null || { wait "$DAEMON_PID" || true; fail "inferd exited before it was ready"; }
  (( $(date +%s) < deadline )) || fail "inferd was not ready within ${READY_TIMEOUT} s"
  sleep 0.05
done
echo "inferd (pid $DAEMON_PID) ready after $(( ($(date +%s%N) - started) / 1000000 )) ms, as seen from this script"

say "Classifying ${PHOTOS[*]}: each twice, first cold (pays the model load), then warm"
"$INFERCTL" classify --socket "$SOCKET" --repeat 2 "${PHOTOS[@]}"

say "The paper's trade-off on a 2160x3840 photo: resize on the server, then on the client"
"$INFERCTL" classify --socket "$SOCKET" --resize server samples/groups/2160x3840/coffee.jpg
"$INFERCTL" classify --socket "$SOCKET" --resize client samples/groups/2160x3840/coffee.jpg

say "Models (inferctl models)"
"$INFERCTL" models --socket "$SOCKET"

say "Daemon status (inferctl status)"
"$INFERCTL" status --socket "$SOCKET"

say "Stopping inferd with SIGTERM"
kill -TERM "$DAEMON_PID"
status=0
for _ in $(seq 1 $((STOP_TIMEOUT * 10))); do
  kill -0 "$DAEMON_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$DAEMON_PID" 2>/dev/null && fail "inferd did not exit within ${STOP_TIMEOUT} s of SIGTERM"
wait "$DAEMON_PID" || status=$?
DAEMON_PID=""
((status == 0)) || fail "inferd exited with status $status after SIGTERM (expected 0)"
[[ ! -e "$SOCKET" ]] || echo "note: inferd left its socket file behind"
echo "inferd exited 0"
