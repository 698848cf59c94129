// Words of the language the server needs as data: reserved words (spec §3),
// which names may not be, and what a valid identifier is.
#pragma once

#include <string_view>
#include <vector>

namespace stave::lsp {

// The reserved words of spec §3.
const std::vector<std::string_view>& ReservedWords();
bool IsReservedWord(std::string_view word);
// `[A-Za-z_][A-Za-z0-9_-]*`, not ending in `-` (spec §3).
bool IsIdentifier(std::string_view word);

}  // namespace stave::lsp
