#!/usr/bin/env bash
# Classify throughput under concurrency through the Unix socket (issue #13's classify row): a release
# inferd, a 224x224 JPEG made from samples/chelsea.jpg, clients at CONCURRENCY on kept-open
# connections for SECONDS each (benchmarks/classify-load.py). Prints a Markdown table.
#
#   benchmarks/classify-load.sh                       # efficientnet-lite0, 1,2,4,32 clients, 10 s each
#   MODEL=squeezenet CONCURRENCY=1,8 SECONDS_EACH=20 HINT=throughput benchmarks/classify-load.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
MODEL="${MODEL:-efficientnet-lite0}"
CONCURRENCY="${CONCURRENCY:-1,2,4,32}"
SECONDS_EACH="${SECONDS_EACH:-10}"
HINT="${HINT:-latency}"
PRECISION="${PRECISION:-f32}"
source benchmarks/lib.sh classify-load

PYTHONPATH=.deps/python python3 -c '
import sys; from PIL import Image
image = Image.open("samples/chelsea.jpg").convert("RGB")
side = min(image.size); left, top = (image.width - side) // 2, (image.height - side) // 2
image.crop((left, top, left + side, top + side)).resize((224, 224), Image.BILINEAR).save(sys.argv[1], quality=90)
' "$WORK/224.jpg"

"$BIN/inferd" --socket "$WORK/inferd.sock" --models models --performance-hint "$HINT" --precision "$PRECISION" \
  --log-level error >"$WORK/inferd.log" 2>&1 &
PIDS+=($!)
wait_ready "$WORK/inferd.sock" "$WORK/inferd.log"
echo "classify load: $MODEL, hint $HINT, precision $PRECISION, 224x224 JPEG ($(stat -c %s "$WORK/224.jpg") bytes), ${SECONDS_EACH} s per row"
python3 benchmarks/classify-load.py --socket "$WORK/inferd.sock" --model "$MODEL" --image "$WORK/224.jpg" \
  --concurrency "$CONCURRENCY" --seconds "$SECONDS_EACH"
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
