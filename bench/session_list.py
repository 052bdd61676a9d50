#!/usr/bin/python3
"""`redis-ops session list --user-id` on the connect-redis layout (no index: a SCAN of the prefix
that decodes every session) next to redis-py doing the same work, in one run.

Starts its own redis-server on 127.0.0.1 (and stops it), loads --sessions connect-redis
sessions (`SET sess:<id> <express-session JSON> EX ttl`, users spread over --users ids, the
target user owning --mine of them), then times, each the median of --rounds fresh processes:

  redis-ops  `session list --user-id 42 --layout connect-redis --json`
  redis-py   SCAN MATCH sess:* COUNT 1000, a pipeline of GET per page, json.loads each value,
             keep those whose passport.user is the user, print JSON (id and ttl_ms)

Target: redis-ops <= 0.5x redis-py's time.

Usage: bench/session_list.py [--bin build/redis-ops] [--sessions 200000] [--rounds 3]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time


from benchlib import redis_server

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PY_LIST = r"""
import json, sys, redis
r = redis.Redis(port=int(sys.argv[1]))
user = sys.argv[2]
out = []
cursor = 0
while True:
    cursor, keys = r.scan(cursor, match='sess:*', count=1000)
    if keys:
        p = r.pipeline(transaction=False)
        for k in keys:
            p.get(k)
        for k, v in zip(keys, p.execute()):
            if v is None:
                continue
            try:
                s = json.loads(v)
            except ValueError:
                continue
            u = (s.get('passport') or {}).get('user') if isinstance(s, dict) else None
            if u is not None and str(u) == user:
                out.append({'id': k[5:].decode(), 'ttl_ms': r.pttl(k)})
    if cursor == 0:
        break
print(json.dumps({'count': len(out), 'sessions': out}))
"""


def session_json(user, max_age_ms, now_ms):
    expires = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((now_ms + max_age_ms) / 1000))
    return json.dumps(
        {
            "cookie": {
                "originalMaxAge": max_age_ms,
                "expires": expires + ".000Z",
                "httpOnly": True,
                "path": "/",
            },
            "passport": {"user": user},
            "flash": {},
            "cart": [{"sku": "a%d" % random.randint(0, 999), "qty": 1}],
        },
        separators=(",", ":"),
    )


def load(r, n, users, mine):
    now_ms = int(time.time() * 1000)
    p = r.pipeline(transaction=False)
    for i in range(n):
        user = "42" if i < mine else str(1000 + random.randrange(users))
        p.set("sess:%040x" % random.getrandbits(160), session_json(user, 86400000, now_ms), ex=86400)
        if len(p) >= 5000:
            p.execute()
    p.execute()


def timed(argv):
    t = time.perf_counter()
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "redis-ops"))
    ap.add_argument("--sessions", type=int, default=200000)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--mine", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with redis_server() as (port, r):
        load(r, args.sessions, args.users, args.mine)
        ops, py = [], []
        for _ in range(args.rounds):
            t, doc = timed([args.bin, "-p", str(port), "session", "list", "--user-id", "42",
                            "--layout", "connect-redis", "--json"])
            assert doc["count"] == args.mine, doc["count"]
            ops.append(t)
            t, doc = timed([sys.executable, "-c", PY_LIST, str(port), "42"])
            assert doc["count"] == args.mine, doc["count"]
            py.append(t)
        a, b = statistics.median(ops), statistics.median(py)
        print("sessions=%d rounds=%d (median seconds)" % (args.sessions, args.rounds))
        print("  redis-ops session list --layout connect-redis  %.3f" % a)
        print("  redis-py SCAN + GET + json.loads + filter       %.3f" % b)
        print("  ratio %.2fx (target <= 0.5x)" % (a / b))


if __name__ == "__main__":
    main()
