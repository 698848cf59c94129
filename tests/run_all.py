#!/usr/bin/env python3
"""Runs every test suite and prints one closing line `N passed, N failed`.

Suites: Catch2 unit tests, golden cases, CLI tests, the language server over
stdio, and the npm suites, all against the build given with `--build`
(scripts/test passes its AddressSanitizer + UBSan build, so each suite is a
memory-safety test too), two at a time, each suite's output printed whole
in a fixed order; then bounded libFuzzer runs (parse and check; lowering
and emission; fmt; the language server's message handling; the Kubernetes
YAML reader), one per core, in a clang tree of their own. `--quick` skips
the fuzzers. `--only NAME` runs the named suites alone (repeatable), and
`--stave PATH` tests that binary instead of the build's: `meson test` runs
the npm suites so.

Every suite but the fuzzers is also registered with meson
(tests/meson.build), so `meson test -C build` runs the same list.
"""
import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Seconds per fuzz target (STAVE_FUZZ_SECONDS for longer runs,
# docs/fuzzing.md): five targets, two at a time, share about twenty.
FUZZ_SECONDS = int(os.environ.get("STAVE_FUZZ_SECONDS", "6"))
# Each target with the seed directories (under ROOT) it starts from.
FUZZ_TARGETS = [
    ("fuzz-check", ("examples", "golden")),
    ("fuzz-build", ("examples", "golden")),
    ("fuzz-fmt", ("examples", "golden")),
    ("fuzz-lsp", ("tests/fuzz/lsp-seeds",)),
    # The Kubernetes YAML reader of import and drift, seeded with the real
    # objects of ../shared/corpus where it is beside the checkout.
    ("fuzz-kube", ("../shared/corpus",)),
]


def sh(cmd, cwd=ROOT, **kw):
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd, **kw)


def counts_from(output, pattern=r"(\d+) passed, (\d+) failed"):
    m = None
    for m in re.finditer(pattern, output):
        pass
    return (int(m.group(1)), int(m.group(2))) if m else None


