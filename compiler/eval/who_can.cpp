// Answering who-can queries with the RBAC and Istio evaluators: the
// requests of the resolved target are the ones `stave test` asks
// (expectations.h), put to every declared subject or mesh caller.
#include "compiler/eval/who_can.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "compiler/eval/describe.h"
#include "compiler/eval/expectations.h"
#include "compiler/eval/istio_eval.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/sema/grants.h"

namespace stave::eval {
namespace {

using sema::DeclKind;
using sema::Expectation;
using sema::Identity;
using sema::SymbolId;

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

bool Lists(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end() || std::find(v.begin(), v.end(), "*") != v.end();
}

// The object names that some Role of `ns` (or ClusterRole) grants `r` on
// by `resourceNames`, sorted.
std::vector<std::string> NamedObjects(const lower::Output& out, const RbacRequest& r) {
  std::vector<std::string> names;
  for (const lower::Object& o : out.objects) {
    bool scoped = o.kind == lower::Kind::ClusterRole || (o.kind == lower::Kind::Role && o.meta.ns == r.ns);
    if (!scoped) continue;
    for (const lower::PolicyRule& rule : std::get<lower::Role>(o.spec).rules()) {
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
                              std::vector<RbacRequest> requests) {
  if (requests.empty()) return std::nullopt;
  Grantee g{c.subject, c.declared_as, {}, {}, {}};
  for (RbacRequest& r : requests) {
    r.user = c.user;
    RbacDecision d = rbac.Authorize(r);
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

// `VERB RESOURCE [OBJECT]` or `ACTION [APP]` as written: "update deployments payments-api".
std::string ApiWords(const syntax::ExpectApi& api) {
  std::string what = api.star ? "*" : api.first->text();
  if (api.second) what += " " + api.second->text();
  if (api.object) what += " " + api.object->value;
  return what;
}

WhoCanResult ApiQuery(const sema::Program& p, const lower::Output& out, const Expectation& e) {
  std::vector<RbacRequest> requests = ApiRequests(p, e);
  WhoCanResult result;
  result.question = fmt::format("who can {} {}", ApiWords(std::get<syntax::ExpectApi>(e.source->target)),
                                e.cluster ? "cluster-wide" : "in " + p.symbol(e.ns).k8s_name);
  RbacAuthorizer rbac(out);
  // Without an object name, grants limited to named objects answer too
  // (`allow deployer to deploy api` grants `update` on `payments-api`
  // only): each is listed with the names it covers.
  std::vector<std::string> named;
  if (e.form == Expectation::Form::Verb && !e.object) named = NamedObjects(out, requests.front());
  for (const Candidate& c : ApiCandidates(p)) {
    if (auto g = Grants(p, rbac, c, requests)) {
      result.grantees.push_back(std::move(*g));
      continue;
    }
    Grantee limited{c.subject, c.declared_as, {}, {}, {}};
    for (const std::string& name : named) {
      std::vector<RbacRequest> one = requests;
      one.front().name = name;
      auto g = Grants(p, rbac, c, one);
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

// Who may call: every declared serviceaccount in each of its namespaces,
// workloads the policy does not declare (with and without an identity),
// and the tokens of each issuer (spec §12), which reach the app through an
// mTLS workload (an ingress gateway) and only over HTTP.
struct NamedCaller {
  MeshCaller call;
  std::string subject, declared_as;
};

std::vector<NamedCaller> MeshCallers(const sema::Program& p, const std::string& trust_domain, bool http) {
  std::vector<NamedCaller> callers;
  for (const sema::Symbol& s : p.symbols) {
    if (s.kind != DeclKind::ServiceAccount || s.builtin) continue;
    for (SymbolId ns : s.sa().namespaces) {
      const std::string& n = p.symbol(ns).k8s_name;
      callers.push_back({{fmt::format("{}/ns/{}/sa/{}", trust_domain, n, s.k8s_name), n, std::nullopt},
                         fmt::format("serviceaccount {}/{}", n, s.k8s_name), s.qualified()});
    }
  }
  const std::string undeclared = trust_domain + "/ns/stave-undeclared/sa/undeclared";
  callers.push_back({{undeclared, "stave-undeclared", std::nullopt}, "any other mTLS workload", ""});
  callers.push_back({{"", "", std::nullopt}, "plaintext callers", ""});
  if (!http) return callers;
  for (const TokenCaller& t : TokenCallers(p)) {
    callers.push_back({{undeclared, "stave-undeclared", t.token}, t.description, t.declared_as});
  }
  return callers;
}

// "who can call payments.api port 8080 GET /v1/x in payments-prod"
std::string CallQuestion(const sema::Program& p, const Expectation& e, const MeshRequest& base) {
  const sema::Symbol& app = p.symbol(e.app);
  std::string ns;
  if (e.ns != sema::kNoSymbol) ns = p.symbol(e.ns).k8s_name;
  else if (app.app().namespaces.size() == 1) ns = p.symbol(app.app().namespaces.front()).k8s_name;
  return fmt::format("who can call {}{}{}{}", app.qualified(),
                     base.port ? fmt::format(" port {}", *base.port) : "",
                     base.http ? " " + base.method + " " + base.path : "", ns.empty() ? "" : " in " + ns);
}

WhoCanResult CallQuery(const sema::Program& p, const lower::Output& out, const Expectation& e,
                       const std::string& trust_domain) {
  MeshRequest base = CallRequest(p, e);
  WhoCanResult result{CallQuestion(p, e, base), {}};
  std::vector<NamedCaller> named = MeshCallers(p, trust_domain, base.http);
  std::vector<MeshCaller> callers;
  for (const NamedCaller& c : named) callers.push_back(c.call);
  // A caller allowed in several namespaces is one grantee.
  std::map<std::string, size_t> by_subject;
  MeshAuthorizer mesh(out);
  AskCalls(p, mesh, e, callers, [&](size_t i, const MeshRequest& r, const MeshDecision& d) {
    if (!d.allowed) return;
    auto [it, inserted] = by_subject.emplace(named[i].subject, result.grantees.size());
    if (inserted) result.grantees.push_back({named[i].subject, named[i].declared_as, {}, {}, {}});
    Grantee& g = result.grantees[it->second];
    if (!d.object) {
      AddUnique(g.objects, fmt::format("no ALLOW policy selects {} in {}", p.symbol(e.app).name, r.ns));
      return;
    }
    AddUnique(g.objects, ObjectName(*d.object));
    const auto& ap = std::get<lower::AuthorizationPolicy>(d.object->spec);
    if (d.rule_index) {
      for (const auto& span : ap.rule_origins[*d.rule_index]) AddUnique(g.rules, RuleText(p, span));
    }
  });
  return result;
}

}  // namespace

std::string UnsupportedQuery(const syntax::ExpectTarget& target) {
  if (std::holds_alternative<syntax::ExpectRun>(target)) {
    return "who-can answers API requests and calls, not `run`: to ask who may start a pipeline, "
           "ask who can `create pipelineruns in NS`";
  }
  const auto* api = std::get_if<syntax::ExpectApi>(&target);
  if (api && api->level) return "`level` belongs to audit expectations; who-can asks who is allowed";
  return "";
}

WhoCanResult WhoCan(const sema::Program& p, const lower::Output& out, const sema::Expectation& target,
                    const std::string& trust_domain) {
  if (target.form == Expectation::Form::Call) return CallQuery(p, out, target, trust_domain);
  return ApiQuery(p, out, target);
}

}  // namespace stave::eval
