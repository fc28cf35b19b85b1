#!/usr/bin/env bash
# How fast `inferctl simulate` studies a policy, beside libCacheSim on the same trace:
#   (a) one million requests (8 models, Zipf 1.0, Poisson 50/s, seed 3), five policies
#       (lru, lfu, gdsf, ttl:300, oracle) at one budget (300 MiB), reading the CSV included;
#   (b) the default sweep: 7 policies x 8 budgets on the same trace.
# Wall and CPU seconds (user + sys) of each run, medians of REPEAT runs, with the host CPU and the load
# average; the peer is libCacheSim 0.3.5 (Python package, C core, `.deps/python-policy` from
# scripts/setup.sh) reading the same requests from CSV and running the policies it has (LRU, LFU, GDSF,
# Belady; it has no keep-alive and no pre-warm), and its LRU loads are printed beside ours as a check.
#
#   benchmarks/policy-speed.sh                 # builds release inferctl under nice
#   BIN=.build/release BEFORE=/path/to/old/inferctl REPEAT=5 benchmarks/policy-speed.sh
#
# BEFORE names another inferctl to time side by side (e.g. one built from main). Run it on a quiet host:
# on a loaded one the wall times grow, the CPU seconds much less.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
REPEAT="${REPEAT:-3}"
BUDGET="${BUDGET:-300M}"
POLICIES5="lru,lfu,gdsf,ttl:300,oracle"
if [ -z "${BIN:-}" ]; then
  nice -n 19 swift build -c release --product inferctl >&2
  BIN="$(swift build -c release --show-bin-path)"
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/inferd-policy-speed.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
COSTS=(--cost m0=40M,200,10 --cost m1=60M,300,15 --cost m2=80M,400,20 --cost m3=100M,500,25
       --cost m4=120M,600,30 --cost m5=90M,450,20 --cost m6=70M,350,15 --cost m7=50M,250,10)

echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores); load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN/inferctl" trace generate --models m0,m1,m2,m3,m4,m5,m6,m7 --popularity zipf:1.0 --arrivals poisson:50 \
  --duration 21000 --max-requests 1000000 --seed 3 --output "$WORK/trace.csv" 2>/dev/null
# libCacheSim's CSV reader takes the size from a column: the same requests with each model's size.
python3 - "$WORK/trace.csv" "$WORK/trace-sized.csv" "${COSTS[@]}" <<'PY'
import sys
source, target, *costs = sys.argv[1:]
mib = {}
for spec in costs[1::2]:
    name, rest = spec.split("=")
    mib[name] = int(rest.split(",")[0].rstrip("M")) * 1048576
with open(source) as inp, open(target, "w") as out:
    out.write("time,model,size\n")
    for line in inp:
        if line.startswith("#") or line.startswith("time"):
            continue
        time, model = line.split(",")[:2]
        out.write(f"{time},{model},{mib[model]}\n")
PY

timed() {  # timed LABEL CMD...: runs CMD REPEAT times, prints median wall and CPU seconds
  local label="$1"; shift
  : >"$WORK/times"
  for _ in $(seq 1 "$REPEAT"); do
    /usr/bin/time -f "%e %U %S" -o "$WORK/time1" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    cat "$WORK/time1" >>"$WORK/times"
  done
  python3 - "$label" "$WORK/times" <<'PY'
import statistics, sys
label, path = sys.argv[1:]
rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
print(f"{label:44} {wall:8.2f} {cpu:8.2f}   ({len(rows)} runs: wall " + ", ".join(f"{r[0]:.2f}" for r in rows) + ")")
PY
}

# The peer: libCacheSim on the sized CSV, printing each run's loads (run as its own process, timed whole).
cat >"$WORK/peer.py" <<'PY'
import sys
import libcachesim as lcs
path, policies, budgets = sys.argv[1:]
for budget in budgets.split(","):
    for policy in policies.split(","):
        params = lcs.ReaderInitParam(has_header=True, delimiter=",", obj_id_is_num=False)
        params.time_field, params.obj_id_field, params.obj_size_field = 1, 2, 3
        reader = lcs.TraceReader(path, lcs.TraceType.CSV_TRACE, params)
        cache = getattr(lcs, policy)(cache_size=int(budget))
        miss, _ = cache.process_trace(reader)
        print(f"{policy} {budget} {round(miss * reader.n_read_req)}")
PY
echo
echo "(a) 1M requests x 5 policies ($POLICIES5) at $BUDGET, reading the CSV included"
printf '%-44s %8s %8s\n' "run" "wall s" "CPU s"
if [ -n "${BEFORE:-}" ]; then
  timed "inferctl simulate (before: $BEFORE)" "$BEFORE" simulate "$WORK/trace.csv" "${COSTS[@]}" --policies "$POLICIES5" --budgets "$BUDGET" --json
fi
timed "inferctl simulate (this build)" "$BIN/inferctl" simulate "$WORK/trace.csv" "${COSTS[@]}" --policies "$POLICIES5" --budgets "$BUDGET" --json
cp "$WORK/out" "$WORK/five.json"
BUDGET_BYTES="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["budgets"][0])' "$WORK/five.json")"
timed "libCacheSim 0.3.5 (LRU, LFU, GDSF, Belady)" env PYTHONPATH=.deps/python-policy python3 "$WORK/peer.py" "$WORK/trace-sized.csv" LRU,LFU,GDSF,Belady "$BUDGET_BYTES"
python3 - "$WORK/five.json" "$WORK/out" <<'PY'
import json, sys
ours = {r["policy"]: r["loads"] for r in json.load(open(sys.argv[1]))["results"]}
theirs = {line.split()[0]: int(line.split()[2]) for line in open(sys.argv[2])}
print("loads: " + ", ".join(f"{p} {ours[p]}" for p in ours) + "; libCacheSim " + ", ".join(f"{p} {n}" for p, n in theirs.items())
      + ("  (LRU equal)" if ours["lru"] == theirs["LRU"] else "  (LRU DIFFERS)"))
PY

echo
echo "(b) the default sweep: 7 policies x 8 budgets"
printf '%-44s %8s %8s\n' "run" "wall s" "CPU s"
if [ -n "${BEFORE:-}" ]; then
  timed "inferctl simulate (before)" "$BEFORE" simulate "$WORK/trace.csv" "${COSTS[@]}" --json
fi
timed "inferctl simulate (this build)" "$BIN/inferctl" simulate "$WORK/trace.csv" "${COSTS[@]}" --json
BUDGETS="$(python3 -c 'import json,sys; print(",".join(str(b) for b in json.load(open(sys.argv[1]))["budgets"]))' "$WORK/out")"
timed "libCacheSim 0.3.5 (4 of the 7 policies x 8)" env PYTHONPATH=.deps/python-policy python3 "$WORK/peer.py" "$WORK/trace-sized.csv" LRU,LFU,GDSF,Belady "$BUDGETS"
echo
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
