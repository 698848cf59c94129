#!/usr/bin/env python3
"""Write-path tests: what `stave fmt`, `stave build -o` and every command's
stdout/stderr do under faults and hostile file systems (docs/security.md).
Faults are reproduced for real: a full tmpfs (mounted here when we may), an
injected failure (STAVE_TEST_FAULT=OP:N), a process stopped at a known point
(STAVE_TEST_STOP=POINT[:N]) and then killed, edited or continued, and links,
FIFOs and devices planted where stave writes. Closes with
`cli-writes: N passed, N failed`.

usage: run_write_faults.py STAVE
"""
import contextlib
import errno
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_cli  # noqa: E402  (the shared helpers: stave(), Dir, expect)
from run_cli import Dir, expect, expect_exit, PAYMENTS  # noqa: E402

UNFORMATTED = "package p\nnamespace  prod\ngroup devs\nallow devs to view in prod\n"
FORMATTED = "package p\n\nnamespace prod\ngroup devs\nallow devs to view in prod\n"
TWO_NS = ("package p\nnamespace prod\nnamespace dev\ngroup devs\n"
          "allow devs to view in prod\nallow devs to view in dev\n")
ONE_NS = "package p\nnamespace prod\ngroup devs\nallow devs to view in prod\n"


def stave(*args, **kw):
    return run_cli.stave(*args, **kw)


