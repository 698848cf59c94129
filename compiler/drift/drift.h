// `stave drift`'s comparison (spec §15): the objects a program emits
// against a cluster dump, in the namespaces the program declares and at
// cluster scope. Pure: the driver reads the dump and prints the findings.
#pragma once

#include <string>
#include <vector>

#include "compiler/kube/objects.h"
#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::drift {

enum class FindingKind { Missing, Changed, Excess, Stale };
const char* FindingName(FindingKind kind);  // "missing", "changed", "excess", "stale"

struct Finding {
  FindingKind kind;
  std::string scope;    // a namespace's Kubernetes name, or "cluster"
  std::string object;   // "RoleBinding ci/stave:view"; for excess, the granting object
  std::string message;  // one line
  std::vector<std::string> details;  // changed fields, the requests granted, the trace
  kube::Origin origin;  // where in the dump (none for missing objects)
  // The declaration or rule behind a missing or changed object: where a
  // report with no place in the dump points (SARIF and Code Climate need
  // a location for every result).
  base::Span policy;
};

struct Report {
  std::vector<Finding> findings;  // sorted by scope, kind, object, message
  std::vector<std::string> namespaces;  // compared, sorted
};

Report Compare(const sema::Program& program, const lower::Output& emitted,
               const std::vector<kube::ClusterObject>& dump, const std::string& trust_domain);

}  // namespace stave::drift
