#!/usr/bin/env bash
# Starts a throwaway redis-server on a free port with a sample keyspace, for demos and smoke
# tests. Prints "PORT PIDFILE DIR"; stop it with: kill "$(cat PIDFILE)".
# usage: scripts/sample-server.sh [KEYS=20000]
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-20000}
dir=$(mktemp -d /tmp/redis-ops-sample.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
gen=../shared/bench/gen_dataset.py
[ -f "$gen" ] || gen=bench/sample_keyspace.py
python3 "$gen" "$keys" 7 | redis-cli -p "$port" --pipe >/dev/null
echo "$port $dir/redis.pid $dir"
