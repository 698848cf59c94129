// What rules mean in Kubernetes terms, shared by lowering, the deny guard
// and the evaluators: an action (optionally limited to an app's objects)
// as RBAC grants, and a subject as the Kubernetes identities it stands for.
#pragma once

#include <string>
#include <vector>

#include "compiler/sema/program.h"

namespace stave::sema {

// One verb on one resource (`deployments/scale` in group `apps`), on the
// named objects or, when `names` is empty, on every object.
struct Grant {
  base::Interned group;
  base::Interned resource;  // with the subresource: "deployments/scale"
  base::Interned verb;
  std::vector<std::string> names;  // sorted; empty: all objects
  SymbolId resource_symbol = kNoSymbol;

  friend bool operator==(const Grant&, const Grant&) = default;
};

// Verbs RBAC can only grant on a whole resource: `resourceNames` does not
// limit them (they act on no single named object).
bool IsUnnamedVerb(const std::string& verb);

// The grants of `action`; with an app, limited to the app's objects
// (spec §5.1): named verbs get the objects' names, the unnamed four the
// whole resource, and resources the app has no objects of are left out.
std::vector<Grant> ActionGrants(const Program& p, SymbolId action, SymbolId app = kNoSymbol);

// Sets each API and audit rule's `grants`, one expansion per distinct
// (action, app); a rule whose action did not resolve gets none.
void ExpandRuleGrants(Program& p);

// What `allow S to run P` grants in P's namespace (spec §5.3): create and
// patch PipelineRuns; get, list, watch PipelineRuns and TaskRuns; get,
// list, watch pods; get pods/log; and (v0.4) get on the Pipeline itself,
// limited to its Kubernetes name `pipeline`.
std::vector<Grant> RunGrants(const std::string& pipeline);

// A Kubernetes identity as RBAC sees it.
struct Identity {
  enum class Kind { User, Group, ServiceAccount } kind;
  std::string ns;  // ServiceAccount only
  std::string name;

  friend auto operator<=>(const Identity&, const Identity&) = default;
  std::string ToString() const;  // "group `payments-devs`"
};

// A user, a group, each account of a serviceaccount, or an app's
// serviceaccount in the app's namespaces. Sorted.
std::vector<Identity> Identities(const Program& p, SymbolId subject);

// Istio principals (`TD/ns/NS/sa/NAME`) of a serviceaccount or app.
std::vector<std::string> Principals(const Program& p, SymbolId source, const std::string& trust_domain);

// Ordering of verbs in emitted rules: spec §4's order, then others sorted.
bool VerbLess(const std::string& a, const std::string& b);

}  // namespace stave::sema
