// "Did you mean" suggestions by edit distance, among the candidates a caller
// passes (names of the kind the position wants).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stave::diag {

// The closest candidate within a distance that grows with the name's length,
// or nothing. Ties go to the candidate that sorts first, for determinism.
std::optional<std::string> ClosestMatch(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace stave::diag
