// The Kubernetes YAML reader (spec §15): documents, Lists, JSON, default
// namespaces, server metadata, skipped kinds, malformed input with its
// line, hostile input (aliases, nesting, random bytes), and the model each
// kind becomes.
#include <catch2/catch.hpp>

#include <random>

#include "compiler/kube/objects.h"

using namespace stave;

namespace {

kube::ReadResult Read(const std::string& text, const std::string& ns = "default") {
  return kube::ReadObjects({{"in.yaml", text}}, ns);
}

const kube::ClusterObject* Find(const kube::ReadResult& r, const std::string& kind, const std::string& name) {
  for (const auto& o : r.objects) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("multi-document streams, Lists and JSON are read", "[kube]") {
  auto r = Read(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: ci}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: b}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: c, namespace: ignored}
  rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
)");
  REQUIRE(r.errors.empty());
  REQUIRE(r.objects.size() == 3);
  CHECK(Find(r, "ServiceAccount", "a")->ns == "ci");
  CHECK(Find(r, "ServiceAccount", "b")->ns == "default");
  CHECK(Find(r, "ServiceAccount", "b")->origin.line == 8);
  CHECK(Find(r, "ClusterRole", "c")->ns.empty());  // cluster-scoped whatever it says

  auto json = kube::ReadObjects({{"d.json", R"({"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "j"}}]})"}}, "team");
  REQUIRE(json.errors.empty());
  REQUIRE(json.objects.size() == 1);
  CHECK(json.objects[0].ns == "team");
}

TEST_CASE("server-added metadata is not content", "[kube]") {
  auto plain = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, labels: {x: y}}\n");
  auto served = Read(R"(apiVersion: v1
kind: ServiceAccount
metadata:
  name: a
  namespace: default
  uid: 0b5f
  resourceVersion: "77"
  creationTimestamp: "2024-01-01T00:00:00Z"
  generation: 3
  managedFields: [{manager: kubectl}]
  labels: {x: y}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{}"
status: {phase: whatever}
)");
  REQUIRE(plain.objects.size() == 1);
  REQUIRE(served.objects.size() == 1);
  CHECK(plain.objects[0].content == served.objects[0].content);
  CHECK(served.objects[0].content.at("metadata.labels.x") == "y");
  auto edited = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, labels: {x: z}}\n");
  CHECK(edited.objects[0].content != plain.objects[0].content);
}

TEST_CASE("other kinds are skipped with one note per kind", "[kube]") {
  auto r = Read(R"(kind: Deployment
apiVersion: apps/v1
metadata: {name: a}
---
kind: Deployment
apiVersion: apps/v1
metadata: {name: b}
---
kind: ConfigMap
apiVersion: v1
metadata: {name: c}
)");
  CHECK(r.errors.empty());
  CHECK(r.objects.empty());
  REQUIRE(r.notes.size() == 2);
  // Sorted by kind; each note points at the first object of its kind.
  CHECK(r.notes[0].message.find("1 object of kind `ConfigMap`") != std::string::npos);
  CHECK(r.notes[1].message.find("2 objects of kind `Deployment`") != std::string::npos);
  CHECK(r.notes[1].origin.line == 1);
}

TEST_CASE("malformed documents are errors with their line", "[kube]") {
  auto bad_yaml = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: [a\n");
  REQUIRE(bad_yaml.errors.size() == 1);
  CHECK(bad_yaml.errors[0].origin.file == "in.yaml");
  CHECK(bad_yaml.errors[0].origin.line >= 3);
  CHECK(bad_yaml.errors[0].message.rfind("malformed YAML", 0) == 0);

  auto scalar = Read("just a string\n");
  REQUIRE(scalar.errors.size() == 1);
  CHECK(scalar.errors[0].message.find("mapping") != std::string::npos);

  auto no_kind = Read("apiVersion: v1\nmetadata: {name: a}\n");
  REQUIRE(no_kind.errors.size() == 1);
  CHECK(no_kind.errors[0].message.find("no `kind`") != std::string::npos);

  auto no_name = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {}\n");
  REQUIRE(no_name.errors.size() == 1);

  auto bad_verbs = Read(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: {get: yes}
)");
  REQUIRE(bad_verbs.errors.size() == 1);
  CHECK(bad_verbs.errors[0].origin.line == 7);
  CHECK(bad_verbs.errors[0].message.find("`rules[0].verbs` must be a list of strings") != std::string::npos);
  CHECK(bad_verbs.objects.empty());
}

TEST_CASE("hostile YAML is bounded", "[kube]") {
  // Nine levels of aliases that double: 2^9 * ... nodes if expanded.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  auto r = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n" + bomb);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.find("too large") != std::string::npos);

  // yaml-cpp alone never returns on these (empty documents forever).
  for (const char* stray : {",", "{a: 1},", "apiVersion: v1\n---\n,\n"}) {
    auto c = Read(stray);
    REQUIRE(c.errors.size() == 1);
    CHECK(c.errors[0].message.find("`,` outside") != std::string::npos);
  }
  // JSON has `},` lines and still reads.
  CHECK(Read("{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"ServiceAccount\", \"apiVersion\": \"v1\",\n"
             "   \"metadata\": {\"name\": \"a\"}\n  },\n  {\"kind\": \"ServiceAccount\", \"apiVersion\": \"v1\",\n"
             "   \"metadata\": {\"name\": \"b\"}}\n]}\n").objects.size() == 2);

  // An alias inside its own anchor is a cycle: bounded, not a stack overflow.
  auto cycle = Read("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  labels: &a {b: *a}\n");
  REQUIRE(cycle.errors.size() == 1);
  CHECK(cycle.errors[0].message.find("alias inside its own anchor") != std::string::npos);
  CHECK(cycle.errors[0].origin.line == 1);

  std::string deep(100000, '[');
  auto d = Read(deep);
  CHECK(d.errors.size() == 1);
}

TEST_CASE("random bytes never crash the reader", "[kube]") {
  std::mt19937 rng(17);
  const std::string alphabet = "ab: -[]{}\n\"'&*!|>#%@`,?\t\\kind:List items metadata name";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    size_t n = rng() % 200;
    for (size_t j = 0; j < n; ++j) {
      text += (rng() % 4 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    if (i % 3 == 0) text = "apiVersion: v1\nkind: Role\nmetadata: {name: r}\nrules:\n" + text;
    CHECK_NOTHROW(Read(text));
  }
}

TEST_CASE("RBAC objects become the structs lowering makes", "[kube]") {
  auto r = Read(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ci}
subjects:
- {kind: ServiceAccount, name: bot}
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io, namespace: ignored}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: y}}]}
rules:
- nonResourceURLs: ["/healthz"]
  verbs: [get]
