// Deny API rules are compile-time guards (spec §5.1): RBAC only adds, so a
// `deny` emits nothing and instead fails the build when an `allow` grants a
// denied subject (by its own Kubernetes identity; group membership is
// unknown here) any permission the denied action covers in a denied
// namespace, directly or through `in cluster`. Allows are indexed by
// identity so each deny only meets the allows that share one.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {
namespace {

bool NamesOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const std::string& n : a) {
    if (std::binary_search(b.begin(), b.end(), n)) return true;
  }
  return false;
}

bool GrantsOverlap(const Grant& a, const Grant& b) {
  if (a.group != b.group) return false;
  if (a.resource != b.resource && a.resource != "*" && b.resource != "*") return false;
  if (a.verb != b.verb && a.verb != "*" && b.verb != "*") return false;
  return NamesOverlap(a.names, b.names);
}

// The namespace (Kubernetes name) where both rules apply, "" for cluster
// scope, or nullopt when they never meet. A deny `in cluster` forbids the
// permission everywhere, so it meets every allow.
std::optional<std::string> SharedScope(const Program& p, const ApiRule& deny, const ApiRule& allow) {
  if (deny.cluster) {
    if (allow.cluster) return std::string();
    return p.symbol(allow.namespaces.front()).k8s_name;
  }
  for (SymbolId ns : deny.namespaces) {
    if (allow.cluster || std::find(allow.namespaces.begin(), allow.namespaces.end(), ns) !=
                             allow.namespaces.end()) {
      return p.symbol(ns).k8s_name;
    }
  }
  return std::nullopt;
}

std::string DescribeGrant(const Grant& g) {
  std::string what = fmt::format("`{} {}{}`", g.verb, g.resource, g.group.empty() ? "" : "." + g.group.str());
  if (!g.names.empty()) what += fmt::format(" on `{}`", g.names.front());
  return what;
}

std::string HelpFor(const ApiRule& allow) {
  if (allow.action == kNoSymbol) {
    return "running a pipeline needs these permissions: drop the run rule, or the deny rule if "
           "running it is intended";
  }
  if (allow.app == kNoSymbol) {
    return "narrow the grant (name an app, or use an action without this permission), or remove "
           "the deny rule if the grant is intended";
  }
  return "use an action without this permission, or remove the deny rule if the grant is intended";
}

}  // namespace

void CheckDenyGuards(Checker& c) {
  const Program& p = c.program();
  struct Entry {
    size_t rule;
    base::Span subject_span;
  };
  // Run rules grant too (spec §5.3), in each pipeline's namespace: they
  // are checked as the allow API rules they amount to.
  std::vector<ApiRule> allows;
  std::vector<const std::vector<Grant>*> allow_grants;
  for (const ApiRule& r : p.api_rules) {
    if (r.effect != syntax::Effect::Allow) continue;
    allows.push_back(r);
    allow_grants.push_back(r.grants.get());
  }
  // std::map: the pointers stay valid as pipelines are added.
  std::map<SymbolId, std::vector<Grant>> run_grants;
  for (const RunRule& run : p.run_rules) {
    for (SymbolId pipeline : run.pipelines) {
      SymbolId ns = p.symbol(pipeline).pipeline().ns;
      if (ns == kNoSymbol) continue;
      auto [it, inserted] = run_grants.try_emplace(pipeline);
      if (inserted) it->second = RunGrants(p.symbol(pipeline).k8s_name);
      allows.push_back({run.rule, syntax::Effect::Allow, run.subjects, kNoSymbol, kNoSymbol, false, {ns}});
      allow_grants.push_back(&it->second);
    }
  }
  std::map<Identity, std::vector<Entry>> allows_by_identity;
  for (size_t i = 0; i < allows.size(); ++i) {
    for (const Principal& s : allows[i].subjects) {
      // The first subject that names the identity stands for the rule: a
      // rule that repeats it (`allow u, u, …`) is checked once.
      for (const Identity& id : Identities(p, s.symbol)) {
        auto& entries = allows_by_identity[id];
        if (entries.empty() || entries.back().rule != i) entries.push_back({i, s.span});
      }
    }
  }
  std::set<std::pair<size_t, const syntax::Rule*>> reported;
  for (const ApiRule& deny : p.api_rules) {
    if (deny.effect != syntax::Effect::Deny) continue;
    const std::vector<Grant>& denied = *deny.grants;
    for (const Principal& s : deny.subjects) {
      for (const Identity& id : Identities(p, s.symbol)) {
        auto it = allows_by_identity.find(id);
        if (it == allows_by_identity.end()) continue;
        for (const Entry& e : it->second) {
          const ApiRule& allow = allows[e.rule];
          if (reported.count({e.rule, deny.rule})) continue;
          auto scope = SharedScope(p, deny, allow);
          if (!scope) continue;
          for (const Grant& granted : *allow_grants[e.rule]) {
            auto hit = std::find_if(denied.begin(), denied.end(),
                                    [&](const Grant& d) { return GrantsOverlap(d, granted); });
            if (hit == denied.end()) continue;
            reported.insert({e.rule, deny.rule});
            std::string where = scope->empty() ? "cluster-wide"
                                : allow.cluster
                                    ? fmt::format("in namespace `{}` (through `in cluster`)", *scope)
                                    : fmt::format("in namespace `{}`", *scope);
            c.diags().report(diag::Code::E0401, allow.rule->span,
                             fmt::format("this rule grants {} {} {}, which a deny rule forbids",
                                         id.ToString(), DescribeGrant(granted), where),
                             fmt::format("grants {}", DescribeGrant(granted)))
                .label(e.subject_span, fmt::format("{} through this subject", id.ToString()))
                .note("denied here", deny.rule->span)
                .with_help(HelpFor(allow));
            break;
          }
        }
      }
    }
  }
}

}  // namespace stave::sema
