#!/usr/bin/env bash
# The README's second command: the same set-up as demo.sh, then every test: unit and
# integration (real redis-server processes, and again against valkey-server), once in Release
# with -Werror and once more under AddressSanitizer + UndefinedBehaviorSanitizer (redis-server).
# Then each libFuzzer target runs for FUZZ_SECONDS (default 30).
# usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
[ "${1:-}" = "--no-sanitize" ] && sanitize=0

SAMPLE_KEYS=2000 scripts/demo.sh >/dev/null

jobs=$(( $(nproc) + 1 ))
# Every supported server runs the integration label: Redis 7.0 with the rest of the suite, and
# Valkey 8.0 at the same time (the tests mostly wait on servers, so the passes overlap well).
# The Valkey pass has its own ctest directory (build/ctest-valkey includes build's tests) so the
# two runs never share a Testing/ log. Each pass reports its wall time; a failing pass is named.
servers_failed=()
mkdir -p build/ctest-valkey
echo "subdirs(\"$PWD/build\")" > build/ctest-valkey/CTestTestfile.cmake
timed_pass() {  # NAME LOG CTEST-ARGS…: runs one ctest pass into LOG, returns its status
  local name=$1 log=$2 start=$SECONDS rc=0
  shift 2
  "$@" >"$log" 2>&1 || rc=$?
  echo "$name: $(( SECONDS - start ))s, exit $rc" >>"$log"
  return "$rc"
}
echo "== tests (Release, -Werror): redis-server (all labels) and valkey-server (integration)"
REDIS_OPS_TEST_SERVER=valkey-server timed_pass "valkey-server 8.0 integration" \
  build/ctest-valkey/log ctest --test-dir build/ctest-valkey --output-on-failure -j"$jobs" \
  -L integration -LE browser &
valkey_pid=$!
REDIS_OPS_TEST_SERVER=redis-server timed_pass "redis-server 7.0 (unit, integration, browser)" \
  build/ctest-redis.log ctest --test-dir build --output-on-failure -j"$jobs" ||
  servers_failed+=("redis-server")
wait "$valkey_pid" || servers_failed+=("valkey-server")
cat build/ctest-redis.log build/ctest-valkey/log
if ((${#servers_failed[@]})); then
  echo "== FAILED against: ${servers_failed[*]} (see the ctest output above)" >&2
  exit 1
fi

echo "== lint"
scripts/lint.sh build

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
