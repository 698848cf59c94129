#!/usr/bin/env python3
"""A cluster dump of N objects for `stave import` and `stave drift` (spec
§15), in the shape `kubectl get … -A -o yaml` prints (one `kind: List`,
server-added metadata included): per namespace a few ServiceAccounts,
Roles and RoleBindings (some limited by resourceNames, some bound to shared
ClusterRoles), a STRICT PeerAuthentication and AuthorizationPolicies.

usage: gen_cluster_dump.py N > dump.yaml
"""
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    out = ["apiVersion: v1", "kind: List", "items:"]
    count = 0

    def add(text):
        nonlocal count
        lines = text.strip("\n").split("\n")
        out.append("- " + lines[0])
        out.extend("  " + line for line in lines[1:])
        count += 1

    meta = ("  uid: 6f1c2a9e-0000-4000-8000-{:012d}\n  resourceVersion: \"{}\"\n"
            "  creationTimestamp: \"2026-01-01T00:00:00Z\"\n")
    for c in range(5):
        add("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: shared-%d\n"
            "rules:\n- apiGroups: [\"\"]\n  resources: [pods, pods/log, configmaps]\n  verbs: [get, list, watch]\n"
            "- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, watch, update, patch]\n" % c)
    ns = 0
    while count < n:
        name = "team-%d" % ns
        for s in range(3):
            add("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-%d\n  namespace: %s\n%s" %
                (s, name, meta.format(count, count)))
        add("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: config-reader\n"
            "  namespace: %s\n%srules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n"
            "  resourceNames: [app-config, flags]\n  verbs: [get, update]\n"
            "- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [list]\n" % (name, meta.format(count, count)))
        add("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: config-reader\n"
            "  namespace: %s\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}\n"
            "subjects:\n- {kind: ServiceAccount, name: app-0}\n- {kind: Group, name: devs-%d}\n" % (name, ns % 20))
        add("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: shared\n"
            "  namespace: %s\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shared-%d}\n"
            "subjects:\n- {kind: ServiceAccount, name: app-1, namespace: %s}\n- {kind: User, name: user-%d@example.com}\n"
            % (name, ns % 5, name, ns % 50))
        add("apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n"
            "  namespace: %s\nspec:\n  mtls: {mode: STRICT}\n" % name)
        for a in range(2):
            add("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: app-%d\n"
                "  namespace: %s\nspec:\n  selector: {matchLabels: {app: app-%d}}\n  rules:\n"
                "  - from: [{source: {principals: [cluster.local/ns/%s/sa/app-%d]}}]\n"
                "    to: [{operation: {methods: [GET, POST], paths: [\"/api/*\"], ports: [\"8080\"]}}]\n"
                % (a, name, a, name, (a + 1) % 3))
        ns += 1
    sys.stdout.write("\n".join(out) + "\n")
    sys.stderr.write("%d objects in %d namespaces\n" % (count, ns))


if __name__ == "__main__":
    main()
