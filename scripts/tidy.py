#!/usr/bin/env python3
"""Runs clang-tidy (.clang-tidy at the root) over every src/ and cmd/ translation unit of a build's
compile_commands.json, JOBS at a time, and exits 1 when any of them has a finding.

A unit that passed is remembered in BUILD/clang-tidy-cache under a hash of everything its result
depends on: the clang-tidy version, .clang-tidy, the extra arguments, its compile command and the
contents of every file its depfile lists (the object's path plus .d, written by GCC during the
build). clang-tidy 14 takes 5-25 s of CPU per unit here (over half of it in
performance-unnecessary-value-param, which walks every function of the header-only CLI11), so a
run after a small change re-checks only the units that change reaches. A unit whose depfile is
missing, or older than one of the files it lists (edited since the last build), is always
checked and never remembered.

usage: scripts/tidy.py BUILD_DIR CLANG_TIDY JOBS [EXTRA_ARG…]
"""
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time


def depfile_inputs(directory, depfile):
    """The files a depfile (make syntax: `target: dep dep \\`) names, as absolute paths."""
    with open(depfile, encoding="utf-8") as f:
        text = f.read().replace("\\\n", " ")
    deps = text.split(":", 1)[1].split()
    return [os.path.normpath(os.path.join(directory, d)) for d in deps]


def main():
    build, tidy, jobs, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    root = os.getcwd()
    with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    units = {}
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        rel = os.path.relpath(path, root)
        if rel.startswith(("src" + os.sep, "cmd" + os.sep)):
            units.setdefault(rel, e)

    version = subprocess.run([tidy, "--version"], capture_output=True, text=True, check=True).stdout
    with open(".clang-tidy", encoding="utf-8") as f:
        config = f.read()
    digests = {}  # one hash per header, however many units include it

    def digest(path):
        if path not in digests:
            with open(path, "rb") as f:
                digests[path] = hashlib.sha256(f.read()).hexdigest()
        return digests[path]

    def cache_key(e):
        """The hash naming a unit's passing result, or None when it cannot be trusted."""
        args = e.get("arguments") or shlex.split(e["command"])
        output = e.get("output") or next((b for a, b in zip(args, args[1:]) if a == "-o"), None)
        if not output:
            return None
        depfile = os.path.join(e["directory"], output + ".d")
        try:
            built = os.stat(depfile).st_mtime
            inputs = sorted(set(depfile_inputs(e["directory"], depfile)))
            if any(os.stat(p).st_mtime > built for p in inputs):
                return None
            h = hashlib.sha256()
            for part in (version, config, json.dumps(extra),
                         json.dumps(e.get("arguments") or e.get("command"))):
                h.update(part.encode() + b"\0")
            for p in inputs:
                h.update(f"{p}\0{digest(p)}\0".encode())
            return h.hexdigest()
        except (OSError, IndexError):
            return None

    cache = os.path.join(build, "clang-tidy-cache")
    os.makedirs(cache, exist_ok=True)
    keys = {rel: cache_key(e) for rel, e in units.items()}
    todo = []
    for rel in sorted(units):
        stamp = os.path.join(cache, keys[rel]) if keys[rel] else None
        if stamp and os.path.exists(stamp):
            os.utime(stamp)  # still in use: kept by the pruning below
        else:
            todo.append(rel)

    def check(rel):
        cmd = [tidy, "-p", build, "--quiet"] + [f"--extra-arg={a}" for a in extra] + [rel]
        r = subprocess.run(cmd, capture_output=True, text=True)
        noise = ("warnings generated", "Suppressed ", "Use -header-filter", "Use -system-headers")
        text = "\n".join(line for line in (r.stdout + r.stderr).splitlines()
                         if line and not any(n in line for n in noise))
        return rel, r.returncode, text

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for rel, rc, text in pool.map(check, todo):
            if rc != 0:
                failed.append(rel)
                print(text or f"{rel}: clang-tidy exited {rc}", flush=True)
            elif keys[rel]:
                open(os.path.join(cache, keys[rel]), "w").close()

    # Results of other branches and older edits stay a while (switching back re-checks nothing),
    # then go: a stamp nothing has used for two weeks is removed.
    for name in os.listdir(cache):
        stamp = os.path.join(cache, name)
        if time.time() - os.stat(stamp).st_mtime > 14 * 86400:
            os.remove(stamp)
    print(f"clang-tidy: {len(units)} units, {len(todo)} checked "
          f"({len(units) - len(todo)} unchanged since they passed), {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
