#!/usr/bin/env python3
"""Split a RESP command stream (from gen_dataset.py) into one file per cluster master, by the
hash slot of each command's key (argv[1]), so each part loads with `redis-cli --pipe`, which does
not follow MOVED.
usage: cluster_split.py OUT_PREFIX START-END:NAME... < commands.resp
Writes OUT_PREFIX.NAME for each slot range (e.g. 0-5460:7001)."""
import sys

def crc16(data: bytes) -> int:  # CRC16-XMODEM, as Redis Cluster
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc

def slot(key: bytes) -> int:
    s = key.find(b"{")
    if s >= 0:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    return crc16(key) % 16384

prefix = sys.argv[1]
owner = [None] * 16384
outs = {}
for spec in sys.argv[2:]:
    rng, name = spec.split(":")
    lo, hi = map(int, rng.split("-"))
    outs.setdefault(name, open(f"{prefix}.{name}", "wb"))
    for s in range(lo, hi + 1):
        owner[s] = outs[name]
cache = {}
inp = sys.stdin.buffer
while True:
    line = inp.readline()
    if not line:
        break
    assert line.startswith(b"*"), line
    parts = [line]
    argv = []
    for _ in range(int(line[1:])):
        hdr = inp.readline()
        n = int(hdr[1:])
        body = inp.read(n + 2)
        parts += [hdr, body]
        argv.append(body[:-2])
    key = argv[1]
    # Keys repeat (EXPIRE after SET, XADD per entry): remember their slots.
    s = cache.get(key)
    if s is None:
        s = cache[key] = slot(key)
        if len(cache) > 4096:
            cache.clear()
            cache[key] = s
    owner[s].write(b"".join(parts))
for f in outs.values():
    f.close()
