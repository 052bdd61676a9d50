"""Shared by the bench/*.py scripts: a throwaway redis-server on a free loopback port.

    from benchlib import redis_server
    with redis_server() as (port, r):   # r: a redis.Redis connected to it
        ...

The server runs in a temporary directory; both are gone when the block ends, however it ends.
"""
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import redis


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(*extra_args):
    tmp = tempfile.mkdtemp(prefix="redis-ops-bench-")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", tmp, "--logfile", tmp + "/redis.log", *extra_args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = redis.Redis(port=port)
        for _ in range(400):
            try:
                r.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    sys.exit("redis-server did not start (see its log above)")
                time.sleep(0.025)
        else:
            sys.exit("redis-server did not answer PING within 10 s")
        yield port, r
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
