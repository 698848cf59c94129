// What the machine formats (GitHub commands, SARIF, Code Climate, JUnit)
// share: a diagnostic as one message, and fingerprints that identify a
// finding across runs even when lines above it move.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"

namespace stave::diag {

// The message, its primary label, the notes that have no location (they
// would otherwise be lost) and the help lines.
std::string FlatMessage(const Diagnostic& d);

// Fingerprints from the rule, the file, the message and the text under the
// span, never the line number; equal findings are numbered in order.
class Fingerprints {
 public:
  std::string Next(std::string_view rule, const base::SourceSet* sources, base::Span span,
                   std::string_view message);

 private:
  std::map<uint64_t, int> seen_;
};

}  // namespace stave::diag