def snapshot(root):
    """Every entry under root: name -> (kind, content hash or link target, mtime)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(full), None)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    out[rel] = ("file", hashlib.sha256(f.read()).hexdigest(), st.st_mtime_ns)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, None)
            else:
                out[rel] = ("other", stat.S_IFMT(st.st_mode), None)
    return out


def expected_output(src):
    """The files `build -o` writes for src, built into a fresh directory."""
    out = tempfile.mkdtemp(prefix="stave-expected-")
    try:
        expect_exit(stave("build", src, "-o", out), 0)
        return {k: v[:2] for k, v in snapshot(out).items()}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def no_mtimes(snap):
    return {k: v[:2] for k, v in snap.items()}


def leftovers(root):
    return [n for n in os.listdir(root) if "stave-tmp" in n or n.startswith(".stave-staging-")
            or n == ".stave-journal"]


@contextlib.contextmanager
def small_tmpfs(size="512k"):
    """A tmpfs of `size`, or None when this machine does not let us mount."""
    path = tempfile.mkdtemp(prefix="stave-tmpfs-")
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                           capture_output=True, text=True)
        mounted = r.returncode == 0
    except OSError:  # no mount(8)
        mounted = False
    if not mounted:
        os.rmdir(path)
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", path], capture_output=True)
        os.rmdir(path)


def fill(fs_root):
    """Fills the file system until a write fails with ENOSPC."""
    with open(os.path.join(fs_root, "filler"), "wb", buffering=0) as f:
        block = b"\0" * 4096
        try:
            while True:
                f.write(block)
        except OSError as e:
            expect(e.errno == errno.ENOSPC, "filling the tmpfs failed: %s" % e)


def skip(reason):
    raise run_cli.Skipped(reason)


def start(*args, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.Popen([run_cli.STAVE] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


def wait_stopped(p, timeout=120):
    """Waits until p stopped itself (SIGSTOP at a STAVE_TEST_STOP point)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise AssertionError("exited %d before its stop point\n%s" % (p.returncode, p.stderr.read().decode()))
        with open("/proc/%d/stat" % p.pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "T":
                return
        time.sleep(0.02)
    p.kill()
    raise AssertionError("never reached its stop point")


def finish(p, timeout=120):
    out, err = p.communicate(timeout=timeout)
    p.out, p.err = out.decode(), err.decode()
    return p


# ---------------------------------------------------------------- fmt


def test_fmt_on_a_full_disk_keeps_the_file():
    with small_tmpfs() as root:
        if root is None:
            return skip("cannot mount a tmpfs here (not root?): the injected-fault tests cover it")
        path = os.path.join(root, "a.policy")
        with open(path, "w") as f:
            f.write(UNFORMATTED)
        fill(root)
        p = stave("fmt", path)
        expect_exit(p, 2)
        expect("No space left on device" in p.err and "left as it was" in p.err, p.err)
        expect(open(path).read() == UNFORMATTED, "the file changed on a full disk")
        expect(sorted(os.listdir(root)) == ["a.policy", "filler"], os.listdir(root))
        expect("reformatted" not in p.out, p.out)


def test_fmt_injected_write_fsync_close_rename_failures_keep_the_file():
    for fault in ("open:1", "write:1", "fsync:1", "close:1", "rename:1"):
        with Dir({"a.policy": UNFORMATTED}) as d:
            path = os.path.join(d, "a.policy")
            p = stave("fmt", path, env_extra={"STAVE_TEST_FAULT": fault})
            expect_exit(p, 2)
            expect("cannot write `%s`" % path in p.err, fault + ": " + p.err)
            expect(open(path).read() == UNFORMATTED, fault + ": the file changed")
            expect(os.listdir(d) == ["a.policy"], fault + ": left %s" % os.listdir(d))
    with Dir({"a.policy": UNFORMATTED}) as d:  # the hook itself: unset, fmt works
        expect_exit(stave("fmt", d), 0)
        expect(open(os.path.join(d, "a.policy")).read() == FORMATTED, "fmt did not format")


def test_fmt_keeps_mode_and_owner():
    for mode in (0o600, 0o755, 0o640):
        with Dir({"a.policy": UNFORMATTED}) as d:
            path = os.path.join(d, "a.policy")
            os.chmod(path, mode)
            owner = None
            if os.geteuid() == 0:
                owner = (1234, 2345)
                os.chown(path, *owner)
            expect_exit(stave("fmt", path), 0)
            st = os.stat(path)
            expect(stat.S_IMODE(st.st_mode) == mode, "mode %o became %o" % (mode, stat.S_IMODE(st.st_mode)))
            if owner:
                expect((st.st_uid, st.st_gid) == owner, "owner became %d:%d" % (st.st_uid, st.st_gid))
            expect(open(path).read() == FORMATTED, "not formatted")


def test_fmt_writes_through_a_symlink_to_its_target():
    with Dir({"real/a.policy": UNFORMATTED}) as d:
        os.makedirs(os.path.join(d, "tree"))
        link = os.path.join(d, "tree", "a.policy")
        os.symlink(os.path.join("..", "real", "a.policy"), link)
        expect_exit(stave("fmt", link), 0)
        expect(os.path.islink(link), "the symlink was replaced by a file")
        expect(open(os.path.join(d, "real", "a.policy")).read() == FORMATTED, "the target was not formatted")
        expect(sorted(os.listdir(os.path.join(d, "real"))) == ["a.policy"], "left a temporary file")


def test_fmt_refuses_read_only_files():
    with Dir({"a.policy": UNFORMATTED}) as d:
        path = os.path.join(d, "a.policy")
        os.chmod(path, 0o444)
        p = stave("fmt", path)
        expect_exit(p, 2)
        expect("refusing to rewrite `%s`: it is read-only" % path in p.err, p.err)
        expect(open(path).read() == UNFORMATTED and stat.S_IMODE(os.stat(path).st_mode) == 0o444, "changed")
        expect_exit(stave("fmt", "--check", path), 1)  # --check still reports it


def test_fmt_refuses_to_break_hard_links():
    with Dir({"a.policy": UNFORMATTED}) as d:
        path, other = os.path.join(d, "a.policy"), os.path.join(d, "b.txt")
        os.link(path, other)
        p = stave("fmt", path)
        expect_exit(p, 2)
        expect("has 2 hard links" in p.err, p.err)
        expect(os.stat(path).st_ino == os.stat(other).st_ino, "the hard link was broken")
        expect(open(other).read() == UNFORMATTED, "changed")


def test_fmt_keeps_an_edit_made_while_it_runs():
    edited = UNFORMATTED + "group ops\n"
    for point in ("fmt-read", "fmt-rename"):
        with Dir({"a.policy": UNFORMATTED}) as d:
            path = os.path.join(d, "a.policy")
            p = start("fmt", path, env_extra={"STAVE_TEST_STOP": point})
            wait_stopped(p)
            with open(path, "a") as f:  # an editor saving in place
                f.write("group ops\n")
            os.kill(p.pid, signal.SIGCONT)
            finish(p)
            expect_exit(p, 2)
            expect("changed since stave read it" in p.err, point + ": " + p.err)
            expect(open(path).read() == edited, point + ": the edit was lost")
            expect(os.listdir(d) == ["a.policy"], point + ": left %s" % os.listdir(d))


def test_fmt_never_follows_a_link_at_a_temporary_name():
    with Dir({"a.policy": UNFORMATTED, "victim": "precious\n"}) as d:
        victim = os.path.join(d, "victim")
        for name in ("a.policy.stave-fmt-tmp", ".a.policy.stave-tmp"):  # the old fixed names
            os.symlink(victim, os.path.join(d, name))
        expect_exit(stave("fmt", os.path.join(d, "a.policy")), 0)
        expect(open(victim).read() == "precious\n", "a planted link was followed")
        expect(open(os.path.join(d, "a.policy")).read() == FORMATTED, "not formatted")
        expect(sorted(os.listdir(d)) == [".a.policy.stave-tmp", "a.policy", "a.policy.stave-fmt-tmp", "victim"],
               os.listdir(d))


# ------------------------------------------------------------ build -o


def test_build_on_a_full_disk_leaves_the_directory_as_it_was():
    with small_tmpfs("1m") as root, Dir({"a.policy": ONE_NS}) as src:
        if root is None:
            return skip("cannot mount a tmpfs here (not root?): the injected-fault tests cover it")
        out = os.path.join(root, "out")
        expect_exit(stave("build", src, "-o", out), 0)
        before = snapshot(out)
        fill(root)
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 2)
        expect("No space left on device" in p.err and "was left as it was" in p.err, p.err)
        expect(snapshot(out) == before, "the output directory changed on a full disk")
        os.remove(os.path.join(root, "filler"))
        expect_exit(stave("build", PAYMENTS, "-o", out), 0)  # and recovers once there is room
        expect(no_mtimes(snapshot(out)) == expected_output(PAYMENTS), "wrong output after the disk had room")


