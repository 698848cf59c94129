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

namespace {

// Where a binding of `ns` naming `who` is filed: a user and a
// serviceaccount by the username the API server gives them (SubjectMatches
// compares that), a group by its name; other kinds match no request.
std::string BindingKey(const std::string& ns, char kind, const std::string& who) {
  std::string key = ns;
  key += '\n';
  key += kind;
  key += who;
  return key;
}

std::optional<std::string> SubjectKey(const std::string& ns, const lower::RbacSubject& s) {
  if (s.kind == "User") return BindingKey(ns, 'U', s.name);
  if (s.kind == "Group") return BindingKey(ns, 'G', s.name);
  if (s.kind == "ServiceAccount") {
    return BindingKey(ns, 'U', fmt::format("system:serviceaccount:{}:{}", s.ns, s.name));
  }
  return std::nullopt;
}

}  // namespace

RbacAuthorizer::RbacAuthorizer(const lower::Output& output) {
  size_t number = 0;
  auto file = [&](const lower::Object& o, const std::string& ns) {
    for (const lower::RbacSubject& s : std::get<lower::RoleBinding>(o.spec).subjects) {
      if (auto key = SubjectKey(ns, s)) bindings_[*key].push_back({number, &o});
    }
  };
  for (const lower::Object& o : output.objects) {
    ++number;
    switch (o.kind) {
      case lower::Kind::RoleBinding:
        // A RoleBinding without a namespace binds nothing (never cluster-wide).
        if (!o.meta.ns.empty()) file(o, o.meta.ns);
        break;
      case lower::Kind::ClusterRoleBinding: file(o, ""); break;
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
  // RoleBindings of the request's namespace, then ClusterRoleBindings,
  // each part in output order (the first that allows is the answer).
  std::vector<const lower::Object*> candidates;
  auto collect = [&](const std::string& ns) {
    std::vector<Numbered> found;
    auto add = [&](char kind, const std::string& who) {
      auto it = bindings_.find(BindingKey(ns, kind, who));
      if (it != bindings_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    };
    add('U', r.user.username);
    for (const std::string& g : r.user.groups) add('G', g);
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (const Numbered& n : found) candidates.push_back(n.second);
  };
  if (!r.ns.empty()) collect(r.ns);
  collect("");
  for (const lower::Object* binding : candidates) {
    const lower::Object& o = *binding;
    const auto& b = std::get<lower::RoleBinding>(o.spec);
    if (std::none_of(b.subjects.begin(), b.subjects.end(),
                     [&](const lower::RbacSubject& s) { return SubjectMatches(s, r.user); })) {
      continue;  // the index finds only matches; the rule stays written out here
    }
    const lower::Object* role = FindRole(b.role_kind, o.meta.ns, b.role_name);
    if (role == nullptr) continue;
    const auto& rules = std::get<lower::Role>(role->spec).rules();
    for (size_t i = 0; i < rules.size(); ++i) {
      if (RuleMatches(rules[i], r)) return {true, &o, role, i};
    }
  }
  return {};
}

}  // namespace stave::eval
