#!/usr/bin/env bash
# Regenerates completions/ from a build of redis-ops (the binary's own command tree) and
# lists every subcommand or flag that the man pages in man/ do not document yet.
# usage: scripts/regen-docs.sh [BUILD_DIR]       (default: build)
# Exit 0 when the man pages cover everything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target redis-ops >/dev/null
bin=$build/redis-ops

"$bin" completions bash >completions/redis-ops.bash
"$bin" completions zsh >completions/_redis-ops
"$bin" completions fish >completions/redis-ops.fish
echo "regen-docs: wrote completions/redis-ops.bash completions/_redis-ops completions/redis-ops.fish" >&2

# The man pages are prose written by hand; this only says what they are missing.
plain() { sed 's/\\-/-/g; s/\\f[BIRP]//g' "$1"; }  # roff without '\-' and font changes
status=0
# Fields are separated by tabs; read them with a non-blank IFS so an empty path survives.
while IFS=$'\x1f' read -r kind path names _; do
  top=${path%% *}
  page=man/redis-ops${top:+-$top}.1
  if [ ! -f "$page" ]; then
    echo "regen-docs: $page is missing (for '$path')"
    status=1
    continue
  fi
  text=$(plain "$page")
  if [ "$kind" = command ] && [ -n "$path" ] && ! grep -qF -- "$path" <<<"$text"; then
    echo "regen-docs: $page does not name the subcommand '$path'"
    status=1
  fi
  if [ "$kind" = flag ]; then
    for name in ${names//,/ }; do
      if ! grep -qE -- "(^|[^a-zA-Z0-9-])${name}([^a-zA-Z0-9-]|\$)" <<<"$text"; then
        echo "regen-docs: $page does not document $name (of 'redis-ops${path:+ $path}')"
        status=1
      fi
    done
  fi
done < <("$bin" completions tree | tr '\t' '\037')
exit "$status"
