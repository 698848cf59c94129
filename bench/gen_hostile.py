#!/usr/bin/env python3
"""Policy files that grow one dimension a hostile (or just large) repository
can grow, for checking that `check`, `build` and `test` stay linear in it.

    python3 bench/gen_hostile.py SHAPE N > big.policy
    python3 bench/gen_hostile.py --list

Each shape is a valid program of size O(N) that stave must handle in
O(N log N); docs/security.md lists them, bench/results.md has the
timings, and tests/cli/bounds_tests.py runs several of them under a
timeout that only a quadratic step would exceed.
"""
import sys

HEADER = (
    "package p\n"
    'namespace prod = "prod" { default deny  mtls strict }\n'
    'namespace ci = "ci"\n'
)

APP = (
    'app {name} in prod {{\n'
    '  selector {{ app = "{name}" }}\n'
    '  serviceaccount {name}-sa\n'
    '  ports 8080\n'
    '  objects {{ deployments: "{name}" }}\n'
    '}}\n'
    'serviceaccount {name}-sa in prod\n'
)


def groups(n):
    """n groups, each allowed `view` in one namespace: n rules, one role."""
    out = [HEADER]
    for i in range(n):
        out.append('group g%d = "g%d"\nallow g%d to view in prod\n' % (i, i, i))
    return "".join(out)


def one_rule(n):
    """One rule with n subjects."""
    out = [HEADER]
    for i in range(n):
        out.append('user u%d = "u%d"\n' % (i, i))
    out.append("allow " + ", ".join("u%d" % i for i in range(n)) + " to view in prod\n")
    return "".join(out)


def deny_many(n):
    """n groups allowed `view` and denied deleting secrets in one namespace,
    so the deny guard meets every allow (and none conflicts)."""
    out = [HEADER, "action wipe { secrets: delete }\n"]
    for i in range(n):
        out.append('group g%d = "g%d"\nallow g%d to view in prod\ndeny g%d to wipe in prod\n'
                   % (i, i, i, i))
    return "".join(out)


def repeated_subject(n):
    """One rule naming the same user n times."""
    return HEADER + 'user u = "u"\nallow ' + ", ".join(["u"] * n) + " to view in prod\n"


def accounts_deploy(n):
    """n serviceaccounts in one namespace, each allowed `deploy` there: each
    can run as every other, so escalation analysis meets n x n pairs."""
    out = [HEADER, APP.format(name="api")]
    for i in range(n):
        out.append("serviceaccount s%d in prod\nallow s%d to deploy api in prod\n" % (i, i))
    return "".join(out)


def rules_one_app(n):
    """n rules (API and call) on one app."""
    out = [HEADER, APP.format(name="api")]
    for i in range(n):
        out.append('group g%d = "g%d"\nallow g%d to deploy api in prod\n' % (i, i, i))
        out.append('serviceaccount s%d in prod\nallow s%d to call api in prod paths "/p%d"\n'
                   % (i, i, i))
    return "".join(out)


def apps_one_ns(n):
    """n apps in one namespace (each with its serviceaccount), each called
    by the previous one, and one serviceaccount that may deploy the first:
    n call rules, n AuthorizationPolicies, n accounts an escalation walk
    could start at."""
    out = [HEADER]
    for i in range(n):
        out.append(APP.format(name="a%d" % i))
        if i:
            out.append("allow a%d to call a%d\n" % (i - 1, i))
    out.append('serviceaccount ops in prod\nallow ops to deploy a0 in prod\n')
    return "".join(out)


def namespaces_one_rule(n):
    """One rule in n namespaces."""
    out = [HEADER]
    for i in range(n):
        out.append('namespace n%d = "n%d"\n' % (i, i))
    out.append('group g = "g"\nallow g to view in ' + ", ".join("n%d" % i for i in range(n)) + "\n")
    return "".join(out)


def expectations(n):
    """n test expectations over a few rules."""
    out = [HEADER, 'group devs = "devs"\nallow devs to view in prod\ntest "many" {\n']
    for i in range(n):
        out.append('  expect allow devs to get pods "p%d" in prod\n' % i)
    out.append("}\n")
    return "".join(out)


SHAPES = {f.__name__.replace("_", "-"): f for f in
          (groups, one_rule, repeated_subject, deny_many, accounts_deploy, rules_one_app, apps_one_ns, namespaces_one_rule,
           expectations)}


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        for name, f in SHAPES.items():
            print("%-20s %s" % (name, " ".join(f.__doc__.split())))
        return 0
    if len(argv) != 3 or argv[1] not in SHAPES:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.write(SHAPES[argv[1]](int(argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
