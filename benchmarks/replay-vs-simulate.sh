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
# Each run is simulated twice:
# - "profile": the costs known before the replay. `inferctl bench --profile-out` on a daemon of its
#   own (cold and warm cells with samples/coffee.jpg) gives each model's load ms and compute ms; the
#   sizes are what a daemon with the run's own settings charges (`inferctl models --json`): file x 1.5
#   for the file-size runs; for measured sizes each model's footprint, measured once in a separate
#   process and kept in the compiled-model cache all daemons of the run share (docs/LIFECYCLE.md).
#   This is the simulator as a predictor: its gap includes how far the profile is from the replay.
# - "replayed": the costs the replay daemon itself paid, read from it after the replay: each model's
#   charge (`inferctl models --json`), its mean load
#   (`inferd_model_load_seconds`) and its mean decode + compute per request (the time a request holds
#   a compute thread, `inferd_request_{decode,compute}_seconds`). This is the simulator as a model of
#   the daemon: same costs, so the gap is what the simulator gets wrong about policy and concurrency.
# The budget holds the two larger models but not all three (the larger two plus half the smallest),
# so the policy decides on most loads. Each replay gets a fresh daemon (policy lru, churn guard off,
# the default recent window). Builds release under nice unless BIN is given. Needs scripts/setup.sh done.
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
  # One compiled-model cache for every daemon of the run: blobs, precision decisions and footprints.
  "$BIN/inferd" --socket "$WORK/$name.sock" --models models --cache-dir "$WORK/cache" --log-level warning "$@" >"$WORK/$name.log" 2>&1 &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  wait_ready "$WORK/$name.sock" "$WORK/$name.log"
}
stop_daemon() { kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; }

echo "replay-vs-simulate: host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The trace: a seed no test uses.
"$BIN/inferctl" trace generate --models "$MODELS" --popularity "zipf:$ZIPF" --arrivals "poisson:$RATE" \
  --duration "$DURATION" --seed "$SEED" --output "$WORK/trace.csv"

