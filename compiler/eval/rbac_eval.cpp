// RBAC authorization, following the Kubernetes authorizer
// (plugin/pkg/auth/authorizer/rbac): a request is allowed when some binding
// that applies to the user references a role with a rule covering it.
#include "compiler/eval/rbac_eval.h"

#include <algorithm>

#include <fmt/format.h>

namespace stave::eval {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool SubjectMatches(const lower::RbacSubject& s, const UserInfo& user) {
  if (s.kind == "User") return s.name == user.username;
  if (s.kind == "Group") return Contains(user.groups, s.name);
  if (s.kind == "ServiceAccount") {
    return user.username == fmt::format("system:serviceaccount:{}:{}", s.ns, s.name);
  }
  return false;
}

// `resources` may hold `*`, `*/sub` (any resource's subresource) or the
// exact `resource/sub`.
bool ResourceMatches(const std::vector<std::string>& resources, const std::string& requested) {
  for (const std::string& r : resources) {
    if (r == "*" || r == requested) return true;
    auto slash = requested.find('/');
    if (slash != std::string::npos && r == "*" + requested.substr(slash)) return true;
  }
  return false;
}

}  // namespace

UserInfo PlainUser(const std::string& name) { return {name, {"system:authenticated"}}; }

UserInfo GroupMember(const std::string& group) {
  return {"stave:member-of:" + group, {group, "system:authenticated"}};
}

UserInfo ServiceAccountUser(const std::string& ns, const std::string& name) {
  return {fmt::format("system:serviceaccount:{}:{}", ns, name),
          {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}};
}

bool RuleMatches(const lower::PolicyRule& rule, const RbacRequest& r) {
  if (!Contains(rule.verbs, r.verb) && !Contains(rule.verbs, "*")) return false;
  if (!Contains(rule.api_groups, r.group) && !Contains(rule.api_groups, "*")) return false;
  if (!ResourceMatches(rule.resources, r.resource)) return false;
  if (rule.resource_names.empty()) return true;
  return !r.name.empty() && Contains(rule.resource_names, r.name);
}

RbacAuthorizer::RbacAuthorizer(const lower::Output& output) {
  for (const lower::Object& o : output.objects) {
    switch (o.kind) {
      case lower::Kind::RoleBinding:
        // A RoleBinding without a namespace binds nothing (never cluster-wide).
        if (!o.meta.ns.empty()) bindings_by_ns_[o.meta.ns].push_back(&o);
        break;
      case lower::Kind::ClusterRoleBinding: bindings_by_ns_[""].push_back(&o); break;
      case lower::Kind::Role:
      case lower::Kind::ClusterRole: roles_[{o.kind, o.meta.ns, o.meta.name}] = &o; break;
      default: break;
    }
  }
}

const lower::Object* RbacAuthorizer::FindRole(const std::string& kind, const std::string& ns,
                                              const std::string& name) const {
  lower::Kind k = kind == "Role" ? lower::Kind::Role : lower::Kind::ClusterRole;
  auto it = roles_.find({k, k == lower::Kind::Role ? ns : "", name});
  return it == roles_.end() ? nullptr : it->second;
}

RbacDecision RbacAuthorizer::Authorize(const RbacRequest& r) const {
  // RoleBindings of the request's namespace, then ClusterRoleBindings.
  std::vector<const lower::Object*> candidates;
  if (!r.ns.empty()) {
    if (auto it = bindings_by_ns_.find(r.ns); it != bindings_by_ns_.end()) candidates = it->second;
  }
  if (auto it = bindings_by_ns_.find(""); it != bindings_by_ns_.end()) {
    candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  for (const lower::Object* binding : candidates) {
    const lower::Object& o = *binding;
    const auto& b = std::get<lower::RoleBinding>(o.spec);
    if (std::none_of(b.subjects.begin(), b.subjects.end(),
                     [&](const lower::RbacSubject& s) { return SubjectMatches(s, r.user); })) {
      continue;
    }
    const lower::Object* role = FindRole(b.role_kind, o.meta.ns, b.role_name);
    if (role == nullptr) continue;
    const auto& rules = std::get<lower::Role>(role->spec).rules;
    for (size_t i = 0; i < rules.size(); ++i) {
      if (RuleMatches(rules[i], r)) return {true, &o, role, i};
    }
  }
  return {};
}

}  // namespace stave::eval
