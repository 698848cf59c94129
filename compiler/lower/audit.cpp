// API audit rules (spec §14) to one audit.k8s.io/v1 Policy: an entry per
// audit rule, kind of subject (users, then userGroups; neither for `any`)
// and rule of the Role the same `allow` would emit; ordered most detailed
// level first, then by content, with identical entries merged.
#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "compiler/lower/lowering.h"
#include "compiler/sema/grants.h"

namespace stave::lower {
namespace {

const char* LevelName(sema::AuditLevel level) {
  switch (level) {
    case sema::AuditLevel::Metadata: return "Metadata";
    case sema::AuditLevel::Request: return "Request";
    case sema::AuditLevel::RequestResponse: return "RequestResponse";
  }
  return "Metadata";
}

// The subjects of one rule as kube-apiserver names them. A rule with both
// `users` and `userGroups` matches only requests in both, so each kind
// gets entries of its own.
struct SubjectLists {
  bool any = false;
  std::vector<std::string> users, groups;
};

SubjectLists Subjects(const sema::Program& p, const sema::ApiRule& rule) {
  SubjectLists out;
  for (const sema::Principal& s : rule.subjects) {
    if (s.kind == sema::Principal::Kind::Any) {
      out.any = true;
      continue;
    }
    for (const sema::Identity& id : sema::Identities(p, s.symbol)) {
      switch (id.kind) {
        case sema::Identity::Kind::User: out.users.push_back(id.name); break;
        case sema::Identity::Kind::Group: out.groups.push_back(id.name); break;
        case sema::Identity::Kind::ServiceAccount:
          out.users.push_back(fmt::format("system:serviceaccount:{}:{}", id.ns, id.name));
          break;
      }
    }
  }
  for (auto* v : {&out.users, &out.groups}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return out;
}

// Sort key: level (most detailed first), kind of subject (users, groups,
// anyone), then content.
using EntryKey = std::tuple<int, int, std::vector<std::string>, std::vector<std::string>,
                            std::vector<std::string>, std::vector<AuditResources>,
                            std::vector<std::string>>;

}  // namespace

void LowerAuditPolicy(Lowering& l) {
  const sema::Program& p = l.program();
  if (p.audit_api_rules.empty()) return;
  std::map<EntryKey, std::vector<base::Span>> entries;
  for (const sema::ApiRule& rule : p.audit_api_rules) {
    std::vector<PolicyRule> role_rules = BuildPolicyRules(*rule.grants);
    SubjectLists subjects = Subjects(p, rule);
    std::vector<std::string> namespaces;
    if (!rule.cluster) {
      for (sema::SymbolId ns : rule.namespaces) namespaces.push_back(p.symbol(ns).k8s_name);
      std::sort(namespaces.begin(), namespaces.end());
      namespaces.erase(std::unique(namespaces.begin(), namespaces.end()), namespaces.end());
    }
    std::vector<std::pair<int, const std::vector<std::string>*>> kinds;
    static const std::vector<std::string> kNone;
    if (subjects.any) {
      kinds.push_back({2, &kNone});  // anyone: the named subjects add nothing
    } else {
      if (!subjects.users.empty()) kinds.push_back({0, &subjects.users});
      if (!subjects.groups.empty()) kinds.push_back({1, &subjects.groups});
    }
    int level = -static_cast<int>(rule.level);
    for (const auto& [kind, names] : kinds) {
      for (const PolicyRule& r : role_rules) {
        // The audit policy has no `*` verb: no verbs means every verb.
        bool every_verb = std::find(r.verbs.begin(), r.verbs.end(), "*") != r.verbs.end();
        AuditResources res{r.api_groups.front(), r.resources, r.resource_names};
        EntryKey key{level, kind, kind == 0 ? *names : kNone, kind == 1 ? *names : kNone,
                     every_verb ? std::vector<std::string>{} : r.verbs,
                     std::vector<AuditResources>{res}, namespaces};
        entries[key].push_back(rule.rule->span);
      }
    }
  }
  AuditPolicy policy;
  policy.omit_stages = {"RequestReceived"};
  for (auto& [key, origins] : entries) {
    const auto& [level, kind, users, groups, verbs, resources, namespaces] = key;
    std::sort(origins.begin(), origins.end());
    origins.erase(std::unique(origins.begin(), origins.end()), origins.end());
    policy.rules.push_back({LevelName(static_cast<sema::AuditLevel>(-level)), users, groups, verbs,
                            resources, namespaces, origins});
  }
  l.audit_policy() = std::move(policy);
}

}  // namespace stave::lower
