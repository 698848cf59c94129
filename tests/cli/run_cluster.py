#!/usr/bin/env python3
"""CLI tests of `stave import` and `stave drift` (spec §15) with the real
binary: inputs from files, directories and stdin, malformed and hostile
input, symlinks, atomic writes, the corpus, and drift against a dump made
from `stave build` output with hand edits. Closes with
`cluster: N passed, N failed`.

usage: run_cluster.py STAVE
"""
import json
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_cli  # noqa: E402
from run_cli import Dir, expect, expect_exit, stave  # noqa: E402

ROOT = run_cli.ROOT
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
EXAMPLE = os.path.join(ROOT, "examples", "payments")

ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
"""


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_import_writes_checked_formatted_files():
    with Dir({"in/rbac.yaml": ROLE}) as d:
        out = os.path.join(d, "out")
        p = stave("import", os.path.join(d, "in"), "-o", out)
        expect_exit(p, 0)
        expect(sorted(os.listdir(out)) == ["cluster.policy", "shop.policy"], os.listdir(out))
        text = read(os.path.join(out, "shop.policy"))
        expect("allow devs to reader in shop" in text, text)
        expect_exit(stave("fmt", "--check", out), 0)
        expect_exit(stave("check", out), 0)
        # Same input, same bytes; a second import replaces its own files.
        first = {n: read(os.path.join(out, n)) for n in os.listdir(out)}
        expect_exit(stave("import", os.path.join(d, "in"), "-o", out), 0)
        expect(first == {n: read(os.path.join(out, n)) for n in os.listdir(out)}, "not deterministic")


def test_import_from_stdin_json_and_package():
    doc = json.dumps({"apiVersion": "v1", "kind": "List", "items": [json.loads(json.dumps(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "bot"}}))]})
    with Dir({}) as d:
        p = subprocess.run([run_cli.STAVE, "import", "-", "-o", d, "--package", "legacy", "--namespace", "team"],
                           input=doc.encode(), capture_output=True, timeout=30)
        expect(p.returncode == 0, p.stderr.decode())
        text = read(os.path.join(d, "team.policy"))
        expect("package legacy" in text and 'serviceaccount bot = "bot" in team' in text, text)


def test_import_std_action_and_warning_for_the_inexpressible():
    view_like = ROLE.replace("verbs: [get, list]", "verbs: [get, list]\n  nonResourceURLs: []")
    crole = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: hooks}
rules:
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations]
  resourceNames: [mine]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hooks}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hooks}
subjects: [{kind: User, name: alice}]
"""
    with Dir({"a.yaml": view_like + "---\n" + crole}) as d:
        out = os.path.join(d, "out")
        p = stave("import", os.path.join(d, "a.yaml"), "-o", out)
        expect_exit(p, 0)
        expect("warning: ClusterRole `hooks`: rule 1 is limited by resourceNames" in p.err, p.err)
        expect(" --> " in p.err and "a.yaml:" in p.err, p.err)
        text = read(os.path.join(out, "cluster.policy"))
        expect("// not imported: ClusterRole `hooks`" in text, text)


def test_import_corpus_sets_check_and_are_formatted():
    for name in ("tekton-pipeline", "tekton-triggers", "istio-security-tasks"):
        with Dir({}) as d:
            p = stave("import", os.path.join(CORPUS, name), "-o", d)
            expect_exit(p, 0)
            expect_exit(stave("fmt", "--check", d), 0)
            c = stave("check", d)
            expect(c.returncode == 0, name + ":\n" + c.err[-2000:])


