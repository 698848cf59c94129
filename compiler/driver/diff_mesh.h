// `stave diff`'s mesh requests that change: requests that one version's
// objects admit and the other's refuse, asked of both through eval's
// MeshAuthorizer (access/mesh_compare.h, as `stave drift` asks them). The
// rows of access/permissions.h say which policy rules changed; these say
// what that does to callers.
#pragma once

#include <string>
#include <vector>

#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::driver {

struct MeshDecisionChange {
  char sign;          // '+': admitted now, refused before; '-': the reverse
  std::string scope;  // the callee's namespace
  std::string source;     // "serviceaccount shop/web", "any workload of namespace shop", "plaintext callers"
  std::string workloads;  // "pods app=api"
  std::vector<std::string> examples;  // requests, at most 3
  std::string decided_by;  // what admits them on the admitting side
};

// One side of a diff: its program and objects (both null for an empty base).
struct DiffSide {
  const sema::Program* program = nullptr;
  const lower::Output* output = nullptr;
};

// Sorted by scope, source, workloads, sign.
std::vector<MeshDecisionChange> MeshDecisionChanges(const DiffSide& before, const DiffSide& after,
                                                    const std::string& trust_domain);

}  // namespace stave::driver
