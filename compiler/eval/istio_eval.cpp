// Istio authorization semantics, after Istio's documentation of
// AuthorizationPolicy: sources in `from` are alternatives, fields within a
// source must all match; the same for operations in `to`; every `when`
// condition must hold; `not*` fields must not match.
#include "compiler/eval/istio_eval.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace stave::eval {
namespace {

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return IstioStringMatch(p, value); });
}

// A positive list must match (when present), a negative one must not.
bool Field(const std::vector<std::string>& yes, const std::vector<std::string>& no,
           const std::optional<std::string>& value) {
  if (!yes.empty() && (!value || !AnyMatch(yes, *value))) return false;
  if (!no.empty() && value && AnyMatch(no, *value)) return false;
  return true;
}

bool SelectorMatches(const std::map<std::string, std::string>& selector,
                     const std::map<std::string, std::string>& labels) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::optional<std::vector<std::string>> One(std::optional<std::string> v) {
  if (!v) return std::nullopt;
  return std::vector<std::string>{*v};
}

// `request.auth.*` of a validated token (Istio's JWT attributes).
std::optional<std::vector<std::string>> TokenValues(const std::string& key, const MeshRequest& r) {
  if (!r.token || !r.token->validated) return std::nullopt;
  const Token& t = *r.token;
  auto claim = [&](const std::string& name) -> std::optional<std::vector<std::string>> {
    if (name == "iss") return std::vector<std::string>{t.issuer};
    if (name == "sub") return std::vector<std::string>{t.subject};
    if (name == "aud" && !t.audiences.empty()) return t.audiences;
    auto it = t.claims.find(name);
    if (it == t.claims.end()) return std::nullopt;
    return it->second;
  };
  if (key == "request.auth.principal") return One(RequestPrincipal(r));
  if (key == "request.auth.audiences") return claim("aud");
  if (key == "request.auth.presenter") return claim("azp");
  if (key.rfind("request.auth.claims[", 0) == 0) return claim(key.substr(20, key.size() - 21));
  return std::nullopt;
}

// The request's values for a condition key, if it has any (a list claim
// has several; a condition matches when one of them does).
std::optional<std::vector<std::string>> ConditionValues(const std::string& key,
                                                        const MeshRequest& r);

// The request's value for a condition key, if it has one.
std::optional<std::string> ConditionValue(const std::string& key, const MeshRequest& r) {
  if (key.rfind("request.headers[", 0) == 0) {
    std::string name = Lower(key.substr(16, key.size() - 17));
    auto it = r.headers.find(name);
    if (it == r.headers.end()) return std::nullopt;
    return it->second;
  }
  if (key == "source.namespace") return r.principal.empty() ? std::nullopt : std::optional(r.source_ns);
  if (key == "source.principal") {
    return r.principal.empty() ? std::nullopt : std::optional(r.principal);
  }
  if (key == "destination.port") {
    return r.port ? std::optional(std::to_string(*r.port)) : std::nullopt;
  }
  if (key == "connection.sni" && !r.host.empty()) return r.host;
  return std::nullopt;  // IPs are not part of a test request
}

std::optional<std::vector<std::string>> ConditionValues(const std::string& key,
                                                        const MeshRequest& r) {
  if (key.rfind("request.auth.", 0) == 0) return TokenValues(key, r);
  return One(ConditionValue(key, r));
}

bool FieldOfList(const std::vector<std::string>& yes, const std::vector<std::string>& no,
                 const std::optional<std::vector<std::string>>& values) {
  auto any = [&](const std::vector<std::string>& patterns) {
    return values && std::any_of(values->begin(), values->end(),
                                 [&](const std::string& v) { return AnyMatch(patterns, v); });
  };
  if (!yes.empty() && !any(yes)) return false;
  if (!no.empty() && any(no)) return false;
  return true;
}

bool IsHttpOnlyKey(const std::string& key) { return key.rfind("request.", 0) == 0; }

}  // namespace

