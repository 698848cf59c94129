// RequestAuthentication lowering (spec §12): every app that a call rule
// with an issuer source names gets, in each namespace the rule applies to,
// a RequestAuthentication `stave-PACKAGE.APP` with the app's selector and
// one jwtRules entry per issuer named by the call rules of that app there.
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "compiler/lower/lowering.h"
#include "compiler/sema/values.h"

namespace stave::lower {
namespace {

JwtRule ToJwtRule(const sema::Symbol& issuer) {
  const sema::IssuerInfo& info = issuer.issuer();
  JwtRule rule;
  rule.issuer = issuer.k8s_name;
  rule.jwks_uri = info.jwks;
  rule.audiences = info.audiences;
  // Without `header`, Istio reads `Authorization: Bearer …` (its default).
  if (info.header) rule.from_headers.push_back({*info.header, info.prefix});
  return rule;
}

}  // namespace

void LowerRequestAuthentications(Lowering& l) {
  const sema::Program& p = l.program();
  std::map<std::tuple<sema::SymbolId, std::string, std::string>, std::string> declared_by;
  for (const sema::CallRule& rule : p.call_rules) {
    const sema::Symbol& app = p.symbol(rule.app);
    std::string name = fmt::format("stave-{}", app.qualified());
    // The AuthorizationPolicy of the same app reports a bad name (E0313).
    if (sema::CheckDnsSubdomain(name)) continue;
    for (const sema::Principal& s : rule.sources) {
      if (s.kind != sema::Principal::Kind::Issuer) continue;
      const sema::Symbol& issuer = p.symbol(s.symbol);
      for (sema::SymbolId ns : rule.namespaces) {
        Object& obj = l.Get(Kind::RequestAuthentication, p.symbol(ns).k8s_name, name);
        auto& ra = std::get<RequestAuthentication>(obj.spec);
        ra.selector.clear();
        for (const auto& [k, v] : app.app().selector) ra.selector[k] = v;
        // Two declarations of one issuer string: the one first by
        // qualified name wins, whatever the order of rules and files.
        auto [it, inserted] = ra.rules.emplace(issuer.k8s_name, ToJwtRule(issuer));
        auto& by = declared_by[{ns, name, issuer.k8s_name}];
        if (inserted || issuer.qualified() < by) {
          it->second = ToJwtRule(issuer);
          by = issuer.qualified();
        }
        obj.origins.push_back(rule.rule->span);
        obj.origins.push_back(issuer.decl->span);
      }
    }
  }
}

}  // namespace stave::lower
