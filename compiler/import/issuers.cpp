// Token checks as issuers. An Istio request principal is `ISS/SUB` of a
// token the workload's RequestAuthentication validated; issuer strings may
// hold `/` themselves (URLs), so a principal is split at the longest issuer
// the workload accepts that it starts with.
#include "compiler/import/issuers.h"

#include <fmt/format.h>

#include "compiler/import/policy_text.h"
#include "compiler/sema/values.h"
#include "compiler/syntax/tokens.h"

namespace stave::import {

std::string InexpressibleJwtRule(const lower::JwtRule& rule) {
  if (rule.issuer.empty()) return "a jwtRules entry without an issuer";
  if (!rule.jwks_uri.empty() && (rule.jwks_uri.rfind("https://", 0) != 0 || rule.jwks_uri.size() == 8)) {
    return fmt::format("issuer `{}` has a key set URL `{}` that is not https://", rule.issuer, rule.jwks_uri);
  }
  std::set<std::string> audiences;
  for (const std::string& a : rule.audiences) {
    if (a.empty() || !audiences.insert(a).second) {
      return fmt::format("issuer `{}` lists an empty or repeated audience", rule.issuer);
    }
  }
  if (rule.from_headers.size() > 1) {
    return fmt::format("issuer `{}` reads its token from {} headers", rule.issuer, rule.from_headers.size());
  }
  if (rule.from_headers.size() == 1 && !sema::IsHeaderName(rule.from_headers[0].name)) {
    return fmt::format("issuer `{}` reads its token from `{}`, which is not a header name", rule.issuer,
                       rule.from_headers[0].name);
  }
  return "";
}

std::string IssuerDeclaration(const std::string& name, const lower::JwtRule& rule) {
  std::vector<std::string> clauses;
  if (!rule.jwks_uri.empty()) clauses.push_back("jwks " + syntax::StringLiteral(rule.jwks_uri));
  if (!rule.audiences.empty()) {
    std::string list;
    for (const std::string& a : rule.audiences) list += (list.empty() ? "" : ", ") + syntax::StringLiteral(a);
    clauses.push_back("audiences " + list);
  }
  if (!rule.from_headers.empty()) {
    const lower::JwtHeader& h = rule.from_headers[0];
    clauses.push_back("header " + syntax::StringLiteral(h.name) + (h.prefix ? " prefix " + syntax::StringLiteral(*h.prefix) : ""));
  }
  std::string decl = fmt::format("issuer {} = {}", name, syntax::StringLiteral(rule.issuer));
  if (clauses.empty()) return decl;
  decl += " {\n";
  for (const std::string& c : clauses) decl += "  " + c + "\n";
  return decl + "}";
}

std::string IssuerNameBase(const std::string& issuer) {
  size_t scheme = issuer.find("://");
  std::string rest = scheme == std::string::npos ? issuer : issuer.substr(scheme + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  return rest.empty() ? "issuer" : rest;
}

std::variant<IssuerSource, std::string> ParseRequestPrincipal(const std::string& value,
                                                              const std::set<std::string>& accepted) {
  if (value == "*") {
    return std::string("request principal `*` (any token of any issuer the workload accepts)");
  }
  const std::string* best = nullptr;
  for (const std::string& issuer : accepted) {
    if (value.size() > issuer.size() + 1 && value.compare(0, issuer.size(), issuer) == 0 &&
        value[issuer.size()] == '/' && (best == nullptr || issuer.size() > best->size())) {
      best = &issuer;
    }
  }
  if (best == nullptr) {
    return fmt::format("request principal `{}` names an issuer that no RequestAuthentication with the "
                       "policy's selector validates",
                       value);
  }
  std::string subject = value.substr(best->size() + 1);
  if (subject == "*") return IssuerSource{*best, std::nullopt};
  if (subject.find('*') != std::string::npos) {
    return fmt::format("request principal `{}` matches subjects by a pattern", value);
  }
  return IssuerSource{*best, subject};
}

}  // namespace stave::import
