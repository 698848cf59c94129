#!/usr/bin/env python3
"""Golden test runner: runs `stave` on every case under golden/ and compares
its output with the expectations stored beside the input.

A case is a directory holding `.policy` files (the input) and `expected/`:
  expected/stderr   what stave prints to stderr (diagnostics)
  expected/stdout   what stave prints to stdout (when the case has a `cmd`
                    that prints, e.g. `build`)
  cmd               optional: the stave arguments, default `check .`
Cases whose name starts with `fail_` must exit 1, those starting with
`usage_` must exit 2 (bad usage, unreadable paths); every other case must
exit 0. Multi-file cases run a second time with the files named in reverse
order and must print the same bytes (output may not depend on input order).

Cases under golden/fmt/ are formatter cases: `stave fmt -` reads
`input.policy` on stdin and must print `expected.policy` with nothing on
stderr and exit 0, and formatting `expected.policy` must give it back
unchanged (idempotence). A `fail_` formatter case has syntax errors: it
must exit 1, print its input unchanged, and print `expected/stderr`.

usage: run_golden.py STAVE GOLDEN_DIR [--update] [-k SUBSTRING]
STAVE_UPDATE_GOLDEN=1 has the same effect as --update.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys


def find_cases(root):
    cases = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "expected" in dirnames or "cmd" in filenames:
            cases.append(dirpath)
            dirnames[:] = []  # a case's subfolders are its input
        elif any(f.endswith(".policy") for f in filenames):
            cases.append(dirpath)
            dirnames[:] = []
    return sorted(cases)


def policy_files(case):
    out = []
    for dirpath, dirnames, filenames in os.walk(case):
        dirnames[:] = sorted(d for d in dirnames if d != "expected")
        for f in sorted(filenames):
            if f.endswith(".policy"):
                out.append(os.path.relpath(os.path.join(dirpath, f), case))
    return sorted(out)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def run(stave, case, args, stdin=None):
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([stave] + args, cwd=case, capture_output=True, env=env, timeout=60,
                       input=stdin)
    return p.returncode, p.stdout, p.stderr


def diff(expected, actual, name):
    lines = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(True),
        actual.decode(errors="replace").splitlines(True),
        "expected/" + name, "actual/" + name)
    return "".join(lines)


def check_fmt_case(stave, case, update):
    """A formatter case (golden/fmt/<case>): returns (problems, how to
    reproduce)."""
    source = read(os.path.join(case, "input.policy"))
    code, out, err = run(stave, case, ["fmt", "-"], stdin=source)
    problems = []
    failing = os.path.basename(case).startswith("fail_")
    want_code = 1 if failing else 0
    if code != want_code:
        problems.append("exit code %d, expected %d" % (code, want_code))
    expected_path = os.path.join(case, "expected.policy")
    stderr_path = os.path.join(case, "expected", "stderr")
    if failing:
        if out != source:
            problems.append("a file with syntax errors must be left as it is:\n" +
                            diff(source, out, "stdout"))
        if update:
            os.makedirs(os.path.dirname(stderr_path), exist_ok=True)
            with open(stderr_path, "wb") as f:
                f.write(err)
        elif read(stderr_path) != err:
            problems.append(diff(read(stderr_path), err, "stderr"))
    else:
        if err:
            problems.append("stderr is not empty:\n" + err.decode(errors="replace"))
        if update and code == 0:
            with open(expected_path, "wb") as f:
                f.write(out)
        expected = read(expected_path)
        if out != expected:
            problems.append(diff(expected, out, "expected.policy"))
        # Idempotence: the expected layout is its own layout.
        code2, again, err2 = run(stave, case, ["fmt", "-"], stdin=expected)
        if code2 != 0 or again != expected:
            problems.append("formatting expected.policy changes it (exit %d):\n" % code2 +
                            diff(expected, again, "expected.policy") + err2.decode(errors="replace"))
    return problems, "%s fmt - < input.policy" % shlex.quote(stave)


def check_case(stave, case, update, golden_root=None):
    """Returns a list of problems (empty when the case passes)."""
    if golden_root and os.path.relpath(case, golden_root).split(os.sep)[0] == "fmt":
        return check_fmt_case(stave, case, update)
    cmd_file = os.path.join(case, "cmd")
    args = shlex.split(read(cmd_file).decode()) if os.path.exists(cmd_file) else ["check", "."]
    code, out, err = run(stave, case, args)
    problems = []
    name = os.path.basename(case)
    want_code = 1 if name.startswith("fail_") else 2 if name.startswith("usage_") else 0
    if code != want_code:
        problems.append("exit code %d, expected %d" % (code, want_code))
    expected_dir = os.path.join(case, "expected")
    if update:
        os.makedirs(expected_dir, exist_ok=True)
        for fname, data in (("stdout", out), ("stderr", err)):
            path = os.path.join(expected_dir, fname)
            if data:
                with open(path, "wb") as f:
                    f.write(data)
            elif os.path.exists(path):
                os.remove(path)
    else:
        for fname, data in (("stdout", out), ("stderr", err)):
            want = read(os.path.join(expected_dir, fname))
            if want != data:
                problems.append(diff(want, data, fname))
    files = policy_files(case)
    if len(files) > 1 and args and args[-1] == ".":
        rev_args = args[:-1] + list(reversed(files))
        code2, out2, err2 = run(stave, case, rev_args)
        if (code2, out2, err2) != (code, out, err):
            problems.append("output differs when the files are named in reverse order:\n" +
                            diff(err, err2, "stderr") + diff(out, out2, "stdout"))
    return problems, args


def code_coverage(golden, codes_def):
    """Codes of codes.def that no golden case shows, less the exempt ones
    (golden/coverage-exempt.txt: `CODE reason` per line)."""
    import re
    with open(codes_def) as f:
        codes = re.findall(r"^DIAG\((\w+),", f.read(), re.M)
    seen = set()
    for dirpath, _, filenames in os.walk(golden):
        for f in filenames:
            if os.path.basename(dirpath) == "expected":
                seen.update(re.findall(r"\[([EWN]\d{4})\]",
                                       read(os.path.join(dirpath, f)).decode(errors="replace")))
    exempt = set()
    exempt_file = os.path.join(golden, "coverage-exempt.txt")
    if os.path.exists(exempt_file):
        for line in open(exempt_file):
            if line.strip() and not line.startswith("#"):
                exempt.add(line.split()[0])
    return [c for c in codes if c not in seen and c not in exempt]


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATED = b"# Generated by stave"


def schema_check(golden):
    """Runs ../shared/schemas/validate.py once over every expected YAML
    stream. Returns None when the schemas are not there, else a list of
    problems."""
    validate = os.environ.get("STAVE_SCHEMAS",
                              os.path.join(os.path.dirname(REPO), "shared", "schemas"))
    script = os.path.join(validate, "validate.py")
    if not os.path.exists(script):
        return None
    outputs = []
    for dirpath, _, filenames in os.walk(golden):
        if os.path.basename(dirpath) == "expected" and "stdout" in filenames:
            path = os.path.join(dirpath, "stdout")
            if read(path).startswith(GENERATED):
                outputs.append(path)
    if not outputs:
        return []
    p = subprocess.run([sys.executable, script, "--no-warnings"] + sorted(outputs),
                       capture_output=True, text=True)
    return [] if p.returncode == 0 else [p.stdout + p.stderr]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stave")
    ap.add_argument("golden")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("-k", default="")
    a = ap.parse_args()
    update = a.update or os.environ.get("STAVE_UPDATE_GOLDEN") == "1"
    stave = os.path.abspath(a.stave)
    passed = failed = 0
    for case in find_cases(a.golden):
        rel = os.path.relpath(case, a.golden)
        if a.k and a.k not in rel:
            continue
        problems, args = check_case(stave, case, update, a.golden)
        if problems:
            failed += 1
            print("FAIL golden/%s" % rel)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
            if isinstance(args, str):  # a formatter case: the whole command
                print("  reproduce: (cd %s && %s)" % (case, args))
            else:
                print("  reproduce: (cd %s && %s %s)" % (case, stave, " ".join(map(shlex.quote, args))))
            print("  rewrite:   STAVE_UPDATE_GOLDEN=1 %s" % " ".join(map(shlex.quote, sys.argv)))
        else:
            passed += 1
            print("ok   golden/%s" % rel)
    if not a.k and not update:
        problems = schema_check(a.golden)
        if problems is None:
            print("skip golden/schemas: ../shared/schemas not found")
        elif problems:
            failed += 1
            print("FAIL golden/schemas: emitted YAML fails the official schemas\n  " +
                  "\n  ".join(problems))
        else:
            passed += 1
            print("ok   golden/schemas: every expected YAML passes validate.py")
    if not a.k:
        codes_def = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "compiler", "diag", "codes.def")
        missing = code_coverage(a.golden, codes_def)
        if missing:
            failed += 1
            print("FAIL golden/coverage: no golden case shows %s" % ", ".join(missing))
        else:
            passed += 1
            print("ok   golden/coverage: every code in codes.def has a golden case")
    print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
