#!/usr/bin/env bash
# One client, inferd against the engine itself, interleaved (benchmarks/one-client.py): where a single
# client's time goes — OpenVINO's compute in the daemon against the same compute in raw OpenVINO, and
# the daemon and transport around it. Finer than throughput.sh's paired rounds (benchmark_app runs
# back to back; a client cannot), so it shows effects of a few percent.
#
#   benchmarks/one-client.sh [OUT_DIR]                # default bench-out/one-client
#   MODELS="efficientnet-lite0 squeezenet" SECONDS_EACH=60 RUNS=2 PRECISION=f32 PAUSE_MS=0.3 benchmarks/one-client.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
OUT="${1:-bench-out/one-client}"
MODELS="${MODELS:-efficientnet-lite0}"
SECONDS_EACH="${SECONDS_EACH:-60}"
RUNS="${RUNS:-2}"
PRECISION="${PRECISION:-f32}"
PAUSE_MS="${PAUSE_MS:-0.3}"
mkdir -p "$OUT"
source benchmarks/lib.sh one-client
PORT=$((20000 + RANDOM % 20000))
"$BIN/inferd" --socket "$WORK/a.sock" --models models --precision "$PRECISION" --performance-hint latency \
  --preload "${MODELS// /,}" --listen "tcp://127.0.0.1:$PORT" --log-level warning >"$WORK/a.log" 2>&1 &
PIDS+=($!)
wait_ready "$WORK/a.sock" "$WORK/a.log"
{
  echo "Host: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Blocks of 10 inferences alternate between raw OpenVINO (model.onnx, latency hint, ${PAUSE_MS} ms pause after each)"
  echo "and inferd's /v2 infer over TCP (224x224 UINT8 binary tensor, binary output) from one Python client, ${SECONDS_EACH} s a run."
  echo
  echo "| model | precision | raw pause ms | inferd requests | raw p50 ms | raw mean ms | inferd p50 ms | inferd p99 ms | p50 vs raw | inferd server request mean ms | inferd compute mean ms | compute vs raw mean | same body, 404, p50 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for model in $MODELS; do
    for _ in $(seq 1 "$RUNS"); do
      PYTHONPATH="$ROOT/.deps/openvino:$INFERD_PYTHONPATH" python3 benchmarks/one-client.py "$PORT" "$SECONDS_EACH" "$model" "$PRECISION" "$PAUSE_MS"
    done
  done
} | tee "$OUT/one-client.md"
