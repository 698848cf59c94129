// Unit tests for eval/rbac_eval: the Kubernetes RBAC authorizer over lowered
// objects. The scenarios are the examples of the Kubernetes documentation
// (page "Using RBAC Authorization", kubernetes.io/docs/reference/
// access-authn-authz/rbac/, unless a comment names another source), rebuilt
// as lower::Object values; each test checks the decision and, where it says
// something, which binding, role and rule decided.
#include "compiler/eval/rbac_eval.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace stave::eval {
namespace {

using lower::Kind;
using lower::Object;
using lower::Output;
using lower::PolicyRule;
using lower::RbacSubject;
using Strings = std::vector<std::string>;

// --- Building objects ------------------------------------------------------

PolicyRule Rule(Strings groups, Strings resources, Strings verbs, Strings names = {}) {
  PolicyRule r;
  r.api_groups = std::move(groups);
  r.resources = std::move(resources);
  r.verbs = std::move(verbs);
  r.resource_names = std::move(names);
  return r;
}

lower::Role RoleWith(std::vector<PolicyRule> rules) {
  lower::Role role;
  role.set_rules(std::move(rules));
  return role;
}

Object MakeRole(const std::string& ns, const std::string& name, std::vector<PolicyRule> rules) {
  return Object{Kind::Role, {name, ns, {}}, RoleWith(std::move(rules)), {}};
}

Object MakeClusterRole(const std::string& name, std::vector<PolicyRule> rules) {
  return Object{Kind::ClusterRole, {name, "", {}}, RoleWith(std::move(rules)), {}};
}

Object MakeRoleBinding(const std::string& ns, const std::string& name, const std::string& role_kind,
                       const std::string& role_name, std::vector<RbacSubject> subjects) {
  return Object{Kind::RoleBinding,
                {name, ns, {}},
                lower::RoleBinding{role_kind, role_name, std::move(subjects)},
                {}};
}

Object MakeClusterRoleBinding(const std::string& name, const std::string& role_name,
                              std::vector<RbacSubject> subjects) {
  return Object{Kind::ClusterRoleBinding,
                {name, "", {}},
                lower::RoleBinding{"ClusterRole", role_name, std::move(subjects)},
                {}};
}

RbacSubject User(const std::string& name) { return {"User", "", name}; }
RbacSubject Group(const std::string& name) { return {"Group", "", name}; }
RbacSubject SaSubject(const std::string& ns, const std::string& name) {
  return {"ServiceAccount", ns, name};
}

// A request; `ns` empty means cluster-scoped, `name` empty means the request
// names no object (list, watch, create, deletecollection).
RbacRequest Req(UserInfo user, const std::string& verb, const std::string& group,
                const std::string& resource, const std::string& ns, const std::string& name = "") {
  RbacRequest r;
  r.user = std::move(user);
  r.verb = verb;
  r.group = group;
  r.resource = resource;
  r.ns = ns;
  r.name = name;
  return r;
}

// A request with no user, for RuleMatches (which never looks at the user).
RbacRequest Ask(const std::string& verb, const std::string& group, const std::string& resource,
                const std::string& name = "") {
  return Req(PlainUser("nobody"), verb, group, resource, "default", name);
}

std::string BindingOf(const RbacDecision& d) { return d.binding ? d.binding->meta.name : "<none>"; }
std::string RoleOf(const RbacDecision& d) { return d.role ? d.role->meta.name : "<none>"; }

// --- Role and ClusterRole / RoleBinding and ClusterRoleBinding -------------

// "Using RBAC Authorization", Role example: pod-reader in "default", and the
// RoleBinding "read-pods" that grants it to the user "jane".
TEST_CASE("Role example: pod-reader bound to jane reads pods in default only", "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeRole("default", "pod-reader", {Rule({""}, {"pods"}, {"get", "watch", "list"})}));
  out.objects.push_back(
      MakeRoleBinding("default", "read-pods", "Role", "pod-reader", {User("jane")}));
  RbacAuthorizer authz(out);

  for (const char* verb : {"get", "watch", "list"}) {
    INFO("verb " << verb);
    RbacDecision d = authz.Authorize(Req(PlainUser("jane"), verb, "", "pods", "default"));
    CHECK(d.allowed);
    CHECK(BindingOf(d) == "read-pods");
    CHECK(RoleOf(d) == "pod-reader");
    REQUIRE(d.role != nullptr);
    CHECK(d.role->kind == Kind::Role);
    CHECK(d.rule_index == 0);
  }
  CHECK(authz.Authorize(Req(PlainUser("jane"), "get", "", "pods", "default", "nginx")).allowed);

  // Read only: no writes.
  for (const char* verb : {"create", "update", "patch", "delete", "deletecollection"}) {
    INFO("verb " << verb);
    RbacDecision d = authz.Authorize(Req(PlainUser("jane"), verb, "", "pods", "default"));
    CHECK_FALSE(d.allowed);
    CHECK(d.binding == nullptr);
    CHECK(d.role == nullptr);
  }
  // Only in "default", only pods, only the core group.
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "pods", "kube-system")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "secrets", "default")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "apps", "pods", "default")).allowed);
  // "pods" does not cover the pods/log subresource.
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "pods/log", "default")).allowed);
  // `kubectl get pods --all-namespaces` is a cluster-wide list: a RoleBinding
  // cannot grant it.
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "list", "", "pods", "")).allowed);
  // Subject names are case sensitive ("Name is case sensitive").
  CHECK_FALSE(authz.Authorize(Req(PlainUser("Jane"), "get", "", "pods", "default")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("bob"), "get", "", "pods", "default")).allowed);
}

