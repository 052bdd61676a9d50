#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for SECONDS (default 30) on a copy of
# its seed corpus. A crash leaves its input in build-fuzz/crashes/ and fails the script; turn it
# into a regression seed under tests/fuzz/corpus/<target>/.
# Longer runs: scripts/fuzz.sh 3600, or build-fuzz/tests/fuzz/fuzz_url -jobs=2 DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREDIS_OPS_FUZZ=ON -DREDIS_OPS_TESTS=OFF -DREDIS_OPS_WERROR=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" >/dev/null
mkdir -p build-fuzz/crashes
for target in build-fuzz/tests/fuzz/fuzz_*; do
  name=$(basename "$target"); name=${name#fuzz_}
  work=$(mktemp -d)
  echo "== fuzz $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix=build-fuzz/crashes/"$name"- "$work" "tests/fuzz/corpus/$name" \
      >"$work.log" 2>&1; then
    tail -n 40 "$work.log"
    echo "fuzz $name: FAILED (input saved in build-fuzz/crashes/)" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$work.log" || true
  rm -rf "$work" "$work.log"
done
