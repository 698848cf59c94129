// Expanding actions into grants and subjects into identities.
#include "compiler/sema/grants.h"

#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "compiler/sema/values.h"

namespace stave::sema {

bool IsUnnamedVerb(const std::string& verb) {
  return verb == "create" || verb == "list" || verb == "watch" || verb == "deletecollection";
}

std::vector<Grant> ActionGrants(const Program& p, SymbolId action, SymbolId app) {
  std::vector<Grant> out;
  for (const Permission& perm : p.symbol(action).action().permissions) {
    const ResourceInfo& r = p.symbol(perm.resource).resource();
    std::vector<std::string> names;
    if (app != kNoSymbol) {
      // A subresource belongs to its resource's objects. Checked before
      // the grant is made: an app has objects of a few resources, and a
      // std action names dozens.
      bool has_objects = false;
      for (const AppObjects& objects : p.symbol(app).app().objects) {
        if (!p.symbol(objects.resource).resource().SameResource(r)) continue;
        has_objects = true;
        if (!IsUnnamedVerb(perm.verb)) names.insert(names.end(), objects.names.begin(), objects.names.end());
      }
      if (!has_objects) continue;
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
    }
    out.push_back({r.grant_group, r.grant_resource, perm.verb, std::move(names), perm.resource});
  }
  return out;
}

void ExpandRuleGrants(Program& p) {
  std::map<std::pair<SymbolId, SymbolId>, std::shared_ptr<const std::vector<Grant>>> expanded;
  for (std::vector<ApiRule>* rules : {&p.api_rules, &p.audit_api_rules}) {
    for (ApiRule& rule : *rules) {
      auto& grants = expanded[{rule.action, rule.app}];
      if (!grants) {
        grants = std::make_shared<const std::vector<Grant>>(
            rule.action == kNoSymbol ? std::vector<Grant>{} : ActionGrants(p, rule.action, rule.app));
      }
      rule.grants = grants;
    }
  }
}

std::vector<Grant> RunGrants(const std::string& pipeline) {
  std::vector<Grant> g;
  // v0.4: `tkn pipeline start` and `tkn pipelinerun logs` read the Pipeline.
  g.push_back({"tekton.dev", "pipelines", "get", {pipeline}});
  for (const char* v : {"get", "list", "watch", "create", "patch"}) {
    g.push_back({"tekton.dev", "pipelineruns", v, {}});
  }
  for (const char* v : {"get", "list", "watch"}) g.push_back({"tekton.dev", "taskruns", v, {}});
  for (const char* v : {"get", "list", "watch"}) g.push_back({"", "pods", v, {}});
  g.push_back({"", "pods/log", "get", {}});
  return g;
}

std::string Identity::ToString() const {
  switch (kind) {
    case Kind::User: return fmt::format("user `{}`", name);
    case Kind::Group: return fmt::format("group `{}`", name);
    case Kind::ServiceAccount: return fmt::format("serviceaccount `{}/{}`", ns, name);
  }
  return name;
}

std::vector<Identity> Identities(const Program& p, SymbolId subject) {
  std::vector<Identity> out;
  const Symbol& s = p.symbol(subject);
  switch (s.kind) {
    case DeclKind::User: {
      // Kubernetes authenticates a serviceaccount as the user
      // `system:serviceaccount:NS:NAME`: such a user is that account.
      static constexpr std::string_view kPrefix = "system:serviceaccount:";
      std::string_view name = s.k8s_name;
      if (name.substr(0, kPrefix.size()) == kPrefix) {
        std::string_view rest = name.substr(kPrefix.size());
        auto colon = rest.find(':');
        if (colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size()) {
          out.push_back({Identity::Kind::ServiceAccount, std::string(rest.substr(0, colon)),
                         std::string(rest.substr(colon + 1))});
          break;
        }
      }
      out.push_back({Identity::Kind::User, "", s.k8s_name});
      break;
    }
    case DeclKind::Group: out.push_back({Identity::Kind::Group, "", s.k8s_name}); break;
    case DeclKind::ServiceAccount:
      for (SymbolId ns : s.sa().namespaces) {
        out.push_back({Identity::Kind::ServiceAccount, p.symbol(ns).k8s_name, s.k8s_name});
      }
      break;
    case DeclKind::App: {
      const AppInfo& app = s.app();
      if (app.serviceaccount == kNoSymbol) break;
      const std::string& sa = p.symbol(app.serviceaccount).k8s_name;
      for (SymbolId ns : app.namespaces) {
        out.push_back({Identity::Kind::ServiceAccount, p.symbol(ns).k8s_name, sa});
      }
      break;
    }
    default: break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Principals(const Program& p, SymbolId source,
                                    const std::string& trust_domain) {
  std::vector<std::string> out;
  for (const Identity& id : Identities(p, source)) {
    if (id.kind != Identity::Kind::ServiceAccount) continue;
    out.push_back(fmt::format("{}/ns/{}/sa/{}", trust_domain, id.ns, id.name));
  }
  return out;
}

bool VerbLess(const std::string& a, const std::string& b) {
  const auto& known = KnownVerbs();
  auto ia = std::find(known.begin(), known.end(), a);
  auto ib = std::find(known.begin(), known.end(), b);
  if (ia != ib) return ia < ib;  // unknown verbs (end()) sort after known ones
  return a < b;
}

}  // namespace stave::sema
