#!/usr/bin/env bash
# Throughput and latency under concurrency: Triton's stock perf_analyzer straight against inferd's Open
# Inference Protocol endpoint over TCP (no proxy: inferd answers /v2/models/{m}/config), at concurrency
# 1, 2, 4, 8 and 16, and OpenVINO's own benchmark_app on the same model file with the same threads and
# precision, in one run, once per performance hint; then the issue's target cells (the default latency
# hint at concurrency 1 and 8, the throughput hint at 8) again in ROUNDS pairs, benchmark_app right
# before perf_analyzer each round, with the ratio per round and its median (a shared host's speed
# drifts within minutes). A paired cell's peer is `benchmark_app -hint latency` at concurrency 1 and
# `-hint throughput` above (the engine's best at that load), whatever inferd's hint.
# Writes Markdown tables with the ratios to OUT_DIR/throughput.md and into docs/RESULTS.md between the
# throughput markers.
#
#   benchmarks/throughput.sh [OUT_DIR]                 # default bench-out/throughput
#   MODEL=squeezenet PRECISION=f32 THREADS=0 HINTS="latency throughput" benchmarks/throughput.sh
#   ROUNDS=5 PAIRED="latency:1 latency:8 throughput:8" benchmarks/throughput.sh   # the target cells, paired (default)
#
# The daemons log at info into OUT_DIR/daemon-HINT.log (loads, throughput companions built and released).
#
# perf_analyzer comes from `scripts/setup.sh perf` (tritonclient[all]==2.50.0 in .deps/perf), run here.
# Release build. The host is shared: every figure is a median of perf_analyzer's windows, and the
# load average is recorded beside them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
scripts/setup.sh perf

OUT="${1:-bench-out/throughput}"
MODEL="${MODEL:-efficientnet-lite0}"
PRECISION="${PRECISION:-f32}"
THREADS="${THREADS:-0}"
HINTS="${HINTS:-latency throughput}"
CONCURRENCY="${CONCURRENCY:-1 2 4 8 16}"
WINDOW_MS="${WINDOW_MS:-3000}"
BENCH_SECONDS="${BENCH_SECONDS:-10}"
SIDE="${SIDE:-224}"
# Target cells measured again in ROUNDS pairs (benchmark_app for PAIRED_SECONDS, then perf_analyzer).
PAIRED="${PAIRED:-latency:1 latency:8 throughput:8}"
ROUNDS="${ROUNDS:-5}"
PAIRED_SECONDS="${PAIRED_SECONDS:-5}"
mkdir -p "$OUT"
source benchmarks/lib.sh throughput

PERF="$ROOT/.deps/perf/bin/perf_analyzer"
BENCH=(env PYTHONPATH="$ROOT/.deps/openvino:$INFERD_PYTHONPATH" python3 "$ROOT/.deps/openvino/bin/benchmark_app")
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs"
PORT=$((20000 + RANDOM % 20000))

run_benchmark_app() {  # run_benchmark_app HINT: median latency (ms) and throughput (FPS), space-separated
  local args=(-m "models/$MODEL/model.onnx" -d CPU -hint "$1" -t "$BENCH_SECONDS" -infer_precision "$PRECISION")
  [ "$THREADS" -gt 0 ] && args+=(-nthreads "$THREADS")
  "${BENCH[@]}" "${args[@]}" >"$WORK/bench-$1.txt" 2>&1 || { cat "$WORK/bench-$1.txt" >&2; exit 1; }
  local median fps
  median="$(sed -n 's/.*Median: *\([0-9.]*\) ms.*/\1/p' "$WORK/bench-$1.txt" | head -1)"
  fps="$(sed -n 's/.*Throughput: *\([0-9.]*\) FPS.*/\1/p' "$WORK/bench-$1.txt" | head -1)"
  echo "$median $fps"
}