def test_build_injected_failures_change_nothing():
    with Dir({"a.policy": ONE_NS}) as src:
        for fault in ("open:1", "open:3", "write:1", "write:4", "fsync:2", "close:3", "rename:1"):
            with Dir({}) as out:
                expect_exit(stave("build", src, "-o", out), 0)
                before = snapshot(out)
                p = stave("build", PAYMENTS, "-o", out, env_extra={"STAVE_TEST_FAULT": fault})
                expect_exit(p, 2)
                expect("cannot write" in p.err and "was left as it was" in p.err, fault + ": " + p.err)
                expect(snapshot(out) == before, fault + ": the directory changed")
                expect(leftovers(out) == [], fault + ": left %s" % leftovers(out))


def test_build_killed_before_its_commit_leaves_the_old_output():
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        before = snapshot(out)
        p = start("build", PAYMENTS, "-o", out, env_extra={"STAVE_TEST_STOP": "build-stage:3"})
        wait_stopped(p)
        p.kill()
        p.wait()
        staged = [n for n in os.listdir(out) if n.startswith(".stave-staging-")]
        expect(len(staged) == 1, "no staging directory at the kill: %s" % os.listdir(out))
        now = {k: v for k, v in snapshot(out).items() if not k.startswith(".stave-staging-")}
        expect(now == before, "a killed build changed the output before committing")
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 0)
        expect(no_mtimes(snapshot(out)) == expected_output(PAYMENTS), "wrong output after the rerun")


