// textDocument/formatting: the canonical layout of `stave fmt`, as one edit
// replacing the whole document when it changes anything; no edit for a file
// with syntax errors (the formatter leaves those alone).
#include "compiler/fmt/format.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleFormatting(Server& s, const json::Value& params) {
  auto p = ParseParams<TextDocumentParams>(params);
  if (!p) return p.takeError();
  const Analysis& a = s.analysis();
  base::FileId file = a.FileOf(DocumentPath(p->textDocument.uri));
  if (file == base::kNoFile) return json::Value(nullptr);
  const syntax::File& tree = a.syntax(file);
  if (tree.has_syntax_errors) return json::Array{};
  const base::SourceFile& source = a.file(file);
  std::optional<std::string> formatted = formatter::FormatFile(tree, source);
  if (!formatted || *formatted == source.text()) return json::Array{};
  Range whole{Position{0, 0}, a.ToPosition(file, static_cast<uint32_t>(source.text().size()))};
  return json::Array{TextEdit{whole, std::move(*formatted)}};
}

}  // namespace stave::lsp
