// RBAC lowering (spec §5.1, §8): ServiceAccounts, and per allow API rule a
// Role (or ClusterRole) named after its action and app with one binding per
// role whose subjects are everyone granted it there. Deny rules emit
// nothing; sema enforces them as guards.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lower/lowering.h"
#include "compiler/sema/grants.h"

namespace stave::lower {

using sema::Grant;
using sema::Identity;

// Resources of one API group with the same verbs and names share a rule;
// verbs in spec §4 order, resources and names sorted, rules sorted by group
// then resources. Two sorts of small vectors: an expansion holds a few
// dozen grants, and the maps of tuples of strings this once built were
// most of lowering an app's API rules.
std::vector<PolicyRule> BuildPolicyRules(const std::vector<Grant>& grants) {
  // The verbs of each (group, resource, names), in verb order, once each.
  std::vector<const Grant*> order;
  order.reserve(grants.size());
  for (const Grant& g : grants) order.push_back(&g);
  std::sort(order.begin(), order.end(), [](const Grant* a, const Grant* b) {
    if (a->group != b->group) return a->group < b->group;
    if (a->resource != b->resource) return a->resource < b->resource;
    if (a->names != b->names) return a->names < b->names;
    return sema::VerbLess(a->verb, b->verb);
  });
  struct Resource {
    const Grant* first;  // its group, resource and names
    std::vector<base::Interned> verbs;
  };
  std::vector<Resource> resources;
  for (const Grant* g : order) {
    const Grant* last = resources.empty() ? nullptr : resources.back().first;
    if (last == nullptr || last->group != g->group || last->resource != g->resource ||
        last->names != g->names) {
      resources.push_back({g, {}});
    }
    auto& verbs = resources.back().verbs;
    if (verbs.empty() || verbs.back() != g->verb) verbs.push_back(g->verb);
  }
  // Resources of one group with the same verbs and names, together. Any
  // order that keeps equal keys adjacent does: the rules are sorted last.
  // Interned verbs compare by identity, which is equality of their text.
  auto same_verbs = [](const Resource& a, const Resource& b) {
    return std::equal(a.verbs.begin(), a.verbs.end(), b.verbs.begin(), b.verbs.end());
  };
  auto verbs_less = [](const Resource& a, const Resource& b) {
    return std::lexicographical_compare(
        a.verbs.begin(), a.verbs.end(), b.verbs.begin(), b.verbs.end(),
        [](base::Interned x, base::Interned y) { return &x.str() < &y.str(); });
  };
  std::sort(resources.begin(), resources.end(), [&](const Resource& a, const Resource& b) {
    if (a.first->group != b.first->group) return a.first->group < b.first->group;
    if (a.first->names != b.first->names) return a.first->names < b.first->names;
    return verbs_less(a, b);
  });
  std::vector<PolicyRule> rules;
  for (size_t i = 0; i < resources.size();) {
    const Resource& head = resources[i];
    PolicyRule rule{{head.first->group}, {}, head.first->names, {}};
    for (base::Interned v : head.verbs) rule.verbs.push_back(v);
    for (; i < resources.size() && resources[i].first->group == head.first->group &&
           resources[i].first->names == head.first->names && same_verbs(resources[i], head);
         ++i) {
      rule.resources.push_back(resources[i].first->resource);
    }
    std::sort(rule.resources.begin(), rule.resources.end());
    rules.push_back(std::move(rule));
  }
  std::sort(rules.begin(), rules.end(), [](const PolicyRule& a, const PolicyRule& b) {
    return std::tie(a.api_groups, a.resources, a.resource_names, a.verbs) <
           std::tie(b.api_groups, b.resources, b.resource_names, b.verbs);
  });
  return rules;
}

RbacSubject ToSubject(const Identity& id) {
  switch (id.kind) {
    case Identity::Kind::User: return {"User", "", id.name};
    case Identity::Kind::Group: return {"Group", "", id.name};
    case Identity::Kind::ServiceAccount: return {"ServiceAccount", id.ns, id.name};
  }
  return {};
}

namespace {

// What N0601 lists for these grants: the verbs on each resource that name
// no object ("`list`, `watch` on `configmaps`; ..."); empty when there are
// none.
std::string UnnamedVerbs(const std::vector<Grant>& grants) {
  std::vector<const Grant*> unnamed;
  for (const Grant& g : grants) {
    if (g.names.empty()) unnamed.push_back(&g);
  }
  std::sort(unnamed.begin(), unnamed.end(), [](const Grant* a, const Grant* b) {
    if (a->resource != b->resource) return a->resource < b->resource;
    return sema::VerbLess(a->verb, b->verb);
  });
  std::string parts;
  for (size_t i = 0; i < unnamed.size();) {
    base::Interned resource = unnamed[i]->resource;
    std::string list;
    for (; i < unnamed.size() && unnamed[i]->resource == resource; ++i) {
      list += (list.empty() ? "`" : ", `") + unnamed[i]->verb.str() + "`";
    }
    parts += (parts.empty() ? "" : "; ") + fmt::format("{} on `{}`", list, resource);
  }
  return parts;
}

// N0601: with an app, the four verbs that name no object apply to the whole
// resource; say which, at the rule.
void NoteUnnamedVerbs(Lowering& l, const sema::ApiRule& rule, const std::string& unnamed) {
  if (unnamed.empty()) return;
  const sema::Symbol& app = l.program().symbol(rule.app);
  const auto& api = std::get<syntax::ApiRule>(rule.rule->target);
  l.diags()
      .report(diag::Code::N0601, api.app->span,
              fmt::format("some verbs cannot be limited to the objects of app `{}`", app.name),
              "granted on the whole resource")
      .note(fmt::format("RBAC cannot limit create, list, watch and deletecollection by name, so "
                        "these apply to every object of the resource: {}",
                        unnamed))
      .with_help("if that is too much, use an action without these verbs for this app");
}

}  // namespace

void LowerServiceAccounts(Lowering& l) {
  const sema::Program& p = l.program();
  for (const sema::Symbol& s : p.symbols) {
    if (s.kind != sema::DeclKind::ServiceAccount || s.builtin || s.sa().external) continue;
    for (sema::SymbolId ns : s.sa().namespaces) {
      Object& sa = l.Get(Kind::ServiceAccount, p.symbol(ns).k8s_name, s.k8s_name);
      sa.origins.push_back(s.decl->span);
      // Spec §13: workload-identity annotations and no automounted token.
      for (const auto& [key, value] : s.sa().annotations) sa.meta.annotations[key] = value;
      std::get<ServiceAccount>(sa.spec).automount_off = s.sa().automount_off;
    }
  }
}

void ApiRuleLowering::Lower(size_t begin, size_t end) {
  const sema::Program& p = l_.program();
  for (size_t i = begin; i < end; ++i) {
    const sema::ApiRule& rule = p.api_rules[i];
    if (rule.effect != syntax::Effect::Allow) continue;
    // Many rules grant the same action (and app), whose grants sema
    // expanded once: group them into PolicyRules, and list their unnamed
    // verbs, once too.
    const std::vector<Grant>& grants = *rule.grants;
    auto [it, inserted] = expansions_.try_emplace(&grants);
    if (inserted) {
      it->second = {std::make_shared<const std::vector<PolicyRule>>(BuildPolicyRules(grants)),
                    UnnamedVerbs(grants)};
    }
    std::string name = "stave:" + p.symbol(rule.action).qualified();
    if (rule.app != sema::kNoSymbol) {
      name += ":" + p.symbol(rule.app).qualified();
      NoteUnnamedVerbs(l_, rule, it->second.unnamed);
    }
    std::vector<RbacSubject> subjects;
    for (const sema::Principal& s : rule.subjects) {
      for (const Identity& id : sema::Identities(p, s.symbol)) subjects.push_back(ToSubject(id));
    }
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    std::vector<std::string> scopes;
    if (rule.cluster) scopes.push_back("");
    for (sema::SymbolId ns : rule.namespaces) scopes.push_back(p.symbol(ns).k8s_name);
    for (const std::string& ns : scopes) {
      bool cluster = ns.empty();
      Object& role = l_.Get(cluster ? Kind::ClusterRole : Kind::Role, ns, name);
      // Every rule behind one role has the same expansion (the name is its
      // action and app): its rules are set once, by the first.
      if (role.origins.empty()) std::get<Role>(role.spec).shared_rules = it->second.rules;
      role.origins.push_back(rule.rule->span);
      Object& binding = l_.Get(cluster ? Kind::ClusterRoleBinding : Kind::RoleBinding, ns, name);
      auto& b = std::get<RoleBinding>(binding.spec);
      b.role_kind = cluster ? "ClusterRole" : "Role";
      b.role_name = name;
      // Sorted and made unique once, in Finish: per rule it was quadratic
      // in the rules that share a binding.
      b.subjects.insert(b.subjects.end(), subjects.begin(), subjects.end());
      binding.origins.push_back(rule.rule->span);
    }
  }
}

void LowerApiRules(Lowering& l) { ApiRuleLowering(l).Lower(0, l.program().api_rules.size()); }

}  // namespace stave::lower
