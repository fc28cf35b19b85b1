#!/usr/bin/env bash
# The README's test command: set up (idempotent), then run every test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
source "$ROOT/scripts/env.sh"
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
