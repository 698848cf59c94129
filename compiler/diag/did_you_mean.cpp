// Suggestion search over llvm::StringRef::edit_distance.
#include "compiler/diag/did_you_mean.h"

#include <llvm/ADT/StringRef.h>

namespace stave::diag {

std::optional<std::string> ClosestMatch(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  // About one edit per three characters: `prdo` finds `prod`, `a` finds nothing.
  unsigned limit = std::max<unsigned>(1, (static_cast<unsigned>(name.size()) + 2) / 3);
  std::optional<std::string> best;
  unsigned best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == name) continue;
    unsigned d = llvm::StringRef(c).edit_distance(llvm::StringRef(name.data(), name.size()),
                                                  /*AllowReplacements=*/true, limit);
    if (d < best_distance || (d == best_distance && best && c < *best)) {
      best_distance = d;
      best = c;
    }
  }
  if (best_distance > limit) return std::nullopt;
  return best;
}

}  // namespace stave::diag
