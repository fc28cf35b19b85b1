#!/usr/bin/env bash
# The simulator against the live daemon: one seeded trace the tests have not seen, replayed for real
# (`inferctl replay`, real models) and simulated (`inferctl simulate`) with the same sizes, budget,
# policy, speed and concurrency, at replay concurrency 1 and 4, with file sizes (`--size-accounting
# file`: file x 1.5) and with measured sizes. Prints loads, cold answers and warm answers live and
# simulated, and the gap of each (|simulated - live| / live).
#
#   benchmarks/replay-vs-simulate.sh [OUT_DIR]     # OUT_DIR keeps the trace, profiles and JSON
#   SEED=23 DURATION=120 RATE=4 SPEED=2 ZIPF=0.8 MODELS=squeezenet,nin,efficientnet-lite0 benchmarks/replay-vs-simulate.sh
#   BIN=.build/debug benchmarks/replay-vs-simulate.sh   # use these binaries (counts, not times, are compared)
#
# Sizes and costs for the simulator: `inferctl bench --profile-out` on a daemon of its own (cold and
# warm cells with samples/coffee.jpg) gives each model's measured size, load ms and compute ms; the
# file-size runs charge file x 1.5 as the daemon does. The budget holds the two larger models but not
# all three (the larger two plus half the smallest), so the policy decides on most loads. Each replay
# gets a fresh daemon (policy lru, churn guard off, the default recent window). Builds release under
# nice unless BIN is given. Needs scripts/setup.sh done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

OUT="${1:-}"
MODELS="${MODELS:-squeezenet,nin,efficientnet-lite0}"
SEED="${SEED:-23}"
DURATION="${DURATION:-120}"
RATE="${RATE:-4}"
SPEED="${SPEED:-2}"
ZIPF="${ZIPF:-0.8}"
IMAGE="${IMAGE:-samples/coffee.jpg}"

if [ -z "${BIN:-}" ]; then
  nice -n 19 swift build -c release --product inferd >&2
  nice -n 19 swift build -c release --product inferctl >&2
  BIN="$(swift build -c release --show-bin-path)"
fi
source benchmarks/lib.sh replay-vs-simulate
[ -z "$OUT" ] || mkdir -p "$OUT"

start_daemon() {  # start_daemon NAME ARGS...: a fresh daemon on $WORK/NAME.sock; sets DAEMON_PID
  local name="$1"; shift
  "$BIN/inferd" --socket "$WORK/$name.sock" --models models --log-level warning "$@" >"$WORK/$name.log" 2>&1 &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  wait_ready "$WORK/$name.sock" "$WORK/$name.log"
}
stop_daemon() { kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; }

echo "replay-vs-simulate: host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The trace: a seed no test uses.
"$BIN/inferctl" trace generate --models "$MODELS" --popularity "zipf:$ZIPF" --arrivals "poisson:$RATE" \
  --duration "$DURATION" --seed "$SEED" --output "$WORK/trace.csv"

# Costs: measured sizes, load and compute times from bench on a daemon with room for every model.
start_daemon profile
"$BIN/inferctl" bench --socket "$WORK/profile.sock" --models "$MODELS" --images "$IMAGE" --modes cold,warm \
  --repeat 3 --warmup 1 --top 1 --profile-out "$WORK/profile-measured.json" >"$WORK/bench.txt"
stop_daemon
# File sizes: the charge of --size-accounting file (file x 1.5, as the catalog counts the file).
python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
profile = json.load(open(f"{work}/profile-measured.json"))
for name, costs in profile["models"].items():
    manifest = json.load(open(f"models/{name}/manifest.json"))
    path = os.path.join("models", name, manifest["file"])
    size = os.path.getsize(path)
    if path.endswith(".xml"):
        size += os.path.getsize(path[:-4] + ".bin")
    costs["bytes"] = int(size * 1.5)
json.dump(profile, open(f"{work}/profile-file.json", "w"), indent=1)
PY

