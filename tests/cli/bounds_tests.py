"""CLI tests of bounded work and of YAML that round-trips every name, run by
run_cli.py with its helpers (docs/security.md).

The size tests grow one dimension of a program (bench/gen_hostile.py) to
tens of thousands and require `check` to finish within a timeout that a
linear pass meets many times over even under ASan on a loaded machine, and
that a quadratic one (10 s at 10k, 266 s at 40k before the fix) cannot.
They measure nothing; bench/results.md has the numbers.
"""
import os
import subprocess
import sys

import __main__ as cli  # run_cli.py: stave(), Dir, expect, expect_exit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "bench", "gen_hostile.py")
BOUND_SECONDS = 120


def _hostile(shape, n):
    return subprocess.run([sys.executable, GEN, shape, str(n)], check=True, capture_output=True,
                          text=True).stdout


def _check_within_bound(shape, n, command="check"):
    with cli.Dir({"big.policy": _hostile(shape, n)}) as d:
        p = cli.stave(command, d, timeout=BOUND_SECONDS)
        cli.expect(p.returncode == 0, "%s %s %d: exit %d\n%s" % (command, shape, n, p.returncode,
                                                                 p.err[:2000]))


def test_bounded_many_groups_sharing_one_role():
    _check_within_bound("groups", 40000)


def test_bounded_one_rule_naming_one_subject_many_times():
    _check_within_bound("repeated-subject", 300000)


def test_bounded_one_rule_with_many_subjects():
    _check_within_bound("one-rule", 40000)


def test_bounded_many_rules_on_one_app():
    _check_within_bound("rules-one-app", 20000)


def test_bounded_many_deny_rules():
    _check_within_bound("deny-many", 20000)


def test_bounded_many_apps_in_one_namespace():
    _check_within_bound("apps-one-ns", 10000)


def test_bounded_one_rule_in_many_namespaces():
    _check_within_bound("namespaces-one-rule", 20000)


def test_bounded_many_test_expectations():
    _check_within_bound("expectations", 40000, command="test")


# Names with every kind of code point YAML cannot carry raw (and some it
# can), as stave strings: DEL, C0 and C1 controls, no-break space, line and
# paragraph separators, BOM, the replacement character and noncharacters.
_ODD = {
    "del": "a\x7fb", "c0": "c\x01\x1b\x1fd", "c1": "e\x85\x9ff", "nbsp": "g\xa0h",
    "seps": "i\u2028j\u2029k", "bom": "l\ufeffm", "fffd": "x\ufffd", "fffe": "x\ufffe",
    "ffff": "x\uffff", "fdd0": "x\ufdd0", "plane1": "x\U0001fffe", "last": "x\U0010ffff",
    "astral": "x\U0001f600", "escapes": 'q"\\\t\nr', "quote": "'s'",
}


def _odd_policy():
    def literal(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    lines = ["package p", 'namespace prod = "prod"']
    lines += ["user %s = %s" % (k, literal(v)) for k, v in _ODD.items()]
    lines.append("allow %s to view in prod" % ", ".join(_ODD))
    return "\n".join(lines) + "\n"


def test_yaml_round_trips_every_name_through_pyyaml():
    import yaml
    with cli.Dir({"p.policy": _odd_policy().encode("utf-8", "surrogatepass")}) as d:
        out = os.path.join(d, "out")
        p = cli.stave("build", d, "-o", out)
        cli.expect_exit(p, 0)
        names = set()
        for f in sorted(n for n in os.listdir(out) if not n.startswith(".")):  # .stave-manifest
            with open(os.path.join(out, f), encoding="utf-8") as fh:
                for doc in yaml.safe_load_all(fh):  # PyYAML refused DEL before the fix
                    if doc and doc["kind"] == "RoleBinding":
                        names |= {s["name"] for s in doc["subjects"]}
        cli.expect(names == set(_ODD.values()),
                   "names changed: %r" % (names ^ set(_ODD.values())))
        cli.expect(len(names) == len(_ODD), "distinct names collapsed")


def test_yaml_stream_of_odd_names_is_read_by_pyyaml():
    import yaml
    with cli.Dir({"p.policy": _odd_policy()}) as d:
        p = cli.stave("build", d)
        cli.expect_exit(p, 0)
        docs = [x for x in yaml.safe_load_all(p.stdout.decode("utf-8")) if x]
        subjects = [s["name"] for x in docs if x["kind"] == "RoleBinding" for s in x["subjects"]]
        cli.expect(sorted(subjects) == sorted(_ODD.values()), subjects)


def test_bounded_many_accounts_that_can_run_as_each_other():
    _check_within_bound("accounts-deploy", 5000)
