// Istio lowering (spec §5.2, §8): one AuthorizationPolicy per app,
// namespace and action whose rules are the call rules on that app; the
// allow-nothing policy in `default deny` namespaces; a STRICT
// PeerAuthentication in `mtls strict` namespaces. Also the warnings that
// depend on how Istio treats a rule: identities without mTLS, HTTP-only
// fields on TCP ports.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lower/lowering.h"
#include "compiler/sema/grants.h"
#include "compiler/sema/values.h"

namespace stave::lower {
namespace {

using syntax::OpField;

bool IsHttpOnlyCondition(const syntax::Condition& c) {
  const sema::ConditionKeyInfo* key = sema::FindConditionKey(
      c.key.text.substr(0, c.key.text.find('[')));
  return key != nullptr && key->http_only;
}

bool HasHttpOnlyFields(const syntax::CallRule& call) {
  for (const auto& op : call.ops) {
    if (op.field != OpField::Ports) return true;
  }
  return std::any_of(call.conditions.begin(), call.conditions.end(), IsHttpOnlyCondition);
}

const syntax::OpClause* FindOp(const syntax::CallRule& call, OpField field, bool negated) {
  for (const auto& op : call.ops) {
    if (op.field == field && op.negated == negated) return &op;
  }
  return nullptr;
}

// Peer (mTLS) identities; a token (`issuer`) is a request identity that
// plaintext callers can carry too.
bool IsIdentitySource(const sema::Principal& s) {
  return s.kind != sema::Principal::Kind::Any && s.kind != sema::Principal::Kind::Issuer;
}

constexpr const char* kTokenNote =
    "a token (an `issuer` source) is HTTP-only too: Istio ignores `requestPrincipals` on TCP "
    "traffic";

// Spec §12: a token is HTTP-only, like methods and paths (§8).
bool HasTokenSource(const sema::CallRule& rule) {
  return std::any_of(rule.sources.begin(), rule.sources.end(), [](const sema::Principal& s) {
    return s.kind == sema::Principal::Kind::Issuer;
  });
}

IstioRule BuildRule(const sema::Program& p, const sema::CallRule& rule,
                    const std::string& trust_domain, const std::vector<std::string>& added_ports) {
  IstioRule out;
  IstioSource principals, namespaces;
  std::vector<IstioSource> tokens;  // each issuer source its own entry (spec §12)
  bool any = false;
  for (const sema::Principal& s : rule.sources) {
    switch (s.kind) {
      case sema::Principal::Kind::Any: any = true; break;
      case sema::Principal::Kind::Authenticated: principals.principals.push_back("*"); break;
      case sema::Principal::Kind::Namespace:
        namespaces.namespaces.push_back(p.symbol(s.symbol).k8s_name);
        break;
      case sema::Principal::Kind::Symbol: {
        auto list = sema::Principals(p, s.symbol, trust_domain);
        principals.principals.insert(principals.principals.end(), list.begin(), list.end());
        break;
      }
      case sema::Principal::Kind::Plaintext: break;
      case sema::Principal::Kind::Issuer: {
        IstioSource token;
        token.request_principals.push_back(p.symbol(s.symbol).k8s_name + "/" +
                                           s.token_subject.value_or("*"));
        tokens.push_back(std::move(token));
        break;
      }
    }
  }
  auto tidy = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  if (!any) {
    tidy(principals.principals);
    tidy(namespaces.namespaces);
    if (!principals.principals.empty()) out.from.push_back(principals);
    if (!namespaces.namespaces.empty()) out.from.push_back(namespaces);
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    out.from.insert(out.from.end(), tokens.begin(), tokens.end());
  }
  IstioOperation op;
  for (const auto& clause : rule.call->ops) {
    std::vector<std::string>* target = nullptr;
    switch (clause.field) {
      case OpField::Methods: target = clause.negated ? &op.not_methods : &op.methods; break;
      case OpField::Paths: target = clause.negated ? &op.not_paths : &op.paths; break;
      case OpField::Ports: target = clause.negated ? &op.not_ports : &op.ports; break;
      case OpField::Hosts: target = clause.negated ? &op.not_hosts : &op.hosts; break;
    }
    for (const auto& v : clause.values) target->push_back(v.text);
  }
  if (op.ports.empty()) op.ports = added_ports;
  for (auto* v : {&op.hosts, &op.not_hosts, &op.methods, &op.not_methods, &op.paths, &op.not_paths}) {
    tidy(*v);
  }
  // Ports sort as numbers, not strings.
  for (auto* v : {&op.ports, &op.not_ports}) {
    std::sort(v->begin(), v->end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  if (!op.empty()) out.to = op;
  for (const syntax::Condition& c : rule.call->conditions) {
    IstioCondition cond{c.key.text, {}, {}};
    for (const auto& v : c.values) (c.negated ? cond.not_values : cond.values).push_back(v.value);
    tidy(cond.values);
    tidy(cond.not_values);
    out.when.push_back(std::move(cond));
  }
  std::sort(out.when.begin(), out.when.end());
  return out;
}

// Spec §8: Istio drops HTTP-only fields on TCP traffic. A deny rule with
// such fields and no ports is limited to the app's HTTP ports; warn where
// that cannot make it safe, and where an allow rule can never match.
std::vector<std::string> HttpPortsFor(Lowering& l, const sema::CallRule& rule) {
  const syntax::CallRule& call = *rule.call;
  if (!HasHttpOnlyFields(call) && !HasTokenSource(rule)) return {};
  const sema::Symbol& app = l.program().symbol(rule.app);
  const auto& ports = app.app().ports;
  const syntax::OpClause* named = FindOp(call, OpField::Ports, false);
  auto is_http = [&](uint64_t n) {
    for (const auto& port : ports) {
      if (port.number == n) return port.http;
    }
    return true;  // undeclared protocol: http by default
  };
  bool deny = rule.effect == syntax::Effect::Deny;
  if (named) {
    for (const auto& v : named->values) {
      if (is_http(v.port.value)) continue;
      if (deny) {
        auto& d = l.diags().report(diag::Code::W0402, v.span,
                         fmt::format("port {} of app `{}` is not HTTP: this deny rule refuses all "
                                     "traffic to it",
                                     v.port.value, app.name),
                         "a TCP port")
            .label(app.name_span(), "the app's port protocols are declared here")
            .note("Istio ignores methods, paths, hosts and request conditions on TCP traffic, and "
                  "a DENY rule without them matches every connection");
        if (HasTokenSource(rule)) d.note(kTokenNote);
      } else if (std::all_of(named->values.begin(), named->values.end(),
                             [&](const syntax::OpValue& x) { return !is_http(x.port.value); })) {
        auto& d = l.diags().report(diag::Code::W0403, rule.rule->span,
                         "this allow rule can never match: its HTTP fields apply to TCP ports only",
                         "never matches")
            .label(app.name_span(), "the app's port protocols are declared here")
            .note("Istio ignores an ALLOW rule with HTTP-only fields on TCP traffic");
        if (HasTokenSource(rule)) d.note(kTokenNote);
        break;
      }
    }
    return {};
  }
  std::vector<std::string> http;
  for (const auto& port : ports) {
    if (port.http) http.push_back(std::to_string(port.number));
  }
  if (deny && http.empty()) {
    auto& d = l.diags().report(diag::Code::W0402, rule.rule->span,
                     ports.empty() ? fmt::format("app `{}` declares no ports, so this deny rule "
                                                 "would refuse all TCP traffic to it",
                                                 app.name)
                                   : fmt::format("app `{}` has no HTTP port: this deny rule refuses "
                                                 "all traffic to it",
                                                 app.name),
                     "HTTP-only fields in a deny rule");
    d.label(app.name_span(), ports.empty() ? "declared without `ports`" : "declared with TCP ports only")
        .note("Istio ignores methods, paths, hosts and request conditions on TCP traffic, and a "
              "DENY rule without them matches every connection");
    if (HasTokenSource(rule)) d.note(kTokenNote);
    if (ports.empty()) {
      d.with_help("declare the app's ports with their protocols (`ports 8080 http, 5432 tcp`) so "
                  "the rule can be limited to the HTTP ones");
    } else {
      d.with_help("drop the HTTP-only fields if refusing all traffic is intended, or remove the "
                  "rule");
    }
  }
  if (!deny && !ports.empty() && http.empty()) {
    auto& d = l.diags().report(diag::Code::W0403, rule.rule->span,
                     fmt::format("this allow rule can never match: app `{}` has no HTTP port",
                                 app.name),
                     "never matches")
        .label(app.name_span(), "declared with TCP ports only")
        .note("Istio ignores an ALLOW rule with HTTP-only fields on TCP traffic");
    if (HasTokenSource(rule)) d.note(kTokenNote);
  }
  return deny ? http : std::vector<std::string>{};
}

void WarnWithoutMtls(Lowering& l, const sema::CallRule& rule, sema::SymbolId ns) {
  const sema::Program& p = l.program();
  if (p.symbol(ns).ns().mtls_strict) return;
  auto identity = std::find_if(rule.sources.begin(), rule.sources.end(), IsIdentitySource);
  if (identity == rule.sources.end()) return;
  bool deny = rule.effect == syntax::Effect::Deny;
  l.diags()
      .report(diag::Code::W0401, identity->span,
              fmt::format("namespace `{}` does not require mTLS, so callers without an identity "
                          "{} this rule",
                          p.symbol(ns).name, deny ? "pass" : "are not matched by"),
              "an identity-based source")
      .label(p.symbol(ns).name_span(), "declared without `mtls strict`")
      .with_help(fmt::format("add `{{ mtls strict }}` to namespace `{}`", p.symbol(ns).name));
}

bool IsDnsSubdomain(const std::string& name) { return !sema::CheckDnsSubdomain(name).has_value(); }

}  // namespace

void LowerNamespaces(Lowering& l) {
  const sema::Program& p = l.program();
  for (const sema::Symbol& s : p.symbols) {
    if (s.kind != sema::DeclKind::Namespace) continue;
    if (s.ns().mtls_strict) {
      Object& pa = l.Get(Kind::PeerAuthentication, s.k8s_name, "stave-mtls");
      std::get<PeerAuthentication>(pa.spec).mode = "STRICT";
      pa.origins.push_back(s.decl->span);
    }
    if (s.ns().default_deny) {
      Object& ap = l.Get(Kind::AuthorizationPolicy, s.k8s_name, "stave-default-deny");
      std::get<AuthorizationPolicy>(ap.spec).allow_nothing = true;
      ap.origins.push_back(s.decl->span);
    }
  }
}

void LowerCallRules(Lowering& l) {
  const sema::Program& p = l.program();
  std::set<const syntax::Rule*> bad_names;
  for (const sema::CallRule& rule : p.call_rules) {
    const sema::Symbol& app = p.symbol(rule.app);
    bool deny = rule.effect == syntax::Effect::Deny;
    std::string name = fmt::format("stave-{}-{}", app.qualified(), deny ? "deny" : "allow");
    if (!IsDnsSubdomain(name)) {
      if (bad_names.insert(rule.rule).second) {
        l.diags().report(diag::Code::E0313, std::get<syntax::CallRule>(rule.rule->target).app.span,
                         fmt::format("`{}` would be the AuthorizationPolicy's name, which Kubernetes "
                                     "refuses",
                                     name),
                         "names the policy")
            .label(app.name_span(), "declared here")
            .note("AuthorizationPolicy names are DNS subdomains: lowercase letters, digits, `-` "
                  "and `.`")
            .with_help("rename the app or its package in lowercase without `_`");
      }
      continue;
    }
    std::vector<std::string> http_ports = HttpPortsFor(l, rule);
    IstioRule built = BuildRule(p, rule, l.options().trust_domain, http_ports);
    for (sema::SymbolId ns : rule.namespaces) {
      WarnWithoutMtls(l, rule, ns);
      Object& obj = l.Get(Kind::AuthorizationPolicy, p.symbol(ns).k8s_name, name);
      auto& policy = std::get<AuthorizationPolicy>(obj.spec);
      policy.action = deny ? "DENY" : "ALLOW";
      policy.selector.clear();
      for (const auto& [k, v] : app.app().selector) policy.selector[k] = v;
      policy.rules.push_back(built);
      policy.rule_origins.push_back({rule.rule->span});
      obj.origins.push_back(rule.rule->span);
    }
  }
}

}  // namespace stave::lower

namespace stave::lower {

// Call audit rules (spec §14): per app and namespace an AUDIT policy whose
// rules are written as allow rules are, and a Telemetry that turns on the
// access log of the app's pods, so what AUDIT marks is written down.
void LowerCallAudits(Lowering& l) {
  const sema::Program& p = l.program();
  std::set<const syntax::Rule*> bad_names;
  for (const sema::CallRule& rule : p.audit_call_rules) {
    const sema::Symbol& app = p.symbol(rule.app);
    std::string name = fmt::format("stave-{}-audit", app.qualified());
    if (!IsDnsSubdomain(name)) {
      if (bad_names.insert(rule.rule).second) {
        l.diags().report(diag::Code::E0313, std::get<syntax::CallRule>(rule.rule->target).app.span,
                         fmt::format("`{}` would be the AuthorizationPolicy's name, which Kubernetes "
                                     "refuses",
                                     name),
                         "names the policy")
            .label(app.name_span(), "declared here")
            .with_help("rename the app or its package in lowercase without `_`");
      }
      continue;
    }
    IstioRule built = BuildRule(p, rule, l.options().trust_domain, {});
    for (sema::SymbolId ns : rule.namespaces) {
      WarnWithoutMtls(l, rule, ns);
      const std::string& k8s_ns = p.symbol(ns).k8s_name;
      Object& obj = l.Get(Kind::AuthorizationPolicy, k8s_ns, name);
      auto& policy = std::get<AuthorizationPolicy>(obj.spec);
      policy.action = "AUDIT";
      policy.selector.clear();
      for (const auto& [k, v] : app.app().selector) policy.selector[k] = v;
      policy.rules.push_back(built);
      policy.rule_origins.push_back({rule.rule->span});
      obj.origins.push_back(rule.rule->span);
      Object& log = l.Get(Kind::Telemetry, k8s_ns, fmt::format("stave-{}-access-log", app.qualified()));
      auto& telemetry = std::get<Telemetry>(log.spec);
      telemetry.selector = policy.selector;
      telemetry.providers = {l.options().access_log_provider};
      log.origins.push_back(rule.rule->span);
    }
  }
}

}  // namespace stave::lower