budget_of() {  # budget_of PROFILE: the two larger models plus half the smallest
  python3 -c 'import json,sys; s=sorted(c["bytes"] for c in json.load(open(sys.argv[1]))["models"].values()); print(s[-1]+s[-2]+s[0]//2)' "$1"
}

: >"$WORK/rows.txt"
for accounting in file measured; do
  profile="$WORK/profile-$accounting.json"
  budget="$(budget_of "$profile")"
  for concurrency in 1 4; do
    run="$accounting-c$concurrency"
    start_daemon "$run" --memory-budget "$budget" --policy lru --min-residency 0 --size-accounting "$accounting"
    "$BIN/inferctl" replay "$WORK/trace.csv" --socket "$WORK/$run.sock" --speed "$SPEED" --concurrency "$concurrency" \
      --image "$IMAGE" --log "$WORK/$run-log.csv" --json >"$WORK/$run-live.json" || true
    "$BIN/inferctl" models --socket "$WORK/$run.sock" --json >"$WORK/$run-models.json"
    stop_daemon
    "$BIN/inferctl" simulate "$WORK/trace.csv" --profile "$profile" --budgets "$budget" --policies lru --min-residency 0 \
      --speed "$SPEED" --concurrency "$concurrency" --json >"$WORK/$run-simulated.json"
    echo "$accounting $concurrency $budget" >>"$WORK/rows.txt"
  done
done

python3 - "$WORK" "$SEED" "$DURATION" "$RATE" "$SPEED" "$ZIPF" "$MODELS" <<'PY'
import json, sys
work, seed, duration, rate, speed, zipf, models = sys.argv[1:]
print(f"trace: {models}, zipf {zipf}, poisson {rate}/s over {duration} s, seed {seed}; replayed at speed {speed}; policy lru")
profile = json.load(open(f"{work}/profile-measured.json"))["models"]
print("costs (bench): " + ", ".join(f"{n} {c['bytes'] / 1048576:.1f} MiB measured, load {c['load_ms']:.0f} ms, compute {c['compute_ms']:.1f} ms"
                                  for n, c in sorted(profile.items())))
header = f"{'sizes':9} {'conc':>4} {'budget':>10} | {'live L/C/W':>16} | {'sim L/C/W':>16} | {'gap loads':>9} {'gap cold':>9} {'gap warm':>9} | errors"
print(header)
print("-" * len(header))
worst = 0.0
for row in open(f"{work}/rows.txt"):
    accounting, concurrency, budget = row.split()
    run = f"{accounting}-c{concurrency}"
    live = json.load(open(f"{work}/{run}-live.json"))
    sim = json.load(open(f"{work}/{run}-simulated.json"))["results"][0]
    gaps = []
    for key in ("loads", "cold_answers", "warm_answers"):
        gaps.append(abs(sim[key] - live[key]) / max(live[key], 1) * 100)
    worst = max(worst, *gaps)
    l = f"{live['loads']}/{live['cold_answers']}/{live['warm_answers']}"
    s = f"{sim['loads']}/{sim['cold_answers']}/{sim['warm_answers']}"
    print(f"{accounting:9} {concurrency:>4} {int(budget) / 1048576:>6.1f} MiB | {l:>16} | {s:>16} | "
          + " ".join(f"{g:>8.1f}%" for g in gaps) + f" | {live['errors']}")
    listed = json.load(open(f"{work}/{run}-models.json"))
    listed = listed["models"] if isinstance(listed, dict) else listed
    charged = {m["name"]: m["bytes"] for m in listed if m.get("state") == "warm"}
    costs = json.load(open(f"{work}/profile-{accounting}.json"))["models"]
    print(f"{'':9}      charged at the end: " + ", ".join(f"{n} {b / 1048576:.1f} MiB (simulated {costs[n]['bytes'] / 1048576:.1f})" for n, b in sorted(charged.items())))
print(f"largest gap {worst:.1f} % ({'under' if worst < 10 else 'NOT under'} 10 %)")
PY
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[ -z "$OUT" ] || cp "$WORK"/*.json "$WORK"/*.csv "$WORK/bench.txt" "$OUT"/
