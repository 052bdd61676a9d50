#!/usr/bin/env bash
# What each scan-audit report format costs on top of the audit itself, on the 1M-key dataset
# (../shared/bench/gen_dataset.py, seed 7). Each run writes its report with --output; the
# format's cost is the run's wall time less the audit's own duration that the same run reports
# (duration_ms in JSON and HTML, duration_seconds in Prometheus, time= in JUnit, "in Xs" in the
# table). Formats alternate, RUNS rounds. Also quotes the HTML report's size.
# usage: bench/report_formats.sh [KEYS=1000000] [RUNS=3]     REDIS_OPS=build/redis-ops
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
runs=${2:-3}

. bench/lib.sh
bench_init formats dataset
port=$(bench_free_port)
bench_server redis "$port"
bench_load "$port" "$keys"

formats=(table json junit prometheus html)
: >"$dir/results.txt"
for r in $(seq "$runs"); do
  for f in "${formats[@]}"; do
    out="$dir/report.$f"
    start=$(date +%s.%N)
    "$bin" -p "$port" scan-audit --format "$f" --output "$out" 2>/dev/null || true
    end=$(date +%s.%N)
    cp "$out" "$dir/run$r.$f"
    echo "$f $start $end $dir/run$r.$f" >>"$dir/results.txt"
  done
  echo "# round $r done" >&2
done

python3 - "$dir" "$keys" <<'PY'
import json, os, re, statistics, sys
d, keys = sys.argv[1], int(sys.argv[2])
def audit_seconds(fmt, path):
    text = open(path, encoding="utf-8", errors="replace").read()
    if fmt == "json":
        return json.loads(text)["duration_ms"] / 1000
    if fmt == "html":
        island = text.split('id="report-data">', 1)[1].split("</script>", 1)[0]
        return json.loads(island)["duration_ms"] / 1000
    if fmt == "prometheus":
        return float(re.search(r"^redis_ops_audit_duration_seconds (\S+)$", text, re.M).group(1))
    if fmt == "junit":
        return float(re.search(r'<testsuites [^>]*time="([0-9.]+)"', text).group(1))
    m = re.search(r"complete: \d+ keys in ([0-9.]+)(ms|s|m)", text)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "ms" else v * 60 if m.group(2) == "m" else v
rows, last = {}, {}
for line in open(f"{d}/results.txt"):
    fmt, start, end, path = line.split()
    wall = float(end) - float(start)
    audit = audit_seconds(fmt, path)
    # rest: process start, connecting, rendering, writing and fsync of the file.
    rows.setdefault(fmt, []).append((wall, audit, wall - audit))
    last[fmt] = path
print(f"report formats benchmark: {keys} keys (gen_dataset.py seed 7), {len(rows['json'])} runs each, alternating")
print(f"  {'format':11} {'wall s':>7} {'audit s':>8} {'rest s':>7} {'rest/audit':>10} {'max':>7} {'bytes':>9}   (medians; max: worst run's rest/audit)")
for fmt, runs in rows.items():
    med = lambda i: statistics.median(x[i] for x in runs)
    worst = max(100 * x[2] / x[1] for x in runs)
    size = os.path.getsize(last[fmt])
    print(f"  {fmt:11} {med(0):7.2f} {med(1):8.2f} {med(2):7.3f} {100 * med(2) / med(1):9.2f}% {worst:6.2f}% {size:>9}")
html = os.path.getsize(last["html"])
print(f"  HTML report at {keys} keys: {html} bytes ({html / 1048576:.2f} MiB; limit 2 MiB)")
print(f"  load average at the end: {open('/proc/loadavg').read().split()[0]} on {os.cpu_count()} CPUs")
PY
