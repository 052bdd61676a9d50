#!/usr/bin/python3
"""invalidate-tag of a big tag: total time and the longest single server command, in one run.

Starts its own redis-server on 127.0.0.1 (and stops it), fills a tag of --members keys, and
invalidates it three ways, refilling in between, with `slowlog-log-slower-than 0` so SLOWLOG
records every command's server-side duration:

  redis-ops   `redis-ops invalidate-tag big` (RENAME to a tombstone, SSCAN + UNLINK batches)
  redis-py    the same drain written with redis-py: SSCAN 1000 + pipelined UNLINK, then UNLINK
  one-script  the common shortcut: one EVAL doing SMEMBERS + UNLINK of everything + DEL

Reports the wall time of each, and the longest command each made the server run
(target for redis-ops: <= 10 ms).

Usage: bench/invalidate_tag.py [--bin build/redis-ops] [--members 1000000] [--batch 250]
(SLOWLOG durations are wall time inside the server: on a loaded machine they include the
time the server thread was preempted, so read them next to the load average printed.)
"""
import argparse
import glob
import os
import subprocess
import time


from benchlib import redis_server

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

FILL = """
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = from, to do
    local k = 'member:' .. i
    redis.call('SET', k, 'v', 'PX', 3600000)
    redis.call('SADD', KEYS[1], k)
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return to - from + 1
"""

ONE_SCRIPT = """
local members = redis.call('SMEMBERS', KEYS[1])
local n = 0
for i = 1, #members, 5000 do
    n = n + redis.call('UNLINK', unpack(members, i, math.min(i + 4999, #members)))
end
redis.call('DEL', KEYS[1])
return n
"""


def find_bin():
    for b in [os.path.join(ROOT, 'build', 'redis-ops')] + sorted(glob.glob(os.path.join(ROOT, 'build-*', 'redis-ops'))):
        if os.access(b, os.X_OK):
            return b
    raise SystemExit('no redis-ops binary; pass --bin')


def fill(r, n):
    r.flushall()
    chunk = 20000
    for start in range(1, n + 1, chunk):
        r.eval(FILL, 1, 'tag:big', start, min(start + chunk - 1, n))
    assert r.scard('tag:big') == n


def start_watch(r):
    r.config_set('slowlog-log-slower-than', 0)
    r.config_set('slowlog-max-len', 1000000)
    r.slowlog_reset()


def longest(r):
    entries = r.slowlog_get(1000000)
    r.config_set('slowlog-log-slower-than', 10000)
    cmds = [e for e in entries if not e['command'].startswith(b'SLOWLOG') and not e['command'].startswith(b'CONFIG')]
    worst = max(cmds, key=lambda e: e['duration'])
    durations = sorted(e['duration'] for e in cmds)
    p99 = durations[min(len(durations) - 1, int(len(durations) * 0.99))] / 1000.0
    median = durations[len(durations) // 2] / 1000.0
    over = sum(1 for d in durations if d > 10000)
    what = worst['command'][:50].decode(errors='replace').replace('\n', ' ')
    return worst['duration'] / 1000.0, p99, median, over, what, len(cmds)


def redis_py_drain(r):
    deleted, cursor = 0, 0
    while True:
        cursor, members = r.sscan('tag:big', cursor, count=1000)
        if members:
            deleted += r.unlink(*members)
        if cursor == 0:
            break
    r.unlink('tag:big')
    return deleted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=None)
    ap.add_argument('--members', type=int, default=1000000)
    ap.add_argument('--batch', type=int, default=250, help='redis-ops --batch (its default)')
    a = ap.parse_args()
    binary = a.bin or find_bin()
    with redis_server() as (port, r):
        results = []

        fill(r, a.members)
        start_watch(r)
        t = time.perf_counter()
        out = subprocess.run([binary, '-p', str(port), 'invalidate-tag', 'big', '--batch', str(a.batch)],
                             check=True,
                             capture_output=True, text=True).stdout.strip()
        total = time.perf_counter() - t
        assert int(out) == a.members and r.dbsize() == 0, (out, r.dbsize())
        results.append(('redis-ops invalidate-tag', total) + longest(r))

        fill(r, a.members)
        start_watch(r)
        t = time.perf_counter()
        n = redis_py_drain(r)
        total = time.perf_counter() - t
        assert n == a.members and r.dbsize() == 0
        results.append(('redis-py SSCAN+UNLINK', total) + longest(r))

        fill(r, a.members)
        start_watch(r)
        t = time.perf_counter()
        n = r.eval(ONE_SCRIPT, 1, 'tag:big')
        total = time.perf_counter() - t
        assert n == a.members and r.dbsize() == 0
        results.append(('one EVAL (SMEMBERS+UNLINK)', total) + longest(r))

        print(f'binary: {binary}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs')
        print(f'tag of {a.members} members; longest command from SLOWLOG (slowlog-log-slower-than 0)')
        print(f'{"method":28} {"total s":>8} {"longest ms":>11} {"p99 ms":>7} {"median":>7} {">10ms":>6} '
              f'{"commands":>9}  longest command')
        for name, total, worst_ms, p99, median, over, cmd, count in results:
            print(f'{name:28} {total:8.2f} {worst_ms:11.2f} {p99:7.2f} {median:7.2f} {over:6} '
                  f'{count:9}  {cmd}')
        ours, py = results[0][1], results[1][1]
        print(f'ratio total redis-ops / redis-py: {ours / py:.2f}x; '
              f'redis-ops longest command {results[0][2]:.2f} ms (target <= 10 ms)')


if __name__ == '__main__':
    main()