bool IstioStringMatch(const std::string& p, const std::string& v) {
  if (p == "*") return !v.empty();
  if (!p.empty() && p.back() == '*') return v.rfind(p.substr(0, p.size() - 1), 0) == 0;
  if (!p.empty() && p.front() == '*') {
    std::string s = p.substr(1);
    return v.size() >= s.size() && v.compare(v.size() - s.size(), s.size(), s) == 0;
  }
  return p == v;
}

bool IstioRuleMatches(const lower::IstioRule& rule, const MeshRequest& r, bool deny) {
  if (!rule.from.empty()) {
    std::optional<std::string> principal, ns;
    if (!r.principal.empty()) {
      principal = r.principal;
      ns = r.source_ns;
    }
    std::optional<std::string> request_principal = RequestPrincipal(r);
    bool any = std::any_of(rule.from.begin(), rule.from.end(), [&](const lower::IstioSource& s) {
      // requestPrincipals is HTTP-only: on TCP it makes an ALLOW rule never
      // match and is dropped from a DENY rule (spec §8, §12).
      if (!s.request_principals.empty()) {
        if (!r.http && !deny) return false;
        if (r.http && !Field(s.request_principals, {}, request_principal)) return false;
      }
      return Field(s.principals, {}, principal) && Field(s.namespaces, {}, ns);
    });
    if (!any) return false;
  }
  if (rule.to) {
    const lower::IstioOperation& op = *rule.to;
    bool http_fields = !op.hosts.empty() || !op.not_hosts.empty() || !op.methods.empty() ||
                       !op.not_methods.empty() || !op.paths.empty() || !op.not_paths.empty();
    // On TCP traffic, HTTP-only fields make an ALLOW rule never match and
    // are dropped from a DENY rule.
    if (!r.http && http_fields && !deny) return false;
    std::optional<std::string> port = r.port ? std::optional(std::to_string(*r.port)) : std::nullopt;
    if (!Field(op.ports, op.not_ports, port)) return false;
    if (r.http) {
      auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
      // Host matching is case-insensitive in Istio.
      auto lower_all = [](std::vector<std::string> v) {
        for (auto& s : v) s = Lower(s);
        return v;
      };
      if (!Field(lower_all(op.hosts), lower_all(op.not_hosts), opt(Lower(r.host)))) return false;
      if (!Field(op.methods, op.not_methods, opt(r.method))) return false;
      if (!Field(op.paths, op.not_paths, opt(r.path))) return false;
    }
  }
  for (const lower::IstioCondition& c : rule.when) {
    if (!r.http && IsHttpOnlyKey(c.key)) {
      if (deny) continue;
      return false;
    }
    // Condition values match like other strings: exact, prefix, suffix or
    // presence.
    if (!FieldOfList(c.values, c.not_values, ConditionValues(c.key, r))) return false;
  }
  return true;
}

MeshAuthorizer::MeshAuthorizer(const lower::Output& output) {
  for (const lower::Object& o : output.objects) {
    if (o.kind == lower::Kind::PeerAuthentication || o.kind == lower::Kind::AuthorizationPolicy ||
        o.kind == lower::Kind::RequestAuthentication) {
      by_ns_[o.meta.ns].push_back(&o);
    }
  }
}

std::optional<std::string> RequestPrincipal(const MeshRequest& r) {
  if (!r.token || !r.token->validated) return std::nullopt;
  return r.token->issuer + "/" + r.token->subject;
}

const lower::Object* RefusingRequestAuthentication(const std::vector<const lower::Object*>& selecting,
                                                   const Token& token) {
  if (selecting.empty()) return nullptr;
  for (const lower::Object* o : selecting) {
    const auto& ra = std::get<lower::RequestAuthentication>(o->spec);
    auto rule = ra.rules.find(token.issuer);
    if (rule == ra.rules.end()) continue;
    const auto& wanted = rule->second.audiences;
    if (wanted.empty()) return nullptr;
    for (const auto& aud : token.audiences) {
      if (std::find(wanted.begin(), wanted.end(), aud) != wanted.end()) return nullptr;
    }
  }
  return selecting.front();
}

