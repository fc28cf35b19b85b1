#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: builds Fuzz/inferd-fuzz with -sanitize=fuzzer,address into
# .build-fuzz (its own build directory: the normal build and CI never compile it) and runs each target
# for FUZZ_SECONDS (default 60) from a seed corpus: the committed seeds in Fuzz/corpus/<target> plus
# the repository's sample images. Findings (crashes, sanitizer reports, timeouts, out-of-memory) are
# written to .build-fuzz/findings/; the summary gives executions, coverage and findings per target.
#
#   make fuzz                          # every target, 60 s each
#   FUZZ_SECONDS=600 FUZZ_TARGETS="image http" make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-image http oip toml trace}"
BUILD=.build-fuzz
WORK="$BUILD/work"

echo "fuzz: building the harness (first time: a full build with sanitizer instrumentation)" >&2
INFERD_FUZZ=1 swift build --build-path "$BUILD" --product inferd-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >&2
BINARY="$(INFERD_FUZZ=1 swift build --build-path "$BUILD" --show-bin-path)/inferd-fuzz"

mkdir -p "$WORK" "$BUILD/findings"
summary=()
status=0
for target in $TARGETS; do
    corpus="$WORK/corpus-$target"
    seeds="$WORK/seeds-$target"
    rm -rf "$seeds" && mkdir -p "$corpus" "$seeds"
    cp Fuzz/corpus/"$target"/* "$seeds"/ 2>/dev/null || true
    if [ "$target" = image ]; then
        # Small samples only: libFuzzer skips inputs above -max_len anyway.
        find -L samples -maxdepth 2 -type f \( -name '*.jpg' -o -name '*.png' \) -size -600k -exec cp {} "$seeds"/ \;
    fi
    log="$WORK/$target.log"
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s" >&2
    set +e
    INFERD_FUZZ_TARGET="$target" ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
    LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/fuzz-leaks.supp" "$BINARY" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=$([ "$target" = image ] && echo 600000 || echo 65536) \
        -artifact_prefix="$BUILD/findings/$target-" -print_final_stats=1 "$corpus" "$seeds" >"$log" 2>&1
    code=$?
    set -e
    runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    findings=$(find "$BUILD/findings" -name "$target-*" -newer "$seeds" | wc -l)
    if [ "$code" -ne 0 ]; then status=1; fi
    summary+=("$(printf '%-6s %10s execs  cov %6s  ft %6s  findings %s  (exit %s, log %s)' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$findings" "$code" "$log")")
done
echo
echo "fuzz summary (${SECONDS_PER_TARGET}s per target; cov = covered edges, ft = features):"
printf '  %s\n' "${summary[@]}"
exit "$status"
