// Maps raw lexer output to what the AST and diagnostics need: byte offsets
// for ANTLR's code-point indices, friendly token names, string unescaping.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/base/span.h"
#include "compiler/diag/diagnostic.h"

namespace antlr4 {
class Token;
namespace dfa {
class Vocabulary;
}
}

namespace stave::syntax::internal {

// ANTLR indexes code points; spans are byte offsets. For ASCII text the
// table is skipped and the mapping is the identity.
class OffsetMap {
 public:
  explicit OffsetMap(std::string_view text);
  uint32_t byte_offset(size_t code_point_index) const {
    if (ascii_) return static_cast<uint32_t>(code_point_index);
    return code_point_index < offsets_.size() ? offsets_[code_point_index] : size_;
  }

 private:
  bool ascii_ = true;
  uint32_t size_ = 0;
  std::vector<uint32_t> offsets_;
};

// The span of a token, or an empty span at `fallback` for a token the
// parser conjured during recovery.
base::Span TokenSpan(const antlr4::Token* token, const OffsetMap& map, base::FileId file);

// "`to`", "a name", "a string", "end of file".
std::string FriendlyTokenName(size_t token_type, const antlr4::dfa::Vocabulary& vocab);

// Resolves the escapes of a string token's text (quotes included or, for an
// unterminated string, only the opening one); bad escapes are reported.
std::string Unescape(std::string_view token_text, base::Span span, diag::DiagnosticList& diags);

}  // namespace stave::syntax::internal
