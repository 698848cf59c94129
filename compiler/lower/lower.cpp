// The lowering entry point and object bookkeeping.
#include <algorithm>
#include <map>

#include "compiler/lower/lowering.h"

namespace stave::lower {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::ServiceAccount: return "ServiceAccount";
    case Kind::Role: return "Role";
    case Kind::RoleBinding: return "RoleBinding";
    case Kind::ClusterRole: return "ClusterRole";
    case Kind::ClusterRoleBinding: return "ClusterRoleBinding";
    case Kind::PeerAuthentication: return "PeerAuthentication";
    case Kind::RequestAuthentication: return "RequestAuthentication";
    case Kind::AuthorizationPolicy: return "AuthorizationPolicy";
    case Kind::Telemetry: return "Telemetry";
    case Kind::ValidatingAdmissionPolicy: return "ValidatingAdmissionPolicy";
    case Kind::ValidatingAdmissionPolicyBinding: return "ValidatingAdmissionPolicyBinding";
  }
  return "";
}

const char* ApiVersion(Kind kind) {
  switch (kind) {
    case Kind::ServiceAccount: return "v1";
    case Kind::Role:
    case Kind::RoleBinding:
    case Kind::ClusterRole:
    case Kind::ClusterRoleBinding: return "rbac.authorization.k8s.io/v1";
    case Kind::PeerAuthentication:
    case Kind::RequestAuthentication:
    case Kind::AuthorizationPolicy: return "security.istio.io/v1";
    case Kind::Telemetry: return "telemetry.istio.io/v1";
    case Kind::ValidatingAdmissionPolicy:
    case Kind::ValidatingAdmissionPolicyBinding: return "admissionregistration.k8s.io/v1";
  }
  return "";
}

Object& Lowering::Get(Kind kind, const std::string& ns, const std::string& name) {
  // Looked up by views: most calls find an object made before, and copying
  // both strings for the key was most of the lookup.
  auto it = objects_.find(std::make_tuple(std::string_view(ns), kind, std::string_view(name)));
  if (it != objects_.end()) return it->second;
  Object o;
  o.kind = kind;
  o.meta.name = name;
  o.meta.ns = ns;
  o.meta.labels["app.kubernetes.io/managed-by"] = "stave";
  switch (kind) {
    case Kind::ServiceAccount: o.spec = ServiceAccount{}; break;
    case Kind::Role:
    case Kind::ClusterRole: o.spec = Role{}; break;
    case Kind::RoleBinding:
    case Kind::ClusterRoleBinding: o.spec = RoleBinding{}; break;
    case Kind::PeerAuthentication: o.spec = PeerAuthentication{}; break;
    case Kind::RequestAuthentication: o.spec = RequestAuthentication{}; break;
    case Kind::AuthorizationPolicy: o.spec = AuthorizationPolicy{}; break;
    case Kind::Telemetry: o.spec = Telemetry{}; break;
    case Kind::ValidatingAdmissionPolicy: o.spec = AdmissionPolicy{}; break;
    case Kind::ValidatingAdmissionPolicyBinding: o.spec = AdmissionBinding{}; break;
  }
  return objects_.emplace(std::make_tuple(ns, kind, name), std::move(o)).first->second;
}

Output Lowering::Finish() {
  Output out;
  out.audit_policy = std::move(audit_policy_);
  // Each map node is freed as its object moves out, so the map and the
  // output never hold every object at once (lowering is check's peak).
  while (!objects_.empty()) {
    auto node = objects_.extract(objects_.begin());
    Object& object = node.mapped();
    if (auto* policy = std::get_if<AuthorizationPolicy>(&object.spec)) {
      // Rules in content order, so the order of the source never shows;
      // identical rules merge, keeping every source rule behind them.
      std::map<IstioRule, std::vector<base::Span>> merged;
      for (size_t i = 0; i < policy->rules.size(); ++i) {
        auto& spans = merged[policy->rules[i]];
        spans.insert(spans.end(), policy->rule_origins[i].begin(), policy->rule_origins[i].end());
      }
      policy->rules.clear();
      policy->rule_origins.clear();
      for (auto& [rule, spans] : merged) {
        std::sort(spans.begin(), spans.end());
        policy->rules.push_back(rule);
        policy->rule_origins.push_back(spans);
      }
      if (options_.istio_dry_run) object.meta.annotations["istio.io/dry-run"] = "true";
    }
    if (auto* binding = std::get_if<RoleBinding>(&object.spec)) {
      // Every rule that shares the binding appended its subjects; sorting
      // once here keeps lowering O(n log n) in them.
      auto& subjects = binding->subjects;
      std::sort(subjects.begin(), subjects.end());
      subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    }
    std::sort(object.origins.begin(), object.origins.end());
    object.origins.erase(std::unique(object.origins.begin(), object.origins.end()),
                         object.origins.end());
    out.objects.push_back(std::move(object));
  }
  return out;
}

Output Lower(const sema::Program& program, const LowerOptions& options, diag::DiagnosticList& diags) {
  Lowering l(program, options, diags);
  LowerServiceAccounts(l);
  LowerApiRules(l);
  LowerNamespaces(l);
  LowerCallRules(l);
  LowerRequestAuthentications(l);
  LowerPipelines(l);
  LowerAuditPolicy(l);
  LowerCallAudits(l);
  return l.Finish();
}

}  // namespace stave::lower
