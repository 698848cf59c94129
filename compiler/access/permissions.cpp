// Flattening lowered objects into permission rows. RBAC rows come from
// bindings and the roles they reference; mesh rows from AuthorizationPolicy
// rules (the app is found by its selector); run rows from run rules, which
// the admission policy enforces as written.
#include "compiler/access/permissions.h"

#include "compiler/access/access.h"
#include "compiler/eval/describe.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "compiler/sema/grants.h"

namespace stave::access {
namespace {

// The API and run rules by the span of their source rule, so that finding
// the rules behind an object's origins costs a lookup each, not a pass over
// every rule of the program (a binding has a few origins; a large program
// has tens of thousands of rules).
class RulesBySpan {
 public:
  explicit RulesBySpan(const sema::Program& p) {
    for (const sema::ApiRule& r : p.api_rules) by_span_[Key(r.rule->span)].push_back(&r.subjects);
    for (const sema::RunRule& r : p.run_rules) by_span_[Key(r.rule->span)].push_back(&r.subjects);
  }
  const std::vector<const std::vector<sema::Principal>*>* Find(const base::Span& span) const {
    auto it = by_span_.find(Key(span));
    return it == by_span_.end() ? nullptr : &it->second;
  }

 private:
  static std::tuple<base::FileId, uint32_t, uint32_t> Key(const base::Span& s) { return {s.file, s.begin, s.end}; }
  std::map<std::tuple<base::FileId, uint32_t, uint32_t>, std::vector<const std::vector<sema::Principal>*>> by_span_;
};

// A checked identity as the RBAC subject it lowers to.
lower::RbacSubject SubjectOf(const sema::Identity& id) {
  return {id.kind == sema::Identity::Kind::User    ? "User"
          : id.kind == sema::Identity::Kind::Group ? "Group"
                                                   : "ServiceAccount",
          id.ns, id.name};
}

// The rules among `origins` that name this identity among their subjects.
std::vector<std::string> RulesFor(const sema::Program& p, const RulesBySpan& rules,
                                  const std::vector<base::Span>& origins, const std::string& subject) {
  std::vector<std::string> out;
  auto names_subject = [&](const std::vector<sema::Principal>& subjects) {
    for (const sema::Principal& s : subjects) {
      for (const sema::Identity& id : sema::Identities(p, s.symbol)) {
        if (SubjectText(SubjectOf(id)) == subject) return true;
      }
    }
    return false;
  };
  for (const base::Span& o : origins) {
    const auto* found = rules.Find(o);
    if (found == nullptr) continue;
    for (const std::vector<sema::Principal>* subjects : *found) {
      if (names_subject(*subjects)) out.push_back(eval::RuleText(p, o));
    }
  }
  if (out.empty()) {
    for (const base::Span& o : origins) out.push_back(eval::RuleText(p, o));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The concrete grants of the access model (a ClusterRoleBinding's at
// cluster scope), each with the source rules of its binding.
void RbacRows(const sema::Program& p, const lower::Output& out, std::vector<PermissionRow>& rows) {
  RulesBySpan rules(p);
  std::map<std::pair<const lower::Object*, std::string>, std::vector<std::string>> rules_of;
  for (const RbacGrant& g : ExpandRbac(out, {}, [](const lower::RbacSubject&) { return true; })) {
    std::string subject = SubjectText(g.subject);
    auto [it, fresh] = rules_of.try_emplace({g.binding, subject});
    if (fresh) it->second = RulesFor(p, rules, g.binding->origins, subject);
    const eval::RbacRequest& r = g.request;
    std::string what = r.verb + " " + r.resource + (r.group.empty() ? "" : "." + r.group) +
                       (r.name.empty() ? "" : " " + r.name);
    rows.push_back({"rbac", r.ns.empty() ? "cluster" : r.ns, subject, what, it->second});
  }
}

std::string Join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string OperationText(const lower::IstioRule& rule) {
  std::vector<std::string> parts;
  if (rule.to) {
    const auto& op = *rule.to;
    auto add = [&](const char* label, const std::vector<std::string>& v) {
      if (!v.empty()) parts.push_back(std::string(label) + " " + Join(v));
    };
    add("methods", op.methods);
    add("not methods", op.not_methods);
    add("paths", op.paths);
    add("not paths", op.not_paths);
    add("ports", op.ports);
    add("not ports", op.not_ports);
    add("hosts", op.hosts);
    add("not hosts", op.not_hosts);
  }
  for (const auto& c : rule.when) {
    parts.push_back("when " + c.key + (c.values.empty() ? " != " + Join(c.not_values) : " == " + Join(c.values)));
  }
  return parts.empty() ? "any request" : Join(parts, " ");
}

std::vector<std::string> Sources(const lower::IstioRule& rule) {
  if (rule.from.empty()) return {"anyone"};
  std::vector<std::string> out;
  for (const auto& src : rule.from) {
    for (const auto& pr : src.principals) {
      if (pr == "*") {
        out.push_back("any mTLS workload");
        continue;
      }
      std::string ns, name;
      out.push_back(ParsePrincipal(pr, ns, name) ? fmt::format("serviceaccount {}/{}", ns, name)
                                                 : "principal " + pr);
    }
    for (const auto& n : src.namespaces) out.push_back("workloads of namespace " + n);
    for (const auto& rp : src.request_principals) out.push_back("tokens of " + rp);
  }
  return out;
}

// The workloads a policy selects, by their labels: a rename of the app in
// the policy changes nothing Istio sees, so it must not show in a diff.
std::string Workloads(const lower::Object& o) {
  const auto& ap = std::get<lower::AuthorizationPolicy>(o.spec);
  std::string out;
  for (const auto& [k, v] : ap.selector) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out.empty() ? "every workload" : "pods " + out;
}

void MeshRows(const sema::Program& p, const lower::Output& out, std::vector<PermissionRow>& rows) {
  for (const lower::Object& o : out.objects) {
    if (o.kind == lower::Kind::PeerAuthentication) {
      rows.push_back({"mesh", o.meta.ns, "plaintext callers", "refused (mtls strict)",
                      {eval::RuleText(p, o.origins.front())}});
    }
    if (o.kind == lower::Kind::RequestAuthentication) {
      // Spec §12: which issuers' tokens the workloads accept (others: 401).
      const auto& ra = std::get<lower::RequestAuthentication>(o.spec);
      std::string pods;
      for (const auto& [k, v] : ra.selector) pods += (pods.empty() ? "" : ",") + k + "=" + v;
      for (const auto& [issuer, rule] : ra.rules) {
        std::vector<std::string> rules;
        for (const auto& span : o.origins) rules.push_back(eval::RuleText(p, span));
        rows.push_back({"mesh", o.meta.ns, "tokens of issuer " + issuer,
                        fmt::format("validated for pods {} (RequestAuthentication)", pods), rules});
      }
      continue;
    }
    if (o.kind != lower::Kind::AuthorizationPolicy) continue;
    const auto& ap = std::get<lower::AuthorizationPolicy>(o.spec);
    if (ap.allow_nothing) {
      rows.push_back({"mesh", o.meta.ns, "anyone", "refused unless allowed (default deny)",
                      {eval::RuleText(p, o.origins.front())}});
      continue;
    }
    std::string app = Workloads(o);
    for (size_t i = 0; i < ap.rules.size(); ++i) {
      std::vector<std::string> rules;
      for (const auto& span : ap.rule_origins[i]) rules.push_back(eval::RuleText(p, span));
      for (const std::string& source : Sources(ap.rules[i])) {
        // AUDIT rules decide nothing: their own rows, in diff's audit section.
        rows.push_back({ap.action == "AUDIT" ? "audit" : "mesh", o.meta.ns, source,
                        fmt::format("{} call {}: {}", ap.action, app, OperationText(ap.rules[i])),
                        rules});
      }
    }
  }
}

// What the API server's audit policy and the mesh's access logs record
// (spec §14): one row per subject of each audit policy entry, and one per
// Telemetry.
void AuditRows(const sema::Program& p, const lower::Output& out, std::vector<PermissionRow>& rows) {
  for (const lower::Object& o : out.objects) {
    if (o.kind != lower::Kind::Telemetry) continue;
    const auto& t = std::get<lower::Telemetry>(o.spec);
    std::string pods;
    for (const auto& [k, v] : t.selector) pods += (pods.empty() ? "" : ",") + k + "=" + v;
    std::vector<std::string> rules;
    for (const auto& span : o.origins) rules.push_back(eval::RuleText(p, span));
    rows.push_back({"audit", o.meta.ns, "pods " + pods, "access log to " + Join(t.providers), rules});
  }
  if (!out.audit_policy) return;
  for (const lower::AuditRule& r : out.audit_policy->rules) {
    std::vector<std::string> subjects;
    for (const auto& u : r.users) subjects.push_back("user " + u);
    for (const auto& g : r.user_groups) subjects.push_back("group " + g);
    if (subjects.empty()) subjects.push_back("anyone");
    std::string what = "log " + r.level + " " + (r.verbs.empty() ? "*" : Join(r.verbs));
    for (const auto& res : r.resources) {
      for (const auto& name : res.resources) {
        what += " " + name + (res.group.empty() ? "" : "." + res.group);
      }
      if (!res.resource_names.empty()) what += " " + Join(res.resource_names);
    }
    std::vector<std::string> rules;
    for (const auto& span : r.origins) rules.push_back(eval::RuleText(p, span));
    std::vector<std::string> scopes = r.namespaces;
    if (scopes.empty()) scopes.push_back("cluster");
    for (const auto& scope : scopes) {
      for (const auto& subject : subjects) rows.push_back({"audit", scope, subject, what, rules});
    }
  }
}

void RunRows(const sema::Program& p, std::vector<PermissionRow>& rows) {
  for (const sema::RunRule& r : p.run_rules) {
    for (sema::SymbolId id : r.pipelines) {
      const sema::Symbol& pl = p.symbol(id);
      if (pl.pipeline().ns == sema::kNoSymbol || pl.pipeline().serviceaccount == sema::kNoSymbol) continue;
      std::string what = fmt::format("run Pipeline {} as {}", pl.k8s_name,
                                     p.symbol(pl.pipeline().serviceaccount).k8s_name);
      for (const sema::Principal& s : r.subjects) {
        for (const sema::Identity& idn : sema::Identities(p, s.symbol)) {
          rows.push_back({"run", p.symbol(pl.pipeline().ns).k8s_name, SubjectText(SubjectOf(idn)), what,
                          {eval::RuleText(p, r.rule->span)}});
        }
      }
    }
  }
}

}  // namespace

std::vector<PermissionRow> Permissions(const sema::Program& p, const lower::Output& out) {
  std::vector<PermissionRow> rows;
  RbacRows(p, out, rows);
  MeshRows(p, out, rows);
  RunRows(p, rows);
  AuditRows(p, out, rows);
  std::sort(rows.begin(), rows.end(),
            [](const PermissionRow& a, const PermissionRow& b) { return a.key() < b.key(); });
  // Rows that are the same permission merge their rules.
  std::vector<PermissionRow> merged;
  for (auto& r : rows) {
    if (!merged.empty() && merged.back().key() == r.key()) {
      auto& rules = merged.back().rules;
      rules.insert(rules.end(), r.rules.begin(), r.rules.end());
      std::sort(rules.begin(), rules.end());
      rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
      continue;
    }
    merged.push_back(std::move(r));
  }
  return merged;
}

}  // namespace stave::access