- apiGroups: [apps]
  resources: [deployments]
  resourceNames: [web]
  verbs: [get, patch]
)");
  REQUIRE(r.errors.empty());
  const auto& b = std::get<lower::RoleBinding>(Find(r, "RoleBinding", "b")->model->spec);
  REQUIRE(b.subjects.size() == 2);
  CHECK(b.subjects[0] == lower::RbacSubject{"Group", "", "devs"});
  // A ServiceAccount subject without a namespace is in the binding's.
  CHECK(b.subjects[1] == lower::RbacSubject{"ServiceAccount", "ci", "bot"});
  const kube::ClusterObject* agg = Find(r, "ClusterRole", "agg");
  const auto& rules = std::get<lower::Role>(agg->model->spec).rules();
  REQUIRE(rules.size() == 1);
  CHECK(rules[0].resource_names == std::vector<std::string>{"web"});
  CHECK(agg->unsupported.size() == 2);  // aggregationRule, nonResourceURLs
}

TEST_CASE("AuthorizationPolicies: to entries split, unmodelled parts err towards access", "[kube]") {
  auto r = Read(R"(apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  rules:
  - from: [{source: {principals: [cluster.local/ns/shop/sa/web], notNamespaces: [x]}}]
    to: [{operation: {methods: [GET]}}, {operation: {ports: ["8080"]}}]
    when: [{key: 'request.headers[x-tenant]', values: [a]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: shop}
spec:
  action: DENY
  rules:
  - from: [{source: {notPrincipals: [x]}}]
  - to: [{operation: {paths: [/admin*]}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext, namespace: shop}
spec: {action: CUSTOM, provider: {name: opa}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: nothing, namespace: shop}
spec: {}
)");
  REQUIRE(r.errors.empty());
  const auto& allow = std::get<lower::AuthorizationPolicy>(Find(r, "AuthorizationPolicy", "allow")->model->spec);
  REQUIRE(allow.rules.size() == 2);
  CHECK(allow.rules[0].to->methods == std::vector<std::string>{"GET"});
  CHECK(allow.rules[1].to->ports == std::vector<std::string>{"8080"});
  CHECK(allow.rules[0].from[0].principals == std::vector<std::string>{"cluster.local/ns/shop/sa/web"});
  CHECK(allow.rules[0].when[0].key == "request.headers[x-tenant]");
  const auto& deny = std::get<lower::AuthorizationPolicy>(Find(r, "AuthorizationPolicy", "deny")->model->spec);
  REQUIRE(deny.rules.size() == 1);  // the notPrincipals rule is left out
  CHECK(deny.rules[0].to->paths == std::vector<std::string>{"/admin*"});
  CHECK_FALSE(Find(r, "AuthorizationPolicy", "ext")->model);
  CHECK(std::get<lower::AuthorizationPolicy>(Find(r, "AuthorizationPolicy", "nothing")->model->spec).allow_nothing);
}

TEST_CASE("a later object of the same name replaces an earlier one", "[kube]") {
  auto r = Read(R"(apiVersion: v1
kind: ServiceAccount
metadata: {name: a, labels: {v: "1"}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, labels: {v: "2"}}
)");
  REQUIRE(r.objects.size() == 1);
  CHECK(r.objects[0].content.at("metadata.labels.v") == "2");
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].message.find("replaces") != std::string::npos);
}
