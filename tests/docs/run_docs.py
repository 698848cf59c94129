#!/usr/bin/env python3
"""Keeps what the README and docs/ promise true.

1. Every ```policy block in README.md and docs/*.md checks clean (`stave
   check` exits 0) unless it is marked as a fragment: ```policy fragment
   (docs/language.md, "Examples in the documentation"). docs/diagnostics.md
   is left out: it is generated from compiler/diag/explanations, whose
   examples must emit their code (tests/unit/explain_test.cpp checks them).
2. Every command of the README's "A short tour" runs as written on a copy of
   the bundled examples (in a git repository, for `diff`) and exits 0.

usage: run_docs.py STAVE
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BLOCK = re.compile(r"^```policy([^\n]*)\n(.*?)^```", re.M | re.S)


def doc_files():
    files = [os.path.join(ROOT, "README.md")]
    docs = os.path.join(ROOT, "docs")
    files += [os.path.join(docs, f) for f in sorted(os.listdir(docs))
              if f.endswith(".md") and f != "diagnostics.md"]
    return files


def policy_blocks(path):
    """(line, info, text) of each ```policy block."""
    with open(path) as f:
        text = f.read()
    for m in BLOCK.finditer(text):
        yield text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2)


def check_block(stave, text):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "block.policy"), "w") as f:
            f.write(text)
        p = subprocess.run([stave, "check", d], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, p.stderr


def tour_commands():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text[text.index("## A short tour"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    out = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("$stave "):
            out.append(line[len("$stave "):].split())
    return out


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + list(args),
                   cwd=cwd, check=True, capture_output=True)


def run_tour(stave, args):
    """Runs one tour command in a scratch copy of the repository's examples."""
    with tempfile.TemporaryDirectory() as d:
        shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(d, "examples"))
        git(d, "init", "-q", "-b", "main")
        git(d, "add", "-A")
        git(d, "commit", "-q", "-m", "examples")
        stdin = None
        if args == ["lsp"]:
            msgs = [b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}',
                    b'{"jsonrpc":"2.0","method":"initialized","params":{}}',
                    b'{"jsonrpc":"2.0","id":2,"method":"shutdown"}',
                    b'{"jsonrpc":"2.0","method":"exit"}']
            stdin = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in msgs)
        p = subprocess.run([stave] + args, cwd=d, input=stdin, capture_output=True, timeout=60)
        return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    stave = os.path.abspath(sys.argv[1])
    passed = failed = 0

    def case(name, ok, detail=""):
        nonlocal passed, failed
        print("%s %s" % ("ok  " if ok else "FAIL", name))
        if not ok:
            print("    " + detail.strip().replace("\n", "\n    "))
        passed, failed = passed + ok, failed + (not ok)

    blocks = 0
    for path in doc_files():
        rel = os.path.relpath(path, ROOT)
        for line, info, text in policy_blocks(path):
            if info == "fragment":
                continue
            blocks += 1
            code, err = check_block(stave, text)
            case("%s:%d checks clean" % (rel, line), code == 0,
                 err + "\n(mark it ```policy fragment if it is not a whole program)")
    case("the docs hold policy blocks to check", blocks > 10, "found %d" % blocks)

    commands = tour_commands()
    case("the README tour has its commands", len(commands) >= 8, repr(commands))
    for args in commands:
        code, out = run_tour(stave, args)
        case("README tour: stave %s" % " ".join(args), code == 0, "exit %d\n%s" % (code, out[-3000:]))
    print("docs: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
