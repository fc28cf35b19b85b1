# Shared by the benchmark scripts (sourced): a release build, a work directory removed at exit with
# every process started through it, and waiting for a daemon to answer.
#   source benchmarks/lib.sh NAME      # sets BIN (unless given), WORK, PIDS; defines wait_ready
# BIN=<dir with inferd and inferctl> uses those binaries instead of building.
if [ -z "${BIN:-}" ]; then
  swift build -c release >&2
  BIN="$(swift build -c release --show-bin-path)"
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/inferd-$1.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_ready() {  # wait_ready SOCKET LOG: until `inferctl status` answers (60 s at most)
  for _ in $(seq 1 600); do
    "$BIN/inferctl" status --socket "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "inferd on $1 did not start:" >&2; cat "$2" >&2; exit 1
}
