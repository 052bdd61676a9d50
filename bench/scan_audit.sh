#!/usr/bin/env bash
# scan-audit against `redis-cli --bigkeys` and `redis-cli --memkeys` on the same server, in the
# same run, alternating. Reports wall times and ratios, redis-ops' peak RSS at SMALL_KEYS and at
# KEYS keys, its CPU time (user+sys) and the longest single server call it measured, and checks
# its no-TTL counts against the generator's ground truth.
# usage: bench/scan_audit.sh [KEYS=1000000] [RUNS=3]
#   REDIS_OPS=path/to/redis-ops (default build/redis-ops; use a Release build), SMALL_KEYS=100000
# Needs ~450 MB of RAM for the server at 1M keys (maxmemory is left unset).
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
runs=${2:-3}
small=${SMALL_KEYS:-100000}

. bench/lib.sh
bench_init scan-audit dataset
port=$(bench_free_port)
bench_server redis "$port"

load() { bench_load "$port" "$1" "$dir/truth.json"; }

audit() { bench_measure "$1" "$bin" -p "$port" scan-audit --format json; }

: >"$dir/results.txt"
load "$small"
audit small
load "$keys"
for r in $(seq "$runs"); do
  audit "redis-ops"
  bench_measure "bigkeys" redis-cli -p "$port" --bigkeys
  bench_measure "memkeys" redis-cli -p "$port" --memkeys
done

python3 - "$dir" "$keys" "$small" <<'PY'
import json, statistics, sys
d, keys, small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [l.split() for l in open(f"{d}/results.txt") if l.strip()]
by = {}
for label, wall, user, sys_, rss, server in rows:
    by.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss), float(server)))
med = lambda label, i: statistics.median(x[i] for x in by[label])
ops = json.load(open(f"{d}/redis-ops.out"))
truth = json.load(open(f"{d}/truth.json"))
print(f"scan-audit benchmark: {keys} keys (gen_dataset.py seed 7), {len(by['redis-ops'])} runs each, alternating")
for label in ("redis-ops", "bigkeys", "memkeys"):
    walls = " ".join(f"{x[0]:.2f}" for x in by[label])
    print(f"  {label:10} wall s: {walls}   median {med(label, 0):.2f} s, own CPU {med(label, 1):.2f} s, "
          f"redis-server CPU {med(label, 3):.2f} s")
print(f"  ratio redis-ops / --bigkeys: {med('redis-ops', 0) / med('bigkeys', 0):.3f}x")
print(f"  ratio redis-ops / --memkeys: {med('redis-ops', 0) / med('memkeys', 0):.3f}x")
print(f"  server CPU ratio redis-ops / --bigkeys: {med('redis-ops', 3) / med('bigkeys', 3):.3f}x, "
      f"/ --memkeys: {med('redis-ops', 3) / med('memkeys', 3):.3f}x")
print(f"  machine load average at the end: {open('/proc/loadavg').read().split()[0]} on {__import__('os').cpu_count()} CPUs")
print(f"  redis-ops peak RSS: {by['small'][0][2] / 1024:.1f} MiB at {small} keys, "
      f"{max(x[2] for x in by['redis-ops']) / 1024:.1f} MiB at {keys} keys")
print(f"  redis-ops CPU (user+sys) at {keys} keys: {med('redis-ops', 1):.2f} s")
print(f"  longest single server call (pipelined batch, send to last reply): {ops['longest_call_ms']} ms")
print(f"  keys_scanned {ops['keys_scanned']} (truth {truth['keys']}), no_ttl {ops['no_ttl']['count']} "
      f"(truth {truth['no_ttl']}), complete {ops['complete']}")
got = {p["pattern"]: p["keys"] for p in ops["no_ttl"]["patterns"]}
bad = {p: (n, got.get(p)) for p, n in truth["no_ttl_by_pattern"].items() if got.get(p) != n}
print("  no-TTL patterns match the ground truth" if not bad else f"  pattern mismatches (truth, got): {bad}")
PY
