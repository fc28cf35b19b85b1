#!/usr/bin/env bash
# The paper's study on this host in one run: Table III (device cold / warm / in-process / fresh
# daemon, and the cloud), Fig. 4 (breakdown per model), Fig. 5 (rescale against image size), the
# resize rule over the local socket and over a Wi-Fi-like link, and Table IV's counterpart (faults,
# memory growth) — each beside the paper's own figures (benchmarks/paper/reference.json). The load
# average at the start and end goes to REPORT_DIR/load.txt.
#
#   benchmarks/study.sh [REPORT_DIR]          # default docs/bench-report
#   REPEAT=2 WARMUP=2 MODELS=alexnet,nin,squeezenet,efficientnet-lite0 DELAY_MS=20 RATE_MBIT=20 benchmarks/study.sh
#
# The "device" is a release inferd on a Unix socket. The "cloud" is a second release inferd
# listening on loopback TCP, reached through scripts/tests/link_emulator.py (DELAY_MS each way,
# RATE_MBIT each direction), so its upload column is a network, not a socket. Both share this host's
# cores; cells run one at a time, so they do not compete. Needs scripts/setup.sh done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

REPORT="${1:-docs/bench-report}"
REPEAT="${REPEAT:-2}"
WARMUP="${WARMUP:-2}"
MODELS="${MODELS:-alexnet,nin,squeezenet,efficientnet-lite0}"
DELAY_MS="${DELAY_MS:-20}"
RATE_MBIT="${RATE_MBIT:-20}"

source benchmarks/lib.sh study

"$BIN/inferd" --socket "$WORK/device.sock" --models models --log-level warning >"$WORK/device.log" 2>&1 &
PIDS+=($!)
"$BIN/inferd" --socket "$WORK/cloud.sock" --models models --listen tcp://127.0.0.1:0 --log-level warning >"$WORK/cloud.log" 2>&1 &
PIDS+=($!)
wait_ready "$WORK/device.sock" "$WORK/device.log"
wait_ready "$WORK/cloud.sock" "$WORK/cloud.log"
CLOUD="$("$BIN/inferctl" status --socket "$WORK/cloud.sock" --json | python3 -c 'import json,sys; print([l for l in json.load(sys.stdin)["listeners"] if l.startswith("tcp://")][0][6:])')"

# The link: the emulator runs while its standard input stays open. A FIFO held open by this script
# on fd 3 is that input, so the emulator ends with the script whatever happens to it.
mkfifo "$WORK/link.in"
exec 3<>"$WORK/link.in"
# --max-seconds: the emulator's own stop (30 min by default, for tests) would cut a long study short.
python3 scripts/tests/link_emulator.py --target "$CLOUD" --listen 127.0.0.1:0 --max-seconds 86400 \
  --delay-ms "$DELAY_MS" --rate-mbit "$RATE_MBIT" <"$WORK/link.in" >"$WORK/link.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^listening ' "$WORK/link.out" && break; sleep 0.1; done
LINK="$(sed -n 's/^listening //p' "$WORK/link.out" | head -1)"
[ -n "$LINK" ] || { echo "study: the link emulator did not start:" >&2; cat "$WORK/link.out" >&2; exit 1; }
echo "study: device $WORK/device.sock; cloud $CLOUD behind a ${DELAY_MS} ms / ${RATE_MBIT} Mbit/s link at $LINK" >&2

mkdir -p "$REPORT"
echo "start $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)" >"$REPORT/load.txt"
# --paper: the paper's own figures (benchmarks/paper/reference.json, copied from its text) beside ours.
"$BIN/inferctl" bench --socket "$WORK/device.sock" --models "$MODELS" \
  --modes cold,warm,in-process,daemon-cold-start --cloud "http://$LINK" --resize both \
  --repeat "$REPEAT" --warmup "$WARMUP" --report "$REPORT" --profile-out "$REPORT/profile.json" \
  --paper benchmarks/paper/reference.json
echo "end   $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)" >>"$REPORT/load.txt"

# Every chart of the report also as its own file (fig-1.svg, …), for docs/RESULTS.md.
python3 - "$REPORT" <<'PY'
import re, sys
report = sys.argv[1]
html = open(f"{report}/index.html", encoding="utf-8").read()
for i, svg in enumerate(re.findall(r"<svg\b.*?</svg>", html, flags=re.S), start=1):
    with open(f"{report}/fig-{i}.svg", "w", encoding="utf-8") as out:
        out.write(svg + "\n")
    print(f"{report}/fig-{i}.svg", file=sys.stderr)
PY
