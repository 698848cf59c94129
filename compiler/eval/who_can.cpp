// Answering who-can queries with the RBAC and Istio evaluators.
#include "compiler/eval/who_can.h"

#include "compiler/eval/describe.h"

#include <algorithm>
#include <map>
#include <set>
#include <optional>

#include <fmt/format.h>

#include "compiler/eval/app_request.h"
#include "compiler/eval/istio_eval.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/sema/grants.h"
#include "compiler/sema/values.h"

namespace stave::eval {
namespace {

using sema::DeclKind;
using sema::Identity;
using sema::SymbolId;

struct Resolved {
  SymbolId id = sema::kNoSymbol;
  std::string error;
};

Resolved Lookup(const sema::Program& p, const std::string& name, std::initializer_list<DeclKind> kinds) {
  auto fits = [&](SymbolId id) {
    return id != sema::kNoSymbol &&
           std::find(kinds.begin(), kinds.end(), p.symbol(id).kind) != kinds.end();
  };
  if (auto dot = name.find('.'); dot != std::string::npos) {
    SymbolId id = p.lookup(name.substr(0, dot), name.substr(dot + 1));
    if (fits(id)) return {id, ""};
    return {sema::kNoSymbol, fmt::format("no {} `{}` in this program", syntax::DeclKindName(*kinds.begin()), name)};
  }
  if (SymbolId id = p.lookup("std", name); fits(id)) return {id, ""};
  std::vector<SymbolId> found;
  for (const auto& [pkg, names] : p.packages) {
    if (pkg == "std") continue;
    auto it = names.find(name);
    if (it != names.end() && fits(it->second)) found.push_back(it->second);
  }
  if (found.size() == 1) return {found.front(), ""};
  if (found.empty()) {
    return {sema::kNoSymbol, fmt::format("no {} named `{}` in this program",
                                         syntax::DeclKindName(*kinds.begin()), name)};
  }
  std::string options;
  for (SymbolId id : found) options += (options.empty() ? "`" : "`, `") + p.symbol(id).qualified();
  return {sema::kNoSymbol, fmt::format("`{}` is ambiguous: write {}`", name, options)};
}

// A namespace by declared name (possibly qualified) or Kubernetes name.
Resolved Namespace(const sema::Program& p, const std::string& name) {
  Resolved r = Lookup(p, name, {DeclKind::Namespace});
  if (r.id != sema::kNoSymbol) return r;
  for (SymbolId id = 0; id < p.symbols.size(); ++id) {
    if (p.symbols[id].kind == DeclKind::Namespace && p.symbols[id].k8s_name == name) return {id, ""};
  }
  return r;
}

struct Candidate {
  UserInfo user;
  std::string subject;
  std::string declared_as;
};

std::vector<Candidate> ApiCandidates(const sema::Program& p) {
  std::vector<Candidate> out;
  for (SymbolId id = 0; id < p.symbols.size(); ++id) {
    const sema::Symbol& s = p.symbols[id];
    if (s.builtin) continue;
    if (s.kind == DeclKind::User) out.push_back({PlainUser(s.k8s_name), "user " + s.k8s_name, s.qualified()});
    if (s.kind == DeclKind::Group) {
      out.push_back({GroupMember(s.k8s_name), "group " + s.k8s_name, s.qualified()});
    }
    if (s.kind == DeclKind::ServiceAccount) {
      for (SymbolId ns : s.sa().namespaces) {
        const std::string& n = p.symbol(ns).k8s_name;
        out.push_back({ServiceAccountUser(n, s.k8s_name),
                       fmt::format("serviceaccount {}/{}", n, s.k8s_name), s.qualified()});
      }
    }
  }
  return out;
}

void AddUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

struct Req {
  std::string verb, group, resource, name;
};

bool Lists(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end() || std::find(v.begin(), v.end(), "*") != v.end();
}

// The object names that some Role of `ns` (or ClusterRole) grants `r` on
// by `resourceNames`, sorted.
std::vector<std::string> NamedObjects(const lower::Output& out, const Req& r, const std::string& ns) {
  std::vector<std::string> names;
  for (const lower::Object& o : out.objects) {
    bool scoped = o.kind == lower::Kind::ClusterRole || (o.kind == lower::Kind::Role && o.meta.ns == ns);
    if (!scoped) continue;
    for (const lower::PolicyRule& rule : std::get<lower::Role>(o.spec).rules) {
      if (Lists(rule.api_groups, r.group) && Lists(rule.resources, r.resource) && Lists(rule.verbs, r.verb)) {
        for (const auto& n : rule.resource_names) AddUnique(names, n);
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Whether `c` may make every one of `requests`, with the bindings and
// rules that grant them.
std::optional<Grantee> Grants(const sema::Program& p, RbacAuthorizer& rbac, const Candidate& c,
                              const std::vector<Req>& requests, const std::string& ns) {
  if (requests.empty()) return std::nullopt;
  Grantee g{c.subject, c.declared_as, {}, {}};
  for (const Req& r : requests) {
    RbacDecision d = rbac.Authorize({c.user, r.verb, r.group, r.resource, r.name, ns});
    if (!d.allowed) return std::nullopt;
    AddUnique(g.objects, ObjectName(*d.binding));
    for (const auto& span : d.binding->origins) {
      for (const sema::ApiRule& rule : p.api_rules) {
        if (rule.rule->span != span) continue;
        for (const sema::Principal& s : rule.subjects) {
          for (const Identity& id : sema::Identities(p, s.symbol)) {
            bool same = (id.kind == Identity::Kind::User && c.subject == "user " + id.name) ||
                        (id.kind == Identity::Kind::Group && c.subject == "group " + id.name) ||
                        (id.kind == Identity::Kind::ServiceAccount &&
                         c.subject == fmt::format("serviceaccount {}/{}", id.ns, id.name));
            if (same) AddUnique(g.rules, RuleText(p, span));
          }
        }
      }
      for (const sema::RunRule& rule : p.run_rules) {
        if (rule.rule->span == span) AddUnique(g.rules, RuleText(p, span));
      }
    }
  }
  return g;
}

WhoCanResult ApiQuery(const sema::Program& p, const lower::Output& out,
                      const std::vector<std::string>& before_in, const std::string& scope) {
  WhoCanResult result;
  std::string ns;
  if (scope != "cluster") {
    Resolved r = Namespace(p, scope);
    if (r.id == sema::kNoSymbol) return {r.error, "", {}};
    ns = p.symbol(r.id).k8s_name;
  }
  std::vector<Req> requests;
  const std::string& first = before_in[0];
  Resolved second = before_in.size() > 1 ? Lookup(p, before_in[1], {DeclKind::Resource}) : Resolved{};
  bool verb_form = (first == "*" || sema::IsKnownVerb(first)) && second.id != sema::kNoSymbol;
  if (verb_form) {
    const sema::ResourceInfo& r = p.symbol(second.id).resource();
    requests.push_back({first, r.group, r.rbac_name(), before_in.size() > 2 ? before_in[2] : ""});
  } else {
    if (before_in.size() > 2) return {"expected `VERB RESOURCE [NAME]` or `ACTION [APP]` before `in`", "", {}};
    Resolved action = Lookup(p, first, {DeclKind::Action});
    if (action.id == sema::kNoSymbol) {
      return {sema::IsKnownVerb(first) && before_in.size() > 1 ? second.error : action.error, "", {}};
    }
    SymbolId app = sema::kNoSymbol;
    if (before_in.size() > 1) {
      Resolved a = Lookup(p, before_in[1], {DeclKind::App});
      if (a.id == sema::kNoSymbol) return {a.error, "", {}};
      app = a.id;
    }
    for (const sema::Grant& g : sema::ActionGrants(p, action.id, app)) {
      if (g.names.empty()) requests.push_back({g.verb, g.group, g.resource, ""});
      for (const auto& n : g.names) requests.push_back({g.verb, g.group, g.resource, n});
    }
  }
  std::string what;
  for (const auto& w : before_in) what += (what.empty() ? "" : " ") + w;
  result.question = fmt::format("who can {} {}", what, ns.empty() ? "cluster-wide" : "in " + ns);
  RbacAuthorizer rbac(out);
  // Without an object name, grants limited to named objects answer too
  // (`allow deployer to deploy api` grants `update` on `payments-api`
  // only): each is listed with the names it covers.
  std::vector<std::string> named;
  if (verb_form && requests.front().name.empty()) named = NamedObjects(out, requests.front(), ns);
  for (const Candidate& c : ApiCandidates(p)) {
    if (auto g = Grants(p, rbac, c, requests, ns)) {
      result.grantees.push_back(std::move(*g));
      continue;
    }
    Grantee limited{c.subject, c.declared_as, {}, {}};
    for (const std::string& name : named) {
      std::vector<Req> one = requests;
      one.front().name = name;
      auto g = Grants(p, rbac, c, one, ns);
      if (!g) continue;
      limited.only_names.push_back(name);
      for (const auto& o : g->objects) AddUnique(limited.objects, o);
      for (const auto& r : g->rules) AddUnique(limited.rules, r);
    }
    if (!limited.only_names.empty()) result.grantees.push_back(std::move(limited));
  }
  return result;
}

struct TokenCaller {
  Token token;
  std::string description, declared_as;
};

std::vector<TokenCaller> TokenCallers(const sema::Program& p) {
  std::map<SymbolId, std::set<std::string>> subjects;  // issuer -> subjects rules name
  for (const sema::CallRule& rule : p.call_rules) {
    for (const sema::Principal& s : rule.sources) {
      if (s.kind != sema::Principal::Kind::Issuer) continue;
      auto& named = subjects[s.symbol];
      if (s.token_subject) named.insert(*s.token_subject);
    }
  }
  std::vector<TokenCaller> out;
  for (const auto& [id, named] : subjects) {
    const sema::Symbol& issuer = p.symbol(id);
    Token base;
    base.issuer = issuer.k8s_name;
    if (!issuer.issuer().audiences.empty()) base.audiences = {issuer.issuer().audiences.front()};
    for (const std::string& sub : named) {
      Token t = base;
      t.subject = sub;
      out.push_back({t, fmt::format("tokens of issuer {}, subject {}", issuer.k8s_name, sub),
                     issuer.qualified()});
    }
    Token t = base;
    t.subject = "stave-any-other-subject";
    out.push_back({t, fmt::format("tokens of issuer {}, any {}subject", issuer.k8s_name,
                                  named.empty() ? "" : "other "),
                   issuer.qualified()});
  }
  return out;
}

WhoCanResult CallQuery(const sema::Program& p, const lower::Output& out,
                       const std::vector<std::string>& w, const std::string& trust_domain) {
  if (w.size() < 2) return {"expected `call APP [in NS] [method M] [path P] [port N]`", "", {}};
  Resolved app = Lookup(p, w[1], {DeclKind::App});
  if (app.id == sema::kNoSymbol) return {app.error, "", {}};
  const sema::Symbol& a = p.symbol(app.id);
  MeshRequest given;  // what the query says; the app fills in the rest
  std::vector<SymbolId> namespaces = a.app().namespaces;
  for (size_t i = 2; i + 1 < w.size(); i += 2) {
    const std::string& key = w[i];
    const std::string& value = w[i + 1];
    if (key == "in") {
      Resolved ns = Namespace(p, value);
      if (ns.id == sema::kNoSymbol) return {ns.error, "", {}};
      namespaces = {ns.id};
    } else if (key == "method") {
      given.method = value;
    } else if (key == "path") {
      given.path = value;
    } else if (key == "port") {
      char* end = nullptr;
      unsigned long port = std::strtoul(value.c_str(), &end, 10);
      if (*end != '\0' || port == 0 || port > 65535) return {"`port` takes a number from 1 to 65535", "", {}};
      given.port = static_cast<uint32_t>(port);
    } else if (key == "host") {
      given.host = value;
    } else {
      return {fmt::format("unexpected `{}`: expected `in`, `method`, `path`, `port` or `host`", key), "", {}};
    }
  }
  if ((w.size() - 2) % 2 != 0) return {fmt::format("`{}` needs a value", w.back()), "", {}};
  MeshRequest base = RequestToApp(a.app(), given.port);
  base.method = given.method;
  base.path = given.path;
  base.host = given.host;
  if (base.http && base.method.empty()) base.method = "GET";
  if (base.http && base.path.empty()) base.path = "/";
  WhoCanResult result;
  result.question = fmt::format("who can call {}{}{}{}", a.qualified(),
                                base.port ? fmt::format(" port {}", *base.port) : "",
                                base.http ? " " + base.method + " " + base.path : "",
                                namespaces.size() == 1 ? " in " + p.symbol(namespaces[0]).k8s_name : "");
  struct Caller {
    std::string principal, ns, subject, declared_as;
    std::optional<Token> token;
  };
  std::vector<Caller> callers;
  for (const sema::Symbol& s : p.symbols) {
    if (s.kind != DeclKind::ServiceAccount || s.builtin) continue;
    for (SymbolId ns : s.sa().namespaces) {
      const std::string& n = p.symbol(ns).k8s_name;
      callers.push_back({fmt::format("{}/ns/{}/sa/{}", trust_domain, n, s.k8s_name), n,
                         fmt::format("serviceaccount {}/{}", n, s.k8s_name), s.qualified()});
    }
  }
  // Workloads the policy does not declare, with and without an identity.
  const std::string undeclared = trust_domain + "/ns/stave-undeclared/sa/undeclared";
  callers.push_back({undeclared, "stave-undeclared", "any other mTLS workload", "", std::nullopt});
  callers.push_back({"", "", "plaintext callers", "", std::nullopt});
  // Tokens of each issuer (spec §12): each subject a rule names, and any
  // other; they reach the app through an mTLS workload (an ingress gateway).
  for (const TokenCaller& t : TokenCallers(p)) {
    callers.push_back({undeclared, "stave-undeclared", t.description, t.declared_as, t.token});
  }
  std::map<std::string, Grantee> by_subject;
  std::vector<std::string> order;
  MeshAuthorizer mesh(out);
  for (SymbolId ns : namespaces) {
    for (const Caller& c : callers) {
      MeshRequest r = base;
      r.ns = p.symbol(ns).k8s_name;
      r.principal = c.principal;
      r.source_ns = c.ns;
      if (r.http) r.token = c.token;
      MeshDecision d = mesh.Authorize(r);
      if (!d.allowed || (c.token && !r.http)) continue;
      auto [it, inserted] = by_subject.emplace(c.subject, Grantee{c.subject, c.declared_as, {}, {}});
      if (inserted) order.push_back(c.subject);
      if (d.object) {
        AddUnique(it->second.objects, ObjectName(*d.object));
        const auto& ap = std::get<lower::AuthorizationPolicy>(d.object->spec);
        if (d.rule_index) {
          for (const auto& span : ap.rule_origins[*d.rule_index]) AddUnique(it->second.rules, RuleText(p, span));
        }
      } else {
        AddUnique(it->second.objects, fmt::format("no ALLOW policy selects {} in {}", a.name, r.ns));
      }
    }
  }
  for (const auto& s : order) result.grantees.push_back(by_subject[s]);
  return result;
}

}  // namespace

WhoCanResult WhoCan(const sema::Program& p, const lower::Output& out,
                    const std::vector<std::string>& words, const std::string& trust_domain) {
  if (words.empty()) return {"expected a query, e.g. `who-can get secrets in prod`", "", {}};
  if (words[0] == "call") return CallQuery(p, out, words, trust_domain);
  auto in = std::find(words.begin(), words.end(), "in");
  if (in == words.end() || in + 1 == words.end() || in + 2 != words.end() || in == words.begin()) {
    return {"expected `VERB RESOURCE [NAME] in NS|cluster` or `ACTION [APP] in NS|cluster`", "", {}};
  }
  return ApiQuery(p, out, std::vector<std::string>(words.begin(), in), *(in + 1));
}

}  // namespace stave::eval
