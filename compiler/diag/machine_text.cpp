// Shared text of the machine formats.
#include "compiler/diag/machine_text.h"

#include <fmt/format.h>
#include <llvm/Support/xxhash.h>

namespace stave::diag {

std::string FlatMessage(const Diagnostic& d) {
  std::string message = d.message;
  if (!d.primary.message.empty()) message += ": " + d.primary.message;
  for (const Note& n : d.notes) {
    if (!n.span.valid()) message += "\nnote: " + n.message;
  }
  for (const std::string& h : d.help) message += "\nhelp: " + h;
  return message;
}

std::string Fingerprints::Next(std::string_view rule, const base::SourceSet* sources, base::Span span,
                               std::string_view message) {
  std::string key = fmt::format("{}\x1f{}\x1f", rule, message);
  if (sources != nullptr && span.valid()) {
    const base::SourceFile& f = sources->file(span.file);
    std::string_view text = f.text().substr(span.begin, span.end - span.begin);
    key += fmt::format("{}\x1f{}", f.path(), text);
  }
  uint64_t hash = llvm::xxHash64(key);
  return fmt::format("{:016x}:{}", hash, ++seen_[hash]);
}

}  // namespace stave::diag