def run_catch2(binary):
    p = sh([binary, "--reporter", "console"], capture_output=True, text=True)
    out = p.stdout + p.stderr
    m = re.search(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)", out)
    if m and p.returncode == 0:
        print("unit: %s test cases passed" % m.group(1))
        return int(m.group(1)), 0
    sys.stdout.write(out)
    m = re.search(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed", out)
    if m:
        return int(m.group(2)), int(m.group(3))
    return 0, 1  # the binary crashed or printed nothing we understand


def run_counted(cmd, env=None):
    p = sh(cmd, capture_output=True, text=True, env=env)
    out = p.stdout + p.stderr
    sys.stdout.write(out)
    c = counts_from(out)
    if c is None:
        return 0, 1
    if p.returncode != 0 and c[1] == 0:
        return c[0], 1
    return c


def run_node_tests(stave):
    """The suites under tests/js, which use npm packages (installed here from
    the committed lockfile)."""
    js = os.path.join(ROOT, "tests", "js")
    installed = os.path.join(js, "node_modules", ".package-lock.json")
    lock = os.path.join(js, "package-lock.json")
    if not os.path.exists(installed) or os.path.getmtime(installed) < os.path.getmtime(lock):
        r = sh(["npm", "ci", "--no-audit", "--no-fund"], cwd=js, capture_output=True, text=True)
        if r.returncode != 0:
            sys.stdout.write(r.stdout + r.stderr)
            return 0, 1
    env = dict(os.environ, STAVE=stave)
    p = subprocess.run(["node", "--test"], cwd=js, capture_output=True, text=True, env=env)
    out = p.stdout + p.stderr
    passed = re.search(r"^# pass (\d+)", out, re.M)
    failed = re.search(r"^# fail (\d+)", out, re.M)
    if not passed or not failed:
        sys.stdout.write(out)
        return 0, 1
    if int(failed.group(1)) or p.returncode:
        sys.stdout.write(out)
    print("node: %s passed, %s failed" % (passed.group(1), failed.group(1)))
    return int(passed.group(1)), max(int(failed.group(1)), 1 if p.returncode else 0)


FUZZ_TREE = "build-fuzz"


def start_fuzz_build():
    """Configures build-fuzz (libFuzzer needs clang; only the fuzz target and
    stave-core are built) and starts compiling it on one core: the suites
    use about one, so the fuzzer's tree costs CI little wall time. Returns
    the running ninja, or None when configuring failed."""
    build = os.path.join(ROOT, FUZZ_TREE)
    if not os.path.exists(os.path.join(build, "build.ninja")):
        # ASan only: UBSan already runs under every suite in build-test, and
        # it doubles the compile time. -O0: the tree compiles in 60% of the
        # time of -O1, and a fuzzer's few seconds matter less than the
        # minutes its tree costs CI.
        r = sh(["meson", "setup", FUZZ_TREE, "-Doptimization=0", "-Ddebug=false",
                "-Dcpp_args=-g1", "-Db_sanitize=address", "-Db_lundef=false", "-Dfuzz=true",
                "--unity", "on", "-Dunity_size=8"],
               env=dict(os.environ, CC="clang-14", CXX="clang++-14"), capture_output=True, text=True)
        if r.returncode != 0:
            sys.stdout.write(r.stdout + r.stderr)
            return None
    # Output to a file, not a pipe: nobody reads it until the suites end,
    # and compiler warnings could fill a pipe and stall the build.
    log = tempfile.TemporaryFile()
    return subprocess.Popen(["ninja", "-C", FUZZ_TREE, "-j1"] + _fuzz_outputs(), cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)


def finish_fuzz_build(ninja):
    """Stops the one-core build and finishes it on every core (ninja keeps
    what it already compiled). Returns the tree, or None when it failed."""
    if ninja is None:
        return None
    if ninja.poll() is None:
        ninja.terminate()
    ninja.wait()
    r = sh(["ninja", "-C", FUZZ_TREE] + _fuzz_outputs(), capture_output=True, text=True)
    if r.returncode != 0:
        sys.stdout.write(r.stdout[-5000:] + r.stderr[-5000:])
        return None
    return os.path.join(ROOT, FUZZ_TREE)


def _fuzz_outputs():
    return ["tests/" + name for name, _ in FUZZ_TARGETS]


def run_one_fuzzer(build, name, seed_dirs):
    # A corpus per target: what one target learned is noise to another.
    corpus = os.path.join(build, "fuzz-corpus" if name == "fuzz-check" else "fuzz-corpus-" + name[5:])
    os.makedirs(corpus, exist_ok=True)
    seeds = [os.path.join(ROOT, d) for d in seed_dirs]
    cmd = [os.path.join(build, "tests", name), "-max_total_time=%d" % FUZZ_SECONDS,
           "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=0",
           "-dict=" + os.path.join(ROOT, "tests", "fuzz", "policy.dict"), corpus] + \
        [s for s in seeds if os.path.isdir(s)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    ok = p.returncode == 0
    tail = (p.stdout + p.stderr).strip().splitlines()[-3:]
    # One write per target: they run side by side.
    report = "$ %s\n%s: %s (%ds)\n  %s\n" % (" ".join(cmd), name, "ok" if ok else "FAILED", FUZZ_SECONDS,
                                           "\n  ".join(tail))
    if not ok:
        report += p.stderr[-8000:]
    sys.stdout.write(report)
    sys.stdout.flush()
    return ok


def run_fuzzer(build):
    # One target per core: each is one process, and they share nothing.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        results = list(pool.map(lambda t: run_one_fuzzer(build, *t), FUZZ_TARGETS))
    return sum(results), len(results) - sum(results)


class _PerThreadStdout:
    """sys.stdout for suites run side by side: what a suite's thread prints
    is kept and printed whole, in the suites' order, when it is done."""

    def __init__(self, real):
        self.real = real
        self.local = threading.local()

    def write(self, text):
        buf = getattr(self.local, "buf", None)
        return (self.real if buf is None else buf).write(text)

    def flush(self):
        self.real.flush()


def run_side_by_side(suites):
    """Runs (name, fn) suites two at a time (a 2-core CI machine; each suite
    is one process at a time) and returns [(name, counts, seconds)] in the
    order given, printing each suite's output whole."""
    from concurrent.futures import ThreadPoolExecutor
    out = sys.stdout if isinstance(sys.stdout, _PerThreadStdout) else _PerThreadStdout(sys.stdout)
    sys.stdout = out

    def one(item):
        name, fn = item
        out.local.buf = io.StringIO()
        start = time.monotonic()
        try:
            counts = fn()
        except Exception as e:  # noqa: BLE001 - a broken runner fails its suite, not the others
            print("%s: the runner failed: %r" % (name, e))
            counts = (0, 1)
        text = out.local.buf.getvalue()
        out.local.buf = None
        return name, counts, time.monotonic() - start, text

    results = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, counts, seconds, text in pool.map(one, suites):
            out.real.write(text)
            out.real.flush()
            results.append((name, counts, seconds))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default="build", help="the build tree whose binaries are tested")
    ap.add_argument("--stave", help="the stave binary (default: the build tree's)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this suite (repeatable)")
    a = ap.parse_args()
    build = os.path.join(ROOT, a.build)
    stave = os.path.abspath(a.stave) if a.stave else os.path.join(build, "compiler", "stave")
    if a.only and "fuzz" not in a.only:
        a.quick = True
    # Sanitizer reports abort the process, so a finding fails its test.
    os.environ.update(ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
                      UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    fuzz_build = None if a.quick else start_fuzz_build()
    suites = [
        ("unit", lambda: run_catch2(os.path.join(build, "tests", "unit-tests"))),
        ("cli", lambda: run_counted([sys.executable, "tests/cli/run_cli.py", stave])),
        ("golden", lambda: run_counted([sys.executable, "tests/golden/run_golden.py", stave, "golden"])),
        ("cluster", lambda: run_counted([sys.executable, "tests/cli/run_cluster.py", stave])),
        ("lsp-stdio", lambda: run_counted([sys.executable, "tests/lsp/run_lsp.py", stave])),
        ("lsp-transcripts", lambda: run_counted([sys.executable, "tests/lsp/run_transcripts.py", stave])),
        ("node", lambda: run_node_tests(stave)),
        ("cli-writes", lambda: run_counted([sys.executable, "tests/cli/run_write_faults.py", stave])),
        ("std-vs-real", lambda: run_counted([sys.executable, "tests/stdlib/run_std_vs_real.py", stave])),
        ("docs", lambda: run_counted([sys.executable, "tests/docs/run_docs.py", stave])),
    ]
    if not a.quick:
        # Last, so that it starts when one lane is free: by then the fuzz
        # tree has been compiling on the other core since the start.
        def fuzz():
            tree = finish_fuzz_build(fuzz_build)
            return run_fuzzer(tree) if tree else (0, 1)
        suites.append(("fuzz", fuzz))
    if a.only:
        unknown = set(a.only) - {name for name, _ in suites}
        if unknown:
            ap.error("no suite named %s" % ", ".join(sorted(unknown)))
        suites = [(name, fn) for name, fn in suites if name in a.only]
    results = run_side_by_side(suites)
    passed = sum(r[1][0] for r in results)
    failed = sum(r[1][1] for r in results)
    print()
    for name, (p, f), seconds in results:
        print("  %-16s %d passed, %d failed  (%.0f s)" % (name, p, f, seconds))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