// "Using RBAC Authorization", ClusterRole example secret-reader, bound by the
// RoleBinding "read-secrets" in "development" to the user "dave": the
// binding's namespace decides where the ClusterRole's rules apply.
TEST_CASE("RoleBinding to the secret-reader ClusterRole grants only in development", "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeClusterRole("secret-reader", {Rule({""}, {"secrets"}, {"get", "watch", "list"})}));
  out.objects.push_back(MakeRoleBinding("development", "read-secrets", "ClusterRole",
                                        "secret-reader", {User("dave")}));
  RbacAuthorizer authz(out);

  RbacDecision d =
      authz.Authorize(Req(PlainUser("dave"), "get", "", "secrets", "development", "db-pass"));
  CHECK(d.allowed);
  CHECK(BindingOf(d) == "read-secrets");
  REQUIRE(d.binding != nullptr);
  CHECK(d.binding->kind == Kind::RoleBinding);
  CHECK(RoleOf(d) == "secret-reader");
  REQUIRE(d.role != nullptr);
  CHECK(d.role->kind == Kind::ClusterRole);

  CHECK(authz.Authorize(Req(PlainUser("dave"), "list", "", "secrets", "development")).allowed);
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("dave"), "get", "", "secrets", "default", "db-pass")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("dave"), "get", "", "secrets", "kube-system")).allowed);
  // Not across all namespaces.
  CHECK_FALSE(authz.Authorize(Req(PlainUser("dave"), "list", "", "secrets", "")).allowed);
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("dave"), "delete", "", "secrets", "development", "x")).allowed);
}

// "Using RBAC Authorization", ClusterRoleBinding example read-secrets-global:
// anyone in the group "manager" reads secrets in any namespace.
TEST_CASE("ClusterRoleBinding read-secrets-global: the manager group reads secrets everywhere",
          "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeClusterRole("secret-reader", {Rule({""}, {"secrets"}, {"get", "watch", "list"})}));
  out.objects.push_back(
      MakeClusterRoleBinding("read-secrets-global", "secret-reader", {Group("manager")}));
  RbacAuthorizer authz(out);

  for (const char* ns : {"default", "development", "kube-system"}) {
    INFO("namespace " << ns);
    RbacDecision d = authz.Authorize(Req(GroupMember("manager"), "get", "", "secrets", ns, "s"));
    CHECK(d.allowed);
    CHECK(BindingOf(d) == "read-secrets-global");
    REQUIRE(d.binding != nullptr);
    CHECK(d.binding->kind == Kind::ClusterRoleBinding);
  }
  // In all namespaces at once (a cluster-wide list).
  CHECK(authz.Authorize(Req(GroupMember("manager"), "list", "", "secrets", "")).allowed);
  // A Group subject matches group membership, not a user of that name.
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("manager"), "get", "", "secrets", "default", "s")).allowed);
  CHECK_FALSE(
      authz.Authorize(Req(GroupMember("managers"), "get", "", "secrets", "default", "s")).allowed);
  CHECK_FALSE(authz.Authorize(Req(GroupMember("manager"), "get", "", "configmaps", "default", "c"))
                  .allowed);
}

