#!/usr/bin/env python3
"""A small mixed keyspace as RESP for `redis-cli --pipe`, used when ../shared/bench is absent.
usage: sample_keyspace.py N_KEYS [SEED]"""
import random, sys

def resp(*args):
    out = [f"*{len(args)}\r\n"]
    for a in args:
        a = str(a)
        out.append(f"${len(a.encode())}\r\n{a}\r\n")
    return "".join(out)

n = int(sys.argv[1])
rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
w = sys.stdout.write
for i in range(n):
    r = rnd.random()
    ttl = [] if rnd.random() < 0.4 else ["EX", rnd.randint(60, 86400 * 10)]
    if r < 0.7:
        size = 200_000 if rnd.random() < 1 / 5000 else rnd.randint(10, 400)
        w(resp("SET", f"user:{i}:profile" if i % 2 else f"session:{i:x}", "x" * size, *ttl))
    elif r < 0.85:
        w(resp("HSET", f"user:{i}:h", "name", "n", "email", "e"))
    else:
        w(resp("RPUSH", f"feed:user:{i}", *[f"item{j}" for j in range(rnd.randint(1, 30))]))
