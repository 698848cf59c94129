// Import of token checks (spec §12): RequestAuthentication jwtRules as
// `issuer` declarations, and AuthorizationPolicy `requestPrincipals` as
// `issuer NAME [subject "SUB"]` sources. Pure helpers of the importer.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <variant>

#include "compiler/lower/objects.h"

namespace stave::import {

// Why a jwtRules entry cannot be written as an issuer declaration (an
// http:// key set, several headers, a header that is no header name), or
// empty when it can.
std::string InexpressibleJwtRule(const lower::JwtRule& rule);

// The declaration `issuer NAME = "ISS" { … }` of a jwtRules entry.
std::string IssuerDeclaration(const std::string& name, const lower::JwtRule& rule);

// A readable name for an issuer string: `https://login.example.com` ->
// `login-example-com`.
std::string IssuerNameBase(const std::string& issuer);

// One requestPrincipals entry as an issuer source, given the issuers the
// workload's RequestAuthentication accepts: `ISS/*` is any token of ISS,
// `ISS/SUB` the subject SUB. Otherwise the reason it cannot be said.
struct IssuerSource {
  std::string issuer;
  std::optional<std::string> subject;
};
std::variant<IssuerSource, std::string> ParseRequestPrincipal(const std::string& value,
                                                              const std::set<std::string>& accepted);

}  // namespace stave::import
