#!/usr/bin/env bash
# inferd against the runtime it wraps and a peer, side by side in one run, with the issue's targets:
#   inferd warm end to end through the socket  vs  raw OpenVINO compute in process (no IPC)
#   inferd cold load                            vs  raw read + compile
#   cold load with the compiled-model cache     vs  without, and vs OpenVINO's own cache path
#                                                   (CACHE_DIR, compile_model(path) in a fresh Core)
#   onnxruntime (Python) on the same ONNX files, same input shape and thread count
#   decode + rescale of a 2160x3840 JPEG with DCT scaling vs a full decode + resize
#
#   benchmarks/compare.sh [OUT_DIR]      # default bench-out/compare
#   REPEAT=10 PRECISION=f32 THREADS=2 benchmarks/compare.sh
#
# Release build (measurements), the prepared models and samples (scripts/setup.sh). Prints a Markdown
# table and the targets (met or not) and leaves every JSON in OUT_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

OUT="${1:-bench-out/compare}"
REPEAT="${REPEAT:-5}"
PRECISION="${PRECISION:-auto}"
THREADS="${THREADS:-0}"                      # 0 = all cores, as the daemon's default
ORT_THREADS="${ORT_THREADS:-$(nproc)}"
ORT_RUNS="${ORT_RUNS:-50}"
MODELS="${MODELS:-$(ls models | paste -sd, -)}"
mkdir -p "$OUT"

source benchmarks/lib.sh compare

start_daemon() {  # start_daemon NAME [extra inferd args…]: waits until ready
  local name="$1"; shift
  "$BIN/inferd" --socket "$WORK/$name.sock" --models models --threads "$THREADS" --precision "$PRECISION" \
    --log-level warning "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$WORK/$name.sock" "$WORK/$name.log"
}
stop_daemon() { kill "${PIDS[-1]}"; wait "${PIDS[-1]}" || true; unset 'PIDS[-1]'; }

PYTHONPATH="$INFERD_PYTHONPATH" python3 benchmarks/compare.py image samples/chelsea.jpg "$WORK/chelsea-224.jpg" 224

echo "== inferd: warm and cold (no cache), 224x224 JPEG" >&2
start_daemon plain
"$BIN/inferctl" bench --socket "$WORK/plain.sock" --models "$MODELS" --images "$WORK/chelsea-224.jpg" \
  --modes warm,cold --repeat "$REPEAT" --warmup 3 --json >"$OUT/daemon.json"
stop_daemon

echo "== inferd: cold with the compiled-model cache (filled by a first pass)" >&2
start_daemon cached --cache-dir "$WORK/cache"
"$BIN/inferctl" bench --socket "$WORK/cached.sock" --models "$MODELS" --images "$WORK/chelsea-224.jpg" \
  --modes cold --repeat 1 --json >/dev/null
"$BIN/inferctl" bench --socket "$WORK/cached.sock" --models "$MODELS" --images "$WORK/chelsea-224.jpg" \
  --modes cold --repeat "$REPEAT" --json >"$OUT/cache.json"
stop_daemon

echo "== raw OpenVINO in process" >&2
"$BIN/inferctl" bench --raw-runtime --models "$MODELS" --groups 2160x3840 --repeat "$REPEAT" \
  --threads "$THREADS" --precision "$PRECISION" --json >"$OUT/raw.json"

echo "== OpenVINO's own cache path (CACHE_DIR + compile_model(path) + first inference, fresh processes)" >&2
PYTHONPATH="$ROOT/.deps/openvino:$INFERD_PYTHONPATH" python3 benchmarks/compare.py ovcache models "$THREADS" "$PRECISION" "$REPEAT" \
  >"$OUT/ovcache.json"

echo "== onnxruntime" >&2
PYTHONPATH="$INFERD_PYTHONPATH" python3 benchmarks/compare.py ort models "$ORT_THREADS" "$ORT_RUNS" >"$OUT/ort.json"

PYTHONPATH="$INFERD_PYTHONPATH" python3 benchmarks/compare.py summarize "$OUT" | tee "$OUT/summary.md"
