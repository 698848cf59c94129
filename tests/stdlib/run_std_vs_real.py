#!/usr/bin/env python3
"""Compares every std action with the real role it stands for.

stdlib/compared-roles.yaml lists, for each action of stdlib/std/actions.policy,
the real role (a file of ../shared/corpus, or a reference role under
tests/stdlib/reference) and the deliberate exceptions with their reasons.
For each action this compiles `allow SA to ACTION in NS` (or `in cluster`),
takes the Role `stave build` emits, and checks verb by verb that every
permission of the real role is granted or excepted. It fails on a missing
permission, on a stale exception (granted after all, or not in the real
role), on a `by:` action that does not grant what it is said to, and on a
std action the file does not list. Before the real check it runs the same
comparison on altered copies of the file (an exception removed, a bogus one
added) and requires both to fail, so the check cannot pass vacuously.

usage: run_std_vs_real.py STAVE
"""
import copy
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
COMPARED = os.path.join(ROOT, "stdlib", "compared-roles.yaml")


def parse_permission(text):
    """`create taskruns.tekton.dev [NAME]` -> (verb, group, resource, name)."""
    parts = text.split()
    verb, res = parts[0], parts[1]
    name = parts[2] if len(parts) > 2 else ""
    sub = ""
    if "/" in res:
        res, sub = res.split("/", 1)
    resource, _, group = res.partition(".")
    return (verb, group, resource + ("/" + sub if sub else ""), name)


def flatten(role):
    """A Role or ClusterRole as a set of (verb, group, resource, name)."""
    out = set()
    for rule in role.get("rules") or []:
        names = rule.get("resourceNames") or [""]
        for g in rule.get("apiGroups") or [""]:
            for r in rule.get("resources") or []:
                for v in rule.get("verbs") or []:
                    for n in names:
                        out.add((v, g, r, n))
    return out


def covers(granted, perm):
    verb, group, resource, name = perm
    for v, g, r, n in granted:
        if g in (group, "*") and r in (resource, "*") and v in (verb, "*") and n in ("", name):
            return True
    return False


def load_role(real):
    kind, path, name = real.split()
    base = CORPUS if kind == "corpus" else ROOT
    with open(os.path.join(base, path)) as f:
        for doc in yaml.safe_load_all(f):
            if doc and doc.get("kind") in ("Role", "ClusterRole") and doc["metadata"]["name"] == name:
                return doc
    raise SystemExit("%s: no Role or ClusterRole %s in %s" % (COMPARED, name, path))


class Compiler:
    """Compiles one-rule programs with the real binary, caching Roles."""

    def __init__(self, stave):
        self.stave = stave
        self.cache = {}

    def grants(self, action=None, cluster=False, run=False):
        key = (action, cluster, run)
        if key in self.cache:
            return self.cache[key]
        lines = ["package t", 'namespace ns = "t-ns"', 'serviceaccount sa = "t-sa" in ns']
        if run:
            lines += ['serviceaccount runner = "runner" in ns',
                      "pipeline build in ns { serviceaccount runner }", "allow sa to run build"]
            role = "stave:run:t.build"
        else:
            lines.append("allow sa to %s in %s" % (action, "cluster" if cluster else "ns"))
            role = "stave:" + action
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "t.policy"), "w") as f:
                f.write("\n".join(lines) + "\n")
            p = subprocess.run([self.stave, "build", d], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise SystemExit("stave build failed for %s:\n%s" % (key, p.stderr))
        found = [doc for doc in yaml.safe_load_all(p.stdout)
                 if doc and doc["kind"] in ("Role", "ClusterRole") and doc["metadata"]["name"] == role]
        if len(found) != 1:
            raise SystemExit("stave build emitted no Role %s for %s" % (role, key))
        self.cache[key] = flatten(found[0])
        return self.cache[key]


def std_actions():
    with open(os.path.join(ROOT, "stdlib", "std", "actions.policy")) as f:
        return re.findall(r"^action\s+([A-Za-z0-9_-]+)", f.read(), re.M)


def problems_of(entries, compiler):
    problems = []
    listed = set()
    for e in entries:
        what = e.get("action") or "`%s` rules" % e.get("rule")
        listed.add(e.get("action"))
        if e["real"] == "none":
            if not e.get("why"):
                problems.append("%s: `real: none` needs a `why`" % what)
            continue
        cluster = e.get("scope") == "cluster"
        granted = compiler.grants(e.get("action"), cluster, e.get("rule") == "run")
        real = flatten(load_role(e["real"]))
        excepted = {}
        for x in e.get("exceptions") or []:
            perm = parse_permission(x["permission"])
            if not (x.get("reason") or "").strip():
                problems.append("%s: exception `%s` gives no reason" % (what, x["permission"]))
            if perm not in real:
                problems.append("%s: stale exception `%s`: the real role does not hold it"
                                % (what, x["permission"]))
            if covers(granted, perm):
                problems.append("%s: stale exception `%s`: the action grants it"
                                % (what, x["permission"]))
            if x.get("by") and not covers(compiler.grants(x["by"], cluster), perm):
                problems.append("%s: exception `%s` says `%s` grants it, but it does not"
                                % (what, x["permission"], x["by"]))
            excepted[perm] = x
        for perm in sorted(real):
            if not covers(granted, perm) and perm not in excepted:
                verb, group, resource, name = perm
                res = resource.split("/")[0] + ("." + group if group else "") + \
                    ("/" + resource.split("/", 1)[1] if "/" in resource else "")
                problems.append("%s: the real role %s needs `%s %s%s`, which is neither granted "
                                "nor a listed exception" % (what, e["real"].split()[-1], verb, res,
                                                            " " + name if name else ""))
    for a in std_actions():
        if a not in listed:
            problems.append("std action `%s` is not in %s" % (a, os.path.relpath(COMPARED, ROOT)))
    return problems


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    if not os.path.isdir(CORPUS):
        print("std-vs-real: ../shared/corpus is missing\n0 passed, 1 failed")
        return 1
    with open(COMPARED) as f:
        entries = yaml.safe_load(f)
    compiler = Compiler(sys.argv[1])
    passed = failed = 0

    def case(name, ok, detail=""):
        nonlocal passed, failed
        print("%s %s%s" % ("ok  " if ok else "FAIL", name, ("\n    " + detail) if detail and not ok else ""))
        if ok:
            passed += 1
        else:
            failed += 1

    # The check must notice an undocumented and a stale exception.
    dropped = copy.deepcopy(entries)
    trigger = next(e for e in dropped if e.get("action") == "trigger")
    trigger["exceptions"] = trigger["exceptions"][1:]
    case("an undocumented exception fails the check",
         any("neither granted nor a listed exception" in p for p in problems_of(dropped, compiler)))
    bogus = copy.deepcopy(entries)
    trigger = next(e for e in bogus if e.get("action") == "trigger")
    trigger["exceptions"].append({"permission": "create pipelineruns.tekton.dev", "reason": "x"})
    case("a stale exception fails the check",
         any("stale exception" in p for p in problems_of(bogus, compiler)))
    missing = [e for e in entries if e.get("action") != "view"]
    case("an unlisted std action fails the check",
         any("`view` is not in" in p for p in problems_of(missing, compiler)))

    problems = problems_of(entries, compiler)
    case("every std action matches its real role or documents why not", not problems,
         "\n    ".join(problems))
    print("std-vs-real: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
