// Compiler diagnostics as LSP diagnostics: UTF-16 ranges, severities,
// codes, help lines in the message, labels and notes as related information.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/lsp/analysis.h"
#include "compiler/lsp/protocol.h"

namespace stave::lsp {

using UriOfFile = std::function<std::optional<std::string>(base::FileId)>;

Diagnostic ToLspDiagnostic(const diag::Diagnostic& d, const Analysis& analysis,
                           const UriOfFile& uri_of);

}  // namespace stave::lsp
