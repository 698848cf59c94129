#!/usr/bin/env python3
"""The YAML emission rate of `stave build`, from `--timings` (issue 19).

    python3 bench/gen_shapes.py --shape dense --statements 100000 --out /tmp/dense
    python3 bench/emit_rate.py --stave build/compiler/stave /tmp/dense
    python3 bench/emit_rate.py --stave NEW --base OLD --runs 5 /tmp/dense /tmp/std

For each repository and each binary it runs `build DIR --timings` (the
stream on stdout) and `build DIR -o OUT --timings`, several times, and
prints the median `emit` and `write` stages, the YAML's size, the
emission rate (MB of YAML per second of `emit`; 1 MB = 10^6 bytes) and
the median user CPU time of the whole process. With --base it also
requires both binaries to write the same bytes, stream and tree. Run it on
a quiet machine; the CPU column is the steadier one on a shared one.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TIMINGS = re.compile(r"^timings: (.*)$", re.M)


def stages(stderr: str) -> dict[str, float]:
    m = TIMINGS.search(stderr)
    if not m:
        raise SystemExit("no `timings:` line; is this a stave with --timings?")
    out = {}
    for part in m.group(1).split(", "):
        name, value, unit = part.split(" ")
        out[name] = float(value) if unit == "ms" else float(value) * 1000
    return out


def run(argv: list[str], stdout: Path) -> tuple[dict[str, float], float]:
    """The stages, and the process's user CPU seconds. stdout goes to a
    file, as `stave build DIR > FILE` writes it (a pipe would time the
    reader)."""
    before = os.times()
    with stdout.open("wb") as out:
        p = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE)
    after = os.times()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    return stages(p.stderr.decode()), after.children_user - before.children_user


def tree_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*.yaml"))


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def measure(stave: str, repo: Path, runs: int, work: Path) -> dict:
    rows = {}
    for mode in ("stream", "-o"):
        emit, write, user = [], [], []
        out, stream = work / "out", work / "stream.yaml"
        for _ in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            argv = [stave, "build", str(repo), "--timings"] + (["-o", str(out)] if mode == "-o" else [])
            st, cpu = run(argv, stream if mode == "stream" else work / "stdout")
            emit.append(st["emit"])
            write.append(st["write"])
            user.append(cpu)
        size = stream.stat().st_size if mode == "stream" else tree_bytes(out)
        rows[mode] = {"emit": statistics.median(emit), "write": statistics.median(write),
                      "user": statistics.median(user), "bytes": size, "stream": stream, "tree": out}
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stave", required=True)
    ap.add_argument("--base", help="a second binary to compare with, byte for byte")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("repos", nargs="+", type=Path)
    args = ap.parse_args()
    binaries = [("new", args.stave)] + ([("base", args.base)] if args.base else [])
    print("| repository | binary | output | YAML MB | emit ms | MB/s | write ms | user s |")
    print("|---|---|---|---|---|---|---|---|")
    ok = True
    for repo in args.repos:
        results = {}
        with tempfile.TemporaryDirectory(prefix="stave-emit-") as tmp:
            for label, stave in binaries:
                work = Path(tmp) / label
                work.mkdir()
                results[label] = measure(stave, repo, args.runs, work)
                for mode, r in results[label].items():
                    mb = r["bytes"] / 1e6
                    print(f"| {repo.name} | {label} | {mode} | {mb:.1f} | {r['emit']:.0f} | "
                          f"{mb / (r['emit'] / 1000):.0f} | {r['write']:.0f} | {r['user']:.2f} |")
            if args.base:
                new, base = results["new"], results["base"]
                if not filecmp.cmp(new["stream"]["stream"], base["stream"]["stream"], shallow=False):
                    print(f"{repo}: the streams differ", file=sys.stderr)
                    ok = False
                if not same_tree(new["-o"]["tree"], base["-o"]["tree"]):
                    print(f"{repo}: the -o trees differ", file=sys.stderr)
                    ok = False
    if args.base:
        print("identical bytes: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
