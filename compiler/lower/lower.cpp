// The lowering entry point and object bookkeeping.
#include <algorithm>
#include <atomic>
#include <map>
#include <stdexcept>

#include "compiler/base/side_thread.h"

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
  KeyView key(ns, kind, name);
  auto it = objects_.lower_bound(key);
  if (it != objects_.end() && it->first == key) return it->second;
  // Not there: made under a key viewing the caller's strings, then keyed
  // by its own (the node is taken out and put back at the same place,
  // `it` the hint both times: only the strings viewed change).
  Object o;
  o.kind = kind;
  o.meta.name = name;
  o.meta.ns = ns;
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
  auto node = objects_.extract(objects_.emplace_hint(it, key, std::move(o)));
  const Meta& meta = node.mapped().meta;
  node.key() = KeyView(meta.ns, kind, meta.name);
  return objects_.insert(it, std::move(node))->second;
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

void Lowering::Absorb(Lowering&& other) {
  objects_.merge(other.objects_);
  // Left in `other`: the keys both made.
  for (auto& [key, theirs] : other.objects_) {
    Object& mine = objects_.find(key)->second;
    if (auto* binding = std::get_if<RoleBinding>(&theirs.spec)) {
      auto& subjects = std::get<RoleBinding>(mine.spec).subjects;
      subjects.insert(subjects.end(), binding->subjects.begin(), binding->subjects.end());
    } else if (!std::holds_alternative<Role>(theirs.spec)) {
      throw std::logic_error("internal error: two threads of lowering made the same object");
    }
    mine.origins.insert(mine.origins.end(), theirs.origins.begin(), theirs.origins.end());
  }
  other.objects_.clear();
  if (other.audit_policy_) audit_policy_ = std::move(other.audit_policy_);
}

namespace {

// Below this many rules a second thread costs more than it saves.
constexpr size_t kParallelRules = 2000;
// API rules are shared out between the threads this many at a time.
constexpr size_t kChunkRules = 256;

// The mesh's objects and the audit policy. Its passes make kinds of
// objects the RBAC passes never make (PeerAuthentication,
// AuthorizationPolicy, RequestAuthentication, Telemetry) and report codes
// they never report, so the sorted diagnostics do not depend on which ran
// first.
void LowerMesh(Lowering& l) {
  LowerNamespaces(l);
  LowerCallRules(l);
  LowerRequestAuthentications(l);
  LowerAuditPolicy(l);
  LowerCallAudits(l);
}

// On two threads: this one makes the ServiceAccounts, a second one the
// mesh's objects, and then both take chunks of the API rules until none
// are left (all of them the second, if it ran here for want of a thread). Each chunk reports into its own list, appended in rule order,
// so the diagnostics come out as on one thread; the two threads' Roles and
// bindings are merged (Absorb), and run rules, which may add to them, are
// lowered last, on the merged objects.
Output LowerOnTwoThreads(const sema::Program& program, const LowerOptions& options,
                         diag::DiagnosticList& diags) {
  diag::DiagnosticList own_diags, mesh_diags, run_diags;
  Lowering own(program, options, own_diags);
  Lowering second(program, options, mesh_diags);
  size_t rules = program.api_rules.size();
  std::vector<diag::DiagnosticList> chunk_diags((rules + kChunkRules - 1) / kChunkRules);
  std::atomic<size_t> next_chunk{0};
  auto take_chunks = [&](Lowering& l) {
    ApiRuleLowering api(l);
    for (size_t c; (c = next_chunk.fetch_add(1)) < chunk_diags.size();) {
      l.ReportInto(chunk_diags[c]);
      api.Lower(c * kChunkRules, std::min(rules, (c + 1) * kChunkRules));
    }
  };
  base::SideThread helper([&] {
    try {
      LowerMesh(second);
      take_chunks(second);
    } catch (...) {
      next_chunk = chunk_diags.size();  // this thread stops too
      throw;
    }
  });
  try {
    LowerServiceAccounts(own);
    take_chunks(own);
  } catch (...) {
    next_chunk = chunk_diags.size();
    throw;  // the helper is joined as it goes out of scope
  }
  helper.Join();
  own.Absorb(std::move(second));
  own.ReportInto(run_diags);
  LowerPipelines(own);
  diags.append(own_diags);
  for (const diag::DiagnosticList& chunk : chunk_diags) diags.append(chunk);
  diags.append(mesh_diags);
  diags.append(run_diags);
  return own.Finish();
}

}  // namespace

Output Lower(const sema::Program& program, const LowerOptions& options, diag::DiagnosticList& diags) {
  if (options.threads > 1 && program.api_rules.size() + program.call_rules.size() >= kParallelRules) {
    return LowerOnTwoThreads(program, options, diags);
  }
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