def test_build_killed_after_its_commit_is_completed_by_the_next():
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        p = start("build", PAYMENTS, "-o", out, env_extra={"STAVE_TEST_STOP": "build-rename:3"})
        wait_stopped(p)
        p.kill()
        p.wait()
        expect(os.path.exists(os.path.join(out, ".stave-journal")), "no journal after the commit")
        # The next build, of the old program, first completes the killed one
        # (so its manifest is right), then writes its own output.
        p = stave("build", src, "-o", out)
        expect_exit(p, 0)
        expect("completed the interrupted build" in p.err, p.err)
        expect(no_mtimes(snapshot(out)) == expected_output(src), "wrong output after recovery")
        expect(leftovers(out) == [], "left %s" % leftovers(out))


def test_build_failing_after_its_commit_is_completed_by_the_next():
    # rename:1 is the journal's (the commit), rename:2 the first staged file.
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        p = stave("build", PAYMENTS, "-o", out, env_extra={"STAVE_TEST_FAULT": "rename:2"})
        expect_exit(p, 2)
        expect("the next `stave build -o %s` completes it" % out in p.err, p.err)
        expect(os.path.exists(os.path.join(out, ".stave-journal")), os.listdir(out))
        p = stave("build", PAYMENTS, "-o", out)
        expect_exit(p, 0)
        expect("completed the interrupted build" in p.err, p.err)
        expect(no_mtimes(snapshot(out)) == expected_output(PAYMENTS), "wrong output after recovery")


def test_build_refuses_a_damaged_journal():
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        with open(os.path.join(out, ".stave-journal"), "w") as f:
            f.write("# stave build -o journal v1\nstaging ../../etc\nwrite passwd\n")
        before = snapshot(out)
        p = stave("build", src, "-o", out)
        expect_exit(p, 2)
        expect("cannot complete the build interrupted in" in p.err and "is unusable" in p.err, p.err)
        expect(snapshot(out) == before, "acted on a damaged journal")


def test_concurrent_builds_into_one_directory_take_turns():
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        first = start("build", PAYMENTS, "-o", out, env_extra={"STAVE_TEST_STOP": "build-stage:2"})
        wait_stopped(first)  # holds the lock, half staged
        second = start("build", src, "-o", out)
        waiting = []
        reader = threading.Thread(target=lambda: waiting.append(second.stderr.readline().decode()))
        reader.start()
        reader.join(120)
        expect(waiting and "waiting for another `stave build`" in waiting[0], "did not wait: %s" % waiting)
        expect(second.poll() is None, "the second build finished while the first held the directory")
        os.kill(first.pid, signal.SIGCONT)
        expect_exit(finish(first), 0)
        expect_exit(finish(second), 0)
        expect(no_mtimes(snapshot(out)) == expected_output(src), "the directory mixes both builds")
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:  # and unsynchronised, many at once
        procs = [start("build", PAYMENTS if i % 2 else src, "-o", out) for i in range(6)]
        for p in procs:
            expect_exit(finish(p), 0)
        got = no_mtimes(snapshot(out))
        expect(got in (expected_output(src), expected_output(PAYMENTS)), "a mix: %s" % sorted(got))


