#!/usr/bin/python3
"""`redis-ops session` next to redis-py doing the same work in the same layout, in one run.

Starts its own redis-server on 127.0.0.1 (and stops it). Three measurements, each the median
of --rounds runs, both sides started as fresh processes from the shell (that is how an operator
or a CI job calls them, so interpreter / process start counts on both sides):

  create       one `session create --user-id u --field k=v` vs a python3 process doing the same
               HSET + PEXPIRE + SADD + index PEXPIRE in one pipeline
  list         `session list --user-id u --json` over --sessions sessions vs redis-py SMEMBERS
               + a pipeline of HGETALL + PTTL per id, printing JSON
  destroy-all  `session destroy-all --user-id u` over --sessions sessions vs redis-py SSCAN +
               pipelined UNLINK batches of 500 + UNLINK of the index

Usage: bench/session.py [--bin build/redis-ops] [--sessions 20000] [--rounds 5]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


from benchlib import redis_server

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PY_CREATE = r"""
import base64, os, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
sid = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b'=').decode()
now = r.time()[0]
p = r.pipeline(transaction=True)
p.hset('session:' + sid, mapping={'user_id': 'u', 'created_at': now, 'max_age_ms': 86400000, 'k': 'v'})
p.pexpire('session:' + sid, 86400000)
p.sadd('user_sessions:u', sid)
p.pexpire('user_sessions:u', 86400000)
p.execute()
print(sid)
"""

PY_LIST = r"""
import json, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
ids = list(r.smembers('user_sessions:u'))
p = r.pipeline(transaction=False)
for i in ids:
    p.hgetall(b'session:' + i)
    p.pttl(b'session:' + i)
res = p.execute()
out = []
for n, i in enumerate(ids):
    h, ttl = res[2 * n], res[2 * n + 1]
    if h:
        out.append({'id': i.decode(), 'ttl_ms': ttl, 'created_at': int(h.get(b'created_at', 0))})
print(json.dumps({'count': len(out), 'sessions': out}))
"""

PY_DESTROY_ALL = r"""
import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
n, batch = 0, []
for i in r.sscan_iter('user_sessions:u', count=500):
    batch.append(b'session:' + i)
    if len(batch) == 500:
        n += r.unlink(*batch); batch = []
if batch:
    n += r.unlink(*batch)
r.unlink('user_sessions:u')
print(n)
"""


def populate(r, n):
    r.flushall()
    p = r.pipeline(transaction=False)
    for i in range(n):
        sid = f"s{i:07d}"
        p.hset("session:" + sid, mapping={"user_id": "u", "created_at": 1700000000 + i, "ip": "10.0.0.1"})
        p.expire("session:" + sid, 86400)
        p.sadd("user_sessions:u", sid)
        if len(p) >= 3000:
            p.execute()
    p.execute()
    r.expire("user_sessions:u", 86400)


def timed(argv):
    t0 = time.monotonic()
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    return time.monotonic() - t0, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "redis-ops"))
    ap.add_argument("--sessions", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not shutil.which(args.bin) and not os.access(args.bin, os.X_OK):
        sys.exit(f"no redis-ops binary at {args.bin} (build first, or pass --bin)")
    rows = []
    with redis_server() as (port, r):
        ops = [args.bin, "-p", str(port), "session"]
        py = ["/usr/bin/python3", "-c"]
        # create: one process per session, as from a shell.
        a, b = [], []
        for _ in range(args.rounds * 4):
            a.append(timed(ops + ["create", "--user-id", "u", "--field", "k=v"])[0])
            b.append(timed(py + [PY_CREATE, str(port)])[0])
        assert r.scard("user_sessions:u") == args.rounds * 8
        rows.append(("create (1 session)", statistics.median(a), statistics.median(b)))

        a, b = [], []
        for _ in range(args.rounds):
            populate(r, args.sessions)
            t, out = timed(ops + ["list", "--user-id", "u", "--json"])
            assert b'"count":%d' % args.sessions in out, out[:200]
            a.append(t)
            t, out = timed(py + [PY_LIST, str(port)])
            assert b'"count": %d' % args.sessions in out, out[:200]
            b.append(t)
        rows.append((f"list ({args.sessions} sessions)", statistics.median(a), statistics.median(b)))

        a, b = [], []
        for _ in range(args.rounds):
            populate(r, args.sessions)
            t, out = timed(ops + ["destroy-all", "--user-id", "u"])
            assert r.dbsize() == 0 and str(args.sessions).encode() in out, out
            a.append(t)
            populate(r, args.sessions)
            t, out = timed(py + [PY_DESTROY_ALL, str(port)])
            assert r.dbsize() == 0 and out.strip() == str(args.sessions).encode(), out
            b.append(t)
        rows.append((f"destroy-all ({args.sessions} sessions)", statistics.median(a),
                     statistics.median(b)))

    print(f"{'operation':<30} {'redis-ops':>12} {'redis-py':>12} {'ratio':>8}")
    for name, ours, peer in rows:
        print(f"{name:<30} {ours * 1000:>10.1f}ms {peer * 1000:>10.1f}ms {peer / ours:>7.2f}x")
    print("ratio = redis-py time / redis-ops time (above 1: redis-ops is faster)")


if __name__ == "__main__":
    main()
