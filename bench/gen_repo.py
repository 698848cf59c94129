#!/usr/bin/env python3
"""Generate a realistic Stave policy repository of a given size.

    python3 bench/gen_repo.py --statements 10000 --out /tmp/repo-10k [--seed 1]

A *statement* is one declaration, one rule or one test expectation (the
`package` and `import` lines and the `test "…" {` wrappers are not counted).

The repository looks like a company's: a `platform` package (shared CI
namespace, ingress gateway, on-call group, GitHub listener) and one package
per team, each split into several files (namespaces.policy, apps.policy,
actions.policy, access.policy, mesh.policy, pipelines.policy and
tests*.policy). Teams import `platform` and some import other teams whose
apps call theirs. A team has about 80-200 statements (median ~135).

Everything is deterministic for a given --seed and --statements.

The generator keeps its own model of what the rules grant (RBAC over the
standard library's actions, which it reads from stdlib/std/actions.policy,
and Istio evaluation of the call rules), refuses to emit a `deny` API rule
that conflicts with an `allow`, and computes the expected outcome of every
test expectation from that model, so `stave test` passes on the output.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STD_ACTIONS = REPO / "stdlib" / "std" / "actions.policy"

# Verbs RBAC cannot limit by resourceNames.
UNNAMED_VERBS = {"create", "list", "watch", "deletecollection"}

TEAM_WORDS = """
payments search catalog checkout identity billing ledger fraud inventory
shipping orders pricing reviews recommendations notifications messaging
analytics reporting warehouse logistics support onboarding accounts loyalty
marketing ads media streaming profiles auth gateway maps routing tracking
scheduling compliance risk treasury invoicing subscriptions partners vendors
content translation experiments metrics observability storage backup
""".split()

APP_WORDS = """
api web worker frontend backend indexer scheduler ingester exporter router
resolver notifier renderer validator matcher scorer planner collector
aggregator publisher consumer importer syncer archiver dispatcher tracker
""".split()

FIRST_NAMES = """
alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia
peggy rupert sybil trent victor walter xena yusuf zoe amir bea chen dina
emil fatma goran hana igor jonas kemal lena marek nora oscar priya quinn
""".split()

TENANTS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]


# --------------------------------------------------------------------------
# The standard library's actions, read from its source.

def parse_actions(text: str) -> dict[str, list]:
    """action name -> list of ('include', name) | ('perm', resource, [verbs]).

    Expects the standard library's layout: one `include` or `RESOURCE: VERBS`
    per line."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out: dict[str, list] = {}
    current = None
    for line in text.splitlines():
        line = line.split("//", 1)[0].strip()
        m = re.match(r"action\s+([A-Za-z0-9_-]+)\s*\{", line)
        if m:
            current = out.setdefault(m.group(1), [])
            continue
        if current is None or not line:
            continue
        if line == "}":
            current = None
        elif line.startswith("include "):
            current.append(("include", line.split()[1]))
        elif ":" in line:
            res, verbs = line.split(":", 1)
            current.append(("perm", res.strip(), [v.strip() for v in verbs.split(",") if v.strip()]))
    return out


class Actions:
    """Flattened permissions of actions: name -> set of (resource, verb)."""

    def __init__(self) -> None:
        self.defs: dict[str, list] = {}
        self.defs.update({"std." + k: v for k, v in parse_actions(STD_ACTIONS.read_text()).items()})

    def define(self, qname: str, items: list) -> None:
        self.defs[qname] = items

    def perms(self, qname: str, scope: str = "std") -> set:
        items = self.defs[qname]
        out = set()
        for it in items:
            if it[0] == "include":
                name = it[1]
                if "." not in name:
                    q = f"{scope}.{name}" if f"{scope}.{name}" in self.defs else f"std.{name}"
                else:
                    q = name
                out |= self.perms(q, q.split(".")[0])
            else:
                for v in it[2]:
                    out.add((it[1], v))
        return out


# --------------------------------------------------------------------------
# The model of what the generated rules grant.

ALL = None  # a grant on every object of the resource


class Rbac:
    def __init__(self) -> None:
        # (identity, namespace k8s name) -> list of (resource, verb, names|ALL)
        self.grants: dict[tuple, list] = {}

    def grant(self, ident: str, ns: str, res: str, verb: str, names) -> None:
        self.grants.setdefault((ident, ns), []).append((res, verb, names))

    def allows(self, ident: str, ns: str, res: str, verb: str, obj) -> bool:
        for r, v, names in self.grants.get((ident, ns), []):
            if r != res or v != verb:
                continue
            if names is ALL:
                return True
            if obj is not None and obj in names:
                return True
        return False

    def any_overlap(self, ident: str, ns: str, perms: set) -> bool:
        for r, v, _ in self.grants.get((ident, ns), []):
            if (r, v) in perms:
                return True
        return False