// roleRef resolution: a RoleBinding's Role lives in the binding's own
// namespace ("A RoleBinding may reference any Role in the same namespace"),
// and a binding whose role does not exist grants nothing.
TEST_CASE("A RoleBinding resolves its Role in its own namespace, and by kind", "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeRole("default", "pod-reader", {Rule({""}, {"pods"}, {"get", "watch", "list"})}));
  // In "dev", naming a Role that only exists in "default".
  out.objects.push_back(MakeRoleBinding("dev", "read-pods", "Role", "pod-reader", {User("jane")}));
  // Naming a ClusterRole called pod-reader: only a Role has that name.
  out.objects.push_back(
      MakeRoleBinding("default", "wrong-kind", "ClusterRole", "pod-reader", {User("kim")}));
  // Naming a role that does not exist at all.
  out.objects.push_back(
      MakeRoleBinding("default", "dangling", "Role", "no-such-role", {User("lee")}));
  RbacAuthorizer authz(out);

  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "pods", "dev")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "pods", "default")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("kim"), "get", "", "pods", "default")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("lee"), "get", "", "pods", "default")).allowed);
}

// --- Referring to resources -------------------------------------------------

// "Using RBAC Authorization", Referring to resources: pod-and-pod-logs-reader
// names the subresource as "pods/log".
TEST_CASE("Subresources are written resource/subresource (pods/log)", "[rbac]") {
  Output out;
  out.objects.push_back(MakeRole("default", "pod-and-pod-logs-reader",
                                 {Rule({""}, {"pods", "pods/log"}, {"get", "list"})}));
  out.objects.push_back(MakeRole("default", "log-reader", {Rule({""}, {"pods/log"}, {"get"})}));
  out.objects.push_back(MakeRoleBinding("default", "read-pods-and-logs", "Role",
                                        "pod-and-pod-logs-reader", {User("alice")}));
  out.objects.push_back(
      MakeRoleBinding("default", "read-logs", "Role", "log-reader", {User("carol")}));
  RbacAuthorizer authz(out);

  CHECK(authz.Authorize(Req(PlainUser("alice"), "get", "", "pods", "default", "web-0")).allowed);
  CHECK(
      authz.Authorize(Req(PlainUser("alice"), "get", "", "pods/log", "default", "web-0")).allowed);
  CHECK(authz.Authorize(Req(PlainUser("alice"), "list", "", "pods", "default")).allowed);
  // Other subresources are not covered.
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("alice"), "get", "", "pods/exec", "default", "web-0")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("alice"), "get", "", "pods/status", "default", "web-0"))
                  .allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("alice"), "create", "", "pods/log", "default", "web-0"))
                  .allowed);

  // A grant on the subresource alone gives nothing on the parent resource.
  CHECK(
      authz.Authorize(Req(PlainUser("carol"), "get", "", "pods/log", "default", "web-0")).allowed);
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("carol"), "get", "", "pods", "default", "web-0")).allowed);
}

// "Using RBAC Authorization", Referring to resources: configmap-updater may
// only get and update the ConfigMap "my-configmap".
TEST_CASE("resourceNames restrict get and update to my-configmap", "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeRole("default", "configmap-updater",
               {Rule({""}, {"configmaps"}, {"update", "get"}, {"my-configmap"})}));
  out.objects.push_back(MakeRoleBinding("default", "update-my-configmap", "Role",
                                        "configmap-updater", {User("jane")}));
  RbacAuthorizer authz(out);

  RbacDecision d =
      authz.Authorize(Req(PlainUser("jane"), "get", "", "configmaps", "default", "my-configmap"));
  CHECK(d.allowed);
  CHECK(BindingOf(d) == "update-my-configmap");
  CHECK(
      authz.Authorize(Req(PlainUser("jane"), "update", "", "configmaps", "default", "my-configmap"))
          .allowed);

  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("jane"), "get", "", "configmaps", "default", "other")).allowed);
  CHECK_FALSE(
      authz.Authorize(Req(PlainUser("jane"), "patch", "", "configmaps", "default", "my-configmap"))
          .allowed);
  // Requests that name no object never match a rule with resourceNames.
  CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "get", "", "configmaps", "default")).allowed);
}

