#!/usr/bin/env bash
# Peak memory of the daemon under big requests, against what it promises to stay under:
#   budget (warm models) + base (the daemon with nothing loaded) + the in-flight cap (request data).
#
#   benchmarks/memory.sh                      # release build of this checkout
#   BIN=/work/main/.build/debug benchmarks/memory.sh    # another build (a "before" run)
#   BEFORE=/work/main/.build/debug benchmarks/memory.sh # both, side by side, in one run
#   WAIT=10m benchmarks/memory.sh             # after-runs also with a long in-flight wait (all served)
#
# Two phases, each on a fresh daemon (VmHWM is the process's lifetime peak), squeezenet warm:
#   json    8 concurrent /v2 infers of a ~60 MB JSON UINT8 tensor [1,2200,2600,3]
#   binary  8 concurrent /v2 infers of a 48 MB binary UINT8 tensor [1,4000,4000,3]
# Prints a Markdown table: base, peak (VmHWM), bound, answers by status. Needs curl and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

BUDGET="${BUDGET:-512M}"
CAP="${CAP:-256M}"
CONCURRENCY="${CONCURRENCY:-8}"
MODEL="${MODEL:-squeezenet}"

AFTER_BIN="${BIN:-}"
source benchmarks/lib.sh memory
AFTER_BIN="$BIN"

python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
h, w = 2200, 2600
data = os.urandom(h * w * 3)
with open(f"{work}/json.body", "w") as f:
    f.write('{"inputs":[{"name":"input","shape":[1,%d,%d,3],"datatype":"UINT8","data":[' % (h, w))
    f.write(",".join(map(str, data)))
    f.write(']}]}')
h, w = 4000, 4000
header = json.dumps({"inputs": [{"name": "input", "shape": [1, h, w, 3], "datatype": "UINT8",
                                 "parameters": {"binary_data_size": h * w * 3}}]}).encode()
with open(f"{work}/binary.body", "wb") as f:
    f.write(header)
    f.write(os.urandom(h * w * 3))
with open(f"{work}/binary.header-length", "w") as f:
    f.write(str(len(header)))
PY
JSON_BYTES=$(stat -c %s "$WORK/json.body")
BINARY_BYTES=$(stat -c %s "$WORK/binary.body")

bytes_of() { python3 -c "import sys;t=sys.argv[1].strip().upper();u={'K':1<<10,'M':1<<20,'G':1<<30};print(int(float(t[:-1])*u[t[-1]]) if t[-1] in u else int(t))" "$1"; }
kib_of() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}'; }

# run BIN PHASE LABEL [WAIT]: starts a daemon, warms the model, sends CONCURRENCY requests at once, prints one row.
run() {
  local bin="$1" phase="$2" sock="$WORK/$phase-$RANDOM.sock" log="$WORK/$phase.log"
  local args=(--socket "$sock" --models models --memory-budget "$BUDGET" --log-level warning)
  # A build without the in-flight cap refuses the flag: run it without (the "before").
  if "$bin/inferd" --help 2>&1 | grep -q -- --max-in-flight-bytes; then args+=(--max-in-flight-bytes "$CAP"); fi
  # The 64 MiB default body limit fits both bodies.
  # A long in-flight wait needs the idle timeout off (it would close a connection still waiting).
  [ -n "${4:-}" ] && args+=(--idle-timeout 0)
  INFERD_IN_FLIGHT_WAIT="${4:-2s}" "$bin/inferd" "${args[@]}" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_ready "$sock" "$log"
  local base_kib; base_kib=$(kib_of "$pid" VmRSS)
  "$bin/inferctl" load "$MODEL" --socket "$sock" >/dev/null
  local headers=(-H "Content-Type: application/json")
  [ "$phase" = binary ] && headers=(-H "Content-Type: application/octet-stream" -H "Inference-Header-Content-Length: $(cat "$WORK/binary.header-length")")
  local codes="$WORK/$phase.codes"; : >"$codes"
  local started; started=$(date +%s.%N)
  for _ in $(seq 1 "$CONCURRENCY"); do
    curl -s --max-time "${MAX_TIME:-900}" -o /dev/null -w '%{http_code}\n' --unix-socket "$sock" "${headers[@]}" \
      --data-binary "@$WORK/$phase.body" "http://localhost/v2/models/$MODEL/infer" >>"$codes" &
  done
  wait $(jobs -p | grep -v "$pid") 2>/dev/null || true
  local seconds; seconds=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
  local peak_kib; peak_kib=$(kib_of "$pid" VmHWM)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local budget cap bound
  budget=$(bytes_of "$BUDGET"); cap=$(bytes_of "$CAP")
  bound=$((budget + base_kib * 1024 + cap))
  local answers; answers=$(sort "$codes" | uniq -c | awk '{printf "%s%s x %s", sep, $1, $2; sep=", "}')
  local verdict=under; [ $((peak_kib * 1024)) -gt "$bound" ] && verdict=OVER
  printf '| %s | %s | %s MiB | %s MiB | %s MiB | %s | %s | %s s |\n' "$3" "$phase" "$(mib $((base_kib * 1024)))" \
    "$(mib $((peak_kib * 1024)))" "$(mib "$bound")" "$verdict" "$answers" "$seconds"
}

echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bodies: JSON $(mib "$JSON_BYTES") MiB, binary $(mib "$BINARY_BYTES") MiB; $CONCURRENCY at once; budget $BUDGET, in-flight cap $CAP; model $MODEL"
echo
echo "| build | phase | base RSS | peak RSS (VmHWM) | budget + base + cap | peak vs bound | answers | wall |"
echo "|---|---|---|---|---|---|---|---|"
if [ -n "${BEFORE:-}" ]; then
  for phase in json binary; do run "$BEFORE" "$phase" before; done
fi
for phase in json binary; do run "$AFTER_BIN" "$phase" after; done
if [ -n "${WAIT:-}" ]; then
  for phase in json binary; do run "$AFTER_BIN" "$phase" "after, wait $WAIT" "$WAIT"; done
fi
