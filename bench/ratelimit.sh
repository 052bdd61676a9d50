#!/usr/bin/env bash
# One process per rate-limit decision: `redis-ops ratelimit hit` (connect + EVALSHA) against
# `redis-cli EVALSHA` of the very same script (lua/ratelimit_<algorithm>.lua, loaded first with
# redis-cli SCRIPT LOAD, so both send EVALSHA of one SHA), in the same run, alternating, so both
# see the same machine load. Starts (and stops) its own redis-server on 127.0.0.1. Reports the
# mean wall time per process of each and the ratio (target <= 1.5x).
#
# fixed is left out: its key names the window index, so a redis-cli caller would need a TIME
# round trip of its own first, which is not the same work.
#
# Usage: bench/ratelimit.sh [RUNS=500] [ALGORITHMS="sliding gcra"]
#        (REDIS_OPS=path/to/redis-ops, default build/redis-ops)
set -euo pipefail
runs=${1:-500}
algorithms=${2:-sliding gcra}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init ratelimit
port=$(bench_free_port)
bench_server redis "$port"

# Large enough that every hit is allowed: both sides do the same writes on every call.
limit=1000000 window_ms=3600000
now_us() { local t=$EPOCHREALTIME; echo $(( ${t/./} )); }
echo "binary: $bin"
echo "runs: $runs each, alternating (one process per call: connect + EVALSHA of one hit)"
for algorithm in $algorithms; do
    sha=$(redis-cli -p "$port" -x script load <"lua/ratelimit_$algorithm.lua")
    ours_key="bench-ops" cli_key="ratelimit:{bench-cli}:$algorithm"
    "$bin" -p "$port" ratelimit hit "$ours_key" --algorithm "$algorithm" --limit $limit \
        --window ${window_ms}ms >/dev/null || { echo "redis-ops hit failed" >&2; exit 1; }
    ours=0 theirs=0
    for ((i = 0; i < runs; i++)); do
        t0=$(now_us)
        "$bin" -p "$port" ratelimit hit "$ours_key" --algorithm "$algorithm" --limit $limit \
            --window ${window_ms}ms >/dev/null
        t1=$(now_us)
        # The sliding log takes a per-call nonce (redis-ops draws 8 random bytes).
        redis-cli -p "$port" evalsha "$sha" 1 "$cli_key" $limit $window_ms 1 hit \
            "$RANDOM$RANDOM$RANDOM" >/dev/null
        t2=$(now_us)
        ours=$((ours + t1 - t0)) theirs=$((theirs + t2 - t1))
    done
    # Both sides really counted every call.
    if [[ $algorithm == sliding ]]; then
        a=$(redis-cli -p "$port" zcard "ratelimit:{$ours_key}:sliding")
        b=$(redis-cli -p "$port" zcard "$cli_key")
        [[ $a == $((runs + 1)) && $b == "$runs" ]] || { echo "counts differ: $a $b" >&2; exit 1; }
    fi
    awk -v o="$ours" -v t="$theirs" -v n="$runs" -v a="$algorithm" 'BEGIN {
        printf "%-8s redis-ops ratelimit hit: %.3f ms/call\n", a, o / n / 1000
        printf "%-8s redis-cli EVALSHA:       %.3f ms/call\n", a, t / n / 1000
        printf "%-8s ratio redis-ops / redis-cli: %.2fx (target <= 1.5x)\n", a, o / t }'
done
