// An Istio authorization evaluator over the objects stave emits: a request
// to a workload is refused by a STRICT PeerAuthentication when it is
// plaintext, then (401) when it carries a token that the
// RequestAuthentications selecting the workload do not accept, then by any
// matching DENY policy; otherwise admitted when no ALLOW policy selects the
// workload, or when an ALLOW rule matches (an allow-nothing policy matches
// nothing). CUSTOM is out of scope.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/objects.h"

namespace stave::eval {

// A JWT the request carries (spec §12): already signed by its issuer's
// keys, so what decides is whether a RequestAuthentication accepts it.
struct Token {
  std::string issuer;  // `iss`
  std::string subject;  // `sub`
  std::vector<std::string> audiences;  // `aud`
  std::map<std::string, std::vector<std::string>> claims;  // the others
  // Set by MeshAuthorizer when a RequestAuthentication accepted the token;
  // only a validated token gives the request a request principal.
  bool validated = false;
};

struct MeshRequest {
  // The callee: its namespace and pod labels.
  std::string ns;
  std::map<std::string, std::string> labels;
  // The caller: an mTLS peer (`TD/ns/NS/sa/NAME`) or plaintext (empty).
  std::string principal;
  std::string source_ns;
  // The connection and, for HTTP, the request.
  bool http = true;
  std::optional<uint32_t> port;
  std::string method, path, host;
  std::map<std::string, std::string> headers;  // names lower case
  std::optional<Token> token;
};

struct MeshDecision {
  bool allowed = false;
  // What decided: a policy and rule index, the PeerAuthentication, or
  // nothing (no ALLOW policy selects the workload).
  const lower::Object* object = nullptr;
  std::optional<size_t> rule_index;
  std::string reason;
};

class MeshAuthorizer {
 public:
  explicit MeshAuthorizer(const lower::Output& output);
  MeshDecision Authorize(const MeshRequest& request) const;
  // Whether an AUDIT policy marks the request for the audit log (spec
  // §14): `allowed` then means audited. AUDIT never changes a decision.
  MeshDecision Audit(const MeshRequest& request) const;

 private:
  std::map<std::string, std::vector<const lower::Object*>> by_ns_;
};

// `ISSUER/SUBJECT` of a validated token, as Istio's requestPrincipals and
// `request.auth.principal` see it.
std::optional<std::string> RequestPrincipal(const MeshRequest& request);
// Whether the RequestAuthentications `selecting` (of the workload's
// namespace, selecting it) accept the token: none at all means the token is
// not looked at; otherwise its issuer must be listed, with an audience of
// the rule's when the rule lists audiences. The refusing object on failure.
const lower::Object* RefusingRequestAuthentication(const std::vector<const lower::Object*>& selecting,
                                                   const Token& token);

// Istio's string match: exact, `prefix*`, `*suffix`, or `*` (any non-empty).
bool IstioStringMatch(const std::string& pattern, const std::string& value);
// One rule against a request; `deny` decides how HTTP-only fields behave on
// TCP traffic (dropped in DENY rules, making ALLOW rules never match).
bool IstioRuleMatches(const lower::IstioRule& rule, const MeshRequest& request, bool deny);

}  // namespace stave::eval