def test_import_request_principals_become_issuers():
    """Istio's own JWT task: a RequestAuthentication and the policy that
    requires its tokens become an issuer and an issuer source, and the
    rebuilt objects are the input's."""
    jwt = os.path.join(CORPUS, "istio-security-tasks", "authz-jwt")
    with Dir({}) as d:
        p = stave("import", jwt, "-o", d)
        expect_exit(p, 0)
        expect("warning:" not in p.err, p.err)
        text = read(os.path.join(d, "cluster.policy"))
        expect('issuer testing-secure-istio-io = "testing@secure.istio.io" {' in text, text)
        expect('jwks "https://raw.githubusercontent.com/istio/istio/release-1.8/security/tools/jwt/samples/jwks.json"'
               in text, text)
        foo = read(os.path.join(d, "foo.policy"))
        expect('allow issuer testing-secure-istio-io subject "testing@secure.istio.io" to call httpbin in foo\n'
               '  when request.auth.claims[groups] == "group1"' in foo, foo)
        b = stave("build", d)
        expect_exit(b, 0)
        expect("kind: RequestAuthentication" in b.out and 'issuer: "testing@secure.istio.io"' in b.out, b.out)
        expect("requestPrincipals:\n" in b.out and '"testing@secure.istio.io/testing@secure.istio.io"' in b.out, b.out)
        # drift of the input against its import: nothing excess
        dr = stave("drift", d, "--cluster", jwt, "--format", "json")
        kinds = {f["kind"] for f in json.loads(dr.out)["findings"]}
        expect("excess" not in kinds, dr.out)
    # A namespace-wide RequestAuthentication, an http:// key set and a
    # principal of an issuer nobody validates are warnings naming the object.
    with Dir({"a.yaml": """apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: all, namespace: shop}
spec:
  jwtRules: [{issuer: https://a.example.com}]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  jwtRules: [{issuer: https://b.example.com, jwksUri: http://b.example.com/keys}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  rules: [{from: [{source: {requestPrincipals: ["https://c.example.com/*"]}}]}]
"""}) as d:
        out = os.path.join(d, "out")
        p = stave("import", os.path.join(d, "a.yaml"), "-o", out)
        expect_exit(p, 0)
        for word in ("RequestAuthentication `shop/all`: a namespace-wide RequestAuthentication",
                     "RequestAuthentication `shop/web`: issuer `https://b.example.com` has a key set URL",
                     "AuthorizationPolicy `shop/web`: request principal `https://c.example.com/*` names an issuer"):
            expect(word in p.err, word + "\n" + p.err)
        expect_exit(stave("check", out), 0)


def test_import_malformed_input_has_file_and_line():
    with Dir({"bad.yaml": "apiVersion: v1\nkind: Role\nmetadata:\n  name: [x\n"}) as d:
        p = stave("import", os.path.join(d, "bad.yaml"), "-o", os.path.join(d, "out"))
        expect_exit(p, 1)
        expect("error: malformed YAML" in p.err and "bad.yaml:" in p.err, p.err)
        expect(not os.path.exists(os.path.join(d, "out")), "wrote output for bad input")


def test_import_hostile_and_binary_input_never_crashes():
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        "b%d: &b%d [%s]\n" % (i, i, ", ".join(["*" + ("a" if i == 0 else "b%d" % (i - 1))] * 8)) for i in range(9))
    cases = {"bin.yaml": bytes(range(256)) * 40, "deep.yaml": "[" * 200000,
             "bomb.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n" + bomb,
             "utf.json": b'{"kind": "\xff\xfe"}'}
    for name, data in cases.items():
        with Dir({name: data}) as d:
            p = stave("import", os.path.join(d, name), "-o", os.path.join(d, "out"), timeout=20)
            expect(p.returncode in (0, 1), "%s: exit %d\n%s" % (name, p.returncode, p.err[-2000:]))
            expect("internal error" not in p.err and p.elapsed < 10, name + ": " + p.err[-500:])


def test_import_huge_file_is_refused():
    with Dir({}) as d:
        big = os.path.join(d, "big.yaml")
        with open(big, "wb") as f:
            f.truncate(65 << 20)
        p = stave("import", big, "-o", os.path.join(d, "out"))
        expect_exit(p, 1)
        expect("larger than 64 MiB" in p.err, p.err)