MeshDecision MeshAuthorizer::Authorize(const MeshRequest& request) const {
  std::vector<const lower::Object*> allows, denies, authns;
  MeshRequest r = request;
  auto in_ns = by_ns_.find(r.ns);
  if (in_ns == by_ns_.end()) return {true, nullptr, std::nullopt, "no ALLOW policy selects the workload"};
  for (const lower::Object* object : in_ns->second) {
    const lower::Object& o = *object;
    if (o.kind == lower::Kind::PeerAuthentication && r.principal.empty() &&
        std::get<lower::PeerAuthentication>(o.spec).mode == "STRICT") {
      return {false, &o, std::nullopt, "plaintext traffic refused: mTLS is STRICT"};
    }
    if (o.kind == lower::Kind::RequestAuthentication) {
      if (SelectorMatches(std::get<lower::RequestAuthentication>(o.spec).selector, r.labels)) {
        authns.push_back(&o);
      }
      continue;
    }
    if (o.kind != lower::Kind::AuthorizationPolicy) continue;
    const auto& ap = std::get<lower::AuthorizationPolicy>(o.spec);
    if (!SelectorMatches(ap.selector, r.labels)) continue;
    if (ap.action == "AUDIT") continue;  // records, never decides (spec §14)
    (ap.action == "DENY" ? denies : allows).push_back(&o);
  }
  // Tokens are checked before authorization; a refused one is a 401 that no
  // rule, peer rules included, can turn around (spec §12).
  if (r.token && r.http) {
    if (const lower::Object* refusing = RefusingRequestAuthentication(authns, *r.token)) {
      return {false, refusing, std::nullopt,
              fmt::format("the token of issuer `{}` is refused (401): the RequestAuthentication "
                          "does not accept it",
                          r.token->issuer)};
    }
    r.token->validated = !authns.empty();
  }
  for (const lower::Object* o : denies) {
    const auto& rules = std::get<lower::AuthorizationPolicy>(o->spec).rules;
    for (size_t i = 0; i < rules.size(); ++i) {
      if (IstioRuleMatches(rules[i], r, true)) return {false, o, i, "a DENY rule matches"};
    }
  }
  if (allows.empty()) return {true, nullptr, std::nullopt, "no ALLOW policy selects the workload"};
  for (const lower::Object* o : allows) {
    const auto& ap = std::get<lower::AuthorizationPolicy>(o->spec);
    for (size_t i = 0; i < ap.rules.size(); ++i) {
      if (IstioRuleMatches(ap.rules[i], r, false)) return {true, o, i, "an ALLOW rule matches"};
    }
  }
  return {false, allows.front(), std::nullopt, "no ALLOW rule matches"};
}

}  // namespace stave::eval

namespace stave::eval {

MeshDecision MeshAuthorizer::Audit(const MeshRequest& r) const {
  auto in_ns = by_ns_.find(r.ns);
  if (in_ns == by_ns_.end()) return {false, nullptr, std::nullopt, "no AUDIT policy selects the workload"};
  bool selected = false;
  for (const lower::Object* o : in_ns->second) {
    // A STRICT PeerAuthentication refuses plaintext before any policy runs.
    if (o->kind == lower::Kind::PeerAuthentication && r.principal.empty() &&
        std::get<lower::PeerAuthentication>(o->spec).mode == "STRICT") {
      return {false, o, std::nullopt, "plaintext traffic refused before any policy: mTLS is STRICT"};
    }
  }
  for (const lower::Object* o : in_ns->second) {
    if (o->kind != lower::Kind::AuthorizationPolicy) continue;
    const auto& ap = std::get<lower::AuthorizationPolicy>(o->spec);
    if (ap.action != "AUDIT" || !SelectorMatches(ap.selector, r.labels)) continue;
    selected = true;
    // HTTP-only fields on TCP traffic: an AUDIT rule behaves as an ALLOW
    // rule does and never matches.
    for (size_t i = 0; i < ap.rules.size(); ++i) {
      if (IstioRuleMatches(ap.rules[i], r, false)) return {true, o, i, "an AUDIT rule matches"};
    }
  }
  return {false, nullptr, std::nullopt,
          selected ? "no AUDIT rule matches" : "no AUDIT policy selects the workload"};
}

}  // namespace stave::eval
