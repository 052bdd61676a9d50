#!/usr/bin/env bash
# The cost of the history features of scan-audit, on one server, in the same run, alternating:
# the plain audit, --idle (OBJECT IDLETIME in the same pipeline) and --policy with 20 rules.
# Targets: --idle <= 1.35x and --policy <= 1.05x the plain audit's wall time, peak RSS <= 64 MiB.
# usage: bench/audit_history.sh [KEYS=1000000] [RUNS=3]
#   REDIS_OPS=path/to/redis-ops (default build/redis-ops; use a Release build)
# Needs ~450 MB of RAM for the server at 1M keys.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
runs=${2:-3}

. bench/lib.sh
bench_init history dataset
port=$(bench_free_port)
bench_server redis "$port"

bench_load "$port" "$keys" "$dir/truth.json"
echo "# loaded $(redis-cli -p "$port" dbsize) keys" >&2

# 20 rules over the generator's patterns: every field kind, most keys matched by a later rule.
cat >"$dir/policy.yaml" <<'YAML'
defaults:
  severity: warn
rules:
  - {match: "config:*", ttl: optional}
  - {match: "lock:*", ttl: required, max_ttl: 1h}
  - {match: "tmp:*", max_ttl: 10m}
  - {match: "otp:*", min_ttl: 30s, max_ttl: 10m}
  - {match: "job:*", max_bytes: 64kb}
  - {match: "queue:*", type: list, max_elements: 100000}
  - {match: "index:*", type: zset, max_elements: 1000000}
  - {match: "blob:*", max_bytes: 1mb, severity: error}
  - {match: "audit:*", ttl: forbidden}
  - {match: "geo:*", type: zset, max_bytes: 10mb}
  - {match: "events:*", type: stream, max_bytes: 1mb}
  - {match: "scores:*", type: zset, max_bytes: 256kb}
  - {match: "tags:*", type: set, max_bytes: 256kb}
  - {match: "order:*:items", type: list, max_bytes: 256kb}
  - {match: "ratelimit:ip:*", ttl: required, max_ttl: 1d}
  - {match: "feed:user:*", max_bytes: 128kb}
  - {match: "cache:product:*", ttl: required, max_ttl: 7d, max_bytes: 100kb}
  - {match: "session:*", ttl: required, max_ttl: 30d}
  - {match: "user:*:h", type: hash, max_bytes: 64kb}
  - {match: "user:*:profile", max_bytes: 100kb, severity: error}
YAML

: >"$dir/results.txt"
for _ in $(seq "$runs"); do
  bench_measure plain "$bin" -p "$port" scan-audit --format json
  bench_measure idle "$bin" -p "$port" scan-audit --format json --idle
  bench_measure policy "$bin" -p "$port" scan-audit --format json --policy "$dir/policy.yaml"
done

python3 - "$dir" "$keys" <<'PY'
import json, statistics, sys
d, keys = sys.argv[1], int(sys.argv[2])
by = {}
for label, wall, user, sys_, rss, _ in (l.split() for l in open(f"{d}/results.txt") if l.strip()):
    by.setdefault(label, []).append((float(wall), int(rss)))
med = lambda label: statistics.median(x[0] for x in by[label])
rss = lambda label: max(x[1] for x in by[label]) / 1024
truth = json.load(open(f"{d}/truth.json"))
print(f"scan-audit history benchmark: {keys} keys (gen_dataset.py seed 7), {len(by['plain'])} runs each, alternating")
for label in ("plain", "idle", "policy"):
    walls = " ".join(f"{x[0]:.2f}" for x in by[label])
    print(f"  {label:7} wall s: {walls}   median {med(label):.2f} s, peak RSS {rss(label):.1f} MiB")
ri, rp = med("idle") / med("plain"), med("policy") / med("plain")
print(f"  --idle / plain:   {ri:.3f}x (target <= 1.35)")
print(f"  --policy / plain: {rp:.3f}x (target <= 1.05)")
peak = max(rss(l) for l in by)
print(f"  peak RSS {peak:.1f} MiB (target <= 64)")
for label in by:
    r = json.load(open(f"{d}/{label}.out"))
    assert r["complete"] and r["keys_scanned"] == truth["keys"], label
    if label != "policy":
        assert r["no_ttl"]["count"] == truth["no_ttl"], label
print("  every audit complete, keys_scanned and no_ttl.count equal the generator's truth")
ok = ri <= 1.35 and rp <= 1.05 and peak <= 64
print("  targets met" if ok else "  TARGETS MISSED")
PY
