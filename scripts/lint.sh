#!/usr/bin/env bash
# Formatting and static checks; CI (scripts/test.sh) runs `scripts/lint.sh build`, and both must
# find nothing. clang-format: nothing to change in any tracked .cpp/.hpp. clang-tidy
# (.clang-tidy: bugprone-*, performance-*, a few readability checks, warnings are errors) over
# src/ and cmd/, one unit per core, from BUILD_DIR's compile_commands.json (a configured and
# built tree: scripts/tidy.py reads the build's depfiles to skip units unchanged since they
# passed). --format-only skips clang-tidy.
# usage: scripts/lint.sh [--format-only] [BUILD_DIR]        (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
tidy_too=1
[ "${1:-}" = "--format-only" ] && { tidy_too=0; shift; }
build=${1:-build}
fmt=$(command -v clang-format-14 || command -v clang-format)

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
# bootstrap.sh installs Debian's clang-tidy package, whose binary is clang-tidy (LLVM 14 on
# bookworm); the clang-tidy-14 package alone has only the suffixed name.
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) ||
  { echo "lint: clang-tidy not found (scripts/bootstrap.sh installs it)" >&2; exit 1; }
# The compile commands are GCC's. -Wno-unknown-warning-option: GCC-only warning flags mean
# nothing to clang. -Wno-sign-conversion: clang's -Wconversion includes -Wsign-conversion, which
# GCC's does not for C++ (GCC 12's -Wconversion is the project's gate); what it adds here is the
# `for (unsigned char c : text)` idiom that keeps <cctype> calls defined, and int loop indices.
if ! scripts/tidy.py "$build" "$tidy" "$(nproc)" -Wno-unknown-warning-option -Wno-sign-conversion \
    >"$build/clang-tidy.log" 2>&1; then
  grep -E '(error|warning): ' "$build/clang-tidy.log" | sort -u | head -50
  tail -1 "$build/clang-tidy.log"
  echo "lint: clang-tidy found problems (full log: $build/clang-tidy.log)" >&2
  exit 1
fi
tail -1 "$build/clang-tidy.log"
echo "lint: clean"