# settle SOCKET: loads each model once, one at a time, then unloads them all, so every replay starts
# from the same state: each model's blob cached and in the page cache, its footprint known.
settle() {
  for model in ${MODELS//,/ }; do "$BIN/inferctl" load "$model" --socket "$1" >/dev/null; done
  for model in ${MODELS//,/ }; do "$BIN/inferctl" unload "$model" --socket "$1" >/dev/null 2>&1 || true; done
}

# wait_footprints SOCKET: until the daemon shows every model's footprint (measured in a separate
# process after its first load; seconds at most).
wait_footprints() {
  for _ in $(seq 600); do
    "$BIN/inferctl" models --socket "$1" --json | python3 -c '
import json, sys
listed = json.load(sys.stdin)["models"]
wanted = set(sys.argv[1].split(","))
sys.exit(0 if all(m["footprint_bytes"] for m in listed if m["name"] in wanted) else 1)' "$MODELS" && return 0
    sleep 0.2
  done
  echo "replay-vs-simulate: footprints not measured within 120 s; see $WORK" >&2
  return 1
}

# Sizes: what a daemon with the run's settings charges for each model (file accounting: file x 1.5
# without measuring; measured: its footprint).
for accounting in file measured; do
  start_daemon "charges-$accounting" --policy lru --min-residency 0 --size-accounting "$accounting"
  settle "$WORK/charges-$accounting.sock"
  [ "$accounting" = file ] || wait_footprints "$WORK/charges-$accounting.sock"
  "$BIN/inferctl" models --socket "$WORK/charges-$accounting.sock" --json >"$WORK/charges-$accounting.json"
  stop_daemon
done

# Load and compute times from bench on a daemon with room for every model, once the cache holds every
# model's blob (as it does for the replays: their cold loads import it).
start_daemon profile
"$BIN/inferctl" bench --socket "$WORK/profile.sock" --models "$MODELS" --images "$IMAGE" --modes cold,warm \
  --repeat 3 --warmup 1 --top 1 --profile-out "$WORK/profile-measured.json" >"$WORK/bench.txt"
stop_daemon
mv "$WORK/profile-measured.json" "$WORK/profile-bench.json"
for accounting in file measured; do
  python3 - "$WORK" "$accounting" <<'PY'
import json, sys
work, accounting = sys.argv[1:]
profile = json.load(open(f"{work}/profile-bench.json"))
listed = json.load(open(f"{work}/charges-{accounting}.json"))["models"]
charges = {m["name"]: m["bytes"] for m in listed}
for name, costs in profile["models"].items():
    costs["bytes"] = charges[name]
json.dump(profile, open(f"{work}/profile-{accounting}.json", "w"), indent=1)
PY
done

# replayed_profile RUN: the costs the replay daemon of RUN paid (its charges, mean load, mean decode +
# compute), from `inferctl models --json` and /metrics saved after the replay.
replayed_profile() {
  python3 - "$WORK" "$1" <<'PY'
import json, re, sys
from collections import defaultdict
work, run = sys.argv[1:]
listed = json.load(open(f"{work}/{run}-models.json"))["models"]
sums = defaultdict(float)
for line in open(f"{work}/{run}-metrics.txt"):
    m = re.match(r'(inferd_model_load_seconds|inferd_request_decode_seconds|inferd_request_compute_seconds)_(sum|count)\{model="([^"]+)"\} (\S+)', line)
    if m:
        sums[(m.group(1), m.group(2), m.group(3))] += float(m.group(4))
def mean_ms(family, model):
    count = sums[(family, "count", model)]
    return sums[(family, "sum", model)] / count * 1000 if count else 0.0
bench = json.load(open(f"{work}/profile-bench.json"))["models"]
models = {}
for m in listed:
    name = m["name"]
    if name not in bench:
        continue
    load = mean_ms("inferd_model_load_seconds", name) or bench[name]["load_ms"]
    serve = mean_ms("inferd_request_decode_seconds", name) + mean_ms("inferd_request_compute_seconds", name)
    models[name] = {"bytes": m["bytes"], "load_ms": load, "compute_ms": serve or bench[name]["compute_ms"]}
json.dump({"models": models}, open(f"{work}/{run}-replayed.json", "w"), indent=1)
PY
}

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
    settle "$WORK/$run.sock"
    "$BIN/inferctl" replay "$WORK/trace.csv" --socket "$WORK/$run.sock" --speed "$SPEED" --concurrency "$concurrency" \
      --image "$IMAGE" --log "$WORK/$run-log.csv" --json >"$WORK/$run-live.json" || true
    "$BIN/inferctl" models --socket "$WORK/$run.sock" --json >"$WORK/$run-models.json"
    curl -s --unix-socket "$WORK/$run.sock" http://inferd/metrics >"$WORK/$run-metrics.txt"
    stop_daemon
    replayed_profile "$run"
    for costs in profile replayed; do
      source_profile="$profile"; [ "$costs" = profile ] || source_profile="$WORK/$run-replayed.json"
      "$BIN/inferctl" simulate "$WORK/trace.csv" --profile "$source_profile" --budgets "$budget" --policies lru --min-residency 0 \
        --speed "$SPEED" --concurrency "$concurrency" --json >"$WORK/$run-simulated-$costs.json"
    done
    echo "$accounting $concurrency $budget" >>"$WORK/rows.txt"
  done
done

python3 - "$WORK" "$SEED" "$DURATION" "$RATE" "$SPEED" "$ZIPF" "$MODELS" <<'PY'
import json, sys
work, seed, duration, rate, speed, zipf, models = sys.argv[1:]
print(f"trace: {models}, zipf {zipf}, poisson {rate}/s over {duration} s, seed {seed}; replayed at speed {speed}; policy lru")
def costs_line(profile):
    return ", ".join(f"{n} {c['bytes'] / 1048576:.1f} MiB, load {c['load_ms']:.0f} ms, serve {c['compute_ms']:.1f} ms"
                     for n, c in sorted(profile.items()))
for accounting in ("file", "measured"):
    print(f"profile costs, {accounting} sizes: " + costs_line(json.load(open(f"{work}/profile-{accounting}.json"))["models"]))
header = (f"{'sizes':8} {'conc':>4} {'budget':>10} | {'live L/C/W':>14} | {'costs':8} | {'sim L/C/W':>14} | "
          f"{'gap loads':>9} {'gap cold':>9} {'gap warm':>9} | errors")
print(header)
print("-" * len(header))
worst = {"profile": 0.0, "replayed": 0.0}
for row in open(f"{work}/rows.txt"):
    accounting, concurrency, budget = row.split()
    run = f"{accounting}-c{concurrency}"
    live = json.load(open(f"{work}/{run}-live.json"))
    l = f"{live['loads']}/{live['cold_answers']}/{live['warm_answers']}"
    for costs in ("profile", "replayed"):
        sim = json.load(open(f"{work}/{run}-simulated-{costs}.json"))["results"][0]
        gaps = [abs(sim[key] - live[key]) / max(live[key], 1) * 100 for key in ("loads", "cold_answers", "warm_answers")]
        worst[costs] = max(worst[costs], *gaps)
        s = f"{sim['loads']}/{sim['cold_answers']}/{sim['warm_answers']}"
        print(f"{accounting:8} {concurrency:>4} {int(budget) / 1048576:>6.1f} MiB | {l:>14} | {costs:8} | {s:>14} | "
              + " ".join(f"{g:>8.1f}%" for g in gaps) + f" | {live['errors']}")
    print(f"{'':8}      replayed costs: " + costs_line(json.load(open(f"{work}/{run}-replayed.json"))["models"]))
for costs, gap in worst.items():
    print(f"largest gap with the {costs} costs: {gap:.1f} % ({'under' if gap < 10 else 'NOT under'} 10 %)")
PY
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[ -z "$OUT" ] || cp "$WORK"/*.json "$WORK"/*.csv "$WORK/bench.txt" "$OUT"/
