#!/usr/bin/env bash
# The README's second command: the same set-up as demo.sh, then every test: unit and
# integration (real redis-server processes), once in Release with -Werror and once more
# under AddressSanitizer + UndefinedBehaviorSanitizer.
# Then each libFuzzer target runs for FUZZ_SECONDS (default 30).
# usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
[ "${1:-}" = "--no-sanitize" ] && sanitize=0

SAMPLE_KEYS=2000 scripts/demo.sh >/dev/null

jobs=$(( $(nproc) + 1 ))
echo "== tests (Release, -Werror)"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "$sanitize" = 1 ]; then
  echo "== tests under ASan + UBSan"
  scripts/bootstrap.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDIS_OPS_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi

if [ "$sanitize" = 1 ]; then
  echo "== fuzzing (${FUZZ_SECONDS:-30}s per target)"
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi
