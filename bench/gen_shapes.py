#!/usr/bin/env python3
"""Generate policy repositories of several shapes, for bench/shapes.py.

    python3 bench/gen_shapes.py --shape dense --statements 10000 --out /tmp/dense-10k

A *statement* is one declaration, one rule or one test expectation, as in
bench/gen_repo.py. The shapes (issue 19: the shape, not the size, decides):

  standard       bench/gen_repo.py's company repository (called as is).
  dense          teams of six apps, each app with a two-label selector, two
                 ports and objects of three kinds; per team 20 API rules over
                 the apps with std and custom actions in two namespaces, 18
                 call rules between the apps with methods, paths and ports, a
                 pipeline and a test block. One package per team, four files.
  many-packages  hundreds to thousands of packages of about ten statements,
                 each importing a shared `platform` package and called from
                 its gateway. One file per package.
  one-package    the dense teams, all in one package (`big`) whose names are
                 prefixed by team: one huge scope, many files.
  test-heavy     the dense teams with about 100 expectations each, so most
                 statements are tests (what `stave test` grows with).

Every expectation is true by construction (the rules are regular enough
that the answer is known), so `stave test` passes on every shape, and the
output is deterministic for a given shape and size.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SHAPES = ["standard", "dense", "many-packages", "one-package", "test-heavy"]
APPS = 6


class Out:
    """The files of one package (or of one team's part of `big`) and a
    statement count."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.statements = 0

    def add(self, path: str, text: str, statements: int = 1) -> None:
        self.files.setdefault(path, []).append(text)
        self.statements += statements


class Team:
    """One dense team: names are bare in its own package, prefixed by the
    team in the shared one."""

    def __init__(self, index: int, shared: bool) -> None:
        self.i = index
        self.pre = f"t{index}-" if shared else ""
        self.pkg = "big" if shared else f"team{index}"
        self.dir = "big" if shared else f"team{index}"

    def n(self, name: str) -> str:
        return self.pre + name

    def app(self, j: int) -> str:
        return self.n(f"app{j}")

    # The call graph: app j accepts app j-1 on 8080 (GET, POST under /v1/)
    # and app j-2 on 9090 (GET /status), in prod; staging accepts its own
    # namespace on 8080.
    def callers(self, j: int) -> list[int]:
        return [(j - 1) % APPS, (j - 2) % APPS]

    def declarations(self, out: Out) -> None:
        f = f"{self.dir}/{self.pre}decls.policy"
        t = self.i
        out.add(f, f'namespace {self.n("staging")} = "t{t}-staging" {{ mtls strict }}')
        out.add(f, f'namespace {self.n("prod")} = "t{t}-prod" {{ default deny mtls strict }}')
        out.add(f, f'namespace {self.n("ci")} = "t{t}-ci"')
        out.add(f, f'group {self.n("devs")} = "t{t}-developers"')
        out.add(f, f'group {self.n("sre")} = "t{t}-oncall"')
        out.add(f, f'user {self.n("lead")} = "lead{t}@example.com"')
        out.add(f, f'serviceaccount {self.n("deployer")} = "t{t}-deployer" in {self.n("ci")}')
        out.add(f, f'pipeline {self.n("release")} = "t{t}-release" in {self.n("ci")} '
                   f'{{ serviceaccount {self.n("deployer")} }}')
        out.add(f, f'action {self.n("tune")} {{\n  configmaps: get, update, patch\n}}')
        out.add(f, f'action {self.n("operate")} {{\n  deployments: get, patch\n  services: get\n}}')
        for j in range(APPS):
            a = self.app(j)
            out.add(f, f'serviceaccount {a}-sa = "t{t}-app{j}" in {self.n("staging")}, {self.n("prod")}')
            out.add(f, "\n".join([
                f'app {a} in {self.n("staging")}, {self.n("prod")} {{',
                f'  selector {{ app = "t{t}-app{j}" tier = "backend" }}',
                f'  serviceaccount {a}-sa',
                '  ports 8080, 9090',
                '  objects {',
                f'    deployments: "t{t}-app{j}"',
                f'    services: "t{t}-app{j}"',
                f'    configmaps: "t{t}-app{j}-config"',
                '  }',
                '}']))

    def api_rules(self, out: Out) -> None:
        f = f"{self.dir}/{self.pre}access.policy"
        st, prod = self.n("staging"), self.n("prod")
        for j in range(APPS):
            a = self.app(j)
            out.add(f, f'allow {self.n("devs")} to view {a} in {st}, {prod}')
            out.add(f, f'allow {self.n("deployer")} to deploy {a} in {st}, {prod}')
            out.add(f, f'allow {self.n("sre")} to restart {a} in {prod}')
        out.add(f, f'allow {self.n("devs")} to {self.n("tune")} in {st}')
        out.add(f, f'allow {self.n("lead")} to {self.n("operate")} {self.app(0)} in {prod}')
        out.add(f, f'allow {self.n("devs")}, {self.n("lead")} to run {self.n("release")}')

    def call_rules(self, out: Out) -> None:
        f = f"{self.dir}/{self.pre}mesh.policy"
        st, prod = self.n("staging"), self.n("prod")
        for j in range(APPS):
            near, far = self.callers(j)
            a = self.app(j)
            out.add(f, f'allow {self.app(near)} to call {a} in {prod} methods GET, POST '
                       f'paths "/v1/*" ports 8080')
            out.add(f, f'allow {self.app(far)} to call {a} in {prod} methods GET paths "/status" ports 9090')
            out.add(f, f'allow namespace {st} to call {a} in {st} ports 8080')

    def expectations(self, count: int) -> list[str]:
        """`count` expectations, each true by the rules above, cycling
        through API, action, call and run questions."""
        st, prod = self.n("staging"), self.n("prod")
        t = self.i
        out: list[str] = []
        k = 0
        while len(out) < count:
            j = k % APPS
            a = self.app(j)
            near, far = self.callers(j)
            other = (j + 3) % APPS  # never a caller of j
            batch = [
                f'expect allow {self.n("deployer")} to deploy {a} in {prod}',
                f'expect allow {self.n("devs")} to view {a} in {st}',
                f'expect deny {self.n("devs")} to delete services "t{t}-app{j}" in {prod}',
                f'expect allow {self.n("sre")} to restart {a} in {prod}',
                f'expect deny {self.n("sre")} to restart {a} in {st}',
                f'expect allow {self.n("deployer")} to update deployments "t{t}-app{j}" in {st}',
                f'expect deny {self.n("devs")} to update deployments "t{t}-app{j}" in {prod}',
                f'expect allow {self.app(near)} to call {a} in {prod} method GET path "/v1/items" port 8080',
                f'expect deny {self.app(near)} to call {a} in {prod} method DELETE path "/v1/items" port 8080',
                f'expect allow {self.app(far)} to call {a} in {prod} method GET path "/status" port 9090',
                f'expect deny {self.app(other)} to call {a} in {prod} method GET path "/v1/items" port 8080',
                f'expect allow {self.n("devs")} to run {self.n("release")}',
            ]
            out.extend(batch[: count - len(out)])
            k += 1
        return out

    def tests(self, out: Out, count: int) -> None:
        f = f"{self.dir}/{self.pre}tests.policy"
        for start in range(0, count, 12):
            exps = self.expectations(start + 12)[start:count]
            body = "\n".join("  " + e for e in exps)
            out.add(f, f'test "team {self.i} part {start // 12 + 1}" {{\n{body}\n}}', len(exps))

    def generate(self, out: Out, expectations: int) -> None:
        self.declarations(out)
        self.api_rules(out)
        self.call_rules(out)
        self.tests(out, expectations)


def dense(target: int, shared: bool, expectations: int) -> Out:
    out = Out()
    i = 0
    while out.statements < target:
        Team(i, shared).generate(out, expectations)
        i += 1
    return out


def many_packages(target: int) -> Out:
    out = Out()
    f = "platform/platform.policy"
    out.add(f, 'namespace ingress = "ingress" { mtls strict }')
    out.add(f, 'serviceaccount gateway-sa = "gateway" in ingress')
    out.add(f, 'app gateway in ingress {\n  selector { app = "gateway" }\n  serviceaccount gateway-sa\n}')
    out.add(f, 'group oncall = "platform-oncall"')
    i = 0
    while out.statements < target:
        f = f"svc{i}/svc{i}.policy"
        out.add(f, f'namespace prod = "svc{i}" {{ default deny mtls strict }}')
        out.add(f, f'group devs = "svc{i}-developers"')
        out.add(f, f'serviceaccount api-sa = "svc{i}-api" in prod')
        out.add(f, f'app api in prod {{\n  selector {{ app = "svc{i}-api" }}\n  serviceaccount api-sa\n'
                   f'  ports 8080\n  objects {{\n    deployments: "svc{i}-api"\n  }}\n}}')
        out.add(f, 'allow devs to view in prod')
        out.add(f, 'allow devs to restart api in prod')
        out.add(f, 'allow platform.oncall to view in prod')
        out.add(f, 'allow platform.gateway to call api in prod methods GET paths "/*" ports 8080')
        body = "\n".join([
            '  expect allow devs to restart api in prod',
            '  expect allow platform.gateway to call api in prod method GET path "/x" port 8080',
        ])
        out.add(f, f'test "svc{i}" {{\n{body}\n}}', 2)
        i += 1
    return out


def write(out: Out, root: Path) -> None:
    for path, items in sorted(out.files.items()):
        pkg = path.split("/")[0]
        header = [f"package {pkg}"]
        if pkg.startswith("svc"):
            header.append("import platform")
        p = root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(header) + "\n\n" + "\n".join(items) + "\n")


def generate(shape: str, statements: int, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    if shape == "standard":
        subprocess.run([sys.executable, str(BENCH / "gen_repo.py"), "--statements", str(statements),
                        "--out", str(root)], check=True, stdout=subprocess.DEVNULL)
        return
    root.mkdir(parents=True)
    if shape == "dense":
        out = dense(statements, shared=False, expectations=6)
    elif shape == "one-package":
        out = dense(statements, shared=True, expectations=6)
    elif shape == "test-heavy":
        out = dense(statements, shared=False, expectations=108)
    elif shape == "many-packages":
        out = many_packages(statements)
    else:
        raise SystemExit(f"unknown shape {shape!r}; shapes: {', '.join(SHAPES)}")
    write(out, root)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=SHAPES, required=True)
    ap.add_argument("--statements", "-n", type=int, required=True)
    ap.add_argument("--out", "-o", type=Path, required=True, help="output directory (replaced)")
    args = ap.parse_args()
    generate(args.shape, args.statements, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
