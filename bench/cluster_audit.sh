#!/usr/bin/env bash
# scan-audit of the same keyspace on a 3-master Redis Cluster (-c: every master walked in
# parallel) and on one standalone node, in the same run, alternating. Reports wall and CPU times
# and the ratio cluster / single. The peer for a single node is `redis-cli --memkeys` (it has no
# cluster mode), measured alongside.
# usage: bench/cluster_audit.sh [KEYS=1000000] [RUNS=3]
#   REDIS_OPS=path/to/redis-ops (default build/redis-ops; use a Release build)
# Needs ~1 GB of RAM (the data twice). Starts and stops its own servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
runs=${2:-3}

. bench/lib.sh
bench_init cluster dataset
single=$(bench_free_port)
bench_server single "$single"
nodes=()
for i in 1 2 3; do
  p=$(bench_free_port); nodes+=("$p")
  bench_server "node$i" "$p" --cluster-enabled yes --cluster-config-file nodes.conf
done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${nodes[@]}") --cluster-replicas 0 \
  --cluster-yes >/dev/null
for _ in $(seq 200); do
  redis-cli -p "${nodes[0]}" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1
done

echo "# generating $keys keys" >&2
python3 "$gen" "$keys" 7 "$dir/truth.json" >"$dir/data.resp"
redis-cli -p "$single" --pipe <"$dir/data.resp" >/dev/null
# CLUSTER NODES lines: id ip:port@bus flags master ping pong epoch link slot-range…
ranges=$(redis-cli -p "${nodes[0]}" cluster nodes | python3 -c '
import sys
out = []
for line in sys.stdin:
    f = line.split()
    if "master" not in f[2].split(","):
        continue
    port = f[1].split("@")[0].rsplit(":", 1)[1]
    for r in f[8:]:
        lo, _, hi = r.partition("-")
        out.append(f"{lo}-{hi or lo}:{port}")
print(" ".join(out))')
python3 bench/cluster_split.py "$dir/part" $ranges <"$dir/data.resp"
for p in "${nodes[@]}"; do redis-cli -p "$p" --pipe <"$dir/part.$p" >/dev/null; done
total=0
for p in "${nodes[@]}"; do total=$((total + $(redis-cli -p "$p" dbsize))); done
echo "# loaded: single $(redis-cli -p "$single" dbsize) keys, cluster $total keys" >&2

: >"$dir/results.txt"
for _ in $(seq "$runs"); do
  bench_measure cluster "$bin" -c -p "${nodes[0]}" scan-audit --format json
  bench_measure single "$bin" -p "$single" scan-audit --format json
  bench_measure memkeys redis-cli -p "$single" --memkeys
done

python3 - "$dir" "$keys" <<'PY'
import json, statistics, sys
d, keys = sys.argv[1], int(sys.argv[2])
by = {}
for l in open(f"{d}/results.txt"):
    label, wall, user, sys_, rss, _ = l.split()
    by.setdefault(label, []).append((float(wall), float(user) + float(sys_)))
med = lambda label, i: statistics.median(x[i] for x in by[label])
print(f"scan-audit on a 3-master cluster vs one node: {keys} keys (gen_dataset.py seed 7), "
      f"{len(by['cluster'])} runs each, alternating")
for label in ("cluster", "single", "memkeys"):
    walls = " ".join(f"{x[0]:.2f}" for x in by[label])
    print(f"  {label:8} wall s: {walls}   median {med(label, 0):.2f} s, client CPU {med(label, 1):.2f} s")
print(f"  ratio cluster / single: {med('cluster', 0) / med('single', 0):.3f}x")
print(f"  ratio single redis-ops / redis-cli --memkeys: {med('single', 0) / med('memkeys', 0):.3f}x")
truth = json.load(open(f"{d}/truth.json"))
for label in ("cluster", "single"):
    j = json.load(open(f"{d}/{label}.out"))
    print(f"  {label}: complete {j['complete']}, keys_scanned {j['keys_scanned']} (truth {truth['keys']}), "
          f"no_ttl {j['no_ttl']['count']} (truth {truth['no_ttl']}), nodes {len(j.get('nodes', []))}")
PY
