#!/usr/bin/python3
"""Lock handoff latency: from the holder's release to the moment a waiter holds the lock.

Measures `redis-ops lock acquire --wait` next to redis-py's Lock.acquire(blocking=True) in the same
run, against a redis-server this script starts on 127.0.0.1 (and stops).

One handoff:
  1. the harness takes the lock (redis-ops: `lock acquire`; redis-py: Lock.acquire);
  2. a waiter process is started and blocks on the same lock (redis-ops: `lock acquire --wait`;
     redis-py: a python3 process calling Lock.acquire(blocking=True), which polls every 100 ms);
  3. once the waiter is surely waiting (redis-ops: subscribed to the lock's channel; redis-py: it
     said so), the harness sleeps a random 100-200 ms so the release lands at a random phase of
     any poll loop, then reads CLOCK_MONOTONIC (t0) and releases (redis-ops: `lock release`'s
     script, run here with EVALSHA so no process start is timed; redis-py: Lock.release);
  4. the waiter prints one line as soon as it holds the lock; the harness reads it (t1).
The handoff is t1 - t0. Both sides pay the same pipe and print costs, so the difference is the
waiting strategy: Pub/Sub wake-up against a 100 ms poll.

Usage: bench/lock_handoff.py [--bin build/redis-ops] [--rounds 50]
"""
import argparse
import os
import random
import select
import statistics
import subprocess
import sys
import time


from benchlib import redis_server

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PY_WAITER = r"""
import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
lock = r.lock(sys.argv[2], timeout=30)
print("ready", flush=True)
if lock.acquire(blocking=True, blocking_timeout=20):
    print("acquired", flush=True)
    lock.release()
"""


def read_line(proc, timeout=20.0):
    """One line of the waiter's stdout, or '' at EOF/timeout."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().decode().strip() if ready else ""


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def redis_ops_handoff(binary, port, r, release_sha):
    name = "bench"
    token = subprocess.run([binary, "-p", str(port), "lock", "acquire", name, "--ttl", "30s"],
                           check=True, capture_output=True, text=True).stdout.strip()
    waiter = subprocess.Popen([binary, "-p", str(port), "lock", "acquire", name, "--wait", "20s"],
                              stdout=subprocess.PIPE)
    channel = "{lock:%s}:released" % name
    deadline = time.monotonic() + 10
    while r.pubsub_numsub(channel)[0][1] < 1:
        if time.monotonic() > deadline:
            sys.exit("redis-ops waiter never subscribed")
        time.sleep(0.005)
    time.sleep(random.uniform(0.1, 0.2))
    t0 = time.monotonic()
    released = r.evalsha(release_sha, 2, "lock:" + name, "{lock:%s}:holder" % name, token,
                         channel)
    line = read_line(waiter)
    t1 = time.monotonic()
    assert released == 1 and len(line) == 32, (released, line)
    waiter.wait()
    r.delete("lock:" + name)
    return (t1 - t0) * 1000


def redis_py_handoff(port, r):
    name = "pybench"
    holder = r.lock(name, timeout=30)
    assert holder.acquire(blocking=False)
    waiter = subprocess.Popen(["/usr/bin/python3", "-c", PY_WAITER, str(port), name],
                              stdout=subprocess.PIPE)
    assert read_line(waiter) == "ready"
    time.sleep(random.uniform(0.1, 0.2))
    t0 = time.monotonic()
    holder.release()
    line = read_line(waiter)
    t1 = time.monotonic()
    assert line == "acquired", line
    waiter.wait()
    return (t1 - t0) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "redis-ops"))
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit("no redis-ops binary at %s (use --bin)" % args.bin)

    with redis_server() as (port, r):
        with open(os.path.join(ROOT, "lua", "lock_release.lua")) as f:
            release_sha = r.script_load(f.read())
        ops, py = [], []
        # Interleaved, so both see the same machine load.
        for _ in range(args.rounds):
            ops.append(redis_ops_handoff(args.bin, port, r, release_sha))
            py.append(redis_py_handoff(port, r))

    print("lock handoff latency, release -> waiter holds the lock, %d handoffs each" % args.rounds)
    print("%-24s %10s %10s %10s" % ("", "median ms", "p90 ms", "max ms"))
    for label, xs in (("redis-ops (pub/sub)", ops), ("redis-py Lock (polls)", py)):
        print("%-24s %10.2f %10.2f %10.2f" %
              (label, statistics.median(xs), percentile(xs, 0.9), max(xs)))
    print("ratio redis-py / redis-ops: median %.0fx, p90 %.0fx" %
          (statistics.median(py) / statistics.median(ops), percentile(py, 0.9) / percentile(ops, 0.9)))


if __name__ == "__main__":
    main()