: >"$OUT/rows.txt"
: >"$OUT/paired.txt"
for hint in $HINTS; do
  echo "== benchmark_app -hint $hint" >&2
  read -r bench_median bench_fps < <(run_benchmark_app "$hint")
  echo "== inferd --performance-hint $hint, perf_analyzer" >&2
  "$BIN/inferd" --socket "$WORK/$hint.sock" --models models --threads "$THREADS" --precision "$PRECISION" \
    --performance-hint "$hint" --preload "$MODEL" --listen "tcp://127.0.0.1:$PORT" --log-level info \
    >"$OUT/daemon-$hint.log" 2>&1 &
  PIDS+=($!)
  wait_ready "$WORK/$hint.sock" "$OUT/daemon-$hint.log"
  input="$(curl -s "http://127.0.0.1:$PORT/v2/models/$MODEL/config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["input"][0]["name"])')"
  for c in $CONCURRENCY; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    "$PERF" -m "$MODEL" -u "127.0.0.1:$PORT" -i http --shape "$input:1,$SIDE,$SIDE,3" --concurrency-range "$c" \
      -p "$WINDOW_MS" --max-trials 8 --stability-percentage 25 -f "$WORK/perf-$hint-$c.csv" \
      >"$WORK/perf-$hint-$c.txt" 2>&1 || { echo "perf_analyzer failed (c=$c):" >&2; tail -20 "$WORK/perf-$hint-$c.txt" >&2; }
    python3 - "$WORK/perf-$hint-$c.csv" "$hint" "$c" "$bench_median" "$bench_fps" "$load" >>"$OUT/rows.txt" <<'PY'
import csv, sys
path, hint, c, median, fps, load = sys.argv[1:]
try:
    row = next(csv.DictReader(open(path)))
except (OSError, StopIteration):
    print(f"{hint}|{c}|failed|||||{median}|{fps}|{load}"); sys.exit()
ips = float(row["Inferences/Second"]); p50 = float(row["p50 latency"]) / 1000; p99 = float(row["p99 latency"]) / 1000
print(f"{hint}|{c}|{ips:.0f}|{p50:.2f}|{p99:.2f}|{ips / float(fps):.2f}|{p50 / float(median):.2f}|{median}|{fps}|{load}")
PY
  done
  # The target cells again, each round a benchmark_app run right before a perf_analyzer run: this
  # host's speed drifts by a third within minutes, so a peer measured minutes apart is no peer.
  for pair in $PAIRED; do
    [ "${pair%%:*}" = "$hint" ] || continue
    c="${pair#*:}"
    peer=throughput
    [ "$c" = 1 ] && peer=latency
    for round in $(seq 1 "$ROUNDS"); do
      read -r pm pf < <(BENCH_SECONDS="$PAIRED_SECONDS" run_benchmark_app "$peer")
      "$PERF" -m "$MODEL" -u "127.0.0.1:$PORT" -i http --shape "$input:1,$SIDE,$SIDE,3" --concurrency-range "$c" \
        -p "$WINDOW_MS" --max-trials 6 --stability-percentage 50 -f "$WORK/paired-$hint-$c-$round.csv" \
        >"$WORK/paired-$hint-$c-$round.txt" 2>&1 || true
      python3 - "$WORK/paired-$hint-$c-$round.csv" "$hint" "$c" "$round" "$pm" "$pf" "$peer" >>"$OUT/paired.txt" <<'PY'
import csv, sys
path, hint, c, rnd, median, fps, peer = sys.argv[1:]
try:
    row = next(csv.DictReader(open(path)))
except (OSError, StopIteration):
    sys.exit()
ips = float(row["Inferences/Second"]); p50 = float(row["p50 latency"]) / 1000; p99 = float(row["p99 latency"]) / 1000
print(f"{hint}|{c}|{rnd}|{ips:.0f}|{p50:.2f}|{p99:.2f}|{median}|{fps}|{peer}")
PY
    done
  done
  "$BIN/inferctl" models --socket "$WORK/$hint.sock" --json >"$OUT/models-$hint.json" || true
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" || true; unset 'PIDS[-1]'
done

