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
      : p_(p), options_(options), diags_(&diags) {}

  const sema::Program& program() const { return p_; }
  const LowerOptions& options() const { return options_; }
  diag::DiagnosticList& diags() { return *diags_; }
  // Where the passes report from now on (Lower keeps each chunk of rules'
  // diagnostics apart, to append them in rule order).
  void ReportInto(diag::DiagnosticList& diags) { diags_ = &diags; }

  // The object of this kind, namespace and name, created on first use.
  Object& Get(Kind kind, const std::string& ns, const std::string& name);
  // Takes `other`'s objects and audit policy. An object both made is a Role
  // or a binding of API rules lowered on two threads: the same rules (one
  // expansion of the same action and app), with the origins and subjects
  // of both.
  void Absorb(Lowering&& other);
  Output Finish();
  // The audit policy file (spec §14); set by LowerAuditPolicy.
  std::optional<AuditPolicy>& audit_policy() { return audit_policy_; }

 private:
  const sema::Program& p_;
  const LowerOptions& options_;
  diag::DiagnosticList* diags_;
  // Ordered by namespace, kind, name. A key views the namespace and name
  // of its own node's object (Get sets it so): the node owns one copy of
  // each string instead of two, and a lookup copies none. Map nodes never
  // move, not when merged into another map either, so the views stay
  // valid for as long as the node is in a map.
  using KeyView = std::tuple<std::string_view, Kind, std::string_view>;
  std::map<KeyView, Object> objects_;
  std::optional<AuditPolicy> audit_policy_;
};

void LowerServiceAccounts(Lowering& l);

// Allow API rules as Roles and bindings (rbac.cpp), a range of
// `program().api_rules` at a time. Keeps the PolicyRules of each grants
// expansion it met, so that rules lowered chunk by chunk build each once.
class ApiRuleLowering {
 public:
  explicit ApiRuleLowering(Lowering& l) : l_(l) {}
  void Lower(size_t begin, size_t end);

 private:
  struct Expansion {
    std::shared_ptr<const std::vector<PolicyRule>> rules;  // shared by the Roles
    std::string unnamed;  // N0601's list
  };
  Lowering& l_;
  std::map<const std::vector<sema::Grant>*, Expansion> expansions_;
};
void LowerApiRules(Lowering& l);  // all of them
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
