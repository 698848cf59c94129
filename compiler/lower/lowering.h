// State shared by the lowering passes: the objects built so far, keyed so
// that iteration order is output order (cluster scope first, then
// namespaces by name; kind; name).
#pragma once

#include <map>
#include <string_view>
#include <tuple>

#include "compiler/lower/lower.h"
#include "compiler/sema/grants.h"

namespace stave::lower {

class Lowering {
 public:
  Lowering(const sema::Program& p, const LowerOptions& options, diag::DiagnosticList& diags)
      : p_(p), options_(options), diags_(diags) {}

  const sema::Program& program() const { return p_; }
  const LowerOptions& options() const { return options_; }
  diag::DiagnosticList& diags() { return diags_; }

  // The object of this kind, namespace and name, created on first use with
  // the labels every stave object carries.
  Object& Get(Kind kind, const std::string& ns, const std::string& name);
  // Takes `other`'s objects and audit policy; the two made disjoint kinds
  // of objects (Lower's two halves).
  void Absorb(Lowering&& other);
  Output Finish();
  // The audit policy file (spec §14); set by LowerAuditPolicy.
  std::optional<AuditPolicy>& audit_policy() { return audit_policy_; }

 private:
  const sema::Program& p_;
  const LowerOptions& options_;
  diag::DiagnosticList& diags_;
  std::map<std::tuple<std::string, Kind, std::string>, Object, std::less<>> objects_;
  std::optional<AuditPolicy> audit_policy_;
};

void LowerServiceAccounts(Lowering& l);
void LowerApiRules(Lowering& l);
void LowerCallRules(Lowering& l);
void LowerNamespaces(Lowering& l);
void LowerPipelines(Lowering& l);
void LowerRequestAuthentications(Lowering& l);  // request_authn.cpp
void LowerAuditPolicy(Lowering& l);  // API audit rules (audit.cpp)
void LowerCallAudits(Lowering& l);   // call audit rules: AUDIT policies, Telemetry (istio.cpp)

// RBAC rules from grants: resources of one group with the same verbs and
// names share a rule (spec §8).
std::vector<PolicyRule> BuildPolicyRules(const std::vector<sema::Grant>& grants);
RbacSubject ToSubject(const sema::Identity& id);

}  // namespace stave::lower