// "Using RBAC Authorization": resource names are not present in the URL of
// create, list, watch and deletecollection requests, so a rule with
// resourceNames never allows them, even when it lists those verbs.
TEST_CASE("resourceNames never match a request without a name", "[rbac]") {
  PolicyRule rule = Rule({""}, {"configmaps"},
                         {"get", "list", "watch", "create", "deletecollection"}, {"my-configmap"});
  for (const char* verb : {"list", "watch", "create", "deletecollection"}) {
    INFO("verb " << verb);
    CHECK_FALSE(RuleMatches(rule, Ask(verb, "", "configmaps")));
  }
  CHECK(RuleMatches(rule, Ask("get", "", "configmaps", "my-configmap")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "", "configmaps", "my-config")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "", "configmaps", "MY-CONFIGMAP")));
  // Without resourceNames, a nameless request matches.
  CHECK(RuleMatches(Rule({""}, {"configmaps"}, {"list"}), Ask("list", "", "configmaps")));
}

// "Using RBAC Authorization", Rule examples.
TEST_CASE("Rule examples: deployments in two groups, pods and jobs, my-config", "[rbac]") {
  SECTION("reading/writing deployments in the extensions and apps groups") {
    PolicyRule rule = Rule({"extensions", "apps"}, {"deployments"},
                           {"get", "list", "watch", "create", "update", "patch", "delete"});
    CHECK(RuleMatches(rule, Ask("create", "apps", "deployments")));
    CHECK(RuleMatches(rule, Ask("delete", "extensions", "deployments", "web")));
    CHECK_FALSE(RuleMatches(rule, Ask("create", "", "deployments")));
    CHECK_FALSE(RuleMatches(rule, Ask("deletecollection", "apps", "deployments")));
    CHECK_FALSE(RuleMatches(rule, Ask("get", "apps", "statefulsets", "db")));
    CHECK_FALSE(RuleMatches(rule, Ask("update", "apps", "deployments/scale", "web")));
  }
  SECTION("reading pods and reading/writing jobs: the decision names the rule") {
    Output out;
    out.objects.push_back(MakeClusterRole(
        "pods-and-jobs", {Rule({""}, {"pods"}, {"get", "list", "watch"}),
                          Rule({"batch", "extensions"}, {"jobs"},
                               {"get", "list", "watch", "create", "update", "patch", "delete"})}));
    out.objects.push_back(
        MakeClusterRoleBinding("ci-pods-and-jobs", "pods-and-jobs", {User("ci")}));
    RbacAuthorizer authz(out);

    RbacDecision pods = authz.Authorize(Req(PlainUser("ci"), "list", "", "pods", "ci"));
    CHECK(pods.allowed);
    CHECK(pods.rule_index == 0);
    RbacDecision jobs = authz.Authorize(Req(PlainUser("ci"), "create", "batch", "jobs", "ci"));
    CHECK(jobs.allowed);
    CHECK(jobs.rule_index == 1);
    CHECK(RoleOf(jobs) == "pods-and-jobs");
    CHECK_FALSE(authz.Authorize(Req(PlainUser("ci"), "create", "", "pods", "ci")).allowed);
    CHECK_FALSE(authz.Authorize(Req(PlainUser("ci"), "create", "", "jobs", "ci")).allowed);
  }
  SECTION("reading one ConfigMap, my-config, bound in one namespace") {
    Output out;
    out.objects.push_back(
        MakeClusterRole("my-config-reader", {Rule({""}, {"configmaps"}, {"get"}, {"my-config"})}));
    out.objects.push_back(MakeRoleBinding("team-a", "read-my-config", "ClusterRole",
                                          "my-config-reader", {User("ann")}));
    RbacAuthorizer authz(out);
    CHECK(authz.Authorize(Req(PlainUser("ann"), "get", "", "configmaps", "team-a", "my-config"))
              .allowed);
    CHECK_FALSE(
        authz.Authorize(Req(PlainUser("ann"), "get", "", "configmaps", "team-b", "my-config"))
            .allowed);
    CHECK_FALSE(authz.Authorize(Req(PlainUser("ann"), "list", "", "configmaps", "team-a")).allowed);
  }
}