def match_str(pattern: str, value: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


@dataclass
class CallRule:
    deny: bool
    sources: list  # identities: "sa:NS/NAME", "ns:NS", "any", "authenticated"
    methods: list | None = None
    paths: list | None = None
    not_paths: list | None = None
    ports: list | None = None
    hosts: list | None = None
    headers: dict | None = None  # header name -> allowed values
    src_ns: list | None = None   # when source.namespace == …


@dataclass
class Request:
    source: str | None  # "sa:NS/NAME", or None for plaintext
    method: str | None = None
    path: str | None = None
    port: int | None = None
    host: str | None = None
    headers: dict = field(default_factory=dict)


class Mesh:
    def __init__(self) -> None:
        self.rules: dict[tuple, list[CallRule]] = {}  # (app key, ns) -> rules
        self.ns_default_deny: dict[str, bool] = {}
        self.ns_strict: dict[str, bool] = {}
        self.app_http_ports: dict[str, list[int]] = {}

    def add(self, app_key: str, ns: str, rule: CallRule) -> None:
        self.rules.setdefault((app_key, ns), []).append(rule)

    @staticmethod
    def _source_matches(rule: CallRule, src: str | None) -> bool:
        for s in rule.sources:
            if s == "any":
                return True
            if src is None:
                continue
            if s == "authenticated":
                return True
            if s.startswith("ns:") and src.split(":", 1)[1].split("/")[0] == s[3:]:
                return True
            if s == src:
                return True
        return False

    def _matches(self, app_key: str, rule: CallRule, req: Request) -> bool:
        if not self._source_matches(rule, req.source):
            return False
        ports = rule.ports
        http_fields = rule.methods or rule.paths or rule.not_paths or rule.hosts or rule.headers
        if rule.deny and ports is None and http_fields:
            ports = self.app_http_ports[app_key]
        if ports is not None and req.port not in ports:
            return False
        if rule.methods and req.method not in rule.methods:
            return False
        if rule.paths and not (req.path and any(match_str(p, req.path) for p in rule.paths)):
            return False
        if rule.not_paths and req.path and any(match_str(p, req.path) for p in rule.not_paths):
            return False
        if rule.hosts and not (req.host and any(match_str(h, req.host) for h in rule.hosts)):
            return False
        if rule.headers:
            for k, vals in rule.headers.items():
                if req.headers.get(k) not in vals:
                    return False
        if rule.src_ns:
            if req.source is None:
                return False
            if req.source.split(":", 1)[1].split("/")[0] not in rule.src_ns:
                return False
        return True

    def admits(self, app_key: str, ns: str, req: Request) -> bool:
        if self.ns_strict.get(ns) and req.source is None:
            return False
        rules = self.rules.get((app_key, ns), [])
        if any(r.deny and self._matches(app_key, r, req) for r in rules):
            return False
        allows = [r for r in rules if not r.deny]
        if not allows and not self.ns_default_deny.get(ns):
            return True
        return any(self._matches(app_key, r, req) for r in allows)


# --------------------------------------------------------------------------
# Output files.

class PolicyFile:
    def __init__(self, team: "Team", name: str, comment: str) -> None:
        self.team = team
        self.name = name
        self.comment = comment
        self.lines: list[str] = []
        self.used: dict[str, str] = {}  # package -> prefix
        self.statements = 0

    def ref(self, pkg: str, name: str) -> str:
        if pkg == self.team.name:
            return name
        prefix = self.team.prefix_for(pkg)
        self.used[pkg] = prefix
        return f"{prefix}.{name}"

    def stmt(self, text: str, doc: str | None = None) -> None:
        if doc:
            for d in doc.split("\n"):
                self.lines.append(f"/// {d}")
        self.lines.append(text)
        self.statements += 1

    def raw(self, text: str = "") -> None:
        self.lines.append(text)

    def render(self) -> str:
        out = [f"// {self.comment}", f"package {self.team.name}", ""]
        for pkg, prefix in sorted(self.used.items()):
            out.append(f"import {pkg}" if prefix == pkg else f"import {pkg} as {prefix}")
        if self.used:
            out.append("")
        out.extend(self.lines)
        return "\n".join(out).rstrip() + "\n"


@dataclass
class App:
    name: str
    kind: str                 # "http", "grpc" (8080 + 9090 grpc), "cache"
    sa: str | None
    sa_k8s: str | None
    objects: dict             # resource -> [names]
    namespaces: list          # stave names in this team
    selector: str

    @property
    def ports(self) -> list[int]:
        return {"http": [8080], "grpc": [8080, 9090], "cache": [6379]}[self.kind]


class Team:
    def __init__(self, gen: "Generator", name: str, index: int) -> None:
        self.gen = gen
        self.name = name
        self.index = index
        self.files: list[PolicyFile] = []
        self.aliases: dict[str, str] = {}

    def prefix_for(self, pkg: str) -> str:
        return self.aliases.get(pkg, pkg)

    def new_file(self, name: str, comment: str) -> PolicyFile:
        f = PolicyFile(self, name, comment)
        self.files.append(f)
        return f

    @property
    def statements(self) -> int:
        return sum(f.statements for f in self.files)


# --------------------------------------------------------------------------

class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.actions = Actions()
        self.rbac = Rbac()
        self.mesh = Mesh()
        self.teams: list[Team] = []
        self.team_info: list[dict] = []   # exported facts used by importers
        self.platform: dict = {}

    # -- helpers -----------------------------------------------------------
    def grant_action(self, idents: list[str], ns_list: list[str], action_q: str,
                     scope: str, app: App | None = None) -> None:
        perms = self.actions.perms(action_q, scope)
        for ident in idents:
            for ns in ns_list:
                for res, verb in perms:
                    if app is None:
                        self.rbac.grant(ident, ns, res, verb, ALL)
                        continue
                    base = res.split("-")[0]
                    if base not in app.objects:
                        continue
                    if verb in UNNAMED_VERBS:
                        self.rbac.grant(ident, ns, res, verb, ALL)
                    else:
                        self.rbac.grant(ident, ns, res, verb, set(app.objects[base]))

    def app_perms(self, action_q: str, scope: str, app: App) -> set:
        return {(r, v) for r, v in self.actions.perms(action_q, scope)
                if r.split("-")[0] in app.objects}

    def api_query(self, idents: list[str], ns: str, verb: str, res: str, obj=None) -> bool:
        results = {self.rbac.allows(i, ns, res, verb, obj) for i in idents}
        assert len(results) == 1, (idents, ns, verb, res, obj)
        return results.pop()

    def action_query(self, idents: list[str], ns: str, action_q: str, scope: str,
                     app: App | None = None) -> bool:
        perms = self.actions.perms(action_q, scope)
        ok = True
        for res, verb in perms:
            if app is None:
                ok &= self.api_query(idents, ns, verb, res)
                continue
            base = res.split("-")[0]
            if base not in app.objects:
                continue
            if verb in UNNAMED_VERBS:
                ok &= self.api_query(idents, ns, verb, res)
            else:
                for o in app.objects[base]:
                    ok &= self.api_query(idents, ns, verb, res, o)
        return ok

    # -- platform ------------------------------------------------------------
    def gen_platform(self) -> Team:
        t = Team(self, "platform", -1)
        f = t.new_file("platform/platform.policy",
                       "The platform team: shared CI, the ingress gateway and on-call.")
        f.stmt('namespace ci = "platform-ci"',
               "Shared Tekton namespace: some teams' pipelines run here, and so does\n"
               "the GitHub EventListener that starts them.")
        f.stmt('namespace ingress = "istio-ingress"', "Istio's ingress gateway.")
        f.stmt('serviceaccount ingress-gateway = "istio-ingressgateway" in ingress { external }',
               "The ingress gateway's account, created by its Helm chart.")
        f.stmt('group platform-team = "platform-engineers"', "Platform engineers.")
        f.stmt('group oncall = "sre-oncall"', "On-call SREs for every team.")
        f.raw()
        f.stmt("allow platform-team to manage-pipelines in ci")
        f.stmt("allow platform-team to manage-triggers  in ci")
        f.stmt("allow oncall        to view             in ci")
        self.grant_action(["group:platform-engineers"], ["platform-ci"], "std.manage-pipelines", "std")
        self.grant_action(["group:platform-engineers"], ["platform-ci"], "std.manage-triggers", "std")
        self.grant_action(["group:sre-oncall"], ["platform-ci"], "std.view", "std")

        g = t.new_file("platform/triggers.policy", "Tekton Triggers: the GitHub listener.")
        g.stmt('serviceaccount github-listener = "el-github" in ci',
               "The EventListener's account.")
        g.stmt("allow github-listener to trigger in ci")
        self.grant_action(["sa:platform-ci/el-github"], ["platform-ci"], "std.trigger", "std")
        g.raw()
        g.raw('test "the webhook listener starts runs and does nothing else" {')
        g.stmt("  expect allow github-listener to trigger in ci")
        g.stmt('  expect allow github-listener to get triggertemplates "release" in ci')
        g.stmt("  expect allow github-listener to create pipelineruns in ci")
        g.stmt("  expect deny  github-listener to create taskruns in ci")
        g.stmt('  expect deny  github-listener to get secrets "github-webhook-secret" in ci')
        g.raw("}")
        g.raw()
        g.raw('test "platform engineers author pipelines but do not run them" {')
        g.stmt("  expect allow platform-team to manage-pipelines in ci")
        g.stmt('  expect allow platform-team to update pipelines "release" in ci')
        g.stmt("  expect deny  platform-team to create pipelineruns in ci")
        g.stmt("  expect allow oncall to view in ci")
        g.stmt("  expect deny  oncall to get secrets in ci")
        g.raw("}")
        self.platform = {
            "ci": "platform-ci",
            "listener": "sa:platform-ci/el-github",
            "gateway": "sa:istio-ingress/istio-ingressgateway",
            "oncall": "group:sre-oncall",
        }
        self.mesh.ns_strict["platform-ci"] = False
        return t

    # -- a team --------------------------------------------------------------
    def gen_team(self, index: int, n_apps: int, n_users: int) -> Team:
        rng = self.rng
        word = TEAM_WORDS[index % len(TEAM_WORDS)]
        name = f"{word}-{index // len(TEAM_WORDS) + 1}" if index >= len(TEAM_WORDS) else word
        t = Team(self, name, index)
        if rng.random() < 0.5:
            t.aliases["platform"] = "plat"
        shared_ci = rng.random() < 0.25
        P = "platform"

        ns = {"dev": f"{name}-dev", "staging": f"{name}-staging", "prod": f"{name}-prod",
              "ci": "platform-ci" if shared_ci else f"{name}-ci"}
        self.mesh.ns_strict[ns["staging"]] = True
        self.mesh.ns_strict[ns["prod"]] = True
        self.mesh.ns_default_deny[ns["prod"]] = True

        # ---- namespaces and people
        f = t.new_file(f"{name}/namespaces.policy",
                       f"The {word} team's namespaces and people.")
        f.stmt(f'namespace dev = "{ns["dev"]}"', "Scratch space: developers deploy by hand.")
        f.stmt(f'namespace staging = "{ns["staging"]}" {{ mtls strict }}',
               "Staging: mTLS only. Apps without call rules take any mesh caller.")
        f.stmt(f'namespace prod = "{ns["prod"]}" {{ default deny  mtls strict }}',
               "Production: nothing is reachable unless a call rule admits it.")
        if not shared_ci:
            f.stmt(f'namespace ci = "{ns["ci"]}"', "The team's Tekton namespace.")
        def ci_in(file: PolicyFile) -> str:
            return file.ref(P, "ci") if shared_ci else "ci"
        f.raw()
        f.stmt(f'group devs = "{name}-developers"', "The team's developers.")
        f.stmt(f'group leads = "{name}-leads"', "Tech leads and the release manager.")
        has_auditors = rng.random() < 0.6
        if has_auditors:
            f.stmt(f'group auditors = "{name}-auditors"', "Read-only access to production.")
        users = []
        first = rng.sample(FIRST_NAMES, min(n_users, len(FIRST_NAMES)))
        while len(first) < n_users:
            first.append(f"{rng.choice(FIRST_NAMES)}{len(first)}")
        for i, u in enumerate(first):
            contractor = i >= 2 and i == n_users - 1
            k8s = f"{u}@{name}.example.com" if not contractor else f"{u}@contractor.example.com"
            doc = "Contractor: dev access only." if contractor else None
            f.stmt(f'user {u} = "{k8s}"', doc)
            users.append((u, f"user:{k8s}", contractor))
        devs = f"group:{name}-developers"
        leads = f"group:{name}-leads"
        auditors = f"group:{name}-auditors"

        # ---- apps
        a = t.new_file(f"{name}/apps.policy", f"The {word} team's workloads.")
        app_names = rng.sample(APP_WORDS, min(n_apps, len(APP_WORDS)))
        while len(app_names) < n_apps:
            app_names.append(f"{rng.choice(APP_WORDS)}{len(app_names)}")
        apps: list[App] = []
        for i, an in enumerate(app_names):
            if i == 0:
                kind = "http"
            elif i == n_apps - 1 and n_apps >= 4:
                kind = "cache"
            else:
                kind = "grpc" if rng.random() < 0.35 else "http"
            if kind == "cache":
                an = "cache"
            objs: dict = {}
            if kind != "cache":
                objs["deployments"] = [f"{name}-{an}"]
                objs["services"] = [f"{name}-{an}"]
                objs["configmaps"] = [f"{name}-{an}-config"]
                if i == 0:
                    objs["virtualservices"] = [f"{name}-{an}"]
                    objs["destinationrules"] = [f"{name}-{an}"]
                if rng.random() < 0.2:
                    objs["horizontalpodautoscalers"] = [f"{name}-{an}"]
            sa = f"{an}-sa" if kind != "cache" else None
            sa_k8s = an if kind != "cache" else None
            app = App(an, kind, sa, sa_k8s, objs, ["staging", "prod"], f"{name}-{an}")
            apps.append(app)
            self.mesh.app_http_ports[f"{name}.{an}"] = [p for p in app.ports if p != 6379]
            if sa:
                a.stmt(f'serviceaccount {sa} = "{sa_k8s}" in staging, prod')
        a.raw()
        for app in apps:
            body = [f'  selector {{ app = "{app.selector}" }}']
            if app.sa:
                body.append(f"  serviceaccount {app.sa}")
            body.append("  ports " + {"http": "8080", "grpc": "8080, 9090 grpc",
                                      "cache": "6379 redis"}[app.kind])
            if app.objects:
                body.append("  objects {")
                w = max(len(r) for r in app.objects) + 1
                for r, names in app.objects.items():
                    body.append(f"    {(r + ':').ljust(w)} " + ", ".join(f'"{n}"' for n in names))
                body.append("  }")
            doc = {"http": "Serves HTTP on 8080.", "grpc": "REST on 8080, gRPC on 9090.",
                   "cache": "Shared Redis cache; calls nothing."}[app.kind]
            a.stmt(f"app {app.name} in staging, prod {{\n" + "\n".join(body) + "\n}", doc)
            a.raw()

        def sa_ids(app: App) -> list[str]:
            return [f"sa:{ns[n]}/{app.sa_k8s}" for n in app.namespaces]

        # ---- custom actions
        c = t.new_file(f"{name}/actions.policy", f"The {word} team's own permission bundles.")
        c.stmt("action ship {\n  deployments: get, update, patch\n  services: get, update, patch\n"
               "  configmaps: get, update, patch\n}",
               "Roll out a new version of an existing app: update its objects in place.")
        self.actions.define(f"{name}.ship", [("perm", "deployments", ["get", "update", "patch"]),
                                             ("perm", "services", ["get", "update", "patch"]),
                                             ("perm", "configmaps", ["get", "update", "patch"])])
        c.stmt("action tune {\n  include scale\n  configmaps: get, update, patch\n}",
               "Change an app's replica count and configuration.")
        self.actions.define(f"{name}.tune", [("include", "scale"),
                                             ("perm", "configmaps", ["get", "update", "patch"])])
        c.stmt("action shift-traffic {\n  virtualservices: get, update, patch\n"
               "  destinationrules: get, update, patch\n}",
               "Move traffic between versions of an app (no list or watch).")
        self.actions.define(f"{name}.shift-traffic",
                            [("perm", "virtualservices", ["get", "update", "patch"]),
                             ("perm", "destinationrules", ["get", "update", "patch"])])
        c.stmt("action debug {\n  include read-logs\n  events: get, list, watch\n}",
               "Follow what pods do: logs and events.")
        self.actions.define(f"{name}.debug", [("include", "read-logs"),
                                              ("perm", "events", ["get", "list", "watch"])])
        act = lambda n: f"{name}.{n}"  # noqa: E731

        # ---- pipelines
        p = t.new_file(f"{name}/pipelines.policy", f"The {word} team's release pipelines.")
        ci = ci_in(p)
        p.stmt(f'serviceaccount deployer = "{name}-deployer" in {ci}',
               "Runs the release pipeline's Tasks.")
        p.stmt(f'serviceaccount rollbacker = "{name}-rollback" in {ci}',
               "Runs the rollback pipeline's Tasks: it only shifts traffic.")
        p.stmt(f'pipeline release = "{name}-release" in {ci} {{ serviceaccount deployer }}',
               "Build, test, deploy to staging, then to prod.")
        p.stmt(f'pipeline rollback = "{name}-rollback" in {ci} {{ serviceaccount rollbacker }}',
               "Send prod traffic back to the last good version.")
        nightly = rng.random() < 0.4
        if nightly:
            p.stmt(f'pipeline nightly = "{name}-nightly" in {ci} {{ serviceaccount deployer }}',
                   "Nightly integration tests against staging.")
        deployer = f"sa:{ns['ci']}/{name}-deployer"
        rollbacker = f"sa:{ns['ci']}/{name}-rollback"
        p.raw()
        lead_user = users[0]
        listener_runs = rng.random() < 0.7
        runs: dict[str, set] = {"release": set(), "rollback": set(), "nightly": set()}
        p.stmt("allow devs to run release" + (", nightly" if nightly else ""))
        runs["release"].add(devs)
        if nightly:
            runs["nightly"].add(devs)
        p.stmt(f"allow leads, {lead_user[0]} to run release, rollback")
        runs["release"] |= {leads, lead_user[1]}
        runs["rollback"] |= {leads, lead_user[1]}
        if listener_runs:
            p.stmt(f"allow {p.ref(P, 'github-listener')} to run release")
            runs["release"].add(self.platform["listener"])
        run_grant = [("pipelineruns", v) for v in ("get", "list", "watch", "create", "patch")] + \
                    [("taskruns", v) for v in ("get", "list", "watch")] + \
                    [("pods", v) for v in ("get", "list", "watch")] + [("pods-log", "get")]
        for who in set().union(*runs.values()):
            for r, v in run_grant:
                self.rbac.grant(who, ns["ci"], r, v, ALL)

        # ---- API rules
        r = t.new_file(f"{name}/access.policy", f"Who may change what in the {word} team's namespaces.")
        denies: list[tuple] = []  # (idents, ns list, perms)

        def allow(idents, subj_text, action_name, ns_names, app=None, scope=None, note=None):
            q = action_name if "." in action_name else f"std.{action_name}"
            scope = scope or q.split(".")[0]
            text_action = action_name.split(".")[-1]
            self.grant_action(idents, [ns[n] for n in ns_names], q, scope, app)
            r.stmt(f"allow {subj_text} to {text_action}{' ' + app.name if app else ''} in "
                   + ", ".join(n if n != "ci" else ci_in(r) for n in ns_names), note)

        allow([devs], "devs", "view", ["dev", "staging"], note="Developers look around in dev and staging.")
        allow([devs], "devs", "deploy", ["dev"])
        allow([devs], "devs", "read-logs", ["prod"])
        allow([leads], "leads", "view", ["staging", "prod"])
        if has_auditors:
            allow([auditors], "auditors", "view", ["prod"])
        oncall_txt = r.ref(P, "oncall")
        allow([self.platform["oncall"]], oncall_txt, "view", ["staging", "prod"],
              note="On-call SREs read everything the team runs.")
        workload_apps = [x for x in apps if x.kind != "cache"]
        restart_apps = rng.sample(workload_apps, min(len(workload_apps), rng.randint(1, 2)))
        for app in restart_apps:
            allow([self.platform["oncall"]], oncall_txt, "restart", ["prod"], app)
        tune_apps = rng.sample(workload_apps, min(len(workload_apps), rng.randint(1, 3)))
        for app in tune_apps:
            allow([leads], "leads", act("tune"), ["prod"], app)
        r.raw()
        r.raw("// The release pipeline's account writes each app's own objects.")
        for i, app in enumerate(workload_apps):
            if i == 0 and rng.random() < 0.5:
                allow([deployer], "deployer", "deploy", ["staging", "prod"], app)
            else:
                allow([deployer], "deployer", act("ship"), ["staging", "prod"], app)
        allow([rollbacker], "rollbacker", act("shift-traffic"), ["prod"], apps[0])
        r.raw()
        for u, uid, contractor in users[1:]:
            if contractor:
                allow([uid], u, "view", ["dev"])
                continue
            choice = rng.randrange(3)
            if choice == 0:
                allow([uid], u, "view", ["staging"])
            elif choice == 1:
                allow([uid], u, act("debug"), ["staging", "prod"])
            else:
                allow([uid], u, "read-logs", ["prod"])
        r.raw()
        r.raw("// Guards: compilation fails if a rule, here or added later, grants these.")

        def deny(idents, subj_text, action_name, ns_names, app=None):
            q = action_name if "." in action_name else f"std.{action_name}"
            scope = q.split(".")[0]
            perms = self.app_perms(q, scope, app) if app else self.actions.perms(q, scope)
            for i in idents:
                for n in ns_names:
                    assert not self.rbac.any_overlap(i, ns[n], perms), (name, subj_text, action_name)
            denies.append((idents, ns_names, perms))
            r.stmt(f"deny  {subj_text} to {action_name.split('.')[-1]}{' ' + app.name if app else ''} in "
                   + ", ".join(ns_names))

        deny([devs], "devs", "route-traffic", ["prod"])
        deny([devs], "devs", act("ship"), ["prod"])
        if has_auditors:
            deny([auditors], "auditors", "prune", ["staging", "prod"])
        contractors = [x for x in users if x[2]]
        if contractors:
            deny([x[1] for x in contractors], ", ".join(x[0] for x in contractors), "edit",
                 ["staging", "prod"])

        # ---- mesh
        m = t.new_file(f"{name}/mesh.policy", f"Who may call the {word} team's apps over the mesh.")
        key = lambda app: f"{name}.{app.name}"  # noqa: E731
        front = apps[0]
        gw = m.ref(P, "ingress-gateway")
        host = f"{name}.example.com"
        m.stmt(f"allow {gw} to call {front.name} in prod\n  hosts \"{host}\" ports 8080 not paths \"/internal/*\"",
               "Public traffic enters through the ingress gateway.")
        self.mesh.add(key(front), ns["prod"], CallRule(False, [self.platform["gateway"]], hosts=[host],
                                                       ports=[8080], not_paths=["/internal/*"]))
        smoke = rng.random() < 0.6
        if smoke:
            m.stmt(f"allow namespace {ci_in(m)} to call {front.name} in staging\n"
                   f"  methods GET paths \"/healthz\", \"/api/*\" ports 8080\n"
                   f"  when request.headers[x-smoke-test] == \"true\"",
                   "The release pipeline smoke-tests staging from CI.")
            self.mesh.add(key(front), ns["staging"],
                          CallRule(False, [f"ns:{ns['ci']}"], methods=["GET"], paths=["/healthz", "/api/*"],
                                   ports=[8080], headers={"x-smoke-test": ["true"]}))
        callers_of: dict[str, list] = {}
        with_sa = [x for x in apps if x.sa]
        for i, app in enumerate(apps[1:], start=1):
            pool = [x for x in with_sa if x is not app]
            if not pool:
                continue
            callers = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
            callers_of[app.name] = callers
            srcs = [s for c in callers for s in sa_ids(c)]
            names = ", ".join(c.name for c in callers)
            if app.kind == "cache":
                m.stmt(f"allow {names} to call {app.name} in staging, prod ports 6379")
                for n in ("staging", "prod"):
                    self.mesh.add(key(app), ns[n], CallRule(False, srcs, ports=[6379]))
                continue
            meths = rng.choice([["GET"], ["GET", "POST"], ["GET", "POST", "PUT"]])
            m.stmt(f"allow {names} to call {app.name} in prod methods {', '.join(meths)} "
                   f"paths \"/api/*\" ports 8080")
            self.mesh.add(key(app), ns["prod"], CallRule(False, srcs, methods=meths, paths=["/api/*"], ports=[8080]))
            if app.kind == "grpc":
                tenants = rng.sample(TENANTS, 2)
                m.stmt(f"allow {callers[0].name} to call {app.name} in prod ports 9090\n"
                       f"  when request.headers[x-tenant] == \"{tenants[0]}\", \"{tenants[1]}\"")
                self.mesh.add(key(app), ns["prod"], CallRule(False, sa_ids(callers[0]), ports=[9090],
                                                             headers={"x-tenant": tenants}))
            if rng.random() < 0.3:
                # staging: only callers from the team's own staging namespace
                m.stmt(f"allow {names} to call {app.name} in staging ports 8080\n"
                       f"  when source.namespace == \"{ns['staging']}\"")
                self.mesh.add(key(app), ns["staging"], CallRule(False, srcs, ports=[8080],
                                                                src_ns=[ns["staging"]]))
        deny_apps = [x for x in workload_apps if rng.random() < 0.5]
        for app in deny_apps:
            m.stmt(f"deny any to call {app.name} in staging, prod paths \"/internal/*\"")
            for n in ("staging", "prod"):
                self.mesh.add(key(app), ns[n], CallRule(True, ["any"], paths=["/internal/*"]))

        # cross-team calls: this team lists callers from teams it depends on
        upstream = []
        if self.team_info and rng.random() < 0.5:
            upstream = rng.sample(self.team_info, min(len(self.team_info), rng.randint(1, 2)))
        cross = []
        for other in upstream:
            src_app = rng.choice(other["apps_with_sa"])
            target = rng.choice([x for x in workload_apps])
            if other["name"] not in t.aliases and rng.random() < 0.3:
                alias = other["name"].split("-")[0][:4] + other["name"].split("-")[-1][-1]
                if alias not in t.aliases.values() and alias not in (name, "plat", "platform", "std"):
                    t.aliases[other["name"]] = alias
            ref = m.ref(other["name"], src_app[0])
            m.stmt(f"allow {ref} to call {target.name} in prod methods GET paths \"/api/*\" ports 8080",
                   f"The {other['name']} team's {src_app[0]} reads from {target.name}.")
            srcs = src_app[1]
            self.mesh.add(key(target), ns["prod"], CallRule(False, srcs, methods=["GET"], paths=["/api/*"],
                                                            ports=[8080]))
            cross.append((other["name"], src_app, target))

        # ---- tests
        tf = t.new_file(f"{name}/tests.policy", f"Tests for the {word} team's access rules.")
        tf.raw(f'test "{name}: the release pipeline writes each app\'s own objects" {{')

        def expect_api(file, who_text, idents, verb, res, obj, n):
            ok = self.api_query(idents, ns[n], verb, res, obj)
            o = f' "{obj}"' if obj else ""
            where = ci_in(file) if n == "ci" else n
            file.stmt(f"  expect {'allow' if ok else 'deny ':5} {who_text} to {verb} {res}{o} in {where}")

        def expect_action(file, who_text, idents, action_name, n, app=None):
            q = action_name if "." in action_name else f"std.{action_name}"
            ok = self.action_query(idents, ns[n], q, q.split(".")[0], app)
            where = ci_in(file) if n == "ci" else n
            file.stmt(f"  expect {'allow' if ok else 'deny ':5} {who_text} to {action_name.split('.')[-1]}"
                      f"{' ' + app.name if app else ''} in {where}")

        for app in workload_apps:
            d = app.objects["deployments"][0]
            expect_api(tf, "deployer", [deployer], "update", "deployments", d, "prod")
            expect_api(tf, "deployer", [deployer], "delete", "deployments", d, "prod")
        expect_api(tf, "deployer", [deployer], "update", "deployments", f"{name}-unknown", "prod")
        expect_api(tf, "deployer", [deployer], "get", "secrets", None, "prod")
        expect_action(tf, "rollbacker", [rollbacker], act("shift-traffic"), "prod", front)
        expect_api(tf, "rollbacker", [rollbacker], "patch", "virtualservices", front.objects["virtualservices"][0], "staging")
        tf.raw("}")
        tf.raw()
        tf.raw(f'test "{name}: people" {{')
        expect_action(tf, "devs", [devs], "view", "staging")
        expect_action(tf, "devs", [devs], "deploy", "dev")
        expect_api(tf, "devs", [devs], "get", "pods-log", f"{front.name}-7c9d8f-x2x4q", "prod")
        expect_api(tf, "devs", [devs], "update", "deployments", front.objects["deployments"][0], "prod")
        expect_api(tf, "devs", [devs], "get", "secrets", None, "staging")
        expect_action(tf, "leads", [leads], "view", "prod")
        for app in tune_apps:
            expect_action(tf, "leads", [leads], act("tune"), "prod", app)
            expect_api(tf, "leads", [leads], "update", "deployments-scale", app.objects["deployments"][0], "prod")
        if has_auditors:
            expect_action(tf, "auditors", [auditors], "view", "prod")
            expect_api(tf, "auditors", [auditors], "delete", "deployments", front.objects["deployments"][0], "prod")
        oc = tf.ref(P, "oncall")
        for app in restart_apps:
            expect_action(tf, oc, [self.platform["oncall"]], "restart", "prod", app)
        expect_api(tf, oc, [self.platform["oncall"]], "get", "secrets", None, "prod")
        for u, uid, contractor in users:
            if contractor:
                expect_action(tf, u, [uid], "view", "dev")
                expect_api(tf, u, [uid], "get", "pods", None, "prod")
            elif rng.random() < 0.5:
                expect_api(tf, u, [uid], "get", "pods-log", "x", "prod")
                expect_api(tf, u, [uid], "list", "events", None, "staging")
        tf.raw("}")
        tf.raw()
        tf.raw(f'test "{name}: who may start which pipeline" {{')
        pipes = {"release": deployer, "rollback": rollbacker, "nightly": deployer}
        sa_text = {deployer: "deployer", rollbacker: "rollbacker"}

        def expect_run(who_text, ident, pipe, as_sa=None):
            sa = as_sa or pipes[pipe]
            ok = ident in runs[pipe] and sa == pipes[pipe] and \
                self.rbac.allows(ident, ns["ci"], "pipelineruns", "create", None)
            tf.stmt(f"  expect {'allow' if ok else 'deny ':5} {who_text} to run {pipe}"
                    + (f" as {sa_text[as_sa]}" if as_sa else ""))

        expect_run("devs", devs, "release")
        expect_run("devs", devs, "rollback")
        expect_run("devs", devs, "release", rollbacker)
        if nightly:
            expect_run("devs", devs, "nightly")
        expect_run("leads", leads, "rollback")
        expect_run(lead_user[0], lead_user[1], "rollback")
        expect_run(lead_user[0], lead_user[1], "release", deployer)
        for u, uid, contractor in users[1:3]:
            expect_run(u, uid, "release")
        expect_run(tf.ref(P, "github-listener"), self.platform["listener"], "release")
        expect_run(tf.ref(P, "github-listener"), self.platform["listener"], "rollback")
        tf.raw("}")

        # mesh tests, in a file of their own
        mt = t.new_file(f"{name}/tests_mesh.policy", f"Mesh tests for the {word} team.")
        mt.raw(f'test "{name}: prod takes only listed callers" {{')

        def expect_call(who_text, srcs, app, n, method=None, path=None, port=None, host=None, headers=None):
            headers = headers or {}
            results = {self.mesh.admits(key(app), ns[n], Request(s, method, path, port, host, headers))
                       for s in srcs}
            if len(results) != 1:
                return  # differs by the caller's namespace: not one outcome
            ok = results.pop()
            parts = [f"  expect {'allow' if ok else 'deny ':5} {who_text} to call {app.name} in {n}"]
            if method:
                parts.append(f"method {method}")
            if path:
                parts.append(f'path "{path}"')
            if port:
                parts.append(f"port {port}")
            if host:
                parts.append(f'host "{host}"')
            for k, v in headers.items():
                parts.append(f'header {k} = "{v}"')
            mt.stmt(" ".join(parts))

        gw_id = [self.platform["gateway"]]
        gw_txt = mt.ref(P, "ingress-gateway")
        expect_call(gw_txt, gw_id, front, "prod", "GET", "/products/42", 8080, host)
        expect_call(gw_txt, gw_id, front, "prod", "GET", "/internal/flags", 8080, host)
        expect_call(gw_txt, gw_id, front, "prod", "GET", "/products/42", 8080, f"evil.{host}")
        expect_call("plaintext", [None], front, "prod", "GET", "/products/42", 8080, host)
        for app in apps[1:]:
            callers = callers_of.get(app.name)
            if not callers:
                continue
            c0 = callers[0]
            if app.kind == "cache":
                expect_call(c0.name, sa_ids(c0), app, "prod", port=6379)
                others = [x for x in with_sa if x not in callers and x is not app]
                if others:
                    expect_call(others[0].name, sa_ids(others[0]), app, "prod", port=6379)
                continue
            expect_call(c0.name, sa_ids(c0), app, "prod", "GET", "/api/v1/items", 8080)
            expect_call(c0.name, sa_ids(c0), app, "prod", "DELETE", "/api/v1/items/7", 8080)
            expect_call(c0.name, sa_ids(c0), app, "prod", "GET", "/internal/metrics", 8080)
            others = [x for x in with_sa if x not in callers and x is not app]
            if others:
                expect_call(others[0].name, sa_ids(others[0]), app, "prod", "GET", "/api/v1/items", 8080)
            if app.kind == "grpc":
                rule = [x for x in self.mesh.rules[(key(app), ns["prod"])] if x.headers][0]
                path = f"/{name}.{app.name}.v1.Service/Get"
                expect_call(c0.name, sa_ids(c0), app, "prod", "POST", path, 9090,
                            headers={"x-tenant": rule.headers["x-tenant"][0]})
                expect_call(c0.name, sa_ids(c0), app, "prod", "POST", path, 9090,
                            headers={"x-tenant": "nobody"})
        for oname, src_app, target in cross:
            ref = mt.ref(oname, src_app[0])
            expect_call(ref, src_app[1], target, "prod", "GET", "/api/v1/items", 8080)
            expect_call(ref, src_app[1], target, "prod", "POST", "/api/v1/items", 8080)
        mt.raw("}")
        mt.raw()
        mt.raw(f'test "{name}: staging is open until an app lists its callers" {{')
        for app in apps:
            if app.kind == "cache" or len(with_sa) < 2:
                continue
            caller = next(x for x in with_sa if x is not app)
            expect_call(caller.name, sa_ids(caller), app, "staging", "DELETE", "/api/v1/items/7", 8080)
            if rng.random() < 0.4:
                expect_call(caller.name, sa_ids(caller), app, "staging", "GET", "/internal/debug", 8080)
        if smoke:
            dep_txt = "deployer"
            expect_call(dep_txt, [deployer], front, "staging", "GET", "/healthz", 8080,
                        headers={"x-smoke-test": "true"})
            expect_call(dep_txt, [deployer], front, "staging", "GET", "/healthz", 8080)
        expect_call("plaintext", [None], front, "staging", "GET", "/api/v1/items", 8080)
        mt.raw("}")

        self.team_info.append({
            "name": name,
            "apps_with_sa": [(x.name, sa_ids(x)) for x in with_sa],
        })
        return t

    # -- the whole repository -------------------------------------------------
    def _restore(self, snap) -> None:
        state, self.rbac, self.mesh, self.team_info, self.actions.defs = snap
        self.rng.setstate(state)

    def generate(self, target: int) -> list[Team]:
        teams = [self.gen_platform()]
        total = teams[0].statements
        index = 0
        while total < target:
            remaining = target - total
            n_apps = self.rng.randint(2, 8)
            n_users = self.rng.randint(2, 10)
            if remaining > 400:
                t = self.gen_team(index, n_apps, n_users)
            else:
                # near the end: a team must fit in what is left, so keep the
                # model's state to undo an attempt that does not fit
                snap = copy.deepcopy((self.rng.getstate(), self.rbac, self.mesh,
                                      self.team_info, self.actions.defs))
                t = self.gen_team(index, n_apps, n_users)
                if total + t.statements > target:
                    self._restore(snap)
                    snap = copy.deepcopy(snap)
                    t = self.gen_team(index, 2, 2)
                    if total + t.statements > target:
                        self._restore(snap)
                        break
            teams.append(t)
            total += t.statements
            index += 1
        # pad with user declarations (in a file of the platform package) to hit
        # the target exactly
        pad = target - total
        if pad > 0:
            f = teams[0].new_file("platform/people.policy", "Platform engineers' accounts.")
            for i in range(pad):
                f.stmt(f'user engineer-{i} = "engineer-{i}@platform.example.com"')
        return teams


def merge_team(team: Team) -> PolicyFile:
    """All of a team's files as one file (for the LSP benchmark)."""
    m = PolicyFile(team, f"{team.name}/{team.name}.policy",
                   f"The {team.name} team's whole policy, in one file.")
    for f in team.files:
        m.raw(f"// ---- {Path(f.name).stem}: {f.comment}")
        m.raw()
        m.lines.extend(f.lines)
        m.raw()
        m.used.update(f.used)
        m.statements += f.statements
    return m


def generate_one_file(seed: int, lines: int) -> list[Team]:
    """The platform package and one team whose policy is a single file of
    exactly `lines` lines: the workspace of the LSP benchmark."""
    def attempt(n_apps: int) -> tuple[list[Team], PolicyFile]:
        gen = Generator(seed)
        platform = gen.gen_platform()
        team = gen.gen_team(0, n_apps, 40)
        merged = merge_team(team)
        team.files = [merged]
        return [platform, team], merged

    def count(f: PolicyFile) -> int:
        return f.render().count("\n")

    # lines grow linearly with the number of apps: probe two sizes
    a, b = count(attempt(10)[1]), count(attempt(30)[1])
    n_apps = max(2, int(10 + (lines - a) * 20 / max(1, b - a)))
    while True:
        teams, merged = attempt(n_apps)
        have = count(merged)
        if have <= lines or n_apps <= 2:
            break
        n_apps -= max(1, (have - lines) // max(1, (b - a) // 20) + 1)
    # pad with user declarations to the exact line count
    for i in range(lines - have):
        merged.stmt(f'user reviewer-{i} = "reviewer-{i}@example.com"')
    while count(merged) > lines and merged.lines[-1].startswith("user reviewer-"):
        merged.lines.pop()  # the render strips trailing blank lines that padding restores
        merged.statements -= 1
    return teams


def write_repo(teams: list[Team], out: Path) -> tuple[int, int, int]:
    if out.exists():
        shutil.rmtree(out)
    files = lines = stmts = 0
    for t in teams:
        for f in t.files:
            path = out / f.name
            path.parent.mkdir(parents=True, exist_ok=True)
            text = f.render()
            path.write_text(text)
            files += 1
            lines += text.count("\n")
            stmts += f.statements
    return files, lines, stmts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--statements", "-n", type=int,
                    help="number of statements (declarations, rules, expectations)")
    ap.add_argument("--one-file", type=int, metavar="LINES",
                    help="instead: the platform package and one team in a single file of "
                         "exactly LINES lines (the LSP benchmark's workspace)")
    ap.add_argument("--out", "-o", type=Path, required=True, help="output directory (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.one_file:
        teams = generate_one_file(args.seed, args.one_file)
    elif args.statements is None or args.statements < 40:
        ap.error("give --statements (at least 40) or --one-file LINES")
    else:
        teams = Generator(args.seed).generate(args.statements)
    files, lines, stmts = write_repo(teams, args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*.policy"))
    sizes = sorted(t.statements for t in teams[1:]) or [0]
    print(f"{args.out}: {len(teams) - 1} team packages + platform, {files} files, "
          f"{lines} lines, {size} bytes, {stmts} statements "
          f"(per team: min {sizes[0]}, median {sizes[len(sizes) // 2]}, max {sizes[-1]})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