def test_import_missing_path_is_exit_2():
    p = stave("import", "/nonexistent/dump.yaml")
    expect_exit(p, 2)
    expect("does not exist" in p.err, p.err)


def test_directory_reading_sorted_recursive_no_escaping_symlinks():
    with Dir({"in/b/role.yml": ROLE, "in/a.json": '{"apiVersion": "v1", "kind": "ServiceAccount",'
              ' "metadata": {"name": "x", "namespace": "shop"}}', "in/notes.txt": "kind: Role",
              "in/.hidden/sa.yaml": "kind: ServiceAccount\napiVersion: v1\nmetadata: {name: hidden}\n",
              "outside/sa.yaml": "kind: ServiceAccount\napiVersion: v1\nmetadata: {name: outsider}\n"}) as d:
        os.symlink(os.path.join(d, "outside", "sa.yaml"), os.path.join(d, "in", "link.yaml"))
        out = os.path.join(d, "out")
        p = stave("import", os.path.join(d, "in"), "-o", out)
        expect_exit(p, 0)
        text = read(os.path.join(out, "shop.policy"))
        expect('serviceaccount x = "x" in shop' in text and "reader" in text, text)
        everything = "".join(read(os.path.join(out, n)) for n in os.listdir(out))
        expect("outsider" not in everything and "hidden" not in everything, everything)


def test_import_never_replaces_a_foreign_file_or_follows_a_symlink():
    with Dir({"in.yaml": ROLE, "out/shop.policy": "package mine\n"}) as d:
        out = os.path.join(d, "out")
        p = stave("import", os.path.join(d, "in.yaml"), "-o", out)
        expect_exit(p, 2)
        expect("was not written by `stave import`" in p.err, p.err)
        expect(read(os.path.join(out, "shop.policy")) == "package mine\n", "foreign file changed")
        os.remove(os.path.join(out, "shop.policy"))
        target = os.path.join(d, "target")
        os.symlink(target, os.path.join(out, "shop.policy"))
        p = stave("import", os.path.join(d, "in.yaml"), "-o", out)
        expect_exit(p, 2)
        expect(not os.path.exists(target), "wrote through a symlink")


def test_import_writes_every_file_or_none():
    """A failure while the files are written (an fsync, a write) leaves the
    directory as it was: no new file, no temporary, the earlier import
    intact; and an unchanged file is not rewritten."""
    # in2 changes shop.policy and adds web.policy: two files to write.
    two_ns = ROLE.replace("verbs: [get, list]", "verbs: [get, list, watch]") + "---\n" + \
        ROLE.replace("namespace: shop", "namespace: web")
    with Dir({"in.yaml": ROLE, "in2.yaml": two_ns}) as d:
        out = os.path.join(d, "out")
        expect_exit(stave("import", os.path.join(d, "in.yaml"), "-o", out), 0)
        before = {n: read(os.path.join(out, n)) for n in os.listdir(out)}
        stamps = {n: os.stat(os.path.join(out, n)).st_mtime_ns for n in os.listdir(out)}
        again = stave("import", os.path.join(d, "in.yaml"), "-o", out)
        expect_exit(again, 0)
        expect("(2 unchanged)" in again.err and "wrote" not in again.out, again.out + again.err)
        expect({n: os.stat(os.path.join(out, n)).st_mtime_ns for n in os.listdir(out)} == stamps, "rewritten")
        for fault in ("fsync:1", "fsync:2", "write:2", "open:2"):
            p = stave("import", os.path.join(d, "in2.yaml"), "-o", out, env_extra={"STAVE_TEST_FAULT": fault})
            expect_exit(p, 2)
            expect("cannot" in p.err, fault + ": " + p.err)
            now = {n: read(os.path.join(out, n)) for n in os.listdir(out)}
            expect(now == before, "%s: the directory changed: %s" % (fault, sorted(now)))
        expect_exit(stave("import", os.path.join(d, "in2.yaml"), "-o", out), 0)
        expect(sorted(os.listdir(out)) == ["cluster.policy", "shop.policy", "web.policy"], os.listdir(out))