// "Using RBAC Authorization", Rule examples: a Node is cluster-scoped, so the
// rule "must be in a ClusterRole bound with a ClusterRoleBinding to be
// effective".
TEST_CASE("A cluster-scoped request is matched only by ClusterRoleBindings", "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeClusterRole("node-reader", {Rule({""}, {"nodes"}, {"get", "list", "watch"})}));
  out.objects.push_back(MakeClusterRoleBinding("read-nodes", "node-reader", {User("admin")}));
  out.objects.push_back(MakeRoleBinding("default", "read-nodes-in-default", "ClusterRole",
                                        "node-reader", {User("ops")}));
  // A malformed RoleBinding with no namespace must not act cluster-wide either.
  out.objects.push_back(
      MakeRoleBinding("", "no-namespace", "ClusterRole", "node-reader", {User("ops")}));
  RbacAuthorizer authz(out);

  RbacDecision d = authz.Authorize(Req(PlainUser("admin"), "get", "", "nodes", "", "node-1"));
  CHECK(d.allowed);
  CHECK(BindingOf(d) == "read-nodes");
  CHECK(authz.Authorize(Req(PlainUser("admin"), "list", "", "nodes", "")).allowed);

  CHECK_FALSE(authz.Authorize(Req(PlainUser("ops"), "get", "", "nodes", "", "node-1")).allowed);
  CHECK_FALSE(authz.Authorize(Req(PlainUser("ops"), "list", "", "nodes", "")).allowed);
}

// --- Aggregated ClusterRoles and wildcards -----------------------------------

// "Using RBAC Authorization", Aggregated ClusterRoles: the controller fills
// the rules of "monitoring" from ClusterRoles labelled
// rbac.example.com/aggregate-to-monitoring. The evaluator sees the rules as
// filled in; an aggregated role whose rules are still empty grants nothing.
TEST_CASE("Aggregated ClusterRoles decide by their filled-in rules", "[rbac]") {
  SECTION("monitoring, after aggregation of monitoring-endpoints") {
    Output out;
    out.objects.push_back(MakeClusterRole(
        "monitoring", {Rule({""}, {"services", "endpoints", "pods"}, {"get", "list", "watch"})}));
    out.objects.push_back(MakeClusterRoleBinding("prometheus-monitoring", "monitoring",
                                                 {SaSubject("monitoring", "prometheus")}));
    RbacAuthorizer authz(out);
    RbacDecision d = authz.Authorize(
        Req(ServiceAccountUser("monitoring", "prometheus"), "list", "", "endpoints", ""));
    CHECK(d.allowed);
    CHECK(RoleOf(d) == "monitoring");
    CHECK(authz
              .Authorize(
                  Req(ServiceAccountUser("monitoring", "prometheus"), "watch", "", "pods", "shop"))
              .allowed);
    CHECK_FALSE(authz
                    .Authorize(Req(ServiceAccountUser("monitoring", "prometheus"), "get", "",
                                   "secrets", "shop", "s"))
                    .allowed);
  }
  SECTION("monitoring, before aggregation (rules: [])") {
    Output out;
    out.objects.push_back(MakeClusterRole("monitoring", {}));
    out.objects.push_back(MakeClusterRoleBinding("prometheus-monitoring", "monitoring",
                                                 {SaSubject("monitoring", "prometheus")}));
    RbacAuthorizer authz(out);
    CHECK_FALSE(
        authz.Authorize(Req(ServiceAccountUser("monitoring", "prometheus"), "list", "", "pods", ""))
            .allowed);
  }
  SECTION("aggregate-cron-tabs-edit rules inside the default edit role") {
    Output out;
    out.objects.push_back(MakeClusterRole(
        "edit", {Rule({"stable.example.com"}, {"crontabs"},
                      {"get", "list", "watch", "create", "update", "patch", "delete"})}));
    out.objects.push_back(
        MakeRoleBinding("batch-team", "team-edit", "ClusterRole", "edit", {Group("batch-devs")}));
    RbacAuthorizer authz(out);
    CHECK(authz
              .Authorize(Req(GroupMember("batch-devs"), "create", "stable.example.com", "crontabs",
                             "batch-team"))
              .allowed);
    CHECK_FALSE(
        authz.Authorize(Req(GroupMember("batch-devs"), "create", "", "crontabs", "batch-team"))
            .allowed);
    CHECK_FALSE(authz
                    .Authorize(Req(GroupMember("batch-devs"), "create", "stable.example.com",
                                   "crontabs", "other"))
                    .allowed);
  }
}

