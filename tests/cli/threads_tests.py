"""Parsing and lowering on several threads give the one-thread output,
byte for byte: the files of `build -o` and every diagnostic (issue 19),
and `build -o` inspects the output directory on two threads as on one.
The repository is bench/gen_shapes.py's dense shape at 6,000 statements:
over 256 KiB of text (parsing takes its threads) and over 2,000 rules
(lowering makes the mesh's objects on a second thread), with N0601 notes
from the RBAC half and mesh objects from the other. Run by run_cli.py."""
import filecmp
import os
import sys
import tempfile
from pathlib import Path

import __main__ as cli

BENCH = Path(__file__).resolve().parents[2] / "bench"


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def one_and_two_threads(command, text, name, status):
    """`stave COMMAND FILE` on `text` with one thread and with two: the
    (stdout, stderr) of each."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_text("\n".join(text) + "\n")
        runs = []
        for threads in ("1", "2"):
            p = cli.stave(command, str(path), timeout=120, env_extra={"STAVE_THREADS": threads})
            cli.expect_exit(p, status)
            runs.append((p.out, p.err))
        return runs


def test_threads_do_not_change_the_output():
    sys.path.insert(0, str(BENCH))
    import gen_shapes  # noqa: E402
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "repo"
        gen_shapes.generate("dense", 6000, root)
        text = sum(p.stat().st_size for p in root.rglob("*.policy"))
        cli.expect(text > 256 * 1024, f"only {text} bytes: the parser would not use threads")
        runs = {}
        for threads in ("1", "2"):
            out = Path(d) / f"out{threads}"
            p = cli.stave("build", str(root), "-o", str(out), timeout=120,
                          env_extra={"STAVE_THREADS": threads})
            cli.expect_exit(p, 0)
            runs[threads] = (out, p.err.replace(str(out), "OUT"))
        cli.expect("N0601" in runs["1"][1], runs["1"][1][-2000:])
        cli.expect(any(f.name.endswith(".yaml") and "AuthorizationPolicy" in f.read_text()
                       for f in runs["1"][0].rglob("*.yaml")), "no mesh objects were made")
        cli.expect(runs["1"][1] == runs["2"][1], "diagnostics differ with two threads")
        cli.expect(same_tree(runs["1"][0], runs["2"][0]), "build -o differs with two threads")
        # Over 1 MiB of YAML: the output directory is inspected (hashed,
        # compared) on two threads, half the bytes each. Both halves must
        # still see an unchanged file as unchanged and an edited one as
        # edited.
        out = runs["2"][0]
        yaml = sorted(f for f in out.iterdir() if f.name.endswith(".yaml"))
        cli.expect(sum(f.stat().st_size for f in yaml) > 1 << 20, "under 1 MiB of YAML")
        p = cli.stave("build", str(root), "-o", str(out), timeout=120, env_extra={"STAVE_THREADS": "2"})
        cli.expect_exit(p, 0)
        cli.expect("(0 files changed)" in p.err, p.err[-500:])
        for edited in (yaml[0], yaml[-1]):
            before = edited.read_text()
            edited.write_text(before + "# a hand edit\n")
            p = cli.stave("build", str(root), "-o", str(out), timeout=120,
                          env_extra={"STAVE_THREADS": "2"})
            cli.expect_exit(p, 2)
            cli.expect(f"refusing to overwrite `{edited}`: it was edited" in p.err, p.err[-500:])
            edited.write_text(before)


def test_a_role_made_on_both_threads_merges_as_on_one():
    # 3,000 rules behind one Role and one binding (the same action and
    # app), so that both threads' chunks make them and the merge must add
    # up their subjects and origins as one thread does.
    text = ['package shop', 'namespace prod = "prod"',
            'serviceaccount web-sa = "web" in prod',
            'app web in prod {', '  selector { app = "web" }', '  serviceaccount web-sa',
            '  objects { deployments: "web" }', '}']
    for i in range(3000):
        text.append(f'group g{i} = "team-{i}"')
        text.append(f'allow g{i} to deploy web in prod')
    one, two = one_and_two_threads("build", text, "shop.policy", 0)
    cli.expect("team-2999" in one[0] and "team-0\n" in one[0], one[0][-2000:])
    cli.expect(one == two, "the merged Role or binding differs with two threads")


def test_lints_on_a_second_thread_report_as_on_one():
    # Over 2,000 rules, so that sema runs its grant lints (risky grants,
    # escalation paths) on a second thread: each team's rules read
    # Secrets (W0502) and chain through serviceaccounts (W0510), and a
    # test per team fails to resolve (errors from CheckTests, which runs
    # beside them). The diagnostics must come out the same, in order.
    text = ["package org"]
    for i in range(700):
        text += [f'namespace build{i} = "t{i}-build"', f'namespace prod{i} = "t{i}-prod"',
                 f'group interns{i} = "t{i}-interns"',
                 f'serviceaccount builder{i} = "builder" in build{i}',
                 f'action read-config{i} {{', '  secrets: get, list', '  jobs: get, list, create', '}',
                 f'allow interns{i} to read-config{i} in build{i}',
                 f'allow builder{i} to edit in prod{i}',
                 f'allow interns{i} to view in prod{i}',
                 f'test "t{i}" {{', f'  expect allow nobody{i} to view in prod{i}', '}']
    one, two = one_and_two_threads("check", text, "org.policy", 1)
    for code in ("W0502", "W0510", "E0101"):
        cli.expect(code in one[1], f"no {code} in:\n" + one[1][-3000:])
    cli.expect(one == two, "sema's diagnostics differ with two threads")
