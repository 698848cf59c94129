"""CLI tests of what Stave reads and how much it prints about it
(docs/security.md): names git quotes, links and special files in the
policy tree, files over the size limit, and bounded diagnostics. Run by
run_cli.py, whose helpers (stave, Dir, expect, git) these use."""
import os
import uuid


def test_diff_reads_names_that_git_quotes():
    # git quotes these names in its line output (core.quotePath); -z does not.
    names = ["pol/naïve.policy", "pol/tab\there.policy", "pol/new\nline.policy", 'pol/"q".policy']
    with Dir({"pol/base.policy": "package p\nnamespace prod\ngroup intruders\ngroup a\ngroup b\ngroup c\n"}) as repo:
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "base")
        for name, who in zip(names, ["intruders", "a", "b", "c"]):
            with open(os.path.join(repo, name), "w") as f:
                f.write("package p\nallow %s to edit in prod\n" % who)
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "grants")
        p = stave("diff", "HEAD~1", "HEAD", "--path", "pol", cwd=repo)
        expect_exit(p, 1)
        expect("group intruders" in p.out and "HEAD:pol/naïve.policy:2:" in p.out, p.out)
        for who in ["a", "b", "c"]:
            expect("group %s" % who in p.out, p.out)
        expect(not p.out.startswith("0 added"), p.out)
        # A path is a path, not a pathspec pattern.
        p = stave("diff", "HEAD~1", "HEAD", "--path", "pol/*.policy", cwd=repo)
        expect_exit(p, 2)


def test_diff_does_not_follow_committed_links():
    with Dir({"pol/a.policy": "package p\nnamespace prod\ngroup g\n"}) as repo:
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "one")
        os.symlink("/etc/passwd", os.path.join(repo, "pol", "link.policy"))
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "two")
        p = stave("diff", "HEAD~1", "HEAD", "--path", "pol", cwd=repo)
        expect_exit(p, 0)
        expect("root:" not in p.out + p.err, p.err)
        expect("skipped `HEAD:pol/link.policy`: links are not followed" in p.err, p.err)


def special_tree(d, outside):
    """A policy tree with every kind of entry a walk must not read."""
    os.makedirs(os.path.join(d, "data"))
    with open(os.path.join(d, "data", "grants.txt"), "w") as f:
        f.write("package p\nallow inlink to view in prod\n")
    with open(os.path.join(outside, "o.policy"), "w") as f:
        f.write("package p\nallow outlink to view in prod\n")
    links = {"in.policy": os.path.join(d, "data", "grants.txt"),
             "out.policy": os.path.join(outside, "o.policy"),
             "env.policy": "/proc/self/environ", "kmsg.policy": "/proc/kmsg",
             "zero.policy": "/dev/zero", "dangling.policy": os.path.join(d, "nowhere"),
             "loop1.policy": os.path.join(d, "loop2.policy"),
             "loop2.policy": os.path.join(d, "loop1.policy"), "outdir": outside}
    for name, target in links.items():
        os.symlink(target, os.path.join(d, name))
    os.mkfifo(os.path.join(d, "fifo.policy"))


def test_tree_links_fifos_and_devices_are_not_read():
    sentinel = "stave-sentinel-" + uuid.uuid4().hex
    good = "package p\nnamespace prod\ngroup inlink\ngroup outlink\n"
    with Dir({"a.policy": good}) as d, Dir({}) as outside:
        special_tree(d, outside)
        p = stave("check", d, timeout=20, env_extra={"STAVE_SENTINEL": sentinel})
        expect_exit(p, 0)
        expect(sentinel not in p.out + p.err, "the environment leaked:\n" + p.err)
        for name, why in [("out.policy", "a link out of"), ("env.policy", "a link out of"),
                          ("kmsg.policy", "a link out of"), ("zero.policy", "a link out of"),
                          ("dangling.policy", "a dangling link"), ("loop1.policy", "a link loop"),
                          ("fifo.policy", "not a regular file"),
                          ("outdir", "links to directories are not followed")]:
            expect("note: skipped `%s`: %s" % (os.path.join(d, name), why) in p.err, p.err)
        p = stave("build", d, timeout=20)
        expect_exit(p, 0)
        expect("inlink" in p.out, p.out[:2000])
        expect("outlink" not in p.out, p.out[:2000])
        # Machine formats keep their stream clean: no notes there.
        p = stave("check", d, "--format", "json", timeout=20)
        expect_exit(p, 0)
        expect("skipped" not in p.out, p.out)


def test_explicit_link_to_the_environment_is_not_quoted():
    sentinel = "stave-sentinel-" + uuid.uuid4().hex
    with Dir({}) as d:
        link = os.path.join(d, "env.policy")
        os.symlink("/proc/self/environ", link)
        # Named explicitly, the link is followed (the user asked), but binary
        # text is never quoted.
        p = stave("check", link, timeout=20, env_extra={"STAVE_SENTINEL": sentinel})
        expect_exit(p, 1)
        expect("looks like a binary file" in p.err, p.err)
        expect(sentinel not in p.out + p.err, "the environment leaked:\n" + p.err)
        expect_exit(stave("check", "/dev/zero", timeout=10), 2)


def test_file_over_the_limit_is_not_read_whole():
    import resource  # noqa: F401 - the child measures itself
    with Dir({}) as d:
        big = os.path.join(d, "big.policy")
        with open(big, "wb") as f:
            f.truncate(2 << 30)  # 2 GiB, sparse
        # Run through a Python parent to read the stave process's peak RSS.
        probe = ("import resource, subprocess, sys\n"
                 "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
                 "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
                 "sys.stdout.write(p.stderr.decode('utf-8', 'replace'))\n")
        import subprocess
        import sys
        r = subprocess.run([sys.executable, "-c", probe, STAVE, "check", d], capture_output=True,
                           timeout=60, text=True)
        code, rss_kb = r.stdout.split("\n", 1)[0].split()
        expect(code == "1", r.stdout)
        expect("error[E0002]" in r.stdout and "is over 8 MiB" in r.stdout, r.stdout)
        expect(int(rss_kb) < 400 * 1024, "peak RSS %s KiB reading a 2 GiB file" % rss_kb)


def test_lexer_errors_and_long_lines_give_bounded_output():
    with Dir({"q.policy": "\"\n" * 500000, "a.policy": "allow " * 1000000}) as d:
        p = stave("check", d, timeout=60)
        expect_exit(p, 1)
        # Today: 500 000 errors (89 MB) and 300 MB; now at most 50 per file,
        # each quoting an excerpt of its line.
        expect(len(p.stderr) < 128 * 1024, "%d bytes of diagnostics" % len(p.stderr))
        expect(p.err.count("error[E0003]") == 50, p.err[:2000])
        expect(p.err.count("error[E0009]") == 2, p.err[-2000:])
        expect(" | ..." in p.err, p.err[:2000])
        p = stave("check", d, "--format", "json", timeout=60)
        expect(len(p.stdout) < 256 * 1024, "%d bytes of JSON" % len(p.stdout))
