#!/usr/bin/env bash
# Formatting and static checks. CI (scripts/test.sh) runs the clang-format check: it must have
# nothing to change. With --tidy it also runs clang-tidy (.clang-tidy: bugprone-*,
# performance-*, a few readability checks) on src/ and cmd/; that needs a configured build with
# compile_commands.json. clang-tidy is not clean yet, so CI does not run it yet.
# usage: scripts/lint.sh [--tidy] [BUILD_DIR]        (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
tidy_too=0
[ "${1:-}" = "--tidy" ] && { tidy_too=1; shift; }
build=${1:-build}
fmt=$(command -v clang-format-14 || command -v clang-format)
tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)

echo "== clang-format"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if ! "$fmt" --dry-run -Werror "${files[@]}" 2>/tmp/redis-ops-format.$$; then
  grep -E '^[^ ]+:[0-9]+:[0-9]+: error' /tmp/redis-ops-format.$$ | cut -d: -f1 | sort -u |
    sed 's/^/  needs clang-format: /'
  rm -f /tmp/redis-ops-format.$$
  echo "lint: run clang-format -i on the files above" >&2
  exit 1
fi
rm -f /tmp/redis-ops-format.$$

[ "$tidy_too" = 1 ] || { echo "lint: formatting clean"; exit 0; }

echo "== clang-tidy"
[ -f "$build/compile_commands.json" ] || { echo "lint: no $build/compile_commands.json" >&2; exit 1; }
# GCC-only warning flags in the compile commands mean nothing to clang.
"$tidy" -p "$build" -quiet -j"$(nproc)" -extra-arg=-Wno-unknown-warning-option \
  "$PWD/(src|cmd)/" >"$build/clang-tidy.log" 2>&1 || {
  grep -E 'error:|warning:' "$build/clang-tidy.log" | grep -v 'warnings generated' | sort -u | head -50
  echo "lint: clang-tidy found problems (full log: $build/clang-tidy.log)" >&2
  exit 1
}
echo "lint: clean"
