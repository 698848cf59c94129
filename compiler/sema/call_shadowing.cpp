// W0404: an allow call rule that a deny rule fully covers admits nothing,
// since Istio evaluates DENY before ALLOW (spec §5.2). Coverage is decided
// conservatively, field by field: when in doubt (negated fields in the deny,
// conditions the allow does not imply) the allow is not reported. Rules are
// grouped by app, so each allow only meets the denies on its own app.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {
namespace {

using syntax::OpField;

// Does Istio pattern `d` match every string that pattern `a` matches?
bool PatternCovers(const std::string& d, const std::string& a) {
  if (d == "*") return true;
  if (a == "*") return false;
  bool d_prefix = d.back() == '*', d_suffix = d.front() == '*';
  bool a_prefix = a.back() == '*', a_suffix = a.front() == '*';
  if (d_prefix) {
    std::string p = d.substr(0, d.size() - 1);
    if (a_suffix) return p.empty();
    std::string q = a_prefix ? a.substr(0, a.size() - 1) : a;
    return q.compare(0, p.size(), p) == 0;
  }
  if (d_suffix) {
    std::string s = d.substr(1);
    if (a_prefix) return s.empty();
    std::string t = a_suffix ? a.substr(1) : a;
    return t.size() >= s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0;
  }
  return d == a;
}

const syntax::OpClause* Op(const syntax::CallRule& c, OpField f, bool negated) {
  for (const auto& op : c.ops) {
    if (op.field == f && op.negated == negated) return &op;
  }
  return nullptr;
}

bool OperationsCovered(const syntax::CallRule& deny, const syntax::CallRule& allow) {
  for (OpField f : {OpField::Methods, OpField::Paths, OpField::Ports, OpField::Hosts}) {
    if (Op(deny, f, true)) return false;  // negations: too subtle to be sure
    const syntax::OpClause* d = Op(deny, f, false);
    if (d == nullptr) continue;
    const syntax::OpClause* a = Op(allow, f, false);
    if (a == nullptr) return false;
    for (const auto& av : a->values) {
      bool covered = std::any_of(d->values.begin(), d->values.end(), [&](const syntax::OpValue& dv) {
        bool pattern = f == OpField::Paths || f == OpField::Hosts;
        return pattern ? PatternCovers(dv.text, av.text) : dv.text == av.text;
      });
      if (!covered) return false;
    }
  }
  return true;
}

bool ConditionsCovered(const syntax::CallRule& deny, const syntax::CallRule& allow) {
  for (const syntax::Condition& d : deny.conditions) {
    bool implied = std::any_of(allow.conditions.begin(), allow.conditions.end(),
                               [&](const syntax::Condition& a) {
      if (a.key.text != d.key.text || a.negated != d.negated) return false;
      auto contains = [](const std::vector<syntax::StringLit>& set, const std::string& v) {
        return std::any_of(set.begin(), set.end(), [&](const auto& s) { return s.value == v; });
      };
      // `==`: the allow's values are a subset; `!=`: a superset.
      if (!d.negated) {
        return std::all_of(a.values.begin(), a.values.end(),
                           [&](const auto& v) { return contains(d.values, v.value); });
      }
      return std::all_of(d.values.begin(), d.values.end(),
                         [&](const auto& v) { return contains(a.values, v.value); });
    });
    if (!implied) return false;
  }
  return true;
}

// What a source list admits, as sets: principals, namespaces, and flags.
struct SourceSet {
  bool any = false;
  bool authenticated = false;
  std::set<std::string> principals;
  std::set<std::string> namespaces;
  // Issuer sources (spec §12): (issuer, subject); no subject is any subject.
  std::set<std::pair<SymbolId, std::optional<std::string>>> tokens;
};

SourceSet Sources(const Program& p, const std::vector<Principal>& list) {
  SourceSet s;
  for (const Principal& x : list) {
    switch (x.kind) {
      case Principal::Kind::Any: s.any = true; break;
      case Principal::Kind::Authenticated: s.authenticated = true; break;
      case Principal::Kind::Namespace: s.namespaces.insert(p.symbol(x.symbol).k8s_name); break;
      case Principal::Kind::Symbol:
        for (const auto& pr : Principals(p, x.symbol, "")) s.principals.insert(pr);
        break;
      case Principal::Kind::Plaintext: break;
      case Principal::Kind::Issuer: s.tokens.insert({x.symbol, x.token_subject}); break;
    }
  }
  return s;
}

bool SourcesCovered(const SourceSet& d, const SourceSet& a) {
  if (d.any) return true;
  if (a.any) return false;
  // A token is no peer identity: only a deny on the same issuer (any
  // subject, or this one) covers it.
  for (const auto& [issuer, subject] : a.tokens) {
    if (!d.tokens.count({issuer, std::nullopt}) && !(subject && d.tokens.count({issuer, subject}))) {
      return false;
    }
  }
  bool peers = a.authenticated || !a.principals.empty() || !a.namespaces.empty();
  if (!peers) return true;
  if (d.authenticated) return true;
  if (a.authenticated) return false;
  for (const auto& pr : a.principals) {
    // `/ns/NS/sa/NAME`: covered by the principal itself or its namespace.
    std::string ns = pr.substr(4, pr.find("/sa/") - 4);
    if (!d.principals.count(pr) && !d.namespaces.count(ns)) return false;
  }
  for (const auto& ns : a.namespaces) {
    if (!d.namespaces.count(ns)) return false;
  }
  return true;
}

bool NamespacesCovered(const CallRule& deny, const CallRule& allow) {
  return std::all_of(allow.namespaces.begin(), allow.namespaces.end(), [&](SymbolId ns) {
    return std::find(deny.namespaces.begin(), deny.namespaces.end(), ns) != deny.namespaces.end();
  });
}

}  // namespace

void CheckShadowedCalls(Checker& c) {
  const Program& p = c.program();
  std::map<SymbolId, std::vector<const CallRule*>> denies;
  for (const CallRule& r : p.call_rules) {
    if (r.effect == syntax::Effect::Deny) denies[r.app].push_back(&r);
  }
  for (const CallRule& allow : p.call_rules) {
    if (allow.effect != syntax::Effect::Allow) continue;
    auto it = denies.find(allow.app);
    if (it == denies.end()) continue;
    SourceSet allowed = Sources(p, allow.sources);
    for (const CallRule* deny : it->second) {
      if (!NamespacesCovered(*deny, allow) || !SourcesCovered(Sources(p, deny->sources), allowed) ||
          !OperationsCovered(*deny->call, *allow.call) ||
          !ConditionsCovered(*deny->call, *allow.call)) {
        continue;
      }
      c.diags().report(diag::Code::W0404, allow.rule->span,
                       "this allow rule admits nothing: a deny rule refuses every request it matches",
                       "fully covered by a deny")
          .note("Istio applies DENY policies before ALLOW ones", deny->rule->span)
          .with_help("remove the allow rule, or narrow the deny rule if the allow is intended");
      break;
    }
  }
}

}  // namespace stave::sema
