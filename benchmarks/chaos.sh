#!/usr/bin/env bash
# Chaos: one slow dependency must not stall the daemon (issue #12). A remote that accepts connections
# and never answers; OFFLOADS concurrent classify requests sent to it (offload=always); a client
# sending warm local requests (offload=never) one after another before and throughout. Reports warm
# local p50/p99 before and during, the offloaded answers' latency against timeout_ms, the daemon's
# peak thread count, and every status seen (503s must carry Retry-After).
#
#   benchmarks/chaos.sh                     # release build of this tree
#   BIN=/other/tree/.build/release benchmarks/chaos.sh   # another build (e.g. main's), same script
# Knobs: OFFLOADS (300), TIMEOUT_MS (8000), MODEL (efficientnet-lite0), IMAGE (samples/chelsea.jpg),
#        BEFORE (200 warm requests before the storm).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

OFFLOADS="${OFFLOADS:-300}"
TIMEOUT_MS="${TIMEOUT_MS:-8000}"
MODEL="${MODEL:-efficientnet-lite0}"
IMAGE="${IMAGE:-samples/chelsea.jpg}"
BEFORE="${BEFORE:-200}"

if [ -z "${BIN:-}" ]; then  # only the daemon is needed
  swift build -c release --product inferd >&2
  BIN="$(swift build -c release --show-bin-path)"
fi
source benchmarks/lib.sh chaos

# The hung remote: accepts every connection, reads nothing, answers nothing.
python3 - "$WORK/hung.port" >"$WORK/hung.log" 2>&1 <<'PY' &
import socket, sys, time
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4096)
open(sys.argv[1], "w").write(str(server.getsockname()[1]))
held = []
while True:
    connection, _ = server.accept()
    held.append(connection)
PY
PIDS+=($!)
for _ in $(seq 1 50); do [ -s "$WORK/hung.port" ] && break; sleep 0.1; done
PORT="$(cat "$WORK/hung.port")"

# One client (this uid) opens all OFFLOADS connections at once: raise the per-client and listener
# connection caps above that, or most of the storm would get the documented 503 at accept instead
# of reaching the hung remote (that is the connection-fairness rule, not what this measures).
CONNECTIONS=$((OFFLOADS + 64))
INFERD_MAX_CONNECTIONS="$CONNECTIONS" INFERD_MAX_CONNECTIONS_PER_CLIENT="$CONNECTIONS" \
INFERD_OFFLOAD_TIMEOUT_MS="$TIMEOUT_MS" "$BIN/inferd" --socket "$WORK/inferd.sock" --models models \
  --offload-remote "http://127.0.0.1:$PORT" --offload auto --log-level error >"$WORK/inferd.log" 2>&1 &
DAEMON=$!
PIDS+=($DAEMON)
# Ready when /v2/health/ready answers 200 (only inferd is needed, not inferctl).
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$WORK/inferd.sock" http://localhost/v2/health/ready || true)" = 200 ] && break
  sleep 0.1
done

python3 benchmarks/chaos.py --socket "$WORK/inferd.sock" --pid "$DAEMON" --model "$MODEL" --image "$IMAGE" \
  --offloads "$OFFLOADS" --timeout-ms "$TIMEOUT_MS" --before "$BEFORE"
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average at end: $(cut -d' ' -f1-3 /proc/loadavg); binaries: $BIN"
