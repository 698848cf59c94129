// `stave fmt`: the canonical layout of a policy file (docs/formatting.md),
// printed from the AST with every comment kept where it was. Idempotent,
// and meaning-preserving: the formatted program lowers to the same bytes.
#pragma once

#include <optional>
#include <string>

#include "compiler/base/source.h"
#include "compiler/syntax/ast.h"

namespace stave::formatter {

// The formatted text of `file`, or nullopt when the file has syntax errors
// (such a file is reported and left untouched).
std::optional<std::string> FormatFile(const syntax::File& file, const base::SourceFile& source);

}  // namespace stave::formatter
