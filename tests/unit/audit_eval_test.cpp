// Unit tests for eval/audit_eval: the API server's audit policy checker.
// The policy is the example of the Kubernetes documentation (page
// "Auditing", kubernetes.io/docs/tasks/debug/debug-cluster/audit/,
// audit-policy.yaml), rebuilt as lower::AuditRule values; its one
// nonResourceURLs rule is left out (stave emits none, and the type has no
// field for it). Each test checks the level the first matching rule gives.
#include "compiler/eval/audit_eval.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace stave::eval {
namespace {

using lower::AuditResources;
using lower::AuditRule;
using Strings = std::vector<std::string>;

AuditRule Rule(std::string level, std::vector<AuditResources> resources, Strings namespaces = {},
               Strings users = {}, Strings verbs = {}, Strings groups = {}) {
  AuditRule r;
  r.level = std::move(level);
  r.resources = std::move(resources);
  r.namespaces = std::move(namespaces);
  r.users = std::move(users);
  r.verbs = std::move(verbs);
  r.user_groups = std::move(groups);
  return r;
}

// The documentation's example, in its order.
lower::AuditPolicy DocsExample() {
  lower::AuditPolicy p;
  p.omit_stages = {"RequestReceived"};
  p.rules = {
      // Log pod changes at RequestResponse level.
      Rule("RequestResponse", {{"", {"pods"}, {}}}),
      // Log "pods/log", "pods/status" at Metadata level.
      Rule("Metadata", {{"", {"pods/log", "pods/status"}, {}}}),
      // Don't log requests to a configmap called "controller-leader".
      Rule("None", {{"", {"configmaps"}, {"controller-leader"}}}),
      // Don't log watch requests by "system:kube-proxy" on endpoints or services.
      Rule("None", {{"", {"endpoints", "services"}, {}}}, {}, {"system:kube-proxy"}, {"watch"}),
      // Log the request body of configmap changes in kube-system.
      Rule("Request", {{"", {"configmaps"}, {}}}, {"kube-system"}),
      // Log configmap and secret changes in all other namespaces at Metadata.
      Rule("Metadata", {{"", {"secrets", "configmaps"}, {}}}),
      // Log all other resources in core and extensions at the Request level.
      Rule("Request", {{"", {}, {}}, {"extensions", {}, {}}}),
      // A catch-all rule to log all other requests at the Metadata level.
      Rule("Metadata", {}),
  };
  return p;
}

RbacRequest Req(std::string verb, std::string group, std::string resource, std::string ns,
                std::string name = "", UserInfo user = PlainUser("jane")) {
  return {std::move(user), std::move(verb), std::move(group), std::move(resource), std::move(name),
          std::move(ns)};
}

std::string LevelOf(const RbacRequest& r) { return EvaluateAuditPolicy(DocsExample(), r).level; }

TEST_CASE("audit: pod changes are logged with their bodies", "[audit_eval]") {
  CHECK(LevelOf(Req("create", "", "pods", "default")) == "RequestResponse");
  AuditDecision d = EvaluateAuditPolicy(DocsExample(), Req("delete", "", "pods", "prod", "web-1"));
  REQUIRE(d.rule_index);
  CHECK(*d.rule_index == 0);
}

TEST_CASE("audit: `pods` does not match a subresource of pods", "[audit_eval]") {
  CHECK(LevelOf(Req("get", "", "pods/log", "default")) == "Metadata");
  AuditDecision d = EvaluateAuditPolicy(DocsExample(), Req("get", "", "pods/log", "default"));
  CHECK(*d.rule_index == 1);
  // pods/exec is neither `pods` nor listed: the core-group rule takes it.
  CHECK(LevelOf(Req("create", "", "pods/exec", "default")) == "Request");
}

TEST_CASE("audit: level None and resourceNames", "[audit_eval]") {
  CHECK(LevelOf(Req("update", "", "configmaps", "kube-system", "controller-leader")) == "None");
  CHECK(LevelOf(Req("update", "", "configmaps", "kube-system", "other")) == "Request");
  CHECK(LevelOf(Req("update", "", "configmaps", "prod", "other")) == "Metadata");
  // A request naming no object does not match a resourceNames rule.
  CHECK(LevelOf(Req("list", "", "configmaps", "kube-system")) == "Request");
}

TEST_CASE("audit: users and verbs must both match", "[audit_eval]") {
  CHECK(LevelOf(Req("watch", "", "endpoints", "default", "", PlainUser("system:kube-proxy"))) == "None");
  CHECK(LevelOf(Req("get", "", "endpoints", "default", "", PlainUser("system:kube-proxy"))) == "Request");
  CHECK(LevelOf(Req("watch", "", "endpoints", "default")) == "Request");
}

TEST_CASE("audit: groups, other API groups, cluster scope", "[audit_eval]") {
  CHECK(LevelOf(Req("get", "", "secrets", "prod")) == "Metadata");
  CHECK(LevelOf(Req("get", "extensions", "ingresses", "prod")) == "Request");
  // apps is not listed: the catch-all.
  CHECK(LevelOf(Req("update", "apps", "deployments", "prod", "web")) == "Metadata");
  // Cluster-scoped requests have the namespace "".
  CHECK(LevelOf(Req("get", "", "nodes", "")) == "Request");
}

TEST_CASE("audit: userGroups match any of the user's groups; namespaces", "[audit_eval]") {
  lower::AuditPolicy p;
  p.rules = {Rule("Request", {{"apps", {"deployments"}, {"web"}}}, {"prod"}, {}, {"update"}, {"devs"})};
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments", "prod", "web", GroupMember("devs"))).level ==
        "Request");
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments", "prod", "web")).level == "None");
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments", "ci", "web", GroupMember("devs"))).level ==
        "None");
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments", "", "web", GroupMember("devs"))).level ==
        "None");
}

TEST_CASE("audit: wildcards in resources", "[audit_eval]") {
  lower::AuditPolicy p;
  p.rules = {Rule("Request", {{"", {"*/status"}, {}}}), Rule("Metadata", {{"apps", {"deployments/*"}, {}}}),
             Rule("RequestResponse", {{"batch", {"*"}, {}}})};
  CHECK(EvaluateAuditPolicy(p, Req("update", "", "pods/status", "x")).level == "Request");
  CHECK(EvaluateAuditPolicy(p, Req("update", "", "pods", "x")).level == "None");
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments/scale", "x")).level == "Metadata");
  // kube-apiserver's checker: `resource/*` also matches the resource itself.
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "deployments", "x")).level == "Metadata");
  CHECK(EvaluateAuditPolicy(p, Req("update", "apps", "replicasets/scale", "x")).level == "None");
  CHECK(EvaluateAuditPolicy(p, Req("create", "batch", "jobs", "x")).level == "RequestResponse");
}

TEST_CASE("audit: no policy logs nothing; levels rank by detail", "[audit_eval]") {
  CHECK(EvaluateAuditPolicy(std::nullopt, Req("get", "", "pods", "x")).level == "None");
  CHECK(!EvaluateAuditPolicy(std::nullopt, Req("get", "", "pods", "x")).rule_index);
  CHECK(AuditLevelRank("None") < AuditLevelRank("Metadata"));
  CHECK(AuditLevelRank("Metadata") < AuditLevelRank("Request"));
  CHECK(AuditLevelRank("Request") < AuditLevelRank("RequestResponse"));
  CHECK(AuditLevelRank("request") == -1);
}

}  // namespace
}  // namespace stave::eval
