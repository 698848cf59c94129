// Mesh access that one set of objects admits and another refuses, asked of
// both through eval's MeshAuthorizer: `stave drift` (the cluster against
// the program) and `stave diff` (one version against the other) compare
// mesh access with it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compiler/access/access.h"

namespace stave::access {

// A caller: an mTLS peer `TD/ns/NS/sa/NAME` of namespace NS.
struct MeshSource {
  std::string principal, ns;
};

// The callers drift and diff ask about: each serviceaccount (namespace,
// name) given, then for each namespace a serviceaccount no namespace has,
// which only namespace-wide grants admit: it stands for any workload there.
std::vector<MeshSource> DeclaredMeshSources(const std::set<std::pair<std::string, std::string>>& accounts,
                                            const std::set<std::string>& namespaces,
                                            const std::string& trust_domain);

// "serviceaccount NS/NAME", "any workload of namespace NS", or "plaintext
// callers" (no principal); a source that stands for others says so.
std::string MeshSourceText(const MeshSource& source, bool stands_for_others);

// Requests from one source to one workload that `admits` admits and
// `refuses` refuses, grouped by what decided on the admitting side (a
// policy and rule, or nothing: no ALLOW policy selects the workload).
struct MeshAdmission {
  Workload workload;
  size_t source;                   // index into the sources given
  bool stands_for_others = false;  // the source stands for every one the policies do not name
  const lower::Object* object = nullptr;
  std::optional<size_t> rule;
  std::vector<std::string> examples;  // at most 3, DescribeOperation
};

// Asks, for every workload of `namespaces` (the workloads are the
// selectors of both sides), every source a policy of its namespace tells
// apart (by principal or namespace, in a rule's `from` or a
// `source.principal` / `source.namespace` condition, exactly or by
// pattern), every source of the workload's own namespace, and, standing
// for all the others, the first one none of that names; up to
// `probes_per_pair` requests each (MeshProbes). Sources no policy names
// are decided alike, so they are asked once and share the answer.
std::vector<MeshAdmission> MeshAdmittedOnlyBy(const lower::Output& admits, const lower::Output& refuses,
                                              const std::vector<MeshSource>& sources,
                                              const std::set<std::string>& namespaces, size_t probes_per_pair);

}  // namespace stave::access