def test_build_removes_only_what_its_manifest_lists():
    header = "# Generated by stave from .policy sources. Do not edit: change the policy and rebuild.\n"
    with Dir({"a.policy": TWO_NS}) as src, Dir({"hidden/.x.yaml": header, "other.yaml": header,
                                                   ".hidden.yaml": header}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        expect(os.path.exists(os.path.join(out, "dev.yaml")), os.listdir(out))
        with open(os.path.join(src, "a.policy"), "w") as f:
            f.write(ONE_NS)
        p = stave("build", src, "-o", out)
        expect_exit(p, 0)
        expect(not os.path.exists(os.path.join(out, "dev.yaml")), "kept the stale dev.yaml")
        for keep in ("other.yaml", ".hidden.yaml", "hidden/.x.yaml", "prod.yaml"):
            expect(os.path.exists(os.path.join(out, keep)), "removed %s" % keep)
        manifest = open(os.path.join(out, ".stave-manifest")).read()
        expect(" prod.yaml\n" in manifest and "dev.yaml" not in manifest, manifest)


def test_build_refuses_to_remove_or_overwrite_an_edited_file():
    with Dir({"a.policy": TWO_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        with open(os.path.join(out, "dev.yaml"), "a") as f:
            f.write("# my note\n")
        with open(os.path.join(src, "a.policy"), "w") as f:
            f.write(ONE_NS + "group ops\nallow ops to view in prod\n")
        before = snapshot(out)
        p = stave("build", src, "-o", out)
        expect_exit(p, 2)
        expect("refusing to remove `%s`" % os.path.join(out, "dev.yaml") in p.err and "edited" in p.err, p.err)
        expect(snapshot(out) == before, "changed the directory despite refusing")
        os.remove(os.path.join(out, "dev.yaml"))
        with open(os.path.join(out, "prod.yaml"), "a") as f:
            f.write("# my note\n")
        p = stave("build", src, "-o", out)
        expect_exit(p, 2)
        expect("refusing to overwrite" in p.err and "edited since stave wrote it" in p.err, p.err)
        expect(open(os.path.join(out, "prod.yaml")).read().endswith("# my note\n"), "overwrote the edit")


def test_build_never_blocks_on_or_follows_what_it_finds_in_the_directory():
    with Dir({"a.policy": ONE_NS}) as src:
        def planted(make, what):
            with Dir({}) as out:
                make(os.path.join(out, "prod.yaml"))
                p = stave("build", src, "-o", out, timeout=60)  # a FIFO would block: the timeout fails it
                expect_exit(p, 2)
                expect("refusing to replace `%s`: it is %s" % (os.path.join(out, "prod.yaml"), what) in p.err, p.err)
        planted(os.mkfifo, "a FIFO")
        planted(lambda path: os.symlink("/dev/zero", path), "a symbolic link")
        planted(os.mkdir, "a directory")
        # A stale file the manifest lists that became a FIFO is not removed,
        # and does not block the build either.
        with Dir({}) as out, Dir({"a.policy": TWO_NS}) as two:
            expect_exit(stave("build", two, "-o", out), 0)
            os.remove(os.path.join(out, "dev.yaml"))
            os.mkfifo(os.path.join(out, "dev.yaml"))
            p = stave("build", src, "-o", out, timeout=60)
            expect_exit(p, 2)
            expect("it became a FIFO" in p.err, p.err)


def test_build_manifest_cannot_point_outside_the_directory():
    with Dir({"a.policy": ONE_NS}) as src, Dir({"victim.yaml": "precious\n"}) as d:
        out = os.path.join(d, "out")
        expect_exit(stave("build", src, "-o", out), 0)
        sha = hashlib.sha256(b"precious\n").hexdigest()
        with open(os.path.join(out, ".stave-manifest"), "a") as f:
            f.write("%s ../victim.yaml\n" % sha)
        p = stave("build", src, "-o", out)
        expect_exit(p, 2)
        expect("cannot read `%s`" % os.path.join(out, ".stave-manifest") in p.err, p.err)
        expect(open(os.path.join(d, "victim.yaml")).read() == "precious\n", "removed a file outside DIR")
    for planted in (".stave-manifest", ".stave-journal"):  # bookkeeping files are never followed
        with Dir({"a.policy": ONE_NS}) as src, Dir({"victim": "precious\n"}) as d:
            out = os.path.join(d, "out")
            expect_exit(stave("build", src, "-o", out), 0)
            target = os.path.join(out, planted)
            if os.path.exists(target):
                os.remove(target)
            os.symlink(os.path.join(d, "victim"), target)
            p = stave("build", src, "-o", out)
            expect_exit(p, 2)
            expect("symbolic link" in p.err, planted + ": " + p.err)
            expect(open(os.path.join(d, "victim")).read() == "precious\n", planted + ": followed")


def test_build_never_follows_links_at_temporary_names():
    with Dir({"a.policy": ONE_NS}) as src, Dir({"victim": "precious\n", "vdir/keep": "x"}) as d:
        out = os.path.join(d, "out")
        os.makedirs(out)
        os.symlink(os.path.join(d, "victim"), os.path.join(out, ".prod.yaml.stave-tmp"))  # the old name
        os.symlink(os.path.join(d, "vdir"), os.path.join(out, ".stave-staging-000000000000"))
        expect_exit(stave("build", src, "-o", out), 0)
        expect(open(os.path.join(d, "victim")).read() == "precious\n", "followed a planted link")
        expect(os.listdir(os.path.join(d, "vdir")) == ["keep"], "emptied a directory through a link")
        expect(os.path.exists(os.path.join(out, "prod.yaml")), os.listdir(out))


def test_build_output_files_are_regular_and_not_world_writable():
    with Dir({"a.policy": ONE_NS}) as src, Dir({}) as out:
        expect_exit(stave("build", src, "-o", out), 0)
        for name in os.listdir(out):
            st = os.lstat(os.path.join(out, name))
            expect(stat.S_ISREG(st.st_mode) and not st.st_mode & 0o002, "%s: mode %o" % (name, st.st_mode))


# ------------------------------------------------------- stdout, stderr


def shell(cmd):
    return subprocess.run(["sh", "-c", cmd], capture_output=True, timeout=60)


def test_closed_stderr_is_reported_on_stdout_not_an_abort():
    with Dir({"a.policy": "package p\nallow x to view in nowhere\n"}) as d:
        p = shell('exec "%s" check "%s" 2>&-' % (run_cli.STAVE, d))
        expect(p.returncode == 2, "exit %d (a negative exit is a signal)" % p.returncode)
        expect(b"cannot write to standard error: it is closed" in p.stdout, p.stdout)
    # Nothing for stderr (a machine format has no summary line): nothing lost.
    with Dir({"a.policy": GOOD_PROGRAM}) as d:
        p = shell('exec "%s" check "%s" --format json 2>&-' % (run_cli.STAVE, d))
        expect(p.returncode == 0, "exit %d" % p.returncode)
    # The human summary of a clean check is output too: losing it is exit 2.
    with Dir({"a.policy": GOOD_PROGRAM}) as d:
        p = shell('exec "%s" check "%s" 2>&-' % (run_cli.STAVE, d))
        expect(p.returncode == 2, "exit %d" % p.returncode)


def test_full_or_closed_stdout_fails_every_command():
    with Dir({"a.policy": UNFORMATTED}) as d:
        policy = os.path.join(d, "a.policy")
        for cmd in ('fmt - < "%s" >/dev/full' % policy,
                    'check "%s" --format json >/dev/full' % PAYMENTS,
                    'build "%s" >/dev/full' % PAYMENTS,
                    'build "%s" >&-' % PAYMENTS,
                    'explain E0202 >/dev/full',
                    'test "%s" >/dev/full' % PAYMENTS,
                    'diff "%s" "%s" >/dev/full' % (PAYMENTS, PAYMENTS),
                    '--version >/dev/full',
                    'who-can update deployments payments-api in prod --path "%s" >/dev/full' % PAYMENTS):
            p = shell('"%s" %s' % (run_cli.STAVE, cmd))
            expect(p.returncode == 2, "%s: exit %d\n%s" % (cmd, p.returncode, p.stderr.decode()))
            expect(b"cannot write to standard output" in p.stderr, cmd + ": " + p.stderr.decode())
            expect(b"internal error" not in p.stderr, cmd + ": " + p.stderr.decode())


def test_language_server_stops_when_its_client_cannot_read():
    # Every answer of `stave lsp` is lost on a full stdout: it must stop with
    # exit 2 and say why, not keep answering into the void.
    body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
    frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
    p = subprocess.run('"%s" lsp >/dev/full' % run_cli.STAVE, shell=True, input=frame,
                       capture_output=True, timeout=60)
    expect(p.returncode == 2, "exit %d\n%s" % (p.returncode, p.stderr.decode()))
    expect(b"cannot write to the client" in p.stderr, p.stderr.decode())


GOOD_PROGRAM = ONE_NS


def main():
    run_cli.STAVE = os.path.abspath(sys.argv[1])
    return run_cli.run_tests(globals(), "cli-writes")

if __name__ == "__main__":
    sys.exit(main())