def test_import_write_failure_on_a_full_disk_leaves_no_partial_file():
    if os.geteuid() != 0:
        return
    with Dir({"in.yaml": ROLE * 1}) as d:
        mnt = os.path.join(d, "mnt")
        os.mkdir(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", mnt], capture_output=True).returncode:
            return
        try:
            try:
                with open(os.path.join(mnt, "filler"), "wb") as f:
                    f.write(b"x" * 8192)
            except OSError:
                pass  # the disk is full now
            p = stave("import", os.path.join(d, "in.yaml"), "-o", mnt)
            expect_exit(p, 2)
            expect("cannot" in p.err, p.err)
            leftovers = [n for n in os.listdir(mnt) if n != "filler"]
            expect(leftovers == [], leftovers)  # every file or none
        finally:
            subprocess.run(["umount", mnt])


def build_dump(d):
    dump = os.path.join(d, "dump")
    expect_exit(stave("build", EXAMPLE, "-o", dump), 0)
    os.remove(os.path.join(dump, "kustomization.yaml"))
    return dump


def test_drift_clean_dump_is_exit_0_in_every_format():
    with Dir({}) as d:
        dump = build_dump(d)
        p = stave("drift", EXAMPLE, "--cluster", dump)
        expect_exit(p, 0)
        expect("drift: 0 findings" in p.out, p.out)
        j = stave("drift", EXAMPLE, "--cluster", dump, "--format", "json")
        expect_exit(j, 0)
        expect(json.loads(j.out)["drift"] is False, j.out)
        m = stave("drift", EXAMPLE, "--cluster", dump, "--format", "markdown")
        expect("The cluster matches the policy." in m.out, m.out)


def test_drift_finds_changed_missing_excess_and_stale():
    with Dir({}) as d:
        dump = build_dump(d)
        prod = os.path.join(dump, "payments-prod.yaml")
        text = read(prod)
        # A hand edit of a managed role: `delete` added to stave:view.
        view = text.index("  name: stave:view\n")
        verbs = text.index("      - watch\n", view)
        text = text[:verbs] + "      - watch\n      - delete\n" + text[verbs + len("      - watch\n"):]
        with open(prod, "w") as f:
            f.write(text)
        os.remove(os.path.join(dump, "payments-staging.yaml"))
        with open(os.path.join(dump, "extra.yaml"), "w") as f:
            f.write("""apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: old
  namespace: payments-prod
  labels: {app.kubernetes.io/managed-by: stave}
  uid: 1234
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: Group, name: payments-devs, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: admin}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
""")
        p = stave("drift", EXAMPLE, "--cluster", dump)
        expect_exit(p, 1)
        for word in ("changed  Role payments-prod/stave:view", "`rules[0].verbs[3]`: `delete` in the cluster", "missing  Role payments-staging/",
                     "stale    RoleBinding payments-prod/old", "excess   RoleBinding payments-prod/old",
                     "group payments-devs is granted", "granted by RoleBinding payments-prod/old"):
            expect(word in p.out, word + "\n" + p.out)
        expect("extra.yaml:" in p.out, p.out)
        j = json.loads(stave("drift", EXAMPLE, "--cluster", dump, "--format", "json").out)
        kinds = {f["kind"] for f in j["findings"]}
        expect(kinds == {"changed", "missing", "excess", "stale"}, kinds)
        s = stave("drift", EXAMPLE, "--cluster", dump, "--format", "sarif")
        expect_exit(s, 1)
        sarif = json.loads(s.out)
        expect(sarif["version"] == "2.1.0" and sarif["runs"][0]["results"], s.out[:500])
        # GitHub rejects an upload with a result that has no location: a
        # missing object points at the policy rule that emits it.
        results = sarif["runs"][0]["results"]
        expect(all(len(r.get("locations", [])) == 1 for r in results), s.out[:2000])
        uri = lambda r: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        missing = [r for r in results if r["ruleId"] == "drift/missing"]
        expect(missing and all(uri(r).endswith(".policy") for r in missing), missing)
        expect(any(uri(r).endswith("extra.yaml") for r in results if r["ruleId"] == "drift/stale"), results)
        rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        expect(all(r.get("name") and r.get("helpUri") and r.get("help") for r in rules), rules)
        c = stave("drift", EXAMPLE, "--cluster", dump, "--format", "codeclimate")
        expect_exit(c, 1)
        issues = json.loads(c.out)
        expect(len(issues) == len(j["findings"]), (len(issues), len(j["findings"])))
        expect({i["check_name"] for i in issues} == {"drift/" + k for k in kinds}, issues)
        expect(len({i["fingerprint"] for i in issues}) == len(issues), issues)
        expect(all(i["location"]["path"].endswith((".policy", ".yaml")) for i in issues), issues)
        expect(any(i["categories"] == ["Security"] for i in issues if i["check_name"] == "drift/excess"), issues)
        m = stave("drift", EXAMPLE, "--cluster", dump, "--format", "markdown")
        expect("| changed |" in m.out and "| stale |" in m.out, m.out)


def test_drift_mesh_excess_is_traced_to_the_policy():
    with Dir({}) as d:
        dump = build_dump(d)
        with open(os.path.join(dump, "open.yaml"), "w") as f:
            f.write("""apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: let-frontend-in, namespace: payments-prod}
spec:
  selector: {matchLabels: {app: payments-api}}
  rules: [{from: [{source: {principals: [cluster.local/ns/payments-prod/sa/frontend]}}]}]
""")
        p = stave("drift", EXAMPLE, "--cluster", dump)
        expect_exit(p, 1)
        expect("serviceaccount payments-prod/frontend may call workloads with app=payments-api" in p.out, p.out)
        expect("admitted by AuthorizationPolicy payments-prod/let-frontend-in" in p.out, p.out)


def test_drift_on_the_corpus_and_usage_errors():
    p = stave("drift", EXAMPLE, "--cluster", os.path.join(CORPUS, "tekton-pipeline"))
    expect_exit(p, 1)
    expect("missing" in p.out, p.out)
    expect_exit(stave("drift", EXAMPLE), 2)
    expect_exit(stave("drift", EXAMPLE, "--cluster", "/nonexistent"), 2)
    with Dir({"bad.yaml": "kind: [\n"}) as d:
        p = stave("drift", EXAMPLE, "--cluster", os.path.join(d, "bad.yaml"))
        expect_exit(p, 1)
        expect("bad.yaml:" in p.err, p.err)


def test_import_then_drift_shows_nothing():
    """The adoption loop of docs/adopting.md: import a dump, build the
    program, and drift of the same dump against the program shows no excess."""
    with Dir({"dump.yaml": ROLE}) as d:
        out = os.path.join(d, "policy")
        expect_exit(stave("import", os.path.join(d, "dump.yaml"), "-o", out), 0)
        p = stave("drift", out, "--cluster", os.path.join(d, "dump.yaml"), "--format", "json")
        kinds = {f["kind"] for f in json.loads(p.out)["findings"]}
        expect("excess" not in kinds and "stale" not in kinds, p.out)


def main():
    run_cli.STAVE = os.path.abspath(sys.argv[1])
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, fn in tests:
        try:
            fn()
            passed += 1
            print("ok   cluster/%s" % name)
        except Exception as e:  # noqa: BLE001 - report every failure the same way
            failed += 1
            print("FAIL cluster/%s\n  %s" % (name, str(e).replace("\n", "\n  ")))
            if not isinstance(e, AssertionError):
                traceback.print_exc()
    print("cluster: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
