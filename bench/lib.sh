# Sourced by the bench/*.sh scripts (from the repository root): the redis-ops binary and the
# shared dataset generator they measure with, and throwaway redis-server processes on free
# loopback ports that are stopped, with their directory removed, however the script ends.
#
#   . bench/lib.sh
#   bench_init NAME [dataset]  # $bin, $dir (a fresh temp dir), the clean-up trap; with
#                              # "dataset", $gen too (../shared/bench/gen_dataset.py)
#   port=$(bench_free_port)
#   bench_server NAME PORT [redis-server args…]   # data in $dir/NAME, returns once it answers
#   bench_stop NAME            # stops that server and waits for it to exit
#   bench_load PORT KEYS [TRUTH.json]            # gen_dataset.py seed 7 into the server
#   bench_measure LABEL CMD…   # CMD under /usr/bin/time: stdout in $dir/LABEL.out, and a line
#                              # "LABEL wall_s user_s sys_s max_rss_kib server_cpu_s" appended
#                              # to $dir/results.txt (server CPU of $port; "-" without one)

bench_init() {  # bench_init NAME [dataset]
  bin=${REDIS_OPS:-build/redis-ops}
  gen=../shared/bench/gen_dataset.py
  if [ "${2:-}" = dataset ] && [ ! -f "$gen" ]; then
    echo "missing $gen (the shared dataset generator)" >&2
    exit 2
  fi
  [ -x "$bin" ] || { echo "missing $bin: build it first (cmake --build build)" >&2; exit 2; }
  dir=$(mktemp -d "/tmp/redis-ops-bench-$1.XXXXXX")
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local pidfile
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] && bench_stop "$(basename "$(dirname "$pidfile")")"
  done
  rm -rf "$dir"
}

# A free port P whose cluster-bus port P+10000 is free too (so any of them can be a cluster node).
bench_free_port() {
  python3 -c 'import socket
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    if p + 10000 < 65536:
        t = socket.socket()
        try: t.bind(("127.0.0.1", p + 10000)); print(p); break
        except OSError: pass
        finally: t.close()'
}

bench_server() {  # bench_server NAME PORT [ARGS…]
  local name=$1 port=$2
  shift 2
  mkdir -p "$dir/$name"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$name" --save "" --appendonly no \
    --maxmemory 0 --daemonize yes --pidfile "$dir/$name/redis.pid" \
    --logfile "$dir/$name/redis.log" "$@" >/dev/null
  for _ in $(seq 1200); do  # up to 60 s: loading a large dump.rdb takes a while
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.05
  done
  echo "redis-server did not start (see $dir/$name/redis.log)" >&2
  exit 1
}

bench_stop() {  # bench_stop NAME
  local pid
  pid=$(cat "$dir/$1/redis.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$dir/$1/redis.pid"
}

bench_load() {  # bench_load PORT KEYS [TRUTH.json]
  redis-cli -p "$1" flushall >/dev/null
  python3 "$gen" "$2" 7 ${3:+"$3"} | redis-cli -p "$1" --pipe >/dev/null
  echo "# loaded $(redis-cli -p "$1" dbsize) keys ($(redis-cli -p "$1" info memory |
    grep '^used_memory_human' | tr -d '\r'))" >&2
}

# The server's main-thread CPU seconds (used_cpu_*_main_thread, Redis 6.2+ and Valkey), else the
# whole process's: what a command cost Redis, whatever the machine's load.
bench_server_cpu() {  # bench_server_cpu PORT
  redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '
    /^used_cpu_(user|sys)_main_thread:/ { m += $2; have = 1 }
    /^used_cpu_(user|sys):/ { p += $2 }
    END { printf "%.3f", have ? m : p }'
}

bench_measure() {  # bench_measure LABEL CMD…
  local label=$1 before="" after="" cpu=-
  shift
  [ -n "${port:-}" ] && before=$(bench_server_cpu "$port")
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >"$dir/$label.out" 2>"$dir/$label.err" ||
    true
  if [ -n "${port:-}" ]; then
    after=$(bench_server_cpu "$port")
    cpu=$(python3 -c "print(f'{$after - $before:.3f}')")
  fi
  echo "$label $(cat "$dir/time.txt") $cpu" >>"$dir/results.txt"
  echo "# $label: $(cat "$dir/time.txt") $cpu (wall s, user s, sys s, max RSS KiB, server CPU s)" >&2
}
