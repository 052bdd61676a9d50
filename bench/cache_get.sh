#!/usr/bin/env bash
# One process doing connect + GET: `redis-ops cache get` vs `redis-cli GET`, in the same run,
# alternating, so both see the same machine load. Starts (and stops) its own redis-server on
# 127.0.0.1. Reports the mean wall time per process of each and the ratio (target <= 1.5x).
#
# Usage: bench/cache_get.sh [RUNS=500]   (REDIS_OPS=path/to/redis-ops, default build/redis-ops)
set -euo pipefail
runs=${1:-500}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init cache-get
port=$(bench_free_port)
bench_server redis "$port"

value=$(head -c 100 /dev/zero | tr '\0' 'x')
redis-cli -p "$port" set bench:key "$value" >/dev/null
[[ $("$bin" -p "$port" cache get bench:key) == "$value" ]] || { echo "redis-ops get mismatch" >&2; exit 1; }
[[ $(redis-cli -p "$port" get bench:key) == "$value" ]] || { echo "redis-cli get mismatch" >&2; exit 1; }

ours=0 theirs=0
now_us() { local t=$EPOCHREALTIME; echo $(( ${t/./} )); }
for ((i = 0; i < runs; i++)); do
    t0=$(now_us); "$bin" -p "$port" cache get bench:key >/dev/null; t1=$(now_us)
    redis-cli -p "$port" get bench:key >/dev/null; t2=$(now_us)
    ours=$((ours + t1 - t0)); theirs=$((theirs + t2 - t1))
done
echo "binary: $bin"
echo "runs: $runs each, alternating (connect + GET of a 100-byte value, one process per call)"
awk -v o="$ours" -v t="$theirs" -v n="$runs" 'BEGIN {
    printf "redis-ops cache get: %.3f ms/call\n", o / n / 1000
    printf "redis-cli GET:       %.3f ms/call\n", t / n / 1000
    printf "ratio redis-ops / redis-cli: %.2fx (target <= 1.5x)\n", o / t }'
