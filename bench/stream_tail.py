#!/usr/bin/python3
"""Benchmark: `redis-ops stream tail s --from 0 --format json` against
`redis-cli --raw XRANGE s - +`, both into /dev/null, on the same stream in the same run.

Starts its own redis-server on 127.0.0.1 (a free port, a temp dir), loads N entries with
`redis-cli --pipe`, runs the two tools alternately (>= 3 runs each) and reports the median
wall time, the ratio (redis-ops / redis-cli; the target is <= 1.0) and the peak RSS of each
(from /usr/bin/time -v).

usage: bench/stream_tail.py [--redis-ops PATH] [--sizes 100000,1000000] [--runs 3]
"""
import argparse, os, re, statistics, subprocess, sys, time

from benchlib import redis_server


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def load(port, n):
    """XADD n entries of three fields (about 100 bytes each) with explicit ids."""
    subprocess.run(["redis-cli", "-p", str(port), "DEL", "s"], check=True, capture_output=True)
    chunks = []
    for i in range(1, n + 1):
        chunks.append(resp("XADD", "s", f"1700000000000-{i}", "type", "order.paid",
                           "user", f"user:{i % 5000}", "payload",
                           f'{{"amount":{i % 997},"currency":"EUR","note":"entry {i}"}}'))
        if len(chunks) == 10000:
            pipe(port, b"".join(chunks))
            chunks = []
    if chunks:
        pipe(port, b"".join(chunks))
    got = int(subprocess.run(["redis-cli", "-p", str(port), "XLEN", "s"], check=True,
                             capture_output=True, text=True).stdout)
    assert got == n, (got, n)


def pipe(port, data):
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=data, check=True,
                   capture_output=True)


def measure(argv):
    """Wall seconds and peak RSS (KiB) of one run, stdout to /dev/null."""
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v"] + argv, stdout=null, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"{argv[0]} failed ({p.returncode}):\n{err}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    return wall, rss


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis-ops", default=os.path.join(here, "..", "build", "redis-ops"))
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs /usr/bin/time (apt-get install time)")
    with redis_server() as (port, _):
        ops = [a.redis_ops, "-p", str(port), "stream", "tail", "s", "--from", "0",
               "--format", "json"]
        cli = ["redis-cli", "-p", str(port), "--raw", "XRANGE", "s", "-", "+"]
        print(f"redis-ops: {a.redis_ops}")
        print(f"{'entries':>9} {'redis-ops s':>12} {'redis-cli s':>12} {'ratio':>6} "
              f"{'ops RSS MiB':>12} {'cli RSS MiB':>12}")
        for n in [int(x) for x in a.sizes.split(",")]:
            load(port, n)
            # Same line count from both: the tail really read everything.
            lines = subprocess.run(ops, capture_output=True).stdout.count(b"\n")
            assert lines == n, (lines, n)
            ow, orss, cw, crss = [], [], [], []
            for _ in range(a.runs):  # alternate, so drift hits both alike
                w, r = measure(ops)
                ow.append(w)
                orss.append(r)
                w, r = measure(cli)
                cw.append(w)
                crss.append(r)
            mo, mc = statistics.median(ow), statistics.median(cw)
            print(f"{n:>9} {mo:>12.3f} {mc:>12.3f} {mo / mc:>6.2f} {max(orss) / 1024:>12.1f} "
                  f"{max(crss) / 1024:>12.1f}", flush=True)
            print(f"          runs redis-ops {['%.3f' % x for x in ow]} redis-cli "
                  f"{['%.3f' % x for x in cw]}")


if __name__ == "__main__":
    main()
