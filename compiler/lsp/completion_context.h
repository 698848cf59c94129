// What completion should offer at a cursor, decided from the text before
// it (the parser's tokens and a few states per construct, since the text
// being typed rarely parses): names of which kinds, which keywords, verbs,
// or nothing. Pure, so the decisions are unit tested on strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/syntax/ast.h"

namespace stave::lsp {

struct CompletionContext {
  std::vector<syntax::DeclKind> kinds;  // declared names of these kinds
  std::vector<std::string> keywords;
  bool verbs = false;           // Kubernetes verbs (sema::KnownVerbs)
  bool http_methods = false;
  bool protocols = false;       // port protocols
  bool condition_keys = false;  // Istio `when` keys
  bool packages = false;        // after `import`
  // `pkg.` before the word: only names under that prefix.
  std::optional<std::string> qualifier;
  uint32_t word_begin = 0;  // where the partial word under the cursor starts
  std::string word;         // the partial word itself

  bool empty() const {
    return kinds.empty() && keywords.empty() && !verbs && !http_methods && !protocols &&
           !condition_keys && !packages;
  }
};

// `offset` is a byte offset into `text` (the cursor).
CompletionContext AnalyzeCompletion(std::string_view text, uint32_t offset);

// Keywords that start a top-level item.
const std::vector<std::string>& TopLevelKeywords();

}  // namespace stave::lsp
