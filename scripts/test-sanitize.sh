#!/usr/bin/env bash
# The tests under Swift's sanitizers: for each of SANITIZERS (default "thread"; "address" also works),
# a build with --sanitize=<name> in its own directory (.build-tsan, .build-asan), then the tests from
# it. The integration tests start the daemon and inferctl binaries built next to the test bundle, so
# the daemon runs sanitized too. Reports are errors (halt_on_error for ASan; TSan exits 66 after any
# report). Known reports in code we do not build (OpenVINO, TBB) are suppressed in
# scripts/sanitizers/<name>.supp, each with its reason.
#
#   make test-sanitize                                   # ThreadSanitizer, every test
#   SANITIZERS="thread address" SANITIZE_FILTER=CoreTests make test-sanitize
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
status=0
for sanitizer in ${SANITIZERS:-thread}; do
    case "$sanitizer" in
        thread) build=.build-tsan ;;
        address) build=.build-asan ;;
        *) echo "test-sanitize: unknown sanitizer $sanitizer (thread or address)" >&2; exit 2 ;;
    esac
    suppressions="$ROOT/scripts/sanitizers/$sanitizer.supp"
    echo "test-sanitize: building with --sanitize=$sanitizer into $build" >&2
    swift build --build-tests --build-path "$build" --sanitize="$sanitizer" >&2
    filter=()
    if [ -n "${SANITIZE_FILTER:-}" ]; then filter=(--filter "$SANITIZE_FILTER"); fi
    echo "test-sanitize: running the tests under $sanitizer" >&2
    set +e
    TSAN_OPTIONS="suppressions=$suppressions second_deadlock_stack=1 history_size=4" \
    ASAN_OPTIONS="suppressions=$suppressions detect_leaks=0 halt_on_error=1" \
        swift test --skip-build --build-path "$build" --sanitize="$sanitizer" --disable-xctest "${filter[@]}"
    code=$?
    set -e
    echo "test-sanitize: $sanitizer exit $code" >&2
    if [ "$code" -ne 0 ]; then status=1; fi
done
exit "$status"