// "Using RBAC Authorization", Referring to resources: `*` stands for all
// resources, verbs or API groups (the docs' example: every resource and verb
// in the example.com group). PolicyRule reference: "'*' represents all".
TEST_CASE("Wildcards * in apiGroups, resources and verbs", "[rbac]") {
  PolicyRule example_com = Rule({"example.com"}, {"*"}, {"*"});
  CHECK(RuleMatches(example_com, Ask("get", "example.com", "widgets", "w1")));
  CHECK(RuleMatches(example_com, Ask("deletecollection", "example.com", "gadgets")));
  // `*` in resources also covers subresources.
  CHECK(RuleMatches(example_com, Ask("update", "example.com", "widgets/status", "w1")));
  CHECK_FALSE(RuleMatches(example_com, Ask("get", "", "pods", "p")));
  CHECK_FALSE(RuleMatches(example_com, Ask("get", "apps.example.com", "widgets", "w1")));

  PolicyRule any_group = Rule({"*"}, {"deployments"}, {"get"});
  CHECK(RuleMatches(any_group, Ask("get", "apps", "deployments", "d")));
  CHECK(RuleMatches(any_group, Ask("get", "extensions", "deployments", "d")));
  CHECK(RuleMatches(any_group, Ask("get", "", "deployments", "d")));
  CHECK_FALSE(RuleMatches(any_group, Ask("list", "apps", "deployments")));

  PolicyRule any_verb = Rule({"rbac.authorization.k8s.io"}, {"clusterroles"}, {"*"});
  for (const char* verb : {"get", "create", "escalate", "bind", "deletecollection"}) {
    INFO("verb " << verb);
    CHECK(RuleMatches(any_verb, Ask(verb, "rbac.authorization.k8s.io", "clusterroles")));
  }
  CHECK_FALSE(RuleMatches(any_verb, Ask("get", "rbac.authorization.k8s.io", "roles")));

  // cluster-admin style: everything, cluster-scoped too when bound cluster-wide.
  Output out;
  out.objects.push_back(MakeClusterRole("cluster-admin", {Rule({"*"}, {"*"}, {"*"})}));
  out.objects.push_back(
      MakeClusterRoleBinding("cluster-admin", "cluster-admin", {Group("system:masters")}));
  RbacAuthorizer authz(out);
  CHECK(
      authz.Authorize(Req(GroupMember("system:masters"), "delete", "", "nodes", "", "n1")).allowed);
  CHECK(authz
            .Authorize(
                Req(GroupMember("system:masters"), "create", "apps", "deployments/scale", "x", "d"))
            .allowed);
  CHECK_FALSE(
      authz.Authorize(Req(GroupMember("system:master"), "get", "", "pods", "x", "p")).allowed);
}

// `*/scale` grants one subresource of every resource; Kubernetes' own
// controller roles use it (bootstrap policy: the disruption controller and
// horizontal-pod-autoscaler get `*/scale` in every API group).
TEST_CASE("*/scale matches the scale subresource of any resource, and nothing else", "[rbac]") {
  PolicyRule rule = Rule({"*"}, {"*/scale"}, {"get", "update"});
  CHECK(RuleMatches(rule, Ask("get", "apps", "deployments/scale", "web")));
  CHECK(RuleMatches(rule, Ask("update", "apps", "statefulsets/scale", "db")));
  CHECK(RuleMatches(rule, Ask("get", "", "replicationcontrollers/scale", "rc")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "apps", "deployments", "web")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "apps", "deployments/status", "web")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "", "scale", "x")));
  CHECK_FALSE(RuleMatches(rule, Ask("patch", "apps", "deployments/scale", "web")));
}

// --- Referring to subjects ---------------------------------------------------

