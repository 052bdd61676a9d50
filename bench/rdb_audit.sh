#!/usr/bin/env bash
# scan-audit --rdb against redis-check-rdb on the same dump.rdb, and against the live audit, in
# the same run, alternating. Reports wall times, the ratio to redis-check-rdb, MB/s and peak RSS;
# then --rdb-sync against the live audit: wall time and the server's main-thread CPU.
# usage: bench/rdb_audit.sh [KEYS=1000000] [RUNS=3]
#   REDIS_OPS=path/to/redis-ops (default build/redis-ops; use a Release build)
# Targets (issue 20): --rdb <= 0.5x redis-check-rdb's wall time, <= 32 MiB RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
runs=${2:-3}
command -v redis-check-rdb >/dev/null || { echo "missing redis-check-rdb (redis-tools)" >&2; exit 2; }

. bench/lib.sh
bench_init rdb dataset
port=$(bench_free_port)
bench_server redis "$port"

bench_load "$port" "$keys" "$dir/truth.json"
redis-cli -p "$port" save >/dev/null
cp "$dir/redis/dump.rdb" "$dir/snapshot.rdb"  # --rdb-sync's BGSAVE rewrites dump.rdb
echo "# loaded $(redis-cli -p "$port" dbsize) keys; snapshot $(stat -c %s "$dir/snapshot.rdb") bytes" >&2

: >"$dir/results.txt"
for _ in $(seq "$runs"); do
  bench_measure rdb "$bin" scan-audit --rdb "$dir/snapshot.rdb" --format json
  bench_measure check-rdb redis-check-rdb "$dir/snapshot.rdb"
  bench_measure live "$bin" -p "$port" scan-audit --format json
  bench_measure rdb-sync "$bin" -p "$port" scan-audit --rdb-sync --format json
done

# A 500 MB string value (a hand-built RDB): passed over, never loaded, so RSS stays flat.
python3 - "$dir/huge.rdb" <<'PY'
import struct, sys
n = 500 << 20
with open(sys.argv[1], "wb") as f:
    f.write(b"REDIS0010" + b"\x00\x04huge\x80" + struct.pack(">I", n))
    for _ in range(500): f.write(b"z" * (1 << 20))
    f.write(b"\xff" + b"\x00" * 8)
PY
/usr/bin/time -f "%e %M" -o "$dir/huge.txt" "$bin" scan-audit --rdb "$dir/huge.rdb" --format json >/dev/null
rm -f "$dir/huge.rdb"
echo "# 500 MB string: $(cat "$dir/huge.txt") (wall s, max RSS KiB)" >&2

python3 - "$dir" "$keys" "$(stat -c %s "$dir/snapshot.rdb")" <<'PY'
import json, statistics, sys
d, keys, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
by = {}
for line in open(f"{d}/results.txt"):
    label, wall, user, sys_, rss, server = line.split()
    by.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss), float(server)))
med = lambda label, i: max(statistics.median(x[i] for x in by[label]), 1e-3)  # no 0 divisors
mb = size / 1e6
print(f"rdb-audit benchmark: {keys} keys (gen_dataset.py seed 7), snapshot {mb:.1f} MB, "
      f"{len(by['rdb'])} runs each, alternating")
for label in ("rdb", "check-rdb", "live", "rdb-sync"):
    walls = " ".join(f"{x[0]:.2f}" for x in by[label])
    print(f"  {label:10} wall s: {walls}  median {med(label, 0):.2f} s, own CPU {med(label, 1):.2f} s, "
          f"peak RSS {max(x[2] for x in by[label]) / 1024:.1f} MiB, server main-thread CPU {med(label, 3):.2f} s")
print(f"  --rdb / redis-check-rdb wall: {med('rdb', 0) / med('check-rdb', 0):.3f}x (target <= 0.5x)")
print(f"  --rdb throughput: {mb / med('rdb', 0):.0f} MB/s; redis-check-rdb: {mb / med('check-rdb', 0):.0f} MB/s")
print(f"  per CPU second (what a loaded machine's wall time hides): --rdb {mb / med('rdb', 1):.0f} MB/s, "
      f"redis-check-rdb {mb / med('check-rdb', 1):.0f} MB/s, ratio {med('rdb', 1) / med('check-rdb', 1):.3f}x")
print(f"  --rdb / live audit wall: {med('rdb', 0) / med('live', 0):.3f}x")
print(f"  --rdb-sync / live audit wall: {med('rdb-sync', 0) / med('live', 0):.3f}x; server main-thread CPU "
      f"{med('rdb-sync', 3):.2f} s vs {med('live', 3):.2f} s")
rdb, live = json.load(open(f"{d}/rdb.out")), json.load(open(f"{d}/live.out"))
print(f"  keys: rdb {rdb['keys_scanned']} live {live['keys_scanned']}; no_ttl: rdb {rdb['no_ttl']['count']} "
      f"live {live['no_ttl']['count']}; types equal: {rdb['types'] == live['types']}")
huge_wall, huge_rss = open(f"{d}/huge.txt").read().split()
print(f"  a 500 MB string value: {huge_wall} s, peak RSS {int(huge_rss) / 1024:.1f} MiB (target <= 32 MiB)")
print(f"  machine load average at the end: {open('/proc/loadavg').read().split()[0]} on {__import__('os').cpu_count()} CPUs")
PY
