// The audit policy checker: kube-apiserver's ruleMatches and
// ruleMatchesResource for resource requests (stave emits no
// nonResourceURLs rules, and a rule with them never matches a resource
// request).
#include "compiler/eval/audit_eval.h"

#include <algorithm>

namespace stave::eval {
namespace {

bool Has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// `resources` entries: `*`, `resource`, `resource/sub`, `*/sub` and
// `resource/*`; with resourceNames, only those objects.
bool ResourcesMatch(const lower::AuditResources& gr, const RbacRequest& r) {
  if (gr.group != r.group) return false;
  if (gr.resources.empty()) return true;
  std::string resource = r.resource, sub;
  if (auto slash = r.resource.find('/'); slash != std::string::npos) {
    resource = r.resource.substr(0, slash);
    sub = r.resource.substr(slash + 1);
  }
  if (!gr.resource_names.empty() && !Has(gr.resource_names, r.name)) return false;
  for (const std::string& res : gr.resources) {
    if (res == "*" || res == r.resource) return true;
    if (!sub.empty() && res.rfind("*/", 0) == 0 && res.substr(2) == sub) return true;
    if (res.size() > 2 && res.compare(res.size() - 2, 2, "/*") == 0 &&
        res.substr(0, res.size() - 2) == resource) {
      return true;
    }
  }
  return false;
}

}  // namespace

int AuditLevelRank(std::string_view level) {
  if (level == "None") return 0;
  if (level == "Metadata") return 1;
  if (level == "Request") return 2;
  if (level == "RequestResponse") return 3;
  return -1;
}

bool AuditRuleMatches(const lower::AuditRule& rule, const RbacRequest& r) {
  if (!rule.users.empty() && !Has(rule.users, r.user.username)) return false;
  if (!rule.user_groups.empty() &&
      std::none_of(r.user.groups.begin(), r.user.groups.end(),
                   [&](const std::string& g) { return Has(rule.user_groups, g); })) {
    return false;
  }
  if (!rule.verbs.empty() && !Has(rule.verbs, r.verb)) return false;
  // Cluster-scoped requests have the namespace "".
  if (!rule.namespaces.empty() && !Has(rule.namespaces, r.ns)) return false;
  if (rule.resources.empty()) return true;
  return std::any_of(rule.resources.begin(), rule.resources.end(),
                     [&](const lower::AuditResources& gr) { return ResourcesMatch(gr, r); });
}

AuditDecision EvaluateAuditPolicy(const std::optional<lower::AuditPolicy>& policy,
                                  const RbacRequest& request) {
  if (!policy) return {};
  for (size_t i = 0; i < policy->rules.size(); ++i) {
    if (AuditRuleMatches(policy->rules[i], request)) return {policy->rules[i].level, i};
  }
  return {};
}

}  // namespace stave::eval