{
  echo "Host: $CPU; load average at start of each cell in the last column (the machine is shared)."
  echo "Model $MODEL, precision $PRECISION, threads $THREADS (0 = all), ${SIDE}x${SIDE} UINT8 tensors over HTTP/TCP;"
  echo "perf_analyzer (tritonclient 2.50.0) windows of $WINDOW_MS ms; benchmark_app ${BENCH_SECONDS} s with the same hint."
  echo
  echo "| hint | concurrency | inferd infer/s | p50 ms | p99 ms | vs benchmark_app FPS | p50 vs benchmark_app median | benchmark_app median ms | benchmark_app FPS | load |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  awk -F'|' '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }' "$OUT/rows.txt"
  python3 - "$OUT/paired.txt" "$PAIRED_SECONDS" <<'PY'
import statistics, sys
rows = [line.strip().split("|") for line in open(sys.argv[1]) if line.strip()]
if not rows:
    sys.exit()
print()
print(f"The targets, paired: each round runs benchmark_app ({sys.argv[2]} s; `-hint latency` at concurrency 1, `-hint throughput`")
print("above) and then perf_analyzer, so both see the host at the same speed; the ratio is per round, and the median is over rounds.")
print()
print("| inferd hint | concurrency | round | inferd infer/s | p50 ms | p99 ms | benchmark_app hint | its median ms | its FPS | vs FPS | p50 vs median | target |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
groups = {}
for hint, c, rnd, ips, p50, p99, median, fps, peer in rows:
    ips, p50, p99, median, fps = map(float, (ips, p50, p99, median, fps))
    if c == "1":
        met = p50 <= 1.2 * median + 0.5 and p99 <= 2 * p50
        target = f"p50 <= {1.2 * median + 0.5:.2f} ms and p99/p50 {p99 / p50:.2f} <= 2: {'met' if met else 'not met'}"
    else:
        met = ips / fps >= 0.9
        target = f">= 0.9x: {'met' if met else 'not met'}"
    groups.setdefault((hint, c), []).append((ips / fps, p50 / median, met))
    print(f"| {hint} | {c} | {rnd} | {ips:.0f} | {p50:.2f} | {p99:.2f} | {peer} | {median:.2f} | {fps:.1f} | {ips / fps:.2f} | {p50 / median:.2f} | {target} |")
print()
for (hint, c), values in groups.items():
    fps = statistics.median(v[0] for v in values); lat = statistics.median(v[1] for v in values)
    print(f"- inferd {hint}, concurrency {c}: median over {len(values)} rounds {fps:.2f}x benchmark_app's FPS, p50 {lat:.2f}x its median; target met in {sum(v[2] for v in values)} of {len(values)}.")
PY
  python3 - "$OUT" "$MODEL" $HINTS <<'PY'
import json, sys
out, model, hints = sys.argv[1], sys.argv[2], sys.argv[3:]
print()
for hint in hints:
    try:
        summary = next(m for m in json.load(open(f"{out}/models-{hint}.json"))["models"] if m["name"] == model)
    except (OSError, StopIteration, ValueError):
        continue
    queue = summary.get("inference") or {}
    builds = open(f"{out}/daemon-{hint}.log").read().count("event=companion-built")
    released = [line.split("released: ", 1)[-1].strip() for line in open(f"{out}/daemon-{hint}.log") if "event=companion-released" in line]
    if queue.get("companion") is None:
        print(f"- inferd {hint}: no throughput companion (the model is compiled with the {summary.get('performance_hint')} hint); "
              f"{queue.get('inferences', 0)} inferences, at most {queue.get('peak_in_flight', 0)} at once.")
    else:
        print(f"- inferd {hint}: {builds} throughput companion(s) built, released {len(released)} time(s) ({', '.join(released) or '-'}); "
              f"{queue.get('companion_inferences', 0)} of {queue.get('inferences', 0)} inferences ran on a companion.")
PY
} >"$OUT/throughput.md"
cat "$OUT/throughput.md"

python3 - "$OUT/throughput.md" docs/RESULTS.md <<'PY'
import sys
table, results = open(sys.argv[1]).read(), sys.argv[2]
text = open(results).read()
begin, end = "<!-- throughput:begin -->", "<!-- throughput:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + begin + "\n" + table + end + rest.split(end, 1)[1]
    open(results, "w").write(text)
    print(f"updated {results}", file=sys.stderr)
else:
    print(f"{results} has no {begin} ... {end} markers: table left in {sys.argv[1]}", file=sys.stderr)
PY
