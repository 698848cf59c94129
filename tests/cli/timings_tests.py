"""`--timings` names every part of a run, the command's own after the
compilation's, so the line accounts for the process (issue 19: no
untimed costs). Run by run_cli.py; no timing is asserted, only which
stages are named and that they are numbers."""
import re
import tempfile

import __main__ as cli

LINE = re.compile(r"^timings: (.*)$", re.M)


def stages(err):
    m = LINE.search(err)
    cli.expect(m, "no timings line in:\n" + err[-2000:])
    cli.expect(len(LINE.findall(err)) == 1, "more than one timings line:\n" + err[-2000:])
    names = []
    for part in m.group(1).split(", "):
        pm = re.fullmatch(r"([a-z]+) ([0-9]+\.[0-9]) ms", part)
        cli.expect(pm, "not `NAME N.N ms`: %r" % part)
        names.append(pm.group(1))
    return names


def test_check_build_and_test_time_every_stage():
    compile_stages = ["start", "read", "parse", "check", "lower"]
    p = cli.stave("check", "--timings", cli.PAYMENTS)
    cli.expect_exit(p, 0)
    cli.expect(stages(p.err) == compile_stages + ["report"], p.err)
    # `start` counts from this process's first initializer, not from some
    # other clock's zero (the machine's boot): a minute bounds it loosely.
    start = float(re.search(r"start ([0-9.]+) ms", p.err).group(1))
    cli.expect(start < 60_000, p.err)
    # Printed last: after the diagnostics and the summary it times.
    cli.expect(p.err.rstrip().splitlines()[-1].startswith("timings:"), p.err)
    with tempfile.TemporaryDirectory() as out:
        p = cli.stave("build", "--timings", cli.PAYMENTS, "-o", out)
        cli.expect_exit(p, 0)
        cli.expect(stages(p.err) == compile_stages + ["report", "free", "emit", "write"], p.err)
    p = cli.stave("build", "--timings", cli.PAYMENTS)
    cli.expect_exit(p, 0)
    cli.expect(stages(p.err) == compile_stages + ["report", "free", "emit", "write"], p.err)
    cli.expect("timings" not in p.out, "the timings went into the YAML on stdout")
    p = cli.stave("test", "--timings", cli.PAYMENTS)
    cli.expect_exit(p, 0)
    cli.expect(stages(p.err) == compile_stages + ["test", "report"], p.err)


def test_a_failing_program_still_prints_its_timings():
    with tempfile.TemporaryDirectory() as d:
        path = d + "/bad.policy"
        with open(path, "w") as f:
            f.write("package p\nallow nobody to view in prod\n")
        for command in ("check", "build", "test"):
            p = cli.stave(command, "--timings", path)
            cli.expect_exit(p, 1)
            cli.expect(stages(p.err)[:5] == ["start", "read", "parse", "check", "lower"], p.err)
