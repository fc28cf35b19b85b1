#!/usr/bin/env bash
# Parallel cold loads: pairs of models loaded one after the other against both at once, by the same
# daemon (lifecycle.parallel_loads, default 2), after each model's first load has measured its
# footprint (a first load always runs alone). Each round unloads everything, then loads the pair in
# one order or the other way, interleaved; medians of ROUNDS. Once without a compiled-model cache and
# once with one (filled by the first pass). Prints a Markdown table.
#
#   benchmarks/parallel-loads.sh [OUT_DIR]       # default bench-out/parallel-loads
#   PAIRS="alexnet+efficientnet-lite0 squeezenet+nin" ROUNDS=7 PARALLEL_LOADS=2 benchmarks/parallel-loads.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
OUT="${1:-bench-out/parallel-loads}"
PAIRS="${PAIRS:-alexnet+efficientnet-lite0 squeezenet+nin}"
ROUNDS="${ROUNDS:-7}"
PARALLEL_LOADS="${PARALLEL_LOADS:-2}"
PRECISION="${PRECISION:-f32}"
mkdir -p "$OUT"
source benchmarks/lib.sh parallel-loads
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs"
: >"$OUT/rows.txt"
for cache in none "$WORK/cache"; do
  sock="$WORK/$(basename "$cache").sock"
  INFERD_PARALLEL_LOADS="$PARALLEL_LOADS" "$BIN/inferd" --socket "$sock" --models models --precision "$PRECISION" \
    --cache-dir "$([ "$cache" = none ] && echo "" || echo "$cache")" --memory-budget 8G --adaptive-streams off \
    --log-level info >"$OUT/daemon-$(basename "$cache").log" 2>&1 &
  PIDS+=($!)
  wait_ready "$sock" "$OUT/daemon-$(basename "$cache").log"
  python3 - "$sock" "$(basename "$cache")" "$ROUNDS" $PAIRS >>"$OUT/rows.txt" <<'PY'
import json, statistics, sys, threading, time
sys.path.insert(0, "benchmarks")
from unix_http import UnixConnection
sock, cache, rounds, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3]), [p.split("+") for p in sys.argv[4:]]

def call(method, path):
    conn = UnixConnection(sock, timeout=600)
    conn.request(method, path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {body[:300]!r}")
    return json.loads(body) if body else None

def summaries():
    return {m["name"]: m for m in call("GET", "/v1/models")["models"]}

models = sorted({m for pair in pairs for m in pair})
for model in models:                       # first loads: alone, and they start the footprint measurements
    call("POST", f"/v1/models/{model}/load")
deadline = time.time() + 600
while any(summaries()[m]["footprint_bytes"] is None for m in models):
    if time.time() > deadline:
        raise SystemExit("footprints not measured within 600 s")
    time.sleep(0.5)

def unload_all():
    for model in models:
        call("POST", f"/v1/models/{model}/unload")

def load_pair(pair, together):
    start = time.perf_counter()
    if together:
        threads = [threading.Thread(target=call, args=("POST", f"/v1/models/{m}/load")) for m in pair]
        for t in threads: t.start()
        for t in threads: t.join()
    else:
        for m in pair: call("POST", f"/v1/models/{m}/load")
    return (time.perf_counter() - start) * 1000

for pair in pairs:
    times = {False: [], True: []}
    for r in range(rounds):
        for together in ((False, True) if r % 2 == 0 else (True, False)):
            unload_all()
            times[together].append(load_pair(pair, together))
    serial, parallel = statistics.median(times[False]), statistics.median(times[True])
    print(f"{'+'.join(pair)}|{cache}|{serial:.1f}|{parallel:.1f}|{parallel / serial:.2f}")
PY
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" || true; unset 'PIDS[-1]'
done
{
  echo "Host: $CPU; lifecycle.parallel_loads $PARALLEL_LOADS; precision $PRECISION; medians of $ROUNDS rounds each way,"
  echo "interleaved; a load is read + compile (or cache import) + one warm-up inference, timed by the client."
  echo
  echo "| pair | cache | one after the other, ms | both at once, ms | ratio |"
  echo "|---|---|---|---|---|"
  awk -F'|' '{ printf "| %s | %s | %s | %s | %s |\n", $1, ($2 == "none" ? "none" : "inferd'"'"'s"), $3, $4, $5 }' "$OUT/rows.txt"
  echo
  grep -h "size-sample-skipped" "$OUT"/daemon-*.log | wc -l | xargs -I{} echo "Size samples skipped because a load ran beside another: {}."
} | tee "$OUT/parallel-loads.md"
