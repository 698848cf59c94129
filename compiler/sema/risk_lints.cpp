// W05xx: grants that give more power than they seem to (spec §7): wildcards,
// Secrets, escalate/bind/impersonate, writing RBAC objects, exec/attach/
// port-forward into pods, minting serviceaccount tokens, nodes/proxy,
// cluster-wide grants, and `any` as a call source. Each points at the rule,
// with a label at the verb in the action that grants it. A `*` verb that no
// allow rule grants yet is reported at the action (spec §4: `*` is allowed
// with a warning), so that a wildcard never goes unreported.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/rule_checks.h"

namespace stave::sema {
namespace {

struct Lint {
  diag::Code code;
  // Matches a (resource, verb); resource is the parsed resource string.
  std::function<bool(const ResourceInfo&, const std::string& verb)> matches;
  const char* why;
};

bool IsWrite(const std::string& v) {
  return v == "create" || v == "update" || v == "patch" || v == "delete" ||
         v == "deletecollection" || v == "*";
}

bool Core(const ResourceInfo& r, const char* resource, const char* sub = "") {
  return r.group.empty() && (r.resource == resource || r.resource == "*") && r.subresource == sub;
}

const std::vector<Lint>& Lints() {
  static const std::vector<Lint> lints = {
      {diag::Code::W0501,
       [](const ResourceInfo& r, const std::string& v) { return v == "*" || r.resource == "*"; },
       "a wildcard grants every verb or resource, including ones added later"},
      {diag::Code::W0502, [](const ResourceInfo& r, const std::string&) { return Core(r, "secrets"); },
       "Secrets hold credentials: who reads one can act as whatever it unlocks"},
      {diag::Code::W0503,
       [](const ResourceInfo&, const std::string& v) {
         return v == "escalate" || v == "bind" || v == "impersonate";
       },
       "escalate, bind and impersonate let the holder grant themselves more than this rule says"},
      {diag::Code::W0504,
       [](const ResourceInfo& r, const std::string& v) {
         return r.group == "rbac.authorization.k8s.io" && IsWrite(v);
       },
       "who can write RBAC objects can grant themselves anything the API server allows"},
      {diag::Code::W0505,
       [](const ResourceInfo& r, const std::string&) {
         return r.group.empty() && r.resource == "pods" &&
                (r.subresource == "exec" || r.subresource == "attach" ||
                 r.subresource == "portforward");
       },
       "exec, attach and port-forward reach into running pods, with their serviceaccount's "
       "token and the mesh identity, around every call rule"},
      {diag::Code::W0506,
       [](const ResourceInfo& r, const std::string& v) {
         return Core(r, "serviceaccounts", "token") && (v == "create" || v == "*");
       },
       "creating serviceaccount tokens lets the holder act as any serviceaccount of the namespace"},
      {diag::Code::W0507,
       [](const ResourceInfo& r, const std::string&) { return Core(r, "nodes", "proxy"); },
       "nodes/proxy reaches the kubelet API, which runs commands in every pod of the node"},
  };
  return lints;
}

// Condition keys that say who calls (an address or a verified identity),
// as opposed to what is called. `request.headers` is not one: any caller
// can send any header.
bool IsCallerKey(const std::string& key) {
  return key == "source.ip" || key == "remote.ip" || key == "source.namespace" ||
         key == "source.principal" || key.rfind("request.auth.", 0) == 0;
}

// The `*` verbs (by span) that allow rules grant: these are reported at the
// rules, with a label at the verb.
std::set<std::pair<base::FileId, uint32_t>> GrantedWildcards(const Program& p) {
  std::set<std::pair<base::FileId, uint32_t>> out;
  for (const ApiRule& rule : p.api_rules) {
    if (rule.effect != syntax::Effect::Allow) continue;
    for (const Permission& perm : p.symbol(rule.action).action().permissions) {
      if (perm.verb != "*") continue;
      if (rule.app != kNoSymbol && !AppHasObjectsOf(p, rule.app, p.symbol(perm.resource).resource())) {
        continue;
      }
      out.insert({perm.verb_span.file, perm.verb_span.begin});
    }
  }
  return out;
}

void LintUngrantedWildcards(Checker& c) {
  const Program& p = c.program();
  const auto granted = GrantedWildcards(p);
  for (const Symbol& s : p.symbols) {
    if (s.kind != DeclKind::Action || s.builtin) continue;
    for (const syntax::ActionItem& item : std::get<syntax::ActionBody>(s.decl->body).items) {
      if (item.kind == syntax::ActionItem::Kind::Include) continue;
      for (const syntax::Verb& v : item.verbs) {
        if (v.text != "*" || granted.count({v.span.file, v.span.begin})) continue;
        std::string resource = item.target.text();
        for (const Permission& perm : s.action().permissions) {
          if (perm.verb_span.file == v.span.file && perm.verb_span.begin == v.span.begin) {
            resource = p.symbol(perm.resource).k8s_name;
          }
        }
        c.diags()
            .report(diag::Code::W0501, v.span,
                    fmt::format("action `{}` grants `*` on `{}`", s.name, resource),
                    "every verb, including ones added later")
            .note("no allow rule grants this yet; once one does, the warning moves to that rule")
            .with_help("list the verbs the subjects need, or keep this and say why with "
                       "`// stave:allow W0501 reason` before the action");
      }
    }
  }
}

// The lints an action (limited to an app's objects) sets off: each code
// once, at the first permission that matches it, in permission order.
using RiskyPermissions = std::vector<std::pair<const Lint*, const Permission*>>;

RiskyPermissions FindRiskyPermissions(const Program& p, SymbolId action, SymbolId app) {
  RiskyPermissions out;
  std::set<diag::Code> found;
  for (const Permission& perm : p.symbol(action).action().permissions) {
    const ResourceInfo& r = p.symbol(perm.resource).resource();
    if (app != kNoSymbol && !AppHasObjectsOf(p, app, r)) continue;
    for (const Lint& lint : Lints()) {
      if (found.count(lint.code) || !lint.matches(r, perm.verb)) continue;
      found.insert(lint.code);
      out.emplace_back(&lint, &perm);
    }
  }
  return out;
}

// Many rules grant the same action (and app): what it sets off is found
// once per pair, not per rule.
void LintApiRule(Checker& c, const ApiRule& rule,
                 std::map<std::pair<SymbolId, SymbolId>, RiskyPermissions>& found) {
  const Program& p = c.program();
  const auto& api = std::get<syntax::ApiRule>(rule.rule->target);
  auto [it, inserted] = found.try_emplace({rule.action, rule.app});
  if (inserted) it->second = FindRiskyPermissions(p, rule.action, rule.app);
  for (const auto& [lint, perm] : it->second) {
    c.diags()
        .report(lint->code, api.action.span,
                fmt::format("this rule grants `{}` on `{}`", perm->verb, p.symbol(perm->resource).k8s_name),
                "a risky grant")
        .label(perm->verb_span, fmt::format("`{}` granted here", perm->verb))
        .note(lint->why)
        .with_help("grant only what the subjects need, or keep this and say why with "
                   "`// stave:allow CODE reason`");
  }
  if (rule.cluster) {
    c.diags()
        .report(diag::Code::W0508, *api.cluster, "this rule grants its action in every namespace",
                "cluster-wide")
        .note("`in cluster` becomes a ClusterRole and ClusterRoleBinding: the grant reaches every "
              "namespace, present and future")
        .with_help("name the namespaces instead, unless the action is about cluster-scoped "
                   "resources");
  }
}

}  // namespace

void CheckRiskyGrants(Checker& c) {
  const Program& p = c.program();
  LintUngrantedWildcards(c);
  std::map<std::pair<SymbolId, SymbolId>, RiskyPermissions> found;
  for (const ApiRule& rule : p.api_rules) {
    if (rule.effect == syntax::Effect::Allow) LintApiRule(c, rule, found);
  }
  for (const CallRule& rule : p.call_rules) {
    if (rule.effect != syntax::Effect::Allow) continue;
    const syntax::Condition* excluding = nullptr;
    bool restricted = false;
    for (const syntax::Condition& cond : rule.call->conditions) {
      if (!IsCallerKey(cond.key.text)) continue;
      if (cond.negated) excluding = &cond;
      else restricted = true;
    }
    if (restricted) continue;  // a `when` names who may call: not every caller
    for (const Principal& s : rule.sources) {
      if (s.kind != Principal::Kind::Any) continue;
      c.diags()
          .report(diag::Code::W0509, s.span,
                  excluding == nullptr
                      ? std::string("`any` admits every caller, plaintext ones included")
                      : fmt::format("`any` admits every caller whose `{}` is not excluded, "
                                    "plaintext ones included",
                                    excluding->key.text),
                  "any caller")
          .note("without an identity, Istio cannot tell who called; the app is open to anything "
                "that can reach it")
          .with_help("name the callers, or use `authenticated` for any mTLS workload");
    }
  }
}

}  // namespace stave::sema
