#!/usr/bin/env bash
# Install dependencies, build with warnings as errors, run every test.
#   scripts/test.sh            the normal build (build/)
#   scripts/test.sh --asan     AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

build=build
flags=(-DCONCERTO_WERROR=ON)
if [ "${1:-}" = "--asan" ]; then
  build=build-asan
  flags+=(-DCONCERTO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$build" "${flags[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
# The browser tests drive the server from outside; they run once, in the
# normal build (under the sanitizers Chromium's pace adds nothing but time).
exclude=()
if [ "$build" = build-asan ]; then exclude=(-E test_e2e); fi
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "${exclude[@]}"
