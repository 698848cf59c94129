#!/usr/bin/env python3
"""CLI tests: run the real `stave` binary for exit codes, messages and bad
input of every kind. Each test is a function named test_*; the runner prints
one line per test and closes with `cli: N passed, N failed`.

usage: run_cli.py STAVE
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

STAVE = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def stave(*args, cwd=None, timeout=30, env_extra=None):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update(env_extra or {})
    start = time.monotonic()
    p = subprocess.run([STAVE] + list(args), cwd=cwd, capture_output=True, timeout=timeout, env=env)
    p.elapsed = time.monotonic() - start
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


class Dir:
    """A temporary directory with policy files written into it."""

    def __init__(self, files):
        self.path = tempfile.mkdtemp(prefix="stave-cli-")
        for name, data in files.items():
            full = os.path.join(self.path, name)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(data if isinstance(data, bytes) else data.encode())

    def __enter__(self):
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def expect_exit(p, code):
    expect(p.returncode == code,
           "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (p.returncode, code, p.out, p.err[:3000]))


GOOD = "package p\nnamespace prod\ngroup devs\nallow devs to view in prod\n"


def test_version():
    p = stave("--version")
    expect_exit(p, 0)
    expect(p.out.startswith("stave "), p.out)


def test_no_command_is_usage_error():
    p = stave()
    expect_exit(p, 2)
    expect("usage: stave" in p.err, p.err)


def test_unknown_command():
    p = stave("frobnicate")
    expect_exit(p, 2)
    expect("unknown command `frobnicate`" in p.err, p.err)


def test_unknown_flag():
    with Dir({"a.policy": GOOD}) as d:
        p = stave("check", d, "--frobnicate")
        expect_exit(p, 2)
        expect("frobnicate" in p.err, p.err)


def test_bad_color_value():
    with Dir({"a.policy": GOOD}) as d:
        p = stave("check", d, "--color=sometimes")
        expect_exit(p, 2)
        expect("--color" in p.err, p.err)


def test_clean_program_exits_zero_silently():
    with Dir({"a.policy": GOOD}) as d:
        p = stave("check", d)
        expect_exit(p, 0)
        expect(p.err == "" and p.out == "", p.err)


def test_default_path_is_current_directory():
    with Dir({"sub/a.policy": "package p\ngroup g\nallow g to view in nowhere\n"}) as d:
        p = stave("check", cwd=d)
        expect_exit(p, 1)
        expect("sub/a.policy:3:" in p.err, p.err)


def test_options_before_or_after_paths_and_with_equals():
    with Dir({"a.policy": "package p\nallow g to view in x\n"}) as d:
        for args in (["check", d, "--color", "never"], ["--color=never", "check", d],
                     ["check", "--color", "never", d]):
            p = stave(*args)
            expect_exit(p, 1)
            expect("\x1b[" not in p.err, "colored despite never: %r" % args)
        p = stave("check", d, "--color=always")
        expect("\x1b[1;31merror" in p.err, p.err)


def test_missing_path_is_exit_2():
    p = stave("check", "/nonexistent/stave-path")
    expect_exit(p, 2)
    expect("path `/nonexistent/stave-path` does not exist" in p.err, p.err)


def test_directory_without_policy_files_is_exit_2():
    with Dir({"README.md": "hello", "data.bin": bytes(range(256))}) as d:
        p = stave("check", d)
        expect_exit(p, 2)
        expect("no `.policy` files under" in p.err, p.err)


def test_directory_of_binary_policy_files():
    files = {"a.policy": bytes(range(256)) * 4, "b.policy": b"\x7fELF\x02\x01\x01\x00" * 64}
    with Dir(files) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect(p.err.count("error[E0001]") == 2, p.err)
        expect("looks like a binary file" in p.err, p.err)


def test_invalid_utf8():
    with Dir({"a.policy": b"package p\nuser a = \"caf\xe9\"\n"}) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect("error[E0001]" in p.err and "not valid UTF-8" in p.err, p.err)
        expect("a.policy:2:" in p.err, p.err)


def test_unterminated_string_and_comment():
    with Dir({"a.policy": "package p\nuser a = \"never closed\n", "b.policy": "package p\n/* open\n"}) as d:
        p = stave("check", d)
        expect_exit(p, 1)
        expect("error[E0003]: unterminated string" in p.err, p.err)
        expect("error[E0004]: unterminated block comment" in p.err, p.err)


def test_ten_megabyte_file_is_refused_quickly():
    with Dir({"big.policy": "package p\n" + "// padding padding padding\n" * 400000}) as d:
        p = stave("check", d, timeout=20)
        expect_exit(p, 1)
        expect("error[E0002]" in p.err and "at most 8 MiB" in p.err, p.err)


def test_ten_thousand_nested_braces():
    with Dir({"a.policy": "package p\napp a in ns " + "{" * 10000 + "}" * 10000}) as d:
        p = stave("check", d, timeout=20)
        expect_exit(p, 1)
        expect("error[E0009]" in p.err or "error[E0007]" in p.err, p.err[:2000])


def test_unreadable_file_is_exit_2():
    # As root, permissions do not stop reading; a directory named like a
    # policy file given explicitly cannot be read as one either way.
    with Dir({"a.policy": GOOD}) as d:
        target = os.path.join(d, "locked.policy")
        with open(target, "w") as f:
            f.write(GOOD)
        os.chmod(target, 0)
        if os.geteuid() == 0:
            os.remove(target)
            os.mkfifo(target)  # not a regular file: must not block
        p = stave("check", target, timeout=10)
        expect_exit(p, 2)
        expect("locked.policy" in p.err, p.err)


def test_explicit_file_with_any_extension():
    with Dir({"policy.txt": GOOD}) as d:
        p = stave("check", os.path.join(d, "policy.txt"))
        expect_exit(p, 0)


def test_examples_check_clean():
    examples = os.path.join(ROOT, "examples")
    for name in sorted(os.listdir(examples)):
        p = stave("check", os.path.join(examples, name))
        expect(p.returncode == 0, "examples/%s: exit %d\n%s" % (name, p.returncode, p.err))
        expect("error" not in p.err, "examples/%s has diagnostics:\n%s" % (name, p.err))


def main():
    global STAVE
    STAVE = os.path.abspath(sys.argv[1])
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
            print("ok   cli/%s" % name)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print("FAIL cli/%s\n  %s" % (name, str(e).replace("\n", "\n  ")))
            if not isinstance(e, AssertionError):
                traceback.print_exc()
    print("cli: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
