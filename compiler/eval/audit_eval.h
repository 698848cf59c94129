// An evaluator of the API server's audit policy (audit.k8s.io/v1 Policy,
// spec §14), as kube-apiserver applies it (k8s.io/apiserver
// pkg/audit/policy/checker.go): rules in order, the first that matches
// sets the level; a request no rule matches is not logged (level None).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/eval/rbac_eval.h"
#include "compiler/lower/objects.h"

namespace stave::eval {

// None < Metadata < Request < RequestResponse; -1 for an unknown level.
int AuditLevelRank(std::string_view level);

struct AuditDecision {
  std::string level = "None";
  std::optional<size_t> rule_index;  // the rule that matched
};

// One rule against a resource request (an RbacRequest: user, verb, group,
// resource with its subresource, name, namespace).
bool AuditRuleMatches(const lower::AuditRule& rule, const RbacRequest& request);

// `policy` may be absent (the program has no API audit rule): nothing is
// logged.
AuditDecision EvaluateAuditPolicy(const std::optional<lower::AuditPolicy>& policy,
                                  const RbacRequest& request);

}  // namespace stave::eval