// "Using RBAC Authorization", Referring to subjects and its RoleBinding
// examples: a user named "alice@example.com", a group "frontend-admins", the
// default ServiceAccount of kube-system, all ServiceAccounts in "qa", all
// ServiceAccounts everywhere, and all authenticated users.
TEST_CASE("Subjects: users, groups, ServiceAccounts and the system groups", "[rbac]") {
  // Each subject gets its own binding (in "default") of one ClusterRole, so
  // the decision tells which subject matched.
  Output out;
  out.objects.push_back(
      MakeClusterRole("pod-reader", {Rule({""}, {"pods"}, {"get", "watch", "list"})}));
  auto bind = [&](const std::string& name, RbacSubject s) {
    out.objects.push_back(
        MakeRoleBinding("default", name, "ClusterRole", "pod-reader", {std::move(s)}));
  };
  SECTION("a user named alice@example.com") {
    bind("alice", User("alice@example.com"));
    RbacAuthorizer authz(out);
    CHECK(BindingOf(authz.Authorize(
              Req(PlainUser("alice@example.com"), "get", "", "pods", "default"))) == "alice");
    CHECK_FALSE(
        authz.Authorize(Req(PlainUser("bob@example.com"), "get", "", "pods", "default")).allowed);
    CHECK_FALSE(authz.Authorize(Req(GroupMember("alice@example.com"), "get", "", "pods", "default"))
                    .allowed);
  }
  SECTION("the group frontend-admins") {
    bind("frontend", Group("frontend-admins"));
    RbacAuthorizer authz(out);
    CHECK(BindingOf(authz.Authorize(
              Req(GroupMember("frontend-admins"), "get", "", "pods", "default"))) == "frontend");
    CHECK_FALSE(
        authz.Authorize(Req(PlainUser("frontend-admins"), "get", "", "pods", "default")).allowed);
  }
  SECTION("the default ServiceAccount in kube-system") {
    bind("kube-system-default", SaSubject("kube-system", "default"));
    RbacAuthorizer authz(out);
    CHECK(authz
              .Authorize(
                  Req(ServiceAccountUser("kube-system", "default"), "get", "", "pods", "default"))
              .allowed);
    CHECK_FALSE(
        authz.Authorize(Req(ServiceAccountUser("default", "default"), "get", "", "pods", "default"))
            .allowed);
    CHECK_FALSE(authz
                    .Authorize(Req(ServiceAccountUser("kube-system", "other"), "get", "", "pods",
                                   "default"))
                    .allowed);
    // A ServiceAccount subject is not a user called "default".
    CHECK_FALSE(authz.Authorize(Req(PlainUser("default"), "get", "", "pods", "default")).allowed);
  }
  SECTION("all ServiceAccounts in qa: the group system:serviceaccounts:qa") {
    bind("qa-accounts", Group("system:serviceaccounts:qa"));
    RbacAuthorizer authz(out);
    CHECK(authz.Authorize(Req(ServiceAccountUser("qa", "builder"), "list", "", "pods", "default"))
              .allowed);
    CHECK(authz.Authorize(Req(ServiceAccountUser("qa", "default"), "list", "", "pods", "default"))
              .allowed);
    CHECK_FALSE(
        authz.Authorize(Req(ServiceAccountUser("dev", "builder"), "list", "", "pods", "default"))
            .allowed);
    CHECK_FALSE(
        authz.Authorize(Req(ServiceAccountUser("qa-2", "builder"), "list", "", "pods", "default"))
            .allowed);
    CHECK_FALSE(authz.Authorize(Req(PlainUser("qa"), "list", "", "pods", "default")).allowed);
  }
  SECTION("all ServiceAccounts everywhere: the group system:serviceaccounts") {
    bind("all-accounts", Group("system:serviceaccounts"));
    RbacAuthorizer authz(out);
    CHECK(authz.Authorize(Req(ServiceAccountUser("qa", "builder"), "list", "", "pods", "default"))
              .allowed);
    CHECK(authz
              .Authorize(
                  Req(ServiceAccountUser("kube-system", "default"), "list", "", "pods", "default"))
              .allowed);
    CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "list", "", "pods", "default")).allowed);
    CHECK_FALSE(authz.Authorize(Req(GroupMember("devs"), "list", "", "pods", "default")).allowed);
  }
  SECTION("all authenticated users: the group system:authenticated") {
    bind("everyone", Group("system:authenticated"));
    RbacAuthorizer authz(out);
    CHECK(authz.Authorize(Req(PlainUser("jane"), "list", "", "pods", "default")).allowed);
    CHECK(authz.Authorize(Req(GroupMember("devs"), "list", "", "pods", "default")).allowed);
    CHECK(authz.Authorize(Req(ServiceAccountUser("qa", "builder"), "list", "", "pods", "default"))
              .allowed);
    CHECK_FALSE(authz.Authorize(Req(PlainUser("jane"), "list", "", "pods", "other")).allowed);
  }
}

