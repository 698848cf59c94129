#!/usr/bin/env python3
"""Every command on every shape of repository (issue 19), whole process.

    python3 bench/shapes.py                       # 1k, 10k, 100k; 3 runs each
    python3 bench/shapes.py --sizes 1000,10000    # quicker
    python3 bench/shapes.py --write               # also replace the shapes
                                                  # section of bench/results.md

For each shape of bench/gen_shapes.py and each size it runs `check`,
`check --timings`, `build -o DIR` and `test`, reports the median wall time
and peak RSS (GNU time, as bench/run.py measures them), the peak as a
multiple of the input's bytes, the share of the process time that
`--timings` accounts for, and per command the growth per decade of
statements (time at 10x the statements divided by the time before: 10 is
linear). At 10k it also measures the language server's recheck after a
one-line edit (bench/run.py's LSP measurement: the Kubernetes name of a
user, or of a group where the shape declares no users, in the largest
file that declares one; 15 edits, median). Repositories are cached in the
work directory by shape and size.
Run it on a quiet machine: numbers from a loaded one say little.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import gen_shapes  # noqa: E402
from run import SHAPES_BEGIN, SHAPES_END, bench_lsp, fmt_ms, kib, new_output_dir, run_once  # noqa: E402

REPO = BENCH.parent
COMMANDS = ["check", "build", "test"]
TIMINGS = re.compile(r"^timings: (.*)$", re.M)


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.policy"))


def repo(work: Path, shape: str, size: int) -> Path:
    root = work / f"{shape}-{size}"
    stamp = root / ".complete"
    if not stamp.exists():
        gen_shapes.generate(shape, size, root)
        stamp.write_text("")
    return root


def argv(stave: str, command: str, root: Path, out: Path) -> list[str]:
    if command == "build":
        return [stave, "build", str(root), "-o", str(out)]
    return [stave, command, str(root)]


def timings_share(stave: str, root: Path) -> float:
    """The sum of the stages `check --timings` prints over the process's
    wall time, from one run."""
    with tempfile.NamedTemporaryFile("r") as err:
        run = run_once([stave, "check", "--timings", str(root)], err=Path(err.name))
        m = TIMINGS.search(Path(err.name).read_text())
    if not m:
        return float("nan")
    total = sum(float(x) for x in re.findall(r"([0-9.]+) ms", m.group(1)))
    return total / run.wall_ms


def fs_type(path: Path) -> str:
    """The type of the file system `path` is on (/proc/mounts)."""
    best, kind = "", "?"
    real = str(path.resolve())
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        mount = fields[1]
        if (real == mount or real.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
            best, kind = mount, fields[2]
    return kind


def measure(stave: str, root: Path, runs: int, outputs: Path, tmpfs: Path | None) -> dict:
    """Median wall time and peak RSS of each command. `build -o` is timed
    twice: into a directory that does not exist (a clean clone's CI), a
    new one each run, and again into the last of them, which is then up
    to date (CI rebuilding a committed output, where nothing is written).
    The directories are kept in `outputs` until the whole run ends: ext4
    skips the inodes of files deleted in the last half minute or so when
    it allocates new ones, and writing a build's thousands of files right
    after removing the previous run's made `write` up to ten times slower
    than on a clean file system. With `tmpfs`, the builds into a new
    directory are timed there too: what is left is Stave's own time, not
    the disk's."""
    out: dict = {"bytes": tree_bytes(root)}
    for command in COMMANDS:
        series = []
        for i in range(runs):
            dest = new_output_dir(outputs)
            series.append(run_once(argv(stave, command, root, dest)))
        out[command] = (statistics.median(r.wall_ms for r in series),
                        max(r.rss_kb for r in series))
        if command == "build" and tmpfs is not None:
            fast = [run_once(argv(stave, command, root, new_output_dir(tmpfs))) for _ in range(runs)]
            out["build_tmpfs"] = (statistics.median(r.wall_ms for r in fast),
                                  max(r.rss_kb for r in fast))
        if command == "build":
            again = [run_once(argv(stave, command, root, dest)) for _ in range(runs)]
            out["rebuild"] = (statistics.median(r.wall_ms for r in again),
                              max(r.rss_kb for r in again))
    out["share"] = timings_share(stave, root)
    return out


LSP_SIZE = 10_000


def lsp_recheck(stave: str, root: Path) -> tuple[str, float]:
    """The file edited and the median recheck, in milliseconds."""
    for decl in ("user", "group"):
        try:
            r = bench_lsp(stave, root, 15, decl)
        except ValueError:  # no file declares one
            continue
        return r["file"], statistics.median(r["recheck_ms"])
    return "", float("nan")


def report(results: dict, sizes: list[int], disk: str, tmpfs: bool) -> str:
    extra = " build -o, tmpfs |" if tmpfs else ""
    lines = [f"| shape | statements | input | check | build -o ({disk}) |{extra} build -o, up to date | "
             "test | peak (check) | peak / input, check | peak / input, build | `--timings` share |",
             "|---|---:|---:|---:|---:|" + ("---:|" if tmpfs else "") + "---:|---:|---:|---:|---:|---:|"]
    for shape, by_size in results.items():
        for size in sizes:
            r = by_size[size]
            peak = r["check"][1]
            fast = f" {fmt_ms(r['build_tmpfs'][0])} |" if tmpfs else ""
            lines.append(f"| {shape} | {size:,} | {kib(r['bytes'] / 1024)} | {fmt_ms(r['check'][0])} | "
                         f"{fmt_ms(r['build'][0])} |{fast} {fmt_ms(r['rebuild'][0])} | "
                         f"{fmt_ms(r['test'][0])} | {kib(peak)} | "
                         f"{peak * 1024 / r['bytes']:.0f}× | {r['build'][1] * 1024 / r['bytes']:.0f}× | "
                         f"{r['share'] * 100:.0f}% |")
    lines += ["", "Growth per decade of statements (time ×, 10 is linear):", "",
              "| shape | command | " + " | ".join(f"{a:,} → {b:,}" for a, b in zip(sizes, sizes[1:])) + " |",
              "|---|---|" + "---:|" * (len(sizes) - 1)]
    growth = [(c, c) for c in COMMANDS]
    if tmpfs:
        growth.insert(2, ("build_tmpfs", "build (tmpfs)"))
    for shape, by_size in results.items():
        for key, label in growth:
            ratios = [by_size[b][key][0] / by_size[a][key][0] for a, b in zip(sizes, sizes[1:])]
            lines.append(f"| {shape} | {label} | " + " | ".join(f"{x:.1f}" for x in ratios) + " |")
    rechecks = {shape: by_size[LSP_SIZE]["lsp"] for shape, by_size in results.items()
                if "lsp" in by_size.get(LSP_SIZE, {})}
    if rechecks:
        lines += ["", f"Language server at {LSP_SIZE:,} statements, recheck after a one-line edit "
                  "(median of 15; edit → the file's new diagnostics):", "",
                  "| shape | files | file edited | recheck |", "|---|---:|---|---:|"]
        for shape, (files, edited, ms) in rechecks.items():
            lines.append(f"| {shape} | {files:,} | `{edited}` | {fmt_ms(ms)} |")
    return "\n".join(lines) + "\n"


def write_section(text: str, header: str) -> None:
    path = BENCH / "results.md"
    begin, end = SHAPES_BEGIN, SHAPES_END
    body = path.read_text() if path.exists() else ""
    section = f"{begin}\n## Every shape (bench/shapes.py)\n\n{header}\n\n{text}{end}\n"
    if begin in body and end in body:
        body = body[: body.index(begin)] + section + body[body.index(end) + len(end) + 1:]
    else:
        body = body.rstrip("\n") + "\n\n" + section
    path.write_text(body)


def run_shapes(args, sizes: list[int], results: dict, outputs: Path, tmpfs: Path | None) -> None:
    for shape in args.shapes.split(","):
        results[shape] = {}
        for size in sizes:
            root = repo(args.work, shape, size)
            print(f"{shape} {size:,}", file=sys.stderr, flush=True)
            results[shape][size] = measure(args.stave, root, args.runs, outputs, tmpfs)
            if size == LSP_SIZE:
                edited, ms = lsp_recheck(str(Path(args.stave).resolve()), root)
                files = sum(1 for _ in root.rglob("*.policy"))
                results[shape][size]["lsp"] = (files, edited, ms)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stave", default=str(REPO / "build" / "compiler" / "stave"))
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--shapes", default=",".join(gen_shapes.SHAPES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "stave-shapes")
    ap.add_argument("--write", action="store_true", help="replace the shapes section of bench/results.md")
    ap.add_argument("--tmpfs", type=Path, help="also time build -o into new directories here (a tmpfs)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()[0]
    results: dict = {}
    args.work.mkdir(parents=True, exist_ok=True)
    if args.tmpfs and fs_type(args.tmpfs) != "tmpfs":
        print(f"{args.tmpfs} is not on a tmpfs", file=sys.stderr)
        return 2
    outputs = Path(tempfile.mkdtemp(prefix="outputs-", dir=args.work))
    tmpfs = Path(tempfile.mkdtemp(prefix="outputs-", dir=args.tmpfs)) if args.tmpfs else None
    try:
        run_shapes(args, sizes, results, outputs, tmpfs)
    finally:
        shutil.rmtree(outputs, ignore_errors=True)
        if tmpfs:
            shutil.rmtree(tmpfs, ignore_errors=True)
    text = report(results, sizes, fs_type(outputs.parent), tmpfs is not None)
    print(text)
    if args.write:
        header = (f"`python3 bench/shapes.py --runs {args.runs}` on {datetime.date.today().isoformat()}, "
                  f"{os.cpu_count()} cores, load average {load_before:.2f} at the start and "
                  f"{os.getloadavg()[0]:.2f} at the end; median whole-process times. Reading and "
                  "writing go to the machine's disk: where the page cache has dropped the "
                  "repository, `read` is slower, and `build -o` waits for the disk"
                  + (f"; the tmpfs column writes to `{args.tmpfs}` instead." if args.tmpfs else "."))
        write_section(text, header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
