#!/usr/bin/env bash
# The README's first command: install, build, start a throwaway Redis with sample data, run
# the main job (scan-audit) against it, and stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
read -r port pidfile dir < <(scripts/sample-server.sh "${SAMPLE_KEYS:-20000}")
trap 'kill "$(cat "$pidfile")" 2>/dev/null; rm -rf "$dir"' EXIT
echo "== redis-ops scan-audit against a sample keyspace on port $port" >&2
set +e
build/redis-ops -p "$port" scan-audit "$@"
status=$?
set -e
echo "== scan-audit exited $status (0 within thresholds, 1 findings over --fail-on, 3 cut short)" >&2
[ "$status" -le 1 ]