// "Using RBAC Authorization": ServiceAccounts "have usernames with the
// system:serviceaccount: prefix and belong to groups with the
// system:serviceaccounts: prefix"; the Authenticating page adds
// system:authenticated to every authenticated user.
TEST_CASE("PlainUser, GroupMember and ServiceAccountUser build Kubernetes identities", "[rbac]") {
  UserInfo sa = ServiceAccountUser("qa", "builder");
  CHECK(sa.username == "system:serviceaccount:qa:builder");
  CHECK(sa.groups ==
        Strings{"system:serviceaccounts", "system:serviceaccounts:qa", "system:authenticated"});

  UserInfo jane = PlainUser("jane");
  CHECK(jane.username == "jane");
  CHECK(jane.groups == Strings{"system:authenticated"});

  UserInfo member = GroupMember("devs");
  CHECK(member.username != "devs");
  CHECK(member.groups == Strings{"devs", "system:authenticated"});
}

// --- The decision ------------------------------------------------------------

TEST_CASE("Authorize names the binding, role and rule that allowed, and nothing on deny",
          "[rbac]") {
  Output out;
  out.objects.push_back(
      MakeRole("shop", "deployer",
               {Rule({""}, {"configmaps"}, {"get"}), Rule({""}, {"services"}, {"get"}),
                Rule({"apps"}, {"deployments"}, {"get", "update", "patch"})}));
  out.objects.push_back(
      MakeRoleBinding("shop", "unrelated", "Role", "deployer", {User("someone-else")}));
  out.objects.push_back(
      MakeRoleBinding("shop", "deploy", "Role", "deployer", {SaSubject("shop", "ci"), User("jane")}));
  RbacAuthorizer authz(out);

  RbacDecision d = authz.Authorize(
      Req(ServiceAccountUser("shop", "ci"), "patch", "apps", "deployments", "shop", "web"));
  CHECK(d.allowed);
  CHECK(d.binding == &out.objects[2]);
  CHECK(d.role == &out.objects[0]);
  CHECK(d.rule_index == 2);

  RbacDecision none = authz.Authorize(
      Req(ServiceAccountUser("shop", "ci"), "delete", "apps", "deployments", "shop", "web"));
  CHECK_FALSE(none.allowed);
  CHECK(none.binding == nullptr);
  CHECK(none.role == nullptr);
  CHECK(none.rule_index == 0);

  // Empty output: nothing is allowed.
  Output empty;
  RbacAuthorizer nobody(empty);
  CHECK_FALSE(nobody.Authorize(Req(PlainUser("jane"), "get", "", "pods", "default")).allowed);
}

// RuleMatches on its own: every part of the rule must match (PolicyRule
// reference: apiGroups, resources, verbs, resourceNames).
TEST_CASE("RuleMatches requires verb, group, resource and name to match", "[rbac]") {
  PolicyRule rule = Rule({""}, {"pods"}, {"get", "watch", "list"});
  CHECK(RuleMatches(rule, Ask("get", "", "pods", "p")));
  CHECK(RuleMatches(rule, Ask("list", "", "pods")));
  CHECK_FALSE(RuleMatches(rule, Ask("GET", "", "pods", "p")));      // verbs are lower case
  CHECK_FALSE(RuleMatches(rule, Ask("get", "core", "pods", "p")));  // the core group is ""
  CHECK_FALSE(RuleMatches(rule, Ask("get", "", "pod", "p")));
  CHECK_FALSE(RuleMatches(rule, Ask("get", "", "pods/log", "p")));

  // A rule with no verbs, groups or resources matches nothing.
  CHECK_FALSE(RuleMatches(Rule({}, {"pods"}, {"get"}), Ask("get", "", "pods", "p")));
  CHECK_FALSE(RuleMatches(Rule({""}, {}, {"get"}), Ask("get", "", "pods", "p")));
  CHECK_FALSE(RuleMatches(Rule({""}, {"pods"}, {}), Ask("get", "", "pods", "p")));

  // resourceNames and subresources together.
  PolicyRule logs = Rule({""}, {"pods/log"}, {"get"}, {"web-0"});
  CHECK(RuleMatches(logs, Ask("get", "", "pods/log", "web-0")));
  CHECK_FALSE(RuleMatches(logs, Ask("get", "", "pods/log", "web-1")));
  CHECK_FALSE(RuleMatches(logs, Ask("get", "", "pods", "web-0")));
}

}  // namespace
}  // namespace stave::eval
