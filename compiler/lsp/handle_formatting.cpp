// textDocument/formatting: the canonical layout of `stave fmt`, as one edit
// replacing the whole document when it changes anything; no edit for a file
// with syntax errors (the formatter leaves those alone).
#include "compiler/fmt/format.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleFormatting(Server& s, const DocumentFormattingParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Value(nullptr);
  if (doc->syntax.has_syntax_errors) return json::Array{};
  const base::SourceFile& source = doc->source;
  std::optional<std::string> formatted = formatter::FormatFile(doc->syntax, source);
  if (!formatted || *formatted == source.text()) return json::Array{};
  Range whole{Position{0, 0}, a.ToPosition(doc->file, static_cast<uint32_t>(source.text().size()))};
  return json::Array{TextEdit{whole, std::move(*formatted)}};
}

}  // namespace stave::lsp
