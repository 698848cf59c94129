// Reserved words and identifiers (keywords.h).
#include "compiler/lsp/keywords.h"

#include <algorithm>

namespace stave::lsp {

const std::vector<std::string_view>& ReservedWords() {
  static const std::vector<std::string_view> words = {
      "package", "import", "as",  "namespace", "user", "group", "serviceaccount",
      "resource", "action", "app", "pipeline", "allow", "deny", "to", "in", "call", "run",
      "test", "expect", "any", "authenticated", "cluster"};
  return words;
}

bool IsReservedWord(std::string_view word) {
  const auto& words = ReservedWords();
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool IsIdentifier(std::string_view word) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (word.empty() || !letter(word.front()) || word.back() == '-') return false;
  return std::all_of(word.begin(), word.end(),
                     [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace stave::lsp
