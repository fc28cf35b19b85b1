#!/usr/bin/env bash
# Several warm models sharing the cores: one client sends 224x224 tensors to model A only, then
# alternates A, B (and C), one request at a time, and reports the median latency of A's requests in
# each pattern. A ratio above 1 is what alternating compiled models (each with its own OpenVINO
# thread pool) cost.
#
#   benchmarks/alternating.sh [OUT_DIR]          # default bench-out/alternating
#   MODELS=efficientnet-lite0,squeezenet,nin N=200 THREADS=0 PRECISION=f32 benchmarks/alternating.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
OUT="${1:-bench-out/alternating}"
MODELS="${MODELS:-efficientnet-lite0,squeezenet,nin}"
N="${N:-200}"
THREADS="${THREADS:-0}"
PRECISION="${PRECISION:-f32}"
mkdir -p "$OUT"
source benchmarks/lib.sh alternating
PORT=$((20000 + RANDOM % 20000))
"$BIN/inferd" --socket "$WORK/a.sock" --models models --threads "$THREADS" --precision "$PRECISION" \
  --preload "$MODELS" --listen "tcp://127.0.0.1:$PORT" --log-level warning >"$WORK/a.log" 2>&1 &
PIDS+=($!)
wait_ready "$WORK/a.sock" "$WORK/a.log"
python3 - "$PORT" "$MODELS" "$N" <<'PY' | tee "$OUT/alternating.md"
import http.client, json, statistics, subprocess, sys, time
port, models, n = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
side = 224
pixels = bytes((i * 7) % 256 for i in range(side * side * 3))
header = json.dumps({"inputs": [{"name": "input", "shape": [1, side, side, 3], "datatype": "UINT8",
                                 "parameters": {"binary_data_size": len(pixels)}}]}).encode()
connection = http.client.HTTPConnection("127.0.0.1", port)
def infer(model):
    started = time.perf_counter()
    connection.request("POST", f"/v2/models/{model}/infer", body=header + pixels,
                       headers={"Inference-Header-Content-Length": str(len(header)), "Content-Type": "application/octet-stream"})
    response = connection.getresponse(); response.read()
    assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000
def pattern(sequence):
    for model in sequence * 5: infer(model)  # warm-up
    times = {m: [] for m in sequence}
    for _ in range(n):
        for model in sequence: times[model].append(infer(model))
    return {m: statistics.median(t) for m, t in times.items()}
cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
cpu = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("Model name")), "?")
with open("/proc/loadavg") as f: load = f.read().split()[0]
print(f"Host: {cpu}; load average {load} at start; {n} rounds; medians of each model's end-to-end latency (ms), one client, 224x224 tensors over TCP.")
print()
print("| pattern | " + " | ".join(models) + " |")
print("|---|" + "---|" * len(models))
alone = {m: pattern([m])[m] for m in models}
print("| each alone | " + " | ".join(f"{alone[m]:.2f}" for m in models) + " |")
for k in range(2, len(models) + 1):
    mixed = pattern(models[:k])
    print(f"| alternating {k} | " + " | ".join(f"{mixed[m]:.2f} ({mixed[m] / alone[m]:.2f}x)" if m in mixed else "" for m in models) + " |")
PY
